//! The rules of the medical centre's daily work: outpatient visits, inpatient stays, the laboratory, medicines and the patient chart (issue 4).
//!
//! Everything a clinician, a lab technician or a pharmacist types is parsed here once
//! into values with private fields: vital signs within physiological limits
//! ([`vitals`]), ICD-10 codes of the WHO list ([`icd10`]), lab results against the test
//! catalogue ([`lab`]), prescriptions and stock quantities against the essential
//! medicines list ([`medicines`]). Errors are codes that are also translation keys.

pub mod chart;
pub mod icd10;
pub mod lab;
pub mod medicines;
pub mod vitals;

use time::Date;

use crate::places::parse_date;
use crate::text::normalise;

coded_enum! {
    /// The kind of an outpatient visit. Mother-and-child visits are where the
    /// mother-and-child part hangs its antenatal and child records.
    VisitType {
        General => "general",
        MotherAndChild => "mother_and_child",
        Emergency => "emergency",
    }
}

coded_enum! {
    /// Where a checked-in patient is in the facility's queue.
    QueueState {
        Waiting => "waiting",
        WithClinician => "with_clinician",
        Done => "done",
    }
}

coded_enum! {
    /// How an outpatient visit ended.
    VisitOutcome {
        SentHome => "sent_home",
        FollowUp => "follow_up",
        Admitted => "admitted",
        Referred => "referred",
        LeftBeforeSeen => "left_before_seen",
        Died => "died",
    }
}

coded_enum! {
    /// How urgent a referral is.
    Urgency {
        Routine => "routine",
        Urgent => "urgent",
        Emergency => "emergency",
    }
}

coded_enum! {
    /// How an inpatient stay ended.
    StayOutcome {
        Recovered => "recovered",
        Improved => "improved",
        Referred => "referred",
        LeftAgainstAdvice => "left_against_advice",
        Died => "died",
    }
}

coded_enum! {
    /// How sure a diagnosis is.
    Certainty {
        Provisional => "provisional",
        Confirmed => "confirmed",
    }
}

coded_enum! {
    /// Whether a dose on a medication administration record was given.
    AdministrationStatus {
        Given => "given",
        Refused => "refused",
        Held => "held",
        Missed => "missed",
    }
}

/// What is wrong with something typed on a clinic form. Each code is a translation key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClinicError {
    #[error("not a number")]
    NotANumber,
    #[error("outside the limits a living patient can have")]
    OutsidePhysiologicalLimits,
    #[error("the diastolic pressure must be below the systolic")]
    DiastolicAboveSystolic,
    #[error("give both blood pressures, or neither")]
    BloodPressureIncomplete,
    #[error("record at least one vital sign")]
    NoVitalSigns,
    #[error("not an ICD-10 code of the WHO list")]
    UnknownIcd10,
    #[error("choose a diagnosis")]
    Icd10Required,
    #[error("this text is too long")]
    TextTooLong,
    #[error("this is required")]
    Required,
    #[error("choose one of the options")]
    ChooseOption,
    #[error("a date is written as YYYY-MM-DD")]
    BadDate,
    #[error("the date is in the past")]
    DateInPast,
    #[error("the date is in the future")]
    DateInFuture,
    #[error("not a test of the catalogue")]
    UnknownTest,
    #[error("not a medicine of the list")]
    UnknownMedicine,
    #[error("a quantity is a whole number from 1")]
    BadQuantity,
    #[error("a number of days from 1 to 365")]
    BadDuration,
    #[error("a result outside what the test can measure")]
    ResultOutOfRange,
    #[error("choose a facility or name a partner")]
    ReferralDestinationRequired,
    #[error("the cause of death is required when the patient died")]
    CauseOfDeathRequired,
    #[error("the batch has expired")]
    BatchExpired,
    #[error("a count is a whole number from 0")]
    BadCount,
    #[error("an adjustment is a whole number other than 0")]
    BadAdjustment,
}

