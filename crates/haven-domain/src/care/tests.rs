//! Tests of the care rules: each parser with many short cases, and the date rules.

use time::macros::date;
use time::Date;

use super::*;

const TODAY: Date = date!(2026 - 03 - 10);

fn errors<T: std::fmt::Debug>(result: Result<T, Problems>) -> Vec<(&'static str, CareError)> {
    result.err().unwrap_or_default()
}

#[test]
fn placements_overlap_unless_one_ends_before_the_other_starts() {
    let check = |a: (Date, Option<Date>), b: (Date, Option<Date>), expected: bool| {
        assert_eq!(overlaps(a, b), expected, "{a:?} {b:?}");
        assert_eq!(overlaps(b, a), expected, "{b:?} {a:?}");
    };
    let d =
        |m, day| Date::from_calendar_date(2025, time::Month::try_from(m).unwrap(), day).unwrap();
    check((d(1, 1), Some(d(3, 1))), (d(3, 1), None), false);
    check((d(1, 1), Some(d(3, 2))), (d(3, 1), None), true);
    check((d(1, 1), None), (d(5, 1), Some(d(6, 1))), true);
    check((d(1, 1), Some(d(2, 1))), (d(4, 1), Some(d(5, 1))), false);
    check((d(1, 1), None), (d(1, 1), None), true);
}

#[test]
fn a_placement_never_ends_before_it_starts() {
    let check = |start: &str, end: &str, reason: &str, expected: &[(&str, CareError)]| {
        let result = PlacementDetails::parse(
            &PlacementInput {
                started_on: start,
                ended_on: end,
                reason,
                apart_reason: "",
            },
            TODAY,
        );
        assert_eq!(errors(result), expected.to_vec(), "{start} {end}");
    };
    check("2025-01-01", "", "admitted", &[]);
    check("2025-01-01", "2025-02-01", "admitted", &[]);
    check(
        "2025-02-01",
        "2025-01-01",
        "admitted",
        &[("ended_on", CareError::EndBeforeStart)],
    );
    check("", "", "admitted", &[("started_on", CareError::Required)]);
    check("2025-02-30", "", "x", &[("started_on", CareError::BadDate)]);
    check(
        "2027-01-01",
        "",
        "x",
        &[("started_on", CareError::InFuture)],
    );
    check("2025-01-01", "", " ", &[("reason", CareError::Required)]);
}

#[test]
fn a_plan_review_may_not_be_past_before_the_plan_or_beyond_the_interval() {
    let check = |made: &str, review: &str, expected: &[(&str, CareError)]| {
        let result = PlanDetails::parse(
            &PlanInput {
                made_on: made,
                review_on: review,
                ..PlanInput::default()
            },
            TODAY,
            6,
        );
        assert_eq!(errors(result), expected.to_vec(), "{made} {review}");
    };
    check("2026-03-10", "2026-09-10", &[]);
    check("2026-03-01", "2026-03-10", &[]);
    check(
        "2026-03-01",
        "2026-03-09",
        &[("review_on", CareError::ReviewInPast)],
    );
    check(
        "2026-03-10",
        "2026-09-11",
        &[("review_on", CareError::ReviewTooLate)],
    );
    check("2026-03-10", "", &[("review_on", CareError::Required)]);
    check(
        "2026-04-01",
        "2026-05-01",
        &[("made_on", CareError::InFuture)],
    );
    // A child who was heard has their words recorded.
    let heard = PlanDetails::parse(
        &PlanInput {
            made_on: "2026-03-10",
            review_on: "2026-06-01",
            child_heard: true,
            ..PlanInput::default()
        },
        TODAY,
        6,
    );
    assert_eq!(errors(heard), vec![("child_views", CareError::Required)]);
}

#[test]
fn months_are_added_by_the_calendar() {
    assert_eq!(add_months(date!(2025 - 08 - 31), 6), date!(2026 - 02 - 28));
    assert_eq!(add_months(date!(2023 - 08 - 31), 6), date!(2024 - 02 - 29));
    assert_eq!(add_months(date!(2025 - 11 - 15), 2), date!(2026 - 01 - 15));
    assert_eq!(add_months(date!(2025 - 01 - 15), 0), date!(2025 - 01 - 15));
}

fn admission(decision: &str, poverty_only: bool, review: &str) -> AdmissionInput<'static> {
    AdmissionInput {
        necessity: "Both parents died; no relative can care for the children.",
        suitability: "An SOS family keeps the siblings together.",
        chosen_option: "sos_family",
        options_considered: vec!["kinship", "foster"],
        decision: if decision == "admit" {
            "admit"
        } else {
            "not_admit"
        },
        decided_on: "2026-03-01",
        review_on: if review.is_empty() {
            "2026-09-01"
        } else {
            "2025-01-01"
        },
        poverty_only,
        ..AdmissionInput::default()
    }
}

