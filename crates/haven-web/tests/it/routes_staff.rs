//! The role-by-route cases of the staff routes, and the records their paths name.

use haven_domain::staff::{StaffDetails, StaffInput, TrainingDetails, TrainingInput};
use haven_domain::{Action, Kind};
use haven_store::{Actor, Id};

use crate::routes::{api, page, Case, Need};
use crate::support::App;

const READ_STAFF: Need = Need::Permission(Action::Read, Kind::Staff);
const WRITE_STAFF: Need = Need::Permission(Action::Write, Kind::Staff);

pub(crate) const CASES: &[Case] = &[
    page("GET", "/staff", READ_STAFF, ""),
    page("GET", "/staff/export.csv", READ_STAFF, ""),
    page("GET", "/staff/expiring", READ_STAFF, ""),
    page("GET", "/staff/expiring/export.csv", READ_STAFF, ""),
    page("GET", "/staff/new", WRITE_STAFF, ""),
    page("POST", "/staff/new", WRITE_STAFF, "person=&profession="),
    page("GET", "/staff/{staff}", READ_STAFF, ""),
    page(
        "POST",
        "/staff/{staff}",
        WRITE_STAFF,
        "profession=&version=999",
    ),
    page("POST", "/staff/{staff}/trainings", WRITE_STAFF, "course="),
    page(
        "POST",
        "/staff/{staff}/trainings/{training}/error",
        WRITE_STAFF,
        "version=999&reason=test",
    ),
    page(
        "POST",
        "/staff/{staff}/facilities",
        WRITE_STAFF,
        "facility=",
    ),
    page(
        "POST",
        "/staff/{staff}/facilities/{placement}/end",
        WRITE_STAFF,
        "version=999",
    ),
    page(
        "POST",
        "/staff/{staff}/user",
        WRITE_STAFF,
        "version=999&username=nobody-at-all",
    ),
    api("GET", "/api/v1/staff", READ_STAFF, ""),
    api("POST", "/api/v1/staff", WRITE_STAFF, r#"{"profession":""}"#),
    api("GET", "/api/v1/staff/{staff}", READ_STAFF, ""),
    api(
        "PUT",
        "/api/v1/staff/{staff}",
        WRITE_STAFF,
        r#"{"profession":"","version":999}"#,
    ),
    api(
        "POST",
        "/api/v1/staff/{staff}/trainings",
        WRITE_STAFF,
        r#"{"course":"","started_on":"","ended_on":""}"#,
    ),
];

/// Puts a person row straight into the table, as the people part will.
pub(crate) async fn insert_person(
    app: &App,
    family: &str,
    given: &str,
    facility: Option<&str>,
) -> Id {
    let id = Id::new();
    let facility = facility.map_or("NULL".to_owned(), |f| format!("'{f}'"));
    app.test_store
        .execute_raw(&format!(
            "INSERT INTO person (id, site_id, family_name_latin, given_name_latin, sex, birth_date,
                 birth_date_precision, registered_facility_id, created_at, created_by, updated_at,
                 updated_by, version)
             VALUES ('{id}', '{id}', '{family}', '{given}', 'female', '1990-01-01', 'exact', {facility},
                 '2026-01-01T00:00:00.000000Z', '{id}', '2026-01-01T00:00:00.000000Z', '{id}', 1)"
        ))
        .await
        .expect("inserting a person");
    id
}

/// The placeholders of these routes' paths and the ids that fill them.
pub(crate) async fn targets(app: &App) -> Vec<(&'static str, String)> {
    let actor = Actor::system();
    let (_, facility, _, _) = crate::routes_places::place_records(app).await;
    let person = insert_person(app, "Target", "Staff", None).await;
    let details = StaffDetails::parse(&StaffInput {
        profession: "midwife",
        registration_number: "MW-1",
        registration_expires_on: "2027-01-01",
        ..StaffInput::default()
    })
    .expect("valid staff details");
    let staff = app
        .store
        .create_staff_member(&actor, person, &details, None)
        .await
        .expect("a staff member");
    let training = TrainingDetails::parse(&TrainingInput {
        course: "IMCI",
        started_on: "2025-01-06",
        ended_on: "2025-01-10",
        ..TrainingInput::default()
    })
    .expect("a valid training");
    let training = app
        .store
        .add_training(&actor, staff.id, &training)
        .await
        .expect("a training");
    let assignment = app
        .store
        .assign_staff_facility(&actor, staff.id, facility.parse().expect("an id"))
        .await
        .expect("an assignment");
    vec![
        ("{staff}", staff.id.to_string()),
        ("{training}", training.id.to_string()),
        ("{placement}", assignment.id.to_string()),
    ]
}
