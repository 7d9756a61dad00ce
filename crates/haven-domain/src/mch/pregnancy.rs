//! Pregnancy: dating (Naegele's rule, an early ultrasound overriding the LMP), the
//! WHO 2016 eight-contact antenatal schedule with what is due or overdue on a day,
//! danger signs that make a contact urgent, and the registration and contact forms.

use time::{Date, Duration};

use super::{Errors, FieldErrors, MchError, NOTE_MAX, SHORT_MAX};

/// Naegele's rule: the expected date of delivery is 280 days after the LMP.
pub const DAYS_LMP_TO_EDD: i64 = 280;
/// An ultrasound before this many weeks overrides the LMP dating.
pub const ULTRASOUND_OVERRIDES_BEFORE_WEEKS: i64 = 24;
/// The gestational week of each of the eight WHO 2016 contacts (contact 1: up to 12).
pub const ANC_CONTACT_WEEKS: [i64; 8] = [12, 20, 26, 30, 34, 36, 38, 40];
/// Not delivered by this week: she comes back (and is shown as past term).
pub const PAST_TERM_WEEKS: i64 = 41;
/// An LMP more than this many weeks before registration is refused.
pub const LMP_MAX_WEEKS: i64 = 44;
/// LOINC codes of the dating observations.
pub const LOINC_LMP: &str = "8665-2";
pub const LOINC_EDD: &str = "11778-8";
pub const LOINC_GESTATIONAL_AGE: &str = "11884-4";

/// A gestational age: whole days since the (dating) LMP, shown as weeks + days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct GestationalAge {
    days: i64,
}

impl GestationalAge {
    pub fn from_days(days: i64) -> GestationalAge {
        GestationalAge { days }
    }

    /// Weeks and days as an ultrasound report gives them (weeks 4 to 42, days 0 to 6).
    pub fn parse(weeks: &str, days: &str) -> Result<GestationalAge, MchError> {
        let weeks: i64 = weeks
            .trim()
            .parse()
            .map_err(|_| MchError::BadGestationalAge)?;
        let days: i64 = match days.trim() {
            "" => 0,
            raw => raw.parse().map_err(|_| MchError::BadGestationalAge)?,
        };
        if !(4..=42).contains(&weeks) || !(0..=6).contains(&days) {
            return Err(MchError::BadGestationalAge);
        }
        Ok(GestationalAge {
            days: weeks * 7 + days,
        })
    }

    pub fn days(self) -> i64 {
        self.days
    }
    pub fn weeks(self) -> i64 {
        self.days.div_euclid(7)
    }
    pub fn extra_days(self) -> i64 {
        self.days.rem_euclid(7)
    }

    /// `32+4`: 32 weeks and 4 days.
    pub fn text(self) -> String {
        format!("{}+{}", self.weeks(), self.extra_days())
    }
}

coded_enum! {
    /// How the pregnancy is dated.
    DatingBasis {
        Lmp => "lmp",
        Ultrasound => "ultrasound",
    }
}

/// The pregnancy's dating: an LMP, an ultrasound (its date and the gestational age
/// it found), or both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dating {
    lmp: Option<Date>,
    ultrasound: Option<(Date, GestationalAge)>,
}

impl Dating {
    /// `None` when neither is given.
    pub fn new(lmp: Option<Date>, ultrasound: Option<(Date, GestationalAge)>) -> Option<Dating> {
        (lmp.is_some() || ultrasound.is_some()).then_some(Dating { lmp, ultrasound })
    }

    pub fn lmp(&self) -> Option<Date> {
        self.lmp
    }
    pub fn ultrasound(&self) -> Option<(Date, GestationalAge)> {
        self.ultrasound
    }

    /// The LMP the pregnancy is dated from, and why: an ultrasound before 24 weeks
    /// overrides the LMP; a later one is used only when there is no LMP.
    pub fn dating_lmp(&self) -> (Date, DatingBasis) {
        let from_scan = self
            .ultrasound
            .map(|(on, ga)| (on - Duration::days(ga.days()), ga));
        match (self.lmp, from_scan) {
            (_, Some((lmp, ga))) if ga.weeks() < ULTRASOUND_OVERRIDES_BEFORE_WEEKS => {
                (lmp, DatingBasis::Ultrasound)
            }
            (Some(lmp), _) => (lmp, DatingBasis::Lmp),
            (None, Some((lmp, _))) => (lmp, DatingBasis::Ultrasound),
            // `new` refuses a dating with neither.
            (None, None) => (Date::MIN, DatingBasis::Lmp),
        }
    }

