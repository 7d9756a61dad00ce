//! Accounts and roles: creation, optimistic versions, disabling, passwords, roles,
//! and the change log and audit event every write appends.

use haven_domain::{Language, Role, Scope};
use haven_store::password::{hash_password, verify_password};
use haven_store::testing::{self, TestStore};
use haven_store::{
    Actor, AuditFilter, ChainReport, Id, SessionTimeouts, StoreError, Timestamp, User,
};

use crate::{
    admin, all_events, assert_v7, count, create_user, events, new_user, verify, FAKE_HASH,
};

const TIMEOUTS: SessionTimeouts = SessionTimeouts {
    idle_seconds: 1800,
    absolute_seconds: 12 * 3600,
};

/// The updates an account takes, each naming the version it read.
#[derive(Clone, Copy, Debug)]
enum Update {
    Disable,
    Enable,
    SetPassword,
    SetLanguage,
}

const UPDATES: [Update; 4] = [
    Update::Disable,
    Update::Enable,
    Update::SetPassword,
    Update::SetLanguage,
];

const NEW_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$bmV3c2FsdA$YW5vdGhlci1oYXNo";

async fn apply(
    t: &TestStore,
    actor: &Actor,
    update: Update,
    id: Id,
    version: i64,
) -> Result<User, StoreError> {
    let store = &t.store;
    match update {
        Update::Disable => store.disable_user(actor, id, version).await,
        Update::Enable => store.enable_user(actor, id, version).await,
        Update::SetPassword => store.set_password(actor, id, version, NEW_HASH).await,
        Update::SetLanguage => {
            store
                .set_user_language(actor, id, version, Language::Khmer)
                .await
        }
    }
}

/// What a read of a user gives, comparable.
type UserFields = (
    Id,
    Id,
    String,
    String,
    String,
    Option<Timestamp>,
    Timestamp,
    Timestamp,
    i64,
);

fn fields(user: &User) -> UserFields {
    (
        user.id,
        user.site_id,
        user.username.clone(),
        user.display_name.clone(),
        user.language.clone(),
        user.disabled_at,
        user.created_at,
        user.updated_at,
        user.version,
    )
}

async fn password_hash_of(t: &TestStore, username: &str) -> String {
    let (_, hash) = t
        .store
        .user_with_password(username)
        .await
        .unwrap()
        .unwrap_or_else(|| {
            panic!("{}: no account {username}", t.label);
        });
    hash
}

#[tokio::test]
async fn a_new_user_is_stored_normalised_and_reads_back() {
    // (username typed, username stored, display name typed, display name stored, language)
    let cases = [
        (
            " Sokha.Chan ",
            "sokha.chan",
            "Sokha Chan",
            "Sokha Chan",
            Language::English,
        ),
        (
            "NURSE_01",
            "nurse_01",
            "  Re\u{301}my ",
            "R\u{e9}my",
            Language::Khmer,
        ),
        ("dara-k", "dara-k", "ម៉ៅ សុភា", "ម៉ៅ សុភា", Language::Khmer),
    ];
    for t in testing::all().await {
        let actor = admin();
        for (typed, stored, display_typed, display_stored, language) in cases {
            let mut new = new_user(typed, display_typed);
            new.language = language;
            let created = t.store.create_user(&actor, new).await.unwrap();
            let label = format!("{}: {typed:?}", t.label);
            assert_eq!(created.username, stored, "{label}");
            assert_eq!(created.display_name, display_stored, "{label}");
            assert_eq!(created.language(), language, "{label}");
            assert_eq!(created.version, 1, "{label}");
            assert!(created.is_active(), "{label}");
            assert_eq!(created.disabled_at, None, "{label}");

            let by_id = t.store.user(created.id).await.unwrap();
            assert_eq!(fields(&by_id), fields(&created), "{label}");
            let by_name = t.store.user_by_username(stored).await.unwrap();
            assert_eq!(fields(&by_name), fields(&created), "{label}");
            assert_eq!(password_hash_of(&t, stored).await, FAKE_HASH, "{label}");
        }
        let listed: Vec<String> = t
            .store
            .list_users()
            .await
            .unwrap()
            .into_iter()
            .map(|u| u.username)
            .collect();
        assert_eq!(listed, ["dara-k", "nurse_01", "sokha.chan"], "{}", t.label);
    }
}

