//! Tests of the pages and API of the medical centre's daily work: outpatient visits, inpatient stays, the laboratory, medicines and the patient chart (issue 4).
//! A whole outpatient visit through the pages (check-in, refused and warned vital
//! signs, an ICD-10 diagnosis found by words, a lab order, a result entered by the lab
//! technician and flagged for the clinician, a dispense refused beyond the stock and
//! then made), a double submit that records once, HIV results hidden from a nurse on
//! every page and in the API, pages in Khmer without raw keys, and the chart.

use axum::http::StatusCode;
use haven_domain::clinic::lab::catalogue;
use haven_domain::{Language, Role};
use haven_store::clinic::Encounter;
use haven_store::{Actor, AuditFilter, Id};

use crate::routes_clinic::clinic_records;
use crate::support::{apps, message, message_start, App, Browser};

async fn as_role<'a>(app: &'a App, name: &str, role: Role, language: Language) -> Browser<'a> {
    let user = app.user(name, role).await;
    app.store
        .set_user_language(&Actor::system(), user.id, user.version, language)
        .await
        .expect("setting the language");
    let user = app.store.user(user.id).await.expect("the user");
    let mut browser = app.session_for(&user).await;
    browser.get("/").await;
    browser
}

/// The value of the form's one-time token on a page.
fn once(page: &crate::support::Answer, form: &str) -> String {
    page.form_field(form, "once")
        .unwrap_or_else(|| panic!("no token in {form}: {}", page.body))
}