impl ClinicError {
    /// The translation key of the message.
    pub fn code(self) -> &'static str {
        match self {
            ClinicError::NotANumber => "clinic-error-not-a-number",
            ClinicError::OutsidePhysiologicalLimits => "clinic-error-outside-limits",
            ClinicError::DiastolicAboveSystolic => "clinic-error-diastolic-above-systolic",
            ClinicError::BloodPressureIncomplete => "clinic-error-bp-incomplete",
            ClinicError::NoVitalSigns => "clinic-error-no-vital-signs",
            ClinicError::UnknownIcd10 => "clinic-error-unknown-icd10",
            ClinicError::Icd10Required => "clinic-error-icd10-required",
            ClinicError::TextTooLong => "clinic-error-text-too-long",
            ClinicError::Required => "clinic-error-required",
            ClinicError::ChooseOption => "clinic-error-choose-option",
            ClinicError::BadDate => "clinic-error-bad-date",
            ClinicError::DateInPast => "clinic-error-date-in-past",
            ClinicError::DateInFuture => "clinic-error-date-in-future",
            ClinicError::UnknownTest => "clinic-error-unknown-test",
            ClinicError::UnknownMedicine => "clinic-error-unknown-medicine",
            ClinicError::BadQuantity => "clinic-error-bad-quantity",
            ClinicError::BadDuration => "clinic-error-bad-duration",
            ClinicError::ResultOutOfRange => "clinic-error-result-out-of-range",
            ClinicError::ReferralDestinationRequired => "clinic-error-referral-destination",
            ClinicError::CauseOfDeathRequired => "clinic-error-cause-of-death-required",
            ClinicError::BatchExpired => "clinic-error-batch-expired",
            ClinicError::BadCount => "clinic-error-bad-count",
            ClinicError::BadAdjustment => "clinic-error-bad-adjustment",
        }
    }

    /// The API's stable code for the error.
    pub fn api_code(self) -> String {
        self.code()
            .trim_start_matches("clinic-error-")
            .replace('-', "_")
    }

    /// Every error, for the test that keeps the translation files complete.
    pub const ALL: [ClinicError; 23] = [
        ClinicError::NotANumber,
        ClinicError::OutsidePhysiologicalLimits,
        ClinicError::DiastolicAboveSystolic,
        ClinicError::BloodPressureIncomplete,
        ClinicError::NoVitalSigns,
        ClinicError::UnknownIcd10,
        ClinicError::Icd10Required,
        ClinicError::TextTooLong,
        ClinicError::Required,
        ClinicError::ChooseOption,
        ClinicError::BadDate,
        ClinicError::DateInPast,
        ClinicError::DateInFuture,
        ClinicError::UnknownTest,
        ClinicError::UnknownMedicine,
        ClinicError::BadQuantity,
        ClinicError::BadDuration,
        ClinicError::ResultOutOfRange,
        ClinicError::ReferralDestinationRequired,
        ClinicError::CauseOfDeathRequired,
        ClinicError::BatchExpired,
        ClinicError::BadCount,
        ClinicError::BadAdjustment,
    ];
}

/// A field of a clinic form and its error: field names are the form's (and the API's)
/// field names.
pub type FieldError = (&'static str, ClinicError);

/// The longest note (complaint, history, examination, plan, progress note), in characters.
pub const NOTE_MAX: usize = 4000;
/// The longest short text (a dose, a reason, a partner's name), in characters.
pub const SHORT_MAX: usize = 200;

/// Clinical free text: NFC, trimmed, at most `max` characters; empty is allowed.
pub fn note(raw: &str, max: usize) -> Result<String, ClinicError> {
    let text = normalise(raw);
    if text.chars().count() > max {
        Err(ClinicError::TextTooLong)
    } else {
        Ok(text)
    }
}

/// Like [`note`], but empty is refused.
pub fn required_note(raw: &str, max: usize) -> Result<String, ClinicError> {
    let text = note(raw, max)?;
    if text.is_empty() {
        Err(ClinicError::Required)
    } else {
        Ok(text)
    }
}

/// An optional date (`YYYY-MM-DD`); empty is `None`.
pub fn optional_date(raw: &str) -> Result<Option<Date>, ClinicError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    parse_date(raw).map(Some).ok_or(ClinicError::BadDate)
}

