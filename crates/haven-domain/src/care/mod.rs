//! The rules of children's villages and family strengthening: placements, siblings, gatekeeping, development plans, education and independence (issue 6).
//!
//! Values are parsed once from what a user typed (`*Input` with `&str` fields) into
//! details with private fields. Every problem is named by its form field (the same
//! name in the JSON API) and a [`CareError`] whose code is a translation key. Today's
//! date and the plan review interval come in as arguments: this crate reads no clock
//! and no settings.

pub mod case;
pub mod figures;
pub mod siblings;

use time::Date;

use crate::person::age_in_years;
use crate::places::parse_date;
use crate::text::normalise;

pub use case::CareCaseState;

coded_enum! {
    /// What a house of a village is. Only an SOS family is family-based care.
    HouseKind {
        SosFamily => "sos_family",
        YouthHouse => "youth_house",
        SemiIndependent => "semi_independent",
    }
}

impl HouseKind {
    /// Family-based care: where a child under 3 belongs.
    pub fn family_based(self) -> bool {
        self == HouseKind::SosFamily
    }
}

coded_enum! {
    /// The care options gatekeeping considers (spec: "suitability").
    CareOption {
        FamilyOfOrigin => "family_of_origin",
        Kinship => "kinship",
        Foster => "foster",
        SosFamily => "sos_family",
        YouthCare => "youth_care",
        SupervisedIndependent => "supervised_independent",
    }
}

impl CareOption {
    /// Options in a family (the child's own, relatives, foster or SOS family).
    pub fn family_based(self) -> bool {
        matches!(
            self,
            CareOption::FamilyOfOrigin
                | CareOption::Kinship
                | CareOption::Foster
                | CareOption::SosFamily
        )
    }
}

coded_enum! {
    /// What the gatekeeping decided.
    AdmissionDecision {
        Admit => "admit",
        NotAdmit => "not_admit",
        Refer => "refer",
    }
}

coded_enum! {
    /// Where an admission stands: the programme director approves or declines it.
    AdmissionStatus {
        Pending => "pending",
        Approved => "approved",
        Declined => "declined",
    }
}

coded_enum! {
    /// The areas of life a development plan's goals belong to (spec: "Development plans").
    LifeArea {
        Health => "health",
        Education => "education",
        Psychosocial => "psychosocial",
        FamilySocial => "family_social",
        Identity => "identity",
        LifeSkills => "life_skills",
        WorkIndependence => "work_independence",
        Livelihood => "livelihood",
    }
}

coded_enum! {
    /// How far a goal has come.
    GoalProgress {
        NotStarted => "not_started",
        InProgress => "in_progress",
        Achieved => "achieved",
        Dropped => "dropped",
    }
}

coded_enum! {
    /// Where a child learns. Cambodia's general education is 6 years of primary, 3 of
    /// lower and 3 of upper secondary.
    SchoolLevel {
        Preschool => "preschool",
        Primary => "primary",
        LowerSecondary => "lower_secondary",
        UpperSecondary => "upper_secondary",
        Vocational => "vocational",
        Higher => "higher",
    }
}

coded_enum! {
    /// Steps to an independent life.
    IndependenceStep {
        YouthCare => "youth_care",
        SemiIndependent => "semi_independent",
        Employment => "employment",
    }
}

coded_enum! {
    /// Where a young person went on leaving care.
    LeavingDestination {
        Reunified => "reunified",
        Kinship => "kinship",
        Foster => "foster",
        IndependentLiving => "independent_living",
        OtherCare => "other_care",
        Other => "other",
    }
}

coded_enum! {
    /// How a care leaver is doing at a follow-up.
    FollowUpSituation {
        DoingWell => "doing_well",
        NeedsSupport => "needs_support",
        AtRisk => "at_risk",
        LostContact => "lost_contact",
    }
}

coded_enum! {
    /// What makes a family vulnerable.
    FamilyVulnerability {
        Poverty => "poverty",
        NoIncome => "no_income",
        ChronicIllness => "chronic_illness",
        Disability => "disability",
        SingleCaregiver => "single_caregiver",
        ChildLabour => "child_labour",
        OutOfSchool => "out_of_school",
        PoorHousing => "poor_housing",
        DomesticViolence => "domestic_violence",
        FoodInsecurity => "food_insecurity",
    }
}

coded_enum! {
    /// The services family strengthening gives, itself or through partners.
    FamilyService {
        Health => "health",
        Education => "education",
        Food => "food",
        Economic => "economic",
        Referral => "referral",
    }
}

coded_enum! {
    /// A family's way towards self-reliance, from crisis to self-reliant.
    SelfReliance {
        Crisis => "crisis",
        Vulnerable => "vulnerable",
        Coping => "coping",
        Stable => "stable",
        SelfReliant => "self_reliant",
    }
}

coded_enum! {
    /// Where a family strengthening household stands.
    HouseholdStatus {
        Active => "active",
        Graduated => "graduated",
        Exited => "exited",
    }
}

coded_enum! {
    /// The kinds of note about a child. Psychosocial notes are a sensitive class.
    CareNoteKind {
        Daily => "daily",
        Psychosocial => "psychosocial",
    }
}

