//! The rules of mother and child health: pregnancy dating and the antenatal
//! schedule, birth, postnatal care, family planning and immunisation (issue 5).
//! Growth and nutrition are their own part (`crate::growth`).
//!
//! Every value a form or the API sends is parsed here once; errors are
//! `(field, MchError)` pairs whose codes are translation keys. Today's date comes in
//! as an argument wherever a rule needs it.

pub mod birth;
pub mod family_planning;
pub mod immunisation;
pub mod postnatal;
pub mod pregnancy;

use time::Date;

use crate::places::parse_date;
use crate::text::normalise;

/// What is wrong with a value of a mother-and-child form. Each code is a
/// translation key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MchError {
    #[error("a date is written as YYYY-MM-DD and must be a day of the calendar")]
    BadDate,
    #[error("the date is required")]
    DateRequired,
    #[error("the date is in the future")]
    DateInFuture,
    #[error("the last menstrual period is in the future")]
    LmpInFuture,
    #[error("the last menstrual period is more than 44 weeks ago")]
    LmpTooLongAgo,
    #[error("give the last menstrual period or an ultrasound dating")]
    DatingRequired,
    #[error("gestational age is weeks from 4 to 42 and days from 0 to 6")]
    BadGestationalAge,
    #[error("the ultrasound's gestational age is required with its date")]
    UltrasoundAgeRequired,
    #[error("gravida is a whole number from 1 to 30")]
    BadGravida,
    #[error("para is a whole number from 0, less than gravida")]
    BadPara,
    #[error("not one of the choices offered")]
    BadChoice,
    #[error("blood pressure is systolic/diastolic, such as 120/80")]
    BadBloodPressure,
    #[error("weight is a number of kilograms from 25 to 250")]
    BadWeight,
    #[error("fundal height is a number of centimetres from 5 to 50")]
    BadFundalHeight,
    #[error("fetal heart rate is beats a minute from 60 to 240")]
    BadFetalHeart,
    #[error("haemoglobin is grams per decilitre from 2 to 25")]
    BadHaemoglobin,
    #[error("temperature is degrees Celsius from 30 to 45")]
    BadTemperature,
    #[error("the date is before the pregnancy was registered")]
    BeforeRegistration,
    #[error("the date is before the last menstrual period")]
    BeforeLmp,
    #[error("a time is written as HH:MM")]
    BadTime,
    #[error("record at least one baby")]
    BabyRequired,
    #[error("at most 6 babies")]
    TooManyBabies,
    #[error("birth weight is grams from 300 to 7000")]
    BadBirthWeight,
    #[error("a live-born baby's sex is required")]
    SexRequired,
    #[error("this text is too long")]
    TextTooLong,
    #[error("say why")]
    ReasonRequired,
    #[error("choose a method, or tick counselling")]
    MethodRequired,
    #[error("the follow-up date is before the visit")]
    FollowUpBeforeVisit,
    #[error("quantity is a whole number from 1 to 1000")]
    BadQuantity,
    #[error("choose a vaccine")]
    VaccineRequired,
    #[error("the dose is before the date of birth")]
    DoseBeforeBirth,
    #[error("choose a facility")]
    FacilityRequired,
    #[error("the postnatal period (42 days) is over on that date")]
    AfterPostnatalPeriod,
    #[error("the date is before the birth")]
    BeforeBirth,
    #[error(
        "a Khmer name is in Khmer script and a Latin name in Latin letters, at most 100 characters"
    )]
    BadName,
}

