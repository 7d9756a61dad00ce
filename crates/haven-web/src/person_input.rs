//! A person's details as a client typed them (an API body, a row of a CSV file),
//! turned into a registration once, with every problem named by its field.
//!
//! The API and the CSV import both call [`parse_person`], then
//! [`check_against_registry`] for what only the database knows (is the facility
//! there, does someone else hold this identifier: haven-app asks). Each caller names the fields its own way:
//! the API as `names.family_km` or `identifiers[0]`, the import by its columns.

use haven_app::model::{Address, Id, NewPerson, PersonDetails};
use haven_app::{App, AppError, Caller};
use haven_domain::person::{
    AgeBand, BirthDate, BirthDateInput, BirthDatePrecision, Category, Identifier, IdentifierKind,
    NameField, NameInput, PersonError, PersonNames, Phone, Sex,
};
use haven_domain::text::normalise;
use time::Date;

/// The fields of a person as typed; empty strings for what was left out.
#[derive(Clone, Debug, Default)]
pub struct PersonInput<'a> {
    pub names: NameInput<'a>,
    pub sex: &'a str,
    /// An empty precision is worked out from what was given: a whole date is exact,
    /// a year and month is `month`, a year alone is `year`, an age is `estimated`.
    pub birth_date: BirthDateInput<'a>,
    pub phone: &'a str,
    pub province_code: &'a str,
    pub district: &'a str,
    pub commune: &'a str,
    pub village: &'a str,
    /// A facility id, or empty.
    pub facility: &'a str,
    /// (kind code, value) pairs.
    pub identifiers: Vec<(&'a str, &'a str)>,
    /// Category codes; empty ones are skipped.
    pub categories: Vec<&'a str>,
}

/// Which field a problem belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputField {
    Name(NameField),
    Sex,
    BirthDate,
    Phone,
    ProvinceCode,
    District,
    Commune,
    Village,
    Facility,
    /// The identifier at this place in [`PersonInput::identifiers`].
    Identifier(usize),
    /// The category at this place in [`PersonInput::categories`].
    Category(usize),
}

/// What is wrong with a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputProblem {
    /// A problem the domain's parsers found, such as a name with hidden characters
    /// or without a letter; its code is the domain's, which is also its message key.
    Person(PersonError),
    UnknownSex,
    UnknownPrecision,
    UnknownCategory,
    UnknownIdentifierKind,
    /// Haven makes the Haven number itself.
    HavenNumberGiven,
    MalformedFacility,
    UnknownFacility,
    /// Someone else holds this identifier.
    IdentifierTaken,
    /// The same identifier is given twice (in one body, or in two rows of a file).
    IdentifierRepeated,
    TooLong,
    MalformedProvince,
    /// The facility is beyond the places where the user may register people.
    FacilityBeyondYours,
}