/// What is wrong with what was typed. Each code is a translation key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CareError {
    #[error("this field is required")]
    Required,
    #[error("this text is too long")]
    TooLong,
    #[error("a date is written as YYYY-MM-DD and must be a day of the calendar")]
    BadDate,
    #[error("the end is before the start")]
    EndBeforeStart,
    #[error("this date is in the future")]
    InFuture,
    #[error("choose one of the values offered")]
    BadChoice,
    #[error("a whole number in the range shown")]
    BadNumber,
    #[error("the review date has already passed")]
    ReviewInPast,
    #[error("the review date is before the plan's date")]
    ReviewBeforePlan,
    #[error("the review is later than the review interval allows")]
    ReviewTooLate,
    #[error("poverty alone never justifies taking a child into care")]
    PovertyAlone,
    #[error("the child is already placed in a house at that time")]
    PlacementOverlap,
    #[error("a sibling lives in another house: say why they are placed apart")]
    ApartReasonRequired,
    #[error("a child under 3 belongs in family-based care: confirm to go on")]
    UnderThreeNeedsFamily,
    #[error("the admission is not approved yet")]
    NotApproved,
    #[error("the house is full")]
    HouseFull,
    #[error("the case cannot go from its state to that one")]
    TransitionNotAllowed,
    #[error("days present are more than the school days")]
    PresentMoreThanPossible,
    #[error("a referral names the partner it goes to")]
    PartnerRequired,
    #[error("this child already has a care record")]
    AlreadyInCare,
    #[error("this person is already a member of the household")]
    AlreadyMember,
    #[error("the child has left care")]
    LeftCare,
    #[error("the start is before the child was born")]
    BeforeBirth,
    #[error("this term is already recorded")]
    TermRecorded,
    #[error("children live in this house: end their placements first")]
    HouseHasChildren,
    #[error("this house is closed")]
    HouseClosed,
}

impl CareError {
    /// The translation key of the message.
    pub fn code(self) -> &'static str {
        match self {
            CareError::Required => "care-error-required",
            CareError::TooLong => "care-error-too-long",
            CareError::BadDate => "care-error-bad-date",
            CareError::EndBeforeStart => "care-error-end-before-start",
            CareError::InFuture => "care-error-in-future",
            CareError::BadChoice => "care-error-bad-choice",
            CareError::BadNumber => "care-error-bad-number",
            CareError::ReviewInPast => "care-error-review-in-past",
            CareError::ReviewBeforePlan => "care-error-review-before-plan",
            CareError::ReviewTooLate => "care-error-review-too-late",
            CareError::PovertyAlone => "care-error-poverty-alone",
            CareError::PlacementOverlap => "care-error-placement-overlap",
            CareError::ApartReasonRequired => "care-error-apart-reason-required",
            CareError::UnderThreeNeedsFamily => "care-error-under-three",
            CareError::NotApproved => "care-error-not-approved",
            CareError::HouseFull => "care-error-house-full",
            CareError::TransitionNotAllowed => "care-error-transition",
            CareError::PresentMoreThanPossible => "care-error-present-more-than-possible",
            CareError::PartnerRequired => "care-error-partner-required",
            CareError::AlreadyInCare => "care-error-already-in-care",
            CareError::AlreadyMember => "care-error-already-member",
            CareError::LeftCare => "care-error-left-care",
            CareError::BeforeBirth => "care-error-before-birth",
            CareError::TermRecorded => "care-error-term-recorded",
            CareError::HouseHasChildren => "care-error-house-has-children",
            CareError::HouseClosed => "care-error-house-closed",
        }
    }

    /// Every error, for the test that keeps the translation files complete.
    pub const ALL: [CareError; 26] = [
        CareError::Required,
        CareError::TooLong,
        CareError::BadDate,
        CareError::EndBeforeStart,
        CareError::InFuture,
        CareError::BadChoice,
        CareError::BadNumber,
        CareError::ReviewInPast,
        CareError::ReviewBeforePlan,
        CareError::ReviewTooLate,
        CareError::PovertyAlone,
        CareError::PlacementOverlap,
        CareError::ApartReasonRequired,
        CareError::UnderThreeNeedsFamily,
        CareError::NotApproved,
        CareError::HouseFull,
        CareError::TransitionNotAllowed,
        CareError::PresentMoreThanPossible,
        CareError::PartnerRequired,
        CareError::AlreadyInCare,
        CareError::AlreadyMember,
        CareError::LeftCare,
        CareError::BeforeBirth,
        CareError::TermRecorded,
        CareError::HouseHasChildren,
        CareError::HouseClosed,
    ];
}