impl MchError {
    /// The translation key of the message.
    pub fn code(self) -> &'static str {
        match self {
            MchError::BadDate => "mch-error-bad-date",
            MchError::DateRequired => "mch-error-date-required",
            MchError::DateInFuture => "mch-error-date-in-future",
            MchError::LmpInFuture => "mch-error-lmp-in-future",
            MchError::LmpTooLongAgo => "mch-error-lmp-too-long-ago",
            MchError::DatingRequired => "mch-error-dating-required",
            MchError::BadGestationalAge => "mch-error-bad-gestational-age",
            MchError::UltrasoundAgeRequired => "mch-error-ultrasound-age-required",
            MchError::BadGravida => "mch-error-bad-gravida",
            MchError::BadPara => "mch-error-bad-para",
            MchError::BadChoice => "mch-error-bad-choice",
            MchError::BadBloodPressure => "mch-error-bad-blood-pressure",
            MchError::BadWeight => "mch-error-bad-weight",
            MchError::BadFundalHeight => "mch-error-bad-fundal-height",
            MchError::BadFetalHeart => "mch-error-bad-fetal-heart",
            MchError::BadHaemoglobin => "mch-error-bad-haemoglobin",
            MchError::BadTemperature => "mch-error-bad-temperature",
            MchError::BeforeRegistration => "mch-error-before-registration",
            MchError::BeforeLmp => "mch-error-before-lmp",
            MchError::BadTime => "mch-error-bad-time",
            MchError::BabyRequired => "mch-error-baby-required",
            MchError::TooManyBabies => "mch-error-too-many-babies",
            MchError::BadBirthWeight => "mch-error-bad-birth-weight",
            MchError::SexRequired => "mch-error-sex-required",
            MchError::TextTooLong => "mch-error-text-too-long",
            MchError::ReasonRequired => "mch-error-reason-required",
            MchError::MethodRequired => "mch-error-method-required",
            MchError::FollowUpBeforeVisit => "mch-error-follow-up-before-visit",
            MchError::BadQuantity => "mch-error-bad-quantity",
            MchError::VaccineRequired => "mch-error-vaccine-required",
            MchError::DoseBeforeBirth => "mch-error-dose-before-birth",
            MchError::FacilityRequired => "mch-error-facility-required",
            MchError::AfterPostnatalPeriod => "mch-error-after-postnatal-period",
            MchError::BeforeBirth => "mch-error-before-birth",
            MchError::BadName => "mch-error-bad-name",
        }
    }

    /// The stable API code: the translation key without its `mch-error-` prefix,
    /// with underscores.
    pub fn api_code(self) -> String {
        self.code()
            .trim_start_matches("mch-error-")
            .replace('-', "_")
    }

    /// Every error, for the test that keeps the translation files complete.
    pub const ALL: [MchError; 35] = [
        MchError::BadDate,
        MchError::DateRequired,
        MchError::DateInFuture,
        MchError::LmpInFuture,
        MchError::LmpTooLongAgo,
        MchError::DatingRequired,
        MchError::BadGestationalAge,
        MchError::UltrasoundAgeRequired,
        MchError::BadGravida,
        MchError::BadPara,
        MchError::BadChoice,
        MchError::BadBloodPressure,
        MchError::BadWeight,
        MchError::BadFundalHeight,
        MchError::BadFetalHeart,
        MchError::BadHaemoglobin,
        MchError::BadTemperature,
        MchError::BeforeRegistration,
        MchError::BeforeLmp,
        MchError::BadTime,
        MchError::BabyRequired,
        MchError::TooManyBabies,
        MchError::BadBirthWeight,
        MchError::SexRequired,
        MchError::TextTooLong,
        MchError::ReasonRequired,
        MchError::MethodRequired,
        MchError::FollowUpBeforeVisit,
        MchError::BadQuantity,
        MchError::VaccineRequired,
        MchError::DoseBeforeBirth,
        MchError::FacilityRequired,
        MchError::AfterPostnatalPeriod,
        MchError::BeforeBirth,
        MchError::BadName,
    ];
}

