//! The laboratory: the test catalogue embedded from data/lab, the worklist's states,
//! results parsed against their component, and their flags against the reference range
//! for the patient's sex and age.

use std::sync::OnceLock;

use super::vitals::parse_decimal;
use super::ClinicError;
use crate::person::Sex;

macro_rules! lab_file {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/lab/",
            $name
        ))
    };
}

const TESTS: &str = lab_file!("tests.tsv");
const COMPONENTS: &str = lab_file!("components.tsv");
const CHOICES: &str = lab_file!("choices.tsv");
const RANGES: &str = lab_file!("ranges.tsv");

coded_enum! {
    /// Where a lab order is on the worklist.
    LabState {
        Ordered => "ordered",
        SampleTaken => "sample_taken",
        InProgress => "in_progress",
        Resulted => "resulted",
        Verified => "verified",
    }
}

impl LabState {
    /// The state a technician may move an order to next, if any (results are entered
    /// with [`LabState::Resulted`] by their own form).
    pub fn next(self) -> Option<LabState> {
        match self {
            LabState::Ordered => Some(LabState::SampleTaken),
            LabState::SampleTaken => Some(LabState::InProgress),
            LabState::InProgress => Some(LabState::Resulted),
            LabState::Resulted => Some(LabState::Verified),
            LabState::Verified => None,
        }
    }

    /// True while results may be entered.
    pub fn takes_results(self) -> bool {
        matches!(self, LabState::SampleTaken | LabState::InProgress)
    }

    /// True once there are results to show.
    pub fn has_results(self) -> bool {
        matches!(self, LabState::Resulted | LabState::Verified)
    }
}

coded_enum! {
    /// What a result says about the patient. `Low`/`High` are outside the reference
    /// range, `Critical*` beyond the critical limits (tell the clinician now);
    /// `Abnormal`/`Critical` are for coded answers.
    Flag {
        Normal => "normal",
        Low => "low",
        High => "high",
        Abnormal => "abnormal",
        CriticalLow => "critical_low",
        CriticalHigh => "critical_high",
        Critical => "critical",
    }
}

impl Flag {
    /// 0 normal, 1 abnormal, 2 critical: an order shows its worst result's flag.
    pub fn severity(self) -> u8 {
        match self {
            Flag::Normal => 0,
            Flag::Low | Flag::High | Flag::Abnormal => 1,
            Flag::CriticalLow | Flag::CriticalHigh | Flag::Critical => 2,
        }
    }
}

coded_enum! {
    /// What a sample is.
    Specimen {
        Blood => "blood",
        Urine => "urine",
        Sputum => "sputum",
        Stool => "stool",
    }
}

/// A test of the catalogue.
#[derive(Debug)]
pub struct LabTest {
    code: &'static str,
    name_en: &'static str,
    name_km: &'static str,
    specimen: Specimen,
    hiv: bool,
    source: &'static str,
    components: Vec<Component>,
}

/// What a component reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComponentKind {
    Number { decimals: u8 },
    Coded,
}

/// One thing a test reports (a test of one thing has one component of its own code).
#[derive(Debug)]
pub struct Component {
    code: &'static str,
    name_en: &'static str,
    name_km: &'static str,
    kind: ComponentKind,
    unit: &'static str,
    choices: Vec<Choice>,
    ranges: Vec<ReferenceRange>,
}

/// An answer of a coded component.
#[derive(Debug)]
pub struct Choice {
    code: &'static str,
    name_en: &'static str,
    name_km: &'static str,
    flag: Flag,
}

/// A reference range for a sex and an age band (days, from inclusive, to exclusive).
#[derive(Clone, Debug, PartialEq)]
pub struct ReferenceRange {
    sex: Option<Sex>,
    from_days: i64,
    to_days: Option<i64>,
    low: f64,
    high: f64,
    critical_low: Option<f64>,
    critical_high: Option<f64>,
    source: &'static str,
}

/// The whole catalogue.
#[derive(Debug)]
pub struct Catalogue {
    tests: Vec<LabTest>,
}