/// Problems found in a form: the field's name and what is wrong with it.
pub type Problems = Vec<(&'static str, CareError)>;

/// The longest one-line text (a name, a school, a reason), in characters.
pub const SHORT_MAX: usize = 200;
/// The longest free text (an assessment, a note), in characters.
pub const LONG_MAX: usize = 4000;

/// The ages (in whole years) Haven counts as school age in Cambodia: from 6, the
/// entry age of grade 1, to 17, the usual age of grade 12 (the ministry's 6 + 3 + 3
/// years of general education). The list of school-age children not enrolled uses it.
pub const SCHOOL_AGE: (i32, i32) = (6, 17);

/// Children under this age belong in family-based care (spec: "SOS families").
pub const FAMILY_CARE_AGE: i32 = 3;

/// True for the roles that see only the children of their own house (the houses
/// whose SOS parent or family assistant is the staff member linked to their
/// account), rather than every child their scope reaches.
pub fn sees_own_house_only(role: crate::Role) -> bool {
    matches!(role, crate::Role::SosParent | crate::Role::FamilyAssistant)
}

/// True when a child born on `born` is of school age on `on`.
pub fn is_school_age(born: Date, on: Date) -> bool {
    let age = age_in_years(born, on);
    (SCHOOL_AGE.0..=SCHOOL_AGE.1).contains(&age)
}

/// True when a child born on `born` is under 3 on `on` and so belongs in a family.
pub fn needs_family_care(born: Date, on: Date) -> bool {
    age_in_years(born, on) < FAMILY_CARE_AGE
}

/// True when two stays `[start, end)` overlap; `None` is an end not yet known. A
/// placement that ends on a day and one that starts that day do not overlap: the
/// day of a move belongs to the new house.
pub fn overlaps(a: (Date, Option<Date>), b: (Date, Option<Date>)) -> bool {
    let before = |end: Option<Date>, start: Date| end.is_some_and(|end| end <= start);
    !(before(a.1, b.0) || before(b.1, a.0))
}

/// True when a plan's review is overdue on `today`.
pub fn review_overdue(review_on: Date, today: Date) -> bool {
    review_on < today
}

/// `date` plus `months` calendar months (the last day of the month when the day does
/// not exist there: 31 August + 6 months is 28 or 29 February).
pub fn add_months(date: Date, months: u32) -> Date {
    let total = date.year() * 12 + (date.month() as i32 - 1) + months as i32;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12));
    let month = time::Month::try_from((month0 + 1) as u8).unwrap_or(time::Month::January);
    let last = month.length(year);
    Date::from_calendar_date(year, month, date.day().min(last)).unwrap_or(date)
}

// ---------------------------------------------------------------------------
// Small parsers shared by the forms.

struct Parser {
    problems: Problems,
}

impl Parser {
    fn new() -> Parser {
        Parser {
            problems: Vec::new(),
        }
    }

    fn fail(&mut self, field: &'static str, error: CareError) {
        self.problems.push((field, error));
    }

    /// One line of text, white space collapsed.
    fn line(&mut self, field: &'static str, raw: &str, required: bool) -> String {
        let value = normalise(raw)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        self.check_text(field, value, required, SHORT_MAX)
    }

    /// Free text, lines kept.
    fn long(&mut self, field: &'static str, raw: &str, required: bool) -> String {
        self.check_text(field, normalise(raw), required, LONG_MAX)
    }

    fn check_text(
        &mut self,
        field: &'static str,
        value: String,
        required: bool,
        max: usize,
    ) -> String {
        if required && value.is_empty() {
            self.fail(field, CareError::Required);
        } else if value.chars().count() > max {
            self.fail(field, CareError::TooLong);
        }
        value
    }

    fn date(&mut self, field: &'static str, raw: &str) -> Option<Date> {
        if raw.trim().is_empty() {
            return None;
        }
        let date = parse_date(raw);
        if date.is_none() {
            self.fail(field, CareError::BadDate);
        }
        date
    }

    fn required_date(&mut self, field: &'static str, raw: &str) -> Option<Date> {
        if raw.trim().is_empty() {
            self.fail(field, CareError::Required);
            return None;
        }
        self.date(field, raw)
    }

    /// A required date that may not lie after `today`.
    fn past_date(&mut self, field: &'static str, raw: &str, today: Date) -> Option<Date> {
        let date = self.required_date(field, raw)?;
        if date > today {
            self.fail(field, CareError::InFuture);
        }
        Some(date)
    }

    fn choice<T>(
        &mut self,
        field: &'static str,
        raw: &str,
        parse: fn(&str) -> Option<T>,
    ) -> Option<T> {
        if raw.trim().is_empty() {
            self.fail(field, CareError::Required);
            return None;
        }
        let value = parse(raw);
        if value.is_none() {
            self.fail(field, CareError::BadChoice);
        }
        value
    }

    fn number(
        &mut self,
        field: &'static str,
        raw: &str,
        range: std::ops::RangeInclusive<i64>,
    ) -> Option<i64> {
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        match raw.parse::<i64>() {
            Ok(n) if range.contains(&n) => Some(n),
            _ => {
                self.fail(field, CareError::BadNumber);
                None
            }
        }
    }

    fn end_after(&mut self, field: &'static str, start: Option<Date>, end: Option<Date>) {
        if let (Some(start), Some(end)) = (start, end) {
            if end < start {
                self.fail(field, CareError::EndBeforeStart);
            }
        }
    }

    fn finish<T>(self, make: impl FnOnce() -> Option<T>) -> Result<T, Problems> {
        if self.problems.is_empty() {
            // Every value `make` unwraps was checked above; a `None` left here is a
            // field this parser forgot to report, so it is reported as required.
            make().ok_or_else(|| vec![("form", CareError::Required)])
        } else {
            Err(self.problems)
        }
    }
}

