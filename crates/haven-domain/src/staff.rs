//! Staff: professions, professional registrations and trainings.
//!
//! A staff member is a person of the registry who works for SOS. Doctors, registered
//! nurses and midwives practise under a registration (with the Medical, Nursing or
//! Midwives Council) that expires; Haven requires its number and expiry for them.
//! Today's date comes in as an argument where a rule needs it.

use time::Date;

use crate::places::parse_date;
use crate::text::normalise;

coded_enum! {
    /// What a staff member does.
    Profession {
        Doctor => "doctor",
        RegisteredNurse => "registered_nurse",
        Midwife => "midwife",
        LaboratoryTechnician => "laboratory_technician",
        Pharmacist => "pharmacist",
        SosParent => "sos_parent",
        FamilyAssistant => "family_assistant",
        CareWorker => "care_worker",
        SocialWorker => "social_worker",
        Teacher => "teacher",
        Director => "director",
        RecordsClerk => "records_clerk",
        HealthPromotionOfficer => "health_promotion_officer",
        MeOfficer => "me_officer",
        Administrator => "administrator",
        Other => "other",
    }
}

impl Profession {
    /// True for the professions that practise under a registration that expires.
    pub fn requires_registration(self) -> bool {
        matches!(
            self,
            Profession::Doctor | Profession::RegisteredNurse | Profession::Midwife
        )
    }
}

/// What is wrong with a staff member's or a training's details. Each code is a
/// translation key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StaffError {
    #[error("choose a profession")]
    ProfessionRequired,
    #[error("this profession needs its registration number")]
    RegistrationNumberRequired,
    #[error("this profession needs the date its registration expires")]
    RegistrationExpiryRequired,
    #[error("a registration number is at most 60 characters")]
    RegistrationNumberTooLong,
    #[error("a date is written as YYYY-MM-DD and must be a day of the calendar")]
    BadDate,
    #[error("the end date is before the start date")]
    EndBeforeStart,
    #[error("the start date is in the future")]
    StartInFuture,
    #[error("a course name is required")]
    CourseRequired,
    #[error("this text is at most 200 characters")]
    TextTooLong,
    #[error("the start date is required")]
    StartRequired,
    #[error("the end date is required")]
    EndRequired,
    #[error("hours are a number more than 0 and at most 2000")]
    BadHours,
    #[error("say why this is entered in error")]
    ReasonRequired,
}

impl StaffError {
    /// The translation key of the message.
    pub fn code(self) -> &'static str {
        match self {
            StaffError::ProfessionRequired => "staff-error-profession-required",
            StaffError::RegistrationNumberRequired => "staff-error-registration-number-required",
            StaffError::RegistrationExpiryRequired => "staff-error-registration-expiry-required",
            StaffError::RegistrationNumberTooLong => "staff-error-registration-number-too-long",
            StaffError::BadDate => "staff-error-bad-date",
            StaffError::EndBeforeStart => "staff-error-end-before-start",
            StaffError::StartInFuture => "staff-error-start-in-future",
            StaffError::CourseRequired => "staff-error-course-required",
            StaffError::TextTooLong => "staff-error-text-too-long",
            StaffError::StartRequired => "staff-error-start-required",
            StaffError::EndRequired => "staff-error-end-required",
            StaffError::BadHours => "staff-error-bad-hours",
            StaffError::ReasonRequired => "staff-error-reason-required",
        }
    }

    /// Every error, for the test that keeps the translation files complete.
    pub const ALL: [StaffError; 13] = [
        StaffError::ProfessionRequired,
        StaffError::RegistrationNumberRequired,
        StaffError::RegistrationExpiryRequired,
        StaffError::RegistrationNumberTooLong,
        StaffError::BadDate,
        StaffError::EndBeforeStart,
        StaffError::StartInFuture,
        StaffError::CourseRequired,
        StaffError::TextTooLong,
        StaffError::StartRequired,
        StaffError::EndRequired,
        StaffError::BadHours,
        StaffError::ReasonRequired,
    ];
}

/// Which field of a staff form an error belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaffField {
    Profession,
    RegistrationNumber,
    RegistrationExpiresOn,
    StartedOn,
    LeftOn,
    Course,
    Provider,
    TrainingStartedOn,
    TrainingEndedOn,
    Hours,
    Certificate,
    Reason,
}

