//! A report of a safeguarding concern, as the spec lists its fields: the child or
//! children, the kind of concern, who is alleged to have caused harm, what was seen
//! or heard, and the immediate actions taken for the child's safety.
//!
//! Children found in the registry are the store's ids and come in only as a count;
//! children not in the registry (or not findable by the reporter) are described: a
//! name as known, a sex, an approximate age.

use crate::person::Sex;
use crate::text::normalise;

coded_enum! {
    /// What kind of harm the concern is about (a report may name several).
    ConcernType {
        PhysicalAbuse => "physical_abuse",
        SexualAbuse => "sexual_abuse",
        EmotionalAbuse => "emotional_abuse",
        Neglect => "neglect",
        Exploitation => "exploitation",
        Bullying => "bullying",
        OnlineAbuse => "online_abuse",
        SelfHarm => "self_harm",
    }
}

coded_enum! {
    /// Who is alleged to have caused the harm (a report may name several, or none
    /// when the reporter does not know).
    HarmBy {
        Staff => "staff",
        Caregiver => "caregiver",
        AnotherChild => "another_child",
        SomeoneOutside => "someone_outside",
        Unknown => "unknown",
    }
}

/// At most this many children can be described on one report (more go in the text).
pub const MAX_DESCRIBED_CHILDREN: usize = 3;
/// The longest account of what was seen or heard, in characters.
const WHAT_HAPPENED_MAX: usize = 8000;
/// The longest account of the immediate actions, in characters.
const ACTIONS_MAX: usize = 4000;
/// The longest name (or description) of a described child, in characters.
const CHILD_NAME_MAX: usize = 120;
/// Children in care and care leavers: an approximate age is at most this.
const AGE_MAX: u8 = 25;

/// What is wrong with a report. Each code is a translation key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("say which kind of concern this is")]
    ConcernTypeRequired,
    #[error("name the child or children, or describe them")]
    ChildRequired,
    #[error("say what you saw or heard")]
    WhatHappenedRequired,
    #[error("this text is too long")]
    TextTooLong,
    #[error("give the child's name as you know it, or how to recognise them")]
    ChildNameRequired,
    #[error("an approximate age is a whole number of years from 0 to 25")]
    BadAge,
    #[error("this kind of concern is not one Haven knows")]
    UnknownConcernType,
    #[error("this is not one of the choices")]
    UnknownHarmBy,
    #[error("choose a sex from the list, or leave it unknown")]
    BadSex,
}

impl ReportError {
    /// The translation key of the message.
    pub fn code(self) -> &'static str {
        match self {
            ReportError::ConcernTypeRequired => "safeguarding-error-concern-type-required",
            ReportError::ChildRequired => "safeguarding-error-child-required",
            ReportError::WhatHappenedRequired => "safeguarding-error-what-happened-required",
            ReportError::TextTooLong => "safeguarding-error-text-too-long",
            ReportError::ChildNameRequired => "safeguarding-error-child-name-required",
            ReportError::BadAge => "safeguarding-error-bad-age",
            ReportError::UnknownConcernType => "safeguarding-error-unknown-concern-type",
            ReportError::UnknownHarmBy => "safeguarding-error-unknown-harm-by",
            ReportError::BadSex => "safeguarding-error-bad-sex",
        }
    }

    /// Every error, for the test that keeps the translation files complete.
    pub const ALL: [ReportError; 9] = [
        ReportError::ConcernTypeRequired,
        ReportError::ChildRequired,
        ReportError::WhatHappenedRequired,
        ReportError::TextTooLong,
        ReportError::ChildNameRequired,
        ReportError::BadAge,
        ReportError::UnknownConcernType,
        ReportError::UnknownHarmBy,
        ReportError::BadSex,
    ];
}