impl InputProblem {
    /// The stable code the API answers: the domain's code for a person's details,
    /// a short one for the rest.
    pub fn code(self) -> &'static str {
        match self {
            InputProblem::Person(error) => error.code(),
            InputProblem::UnknownSex => "unknown_sex",
            InputProblem::UnknownPrecision => "unknown_precision",
            InputProblem::UnknownCategory => "unknown_category",
            InputProblem::UnknownIdentifierKind => "unknown_identifier_kind",
            InputProblem::HavenNumberGiven => "haven_number_given",
            InputProblem::MalformedFacility => "malformed_facility",
            InputProblem::UnknownFacility => "unknown_facility",
            InputProblem::IdentifierTaken => "duplicate",
            InputProblem::IdentifierRepeated => "repeated",
            InputProblem::TooLong => "too_long",
            InputProblem::MalformedProvince => "malformed_province",
            InputProblem::FacilityBeyondYours => "facility_beyond_yours",
        }
    }

    /// The translation key of the message a person reads.
    pub fn message_key(self) -> &'static str {
        match self {
            InputProblem::Person(error) => error.code(),
            InputProblem::UnknownSex => "import-error-sex",
            InputProblem::UnknownPrecision => "import-error-precision",
            InputProblem::UnknownCategory => "import-error-category",
            InputProblem::UnknownIdentifierKind => "import-error-identifier-kind",
            InputProblem::HavenNumberGiven => "import-error-haven-number-given",
            InputProblem::MalformedFacility => "import-error-facility-malformed",
            InputProblem::UnknownFacility => "import-error-facility-unknown",
            InputProblem::IdentifierTaken => "import-error-identifier-taken",
            InputProblem::IdentifierRepeated => "import-error-identifier-repeated",
            InputProblem::TooLong => "import-error-too-long",
            InputProblem::MalformedProvince => "import-error-province",
            InputProblem::FacilityBeyondYours => "person-error-facility-beyond-yours",
        }
    }

    /// Every message key, for the test that keeps the translation files complete.
    pub const MESSAGE_KEYS: [&'static str; 12] = [
        "import-error-sex",
        "import-error-precision",
        "import-error-category",
        "import-error-identifier-kind",
        "import-error-haven-number-given",
        "import-error-facility-malformed",
        "import-error-facility-unknown",
        "import-error-identifier-taken",
        "import-error-identifier-repeated",
        "import-error-too-long",
        "import-error-province",
        "person-error-facility-beyond-yours",
    ];
}

/// One problem: where, and what.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InputError {
    pub field: InputField,
    pub problem: InputProblem,
}

impl InputError {
    fn new(field: InputField, problem: InputProblem) -> InputError {
        InputError { field, problem }
    }
}

/// The longest address part Haven keeps.
const ADDRESS_MAX: usize = 100;

/// Parses a registration, finding every problem rather than stopping at the first.
pub fn parse_person(input: &PersonInput<'_>, today: Date) -> Result<NewPerson, Vec<InputError>> {
    let mut errors = Vec::new();

    let names = match PersonNames::parse(&input.names) {
        Ok(names) => Some(names),
        Err(problems) => {
            errors.extend(problems.into_iter().map(|(field, error)| {
                InputError::new(InputField::Name(field), InputProblem::Person(error))
            }));
            None
        }
    };

    let sex = if input.sex.trim().is_empty() {
        errors.push(InputError::new(
            InputField::Sex,
            InputProblem::Person(PersonError::SexRequired),
        ));
        None
    } else {
        let sex = Sex::parse(input.sex);
        if sex.is_none() {
            errors.push(InputError::new(InputField::Sex, InputProblem::UnknownSex));
        }
        sex
    };

    let birth_date = match birth_date(&input.birth_date, today) {
        Ok(date) => Some(date),
        Err(problem) => {
            errors.push(InputError::new(InputField::BirthDate, problem));
            None
        }
    };

    let phone = match Phone::parse(input.phone) {
        Ok(phone) => phone,
        Err(error) => {
            errors.push(InputError::new(
                InputField::Phone,
                InputProblem::Person(error),
            ));
            None
        }
    };

    let mut address_part = |raw: &str, field: InputField| -> String {
        let value = normalise(raw)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if value.chars().count() > ADDRESS_MAX {
            errors.push(InputError::new(field, InputProblem::TooLong));
        }
        value
    };
    let province_code = address_part(input.province_code, InputField::ProvinceCode).to_uppercase();
    let address = Address {
        district: address_part(input.district, InputField::District),
        commune: address_part(input.commune, InputField::Commune),
        village: address_part(input.village, InputField::Village),
        province_code,
    };
    if !address.province_code.is_empty() && !is_province_code(&address.province_code) {
        errors.push(InputError::new(
            InputField::ProvinceCode,
            InputProblem::MalformedProvince,
        ));
    }

    let facility = match input.facility.trim() {
        "" => None,
        raw => match raw.parse::<Id>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.push(InputError::new(
                    InputField::Facility,
                    InputProblem::MalformedFacility,
                ));
                None
            }
        },
    };

    let mut identifiers = Vec::new();
    for (index, (kind, value)) in input.identifiers.iter().enumerate() {
        let field = InputField::Identifier(index);
        let kind = match IdentifierKind::parse(kind) {
            Some(IdentifierKind::Haven) => {
                errors.push(InputError::new(field, InputProblem::HavenNumberGiven));
                continue;
            }
            Some(kind) => kind,
            None => {
                errors.push(InputError::new(field, InputProblem::UnknownIdentifierKind));
                continue;
            }
        };
        match Identifier::parse(kind, value) {
            Ok(identifier) => {
                let repeated = identifiers.iter().any(|(other, _): &(Identifier, _)| {
                    other.kind() == identifier.kind() && other.key() == identifier.key()
                });
                if repeated {
                    errors.push(InputError::new(field, InputProblem::IdentifierRepeated));
                } else {
                    identifiers.push((identifier, None));
                }
            }
            Err(error) => errors.push(InputError::new(field, InputProblem::Person(error))),
        }
    }

    let mut categories = Vec::new();
    for (index, code) in input.categories.iter().enumerate() {
        if code.trim().is_empty() {
            continue;
        }
        match Category::parse(code) {
            Some(category) => categories.push(category),
            None => errors.push(InputError::new(
                InputField::Category(index),
                InputProblem::UnknownCategory,
            )),
        }
    }

    match (names, sex, birth_date) {
        (Some(names), Some(sex), Some(birth_date)) if errors.is_empty() => Ok(NewPerson {
            details: PersonDetails {
                names,
                sex,
                birth_date,
                phone,
                address,
                registered_facility: facility,
            },
            identifiers,
            categories,
        }),
        _ => Err(errors),
    }
}

