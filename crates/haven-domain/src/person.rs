//! A person in the registry: names as written in Khmer script and in Latin letters,
//! sex, a date of birth with its precision, identifiers, categories and
//! relationships. One record per human being across health and care.
//!
//! Every value here is parsed once at the edge ("parse, don't validate"); today's
//! date comes in as an argument, because this crate reads no clock.

use time::{Date, Month};

use crate::text::{is_control_or_line_separator, is_direction_control, is_letter, normalise};

/// What is wrong with a person's details. Each code is a translation key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PersonError {
    #[error("a person needs a given or family name in Khmer or Latin script")]
    NameRequired,
    #[error("a name is at most 100 characters")]
    NameTooLong,
    #[error("a name cannot hold the hidden characters that change the direction of text")]
    NameHasDirectionControl,
    #[error("a name is one line, without line breaks, tabs or other control characters")]
    NameHasControlCharacter,
    #[error("a name needs at least one letter")]
    NameWithoutLetter,
    #[error("this field takes Khmer script")]
    NotKhmerScript,
    #[error("this field takes Latin letters; Khmer script goes in the Khmer fields")]
    NotLatinScript,
    #[error("choose the person's sex")]
    SexRequired,
    #[error("the date of birth is missing")]
    BirthDateMissing,
    #[error("there is no such day in the calendar")]
    BirthDateNoSuchDay,
    #[error("the date of birth is in the future")]
    BirthDateInFuture,
    #[error("the date of birth is before 1900")]
    BirthDateBefore1900,
    #[error("an age is a number of years from 0 to 120")]
    BadAge,
    #[error("the identifier is empty")]
    IdentifierEmpty,
    #[error("the identifier has characters an identifier cannot have")]
    IdentifierMalformed,
    #[error("this is not a Haven number: check the digits")]
    HavenNumberMalformed,
    #[error("a phone number has 8 to 15 digits")]
    PhoneMalformed,
    #[error("the date of death is in the future")]
    DeathInFuture,
    #[error("the date of death is before the date of birth")]
    DeathBeforeBirth,
}

impl PersonError {
    /// The translation key of the message.
    pub fn code(self) -> &'static str {
        match self {
            PersonError::NameRequired => "person-error-name-required",
            PersonError::NameTooLong => "person-error-name-too-long",
            PersonError::NameHasDirectionControl => "person-error-name-direction-control",
            PersonError::NameHasControlCharacter => "person-error-name-control-character",
            PersonError::NameWithoutLetter => "person-error-name-no-letter",
            PersonError::NotKhmerScript => "person-error-not-khmer",
            PersonError::NotLatinScript => "person-error-not-latin",
            PersonError::SexRequired => "person-error-sex-required",
            PersonError::BirthDateMissing => "person-error-birth-date-missing",
            PersonError::BirthDateNoSuchDay => "person-error-birth-date-no-such-day",
            PersonError::BirthDateInFuture => "person-error-birth-date-future",
            PersonError::BirthDateBefore1900 => "person-error-birth-date-before-1900",
            PersonError::BadAge => "person-error-bad-age",
            PersonError::IdentifierEmpty => "person-error-identifier-empty",
            PersonError::IdentifierMalformed => "person-error-identifier-malformed",
            PersonError::HavenNumberMalformed => "person-error-haven-number",
            PersonError::PhoneMalformed => "person-error-phone",
            PersonError::DeathInFuture => "person-error-death-future",
            PersonError::DeathBeforeBirth => "person-error-death-before-birth",
        }
    }

    /// Every error, for the test that keeps the translation files complete.
    pub const ALL: [PersonError; 19] = [
        PersonError::NameRequired,
        PersonError::NameTooLong,
        PersonError::NameHasDirectionControl,
        PersonError::NameHasControlCharacter,
        PersonError::NameWithoutLetter,
        PersonError::NotKhmerScript,
        PersonError::NotLatinScript,
        PersonError::SexRequired,
        PersonError::BirthDateMissing,
        PersonError::BirthDateNoSuchDay,
        PersonError::BirthDateInFuture,
        PersonError::BirthDateBefore1900,
        PersonError::BadAge,
        PersonError::IdentifierEmpty,
        PersonError::IdentifierMalformed,
        PersonError::HavenNumberMalformed,
        PersonError::PhoneMalformed,
        PersonError::DeathInFuture,
        PersonError::DeathBeforeBirth,
    ];
}

coded_enum! {
    /// Sex as recorded at registration.
    Sex { Female => "female", Male => "male", Other => "other", Unknown => "unknown" }
}

coded_enum! {
    /// How much of a date of birth is known.
    BirthDatePrecision {
        Exact => "exact",
        Month => "month",
        Year => "year",
        /// Estimated from an age, such as "about 7 years", for children without papers.
        Estimated => "estimated",
    }
}

coded_enum! {
    /// The kinds of identifier a person can hold.
    IdentifierKind {
        Haven => "haven",
        NationalId => "national_id",
        BirthCertificate => "birth_certificate",
        SosChildNumber => "sos_child_number",
        MedicalRecord => "medical_record",
        IdPoor => "id_poor",
    }
}

