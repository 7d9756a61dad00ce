//! Responding to a report: the steps in their order, what each records, and when
//! each is due.
//!
//! The steps follow the spec: acknowledged, assessed, investigated, referred to the
//! authorities, support to the child, closed with an outcome. They are recorded in
//! that order, with one exception the spec itself makes: a possible crime is referred
//! to the authorities at once, so the referral may be recorded any time after the
//! acknowledgement. Support may start as soon as the assessment is done. Closing needs
//! every other step. Each step is recorded once.

use time::{Duration, OffsetDateTime};

use super::report::collapse;
use crate::text::normalise;

coded_enum! {
    /// A step of the response, in the order they are recorded.
    Step {
        Acknowledged => "acknowledged",
        Assessed => "assessed",
        Investigated => "investigated",
        Referred => "referred",
        Supported => "supported",
        Closed => "closed",
    }
}

coded_enum! {
    /// How a report was closed.
    Outcome {
        Substantiated => "substantiated",
        PartlySubstantiated => "partly_substantiated",
        Unsubstantiated => "unsubstantiated",
        Inconclusive => "inconclusive",
        /// Not a safeguarding matter after all (handled elsewhere).
        NotSafeguarding => "not_safeguarding",
    }
}

impl Step {
    /// The steps that must be recorded before this one.
    pub fn requires(self) -> &'static [Step] {
        match self {
            Step::Acknowledged => &[],
            Step::Assessed => &[Step::Acknowledged],
            Step::Investigated => &[Step::Assessed],
            // A possible crime goes to the authorities immediately.
            Step::Referred => &[Step::Acknowledged],
            Step::Supported => &[Step::Assessed],
            Step::Closed => &[
                Step::Acknowledged,
                Step::Assessed,
                Step::Investigated,
                Step::Referred,
                Step::Supported,
            ],
        }
    }
}

impl Step {
    /// The steps that must come before this one, directly or through another.
    pub fn requires_all(self) -> Vec<Step> {
        let mut all: Vec<Step> = Vec::new();
        let mut open: Vec<Step> = self.requires().to_vec();
        while let Some(step) = open.pop() {
            if !all.contains(&step) {
                all.push(step);
                open.extend_from_slice(step.requires());
            }
        }
        all
    }
}

/// Why a step cannot be recorded now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("this step is already recorded")]
    AlreadyRecorded(Step),
    /// `missing` must be recorded first.
    #[error("another step must be recorded first")]
    OutOfOrder { step: Step, missing: Step },
    #[error("the report is closed")]
    Closed,
}

impl WorkflowError {
    /// The translation key of the message; `OutOfOrder` takes the missing step's name
    /// as its argument `step`.
    pub fn code(self) -> &'static str {
        match self {
            WorkflowError::AlreadyRecorded(_) => "safeguarding-error-already-recorded",
            WorkflowError::OutOfOrder { .. } => "safeguarding-error-out-of-order",
            WorkflowError::Closed => "safeguarding-error-closed",
        }
    }

    /// Checks that `step` may be recorded after the steps `done`.
    pub fn check(done: &[Step], step: Step) -> Result<(), WorkflowError> {
        if done.contains(&Step::Closed) {
            return Err(WorkflowError::Closed);
        }
        if done.contains(&step) {
            return Err(WorkflowError::AlreadyRecorded(step));
        }
        // Name the earliest step missing along the chain, the one to record now:
        // an investigation on a new report needs the acknowledgement first.
        let needed = step.requires_all();
        match Step::ALL
            .iter()
            .find(|s| needed.contains(s) && !done.contains(s))
        {
            Some(missing) => Err(WorkflowError::OutOfOrder {
                step,
                missing: *missing,
            }),
            None => Ok(()),
        }
    }
}

/// The steps that may be recorded next, in order.
pub fn next_steps(done: &[Step]) -> Vec<Step> {
    Step::ALL
        .iter()
        .copied()
        .filter(|step| WorkflowError::check(done, *step).is_ok())
        .collect()
}

/// The referral decision, recorded with the referral step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Referral {
    /// Referred to an authority (police, the provincial Department of Social Affairs,
    /// ...) under its reference.
    Referred {
        authority: String,
        reference: String,
    },
    /// Not referred; the note says why.
    NotReferred,
}

