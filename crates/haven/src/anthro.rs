//! `haven anthro`: the growth calculator on the command line (a stable contract, issue 5).
//!
//! It prints one JSON object (the same as `POST /api/v1/growth/calculate`) and needs no
//! database. Bad arguments get a message on stderr and exit 2, like clap's own.

use std::process::ExitCode;

use clap::{ArgGroup, Args};
use haven_domain::growth::anthro::{age_in_days, parse_age_days};
use haven_domain::growth::{GrowthError, GrowthSex, Measurements, MeasurementsInput};
use haven_web::growth_json::CalculatorAnswer;
use time::macros::format_description;
use time::Date;

/// `haven anthro --sex F|M --age-days N --weight-kg X --length-cm Y --measured lying|standing
/// [--head-cm H] [--muac-mm M] [--oedema]`; `--dob YYYY-MM-DD --date YYYY-MM-DD` may
/// replace `--age-days`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("age").required(true).args(["age_days", "dob"])))]
pub struct AnthroArgs {
    /// F or M
    #[arg(long, value_name = "F|M")]
    sex: String,
    /// The age in whole days on the day measured
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    age_days: Option<String>,
    /// The date of birth, instead of --age-days (with --date)
    #[arg(long, value_name = "YYYY-MM-DD", requires = "date")]
    dob: Option<String>,
    /// The date measured (with --dob)
    #[arg(long, value_name = "YYYY-MM-DD", requires = "dob")]
    date: Option<String>,
    /// Weight in kg, such as 10.4
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    weight_kg: String,
    /// Length or height in cm, such as 84.8
    #[arg(long, value_name = "Y", allow_hyphen_values = true)]
    length_cm: String,
    /// How the length or height was taken
    #[arg(long, value_name = "lying|standing")]
    measured: String,
    /// Head circumference in cm
    #[arg(long, value_name = "H", allow_hyphen_values = true)]
    head_cm: Option<String>,
    /// Mid-upper arm circumference in mm
    #[arg(long, value_name = "M", allow_hyphen_values = true)]
    muac_mm: Option<String>,
    /// Bilateral pitting oedema
    #[arg(long)]
    oedema: bool,
}

/// Runs the calculator: JSON on stdout and exit 0, or a message on stderr and exit 2.
pub fn run(args: &AnthroArgs) -> ExitCode {
    match answer(args) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(messages) => {
            for message in messages {
                eprintln!("error: {message}");
            }
            ExitCode::from(2)
        }
    }
}

fn answer(args: &AnthroArgs) -> Result<String, Vec<String>> {
    let mut errors = Vec::new();
    let sex = GrowthSex::parse(&args.sex).filter(|_| !args.sex.trim().is_empty());
    if sex.is_none() {
        errors.push(format!("--sex: {}", GrowthError::SexRequired));
    }
    let age = match (&args.age_days, &args.dob, &args.date) {
        (Some(days), _, _) => parse_age_days(days).map_err(|e| format!("--age-days: {e}")),
        (None, Some(dob), Some(date)) => match (parse_date(dob), parse_date(date)) {
            (Some(dob), Some(date)) => age_in_days(dob, date).map_err(|e| format!("--date: {e}")),
            (None, _) => Err(format!("--dob: {}", GrowthError::DateMalformed)),
            (_, None) => Err(format!("--date: {}", GrowthError::DateMalformed)),
        },
        _ => Err(format!("--age-days: {}", GrowthError::AgeRequired)),
    };
    let age = age.map_err(|e| errors.push(e)).ok();
    let input = MeasurementsInput {
        weight_kg: &args.weight_kg,
        length_cm: &args.length_cm,
        position: &args.measured,
        head_cm: args.head_cm.as_deref().unwrap_or(""),
        muac_mm: args.muac_mm.as_deref().unwrap_or(""),
        oedema: args.oedema,
        ..MeasurementsInput::default()
    };
    let measurements = Measurements::parse(&input)
        .map_err(|field_errors| {
            for (field, error) in field_errors {
                errors.push(format!("--{}: {error}", flag_name(field.name())));
            }
        })
        .ok();
    let (Some(sex), Some(age), Some(measurements), true) =
        (sex, age, measurements, errors.is_empty())
    else {
        return Err(errors);
    };
    let assessment = measurements.assess(sex, Some(age));
    serde_json::to_string(&CalculatorAnswer::from(&assessment))
        .map_err(|e| vec![format!("writing the answer: {e}")])
}

/// The command line's name for a form field (`weight_kg` -> `weight-kg`).
fn flag_name(field: &str) -> String {
    field.replace('_', "-")
}

fn parse_date(raw: &str) -> Option<Date> {
    Date::parse(raw.trim(), format_description!("[year]-[month]-[day]")).ok()
}