impl StaffField {
    /// The name of the form field (and of the API's JSON field).
    pub fn name(self) -> &'static str {
        match self {
            StaffField::Profession => "profession",
            StaffField::RegistrationNumber => "registration_number",
            StaffField::RegistrationExpiresOn => "registration_expires_on",
            StaffField::StartedOn => "started_on",
            StaffField::LeftOn => "left_on",
            StaffField::Course => "course",
            StaffField::Provider => "provider",
            StaffField::TrainingStartedOn => "training_started_on",
            StaffField::TrainingEndedOn => "training_ended_on",
            StaffField::Hours => "hours",
            StaffField::Certificate => "certificate",
            StaffField::Reason => "reason",
        }
    }
}

/// A staff member's fields as typed.
#[derive(Clone, Debug, Default)]
pub struct StaffInput<'a> {
    pub profession: &'a str,
    pub registration_number: &'a str,
    pub registration_expires_on: &'a str,
    pub started_on: &'a str,
    pub left_on: &'a str,
}

/// A staff member's details, parsed: a registration where the profession needs one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffDetails {
    profession: Profession,
    registration_number: String,
    registration_expires_on: Option<Date>,
    started_on: Option<Date>,
    left_on: Option<Date>,
}

/// The longest registration number, in characters.
const REGISTRATION_MAX: usize = 60;
/// The longest course, provider or certificate text, in characters.
const TEXT_MAX: usize = 200;

impl StaffDetails {
    pub fn parse(input: &StaffInput<'_>) -> Result<StaffDetails, Vec<(StaffField, StaffError)>> {
        let mut errors = Vec::new();
        let profession = Profession::parse(input.profession);
        if profession.is_none() {
            errors.push((StaffField::Profession, StaffError::ProfessionRequired));
        }
        let registration_number = collapse(input.registration_number);
        if registration_number.chars().count() > REGISTRATION_MAX {
            errors.push((
                StaffField::RegistrationNumber,
                StaffError::RegistrationNumberTooLong,
            ));
        }
        let mut date = |raw: &str, field: StaffField| -> Option<Date> {
            let raw = raw.trim();
            if raw.is_empty() {
                return None;
            }
            let date = parse_date(raw);
            if date.is_none() {
                errors.push((field, StaffError::BadDate));
            }
            date
        };
        let registration_expires_on = date(
            input.registration_expires_on,
            StaffField::RegistrationExpiresOn,
        );
        let started_on = date(input.started_on, StaffField::StartedOn);
        let left_on = date(input.left_on, StaffField::LeftOn);
        if let (Some(started), Some(left)) = (started_on, left_on) {
            if left < started {
                errors.push((StaffField::LeftOn, StaffError::EndBeforeStart));
            }
        }
        if profession.is_some_and(Profession::requires_registration) {
            if registration_number.is_empty() {
                errors.push((
                    StaffField::RegistrationNumber,
                    StaffError::RegistrationNumberRequired,
                ));
            }
            if input.registration_expires_on.trim().is_empty() {
                errors.push((
                    StaffField::RegistrationExpiresOn,
                    StaffError::RegistrationExpiryRequired,
                ));
            }
        }
        match (profession, errors.is_empty()) {
            (Some(profession), true) => Ok(StaffDetails {
                profession,
                registration_number,
                registration_expires_on,
                started_on,
                left_on,
            }),
            _ => Err(errors),
        }
    }

    pub fn profession(&self) -> Profession {
        self.profession
    }
    pub fn registration_number(&self) -> &str {
        &self.registration_number
    }
    pub fn registration_expires_on(&self) -> Option<Date> {
        self.registration_expires_on
    }
    pub fn started_on(&self) -> Option<Date> {
        self.started_on
    }
    pub fn left_on(&self) -> Option<Date> {
        self.left_on
    }
}

/// A training's fields as typed.
#[derive(Clone, Debug, Default)]
pub struct TrainingInput<'a> {
    pub course: &'a str,
    pub provider: &'a str,
    pub started_on: &'a str,
    pub ended_on: &'a str,
    pub hours: &'a str,
    pub certificate: &'a str,
}

/// A training, parsed. Trainings may be planned, so dates may lie in the future;
/// the end is never before the start.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainingDetails {
    course: String,
    provider: String,
    started_on: Date,
    ended_on: Date,
    hours: Option<f64>,
    certificate: String,
}

