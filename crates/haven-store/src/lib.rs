//! Haven's persistence: one store over SQLite (the embedded default) or PostgreSQL
//! (the national server), chosen by the database URL.
//!
//! Invariants every write keeps (DESIGN.md, "Data model invariants"):
//! - ids are UUIDv7 made here, never database sequences;
//! - every record carries its site, who and when created and updated it, and a
//!   version; an update names the version it read and a stale one is a
//!   [`StoreError::Conflict`];
//! - nothing is deleted: accounts are disabled, roles revoked, records marked
//!   entered-in-error;
//! - every write appends to the change log and the audit chain in its own transaction.

mod accounts;
mod audit;
mod backup;
pub mod care;
pub mod clinic;
mod db;
pub mod demo;
mod demo_registry;
mod error;
pub mod growth;
pub mod health;
mod import;
mod ledger;
pub mod mch;
pub mod password;
mod people;
mod places;
mod reach;
pub mod safeguarding;
mod search;
mod sessions;
mod staff;
pub mod testing;
mod tokens;
mod types;

pub use accounts::{NewUser, RoleAssignment, User};
pub use audit::{AuditEvent, AuditFilter, ChainReport, SEALED_ENTITIES};
pub use backup::is_haven_sqlite_file;
pub use db::{DatabaseKind, Store};
pub use demo_registry::{DemoRegistryOptions, DemoRegistrySummary, DEMO_PEOPLE};
pub use error::StoreError;
pub use ledger::{Actor, NewAuditEvent};
pub use people::{
    Address, NewPerson, Person, PersonDetails, PersonIdentifier, PersonMerge, RelationshipView,
};
pub use places::{Bed, Country, Facility, PlaceKind, Programme, Ward};
pub use reach::Reach;
pub use search::{DuplicateProbe, PeopleQuery, SearchSamples, SCAN_LIMIT};
pub use sessions::{Session, SessionTimeouts};
pub use staff::{ExpiringRegistration, StaffAssignment, StaffFilter, StaffMember, Training};
pub use tokens::ApiToken;
pub use types::{Id, Timestamp};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