/// What only the database knows, asked of haven-app: whether the facility exists
/// and whether someone other than `except` holds one of the identifiers. Identifier
/// problems name the place of the identifier in `new.identifiers`.
pub async fn check_against_registry(
    app: &App,
    caller: &Caller,
    new: &NewPerson,
    except: Option<Id>,
) -> Result<Vec<InputError>, AppError> {
    let found = app.registration_conflicts(caller, new, except).await?;
    let mut errors = Vec::new();
    if found.unknown_facility {
        errors.push(InputError::new(
            InputField::Facility,
            InputProblem::UnknownFacility,
        ));
    }
    errors.extend(found.taken_identifiers.into_iter().map(|index| {
        InputError::new(InputField::Identifier(index), InputProblem::IdentifierTaken)
    }));
    Ok(errors)
}

fn birth_date(input: &BirthDateInput<'_>, today: Date) -> Result<BirthDate, InputProblem> {
    let given = |s: &str| !s.trim().is_empty();
    let precision = if given(input.precision) {
        BirthDatePrecision::parse(input.precision).ok_or(InputProblem::UnknownPrecision)?
    } else if given(input.day) {
        BirthDatePrecision::Exact
    } else if given(input.month) {
        BirthDatePrecision::Month
    } else if given(input.year) {
        BirthDatePrecision::Year
    } else if given(input.age_years) || given(input.age_months) {
        BirthDatePrecision::Estimated
    } else {
        BirthDatePrecision::Exact
    };
    BirthDate::parse(
        &BirthDateInput {
            precision: precision.code(),
            ..input.clone()
        },
        today,
    )
    .map_err(InputProblem::Person)
}

/// Splits `YYYY-MM-DD` into its parts; anything else is a day that does not exist.
pub fn split_date(raw: &str) -> Result<(&str, &str, &str), InputProblem> {
    let mut parts = raw.trim().split('-');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d), None)
            if y.len() == 4 && (1..=2).contains(&m.len()) && (1..=2).contains(&d.len()) =>
        {
            Ok((y, m, d))
        }
        _ => Err(InputProblem::Person(PersonError::BirthDateNoSuchDay)),
    }
}

