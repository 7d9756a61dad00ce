//! Acute malnutrition (WHO 2013) for children of 6 to 59 months, the action each class calls
//! for, the discharge rule, the adults' cut-offs, and a programme's outcome indicators
//! against the Sphere thresholds.

use time::Date;

use super::anthro::completed_months;

coded_enum! {
    /// Acute malnutrition class of a child of 6 to 59 months.
    Classification { Sam => "sam", Mam => "mam", Normal => "normal" }
}

coded_enum! {
    /// What the class calls for.
    NutritionAction {
        /// SAM with medical complications or a failed appetite test: inpatient care.
        StabilisationCentre => "stabilisation_centre",
        /// SAM without complications, appetite test passed: outpatient therapeutic programme.
        OutpatientTherapeutic => "otp",
        /// MAM: supplementary feeding.
        SupplementaryFeeding => "supplementary_feeding",
        /// Normal: keep monitoring growth.
        Monitor => "monitor",
    }
}

coded_enum! {
    /// The indicator that put a child in a class (and admits them to a programme).
    Wasting {
        /// Bilateral pitting oedema.
        Oedema => "oedema",
        /// Weight-for-length/height z-score (below -3 SAM, -3 to below -2 MAM).
        WeightForHeight => "whz",
        /// MUAC (below 115 mm SAM, 115 to below 125 mm MAM).
        Muac => "muac",
        /// Both weight-for-height and MUAC.
        WeightForHeightAndMuac => "whz_and_muac",
        /// Neither: the child is not wasted.
        None => "none",
    }
}

coded_enum! {
    /// The appetite test (RUTF) before outpatient care.
    AppetiteTest { Passed => "passed", Failed => "failed", NotDone => "not_done" }
}

coded_enum! {
    /// How a child left a malnutrition programme.
    DischargeOutcome {
        Cured => "cured",
        Died => "died",
        Defaulted => "defaulted",
        NonResponder => "non_responder",
        Transferred => "transferred",
    }
}

coded_enum! {
    /// The two kinds of programme a malnourished child is admitted to.
    Programme {
        /// Outpatient therapeutic programme (SAM without complications).
        Otp => "otp",
        /// Stabilisation centre (SAM with complications): inpatient.
        StabilisationCentre => "sc",
        /// Targeted supplementary feeding (MAM).
        Supplementary => "tsfp",
    }
}

/// The class of a child of 6 to 59 months and what made it, from the weight-for-length/
/// height z-score (two decimals), MUAC in mm and oedema; `None` at other ages (MUAC is
/// not used under 6 months) or when none of the three is known.
pub fn classify(
    age_days: Option<u32>,
    whz: Option<f64>,
    muac_mm: Option<f64>,
    oedema: bool,
) -> Option<(Classification, Wasting)> {
    let months = completed_months(age_days?);
    if !(6..=59).contains(&months) {
        return None;
    }
    if oedema {
        return Some((Classification::Sam, Wasting::Oedema));
    }
    let by_whz = whz.map(|z| {
        if z < -3.0 {
            Classification::Sam
        } else if z < -2.0 {
            Classification::Mam
        } else {
            Classification::Normal
        }
    });
    let by_muac = muac_mm.map(|mm| {
        if mm < 115.0 {
            Classification::Sam
        } else if mm < 125.0 {
            Classification::Mam
        } else {
            Classification::Normal
        }
    });
    // The worse of the two classes; the wasting names every indicator at that class.
    let worst = match (by_whz, by_muac) {
        (None, None) => return None,
        (Some(a), None) | (None, Some(a)) => a,
        (Some(a), Some(b)) => a.min(b),
    };
    let wasting = match (by_whz == Some(worst), by_muac == Some(worst)) {
        _ if worst == Classification::Normal => Wasting::None,
        (true, true) => Wasting::WeightForHeightAndMuac,
        (true, false) => Wasting::WeightForHeight,
        _ => Wasting::Muac,
    };
    Some((worst, wasting))
}

/// What a class calls for: SAM with medical complications or a failed appetite test goes
/// to a stabilisation centre, other SAM to the outpatient therapeutic programme, MAM to
/// supplementary feeding.
pub fn action(
    classification: Classification,
    complications: bool,
    appetite: AppetiteTest,
) -> NutritionAction {
    match classification {
        Classification::Sam if complications || appetite == AppetiteTest::Failed => {
            NutritionAction::StabilisationCentre
        }
        Classification::Sam => NutritionAction::OutpatientTherapeutic,
        Classification::Mam => NutritionAction::SupplementaryFeeding,
        Classification::Normal => NutritionAction::Monitor,
    }
}