#[tokio::test]
async fn a_clinician_a_lab_technician_and_a_pharmacist_do_an_outpatient_visit() {
    for app in apps().await {
        let label = app.label;
        let records = clinic_records(&app).await;
        let person = crate::routes_staff::insert_person(
            &app,
            "Sok",
            "Dara",
            Some(&records.facility.to_string()),
        )
        .await;
        let mut clerk = as_role(&app, "clerk", Role::RecordsClerk, Language::English).await;
        // The clerk checks the person in from the person's page.
        let person_page = clerk.get(&format!("/people/{person}")).await;
        assert!(
            person_page.body.contains("id=\"check-in-link\""),
            "[{label}] {}",
            person_page.body
        );
        assert!(
            !person_page.body.contains("id=\"chart-link\""),
            "[{label}] a clerk reads no chart"
        );
        let form = clerk
            .get(&format!("/clinic/check-in?person={person}"))
            .await;
        assert_eq!(form.status, StatusCode::OK, "[{label}] {}", form.body);
        let token = once(&form, "check-in");
        let fields = [
            ("person", person.to_string()),
            ("facility", records.facility.to_string()),
            ("visit_type", "general".to_owned()),
            ("once", token.clone()),
        ];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let checked = clerk.post_form("/clinic/check-in", &fields).await;
        assert_eq!(
            checked.status,
            StatusCode::SEE_OTHER,
            "[{label}] {}",
            checked.body
        );
        // A double click: the same form again records nothing more.
        let again = clerk.post_form("/clinic/check-in", &fields).await;
        assert_eq!(again.status, StatusCode::SEE_OTHER, "[{label}]");
        let visits = app.store.visits_of_person(&[person]).await.unwrap();
        assert_eq!(visits.len(), 1, "[{label}] one visit for two submits");
        let visit = visits[0].id;
        let queue = clerk.get(checked.location()).await;
        assert!(
            queue.text().contains("Sok Dara"),
            "[{label}] {}",
            queue.body
        );
        assert!(
            !queue.body.contains(&format!("/clinic/visits/{visit}\"")),
            "[{label}] no visit link for a clerk"
        );
        assert_eq!(
            clerk.get(&format!("/clinic/visits/{visit}")).await.status,
            StatusCode::FORBIDDEN,
            "[{label}]"
        );

        // The doctor triages: 60 °C is refused at its field, 42.5 °C kept with a warning.
        let mut doctor = as_role(&app, "doctor", Role::Doctor, Language::English).await;
        let path = format!("/clinic/visits/{visit}");
        let page = doctor.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "[{label}] {}", page.body);
        let refused = doctor
            .post_form(
                &format!("{path}/vitals"),
                &[
                    ("temperature", "60"),
                    ("pulse", "88"),
                    ("once", &once(&page, "vitals-form")),
                ],
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{label}]"
        );
        assert!(
            refused
                .text()
                .contains(&message(Language::English, "clinic-error-outside-limits")),
            "[{label}] {}",
            refused.body
        );
        assert!(
            refused.body.contains("value=\"88\""),
            "[{label}] what was typed is kept"
        );
        let warned = doctor
            .post_form(
                &format!("{path}/vitals"),
                &[
                    ("temperature", "42.5"),
                    ("pulse", "88"),
                    ("muac", "112"),
                    ("once", &once(&refused, "vitals-form")),
                ],
            )
            .await;
        assert_eq!(
            warned.status,
            StatusCode::SEE_OTHER,
            "[{label}] {}",
            warned.body
        );
        let page = doctor.get(&path).await;
        assert!(
            page.text()
                .contains(&message(Language::English, "clinic-warning-temperature")),
            "[{label}] {}",
            page.body
        );

        // A diagnosis by words: the page offers the codes found; an unknown code is refused.
        let unknown = doctor
            .post_form(
                &format!("{path}/diagnoses"),
                &[
                    ("icd10", "Z99.99"),
                    ("once", &once(&page, "diagnosis-form")),
                ],
            )
            .await;
        assert_eq!(
            unknown.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{label}]"
        );
        let words = doctor
            .post_form(
                &format!("{path}/diagnoses"),
                &[
                    ("icd10", "falciparum malaria"),
                    ("once", &once(&unknown, "diagnosis-form")),
                ],
            )
            .await;
        assert_eq!(words.status, StatusCode::UNPROCESSABLE_ENTITY, "[{label}]");
        assert!(
            words.body.contains("value=\"B50.9\""),
            "[{label}] the codes found are offered: {}",
            words.body
        );
        let search = doctor.get("/clinic/icd10?q=falciparum").await;
        assert!(search.body.contains("B50.9"), "[{label}]");
        let picked = doctor
            .post_form(
                &format!("{path}/diagnoses"),
                &[
                    ("icd10", "falciparum malaria"),
                    ("icd10_pick", "B50.9"),
                    ("certainty", "confirmed"),
                    ("once", &once(&words, "diagnosis-form")),
                ],
            )
            .await;
        assert_eq!(
            picked.status,
            StatusCode::SEE_OTHER,
            "[{label}] {}",
            picked.body
        );

        // A lab order and a prescription.
        let page = doctor.get(&path).await;
        let ordered = doctor
            .post_form(
                &format!("{path}/lab-orders"),
                &[("test", "hb"), ("once", &once(&page, "lab-form"))],
            )
            .await;
        assert_eq!(
            ordered.status,
            StatusCode::SEE_OTHER,
            "[{label}] {}",
            ordered.body
        );
        let prescribed = doctor
            .post_form(
                &format!("{path}/prescriptions"),
                &[
                    ("medicine", "paracetamol_500_tab"),
                    ("dose", "1 tablet"),
                    ("route", "oral"),
                    ("frequency", "qds"),
                    ("duration_days", "3"),
                    ("quantity", "150"),
                    ("once", &once(&page, "prescription-form")),
                ],
            )
            .await;
        assert_eq!(
            prescribed.status,
            StatusCode::SEE_OTHER,
            "[{label}] {}",
            prescribed.body
        );

        // The lab technician takes the sample and enters a low haemoglobin.
        let mut labtech = as_role(
            &app,
            "labtech",
            Role::LaboratoryTechnician,
            Language::English,
        )
        .await;
        let worklist = labtech
            .get(&format!("/clinic/facilities/{}/lab", records.facility))
            .await;
        assert!(
            worklist.text().contains("Sok Dara"),
            "[{label}] {}",
            worklist.body
        );
        let order = app
            .store
            .lab_orders_of(
                &haven_store::clinic::Viewer::everything(),
                Encounter::Visit(visit),
            )
            .await
            .unwrap()[0]
            .clone();
        let order_path = format!("/clinic/lab/{}", order.id);
        labtech.get(&order_path).await;
        let taken = labtech
            .post_form(
                &format!("{order_path}/state"),
                &[("to", "sample_taken"), ("version", "1")],
            )
            .await;
        assert_eq!(
            taken.status,
            StatusCode::SEE_OTHER,
            "[{label}] {}",
            taken.body
        );
        labtech.get(&order_path).await;
        let bad = labtech
            .post_form(
                &format!("{order_path}/results"),
                &[("hb", "lots"), ("version", "2")],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "[{label}]");
        assert!(
            bad.text()
                .contains(&message(Language::English, "clinic-error-not-a-number")),
            "[{label}]"
        );
        let entered = labtech
            .post_form(
                &format!("{order_path}/results"),
                &[("hb", "6.1"), ("version", "2")],
            )
            .await;
        assert_eq!(
            entered.status,
            StatusCode::SEE_OTHER,
            "[{label}] {}",
            entered.body
        );
        let printed = labtech.get(&format!("{order_path}/print")).await;
        assert!(printed.body.contains("6.1"), "[{label}]");
        assert!(
            printed
                .text()
                .contains(&message(Language::English, "flag-critical-low")),
            "[{label}] {}",
            printed.body
        );

        // The doctor sees the flagged result among the results to see, and on the visit.
        let to_see = doctor.get("/clinic/results").await;
        assert!(
            to_see
                .text()
                .contains(&message(Language::English, "flag-critical-low")),
            "[{label}] {}",
            to_see.body
        );
        assert!(
            doctor.get(&path).await.body.contains("flag critical"),
            "[{label}]"
        );
        let seen = doctor.post_form(&format!("{order_path}/seen"), &[]).await;
        assert_eq!(seen.status, StatusCode::SEE_OTHER, "[{label}]");
        assert!(
            !doctor
                .get("/clinic/results")
                .await
                .body
                .contains(&order.id.to_string()),
            "[{label}]"
        );

        // The pharmacist: 150 asked, 100 in stock; refused with the quantity available.
        let mut pharmacist = as_role(&app, "pharmacist", Role::Pharmacist, Language::English).await;
        let pharmacy = pharmacist
            .get(&format!("/clinic/facilities/{}/pharmacy", records.facility))
            .await;
        assert!(
            pharmacy.text().contains("Sok Dara"),
            "[{label}] {}",
            pharmacy.body
        );
        let rx = app
            .store
            .prescriptions_of(Encounter::Visit(visit))
            .await
            .unwrap()[0]
            .id;
        let over = pharmacist
            .post_form(
                &format!("/clinic/prescriptions/{rx}/dispense"),
                &[("quantity", "150")],
            )
            .await;
        assert_eq!(over.status, StatusCode::UNPROCESSABLE_ENTITY, "[{label}]");
        assert!(
            over.text().contains(&format!(
                "{} 100",
                message_start(Language::English, "clinic-not-enough-stock")
            )),
            "[{label}] {}",
            over.body
        );
        let pharmacy = pharmacist
            .get(&format!("/clinic/facilities/{}/pharmacy", records.facility))
            .await;
        assert!(
            pharmacy
                .form_field(&format!("dispense-{rx}"), "once")
                .is_some(),
            "[{label}] the dispense form has its token"
        );
        let done = pharmacist
            .post_form(
                &format!("/clinic/prescriptions/{rx}/dispense"),
                &[("quantity", "60")],
            )
            .await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "[{label}] {}",
            done.body
        );
        let stock = pharmacist
            .get(&format!("/clinic/facilities/{}/stock", records.facility))
            .await;
        assert!(
            stock.body.contains("40 "),
            "[{label}] 100 − 60 left: {}",
            stock.body
        );

        // The doctor closes the visit; the chart shows it all, newest first, and is audited.
        let page = doctor.get(&path).await;
        let version = page.form_field("notes-form", "version").unwrap();
        let closed = doctor
            .post_form(
                &path,
                &[
                    ("complaint", "fever"),
                    ("outcome", "sent_home"),
                    ("version", &version),
                ],
            )
            .await;
        assert_eq!(
            closed.status,
            StatusCode::SEE_OTHER,
            "[{label}] {}",
            closed.body
        );
        let stale = doctor
            .post_form(&path, &[("complaint", "older"), ("version", &version)])
            .await;
        assert_eq!(
            stale.status,
            StatusCode::CONFLICT,
            "[{label}] a stale version is a conflict"
        );
        let chart = doctor.get(&format!("/people/{person}/chart")).await;
        assert_eq!(chart.status, StatusCode::OK, "[{label}] {}", chart.body);
        for kind in [
            "visit",
            "vitals",
            "diagnosis",
            "lab_result",
            "prescription",
            "dispense",
        ] {
            assert!(
                chart.body.contains(&format!("entry-{kind}")),
                "[{label}] {kind}: {}",
                chart.body
            );
        }
        let only = doctor
            .get(&format!("/people/{person}/chart?kind=lab_result"))
            .await;
        assert!(
            only.body.contains("entry-lab_result") && !only.body.contains("entry-visit "),
            "[{label}]"
        );
        let events = app
            .store
            .list_audit_events(&AuditFilter {
                limit: 500,
                ..AuditFilter::default()
            })
            .await
            .unwrap();
        assert!(
            events
                .iter()
                .any(|e| e.action == "chart_read" && e.entity_id == person.to_string()),
            "[{label}]"
        );
        // The facility's page counts one visit of a woman of 18–59.
        let facility = doctor
            .get(&format!("/places/facilities/{}", records.facility))
            .await;
        assert!(
            facility.body.contains("id=\"treatments\""),
            "[{label}] {}",
            facility.body
        );
    }
}

