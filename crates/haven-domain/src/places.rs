//! Places: countries, Cambodia's provinces, programmes, and the kinds of facility.
//!
//! The provinces are reference data (ISO 3166-2:KH) embedded at compile time from
//! data/places/kh-provinces.csv; nothing here reads a file at run time. A programme's
//! and a facility's details are parsed once from what was typed ("parse, don't
//! validate"); today's date comes in as an argument.

use std::sync::OnceLock;

use time::Date;

use crate::person::is_khmer;
use crate::text::normalise;

/// The ISO 3166-1 code of the only country Haven serves so far.
pub const CAMBODIA: &str = "KH";

/// One of Cambodia's 25 provinces (the capital, Phnom Penh, counted among them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Province {
    code: &'static str,
    name_en: &'static str,
    name_km: &'static str,
}

const PROVINCES_CSV: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/places/kh-provinces.csv"
));

impl Province {
    /// Every province, in the order of their codes (KH-1 to KH-25).
    pub fn all() -> &'static [Province] {
        static PROVINCES: OnceLock<Vec<Province>> = OnceLock::new();
        PROVINCES.get_or_init(|| parse_provinces(PROVINCES_CSV))
    }

    /// The province with this ISO 3166-2 code, such as `KH-12`.
    pub fn find(code: &str) -> Option<&'static Province> {
        let code = code.trim();
        Province::all()
            .iter()
            .find(|province| province.code.eq_ignore_ascii_case(code))
    }

    pub fn code(&self) -> &'static str {
        self.code
    }
    pub fn name_en(&self) -> &'static str {
        self.name_en
    }
    pub fn name_km(&self) -> &'static str {
        self.name_km
    }
}

/// Reads the embedded CSV (a header, then `code,name_en,name_km`; no quoted cells).
fn parse_provinces(source: &'static str) -> Vec<Province> {
    source
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut cells = line.trim_end_matches('\r').split(',');
            let (code, name_en, name_km) = (cells.next()?, cells.next()?, cells.next()?);
            Some(Province {
                code: code.trim(),
                name_en: name_en.trim(),
                name_km: name_km.trim(),
            })
        })
        .collect()
}

coded_enum! {
    /// The kinds of SOS facility.
    FacilityKind {
        MedicalCentre => "medical_centre",
        MotherChildClinic => "mother_child_clinic",
        EmergencyHealthCentre => "emergency_health_centre",
        ChildrensVillage => "childrens_village",
        FamilyStrengtheningOffice => "family_strengthening_office",
        YouthFacility => "youth_facility",
        NationalOffice => "national_office",
    }
}

/// What is wrong with a place's details. Each code is a translation key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlaceError {
    #[error("a name is required")]
    NameRequired,
    #[error("a name is at most 120 characters")]
    NameTooLong,
    #[error("this field takes Khmer script")]
    NotKhmerScript,
    #[error("choose one of Cambodia's provinces")]
    UnknownProvince,
    #[error("a latitude is a number from -90 to 90")]
    BadLatitude,
    #[error("a longitude is a number from -180 to 180")]
    BadLongitude,
    #[error("give both the latitude and the longitude, or neither")]
    HalfAPoint,
    #[error("choose the kind of facility")]
    UnknownKind,
    #[error("a catchment population is a whole number of people, 0 or more")]
    BadCatchment,
    #[error("a date is written as YYYY-MM-DD and must be a day of the calendar")]
    BadDate,
    #[error("the opening date is in the future")]
    OpenedInFuture,
    #[error("this text is too long")]
    TextTooLong,
}

impl PlaceError {
    /// The translation key of the message.
    pub fn code(self) -> &'static str {
        match self {
            PlaceError::NameRequired => "place-error-name-required",
            PlaceError::NameTooLong => "place-error-name-too-long",
            PlaceError::NotKhmerScript => "place-error-not-khmer",
            PlaceError::UnknownProvince => "place-error-unknown-province",
            PlaceError::BadLatitude => "place-error-bad-latitude",
            PlaceError::BadLongitude => "place-error-bad-longitude",
            PlaceError::HalfAPoint => "place-error-half-a-point",
            PlaceError::UnknownKind => "place-error-unknown-kind",
            PlaceError::BadCatchment => "place-error-bad-catchment",
            PlaceError::BadDate => "place-error-bad-date",
            PlaceError::OpenedInFuture => "place-error-opened-in-future",
            PlaceError::TextTooLong => "place-error-text-too-long",
        }
    }

    /// Every error, for the test that keeps the translation files complete.
    pub const ALL: [PlaceError; 12] = [
        PlaceError::NameRequired,
        PlaceError::NameTooLong,
        PlaceError::NotKhmerScript,
        PlaceError::UnknownProvince,
        PlaceError::BadLatitude,
        PlaceError::BadLongitude,
        PlaceError::HalfAPoint,
        PlaceError::UnknownKind,
        PlaceError::BadCatchment,
        PlaceError::BadDate,
        PlaceError::OpenedInFuture,
        PlaceError::TextTooLong,
    ];
}

