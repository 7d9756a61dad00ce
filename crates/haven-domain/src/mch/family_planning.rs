//! Family planning: counselling, the method given, and when the client comes back.

use time::{Date, Duration};

use super::immunisation::add_months;
use super::{Errors, FieldErrors, MchError, NOTE_MAX};

coded_enum! {
    /// The methods of the issue: pill, injectable, implant, IUD, condoms,
    /// sterilisation, lactational amenorrhoea.
    FpMethod {
        Pill => "pill",
        Injectable => "injectable",
        Implant => "implant",
        Iud => "iud",
        Condoms => "condoms",
        Sterilisation => "sterilisation",
        Lam => "lam",
    }
}

impl FpMethod {
    /// When a client given this method on `given_on` comes back, by WHO's Family
    /// Planning handbook: pills and condoms after 3 months of supplies, the
    /// 3-monthly injectable (DMPA) at 13 weeks, a check after an IUD at 6 weeks and
    /// after sterilisation at 1 week, an implant at 3 years (its removal or
    /// replacement), and LAM when the baby is 6 months old (or at 6 months).
    pub fn follow_up_after(self, given_on: Date, baby_born: Option<Date>) -> Option<Date> {
        match self {
            FpMethod::Pill | FpMethod::Condoms => add_months(given_on, 3),
            FpMethod::Injectable => given_on.checked_add(Duration::weeks(13)),
            FpMethod::Iud => given_on.checked_add(Duration::weeks(6)),
            FpMethod::Sterilisation => given_on.checked_add(Duration::weeks(1)),
            FpMethod::Implant => add_months(given_on, 36),
            FpMethod::Lam => add_months(baby_born.unwrap_or(given_on), 6).map(|d| d.max(given_on)),
        }
    }
}

/// A family planning visit as typed.
#[derive(Clone, Debug, Default)]
pub struct FpVisitInput<'a> {
    pub visit_on: &'a str,
    pub counselled: bool,
    pub method: &'a str,
    pub quantity: &'a str,
    pub follow_up_on: &'a str,
    pub notes: &'a str,
}

/// A family planning visit, parsed: counselling, a method, or both; the follow-up
/// is the method's unless one is typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FpVisitDetails {
    visit_on: Date,
    counselled: bool,
    method: Option<FpMethod>,
    quantity: Option<i64>,
    follow_up_on: Option<Date>,
    notes: String,
}

impl FpVisitDetails {
    pub fn parse(
        input: &FpVisitInput<'_>,
        today: Date,
        baby_born: Option<Date>,
    ) -> Result<FpVisitDetails, FieldErrors> {
        let mut errors = Errors::default();
        let visit_on = errors.past_date("visit_on", input.visit_on, today);
        let method = errors.choice("method", input.method, FpMethod::parse);
        if method.is_none() && !input.counselled && input.method.trim().is_empty() {
            errors.push("method", MchError::MethodRequired);
        }
        let quantity = errors.whole("quantity", input.quantity, 1..=1000, MchError::BadQuantity);
        let typed = errors.date("follow_up_on", input.follow_up_on);
        if let (Some(visit), Some(follow)) = (visit_on, typed) {
            if follow < visit {
                errors.push("follow_up_on", MchError::FollowUpBeforeVisit);
            }
        }
        let notes = errors.text("notes", input.notes, NOTE_MAX);
        match visit_on {
            Some(visit_on) if errors.is_empty() => Ok(FpVisitDetails {
                visit_on,
                counselled: input.counselled,
                method,
                quantity,
                follow_up_on: typed
                    .or_else(|| method.and_then(|m| m.follow_up_after(visit_on, baby_born))),
                notes,
            }),
            _ => Err(errors.into_inner()),
        }
    }

    pub fn visit_on(&self) -> Date {
        self.visit_on
    }
    pub fn counselled(&self) -> bool {
        self.counselled
    }
    pub fn method(&self) -> Option<FpMethod> {
        self.method
    }
    pub fn quantity(&self) -> Option<i64> {
        self.quantity
    }
    pub fn follow_up_on(&self) -> Option<Date> {
        self.follow_up_on
    }
    pub fn notes(&self) -> &str {
        &self.notes
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn each_method_has_its_follow_up() {
        let on = date!(2025 - 01 - 31);
        let check = |method: FpMethod, expected: Date| {
            assert_eq!(
                method.follow_up_after(on, Some(date!(2024 - 12 - 01))),
                Some(expected),
                "{method:?}"
            );
        };
        check(FpMethod::Pill, date!(2025 - 04 - 30));
        check(FpMethod::Condoms, date!(2025 - 04 - 30));
        check(FpMethod::Injectable, date!(2025 - 05 - 02));
        check(FpMethod::Iud, date!(2025 - 03 - 14));
        check(FpMethod::Sterilisation, date!(2025 - 02 - 07));
        check(FpMethod::Implant, date!(2028 - 01 - 31));
        check(FpMethod::Lam, date!(2025 - 06 - 01));
        assert_eq!(FpMethod::ALL.len(), 7);
    }

    #[test]
    fn a_visit_needs_counselling_or_a_method() {
        let check = |input: FpVisitInput<'_>, expected: FieldErrors| {
            assert_eq!(
                FpVisitDetails::parse(&input, date!(2025 - 03 - 01), None)
                    .err()
                    .unwrap_or_default(),
                expected,
                "{input:?}"
            );
        };
        let base = FpVisitInput {
            visit_on: "2025-03-01",
            method: "pill",
            ..FpVisitInput::default()
        };
        check(base.clone(), vec![]);
        check(
            FpVisitInput {
                method: "",
                ..base.clone()
            },
            vec![("method", MchError::MethodRequired)],
        );
        check(
            FpVisitInput {
                method: "",
                counselled: true,
                ..base.clone()
            },
            vec![],
        );
        check(
            FpVisitInput {
                method: "rhythm",
                ..base.clone()
            },
            vec![("method", MchError::BadChoice)],
        );
        check(
            FpVisitInput {
                quantity: "0",
                ..base.clone()
            },
            vec![("quantity", MchError::BadQuantity)],
        );
        check(
            FpVisitInput {
                follow_up_on: "2025-02-01",
                ..base.clone()
            },
            vec![("follow_up_on", MchError::FollowUpBeforeVisit)],
        );
        check(
            FpVisitInput {
                visit_on: "2025-03-02",
                ..base.clone()
            },
            vec![("visit_on", MchError::DateInFuture)],
        );
        let typed = FpVisitDetails::parse(
            &FpVisitInput {
                follow_up_on: "2025-03-20",
                ..base.clone()
            },
            date!(2025 - 03 - 01),
            None,
        )
        .expect("valid");
        assert_eq!(typed.follow_up_on(), Some(date!(2025 - 03 - 20)));
        let default = FpVisitDetails::parse(&base, date!(2025 - 03 - 01), None).expect("valid");
        assert_eq!(default.follow_up_on(), Some(date!(2025 - 06 - 01)));
    }
}