/// Which field of the report form an error belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportField {
    ConcernTypes,
    HarmBy,
    Children,
    WhatHappened,
    ImmediateActions,
    /// The name of the described child in row `n` (from 0).
    ChildName(usize),
    ChildSex(usize),
    ChildAge(usize),
}

impl ReportField {
    /// The name of the form field (and of the API's JSON field).
    pub fn name(self) -> &'static str {
        const NAMES: [&str; MAX_DESCRIBED_CHILDREN] =
            ["child_name_0", "child_name_1", "child_name_2"];
        const SEXES: [&str; MAX_DESCRIBED_CHILDREN] = ["child_sex_0", "child_sex_1", "child_sex_2"];
        const AGES: [&str; MAX_DESCRIBED_CHILDREN] = ["child_age_0", "child_age_1", "child_age_2"];
        let row = |names: [&'static str; MAX_DESCRIBED_CHILDREN], n: usize| {
            names.get(n).copied().unwrap_or("children")
        };
        match self {
            ReportField::ConcernTypes => "concern_types",
            ReportField::HarmBy => "harm_by",
            ReportField::Children => "children",
            ReportField::WhatHappened => "what_happened",
            ReportField::ImmediateActions => "immediate_actions",
            ReportField::ChildName(n) => row(NAMES, n),
            ReportField::ChildSex(n) => row(SEXES, n),
            ReportField::ChildAge(n) => row(AGES, n),
        }
    }
}

/// A described child as typed.
#[derive(Clone, Debug, Default)]
pub struct ChildInput<'a> {
    pub name: &'a str,
    pub sex: &'a str,
    pub age: &'a str,
}

impl ChildInput<'_> {
    fn is_blank(&self) -> bool {
        self.name.trim().is_empty() && self.sex.trim().is_empty() && self.age.trim().is_empty()
    }
}

/// A report's fields as typed.
#[derive(Clone, Debug, Default)]
pub struct ConcernInput<'a> {
    pub concern_types: Vec<&'a str>,
    pub harm_by: Vec<&'a str>,
    pub what_happened: &'a str,
    pub immediate_actions: &'a str,
    /// Rows of children described by the reporter; blank rows are ignored.
    pub described: Vec<ChildInput<'a>>,
    /// How many children the reporter chose from the registry (checked by the store).
    pub registry_children: usize,
}

/// A child who is not (or cannot be found) in the registry, as the reporter knows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DescribedChild {
    name: String,
    sex: Sex,
    approximate_age: Option<u8>,
}

impl DescribedChild {
    /// A described child as stored (read back from the database).
    pub fn from_parts(name: &str, sex: Sex, approximate_age: Option<u8>) -> DescribedChild {
        DescribedChild {
            name: normalise(name),
            sex,
            approximate_age,
        }
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn sex(&self) -> Sex {
        self.sex
    }
    pub fn approximate_age(&self) -> Option<u8> {
        self.approximate_age
    }
}

/// A report, parsed: at least one kind of concern, at least one child, and an
/// account of what was seen or heard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConcernDetails {
    concern_types: Vec<ConcernType>,
    harm_by: Vec<HarmBy>,
    what_happened: String,
    immediate_actions: String,
    described: Vec<DescribedChild>,
}