#[tokio::test]
async fn hiv_results_are_seen_only_by_roles_with_the_permission() {
    for app in apps().await {
        let label = app.label;
        let records = clinic_records(&app).await;
        let hiv = catalogue().test("hiv_rapid").unwrap();
        let order = app
            .store
            .order_lab_test(
                &Actor::system(),
                Encounter::Visit(records.visit),
                hiv,
                "",
                None,
            )
            .await
            .unwrap();
        let mut nurse = as_role(&app, "nurse", Role::RegisteredNurse, Language::English).await;
        let hiv_name = hiv.name_en();
        let worklist = nurse
            .get(&format!("/clinic/facilities/{}/lab", records.facility))
            .await;
        assert_eq!(worklist.status, StatusCode::OK, "[{label}]");
        assert!(
            !worklist.text().contains(hiv_name),
            "[{label}] worklist: {}",
            worklist.body
        );
        let visit = nurse
            .get(&format!("/clinic/visits/{}", records.visit))
            .await;
        assert!(!visit.text().contains(hiv_name), "[{label}] visit page");
        assert!(
            !visit.body.contains("value=\"hiv_rapid\""),
            "[{label}] a nurse cannot order it either"
        );
        assert_eq!(
            nurse.get(&format!("/clinic/lab/{order}")).await.status,
            StatusCode::NOT_FOUND,
            "[{label}]"
        );
        let chart = nurse
            .get(&format!("/people/{}/chart?kind=lab_result", records.person))
            .await;
        assert!(!chart.text().contains(hiv_name), "[{label}] chart");
        let lab_home = nurse.get("/clinic/lab").await;
        assert!(
            lab_home.text().contains(
                &message_start(Language::English, "clinic-open-orders-count")
                    .replace("{ $count }", "")
            ),
            "[{label}]"
        );
        // One open order (the haemoglobin, resulted) is counted, not the HIV one.
        let nurse_user = app.store.user_by_username("nurse").await.unwrap();
        let mut api = app.api_client(&nurse_user).await;
        let listed = api
            .get(&format!(
                "/api/v1/clinic/facilities/{}/lab-orders",
                records.facility
            ))
            .await;
        assert_eq!(listed.status, StatusCode::OK, "[{label}] {}", listed.body);
        assert!(
            !listed.body.contains("hiv"),
            "[{label}] API worklist: {}",
            listed.body
        );
        let one = api.get(&format!("/api/v1/clinic/lab-orders/{order}")).await;
        assert_eq!(one.status, StatusCode::NOT_FOUND, "[{label}]");
        let visit = api
            .get(&format!("/api/v1/clinic/visits/{}", records.visit))
            .await;
        assert!(!visit.body.contains("hiv"), "[{label}] API visit");
        // The lab technician and the doctor hold the permission and see it.
        let mut labtech = as_role(
            &app,
            "labtech",
            Role::LaboratoryTechnician,
            Language::English,
        )
        .await;
        assert!(
            labtech
                .get(&format!("/clinic/facilities/{}/lab", records.facility))
                .await
                .text()
                .contains(hiv_name),
            "[{label}]"
        );
        let mut doctor = as_role(&app, "doctor", Role::Doctor, Language::English).await;
        assert!(
            doctor
                .get(&format!("/clinic/visits/{}", records.visit))
                .await
                .text()
                .contains(hiv_name),
            "[{label}]"
        );
    }
}

