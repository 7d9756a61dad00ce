//! Who may do what: roles, the permissions they grant, and the scope they hold them in.
//!
//! Deny by default: a permission exists only if [`GRANTS`] lists it for the role.
//! Sensitive classes of record (safeguarding cases, HIV results, psychosocial and
//! counselling notes) are kinds of their own, so a role that may read clinical records
//! does not see them unless the table says so.

use std::fmt;

/// The roles of DESIGN.md ("The people who use it").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Doctor,
    RegisteredNurse,
    Midwife,
    LaboratoryTechnician,
    Pharmacist,
    RecordsClerk,
    SosParent,
    FamilyAssistant,
    CareWorker,
    SocialWorker,
    ProgrammeDirector,
    SafeguardingFocalPoint,
    HealthPromotionOfficer,
    MeOfficer,
    NationalDirector,
    SystemAdministrator,
}

/// What a user does to a kind of record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Read,
    Write,
}

/// A kind of record, as far as permissions are concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Demographics, identifiers and relationships of a person in the registry.
    Person,
    /// Visits, stays, diagnoses, prescriptions, pregnancies, vaccines, growth.
    Clinical,
    /// Checking people in for a visit and a facility's queue (who waits, since when):
    /// the records clerk's part of a visit, without its clinical content.
    CheckIn,
    /// Laboratory orders and results (except HIV, which is [`Kind::HivResult`]).
    Laboratory,
    /// Medicines stock and dispensing.
    Medicines,
    /// HIV status and results, and syphilis screening results: a sensitive class.
    HivResult,
    /// A child's health at a glance, for those who care for the child: vaccination
    /// status (due, overdue, complete, the next vaccine), the latest growth
    /// measurement's classification, and the dates and facilities of recent visits
    /// and stays. Never diagnoses, notes, results or anything of [`Kind::HivResult`].
    HealthSummary,
    /// Placements, development plans, education, family strengthening cases.
    Care,
    /// Daily care notes by SOS parents.
    CareNote,
    /// Psychosocial and counselling notes: a sensitive class.
    PsychosocialNote,
    /// Approving (or declining) admissions to care and development plans: the
    /// programme director's decision, recorded with who and when.
    CareApproval,
    /// Filing a safeguarding concern (every staff member may).
    SafeguardingConcern,
    /// Handling safeguarding reports: a sensitive class, for the safeguarding roles only.
    SafeguardingCase,
    /// Aggregate figures and reports without names.
    Report,
    /// Health promotion campaigns and sessions.
    Campaign,
    /// Places: countries, programmes, facilities, wards.
    Place,
    /// Staff members: professions, registrations, where they work, trainings.
    Staff,
    /// Merging two records of the same person, and undoing a merge.
    PersonMerge,
    /// User accounts, their roles and API tokens.
    UserAccount,
    /// The audit trail.
    AuditTrail,
    /// Running Haven: its metrics (request counts and times, the database's state).
    Operations,
}

/// A permission: an action on a kind of record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Permission {
    pub action: Action,
    pub kind: Kind,
}

const fn read(kind: Kind) -> Permission {
    Permission {
        action: Action::Read,
        kind,
    }
}

const fn write(kind: Kind) -> Permission {
    Permission {
        action: Action::Write,
        kind,
    }
}

/// Every staff role may file a safeguarding concern; SOS parents included.
const REPORT_CONCERN: Permission = write(Kind::SafeguardingConcern);

