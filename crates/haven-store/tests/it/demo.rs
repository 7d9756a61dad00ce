//! Demo data: one account per role, loaded only into an empty store.

use haven_domain::Role;
use haven_store::demo::{DEMO_PASSWORD, DEMO_USERS};
use haven_store::password::verify_password;
use haven_store::testing::{self, TestStore};
use haven_store::ChainReport;

use crate::{count, create_user, verify};

/// How many rows each table that demo data writes holds.
async fn row_counts(t: &TestStore) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in [
        "user_account",
        "role_assignment",
        "change_log",
        "audit_event",
        "session",
        "api_token",
    ] {
        counts.push(count(t, &format!("SELECT COUNT(*) FROM {table}")).await);
    }
    counts
}

#[tokio::test]
async fn demo_data_gives_every_role_one_active_account_once() {
    for t in testing::all().await {
        assert!(t.store.is_empty().await.unwrap(), "{}", t.label);
        assert!(
            t.store.load_demo().await.unwrap(),
            "{}: the first load",
            t.label
        );
        assert!(!t.store.is_empty().await.unwrap(), "{}", t.label);

        let users = t.store.list_users().await.unwrap();
        assert_eq!(
            users.len(),
            Role::ALL.len(),
            "{}: one account per role",
            t.label
        );
        let mut roles_held = Vec::new();
        for user in &users {
            assert!(user.is_active(), "{}: {}", t.label, user.username);
            let assignments = t.store.role_assignments(user.id).await.unwrap();
            assert_eq!(assignments.len(), 1, "{}: {}", t.label, user.username);
            let assignment = &assignments[0];
            assert_eq!(
                assignment.revoked_at, None,
                "{}: {}",
                t.label, user.username
            );
            assert!(
                assignment.scope().is_some(),
                "{}: {}",
                t.label,
                user.username
            );
            roles_held.push(
                assignment
                    .role()
                    .unwrap_or_else(|| panic!("{}: unknown role", t.label)),
            );
        }
        for role in Role::ALL {
            let holders = roles_held.iter().filter(|held| **held == role).count();
            assert_eq!(holders, 1, "{}: accounts holding {role}", t.label);
        }
        let expected_events = 2 * Role::ALL.len() as i64;
        assert_eq!(
            verify(&t).await,
            ChainReport::Intact {
                events: expected_events
            },
            "{}",
            t.label
        );

        // Every demo account signs in with the demo password (checked once: it is slow).
        let (first, _, role, _) = DEMO_USERS[0];
        let (user, hash) = t.store.user_with_password(first).await.unwrap().unwrap();
        assert!(
            verify_password(DEMO_PASSWORD, &hash),
            "{}: {first}",
            t.label
        );
        assert_eq!(
            t.store.role_assignments(user.id).await.unwrap()[0].role(),
            Some(role),
            "{}",
            t.label
        );

        let before = row_counts(&t).await;
        assert!(
            !t.store.load_demo().await.unwrap(),
            "{}: the second load",
            t.label
        );
        assert_eq!(
            row_counts(&t).await,
            before,
            "{}: the second load wrote",
            t.label
        );
    }
}

#[tokio::test]
async fn demo_data_is_never_loaded_beside_real_accounts() {
    for t in testing::all().await {
        create_user(&t, "sokha").await;
        let before = row_counts(&t).await;
        assert!(!t.store.load_demo().await.unwrap(), "{}", t.label);
        assert_eq!(row_counts(&t).await, before, "{}", t.label);
    }
}
