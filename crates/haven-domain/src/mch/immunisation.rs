//! The immunisation engine: a schedule read from a country's data file, which doses
//! given are valid, what is due, overdue or complete, and a catch-up plan.
//!
//! A dose is valid only if it was given at or after the minimum age of its dose
//! number and at least the minimum interval after the previous VALID dose of the
//! same antigen. An invalid dose stays in the record (it is shown) but does not
//! count: the next valid dose still carries the same number. Dates come in as
//! arguments; nothing here reads a clock.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use time::{Date, Duration, Month};

use crate::person::Sex;

/// Days after a dose's due date before it counts as overdue (a "defaulter" in EPI
/// terms: a child who missed the dose by more than four weeks).
pub const OVERDUE_AFTER_DAYS: i64 = 28;

/// The schedules shipped in the binary: the setting `immunisation_schedule` names one.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "default",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/immunisation/default.csv"
        )),
    ),
    (
        "kh",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/immunisation/kh.csv"
        )),
    ),
];

/// A length of time as a schedule writes it: `6w`, `9m`, `9y`, `0d`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Span {
    Days(u32),
    Weeks(u32),
    /// Calendar months: 9 months after 31 May is 28 (or 29) February.
    Months(u32),
    Years(u32),
}

impl Span {
    pub fn parse(raw: &str) -> Option<Span> {
        let raw = raw.trim();
        let unit = raw.chars().last()?;
        let amount: u32 = raw[..raw.len() - unit.len_utf8()].parse().ok()?;
        if amount > 1200 {
            return None;
        }
        match unit {
            'd' => Some(Span::Days(amount)),
            'w' => Some(Span::Weeks(amount)),
            'm' => Some(Span::Months(amount)),
            'y' => Some(Span::Years(amount)),
            _ => None,
        }
    }

    /// The day this span after `from`; `None` past the calendar's end.
    pub fn after(self, from: Date) -> Option<Date> {
        match self {
            Span::Days(n) => from.checked_add(Duration::days(i64::from(n))),
            Span::Weeks(n) => from.checked_add(Duration::weeks(i64::from(n))),
            Span::Months(n) => add_months(from, n),
            Span::Years(n) => add_months(from, n.checked_mul(12)?),
        }
    }

    /// As written in a schedule file.
    pub fn text(self) -> String {
        match self {
            Span::Days(n) => format!("{n}d"),
            Span::Weeks(n) => format!("{n}w"),
            Span::Months(n) => format!("{n}m"),
            Span::Years(n) => format!("{n}y"),
        }
    }
}

/// The same day of the month `months` later, or the month's last day when it is
/// shorter (31 January + 1 month = 28 or 29 February).
pub fn add_months(from: Date, months: u32) -> Option<Date> {
    let index = i64::from(from.year()) * 12 + i64::from(u8::from(from.month())) - 1;
    let target = index + i64::from(months);
    let year = i32::try_from(target.div_euclid(12)).ok()?;
    let month = Month::try_from(u8::try_from(target.rem_euclid(12) + 1).ok()?).ok()?;
    let last = month.length(year);
    Date::from_calendar_date(year, month, from.day().min(last)).ok()
}

/// Whom a schedule row is for: children by age, or a pregnant woman's Td doses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    Child,
    Pregnancy,
}

/// One dose of a schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduledDose {
    antigen: String,
    dose: u8,
    cvx: String,
    target_age: Option<Span>,
    minimum_age: Option<Span>,
    minimum_interval: Option<Span>,
    maximum_age: Option<Span>,
    sex: Option<Sex>,
    group: Group,
}

impl ScheduledDose {
    pub fn antigen(&self) -> &str {
        &self.antigen
    }
    pub fn dose(&self) -> u8 {
        self.dose
    }
    pub fn cvx(&self) -> &str {
        &self.cvx
    }
    pub fn target_age(&self) -> Option<Span> {
        self.target_age
    }
    pub fn minimum_age(&self) -> Option<Span> {
        self.minimum_age
    }
    pub fn minimum_interval(&self) -> Option<Span> {
        self.minimum_interval
    }
    pub fn maximum_age(&self) -> Option<Span> {
        self.maximum_age
    }
    pub fn sex(&self) -> Option<Sex> {
        self.sex
    }
    pub fn group(&self) -> Group {
        self.group
    }

    /// True when the dose is for someone of this sex: a dose for girls is offered
    /// to every child whose sex is not known to be male.
    pub fn applies_to(&self, sex: Sex) -> bool {
        match (self.sex, sex) {
            (None, _) => true,
            (Some(wanted), Sex::Female | Sex::Male) => wanted == sex,
            (Some(_), _) => true,
        }
    }
}

/// What is wrong with a schedule file, with its line number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("line {0}: expected 9 columns")]
    Columns(usize),
    #[error("line {0}: the dose number is not 1, 2, ...")]
    Dose(usize),
    #[error("line {0}: the doses of an antigen are not numbered 1, 2, ... in order")]
    Order(usize),
    #[error("line {0}: an age or interval is not written like 6w, 9m or 9y")]
    Span(usize),
    #[error("line {0}: the CVX code is not a number")]
    Cvx(usize),
    #[error("line {0}: sex is empty, female or male")]
    Sex(usize),
    #[error("line {0}: group is child or pregnancy")]
    Group(usize),
    #[error("line {0}: an antigen code is lower-case letters, digits and _")]
    Antigen(usize),
    #[error("line {0}: a child's dose needs its target and minimum ages")]
    Ages(usize),
    #[error("the schedule has no doses")]
    Empty,
    #[error("no built-in schedule is called {0}")]
    Unknown(String),
}

