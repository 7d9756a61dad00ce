//! The role-by-route cases of the routes of mother and child health: pregnancy,
//! birth, postnatal care, family planning and immunisation, and the records their
//! paths name. Every write is refused by its input (an empty date, a stale version)
//! so that each role meets the same records.

use haven_domain::mch::birth::{BabyInput, DeliveryDetails, DeliveryInput, MotherNames};
use haven_domain::mch::family_planning::{FpVisitDetails, FpVisitInput};
use haven_domain::mch::immunisation::Schedule;
use haven_domain::mch::postnatal::{PncContactDetails, PncContactInput};
use haven_domain::mch::pregnancy::{
    AncContactDetails, AncContactInput, PregnancyDetails, PregnancyInput,
};
use haven_domain::{Action, Kind};
use haven_store::mch::NewDose;
use haven_store::Actor;

use crate::routes::{api, page, Case, Need};
use crate::support::App;

const READ: Need = Need::Permission(Action::Read, Kind::Clinical);
const WRITE: Need = Need::Permission(Action::Write, Kind::Clinical);
/// Coverage is an aggregate without names: clinicians and M&E read it.
const COVERAGE: Need = Need::AnyOf(&[(Action::Read, Kind::Clinical), (Action::Read, Kind::Report)]);

pub(crate) const CASES: &[Case] = &[
    page("GET", "/mch", READ, ""),
    page("GET", "/mch/anc", READ, ""),
    page("GET", "/mch/pregnancies/new", WRITE, ""),
    page("POST", "/mch/pregnancies/new", WRITE, "person=&facility="),
    page("GET", "/mch/pregnancies/{pregnancy}", READ, ""),
    page(
        "POST",
        "/mch/pregnancies/{pregnancy}/contacts",
        WRITE,
        "contact_on=",
    ),
    page(
        "POST",
        "/mch/pregnancies/{pregnancy}/error",
        WRITE,
        "version=999&reason=test",
    ),
    page("GET", "/mch/pregnancies/{pregnancy}/delivery", WRITE, ""),
    page(
        "POST",
        "/mch/pregnancies/{pregnancy}/delivery",
        WRITE,
        "delivered_on=",
    ),
    page("GET", "/mch/deliveries/{delivery}", READ, ""),
    page(
        "POST",
        "/mch/deliveries/{delivery}/pnc",
        WRITE,
        "contact_on=",
    ),
    page("GET", "/mch/pnc", READ, ""),
    page("GET", "/mch/immunisation/{mch_person}", READ, ""),
    page("POST", "/mch/immunisation/{mch_person}", WRITE, "antigen="),
    page(
        "POST",
        "/mch/immunisation/{mch_person}/doses/{mch_dose}/error",
        WRITE,
        "version=999&reason=test",
    ),
    page("GET", "/mch/sessions", READ, ""),
    page("POST", "/mch/sessions", WRITE, "date="),
    page("GET", "/mch/coverage", COVERAGE, ""),
    page("GET", "/mch/pregnancies/{pregnancy}/correct", WRITE, ""),
    page(
        "POST",
        "/mch/pregnancies/{pregnancy}/correct",
        WRITE,
        "version=999&registered_on=",
    ),
    page(
        "POST",
        "/mch/pregnancies/{pregnancy}/end",
        WRITE,
        "version=999&ended_on=",
    ),
    page(
        "POST",
        "/mch/anc-contacts/{anc_contact}/error",
        WRITE,
        "version=999&reason=test",
    ),
    page(
        "POST",
        "/mch/pnc-contacts/{pnc_contact}/error",
        WRITE,
        "version=999&reason=test",
    ),
    page(
        "POST",
        "/mch/fp-visits/{fp_visit}/error",
        WRITE,
        "version=999&reason=test",
    ),
    page("GET", "/mch/family-planning", READ, ""),
    page("GET", "/mch/family-planning/{mch_person}", READ, ""),
    page(
        "POST",
        "/mch/family-planning/{mch_person}",
        WRITE,
        "visit_on=",
    ),
    api("GET", "/api/v1/mch/pregnancies", READ, ""),
    api(
        "POST",
        "/api/v1/mch/pregnancies",
        WRITE,
        r#"{"person_id":"","facility_id":"","registered_on":"","gravida":""}"#,
    ),
    api("GET", "/api/v1/mch/pregnancies/{pregnancy}", READ, ""),
    api(
        "POST",
        "/api/v1/mch/pregnancies/{pregnancy}/contacts",
        WRITE,
        r#"{"contact_on":""}"#,
    ),
    api(
        "POST",
        "/api/v1/mch/pregnancies/{pregnancy}/delivery",
        WRITE,
        r#"{"delivered_on":"","place":"","attendant":"","mode":"","mother_outcome":"","babies":[],"version":999}"#,
    ),
    api("GET", "/api/v1/mch/deliveries/{delivery}", READ, ""),
    api(
        "POST",
        "/api/v1/mch/deliveries/{delivery}/pnc",
        WRITE,
        r#"{"person_id":"","contact_on":""}"#,
    ),
    api("GET", "/api/v1/mch/immunisation/{mch_person}", READ, ""),
    api(
        "POST",
        "/api/v1/mch/immunisation/{mch_person}/doses",
        WRITE,
        r#"{"antigen":"","given_on":"","facility_id":""}"#,
    ),
    api("GET", "/api/v1/mch/immunisation-due", READ, ""),
    api("GET", "/api/v1/mch/coverage", COVERAGE, ""),
    api("GET", "/api/v1/mch/anc-worklist", READ, ""),
    api("GET", "/api/v1/mch/pnc-due", READ, ""),
    api(
        "PUT",
        "/api/v1/mch/pregnancies/{pregnancy}",
        WRITE,
        r#"{"version":999,"registered_on":"","gravida":""}"#,
    ),
    api(
        "POST",
        "/api/v1/mch/pregnancies/{pregnancy}/end",
        WRITE,
        r#"{"version":999,"ended_on":"","reason":""}"#,
    ),
    api(
        "POST",
        "/api/v1/mch/anc-contacts/{anc_contact}/error",
        WRITE,
        r#"{"version":999,"reason":"test"}"#,
    ),
    api(
        "POST",
        "/api/v1/mch/pnc-contacts/{pnc_contact}/error",
        WRITE,
        r#"{"version":999,"reason":"test"}"#,
    ),
    api(
        "POST",
        "/api/v1/mch/fp-visits/{fp_visit}/error",
        WRITE,
        r#"{"version":999,"reason":"test"}"#,
    ),
    api("GET", "/api/v1/mch/family-planning/{mch_person}", READ, ""),
    api(
        "POST",
        "/api/v1/mch/family-planning/{mch_person}",
        WRITE,
        r#"{"facility_id":"","visit_on":""}"#,
    ),
    api("GET", "/api/v1/mch/family-planning-due", READ, ""),
];

