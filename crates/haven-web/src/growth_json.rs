//! The growth calculator's JSON: one object with a result per indicator and the
//! classification. It is a stable contract shared by `haven anthro` and
//! `POST /api/v1/growth/calculate`, so it is defined once, here.

use haven_domain::growth::{Assessment, Indicator, IndicatorResult};
use serde::Serialize;
use utoipa::ToSchema;

/// One indicator: a z-score (two decimals) and whether it is implausible, or why there is none.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct IndicatorJson {
    /// The z-score, two decimals; null when there is none.
    pub z: Option<f64>,
    /// True when the value is implausible (check the measurement).
    pub flag: bool,
    /// Why there is no z-score, as a stable code (`not_measured`, `age_unknown`, `oedema`,
    /// `age_60_months_or_over`, `age_between_standards`, `age_under_3_months`,
    /// `age_over_10_years`, `age_over_19_years`, `length_outside_45_110_cm`,
    /// `height_outside_65_120_cm`, `length_height_outside_45_120_cm`); null with a z-score.
    pub reason: Option<String>,
}

impl From<IndicatorResult> for IndicatorJson {
    fn from(result: IndicatorResult) -> Self {
        IndicatorJson {
            z: result.z(),
            flag: result.flag(),
            reason: result.reason().map(|r| r.code().to_owned()),
        }
    }
}

/// The calculator's answer, keys in this order.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct CalculatorAnswer {
    pub weight_for_age: IndicatorJson,
    pub length_height_for_age: IndicatorJson,
    pub weight_for_length_height: IndicatorJson,
    pub bmi_for_age: IndicatorJson,
    pub head_circumference_for_age: IndicatorJson,
    pub muac_for_age: IndicatorJson,
    /// `sam`, `mam` or `normal` for children of 6 to 59 months; null otherwise.
    pub classification: Option<String>,
}

impl From<&Assessment> for CalculatorAnswer {
    fn from(a: &Assessment) -> Self {
        CalculatorAnswer {
            weight_for_age: a.get(Indicator::WeightForAge).into(),
            length_height_for_age: a.get(Indicator::LengthHeightForAge).into(),
            weight_for_length_height: a.get(Indicator::WeightForLengthHeight).into(),
            bmi_for_age: a.get(Indicator::BmiForAge).into(),
            head_circumference_for_age: a.get(Indicator::HeadCircumferenceForAge).into(),
            muac_for_age: a.get(Indicator::MuacForAge).into(),
            classification: a.classification().map(|c| c.code().to_owned()),
        }
    }
}