/// The catalogue, read once from the embedded files. A malformed row is skipped, and
/// the test `the_catalogue_files_are_whole` fails on it, so none reaches a release.
pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| read_catalogue().0)
}

fn rows(source: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    source
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| line.split('\t').collect())
}

/// The catalogue and the rows it could not read.
fn read_catalogue() -> (Catalogue, Vec<String>) {
    let mut problems = Vec::new();
    let mut tests: Vec<LabTest> = Vec::new();
    for row in rows(TESTS) {
        match row.as_slice() {
            [code, name_en, name_km, specimen, sensitive, source] => {
                match Specimen::parse(specimen) {
                    Some(specimen) => tests.push(LabTest {
                        code,
                        name_en,
                        name_km,
                        specimen,
                        hiv: *sensitive == "hiv",
                        source,
                        components: Vec::new(),
                    }),
                    None => problems.push(format!("tests.tsv {code}: specimen {specimen}")),
                }
            }
            other => problems.push(format!("tests.tsv: {other:?}")),
        }
    }
    for row in rows(COMPONENTS) {
        let [test, code, name_en, name_km, kind, unit, decimals] = row.as_slice() else {
            problems.push(format!("components.tsv: {row:?}"));
            continue;
        };
        let kind = match *kind {
            "number" => ComponentKind::Number {
                decimals: decimals.parse().unwrap_or(1),
            },
            "coded" => ComponentKind::Coded,
            other => {
                problems.push(format!("components.tsv {code}: kind {other}"));
                continue;
            }
        };
        match tests.iter_mut().find(|t| t.code == *test) {
            Some(t) => t.components.push(Component {
                code,
                name_en,
                name_km,
                kind,
                unit,
                choices: Vec::new(),
                ranges: Vec::new(),
            }),
            None => problems.push(format!("components.tsv {code}: no test {test}")),
        }
    }
    fn find<'t>(tests: &'t mut [LabTest], code: &str) -> Option<&'t mut Component> {
        tests
            .iter_mut()
            .flat_map(|t| t.components.iter_mut())
            .find(|c| c.code == code)
    }
    for row in rows(CHOICES) {
        let [component, code, name_en, name_km, flag] = row.as_slice() else {
            problems.push(format!("choices.tsv: {row:?}"));
            continue;
        };
        match (find(&mut tests, component), Flag::parse(flag)) {
            (Some(c), Some(flag)) if c.kind == ComponentKind::Coded => c.choices.push(Choice {
                code,
                name_en,
                name_km,
                flag,
            }),
            _ => problems.push(format!("choices.tsv {component} {code}")),
        }
    }
    for row in rows(RANGES) {
        let [components, sex, from, to, low, high, critical_low, critical_high, source] =
            row.as_slice()
        else {
            problems.push(format!("ranges.tsv: {row:?}"));
            continue;
        };
        let number = |raw: &str| parse_decimal(raw).ok().flatten();
        let range = ReferenceRange {
            sex: match *sex {
                "any" => None,
                other => Sex::parse(other),
            },
            from_days: from.parse().unwrap_or(-1),
            to_days: to.parse().ok(),
            low: number(low).unwrap_or(f64::NAN),
            high: number(high).unwrap_or(f64::NAN),
            critical_low: number(critical_low),
            critical_high: number(critical_high),
            source,
        };
        let sane = range.from_days >= 0
            && range.to_days.is_none_or(|to| to > range.from_days)
            && range.low <= range.high
            && (*sex == "any" || range.sex.is_some());
        if !sane {
            problems.push(format!("ranges.tsv {components}: {row:?}"));
            continue;
        }
        for component in components.split(',') {
            match find(&mut tests, component) {
                Some(c) => c.ranges.push(range.clone()),
                None => problems.push(format!("ranges.tsv: no component {component}")),
            }
        }
    }
    for test in &tests {
        if test.components.is_empty() {
            problems.push(format!("test {} has no component", test.code));
        }
        for c in &test.components {
            if c.kind == ComponentKind::Coded && c.choices.is_empty() {
                problems.push(format!("coded component {} has no choices", c.code));
            }
        }
    }
    (Catalogue { tests }, problems)
}