/// What is wrong with a step as typed. Each code is a translation key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    #[error("choose a step")]
    StepRequired,
    #[error("write what was done")]
    NoteRequired,
    #[error("this text is too long")]
    TextTooLong,
    #[error("say whether the report was referred to the authorities")]
    ReferralRequired,
    #[error("name the authority the report was referred to")]
    AuthorityRequired,
    #[error("give the authority's reference")]
    ReferenceRequired,
    #[error("choose the outcome")]
    OutcomeRequired,
}

impl StepError {
    pub fn code(self) -> &'static str {
        match self {
            StepError::StepRequired => "safeguarding-error-step-required",
            StepError::NoteRequired => "safeguarding-error-note-required",
            StepError::TextTooLong => "safeguarding-error-text-too-long",
            StepError::ReferralRequired => "safeguarding-error-referral-required",
            StepError::AuthorityRequired => "safeguarding-error-authority-required",
            StepError::ReferenceRequired => "safeguarding-error-reference-required",
            StepError::OutcomeRequired => "safeguarding-error-outcome-required",
        }
    }

    pub const ALL: [StepError; 7] = [
        StepError::StepRequired,
        StepError::NoteRequired,
        StepError::TextTooLong,
        StepError::ReferralRequired,
        StepError::AuthorityRequired,
        StepError::ReferenceRequired,
        StepError::OutcomeRequired,
    ];
}

/// The fields of the step form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepField {
    Step,
    Note,
    Referral,
    Authority,
    Reference,
    Outcome,
}

impl StepField {
    pub fn name(self) -> &'static str {
        match self {
            StepField::Step => "step",
            StepField::Note => "note",
            StepField::Referral => "referral",
            StepField::Authority => "authority",
            StepField::Reference => "authority_reference",
            StepField::Outcome => "outcome",
        }
    }
}

/// A step as typed.
#[derive(Clone, Debug, Default)]
pub struct StepInput<'a> {
    pub step: &'a str,
    pub note: &'a str,
    /// `referred` or `not_referred` (the referral step only).
    pub referral: &'a str,
    pub authority: &'a str,
    pub reference: &'a str,
    /// An [`Outcome`] code (the closing step only).
    pub outcome: &'a str,
}

/// A step, parsed: what was done, and for the referral and closing steps their
/// decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepDetails {
    step: Step,
    note: String,
    referral: Option<Referral>,
    outcome: Option<Outcome>,
}

const NOTE_MAX: usize = 8000;
const AUTHORITY_MAX: usize = 200;

impl StepDetails {
    pub fn parse(input: &StepInput<'_>) -> Result<StepDetails, Vec<(StepField, StepError)>> {
        let mut errors = Vec::new();
        let step = Step::parse(input.step);
        if step.is_none() {
            errors.push((StepField::Step, StepError::StepRequired));
        }
        let note = normalise(input.note);
        if note.is_empty() {
            errors.push((StepField::Note, StepError::NoteRequired));
        } else if note.chars().count() > NOTE_MAX {
            errors.push((StepField::Note, StepError::TextTooLong));
        }
        let mut referral = None;
        if step == Some(Step::Referred) {
            match input.referral.trim() {
                "referred" => {
                    let authority = collapse(input.authority);
                    let reference = collapse(input.reference);
                    for (value, field, missing) in [
                        (
                            &authority,
                            StepField::Authority,
                            StepError::AuthorityRequired,
                        ),
                        (
                            &reference,
                            StepField::Reference,
                            StepError::ReferenceRequired,
                        ),
                    ] {
                        if value.is_empty() {
                            errors.push((field, missing));
                        } else if value.chars().count() > AUTHORITY_MAX {
                            errors.push((field, StepError::TextTooLong));
                        }
                    }
                    referral = Some(Referral::Referred {
                        authority,
                        reference,
                    });
                }
                "not_referred" => referral = Some(Referral::NotReferred),
                _ => errors.push((StepField::Referral, StepError::ReferralRequired)),
            }
        }
        let mut outcome = None;
        if step == Some(Step::Closed) {
            outcome = Outcome::parse(input.outcome);
            if outcome.is_none() {
                errors.push((StepField::Outcome, StepError::OutcomeRequired));
            }
        }
        match (step, errors.is_empty()) {
            (Some(step), true) => Ok(StepDetails {
                step,
                note,
                referral,
                outcome,
            }),
            _ => Err(errors),
        }
    }

