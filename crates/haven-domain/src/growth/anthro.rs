//! A child's measurements, parsed once, and their WHO z-scores for every indicator.
//!
//! The rules are ../shared/spec/growth-and-nutrition.md, which follows WHO's igrowup
//! macro: age in whole days; +0.7 cm for a child under 731 days measured standing, -0.7 cm
//! for one of 731 days or more measured lying; restricted tails for every indicator but
//! length/height-for-age and head circumference; L, M, S interpolated between the 0.1 cm
//! rows of weight-for-length/height; no weight-based z with bilateral pitting oedema;
//! two decimals; the implausible-value flags. A value outside a table gets no z and a
//! reason ([`NoZReason`]), never a guess. Children of 5 to 19 years are compared with the
//! WHO 2007 growth reference (height- and BMI-for-age, weight-for-age to 10 years).

use time::Date;

use super::nutrition::{classify, Classification, Wasting};
use super::tables::{GrowthTables, Lms, Table};
use super::GrowthSex;

/// The last day of age the 0-5 standards are used for: their tables' last row. WHO's
/// igrowup scores every indicator by age (and weight-for-length/height) to day 1856,
/// through the 60th month (data/growth/reference: survey rows 4, 44, 95 and 343 at 1832 to
/// 1852 days, SPOON rows at 1827 to 1856 days).
pub const LAST_DAY_OF_STANDARDS: u32 = 1856;
/// The first day of the 2007 reference: 61 months (1856.7 days) is its first row, so
/// day 1857 is the first whole day it covers.
pub const FIRST_DAY_OF_REFERENCE: u32 = 1857;
/// The two meet: no whole day of age lies between the standards and the reference.
const _: () = assert!(FIRST_DAY_OF_REFERENCE == LAST_DAY_OF_STANDARDS + 1);
const _: () = assert!(LAST_DAY_OF_STANDARDS as f64 / DAYS_PER_MONTH < 61.0);
const _: () = assert!(FIRST_DAY_OF_REFERENCE as f64 / DAYS_PER_MONTH >= 61.0);
/// The days in an average month, WHO's conversion.
pub const DAYS_PER_MONTH: f64 = 30.4375;

coded_enum! {
    /// Why an indicator has no z-score. The codes are stable (the calculator's JSON, the
    /// API) and name translation keys (`noz­reason-...`).
    NoZReason {
        /// The measurement the indicator needs was not taken.
        NotMeasured => "not_measured",
        /// The indicator is by age, and the age is not known.
        AgeUnknown => "age_unknown",
        /// Bilateral pitting oedema: weight is not a measure of nutrition then.
        Oedema => "oedema",
        /// Past the 0-5 standards (after day 1856), and the indicator has no 2007 reference.
        Age60MonthsOrOver => "age_60_months_or_over",
        /// Past the standards, before the 2007 reference's first row (61 months). No
        /// whole day of age falls there now that the standards run to day 1856; the code is
        /// kept because the API and the translations name it.
        AgeBetweenStandards => "age_between_standards",
        /// MUAC and skinfolds-for-age start at 3 months (day 91).
        AgeUnder3Months => "age_under_3_months",
        /// The 2007 reference's weight-for-age stops at 10 years (120 months).
        Age10YearsOrOver => "age_over_10_years",
        /// The 2007 reference stops at 19 years (228 months).
        Age19YearsOrOver => "age_over_19_years",
        /// Weight-for-length is for 45 to 110 cm.
        LengthOutsideTable => "length_outside_45_110_cm",
        /// Weight-for-height is for 65 to 120 cm.
        HeightOutsideTable => "height_outside_65_120_cm",
        /// Weight-for-length/height with no age: the length or height lies outside both tables.
        LengthHeightOutsideTables => "length_height_outside_45_120_cm",
    }
}

coded_enum! {
    /// How a length or height was taken.
    Position { Lying => "lying", Standing => "standing" }
}

coded_enum! {
    /// The indicators, in the order the calculator prints them.
    Indicator {
        WeightForAge => "weight_for_age",
        LengthHeightForAge => "length_height_for_age",
        WeightForLengthHeight => "weight_for_length_height",
        BmiForAge => "bmi_for_age",
        HeadCircumferenceForAge => "head_circumference_for_age",
        MuacForAge => "muac_for_age",
        TricepsForAge => "triceps_skinfold_for_age",
        SubscapularForAge => "subscapular_skinfold_for_age",
    }
}

