//! Demo data: one account for each role, so a newcomer can see Haven through every
//! pair of eyes. Loaded only into an empty database.

use haven_domain::{DisplayName, Language, Role, Scope, Username};

use crate::db::on_pool;
use crate::ledger::Actor;
use crate::password::hash_password_off_runtime;
use crate::{NewUser, Result, Store, StoreError};

/// The password of every demo account. Demo data is for trying Haven, never for real
/// records.
pub const DEMO_PASSWORD: &str = "haven-demo";

/// The demo accounts: username, display name, role, language.
pub const DEMO_USERS: &[(&str, &str, Role, Language)] = &[
    (
        "admin",
        "Admin Dara",
        Role::SystemAdministrator,
        Language::English,
    ),
    ("doctor", "Dr. Sok Sokha", Role::Doctor, Language::English),
    (
        "nurse",
        "Chan Chanthy",
        Role::RegisteredNurse,
        Language::Khmer,
    ),
    ("midwife", "Srey Pov", Role::Midwife, Language::Khmer),
    (
        "labtech",
        "Vann Vibol",
        Role::LaboratoryTechnician,
        Language::English,
    ),
    (
        "pharmacist",
        "Keo Kanha",
        Role::Pharmacist,
        Language::English,
    ),
    ("clerk", "Lim Leakhena", Role::RecordsClerk, Language::Khmer),
    ("sosmother", "ម៉ៅ សុភា", Role::SosParent, Language::Khmer),
    ("aunt", "Nget Bopha", Role::FamilyAssistant, Language::Khmer),
    (
        "careworker",
        "Heng Rithy",
        Role::CareWorker,
        Language::English,
    ),
    (
        "socialworker",
        "Phan Sreymom",
        Role::SocialWorker,
        Language::English,
    ),
    (
        "director",
        "Chea Vuthy",
        Role::ProgrammeDirector,
        Language::English,
    ),
    (
        "safeguarding",
        "Ouk Sothea",
        Role::SafeguardingFocalPoint,
        Language::English,
    ),
    (
        "promoter",
        "Touch Nary",
        Role::HealthPromotionOfficer,
        Language::Khmer,
    ),
    (
        "meofficer",
        "Sam Rachana",
        Role::MeOfficer,
        Language::English,
    ),
    (
        "natdirector",
        "Pich Sovann",
        Role::NationalDirector,
        Language::English,
    ),
];

impl Store {
    /// True when no account exists yet.
    pub async fn is_empty(&self) -> Result<bool> {
        let count: i64 = on_pool!(&self.pool, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM user_account").fetch_one(pool).await?
        });
        Ok(count == 0)
    }

    /// Loads the demo data into an empty database. Returns false, changing nothing,
    /// when the database already holds accounts.
    pub async fn load_demo(&self) -> Result<bool> {
        if !self.is_empty().await? {
            return Ok(false);
        }
        let actor = Actor::system();
        // One hash for all demo accounts: hashing is slow on purpose, and they share a
        // password anyway.
        let password_hash = hash_password_off_runtime(DEMO_PASSWORD.to_owned()).await?;
        for (username, display_name, role, language) in DEMO_USERS {
            let new = NewUser {
                username: Username::parse(username)
                    .map_err(|_| StoreError::Unsupported("bad demo username"))?,
                display_name: DisplayName::parse(display_name)
                    .map_err(|_| StoreError::Unsupported("bad demo display name"))?,
                password_hash: password_hash.clone(),
                language: *language,
            };
            let scope = if *role == Role::SystemAdministrator {
                Scope::All
            } else {
                Scope::Country("KH".to_owned())
            };
            self.create_user_with_role(&actor, new, *role, &scope)
                .await?;
        }
        Ok(true)
    }
}