#[tokio::test]
async fn out_of_reach_records_do_not_exist() {
    for app in apps().await {
        let label = app.label;
        let records = clinic_records(&app).await;
        // A doctor whose scope is another facility.
        // (The user's first role reads no person or clinical record anywhere.)
        let user = app.user("elsewhere", Role::MeOfficer).await;
        app.store
            .assign_role(
                &Actor::system(),
                user.id,
                Role::Doctor,
                &haven_domain::Scope::Facility(Id::new().to_string()),
            )
            .await
            .unwrap();
        let mut browser = app.session_for(&user).await;
        for path in [
            format!("/clinic/visits/{}", records.visit),
            format!("/clinic/stays/{}", records.stay),
            format!("/clinic/lab/{}", records.order),
            format!("/clinic/facilities/{}/queue", records.facility),
            format!("/clinic/referrals/{}", records.referral),
            format!("/people/{}/chart", records.person),
        ] {
            assert_eq!(
                browser.get(&path).await.status,
                StatusCode::NOT_FOUND,
                "[{label}] {path}"
            );
        }
        let home = browser.get("/clinic").await;
        assert!(
            !home.body.contains(&records.facility.to_string()),
            "[{label}]"
        );
    }
}

#[tokio::test]
async fn a_stay_from_admission_to_the_discharge_summary() {
    for app in apps().await {
        let label = app.label;
        let records = clinic_records(&app).await;
        let mut doctor = as_role(&app, "doctor", Role::Doctor, Language::English).await;
        let path = format!("/clinic/stays/{}", records.stay);
        let page = doctor.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "[{label}] {}", page.body);
        for (t, p, r) in [("39.5", "120", "30"), ("38.2", "104", "24")] {
            let page = doctor.get(&path).await;
            let saved = doctor
                .post_form(
                    &format!("{path}/vitals"),
                    &[
                        ("temperature", t),
                        ("pulse", p),
                        ("respiratory_rate", r),
                        ("once", &once(&page, "vitals-form")),
                    ],
                )
                .await;
            assert_eq!(saved.status, StatusCode::SEE_OTHER, "[{label}]");
        }
        let page = doctor.get(&path).await;
        assert_eq!(
            page.body.matches("class=\"vitals-chart\"").count(),
            3,
            "[{label}] three SVG charts"
        );
        let note = doctor
            .post_form(
                &format!("{path}/notes"),
                &[
                    ("note", "Day 1: febrile"),
                    ("once", &once(&page, "note-form")),
                ],
            )
            .await;
        assert_eq!(note.status, StatusCode::SEE_OTHER, "[{label}]");
        let board = doctor.get(&format!("/clinic/wards/{}", records.ward)).await;
        assert!(
            board.body.contains("bed occupied"),
            "[{label}] {}",
            board.body
        );
        let died = doctor
            .post_form(
                &format!("{path}/discharge"),
                &[("outcome", "died"), ("summary", "s"), ("version", "1")],
            )
            .await;
        assert_eq!(died.status, StatusCode::UNPROCESSABLE_ENTITY, "[{label}]");
        assert!(
            died.text().contains(&message(
                Language::English,
                "clinic-error-cause-of-death-required"
            )),
            "[{label}]"
        );
        let version = app
            .store
            .stay(records.stay)
            .await
            .unwrap()
            .version
            .to_string();
        let done = doctor
            .post_form(
                &format!("{path}/discharge"),
                &[
                    ("outcome", "recovered"),
                    ("summary", "Treated for malaria"),
                    ("version", &version),
                ],
            )
            .await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "[{label}] {}",
            done.body
        );
        let summary = doctor.get(done.location()).await;
        assert!(
            summary.text().contains("Treated for malaria"),
            "[{label}] {}",
            summary.body
        );
        assert!(
            summary
                .text()
                .contains(&message(Language::English, "stayoutcome-recovered")),
            "[{label}]"
        );
        let board = doctor.get(&format!("/clinic/wards/{}", records.ward)).await;
        assert!(
            !board.body.contains("bed occupied"),
            "[{label}] the bed is free again"
        );
        let wards = doctor
            .get(&format!("/clinic/facilities/{}/wards", records.facility))
            .await;
        assert!(wards.body.contains("id=\"ward-table\""), "[{label}]");
    }
}

