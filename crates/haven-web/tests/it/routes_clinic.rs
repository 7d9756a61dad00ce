//! The role-by-route cases of the routes of the medical centre's daily work: outpatient visits, inpatient stays, the laboratory, medicines and the patient chart (issue 4), and the records their paths name.

use haven_domain::clinic::lab::{catalogue, Flag, LabState};
use haven_domain::clinic::medicines::{Prescription, PrescriptionInput, Receipt};
use haven_domain::clinic::{ReferralDetails, VisitType};
use haven_domain::places::PlaceName;
use haven_domain::{Action, Kind};
use haven_store::clinic::{Encounter, NewResult, Viewer};
use haven_store::{Actor, Id};

use crate::routes::{api, page, Case, Need};
use crate::support::App;

const READ_CHECK_IN: Need = Need::Permission(Action::Read, Kind::CheckIn);
const WRITE_CHECK_IN: Need = Need::Permission(Action::Write, Kind::CheckIn);
const READ_CLINICAL: Need = Need::Permission(Action::Read, Kind::Clinical);
const WRITE_CLINICAL: Need = Need::Permission(Action::Write, Kind::Clinical);
const READ_LAB: Need = Need::Permission(Action::Read, Kind::Laboratory);
const WRITE_LAB: Need = Need::Permission(Action::Write, Kind::Laboratory);
const READ_MEDICINES: Need = Need::Permission(Action::Read, Kind::Medicines);
const WRITE_MEDICINES: Need = Need::Permission(Action::Write, Kind::Medicines);