coded_enum! {
    /// Categories as the programmes name them; a person can be in several at once.
    Category {
        SosChild => "sos_child",
        SosCaregiver => "sos_caregiver",
        SosStaff => "sos_staff",
        StaffFamily => "staff_family",
        CommunityMember => "community_member",
        FamilyStrengthening => "family_strengthening",
    }
}

coded_enum! {
    /// What the related person is to the person: (child, woman, Mother) reads "the
    /// woman is the child's mother".
    RelationshipKind {
        Mother => "mother",
        Father => "father",
        Sibling => "sibling",
        Guardian => "guardian",
        SosParent => "sos_parent",
        Spouse => "spouse",
        HouseholdMember => "household_member",
    }
}

impl RelationshipKind {
    /// The translation key for the other direction: the mother's page shows her
    /// child as "child"; a sibling's page shows "sibling".
    pub fn inverse_label_key(self) -> &'static str {
        match self {
            RelationshipKind::Mother | RelationshipKind::Father => "relationshipkind-child",
            RelationshipKind::Guardian => "relationshipkind-ward",
            RelationshipKind::SosParent => "relationshipkind-sos-child",
            RelationshipKind::Sibling => "relationshipkind-sibling",
            RelationshipKind::Spouse => "relationshipkind-spouse",
            RelationshipKind::HouseholdMember => "relationshipkind-household-member",
        }
    }
}

coded_enum! {
    /// Age bands for search filters and figures.
    AgeBand {
        Under1 => "under_1",
        From1To4 => "1_4",
        From5To9 => "5_9",
        From10To14 => "10_14",
        From15To17 => "15_17",
        From18To59 => "18_59",
        From60 => "60_plus",
    }
}

impl AgeBand {
    /// The ages in whole years the band holds, the upper one included (`None`: no
    /// upper bound).
    pub fn years(self) -> (i32, Option<i32>) {
        match self {
            AgeBand::Under1 => (0, Some(0)),
            AgeBand::From1To4 => (1, Some(4)),
            AgeBand::From5To9 => (5, Some(9)),
            AgeBand::From10To14 => (10, Some(14)),
            AgeBand::From15To17 => (15, Some(17)),
            AgeBand::From18To59 => (18, Some(59)),
            AgeBand::From60 => (60, None),
        }
    }

    /// The dates of birth of people in this band on `today`: born after the first
    /// date (when there is one) and on or before the second.
    pub fn birth_dates(self, today: Date) -> (Option<Date>, Date) {
        let (youngest, oldest) = self.years();
        let latest = years_before(today, youngest);
        let earliest_exclusive = oldest.map(|oldest| years_before(today, oldest + 1));
        (earliest_exclusive, latest)
    }

    /// The band of an age in whole years.
    pub fn of_age(years: i32) -> AgeBand {
        AgeBand::ALL
            .iter()
            .copied()
            .find(|band| {
                let (low, high) = band.years();
                years >= low && high.is_none_or(|high| years <= high)
            })
            .unwrap_or(AgeBand::From60)
    }
}

/// The same day `years` earlier; 29 February falls back to 28 February.
pub fn years_before(day: Date, years: i32) -> Date {
    let year = day.year() - years;
    Date::from_calendar_date(year, day.month(), day.day())
        .or_else(|_| Date::from_calendar_date(year, day.month(), 28))
        .unwrap_or(day)
}

/// The whole years from `born` to `on`.
pub fn age_in_years(born: Date, on: Date) -> i32 {
    let mut years = on.year() - born.year();
    if (on.month() as u8, on.day()) < (born.month() as u8, born.day()) {
        years -= 1;
    }
    years.max(0)
}

/// A person's names as written: Khmer script and Latin letters, each family and
/// given, plus other names and nicknames (free text, in either script).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PersonNames {
    family_km: String,
    given_km: String,
    family_latin: String,
    given_latin: String,
    other_names: String,
    nicknames: String,
}

/// The name fields as typed.
#[derive(Clone, Debug, Default)]
pub struct NameInput<'a> {
    pub family_km: &'a str,
    pub given_km: &'a str,
    pub family_latin: &'a str,
    pub given_latin: &'a str,
    pub other_names: &'a str,
    pub nicknames: &'a str,
}

/// Which name field an error belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameField {
    FamilyKm,
    GivenKm,
    FamilyLatin,
    GivenLatin,
    OtherNames,
    Nicknames,
}