    /// The expected date of delivery: the dating LMP + 280 days.
    pub fn edd(&self) -> Date {
        edd(self.dating_lmp().0)
    }

    pub fn gestational_age_on(&self, day: Date) -> GestationalAge {
        gestational_age(self.dating_lmp().0, day)
    }
}

pub fn edd(lmp: Date) -> Date {
    lmp.saturating_add(Duration::days(DAYS_LMP_TO_EDD))
}

pub fn gestational_age(lmp: Date, day: Date) -> GestationalAge {
    GestationalAge::from_days((day - lmp).whole_days())
}

coded_enum! {
    /// Risk factors noted at registration.
    RiskFactor {
        PreviousCaesarean => "previous_caesarean",
        PreviousStillbirth => "previous_stillbirth",
        PreviousHaemorrhage => "previous_haemorrhage",
        PreviousPreEclampsia => "previous_pre_eclampsia",
        Hypertension => "hypertension",
        Diabetes => "diabetes",
        HeartDisease => "heart_disease",
        MultiplePregnancy => "multiple_pregnancy",
        Anaemia => "anaemia",
        Tuberculosis => "tuberculosis",
        Other => "other",
    }
}

coded_enum! {
    /// The danger signs of spec/mother-and-child.md: any one makes a contact urgent
    /// (refer now).
    DangerSign {
        VaginalBleeding => "vaginal_bleeding",
        Convulsions => "convulsions",
        Fever => "fever",
        SevereHeadache => "severe_headache",
        BlurredVision => "blurred_vision",
        SevereAbdominalPain => "severe_abdominal_pain",
        SevereVomiting => "severe_vomiting",
        LooksVeryIll => "looks_very_ill",
        Unconscious => "unconscious",
        Labour => "labour",
    }
}

coded_enum! {
    /// An HIV or syphilis screening at a contact.
    ScreeningResult {
        NotDone => "not_done",
        Negative => "negative",
        Positive => "positive",
        Declined => "declined",
    }
}

coded_enum! {
    /// Where the antenatal schedule stands on a day.
    AncState {
        /// The next contact's week is more than a week away.
        Upcoming => "upcoming",
        /// The next contact's week falls within the coming seven days.
        DueThisWeek => "due_this_week",
        /// A contact's week has passed and she has not come since.
        Overdue => "overdue",
        /// 41 weeks or more and not delivered: she comes back.
        PastTerm => "past_term",
        /// All eight contacts attended.
        Complete => "complete",
    }
}

/// The antenatal schedule of one pregnancy on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AncStatus {
    pub gestational_age: GestationalAge,
    /// The contact (1 to 8) due, overdue or coming next.
    pub contact: Option<u8>,
    /// The day of that contact's week (LMP + its week).
    pub due_on: Option<Date>,
    pub state: AncState,
}

/// The schedule's contact that a contact at this gestational age counts as: the
/// first whose week has not passed (contact 1 up to 12 weeks + 6 days, contact 2
/// from 13 to 20 weeks + 6 days, ...; after 40 weeks, contact 8).
pub fn anc_contact_number(ga: GestationalAge) -> u8 {
    let position = ANC_CONTACT_WEEKS
        .iter()
        .position(|week| ga.weeks() <= *week)
        .unwrap_or(ANC_CONTACT_WEEKS.len() - 1);
    // position < 8, so it fits.
    u8::try_from(position + 1).unwrap_or(8)
}

/// The day a contact is due: LMP + its week.
pub fn anc_due_on(lmp: Date, contact: u8) -> Option<Date> {
    let week = ANC_CONTACT_WEEKS.get(usize::from(contact).checked_sub(1)?)?;
    lmp.checked_add(Duration::weeks(*week))
}

/// Which contact is due or overdue on `on`, given the days of the contacts attended.
/// Contacts the woman did not attend and whose week has passed are overdue until
/// she comes again (a contact later in pregnancy covers the missed ones); the
/// contact due is the first not yet attended.
pub fn anc_status(lmp: Date, contacts: &[Date], on: Date) -> AncStatus {
    let ga = gestational_age(lmp, on);
    if ga.weeks() >= PAST_TERM_WEEKS {
        return AncStatus {
            gestational_age: ga,
            contact: None,
            due_on: None,
            state: AncState::PastTerm,
        };
    }
    let attended = contacts
        .iter()
        .map(|day| anc_contact_number(gestational_age(lmp, *day)))
        .max()
        .unwrap_or(0);
    let candidates: Vec<u8> = (attended + 1..=8).collect();
    let overdue = candidates
        .iter()
        .copied()
        .filter(|k| anc_due_on(lmp, *k).is_some_and(|due| due < on))
        .max();
    let (contact, state) = match (overdue, candidates.first()) {
        (Some(k), _) => (Some(k), AncState::Overdue),
        (None, Some(&k)) => {
            let due = anc_due_on(lmp, k).unwrap_or(on);
            if (due - on).whole_days() <= 6 {
                (Some(k), AncState::DueThisWeek)
            } else {
                (Some(k), AncState::Upcoming)
            }
        }
        (None, None) => (None, AncState::Complete),
    };
    AncStatus {
        gestational_age: ga,
        contact,
        due_on: contact.and_then(|k| anc_due_on(lmp, k)),
        state,
    }
}