/// Collects field errors while parsing a form, so every wrong field gets its message.
#[derive(Debug, Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    /// The value, or `None` with the error kept at `field`.
    pub fn check<T>(&mut self, field: &'static str, result: Result<T, ClinicError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.0.push((field, error));
                None
            }
        }
    }

    pub fn push(&mut self, field: &'static str, error: ClinicError) {
        self.0.push((field, error));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }
}

/// A coded choice: the value, or [`ClinicError::ChooseOption`].
pub fn choice<T>(parsed: Option<T>) -> Result<T, ClinicError> {
    parsed.ok_or(ClinicError::ChooseOption)
}

/// What a clinician writes at a visit: complaint, history, examination, plan, follow-up.
#[derive(Clone, Debug, PartialEq)]
pub struct VisitNotes {
    complaint: String,
    history: String,
    examination: String,
    plan: String,
    follow_up_on: Option<Date>,
    outcome: Option<VisitOutcome>,
}

/// A visit's notes as typed.
#[derive(Clone, Debug, Default)]
pub struct VisitNotesInput<'a> {
    pub complaint: &'a str,
    pub history: &'a str,
    pub examination: &'a str,
    pub plan: &'a str,
    pub follow_up_on: &'a str,
    pub outcome: &'a str,
}

impl VisitNotes {
    /// Parses the notes; a follow-up date must not be before `today`.
    pub fn parse(input: &VisitNotesInput<'_>, today: Date) -> Result<VisitNotes, Vec<FieldError>> {
        let mut errors = Errors::default();
        let complaint = errors.check("complaint", note(input.complaint, NOTE_MAX));
        let history = errors.check("history", note(input.history, NOTE_MAX));
        let examination = errors.check("examination", note(input.examination, NOTE_MAX));
        let plan = errors.check("plan", note(input.plan, NOTE_MAX));
        let follow_up_on = errors
            .check("follow_up_on", optional_date(input.follow_up_on))
            .flatten();
        if follow_up_on.is_some_and(|d| d < today) {
            errors.push("follow_up_on", ClinicError::DateInPast);
        }
        let outcome = if input.outcome.trim().is_empty() {
            None
        } else {
            errors.check("outcome", choice(VisitOutcome::parse(input.outcome)))
        };
        match (complaint, history, examination, plan, errors.is_empty()) {
            (Some(complaint), Some(history), Some(examination), Some(plan), true) => {
                Ok(VisitNotes {
                    complaint,
                    history,
                    examination,
                    plan,
                    follow_up_on,
                    outcome,
                })
            }
            _ => Err(errors.into_vec()),
        }
    }

    pub fn complaint(&self) -> &str {
        &self.complaint
    }
    pub fn history(&self) -> &str {
        &self.history
    }
    pub fn examination(&self) -> &str {
        &self.examination
    }
    pub fn plan(&self) -> &str {
        &self.plan
    }
    pub fn follow_up_on(&self) -> Option<Date> {
        self.follow_up_on
    }
    pub fn outcome(&self) -> Option<VisitOutcome> {
        self.outcome
    }
}

/// A diagnosis: an ICD-10 code of the WHO list, its certainty and a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiagnosisDetails {
    code: icd10::Icd10Code,
    certainty: Certainty,
    note: String,
}