/// A list of codes as typed (checkboxes, or a comma-separated field), parsed.
fn codes<T: Copy + PartialEq>(
    p: &mut Parser,
    field: &'static str,
    raw: &[&str],
    parse: fn(&str) -> Option<T>,
) -> Vec<T> {
    let mut values = Vec::new();
    for code in raw
        .iter()
        .flat_map(|r| r.split(','))
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        match parse(code) {
            Some(v) if !values.contains(&v) => values.push(v),
            Some(_) => {}
            None => p.fail(field, CareError::BadChoice),
        }
    }
    values
}

/// Writes a list of codes as stored: comma-separated.
pub fn join_codes<T>(values: &[T], code: fn(T) -> &'static str) -> String
where
    T: Copy,
{
    values
        .iter()
        .map(|v| code(*v))
        .collect::<Vec<_>>()
        .join(",")
}

/// Reads a stored list of codes, skipping any this version does not know.
pub fn split_codes<T>(stored: &str, parse: fn(&str) -> Option<T>) -> Vec<T> {
    stored.split(',').filter_map(parse).collect()
}

macro_rules! getters {
    ($t:ident { $($f:ident : $ty:ty),* $(,)? } refs { $($r:ident : $rty:ty),* $(,)? }) => {
        impl $t {
            $(pub fn $f(&self) -> $ty { self.$f })*
            $(pub fn $r(&self) -> &$rty { &self.$r })*
        }
    };
}

// ---------------------------------------------------------------------------
// Houses

#[derive(Clone, Debug, Default)]
pub struct HouseInput<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub capacity: &'a str,
}

/// A house's own details; its caregivers are staff members the store checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HouseDetails {
    name: String,
    kind: HouseKind,
    capacity: i64,
}
getters!(HouseDetails { kind: HouseKind, capacity: i64 } refs { name: str });

/// The most children a house may be set up for.
pub const HOUSE_CAPACITY_MAX: i64 = 20;

impl HouseDetails {
    pub fn parse(input: &HouseInput<'_>) -> Result<HouseDetails, Problems> {
        let mut p = Parser::new();
        let name = p.line("name", input.name, true);
        let kind = p.choice("kind", input.kind, HouseKind::parse);
        let capacity = if input.capacity.trim().is_empty() {
            p.fail("capacity", CareError::Required);
            None
        } else {
            p.number("capacity", input.capacity, 1..=HOUSE_CAPACITY_MAX)
        };
        p.finish(|| {
            Some(HouseDetails {
                name,
                kind: kind?,
                capacity: capacity?,
            })
        })
    }
}

// ---------------------------------------------------------------------------
// Gatekeeping

#[derive(Clone, Debug, Default)]
pub struct AdmissionInput<'a> {
    pub referred_by: &'a str,
    pub referred_on: &'a str,
    pub authority: &'a str,
    pub authority_reference: &'a str,
    pub necessity: &'a str,
    pub family_support: &'a str,
    /// Ticked when poverty is the only reason the family cannot care for the child.
    pub poverty_only: bool,
    pub options_considered: Vec<&'a str>,
    pub chosen_option: &'a str,
    pub suitability: &'a str,
    pub child_views: &'a str,
    pub siblings_note: &'a str,
    pub decision: &'a str,
    pub decided_on: &'a str,
    pub review_on: &'a str,
}

/// A gatekeeping assessment and its decision, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdmissionDetails {
    referred_by: String,
    referred_on: Option<Date>,
    authority: String,
    authority_reference: String,
    necessity: String,
    family_support: String,
    options_considered: Vec<CareOption>,
    chosen_option: CareOption,
    suitability: String,
    child_views: String,
    siblings_note: String,
    decision: AdmissionDecision,
    decided_on: Date,
    review_on: Date,
}
getters!(AdmissionDetails {
    referred_on: Option<Date>, chosen_option: CareOption, decision: AdmissionDecision,
    decided_on: Date, review_on: Date,
} refs {
    referred_by: str, authority: str, authority_reference: str, necessity: str,
    family_support: str, options_considered: [CareOption], suitability: str, child_views: str,
    siblings_note: str,
});