/// A contact is urgent (refer now) when any danger sign is present.
pub fn is_urgent(signs: &[DangerSign]) -> bool {
    !signs.is_empty()
}

/// A pregnancy's registration as typed.
#[derive(Clone, Debug, Default)]
pub struct PregnancyInput<'a> {
    pub registered_on: &'a str,
    pub lmp: &'a str,
    pub ultrasound_on: &'a str,
    pub ultrasound_weeks: &'a str,
    pub ultrasound_days: &'a str,
    pub gravida: &'a str,
    pub para: &'a str,
    pub risk_factors: &'a [String],
    pub notes: &'a str,
}

/// A pregnancy's registration, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PregnancyDetails {
    registered_on: Date,
    dating: Dating,
    gravida: i64,
    para: i64,
    risk_factors: Vec<RiskFactor>,
    notes: String,
}

impl PregnancyDetails {
    /// Refuses an LMP or scan in the future, an LMP more than 44 weeks before
    /// registration, a registration with no dating, and para not below gravida.
    pub fn parse(input: &PregnancyInput<'_>, today: Date) -> Result<PregnancyDetails, FieldErrors> {
        let mut errors = Errors::default();
        let registered_on = errors.past_date("registered_on", input.registered_on, today);
        let lmp = errors.date("lmp", input.lmp);
        let lmp = match lmp {
            Some(lmp) if lmp > today => {
                errors.push("lmp", MchError::LmpInFuture);
                None
            }
            Some(lmp) if registered_on.is_some_and(|r| (r - lmp).whole_weeks() > LMP_MAX_WEEKS) => {
                errors.push("lmp", MchError::LmpTooLongAgo);
                None
            }
            other => other,
        };
        let scan_on = errors.date("ultrasound_on", input.ultrasound_on);
        if scan_on.is_some_and(|d| d > today) {
            errors.push("ultrasound_on", MchError::DateInFuture);
        }
        let ultrasound = match (scan_on, input.ultrasound_weeks.trim()) {
            (Some(_), "") => {
                errors.push("ultrasound_weeks", MchError::UltrasoundAgeRequired);
                None
            }
            (Some(on), weeks) => match GestationalAge::parse(weeks, input.ultrasound_days) {
                Ok(ga) => Some((on, ga)),
                Err(error) => {
                    errors.push("ultrasound_weeks", error);
                    None
                }
            },
            (None, "") => None,
            (None, _) => {
                if input.ultrasound_on.trim().is_empty() {
                    errors.push("ultrasound_on", MchError::DateRequired);
                }
                None
            }
        };
        let dating = Dating::new(lmp, ultrasound);
        if dating.is_none() && errors.is_empty() {
            errors.push("lmp", MchError::DatingRequired);
        }
        let gravida = match input.gravida.trim() {
            "" => {
                errors.push("gravida", MchError::BadGravida);
                None
            }
            raw => errors.whole("gravida", raw, 1..=30, MchError::BadGravida),
        };
        let para = match input.para.trim() {
            "" => Some(0),
            raw => errors.whole("para", raw, 0..=29, MchError::BadPara),
        };
        if let (Some(g), Some(p)) = (gravida, para) {
            if p >= g {
                errors.push("para", MchError::BadPara);
            }
        }
        let risk_factors = errors.codes("risk_factors", input.risk_factors, RiskFactor::parse);
        let notes = errors.text("notes", input.notes, NOTE_MAX);
        match (registered_on, dating, gravida, para) {
            (Some(registered_on), Some(dating), Some(gravida), Some(para)) if errors.is_empty() => {
                Ok(PregnancyDetails {
                    registered_on,
                    dating,
                    gravida,
                    para,
                    risk_factors,
                    notes,
                })
            }
            _ => Err(errors.into_inner()),
        }
    }