/// One follow-up's values, as the discharge rule reads them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FollowUpValues {
    pub date: Date,
    pub whz: Option<f64>,
    pub muac_mm: Option<f64>,
    pub oedema: bool,
}

/// Whether a child admitted by `admitted_by` may be discharged as recovered on the latest
/// follow-up: the indicator that admitted them is back (WHZ >= -2, MUAC >= 125 mm; both for
/// a child admitted on both; for oedema, whichever was measured) and there has been no
/// oedema for at least 2 weeks (every follow-up of the last 14 days free of it, and one at
/// least 14 days before the latest free of it too). `follow_ups` in any order.
pub fn recovered(admitted_by: Wasting, follow_ups: &[FollowUpValues]) -> bool {
    let Some(latest) = follow_ups.iter().max_by_key(|f| f.date) else {
        return false;
    };
    let whz_back = latest.whz.map(|z| z >= -2.0);
    let muac_back = latest.muac_mm.map(|mm| mm >= 125.0);
    let indicator_back = match admitted_by {
        Wasting::WeightForHeight => whz_back == Some(true),
        Wasting::Muac => muac_back == Some(true),
        Wasting::WeightForHeightAndMuac => whz_back == Some(true) && muac_back == Some(true),
        Wasting::Oedema | Wasting::None => {
            (whz_back.is_some() || muac_back.is_some())
                && whz_back != Some(false)
                && muac_back != Some(false)
        }
    };
    let window_start = latest.date - time::Duration::days(14);
    let free_in_window = follow_ups
        .iter()
        .filter(|f| f.date >= window_start)
        .all(|f| !f.oedema);
    let free_two_weeks_ago = follow_ups
        .iter()
        .any(|f| f.date <= window_start && !f.oedema);
    indicator_back && free_in_window && free_two_weeks_ago
}

/// The programme cut-offs for adults, from settings (the spec makes them settings).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdultCutOffs {
    /// Pregnant and lactating women below this MUAC (mm): acute malnutrition,
    /// supplementary feeding. 210 by default.
    pub plw_malnourished_below_mm: f64,
    /// Below this MUAC (mm): risk of low birth weight. 230 by default.
    pub plw_low_birth_weight_risk_below_mm: f64,
}

impl Default for AdultCutOffs {
    fn default() -> Self {
        AdultCutOffs {
            plw_malnourished_below_mm: 210.0,
            plw_low_birth_weight_risk_below_mm: 230.0,
        }
    }
}

coded_enum! {
    /// A pregnant or lactating woman's MUAC class.
    PlwMuac {
        Malnourished => "malnourished",
        LowBirthWeightRisk => "low_birth_weight_risk",
        Normal => "normal",
    }
}

coded_enum! {
    /// A non-pregnant adult's BMI class.
    AdultBmi { SevereThinness => "severe_thinness", ModerateThinness => "moderate_thinness", NotThin => "not_thin" }
}

impl AdultCutOffs {
    pub fn plw_muac(&self, muac_mm: f64) -> PlwMuac {
        if muac_mm < self.plw_malnourished_below_mm {
            PlwMuac::Malnourished
        } else if muac_mm < self.plw_low_birth_weight_risk_below_mm {
            PlwMuac::LowBirthWeightRisk
        } else {
            PlwMuac::Normal
        }
    }
}

coded_enum! {
    /// Whether a woman was pregnant or lactating on a day, as her pregnancies recorded
    /// in Haven tell: what decides which adult cut-offs read her measurement.
    PlwStatus { Pregnant => "pregnant", Lactating => "lactating" }
}

/// A recorded pregnancy, as far as [`plw_status`] needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PregnancySpan {
    /// The first day of the last menstrual period the pregnancy is dated from.
    pub dated_from: Date,
    pub edd: Date,
    pub delivered_on: Option<Date>,
    /// Ended without a delivery (miscarriage, abortion, lost to follow-up).
    pub ended_on: Option<Date>,
}

/// Days after a delivery that a woman counts as lactating for the programme cut-offs:
/// while her infant is under 6 months, as nutrition programmes count her.
pub const LACTATING_DAYS: i64 = 183;

/// Days past the expected date of delivery that an undelivered pregnancy still counts:
/// 42 weeks of gestation at most, so a pregnancy never closed does not make a woman
/// pregnant for ever.
const PAST_EDD_DAYS: i64 = 14;