#[tokio::test]
async fn the_clinic_pages_read_in_khmer_without_raw_keys() {
    for app in apps().await {
        let label = app.label;
        let records = clinic_records(&app).await;
        let mut doctor = as_role(&app, "vira", Role::Doctor, Language::Khmer).await;
        let mut pharmacist = as_role(&app, "rithy", Role::Pharmacist, Language::Khmer).await;
        let mut labtech = as_role(&app, "srey", Role::LaboratoryTechnician, Language::Khmer).await;
        let pages = [
            (0, "/clinic".to_owned(), "clinic-title"),
            (
                0,
                format!("/clinic/visits/{}", records.visit),
                "clinic-vitals",
            ),
            (
                0,
                format!("/clinic/stays/{}", records.stay),
                "clinic-progress-notes",
            ),
            (
                0,
                format!("/people/{}/chart", records.person),
                "clinic-chart-title",
            ),
            (
                0,
                format!("/clinic/referrals/{}", records.referral),
                "clinic-referral-title",
            ),
            (
                0,
                format!("/clinic/facilities/{}/wards", records.facility),
                "clinic-wards-title",
            ),
            (0, "/clinic/results".to_owned(), "clinic-results-title"),
            (
                1,
                format!("/clinic/lab/{}", records.order),
                "clinic-results",
            ),
            (
                1,
                format!("/clinic/lab/{}/print", records.order),
                "clinic-lab-print-title",
            ),
            (
                2,
                format!("/clinic/facilities/{}/pharmacy", records.facility),
                "clinic-to-dispense",
            ),
            (
                2,
                format!("/clinic/facilities/{}/stock", records.facility),
                "clinic-receive-stock",
            ),
        ];
        for (who, path, key) in pages {
            let browser = match who {
                0 => &mut doctor,
                1 => &mut labtech,
                _ => &mut pharmacist,
            };
            let answer = browser.get(&path).await;
            assert_eq!(
                answer.status,
                StatusCode::OK,
                "[{label}] {path}: {}",
                answer.body
            );
            assert!(
                answer.body.contains("<html lang=\"km\">"),
                "[{label}] {path}"
            );
            assert!(
                answer.text().contains(&message(Language::Khmer, key)),
                "[{label}] {path} shows {key} in Khmer"
            );
            let visible = visible_text(&answer.text());
            assert!(
                !visible.contains("clinic-"),
                "[{label}] {path}: a raw key? {visible}"
            );
        }
    }
}

