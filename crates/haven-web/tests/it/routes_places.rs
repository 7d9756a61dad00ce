//! The role-by-route cases of the places routes, and the records their paths name.

use haven_domain::places::{
    FacilityDetails, FacilityInput, PlaceName, ProgrammeDetails, ProgrammeInput,
};
use haven_domain::{Action, Kind};
use haven_store::Actor;

use crate::routes::{api, page, Case, Need};
use crate::support::App;

const READ_PLACE: Need = Need::Permission(Action::Read, Kind::Place);
const WRITE_PLACE: Need = Need::Permission(Action::Write, Kind::Place);

pub(crate) const CASES: &[Case] = &[
    page("GET", "/places", READ_PLACE, ""),
    page("GET", "/places/export.csv", READ_PLACE, ""),
    page(
        "POST",
        "/places/programmes",
        WRITE_PLACE,
        "name=&province=KH-99",
    ),
    page("GET", "/places/programmes/{programme}", READ_PLACE, ""),
    page(
        "POST",
        "/places/programmes/{programme}",
        WRITE_PLACE,
        "name=&province=&version=999",
    ),
    page(
        "POST",
        "/places/programmes/{programme}/facilities",
        WRITE_PLACE,
        "kind=hospital&name=",
    ),
    page("GET", "/places/facilities/{facility}", READ_PLACE, ""),
    page(
        "POST",
        "/places/facilities/{facility}",
        WRITE_PLACE,
        "kind=&name=&version=999",
    ),
    page(
        "POST",
        "/places/facilities/{facility}/wards",
        WRITE_PLACE,
        "name=+",
    ),
    page(
        "POST",
        "/places/facilities/{facility}/beds",
        WRITE_PLACE,
        "ward=&label=",
    ),
    page(
        "POST",
        "/places/facilities/{facility}/beds/{bed}/close",
        WRITE_PLACE,
        "version=999",
    ),
    api("GET", "/api/v1/places", READ_PLACE, ""),
    api(
        "POST",
        "/api/v1/programmes",
        WRITE_PLACE,
        r#"{"name":"","province":"KH-99"}"#,
    ),
    api("GET", "/api/v1/programmes/{programme}", READ_PLACE, ""),
    api(
        "PUT",
        "/api/v1/programmes/{programme}",
        WRITE_PLACE,
        r#"{"name":"","province":"KH-99","version":999}"#,
    ),
    api(
        "POST",
        "/api/v1/facilities",
        WRITE_PLACE,
        r#"{"kind":"hospital","name":""}"#,
    ),
    api("GET", "/api/v1/facilities/{facility}", READ_PLACE, ""),
    api(
        "PUT",
        "/api/v1/facilities/{facility}",
        WRITE_PLACE,
        r#"{"kind":"hospital","name":"","version":999}"#,
    ),
];

/// A programme with one facility, one ward and one bed: the records these routes
/// name. Returns their ids too, for other parts' targets.
pub(crate) async fn place_records(app: &App) -> (String, String, String, String) {
    let actor = Actor::system();
    let programme = app
        .store
        .create_programme(
            &actor,
            &ProgrammeDetails::parse(&ProgrammeInput {
                name: "SOS Target Programme",
                province: "KH-12",
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
                    name: "Target Clinic",
                    ..FacilityInput::default()
                },
                time::macros::date!(2026 - 01 - 01),
            )
            .expect("a valid facility"),
        )
        .await
        .expect("a facility");
    let ward = app
        .store
        .create_ward(
            &actor,
            facility.id,
            &PlaceName::parse("Ward A").expect("a name"),
        )
        .await
        .expect("a ward");
    let bed = app
        .store
        .create_bed(&actor, ward.id, &PlaceName::parse("A-1").expect("a label"))
        .await
        .expect("a bed");
    (
        programme.id.to_string(),
        facility.id.to_string(),
        ward.id.to_string(),
        bed.id.to_string(),
    )
}

/// The placeholders of these routes' paths and the ids that fill them.
pub(crate) async fn targets(app: &App) -> Vec<(&'static str, String)> {
    let (programme, facility, _, bed) = place_records(app).await;
    vec![
        ("{programme}", programme),
        ("{facility}", facility),
        ("{bed}", bed),
    ]
}
