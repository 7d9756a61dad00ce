//! `haven anthro`, the growth calculator's stable command line: the JSON it prints for
//! WHO's reference children, and bad arguments (a message and exit 2, never a panic).

use crate::{haven_bare, run, Run};

fn anthro(args: &[&str]) -> Run {
    let mut command = haven_bare();
    command.arg("anthro").args(args);
    run(command)
}

/// Runs the calculator and returns its one JSON object.
fn answer(args: &[&str]) -> serde_json::Value {
    let out = anthro(args);
    let stdout = out.ok();
    assert_eq!(stdout.lines().count(), 1, "one line: {out}");
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn check(args: &[&str], expected: &str) {
    let got = answer(args);
    let expected: serde_json::Value = serde_json::from_str(expected).unwrap();
    assert_eq!(got, expected, "haven anthro {}", args.join(" "));
}

#[test]
fn prints_whos_z_scores_as_one_json_object() {
    // The spec's known values (WHO igrowup): F, 683 days, 10.4 kg, 84.8 cm lying.
    check(
        &[
            "--sex",
            "F",
            "--age-days",
            "683",
            "--weight-kg",
            "10.4",
            "--length-cm",
            "84.8",
            "--measured",
            "lying",
        ],
        r#"{"weight_for_age":{"z":-0.57,"flag":false,"reason":null},
            "length_height_for_age":{"z":-0.07,"flag":false,"reason":null},
            "weight_for_length_height":{"z":-0.81,"flag":false,"reason":null},
            "bmi_for_age":{"z":-0.79,"flag":false,"reason":null},
            "head_circumference_for_age":{"z":null,"flag":false,"reason":"not_measured"},
            "muac_for_age":{"z":null,"flag":false,"reason":"not_measured"},
            "classification":"normal"}"#,
    );
    // M, 269 days, 6.3 kg, 64.8 cm: WAZ -3.08 (restricted tail), WFL -1.70.
    check(
        &[
            "--sex",
            "M",
            "--age-days",
            "269",
            "--weight-kg",
            "6.3",
            "--length-cm",
            "64.8",
            "--measured",
            "lying",
        ],
        r#"{"weight_for_age":{"z":-3.08,"flag":false,"reason":null},
            "length_height_for_age":{"z":-3.11,"flag":false,"reason":null},
            "weight_for_length_height":{"z":-1.7,"flag":false,"reason":null},
            "bmi_for_age":{"z":-1.71,"flag":false,"reason":null},
            "head_circumference_for_age":{"z":null,"flag":false,"reason":"not_measured"},
            "muac_for_age":{"z":null,"flag":false,"reason":"not_measured"},
            "classification":"normal"}"#,
    );
    // The keys come in the contract's order.
    let out = anthro(&[
        "--sex",
        "F",
        "--age-days",
        "0",
        "--weight-kg",
        "4.2",
        "--length-cm",
        "51.9",
        "--measured",
        "lying",
    ]);
    let stdout = out.ok();
    let keys = [
        "weight_for_age",
        "length_height_for_age",
        "weight_for_length_height",
        "bmi_for_age",
        "head_circumference_for_age",
        "muac_for_age",
        "classification",
    ];
    let positions: Vec<usize> = keys
        .iter()
        .map(|k| stdout.find(&format!("\"{k}\"")).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{stdout}");
    assert!(
        stdout.contains(r#""weight_for_age":{"z":1.94,"#),
        "{stdout}"
    );
    assert!(
        stdout.contains(r#""classification":null"#),
        "a newborn has no class: {stdout}"
    );
}

#[test]
fn dates_may_replace_the_age_and_options_add_head_muac_and_oedema() {
    // 2024-01-01 to 2025-11-14 is 683 days.
    let by_dates = answer(&[
        "--sex",
        "F",
        "--dob",
        "2024-01-01",
        "--date",
        "2025-11-14",
        "--weight-kg",
        "10.4",
        "--length-cm",
        "84.8",
        "--measured",
        "lying",
    ]);
    let by_days = answer(&[
        "--sex",
        "F",
        "--age-days",
        "683",
        "--weight-kg",
        "10.4",
        "--length-cm",
        "84.8",
        "--measured",
        "lying",
    ]);
    assert_eq!(by_dates, by_days);

    let sam = answer(&[
        "--sex",
        "M",
        "--age-days",
        "380",
        "--weight-kg",
        "6.3",
        "--length-cm",
        "70",
        "--measured",
        "lying",
        "--muac-mm",
        "112",
        "--head-cm",
        "44",
    ]);
    assert_eq!(sam["classification"], "sam");
    assert!(sam["muac_for_age"]["z"].as_f64().unwrap() < -3.0);
    assert!(sam["head_circumference_for_age"]["z"].is_number());

    let oedema = answer(&[
        "--sex",
        "F",
        "--age-days",
        "400",
        "--weight-kg",
        "8",
        "--length-cm",
        "72",
        "--measured",
        "lying",
        "--oedema",
    ]);
    for key in ["weight_for_age", "weight_for_length_height", "bmi_for_age"] {
        assert_eq!(oedema[key]["z"], serde_json::Value::Null, "{key}");
        assert_eq!(oedema[key]["reason"], "oedema", "{key}");
    }
    assert!(oedema["length_height_for_age"]["z"].is_number());
    assert_eq!(oedema["classification"], "sam");

    // A 12-year-old: the 2007 reference for height and BMI, no weight-for-age after 10.
    let older = answer(&[
        "--sex",
        "F",
        "--age-days",
        "4383",
        "--weight-kg",
        "38",
        "--length-cm",
        "150",
        "--measured",
        "standing",
    ]);
    assert!(older["length_height_for_age"]["z"].is_number());
    assert!(older["bmi_for_age"]["z"].is_number());
    assert_eq!(older["weight_for_age"]["reason"], "age_over_10_years");
    assert_eq!(
        older["weight_for_length_height"]["reason"],
        "age_60_months_or_over"
    );
    assert_eq!(older["classification"], serde_json::Value::Null);

    // Outside the tables: no z, and why.
    let long = answer(&[
        "--sex",
        "M",
        "--age-days",
        "300",
        "--weight-kg",
        "9",
        "--length-cm",
        "44",
        "--measured",
        "lying",
    ]);
    assert_eq!(
        long["weight_for_length_height"]["reason"],
        "length_outside_45_110_cm"
    );
    let flagged = answer(&[
        "--sex",
        "M",
        "--age-days",
        "987",
        "--weight-kg",
        "9",
        "--length-cm",
        "72.86",
        "--measured",
        "lying",
    ]);
    assert_eq!(flagged["length_height_for_age"]["z"], -6.09);
    assert_eq!(flagged["length_height_for_age"]["flag"], true);
}

#[test]
fn bad_arguments_say_what_is_wrong_and_exit_2() {
    let base = [
        "--weight-kg",
        "10",
        "--length-cm",
        "80",
        "--measured",
        "lying",
    ];
    let cases: &[(&[&str], &[&str])] = &[
        (&["--sex", "X", "--age-days", "400"], &["--sex", "F or M"]),
        (
            &["--sex", "F", "--age-days", "-3"],
            &["--age-days", "whole number"],
        ),
        (&["--sex", "F", "--age-days", "ten"], &["--age-days"]),
        (
            &["--sex", "F", "--dob", "2025-13-01", "--date", "2025-01-01"],
            &["--dob", "YYYY-MM-DD"],
        ),
        (
            &["--sex", "F", "--dob", "2025-02-01", "--date", "2025-01-01"],
            &["--date", "before the date of birth"],
        ),
    ];
    for (args, needles) in cases {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(base);
        let out = anthro(&all);
        let stderr = out.fails_with(2);
        assert!(out.stdout.is_empty(), "{out}");
        for needle in *needles {
            assert!(stderr.contains(needle), "{needle:?}: {out}");
        }
    }
    let value_cases: &[(&[&str], &str)] = &[
        (
            &[
                "--weight-kg",
                "heavy",
                "--length-cm",
                "80",
                "--measured",
                "lying",
            ],
            "--weight-kg: write a number",
        ),
        (
            &[
                "--weight-kg",
                "-4",
                "--length-cm",
                "80",
                "--measured",
                "lying",
            ],
            "--weight-kg: the weight must be",
        ),
        (
            &[
                "--weight-kg",
                "10",
                "--length-cm",
                "800",
                "--measured",
                "lying",
            ],
            "--length-cm: the length or height must be",
        ),
        (
            &[
                "--weight-kg",
                "10",
                "--length-cm",
                "80",
                "--measured",
                "sitting",
            ],
            "--measured: say whether",
        ),
        (
            &[
                "--weight-kg",
                "10",
                "--length-cm",
                "80",
                "--measured",
                "lying",
                "--muac-mm",
                "5",
            ],
            "--muac-mm: the MUAC",
        ),
        (
            &[
                "--weight-kg",
                "10",
                "--length-cm",
                "80",
                "--measured",
                "lying",
                "--head-cm",
                "x",
            ],
            "--head-cm: write a number",
        ),
    ];
    for (args, needle) in value_cases {
        let mut all = vec!["--sex", "M", "--age-days", "400"];
        all.extend(args.iter());
        let out = anthro(&all);
        assert!(out.fails_with(2).contains(needle), "{needle:?}: {out}");
    }
    // Missing arguments: clap's own message, exit 2.
    for args in [
        &[
            "--sex",
            "F",
            "--weight-kg",
            "10",
            "--length-cm",
            "80",
            "--measured",
            "lying",
        ][..],
        &[
            "--sex",
            "F",
            "--age-days",
            "400",
            "--length-cm",
            "80",
            "--measured",
            "lying",
        ][..],
        &[
            "--sex",
            "F",
            "--dob",
            "2024-01-01",
            "--weight-kg",
            "10",
            "--length-cm",
            "80",
            "--measured",
            "lying",
        ][..],
        &[
            "--sex",
            "F",
            "--age-days",
            "4",
            "--dob",
            "2024-01-01",
            "--date",
            "2024-01-05",
            "--weight-kg",
            "10",
            "--length-cm",
            "80",
            "--measured",
            "lying",
        ][..],
    ] {
        let out = anthro(args);
        assert!(!out.fails_with(2).is_empty(), "{out}");
    }
}