/// Which WHO table a z-score came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reference {
    /// WHO Child Growth Standards, 0 to 5 years (2006).
    Standards2006,
    /// WHO growth reference, 5 to 19 years (2007).
    Reference2007,
}

/// One indicator's result: a z-score (two decimals) and its implausibility flag, or the
/// reason there is none.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct IndicatorResult {
    z: Option<f64>,
    flag: bool,
    reason: Option<NoZReason>,
    reference: Option<Reference>,
}

impl IndicatorResult {
    fn none(reason: NoZReason) -> IndicatorResult {
        IndicatorResult {
            z: None,
            flag: false,
            reason: Some(reason),
            reference: None,
        }
    }

    pub fn z(&self) -> Option<f64> {
        self.z
    }
    /// True when the z-score is implausible (check the measurement), or, for
    /// length/height-for-age, when a child under 9 months was measured standing.
    pub fn flag(&self) -> bool {
        self.flag
    }
    pub fn reason(&self) -> Option<NoZReason> {
        self.reason
    }
    pub fn reference(&self) -> Option<Reference> {
        self.reference
    }
}

/// What went wrong in what was typed. The codes are translation keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GrowthError {
    #[error("sex must be F or M")]
    SexRequired,
    #[error("the age is required: in days, or a date of birth and the date measured")]
    AgeRequired,
    #[error("the age in days must be a whole number from 0 to 40000")]
    AgeMalformed,
    #[error("dates are written YYYY-MM-DD")]
    DateMalformed,
    #[error("the date measured is before the date of birth")]
    DateBeforeBirth,
    #[error("the date measured is in the future")]
    DateInFuture,
    #[error("write a number, such as 10.4")]
    NumberMalformed,
    #[error("the weight must be from 0.2 to 250 kg")]
    WeightOutOfRange,
    #[error("the length or height must be from 25 to 250 cm")]
    LengthOutOfRange,
    #[error("say whether the child was measured lying or standing")]
    PositionRequired,
    #[error("the head circumference must be from 15 to 70 cm")]
    HeadOutOfRange,
    #[error("the MUAC must be from 50 to 500 mm")]
    MuacOutOfRange,
    #[error("a skinfold must be from 1 to 60 mm")]
    SkinfoldOutOfRange,
    #[error("nothing was measured")]
    NothingMeasured,
}

impl GrowthError {
    /// The stable code, a translation key.
    pub fn code(self) -> &'static str {
        match self {
            GrowthError::SexRequired => "growth-error-sex-required",
            GrowthError::AgeRequired => "growth-error-age-required",
            GrowthError::AgeMalformed => "growth-error-age-malformed",
            GrowthError::DateMalformed => "growth-error-date-malformed",
            GrowthError::DateBeforeBirth => "growth-error-date-before-birth",
            GrowthError::DateInFuture => "growth-error-date-in-future",
            GrowthError::NumberMalformed => "growth-error-number-malformed",
            GrowthError::WeightOutOfRange => "growth-error-weight-range",
            GrowthError::LengthOutOfRange => "growth-error-length-range",
            GrowthError::PositionRequired => "growth-error-position-required",
            GrowthError::HeadOutOfRange => "growth-error-head-range",
            GrowthError::MuacOutOfRange => "growth-error-muac-range",
            GrowthError::SkinfoldOutOfRange => "growth-error-skinfold-range",
            GrowthError::NothingMeasured => "growth-error-nothing-measured",
        }
    }

    pub const ALL: &'static [GrowthError] = &[
        GrowthError::SexRequired,
        GrowthError::AgeRequired,
        GrowthError::AgeMalformed,
        GrowthError::DateMalformed,
        GrowthError::DateBeforeBirth,
        GrowthError::DateInFuture,
        GrowthError::NumberMalformed,
        GrowthError::WeightOutOfRange,
        GrowthError::LengthOutOfRange,
        GrowthError::PositionRequired,
        GrowthError::HeadOutOfRange,
        GrowthError::MuacOutOfRange,
        GrowthError::SkinfoldOutOfRange,
        GrowthError::NothingMeasured,
    ];
}

/// The fields of a measurement form, named as the forms and the API name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MeasurementField {
    Sex,
    AgeDays,
    DateOfBirth,
    Date,
    Weight,
    Length,
    Position,
    Head,
    Muac,
    Triceps,
    Subscapular,
}