/// The longest name of a place, in characters.
pub const NAME_MAX: usize = 120;

/// A place's name: normalised (NFC, spaces collapsed), not empty, at most 120
/// characters. Also the name of a ward and the label of a bed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlaceName(String);

impl PlaceName {
    pub fn parse(raw: &str) -> Result<PlaceName, PlaceError> {
        let name = collapse(raw);
        if name.is_empty() {
            Err(PlaceError::NameRequired)
        } else if name.chars().count() > NAME_MAX {
            Err(PlaceError::NameTooLong)
        } else {
            Ok(PlaceName(name))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A point on the map, both coordinates in range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GeoPoint {
    latitude: f64,
    longitude: f64,
}

impl GeoPoint {
    /// Parses the two typed coordinates: both empty is no point; one alone is an
    /// error at the empty one.
    pub fn parse(
        latitude: &str,
        longitude: &str,
    ) -> Result<Option<GeoPoint>, Vec<(PlaceField, PlaceError)>> {
        let number = |raw: &str| -> Option<Result<f64, ()>> {
            let raw = raw.trim();
            (!raw.is_empty()).then(|| raw.parse::<f64>().map_err(|_| ()))
        };
        let mut errors = Vec::new();
        let latitude = match number(latitude) {
            None => None,
            Some(Ok(value)) if value.is_finite() && (-90.0..=90.0).contains(&value) => Some(value),
            Some(_) => {
                errors.push((PlaceField::Latitude, PlaceError::BadLatitude));
                None
            }
        };
        let longitude = match number(longitude) {
            None => None,
            Some(Ok(value)) if value.is_finite() && (-180.0..=180.0).contains(&value) => {
                Some(value)
            }
            Some(_) => {
                errors.push((PlaceField::Longitude, PlaceError::BadLongitude));
                None
            }
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        match (latitude, longitude) {
            (Some(latitude), Some(longitude)) => Ok(Some(GeoPoint {
                latitude,
                longitude,
            })),
            (None, None) => Ok(None),
            (Some(_), None) => Err(vec![(PlaceField::Longitude, PlaceError::HalfAPoint)]),
            (None, Some(_)) => Err(vec![(PlaceField::Latitude, PlaceError::HalfAPoint)]),
        }
    }

    /// Rebuilds a stored point; `None` when a stored value is out of range.
    pub fn from_stored(latitude: f64, longitude: f64) -> Option<GeoPoint> {
        GeoPoint::parse(&latitude.to_string(), &longitude.to_string())
            .ok()
            .flatten()
    }

    pub fn latitude(&self) -> f64 {
        self.latitude
    }
    pub fn longitude(&self) -> f64 {
        self.longitude
    }
}

/// Which field of a place's form an error belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaceField {
    Name,
    NameKm,
    Province,
    District,
    Commune,
    Village,
    Latitude,
    Longitude,
    Kind,
    OpenedOn,
    Catchment,
}

impl PlaceField {
    /// The name of the form field (and of the API's JSON field).
    pub fn name(self) -> &'static str {
        match self {
            PlaceField::Name => "name",
            PlaceField::NameKm => "name_km",
            PlaceField::Province => "province",
            PlaceField::District => "district",
            PlaceField::Commune => "commune",
            PlaceField::Village => "village",
            PlaceField::Latitude => "latitude",
            PlaceField::Longitude => "longitude",
            PlaceField::Kind => "kind",
            PlaceField::OpenedOn => "opened_on",
            PlaceField::Catchment => "catchment_population",
        }
    }
}

/// Errors of a form, each at its field.
pub type FieldErrors<F, E> = Vec<(F, E)>;

/// A programme's fields as typed.
#[derive(Clone, Debug, Default)]
pub struct ProgrammeInput<'a> {
    pub name: &'a str,
    pub name_km: &'a str,
    pub province: &'a str,
    pub district: &'a str,
    pub commune: &'a str,
    pub village: &'a str,
    pub latitude: &'a str,
    pub longitude: &'a str,
}

/// A programme location's details, parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct ProgrammeDetails {
    name: PlaceName,
    name_km: String,
    province: &'static Province,
    district: String,
    commune: String,
    village: String,
    point: Option<GeoPoint>,
}

