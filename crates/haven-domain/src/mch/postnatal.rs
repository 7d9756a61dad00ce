//! Postnatal care (WHO 2022): at least four contacts for mother and baby in the
//! 42 days after birth, with what is due or overdue on a day.

use time::Date;

use super::{Errors, FieldErrors, MchError, NOTE_MAX};

/// The postnatal period, in days after the birth.
pub const POSTNATAL_DAYS: i64 = 42;

/// The four contacts: the first and last day after birth (day 0 = the day of birth)
/// each one is due in. 1: within 24 hours; 2: day 3 (48-72 hours); 3: days 7-14;
/// 4: week 6.
pub const PNC_WINDOWS: [(i64, i64); 4] = [(0, 1), (2, 3), (7, 14), (35, 42)];

coded_enum! {
    /// Where the postnatal schedule of one person stands on a day.
    PncState {
        /// The next contact's window has not opened.
        Upcoming => "upcoming",
        /// The next contact's window is open today.
        Due => "due",
        /// A contact's window closed without a contact.
        Overdue => "overdue",
        /// All four contacts attended.
        Complete => "complete",
        /// The 42 days are over.
        Ended => "ended",
    }
}

/// The postnatal schedule of a mother or a baby on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PncStatus {
    pub day: i64,
    pub contact: Option<u8>,
    /// The window of that contact.
    pub window: Option<(Date, Date)>,
    pub state: PncState,
}

/// The contact (1 to 4) a contact on day `day` after birth counts as: the window it
/// falls in, or the next one when it falls between windows; `None` after day 42.
pub fn pnc_contact_number(day: i64) -> Option<u8> {
    if !(0..=POSTNATAL_DAYS).contains(&day) {
        return None;
    }
    let position = PNC_WINDOWS.iter().position(|(_, last)| day <= *last)?;
    u8::try_from(position + 1).ok()
}

fn window(born: Date, contact: u8) -> Option<(Date, Date)> {
    let (first, last) = PNC_WINDOWS.get(usize::from(contact).checked_sub(1)?)?;
    Some((
        born.checked_add(time::Duration::days(*first))?,
        born.checked_add(time::Duration::days(*last))?,
    ))
}

/// Which contact is due or overdue on `on` for someone born (or delivered) on
/// `born`, given the days of the contacts attended. A contact in its window is due;
/// the latest window that closed without a contact is overdue until one of the
/// later windows opens.
pub fn pnc_status(born: Date, contacts: &[Date], on: Date) -> PncStatus {
    let day = (on - born).whole_days();
    let attended = contacts
        .iter()
        .filter_map(|c| pnc_contact_number((*c - born).whole_days()))
        .max()
        .unwrap_or(0);
    let (contact, state) = if attended == 4 {
        (None, PncState::Complete)
    } else if day > POSTNATAL_DAYS {
        (None, PncState::Ended)
    } else {
        let candidates: Vec<u8> = (attended + 1..=4).collect();
        let open = candidates.iter().copied().find(|k| {
            PNC_WINDOWS[usize::from(*k) - 1].0 <= day && day <= PNC_WINDOWS[usize::from(*k) - 1].1
        });
        let closed = candidates
            .iter()
            .copied()
            .filter(|k| PNC_WINDOWS[usize::from(*k) - 1].1 < day)
            .max();
        match (open, closed, candidates.first()) {
            (Some(k), _, _) => (Some(k), PncState::Due),
            (None, Some(k), _) => (Some(k), PncState::Overdue),
            (None, None, Some(&k)) => (Some(k), PncState::Upcoming),
            (None, None, None) => (None, PncState::Complete),
        }
    };
    PncStatus {
        day,
        contact,
        window: contact.and_then(|k| window(born, k)),
        state,
    }
}

coded_enum! {
    /// Danger signs at a postnatal contact, of the mother or of the baby (WHO 2022).
    PncDangerSign {
        HeavyBleeding => "heavy_bleeding",
        Fever => "fever",
        Convulsions => "convulsions",
        SevereHeadache => "severe_headache",
        FoulDischarge => "foul_discharge",
        NotFeeding => "not_feeding",
        FastBreathing => "fast_breathing",
        ColdOrHot => "cold_or_hot",
        Jaundice => "jaundice",
        CordInfection => "cord_infection",
    }
}

/// A postnatal contact as typed.
#[derive(Clone, Debug, Default)]
pub struct PncContactInput<'a> {
    pub contact_on: &'a str,
    pub temperature_c: &'a str,
    pub weight_g: &'a str,
    pub breastfeeding: bool,
    pub danger_signs: &'a [String],
    pub notes: &'a str,
}

/// A postnatal contact, parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct PncContactDetails {
    contact_on: Date,
    temperature_c: Option<f64>,
    weight_g: Option<i64>,
    breastfeeding: bool,
    danger_signs: Vec<PncDangerSign>,
    notes: String,
}