impl MeasurementField {
    pub fn name(self) -> &'static str {
        match self {
            MeasurementField::Sex => "sex",
            MeasurementField::AgeDays => "age_days",
            MeasurementField::DateOfBirth => "dob",
            MeasurementField::Date => "date",
            MeasurementField::Weight => "weight_kg",
            MeasurementField::Length => "length_cm",
            MeasurementField::Position => "measured",
            MeasurementField::Head => "head_cm",
            MeasurementField::Muac => "muac_mm",
            MeasurementField::Triceps => "triceps_mm",
            MeasurementField::Subscapular => "subscapular_mm",
        }
    }
}

/// The measured values as typed (empty text = not measured).
#[derive(Clone, Copy, Debug, Default)]
pub struct MeasurementsInput<'a> {
    pub weight_kg: &'a str,
    pub length_cm: &'a str,
    pub position: &'a str,
    pub head_cm: &'a str,
    pub muac_mm: &'a str,
    pub triceps_mm: &'a str,
    pub subscapular_mm: &'a str,
    pub oedema: bool,
}

/// Measured values, each within what a person can measure (a value outside a WHO table
/// is still accepted: it gets no z-score and a reason).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Measurements {
    weight_kg: Option<f64>,
    length: Option<(f64, Position)>,
    head_cm: Option<f64>,
    muac_mm: Option<f64>,
    triceps_mm: Option<f64>,
    subscapular_mm: Option<f64>,
    oedema: bool,
}

type FieldErrors = Vec<(MeasurementField, GrowthError)>;

impl Measurements {
    /// Parses what was typed; every wrong field is named.
    pub fn parse(input: &MeasurementsInput<'_>) -> Result<Measurements, FieldErrors> {
        let mut errors = Vec::new();
        let mut number = |raw: &str, field, low: f64, high: f64, range_error| -> Option<f64> {
            match parse_number(raw) {
                Ok(None) => None,
                Ok(Some(value)) if (low..=high).contains(&value) => Some(value),
                Ok(Some(_)) => {
                    errors.push((field, range_error));
                    None
                }
                Err(error) => {
                    errors.push((field, error));
                    None
                }
            }
        };
        let weight_kg = number(
            input.weight_kg,
            MeasurementField::Weight,
            0.2,
            250.0,
            GrowthError::WeightOutOfRange,
        );
        let length_cm = number(
            input.length_cm,
            MeasurementField::Length,
            25.0,
            250.0,
            GrowthError::LengthOutOfRange,
        );
        let head_cm = number(
            input.head_cm,
            MeasurementField::Head,
            15.0,
            70.0,
            GrowthError::HeadOutOfRange,
        );
        let muac_mm = number(
            input.muac_mm,
            MeasurementField::Muac,
            50.0,
            500.0,
            GrowthError::MuacOutOfRange,
        );
        let triceps_mm = number(
            input.triceps_mm,
            MeasurementField::Triceps,
            1.0,
            60.0,
            GrowthError::SkinfoldOutOfRange,
        );
        let subscapular_mm = number(
            input.subscapular_mm,
            MeasurementField::Subscapular,
            1.0,
            60.0,
            GrowthError::SkinfoldOutOfRange,
        );
        let position = Position::parse(input.position);
        let length_typed = !input.length_cm.trim().is_empty();
        if length_typed && position.is_none() {
            errors.push((MeasurementField::Position, GrowthError::PositionRequired));
        }
        let nothing = input.weight_kg.trim().is_empty()
            && !length_typed
            && input.head_cm.trim().is_empty()
            && input.muac_mm.trim().is_empty()
            && input.triceps_mm.trim().is_empty()
            && input.subscapular_mm.trim().is_empty()
            && !input.oedema;
        if nothing {
            errors.push((MeasurementField::Weight, GrowthError::NothingMeasured));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Measurements {
            weight_kg,
            length: length_cm.zip(position),
            head_cm,
            muac_mm,
            triceps_mm,
            subscapular_mm,
            oedema: input.oedema,
        })
    }