/// ISO 3166-2 subdivision codes as Cambodia's look: `KH-12`, `KH-1`, `KH-25`.
fn is_province_code(code: &str) -> bool {
    match code.split_once('-') {
        Some((country, subdivision)) => {
            country.len() == 2
                && country.chars().all(|c| c.is_ascii_uppercase())
                && (1..=3).contains(&subdivision.len())
                && subdivision
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        }
        None => false,
    }
}

/// The filters of a list of people, as the search page, the export and the API
/// take them: each empty value is no filter.
#[derive(Clone, Debug, Default)]
pub struct FilterInput<'a> {
    pub q: &'a str,
    pub facility: &'a str,
    pub category: &'a str,
    pub sex: &'a str,
    pub age_band: &'a str,
}

/// The filters, parsed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filters {
    pub text: String,
    pub facility: Option<Id>,
    pub category: Option<Category>,
    pub sex: Option<Sex>,
    pub age_band: Option<AgeBand>,
}

/// Parses the filters; the error names every filter whose value Haven does not know.
pub fn parse_filters(input: &FilterInput<'_>) -> Result<Filters, Vec<&'static str>> {
    let mut wrong = Vec::new();
    let mut filter = |raw: &str, name: &'static str, parsed: Option<()>| {
        if !raw.trim().is_empty() && parsed.is_none() {
            wrong.push(name);
        }
    };
    let facility = input.facility.trim().parse::<Id>().ok();
    filter(input.facility, "facility", facility.map(|_| ()));
    let category = Category::parse(input.category);
    filter(input.category, "category", category.map(|_| ()));
    let sex = Sex::parse(input.sex);
    filter(input.sex, "sex", sex.map(|_| ()));
    let age_band = AgeBand::parse(input.age_band);
    filter(input.age_band, "age_band", age_band.map(|_| ()));
    if !wrong.is_empty() {
        return Err(wrong);
    }
    Ok(Filters {
        text: normalise(input.q),
        facility,
        category,
        sex,
        age_band,
    })
}

