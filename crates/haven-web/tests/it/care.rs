//! Tests of the pages and API of children's villages and family strengthening: placements, siblings, gatekeeping, development plans, education and independence (issue 6).
//!
//! Through the real router on both databases: a social worker admits two siblings
//! (bad input refused in Khmer with the input kept), the director approves, the
//! siblings are placed (a sibling apart needs a reason, overlaps are refused), a plan
//! with a past review date is refused, school terms are recorded, the director sees
//! the figures by sex; an SOS parent sees only her house's children; psychosocial
//! notes reach no one without their permission; the API answers problem+json.

use axum::http::StatusCode;
use haven_domain::care::{
    AdmissionDecision, AdmissionStatus, CareCaseState, CareError, CareNoteKind, CareOption,
    FamilyService, FamilyVulnerability, FollowUpSituation, GoalProgress, HouseDetails, HouseInput,
    HouseKind, HouseholdStatus, IndependenceStep, LeavingDestination, LifeArea, SchoolLevel,
    SelfReliance,
};
use haven_domain::person::RelationshipKind;
use haven_domain::staff::{StaffDetails, StaffInput};
use haven_domain::{Language, Role};
use haven_store::{Actor, Id};

use crate::routes_care::{care_places, insert_child};
use crate::support::{apps, message, App, Browser};

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

async fn as_role<'a>(app: &'a App, name: &str, role: Role, language: Language) -> Browser<'a> {
    let user = app.user(name, role).await;
    app.store
        .set_user_language(&Actor::system(), user.id, user.version, language)
        .await
        .expect("setting the language");
    let user = app.store.user(user.id).await.expect("the user");
    let mut browser = app.session_for(&user).await;
    browser.get("/care").await;
    browser
}

fn admission_form<'a>(
    person: &'a str,
    facility: &'a str,
    decided: &'a str,
    review: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("person", person),
        ("facility", facility),
        ("referred_by", "Commune Council for Women and Children"),
        ("authority", "Provincial Department of Social Affairs"),
        ("authority_reference", "DoSVY-2026-0042"),
        (
            "necessity",
            "Both parents died; the grandmother is too ill.",
        ),
        (
            "family_support",
            "Food support to the aunt for three months.",
        ),
        ("options_considered", "kinship"),
        ("options_considered", "foster"),
        ("chosen_option", "sos_family"),
        ("suitability", "An SOS family keeps the siblings together."),
        ("child_views", "Wants to stay with her brother."),
        ("decision", "admit"),
        ("decided_on", decided),
        ("review_on", review),
    ]
}

struct Setup {
    village: Id,
    lotus: Id,
    mango: Id,
    sister: Id,
    brother: Id,
    other: Id,
}

async fn setup(app: &App) -> Setup {
    let actor = Actor::system();
    let (_, village, _) = care_places(app).await;
    let sister = insert_child(app, "Sophea", "female", "2014-03-01", village).await;
    let brother = insert_child(app, "Rithy", "male", "2016-07-01", village).await;
    let other = insert_child(app, "Vanna", "male", "2013-01-01", village).await;
    app.store
        .add_relationship(&actor, brother, sister, RelationshipKind::Sibling)
        .await
        .expect("siblings");
    // The SOS parent's account is linked to the staff member who runs Lotus House.
    let mother = app.user("mother1", Role::SosParent).await;
    let person = insert_child(app, "Mother", "female", "1980-01-01", village).await;
    let staff = app
        .store
        .create_staff_member(
            &actor,
            person,
            &StaffDetails::parse(&StaffInput {
                profession: "sos_parent",
                ..StaffInput::default()
            })
            .expect("staff"),
            Some(mother.id),
        )
        .await
        .expect("a staff member");
    let house = |name: &'static str| {
        HouseDetails::parse(&HouseInput {
            name,
            kind: "sos_family",
            capacity: "8",
        })
        .expect("a house")
    };
    let lotus = app
        .store
        .create_house(&actor, village, &house("Lotus"), Some(staff.id), None)
        .await
        .expect("lotus")
        .id;
    let mango = app
        .store
        .create_house(&actor, village, &house("Mango"), None, None)
        .await
        .expect("mango")
        .id;
    Setup {
        village,
        lotus,
        mango,
        sister,
        brother,
        other,
    }
}