    /// Values read back from the database, which [`Measurements::parse`] checked when they
    /// were written. A length without a position (impossible by the table's check) is
    /// dropped rather than guessed.
    #[allow(clippy::too_many_arguments)]
    pub fn from_stored(
        weight_kg: Option<f64>,
        length_cm: Option<f64>,
        position: Option<Position>,
        head_cm: Option<f64>,
        muac_mm: Option<f64>,
        triceps_mm: Option<f64>,
        subscapular_mm: Option<f64>,
        oedema: bool,
    ) -> Measurements {
        Measurements {
            weight_kg,
            length: length_cm.zip(position),
            head_cm,
            muac_mm,
            triceps_mm,
            subscapular_mm,
            oedema,
        }
    }

    pub fn weight_kg(&self) -> Option<f64> {
        self.weight_kg
    }
    /// The length or height as measured (before any 0.7 cm adjustment), and how.
    pub fn length(&self) -> Option<(f64, Position)> {
        self.length
    }
    pub fn head_cm(&self) -> Option<f64> {
        self.head_cm
    }
    pub fn muac_mm(&self) -> Option<f64> {
        self.muac_mm
    }
    pub fn triceps_mm(&self) -> Option<f64> {
        self.triceps_mm
    }
    pub fn subscapular_mm(&self) -> Option<f64> {
        self.subscapular_mm
    }
    pub fn oedema(&self) -> bool {
        self.oedema
    }

    /// Every indicator's z-score for a child of this sex and age (in whole days, `None`
    /// when unknown), with the classification for children of 6 to 59 months.
    pub fn assess(&self, sex: GrowthSex, age_days: Option<u32>) -> Assessment {
        assess(self, sex, age_days)
    }
}

/// Reads a decimal number; a comma is taken as the decimal mark (as typed on many phones).
fn parse_number(raw: &str) -> Result<Option<f64>, GrowthError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let value: f64 = raw
        .replace(',', ".")
        .parse()
        .map_err(|_| GrowthError::NumberMalformed)?;
    if !value.is_finite() {
        return Err(GrowthError::NumberMalformed);
    }
    Ok(Some(value))
}

/// Parses an age in whole days (0 to 40,000).
pub fn parse_age_days(raw: &str) -> Result<u32, GrowthError> {
    raw.trim()
        .parse::<u32>()
        .ok()
        .filter(|days| *days <= 40_000)
        .ok_or(GrowthError::AgeMalformed)
}

/// The age in whole days on `date` of a child born on `birth`.
pub fn age_in_days(birth: Date, date: Date) -> Result<u32, GrowthError> {
    let days = (date - birth).whole_days();
    u32::try_from(days).map_err(|_| GrowthError::DateBeforeBirth)
}

/// An age given in months, in days: months x 30.4375, rounded half up (WHO's rule).
pub fn age_in_days_from_months(months: f64) -> Option<u32> {
    let days = (months * DAYS_PER_MONTH + 0.5).floor();
    (0.0..=40_000.0).contains(&days).then_some(days as u32)
}

/// Completed months of an age in days.
pub fn completed_months(age_days: u32) -> u32 {
    (f64::from(age_days) / DAYS_PER_MONTH).floor() as u32
}

/// Every indicator's result for one set of measurements.
#[derive(Clone, Debug, PartialEq)]
pub struct Assessment {
    results: [IndicatorResult; 8],
    /// The length or height the z-scores used (after the 0.7 cm adjustment).
    length_used_cm: Option<f64>,
    bmi: Option<f64>,
    standing_under_9_months: bool,
    classification: Option<Classification>,
    wasting: Option<Wasting>,
}

impl Assessment {
    pub fn get(&self, indicator: Indicator) -> IndicatorResult {
        let index = Indicator::ALL
            .iter()
            .position(|i| *i == indicator)
            .unwrap_or(0);
        self.results[index]
    }
    /// Each indicator with its result, in the calculator's order.
    pub fn each(&self) -> impl Iterator<Item = (Indicator, IndicatorResult)> + '_ {
        Indicator::ALL
            .iter()
            .copied()
            .zip(self.results.iter().copied())
    }
    pub fn length_used_cm(&self) -> Option<f64> {
        self.length_used_cm
    }
    /// BMI in kg/m², from the length or height used.
    pub fn bmi(&self) -> Option<f64> {
        self.bmi
    }
    /// A child under 9 months measured standing: implausible, so flagged.
    pub fn standing_under_9_months(&self) -> bool {
        self.standing_under_9_months
    }
    /// SAM, MAM or normal for children of 6 to 59 months; `None` at other ages or when
    /// neither weight-for-length/height, MUAC nor oedema is known.
    pub fn classification(&self) -> Option<Classification> {
        self.classification
    }
    /// What made the classification (the admitting indicator, for a programme).
    pub fn wasting(&self) -> Option<Wasting> {
        self.wasting
    }
}