impl Catalogue {
    pub fn tests(&self) -> &[LabTest] {
        &self.tests
    }

    pub fn test(&self, code: &str) -> Option<&LabTest> {
        let code = code.trim();
        self.tests.iter().find(|t| t.code == code)
    }

    /// Codes of the tests of the HIV class: what the store leaves out for readers
    /// without the permission.
    pub fn hiv_tests(&self) -> Vec<&'static str> {
        self.tests
            .iter()
            .filter(|t| t.hiv)
            .map(|t| t.code)
            .collect()
    }
}

impl LabTest {
    pub fn code(&self) -> &'static str {
        self.code
    }
    pub fn name_en(&self) -> &'static str {
        self.name_en
    }
    pub fn name_km(&self) -> &'static str {
        self.name_km
    }
    pub fn specimen(&self) -> Specimen {
        self.specimen
    }
    /// True for HIV tests: a sensitive class of its own.
    pub fn is_hiv(&self) -> bool {
        self.hiv
    }
    pub fn source(&self) -> &'static str {
        self.source
    }
    pub fn components(&self) -> &[Component] {
        &self.components
    }
}

impl Component {
    pub fn code(&self) -> &'static str {
        self.code
    }
    pub fn name_en(&self) -> &'static str {
        self.name_en
    }
    pub fn name_km(&self) -> &'static str {
        self.name_km
    }
    pub fn kind(&self) -> ComponentKind {
        self.kind
    }
    pub fn unit(&self) -> &'static str {
        self.unit
    }
    pub fn choices(&self) -> &[Choice] {
        &self.choices
    }
    pub fn choice(&self, code: &str) -> Option<&Choice> {
        self.choices.iter().find(|c| c.code == code)
    }

    /// The range for a patient of this sex and age in days, if any.
    pub fn range_for(&self, sex: Sex, age_days: i64) -> Option<&ReferenceRange> {
        self.ranges.iter().find(|r| {
            r.sex.is_none_or(|s| s == sex)
                && age_days >= r.from_days
                && r.to_days.is_none_or(|to| age_days < to)
        })
    }

    /// Reads a result as typed for this component.
    pub fn parse_result(&self, raw: &str) -> Result<ResultValue, ClinicError> {
        match self.kind {
            ComponentKind::Coded => self
                .choices
                .iter()
                .find(|c| c.code == raw.trim())
                .map(|c| ResultValue::Coded(c.code))
                .ok_or(ClinicError::ChooseOption),
            ComponentKind::Number { .. } => match parse_decimal(raw)? {
                None => Err(ClinicError::Required),
                // No analyte of the catalogue is negative; ten million bounds a
                // parasite count, the largest number it reports.
                Some(v) if !(0.0..=10_000_000.0).contains(&v) => Err(ClinicError::ResultOutOfRange),
                Some(v) => Ok(ResultValue::Number(v)),
            },
        }
    }

    /// The flag of a value for a patient of this sex and age in days.
    pub fn flag(&self, value: &ResultValue, sex: Sex, age_days: i64) -> Flag {
        match value {
            ResultValue::Coded(code) => self.choice(code).map_or(Flag::Normal, |c| c.flag),
            ResultValue::Number(v) => match self.range_for(sex, age_days) {
                None => Flag::Normal,
                Some(r) => {
                    if r.critical_low.is_some_and(|c| *v < c) {
                        Flag::CriticalLow
                    } else if r.critical_high.is_some_and(|c| *v > c) {
                        Flag::CriticalHigh
                    } else if *v < r.low {
                        Flag::Low
                    } else if *v > r.high {
                        Flag::High
                    } else {
                        Flag::Normal
                    }
                }
            },
        }
    }

    /// A number as this component shows it (its decimals).
    pub fn format_number(&self, value: f64) -> String {
        match self.kind {
            ComponentKind::Number { decimals } => format!("{value:.*}", decimals as usize),
            ComponentKind::Coded => value.to_string(),
        }
    }
}