/// The one table that maps roles to permissions. Write implies nothing: a role that
/// writes a kind lists its read too, so the table reads plainly.
pub const GRANTS: &[(Role, &[Permission])] = &[
    (
        Role::Doctor,
        &[
            read(Kind::Person),
            write(Kind::Person),
            read(Kind::Clinical),
            write(Kind::Clinical),
            read(Kind::HealthSummary),
            read(Kind::CheckIn),
            write(Kind::CheckIn),
            read(Kind::Laboratory),
            write(Kind::Laboratory),
            read(Kind::HivResult),
            write(Kind::HivResult),
            read(Kind::Medicines),
            read(Kind::PsychosocialNote),
            write(Kind::PsychosocialNote),
            read(Kind::Place),
            read(Kind::Report),
            REPORT_CONCERN,
        ],
    ),
    (
        Role::RegisteredNurse,
        &[
            read(Kind::Person),
            write(Kind::Person),
            read(Kind::Clinical),
            write(Kind::Clinical),
            read(Kind::HealthSummary),
            read(Kind::CheckIn),
            write(Kind::CheckIn),
            read(Kind::Laboratory),
            read(Kind::Medicines),
            read(Kind::Place),
            REPORT_CONCERN,
        ],
    ),
    (
        Role::Midwife,
        &[
            read(Kind::Person),
            write(Kind::Person),
            read(Kind::Clinical),
            write(Kind::Clinical),
            read(Kind::HealthSummary),
            read(Kind::CheckIn),
            write(Kind::CheckIn),
            read(Kind::Laboratory),
            read(Kind::HivResult),
            write(Kind::HivResult),
            read(Kind::Medicines),
            read(Kind::Place),
            REPORT_CONCERN,
        ],
    ),
    (
        Role::LaboratoryTechnician,
        &[
            read(Kind::Person),
            read(Kind::Laboratory),
            write(Kind::Laboratory),
            read(Kind::HivResult),
            write(Kind::HivResult),
            read(Kind::Place),
            REPORT_CONCERN,
        ],
    ),
    (
        Role::Pharmacist,
        &[
            read(Kind::Person),
            read(Kind::Medicines),
            write(Kind::Medicines),
            read(Kind::Place),
            REPORT_CONCERN,
        ],
    ),
    (
        Role::RecordsClerk,
        &[
            read(Kind::Person),
            write(Kind::Person),
            read(Kind::CheckIn),
            write(Kind::CheckIn),
            read(Kind::Place),
            write(Kind::PersonMerge),
            REPORT_CONCERN,
        ],
    ),
    (
        Role::SosParent,
        &[
            read(Kind::Person),
            read(Kind::Care),
            read(Kind::HealthSummary),
            read(Kind::CareNote),
            write(Kind::CareNote),
            read(Kind::Place),
            REPORT_CONCERN,
        ],
    ),
    (
        Role::FamilyAssistant,
        &[
            read(Kind::Person),
            read(Kind::Care),
            read(Kind::HealthSummary),
            read(Kind::CareNote),
            write(Kind::CareNote),
            read(Kind::Place),
            REPORT_CONCERN,
        ],
    ),
    (
        Role::CareWorker,
        &[
            read(Kind::Person),
            write(Kind::Person),
            read(Kind::Care),
            read(Kind::HealthSummary),
            write(Kind::Care),
            read(Kind::CareNote),
            write(Kind::CareNote),
            read(Kind::Place),
            REPORT_CONCERN,
        ],
    ),
    (
        Role::SocialWorker,
        &[
            read(Kind::Person),
            write(Kind::Person),
            read(Kind::Care),
            read(Kind::HealthSummary),
            write(Kind::Care),
            read(Kind::CareNote),
            write(Kind::CareNote),
            read(Kind::PsychosocialNote),
            write(Kind::PsychosocialNote),
            read(Kind::Place),
            read(Kind::Report),
            write(Kind::PersonMerge),
            REPORT_CONCERN,
        ],
    ),
    (
        Role::ProgrammeDirector,
        &[
            read(Kind::Person),
            read(Kind::Care),
            read(Kind::HealthSummary),
            write(Kind::Care),
            read(Kind::CareNote),
            write(Kind::CareApproval),
            read(Kind::Place),
            write(Kind::Place),
            read(Kind::Report),
            read(Kind::Staff),
            write(Kind::Staff),
            REPORT_CONCERN,
        ],
    ),
    (
        Role::SafeguardingFocalPoint,
        &[
            read(Kind::Person),
            read(Kind::SafeguardingCase),
            write(Kind::SafeguardingCase),
            read(Kind::Place),
            REPORT_CONCERN,
        ],
    ),
    (
        Role::HealthPromotionOfficer,
        &[
            read(Kind::Campaign),
            write(Kind::Campaign),
            read(Kind::Place),
            read(Kind::Report),
            REPORT_CONCERN,
        ],
    ),
    (
        Role::MeOfficer,
        &[
            read(Kind::Place),
            read(Kind::Staff),
            read(Kind::Report),
            REPORT_CONCERN,
        ],
    ),
    (
        Role::NationalDirector,
        &[
            read(Kind::Place),
            read(Kind::Staff),
            read(Kind::Report),
            REPORT_CONCERN,
        ],
    ),
    (
        Role::SystemAdministrator,
        &[
            read(Kind::UserAccount),
            write(Kind::UserAccount),
            read(Kind::AuditTrail),
            read(Kind::Operations),
            read(Kind::Place),
            write(Kind::Place),
            read(Kind::Staff),
            write(Kind::Staff),
            REPORT_CONCERN,
        ],
    ),
];