impl PersonNames {
    /// Parses the name fields: each is normalised (NFC, spaces collapsed, zero-width
    /// spaces removed); a name holds at least one letter and none of the hidden
    /// characters that change the direction of text or break a line; Khmer fields
    /// must hold Khmer script and Latin fields no Khmer; at least one given or family
    /// name is required.
    pub fn parse(input: &NameInput<'_>) -> Result<PersonNames, Vec<(NameField, PersonError)>> {
        let mut errors = Vec::new();
        let mut field = |raw: &str, which: NameField, script: Script| -> String {
            let value = match clean_name(raw) {
                Ok(value) => value,
                Err(error) => {
                    errors.push((which, error));
                    // A refused name was still typed: keeping it here stops the
                    // person from also being told that a name is missing.
                    return raw.trim().to_owned();
                }
            };
            if value.chars().count() > 100 {
                errors.push((which, PersonError::NameTooLong));
            } else if !value.is_empty() {
                match script {
                    Script::Khmer if !value.chars().any(is_khmer) => {
                        errors.push((which, PersonError::NotKhmerScript))
                    }
                    Script::Latin if value.chars().any(is_khmer) => {
                        errors.push((which, PersonError::NotLatinScript))
                    }
                    _ => {}
                }
            }
            value
        };
        let names = PersonNames {
            family_km: field(input.family_km, NameField::FamilyKm, Script::Khmer),
            given_km: field(input.given_km, NameField::GivenKm, Script::Khmer),
            family_latin: field(input.family_latin, NameField::FamilyLatin, Script::Latin),
            given_latin: field(input.given_latin, NameField::GivenLatin, Script::Latin),
            other_names: field(input.other_names, NameField::OtherNames, Script::Either),
            nicknames: field(input.nicknames, NameField::Nicknames, Script::Either),
        };
        if [
            &names.family_km,
            &names.given_km,
            &names.family_latin,
            &names.given_latin,
        ]
        .iter()
        .all(|name| name.is_empty())
        {
            errors.push((NameField::GivenLatin, PersonError::NameRequired));
        }
        if errors.is_empty() {
            Ok(names)
        } else {
            Err(errors)
        }
    }

    pub fn family_km(&self) -> &str {
        &self.family_km
    }
    pub fn given_km(&self) -> &str {
        &self.given_km
    }
    pub fn family_latin(&self) -> &str {
        &self.family_latin
    }
    pub fn given_latin(&self) -> &str {
        &self.given_latin
    }
    pub fn other_names(&self) -> &str {
        &self.other_names
    }
    pub fn nicknames(&self) -> &str {
        &self.nicknames
    }
}

/// The name to show: Khmer family and given names, then the Latin ones in
/// brackets, with whichever is missing left out.
pub fn display_name(
    family_km: &str,
    given_km: &str,
    family_latin: &str,
    given_latin: &str,
) -> String {
    let join = |a: &str, b: &str| {
        [a, b]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let khmer = join(family_km, given_km);
    let latin = join(family_latin, given_latin);
    match (khmer.is_empty(), latin.is_empty()) {
        (false, false) => format!("{khmer} ({latin})"),
        (false, true) => khmer,
        (true, false) => latin,
        (true, true) => String::new(),
    }
}

enum Script {
    Khmer,
    Latin,
    Either,
}

/// True for the Khmer and Khmer Symbols blocks.
pub fn is_khmer(c: char) -> bool {
    matches!(c, '\u{1780}'..='\u{17FF}' | '\u{19E0}'..='\u{19FF}')
}

/// A name as stored, or why it cannot be one. White space around the name goes, as
/// it always has; hidden characters inside it are refused rather than dropped, so
/// that the person typing learns that what they pasted was not what they saw.
fn clean_name(raw: &str) -> Result<String, PersonError> {
    let typed = raw.trim();
    if typed.chars().any(is_direction_control) {
        return Err(PersonError::NameHasDirectionControl);
    }
    if typed.chars().any(is_control_or_line_separator) {
        return Err(PersonError::NameHasControlCharacter);
    }
    // Zero-width spaces and non-joiners are how some keyboards break Khmer words;
    // they go, as before. A zero-width joiner is kept as typed.
    let without_zero_width: String = typed
        .chars()
        .filter(|c| !matches!(c, '\u{200B}' | '\u{200C}' | '\u{FEFF}'))
        .collect();
    let name = normalise(&without_zero_width)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if !typed.is_empty() && !name.chars().any(is_letter) {
        return Err(PersonError::NameWithoutLetter);
    }
    Ok(name)
}

/// A date of birth and how much of it is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BirthDate {
    date: Date,
    precision: BirthDatePrecision,
}

/// The date-of-birth fields as typed: a precision, then year, month and day, or an
/// age in years (and months).
#[derive(Clone, Debug, Default)]
pub struct BirthDateInput<'a> {
    pub precision: &'a str,
    pub year: &'a str,
    pub month: &'a str,
    pub day: &'a str,
    pub age_years: &'a str,
    pub age_months: &'a str,
}

impl BirthDate {
    /// The earliest date of birth Haven accepts.
    pub const EARLIEST: Date = match Date::from_calendar_date(1900, Month::January, 1) {
        Ok(date) => date,
        Err(_) => panic!("1 January 1900 is a date"),
    };

    /// Rebuilds a stored date of birth.
    pub fn from_parts(date: Date, precision: BirthDatePrecision) -> BirthDate {
        BirthDate { date, precision }
    }

    /// A known date, checked against the calendar and `today`.
    pub fn exact(date: Date, today: Date) -> Result<BirthDate, PersonError> {
        BirthDate::checked(date, BirthDatePrecision::Exact, today)
    }