impl TrainingDetails {
    pub fn parse(
        input: &TrainingInput<'_>,
    ) -> Result<TrainingDetails, Vec<(StaffField, StaffError)>> {
        let mut errors = Vec::new();
        let mut text = |raw: &str, field: StaffField| -> String {
            let value = collapse(raw);
            if value.chars().count() > TEXT_MAX {
                errors.push((field, StaffError::TextTooLong));
            }
            value
        };
        let course = text(input.course, StaffField::Course);
        let provider = text(input.provider, StaffField::Provider);
        let certificate = text(input.certificate, StaffField::Certificate);
        if course.is_empty() {
            errors.push((StaffField::Course, StaffError::CourseRequired));
        }
        let mut required_date = |raw: &str, field: StaffField, missing: StaffError| {
            if raw.trim().is_empty() {
                errors.push((field, missing));
                return None;
            }
            let date = parse_date(raw);
            if date.is_none() {
                errors.push((field, StaffError::BadDate));
            }
            date
        };
        let started_on = required_date(
            input.started_on,
            StaffField::TrainingStartedOn,
            StaffError::StartRequired,
        );
        let ended_on = required_date(
            input.ended_on,
            StaffField::TrainingEndedOn,
            StaffError::EndRequired,
        );
        if let (Some(start), Some(end)) = (started_on, ended_on) {
            if end < start {
                errors.push((StaffField::TrainingEndedOn, StaffError::EndBeforeStart));
            }
        }
        let hours = input.hours.trim();
        let hours = if hours.is_empty() {
            None
        } else {
            match hours.parse::<f64>() {
                Ok(h) if h.is_finite() && h > 0.0 && h <= 2000.0 => Some(h),
                _ => {
                    errors.push((StaffField::Hours, StaffError::BadHours));
                    None
                }
            }
        };
        match (started_on, ended_on, errors.is_empty()) {
            (Some(started_on), Some(ended_on), true) => Ok(TrainingDetails {
                course,
                provider,
                started_on,
                ended_on,
                hours,
                certificate,
            }),
            _ => Err(errors),
        }
    }

    pub fn course(&self) -> &str {
        &self.course
    }
    pub fn provider(&self) -> &str {
        &self.provider
    }
    pub fn started_on(&self) -> Date {
        self.started_on
    }
    pub fn ended_on(&self) -> Date {
        self.ended_on
    }
    pub fn hours(&self) -> Option<f64> {
        self.hours
    }
    pub fn certificate(&self) -> &str {
        &self.certificate
    }
}

/// Why a record is entered in error: required, at most 200 characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorReason(String);