/// Errors by form field: the field's name (also the API's JSON field) and what is
/// wrong with it.
pub type FieldErrors = Vec<(&'static str, MchError)>;

/// The longest note, in characters.
pub const NOTE_MAX: usize = 2000;
/// The longest short text (a lot number, a place), in characters.
pub const SHORT_MAX: usize = 120;

/// Collects the errors of a form as its fields are parsed.
#[derive(Debug, Default)]
pub(crate) struct Errors(FieldErrors);

impl Errors {
    pub(crate) fn push(&mut self, field: &'static str, error: MchError) {
        self.0.push((field, error));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn into_inner(self) -> FieldErrors {
        self.0
    }

    /// An optional date; a bad one is an error at `field`.
    pub(crate) fn date(&mut self, field: &'static str, raw: &str) -> Option<Date> {
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        let date = parse_date(raw);
        if date.is_none() {
            self.push(field, MchError::BadDate);
        }
        date
    }

    /// A required date that is not after `today`.
    pub(crate) fn past_date(
        &mut self,
        field: &'static str,
        raw: &str,
        today: Date,
    ) -> Option<Date> {
        if raw.trim().is_empty() {
            self.push(field, MchError::DateRequired);
            return None;
        }
        let date = self.date(field, raw)?;
        if date > today {
            self.push(field, MchError::DateInFuture);
            return None;
        }
        Some(date)
    }

    /// An optional number within `range`; out of range or not a number is `error`.
    pub(crate) fn number(
        &mut self,
        field: &'static str,
        raw: &str,
        range: std::ops::RangeInclusive<f64>,
        error: MchError,
    ) -> Option<f64> {
        let raw = raw.trim().replace(',', ".");
        if raw.is_empty() {
            return None;
        }
        match raw.parse::<f64>() {
            Ok(value) if value.is_finite() && range.contains(&value) => Some(value),
            _ => {
                self.push(field, error);
                None
            }
        }
    }

    /// An optional whole number within `range`.
    pub(crate) fn whole(
        &mut self,
        field: &'static str,
        raw: &str,
        range: std::ops::RangeInclusive<i64>,
        error: MchError,
    ) -> Option<i64> {
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        match raw.parse::<i64>() {
            Ok(value) if range.contains(&value) => Some(value),
            _ => {
                self.push(field, error);
                None
            }
        }
    }

    /// Free text, NFC, at most `max` characters.
    pub(crate) fn text(&mut self, field: &'static str, raw: &str, max: usize) -> String {
        let value = normalise(raw.trim());
        if value.chars().count() > max {
            self.push(field, MchError::TextTooLong);
        }
        value
    }

    /// Codes ticked from a list of choices; an unknown code is an error.
    pub(crate) fn codes<T: Copy + Ord>(
        &mut self,
        field: &'static str,
        raw: &[String],
        parse: impl Fn(&str) -> Option<T>,
    ) -> Vec<T> {
        let mut values = Vec::new();
        for code in raw.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
            match parse(code) {
                Some(value) => values.push(value),
                None => self.push(field, MchError::BadChoice),
            }
        }
        values.sort();
        values.dedup();
        values
    }

    /// One optional code of a list of choices.
    pub(crate) fn choice<T>(
        &mut self,
        field: &'static str,
        raw: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        let value = parse(raw);
        if value.is_none() {
            self.push(field, MchError::BadChoice);
        }
        value
    }
}

/// Codes joined for storage: `fever vaginal_bleeding`.
pub fn join_codes<T: Copy>(values: &[T], code: impl Fn(T) -> &'static str) -> String {
    values
        .iter()
        .map(|v| code(*v))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Codes read back from storage, leaving out any this version does not know.
pub fn split_codes<T>(stored: &str, parse: impl Fn(&str) -> Option<T>) -> Vec<T> {
    stored.split_whitespace().filter_map(parse).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_are_translation_keys_and_distinct() {
        let mut codes: Vec<&str> = MchError::ALL.iter().map(|e| e.code()).collect();
        assert!(codes.iter().all(|c| c.starts_with("mch-error-")));
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), MchError::ALL.len());
        assert_eq!(MchError::LmpInFuture.api_code(), "lmp_in_future");
    }
}