#[tokio::test]
async fn the_api_walks_a_visit_and_refuses_bad_input_with_codes() {
    for app in apps().await {
        let label = app.label;
        let records = clinic_records(&app).await;
        let doctor = app.user("api-doctor", Role::Doctor).await;
        let mut api = app.api_client(&doctor).await;
        let body = format!(
            r#"{{"person_id":"{}","facility_id":"{}","visit_type":"emergency","once":"{}"}}"#,
            records.person,
            records.facility,
            Id::new()
        );
        let created = api.post_json("/api/v1/clinic/visits", &body).await;
        assert_eq!(
            created.status,
            StatusCode::CREATED,
            "[{label}] {}",
            created.body
        );
        let again = api.post_json("/api/v1/clinic/visits", &body).await;
        assert_eq!(
            again.json()["id"],
            created.json()["id"],
            "[{label}] the same token, the same visit"
        );
        let visit = created.json()["id"].as_str().unwrap().to_owned();
        let check = |answer: crate::support::Answer, status: StatusCode, code: &str| {
            assert_eq!(answer.status, status, "[{label}] {}", answer.body);
            if !code.is_empty() {
                assert_eq!(
                    answer.content_type(),
                    "application/problem+json",
                    "[{label}]"
                );
                assert!(
                    answer.body.contains(code),
                    "[{label}] {code}: {}",
                    answer.body
                );
            }
        };
        check(
            api.post_json(
                &format!("/api/v1/clinic/visits/{visit}/vitals"),
                r#"{"temperature_c":60,"pulse":0}"#,
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "temperature: outside_limits; pulse: outside_limits",
        );
        let warned = api
            .post_json(
                &format!("/api/v1/clinic/visits/{visit}/vitals"),
                r#"{"temperature_c":42.5}"#,
            )
            .await;
        assert_eq!(
            warned.json()["warnings"][0],
            "temperature",
            "[{label}] {}",
            warned.body
        );
        check(
            api.post_json(
                &format!("/api/v1/clinic/visits/{visit}/diagnoses"),
                r#"{"icd10":"B99.99"}"#,
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "icd10: unknown_icd10",
        );
        check(
            api.post_json(
                &format!("/api/v1/clinic/visits/{visit}/diagnoses"),
                r#"{"icd10":"b509"}"#,
            )
            .await,
            StatusCode::CREATED,
            "",
        );
        check(
            api.post_json(
                &format!("/api/v1/clinic/visits/{visit}/lab-orders"),
                r#"{"test":"malaria_rdt"}"#,
            )
            .await,
            StatusCode::CREATED,
            "",
        );
        let rx = api
            .post_json(&format!("/api/v1/clinic/visits/{visit}/prescriptions"), r#"{"medicine":"paracetamol_500_tab","dose":"1 tablet","route":"oral","frequency":"qds","quantity":500}"#)
            .await;
        assert_eq!(rx.status, StatusCode::CREATED, "[{label}] {}", rx.body);
        let got = api.get(&format!("/api/v1/clinic/visits/{visit}")).await;
        assert_eq!(
            got.json()["diagnoses"][0]["icd10"],
            "B50.9",
            "[{label}] {}",
            got.body
        );
        assert_eq!(
            got.json()["lab_orders"][0]["test"],
            "malaria_rdt",
            "[{label}]"
        );
        // The pharmacist's API refuses more than the stock, saying how much there is.
        let pharmacist = app.user("api-pharmacist", Role::Pharmacist).await;
        let mut pharmacy = app.api_client(&pharmacist).await;
        let rx = rx.json()["id"].as_str().unwrap().to_owned();
        check(
            pharmacy
                .post_json(
                    &format!("/api/v1/clinic/prescriptions/{rx}/dispense"),
                    r#"{"quantity":500}"#,
                )
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "stock.insufficient",
        );
        let refused = pharmacy
            .post_json(
                &format!("/api/v1/clinic/prescriptions/{rx}/dispense"),
                r#"{"quantity":500}"#,
            )
            .await;
        assert!(
            refused.body.contains("100 available"),
            "[{label}] {}",
            refused.body
        );
        check(
            pharmacy
                .post_json(
                    &format!("/api/v1/clinic/prescriptions/{rx}/dispense"),
                    r#"{"quantity":20}"#,
                )
                .await,
            StatusCode::CREATED,
            "",
        );
        let stock = pharmacy
            .get(&format!(
                "/api/v1/clinic/facilities/{}/stock",
                records.facility
            ))
            .await;
        assert_eq!(stock.json()[0]["on_hand"], 80, "[{label}] {}", stock.body);
        // The lab technician's API enters a result.
        let labtech = app.user("api-labtech", Role::LaboratoryTechnician).await;
        let mut lab = app.api_client(&labtech).await;
        let order = got.json()["lab_orders"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        check(
            lab.post_json(
                &format!("/api/v1/clinic/lab-orders/{order}/results"),
                r#"{"version":1,"results":{"malaria_rdt":"p_falciparum"}}"#,
            )
            .await,
            StatusCode::CONFLICT,
            "conflict",
        );
        app.store
            .advance_lab_order(
                &Actor::system(),
                &haven_store::clinic::Viewer::everything(),
                order.parse().unwrap(),
                1,
                haven_domain::clinic::lab::LabState::SampleTaken,
            )
            .await
            .unwrap();
        check(
            lab.post_json(
                &format!("/api/v1/clinic/lab-orders/{order}/results"),
                r#"{"version":2,"results":{"malaria_rdt":"maybe"}}"#,
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "malaria_rdt: choose_option",
        );
        let resulted = lab
            .post_json(
                &format!("/api/v1/clinic/lab-orders/{order}/results"),
                r#"{"version":2,"results":{"malaria_rdt":"p_falciparum"}}"#,
            )
            .await;
        assert_eq!(
            resulted.json()["flag"],
            "abnormal",
            "[{label}] {}",
            resulted.body
        );
        let search = api.get("/api/v1/icd10?q=dengue").await;
        assert_eq!(search.json()[0]["code"], "A97", "[{label}]");
    }
}

/// The text a reader sees: the page without its tags.
fn visible_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}
