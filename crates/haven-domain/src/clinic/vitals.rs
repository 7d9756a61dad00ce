//! Vital signs: parsed once, refused outside physiological limits, accepted with a
//! warning when implausible but possible.
//!
//! The two kinds of limit are different on purpose. A value outside the
//! *physiological* limits cannot belong to a living patient (a temperature of 60 °C, a
//! pulse of 0): it is a typing mistake and is refused at the field. A value inside
//! them but outside the *plausible* range (a temperature of 42.5 °C, an SpO2 of 65 %)
//! happens in a very sick patient: it is kept, and shown with a warning so that the
//! reading is checked, not lost.
//!
//! Sources of the limits:
//! - Temperature: clinical thermometers read about 25–45 °C; survival of core
//!   temperatures beyond that is anecdotal (accidental hypothermia case reports).
//!   Below 35 °C is hypothermia, above 41 °C hyperpyrexia (WHO *Pocket book of
//!   hospital care for children*, 2013; *Integrated Management of Adolescent and
//!   Adult Illness*, IMAI).
//! - Pulse: above 300/min is beyond ventricular conduction even in SVT in infants;
//!   below 20/min is arrest. Outside 40–200/min is extreme brady- or tachycardia.
//! - Respiratory rate: outside 3–120/min is not breathing that can be counted; above
//!   80/min (the upper end of a sick newborn's rate in the WHO Pocket book) or below
//!   8/min is extreme.
//! - Blood pressure: systolic 40–300 and diastolic 10–200 mmHg bound what a cuff can
//!   read in a living patient; systolic below 70 is shock, above 220 a hypertensive
//!   emergency (WHO HEARTS technical package, 2016).
//! - SpO2: 30–100 % (pulse oximeters are not calibrated below about 70 %, the
//!   plausible range's floor; WHO *Oxygen therapy for children*, 2016).
//! - Weight 0.2–300 kg, height 20–250 cm: the smallest surviving newborns to the
//!   tallest and heaviest adults on record; under 0.5 kg or over 200 kg is warned.
//! - MUAC in millimetres (as WHO and UNICEF record it): 50–500 mm is the tape's range;
//!   under 80 mm or over 400 mm is warned (severe acute malnutrition is under 115 mm in
//!   children 6–59 months: WHO/UNICEF joint statement, 2009).

use super::{ClinicError, Errors, FieldError};

/// Vital signs as typed: every field optional, but at least one is needed.
#[derive(Clone, Debug, Default)]
pub struct VitalsInput<'a> {
    pub temperature: &'a str,
    pub pulse: &'a str,
    pub respiratory_rate: &'a str,
    pub systolic: &'a str,
    pub diastolic: &'a str,
    pub spo2: &'a str,
    pub weight: &'a str,
    pub height: &'a str,
    pub muac: &'a str,
}

/// A set of vital signs taken at one time, each within physiological limits.
#[derive(Clone, Debug, PartialEq)]
pub struct Vitals {
    temperature_c: Option<f64>,
    pulse: Option<i64>,
    respiratory_rate: Option<i64>,
    systolic: Option<i64>,
    diastolic: Option<i64>,
    spo2: Option<i64>,
    weight_kg: Option<f64>,
    height_cm: Option<f64>,
    muac_mm: Option<i64>,
    warnings: Vec<&'static str>,
}

/// One vital sign's limits: refused outside `limits`, warned outside `plausible`.
struct Limits {
    field: &'static str,
    limits: (f64, f64),
    plausible: (f64, f64),
}

const TEMPERATURE: Limits = Limits {
    field: "temperature",
    limits: (25.0, 45.0),
    plausible: (34.0, 41.0),
};
const PULSE: Limits = Limits {
    field: "pulse",
    limits: (20.0, 300.0),
    plausible: (40.0, 200.0),
};
const RESPIRATORY_RATE: Limits = Limits {
    field: "respiratory_rate",
    limits: (3.0, 120.0),
    plausible: (8.0, 80.0),
};
const SYSTOLIC: Limits = Limits {
    field: "systolic",
    limits: (40.0, 300.0),
    plausible: (70.0, 220.0),
};
const DIASTOLIC: Limits = Limits {
    field: "diastolic",
    limits: (10.0, 200.0),
    plausible: (30.0, 130.0),
};
const SPO2: Limits = Limits {
    field: "spo2",
    limits: (30.0, 100.0),
    plausible: (70.0, 100.0),
};
const WEIGHT: Limits = Limits {
    field: "weight",
    limits: (0.2, 300.0),
    plausible: (0.5, 200.0),
};
const HEIGHT: Limits = Limits {
    field: "height",
    limits: (20.0, 250.0),
    plausible: (40.0, 220.0),
};
const MUAC: Limits = Limits {
    field: "muac",
    limits: (50.0, 500.0),
    plausible: (80.0, 400.0),
};

