//! Integration tests of haven-store. Every test runs on every store from
//! [`haven_store::testing::all`]: a fresh SQLite file always, and a fresh PostgreSQL
//! schema when `HAVEN_TEST_DATABASE_URL` is set. Each assertion names the store.

// A failed `unwrap` is how a test says "this store call should have worked".
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod audit;
mod backup;
mod care;
mod clinic;
mod demo;
mod growth;
mod health;
mod mch;
mod migrations;
mod people;
mod places;
mod safeguarding;
mod search;
mod sessions;
mod staff;
mod tokens;

use haven_domain::{DisplayName, Language, Username};
use haven_store::testing::TestStore;
use haven_store::{Actor, AuditEvent, AuditFilter, ChainReport, Id, NewUser, User};

/// A stand-in for a password hash. The store keeps whatever hash it is given, so
/// tests that do not sign in skip argon2, which is slow on purpose.
pub const FAKE_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$bm90LWEtcmVhbC1oYXNo";

/// An administrator acting from a browser.
pub fn admin() -> Actor {
    actor("admin", "192.0.2.10")
}

pub fn actor(username: &str, address: &str) -> Actor {
    Actor {
        id: Id::new(),
        username: username.to_owned(),
        address: address.to_owned(),
    }
}

pub fn new_user(username: &str, display_name: &str) -> NewUser {
    NewUser {
        username: Username::parse(username).unwrap(),
        display_name: DisplayName::parse(display_name).unwrap(),
        password_hash: FAKE_HASH.to_owned(),
        language: Language::English,
    }
}

/// Creates an account as [`admin`].
pub async fn create_user(t: &TestStore, username: &str) -> User {
    t.store
        .create_user(&admin(), new_user(username, "Test User"))
        .await
        .unwrap_or_else(|e| panic!("{}: creating {username}: {e:?}", t.label))
}

/// Runs a query that returns one integer.
pub async fn count(t: &TestStore, sql: &str) -> i64 {
    t.scalar(sql)
        .await
        .unwrap_or_else(|e| panic!("{}: {sql}: {e:?}", t.label))
}

/// Every audit event (up to the 500 one page holds), newest first.
pub async fn all_events(t: &TestStore) -> Vec<AuditEvent> {
    events(
        t,
        &AuditFilter {
            limit: 500,
            ..AuditFilter::default()
        },
    )
    .await
}

pub async fn events(t: &TestStore, filter: &AuditFilter) -> Vec<AuditEvent> {
    t.store
        .list_audit_events(filter)
        .await
        .unwrap_or_else(|e| panic!("{}: listing audit events {filter:?}: {e:?}", t.label))
}

pub async fn verify(t: &TestStore) -> ChainReport {
    t.store
        .verify_audit_chain()
        .await
        .unwrap_or_else(|e| panic!("{}: verifying the audit chain: {e:?}", t.label))
}

/// Asserts that an id is a UUIDv7.
pub fn assert_v7(t: &TestStore, what: &str, id: Id) {
    assert_eq!(
        id.as_uuid().get_version_num(),
        7,
        "{}: the id of {what} ({id}) is not a UUIDv7",
        t.label
    );
}
