//! haven-app's tests: tables of cases, each an action × a caller × a target, with
//! the outcome the rules promise, on SQLite and (when configured) PostgreSQL.

// Tests stop at the first broken expectation: unwrap is the point.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod audit;
mod care;
mod clinic;
mod mch_growth;
mod people;
mod places_staff_safeguarding;

use haven_app::{App, Caller};
use haven_domain::places::{FacilityDetails, FacilityInput, ProgrammeDetails, ProgrammeInput};
use haven_domain::{DisplayName, Language, Role, Scope, Username};
use haven_store::testing::TestStore;
use haven_store::{Actor, Id, NewUser, User};
use time::macros::date;

pub const FAKE_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$bm90LWEtcmVhbC1oYXNo";

/// Two programmes: P1 with facilities A1 and A2, P2 with facility B1; and one
/// account per kind of caller the rules tell apart.
pub struct World {
    pub app: App,
    pub _store: TestStore,
    pub label: &'static str,
    pub p1: Id,
    pub a1: Id,
    pub a2: Id,
    pub b1: Id,
}

impl World {
    pub async fn new(t: TestStore) -> World {
        let store = t.store.clone();
        let system = Actor::system();
        let programme = |name: &'static str| {
            ProgrammeDetails::parse(&ProgrammeInput {
                name,
                name_km: "ភូមិកុមារ",
                province: "KH-12",
                district: "Daun Penh",
                latitude: "11.5564",
                longitude: "104.9282",
                ..ProgrammeInput::default()
            })
            .unwrap()
        };
        let facility = |name: &'static str| {
            FacilityDetails::parse(
                &FacilityInput {
                    kind: "medical_centre",
                    name,
                    name_km: "",
                    opened_on: "2001-06-01",
                    catchment_population: "45000",
                },
                date!(2026 - 01 - 01),
            )
            .unwrap()
        };
        let p1 = store
            .create_programme(&system, &programme("SOS Phnom Penh"))
            .await
            .unwrap();
        let p2 = store
            .create_programme(&system, &programme("SOS Battambang"))
            .await
            .unwrap();
        let a1 = store
            .create_facility(&system, p1.id, &facility("A1"))
            .await
            .unwrap();
        let a2 = store
            .create_facility(&system, p1.id, &facility("A2"))
            .await
            .unwrap();
        let b1 = store
            .create_facility(&system, p2.id, &facility("B1"))
            .await
            .unwrap();
        World {
            app: App::new(store),
            label: t.label,
            _store: t,
            p1: p1.id,
            a1: a1.id,
            a2: a2.id,
            b1: b1.id,
        }
    }

    /// Every world a test should run in.
    pub async fn all() -> Vec<World> {
        let mut worlds = Vec::new();
        for t in haven_store::testing::all().await {
            worlds.push(World::new(t).await);
        }
        worlds
    }

    /// An account holding these roles, and the caller it is.
    pub async fn account(&self, username: &str, roles: &[(Role, Scope)]) -> (User, Caller) {
        let store = self.app.store();
        let user = store
            .create_user(
                &Actor::system(),
                NewUser {
                    username: Username::parse(username).unwrap(),
                    display_name: DisplayName::parse(username).unwrap(),
                    password_hash: FAKE_HASH.to_owned(),
                    language: Language::English,
                },
            )
            .await
            .unwrap();
        for (role, scope) in roles {
            store
                .assign_role(&Actor::system(), user.id, *role, scope)
                .await
                .unwrap();
        }
        let caller = Caller::new(user.clone(), roles.to_vec(), "192.0.2.1".to_owned());
        (user, caller)
    }

    pub fn facility(&self, id: Id) -> Scope {
        Scope::Facility(id.to_string())
    }
}

/// The outcome of an action, reduced to what the tables compare.
pub fn outcome<T>(result: &haven_app::Result<T>) -> String {
    match result {
        Ok(_) => "ok".to_owned(),
        Err(haven_app::AppError::Invalid(fields)) => format!(
            "invalid {}",
            fields.iter().map(|f| f.field).collect::<Vec<_>>().join(",")
        ),
        Err(error) => error.code().to_owned(),
    }
}