    pub fn registered_on(&self) -> Date {
        self.registered_on
    }
    pub fn dating(&self) -> Dating {
        self.dating
    }
    pub fn gravida(&self) -> i64 {
        self.gravida
    }
    pub fn para(&self) -> i64 {
        self.para
    }
    pub fn risk_factors(&self) -> &[RiskFactor] {
        &self.risk_factors
    }
    pub fn notes(&self) -> &str {
        &self.notes
    }
}

coded_enum! {
    /// Why a pregnancy ended without a delivery record. An ended pregnancy leaves
    /// the worklists; the woman may then register a new one.
    PregnancyEnd {
        Miscarriage => "miscarriage",
        Abortion => "abortion",
        Ectopic => "ectopic",
        MovedAway => "moved_away",
        LostToFollowUp => "lost_to_follow_up",
    }
}

/// The end of a pregnancy without a delivery, as typed.
#[derive(Clone, Debug, Default)]
pub struct PregnancyEndInput<'a> {
    pub ended_on: &'a str,
    pub reason: &'a str,
    pub notes: &'a str,
}

/// The end of a pregnancy without a delivery, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PregnancyEndDetails {
    ended_on: Date,
    reason: PregnancyEnd,
    notes: String,
}

impl PregnancyEndDetails {
    /// Refuses a day in the future or before the registration, and a missing or
    /// unknown reason.
    pub fn parse(
        input: &PregnancyEndInput<'_>,
        today: Date,
        registered_on: Date,
    ) -> Result<PregnancyEndDetails, FieldErrors> {
        let mut errors = Errors::default();
        let ended_on = errors.past_date("ended_on", input.ended_on, today);
        let ended_on = match ended_on {
            Some(d) if d < registered_on => {
                errors.push("ended_on", MchError::BeforeRegistration);
                None
            }
            other => other,
        };
        let reason = if input.reason.trim().is_empty() {
            errors.push("reason", MchError::ReasonRequired);
            None
        } else {
            errors.choice("reason", input.reason, PregnancyEnd::parse)
        };
        let notes = errors.text("notes", input.notes, NOTE_MAX);
        match (ended_on, reason) {
            (Some(ended_on), Some(reason)) if errors.is_empty() => Ok(PregnancyEndDetails {
                ended_on,
                reason,
                notes,
            }),
            _ => Err(errors.into_inner()),
        }
    }

    pub fn ended_on(&self) -> Date {
        self.ended_on
    }
    pub fn reason(&self) -> PregnancyEnd {
        self.reason
    }
    pub fn notes(&self) -> &str {
        &self.notes
    }
}

/// An antenatal contact as typed.
#[derive(Clone, Debug, Default)]
pub struct AncContactInput<'a> {
    pub contact_on: &'a str,
    pub blood_pressure: &'a str,
    pub weight_kg: &'a str,
    pub fundal_height_cm: &'a str,
    pub fetal_heart_bpm: &'a str,
    pub haemoglobin_g_dl: &'a str,
    pub hiv: &'a str,
    pub syphilis: &'a str,
    pub td_given: bool,
    pub td_lot: &'a str,
    pub iron_folic_acid: bool,
    pub danger_signs: &'a [String],
    pub notes: &'a str,
}

/// A blood pressure in mmHg.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BloodPressure {
    systolic: i64,
    diastolic: i64,
}

impl BloodPressure {
    /// `120/80`: systolic 50 to 300, diastolic 20 to 200, systolic above diastolic.
    pub fn parse(raw: &str) -> Result<BloodPressure, MchError> {
        let (s, d) = raw
            .trim()
            .split_once('/')
            .ok_or(MchError::BadBloodPressure)?;
        let systolic: i64 = s.trim().parse().map_err(|_| MchError::BadBloodPressure)?;
        let diastolic: i64 = d.trim().parse().map_err(|_| MchError::BadBloodPressure)?;
        if !(50..=300).contains(&systolic)
            || !(20..=200).contains(&diastolic)
            || systolic <= diastolic
        {
            return Err(MchError::BadBloodPressure);
        }
        Ok(BloodPressure {
            systolic,
            diastolic,
        })
    }

    pub fn from_parts(systolic: i64, diastolic: i64) -> BloodPressure {
        BloodPressure {
            systolic,
            diastolic,
        }
    }

    pub fn systolic(self) -> i64 {
        self.systolic
    }
    pub fn diastolic(self) -> i64 {
        self.diastolic
    }

    /// 140/90 or more: hypertension in pregnancy (WHO).
    pub fn is_raised(self) -> bool {
        self.systolic >= 140 || self.diastolic >= 90
    }