pub(crate) const CASES: &[Case] = &[
    page("GET", "/clinic", READ_CHECK_IN, ""),
    page("GET", "/clinic/icd10", READ_CLINICAL, ""),
    page("GET", "/clinic/check-in", WRITE_CHECK_IN, ""),
    page("POST", "/clinic/check-in", WRITE_CHECK_IN, "person="),
    page(
        "GET",
        "/clinic/facilities/{facility}/queue",
        READ_CHECK_IN,
        "",
    ),
    page("GET", "/clinic/visits/{visit}", READ_CLINICAL, ""),
    page(
        "POST",
        "/clinic/visits/{visit}",
        WRITE_CLINICAL,
        "version=999&outcome=cured",
    ),
    page(
        "POST",
        "/clinic/visits/{visit}/call-in",
        WRITE_CLINICAL,
        "version=999",
    ),
    page(
        "POST",
        "/clinic/visits/{visit}/vitals",
        WRITE_CLINICAL,
        "temperature=60",
    ),
    page(
        "POST",
        "/clinic/visits/{visit}/diagnoses",
        WRITE_CLINICAL,
        "icd10=ZZZ",
    ),
    page(
        "POST",
        "/clinic/visits/{visit}/lab-orders",
        WRITE_CLINICAL,
        "test=nonsense",
    ),
    page(
        "POST",
        "/clinic/visits/{visit}/prescriptions",
        WRITE_CLINICAL,
        "medicine=",
    ),
    page(
        "POST",
        "/clinic/visits/{visit}/referrals",
        WRITE_CLINICAL,
        "reason=",
    ),
    page("GET", "/clinic/referrals/{referral}", READ_CLINICAL, ""),
    page("GET", "/clinic/results", READ_CLINICAL, ""),
    page("GET", "/clinic/lab", READ_LAB, ""),
    page("GET", "/clinic/facilities/{facility}/lab", READ_LAB, ""),
    page("GET", "/clinic/lab/{order}", READ_LAB, ""),
    page(
        "POST",
        "/clinic/lab/{order}/state",
        WRITE_LAB,
        "to=nonsense&version=999",
    ),
    page(
        "POST",
        "/clinic/lab/{order}/results",
        WRITE_LAB,
        "version=999",
    ),
    page("GET", "/clinic/lab/{order}/print", READ_LAB, ""),
    page("POST", "/clinic/lab/{order}/seen", READ_CLINICAL, ""),
    // An empty reason: refused at the field, the order stays for the other cases.
    page(
        "POST",
        "/clinic/diagnoses/{diagnosis}/error",
        WRITE_CLINICAL,
        "version=999",
    ),
    page(
        "POST",
        "/clinic/lab/{order}/cancel",
        WRITE_CLINICAL,
        "reason=&version=999",
    ),
    page("GET", "/clinic/pharmacy", READ_MEDICINES, ""),
    page(
        "GET",
        "/clinic/facilities/{facility}/pharmacy",
        READ_MEDICINES,
        "",
    ),
    page(
        "GET",
        "/clinic/facilities/{facility}/stock",
        READ_MEDICINES,
        "",
    ),
    page(
        "POST",
        "/clinic/facilities/{facility}/stock",
        WRITE_MEDICINES,
        "medicine=",
    ),
    page(
        "POST",
        "/clinic/stock/{batch}",
        WRITE_MEDICINES,
        "kind=theft&version=999",
    ),
    page(
        "POST",
        "/clinic/prescriptions/{prescription}/dispense",
        WRITE_MEDICINES,
        "quantity=0",
    ),
    page(
        "GET",
        "/clinic/facilities/{facility}/wards",
        READ_CLINICAL,
        "",
    ),
    page("GET", "/clinic/wards/{ward}", READ_CLINICAL, ""),
    page("GET", "/clinic/admit", WRITE_CLINICAL, ""),
    page("POST", "/clinic/admit", WRITE_CLINICAL, "person="),
    page("GET", "/clinic/stays/{stay}", READ_CLINICAL, ""),
    page(
        "POST",
        "/clinic/stays/{stay}/vitals",
        WRITE_CLINICAL,
        "temperature=60",
    ),
    page(
        "POST",
        "/clinic/stays/{stay}/notes",
        WRITE_CLINICAL,
        "note=",
    ),
    page(
        "POST",
        "/clinic/stays/{stay}/diagnoses",
        WRITE_CLINICAL,
        "icd10=ZZZ",
    ),
    page(
        "POST",
        "/clinic/stays/{stay}/lab-orders",
        WRITE_CLINICAL,
        "test=nonsense",
    ),
    page(
        "POST",
        "/clinic/stays/{stay}/prescriptions",
        WRITE_CLINICAL,
        "medicine=",
    ),
    page(
        "POST",
        "/clinic/stays/{stay}/administrations",
        WRITE_CLINICAL,
        "status=flying",
    ),
    page(
        "POST",
        "/clinic/stays/{stay}/transfer",
        WRITE_CLINICAL,
        "bed=&version=999",
    ),
    page(
        "POST",
        "/clinic/stays/{stay}/discharge",
        WRITE_CLINICAL,
        "outcome=cured&version=999",
    ),
    page("GET", "/clinic/stays/{stay}/summary", READ_CLINICAL, ""),
    page("GET", "/people/{person}/chart", READ_CLINICAL, ""),
    api("GET", "/api/v1/icd10", READ_CLINICAL, ""),
    api(
        "GET",
        "/api/v1/clinic/facilities/{facility}/queue",
        READ_CHECK_IN,
        "",
    ),
    api(
        "POST",
        "/api/v1/clinic/visits",
        WRITE_CHECK_IN,
        r#"{"person_id":"x","facility_id":"x","visit_type":""}"#,
    ),
    api("GET", "/api/v1/clinic/visits/{visit}", READ_CLINICAL, ""),
    api(
        "POST",
        "/api/v1/clinic/visits/{visit}/vitals",
        WRITE_CLINICAL,
        r#"{"temperature_c":60}"#,
    ),
    api(
        "POST",
        "/api/v1/clinic/visits/{visit}/diagnoses",
        WRITE_CLINICAL,
        r#"{"icd10":"ZZZ"}"#,
    ),
    api(
        "POST",
        "/api/v1/clinic/visits/{visit}/lab-orders",
        WRITE_CLINICAL,
        r#"{"test":"nonsense"}"#,
    ),
    api(
        "POST",
        "/api/v1/clinic/visits/{visit}/prescriptions",
        WRITE_CLINICAL,
        r#"{"medicine":"","dose":"","route":"","frequency":"","quantity":0}"#,
    ),
    api(
        "GET",
        "/api/v1/clinic/facilities/{facility}/lab-orders",
        READ_LAB,
        "",
    ),
    api("GET", "/api/v1/clinic/lab-orders/{order}", READ_LAB, ""),
    api(
        "POST",
        "/api/v1/clinic/lab-orders/{order}/results",
        WRITE_LAB,
        r#"{"version":999,"results":{}}"#,
    ),
    api(
        "GET",
        "/api/v1/clinic/facilities/{facility}/stock",
        READ_MEDICINES,
        "",
    ),
    api(
        "POST",
        "/api/v1/clinic/facilities/{facility}/stock",
        WRITE_MEDICINES,
        r#"{"medicine":"","batch_number":"","expires_on":"","quantity":0}"#,
    ),
    api(
        "GET",
        "/api/v1/clinic/facilities/{facility}/prescriptions",
        READ_MEDICINES,
        "",
    ),
    api(
        "POST",
        "/api/v1/clinic/prescriptions/{prescription}/dispense",
        WRITE_MEDICINES,
        r#"{"quantity":0}"#,
    ),
    api(
        "POST",
        "/api/v1/clinic/stays",
        WRITE_CLINICAL,
        r#"{"person_id":"x","bed_id":"x","reason":""}"#,
    ),
    api("GET", "/api/v1/clinic/stays/{stay}", READ_CLINICAL, ""),
    api(
        "POST",
        "/api/v1/clinic/stays/{stay}/discharge",
        WRITE_CLINICAL,
        r#"{"version":999,"outcome":"","summary":""}"#,
    ),
    api(
        "POST",
        "/api/v1/clinic/visits/{visit}/call-in",
        WRITE_CLINICAL,
        r#"{"version":999}"#,
    ),
    api(
        "POST",
        "/api/v1/clinic/visits/{visit}/notes",
        WRITE_CLINICAL,
        r#"{"version":999,"outcome":"cured"}"#,
    ),
    api(
        "POST",
        "/api/v1/clinic/visits/{visit}/referrals",
        WRITE_CLINICAL,
        r#"{"reason":"","urgency":""}"#,
    ),
    api(
        "GET",
        "/api/v1/clinic/referrals/{referral}",
        READ_CLINICAL,
        "",
    ),
    api(
        "POST",
        "/api/v1/clinic/lab-orders/{order}/state",
        WRITE_LAB,
        r#"{"version":999,"to":"nonsense"}"#,
    ),
    api("GET", "/api/v1/clinic/results", READ_CLINICAL, ""),
    // The order was made by someone else: no role's user may mark it seen (404).
    api(
        "POST",
        "/api/v1/clinic/lab-orders/{order}/seen",
        READ_CLINICAL,
        "",
    ),
    // A stale version: 409 for the permitted, the diagnosis stays.
    api(
        "POST",
        "/api/v1/clinic/diagnoses/{diagnosis}/entered-in-error",
        WRITE_CLINICAL,
        r#"{"version":999}"#,
    ),
    api(
        "POST",
        "/api/v1/clinic/lab-orders/{order}/cancel",
        WRITE_CLINICAL,
        r#"{"version":999,"reason":""}"#,
    ),
    api("GET", "/api/v1/clinic/stock/{batch}", READ_MEDICINES, ""),
    api(
        "POST",
        "/api/v1/clinic/stock/{batch}",
        WRITE_MEDICINES,
        r#"{"version":999,"kind":"theft","quantity":1}"#,
    ),
    api(
        "GET",
        "/api/v1/clinic/facilities/{facility}/stock/movements",
        READ_MEDICINES,
        "",
    ),
    api(
        "GET",
        "/api/v1/clinic/facilities/{facility}/stock/warnings",
        READ_MEDICINES,
        "",
    ),
    api(
        "GET",
        "/api/v1/clinic/facilities/{facility}/wards",
        READ_CLINICAL,
        "",
    ),
    api("GET", "/api/v1/clinic/wards/{ward}", READ_CLINICAL, ""),
    api(
        "POST",
        "/api/v1/clinic/stays/{stay}/transfer",
        WRITE_CLINICAL,
        r#"{"version":999,"bed_id":""}"#,
    ),
    api(
        "POST",
        "/api/v1/clinic/stays/{stay}/notes",
        WRITE_CLINICAL,
        r#"{"note":""}"#,
    ),
    api(
        "POST",
        "/api/v1/clinic/stays/{stay}/vitals",
        WRITE_CLINICAL,
        r#"{"temperature_c":60}"#,
    ),
    api(
        "POST",
        "/api/v1/clinic/stays/{stay}/diagnoses",
        WRITE_CLINICAL,
        r#"{"icd10":"ZZZ"}"#,
    ),
    api(
        "POST",
        "/api/v1/clinic/stays/{stay}/lab-orders",
        WRITE_CLINICAL,
        r#"{"test":"nonsense"}"#,
    ),
    api(
        "POST",
        "/api/v1/clinic/stays/{stay}/prescriptions",
        WRITE_CLINICAL,
        r#"{"medicine":"","dose":"","route":"","frequency":"","quantity":0}"#,
    ),
    api(
        "POST",
        "/api/v1/clinic/stays/{stay}/administrations",
        WRITE_CLINICAL,
        r#"{"prescription_id":"","status":"flying"}"#,
    ),
];