impl DiagnosisDetails {
    pub fn parse(
        code: &str,
        certainty: &str,
        note_text: &str,
    ) -> Result<DiagnosisDetails, Vec<FieldError>> {
        let mut errors = Errors::default();
        let code = if code.trim().is_empty() {
            errors.push("icd10", ClinicError::Icd10Required);
            None
        } else {
            errors.check("icd10", icd10::Icd10Code::parse(code))
        };
        let certainty = if certainty.trim().is_empty() {
            Some(Certainty::Provisional)
        } else {
            errors.check("certainty", choice(Certainty::parse(certainty)))
        };
        let note_text = errors.check("note", note(note_text, SHORT_MAX));
        match (code, certainty, note_text) {
            (Some(code), Some(certainty), Some(note)) if errors.is_empty() => {
                Ok(DiagnosisDetails {
                    code,
                    certainty,
                    note,
                })
            }
            _ => Err(errors.into_vec()),
        }
    }
    pub fn code(&self) -> &icd10::Icd10Code {
        &self.code
    }
    pub fn certainty(&self) -> Certainty {
        self.certainty
    }
    pub fn note(&self) -> &str {
        &self.note
    }
}

/// Where a referral goes: a facility of Haven (by id, as text: the domain knows no
/// store ids) or a partner named in words, and why and how urgently.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferralDetails {
    to_facility: Option<String>,
    to_partner: String,
    reason: String,
    urgency: Urgency,
}

impl ReferralDetails {
    pub fn parse(
        to_facility: &str,
        to_partner: &str,
        reason: &str,
        urgency: &str,
    ) -> Result<ReferralDetails, Vec<FieldError>> {
        let mut errors = Errors::default();
        let to_facility = Some(to_facility.trim().to_owned()).filter(|f| !f.is_empty());
        let to_partner = errors.check("to_partner", note(to_partner, SHORT_MAX));
        if to_facility.is_none() && to_partner.as_deref().is_some_and(str::is_empty) {
            errors.push("to_partner", ClinicError::ReferralDestinationRequired);
        }
        let reason = errors.check("reason", required_note(reason, NOTE_MAX));
        let urgency = errors.check("urgency", choice(Urgency::parse(urgency)));
        match (to_partner, reason, urgency) {
            (Some(to_partner), Some(reason), Some(urgency)) if errors.is_empty() => {
                Ok(ReferralDetails {
                    to_facility,
                    to_partner,
                    reason,
                    urgency,
                })
            }
            _ => Err(errors.into_vec()),
        }
    }
    pub fn to_facility(&self) -> Option<&str> {
        self.to_facility.as_deref()
    }
    pub fn to_partner(&self) -> &str {
        &self.to_partner
    }
    pub fn reason(&self) -> &str {
        &self.reason
    }
    pub fn urgency(&self) -> Urgency {
        self.urgency
    }
}

/// A discharge: the outcome, the summary, and the cause of death when the patient died.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discharge {
    outcome: StayOutcome,
    summary: String,
    cause_of_death: String,
}

impl Discharge {
    pub fn parse(
        outcome: &str,
        summary: &str,
        cause_of_death: &str,
    ) -> Result<Discharge, Vec<FieldError>> {
        let mut errors = Errors::default();
        let outcome = errors.check("outcome", choice(StayOutcome::parse(outcome)));
        let summary = errors.check("summary", required_note(summary, NOTE_MAX));
        let cause = errors.check("cause_of_death", note(cause_of_death, SHORT_MAX));
        if outcome == Some(StayOutcome::Died) && cause.as_deref().is_some_and(str::is_empty) {
            errors.push("cause_of_death", ClinicError::CauseOfDeathRequired);
        }
        match (outcome, summary, cause) {
            (Some(outcome), Some(summary), Some(cause)) if errors.is_empty() => Ok(Discharge {
                outcome,
                summary,
                // A cause of death is kept only when the patient died.
                cause_of_death: if outcome == StayOutcome::Died {
                    cause
                } else {
                    String::new()
                },
            }),
            _ => Err(errors.into_vec()),
        }
    }
    pub fn outcome(&self) -> StayOutcome {
        self.outcome
    }
    pub fn summary(&self) -> &str {
        &self.summary
    }
    pub fn cause_of_death(&self) -> &str {
        &self.cause_of_death
    }
}

