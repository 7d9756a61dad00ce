//! The role-by-route cases of the routes of children's villages and family strengthening: placements, siblings, gatekeeping, development plans, education and independence (issue 6), and the records their paths name.
//!
//! Every write case sends input that is refused (empty fields, a stale version), so
//! the same case runs for every role without changing what the next role sees.

use haven_domain::care::{
    AdmissionDetails, AdmissionInput, AdmissionStatus, EnrolmentDetails, EnrolmentInput,
    GoalDetails, GoalInput, HouseDetails, HouseInput, HouseholdDetails, NoteDetails,
    PlacementDetails, PlacementInput, PlanDetails, PlanInput,
};
use haven_domain::places::{FacilityDetails, FacilityInput, ProgrammeDetails, ProgrammeInput};
use haven_domain::{Action, Kind};
use haven_store::care::{PlacementChecks, PlanSubject};
use haven_store::{Actor, Id};

use crate::routes::{api, page, Case, Need};
use crate::support::App;

const READ: Need = Need::Permission(Action::Read, Kind::Care);
const WRITE: Need = Need::Permission(Action::Write, Kind::Care);
const APPROVE: Need = Need::Permission(Action::Write, Kind::CareApproval);
const READ_NOTES: Need = Need::Permission(Action::Read, Kind::CareNote);
const WRITE_NOTES: Need = Need::Permission(Action::Write, Kind::CareNote);