impl Choice {
    pub fn code(&self) -> &'static str {
        self.code
    }
    pub fn name_en(&self) -> &'static str {
        self.name_en
    }
    pub fn name_km(&self) -> &'static str {
        self.name_km
    }
    pub fn flag(&self) -> Flag {
        self.flag
    }
}

impl ReferenceRange {
    pub fn low(&self) -> f64 {
        self.low
    }
    pub fn high(&self) -> f64 {
        self.high
    }
    pub fn critical_low(&self) -> Option<f64> {
        self.critical_low
    }
    pub fn critical_high(&self) -> Option<f64> {
        self.critical_high
    }
    pub fn source(&self) -> &'static str {
        self.source
    }
}

/// A result as entered: a number, or the code of an answer.
#[derive(Clone, Debug, PartialEq)]
pub enum ResultValue {
    Number(f64),
    Coded(&'static str),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_files_are_whole() {
        let (catalogue, problems) = read_catalogue();
        assert_eq!(problems, Vec::<String>::new());
        for code in [
            "malaria_rdt",
            "malaria_smear",
            "hb",
            "glucose",
            "fbc",
            "hiv_rapid",
            "syphilis_rdt",
            "hbsag",
            "urine_dipstick",
            "pregnancy",
            "tb_sputum",
            "stool",
        ] {
            assert!(catalogue.test(code).is_some(), "{code}");
        }
        assert_eq!(catalogue.hiv_tests(), vec!["hiv_rapid"]);
        let species = catalogue.test("malaria_smear").expect("smear").components();
        assert!(species[0].choice("p_falciparum").is_some());
    }

    #[test]
    fn numbers_are_flagged_against_the_range_for_sex_and_age() {
        let hb = &catalogue().test("hb").expect("hb").components()[0];
        let adult = 30 * 365;
        let child = 3 * 365;
        let check = |value: f64, sex: Sex, age: i64, expected: Flag| {
            assert_eq!(
                hb.flag(&ResultValue::Number(value), sex, age),
                expected,
                "{value} {sex:?} {age}"
            );
        };
        check(12.5, Sex::Female, adult, Flag::Normal);
        check(12.5, Sex::Male, adult, Flag::Low);
        check(10.5, Sex::Male, child, Flag::Low);
        check(11.5, Sex::Male, child, Flag::Normal);
        check(6.2, Sex::Female, adult, Flag::CriticalLow);
        check(18.0, Sex::Female, adult, Flag::High);
        check(21.0, Sex::Male, adult, Flag::CriticalHigh);
        // A patient of unknown sex gets the row for any sex.
        check(12.5, Sex::Unknown, adult, Flag::Normal);
        assert_eq!(Flag::CriticalLow.severity(), 2);
    }

    #[test]
    fn results_parse_against_their_component() {
        let rdt = &catalogue().test("malaria_rdt").expect("rdt").components()[0];
        assert_eq!(
            rdt.parse_result("p_falciparum"),
            Ok(ResultValue::Coded("p_falciparum"))
        );
        assert_eq!(rdt.parse_result("maybe"), Err(ClinicError::ChooseOption));
        assert_eq!(
            rdt.flag(&ResultValue::Coded("p_falciparum"), Sex::Male, 9000),
            Flag::Abnormal
        );
        let glucose = &catalogue().test("glucose").expect("glucose").components()[0];
        assert_eq!(glucose.parse_result("5,4"), Ok(ResultValue::Number(5.4)));
        assert_eq!(glucose.parse_result(""), Err(ClinicError::Required));
        assert_eq!(
            glucose.parse_result("-1"),
            Err(ClinicError::ResultOutOfRange)
        );
        assert_eq!(glucose.parse_result("abc"), Err(ClinicError::NotANumber));
        assert_eq!(glucose.format_number(5.0), "5.0");
    }

    #[test]
    fn the_worklist_moves_one_way() {
        let mut state = LabState::Ordered;
        let mut seen = vec![state];
        while let Some(next) = state.next() {
            state = next;
            seen.push(state);
        }
        assert_eq!(seen, LabState::ALL.to_vec());
        assert!(LabState::SampleTaken.takes_results());
        assert!(!LabState::Verified.takes_results());
    }
}