#[tokio::test]
async fn siblings_are_admitted_placed_planned_and_schooled_and_the_director_sees_figures_by_sex() {
    for app in apps().await {
        let s = setup(&app).await;
        let label = app.label;
        let village = s.village.to_string();
        let decided = (today() - time::Duration::days(3)).to_string();
        let review = (today() + time::Duration::days(150)).to_string();
        let mut social = as_role(&app, "social1", Role::SocialWorker, Language::Khmer).await;

        // The village lists both as waiting, together.
        let page = social.get(&format!("/care/villages/{village}")).await;
        assert_eq!(page.status, StatusCode::OK, "[{label}] {}", page.body);
        assert!(
            page.text().contains("Chan Sophea") && page.text().contains("Chan Rithy"),
            "[{label}]"
        );

        // Bad gatekeeping comes back in Khmer with what was typed.
        let sister = s.sister.to_string();
        let mut bad = admission_form(&sister, &village, &decided, &review);
        bad.retain(|(k, _)| *k != "necessity");
        bad.push(("necessity", ""));
        bad.push(("poverty_only", "on"));
        let refused = social.post_form("/care/admit", &bad).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{label}] {}",
            refused.body
        );
        assert!(
            refused
                .text()
                .contains(&message(Language::Khmer, "care-error-required")),
            "[{label}] {}",
            refused.body
        );
        assert!(
            refused.text().contains("Wants to stay with her brother."),
            "[{label}] the input is kept"
        );
        assert!(
            refused.body.contains("value=\"foster\" checked"),
            "[{label}] ticks are kept"
        );

        let mut cares = Vec::new();
        for person in [s.sister, s.brother, s.other] {
            let id = person.to_string();
            let done = social
                .post_form(
                    "/care/admit",
                    &admission_form(&id, &village, &decided, &review),
                )
                .await;
            assert_eq!(
                done.status,
                StatusCode::SEE_OTHER,
                "[{label}] {}",
                done.body
            );
            let admission = done.location().to_owned();
            // Only the director approves.
            let page = social.get(&admission).await;
            assert!(!page.body.contains("id=\"decide-form\""), "[{label}]");
            let forbidden = social
                .post_form(
                    &format!("{admission}/decision"),
                    &[("status", "approved"), ("version", "1")],
                )
                .await;
            assert_eq!(forbidden.status, StatusCode::FORBIDDEN, "[{label}]");
            let care = app
                .store
                .care_child_of_person(person)
                .await
                .expect("read")
                .expect("a care record");
            cares.push((care.id, admission));
        }
        // Placing before approval is refused.
        let first = format!("/care/children/{}", cares[0].0);
        let lotus = s.lotus.to_string();
        let start = (today() - time::Duration::days(2)).to_string();
        let early = social
            .post_form(
                &format!("{first}/placements"),
                &[
                    ("house", &lotus),
                    ("started_on", &start),
                    ("reason", "admitted"),
                ],
            )
            .await;
        assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY, "[{label}]");
        assert!(
            early
                .text()
                .contains(&message(Language::Khmer, "care-error-not-approved")),
            "[{label}]"
        );

        let mut director = as_role(
            &app,
            "director1",
            Role::ProgrammeDirector,
            Language::English,
        )
        .await;
        for (_, admission) in &cares {
            let page = director.get(admission).await;
            let version = page
                .form_field("decide-form", "version")
                .expect("the decision form");
            let approved = director
                .post_form(
                    &format!("{admission}/decision"),
                    &[
                        ("status", "approved"),
                        ("note", "panel of 3 March"),
                        ("version", &version),
                    ],
                )
                .await;
            assert_eq!(
                approved.status,
                StatusCode::SEE_OTHER,
                "[{label}] {}",
                approved.body
            );
        }

        // Placed together; the brother apart only with a reason.
        let placed = social
            .post_form(
                &format!("{first}/placements"),
                &[
                    ("house", &lotus),
                    ("started_on", &start),
                    ("reason", "admitted"),
                ],
            )
            .await;
        assert_eq!(
            placed.status,
            StatusCode::SEE_OTHER,
            "[{label}] {}",
            placed.body
        );
        let second = format!("/care/children/{}", cares[1].0);
        let mango = s.mango.to_string();
        let apart = social
            .post_form(
                &format!("{second}/placements"),
                &[
                    ("house", &mango),
                    ("started_on", &start),
                    ("reason", "admitted"),
                ],
            )
            .await;
        assert_eq!(apart.status, StatusCode::UNPROCESSABLE_ENTITY, "[{label}]");
        assert!(
            apart.text().contains(&message(
                Language::Khmer,
                "care-error-apart-reason-required"
            )),
            "[{label}]"
        );
        let together = social
            .post_form(
                &format!("{second}/placements"),
                &[
                    ("house", &lotus),
                    ("started_on", &start),
                    ("reason", "with the sister"),
                ],
            )
            .await;
        assert_eq!(
            together.status,
            StatusCode::SEE_OTHER,
            "[{label}] {}",
            together.body
        );
        let third = format!("/care/children/{}", cares[2].0);
        social
            .post_form(
                &format!("{third}/placements"),
                &[
                    ("house", &mango),
                    ("started_on", &start),
                    ("reason", "admitted"),
                ],
            )
            .await;
        // Two houses at once (an earlier start, no end) is refused.
        let earlier = (today() - time::Duration::days(10)).to_string();
        let twice = social
            .post_form(
                &format!("{first}/placements"),
                &[
                    ("house", &mango),
                    ("started_on", &earlier),
                    ("reason", "x"),
                    ("apart_reason", "to test the dates"),
                ],
            )
            .await;
        assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY, "[{label}]");
        assert!(
            twice
                .text()
                .contains(&message(Language::Khmer, "care-error-placement-overlap")),
            "[{label}]"
        );

        // A plan whose review has passed is refused; a good one is made.
        let past = (today() - time::Duration::days(1)).to_string();
        let stale = social
            .post_form(
                &format!("{first}/plans"),
                &[
                    ("made_on", &today().to_string()),
                    ("review_on", &past),
                    ("strengths", "Loves drawing"),
                ],
            )
            .await;
        assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY, "[{label}]");
        assert!(
            stale
                .text()
                .contains(&message(Language::Khmer, "care-error-review-in-past")),
            "[{label}]"
        );
        assert!(stale.text().contains("Loves drawing"), "[{label}]");
        let plan = social
            .post_form(
                &format!("{first}/plans"),
                &[
                    ("made_on", &today().to_string()),
                    ("review_on", &review),
                    ("child_heard", "on"),
                    ("child_views", "I want to be a teacher"),
                ],
            )
            .await;
        assert_eq!(
            plan.status,
            StatusCode::SEE_OTHER,
            "[{label}] {}",
            plan.body
        );
        let plan = plan.location().to_owned();
        let goal = social
            .post_form(
                &format!("{plan}/goals"),
                &[
                    ("area", "identity"),
                    ("goal", "Has a birth certificate"),
                    ("responsible", "Social worker"),
                ],
            )
            .await;
        assert_eq!(goal.status, StatusCode::SEE_OTHER, "[{label}]");
        let page = social.get(&plan).await;
        assert!(
            page.text().contains("Has a birth certificate")
                && page.text().contains("I want to be a teacher"),
            "[{label}]"
        );

        // School: an enrolment and a term.
        let enrol = social
            .post_form(
                &format!("{first}/enrolments"),
                &[
                    ("level", "primary"),
                    ("school", "Wat Kor Primary"),
                    ("grade", "6"),
                    ("school_year", &today().year().to_string()),
                ],
            )
            .await;
        assert_eq!(enrol.status, StatusCode::SEE_OTHER, "[{label}]");
        let enrolment = app
            .store
            .enrolments_of(cares[0].0)
            .await
            .expect("enrolments")[0]
            .id;
        let bad_term = social
            .post_form(
                &format!("{first}/enrolments/{enrolment}/terms"),
                &[
                    ("term", "1"),
                    ("days_present", "70"),
                    ("days_possible", "60"),
                ],
            )
            .await;
        assert_eq!(
            bad_term.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{label}]"
        );
        let term = social
            .post_form(
                &format!("{first}/enrolments/{enrolment}/terms"),
                &[
                    ("term", "1"),
                    ("days_present", "58"),
                    ("days_possible", "60"),
                    ("average", "81"),
                    ("passed", "on"),
                ],
            )
            .await;
        assert_eq!(term.status, StatusCode::SEE_OTHER, "[{label}]");
        let child = social.get(&first).await;
        assert!(child.text().contains("58/60"), "[{label}]");
        // Every page of the flow reads in Khmer, with no raw translation key.
        let village_page = social.get(&format!("/care/villages/{village}")).await;
        let plan_page = social.get(&plan).await;
        let programme = app
            .store
            .facility(s.village)
            .await
            .expect("village")
            .programme_id;
        let programme_page = social.get(&format!("/care/programmes/{programme}")).await;
        for (what, answer) in [
            ("child", &child),
            ("village", &village_page),
            ("plan", &plan_page),
            ("programme", &programme_page),
        ] {
            assert!(
                answer.body.contains("<html lang=\"km\">"),
                "[{label}] {what}"
            );
            let visible = visible_text(&answer.body);
            assert!(
                !visible.contains("care-")
                    && !visible.contains("carecasestate-")
                    && !visible.contains("schoollevel-"),
                "[{label}] {what}: {visible}"
            );
            assert!(
                visible.contains(&message(Language::Khmer, "care-siblings")) || what != "child",
                "[{label}] {what}"
            );
        }

        // The director's figures: 1 girl and 2 boys in care; the girl enrolled and passed.
        let home = director.get("/").await;
        assert!(
            home.body.contains("id=\"care-figures\""),
            "[{label}] {}",
            home.body
        );
        let programme = app
            .store
            .facility(s.village)
            .await
            .expect("village")
            .programme_id;
        let figures = director.get(&format!("/care/programmes/{programme}")).await;
        let text = figures.text();
        let row = |key: &str| -> String {
            let label = message(Language::English, key);
            let start = text
                .find(&format!("<th scope=\"row\">{label}</th>"))
                .unwrap_or_else(|| panic!("[{}] {key}: {text}", app.label));
            let end = text[start..]
                .find("</tr>")
                .map(|e| start + e)
                .unwrap_or(text.len());
            text[start..end]
                .replace("<td>", " ")
                .replace("</td>", "")
                .replace(&format!("<th scope=\"row\">{label}</th>"), "")
                .trim()
                .to_owned()
        };
        assert_eq!(row("care-figure-in-care"), "1 2 3", "[{label}]");
        assert_eq!(row("care-figure-enrolled"), "1 0 1", "[{label}]");
        assert_eq!(row("care-figure-passed"), "1 0 1", "[{label}]");
        assert_eq!(row("care-figure-plans-up-to-date"), "1 0 1", "[{label}]");
    }
}