pub(crate) const CASES: &[Case] = &[
    api(
        "POST",
        "/api/v1/care/children/{care_child}/placements/{care_placement}/error",
        WRITE,
        r#"{"reason":"","version":999}"#,
    ),
    api(
        "POST",
        "/api/v1/care/children/{care_child}/notes/{care_note}/error",
        WRITE_NOTES,
        r#"{"reason":"","version":999}"#,
    ),
    api(
        "POST",
        "/api/v1/care/households/{care_household}/members/{care_member}/end",
        WRITE,
        r#"{"version":999}"#,
    ),
    page("GET", "/care", READ, ""),
    page("GET", "/care/programmes/{care_programme}", READ, ""),
    page("GET", "/care/villages/{care_village}", READ, ""),
    page(
        "POST",
        "/care/villages/{care_village}/houses",
        WRITE,
        "name=&kind=&capacity=",
    ),
    page("GET", "/care/houses/{care_house}", READ, ""),
    page(
        "POST",
        "/care/houses/{care_house}",
        WRITE,
        "name=&version=999",
    ),
    page(
        "POST",
        "/care/houses/{care_house}/close",
        WRITE,
        "version=999",
    ),
    page("GET", "/care/admit", WRITE, ""),
    page("POST", "/care/admit", WRITE, "person=&facility="),
    page("GET", "/care/admissions/{care_admission}", READ, ""),
    page(
        "POST",
        "/care/admissions/{care_admission}/decision",
        APPROVE,
        "status=approved&version=999",
    ),
    page("GET", "/care/children/{care_child}", READ, ""),
    page(
        "POST",
        "/care/children/{care_child}/placements",
        WRITE,
        "house=&started_on=",
    ),
    page(
        "POST",
        "/care/children/{care_child}/placements/{care_placement}/end",
        WRITE,
        "version=999&ended_on=&end_reason=",
    ),
    page(
        "POST",
        "/care/children/{care_child}/placements/{care_placement}/error",
        WRITE,
        "version=999&reason=",
    ),
    page(
        "POST",
        "/care/children/{care_child}/case",
        WRITE,
        "to=&version=999",
    ),
    page(
        "POST",
        "/care/children/{care_child}/notes",
        WRITE_NOTES,
        "kind=daily&written_on=&body=",
    ),
    page(
        "POST",
        "/care/children/{care_child}/notes/{care_note}/error",
        WRITE_NOTES,
        "version=999&reason=test",
    ),
    page(
        "POST",
        "/care/children/{care_child}/enrolments",
        WRITE,
        "level=&school=",
    ),
    page(
        "POST",
        "/care/children/{care_child}/enrolments/{care_enrolment}/terms",
        WRITE,
        "term=",
    ),
    page("POST", "/care/children/{care_child}/steps", WRITE, "kind="),
    page(
        "POST",
        "/care/children/{care_child}/leaving",
        WRITE,
        "version=999&left_on=",
    ),
    page(
        "POST",
        "/care/children/{care_child}/followups",
        WRITE,
        "followed_on=",
    ),
    page(
        "POST",
        "/care/children/{care_child}/plans",
        WRITE,
        "made_on=",
    ),
    page("GET", "/care/plans/{care_plan}", READ, ""),
    page("POST", "/care/plans/{care_plan}/goals", WRITE, "area="),
    page(
        "POST",
        "/care/plans/{care_plan}/goals/{care_goal}",
        WRITE,
        "progress=&version=999",
    ),
    page(
        "POST",
        "/care/plans/{care_plan}/reviews",
        WRITE,
        "reviewed_on=&version=999",
    ),
    page(
        "POST",
        "/care/plans/{care_plan}/approve",
        APPROVE,
        "version=999",
    ),
    page("GET", "/care/households", READ, ""),
    page("POST", "/care/households", WRITE, "facility=&name="),
    page("GET", "/care/households/{care_household}", READ, ""),
    page(
        "POST",
        "/care/households/{care_household}/members",
        WRITE,
        "person=",
    ),
    page(
        "POST",
        "/care/households/{care_household}/members/{care_member}/end",
        WRITE,
        "version=999",
    ),
    page(
        "POST",
        "/care/households/{care_household}/services",
        WRITE,
        "kind=",
    ),
    page(
        "POST",
        "/care/households/{care_household}/progress",
        WRITE,
        "assessed_on=",
    ),
    page(
        "POST",
        "/care/households/{care_household}/case",
        WRITE,
        "to=&version=999",
    ),
    page(
        "POST",
        "/care/households/{care_household}/end",
        WRITE,
        "status=&version=999",
    ),
    page(
        "POST",
        "/care/households/{care_household}/plans",
        WRITE,
        "made_on=",
    ),
    page("GET", "/care/partners", READ, ""),
    page("POST", "/care/partners", WRITE, "name="),
    page(
        "POST",
        "/care/partners/{care_partner}",
        WRITE,
        "name=&version=999",
    ),
    page(
        "POST",
        "/care/partners/{care_partner}/close",
        WRITE,
        "version=999",
    ),
    api("GET", "/api/v1/care/programmes/{care_programme}", READ, ""),
    api(
        "GET",
        "/api/v1/care/villages/{care_village}/houses",
        READ,
        "",
    ),
    api(
        "POST",
        "/api/v1/care/villages/{care_village}/houses",
        WRITE,
        r#"{"name":"","kind":"","capacity":0}"#,
    ),
    api("GET", "/api/v1/care/houses/{care_house}", READ, ""),
    api(
        "PUT",
        "/api/v1/care/houses/{care_house}",
        WRITE,
        r#"{"name":"","kind":"","capacity":0,"version":999}"#,
    ),
    api("GET", "/api/v1/care/children", READ, ""),
    api("GET", "/api/v1/care/children/{care_child}", READ, ""),
    api(
        "POST",
        "/api/v1/care/admissions",
        WRITE,
        r#"{"person_id":"","facility_id":"","necessity":"","chosen_option":"","suitability":"","decision":"","decided_on":"","review_on":""}"#,
    ),
    api("GET", "/api/v1/care/admissions/{care_admission}", READ, ""),
    api(
        "POST",
        "/api/v1/care/admissions/{care_admission}/decision",
        APPROVE,
        r#"{"status":"approved","version":999}"#,
    ),
    api(
        "POST",
        "/api/v1/care/children/{care_child}/placements",
        WRITE,
        r#"{"house_id":"","started_on":"","reason":""}"#,
    ),
    api(
        "POST",
        "/api/v1/care/children/{care_child}/placements/{care_placement}/end",
        WRITE,
        r#"{"ended_on":"","end_reason":"","version":999}"#,
    ),
    api(
        "POST",
        "/api/v1/care/children/{care_child}/case",
        WRITE,
        r#"{"to":"","version":999}"#,
    ),
    api(
        "GET",
        "/api/v1/care/children/{care_child}/notes",
        READ_NOTES,
        "",
    ),
    api(
        "POST",
        "/api/v1/care/children/{care_child}/notes",
        WRITE_NOTES,
        r#"{"kind":"daily","written_on":"","body":""}"#,
    ),
    api(
        "POST",
        "/api/v1/care/children/{care_child}/enrolments",
        WRITE,
        r#"{"level":"","school":"","school_year":""}"#,
    ),
    api(
        "POST",
        "/api/v1/care/children/{care_child}/enrolments/{care_enrolment}/terms",
        WRITE,
        r#"{"term":0}"#,
    ),
    api(
        "POST",
        "/api/v1/care/children/{care_child}/steps",
        WRITE,
        r#"{"kind":"","started_on":""}"#,
    ),
    api(
        "POST",
        "/api/v1/care/children/{care_child}/leaving",
        WRITE,
        r#"{"left_on":"","destination":"","reason":"","version":999}"#,
    ),
    api(
        "POST",
        "/api/v1/care/children/{care_child}/followups",
        WRITE,
        r#"{"followed_on":"","situation":""}"#,
    ),
    api(
        "POST",
        "/api/v1/care/children/{care_child}/plans",
        WRITE,
        r#"{"made_on":"","review_on":""}"#,
    ),
    api("GET", "/api/v1/care/plans/{care_plan}", READ, ""),
    api(
        "POST",
        "/api/v1/care/plans/{care_plan}/goals",
        WRITE,
        r#"{"area":"","goal":"","responsible":""}"#,
    ),
    api(
        "PUT",
        "/api/v1/care/plans/{care_plan}/goals/{care_goal}",
        WRITE,
        r#"{"progress":"","version":999}"#,
    ),
    api(
        "POST",
        "/api/v1/care/plans/{care_plan}/reviews",
        WRITE,
        r#"{"reviewed_on":"","notes":"","next_review_on":"","version":999}"#,
    ),
    api(
        "POST",
        "/api/v1/care/plans/{care_plan}/approval",
        APPROVE,
        r#"{"version":999}"#,
    ),
    api("GET", "/api/v1/care/households", READ, ""),
    api(
        "POST",
        "/api/v1/care/households",
        WRITE,
        r#"{"facility_id":"","name":""}"#,
    ),
    api("GET", "/api/v1/care/households/{care_household}", READ, ""),
    api(
        "POST",
        "/api/v1/care/households/{care_household}/members",
        WRITE,
        r#"{"person_id":""}"#,
    ),
    api(
        "POST",
        "/api/v1/care/households/{care_household}/services",
        WRITE,
        r#"{"kind":"","given_on":""}"#,
    ),
    api(
        "POST",
        "/api/v1/care/households/{care_household}/progress",
        WRITE,
        r#"{"assessed_on":"","level":""}"#,
    ),
    api(
        "POST",
        "/api/v1/care/households/{care_household}/case",
        WRITE,
        r#"{"to":"","version":999}"#,
    ),
    api(
        "POST",
        "/api/v1/care/households/{care_household}/end",
        WRITE,
        r#"{"status":"","ended_on":"","reason":"","version":999}"#,
    ),
    api(
        "POST",
        "/api/v1/care/households/{care_household}/plans",
        WRITE,
        r#"{"made_on":"","review_on":""}"#,
    ),
    api("GET", "/api/v1/care/partners", READ, ""),
    api("POST", "/api/v1/care/partners", WRITE, r#"{"name":""}"#),
    api(
        "PUT",
        "/api/v1/care/partners/{care_partner}",
        WRITE,
        r#"{"name":"","version":999}"#,
    ),
    api(
        "POST",
        "/api/v1/care/partners/{care_partner}/close",
        WRITE,
        r#"{"version":999}"#,
    ),
    api(
        "POST",
        "/api/v1/care/houses/{care_house}/close",
        WRITE,
        r#"{"version":999}"#,
    ),
];

/// Puts a child's person row straight into the table, registered at a facility.
pub(crate) async fn insert_child(
    app: &App,
    given: &str,
    sex: &str,
    born: &str,
    facility: Id,
) -> Id {
    let id = Id::new();
    app.test_store
        .execute_raw(&format!(
            "INSERT INTO person (id, site_id, family_name_latin, given_name_latin, sex, birth_date,
                 birth_date_precision, registered_facility_id, created_at, created_by, updated_at,
                 updated_by, version)
             VALUES ('{id}', '{id}', 'Chan', '{given}', '{sex}', '{born}', 'exact', '{facility}',
                 '2026-01-01T00:00:00.000000Z', '{id}', '2026-01-01T00:00:00.000000Z', '{id}', 1)"
        ))
        .await
        .expect("inserting a child");
    id
}