/// A visit, stay, resulted order, prescription, batch, referral, diagnosis and ward for the
/// paths, at a medical centre of their own.
pub(crate) struct ClinicRecords {
    pub facility: Id,
    pub person: Id,
    pub visit: Id,
    pub stay: Id,
    pub ward: Id,
    pub order: Id,
    pub prescription: Id,
    pub batch: Id,
    pub referral: Id,
    pub diagnosis: Id,
}

pub(crate) async fn clinic_records(app: &App) -> ClinicRecords {
    let actor = Actor::system();
    let store = &app.store;
    let (_, facility, _, _) = crate::routes_places::place_records(app).await;
    let facility: Id = facility.parse().expect("an id");
    let person =
        crate::routes_staff::insert_person(app, "Target", "Patient", Some(&facility.to_string()))
            .await;
    let inpatient =
        crate::routes_staff::insert_person(app, "Target", "Inpatient", Some(&facility.to_string()))
            .await;
    let today = time::OffsetDateTime::now_utc().date();
    let visit = store
        .check_in(&actor, person, facility, VisitType::General, today, None)
        .await
        .expect("a visit");
    let ward = store
        .create_ward(
            &actor,
            facility,
            &PlaceName::parse("Clinic ward").expect("a name"),
        )
        .await
        .expect("a ward");
    let bed = store
        .create_bed(&actor, ward.id, &PlaceName::parse("C1").expect("a name"))
        .await
        .expect("a bed");
    let stay = store
        .admit(&actor, inpatient, bed.id, None, "observation", today, None)
        .await
        .expect("a stay");
    let viewer = Viewer::everything();
    let hb = catalogue().test("hb").expect("hb");
    let order = store
        .order_lab_test(&actor, Encounter::Visit(visit), hb, "", None)
        .await
        .expect("an order");
    store
        .advance_lab_order(&actor, &viewer, order, 1, LabState::SampleTaken)
        .await
        .expect("a sample");
    let result = NewResult {
        component_code: "hb",
        value_number: Some(9.1),
        value_code: "",
        unit: "g/dL",
        range_low: Some(12.0),
        range_high: Some(16.0),
        flag: Flag::Low,
    };
    store
        .enter_lab_results(&actor, &viewer, order, 2, &[result])
        .await
        .expect("a result");
    let prescription = Prescription::parse(&PrescriptionInput {
        medicine: "paracetamol_500_tab",
        dose: "1 tablet",
        route: "oral",
        frequency: "qds",
        duration_days: "3",
        quantity: "12",
        instructions: "",
    })
    .expect("a prescription");
    let prescription = store
        .prescribe(&actor, Encounter::Visit(visit), &prescription, None)
        .await
        .expect("prescribed");
    let receipt = Receipt::parse(
        "paracetamol_500_tab",
        "T-1",
        &(today + time::Duration::days(365)).to_string(),
        "100",
        today,
    )
    .expect("a receipt");
    let batch = store
        .receive_stock(&actor, facility, &receipt, None)
        .await
        .expect("stock");
    let referral =
        ReferralDetails::parse("", "Calmette Hospital", "surgery", "urgent").expect("a referral");
    let referral = store
        .add_referral(&actor, Encounter::Visit(visit), &referral, None, None)
        .await
        .expect("referred");
    let diagnosis = store
        .add_diagnosis(
            &actor,
            Encounter::Visit(visit),
            &haven_domain::clinic::DiagnosisDetails::parse("J06.9", "", "").expect("a diagnosis"),
            None,
        )
        .await
        .expect("diagnosed");
    ClinicRecords {
        facility,
        person,
        visit,
        stay,
        ward: ward.id,
        order,
        prescription,
        batch,
        referral,
        diagnosis,
    }
}

/// The records this part's paths name: placeholder and id.
pub(crate) async fn targets(app: &App) -> Vec<(&'static str, String)> {
    let records = clinic_records(app).await;
    vec![
        ("{visit}", records.visit.to_string()),
        ("{stay}", records.stay.to_string()),
        ("{ward}", records.ward.to_string()),
        ("{order}", records.order.to_string()),
        ("{prescription}", records.prescription.to_string()),
        ("{batch}", records.batch.to_string()),
        ("{referral}", records.referral.to_string()),
        ("{diagnosis}", records.diagnosis.to_string()),
    ]
}