/// Whole days between two dates, at least 1: a stay admitted and discharged on the
/// same day counts one day (the usual rule for average length of stay).
pub fn stay_days(admitted: Date, discharged: Date) -> i64 {
    (discharged - admitted).whole_days().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn visit_notes_parse_with_every_wrong_field_named() {
        let today = date!(2026 - 03 - 10);
        let check = |input: VisitNotesInput<'_>, expected: Result<(), Vec<FieldError>>| {
            assert_eq!(
                VisitNotes::parse(&input, today).map(|_| ()),
                expected,
                "{input:?}"
            );
        };
        check(
            VisitNotesInput {
                complaint: "fever 3 days",
                follow_up_on: "2026-03-17",
                outcome: "follow_up",
                ..Default::default()
            },
            Ok(()),
        );
        let long = "x".repeat(NOTE_MAX + 1);
        check(
            VisitNotesInput {
                complaint: &long,
                follow_up_on: "2026-03-09",
                outcome: "cured",
                ..Default::default()
            },
            Err(vec![
                ("complaint", ClinicError::TextTooLong),
                ("follow_up_on", ClinicError::DateInPast),
                ("outcome", ClinicError::ChooseOption),
            ]),
        );
        check(
            VisitNotesInput {
                follow_up_on: "next week",
                ..Default::default()
            },
            Err(vec![("follow_up_on", ClinicError::BadDate)]),
        );
    }

    #[test]
    fn a_diagnosis_needs_a_known_code() {
        let check = |code: &str, expected: Result<&str, Vec<FieldError>>| {
            assert_eq!(
                DiagnosisDetails::parse(code, "", "")
                    .map(|d| d.code().code().to_owned())
                    .as_deref()
                    .map_err(Clone::clone),
                expected,
                "{code}"
            );
        };
        check("B50.9", Ok("B50.9"));
        check("b509", Ok("B50.9"));
        check("", Err(vec![("icd10", ClinicError::Icd10Required)]));
        check("Z99.99", Err(vec![("icd10", ClinicError::UnknownIcd10)]));
    }

    #[test]
    fn a_referral_goes_somewhere_for_a_reason() {
        assert!(ReferralDetails::parse("", "Calmette Hospital", "surgery", "urgent").is_ok());
        assert!(ReferralDetails::parse("f-1", "", "surgery", "routine").is_ok());
        assert_eq!(
            ReferralDetails::parse("", " ", "", "soon"),
            Err(vec![
                ("to_partner", ClinicError::ReferralDestinationRequired),
                ("reason", ClinicError::Required),
                ("urgency", ClinicError::ChooseOption),
            ])
        );
    }

    #[test]
    fn a_death_at_discharge_needs_its_cause() {
        assert_eq!(
            Discharge::parse("died", "summary", "").map(|_| ()),
            Err(vec![("cause_of_death", ClinicError::CauseOfDeathRequired)])
        );
        let recovered = Discharge::parse("recovered", "well", "ignored").expect("valid");
        assert_eq!(recovered.cause_of_death(), "");
        let died = Discharge::parse("died", "s", "septic shock").expect("valid");
        assert_eq!(died.cause_of_death(), "septic shock");
    }

    #[test]
    fn a_stay_lasts_at_least_a_day() {
        assert_eq!(stay_days(date!(2026 - 01 - 01), date!(2026 - 01 - 01)), 1);
        assert_eq!(stay_days(date!(2026 - 01 - 01), date!(2026 - 01 - 04)), 3);
    }

    #[test]
    fn every_error_has_its_own_code() {
        let mut codes: Vec<&str> = ClinicError::ALL.iter().map(|e| e.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ClinicError::ALL.len());
        assert_eq!(ClinicError::BadQuantity.api_code(), "bad_quantity");
    }
}