/// Pregnant or lactating on `on`, from her recorded pregnancies; `None` when none says so.
pub fn plw_status(on: Date, pregnancies: &[PregnancySpan]) -> Option<PlwStatus> {
    let pregnant = pregnancies.iter().any(|p| {
        let closed = p.delivered_on.or(p.ended_on);
        p.dated_from <= on
            && closed.is_none_or(|c| on < c)
            && on <= p.edd + time::Duration::days(PAST_EDD_DAYS)
    });
    if pregnant {
        return Some(PlwStatus::Pregnant);
    }
    let lactating = pregnancies.iter().any(|p| {
        p.delivered_on
            .is_some_and(|d| d <= on && on < d + time::Duration::days(LACTATING_DAYS))
    });
    lactating.then_some(PlwStatus::Lactating)
}

/// BMI < 16 severe, 16 to 18.4 moderate thinness (BMI to one decimal, as it is read).
pub fn adult_bmi(bmi: f64) -> AdultBmi {
    let bmi = (bmi * 10.0).round() / 10.0;
    if bmi < 16.0 {
        AdultBmi::SevereThinness
    } else if bmi <= 18.4 {
        AdultBmi::ModerateThinness
    } else {
        AdultBmi::NotThin
    }
}

/// A programme's discharges over a period, by outcome.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OutcomeCounts {
    pub cured: u32,
    pub died: u32,
    pub defaulted: u32,
    pub non_responder: u32,
    pub transferred: u32,
}

/// One outcome rate and whether it meets its Sphere threshold.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rate {
    pub percent: f64,
    pub meets_standard: bool,
}

/// The Sphere indicators: cured > 75 %, died < 10 %, defaulted < 15 % of the children who
/// left the programme. Transfers out are left out of the denominator (Sphere counts exits,
/// and a child transferred has not ended treatment). `None` with no exits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SphereOutcomes {
    pub exits: u32,
    pub cured: Rate,
    pub died: Rate,
    pub defaulted: Rate,
}

impl OutcomeCounts {
    pub fn add(&mut self, outcome: DischargeOutcome) {
        match outcome {
            DischargeOutcome::Cured => self.cured += 1,
            DischargeOutcome::Died => self.died += 1,
            DischargeOutcome::Defaulted => self.defaulted += 1,
            DischargeOutcome::NonResponder => self.non_responder += 1,
            DischargeOutcome::Transferred => self.transferred += 1,
        }
    }