impl PncContactDetails {
    /// A contact lies between the birth and the end of the 42 days, and not in the
    /// future.
    pub fn parse(
        input: &PncContactInput<'_>,
        today: Date,
        born: Date,
    ) -> Result<PncContactDetails, FieldErrors> {
        let mut errors = Errors::default();
        let contact_on = match errors.past_date("contact_on", input.contact_on, today) {
            Some(day) if day < born => {
                errors.push("contact_on", MchError::BeforeBirth);
                None
            }
            Some(day) if (day - born).whole_days() > POSTNATAL_DAYS => {
                errors.push("contact_on", MchError::AfterPostnatalPeriod);
                None
            }
            other => other,
        };
        let temperature_c = errors.number(
            "temperature_c",
            input.temperature_c,
            30.0..=45.0,
            MchError::BadTemperature,
        );
        let weight_g = errors.whole(
            "weight_g",
            input.weight_g,
            300..=8000,
            MchError::BadBirthWeight,
        );
        let danger_signs = errors.codes("danger_signs", input.danger_signs, PncDangerSign::parse);
        let notes = errors.text("notes", input.notes, NOTE_MAX);
        match contact_on {
            Some(contact_on) if errors.is_empty() => Ok(PncContactDetails {
                contact_on,
                temperature_c,
                weight_g,
                breastfeeding: input.breastfeeding,
                danger_signs,
                notes,
            }),
            _ => Err(errors.into_inner()),
        }
    }

    pub fn contact_on(&self) -> Date {
        self.contact_on
    }
    pub fn temperature_c(&self) -> Option<f64> {
        self.temperature_c
    }
    pub fn weight_g(&self) -> Option<i64> {
        self.weight_g
    }
    pub fn breastfeeding(&self) -> bool {
        self.breastfeeding
    }
    pub fn danger_signs(&self) -> &[PncDangerSign] {
        &self.danger_signs
    }
    pub fn notes(&self) -> &str {
        &self.notes
    }
    pub fn is_urgent(&self) -> bool {
        !self.danger_signs.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;
    use time::Duration;

    use super::*;

    #[test]
    fn contacts_count_for_their_window() {
        let check = |day: i64, expected: Option<u8>| {
            assert_eq!(pnc_contact_number(day), expected, "day {day}")
        };
        check(-1, None);
        check(0, Some(1));
        check(1, Some(1));
        check(2, Some(2));
        check(3, Some(2));
        check(5, Some(3));
        check(14, Some(3));
        check(20, Some(4));
        check(42, Some(4));
        check(43, None);
    }

    #[test]
    fn the_contact_due_or_overdue_on_a_day() {
        let born = date!(2025 - 10 - 01);
        let day = |n: i64| born + Duration::days(n);
        let check = |contacts: &[Date], on: Date, contact: Option<u8>, state: PncState| {
            let status = pnc_status(born, contacts, on);
            assert_eq!(
                (status.contact, status.state),
                (contact, state),
                "{contacts:?} on {on}"
            );
        };
        check(&[], day(0), Some(1), PncState::Due);
        check(&[], day(1), Some(1), PncState::Due);
        check(&[], day(2), Some(2), PncState::Due);
        check(&[day(0)], day(1), Some(2), PncState::Upcoming);
        check(&[day(0)], day(4), Some(2), PncState::Overdue);
        check(&[day(0)], day(8), Some(3), PncState::Due);
        check(
            &[day(0), day(3), day(10)],
            day(20),
            Some(4),
            PncState::Upcoming,
        );
        check(&[day(0), day(3), day(10)], day(36), Some(4), PncState::Due);
        check(
            &[day(0), day(3), day(10), day(40)],
            day(41),
            None,
            PncState::Complete,
        );
        check(&[day(0)], day(43), None, PncState::Ended);
        assert_eq!(
            pnc_status(born, &[day(0)], day(8)).window,
            Some((day(7), day(14)))
        );
    }

    #[test]
    fn contacts_lie_within_the_postnatal_period() {
        let born = date!(2025 - 10 - 01);
        let check = |on: &str, temperature: &str, expected: FieldErrors| {
            let input = PncContactInput {
                contact_on: on,
                temperature_c: temperature,
                ..PncContactInput::default()
            };
            assert_eq!(
                PncContactDetails::parse(&input, date!(2025 - 12 - 31), born)
                    .err()
                    .unwrap_or_default(),
                expected,
                "{on}"
            );
        };
        check("2025-10-03", "37.2", vec![]);
        check(
            "2025-09-30",
            "",
            vec![("contact_on", MchError::BeforeBirth)],
        );
        check(
            "2025-11-13",
            "",
            vec![("contact_on", MchError::AfterPostnatalPeriod)],
        );
        check(
            "2026-01-01",
            "",
            vec![("contact_on", MchError::DateInFuture)],
        );
        check(
            "2025-10-03",
            "50",
            vec![("temperature_c", MchError::BadTemperature)],
        );
    }
}