impl ConcernDetails {
    pub fn parse(
        input: &ConcernInput<'_>,
    ) -> Result<ConcernDetails, Vec<(ReportField, ReportError)>> {
        let mut errors = Vec::new();
        let mut concern_types = Vec::new();
        for raw in input.concern_types.iter().filter(|r| !r.trim().is_empty()) {
            match ConcernType::parse(raw) {
                Some(kind) if !concern_types.contains(&kind) => concern_types.push(kind),
                Some(_) => {}
                None => errors.push((ReportField::ConcernTypes, ReportError::UnknownConcernType)),
            }
        }
        if concern_types.is_empty() && errors.is_empty() {
            errors.push((ReportField::ConcernTypes, ReportError::ConcernTypeRequired));
        }
        concern_types.sort();
        let mut harm_by = Vec::new();
        for raw in input.harm_by.iter().filter(|r| !r.trim().is_empty()) {
            match HarmBy::parse(raw) {
                Some(who) if !harm_by.contains(&who) => harm_by.push(who),
                Some(_) => {}
                None => errors.push((ReportField::HarmBy, ReportError::UnknownHarmBy)),
            }
        }
        harm_by.sort();
        let what_happened = normalise(input.what_happened);
        if what_happened.is_empty() {
            errors.push((ReportField::WhatHappened, ReportError::WhatHappenedRequired));
        } else if what_happened.chars().count() > WHAT_HAPPENED_MAX {
            errors.push((ReportField::WhatHappened, ReportError::TextTooLong));
        }
        let immediate_actions = normalise(input.immediate_actions);
        if immediate_actions.chars().count() > ACTIONS_MAX {
            errors.push((ReportField::ImmediateActions, ReportError::TextTooLong));
        }
        let mut described = Vec::new();
        for (row, child) in input.described.iter().enumerate() {
            if child.is_blank() {
                continue;
            }
            let name = collapse(child.name);
            if name.is_empty() {
                errors.push((ReportField::ChildName(row), ReportError::ChildNameRequired));
            } else if name.chars().count() > CHILD_NAME_MAX {
                errors.push((ReportField::ChildName(row), ReportError::TextTooLong));
            }
            let sex = match child.sex.trim() {
                "" => Some(Sex::Unknown),
                code => Sex::parse(code),
            };
            if sex.is_none() {
                errors.push((ReportField::ChildSex(row), ReportError::BadSex));
            }
            let age = match child.age.trim() {
                "" => Ok(None),
                raw => raw
                    .parse::<u8>()
                    .ok()
                    .filter(|age| *age <= AGE_MAX)
                    .map(Some)
                    .ok_or(()),
            };
            if age.is_err() {
                errors.push((ReportField::ChildAge(row), ReportError::BadAge));
            }
            if let (Some(sex), Ok(approximate_age)) = (sex, age) {
                described.push(DescribedChild {
                    name,
                    sex,
                    approximate_age,
                });
            }
        }
        let any_child_row = input.described.iter().any(|c| !c.is_blank());
        if input.registry_children == 0 && !any_child_row {
            errors.push((ReportField::Children, ReportError::ChildRequired));
        }
        if errors.is_empty() {
            Ok(ConcernDetails {
                concern_types,
                harm_by,
                what_happened,
                immediate_actions,
                described,
            })
        } else {
            Err(errors)
        }
    }

    /// A report as stored (read back from the database).
    pub fn from_parts(
        concern_types: Vec<ConcernType>,
        harm_by: Vec<HarmBy>,
        what_happened: &str,
        immediate_actions: &str,
        described: Vec<DescribedChild>,
    ) -> ConcernDetails {
        ConcernDetails {
            concern_types,
            harm_by,
            what_happened: normalise(what_happened),
            immediate_actions: normalise(immediate_actions),
            described,
        }
    }

    pub fn concern_types(&self) -> &[ConcernType] {
        &self.concern_types
    }
    pub fn harm_by(&self) -> &[HarmBy] {
        &self.harm_by
    }
    pub fn what_happened(&self) -> &str {
        &self.what_happened
    }
    pub fn immediate_actions(&self) -> &str {
        &self.immediate_actions
    }
    pub fn described(&self) -> &[DescribedChild] {
        &self.described
    }
}