    pub fn sphere(&self) -> Option<SphereOutcomes> {
        let exits = self.cured + self.died + self.defaulted + self.non_responder;
        if exits == 0 {
            return None;
        }
        let percent = |n: u32| (f64::from(n) * 1000.0 / f64::from(exits)).round() / 10.0;
        let cured = percent(self.cured);
        let died = percent(self.died);
        let defaulted = percent(self.defaulted);
        Some(SphereOutcomes {
            exits,
            cured: Rate {
                percent: cured,
                meets_standard: cured > 75.0,
            },
            died: Rate {
                percent: died,
                meets_standard: died < 10.0,
            },
            defaulted: Rate {
                percent: defaulted,
                meets_standard: defaulted < 15.0,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    fn span(from: Date, delivered: Option<Date>, ended: Option<Date>) -> PregnancySpan {
        PregnancySpan {
            dated_from: from,
            edd: from + time::Duration::days(280),
            delivered_on: delivered,
            ended_on: ended,
        }
    }

    #[test]
    fn a_woman_is_pregnant_from_her_dating_until_the_birth_then_lactating_for_six_months() {
        let lmp = date!(2025 - 01 - 01);
        let born = date!(2025 - 10 - 01);
        let both = [span(lmp, Some(born), None)];
        assert_eq!(plw_status(date!(2024 - 12 - 31), &both), None);
        assert_eq!(plw_status(lmp, &both), Some(PlwStatus::Pregnant));
        assert_eq!(
            plw_status(date!(2025 - 09 - 30), &both),
            Some(PlwStatus::Pregnant)
        );
        assert_eq!(plw_status(born, &both), Some(PlwStatus::Lactating));
        assert_eq!(
            plw_status(born + time::Duration::days(LACTATING_DAYS - 1), &both),
            Some(PlwStatus::Lactating)
        );
        assert_eq!(
            plw_status(born + time::Duration::days(LACTATING_DAYS), &both),
            None
        );
    }

    #[test]
    fn an_ended_or_long_overdue_pregnancy_does_not_count() {
        let lmp = date!(2025 - 01 - 01);
        let ended = [span(lmp, None, Some(date!(2025 - 03 - 01)))];
        assert_eq!(
            plw_status(date!(2025 - 02 - 01), &ended),
            Some(PlwStatus::Pregnant)
        );
        assert_eq!(
            plw_status(date!(2025 - 03 - 01), &ended),
            None,
            "no lactation either"
        );
        let open = [span(lmp, None, None)];
        assert_eq!(
            plw_status(date!(2025 - 10 - 20), &open),
            Some(PlwStatus::Pregnant)
        );
        assert_eq!(plw_status(date!(2026 - 01 - 01), &open), None);
        assert_eq!(plw_status(date!(2025 - 06 - 01), &[]), None);
    }

    use super::*;

    fn check_class(
        months: u32,
        whz: Option<f64>,
        muac: Option<f64>,
        oedema: bool,
        expected: Option<(Classification, Wasting)>,
    ) {
        let days = (f64::from(months) * 30.4375).ceil() as u32;
        assert_eq!(
            classify(Some(days), whz, muac, oedema),
            expected,
            "{months} {whz:?} {muac:?} {oedema}"
        );
    }

    #[test]
    fn sam_and_mam_follow_who_2013_for_6_to_59_months() {
        use Classification::*;
        check_class(
            12,
            Some(-3.01),
            None,
            false,
            Some((Sam, Wasting::WeightForHeight)),
        );
        check_class(
            12,
            Some(-3.0),
            None,
            false,
            Some((Mam, Wasting::WeightForHeight)),
        );
        check_class(
            12,
            Some(-2.01),
            None,
            false,
            Some((Mam, Wasting::WeightForHeight)),
        );
        check_class(12, Some(-2.0), None, false, Some((Normal, Wasting::None)));
        check_class(12, None, Some(114.0), false, Some((Sam, Wasting::Muac)));
        check_class(12, None, Some(115.0), false, Some((Mam, Wasting::Muac)));
        check_class(12, None, Some(124.9), false, Some((Mam, Wasting::Muac)));
        check_class(12, None, Some(125.0), false, Some((Normal, Wasting::None)));
        // MUAC finds the child WHZ misses (common in Cambodia), and the worse class wins.
        check_class(
            30,
            Some(-1.2),
            Some(118.0),
            false,
            Some((Mam, Wasting::Muac)),
        );
        check_class(
            30,
            Some(-3.5),
            Some(118.0),
            false,
            Some((Sam, Wasting::WeightForHeight)),
        );
        check_class(
            30,
            Some(-3.5),
            Some(110.0),
            false,
            Some((Sam, Wasting::WeightForHeightAndMuac)),
        );
        check_class(30, None, None, true, Some((Sam, Wasting::Oedema)));
        check_class(
            30,
            Some(1.0),
            Some(140.0),
            true,
            Some((Sam, Wasting::Oedema)),
        );
        check_class(30, None, None, false, None);
        // Only 6 to 59 completed months.
        check_class(6, None, Some(110.0), false, Some((Sam, Wasting::Muac)));
        check_class(
            59,
            Some(-3.2),
            None,
            false,
            Some((Sam, Wasting::WeightForHeight)),
        );
        assert_eq!(
            classify(Some(182), Some(-4.0), Some(100.0), true),
            None,
            "5 completed months"
        );
        assert_eq!(
            classify(Some(1827), Some(-4.0), None, false),
            None,
            "60 months"
        );
        assert_eq!(classify(None, Some(-4.0), None, false), None);
    }

    #[test]
    fn the_action_follows_the_class() {
        use AppetiteTest::*;
        let cases = [
            (
                Classification::Sam,
                false,
                Passed,
                NutritionAction::OutpatientTherapeutic,
            ),
            (
                Classification::Sam,
                false,
                NotDone,
                NutritionAction::OutpatientTherapeutic,
            ),
            (
                Classification::Sam,
                true,
                Passed,
                NutritionAction::StabilisationCentre,
            ),
            (
                Classification::Sam,
                false,
                Failed,
                NutritionAction::StabilisationCentre,
            ),
            (
                Classification::Mam,
                false,
                Failed,
                NutritionAction::SupplementaryFeeding,
            ),
            (
                Classification::Normal,
                true,
                Failed,
                NutritionAction::Monitor,
            ),
        ];
        for (class, complications, appetite, expected) in cases {
            assert_eq!(
                action(class, complications, appetite),
                expected,
                "{class:?}"
            );
        }
    }

    fn f(date: Date, whz: Option<f64>, muac: Option<f64>, oedema: bool) -> FollowUpValues {
        FollowUpValues {
            date,
            whz,
            muac_mm: muac,
            oedema,
        }
    }

    #[test]
    fn recovered_needs_the_admitting_indicator_back_and_two_weeks_without_oedema() {
        let weeks = [
            date!(2026 - 03 - 02),
            date!(2026 - 03 - 09),
            date!(2026 - 03 - 16),
            date!(2026 - 03 - 23),
        ];
        let muac_child = [
            f(weeks[0], Some(-2.5), Some(112.0), false),
            f(weeks[1], Some(-2.2), Some(119.0), false),
            f(weeks[2], Some(-1.9), Some(123.0), false),
            f(weeks[3], Some(-1.8), Some(126.0), false),
        ];
        assert!(recovered(Wasting::Muac, &muac_child));
        // Admitted by MUAC, WHZ back is not enough.
        assert!(!recovered(Wasting::Muac, &muac_child[..3]));
        assert!(recovered(Wasting::WeightForHeight, &muac_child[..3]));
        assert!(!recovered(
            Wasting::WeightForHeightAndMuac,
            &muac_child[..3]
        ));
        let oedema_child = [
            f(weeks[0], None, Some(120.0), true),
            f(weeks[1], Some(-1.5), Some(127.0), false),
            f(weeks[2], Some(-1.4), Some(128.0), false),
            f(weeks[3], Some(-1.2), Some(130.0), false),
        ];
        assert!(
            recovered(Wasting::Oedema, &oedema_child),
            "free since weeks[1], 14 days before weeks[3]"
        );
        assert!(
            !recovered(Wasting::Oedema, &oedema_child[..3]),
            "only 7 days without oedema"
        );
        assert!(!recovered(Wasting::Muac, &[]));
    }

    #[test]
    fn adults_cut_offs_are_settings() {
        let default = AdultCutOffs::default();
        assert_eq!(default.plw_muac(209.0), PlwMuac::Malnourished);
        assert_eq!(default.plw_muac(210.0), PlwMuac::LowBirthWeightRisk);
        assert_eq!(default.plw_muac(230.0), PlwMuac::Normal);
        let stricter = AdultCutOffs {
            plw_malnourished_below_mm: 230.0,
            plw_low_birth_weight_risk_below_mm: 230.0,
        };
        assert_eq!(stricter.plw_muac(225.0), PlwMuac::Malnourished);
        assert_eq!(adult_bmi(15.94), AdultBmi::SevereThinness);
        assert_eq!(adult_bmi(15.96), AdultBmi::ModerateThinness);
        assert_eq!(adult_bmi(18.44), AdultBmi::ModerateThinness);
        assert_eq!(adult_bmi(18.5), AdultBmi::NotThin);
    }

    #[test]
    fn sphere_outcomes_against_their_thresholds() {
        let mut counts = OutcomeCounts::default();
        assert_eq!(counts.sphere(), None);
        for outcome in [DischargeOutcome::Cured; 8] {
            counts.add(outcome);
        }
        counts.add(DischargeOutcome::Died);
        counts.add(DischargeOutcome::Defaulted);
        counts.add(DischargeOutcome::Transferred);
        let sphere = counts.sphere().unwrap();
        assert_eq!(sphere.exits, 10);
        assert_eq!(
            sphere.cured,
            Rate {
                percent: 80.0,
                meets_standard: true
            }
        );
        assert_eq!(
            sphere.died,
            Rate {
                percent: 10.0,
                meets_standard: false
            }
        );
        assert_eq!(
            sphere.defaulted,
            Rate {
                percent: 10.0,
                meets_standard: true
            }
        );
        let mut poor = OutcomeCounts {
            cured: 3,
            defaulted: 1,
            ..Default::default()
        };
        poor.add(DischargeOutcome::NonResponder);
        let sphere = poor.sphere().unwrap();
        assert_eq!(
            sphere.cured,
            Rate {
                percent: 60.0,
                meets_standard: false
            }
        );
        assert_eq!(
            sphere.defaulted,
            Rate {
                percent: 20.0,
                meets_standard: false
            }
        );
    }
}