#[test]
fn gatekeeping_needs_necessity_suitability_a_decision_and_a_review() {
    let ok = AdmissionDetails::parse(&admission("admit", false, ""), TODAY).unwrap();
    assert_eq!(
        ok.options_considered(),
        &[
            CareOption::Kinship,
            CareOption::Foster,
            CareOption::SosFamily
        ]
    );
    assert_eq!(ok.decision(), AdmissionDecision::Admit);
    assert_eq!(
        errors(AdmissionDetails::parse(
            &admission("admit", true, ""),
            TODAY
        )),
        vec![("necessity", CareError::PovertyAlone)]
    );
    // Poverty alone may lead to support instead: not admitting is fine.
    assert!(AdmissionDetails::parse(&admission("not_admit", true, ""), TODAY).is_ok());
    assert_eq!(
        errors(AdmissionDetails::parse(
            &admission("admit", false, "old"),
            TODAY
        )),
        vec![("review_on", CareError::ReviewBeforePlan)]
    );
    let empty = AdmissionDetails::parse(&AdmissionInput::default(), TODAY);
    let fields: Vec<&str> = errors(empty).into_iter().map(|(f, _)| f).collect();
    assert_eq!(
        fields,
        vec![
            "necessity",
            "chosen_option",
            "suitability",
            "decision",
            "decided_on",
            "review_on"
        ]
    );
    let bad_option = AdmissionInput {
        options_considered: vec!["orphanage"],
        ..admission("admit", false, "")
    };
    assert_eq!(
        errors(AdmissionDetails::parse(&bad_option, TODAY)),
        vec![("options_considered", CareError::BadChoice)]
    );
}

#[test]
fn houses_have_a_name_a_kind_and_a_capacity() {
    let check = |name: &str, kind: &str, capacity: &str, expected: &[(&str, CareError)]| {
        let result = HouseDetails::parse(&HouseInput {
            name,
            kind,
            capacity,
        });
        assert_eq!(
            errors(result),
            expected.to_vec(),
            "{name} {kind} {capacity}"
        );
    };
    check("House 1", "sos_family", "8", &[]);
    check("", "sos_family", "8", &[("name", CareError::Required)]);
    check("House 1", "castle", "8", &[("kind", CareError::BadChoice)]);
    check(
        "House 1",
        "sos_family",
        "0",
        &[("capacity", CareError::BadNumber)],
    );
    check(
        "House 1",
        "sos_family",
        "21",
        &[("capacity", CareError::BadNumber)],
    );
    check(
        "House 1",
        "sos_family",
        "",
        &[("capacity", CareError::Required)],
    );
    check(
        &"x".repeat(201),
        "youth_house",
        "8",
        &[("name", CareError::TooLong)],
    );
}

#[test]
fn terms_count_days_and_results() {
    let check = |term: &str,
                 present: &str,
                 possible: &str,
                 average: &str,
                 expected: &[(&str, CareError)]| {
        let result = TermDetails::parse(&TermInput {
            term,
            days_present: present,
            days_possible: possible,
            average,
            passed: true,
            remark: "",
        });
        assert_eq!(
            errors(result),
            expected.to_vec(),
            "{term} {present}/{possible} {average}"
        );
    };
    check("1", "58", "60", "72.5", &[]);
    check("1", "", "", "", &[]);
    check("5", "", "", "", &[("term", CareError::BadNumber)]);
    check(
        "1",
        "61",
        "60",
        "",
        &[("days_present", CareError::PresentMoreThanPossible)],
    );
    check("1", "", "", "101", &[("average", CareError::BadNumber)]);
    check("1", "-1", "", "", &[("days_present", CareError::BadNumber)]);
    assert_eq!(
        TermDetails::parse(&TermInput {
            term: "2",
            average: "8,5",
            ..TermInput::default()
        })
        .unwrap()
        .average(),
        Some(8.5)
    );
}

#[test]
fn enrolments_name_the_school_and_the_year() {
    let check = |year: &str, expected: Result<i64, Vec<(&str, CareError)>>| {
        let result = EnrolmentDetails::parse(&EnrolmentInput {
            level: "primary",
            school: "Hun Sen Primary School",
            grade: "4",
            school_year: year,
            scholarship: "",
        });
        assert_eq!(result.map(|e| e.school_year()), expected, "{year}");
    };
    check("2025", Ok(2025));
    check("2025-2026", Ok(2025));
    check("", Err(vec![("school_year", CareError::Required)]));
    check("25", Err(vec![("school_year", CareError::BadNumber)]));
}