impl AdmissionDetails {
    /// Care is temporary in principle: the decision names a review date after it.
    pub fn parse(input: &AdmissionInput<'_>, today: Date) -> Result<AdmissionDetails, Problems> {
        let mut p = Parser::new();
        let referred_by = p.line("referred_by", input.referred_by, false);
        let referred_on = p.date("referred_on", input.referred_on);
        if referred_on.is_some_and(|d| d > today) {
            p.fail("referred_on", CareError::InFuture);
        }
        let authority = p.line("authority", input.authority, false);
        let authority_reference = p.line("authority_reference", input.authority_reference, false);
        let necessity = p.long("necessity", input.necessity, true);
        let family_support = p.long("family_support", input.family_support, false);
        let mut options_considered = codes(
            &mut p,
            "options_considered",
            &input.options_considered,
            CareOption::parse,
        );
        let chosen_option = p.choice("chosen_option", input.chosen_option, CareOption::parse);
        if let Some(chosen) = chosen_option {
            if !options_considered.contains(&chosen) {
                options_considered.push(chosen);
            }
        }
        let suitability = p.long("suitability", input.suitability, true);
        let child_views = p.long("child_views", input.child_views, false);
        let siblings_note = p.long("siblings_note", input.siblings_note, false);
        let decision = p.choice("decision", input.decision, AdmissionDecision::parse);
        if input.poverty_only && decision == Some(AdmissionDecision::Admit) {
            p.fail("necessity", CareError::PovertyAlone);
        }
        let decided_on = p.past_date("decided_on", input.decided_on, today);
        let review_on = p.required_date("review_on", input.review_on);
        if let (Some(decided), Some(review)) = (decided_on, review_on) {
            if review <= decided {
                p.fail("review_on", CareError::ReviewBeforePlan);
            }
        }
        p.finish(|| {
            Some(AdmissionDetails {
                referred_by,
                referred_on,
                authority,
                authority_reference,
                necessity,
                family_support,
                options_considered,
                chosen_option: chosen_option?,
                suitability,
                child_views,
                siblings_note,
                decision: decision?,
                decided_on: decided_on?,
                review_on: review_on?,
            })
        })
    }
}

// ---------------------------------------------------------------------------
// Placements

#[derive(Clone, Debug, Default)]
pub struct PlacementInput<'a> {
    pub started_on: &'a str,
    pub ended_on: &'a str,
    pub reason: &'a str,
    pub apart_reason: &'a str,
}

/// A stay in a house, parsed: it never ends before it starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlacementDetails {
    started_on: Date,
    ended_on: Option<Date>,
    reason: String,
    apart_reason: String,
}
getters!(PlacementDetails { started_on: Date, ended_on: Option<Date> } refs { reason: str, apart_reason: str });

impl PlacementDetails {
    pub fn parse(input: &PlacementInput<'_>, today: Date) -> Result<PlacementDetails, Problems> {
        let mut p = Parser::new();
        let started_on = p.past_date("started_on", input.started_on, today);
        let ended_on = p.date("ended_on", input.ended_on);
        if ended_on.is_some_and(|d| d > today) {
            p.fail("ended_on", CareError::InFuture);
        }
        p.end_after("ended_on", started_on, ended_on);
        let reason = p.line("reason", input.reason, true);
        let apart_reason = p.line("apart_reason", input.apart_reason, false);
        p.finish(|| {
            Some(PlacementDetails {
                started_on: started_on?,
                ended_on,
                reason,
                apart_reason,
            })
        })
    }

    pub fn span(&self) -> (Date, Option<Date>) {
        (self.started_on, self.ended_on)
    }
}

/// The end of a placement: the day and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlacementEnd {
    ended_on: Date,
    reason: String,
}
getters!(PlacementEnd { ended_on: Date } refs { reason: str });

impl PlacementEnd {
    pub fn parse(
        ended_on: &str,
        reason: &str,
        started_on: Date,
        today: Date,
    ) -> Result<PlacementEnd, Problems> {
        let mut p = Parser::new();
        let end = p.past_date("ended_on", ended_on, today);
        p.end_after("ended_on", Some(started_on), end);
        let reason = p.line("end_reason", reason, true);
        p.finish(|| {
            Some(PlacementEnd {
                ended_on: end?,
                reason,
            })
        })
    }
}

// ---------------------------------------------------------------------------
// Development plans

#[derive(Clone, Debug, Default)]
pub struct PlanInput<'a> {
    pub made_on: &'a str,
    pub review_on: &'a str,
    pub strengths: &'a str,
    pub risks_needs: &'a str,
    pub child_heard: bool,
    pub child_views: &'a str,
}

/// A development plan's header, parsed: its review lies ahead, and within the
/// review interval of the plan's date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanDetails {
    made_on: Date,
    review_on: Date,
    strengths: String,
    risks_needs: String,
    child_heard: bool,
    child_views: String,
}
getters!(PlanDetails { made_on: Date, review_on: Date, child_heard: bool } refs { strengths: str, risks_needs: str, child_views: str });

/// Checks a review date against the day it is set, the date it counts from, and the
/// interval: not already past, not before `from`, at most `interval_months` after it.
fn check_review(
    p: &mut Parser,
    field: &'static str,
    review: Option<Date>,
    from: Option<Date>,
    today: Date,
    interval_months: u32,
) {
    let Some(review) = review else { return };
    if review < today {
        p.fail(field, CareError::ReviewInPast);
    } else if let Some(from) = from {
        if review < from {
            p.fail(field, CareError::ReviewBeforePlan);
        } else if review > add_months(from, interval_months) {
            p.fail(field, CareError::ReviewTooLate);
        }
    }
}