impl Role {
    pub const ALL: [Role; 16] = [
        Role::Doctor,
        Role::RegisteredNurse,
        Role::Midwife,
        Role::LaboratoryTechnician,
        Role::Pharmacist,
        Role::RecordsClerk,
        Role::SosParent,
        Role::FamilyAssistant,
        Role::CareWorker,
        Role::SocialWorker,
        Role::ProgrammeDirector,
        Role::SafeguardingFocalPoint,
        Role::HealthPromotionOfficer,
        Role::MeOfficer,
        Role::NationalDirector,
        Role::SystemAdministrator,
    ];

    /// The stable code of the role, used in the database, the CLI and translations.
    pub fn code(self) -> &'static str {
        match self {
            Role::Doctor => "doctor",
            Role::RegisteredNurse => "registered_nurse",
            Role::Midwife => "midwife",
            Role::LaboratoryTechnician => "laboratory_technician",
            Role::Pharmacist => "pharmacist",
            Role::RecordsClerk => "records_clerk",
            Role::SosParent => "sos_parent",
            Role::FamilyAssistant => "family_assistant",
            Role::CareWorker => "care_worker",
            Role::SocialWorker => "social_worker",
            Role::ProgrammeDirector => "programme_director",
            Role::SafeguardingFocalPoint => "safeguarding_focal_point",
            Role::HealthPromotionOfficer => "health_promotion_officer",
            Role::MeOfficer => "me_officer",
            Role::NationalDirector => "national_director",
            Role::SystemAdministrator => "system_administrator",
        }
    }

    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|role| role.code() == code.trim())
    }

    /// The permissions this role grants, from [`GRANTS`].
    pub fn permissions(self) -> &'static [Permission] {
        GRANTS
            .iter()
            .find(|(role, _)| *role == self)
            .map(|(_, permissions)| *permissions)
            .unwrap_or(&[])
    }

    pub fn permits(self, action: Action, kind: Kind) -> bool {
        self.permissions().contains(&Permission { action, kind })
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Where a role assignment holds: one facility, one programme, one country, or all.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    All,
    Country(String),
    Programme(String),
    Facility(String),
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ScopeError {
    #[error("a scope is written as all, country:CODE, programme:ID or facility:ID")]
    Malformed,
    #[error("a country is its two-letter ISO 3166 code, such as KH")]
    BadCountry,
    #[error("a scope needs the identifier of its place after the colon")]
    MissingId,
}

impl Scope {
    /// The kind of the scope as stored: `all`, `country`, `programme` or `facility`.
    pub fn kind_code(&self) -> &'static str {
        match self {
            Scope::All => "all",
            Scope::Country(_) => "country",
            Scope::Programme(_) => "programme",
            Scope::Facility(_) => "facility",
        }
    }

    /// The identifier of the place, empty for [`Scope::All`].
    pub fn place_id(&self) -> &str {
        match self {
            Scope::All => "",
            Scope::Country(id) | Scope::Programme(id) | Scope::Facility(id) => id,
        }
    }

    /// True when this scope reaches everything `other` reaches. Until places know
    /// which programmes and facilities lie in which country, only `all` reaches
    /// further than itself: a narrower scope contains just the same scope.
    pub fn contains(&self, other: &Scope) -> bool {
        matches!(self, Scope::All) || self == other
    }

    /// Parses `all`, `country:KH`, `programme:ID` or `facility:ID`.
    pub fn parse(input: &str) -> Result<Scope, ScopeError> {
        let input = input.trim();
        if input.eq_ignore_ascii_case("all") {
            return Ok(Scope::All);
        }
        let (kind, id) = input.split_once(':').ok_or(ScopeError::Malformed)?;
        Scope::from_parts(kind, id)
    }

    /// Builds a scope from its stored kind and place identifier.
    pub fn from_parts(kind: &str, id: &str) -> Result<Scope, ScopeError> {
        if id.chars().any(char::is_control) {
            return Err(ScopeError::Malformed);
        }
        let id = crate::text::normalise(id);
        let id = id.as_str();
        if kind.trim() == "all" {
            return Ok(Scope::All);
        }
        if id.is_empty() {
            return Err(ScopeError::MissingId);
        }
        if id.len() > 64 || id.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(ScopeError::Malformed);
        }
        match kind.trim().to_ascii_lowercase().as_str() {
            "country" => {
                if id.len() == 2 && id.chars().all(|c| c.is_ascii_alphabetic()) {
                    Ok(Scope::Country(id.to_ascii_uppercase()))
                } else {
                    Err(ScopeError::BadCountry)
                }
            }
            "programme" => Ok(Scope::Programme(id.to_owned())),
            "facility" => Ok(Scope::Facility(id.to_owned())),
            _ => Err(ScopeError::Malformed),
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::All => f.write_str("all"),
            other => write!(f, "{}:{}", other.kind_code(), other.place_id()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_is_in_the_table_once_and_round_trips_its_code() {
        for role in Role::ALL {
            let rows = GRANTS.iter().filter(|(r, _)| *r == role).count();
            assert_eq!(rows, 1, "{role} appears {rows} times in GRANTS");
            assert_eq!(Role::parse(role.code()), Some(role));
        }
        assert_eq!(Role::parse("superuser"), None);
    }

    #[test]
    fn sensitive_classes_are_held_only_by_the_roles_that_need_them() {
        let holders = |kind| -> Vec<Role> {
            Role::ALL
                .into_iter()
                .filter(|role| role.permits(Action::Read, kind))
                .collect()
        };
        assert_eq!(
            holders(Kind::SafeguardingCase),
            vec![Role::SafeguardingFocalPoint]
        );
        assert_eq!(
            holders(Kind::HivResult),
            vec![Role::Doctor, Role::Midwife, Role::LaboratoryTechnician]
        );
        assert_eq!(
            holders(Kind::PsychosocialNote),
            vec![Role::Doctor, Role::SocialWorker]
        );
        // The administrator manages accounts, not children's records.
        let admin = Role::SystemAdministrator;
        for kind in [
            Kind::Person,
            Kind::Clinical,
            Kind::Care,
            Kind::SafeguardingCase,
        ] {
            assert!(!admin.permits(Action::Read, kind), "{kind:?}");
        }
    }

    #[test]
    fn only_the_programme_director_approves_admissions_and_plans() {
        let approvers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|role| role.permits(Action::Write, Kind::CareApproval))
            .collect();
        assert_eq!(approvers, vec![Role::ProgrammeDirector]);
        // Approving means reading what is approved.
        assert!(Role::ProgrammeDirector.permits(Action::Read, Kind::Care));
    }

    #[test]
    fn clinicians_and_clerks_check_people_in_and_only_clinicians_read_the_visit() {
        let holders = |action, kind| -> Vec<Role> {
            Role::ALL
                .into_iter()
                .filter(|role| role.permits(action, kind))
                .collect()
        };
        let front_desk = vec![
            Role::Doctor,
            Role::RegisteredNurse,
            Role::Midwife,
            Role::RecordsClerk,
        ];
        assert_eq!(holders(Action::Read, Kind::CheckIn), front_desk);
        assert_eq!(holders(Action::Write, Kind::CheckIn), front_desk);
        assert!(!Role::RecordsClerk.permits(Action::Read, Kind::Clinical));
        assert_eq!(
            holders(Action::Write, Kind::Medicines),
            vec![Role::Pharmacist]
        );
        assert_eq!(
            holders(Action::Write, Kind::Laboratory),
            vec![Role::Doctor, Role::LaboratoryTechnician]
        );
    }

    #[test]
    fn the_health_summary_is_read_by_those_who_care_for_the_child_and_by_clinicians() {
        let holders: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|role| role.permits(Action::Read, Kind::HealthSummary))
            .collect();
        assert_eq!(
            holders,
            vec![
                Role::Doctor,
                Role::RegisteredNurse,
                Role::Midwife,
                Role::SosParent,
                Role::FamilyAssistant,
                Role::CareWorker,
                Role::SocialWorker,
                Role::ProgrammeDirector,
            ]
        );
        // Every clinical reader reads the summary too; no care role reads the chart.
        for role in Role::ALL {
            if role.permits(Action::Read, Kind::Clinical) {
                assert!(role.permits(Action::Read, Kind::HealthSummary), "{role}");
            }
        }
        for role in [
            Role::SosParent,
            Role::FamilyAssistant,
            Role::CareWorker,
            Role::SocialWorker,
            Role::ProgrammeDirector,
        ] {
            assert!(!role.permits(Action::Read, Kind::Clinical), "{role}");
            assert!(!role.permits(Action::Read, Kind::HivResult), "{role}");
        }
    }

    #[test]
    fn every_staff_role_may_file_a_concern() {
        for role in Role::ALL {
            assert!(
                role.permits(Action::Write, Kind::SafeguardingConcern),
                "{role}"
            );
        }
    }

    #[test]
    fn a_scope_contains_itself_and_all_contains_everything() {
        let kh = Scope::Country("KH".to_owned());
        let facility = Scope::Facility("f1".to_owned());
        assert!(Scope::All.contains(&kh));
        assert!(Scope::All.contains(&Scope::All));
        assert!(kh.contains(&kh));
        assert!(!kh.contains(&Scope::All));
        assert!(!facility.contains(&kh));
        assert!(!facility.contains(&Scope::Facility("f2".to_owned())));
    }

    #[test]
    fn scopes_parse_and_print() {
        let check = |input: &str, expected: Result<&str, ScopeError>| {
            assert_eq!(
                Scope::parse(input).map(|s| s.to_string()),
                expected.map(str::to_owned),
                "{input}"
            );
        };
        check("all", Ok("all"));
        check("ALL", Ok("all"));
        check("country:kh", Ok("country:KH"));
        check("facility:0190a0b0", Ok("facility:0190a0b0"));
        check("programme:PP-1", Ok("programme:PP-1"));
        check("country:khm", Err(ScopeError::BadCountry));
        check("facility:", Err(ScopeError::MissingId));
        check("village:1", Err(ScopeError::Malformed));
        check("facility", Err(ScopeError::Malformed));
        check("facility:a b", Err(ScopeError::Malformed));
    }

    proptest::proptest! {
        /// Printing a scope and parsing it again gives the same scope.
        #[test]
        fn scopes_round_trip(kind in 0..4u8, id in "[A-Za-z0-9._-]{1,40}", country in "[A-Z]{2}") {
            let scope = match kind {
                0 => Scope::All,
                1 => Scope::Country(country),
                2 => Scope::Programme(id),
                _ => Scope::Facility(id),
            };
            proptest::prop_assert_eq!(Scope::parse(&scope.to_string()), Ok(scope));
        }

        /// Whatever is typed, parsing answers without panicking.
        #[test]
        fn scope_parsing_never_panics(input in ".{0,80}") {
            let _ = Scope::parse(&input);
        }
    }
}