/// A country's schedule: doses in the order of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    doses: Vec<ScheduledDose>,
}

impl Schedule {
    /// Parses a schedule file (see data/immunisation/README.md): a header line,
    /// then one dose a line; `#` starts a comment line.
    pub fn parse(text: &str) -> Result<Schedule, ScheduleError> {
        let mut doses: Vec<ScheduledDose> = Vec::new();
        let mut header_seen = false;
        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if !header_seen {
                header_seen = true;
                continue;
            }
            let cells: Vec<&str> = line.split(',').map(str::trim).collect();
            let [antigen, dose, cvx, target, minimum, interval, maximum, sex, group] = cells[..]
            else {
                return Err(ScheduleError::Columns(number));
            };
            if antigen.is_empty()
                || !antigen
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                return Err(ScheduleError::Antigen(number));
            }
            let dose: u8 = dose
                .parse()
                .ok()
                .filter(|d| *d >= 1)
                .ok_or(ScheduleError::Dose(number))?;
            let previous = doses.iter().filter(|d| d.antigen == antigen).count();
            if usize::from(dose) != previous + 1 {
                return Err(ScheduleError::Order(number));
            }
            if cvx.is_empty() || !cvx.chars().all(|c| c.is_ascii_digit()) {
                return Err(ScheduleError::Cvx(number));
            }
            let span = |raw: &str| -> Result<Option<Span>, ScheduleError> {
                if raw.is_empty() {
                    Ok(None)
                } else {
                    Span::parse(raw)
                        .map(Some)
                        .ok_or(ScheduleError::Span(number))
                }
            };
            let sex = match sex {
                "" => None,
                "female" => Some(Sex::Female),
                "male" => Some(Sex::Male),
                _ => return Err(ScheduleError::Sex(number)),
            };
            let group = match group {
                "child" => Group::Child,
                "pregnancy" => Group::Pregnancy,
                _ => return Err(ScheduleError::Group(number)),
            };
            let row = ScheduledDose {
                antigen: antigen.to_owned(),
                dose,
                cvx: cvx.to_owned(),
                target_age: span(target)?,
                minimum_age: span(minimum)?,
                minimum_interval: span(interval)?,
                maximum_age: span(maximum)?,
                sex,
                group,
            };
            if group == Group::Child && (row.target_age.is_none() || row.minimum_age.is_none()) {
                return Err(ScheduleError::Ages(number));
            }
            doses.push(row);
        }
        if doses.is_empty() {
            return Err(ScheduleError::Empty);
        }
        Ok(Schedule { doses })
    }

    /// A schedule shipped in the binary, parsed once.
    /// A short fingerprint of the schedule's rules (FNV-1a over every dose), stored
    /// with derived due dates so that a changed schedule setting never trusts dates
    /// worked out under another schedule.
    pub fn fingerprint(&self) -> String {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in format!("{:?}", self.doses).bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{hash:016x}")
    }

    pub fn builtin(code: &str) -> Result<&'static Schedule, ScheduleError> {
        static PARSED: OnceLock<Vec<(&'static str, Result<Schedule, ScheduleError>)>> =
            OnceLock::new();
        let parsed = PARSED.get_or_init(|| {
            BUILTIN
                .iter()
                .map(|(code, text)| (*code, Schedule::parse(text)))
                .collect()
        });
        match parsed.iter().find(|(c, _)| *c == code) {
            Some((_, Ok(schedule))) => Ok(schedule),
            Some((_, Err(error))) => Err(error.clone()),
            None => Err(ScheduleError::Unknown(code.to_owned())),
        }
    }

    pub fn doses(&self) -> &[ScheduledDose] {
        &self.doses
    }

    /// The antigens of a group, in the order of the file.
    pub fn antigens(&self, group: Group) -> Vec<&str> {
        let mut antigens: Vec<&str> = Vec::new();
        for dose in self.doses.iter().filter(|d| d.group == group) {
            if !antigens.contains(&dose.antigen.as_str()) {
                antigens.push(&dose.antigen);
            }
        }
        antigens
    }

    /// The doses of one antigen, in order.
    pub fn series(&self, antigen: &str) -> Vec<&ScheduledDose> {
        self.doses.iter().filter(|d| d.antigen == antigen).collect()
    }

    /// The CVX code of an antigen's doses (the first dose's).
    pub fn cvx_of(&self, antigen: &str) -> Option<&str> {
        self.doses
            .iter()
            .find(|d| d.antigen == antigen)
            .map(|d| d.cvx.as_str())
    }

    pub fn group_of(&self, antigen: &str) -> Option<Group> {
        self.doses
            .iter()
            .find(|d| d.antigen == antigen)
            .map(|d| d.group)
    }
}

/// Who is vaccinated: a child's birth date and sex (a woman's, for Td).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subject {
    pub born: Date,
    pub sex: Sex,
}