fn assess(values: &Measurements, sex: GrowthSex, age_days: Option<u32>) -> Assessment {
    let tables = GrowthTables::get();
    let length_used_cm = values
        .length
        .map(|(cm, position)| match (age_days, position) {
            (Some(days), Position::Standing) if days < 731 => cm + 0.7,
            (Some(days), Position::Lying) if days >= 731 => cm - 0.7,
            _ => cm,
        });
    let standing_under_9_months = matches!(
        (age_days, values.length),
        (Some(days), Some((_, Position::Standing))) if completed_months(days) < 9
    );
    let bmi = values
        .weight_kg
        .zip(length_used_cm)
        .map(|(kg, cm)| kg / (cm / 100.0).powi(2));
    let weight_based = |value: Option<f64>| -> Result<f64, NoZReason> {
        if values.oedema {
            Err(NoZReason::Oedema)
        } else {
            value.ok_or(NoZReason::NotMeasured)
        }
    };

    let weight_for_age = by_age(
        tables,
        sex,
        age_days,
        weight_based(values.weight_kg),
        Table::WeightForAge,
        Some((
            Table::Reference2007WeightForAge,
            NoZReason::Age10YearsOrOver,
        )),
    );
    let mut length_height_for_age = by_age(
        tables,
        sex,
        age_days,
        length_used_cm.ok_or(NoZReason::NotMeasured),
        Table::LengthHeightForAge,
        Some((
            Table::Reference2007HeightForAge,
            NoZReason::Age19YearsOrOver,
        )),
    );
    if standing_under_9_months {
        length_height_for_age.flag = true;
    }
    let bmi_for_age = by_age(
        tables,
        sex,
        age_days,
        weight_based(bmi),
        Table::BmiForAge,
        Some((Table::Reference2007BmiForAge, NoZReason::Age19YearsOrOver)),
    );
    let head = by_age(
        tables,
        sex,
        age_days,
        values.head_cm.ok_or(NoZReason::NotMeasured),
        Table::HeadCircumferenceForAge,
        None,
    );
    // The MUAC table is in centimetres.
    let muac = from_day_91(
        tables,
        sex,
        age_days,
        values.muac_mm.map(|mm| mm / 10.0),
        Table::MuacForAge,
    );
    let triceps = from_day_91(
        tables,
        sex,
        age_days,
        values.triceps_mm,
        Table::TricepsForAge,
    );
    let subscapular = from_day_91(
        tables,
        sex,
        age_days,
        values.subscapular_mm,
        Table::SubscapularForAge,
    );
    let weight_for_length = weight_for_length_height(
        tables,
        sex,
        age_days,
        weight_based(values.weight_kg),
        length_used_cm,
    );
    let (classification, wasting) =
        match classify(age_days, weight_for_length.z, values.muac_mm, values.oedema) {
            Some((classification, wasting)) => (Some(classification), Some(wasting)),
            None => (None, None),
        };
    Assessment {
        results: [
            weight_for_age,
            length_height_for_age,
            weight_for_length,
            bmi_for_age,
            head,
            muac,
            triceps,
            subscapular,
        ],
        length_used_cm,
        bmi,
        standing_under_9_months,
        classification,
        wasting,
    }
}

/// An indicator by age: the 2006 standards up to day 1856, then (where there is one) the
/// 2007 reference from 61 months (day 1857), interpolated between its monthly rows.
fn by_age(
    tables: &GrowthTables,
    sex: GrowthSex,
    age_days: Option<u32>,
    value: Result<f64, NoZReason>,
    standard: Table,
    reference: Option<(Table, NoZReason)>,
) -> IndicatorResult {
    let value = match value {
        Ok(value) => value,
        Err(reason) => return IndicatorResult::none(reason),
    };
    let Some(days) = age_days else {
        return IndicatorResult::none(NoZReason::AgeUnknown);
    };
    if days <= LAST_DAY_OF_STANDARDS {
        return match tables.rows(standard, sex).get(days) {
            Some(lms) => scored(standard, Reference::Standards2006, lms, value),
            None => IndicatorResult::none(NoZReason::Age60MonthsOrOver),
        };
    }
    let Some((table, too_old)) = reference else {
        return IndicatorResult::none(NoZReason::Age60MonthsOrOver);
    };
    // Past day 1856 is past 61 months (the constants' assertions), the reference's first row.
    let months = f64::from(days) / DAYS_PER_MONTH;
    match tables.rows(table, sex).between(months) {
        Some(lms) => scored(table, Reference::Reference2007, lms, value),
        None => IndicatorResult::none(too_old),
    }
}