impl PlanDetails {
    pub fn parse(
        input: &PlanInput<'_>,
        today: Date,
        interval_months: u32,
    ) -> Result<PlanDetails, Problems> {
        let mut p = Parser::new();
        let made_on = p.past_date("made_on", input.made_on, today);
        let review_on = p.required_date("review_on", input.review_on);
        check_review(
            &mut p,
            "review_on",
            review_on,
            made_on,
            today,
            interval_months,
        );
        let strengths = p.long("strengths", input.strengths, false);
        let risks_needs = p.long("risks_needs", input.risks_needs, false);
        let child_views = p.long("child_views", input.child_views, false);
        if input.child_heard && child_views.is_empty() {
            p.fail("child_views", CareError::Required);
        }
        p.finish(|| {
            Some(PlanDetails {
                made_on: made_on?,
                review_on: review_on?,
                strengths,
                risks_needs,
                child_heard: input.child_heard,
                child_views,
            })
        })
    }
}

#[derive(Clone, Debug, Default)]
pub struct GoalInput<'a> {
    pub area: &'a str,
    pub goal: &'a str,
    pub actions: &'a str,
    pub responsible: &'a str,
    pub due_on: &'a str,
    pub progress: &'a str,
    pub progress_note: &'a str,
}

/// A goal of a plan, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoalDetails {
    area: LifeArea,
    goal: String,
    actions: String,
    responsible: String,
    due_on: Option<Date>,
    progress: GoalProgress,
    progress_note: String,
}
getters!(GoalDetails { area: LifeArea, due_on: Option<Date>, progress: GoalProgress } refs { goal: str, actions: str, responsible: str, progress_note: str });

impl GoalDetails {
    pub fn parse(input: &GoalInput<'_>) -> Result<GoalDetails, Problems> {
        let mut p = Parser::new();
        let area = p.choice("area", input.area, LifeArea::parse);
        let goal = p.long("goal", input.goal, true);
        let actions = p.long("actions", input.actions, false);
        let responsible = p.line("responsible", input.responsible, true);
        let due_on = p.date("due_on", input.due_on);
        let progress = if input.progress.trim().is_empty() {
            Some(GoalProgress::NotStarted)
        } else {
            p.choice("progress", input.progress, GoalProgress::parse)
        };
        let progress_note = p.long("progress_note", input.progress_note, false);
        p.finish(|| {
            Some(GoalDetails {
                area: area?,
                goal,
                actions,
                responsible,
                due_on,
                progress: progress?,
                progress_note,
            })
        })
    }
}

/// A goal's progress as updated at a review or in between.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoalUpdate {
    progress: GoalProgress,
    progress_note: String,
}
getters!(GoalUpdate { progress: GoalProgress } refs { progress_note: str });

impl GoalUpdate {
    pub fn parse(progress: &str, note: &str) -> Result<GoalUpdate, Problems> {
        let mut p = Parser::new();
        let progress = p.choice("progress", progress, GoalProgress::parse);
        let progress_note = p.long("progress_note", note, false);
        p.finish(|| {
            Some(GoalUpdate {
                progress: progress?,
                progress_note,
            })
        })
    }
}

/// A review of a plan: when it was held, and when the next one is due.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewDetails {
    reviewed_on: Date,
    notes: String,
    next_review_on: Date,
}
getters!(ReviewDetails { reviewed_on: Date, next_review_on: Date } refs { notes: str });

impl ReviewDetails {
    pub fn parse(
        reviewed_on: &str,
        notes: &str,
        next_review_on: &str,
        today: Date,
        interval_months: u32,
    ) -> Result<ReviewDetails, Problems> {
        let mut p = Parser::new();
        let reviewed = p.past_date("reviewed_on", reviewed_on, today);
        let next = p.required_date("next_review_on", next_review_on);
        check_review(
            &mut p,
            "next_review_on",
            next,
            reviewed,
            today,
            interval_months,
        );
        let notes = p.long("notes", notes, true);
        p.finish(|| {
            Some(ReviewDetails {
                reviewed_on: reviewed?,
                notes,
                next_review_on: next?,
            })
        })
    }
}

// ---------------------------------------------------------------------------
// Education

#[derive(Clone, Debug, Default)]
pub struct EnrolmentInput<'a> {
    pub level: &'a str,
    pub school: &'a str,
    pub grade: &'a str,
    pub school_year: &'a str,
    pub scholarship: &'a str,
}

/// An enrolment, parsed. The school year is named by the year it starts in
/// (Cambodia's runs from November to August or so, across two calendar years).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnrolmentDetails {
    level: SchoolLevel,
    school: String,
    grade: String,
    school_year: i64,
    scholarship: String,
}
getters!(EnrolmentDetails { level: SchoolLevel, school_year: i64 } refs { school: str, grade: str, scholarship: str });

impl EnrolmentDetails {
    pub fn parse(input: &EnrolmentInput<'_>) -> Result<EnrolmentDetails, Problems> {
        let mut p = Parser::new();
        let level = p.choice("level", input.level, SchoolLevel::parse);
        let school = p.line("school", input.school, true);
        let grade = p.line("grade", input.grade, false);
        let year = if input.school_year.trim().is_empty() {
            p.fail("school_year", CareError::Required);
            None
        } else {
            // "2025" or "2025-2026": the first year names it.
            let first = input
                .school_year
                .trim()
                .split(['-', '–', '/'])
                .next()
                .unwrap_or("");
            p.number("school_year", first, 1990..=2100)
        };
        let scholarship = p.line("scholarship", input.scholarship, false);
        p.finish(|| {
            Some(EnrolmentDetails {
                level: level?,
                school,
                grade,
                school_year: year?,
                scholarship,
            })
        })
    }
}