    /// Parses the typed fields. A month-known date is kept as the 15th, a year-known
    /// one as 1 July, and an age as the same day that many years (and months) ago:
    /// the middle of what is known, so that ages computed from it err least.
    pub fn parse(input: &BirthDateInput<'_>, today: Date) -> Result<BirthDate, PersonError> {
        let number = |raw: &str| -> Result<Option<i32>, PersonError> {
            let raw = raw.trim();
            if raw.is_empty() {
                return Ok(None);
            }
            raw.parse::<i32>()
                .map(Some)
                .map_err(|_| PersonError::BirthDateNoSuchDay)
        };
        let precision =
            BirthDatePrecision::parse(input.precision).unwrap_or(BirthDatePrecision::Exact);
        let year = number(input.year)?;
        let month = number(input.month)?;
        let day = number(input.day)?;
        let month_of = |m: i32| -> Result<Month, PersonError> {
            u8::try_from(m)
                .ok()
                .and_then(|m| Month::try_from(m).ok())
                .ok_or(PersonError::BirthDateNoSuchDay)
        };
        let date_of = |y: i32, m: Month, d: i32| -> Result<Date, PersonError> {
            if y < 1900 {
                return Err(PersonError::BirthDateBefore1900);
            }
            if y > 9999 {
                return Err(PersonError::BirthDateInFuture);
            }
            let d = u8::try_from(d).map_err(|_| PersonError::BirthDateNoSuchDay)?;
            Date::from_calendar_date(y, m, d).map_err(|_| PersonError::BirthDateNoSuchDay)
        };
        let date = match precision {
            BirthDatePrecision::Exact => {
                let (Some(y), Some(m), Some(d)) = (year, month, day) else {
                    return Err(PersonError::BirthDateMissing);
                };
                date_of(y, month_of(m)?, d)?
            }
            BirthDatePrecision::Month => {
                let (Some(y), Some(m)) = (year, month) else {
                    return Err(PersonError::BirthDateMissing);
                };
                let first = date_of(y, month_of(m)?, 1)?;
                let middle = date_of(y, month_of(m)?, 15)?;
                // This month's child: the 15th may not have come yet.
                if first <= today && middle > today {
                    today
                } else {
                    middle
                }
            }
            BirthDatePrecision::Year => {
                let Some(y) = year else {
                    return Err(PersonError::BirthDateMissing);
                };
                let first = date_of(y, Month::January, 1)?;
                let middle = date_of(y, Month::July, 1)?;
                if first <= today && middle > today {
                    today
                } else {
                    middle
                }
            }
            BirthDatePrecision::Estimated => {
                let years = number(input.age_years).map_err(|_| PersonError::BadAge)?;
                let months = number(input.age_months).map_err(|_| PersonError::BadAge)?;
                if years.is_none() && months.is_none() {
                    return Err(PersonError::BirthDateMissing);
                }
                let (years, months) = (years.unwrap_or(0), months.unwrap_or(0));
                if !(0..=120).contains(&years) || !(0..=11).contains(&months) {
                    return Err(PersonError::BadAge);
                }
                months_before(years_before(today, years), months)
            }
        };
        BirthDate::checked(date, precision, today)
    }

    fn checked(
        date: Date,
        precision: BirthDatePrecision,
        today: Date,
    ) -> Result<BirthDate, PersonError> {
        if date > today {
            Err(PersonError::BirthDateInFuture)
        } else if date < BirthDate::EARLIEST {
            Err(PersonError::BirthDateBefore1900)
        } else {
            Ok(BirthDate { date, precision })
        }
    }

    pub fn date(&self) -> Date {
        self.date
    }

    pub fn precision(&self) -> BirthDatePrecision {
        self.precision
    }

    /// True when two dates of birth are within a year of each other: one of the
    /// signs of a possible duplicate.
    pub fn within_a_year_of(&self, other: Date) -> bool {
        (self.date - other).whole_days().abs() <= 366
    }
}

fn months_before(day: Date, months: i32) -> Date {
    let total = day.year() * 12 + (day.month() as i32 - 1) - months;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12));
    let month = u8::try_from(month0 + 1)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .unwrap_or(Month::January);
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, day.day().min(last)).unwrap_or(day)
}

/// A date of death, checked against the date of birth and `today`.
pub fn check_death_date(died_on: Date, born: Date, today: Date) -> Result<Date, PersonError> {
    if died_on > today {
        Err(PersonError::DeathInFuture)
    } else if died_on < born {
        Err(PersonError::DeathBeforeBirth)
    } else {
        Ok(died_on)
    }
}

/// An identifier as written, and the key it is compared and searched by: upper
/// case, letters and digits only, so "ab-12 34" and "AB1234" are the same.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identifier {
    kind: IdentifierKind,
    value: String,
    key: String,
}

impl Identifier {
    pub fn parse(kind: IdentifierKind, raw: &str) -> Result<Identifier, PersonError> {
        let value = normalise(raw)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if value.is_empty() {
            return Err(PersonError::IdentifierEmpty);
        }
        if value.chars().count() > 40
            || value
                .chars()
                .any(|c| !(c.is_alphanumeric() || matches!(c, ' ' | '-' | '/' | '.')))
        {
            return Err(PersonError::IdentifierMalformed);
        }
        let key = identifier_key(&value);
        if key.is_empty() {
            return Err(PersonError::IdentifierMalformed);
        }
        if kind == IdentifierKind::Haven && HavenNumber::parse(&value).is_none() {
            return Err(PersonError::HavenNumberMalformed);
        }
        Ok(Identifier { kind, value, key })
    }