/// A programme with a village and an office, the ids of its places.
pub(crate) async fn care_places(app: &App) -> (Id, Id, Id) {
    let actor = Actor::system();
    let programme = app
        .store
        .create_programme(
            &actor,
            &ProgrammeDetails::parse(&ProgrammeInput {
                name: "SOS Care Programme",
                province: "KH-2",
                ..ProgrammeInput::default()
            })
            .expect("a programme"),
        )
        .await
        .expect("a programme");
    let facility = |kind: &'static str, name: &'static str| {
        FacilityDetails::parse(
            &FacilityInput {
                kind,
                name,
                ..FacilityInput::default()
            },
            time::macros::date!(2026 - 01 - 01),
        )
        .expect("a facility")
    };
    let village = app
        .store
        .create_facility(
            &actor,
            programme.id,
            &facility("childrens_village", "Target Village"),
        )
        .await
        .expect("a village");
    let office = app
        .store
        .create_facility(
            &actor,
            programme.id,
            &facility("family_strengthening_office", "Target Office"),
        )
        .await
        .expect("an office");
    (programme.id, village.id, office.id)
}

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

/// The placeholders of these routes' paths and the ids that fill them.
pub(crate) async fn targets(app: &App) -> Vec<(&'static str, String)> {
    let actor = Actor::system();
    let store = &app.store;
    let (programme, village, office) = care_places(app).await;
    let house = store
        .create_house(
            &actor,
            village,
            &HouseDetails::parse(&HouseInput {
                name: "Lotus",
                kind: "sos_family",
                capacity: "8",
            })
            .expect("a house"),
            None,
            None,
        )
        .await
        .expect("a house");
    let person = insert_child(app, "Target", "female", "2015-04-01", village).await;
    let day = today() - time::Duration::days(20);
    let details = AdmissionDetails::parse(
        &AdmissionInput {
            necessity: "Parents died",
            suitability: "Siblings together",
            chosen_option: "sos_family",
            decision: "admit",
            decided_on: &day.to_string(),
            review_on: &(day + time::Duration::days(100)).to_string(),
            ..AdmissionInput::default()
        },
        today(),
    )
    .expect("an admission");
    let admission = store
        .record_admission(&actor, person, village, &details)
        .await
        .expect("an admission");
    store
        .decide_admission(
            &actor,
            admission.id,
            admission.version,
            AdmissionStatus::Approved,
            "",
        )
        .await
        .expect("approved");
    let child = admission.child_id;
    let placement = store
        .place_child(
            &actor,
            child,
            house.id,
            &PlacementDetails::parse(
                &PlacementInput {
                    started_on: &day.to_string(),
                    ended_on: "",
                    reason: "admitted",
                    apart_reason: "",
                },
                today(),
            )
            .expect("a placement"),
            PlacementChecks::default(),
        )
        .await
        .expect("placed");
    let note = store
        .add_care_note(
            &actor,
            child,
            &NoteDetails::parse("daily", &today().to_string(), "Slept well", today())
                .expect("a note"),
        )
        .await
        .expect("a note");
    let enrolment = store
        .add_enrolment(
            &actor,
            child,
            &EnrolmentDetails::parse(&EnrolmentInput {
                level: "primary",
                school: "Wat School",
                grade: "4",
                school_year: "2025",
                scholarship: "",
            })
            .expect("an enrolment"),
        )
        .await
        .expect("an enrolment");
    let plan = store
        .create_plan(
            &actor,
            PlanSubject::Child(child),
            &PlanDetails::parse(
                &PlanInput {
                    made_on: &today().to_string(),
                    review_on: &(today() + time::Duration::days(60)).to_string(),
                    ..PlanInput::default()
                },
                today(),
                6,
            )
            .expect("a plan"),
        )
        .await
        .expect("a plan");
    let goal = store
        .add_goal(
            &actor,
            plan.id,
            &GoalDetails::parse(&GoalInput {
                area: "education",
                goal: "Reads",
                responsible: "SOS mother",
                ..GoalInput::default()
            })
            .expect("a goal"),
        )
        .await
        .expect("a goal");
    let household = store
        .create_household(
            &actor,
            office,
            &HouseholdDetails::parse("Chan family", &["poverty"]).expect("a household"),
        )
        .await
        .expect("a household");
    let mother = insert_child(app, "Mother", "female", "1985-01-01", office).await;
    store
        .add_household_member(&actor, household.id, mother, false)
        .await
        .expect("a member");
    let member = store
        .household_members(household.id)
        .await
        .expect("members")[0]
        .id;
    let partner = store
        .create_partner(
            &actor,
            &haven_domain::care::PartnerDetails::parse("Target Partner", "legal aid", "")
                .expect("a partner"),
        )
        .await
        .expect("a partner");
    vec![
        ("{care_programme}", programme.to_string()),
        ("{care_village}", village.to_string()),
        ("{care_house}", house.id.to_string()),
        ("{care_admission}", admission.id.to_string()),
        ("{care_child}", child.to_string()),
        ("{care_placement}", placement.id.to_string()),
        ("{care_note}", note.id.to_string()),
        ("{care_enrolment}", enrolment.id.to_string()),
        ("{care_plan}", plan.id.to_string()),
        ("{care_goal}", goal.id.to_string()),
        ("{care_household}", household.id.to_string()),
        ("{care_member}", member.to_string()),
        ("{care_partner}", partner.id.to_string()),
    ]
}
