//! backup and restore: SQLite only; PostgreSQL has its own tools.

use std::path::Path;

use haven_store::demo::DEMO_USERS;

use crate::{file_names, sqlite_execute, sqlite_scalar, write_file, Db};

fn user_count(file: &Path) -> i64 {
    sqlite_scalar(file, "SELECT COUNT(*) FROM user_account")
        .unwrap_or_else(|e| panic!("counting the users in {}: {e}", file.display()))
}

/// A demo database and a backup of it in `backup.db` beside its data directory.
fn demo_backup() -> (Db, std::path::PathBuf) {
    let source = Db::sqlite();
    source.demo();
    let backup = source.root.path().join("backup.db");
    let out = source.ok(&["backup", backup.to_str().unwrap()]);
    assert!(out.contains("backed up to"), "{out}");
    (source, backup)
}

#[test]
fn backup_writes_a_new_file_and_never_overwrites_one() {
    let (source, backup) = demo_backup();
    assert_eq!(user_count(&backup), DEMO_USERS.len() as i64);
    assert_eq!(
        sqlite_scalar(&backup, "SELECT COUNT(*) FROM audit_event").unwrap(),
        source.scalar("SELECT COUNT(*) FROM audit_event")
    );

    let before = std::fs::read(&backup).unwrap();
    source
        .run(&["backup", backup.to_str().unwrap()])
        .fails_saying(&["already exists"]);
    assert_eq!(
        std::fs::read(&backup).unwrap(),
        before,
        "the backup was changed"
    );

    let notes = write_file(source.root.path(), "notes.txt", "keep me\n");
    source
        .run(&["backup", notes.to_str().unwrap()])
        .fails_saying(&["already exists"]);
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "keep me\n");
}

#[test]
fn postgres_is_backed_up_and_restored_with_its_own_tools() {
    let Some(db) = Db::postgres() else {
        return;
    };
    db.demo();
    let backup = db.root.path().join("backup.db");
    db.run(&["backup", backup.to_str().unwrap()])
        .fails_saying(&["pg_dump"]);
    assert!(!backup.exists());

    let file = write_file(db.root.path(), "dump.sql", "-- a dump\n");
    db.run(&["restore", file.to_str().unwrap()])
        .fails_saying(&["pg_restore"]);
    assert_eq!(db.users().len(), DEMO_USERS.len());
}

#[test]
fn restore_into_an_empty_data_dir() {
    let (_source, backup) = demo_backup();
    let target = Db::sqlite();
    let out = target.ok(&["restore", backup.to_str().unwrap()]);
    assert!(out.contains("restored"), "{out}");
    assert!(!out.contains("kept"), "nothing was replaced: {out}");
    assert!(
        !file_names(&target.data_dir)
            .iter()
            .any(|name| name.contains("before-restore") || name.contains("restoring")),
        "{:?}",
        file_names(&target.data_dir)
    );
    let usernames = target.usernames();
    assert_eq!(usernames.len(), DEMO_USERS.len(), "{usernames:?}");
    assert_eq!(usernames[0], "admin");
    assert!(target.ok(&["audit", "verify"]).contains("intact"));
    assert!(backup.is_file(), "restore keeps the backup");
}

/// A data directory holding one user, `sokha`.
fn sokha() -> Db {
    let target = Db::sqlite();
    let password = write_file(target.root.path(), "password", "correct horse battery\n");
    target.ok(&[
        "user",
        "add",
        "--username",
        "sokha",
        "--role",
        "doctor",
        "--password-file",
        password.to_str().unwrap(),
    ]);
    target
}

/// The files a restore kept of the databases it replaced.
fn kept_files(db: &Db) -> Vec<String> {
    file_names(&db.data_dir)
        .into_iter()
        .filter(|name| name.starts_with("haven.db.before-restore-"))
        .filter(|name| !name.ends_with("-wal") && !name.ends_with("-shm"))
        .collect()
}