/// MUAC and the skinfolds: by day, from day 91 to day 1856.
fn from_day_91(
    tables: &GrowthTables,
    sex: GrowthSex,
    age_days: Option<u32>,
    value: Option<f64>,
    table: Table,
) -> IndicatorResult {
    let Some(value) = value else {
        return IndicatorResult::none(NoZReason::NotMeasured);
    };
    let Some(days) = age_days else {
        return IndicatorResult::none(NoZReason::AgeUnknown);
    };
    if days < 91 {
        return IndicatorResult::none(NoZReason::AgeUnder3Months);
    }
    if days > LAST_DAY_OF_STANDARDS {
        return IndicatorResult::none(NoZReason::Age60MonthsOrOver);
    }
    match tables.rows(table, sex).get(days) {
        Some(lms) => scored(table, Reference::Standards2006, lms, value),
        None => IndicatorResult::none(NoZReason::Age60MonthsOrOver),
    }
}

/// Weight-for-length (under 731 days, 45-110 cm) or weight-for-height (731 to 1856 days,
/// 65-120 cm); with no age, under 87 cm is a length, else a height.
fn weight_for_length_height(
    tables: &GrowthTables,
    sex: GrowthSex,
    age_days: Option<u32>,
    weight: Result<f64, NoZReason>,
    length_cm: Option<f64>,
) -> IndicatorResult {
    let weight = match weight {
        Ok(weight) => weight,
        Err(reason) => return IndicatorResult::none(reason),
    };
    let Some(cm) = length_cm else {
        return IndicatorResult::none(NoZReason::NotMeasured);
    };
    let (table, outside) = match age_days {
        Some(days) if days > LAST_DAY_OF_STANDARDS => {
            return IndicatorResult::none(NoZReason::Age60MonthsOrOver)
        }
        Some(days) if days < 731 => (Table::WeightForLength, NoZReason::LengthOutsideTable),
        Some(_) => (Table::WeightForHeight, NoZReason::HeightOutsideTable),
        None if cm < 87.0 => (Table::WeightForLength, NoZReason::LengthHeightOutsideTables),
        None => (Table::WeightForHeight, NoZReason::LengthHeightOutsideTables),
    };
    match tables.rows(table, sex).between(cm * 10.0) {
        Some(lms) => scored(table, Reference::Standards2006, lms, weight),
        None => IndicatorResult::none(outside),
    }
}

fn scored(table: Table, reference: Reference, lms: Lms, value: f64) -> IndicatorResult {
    let z = round2(z_score(lms, value, table.restricted_tails()));
    let flag = match table {
        Table::LengthHeightForAge | Table::Reference2007HeightForAge => z.abs() > 6.0,
        Table::WeightForAge | Table::Reference2007WeightForAge => !(-6.0..=5.0).contains(&z),
        _ => z.abs() > 5.0,
    };
    IndicatorResult {
        z: Some(z),
        flag,
        reason: None,
        reference: Some(reference),
    }
}

/// z = ((y/M)^L - 1) / (L S), or ln(y/M) / S where L = 0; beyond ±3 with restricted
/// tails, the distance is measured in units of the 2-to-3 SD interval (WHO's rule).
pub fn z_score(lms: Lms, value: f64, restricted_tails: bool) -> f64 {
    let Lms { l, m, s } = lms;
    let z = if l == 0.0 {
        (value / m).ln() / s
    } else {
        ((value / m).powf(l) - 1.0) / (l * s)
    };
    if !restricted_tails {
        return z;
    }
    if z > 3.0 {
        let sd3 = lms.value_at(3.0);
        let sd2 = lms.value_at(2.0);
        3.0 + (value - sd3) / (sd3 - sd2)
    } else if z < -3.0 {
        let sd3 = lms.value_at(-3.0);
        let sd2 = lms.value_at(-2.0);
        -3.0 + (value - sd3) / (sd2 - sd3)
    } else {
        z
    }
}

/// Two decimals, half away from zero.
pub fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests;