#[tokio::test]
async fn an_sos_parent_sees_her_house_and_psychosocial_notes_stay_with_their_readers() {
    for app in apps().await {
        let s = setup(&app).await;
        let label = app.label;
        let actor = Actor::system();
        // Admit and place directly: the sister in Lotus (the SOS parent's), Vanna in Mango.
        let mut ids = Vec::new();
        for (person, house) in [(s.sister, s.lotus), (s.other, s.mango)] {
            let day = today() - time::Duration::days(5);
            let details = haven_domain::care::AdmissionDetails::parse(
                &haven_domain::care::AdmissionInput {
                    necessity: "x",
                    suitability: "y",
                    chosen_option: "sos_family",
                    decision: "admit",
                    decided_on: &day.to_string(),
                    review_on: &(day + time::Duration::days(90)).to_string(),
                    ..Default::default()
                },
                today(),
            )
            .expect("admission");
            let a = app
                .store
                .record_admission(&actor, person, s.village, &details)
                .await
                .expect("admitted");
            app.store
                .decide_admission(&actor, a.id, a.version, AdmissionStatus::Approved, "")
                .await
                .expect("approved");
            let placement = haven_domain::care::PlacementDetails::parse(
                &haven_domain::care::PlacementInput {
                    started_on: &day.to_string(),
                    reason: "admitted",
                    ..Default::default()
                },
                today(),
            )
            .expect("placement");
            app.store
                .place_child(&actor, a.child_id, house, &placement, Default::default())
                .await
                .expect("placed");
            ids.push(a.child_id);
        }
        let mother = app.store.user_by_username("mother1").await.expect("mother");
        let mut mother = app.session_for(&mother).await;
        let overview = mother.get("/care").await;
        assert!(
            overview.text().contains("Lotus") && overview.text().contains("Chan Sophea"),
            "[{label}] {}",
            overview.body
        );
        assert!(!overview.text().contains("Chan Vanna"), "[{label}]");
        assert_eq!(
            mother
                .get(&format!("/care/children/{}", ids[0]))
                .await
                .status,
            StatusCode::OK,
            "[{label}]"
        );
        assert_eq!(
            mother
                .get(&format!("/care/children/{}", ids[1]))
                .await
                .status,
            StatusCode::NOT_FOUND,
            "[{label}]"
        );
        assert_eq!(
            mother
                .get(&format!("/care/villages/{}", s.village))
                .await
                .status,
            StatusCode::NOT_FOUND,
            "[{label}]"
        );
        assert_eq!(
            mother
                .get(&format!("/care/houses/{}", s.mango))
                .await
                .status,
            StatusCode::NOT_FOUND,
            "[{label}]"
        );
        // She writes a daily note for her child, not for another house's.
        let note = mother
            .post_form(
                &format!("/care/children/{}/notes", ids[0]),
                &[
                    ("kind", "daily"),
                    ("written_on", &today().to_string()),
                    ("body", "Ate well"),
                ],
            )
            .await;
        assert_eq!(
            note.status,
            StatusCode::SEE_OTHER,
            "[{label}] {}",
            note.body
        );
        let elsewhere = mother
            .post_form(
                &format!("/care/children/{}/notes", ids[1]),
                &[
                    ("kind", "daily"),
                    ("written_on", &today().to_string()),
                    ("body", "x"),
                ],
            )
            .await;
        assert_eq!(elsewhere.status, StatusCode::NOT_FOUND, "[{label}]");
        let psychosocial = mother
            .post_form(
                &format!("/care/children/{}/notes", ids[0]),
                &[
                    ("kind", "psychosocial"),
                    ("written_on", &today().to_string()),
                    ("body", "x"),
                ],
            )
            .await;
        assert_eq!(psychosocial.status, StatusCode::FORBIDDEN, "[{label}]");

        // The social worker writes a psychosocial note: only readers of them see it.
        let mut social = as_role(&app, "social2", Role::SocialWorker, Language::English).await;
        let secret = "Nightmares since the flood";
        let written = social
            .post_form(
                &format!("/care/children/{}/notes", ids[0]),
                &[
                    ("kind", "psychosocial"),
                    ("written_on", &today().to_string()),
                    ("body", secret),
                ],
            )
            .await;
        assert_eq!(written.status, StatusCode::SEE_OTHER, "[{label}]");
        assert!(
            social
                .get(&format!("/care/children/{}", ids[0]))
                .await
                .text()
                .contains(secret),
            "[{label}]"
        );
        let page = mother.get(&format!("/care/children/{}", ids[0])).await;
        assert!(
            page.text().contains("Ate well") && !page.text().contains(secret),
            "[{label}]"
        );
        let worker = app.user("worker1", Role::CareWorker).await;
        let mut worker_page = app.session_for(&worker).await;
        assert!(
            !worker_page
                .get(&format!("/care/children/{}", ids[0]))
                .await
                .text()
                .contains(secret),
            "[{label}]"
        );
        let mut api = app.api_client(&worker).await;
        let notes = api
            .get(&format!("/api/v1/care/children/{}/notes", ids[0]))
            .await;
        assert_eq!(notes.status, StatusCode::OK, "[{label}]");
        assert!(
            notes.body.contains("Ate well") && !notes.body.contains(secret),
            "[{label}] {}",
            notes.body
        );
        let kinds: Vec<String> = notes
            .json()
            .as_array()
            .expect("a list")
            .iter()
            .map(|n| n["kind"].as_str().unwrap_or("").to_owned())
            .collect();
        assert_eq!(kinds, vec!["daily".to_owned()], "[{label}]");
    }
}