#[test]
fn ages_for_school_and_family_care() {
    let born = date!(2020 - 03 - 11);
    assert!(!is_school_age(born, TODAY), "5 the day before the birthday");
    assert!(is_school_age(born, date!(2026 - 03 - 11)));
    assert!(!is_school_age(date!(2008 - 01 - 01), TODAY), "18");
    assert!(needs_family_care(date!(2023 - 03 - 11), TODAY));
    assert!(!needs_family_care(date!(2023 - 03 - 10), TODAY));
}

#[test]
fn services_referrals_and_exits() {
    assert_eq!(
        errors(ServiceDetails::parse(
            "referral",
            "2026-01-01",
            "",
            false,
            TODAY
        )),
        vec![("partner", CareError::PartnerRequired)]
    );
    assert!(ServiceDetails::parse("referral", "2026-01-01", "", true, TODAY).is_ok());
    assert!(ServiceDetails::parse("food", "2026-01-01", "", false, TODAY).is_ok());
    assert_eq!(
        errors(HouseholdEnd::parse("active", "2026-01-01", "x", TODAY)),
        vec![("status", CareError::BadChoice)]
    );
    assert!(
        HouseholdEnd::parse("graduated", "2026-01-01", "self-reliant for a year", TODAY).is_ok()
    );
    assert_eq!(
        errors(HouseholdDetails::parse(
            "Household Chan",
            &["poverty,disability", "moon"]
        )),
        vec![("vulnerabilities", CareError::BadChoice)]
    );
}

#[test]
fn notes_are_short_dated_and_not_in_the_future() {
    assert!(NoteDetails::parse("daily", "2026-03-10", "Slept well.", TODAY).is_ok());
    assert_eq!(
        errors(NoteDetails::parse("daily", "2026-03-11", "x", TODAY)),
        vec![("written_on", CareError::InFuture)]
    );
    assert_eq!(
        errors(NoteDetails::parse(
            "daily",
            "2026-03-10",
            &"x".repeat(NOTE_MAX + 1),
            TODAY
        )),
        vec![("body", CareError::TooLong)]
    );
    assert_eq!(
        errors(NoteDetails::parse("gossip", "2026-03-10", "x", TODAY)),
        vec![("kind", CareError::BadChoice)]
    );
}

#[test]
fn codes_round_trip_through_storage() {
    let stored = join_codes(
        &[
            FamilyVulnerability::Poverty,
            FamilyVulnerability::Disability,
        ],
        FamilyVulnerability::code,
    );
    assert_eq!(stored, "poverty,disability");
    assert_eq!(
        split_codes(&stored, FamilyVulnerability::parse),
        vec![
            FamilyVulnerability::Poverty,
            FamilyVulnerability::Disability
        ]
    );
    assert_eq!(split_codes("", FamilyVulnerability::parse), vec![]);
}

proptest::proptest! {
    /// Whatever is typed, parsing answers without panicking.
    #[test]
    fn parsers_never_panic(a in ".{0,40}", b in ".{0,40}", c in ".{0,12}") {
        let _ = PlacementDetails::parse(&PlacementInput { started_on: &a, ended_on: &b, reason: &c, apart_reason: &a }, TODAY);
        let _ = PlanDetails::parse(&PlanInput { made_on: &a, review_on: &b, child_views: &c, ..PlanInput::default() }, TODAY, 6);
        let _ = TermDetails::parse(&TermInput { term: &c, days_present: &a, days_possible: &b, average: &c, passed: false, remark: &a });
        let _ = EnrolmentDetails::parse(&EnrolmentInput { level: &a, school: &b, grade: &c, school_year: &c, scholarship: &a });
        let _ = HouseDetails::parse(&HouseInput { name: &a, kind: &b, capacity: &c });
    }

    /// A parsed placement's span never ends before it starts.
    #[test]
    fn parsed_placements_are_ordered(start in 0i64..2000, length in -100i64..400) {
        let base = date!(2020 - 01 - 01);
        let s = base + time::Duration::days(start);
        let e = s + time::Duration::days(length);
        if let Ok(p) = PlacementDetails::parse(&PlacementInput { started_on: &s.to_string(), ended_on: &e.to_string(), reason: "moved", apart_reason: "" }, TODAY) {
            proptest::prop_assert!(p.ended_on().is_none_or(|end| end >= p.started_on()));
        }
    }
}
