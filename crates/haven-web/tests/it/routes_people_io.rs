//! The role-by-route cases of the people import, export and API routes, and the records their paths name.

use haven_domain::{Action, Kind};

use crate::routes::{api, page, Case, Need};
use crate::support::App;

const READ_PEOPLE: Need = Need::Permission(Action::Read, Kind::Person);
const WRITE_PEOPLE: Need = Need::Permission(Action::Write, Kind::Person);

pub(crate) const CASES: &[Case] = &[
    page("GET", "/people/import", WRITE_PEOPLE, ""),
    // An empty file: refused, nothing imported.
    page("POST", "/people/import", WRITE_PEOPLE, "step=import&csv="),
    page("GET", "/people/export.csv", READ_PEOPLE, ""),
    api("GET", "/api/v1/people", READ_PEOPLE, ""),
    // A registration without a name, sex or date of birth: refused with 422.
    api(
        "POST",
        "/api/v1/people",
        WRITE_PEOPLE,
        r#"{"names":{},"sex":"","birth_date":{}}"#,
    ),
    api("GET", "/api/v1/people/{person_id}", READ_PEOPLE, ""),
    // A stale version: refused with 409, nothing changed.
    api(
        "PUT",
        "/api/v1/people/{person_id}",
        WRITE_PEOPLE,
        r#"{"version":999,"names":{"given_latin":"Changed"},"sex":"male","birth_date":{"date":"2015-06-01"}}"#,
    ),
];

/// The placeholders of these routes' paths and the ids that fill them.
pub(crate) async fn targets(app: &App) -> Vec<(&'static str, String)> {
    let person = crate::people_io::person(app, "Target", None).await;
    vec![("{person_id}", person.id.to_string())]
}
