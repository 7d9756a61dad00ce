//! The rules of growth monitoring and nutrition: measurements, WHO z-scores, growth charts, the growth calculator, the child health card and the malnutrition programme (issue 5).
//!
//! - [`tables`]: WHO's L, M, S tables, embedded and parsed once.
//! - [`anthro`]: a child's measurements parsed once, and their z-scores for every
//!   indicator computed exactly as ../shared/spec/growth-and-nutrition.md says.
//! - [`nutrition`]: SAM / MAM / normal, the action each calls for, the discharge rule, the
//!   adults' cut-offs and the programme's outcome indicators (Sphere).
//! - [`chart`]: the reference curves (-3 to +3 SD) that the growth charts draw.

pub mod anthro;
pub mod chart;
pub mod nutrition;
pub mod tables;

pub use anthro::{
    age_in_days, age_in_days_from_months, Assessment, GrowthError, Indicator, IndicatorResult,
    Measurements, MeasurementsInput, NoZReason, Position,
};
pub use nutrition::{Classification, NutritionAction};

/// The two sexes WHO's tables are made for. A person recorded as "other" or "unknown"
/// has no z-score: there is no table to compare them with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GrowthSex {
    Female,
    Male,
}

impl GrowthSex {
    /// `F` or `M` (the calculator's and the API's form), or `female` / `male`.
    pub fn parse(raw: &str) -> Option<GrowthSex> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "f" | "female" | "2" => Some(GrowthSex::Female),
            "m" | "male" | "1" => Some(GrowthSex::Male),
            _ => None,
        }
    }

    pub fn from_person(sex: crate::person::Sex) -> Option<GrowthSex> {
        match sex {
            crate::person::Sex::Female => Some(GrowthSex::Female),
            crate::person::Sex::Male => Some(GrowthSex::Male),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            GrowthSex::Female => "F",
            GrowthSex::Male => "M",
        }
    }
}