#[test]
fn restore_keeps_the_database_it_replaces() {
    let (_source, backup) = demo_backup();
    let target = sokha();
    let out = target.ok(&["restore", backup.to_str().unwrap()]);
    assert!(out.contains("kept as"), "{out}");

    let kept = kept_files(&target);
    assert_eq!(kept.len(), 1, "{:?}", file_names(&target.data_dir));
    assert!(out.contains(&kept[0]), "names the kept file: {out}");
    let kept = target.data_dir.join(&kept[0]);
    assert_eq!(
        sqlite_scalar(
            &kept,
            "SELECT COUNT(*) FROM user_account WHERE username = 'sokha'"
        )
        .unwrap(),
        1,
        "the kept file is the replaced database"
    );

    let usernames = target.usernames();
    assert_eq!(usernames.len(), DEMO_USERS.len(), "{usernames:?}");
    assert!(!usernames.contains(&"sokha".to_owned()), "{usernames:?}");
}

#[test]
fn restoring_twice_keeps_both_replaced_databases() {
    let (_source, backup) = demo_backup();
    let target = sokha();
    target.ok(&["restore", backup.to_str().unwrap()]);
    target.ok(&["restore", backup.to_str().unwrap()]);
    let kept = kept_files(&target);
    assert_eq!(kept.len(), 2, "{:?}", file_names(&target.data_dir));
    let with_sokha = kept
        .iter()
        .filter(|name| {
            sqlite_scalar(
                &target.data_dir.join(name),
                "SELECT COUNT(*) FROM user_account WHERE username = 'sokha'",
            )
            .unwrap()
                == 1
        })
        .count();
    assert_eq!(with_sokha, 1, "the first database replaced was lost");
}

/// Asserts that restoring `file` fails saying `needles` and leaves the data directory
/// of `target` as it was.
fn restore_refused(target: &Db, file: &Path, needles: &[&str]) {
    let database = std::fs::read(target.sqlite_file()).unwrap();
    let files = database_files(target);
    target
        .run(&["restore", file.to_str().unwrap()])
        .fails_saying(needles);
    assert_eq!(
        std::fs::read(target.sqlite_file()).unwrap(),
        database,
        "restoring {} changed the database",
        file.display()
    );
    assert_eq!(
        database_files(target),
        files,
        "restoring {} left files behind",
        file.display()
    );
    assert_eq!(target.usernames(), vec!["sokha".to_owned()]);
}

/// The database files in the data directory, without the lock file and without the
/// `-wal` and `-shm` files SQLite may or may not leave beside a database. (Whether it
/// does depends on which of a pool's connections closes last, so a test cannot
/// count on either.)
fn database_files(db: &Db) -> Vec<String> {
    file_names(&db.data_dir)
        .into_iter()
        .filter(|name| name != "haven.db.lock")
        .filter(|name| !name.ends_with("-wal") && !name.ends_with("-shm"))
        .collect()
}

#[test]
fn restore_refuses_what_is_not_a_sound_haven_backup() {
    let target = sokha();

    let text = write_file(target.root.path(), "notes.txt", "these are not records\n");
    restore_refused(&target, &text, &["not a Haven database"]);

    let missing = target.root.path().join("missing.db");
    restore_refused(&target, &missing, &["there is no backup file"]);

    // A backup whose audit chain was changed.
    let (_source, backup) = demo_backup();
    sqlite_execute(
        &backup,
        "DROP TRIGGER audit_event_no_update; UPDATE audit_event SET action = 'x' WHERE sequence = 3",
    )
    .unwrap();
    restore_refused(&target, &backup, &["audit chain is broken"]);
}

#[test]
fn restore_refuses_an_empty_file() {
    // What a backup copied to a full disk can look like. SQLite reads an empty file
    // as an empty database.
    let target = sokha();
    let empty = write_file(target.root.path(), "empty.db", "");
    restore_refused(&target, &empty, &["not a Haven database"]);
}

#[test]
fn restore_refuses_a_database_that_is_not_havens() {
    let target = sokha();
    let other = target.root.path().join("other.db");
    let url = format!("sqlite://{}?mode=rwc", other.display());
    crate::block_on(async {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        sqlx::raw_sql("CREATE TABLE invoice (id INTEGER PRIMARY KEY, total INTEGER)")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    });
    restore_refused(&target, &other, &["not a Haven database"]);
}