    pub fn text(self) -> String {
        format!("{}/{}", self.systolic, self.diastolic)
    }
}

/// Haemoglobin below this (g/dL) is anaemia in pregnancy (WHO).
pub const ANAEMIA_BELOW_G_DL: f64 = 11.0;

/// An antenatal contact, parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct AncContactDetails {
    contact_on: Date,
    blood_pressure: Option<BloodPressure>,
    weight_kg: Option<f64>,
    fundal_height_cm: Option<f64>,
    fetal_heart_bpm: Option<i64>,
    haemoglobin_g_dl: Option<f64>,
    hiv: Option<ScreeningResult>,
    syphilis: Option<ScreeningResult>,
    td_given: bool,
    td_lot: String,
    iron_folic_acid: bool,
    danger_signs: Vec<DangerSign>,
    notes: String,
}

impl AncContactDetails {
    /// A contact is on or after the pregnancy's registration and its dating LMP,
    /// and not in the future.
    pub fn parse(
        input: &AncContactInput<'_>,
        today: Date,
        registered_on: Date,
        dating_lmp: Date,
    ) -> Result<AncContactDetails, FieldErrors> {
        let mut errors = Errors::default();
        let contact_on = errors.past_date("contact_on", input.contact_on, today);
        let contact_on = match contact_on {
            Some(day) if day < dating_lmp => {
                errors.push("contact_on", MchError::BeforeLmp);
                None
            }
            Some(day) if day < registered_on => {
                errors.push("contact_on", MchError::BeforeRegistration);
                None
            }
            other => other,
        };
        let blood_pressure = match input.blood_pressure.trim() {
            "" => None,
            raw => match BloodPressure::parse(raw) {
                Ok(bp) => Some(bp),
                Err(error) => {
                    errors.push("blood_pressure", error);
                    None
                }
            },
        };
        let weight_kg = errors.number(
            "weight_kg",
            input.weight_kg,
            25.0..=250.0,
            MchError::BadWeight,
        );
        let fundal_height_cm = errors.number(
            "fundal_height_cm",
            input.fundal_height_cm,
            5.0..=50.0,
            MchError::BadFundalHeight,
        );
        let fetal_heart_bpm = errors.whole(
            "fetal_heart_bpm",
            input.fetal_heart_bpm,
            60..=240,
            MchError::BadFetalHeart,
        );
        let haemoglobin_g_dl = errors.number(
            "haemoglobin_g_dl",
            input.haemoglobin_g_dl,
            2.0..=25.0,
            MchError::BadHaemoglobin,
        );
        let hiv = errors.choice("hiv", input.hiv, ScreeningResult::parse);
        let syphilis = errors.choice("syphilis", input.syphilis, ScreeningResult::parse);
        let td_lot = errors.text("td_lot", input.td_lot, SHORT_MAX);
        let danger_signs = errors.codes("danger_signs", input.danger_signs, DangerSign::parse);
        let notes = errors.text("notes", input.notes, NOTE_MAX);
        match contact_on {
            Some(contact_on) if errors.is_empty() => Ok(AncContactDetails {
                contact_on,
                blood_pressure,
                weight_kg,
                fundal_height_cm,
                fetal_heart_bpm,
                haemoglobin_g_dl,
                hiv,
                syphilis,
                td_given: input.td_given,
                td_lot,
                iron_folic_acid: input.iron_folic_acid,
                danger_signs,
                notes,
            }),
            _ => Err(errors.into_inner()),
        }
    }

    pub fn contact_on(&self) -> Date {
        self.contact_on
    }
    pub fn blood_pressure(&self) -> Option<BloodPressure> {
        self.blood_pressure
    }
    pub fn weight_kg(&self) -> Option<f64> {
        self.weight_kg
    }
    pub fn fundal_height_cm(&self) -> Option<f64> {
        self.fundal_height_cm
    }
    pub fn fetal_heart_bpm(&self) -> Option<i64> {
        self.fetal_heart_bpm
    }
    pub fn haemoglobin_g_dl(&self) -> Option<f64> {
        self.haemoglobin_g_dl
    }
    pub fn hiv(&self) -> Option<ScreeningResult> {
        self.hiv
    }
    pub fn syphilis(&self) -> Option<ScreeningResult> {
        self.syphilis
    }
    pub fn td_given(&self) -> bool {
        self.td_given
    }
    pub fn td_lot(&self) -> &str {
        &self.td_lot
    }
    pub fn iron_folic_acid(&self) -> bool {
        self.iron_folic_acid
    }
    pub fn danger_signs(&self) -> &[DangerSign] {
        &self.danger_signs
    }
    pub fn notes(&self) -> &str {
        &self.notes
    }
    pub fn is_urgent(&self) -> bool {
        is_urgent(&self.danger_signs)
    }