impl ProgrammeDetails {
    pub fn parse(
        input: &ProgrammeInput<'_>,
    ) -> Result<ProgrammeDetails, FieldErrors<PlaceField, PlaceError>> {
        let mut errors = Vec::new();
        let name = PlaceName::parse(input.name)
            .map_err(|e| errors.push((PlaceField::Name, e)))
            .ok();
        let name_km = khmer_name(input.name_km)
            .map_err(|e| errors.push((PlaceField::NameKm, e)))
            .ok();
        let province = Province::find(input.province);
        if province.is_none() {
            errors.push((PlaceField::Province, PlaceError::UnknownProvince));
        }
        let mut area = |raw: &str, field: PlaceField| -> String {
            let value = collapse(raw);
            if value.chars().count() > NAME_MAX {
                errors.push((field, PlaceError::TextTooLong));
            }
            value
        };
        let district = area(input.district, PlaceField::District);
        let commune = area(input.commune, PlaceField::Commune);
        let village = area(input.village, PlaceField::Village);
        let point = GeoPoint::parse(input.latitude, input.longitude)
            .map_err(|e| errors.extend(e))
            .ok()
            .flatten();
        match (name, name_km, province, errors.is_empty()) {
            (Some(name), Some(name_km), Some(province), true) => Ok(ProgrammeDetails {
                name,
                name_km,
                province,
                district,
                commune,
                village,
                point,
            }),
            _ => Err(errors),
        }
    }

    pub fn name(&self) -> &str {
        self.name.as_str()
    }
    pub fn name_km(&self) -> &str {
        &self.name_km
    }
    pub fn province(&self) -> &'static Province {
        self.province
    }
    pub fn district(&self) -> &str {
        &self.district
    }
    pub fn commune(&self) -> &str {
        &self.commune
    }
    pub fn village(&self) -> &str {
        &self.village
    }
    pub fn point(&self) -> Option<GeoPoint> {
        self.point
    }
}

/// A facility's fields as typed.
#[derive(Clone, Debug, Default)]
pub struct FacilityInput<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    pub name_km: &'a str,
    /// `YYYY-MM-DD`, or empty when not known.
    pub opened_on: &'a str,
    /// A whole number, or empty when not known.
    pub catchment_population: &'a str,
}

/// A facility's details, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FacilityDetails {
    kind: FacilityKind,
    name: PlaceName,
    name_km: String,
    opened_on: Option<Date>,
    catchment_population: Option<i64>,
}

impl FacilityDetails {
    pub fn parse(
        input: &FacilityInput<'_>,
        today: Date,
    ) -> Result<FacilityDetails, FieldErrors<PlaceField, PlaceError>> {
        let mut errors = Vec::new();
        let kind = FacilityKind::parse(input.kind);
        if kind.is_none() {
            errors.push((PlaceField::Kind, PlaceError::UnknownKind));
        }
        let name = PlaceName::parse(input.name)
            .map_err(|e| errors.push((PlaceField::Name, e)))
            .ok();
        let name_km = khmer_name(input.name_km)
            .map_err(|e| errors.push((PlaceField::NameKm, e)))
            .ok();
        let opened_on = match optional_date(input.opened_on) {
            Ok(Some(date)) if date > today => {
                errors.push((PlaceField::OpenedOn, PlaceError::OpenedInFuture));
                None
            }
            Ok(date) => date,
            Err(e) => {
                errors.push((PlaceField::OpenedOn, e));
                None
            }
        };
        let catchment = input.catchment_population.trim();
        let catchment_population = if catchment.is_empty() {
            None
        } else {
            // Thousands separators are how people write populations.
            let digits: String = catchment
                .chars()
                .filter(|c| !matches!(c, ',' | ' ' | '_'))
                .collect();
            match digits.parse::<i64>() {
                Ok(n) if (0..=10_000_000_000).contains(&n) => Some(n),
                _ => {
                    errors.push((PlaceField::Catchment, PlaceError::BadCatchment));
                    None
                }
            }
        };
        match (kind, name, name_km, errors.is_empty()) {
            (Some(kind), Some(name), Some(name_km), true) => Ok(FacilityDetails {
                kind,
                name,
                name_km,
                opened_on,
                catchment_population,
            }),
            _ => Err(errors),
        }
    }