/// A dose as recorded: which antigen and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GivenDose {
    pub antigen: String,
    pub given_on: Date,
}

/// Whether a recorded dose counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Validity {
    /// It counts as this dose of its antigen.
    Valid { dose: u8 },
    /// Given before the minimum age of the dose it would have been.
    TooYoung { dose: u8, earliest: Date },
    /// Given sooner than the minimum interval after the previous valid dose.
    TooSoon { dose: u8, earliest: Date },
    /// The series was already complete.
    Extra,
    /// The antigen is not in this schedule, or not for this person's sex.
    NotInSchedule,
}

impl Validity {
    pub fn is_valid(self) -> bool {
        matches!(self, Validity::Valid { .. })
    }

    /// The translation key of the verdict.
    pub fn code(self) -> &'static str {
        match self {
            Validity::Valid { .. } => "mch-dose-valid",
            Validity::TooYoung { .. } => "mch-dose-too-young",
            Validity::TooSoon { .. } => "mch-dose-too-soon",
            Validity::Extra => "mch-dose-extra",
            Validity::NotInSchedule => "mch-dose-not-in-schedule",
        }
    }

    /// The stable code sent in the API and stored.
    pub fn api_code(self) -> &'static str {
        match self {
            Validity::Valid { .. } => "valid",
            Validity::TooYoung { .. } => "too_young",
            Validity::TooSoon { .. } => "too_soon",
            Validity::Extra => "extra",
            Validity::NotInSchedule => "not_in_schedule",
        }
    }
}

coded_enum! {
    /// Where an antigen's series stands on a day.
    DoseState {
        Complete => "complete",
        /// The next dose's date has not come.
        Upcoming => "upcoming",
        Due => "due",
        /// More than [`OVERDUE_AFTER_DAYS`] past its due date.
        Overdue => "overdue",
        /// The next dose can no longer be given: past its maximum age.
        TooLate => "too_late",
        /// Not for this person (a dose for girls, a boy).
        NotApplicable => "not_applicable",
    }
}

/// The next dose of a series.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextDose {
    pub dose: u8,
    pub cvx: String,
    /// The earliest day it would be valid.
    pub earliest: Date,
    /// When it should be given: the later of the target age and `earliest`.
    pub due: Date,
    /// The last day it may be given (the maximum age), if any.
    pub latest: Option<Date>,
}

/// An antigen's series on a day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AntigenStatus {
    pub antigen: String,
    pub doses_in_series: u8,
    pub valid_doses: u8,
    pub last_valid_on: Option<Date>,
    pub next: Option<NextDose>,
    pub state: DoseState,
}

/// A person's record evaluated against a schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation {
    /// The verdict on each given dose, in the order they were given to `evaluate`.
    pub validity: Vec<Validity>,
    pub antigens: Vec<AntigenStatus>,
}

coded_enum! {
    /// A child at a glance.
    ChildState {
        /// Every dose of the schedule valid.
        Complete => "complete",
        /// Nothing due yet.
        UpToDate => "up_to_date",
        Due => "due",
        Overdue => "overdue",
    }
}

impl Evaluation {
    /// The worst state of any series: overdue before due before up to date.
    pub fn child_state(&self) -> ChildState {
        let states: Vec<DoseState> = self.antigens.iter().map(|a| a.state).collect();
        if states.contains(&DoseState::Overdue) {
            ChildState::Overdue
        } else if states.contains(&DoseState::Due) {
            ChildState::Due
        } else if states.contains(&DoseState::Upcoming) || states.contains(&DoseState::TooLate) {
            ChildState::UpToDate
        } else {
            ChildState::Complete
        }
    }

    /// The series with a dose due or overdue on the day evaluated.
    pub fn due(&self) -> impl Iterator<Item = &AntigenStatus> {
        self.antigens
            .iter()
            .filter(|a| matches!(a.state, DoseState::Due | DoseState::Overdue))
    }

    pub fn antigen(&self, antigen: &str) -> Option<&AntigenStatus> {
        self.antigens.iter().find(|a| a.antigen == antigen)
    }
}

