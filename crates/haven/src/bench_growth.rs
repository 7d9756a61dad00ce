//! `haven bench growth`: how long parsing WHO's growth tables takes (once, at start-up)
//! and how fast z-scores are computed, on the children of WHO's igrowup reference survey.

use std::time::{Duration, Instant};

use haven_domain::growth::tables::GrowthTables;
use haven_domain::growth::{GrowthSex, Measurements, MeasurementsInput};

/// WHO's igrowup example survey (498 children), the same rows the z-score tests check.
const SURVEY: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/growth/reference/who_igrowup_survey_z_st.csv"
));

/// Prints the figures docs/benchmarks.md quotes.
pub fn growth(rounds: usize) {
    // The first parse is what start-up pays; later ones show the spread.
    let mut parses: Vec<Duration> = Vec::new();
    let mut rows = 0;
    for _ in 0..20 {
        let started = Instant::now();
        let tables = GrowthTables::parse_all();
        parses.push(started.elapsed());
        rows = tables.row_count();
    }
    let first = parses[0];
    parses.sort();
    println!(
        "tables: {rows} rows parsed in {:.2} ms (first), median {:.2} ms, max {:.2} ms over {} parses",
        ms(first),
        ms(parses[parses.len() / 2]),
        ms(parses[parses.len() - 1]),
        parses.len()
    );
    // Held in memory: L, M and S as three f64 per row.
    println!(
        "tables in memory: about {:.2} MB of rows (the CSV text embedded in the binary: {:.2} MB)",
        (rows * 24) as f64 / 1_048_576.0,
        embedded_bytes() as f64 / 1_048_576.0
    );
    let children = survey_children();
    GrowthTables::get();
    let started = Instant::now();
    let mut scored = 0usize;
    for _ in 0..rounds {
        for (sex, days, values) in &children {
            let assessment = values.assess(*sex, *days);
            scored += assessment.each().filter(|(_, r)| r.z().is_some()).count();
        }
    }
    let elapsed = started.elapsed();
    let assessments = rounds * children.len();
    println!(
        "assessments: {assessments} children ({scored} z-scores) in {:.1} ms: {:.2} µs per child (all 8 indicators and the class)",
        ms(elapsed),
        elapsed.as_secs_f64() * 1e6 / assessments as f64
    );
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn embedded_bytes() -> usize {
    // The sizes of the files `tables.rs` embeds, read from the same sources.
    [
        include_str!("../../../data/growth/who2006_wfa.csv").len(),
        include_str!("../../../data/growth/who2006_lhfa.csv").len(),
        include_str!("../../../data/growth/who2006_bfa.csv").len(),
        include_str!("../../../data/growth/who2006_hcfa.csv").len(),
        include_str!("../../../data/growth/who2006_acfa.csv").len(),
        include_str!("../../../data/growth/who2006_tsfa.csv").len(),
        include_str!("../../../data/growth/who2006_ssfa.csv").len(),
        include_str!("../../../data/growth/who2006_wfl.csv").len(),
        include_str!("../../../data/growth/who2006_wfh.csv").len(),
        include_str!("../../../data/growth/who2007_wfa.csv").len(),
        include_str!("../../../data/growth/who2007_hfa.csv").len(),
        include_str!("../../../data/growth/who2007_bfa.csv").len(),
    ]
    .iter()
    .sum()
}

/// The survey's children as measurements (rows with nothing measured left out).
fn survey_children() -> Vec<(GrowthSex, Option<u32>, Measurements)> {
    let mut lines = SURVEY.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name);
    let (
        Some(sex),
        Some(days),
        Some(weight),
        Some(height),
        Some(measure),
        Some(oedema),
        Some(muac),
    ) = (
        col("GENDER"),
        col("_agedays"),
        col("WEIGHT"),
        col("HEIGHT"),
        col("measure"),
        col("oedema"),
        col("MUAC"),
    )
    else {
        return Vec::new();
    };
    lines
        .filter_map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            let cell = |i: usize| cells.get(i).copied().unwrap_or("").trim();
            let muac_mm = cell(muac)
                .parse::<f64>()
                .map(|cm| (cm * 10.0).to_string())
                .unwrap_or_default();
            let position = match cell(measure) {
                "l" | "L" => "lying",
                "h" | "H" => "standing",
                _ => "",
            };
            let values = Measurements::parse(&MeasurementsInput {
                weight_kg: cell(weight),
                length_cm: cell(height),
                position,
                muac_mm: &muac_mm,
                oedema: cell(oedema).eq_ignore_ascii_case("y"),
                ..MeasurementsInput::default()
            })
            .ok()?;
            Some((
                GrowthSex::parse(cell(sex))?,
                cell(days).parse().ok(),
                values,
            ))
        })
        .collect()
}