/// Every vital sign's field name, in the order forms show them.
pub const FIELDS: [&str; 9] = [
    "temperature",
    "pulse",
    "respiratory_rate",
    "systolic",
    "diastolic",
    "spo2",
    "weight",
    "height",
    "muac",
];

/// The translation key of the warning for an implausible value of `field`.
pub fn warning_key(field: &str) -> String {
    format!("clinic-warning-{}", field.replace('_', "-"))
}

/// A decimal number as typed; a comma is read as the decimal point (as many keyboards
/// in Cambodia and France type it).
pub fn parse_decimal(raw: &str) -> Result<Option<f64>, ClinicError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let value: f64 = raw
        .replace(',', ".")
        .parse()
        .map_err(|_| ClinicError::NotANumber)?;
    if value.is_finite() {
        Ok(Some(value))
    } else {
        Err(ClinicError::NotANumber)
    }
}

impl Limits {
    fn check(&self, value: f64, warnings: &mut Vec<&'static str>) -> Result<f64, ClinicError> {
        if value < self.limits.0 || value > self.limits.1 {
            return Err(ClinicError::OutsidePhysiologicalLimits);
        }
        if value < self.plausible.0 || value > self.plausible.1 {
            warnings.push(self.field);
        }
        Ok(value)
    }

    fn decimal(
        &self,
        raw: &str,
        errors: &mut Errors,
        warnings: &mut Vec<&'static str>,
    ) -> Option<f64> {
        let parsed =
            parse_decimal(raw).and_then(|v| v.map(|v| self.check(v, warnings)).transpose());
        errors.check(self.field, parsed).flatten()
    }

    fn whole(
        &self,
        raw: &str,
        errors: &mut Errors,
        warnings: &mut Vec<&'static str>,
    ) -> Option<i64> {
        let parsed = parse_decimal(raw).and_then(|value| match value {
            None => Ok(None),
            Some(v) if v.fract() != 0.0 => Err(ClinicError::NotANumber),
            // In range after the check, so the cast cannot truncate.
            Some(v) => self.check(v, warnings).map(|v| Some(v as i64)),
        });
        errors.check(self.field, parsed).flatten()
    }
}

impl Vitals {
    pub fn parse(input: &VitalsInput<'_>) -> Result<Vitals, Vec<FieldError>> {
        let mut errors = Errors::default();
        let mut warnings = Vec::new();
        let w = &mut warnings;
        let temperature_c = TEMPERATURE.decimal(input.temperature, &mut errors, w);
        let pulse = PULSE.whole(input.pulse, &mut errors, w);
        let respiratory_rate = RESPIRATORY_RATE.whole(input.respiratory_rate, &mut errors, w);
        let systolic = SYSTOLIC.whole(input.systolic, &mut errors, w);
        let diastolic = DIASTOLIC.whole(input.diastolic, &mut errors, w);
        let spo2 = SPO2.whole(input.spo2, &mut errors, w);
        let weight_kg = WEIGHT.decimal(input.weight, &mut errors, w);
        let height_cm = HEIGHT.decimal(input.height, &mut errors, w);
        let muac_mm = MUAC.whole(input.muac, &mut errors, w);
        let sys_typed = !input.systolic.trim().is_empty();
        let dia_typed = !input.diastolic.trim().is_empty();
        if sys_typed != dia_typed {
            let field = if sys_typed { "diastolic" } else { "systolic" };
            errors.push(field, ClinicError::BloodPressureIncomplete);
        }
        if let (Some(s), Some(d)) = (systolic, diastolic) {
            if d >= s {
                errors.push("diastolic", ClinicError::DiastolicAboveSystolic);
            }
        }
        let typed = [
            input.temperature,
            input.pulse,
            input.respiratory_rate,
            input.systolic,
            input.diastolic,
            input.spo2,
            input.weight,
            input.height,
            input.muac,
        ];
        if typed.iter().all(|raw| raw.trim().is_empty()) {
            errors.push("temperature", ClinicError::NoVitalSigns);
        }
        if !errors.is_empty() {
            return Err(errors.into_vec());
        }
        Ok(Vitals {
            temperature_c,
            pulse,
            respiratory_rate,
            systolic,
            diastolic,
            spo2,
            weight_kg,
            height_cm,
            muac_mm,
            warnings,
        })
    }