    /// Drops the HIV result: what a writer without the HIV permission may record.
    pub fn without_hiv(mut self) -> AncContactDetails {
        self.hiv = None;
        self
    }
}

#[cfg(test)]
mod end_tests {
    use super::*;
    use time::macros::date;

    fn check(ended_on: &str, reason: &str, expected: Result<(Date, PregnancyEnd), FieldErrors>) {
        let parsed = PregnancyEndDetails::parse(
            &PregnancyEndInput {
                ended_on,
                reason,
                notes: "",
            },
            date!(2025 - 06 - 01),
            date!(2025 - 03 - 01),
        )
        .map(|d| (d.ended_on(), d.reason()));
        assert_eq!(parsed, expected, "{ended_on} {reason}");
    }

    #[test]
    fn an_end_is_dated_between_registration_and_today_with_a_reason() {
        check(
            "2025-04-02",
            "miscarriage",
            Ok((date!(2025 - 04 - 02), PregnancyEnd::Miscarriage)),
        );
        check(
            "2025-03-01",
            "lost_to_follow_up",
            Ok((date!(2025 - 03 - 01), PregnancyEnd::LostToFollowUp)),
        );
        check(
            "2025-06-02",
            "ectopic",
            Err(vec![("ended_on", MchError::DateInFuture)]),
        );
        check(
            "2025-02-28",
            "abortion",
            Err(vec![("ended_on", MchError::BeforeRegistration)]),
        );
        check(
            "2025-04-02",
            "",
            Err(vec![("reason", MchError::ReasonRequired)]),
        );
        check(
            "",
            "twins",
            Err(vec![
                ("ended_on", MchError::DateRequired),
                ("reason", MchError::BadChoice),
            ]),
        );
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn edd_is_lmp_plus_280_days_and_an_early_scan_overrides() {
        let check =
            |lmp: Option<Date>, scan: Option<(Date, i64)>, edd: Date, basis: DatingBasis| {
                let scan = scan.map(|(on, days)| (on, GestationalAge::from_days(days)));
                let dating = Dating::new(lmp, scan).expect("a dating");
                assert_eq!(dating.edd(), edd, "{lmp:?} {scan:?}");
                assert_eq!(dating.dating_lmp().1, basis, "{lmp:?} {scan:?}");
            };
        check(
            Some(date!(2025 - 01 - 01)),
            None,
            date!(2025 - 10 - 08),
            DatingBasis::Lmp,
        );
        check(
            Some(date!(2024 - 02 - 29)),
            None,
            date!(2024 - 12 - 05),
            DatingBasis::Lmp,
        );
        // A scan at 10+0 on 20 March: LMP 9 January, EDD 15 October.
        check(
            Some(date!(2025 - 01 - 01)),
            Some((date!(2025 - 03 - 20), 70)),
            date!(2025 - 10 - 16),
            DatingBasis::Ultrasound,
        );
        // A scan at 24+0 or later does not override the LMP.
        check(
            Some(date!(2025 - 01 - 01)),
            Some((date!(2025 - 06 - 20), 24 * 7)),
            date!(2025 - 10 - 08),
            DatingBasis::Lmp,
        );
        // ...unless there is no LMP.
        check(
            None,
            Some((date!(2025 - 06 - 20), 24 * 7)),
            date!(2025 - 10 - 10),
            DatingBasis::Ultrasound,
        );
        assert_eq!(Dating::new(None, None), None);
    }

    #[test]
    fn gestational_age_is_weeks_and_days() {
        let lmp = date!(2025 - 01 - 01);
        assert_eq!(gestational_age(lmp, date!(2025 - 08 - 10)).text(), "31+4");
        assert_eq!(gestational_age(lmp, lmp).text(), "0+0");
        assert_eq!(
            GestationalAge::parse("12", "3").map(GestationalAge::days),
            Ok(87)
        );
        assert_eq!(
            GestationalAge::parse("12", "").map(GestationalAge::days),
            Ok(84)
        );
        for (w, d) in [
            ("3", "0"),
            ("43", "0"),
            ("12", "7"),
            ("x", "1"),
            ("12", "-1"),
        ] {
            assert_eq!(
                GestationalAge::parse(w, d),
                Err(MchError::BadGestationalAge),
                "{w}+{d}"
            );
        }
    }

    #[test]
    fn contacts_count_for_the_schedule_week_they_fall_in() {
        let check = |weeks: i64, days: i64, expected: u8| {
            assert_eq!(
                anc_contact_number(GestationalAge::from_days(weeks * 7 + days)),
                expected,
                "{weeks}+{days}"
            );
        };
        check(8, 0, 1);
        check(12, 6, 1);
        check(13, 0, 2);
        check(20, 6, 2);
        check(21, 0, 3);
        check(26, 0, 3);
        check(30, 0, 4);
        check(34, 0, 5);
        check(36, 0, 6);
        check(38, 0, 7);
        check(40, 0, 8);
        check(40, 6, 8);
        check(42, 0, 8);
    }

    #[test]
    fn the_contact_due_or_overdue_on_a_day() {
        let lmp = date!(2025 - 01 - 01);
        let on_week = |weeks: i64, days: i64| lmp + Duration::days(weeks * 7 + days);
        let check = |contacts: &[Date], on: Date, contact: Option<u8>, state: AncState| {
            let status = anc_status(lmp, contacts, on);
            assert_eq!(
                (status.contact, status.state),
                (contact, state),
                "{contacts:?} on {on}"
            );
        };
        // No contact yet at 8 weeks: contact 1 is due by week 12.
        check(&[], on_week(8, 0), Some(1), AncState::Upcoming);
        check(&[], on_week(11, 1), Some(1), AncState::DueThisWeek);
        check(&[], on_week(12, 0), Some(1), AncState::DueThisWeek);
        check(&[], on_week(12, 1), Some(1), AncState::Overdue);
        // Seen at 10 weeks; at 19+2 contact 2 (20 weeks) is due this week.
        let first = [on_week(10, 0)];
        check(&first, on_week(15, 0), Some(2), AncState::Upcoming);
        check(&first, on_week(19, 2), Some(2), AncState::DueThisWeek);
        check(&first, on_week(20, 1), Some(2), AncState::Overdue);
        // Missed 20 and 26 weeks: at 27 weeks the latest missed contact is overdue.
        check(&first, on_week(27, 0), Some(3), AncState::Overdue);
        // She comes at 27 weeks: that counts for contact 4 (30 weeks), so nothing
        // is overdue any more.
        let second = [on_week(10, 0), on_week(27, 0)];
        check(&second, on_week(28, 0), Some(5), AncState::Upcoming);
        // Registered late at 29 weeks with no contact: the missed 26-week contact is overdue.
        check(&[], on_week(29, 3), Some(3), AncState::Overdue);
        // All eight attended.
        let all: Vec<Date> = ANC_CONTACT_WEEKS.iter().map(|w| on_week(*w, 0)).collect();
        check(&all, on_week(40, 2), None, AncState::Complete);
        // Past 41 weeks and not delivered: she comes back.
        check(&all, on_week(41, 0), None, AncState::PastTerm);
        assert_eq!(
            anc_status(lmp, &first, on_week(19, 2)).due_on,
            Some(on_week(20, 0))
        );
    }

    #[test]
    fn danger_signs_make_a_contact_urgent() {
        assert!(!is_urgent(&[]));
        for sign in DangerSign::ALL {
            assert!(is_urgent(&[*sign]), "{sign:?}");
        }
        let codes: Vec<&str> = DangerSign::ALL.iter().map(|s| s.code()).collect();
        assert_eq!(
            codes,
            [
                "vaginal_bleeding",
                "convulsions",
                "fever",
                "severe_headache",
                "blurred_vision",
                "severe_abdominal_pain",
                "severe_vomiting",
                "looks_very_ill",
                "unconscious",
                "labour"
            ]
        );
    }

    fn registration(lmp: &str, gravida: &str, para: &str) -> Result<PregnancyDetails, FieldErrors> {
        PregnancyDetails::parse(
            &PregnancyInput {
                registered_on: "2025-03-01",
                lmp,
                gravida,
                para,
                ..PregnancyInput::default()
            },
            date!(2025 - 03 - 01),
        )
    }

    #[test]
    fn bad_registrations_are_refused_at_their_field() {
        let check = |lmp: &str, gravida: &str, para: &str, expected: FieldErrors| {
            assert_eq!(
                registration(lmp, gravida, para).err().unwrap_or_default(),
                expected,
                "{lmp} {gravida} {para}"
            );
        };
        check("2025-01-01", "2", "1", vec![]);
        check("2025-03-02", "1", "0", vec![("lmp", MchError::LmpInFuture)]);
        check(
            "2024-04-01",
            "1",
            "0",
            vec![("lmp", MchError::LmpTooLongAgo)],
        );
        check("2025-02-30", "1", "0", vec![("lmp", MchError::BadDate)]);
        check("", "1", "0", vec![("lmp", MchError::DatingRequired)]);
        check(
            "2025-01-01",
            "",
            "0",
            vec![("gravida", MchError::BadGravida)],
        );
        check(
            "2025-01-01",
            "0",
            "0",
            vec![("gravida", MchError::BadGravida)],
        );
        check("2025-01-01", "2", "2", vec![("para", MchError::BadPara)]);
        check("2025-01-01", "2", "x", vec![("para", MchError::BadPara)]);
        let scan = PregnancyDetails::parse(
            &PregnancyInput {
                registered_on: "2025-03-01",
                ultrasound_on: "2025-02-20",
                ultrasound_weeks: "",
                gravida: "1",
                ..PregnancyInput::default()
            },
            date!(2025 - 03 - 01),
        );
        assert_eq!(
            scan.err(),
            Some(vec![("ultrasound_weeks", MchError::UltrasoundAgeRequired)])
        );
        let risks = ["previous_caesarean".to_owned(), "witchcraft".to_owned()];
        let risky = PregnancyDetails::parse(
            &PregnancyInput {
                registered_on: "2025-03-01",
                lmp: "2025-01-01",
                gravida: "3",
                risk_factors: &risks,
                ..PregnancyInput::default()
            },
            date!(2025 - 03 - 01),
        );
        assert_eq!(
            risky.err(),
            Some(vec![("risk_factors", MchError::BadChoice)])
        );
    }

    #[test]
    fn contacts_are_parsed_with_their_ranges() {
        let lmp = date!(2025 - 01 - 01);
        let check = |input: AncContactInput<'_>, expected: FieldErrors| {
            let result =
                AncContactDetails::parse(&input, date!(2025 - 06 - 01), date!(2025 - 02 - 01), lmp);
            assert_eq!(result.err().unwrap_or_default(), expected, "{input:?}");
        };
        let base = AncContactInput {
            contact_on: "2025-05-01",
            ..AncContactInput::default()
        };
        check(base.clone(), vec![]);
        check(
            AncContactInput {
                contact_on: "2025-06-02",
                ..base.clone()
            },
            vec![("contact_on", MchError::DateInFuture)],
        );
        check(
            AncContactInput {
                contact_on: "2025-01-20",
                ..base.clone()
            },
            vec![("contact_on", MchError::BeforeRegistration)],
        );
        check(
            AncContactInput {
                contact_on: "2024-12-20",
                ..base.clone()
            },
            vec![("contact_on", MchError::BeforeLmp)],
        );
        check(
            AncContactInput {
                blood_pressure: "80/120",
                ..base.clone()
            },
            vec![("blood_pressure", MchError::BadBloodPressure)],
        );
        check(
            AncContactInput {
                blood_pressure: "120",
                ..base.clone()
            },
            vec![("blood_pressure", MchError::BadBloodPressure)],
        );
        check(
            AncContactInput {
                weight_kg: "12",
                ..base.clone()
            },
            vec![("weight_kg", MchError::BadWeight)],
        );
        check(
            AncContactInput {
                fundal_height_cm: "NaN",
                ..base.clone()
            },
            vec![("fundal_height_cm", MchError::BadFundalHeight)],
        );
        check(
            AncContactInput {
                fetal_heart_bpm: "300",
                ..base.clone()
            },
            vec![("fetal_heart_bpm", MchError::BadFetalHeart)],
        );
        check(
            AncContactInput {
                haemoglobin_g_dl: "1",
                ..base.clone()
            },
            vec![("haemoglobin_g_dl", MchError::BadHaemoglobin)],
        );
        check(
            AncContactInput {
                hiv: "maybe",
                ..base.clone()
            },
            vec![("hiv", MchError::BadChoice)],
        );
        let signs = ["fever".to_owned()];
        let urgent = AncContactDetails::parse(
            &AncContactInput {
                danger_signs: &signs,
                haemoglobin_g_dl: "10,5",
                blood_pressure: "150/95",
                ..base.clone()
            },
            date!(2025 - 06 - 01),
            date!(2025 - 02 - 01),
            lmp,
        )
        .expect("valid");
        assert!(urgent.is_urgent());
        assert_eq!(urgent.haemoglobin_g_dl(), Some(10.5));
        assert!(urgent
            .blood_pressure()
            .is_some_and(BloodPressure::is_raised));
    }
}