    /// A step as stored.
    pub fn from_parts(
        step: Step,
        note: &str,
        referral: Option<Referral>,
        outcome: Option<Outcome>,
    ) -> StepDetails {
        StepDetails {
            step,
            note: normalise(note),
            referral,
            outcome,
        }
    }

    pub fn step(&self) -> Step {
        self.step
    }
    pub fn note(&self) -> &str {
        &self.note
    }
    pub fn referral(&self) -> Option<&Referral> {
        self.referral.as_ref()
    }
    pub fn outcome(&self) -> Option<Outcome> {
        self.outcome
    }
}

/// How long after a report is filed each step is due, in hours: settings of the
/// site. The acknowledgement's 24 hours is the usual default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadlines {
    pub acknowledged_hours: u32,
    pub assessed_hours: u32,
    pub investigated_hours: u32,
    pub referred_hours: u32,
    pub supported_hours: u32,
    pub closed_hours: u32,
}

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines {
            acknowledged_hours: 24,
            assessed_hours: 72,
            investigated_hours: 30 * 24,
            referred_hours: 7 * 24,
            supported_hours: 30 * 24,
            closed_hours: 90 * 24,
        }
    }
}

impl Deadlines {
    /// How long after filing `step` is due.
    pub fn after_filing(&self, step: Step) -> Duration {
        let hours = match step {
            Step::Acknowledged => self.acknowledged_hours,
            Step::Assessed => self.assessed_hours,
            Step::Investigated => self.investigated_hours,
            Step::Referred => self.referred_hours,
            Step::Supported => self.supported_hours,
            Step::Closed => self.closed_hours,
        };
        Duration::hours(i64::from(hours))
    }
}