    pub fn kind(&self) -> IdentifierKind {
        self.kind
    }
    pub fn value(&self) -> &str {
        &self.value
    }
    pub fn key(&self) -> &str {
        &self.key
    }
}

/// The search key of an identifier or of a typed query that may be one.
pub fn identifier_key(raw: &str) -> String {
    raw.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// The number printed on Haven identity cards: nine digits and a Luhn check digit,
/// shown as `1234-5678-90`. The check digit catches every single mistyped digit
/// and most swapped neighbours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HavenNumber(u64);

impl HavenNumber {
    /// Makes a number from any random value (the caller brings the randomness).
    pub fn from_random(random: u64) -> HavenNumber {
        let body = 100_000_000 + random % 900_000_000;
        HavenNumber(body * 10 + u64::from(luhn_check_digit(body)))
    }

    /// Reads a typed number, with or without its dashes; `None` if the check digit
    /// does not match.
    pub fn parse(raw: &str) -> Option<HavenNumber> {
        let digits: String = raw.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
        if digits.len() != 10 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let number: u64 = digits.parse().ok()?;
        (luhn_check_digit(number / 10) == (number % 10) as u8).then_some(HavenNumber(number))
    }

    /// The ten digits with dashes, as printed.
    pub fn formatted(&self) -> String {
        let digits = format!("{:010}", self.0);
        format!("{}-{}-{}", &digits[0..4], &digits[4..8], &digits[8..10])
    }
}

fn luhn_check_digit(body: u64) -> u8 {
    let digits: Vec<u32> = body
        .to_string()
        .chars()
        .filter_map(|c| c.to_digit(10))
        .collect();
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 0 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// A phone number as written, and its key: digits only, in national form
/// (+855 12 345 678 and 012 345 678 are the same number).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phone {
    value: String,
    key: String,
}

impl Phone {
    /// Parses a phone number; an empty field is `Ok(None)`.
    pub fn parse(raw: &str) -> Result<Option<Phone>, PersonError> {
        let value = normalise(raw)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if value.is_empty() {
            return Ok(None);
        }
        if value.chars().enumerate().any(|(i, c)| {
            !(c.is_ascii_digit()
                || matches!(c, ' ' | '-' | '.' | '(' | ')')
                || (c == '+' && i == 0))
        }) {
            return Err(PersonError::PhoneMalformed);
        }
        let key = phone_key(&value);
        if !(8..=15).contains(&key.len()) {
            return Err(PersonError::PhoneMalformed);
        }
        Ok(Some(Phone { value, key }))
    }

    pub fn value(&self) -> &str {
        &self.value
    }
    pub fn key(&self) -> &str {
        &self.key
    }
}

/// The digits of a phone number in Cambodian national form: a leading +855 or 855
/// becomes 0.
pub fn phone_key(raw: &str) -> String {
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    let international = raw.trim_start().starts_with('+') || digits.len() >= 11;
    match digits.strip_prefix("855") {
        Some(rest) if international && !rest.is_empty() => format!("0{rest}"),
        _ => digits,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 22);

    fn birth(
        precision: &str,
        year: &str,
        month: &str,
        day: &str,
    ) -> Result<BirthDate, PersonError> {
        BirthDate::parse(
            &BirthDateInput {
                precision,
                year,
                month,
                day,
                ..BirthDateInput::default()
            },
            TODAY,
        )
    }

    #[test]
    fn dates_of_birth_parse_with_their_precision() {
        let check = |result: Result<BirthDate, PersonError>,
                     expected: Result<Date, PersonError>| {
            assert_eq!(result.map(|b| b.date()), expected);
        };
        check(birth("exact", "2019", "3", "4"), Ok(date!(2019 - 03 - 04)));
        check(
            birth("exact", "2019", "2", "31"),
            Err(PersonError::BirthDateNoSuchDay),
        );
        check(birth("exact", "2024", "2", "29"), Ok(date!(2024 - 02 - 29)));
        check(
            birth("exact", "2023", "2", "29"),
            Err(PersonError::BirthDateNoSuchDay),
        );
        check(
            birth("exact", "2027", "1", "1"),
            Err(PersonError::BirthDateInFuture),
        );
        check(
            birth("exact", "2026", "11", "23"),
            Err(PersonError::BirthDateInFuture),
        );
        check(birth("exact", "2026", "11", "22"), Ok(TODAY));
        check(
            birth("exact", "1899", "12", "31"),
            Err(PersonError::BirthDateBefore1900),
        );
        check(
            birth("exact", "2019", "13", "1"),
            Err(PersonError::BirthDateNoSuchDay),
        );
        check(
            birth("exact", "2019", "", "1"),
            Err(PersonError::BirthDateMissing),
        );
        check(
            birth("exact", "abc", "1", "1"),
            Err(PersonError::BirthDateNoSuchDay),
        );
        check(
            birth("exact", "99999999999", "1", "1"),
            Err(PersonError::BirthDateNoSuchDay),
        );
        check(birth("month", "2019", "3", ""), Ok(date!(2019 - 03 - 15)));
        check(birth("month", "2026", "11", ""), Ok(date!(2026 - 11 - 15)));
        check(birth("year", "2019", "", ""), Ok(date!(2019 - 07 - 01)));
        check(birth("year", "2026", "", ""), Ok(date!(2026 - 07 - 01)));
        check(
            birth("year", "2027", "", ""),
            Err(PersonError::BirthDateInFuture),
        );
    }

    #[test]
    fn an_age_becomes_an_estimated_date_of_birth() {
        let estimate = |years: &str, months: &str| {
            BirthDate::parse(
                &BirthDateInput {
                    precision: "estimated",
                    age_years: years,
                    age_months: months,
                    ..BirthDateInput::default()
                },
                TODAY,
            )
        };
        let seven = estimate("7", "").expect("about 7 years");
        assert_eq!(seven.date(), date!(2019 - 11 - 22));
        assert_eq!(seven.precision(), BirthDatePrecision::Estimated);
        assert_eq!(
            estimate("0", "3").map(|b| b.date()),
            Ok(date!(2026 - 08 - 22))
        );
        assert_eq!(
            estimate("1", "11").map(|b| b.date()),
            Ok(date!(2024 - 12 - 22))
        );
        assert_eq!(estimate("121", ""), Err(PersonError::BadAge));
        assert_eq!(estimate("-1", ""), Err(PersonError::BadAge));
        assert_eq!(estimate("2", "12"), Err(PersonError::BadAge));
        assert_eq!(estimate("", ""), Err(PersonError::BirthDateMissing));
        assert_eq!(estimate("seven", ""), Err(PersonError::BadAge));
    }

    #[test]
    fn names_are_required_cleaned_and_in_the_right_script() {
        let parse = |family_km: &str, given_km: &str, family_latin: &str, given_latin: &str| {
            PersonNames::parse(&NameInput {
                family_km,
                given_km,
                family_latin,
                given_latin,
                ..NameInput::default()
            })
        };
        let names = parse(" សុខ ", "ស្រី\u{200B}ពៅ", "  Sok", "Srey   Pov ").expect("names");
        assert_eq!(names.family_km(), "សុខ");
        assert_eq!(names.given_km(), "ស្រីពៅ");
        assert_eq!(names.given_latin(), "Srey Pov");
        assert_eq!(
            parse("   ", "", " \t ", ""),
            Err(vec![(NameField::GivenLatin, PersonError::NameRequired)])
        );
        assert_eq!(
            parse("Sok", "", "", ""),
            Err(vec![(NameField::FamilyKm, PersonError::NotKhmerScript)])
        );
        assert_eq!(
            parse("", "", "សុខ", ""),
            Err(vec![(NameField::FamilyLatin, PersonError::NotLatinScript)])
        );
        let long = "a".repeat(101);
        assert_eq!(
            parse("", "", "", &long),
            Err(vec![(NameField::GivenLatin, PersonError::NameTooLong)])
        );
        assert_eq!(
            display_name("សុខ", "ស្រីពៅ", "Sok", "Sreypov"),
            "សុខ ស្រីពៅ (Sok Sreypov)"
        );
        assert_eq!(display_name("", "", "Sok", ""), "Sok");
    }

    /// Parses `typed` in one name field (another field holds a good name, so that
    /// the name is never missing) and compares the field as stored, or its error.
    fn check_name(field: NameField, typed: &str, expected: Result<&str, PersonError>) {
        let mut input = NameInput::default();
        if field == NameField::GivenLatin {
            input.given_km = "ដារា";
        } else {
            input.given_latin = "Dara";
        }
        let slot = match field {
            NameField::FamilyKm => &mut input.family_km,
            NameField::GivenKm => &mut input.given_km,
            NameField::FamilyLatin => &mut input.family_latin,
            NameField::GivenLatin => &mut input.given_latin,
            NameField::OtherNames => &mut input.other_names,
            NameField::Nicknames => &mut input.nicknames,
        };
        *slot = typed;
        let stored = PersonNames::parse(&input).map(|names| match field {
            NameField::FamilyKm => names.family_km,
            NameField::GivenKm => names.given_km,
            NameField::FamilyLatin => names.family_latin,
            NameField::GivenLatin => names.given_latin,
            NameField::OtherNames => names.other_names,
            NameField::Nicknames => names.nicknames,
        });
        let expected = expected
            .map(str::to_owned)
            .map_err(|error| vec![(field, error)]);
        assert_eq!(stored, expected, "{field:?} {typed:?}");
    }

    #[test]
    fn names_refuse_hidden_characters_and_names_without_a_letter() {
        use NameField::*;
        use PersonError::*;
        const DIRECTION_CONTROLS: [char; 12] = [
            '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}',
            '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
        ];
        for c in DIRECTION_CONTROLS {
            check_name(
                FamilyLatin,
                &format!("Sok{c}"),
                Err(NameHasDirectionControl),
            );
            check_name(
                FamilyLatin,
                &format!("{c}Sok"),
                Err(NameHasDirectionControl),
            );
            check_name(GivenKm, &format!("សុ{c}ខ"), Err(NameHasDirectionControl));
            check_name(FamilyKm, &c.to_string(), Err(NameHasDirectionControl));
            check_name(
                OtherNames,
                &format!("Pov {c}"),
                Err(NameHasDirectionControl),
            );
        }
        // A family name made only of a right-to-left override, and one that would
        // show "Sok" while holding "koS".
        check_name(FamilyLatin, "\u{202E}", Err(NameHasDirectionControl));
        check_name(FamilyKm, "\u{202E}", Err(NameHasDirectionControl));
        check_name(FamilyLatin, " \u{202E} ", Err(NameHasDirectionControl));
        check_name(
            FamilyLatin,
            "\u{202E}koS\u{202C}",
            Err(NameHasDirectionControl),
        );
        check_name(Nicknames, "\u{202B}\u{200F}", Err(NameHasDirectionControl));

        // NUL, line breaks and other control characters inside a name are refused,
        // not silently dropped; around it they are white space, trimmed as before.
        check_name(FamilyLatin, "So\0k", Err(NameHasControlCharacter));
        check_name(FamilyLatin, "\0", Err(NameHasControlCharacter));
        check_name(FamilyLatin, "Sok\0", Err(NameHasControlCharacter));
        check_name(GivenLatin, "Sok\r\nDara", Err(NameHasControlCharacter));
        check_name(GivenLatin, "Sok\nDara", Err(NameHasControlCharacter));
        check_name(GivenLatin, "Sok\rDara", Err(NameHasControlCharacter));
        check_name(GivenLatin, "Sok\tDara", Err(NameHasControlCharacter));
        check_name(GivenLatin, "Sok\u{7}Dara", Err(NameHasControlCharacter));
        check_name(GivenLatin, "Sok\u{85}Dara", Err(NameHasControlCharacter));
        check_name(GivenLatin, "Sok\u{2028}Dara", Err(NameHasControlCharacter));
        check_name(GivenKm, "ចាន់\nសុភា", Err(NameHasControlCharacter));
        check_name(Nicknames, "Pov\r\nPov", Err(NameHasControlCharacter));
        check_name(FamilyLatin, "Sok\r\n", Ok("Sok"));
        check_name(FamilyLatin, "\t Sok \n", Ok("Sok"));

        // Zero-width characters, marks, punctuation or digits alone are no name.
        for typed in [
            "\u{200B}",
            "\u{200C}",
            "\u{200D}",
            "\u{FEFF}",
            "\u{200B}\u{200C}\u{200D}\u{FEFF}",
            " \u{200D} ",
        ] {
            check_name(FamilyLatin, typed, Err(NameWithoutLetter));
            check_name(FamilyKm, typed, Err(NameWithoutLetter));
            check_name(OtherNames, typed, Err(NameWithoutLetter));
        }
        for typed in ["'", "-", ".", "'-.", "( )", "?", "123", "\u{301}"] {
            check_name(GivenLatin, typed, Err(NameWithoutLetter));
            check_name(Nicknames, typed, Err(NameWithoutLetter));
        }
        // Khmer vowel signs, the coeng and Khmer digits are Khmer, but no name.
        for typed in [
            "\u{17B6}",
            "\u{17D2}",
            "\u{17D2}\u{200D}",
            "\u{17B7}\u{17C6}",
            "១២",
            "។",
        ] {
            check_name(FamilyKm, typed, Err(NameWithoutLetter));
        }

        // Names as they are written.
        check_name(FamilyKm, "សុខ", Ok("សុខ"));
        check_name(GivenKm, "ចាន់ សុភា", Ok("ចាន់ សុភា"));
        check_name(GivenKm, "ស្រីពៅ", Ok("ស្រីពៅ"));
        check_name(GivenKm, " ចាន់   សុភា ", Ok("ចាន់ សុភា"));
        check_name(FamilyLatin, "Sok Dara", Ok("Sok Dara"));
        check_name(FamilyLatin, "O'Neil", Ok("O'Neil"));
        check_name(GivenLatin, "Re\u{301}my", Ok("R\u{e9}my"));
        check_name(GivenLatin, "Dara 2", Ok("Dara 2"));
        check_name(OtherNames, "ម៉ៅ, Mao", Ok("ម៉ៅ, Mao"));
        check_name(Nicknames, "អាពៅ", Ok("អាពៅ"));
        check_name(FamilyKm, "", Ok(""));
        check_name(FamilyKm, "   ", Ok(""));
        // Joiners inside Khmer text: the non-joiner goes as before, the joiner stays.
        check_name(GivenKm, "ស្រី\u{200C}ពៅ", Ok("ស្រីពៅ"));
        check_name(GivenKm, "ស្រី\u{200D}ពៅ", Ok("ស្រី\u{200D}ពៅ"));
        check_name(GivenKm, "ស្រី\u{200B}ពៅ", Ok("ស្រីពៅ"));
    }

    #[test]
    fn a_refused_name_is_not_also_missing() {
        let names = PersonNames::parse(&NameInput {
            family_latin: "\u{202E}",
            ..NameInput::default()
        });
        assert_eq!(
            names,
            Err(vec![(
                NameField::FamilyLatin,
                PersonError::NameHasDirectionControl
            )])
        );
    }

    #[test]
    fn haven_numbers_carry_a_check_digit() {
        let number = HavenNumber::from_random(123_456_789_012);
        let printed = number.formatted();
        assert_eq!(printed.len(), 12);
        assert_eq!(HavenNumber::parse(&printed), Some(number));
        assert_eq!(HavenNumber::parse(&printed.replace('-', "")), Some(number));
        // Every single mistyped digit is caught.
        let digits: Vec<char> = printed.replace('-', "").chars().collect();
        for i in 0..digits.len() {
            for replacement in '0'..='9' {
                if replacement == digits[i] {
                    continue;
                }
                let mut typo = digits.clone();
                typo[i] = replacement;
                let typo: String = typo.into_iter().collect();
                assert_eq!(HavenNumber::parse(&typo), None, "{typo}");
            }
        }
        assert_eq!(HavenNumber::parse("12345"), None);
        assert!(Identifier::parse(IdentifierKind::Haven, &printed).is_ok());
        let wrong_check = format!(
            "{}{}",
            &printed[..11],
            (digits[9].to_digit(10).unwrap_or(0) + 1) % 10
        );
        assert_eq!(
            Identifier::parse(IdentifierKind::Haven, &wrong_check),
            Err(PersonError::HavenNumberMalformed)
        );
    }

    #[test]
    fn identifiers_and_phones_have_keys() {
        let id = Identifier::parse(IdentifierKind::NationalId, " ab-12 34 ").expect("an id");
        assert_eq!(id.value(), "ab-12 34");
        assert_eq!(id.key(), "AB1234");
        assert_eq!(
            Identifier::parse(IdentifierKind::NationalId, "   "),
            Err(PersonError::IdentifierEmpty)
        );
        assert_eq!(
            Identifier::parse(IdentifierKind::NationalId, "12<script>"),
            Err(PersonError::IdentifierMalformed)
        );
        let phone = |raw| Phone::parse(raw).map(|p| p.map(|p| p.key().to_owned()));
        assert_eq!(phone("012 345 678"), Ok(Some("012345678".to_owned())));
        assert_eq!(phone("+855 12 345 678"), Ok(Some("012345678".to_owned())));
        assert_eq!(phone("(855) 12-345-678"), Ok(Some("012345678".to_owned())));
        assert_eq!(phone(""), Ok(None));
        assert_eq!(phone("12"), Err(PersonError::PhoneMalformed));
        assert_eq!(phone("call me"), Err(PersonError::PhoneMalformed));
    }

    #[test]
    fn age_bands_cover_every_age_once() {
        for age in 0..130 {
            let band = AgeBand::of_age(age);
            let (low, high) = band.years();
            assert!(age >= low && high.is_none_or(|h| age <= h), "{age}");
        }
        let (after, on_or_before) = AgeBand::From5To9.birth_dates(TODAY);
        assert_eq!(on_or_before, date!(2021 - 11 - 22));
        assert_eq!(after, Some(date!(2016 - 11 - 22)));
        assert_eq!(age_in_years(date!(2016 - 11 - 23), TODAY), 9);
        assert_eq!(age_in_years(date!(2016 - 11 - 22), TODAY), 10);
    }

    #[test]
    fn deaths_are_checked_against_birth_and_today() {
        let born = date!(2000 - 01 - 01);
        assert_eq!(
            check_death_date(date!(2026 - 11 - 23), born, TODAY),
            Err(PersonError::DeathInFuture)
        );
        assert_eq!(
            check_death_date(date!(1999 - 01 - 01), born, TODAY),
            Err(PersonError::DeathBeforeBirth)
        );
        assert_eq!(
            check_death_date(date!(2020 - 01 - 01), born, TODAY),
            Ok(date!(2020 - 01 - 01))
        );
    }

    proptest::proptest! {
        #[test]
        fn parsing_dates_of_birth_never_panics(p in ".{0,10}", y in ".{0,12}", m in ".{0,4}", d in ".{0,4}") {
            let _ = birth(&p, &y, &m, &d);
        }

        #[test]
        fn a_stored_name_has_a_letter_and_no_hidden_characters(
            chars in proptest::collection::vec(proptest::char::any(), 0..12)
        ) {
            let typed: String = chars.into_iter().collect();
            let parsed = PersonNames::parse(&NameInput {
                given_latin: "Dara",
                other_names: &typed,
                ..NameInput::default()
            });
            if let Ok(names) = parsed {
                let stored = names.other_names();
                proptest::prop_assert!(stored.is_empty() || stored.chars().any(is_letter));
                proptest::prop_assert!(!stored.chars().any(|c| is_direction_control(c)
                    || is_control_or_line_separator(c)));
            }
        }

        #[test]
        fn every_generated_haven_number_reads_back(random in proptest::num::u64::ANY) {
            let number = HavenNumber::from_random(random);
            proptest::prop_assert_eq!(HavenNumber::parse(&number.formatted()), Some(number));
        }
    }
}