/// Evaluates the doses given to a person against the doses of `group` in a schedule,
/// on the day `on`. The verdicts do not depend on the order of `given`.
pub fn evaluate(
    schedule: &Schedule,
    group: Group,
    subject: Subject,
    given: &[GivenDose],
    on: Date,
) -> Evaluation {
    let mut validity = vec![Validity::NotInSchedule; given.len()];
    let mut antigens = Vec::new();
    for antigen in schedule.antigens(group) {
        let series = schedule.series(antigen);
        let applicable = series.iter().all(|d| d.applies_to(subject.sex));
        // Given doses of this antigen by date; ties keep their input order so the
        // verdicts are stable.
        let mut order: Vec<usize> = (0..given.len())
            .filter(|i| given[*i].antigen == antigen)
            .collect();
        order.sort_by_key(|i| (given[*i].given_on, *i));
        let mut valid: u8 = 0;
        let mut last_valid: Option<Date> = None;
        for index in order {
            if !applicable {
                continue;
            }
            let Some(rule) = series.get(usize::from(valid)) else {
                validity[index] = Validity::Extra;
                continue;
            };
            let date = given[index].given_on;
            let (by_age, by_interval) = earliest_parts(rule, subject.born, last_valid);
            validity[index] = if by_age.is_some_and(|e| date < e) {
                Validity::TooYoung {
                    dose: rule.dose,
                    earliest: earliest_of(by_age, by_interval).unwrap_or(date),
                }
            } else if by_interval.is_some_and(|e| date < e) {
                Validity::TooSoon {
                    dose: rule.dose,
                    earliest: earliest_of(by_age, by_interval).unwrap_or(date),
                }
            } else {
                valid += 1;
                last_valid = Some(date);
                Validity::Valid { dose: rule.dose }
            };
        }
        let doses_in_series = u8::try_from(series.len()).unwrap_or(u8::MAX);
        let (next, state) = if !applicable {
            (None, DoseState::NotApplicable)
        } else {
            match series.get(usize::from(valid)) {
                None => (None, DoseState::Complete),
                Some(rule) => next_dose(rule, subject.born, last_valid, on),
            }
        };
        antigens.push(AntigenStatus {
            antigen: antigen.to_owned(),
            doses_in_series,
            valid_doses: valid,
            last_valid_on: last_valid,
            next,
            state,
        });
    }
    Evaluation { validity, antigens }
}

/// One dose of a catch-up plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedDose {
    pub antigen: String,
    pub dose: u8,
    pub cvx: String,
    pub on: Date,
}

/// The plan for every dose still to give, from `on`: each dose on the later of
/// `on`, its target age, its minimum age and the minimum interval after the previous
/// dose (valid or planned), and never past its maximum age: a dose that cannot be
/// given in time is left out, with the rest of its series.
pub fn catch_up_plan(
    schedule: &Schedule,
    group: Group,
    subject: Subject,
    given: &[GivenDose],
    on: Date,
) -> Vec<PlannedDose> {
    let evaluation = evaluate(schedule, group, subject, given, on);
    let mut plan = Vec::new();
    for status in &evaluation.antigens {
        if matches!(
            status.state,
            DoseState::Complete | DoseState::NotApplicable | DoseState::TooLate
        ) {
            continue;
        }
        let series = schedule.series(&status.antigen);
        let mut previous = status.last_valid_on;
        for rule in series.iter().skip(usize::from(status.valid_doses)) {
            let (by_age, by_interval) = earliest_parts(rule, subject.born, previous);
            let target = rule.target_age.and_then(|t| t.after(subject.born));
            let Some(date) = [Some(on), by_age, by_interval, target]
                .into_iter()
                .flatten()
                .max()
            else {
                break;
            };
            let latest = rule.maximum_age.and_then(|m| m.after(subject.born));
            if latest.is_some_and(|latest| date > latest) {
                break;
            }
            plan.push(PlannedDose {
                antigen: status.antigen.clone(),
                dose: rule.dose,
                cvx: rule.cvx.clone(),
                on: date,
            });
            previous = Some(date);
        }
    }
    plan.sort_by_key(|p| p.on);
    plan
}

/// The earliest valid day of a dose by its minimum age, and by the interval after the
/// previous valid dose.
fn earliest_parts(
    rule: &ScheduledDose,
    born: Date,
    last_valid: Option<Date>,
) -> (Option<Date>, Option<Date>) {
    let by_age = rule.minimum_age.and_then(|m| m.after(born));
    let by_interval = match (rule.minimum_interval, last_valid) {
        (Some(interval), Some(last)) => interval.after(last),
        _ => None,
    };
    (by_age, by_interval)
}

fn earliest_of(a: Option<Date>, b: Option<Date>) -> Option<Date> {
    a.into_iter().chain(b).max()
}

fn next_dose(
    rule: &ScheduledDose,
    born: Date,
    last_valid: Option<Date>,
    on: Date,
) -> (Option<NextDose>, DoseState) {
    let (by_age, by_interval) = earliest_parts(rule, born, last_valid);
    // A dose with neither a minimum age nor an interval (Td 1) may be given at once.
    let earliest = earliest_of(by_age, by_interval).unwrap_or(on);
    let target = rule.target_age.and_then(|t| t.after(born));
    let due = target.map_or(earliest, |t| t.max(earliest));
    let latest = rule.maximum_age.and_then(|m| m.after(born));
    let next = NextDose {
        dose: rule.dose,
        cvx: rule.cvx.clone(),
        earliest,
        due,
        latest,
    };
    let state = if latest.is_some_and(|latest| earliest > latest || on > latest) {
        DoseState::TooLate
    } else if due > on {
        DoseState::Upcoming
    } else if (on - due).whole_days() > OVERDUE_AFTER_DAYS {
        DoseState::Overdue
    } else {
        DoseState::Due
    };
    (Some(next), state)
}