    pub fn kind(&self) -> FacilityKind {
        self.kind
    }
    pub fn name(&self) -> &str {
        self.name.as_str()
    }
    pub fn name_km(&self) -> &str {
        &self.name_km
    }
    pub fn opened_on(&self) -> Option<Date> {
        self.opened_on
    }
    pub fn catchment_population(&self) -> Option<i64> {
        self.catchment_population
    }
}

/// Parses `YYYY-MM-DD` (years 1900 to 9998, which both databases hold); empty is
/// `None`.
pub fn optional_date(raw: &str) -> Result<Option<Date>, PlaceError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    parse_date(raw).map(Some).ok_or(PlaceError::BadDate)
}

/// A date written `YYYY-MM-DD`, a day of the calendar between 1900 and 9998.
pub fn parse_date(raw: &str) -> Option<Date> {
    let date = Date::parse(
        raw.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()?;
    (1900..=9998).contains(&date.year()).then_some(date)
}

/// The Khmer name of a place: optional, Khmer script when given.
fn khmer_name(raw: &str) -> Result<String, PlaceError> {
    let name = collapse(raw);
    if name.chars().count() > NAME_MAX {
        Err(PlaceError::NameTooLong)
    } else if !name.is_empty() && !name.chars().any(is_khmer) {
        Err(PlaceError::NotKhmerScript)
    } else {
        Ok(name)
    }
}

/// Normalised text with runs of white space made one space.
fn collapse(raw: &str) -> String {
    normalise(raw)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use time::macros::date;

    use super::*;

    #[test]
    fn there_are_25_provinces_with_unique_codes_and_khmer_names() {
        let all = Province::all();
        assert_eq!(all.len(), 25);
        let codes: BTreeSet<&str> = all.iter().map(|p| p.code()).collect();
        assert_eq!(codes.len(), 25);
        for (n, province) in all.iter().enumerate() {
            assert_eq!(province.code(), format!("KH-{}", n + 1));
            assert!(!province.name_en().is_empty());
            assert!(province.name_en().is_ascii(), "{}", province.name_en());
            assert!(
                province
                    .name_km()
                    .chars()
                    .all(|c| is_khmer(c) || c == ' ' || c == '\u{200B}'),
                "{} is not all Khmer script: {}",
                province.code(),
                province.name_km()
            );
            assert!(!province.name_km().is_empty());
        }
        assert_eq!(
            Province::find("kh-12").map(|p| p.name_en()),
            Some("Phnom Penh")
        );
        assert_eq!(Province::find("KH-26"), None);
        assert_eq!(Province::find(""), None);
    }

    #[test]
    fn facility_kinds_have_the_agreed_codes() {
        let codes: Vec<&str> = FacilityKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(
            codes,
            [
                "medical_centre",
                "mother_child_clinic",
                "emergency_health_centre",
                "childrens_village",
                "family_strengthening_office",
                "youth_facility",
                "national_office"
            ]
        );
        assert_eq!(
            FacilityKind::MedicalCentre.label_key(),
            "facilitykind-medical-centre"
        );
    }

    fn programme(
        name: &str,
        province: &str,
        latitude: &str,
        longitude: &str,
    ) -> Result<ProgrammeDetails, Vec<(PlaceField, PlaceError)>> {
        ProgrammeDetails::parse(&ProgrammeInput {
            name,
            province,
            latitude,
            longitude,
            ..ProgrammeInput::default()
        })
    }

    #[test]
    fn programmes_parse() {
        let check = |input: (&str, &str, &str, &str),
                     expected: Result<(), Vec<(PlaceField, PlaceError)>>| {
            let got = programme(input.0, input.1, input.2, input.3).map(|_| ());
            assert_eq!(got, expected, "{input:?}");
        };
        use PlaceError as E;
        use PlaceField as F;
        check(("SOS Phnom Penh", "KH-12", "11.55", "104.92"), Ok(()));
        check(("SOS Phnom Penh", "KH-12", "", ""), Ok(()));
        check(
            ("  ", "KH-12", "", ""),
            Err(vec![(F::Name, E::NameRequired)]),
        );
        check(
            (&"x".repeat(121), "KH-12", "", ""),
            Err(vec![(F::Name, E::NameTooLong)]),
        );
        check(
            ("A", "KH-99", "", ""),
            Err(vec![(F::Province, E::UnknownProvince)]),
        );
        check(
            ("A", "KH-1", "91", "10"),
            Err(vec![(F::Latitude, E::BadLatitude)]),
        );
        check(
            ("A", "KH-1", "10", "-180.5"),
            Err(vec![(F::Longitude, E::BadLongitude)]),
        );
        check(
            ("A", "KH-1", "NaN", "10"),
            Err(vec![(F::Latitude, E::BadLatitude)]),
        );
        check(
            ("A", "KH-1", "10", ""),
            Err(vec![(F::Longitude, E::HalfAPoint)]),
        );
        check(
            ("A", "KH-1", "", "10"),
            Err(vec![(F::Latitude, E::HalfAPoint)]),
        );
        check(
            ("", "", "x", ""),
            Err(vec![
                (F::Name, E::NameRequired),
                (F::Province, E::UnknownProvince),
                (F::Latitude, E::BadLatitude),
            ]),
        );
        let parsed = programme("  SOS   Siem Reap ", "KH-17", "13.36", "103.86").unwrap();
        assert_eq!(parsed.name(), "SOS Siem Reap");
        assert_eq!(parsed.province().name_km(), "សៀមរាប");
        assert_eq!(parsed.point().map(|p| p.latitude()), Some(13.36));
        let latin_in_khmer = ProgrammeDetails::parse(&ProgrammeInput {
            name: "A",
            name_km: "SOS",
            province: "KH-1",
            ..ProgrammeInput::default()
        });
        assert_eq!(latin_in_khmer, Err(vec![(F::NameKm, E::NotKhmerScript)]));
    }

    #[test]
    fn facilities_parse() {
        let today = date!(2026 - 03 - 01);
        let check = |kind: &str,
                     opened: &str,
                     catchment: &str,
                     expected: Result<(), Vec<(PlaceField, PlaceError)>>| {
            let got = FacilityDetails::parse(
                &FacilityInput {
                    kind,
                    name: "Clinic",
                    name_km: "",
                    opened_on: opened,
                    catchment_population: catchment,
                },
                today,
            )
            .map(|_| ());
            assert_eq!(got, expected, "{kind} {opened} {catchment}");
        };
        use PlaceError as E;
        use PlaceField as F;
        check("medical_centre", "2001-05-01", "12,500", Ok(()));
        check("medical_centre", "", "", Ok(()));
        check("medical_centre", "2026-03-01", "0", Ok(()));
        check("hospital", "", "", Err(vec![(F::Kind, E::UnknownKind)]));
        check(
            "medical_centre",
            "2026-03-02",
            "",
            Err(vec![(F::OpenedOn, E::OpenedInFuture)]),
        );
        check(
            "medical_centre",
            "2025-02-30",
            "",
            Err(vec![(F::OpenedOn, E::BadDate)]),
        );
        check(
            "medical_centre",
            "yesterday",
            "",
            Err(vec![(F::OpenedOn, E::BadDate)]),
        );
        check(
            "medical_centre",
            "",
            "-1",
            Err(vec![(F::Catchment, E::BadCatchment)]),
        );
        check(
            "medical_centre",
            "",
            "1.5",
            Err(vec![(F::Catchment, E::BadCatchment)]),
        );
        check(
            "medical_centre",
            "",
            "99999999999999999999",
            Err(vec![(F::Catchment, E::BadCatchment)]),
        );
    }

    #[test]
    fn every_error_has_a_distinct_key() {
        let keys: BTreeSet<&str> = PlaceError::ALL.iter().map(|e| e.code()).collect();
        assert_eq!(keys.len(), PlaceError::ALL.len());
    }

    proptest::proptest! {
        #[test]
        fn parsing_never_panics(a in ".{0,40}", b in ".{0,20}", c in ".{0,20}", d in ".{0,20}") {
            let _ = programme(&a, &b, &c, &d);
            let _ = FacilityDetails::parse(&FacilityInput { kind: &a, name: &b, name_km: &c, opened_on: &d, catchment_population: &c }, time::macros::date!(2026-01-01));
        }
    }
}