#[derive(Clone, Debug, Default)]
pub struct TermInput<'a> {
    pub term: &'a str,
    pub days_present: &'a str,
    pub days_possible: &'a str,
    pub average: &'a str,
    pub passed: bool,
    pub remark: &'a str,
}

/// A term's attendance and results, parsed. The average is a percentage.
#[derive(Clone, Debug, PartialEq)]
pub struct TermDetails {
    term: i64,
    days_present: Option<i64>,
    days_possible: Option<i64>,
    average: Option<f64>,
    passed: bool,
    remark: String,
}
getters!(TermDetails { term: i64, days_present: Option<i64>, days_possible: Option<i64>, average: Option<f64>, passed: bool } refs { remark: str });

impl TermDetails {
    pub fn parse(input: &TermInput<'_>) -> Result<TermDetails, Problems> {
        let mut p = Parser::new();
        let term = if input.term.trim().is_empty() {
            p.fail("term", CareError::Required);
            None
        } else {
            p.number("term", input.term, 1..=4)
        };
        let present = p.number("days_present", input.days_present, 0..=366);
        let possible = p.number("days_possible", input.days_possible, 0..=366);
        if let (Some(present), Some(possible)) = (present, possible) {
            if present > possible {
                p.fail("days_present", CareError::PresentMoreThanPossible);
            }
        }
        let average = match input.average.trim() {
            "" => None,
            raw => match raw.replace(',', ".").parse::<f64>() {
                Ok(v) if v.is_finite() && (0.0..=100.0).contains(&v) => Some(v),
                _ => {
                    p.fail("average", CareError::BadNumber);
                    None
                }
            },
        };
        let remark = p.line("remark", input.remark, false);
        p.finish(|| {
            Some(TermDetails {
                term: term?,
                days_present: present,
                days_possible: possible,
                average,
                passed: input.passed,
                remark,
            })
        })
    }
}

// ---------------------------------------------------------------------------
// Independence and leaving care

/// A step to independence, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepDetails {
    kind: IndependenceStep,
    started_on: Date,
    ended_on: Option<Date>,
    details: String,
}
getters!(StepDetails { kind: IndependenceStep, started_on: Date, ended_on: Option<Date> } refs { details: str });

impl StepDetails {
    pub fn parse(
        kind: &str,
        started_on: &str,
        ended_on: &str,
        details: &str,
        today: Date,
    ) -> Result<StepDetails, Problems> {
        let mut p = Parser::new();
        let kind = p.choice("kind", kind, IndependenceStep::parse);
        let start = p.past_date("started_on", started_on, today);
        let end = p.date("ended_on", ended_on);
        p.end_after("ended_on", start, end);
        let details = p.line("details", details, false);
        p.finish(|| {
            Some(StepDetails {
                kind: kind?,
                started_on: start?,
                ended_on: end,
                details,
            })
        })
    }
}

/// Leaving care: the day, where to, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeavingDetails {
    left_on: Date,
    destination: LeavingDestination,
    reason: String,
}
getters!(LeavingDetails { left_on: Date, destination: LeavingDestination } refs { reason: str });

impl LeavingDetails {
    pub fn parse(
        left_on: &str,
        destination: &str,
        reason: &str,
        today: Date,
    ) -> Result<LeavingDetails, Problems> {
        let mut p = Parser::new();
        let left = p.past_date("left_on", left_on, today);
        let destination = p.choice("destination", destination, LeavingDestination::parse);
        let reason = p.line("leaving_reason", reason, true);
        p.finish(|| {
            Some(LeavingDetails {
                left_on: left?,
                destination: destination?,
                reason,
            })
        })
    }
}

/// An after-care follow-up, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowUpDetails {
    followed_on: Date,
    situation: FollowUpSituation,
    notes: String,
    next_on: Option<Date>,
}
getters!(FollowUpDetails { followed_on: Date, situation: FollowUpSituation, next_on: Option<Date> } refs { notes: str });

impl FollowUpDetails {
    pub fn parse(
        followed_on: &str,
        situation: &str,
        notes: &str,
        next_on: &str,
        today: Date,
    ) -> Result<FollowUpDetails, Problems> {
        let mut p = Parser::new();
        let on = p.past_date("followed_on", followed_on, today);
        let situation = p.choice("situation", situation, FollowUpSituation::parse);
        let notes = p.long("notes", notes, false);
        let next = p.date("next_on", next_on);
        p.end_after("next_on", on, next);
        p.finish(|| {
            Some(FollowUpDetails {
                followed_on: on?,
                situation: situation?,
                notes,
                next_on: next,
            })
        })
    }
}

// ---------------------------------------------------------------------------
// Family strengthening

/// A household's name and vulnerabilities, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HouseholdDetails {
    name: String,
    vulnerabilities: Vec<FamilyVulnerability>,
}
getters!(HouseholdDetails {} refs { name: str, vulnerabilities: [FamilyVulnerability] });

