//! Backups of the embedded database, and their refusal on PostgreSQL.

use haven_domain::{Role, Scope};
use haven_store::testing::{self, TestStore};
use haven_store::{ChainReport, DatabaseKind, Id, NewAuditEvent, Store, StoreError};

use crate::{admin, create_user, verify};

/// A few records of every kind; returns the users' (id, username, version), by username.
async fn some_records(t: &TestStore) -> Vec<(Id, String, i64)> {
    let actor = admin();
    let sokha = create_user(t, "sokha").await;
    let dara = create_user(t, "dara").await;
    t.store
        .assign_role(&actor, sokha.id, Role::Doctor, &Scope::All)
        .await
        .unwrap();
    t.store.disable_user(&actor, dara.id, 1).await.unwrap();
    t.store
        .create_api_token(&actor, sokha.id, "laptop")
        .await
        .unwrap();
    t.store
        .audit(&actor, NewAuditEvent::new("person_read", "person", "p1"))
        .await
        .unwrap();
    users(&t.store).await
}

async fn users(store: &Store) -> Vec<(Id, String, i64)> {
    let mut users: Vec<_> = store
        .list_users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| (u.id, u.username, u.version))
        .collect();
    users.sort_by(|a, b| a.1.cmp(&b.1));
    users
}

#[tokio::test]
async fn a_sqlite_backup_opens_with_the_same_records_and_an_intact_chain() {
    for t in testing::all().await {
        if t.store.kind() != DatabaseKind::Sqlite {
            continue;
        }
        let expected_users = some_records(&t).await;
        let expected_chain = verify(&t).await;
        assert_eq!(
            expected_chain,
            ChainReport::Intact { events: 6 },
            "{}",
            t.label
        );

        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("haven-backup.db");
        t.store.backup_to(&path).await.unwrap();
        assert!(path.is_file(), "{}: no backup file", t.label);

        // The original goes on being written; the backup is the moment it was made.
        create_user(&t, "after-backup").await;

        let copy = Store::open(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        assert_eq!(
            users(&copy).await,
            expected_users,
            "{}: the backup's users",
            t.label
        );
        assert_eq!(
            copy.verify_audit_chain().await.unwrap(),
            expected_chain,
            "{}: the backup's chain",
            t.label
        );
        assert_eq!(
            copy.site_id(),
            t.store.site_id(),
            "{}: the backup is the same site",
            t.label
        );
        assert!(copy.integrity_ok().await.unwrap(), "{}", t.label);
        // A copy is a working store: it takes writes and keeps its chain.
        create_user_in(&copy, "restored").await;
        assert_eq!(
            copy.verify_audit_chain().await.unwrap(),
            ChainReport::Intact { events: 7 },
            "{}",
            t.label
        );
        copy.close().await;
    }
}

async fn create_user_in(store: &Store, username: &str) {
    store
        .create_user(&admin(), crate::new_user(username, "Restored User"))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_backup_never_overwrites_a_file() {
    for t in testing::all().await {
        if t.store.kind() != DatabaseKind::Sqlite {
            continue;
        }
        create_user(&t, "sokha").await;
        let directory = tempfile::tempdir().unwrap();
        let existing = directory.path().join("existing.db");
        std::fs::write(&existing, b"someone's file").unwrap();
        let empty = directory.path().join("empty.db");
        std::fs::write(&empty, b"").unwrap();

        for path in [&existing, &empty] {
            let result = t.store.backup_to(path).await;
            assert!(
                matches!(&result, Err(StoreError::File(e)) if e.kind() == std::io::ErrorKind::AlreadyExists),
                "{}: backing up onto {} gave {result:?}",
                t.label,
                path.display()
            );
        }
        assert_eq!(
            std::fs::read(&existing).unwrap(),
            b"someone's file",
            "{}",
            t.label
        );
        assert_eq!(std::fs::read(&empty).unwrap(), b"", "{}", t.label);

        // A backup into a folder that does not exist fails and makes nothing.
        let nowhere = directory.path().join("missing").join("backup.db");
        assert!(t.store.backup_to(&nowhere).await.is_err(), "{}", t.label);
        assert!(!nowhere.exists(), "{}", t.label);

        // Backing up twice needs two names; the first backup is left as it was.
        let first = directory.path().join("first.db");
        t.store.backup_to(&first).await.unwrap();
        let before = std::fs::read(&first).unwrap();
        assert!(t.store.backup_to(&first).await.is_err(), "{}", t.label);
        assert_eq!(std::fs::read(&first).unwrap(), before, "{}", t.label);
    }
}

#[tokio::test]
async fn postgres_is_backed_up_with_its_own_tools() {
    for t in testing::all().await {
        if t.store.kind() != DatabaseKind::Postgres {
            continue;
        }
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("backup.db");
        let result = t.store.backup_to(&path).await;
        assert!(
            matches!(result, Err(StoreError::Unsupported(_))),
            "{}: {result:?}",
            t.label
        );
        assert!(!path.exists(), "{}", t.label);
        assert!(t.store.integrity_ok().await.unwrap(), "{}", t.label);
    }
}