/// Codes joined by spaces, as stored in one column.
pub(crate) fn collapse(raw: &str) -> String {
    normalise(raw)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn input<'a>(types: &[&'a str], text: &'a str, registry: usize) -> ConcernInput<'a> {
        ConcernInput {
            concern_types: types.to_vec(),
            what_happened: text,
            registry_children: registry,
            ..ConcernInput::default()
        }
    }

    #[test]
    fn reports_parse() {
        let check = |input: ConcernInput<'_>,
                     expected: Result<(), Vec<(ReportField, ReportError)>>| {
            assert_eq!(
                ConcernDetails::parse(&input).map(|_| ()),
                expected,
                "{input:?}"
            );
        };
        use ReportError as E;
        use ReportField as F;
        check(input(&["neglect"], "no food for two days", 1), Ok(()));
        // The empty report: every required field is named.
        check(
            input(&[], "  ", 0),
            Err(vec![
                (F::ConcernTypes, E::ConcernTypeRequired),
                (F::WhatHappened, E::WhatHappenedRequired),
                (F::Children, E::ChildRequired),
            ]),
        );
        check(
            input(&["neglect", "hitting"], "text", 1),
            Err(vec![(F::ConcernTypes, E::UnknownConcernType)]),
        );
        check(
            input(&["neglect"], &"x".repeat(8001), 1),
            Err(vec![(F::WhatHappened, E::TextTooLong)]),
        );
        let described = |name: &'static str, sex: &'static str, age: &'static str| ConcernInput {
            described: vec![ChildInput::default(), ChildInput { name, sex, age }],
            ..input(&["bullying"], "seen at school", 0)
        };
        check(described("Srey Pov", "female", "9"), Ok(()));
        check(described("a boy of about 10 at the well", "", ""), Ok(()));
        check(
            described("", "male", "10"),
            Err(vec![(F::ChildName(1), E::ChildNameRequired)]),
        );
        check(
            described("Dara", "boy", "ten"),
            Err(vec![
                (F::ChildSex(1), E::BadSex),
                (F::ChildAge(1), E::BadAge),
            ]),
        );
        check(
            described("Dara", "male", "26"),
            Err(vec![(F::ChildAge(1), E::BadAge)]),
        );
        let harm = ConcernInput {
            harm_by: vec!["staff", "neighbour"],
            ..input(&["physical_abuse"], "text", 1)
        };
        check(harm, Err(vec![(F::HarmBy, E::UnknownHarmBy)]));
    }

    #[test]
    fn a_report_keeps_its_values_sorted_and_once_each() {
        let parsed = ConcernDetails::parse(&ConcernInput {
            concern_types: vec!["neglect", "physical_abuse", "neglect"],
            harm_by: vec!["someone_outside", "staff", "staff"],
            what_happened: "  Seen  \r\n at the gate ",
            immediate_actions: "",
            described: vec![ChildInput {
                name: "  Srey   Pov ",
                sex: "female",
                age: "7",
            }],
            registry_children: 0,
        })
        .unwrap();
        assert_eq!(
            parsed.concern_types(),
            [ConcernType::PhysicalAbuse, ConcernType::Neglect]
        );
        assert_eq!(parsed.harm_by(), [HarmBy::Staff, HarmBy::SomeoneOutside]);
        assert_eq!(parsed.what_happened(), "Seen  \n at the gate");
        assert_eq!(parsed.described()[0].name(), "Srey Pov");
        assert_eq!(parsed.described()[0].approximate_age(), Some(7));
    }

    #[test]
    fn field_names_are_distinct() {
        let mut fields = vec![
            ReportField::ConcernTypes,
            ReportField::HarmBy,
            ReportField::Children,
            ReportField::WhatHappened,
            ReportField::ImmediateActions,
        ];
        for row in 0..MAX_DESCRIBED_CHILDREN {
            fields.extend([
                ReportField::ChildName(row),
                ReportField::ChildSex(row),
                ReportField::ChildAge(row),
            ]);
        }
        let names: BTreeSet<&str> = fields.iter().map(|f| f.name()).collect();
        assert_eq!(names.len(), fields.len());
        let codes: BTreeSet<&str> = ReportError::ALL.iter().map(|e| e.code()).collect();
        assert_eq!(codes.len(), ReportError::ALL.len());
    }
}