impl HouseholdDetails {
    pub fn parse(name: &str, vulnerabilities: &[&str]) -> Result<HouseholdDetails, Problems> {
        let mut p = Parser::new();
        let name = p.line("name", name, true);
        let vulnerabilities = codes(
            &mut p,
            "vulnerabilities",
            vulnerabilities,
            FamilyVulnerability::parse,
        );
        p.finish(|| {
            Some(HouseholdDetails {
                name,
                vulnerabilities,
            })
        })
    }
}

/// A service given, parsed. A referral names its partner (the store checks it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceDetails {
    kind: FamilyService,
    given_on: Date,
    notes: String,
}
getters!(ServiceDetails { kind: FamilyService, given_on: Date } refs { notes: str });

impl ServiceDetails {
    pub fn parse(
        kind: &str,
        given_on: &str,
        notes: &str,
        has_partner: bool,
        today: Date,
    ) -> Result<ServiceDetails, Problems> {
        let mut p = Parser::new();
        let kind = p.choice("kind", kind, FamilyService::parse);
        if kind == Some(FamilyService::Referral) && !has_partner {
            p.fail("partner", CareError::PartnerRequired);
        }
        let given = p.past_date("given_on", given_on, today);
        let notes = p.line("notes", notes, false);
        p.finish(|| {
            Some(ServiceDetails {
                kind: kind?,
                given_on: given?,
                notes,
            })
        })
    }
}

/// An assessment of progress towards self-reliance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgressDetails {
    assessed_on: Date,
    level: SelfReliance,
    note: String,
}
getters!(ProgressDetails { assessed_on: Date, level: SelfReliance } refs { note: str });

impl ProgressDetails {
    pub fn parse(
        assessed_on: &str,
        level: &str,
        note: &str,
        today: Date,
    ) -> Result<ProgressDetails, Problems> {
        let mut p = Parser::new();
        let on = p.past_date("assessed_on", assessed_on, today);
        let level = p.choice("level", level, SelfReliance::parse);
        let note = p.line("note", note, false);
        p.finish(|| {
            Some(ProgressDetails {
                assessed_on: on?,
                level: level?,
                note,
            })
        })
    }
}

/// A household's graduation or exit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HouseholdEnd {
    status: HouseholdStatus,
    ended_on: Date,
    reason: String,
}
getters!(HouseholdEnd { status: HouseholdStatus, ended_on: Date } refs { reason: str });

impl HouseholdEnd {
    pub fn parse(
        status: &str,
        ended_on: &str,
        reason: &str,
        today: Date,
    ) -> Result<HouseholdEnd, Problems> {
        let mut p = Parser::new();
        let status = match p.choice("status", status, HouseholdStatus::parse) {
            Some(HouseholdStatus::Active) => {
                p.fail("status", CareError::BadChoice);
                None
            }
            other => other,
        };
        let on = p.past_date("ended_on", ended_on, today);
        let reason = p.line("end_reason", reason, true);
        p.finish(|| {
            Some(HouseholdEnd {
                status: status?,
                ended_on: on?,
                reason,
            })
        })
    }
}

/// A partner organisation, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartnerDetails {
    name: String,
    services: String,
    contact: String,
}
getters!(PartnerDetails {} refs { name: str, services: str, contact: str });

impl PartnerDetails {
    pub fn parse(name: &str, services: &str, contact: &str) -> Result<PartnerDetails, Problems> {
        let mut p = Parser::new();
        let name = p.line("name", name, true);
        let services = p.line("services", services, false);
        let contact = p.line("contact", contact, false);
        p.finish(|| {
            Some(PartnerDetails {
                name,
                services,
                contact,
            })
        })
    }
}

// ---------------------------------------------------------------------------
// Notes

/// The longest care note, in characters: short, dated notes.
pub const NOTE_MAX: usize = 2000;

/// A note about a child, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteDetails {
    kind: CareNoteKind,
    written_on: Date,
    body: String,
}
getters!(NoteDetails { kind: CareNoteKind, written_on: Date } refs { body: str });

impl NoteDetails {
    pub fn parse(
        kind: &str,
        written_on: &str,
        body: &str,
        today: Date,
    ) -> Result<NoteDetails, Problems> {
        let mut p = Parser::new();
        let kind = p.choice("kind", kind, CareNoteKind::parse);
        let on = p.past_date("written_on", written_on, today);
        let body = p.check_text("body", normalise(body), true, NOTE_MAX);
        p.finish(|| {
            Some(NoteDetails {
                kind: kind?,
                written_on: on?,
                body,
            })
        })
    }
}

/// Why a record is marked entered in error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorReason(String);

impl ErrorReason {
    pub fn parse(raw: &str) -> Result<ErrorReason, Problems> {
        let mut p = Parser::new();
        let reason = p.line("reason", raw, true);
        p.finish(|| Some(ErrorReason(reason)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A case step's note, parsed (optional, one line).
pub fn parse_case_note(raw: &str) -> Result<String, Problems> {
    let mut p = Parser::new();
    let note = p.line("note", raw, false);
    p.finish(|| Some(note))
}

#[cfg(test)]
mod tests;