impl ErrorReason {
    pub fn parse(raw: &str) -> Result<ErrorReason, StaffError> {
        let reason = normalise(raw);
        if reason.is_empty() {
            Err(StaffError::ReasonRequired)
        } else if reason.chars().count() > TEXT_MAX {
            Err(StaffError::TextTooLong)
        } else {
            Ok(ErrorReason(reason))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Days from `today` until a registration expires: negative once it has expired.
pub fn days_until(expires_on: Date, today: Date) -> i64 {
    (expires_on - today).whole_days()
}

fn collapse(raw: &str) -> String {
    normalise(raw)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use time::macros::date;

    use super::*;

    #[test]
    fn professions_have_the_agreed_codes_and_three_need_a_registration() {
        let codes: Vec<&str> = Profession::ALL.iter().map(|p| p.code()).collect();
        assert_eq!(
            codes,
            [
                "doctor",
                "registered_nurse",
                "midwife",
                "laboratory_technician",
                "pharmacist",
                "sos_parent",
                "family_assistant",
                "care_worker",
                "social_worker",
                "teacher",
                "director",
                "records_clerk",
                "health_promotion_officer",
                "me_officer",
                "administrator",
                "other"
            ]
        );
        let registered: Vec<Profession> = Profession::ALL
            .iter()
            .copied()
            .filter(|p| p.requires_registration())
            .collect();
        assert_eq!(
            registered,
            [
                Profession::Doctor,
                Profession::RegisteredNurse,
                Profession::Midwife
            ]
        );
    }

    #[test]
    fn staff_details_parse() {
        let check = |profession: &str,
                     number: &str,
                     expiry: &str,
                     expected: Result<(), Vec<(StaffField, StaffError)>>| {
            let got = StaffDetails::parse(&StaffInput {
                profession,
                registration_number: number,
                registration_expires_on: expiry,
                ..StaffInput::default()
            })
            .map(|_| ());
            assert_eq!(got, expected, "{profession} {number} {expiry}");
        };
        use StaffError as E;
        use StaffField as F;
        check("doctor", "MC-1234", "2027-01-31", Ok(()));
        check("teacher", "", "", Ok(()));
        check("sos_parent", "", "2027-01-31", Ok(()));
        check(
            "",
            "",
            "",
            Err(vec![(F::Profession, E::ProfessionRequired)]),
        );
        check(
            "midwife",
            "",
            "",
            Err(vec![
                (F::RegistrationNumber, E::RegistrationNumberRequired),
                (F::RegistrationExpiresOn, E::RegistrationExpiryRequired),
            ]),
        );
        check(
            "registered_nurse",
            "N-1",
            "2027-02-30",
            Err(vec![(F::RegistrationExpiresOn, E::BadDate)]),
        );
        check(
            "doctor",
            &"9".repeat(61),
            "2027-01-01",
            Err(vec![(F::RegistrationNumber, E::RegistrationNumberTooLong)]),
        );
        let left_before = StaffDetails::parse(&StaffInput {
            profession: "teacher",
            started_on: "2020-01-01",
            left_on: "2019-01-01",
            ..StaffInput::default()
        });
        assert_eq!(left_before, Err(vec![(F::LeftOn, E::EndBeforeStart)]));
    }

    #[test]
    fn trainings_parse() {
        let check = |start: &str,
                     end: &str,
                     hours: &str,
                     expected: Result<(), Vec<(StaffField, StaffError)>>| {
            let got = TrainingDetails::parse(&TrainingInput {
                course: "IMCI",
                started_on: start,
                ended_on: end,
                hours,
                ..TrainingInput::default()
            })
            .map(|_| ());
            assert_eq!(got, expected, "{start} {end} {hours}");
        };
        use StaffError as E;
        use StaffField as F;
        check("2025-01-06", "2025-01-10", "40", Ok(()));
        check("2025-01-06", "2025-01-06", "", Ok(()));
        // Planned trainings lie in the future.
        check("2099-01-06", "2099-01-10", "2000", Ok(()));
        check(
            "2025-01-10",
            "2025-01-06",
            "",
            Err(vec![(F::TrainingEndedOn, E::EndBeforeStart)]),
        );
        check(
            "",
            "2025-01-06",
            "",
            Err(vec![(F::TrainingStartedOn, E::StartRequired)]),
        );
        check(
            "2025-01-06",
            "",
            "",
            Err(vec![(F::TrainingEndedOn, E::EndRequired)]),
        );
        check(
            "2025-13-01",
            "2025-01-06",
            "",
            Err(vec![(F::TrainingStartedOn, E::BadDate)]),
        );
        for bad in ["0", "-3", "2000.5", "many", "inf", "NaN"] {
            check(
                "2025-01-06",
                "2025-01-06",
                bad,
                Err(vec![(F::Hours, E::BadHours)]),
            );
        }
        let no_course = TrainingDetails::parse(&TrainingInput {
            course: "  ",
            started_on: "2025-01-06",
            ended_on: "2025-01-06",
            ..TrainingInput::default()
        });
        assert_eq!(no_course, Err(vec![(F::Course, E::CourseRequired)]));
    }

    #[test]
    fn days_until_counts_down_through_zero() {
        let today = date!(2026 - 03 - 01);
        assert_eq!(days_until(date!(2026 - 03 - 31), today), 30);
        assert_eq!(days_until(today, today), 0);
        assert_eq!(days_until(date!(2026 - 02 - 27), today), -2);
    }

    #[test]
    fn reasons_are_required() {
        assert_eq!(ErrorReason::parse(" "), Err(StaffError::ReasonRequired));
        assert_eq!(
            ErrorReason::parse("wrong person").unwrap().as_str(),
            "wrong person"
        );
        assert_eq!(
            ErrorReason::parse(&"x".repeat(201)),
            Err(StaffError::TextTooLong)
        );
    }

    #[test]
    fn every_error_has_a_distinct_key() {
        let keys: BTreeSet<&str> = StaffError::ALL.iter().map(|e| e.code()).collect();
        assert_eq!(keys.len(), StaffError::ALL.len());
    }
}