#[tokio::test]
async fn the_api_refuses_bad_input_with_field_codes_and_places_children() {
    for app in apps().await {
        let s = setup(&app).await;
        let label = app.label;
        let social = app.user("social3", Role::SocialWorker).await;
        let mut api = app.api_client(&social).await;
        let bad = api
            .post_json("/api/v1/care/admissions", &format!(r#"{{"person_id":"{}","facility_id":"{}","necessity":"","chosen_option":"orphanage","suitability":"","decision":"admit","decided_on":"2026-13-01","review_on":""}}"#, s.sister, s.village))
            .await;
        assert_eq!(
            bad.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{label}] {}",
            bad.body
        );
        assert_eq!(bad.content_type(), "application/problem+json");
        let detail = bad.json()["detail"].as_str().unwrap_or("").to_owned();
        for expected in [
            "necessity: care-error-required",
            "chosen_option: care-error-bad-choice",
            "decided_on: care-error-bad-date",
        ] {
            assert!(detail.contains(expected), "[{label}] {detail}");
        }
        let day = (today() - time::Duration::days(1)).to_string();
        let review = (today() + time::Duration::days(60)).to_string();
        let made = api
            .post_json("/api/v1/care/admissions", &format!(r#"{{"person_id":"{}","facility_id":"{}","necessity":"n","chosen_option":"sos_family","suitability":"s","decision":"admit","decided_on":"{day}","review_on":"{review}"}}"#, s.sister, s.village))
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "[{label}] {}", made.body);
        let admission = made.json();
        let child = admission["child_id"].as_str().unwrap_or("").to_owned();
        let refused = api
            .post_json(
                &format!("/api/v1/care/children/{child}/placements"),
                &format!(
                    r#"{{"house_id":"{}","started_on":"{day}","reason":"admitted"}}"#,
                    s.lotus
                ),
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{label}]"
        );
        assert!(
            refused.body.contains("care-error-not-approved"),
            "[{label}] {}",
            refused.body
        );
        let director = app.user("director3", Role::ProgrammeDirector).await;
        let mut director = app.api_client(&director).await;
        let decided = director
            .post_json(
                &format!(
                    "/api/v1/care/admissions/{}/decision",
                    admission["id"].as_str().unwrap_or("")
                ),
                &format!(
                    r#"{{"status":"approved","version":{}}}"#,
                    admission["version"]
                ),
            )
            .await;
        assert_eq!(decided.status, StatusCode::OK, "[{label}] {}", decided.body);
        let placed = api
            .post_json(
                &format!("/api/v1/care/children/{child}/placements"),
                &format!(
                    r#"{{"house_id":"{}","started_on":"{day}","reason":"admitted"}}"#,
                    s.lotus
                ),
            )
            .await;
        assert_eq!(
            placed.status,
            StatusCode::CREATED,
            "[{label}] {}",
            placed.body
        );
        let read = api.get(&format!("/api/v1/care/children/{child}")).await;
        assert_eq!(
            read.json()["child"]["house_id"].as_str(),
            Some(s.lotus.to_string().as_str()),
            "[{label}]"
        );
        let ends_first = api
            .post_json(
                &format!(
                    "/api/v1/care/children/{child}/placements/{}/end",
                    placed.json()["id"].as_str().unwrap_or("")
                ),
                &format!(
                    r#"{{"ended_on":"{}","end_reason":"x","version":1}}"#,
                    today() - time::Duration::days(3)
                ),
            )
            .await;
        assert_eq!(
            ends_first.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{label}]"
        );
        assert!(
            ends_first
                .body
                .contains("ended_on: care-error-end-before-start"),
            "[{label}] {}",
            ends_first.body
        );
        let plan = api
            .post_json(
                &format!("/api/v1/care/children/{child}/plans"),
                &format!(
                    r#"{{"made_on":"{}","review_on":"{}"}}"#,
                    today(),
                    today() - time::Duration::days(1)
                ),
            )
            .await;
        assert!(
            plan.body.contains("review_on: care-error-review-in-past"),
            "[{label}] {}",
            plan.body
        );
        // A reader out of reach gets 404.
        let far = app.user("far", Role::SocialWorker).await;
        app.store
            .revoke_role(
                &Actor::system(),
                app.store.role_assignments(far.id).await.expect("roles")[0].id,
                1,
            )
            .await
            .expect("revoked");
        app.store
            .assign_role(
                &Actor::system(),
                far.id,
                Role::SocialWorker,
                &haven_domain::Scope::Facility(Id::new().to_string()),
            )
            .await
            .expect("a far scope");
        let mut far = app.api_client(&far).await;
        assert_eq!(
            far.get(&format!("/api/v1/care/children/{child}"))
                .await
                .status,
            StatusCode::NOT_FOUND,
            "[{label}]"
        );
        let figures = director
            .get(&format!(
                "/api/v1/care/programmes/{}",
                app.store.facility(s.village).await.expect("v").programme_id
            ))
            .await;
        assert_eq!(
            figures.json()["figures"][0]["girls"],
            1,
            "[{label}] {}",
            figures.body
        );
    }
}