/// Today in the site's time. Kept for the command line; handlers read
/// `AppState::today`.
pub fn today(offset: time::UtcOffset) -> Date {
    time::OffsetDateTime::now_utc().to_offset(offset).date()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 22);

    fn base() -> PersonInput<'static> {
        PersonInput {
            names: NameInput {
                family_latin: "Sok",
                given_latin: "Dara",
                ..NameInput::default()
            },
            sex: "male",
            birth_date: BirthDateInput {
                year: "2019",
                month: "3",
                day: "4",
                ..BirthDateInput::default()
            },
            ..PersonInput::default()
        }
    }

    fn problems(input: &PersonInput<'_>) -> Vec<(InputField, InputProblem)> {
        match parse_person(input, TODAY) {
            Ok(_) => Vec::new(),
            Err(errors) => errors.into_iter().map(|e| (e.field, e.problem)).collect(),
        }
    }

    #[test]
    fn a_good_person_parses_with_an_inferred_precision() {
        let person = parse_person(&base(), TODAY).expect("a person");
        assert_eq!(
            person.details.birth_date.precision(),
            BirthDatePrecision::Exact
        );
        let year_only = PersonInput {
            birth_date: BirthDateInput {
                year: "2019",
                ..BirthDateInput::default()
            },
            ..base()
        };
        let person = parse_person(&year_only, TODAY).expect("a person");
        assert_eq!(
            person.details.birth_date.precision(),
            BirthDatePrecision::Year
        );
        let age = PersonInput {
            birth_date: BirthDateInput {
                age_years: "7",
                ..BirthDateInput::default()
            },
            ..base()
        };
        let person = parse_person(&age, TODAY).expect("a person");
        assert_eq!(
            person.details.birth_date.precision(),
            BirthDatePrecision::Estimated
        );
    }

    #[test]
    fn every_problem_is_found_with_its_field() {
        let input = PersonInput {
            names: NameInput {
                family_latin: "   ",
                ..NameInput::default()
            },
            sex: "robot",
            birth_date: BirthDateInput {
                year: "2019",
                month: "2",
                day: "31",
                ..BirthDateInput::default()
            },
            phone: "call me",
            province_code: "Phnom Penh",
            facility: "nowhere",
            identifiers: vec![
                ("national_id", "AB 12"),
                ("national_id", "ab-12"),
                ("haven", "1"),
                ("passport", "1"),
            ],
            categories: vec!["sos_child", "", "astronaut"],
            ..PersonInput::default()
        };
        assert_eq!(
            problems(&input),
            vec![
                (
                    InputField::Name(NameField::GivenLatin),
                    InputProblem::Person(PersonError::NameRequired)
                ),
                (InputField::Sex, InputProblem::UnknownSex),
                (
                    InputField::BirthDate,
                    InputProblem::Person(PersonError::BirthDateNoSuchDay)
                ),
                (
                    InputField::Phone,
                    InputProblem::Person(PersonError::PhoneMalformed)
                ),
                (InputField::ProvinceCode, InputProblem::MalformedProvince),
                (InputField::Facility, InputProblem::MalformedFacility),
                (InputField::Identifier(1), InputProblem::IdentifierRepeated),
                (InputField::Identifier(2), InputProblem::HavenNumberGiven),
                (
                    InputField::Identifier(3),
                    InputProblem::UnknownIdentifierKind
                ),
                (InputField::Category(2), InputProblem::UnknownCategory),
            ]
        );
        let precision = PersonInput {
            birth_date: BirthDateInput {
                precision: "roughly",
                year: "2019",
                ..BirthDateInput::default()
            },
            sex: "",
            ..base()
        };
        assert_eq!(
            problems(&precision),
            vec![
                (
                    InputField::Sex,
                    InputProblem::Person(PersonError::SexRequired)
                ),
                (InputField::BirthDate, InputProblem::UnknownPrecision),
            ]
        );
    }

    #[test]
    fn hidden_characters_and_names_without_a_letter_are_refused_at_their_field() {
        let check = |names: NameInput<'static>, expected: &[(NameField, PersonError, &str)]| {
            let input = PersonInput { names, ..base() };
            let found: Vec<(InputField, InputProblem, &str, &str)> = problems(&input)
                .into_iter()
                .map(|(field, problem)| (field, problem, problem.code(), problem.message_key()))
                .collect();
            let expected: Vec<(InputField, InputProblem, &str, &str)> = expected
                .iter()
                .map(|&(field, error, code)| {
                    (
                        InputField::Name(field),
                        InputProblem::Person(error),
                        code,
                        code,
                    )
                })
                .collect();
            assert_eq!(found, expected);
        };
        check(
            NameInput {
                family_latin: "\u{202E}",
                given_latin: "Dara",
                ..NameInput::default()
            },
            &[(
                NameField::FamilyLatin,
                PersonError::NameHasDirectionControl,
                "person-error-name-direction-control",
            )],
        );
        check(
            NameInput {
                family_km: "សុខ",
                given_km: "ដា\0រា",
                other_names: "\u{200B}\u{200D}",
                nicknames: "Pov\r\nPov",
                ..NameInput::default()
            },
            &[
                (
                    NameField::GivenKm,
                    PersonError::NameHasControlCharacter,
                    "person-error-name-control-character",
                ),
                (
                    NameField::OtherNames,
                    PersonError::NameWithoutLetter,
                    "person-error-name-no-letter",
                ),
                (
                    NameField::Nicknames,
                    PersonError::NameHasControlCharacter,
                    "person-error-name-control-character",
                ),
            ],
        );
    }

    #[test]
    fn dates_split_only_when_whole() {
        assert_eq!(split_date("2019-03-04"), Ok(("2019", "03", "04")));
        assert!(split_date("2019-3").is_err());
        assert!(split_date("4/3/2019").is_err());
        assert!(split_date("2019-03-04-01").is_err());
        assert!(split_date("").is_err());
        assert!(is_province_code("KH-12"));
        assert!(!is_province_code("KH12"));
        assert!(!is_province_code("kh-12"));
    }
}
