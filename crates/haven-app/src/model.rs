//! The records the actions take and return: the store's row types, re-exported so
//! that the adapters name them without depending on the store. The store itself
//! ([`haven_store::Store`]) is not here: an adapter reaches the database only
//! through an action of [`crate::App`], and the compiler keeps that rule, because
//! haven-web does not depend on haven-store.

pub use haven_store::{
    Actor, Address, ApiToken, AuditEvent, AuditFilter, Bed, ChainReport, Country, DuplicateProbe,
    ExpiringRegistration, Facility, Id, NewAuditEvent, NewPerson, NewUser, PeopleQuery, Person,
    PersonDetails, PersonIdentifier, PersonMerge, PlaceKind, Programme, Reach, RelationshipView,
    RoleAssignment, Session, SessionTimeouts, StaffAssignment, StaffFilter, StaffMember,
    StoreError, Timestamp, Training, User, Ward, SCAN_LIMIT,
};

/// Care: placements, notes, plans, schooling, households.
pub mod care {
    pub use haven_store::care::*;
}

/// The clinic: visits, stays, the laboratory, medicines, the chart.
pub mod clinic {
    pub use haven_store::clinic::*;
}

/// Growth monitoring and the malnutrition programme.
pub mod growth {
    pub use haven_store::growth::*;
}

/// A person's health summary, shown on the care side.
pub mod health {
    pub use haven_store::health::*;
}

/// Mother and child health.
pub mod mch {
    pub use haven_store::mch::*;
}

/// Child safeguarding's reports.
pub mod safeguarding {
    pub use haven_store::safeguarding::*;
}