/// The text between tags, without attributes.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn every_care_value_and_error_reads_in_both_languages() {
    let mut keys: Vec<String> = Vec::new();
    keys.extend(HouseKind::ALL.iter().map(|v| v.label_key()));
    keys.extend(CareOption::ALL.iter().map(|v| v.label_key()));
    keys.extend(AdmissionDecision::ALL.iter().map(|v| v.label_key()));
    keys.extend(AdmissionStatus::ALL.iter().map(|v| v.label_key()));
    keys.extend(LifeArea::ALL.iter().map(|v| v.label_key()));
    keys.extend(GoalProgress::ALL.iter().map(|v| v.label_key()));
    keys.extend(SchoolLevel::ALL.iter().map(|v| v.label_key()));
    keys.extend(IndependenceStep::ALL.iter().map(|v| v.label_key()));
    keys.extend(LeavingDestination::ALL.iter().map(|v| v.label_key()));
    keys.extend(FollowUpSituation::ALL.iter().map(|v| v.label_key()));
    keys.extend(FamilyVulnerability::ALL.iter().map(|v| v.label_key()));
    keys.extend(FamilyService::ALL.iter().map(|v| v.label_key()));
    keys.extend(SelfReliance::ALL.iter().map(|v| v.label_key()));
    keys.extend(HouseholdStatus::ALL.iter().map(|v| v.label_key()));
    keys.extend(CareNoteKind::ALL.iter().map(|v| v.label_key()));
    keys.extend(CareCaseState::ALL.iter().map(|v| v.label_key()));
    keys.extend(CareError::ALL.iter().map(|e| e.code().to_owned()));
    keys.extend(
        haven_store::care::CARE_AUDIT_ACTIONS
            .iter()
            .map(|a| format!("action-{}", a.replace('_', "-"))),
    );
    for key in &keys {
        for language in Language::ALL {
            // `message` panics on a missing key; a Khmer text must not be the English one.
            let text = message(language, key);
            assert!(!text.is_empty(), "{key} in {language:?}");
        }
        assert_ne!(
            message(Language::Khmer, key),
            message(Language::English, key),
            "{key} is not translated"
        );
    }
}