    pub fn temperature_c(&self) -> Option<f64> {
        self.temperature_c
    }
    pub fn pulse(&self) -> Option<i64> {
        self.pulse
    }
    pub fn respiratory_rate(&self) -> Option<i64> {
        self.respiratory_rate
    }
    pub fn systolic(&self) -> Option<i64> {
        self.systolic
    }
    pub fn diastolic(&self) -> Option<i64> {
        self.diastolic
    }
    pub fn spo2(&self) -> Option<i64> {
        self.spo2
    }
    pub fn weight_kg(&self) -> Option<f64> {
        self.weight_kg
    }
    pub fn height_cm(&self) -> Option<f64> {
        self.height_cm
    }
    pub fn muac_mm(&self) -> Option<i64> {
        self.muac_mm
    }
    /// The fields whose values are implausible but possible.
    pub fn warnings(&self) -> &[&'static str] {
        &self.warnings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(field: &str, value: &'static str) -> VitalsInput<'static> {
        let mut input = VitalsInput::default();
        match field {
            "temperature" => input.temperature = value,
            "pulse" => input.pulse = value,
            "respiratory_rate" => input.respiratory_rate = value,
            "spo2" => input.spo2 = value,
            "weight" => input.weight = value,
            "height" => input.height = value,
            "muac" => input.muac = value,
            other => panic!("no field {other}"),
        }
        input
    }

    /// `Ok(warned fields)` or the errors.
    fn check(field: &str, value: &'static str, expected: Result<Vec<&str>, Vec<FieldError>>) {
        let parsed = Vitals::parse(&input(field, value)).map(|v| v.warnings().to_vec());
        assert_eq!(parsed, expected, "{field}={value}");
    }

    #[test]
    fn values_outside_physiological_limits_are_refused() {
        let refused =
            |field: &'static str| Err(vec![(field, ClinicError::OutsidePhysiologicalLimits)]);
        check("temperature", "60", refused("temperature"));
        check("temperature", "24.9", refused("temperature"));
        check("pulse", "0", refused("pulse"));
        check("pulse", "301", refused("pulse"));
        check("respiratory_rate", "150", refused("respiratory_rate"));
        check("spo2", "101", refused("spo2"));
        check("weight", "0.1", refused("weight"));
        check("height", "300", refused("height"));
        check("muac", "20", refused("muac"));
    }

    #[test]
    fn implausible_values_are_kept_with_a_warning() {
        check("temperature", "37.2", Ok(vec![]));
        check("temperature", "37,2", Ok(vec![]));
        check("temperature", "42.5", Ok(vec!["temperature"]));
        check("temperature", "33.5", Ok(vec!["temperature"]));
        check("pulse", "210", Ok(vec!["pulse"]));
        check("spo2", "65", Ok(vec!["spo2"]));
        check("muac", "112", Ok(vec![]));
        check("muac", "75", Ok(vec!["muac"]));
        check("weight", "3.2", Ok(vec![]));
    }

    #[test]
    fn typing_mistakes_are_named() {
        check(
            "pulse",
            "eighty",
            Err(vec![("pulse", ClinicError::NotANumber)]),
        );
        check(
            "pulse",
            "80.5",
            Err(vec![("pulse", ClinicError::NotANumber)]),
        );
        check(
            "temperature",
            "NaN",
            Err(vec![("temperature", ClinicError::NotANumber)]),
        );
        assert_eq!(
            Vitals::parse(&VitalsInput::default()),
            Err(vec![("temperature", ClinicError::NoVitalSigns)])
        );
    }

    #[test]
    fn blood_pressure_comes_in_pairs_systolic_above_diastolic() {
        let bp = |s: &'static str, d: &'static str| {
            Vitals::parse(&VitalsInput {
                systolic: s,
                diastolic: d,
                ..Default::default()
            })
            .map(|v| (v.systolic(), v.diastolic()))
        };
        assert_eq!(bp("120", "80"), Ok((Some(120), Some(80))));
        assert_eq!(
            bp("120", ""),
            Err(vec![("diastolic", ClinicError::BloodPressureIncomplete)])
        );
        assert_eq!(
            bp("80", "120"),
            Err(vec![("diastolic", ClinicError::DiastolicAboveSystolic)])
        );
    }

    proptest::proptest! {
        /// Whatever is typed, parsing answers without panicking, and what it accepts
        /// lies within the limits.
        #[test]
        fn parsing_never_panics_and_keeps_to_the_limits(t in ".{0,12}", p in "[0-9.,-]{0,6}") {
            let parsed = Vitals::parse(&VitalsInput { temperature: &t, pulse: &p, ..Default::default() });
            if let Ok(v) = parsed {
                if let Some(t) = v.temperature_c() { proptest::prop_assert!((25.0..=45.0).contains(&t)); }
                if let Some(p) = v.pulse() { proptest::prop_assert!((20..=300).contains(&p)); }
            }
        }
    }
}
