//! The role-by-route cases of the routes of growth monitoring and nutrition: measurements, WHO z-scores, growth charts, the growth calculator, the child health card and the malnutrition programme (issue 5), and the records their paths name.

use haven_domain::growth::nutrition::{AppetiteTest, Programme, Wasting};
use haven_domain::growth::{Measurements, MeasurementsInput};
use haven_domain::places::{FacilityDetails, FacilityInput, ProgrammeDetails, ProgrammeInput};
use haven_domain::{Action, Kind};
use haven_store::growth::{NewAdmission, NewMeasurement};
use haven_store::{Actor, Id};

use crate::routes::{api, page, Case, Need};
use crate::support::App;

const READ_CLINICAL: Need = Need::Permission(Action::Read, Kind::Clinical);
const WRITE_CLINICAL: Need = Need::Permission(Action::Write, Kind::Clinical);

pub(crate) const CASES: &[Case] = &[
    page("GET", "/growth", READ_CLINICAL, ""),
    // The calculator stores and shows nobody's record: any signed-in user.
    page("GET", "/growth/calculator", Need::SignedIn, ""),
    page("GET", "/growth/session", READ_CLINICAL, ""),
    page(
        "POST",
        "/growth/session/{child}",
        WRITE_CLINICAL,
        "weight_kg=heavy",
    ),
    page("GET", "/growth/people/{child}", READ_CLINICAL, ""),
    page(
        "POST",
        "/growth/people/{child}/measurements",
        WRITE_CLINICAL,
        "weight_kg=heavy",
    ),
    page(
        "POST",
        "/growth/people/{child}/measurements/{measurement}/error",
        WRITE_CLINICAL,
        "version=999&reason=test",
    ),
    page("GET", "/growth/people/{child}/card", READ_CLINICAL, ""),
    page(
        "POST",
        "/growth/people/{child}/admissions",
        WRITE_CLINICAL,
        "programme=",
    ),
    // The outcome indicators are figures without names: Read Report reads them too.
    page(
        "GET",
        "/growth/programme",
        Need::AnyOf(&[(Action::Read, Kind::Clinical), (Action::Read, Kind::Report)]),
        "",
    ),
    page("GET", "/growth/admissions/{admission}", READ_CLINICAL, ""),
    page(
        "POST",
        "/growth/admissions/{admission}/follow-ups",
        WRITE_CLINICAL,
        "weight_kg=heavy&appetite_test=passed",
    ),
    page(
        "POST",
        "/growth/admissions/{admission}/discharge",
        WRITE_CLINICAL,
        "version=999&outcome=cured",
    ),
    api(
        "POST",
        "/api/v1/growth/calculate",
        Need::SignedIn,
        r#"{"sex":""}"#,
    ),
    api(
        "GET",
        "/api/v1/growth/people/{child}/measurements",
        READ_CLINICAL,
        "",
    ),
    api(
        "POST",
        "/api/v1/growth/people/{child}/measurements",
        WRITE_CLINICAL,
        r#"{"measured_on":""}"#,
    ),
    api(
        "GET",
        "/api/v1/growth/outcomes",
        Need::AnyOf(&[(Action::Read, Kind::Clinical), (Action::Read, Kind::Report)]),
        "",
    ),
];

/// The records this part's paths name: a child with a measurement, in a programme.
pub(crate) async fn targets(app: &App) -> Vec<(&'static str, String)> {
    let actor = Actor::system();
    let programme = app
        .store
        .create_programme(
            &actor,
            &ProgrammeDetails::parse(&ProgrammeInput {
                name: "SOS Growth Target",
                province: "KH-2",
                ..ProgrammeInput::default()
            })
            .expect("a valid programme"),
        )
        .await
        .expect("a programme");
    let facility = app
        .store
        .create_facility(
            &actor,
            programme.id,
            &FacilityDetails::parse(
                &FacilityInput {
                    kind: "medical_centre",
                    name: "Growth Target Clinic",
                    ..FacilityInput::default()
                },
                time::macros::date!(2026 - 01 - 01),
            )
            .expect("a valid facility"),
        )
        .await
        .expect("a facility");
    let child = insert_child(
        app,
        "Target",
        "Child",
        "female",
        "2024-03-01",
        Some(facility.id),
    )
    .await;
    let values = Measurements::parse(&MeasurementsInput {
        weight_kg: "6.9",
        length_cm: "73",
        position: "lying",
        muac_mm: "112",
        ..MeasurementsInput::default()
    })
    .expect("valid measurements");
    let measurement = app
        .store
        .record_measurement(
            &actor,
            &NewMeasurement {
                person_id: child,
                facility_id: Some(facility.id),
                visit_id: None,
                measured_on: time::macros::date!(2025 - 06 - 02),
                values,
                note: String::new(),
            },
        )
        .await
        .expect("a measurement");
    let admission = app
        .store
        .admit_to_programme(
            &actor,
            &NewAdmission {
                person_id: child,
                facility_id: facility.id,
                programme: Programme::Otp,
                admitted_on: time::macros::date!(2025 - 06 - 02),
                admitted_by: Wasting::Muac,
                measurement_id: Some(measurement.id),
                complications: false,
                appetite_test: AppetiteTest::Passed,
            },
        )
        .await
        .expect("an admission");
    vec![
        ("{child}", child.to_string()),
        ("{measurement}", measurement.id.to_string()),
        ("{admission}", admission.id.to_string()),
    ]
}

/// Puts a child straight into the person table, as the people part would.
pub(crate) async fn insert_child(
    app: &App,
    family: &str,
    given: &str,
    sex: &str,
    born: &str,
    facility: Option<Id>,
) -> Id {
    let id = Id::new();
    let facility = facility.map_or("NULL".to_owned(), |f| format!("'{f}'"));
    app.test_store
        .execute_raw(&format!(
            "INSERT INTO person (id, site_id, family_name_latin, given_name_latin, sex, birth_date,
                 birth_date_precision, registered_facility_id, created_at, created_by, updated_at,
                 updated_by, version)
             VALUES ('{id}', '{id}', '{family}', '{given}', '{sex}', '{born}', 'exact', {facility},
                 '2026-01-01T00:00:00.000000Z', '{id}', '2026-01-01T00:00:00.000000Z', '{id}', 1)"
        ))
        .await
        .expect("inserting a child");
    id
}