/// The placeholders of these routes' paths and the ids that fill them: an open
/// pregnancy, a delivered one with its delivery, a woman and one of her doses.
pub(crate) async fn targets(app: &App) -> Vec<(&'static str, String)> {
    let actor = Actor::system();
    let (_, facility, _, _) = crate::routes_places::place_records(app).await;
    let facility: haven_store::Id = facility.parse().expect("an id");
    let today = time::OffsetDateTime::now_utc().date();
    let registered = today - time::Duration::days(60);
    let lmp = today - time::Duration::days(120);
    let details = PregnancyDetails::parse(
        &PregnancyInput {
            registered_on: &registered.to_string(),
            lmp: &lmp.to_string(),
            gravida: "1",
            ..PregnancyInput::default()
        },
        today,
    )
    .expect("a valid pregnancy");
    let open_woman =
        crate::routes_staff::insert_person(app, "Target", "Mother", Some(&facility.to_string()))
            .await;
    let open = app
        .store
        .register_pregnancy(&actor, open_woman, facility, &details)
        .await
        .expect("a pregnancy");
    let delivered_woman =
        crate::routes_staff::insert_person(app, "Target", "Delivered", Some(&facility.to_string()))
            .await;
    let delivered = app
        .store
        .register_pregnancy(&actor, delivered_woman, facility, &details)
        .await
        .expect("a pregnancy");
    let birth = DeliveryDetails::parse(
        &DeliveryInput {
            delivered_on: &today.to_string(),
            place: "facility",
            attendant: "midwife",
            mode: "vaginal",
            mother_outcome: "well",
            babies: vec![BabyInput {
                outcome: "live_birth",
                sex: "male",
                weight_g: "3000",
                ..BabyInput::default()
            }],
            ..DeliveryInput::default()
        },
        today,
        registered,
        MotherNames {
            family_km: "",
            family_latin: "Target",
        },
    )
    .expect("a valid delivery");
    let delivery = app
        .store
        .record_delivery(&actor, delivered.id, delivered.version, &birth)
        .await
        .expect("a delivery");
    let schedule = Schedule::builtin("kh").expect("the schedule");
    let doses = app
        .store
        .record_doses(
            &actor,
            &[NewDose {
                person_id: open_woman,
                facility_id: facility,
                antigen: "td".to_owned(),
                dose_number: 1,
                cvx: "139".to_owned(),
                given_on: registered,
                lot: String::new(),
                given_by: String::new(),
                anc_contact_id: None,
            }],
            schedule,
        )
        .await
        .expect("a dose");
    let contact = app
        .store
        .record_anc_contact(
            &actor,
            open.id,
            facility,
            &AncContactDetails::parse(
                &AncContactInput {
                    contact_on: &registered.to_string(),
                    ..AncContactInput::default()
                },
                today,
                registered,
                lmp,
            )
            .expect("a valid contact"),
            None,
        )
        .await
        .expect("a contact");
    let pnc = app
        .store
        .record_pnc_contact(
            &actor,
            delivery.id,
            delivered_woman,
            facility,
            &PncContactDetails::parse(
                &PncContactInput {
                    contact_on: &today.to_string(),
                    ..PncContactInput::default()
                },
                today,
                today,
            )
            .expect("a valid postnatal contact"),
        )
        .await
        .expect("a postnatal contact");
    let visit = app
        .store
        .record_fp_visit(
            &actor,
            open_woman,
            facility,
            &FpVisitDetails::parse(
                &FpVisitInput {
                    visit_on: &today.to_string(),
                    counselled: true,
                    ..FpVisitInput::default()
                },
                today,
                None,
            )
            .expect("a valid visit"),
        )
        .await
        .expect("a visit");
    vec![
        ("{anc_contact}", contact.id.to_string()),
        ("{pnc_contact}", pnc.id.to_string()),
        ("{fp_visit}", visit.id.to_string()),
        ("{pregnancy}", open.id.to_string()),
        ("{delivery}", delivery.id.to_string()),
        ("{mch_person}", open_woman.to_string()),
        ("{mch_dose}", doses[0].to_string()),
    ]
}