/// The steps of a report filed at `filed_at` that are not recorded and whose
/// deadline has passed by `now`, with the time each was due. A closed report has
/// none.
pub fn overdue_steps(
    filed_at: OffsetDateTime,
    done: &[Step],
    now: OffsetDateTime,
    deadlines: &Deadlines,
) -> Vec<(Step, OffsetDateTime)> {
    if done.contains(&Step::Closed) {
        return Vec::new();
    }
    Step::ALL
        .iter()
        .copied()
        .filter(|step| !done.contains(step))
        .map(|step| (step, filed_at + deadlines.after_filing(step)))
        .filter(|(_, due)| *due < now)
        .collect()
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn steps_are_recorded_in_order() {
        use Step::*;
        let check = |done: &[Step], step: Step, expected: Result<(), WorkflowError>| {
            assert_eq!(
                WorkflowError::check(done, step),
                expected,
                "{done:?} then {step:?}"
            );
        };
        check(&[], Acknowledged, Ok(()));
        check(
            &[],
            Assessed,
            Err(WorkflowError::OutOfOrder {
                step: Assessed,
                missing: Acknowledged,
            }),
        );
        check(&[Acknowledged], Assessed, Ok(()));
        // A possible crime is referred at once, before any assessment.
        check(&[Acknowledged], Referred, Ok(()));
        // The earliest missing step is named, not just the one before.
        check(
            &[],
            Investigated,
            Err(WorkflowError::OutOfOrder {
                step: Investigated,
                missing: Acknowledged,
            }),
        );
        check(
            &[Acknowledged],
            Investigated,
            Err(WorkflowError::OutOfOrder {
                step: Investigated,
                missing: Assessed,
            }),
        );
        check(&[Acknowledged, Assessed], Supported, Ok(()));
        check(
            &[Acknowledged, Assessed, Investigated, Supported],
            Closed,
            Err(WorkflowError::OutOfOrder {
                step: Closed,
                missing: Referred,
            }),
        );
        check(
            &[Acknowledged, Assessed, Investigated, Referred, Supported],
            Closed,
            Ok(()),
        );
        check(
            &[Acknowledged],
            Acknowledged,
            Err(WorkflowError::AlreadyRecorded(Acknowledged)),
        );
        check(
            &[
                Acknowledged,
                Assessed,
                Investigated,
                Referred,
                Supported,
                Closed,
            ],
            Supported,
            Err(WorkflowError::Closed),
        );
    }

    #[test]
    fn the_next_steps_follow_from_those_done() {
        use Step::*;
        assert_eq!(next_steps(&[]), [Acknowledged]);
        assert_eq!(next_steps(&[Acknowledged]), [Assessed, Referred]);
        assert_eq!(
            next_steps(&[Acknowledged, Assessed]),
            [Investigated, Referred, Supported]
        );
        assert_eq!(
            next_steps(&[Acknowledged, Assessed, Investigated, Referred, Supported]),
            [Closed]
        );
        assert!(next_steps(Step::ALL).is_empty());
    }

    #[test]
    fn steps_parse() {
        let check = |input: StepInput<'_>, expected: Result<(), Vec<(StepField, StepError)>>| {
            assert_eq!(
                StepDetails::parse(&input).map(|_| ()),
                expected,
                "{input:?}"
            );
        };
        use StepError as E;
        use StepField as F;
        let step = |step: &'static str, note: &'static str| StepInput {
            step,
            note,
            ..StepInput::default()
        };
        check(step("acknowledged", "Read and called the reporter"), Ok(()));
        check(
            step("", ""),
            Err(vec![(F::Step, E::StepRequired), (F::Note, E::NoteRequired)]),
        );
        check(step("assessed", " "), Err(vec![(F::Note, E::NoteRequired)]));
        check(
            step("referred", "to the police"),
            Err(vec![(F::Referral, E::ReferralRequired)]),
        );
        check(
            StepInput {
                referral: "referred",
                ..step("referred", "to the police")
            },
            Err(vec![
                (F::Authority, E::AuthorityRequired),
                (F::Reference, E::ReferenceRequired),
            ]),
        );
        check(
            StepInput {
                referral: "referred",
                authority: "Police, Siem Reap",
                reference: "SR-2026-114",
                ..step("referred", "by phone, then in writing")
            },
            Ok(()),
        );
        check(
            StepInput {
                referral: "not_referred",
                ..step("referred", "no crime, handled in the programme")
            },
            Ok(()),
        );
        check(
            step("closed", "done"),
            Err(vec![(F::Outcome, E::OutcomeRequired)]),
        );
        check(
            StepInput {
                outcome: "substantiated",
                ..step("closed", "done")
            },
            Ok(()),
        );
        let referral = StepDetails::parse(&StepInput {
            referral: "referred",
            authority: " Police ",
            reference: "R-1",
            ..step("referred", "x")
        })
        .unwrap();
        assert_eq!(
            referral.referral(),
            Some(&Referral::Referred {
                authority: "Police".to_owned(),
                reference: "R-1".to_owned()
            })
        );
    }

    #[test]
    fn overdue_steps_are_those_past_their_deadline() {
        use Step::*;
        let filed = datetime!(2026-03-02 08:00 UTC);
        let deadlines = Deadlines::default();
        let check = |done: &[Step], now: OffsetDateTime, expected: &[Step]| {
            let overdue: Vec<Step> = overdue_steps(filed, done, now, &deadlines)
                .into_iter()
                .map(|(step, _)| step)
                .collect();
            assert_eq!(overdue, expected, "{done:?} at {now}");
        };
        check(&[], datetime!(2026-03-03 07:59 UTC), &[]);
        check(&[], datetime!(2026-03-03 08:01 UTC), &[Acknowledged]);
        check(
            &[Acknowledged],
            datetime!(2026-03-05 09:00 UTC),
            &[Assessed],
        );
        check(
            &[Acknowledged, Assessed],
            datetime!(2026-03-10 09:00 UTC),
            &[Referred],
        );
        check(Step::ALL, datetime!(2027-01-01 00:00 UTC), &[]);
        let due = overdue_steps(filed, &[], datetime!(2026-03-04 00:00 UTC), &deadlines);
        assert_eq!(due, [(Acknowledged, datetime!(2026-03-03 08:00 UTC))]);
        // The deadline is a setting.
        let quick = Deadlines {
            acknowledged_hours: 1,
            ..Deadlines::default()
        };
        assert_eq!(
            overdue_steps(filed, &[], datetime!(2026-03-02 09:30 UTC), &quick).len(),
            1
        );
    }
}