#[tokio::test]
async fn unknown_users_are_not_found() {
    for t in testing::all().await {
        assert!(
            matches!(
                t.store.user(Id::new()).await,
                Err(StoreError::NotFound { entity: "user" })
            ),
            "{}",
            t.label
        );
        assert!(
            matches!(
                t.store.user_by_username("nobody").await,
                Err(StoreError::NotFound { entity: "user" })
            ),
            "{}",
            t.label
        );
        assert!(
            t.store
                .user_with_password("nobody")
                .await
                .unwrap()
                .is_none(),
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn records_carry_v7_ids_site_times_and_who() {
    for t in testing::all().await {
        let actor = admin();
        let user = t
            .store
            .create_user(&actor, new_user("sokha", "Sokha"))
            .await
            .unwrap();
        let site = t.store.site_id();
        assert_v7(&t, "a user", user.id);
        assert_v7(&t, "the site", site);
        assert_eq!(user.site_id, site, "{}", t.label);
        assert_eq!(user.created_at, user.updated_at, "{}", t.label);
        let who = format!(
            "SELECT COUNT(*) FROM user_account WHERE id = '{}' AND site_id = '{site}'
             AND created_by = '{}' AND updated_by = '{}'",
            user.id, actor.id, actor.id
        );
        assert_eq!(
            count(&t, &who).await,
            1,
            "{}: site and who of a new user",
            t.label
        );

        let role = t
            .store
            .assign_role(
                &actor,
                user.id,
                Role::Doctor,
                &Scope::Facility("f1".to_owned()),
            )
            .await
            .unwrap();
        assert_v7(&t, "a role assignment", role.id);
        let role_site = format!(
            "SELECT COUNT(*) FROM role_assignment WHERE id = '{}' AND site_id = '{site}'
             AND created_by = '{}'",
            role.id, actor.id
        );
        assert_eq!(
            count(&t, &role_site).await,
            1,
            "{}: site of a role assignment",
            t.label
        );

        let (_, token) = t
            .store
            .create_api_token(&actor, user.id, "laptop")
            .await
            .unwrap();
        assert_v7(&t, "an API token", token.id);
        let token_site = format!(
            "SELECT COUNT(*) FROM api_token WHERE id = '{}' AND site_id = '{site}'",
            token.id
        );
        assert_eq!(
            count(&t, &token_site).await,
            1,
            "{}: site of an API token",
            t.label
        );

        for event in all_events(&t).await {
            assert_v7(&t, "an audit event", event.id);
        }
        let foreign = format!(
            "SELECT COUNT(*) FROM change_log WHERE site_id <> '{site}' OR changed_by <> '{}'",
            actor.id
        );
        assert_eq!(
            count(&t, &foreign).await,
            0,
            "{}: change log site and author",
            t.label
        );

        // Another actor updates: updated_by follows, created_by stays.
        let other = admin();
        let updated = t.store.disable_user(&other, user.id, 1).await.unwrap();
        assert_eq!(updated.created_at, user.created_at, "{}", t.label);
        assert!(updated.updated_at >= user.updated_at, "{}", t.label);
        let who = format!(
            "SELECT COUNT(*) FROM user_account WHERE id = '{}' AND created_by = '{}' AND updated_by = '{}'",
            user.id, actor.id, other.id
        );
        assert_eq!(count(&t, &who).await, 1, "{}: who updated", t.label);
    }
}

#[tokio::test]
async fn a_taken_username_is_a_duplicate_and_writes_nothing() {
    // The same username as typed by others: it is normalised before it is compared.
    let cases = ["sokha", "SOKHA", "  Sokha ", "SoKhA"];
    for t in testing::all().await {
        create_user(&t, "sokha").await;
        for typed in cases {
            let result = t
                .store
                .create_user(&admin(), new_user(typed, "Someone Else"))
                .await;
            assert!(
                matches!(result, Err(StoreError::Duplicate { field: "username" })),
                "{}: {typed:?} gave {result:?}",
                t.label
            );
        }
        for table in ["user_account", "change_log", "audit_event"] {
            let sql = format!("SELECT COUNT(*) FROM {table}");
            assert_eq!(count(&t, &sql).await, 1, "{}: {table}", t.label);
        }
        assert_eq!(
            verify(&t).await,
            ChainReport::Intact { events: 1 },
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn each_write_appends_one_change_and_one_audit_event() {
    // (update, the audit action it appends; None when it appends none)
    let steps = [
        (Update::Disable, Some("user_disable")),
        (Update::Enable, Some("user_enable")),
        (Update::SetPassword, Some("user_password_reset")),
        (Update::SetLanguage, Some("user_language")),
    ];
    for t in testing::all().await {
        let actor = admin();
        let user = t
            .store
            .create_user(&actor, new_user("sokha", "Sokha"))
            .await
            .unwrap();
        let changes_of_user = format!(
            "SELECT COUNT(*) FROM change_log WHERE entity = 'user' AND entity_id = '{}'",
            user.id
        );
        assert_eq!(count(&t, &changes_of_user).await, 1, "{}: create", t.label);
        let created_version = format!(
            "SELECT COUNT(*) FROM change_log WHERE entity = 'user' AND entity_id = '{}' AND version = 1",
            user.id
        );
        assert_eq!(count(&t, &created_version).await, 1, "{}: create", t.label);
        let newest = &all_events(&t).await[0];
        assert_eq!(
            (
                newest.action.as_str(),
                newest.entity.as_str(),
                newest.entity_id.clone()
            ),
            ("user_create", "user", user.id.to_string()),
            "{}",
            t.label
        );

        let mut version = 1;
        for (update, action) in steps {
            let label = format!("{}: {update:?} of version {version}", t.label);
            let changes = count(&t, "SELECT COUNT(*) FROM change_log").await;
            let audits = count(&t, "SELECT COUNT(*) FROM audit_event").await;
            let updated = apply(&t, &actor, update, user.id, version).await.unwrap();
            version += 1;
            assert_eq!(updated.version, version, "{label}");
            assert_eq!(
                count(&t, "SELECT COUNT(*) FROM change_log").await,
                changes + 1,
                "{label}"
            );
            let latest = format!(
                "SELECT version FROM change_log WHERE entity = 'user' AND entity_id = '{}'
                 ORDER BY sequence DESC LIMIT 1",
                user.id
            );
            assert_eq!(
                count(&t, &latest).await,
                version,
                "{label}: change log version"
            );
            let by = format!(
                "SELECT COUNT(*) FROM change_log WHERE entity_id = '{}' AND version = {version}
                 AND changed_by = '{}' AND site_id = '{}'",
                user.id,
                actor.id,
                t.store.site_id()
            );
            assert_eq!(
                count(&t, &by).await,
                1,
                "{label}: change log author and site"
            );

            let audits_after = count(&t, "SELECT COUNT(*) FROM audit_event").await;
            match action {
                Some(action) => {
                    assert_eq!(audits_after, audits + 1, "{label}");
                    let found = events(
                        &t,
                        &AuditFilter {
                            action: Some(action.to_owned()),
                            entity_id: Some(user.id.to_string()),
                            limit: 10,
                            ..AuditFilter::default()
                        },
                    )
                    .await;
                    assert_eq!(found.len(), 1, "{label}: {action} events");
                    let event = &found[0];
                    assert_eq!(event.entity, "user", "{label}");
                    assert_eq!(event.actor_id, actor.id, "{label}");
                    assert_eq!(event.actor_username, actor.username, "{label}");
                    assert_eq!(event.address, actor.address, "{label}");
                }
                None => assert_eq!(audits_after, audits, "{label}"),
            }
        }
        assert_eq!(
            verify(&t).await,
            ChainReport::Intact { events: 5 },
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn an_update_naming_a_stale_version_is_a_conflict_and_changes_nothing() {
    for t in testing::all().await {
        for update in UPDATES {
            let label = format!("{}: {update:?}", t.label);
            let actor = admin();
            let username = format!("user-{}", format!("{update:?}").to_lowercase());
            let user = create_user(&t, &username).await;
            // Two admins read version 1; the first writes and makes version 2.
            let first = t
                .store
                .set_user_language(&actor, user.id, 1, Language::Khmer)
                .await
                .unwrap();
            assert_eq!(first.version, 2, "{label}");
            let changes = count(&t, "SELECT COUNT(*) FROM change_log").await;
            let audits = count(&t, "SELECT COUNT(*) FROM audit_event").await;
            let sessions_before = t.store.create_session(user.id, TIMEOUTS).await.unwrap().0;

            for stale in [1, 3, 99] {
                let result = apply(&t, &actor, update, user.id, stale).await;
                assert!(
                    matches!(result, Err(StoreError::Conflict { entity: "user" })),
                    "{label} naming version {stale} gave {result:?}"
                );
            }

            let now = t.store.user(user.id).await.unwrap();
            assert_eq!(fields(&now), fields(&first), "{label}: the user changed");
            assert_eq!(password_hash_of(&t, &username).await, FAKE_HASH, "{label}");
            assert_eq!(
                count(&t, "SELECT COUNT(*) FROM change_log").await,
                changes,
                "{label}"
            );
            assert_eq!(
                count(&t, "SELECT COUNT(*) FROM audit_event").await,
                audits,
                "{label}"
            );
            assert!(
                t.store
                    .active_session(&sessions_before, TIMEOUTS)
                    .await
                    .unwrap()
                    .is_some(),
                "{label}: a refused update ended a session"
            );
        }
        assert!(
            matches!(verify(&t).await, ChainReport::Intact { .. }),
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn updating_an_unknown_user_is_not_found() {
    for t in testing::all().await {
        for update in UPDATES {
            let result = apply(&t, &admin(), update, Id::new(), 1).await;
            assert!(
                matches!(result, Err(StoreError::NotFound { entity: "user" })),
                "{}: {update:?} gave {result:?}",
                t.label
            );
        }
        assert_eq!(
            count(&t, "SELECT COUNT(*) FROM change_log").await,
            0,
            "{}",
            t.label
        );
        assert_eq!(
            count(&t, "SELECT COUNT(*) FROM audit_event").await,
            0,
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn disabling_ends_sessions_at_once_and_enabling_lets_the_user_back() {
    for t in testing::all().await {
        let actor = admin();
        let user = create_user(&t, "sokha").await;
        let other = create_user(&t, "dara").await;
        let (phone, _) = t.store.create_session(user.id, TIMEOUTS).await.unwrap();
        let (laptop, _) = t.store.create_session(user.id, TIMEOUTS).await.unwrap();
        let (others, _) = t.store.create_session(other.id, TIMEOUTS).await.unwrap();
        assert!(
            t.store
                .active_session(&phone, TIMEOUTS)
                .await
                .unwrap()
                .is_some(),
            "{}",
            t.label
        );

        let disabled = t.store.disable_user(&actor, user.id, 1).await.unwrap();
        assert!(!disabled.is_active(), "{}", t.label);
        assert!(disabled.disabled_at.is_some(), "{}", t.label);
        assert_eq!(disabled.version, 2, "{}", t.label);
        let sessions = format!("SELECT COUNT(*) FROM session WHERE user_id = '{}'", user.id);
        assert_eq!(
            count(&t, &sessions).await,
            0,
            "{}: sessions left after disabling",
            t.label
        );
        for token in [&phone, &laptop] {
            assert!(
                t.store
                    .active_session(token, TIMEOUTS)
                    .await
                    .unwrap()
                    .is_none(),
                "{}",
                t.label
            );
        }
        assert!(
            t.store
                .active_session(&others, TIMEOUTS)
                .await
                .unwrap()
                .is_some(),
            "{}: disabling one account ended another's session",
            t.label
        );

        // Disabling again is refused: the account is already disabled.
        let again = t.store.disable_user(&actor, user.id, 2).await;
        assert!(
            matches!(again, Err(StoreError::Conflict { entity: "user" })),
            "{}: {again:?}",
            t.label
        );
        let listed: Vec<String> = t
            .store
            .list_users()
            .await
            .unwrap()
            .into_iter()
            .map(|u| u.username)
            .collect();
        assert_eq!(
            listed,
            ["dara", "sokha"],
            "{}: active accounts first",
            t.label
        );

        let enabled = t.store.enable_user(&actor, user.id, 2).await.unwrap();
        assert!(enabled.is_active(), "{}", t.label);
        assert_eq!(enabled.disabled_at, None, "{}", t.label);
        assert_eq!(enabled.version, 3, "{}", t.label);
        assert!(
            t.store
                .active_session(&phone, TIMEOUTS)
                .await
                .unwrap()
                .is_none(),
            "{}: enabling brought an ended session back",
            t.label
        );
        let (fresh, _) = t.store.create_session(user.id, TIMEOUTS).await.unwrap();
        let (_, signed_in) = t
            .store
            .active_session(&fresh, TIMEOUTS)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(signed_in.id, user.id, "{}", t.label);
    }
}

#[tokio::test]
async fn the_account_list_puts_active_accounts_first() {
    for t in testing::all().await {
        for name in ["carol", "alice", "bob"] {
            create_user(&t, name).await;
        }
        let alice = t.store.user_by_username("alice").await.unwrap();
        t.store
            .disable_user(&admin(), alice.id, alice.version)
            .await
            .unwrap();
        let listed: Vec<String> = t
            .store
            .list_users()
            .await
            .unwrap()
            .into_iter()
            .map(|u| u.username)
            .collect();
        assert_eq!(listed, ["bob", "carol", "alice"], "{}", t.label);
    }
}

#[tokio::test]
async fn a_new_password_is_stored_and_ends_every_session() {
    let hash = hash_password("correct horse battery").unwrap();
    for t in testing::all().await {
        let user = create_user(&t, "sokha").await;
        let tokens = [
            t.store.create_session(user.id, TIMEOUTS).await.unwrap().0,
            t.store.create_session(user.id, TIMEOUTS).await.unwrap().0,
        ];
        let updated = t
            .store
            .set_password(&admin(), user.id, 1, &hash)
            .await
            .unwrap();
        assert_eq!(updated.version, 2, "{}", t.label);
        assert!(updated.is_active(), "{}", t.label);
        for token in &tokens {
            assert!(
                t.store
                    .active_session(token, TIMEOUTS)
                    .await
                    .unwrap()
                    .is_none(),
                "{}: a session outlived a password change",
                t.label
            );
        }
        let stored = password_hash_of(&t, "sokha").await;
        assert_eq!(stored, hash, "{}", t.label);
        assert!(
            verify_password("correct horse battery", &stored),
            "{}",
            t.label
        );
        assert!(
            !verify_password("wrong horse battery", &stored),
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn roles_are_assigned_and_revoked_and_revoked_ones_stay_listed() {
    for t in testing::all().await {
        let actor = admin();
        let user = create_user(&t, "sokha").await;
        let facility = Scope::Facility("battambang-clinic".to_owned());
        let country = Scope::Country("KH".to_owned());

        let doctor = t
            .store
            .assign_role(&actor, user.id, Role::Doctor, &facility)
            .await
            .unwrap();
        let nurse = t
            .store
            .assign_role(&actor, user.id, Role::RegisteredNurse, &country)
            .await
            .unwrap();
        let admin_role = t
            .store
            .assign_role(&actor, user.id, Role::SystemAdministrator, &Scope::All)
            .await
            .unwrap();
        for (assignment, role, scope) in [
            (&doctor, Role::Doctor, &facility),
            (&nurse, Role::RegisteredNurse, &country),
            (&admin_role, Role::SystemAdministrator, &Scope::All),
        ] {
            assert_eq!(assignment.user_id, user.id, "{}", t.label);
            assert_eq!(assignment.role(), Some(role), "{}", t.label);
            assert_eq!(assignment.scope().as_ref(), Some(scope), "{}", t.label);
            assert_eq!(assignment.revoked_at, None, "{}", t.label);
            assert_eq!(assignment.version, 1, "{}", t.label);
        }

        let revoked = t.store.revoke_role(&actor, doctor.id, 1).await.unwrap();
        assert!(revoked.revoked_at.is_some(), "{}", t.label);
        assert_eq!(revoked.version, 2, "{}", t.label);
        assert_eq!(revoked.role(), Some(Role::Doctor), "{}", t.label);

        let listed: Vec<(Id, bool)> = t
            .store
            .role_assignments(user.id)
            .await
            .unwrap()
            .into_iter()
            .map(|a| (a.id, a.revoked_at.is_some()))
            .collect();
        assert_eq!(
            listed,
            [(nurse.id, false), (admin_role.id, false), (doctor.id, true)],
            "{}: current roles first, the revoked one still listed",
            t.label
        );

        for version in [1, 2] {
            let again = t.store.revoke_role(&actor, doctor.id, version).await;
            assert!(
                matches!(
                    again,
                    Err(StoreError::Conflict {
                        entity: "role assignment"
                    })
                ),
                "{}: revoking twice naming version {version} gave {again:?}",
                t.label
            );
        }
        let stale = t.store.revoke_role(&actor, nurse.id, 2).await;
        assert!(
            matches!(stale, Err(StoreError::Conflict { .. })),
            "{}: {stale:?}",
            t.label
        );
        let unknown = t.store.revoke_role(&actor, Id::new(), 1).await;
        assert!(
            matches!(
                unknown,
                Err(StoreError::NotFound {
                    entity: "role assignment"
                })
            ),
            "{}: {unknown:?}",
            t.label
        );

        let versions = format!(
            "SELECT COUNT(*) FROM change_log WHERE entity = 'role_assignment' AND entity_id = '{}'
             AND version IN (1, 2)",
            doctor.id
        );
        assert_eq!(
            count(&t, &versions).await,
            2,
            "{}: the doctor role's changes",
            t.label
        );
        assert_eq!(
            count(
                &t,
                "SELECT COUNT(*) FROM change_log WHERE entity = 'role_assignment'"
            )
            .await,
            4,
            "{}",
            t.label
        );

        let role_events: Vec<(String, String)> = events(
            &t,
            &AuditFilter {
                entity_id: Some(user.id.to_string()),
                limit: 50,
                ..AuditFilter::default()
            },
        )
        .await
        .into_iter()
        .filter(|e| e.action.starts_with("role_"))
        .map(|e| (e.action, e.detail))
        .collect();
        assert_eq!(
            role_events,
            [
                (
                    "role_revoke".to_owned(),
                    "doctor facility:battambang-clinic".to_owned()
                ),
                (
                    "role_assign".to_owned(),
                    "system_administrator all".to_owned()
                ),
                (
                    "role_assign".to_owned(),
                    "registered_nurse country:KH".to_owned()
                ),
                (
                    "role_assign".to_owned(),
                    "doctor facility:battambang-clinic".to_owned()
                ),
            ],
            "{}",
            t.label
        );
        assert_eq!(
            verify(&t).await,
            ChainReport::Intact { events: 5 },
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn a_role_for_an_unknown_user_is_not_found_and_writes_nothing() {
    for t in testing::all().await {
        let result = t
            .store
            .assign_role(&admin(), Id::new(), Role::Doctor, &Scope::All)
            .await;
        assert!(
            matches!(result, Err(StoreError::NotFound { entity: "user" })),
            "{}: {result:?}",
            t.label
        );
        for table in ["role_assignment", "change_log", "audit_event"] {
            let sql = format!("SELECT COUNT(*) FROM {table}");
            assert_eq!(count(&t, &sql).await, 0, "{}: {table}", t.label);
        }
        assert_eq!(
            verify(&t).await,
            ChainReport::Intact { events: 0 },
            "{}",
            t.label
        );
    }
}

/// Several admins disabling one account at once, all having read version 1: one
/// wins and the others are told of the conflict, however many there are. (More of
/// them than the pool has connections is what this test is about.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_updates_of_one_version_give_one_success_and_conflicts() {
    const TASKS: usize = 8;
    for t in testing::all().await {
        let user = create_user(&t, "sokha").await;
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(TASKS));
        let tasks: Vec<_> = (0..TASKS)
            .map(|_| {
                let store = t.store.clone();
                let barrier = barrier.clone();
                tokio::spawn(async move {
                    barrier.wait().await;
                    store.disable_user(&admin(), user.id, 1).await
                })
            })
            .collect();
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(match task.await.unwrap() {
                Ok(user) => format!("disabled at version {}", user.version),
                Err(StoreError::Conflict { entity }) => format!("conflict on {entity}"),
                Err(other) => format!("error: {other:?}"),
            });
        }
        outcomes.sort();
        let mut expected = vec!["conflict on user".to_owned(); TASKS - 1];
        expected.push("disabled at version 2".to_owned());
        assert_eq!(outcomes, expected, "{}", t.label);
    }
}

#[tokio::test]
async fn revoking_a_role_audits_the_same_detail_as_assigning_it() {
    let scopes = [
        Scope::All,
        Scope::Country("KH".to_owned()),
        Scope::Programme("hiv-care".to_owned()),
        Scope::Facility("battambang-clinic".to_owned()),
    ];
    for t in testing::all().await {
        let actor = admin();
        let user = create_user(&t, "sokha").await;
        for scope in &scopes {
            let assignment = t
                .store
                .assign_role(&actor, user.id, Role::Doctor, scope)
                .await
                .unwrap();
            t.store
                .revoke_role(&actor, assignment.id, assignment.version)
                .await
                .unwrap();
            let details: Vec<(String, String)> = events(
                &t,
                &AuditFilter {
                    entity_id: Some(user.id.to_string()),
                    limit: 2,
                    ..AuditFilter::default()
                },
            )
            .await
            .into_iter()
            .map(|e| (e.action, e.detail))
            .collect();
            let detail = format!("doctor {scope}");
            assert_eq!(
                details,
                [
                    ("role_revoke".to_owned(), detail.clone()),
                    ("role_assign".to_owned(), detail)
                ],
                "{}: scope {scope}",
                t.label
            );
        }
    }
}

#[tokio::test]
async fn a_user_and_their_first_role_are_written_together_or_not_at_all() {
    for t in testing::all().await {
        let actor = admin();
        let scope = Scope::Country("KH".to_owned());
        let user = t
            .store
            .create_user_with_role(&actor, new_user("sokha", "Sokha"), Role::Midwife, &scope)
            .await
            .unwrap();
        let roles = t.store.role_assignments(user.id).await.unwrap();
        assert_eq!(roles.len(), 1, "{}", t.label);
        assert_eq!(roles[0].role(), Some(Role::Midwife), "{}", t.label);
        assert_eq!(roles[0].scope(), Some(scope.clone()), "{}", t.label);
        let actions: Vec<String> = all_events(&t).await.into_iter().map(|e| e.action).collect();
        assert_eq!(actions, ["role_assign", "user_create"], "{}", t.label);

        // A taken username writes neither the account nor the role.
        let before = (
            count(&t, "SELECT COUNT(*) FROM role_assignment").await,
            count(&t, "SELECT COUNT(*) FROM change_log").await,
            count(&t, "SELECT COUNT(*) FROM audit_event").await,
        );
        let refused = t
            .store
            .create_user_with_role(
                &actor,
                new_user("SOKHA", "Another"),
                Role::Doctor,
                &Scope::All,
            )
            .await;
        assert!(
            matches!(refused, Err(StoreError::Duplicate { field: "username" })),
            "{}: {refused:?}",
            t.label
        );
        let after = (
            count(&t, "SELECT COUNT(*) FROM role_assignment").await,
            count(&t, "SELECT COUNT(*) FROM change_log").await,
            count(&t, "SELECT COUNT(*) FROM audit_event").await,
        );
        assert_eq!(before, after, "{}", t.label);
        assert_eq!(
            verify(&t).await,
            ChainReport::Intact { events: 2 },
            "{}",
            t.label
        );
    }
}