/// The days on which a child may be on a session's due list, from an evaluation made
/// on the day of birth (as the store does when a dose is written): from the earliest
/// due date of any dose still to give, to the latest maximum age among them (`None`:
/// no end). `None` when nothing is left to give. It is a superset: on a day inside
/// the window the child may still have nothing due (the full evaluation decides),
/// but on a day outside it nothing is ever due — the due list reads only the
/// children whose window holds the session's day.
pub fn due_window(evaluation: &Evaluation) -> Option<(Date, Option<Date>)> {
    let mut window: Option<(Date, Option<Date>)> = None;
    for status in &evaluation.antigens {
        let Some(next) = &status.next else { continue };
        // Too late on the day of birth means the earliest valid day is past the
        // maximum age: never due again.
        if matches!(
            status.state,
            DoseState::Complete | DoseState::NotApplicable | DoseState::TooLate
        ) {
            continue;
        }
        window = Some(match window {
            None => (next.due, next.latest),
            Some((from, until)) => (
                from.min(next.due),
                match (until, next.latest) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                },
            ),
        });
    }
    window
}

/// The valid doses per antigen of an evaluation, for the compact coverage table.
pub fn valid_counts(evaluation: &Evaluation) -> BTreeMap<String, (u8, Option<Date>)> {
    evaluation
        .antigens
        .iter()
        .map(|a| (a.antigen.clone(), (a.valid_doses, a.last_valid_on)))
        .collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::date;

    use super::*;

    fn who() -> &'static Schedule {
        Schedule::builtin("default").expect("the default schedule parses")
    }

    fn girl(born: Date) -> Subject {
        Subject {
            born,
            sex: Sex::Female,
        }
    }

    fn dose(antigen: &str, given_on: Date) -> GivenDose {
        GivenDose {
            antigen: antigen.to_owned(),
            given_on,
        }
    }

    #[test]
    fn every_builtin_schedule_parses_and_holds_the_spec_numbers() {
        for (code, _) in BUILTIN {
            let schedule = Schedule::builtin(code).expect(code);
            // antigen, dose, CVX, target, minimum age, interval, sex.
            let check = |antigen: &str,
                         dose: u8,
                         cvx: &str,
                         target: Option<&str>,
                         interval: Option<&str>| {
                let row = schedule
                    .series(antigen)
                    .into_iter()
                    .find(|d| d.dose == dose)
                    .unwrap_or_else(|| panic!("{code}: {antigen} {dose}"));
                assert_eq!(row.cvx, cvx, "{code}: {antigen} {dose}");
                assert_eq!(
                    row.target_age.map(Span::text).as_deref(),
                    target,
                    "{code}: {antigen} {dose}"
                );
                assert_eq!(
                    row.minimum_interval.map(Span::text).as_deref(),
                    interval,
                    "{code}: {antigen} {dose}"
                );
            };
            check("bcg", 1, "19", Some("0d"), None);
            check("hepb_birth", 1, "08", Some("0d"), None);
            for antigen_cvx in [("penta", "102"), ("bopv", "178"), ("pcv", "133")] {
                check(antigen_cvx.0, 1, antigen_cvx.1, Some("6w"), None);
                check(antigen_cvx.0, 2, antigen_cvx.1, Some("10w"), Some("4w"));
                check(antigen_cvx.0, 3, antigen_cvx.1, Some("14w"), Some("4w"));
            }
            check("ipv", 1, "10", Some("14w"), None);
            check("mr", 1, "04", Some("9m"), None);
            check("mr", 2, "04", Some("18m"), Some("4w"));
            check("je", 1, "129", Some("9m"), None);
            check("hpv", 1, "137", Some("9y"), None);
            assert_eq!(schedule.series("hpv")[0].sex, Some(Sex::Female));
            check("td", 1, "139", None, None);
            check("td", 2, "139", None, Some("4w"));
            check("td", 3, "139", None, Some("6m"));
            assert_eq!(schedule.group_of("td"), Some(Group::Pregnancy));
            assert_eq!(schedule.series("hpv").len(), 1, "HPV is one dose");
        }
        assert_eq!(
            Schedule::builtin("xx"),
            Err(ScheduleError::Unknown("xx".to_owned()))
        );
    }

    #[test]
    fn bad_schedule_files_are_refused_with_their_line() {
        let header =
            "antigen,dose,cvx,target_age,minimum_age,minimum_interval,maximum_age,sex,group\n";
        let check = |body: &str, expected: ScheduleError| {
            assert_eq!(
                Schedule::parse(&format!("{header}{body}")),
                Err(expected),
                "{body}"
            );
        };
        check(
            "bcg,1,19,0d,0d,,12m,,child,extra",
            ScheduleError::Columns(2),
        );
        check("bcg,0,19,0d,0d,,12m,,child", ScheduleError::Dose(2));
        check("bcg,2,19,0d,0d,,12m,,child", ScheduleError::Order(2));
        check("bcg,1,19,6 weeks,0d,,12m,,child", ScheduleError::Span(2));
        check("bcg,1,BCG,0d,0d,,12m,,child", ScheduleError::Cvx(2));
        check("bcg,1,19,0d,0d,,12m,girls,child", ScheduleError::Sex(2));
        check("bcg,1,19,0d,0d,,12m,,adult", ScheduleError::Group(2));
        check("BCG,1,19,0d,0d,,12m,,child", ScheduleError::Antigen(2));
        check("bcg,1,19,,0d,,12m,,child", ScheduleError::Ages(2));
        check("", ScheduleError::Empty);
    }

    #[test]
    fn spans_parse_and_add_calendar_months() {
        let check = |raw: &str, from: Date, expected: Option<Date>| {
            assert_eq!(
                Span::parse(raw).and_then(|s| s.after(from)),
                expected,
                "{raw}"
            );
        };
        check("0d", date!(2025 - 01 - 31), Some(date!(2025 - 01 - 31)));
        check("6w", date!(2025 - 01 - 01), Some(date!(2025 - 02 - 12)));
        check("1m", date!(2025 - 01 - 31), Some(date!(2025 - 02 - 28)));
        check("1m", date!(2024 - 01 - 31), Some(date!(2024 - 02 - 29)));
        check("9m", date!(2025 - 05 - 31), Some(date!(2026 - 02 - 28)));
        check("18m", date!(2025 - 08 - 15), Some(date!(2027 - 02 - 15)));
        check("9y", date!(2016 - 02 - 29), Some(date!(2025 - 02 - 28)));
        check("6", date!(2025 - 01 - 01), None);
        check("w", date!(2025 - 01 - 01), None);
        check("-1d", date!(2025 - 01 - 01), None);
        check("6x", date!(2025 - 01 - 01), None);
    }

    #[test]
    fn a_dose_before_its_minimum_age_or_interval_does_not_count() {
        let born = date!(2025 - 01 - 01);
        // Penta at 5 weeks (too young), 8 weeks (valid 1), 11 weeks (old enough for
        // dose 2 but 3 weeks after dose 1: too soon), 12 weeks (valid 2): the invalid
        // doses stay in the answer.
        let given = [
            dose("penta", date!(2025 - 02 - 05)),
            dose("penta", date!(2025 - 02 - 26)),
            dose("penta", date!(2025 - 03 - 19)),
            dose("penta", date!(2025 - 03 - 26)),
        ];
        let result = evaluate(
            who(),
            Group::Child,
            girl(born),
            &given,
            date!(2025 - 03 - 26),
        );
        assert_eq!(
            result.validity,
            vec![
                Validity::TooYoung {
                    dose: 1,
                    earliest: date!(2025 - 02 - 12)
                },
                Validity::Valid { dose: 1 },
                Validity::TooSoon {
                    dose: 2,
                    earliest: date!(2025 - 03 - 26)
                },
                Validity::Valid { dose: 2 },
            ]
        );
        let penta = result.antigen("penta").expect("penta");
        assert_eq!(penta.valid_doses, 2);
        let next = penta.next.clone().expect("penta 3");
        assert_eq!(next.dose, 3);
        // 14 weeks of age is 9 April, but 4 weeks after dose 2 is 23 April.
        assert_eq!(next.earliest, date!(2025 - 04 - 23));
        assert_eq!(next.due, date!(2025 - 04 - 23));
        // Given at 8 weeks, dose 2 is too young (its minimum age is 10 weeks) as
        // well as too soon: the age is named first.
        let early = [
            dose("penta", date!(2025 - 02 - 12)),
            dose("penta", date!(2025 - 02 - 26)),
        ];
        let result = evaluate(
            who(),
            Group::Child,
            girl(born),
            &early,
            date!(2025 - 03 - 26),
        );
        assert_eq!(
            result.validity[1],
            Validity::TooYoung {
                dose: 2,
                earliest: date!(2025 - 03 - 12)
            }
        );
    }

    #[test]
    fn states_on_a_day_follow_the_due_date() {
        let born = date!(2025 - 01 - 01);
        let check = |on: Date, antigen: &str, expected: DoseState| {
            let result = evaluate(who(), Group::Child, girl(born), &[], on);
            assert_eq!(
                result.antigen(antigen).expect(antigen).state,
                expected,
                "{on} {antigen}"
            );
        };
        check(date!(2025 - 01 - 01), "bcg", DoseState::Due);
        check(date!(2025 - 01 - 29), "bcg", DoseState::Due);
        check(date!(2025 - 01 - 30), "bcg", DoseState::Overdue);
        check(date!(2026 - 01 - 02), "bcg", DoseState::TooLate);
        check(date!(2025 - 01 - 09), "hepb_birth", DoseState::TooLate);
        check(date!(2025 - 02 - 11), "penta", DoseState::Upcoming);
        check(date!(2025 - 02 - 12), "penta", DoseState::Due);
        check(date!(2025 - 03 - 13), "penta", DoseState::Overdue);
        check(date!(2025 - 09 - 30), "mr", DoseState::Upcoming);
        check(date!(2025 - 10 - 01), "mr", DoseState::Due);
        check(date!(2034 - 01 - 01), "hpv", DoseState::Due);
        let boy = Subject {
            born,
            sex: Sex::Male,
        };
        let result = evaluate(who(), Group::Child, boy, &[], date!(2034 - 01 - 01));
        assert_eq!(
            result.antigen("hpv").expect("hpv").state,
            DoseState::NotApplicable
        );
        // Td is for pregnancy, not a child's schedule.
        assert!(result.antigen("td").is_none());
    }

    #[test]
    fn a_child_is_complete_only_with_every_dose_valid() {
        let born = date!(2015 - 01 - 01);
        let mut given = vec![dose("bcg", born), dose("hepb_birth", born)];
        for (antigen, doses) in [
            ("penta", 3),
            ("bopv", 3),
            ("pcv", 3),
            ("ipv", 1),
            ("mr", 2),
            ("je", 1),
            ("hpv", 1),
        ] {
            for rule in who().series(antigen).into_iter().take(doses) {
                let on = rule
                    .target_age
                    .and_then(|t| t.after(born))
                    .expect("a target");
                given.push(dose(antigen, on));
            }
        }
        let result = evaluate(
            who(),
            Group::Child,
            girl(born),
            &given,
            date!(2025 - 01 - 01),
        );
        assert!(
            result.validity.iter().all(|v| v.is_valid()),
            "{:?}",
            result.validity
        );
        assert_eq!(result.child_state(), ChildState::Complete);
        given.push(dose("bcg", date!(2016 - 01 - 01)));
        given.push(dose("flu", date!(2016 - 01 - 01)));
        let result = evaluate(
            who(),
            Group::Child,
            girl(born),
            &given,
            date!(2025 - 01 - 01),
        );
        assert_eq!(result.validity[given.len() - 2], Validity::Extra);
        assert_eq!(result.validity[given.len() - 1], Validity::NotInSchedule);
    }

    #[test]
    fn a_late_child_gets_a_catch_up_plan_from_today() {
        // Arrives in the village at 2 years with no card: everything from today,
        // series doses 4 weeks apart, nothing past its maximum age.
        let born = date!(2023 - 03 - 10);
        let on = date!(2025 - 03 - 20);
        let plan = catch_up_plan(who(), Group::Child, girl(born), &[], on);
        let planned = |antigen: &str| -> Vec<Date> {
            plan.iter()
                .filter(|p| p.antigen == antigen)
                .map(|p| p.on)
                .collect()
        };
        assert_eq!(planned("bcg"), vec![], "BCG is past 12 months");
        assert_eq!(planned("hepb_birth"), vec![]);
        assert_eq!(
            planned("penta"),
            vec![on, date!(2025 - 04 - 17), date!(2025 - 05 - 15)]
        );
        assert_eq!(planned("mr"), vec![on, date!(2025 - 04 - 17)]);
        assert_eq!(planned("hpv"), vec![date!(2032 - 03 - 10)]);
        // A child of 4 years 11 months: pentavalent 2 and 3 would fall after 5 years.
        let born = date!(2020 - 04 - 10);
        let plan = catch_up_plan(who(), Group::Child, girl(born), &[], date!(2025 - 03 - 20));
        let penta: Vec<u8> = plan
            .iter()
            .filter(|p| p.antigen == "penta")
            .map(|p| p.dose)
            .collect();
        assert_eq!(penta, vec![1]);
    }

    #[test]
    fn pregnancy_td_doses_follow_their_intervals() {
        let woman = Subject {
            born: date!(1998 - 06 - 01),
            sex: Sex::Female,
        };
        let on = date!(2025 - 03 - 01);
        let result = evaluate(who(), Group::Pregnancy, woman, &[], on);
        let td = result.antigen("td").expect("td");
        assert_eq!(td.state, DoseState::Due);
        assert_eq!(td.next.clone().expect("td 1").earliest, on);
        let given = [
            dose("td", date!(2025 - 01 - 10)),
            dose("td", date!(2025 - 02 - 01)),
        ];
        let result = evaluate(who(), Group::Pregnancy, woman, &given, on);
        assert_eq!(
            result.validity[1],
            Validity::TooSoon {
                dose: 2,
                earliest: date!(2025 - 02 - 07)
            }
        );
        let td = result.antigen("td").expect("td");
        assert_eq!(td.next.clone().expect("td 2").due, date!(2025 - 02 - 07));
    }

    fn arbitrary_doses() -> impl Strategy<Value = (i64, Vec<(usize, i64)>, i64)> {
        // Birth in 2015..2025, up to 12 doses of the schedule's antigens given
        // within 6 years of birth, evaluated within 8 years of birth.
        (
            0i64..3650,
            proptest::collection::vec((0usize..9, 0i64..2200), 0..12),
            0i64..2900,
        )
    }

    const ANTIGENS: [&str; 9] = [
        "bcg",
        "hepb_birth",
        "penta",
        "bopv",
        "pcv",
        "ipv",
        "mr",
        "je",
        "hpv",
    ];

    fn build(born_offset: i64, doses: &[(usize, i64)]) -> (Subject, Vec<GivenDose>) {
        let born = date!(2015 - 01 - 01) + Duration::days(born_offset);
        let given = doses
            .iter()
            .map(|(antigen, day)| dose(ANTIGENS[*antigen], born + Duration::days(*day)))
            .collect();
        (girl(born), given)
    }

    proptest! {
        /// No planned dose falls before its minimum age, before the minimum interval
        /// after the previous dose of its series, before today, or after its
        /// maximum age.
        #[test]
        fn the_plan_never_breaks_a_minimum_or_a_maximum((born, doses, on) in arbitrary_doses()) {
            let (subject, given) = build(born, &doses);
            let on = subject.born + Duration::days(on);
            let schedule = who();
            let evaluation = evaluate(schedule, Group::Child, subject, &given, on);
            let plan = catch_up_plan(schedule, Group::Child, subject, &given, on);
            for planned in &plan {
                let rule = schedule.series(&planned.antigen)[usize::from(planned.dose) - 1];
                prop_assert!(planned.on >= on);
                if let Some(min) = rule.minimum_age.and_then(|m| m.after(subject.born)) {
                    prop_assert!(planned.on >= min, "{planned:?} before its minimum age");
                }
                if let Some(max) = rule.maximum_age.and_then(|m| m.after(subject.born)) {
                    prop_assert!(planned.on <= max, "{planned:?} after its maximum age");
                }
                let previous = if planned.dose == 1 {
                    None
                } else {
                    plan.iter()
                        .find(|p| p.antigen == planned.antigen && p.dose == planned.dose - 1)
                        .map(|p| p.on)
                        .or(evaluation.antigen(&planned.antigen).and_then(|a| a.last_valid_on))
                };
                if let (Some(previous), Some(interval)) = (previous, rule.minimum_interval) {
                    prop_assert!(planned.on >= interval.after(previous).unwrap_or(previous));
                }
            }
        }

        /// A child with a dose due on a day has that day inside the due window worked
        /// out on the day of birth: the due list's prefilter never leaves anyone out.
        #[test]
        fn the_due_window_holds_every_day_a_dose_is_due((born, doses, on) in arbitrary_doses()) {
            let (subject, given) = build(born, &doses);
            let on = subject.born + Duration::days(on);
            for schedule in [who(), Schedule::builtin("kh").unwrap()] {
                let today = evaluate(schedule, Group::Child, subject, &given, on);
                let window = due_window(&evaluate(schedule, Group::Child, subject, &given, subject.born));
                if today.due().next().is_some() {
                    let (from, until) = window.expect("a window when a dose is due");
                    prop_assert!(from <= on, "{from} after {on}");
                    prop_assert!(until.is_none_or(|u| on <= u), "{until:?} before {on}");
                }
            }
        }

        /// Giving every planned dose on its planned day makes each one valid.
        #[test]
        fn doses_given_as_planned_are_valid((born, doses, on) in arbitrary_doses()) {
            let (subject, mut given) = build(born, &doses);
            let on = subject.born + Duration::days(on);
            let before = given.len();
            let plan = catch_up_plan(who(), Group::Child, subject, &given, on);
            given.extend(plan.iter().map(|p| dose(&p.antigen, p.on)));
            let result = evaluate(who(), Group::Child, subject, &given, on);
            for (index, verdict) in result.validity.iter().enumerate().skip(before) {
                prop_assert!(verdict.is_valid(), "{:?} -> {verdict:?}", given[index]);
            }
        }

        /// A valid dose stays valid, with the same number, when later doses are added.
        #[test]
        fn a_valid_dose_stays_valid_when_later_doses_are_added(
            (born, doses, on) in arbitrary_doses(),
            later in proptest::collection::vec((0usize..9, 0i64..400), 1..6),
        ) {
            let (subject, mut given) = build(born, &doses);
            let on = subject.born + Duration::days(on);
            let before = evaluate(who(), Group::Child, subject, &given, on).validity;
            let last = given.iter().map(|d| d.given_on).max().unwrap_or(subject.born);
            given.extend(later.iter().map(|(a, d)| dose(ANTIGENS[*a], last + Duration::days(*d + 1))));
            let after = evaluate(who(), Group::Child, subject, &given, on).validity;
            for (old, new) in before.iter().zip(&after) {
                if old.is_valid() {
                    prop_assert_eq!(old, new);
                }
            }
        }

        /// The verdicts do not depend on the order the doses are listed in.
        #[test]
        fn verdicts_do_not_depend_on_the_order_of_the_record((born, doses, on) in arbitrary_doses()) {
            let (subject, given) = build(born, &doses);
            let on = subject.born + Duration::days(on);
            let forward = evaluate(who(), Group::Child, subject, &given, on);
            let mut reversed = given.clone();
            reversed.reverse();
            let backward = evaluate(who(), Group::Child, subject, &reversed, on);
            let mut expected = backward.validity.clone();
            expected.reverse();
            // Two doses of one antigen on the same day may swap verdicts; count them.
            let count = |v: &[Validity]| v.iter().filter(|v| v.is_valid()).count();
            prop_assert_eq!(count(&forward.validity), count(&expected));
            prop_assert_eq!(forward.antigens, backward.antigens);
        }

        /// Counting never exceeds the series, and a valid dose is never before its
        /// minimum age.
        #[test]
        fn valid_doses_respect_their_minimum_age((born, doses, on) in arbitrary_doses()) {
            let (subject, given) = build(born, &doses);
            let on = subject.born + Duration::days(on);
            let result = evaluate(who(), Group::Child, subject, &given, on);
            for (dose, verdict) in given.iter().zip(&result.validity) {
                if let Validity::Valid { dose: number } = verdict {
                    let rule = who().series(&dose.antigen)[usize::from(*number) - 1];
                    let min = rule.minimum_age.and_then(|m| m.after(subject.born)).expect("a minimum age");
                    prop_assert!(dose.given_on >= min);
                }
            }
            for status in &result.antigens {
                prop_assert!(status.valid_doses <= status.doses_in_series);
            }
        }

        /// Whatever a schedule file holds, parsing answers without panicking.
        #[test]
        fn schedule_parsing_never_panics(text in "[a-z0-9,#\n ]{0,200}") {
            let _ = Schedule::parse(&text);
        }
    }
}
