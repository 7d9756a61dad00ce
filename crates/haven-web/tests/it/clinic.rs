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

/// Asserts an API answer's status and, when `code` is not empty, that it is a
/// problem naming `code` (a stable code, or a field and its code).
fn expect(label: &str, answer: &crate::support::Answer, status: StatusCode, code: &str) {
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
}

#[tokio::test]
async fn the_api_moves_a_lab_order_through_its_states_in_order() {
    for app in apps().await {
        let label = app.label;
        let records = clinic_records(&app).await;
        let doctor = app.user("api-orderer", Role::Doctor).await;
        let mut clinician = app.api_client(&doctor).await;
        let made = clinician
            .post_json(
                &format!("/api/v1/clinic/visits/{}/lab-orders", records.visit),
                r#"{"test":"malaria_rdt"}"#,
            )
            .await;
        expect(label, &made, StatusCode::CREATED, "");
        let order = made.json()["id"].as_str().unwrap().to_owned();
        let labtech = app.user("api-bench", Role::LaboratoryTechnician).await;
        let mut lab = app.api_client(&labtech).await;
        let state = |to: &str, version: i64| format!(r#"{{"version":{version},"to":"{to}"}}"#);
        let path = format!("/api/v1/clinic/lab-orders/{order}/state");
        // Out of order: in progress before the sample, verified before results.
        expect(
            label,
            &lab.post_json(&path, &state("in_progress", 1)).await,
            StatusCode::CONFLICT,
            "lab_order.out_of_order",
        );
        expect(
            label,
            &lab.post_json(&path, &state("verified", 1)).await,
            StatusCode::CONFLICT,
            "the order is ordered",
        );
        // Results have their own route; an unknown state is a field problem.
        expect(
            label,
            &lab.post_json(&path, &state("resulted", 1)).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "to: choose_option",
        );
        expect(
            label,
            &lab.post_json(&path, &state("cooked", 1)).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "to: choose_option",
        );
        expect(
            label,
            &lab.post_json(&path, r#"{"version":1,"to":"sample_taken","x":1}"#)
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown field",
        );
        let taken = lab.post_json(&path, &state("sample_taken", 1)).await;
        expect(label, &taken, StatusCode::OK, "");
        assert_eq!(taken.json()["state"], "sample_taken", "[{label}]");
        assert_eq!(taken.json()["version"], 2, "[{label}]");
        // A stale version is refused once the order has moved on.
        expect(
            label,
            &lab.post_json(&path, &state("in_progress", 1)).await,
            StatusCode::CONFLICT,
            "conflict.stale_version",
        );
        let running = lab.post_json(&path, &state("in_progress", 2)).await;
        expect(label, &running, StatusCode::OK, "");
        assert_eq!(running.json()["state"], "in_progress", "[{label}]");
        expect(
            label,
            &lab.post_json(
                &format!("/api/v1/clinic/lab-orders/{order}/results"),
                r#"{"version":3,"results":{"malaria_rdt":"p_falciparum"}}"#,
            )
            .await,
            StatusCode::OK,
            "",
        );
        let verified = lab.post_json(&path, &state("verified", 4)).await;
        expect(label, &verified, StatusCode::OK, "");
        assert_eq!(verified.json()["state"], "verified", "[{label}]");
        assert_eq!(
            verified.json()["results"][0]["value_code"],
            "p_falciparum",
            "[{label}]"
        );
        expect(
            label,
            &lab.post_json(&path, &state("verified", 5)).await,
            StatusCode::CONFLICT,
            "lab_order.out_of_order",
        );
        expect(
            label,
            &lab.post_json(
                &format!("/api/v1/clinic/lab-orders/{}/state", Id::new()),
                &state("sample_taken", 1),
            )
            .await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
        // The orderer's results to see hold it until they mark it seen; no one
        // else can mark it.
        let to_see = clinician.get("/api/v1/clinic/results").await;
        expect(label, &to_see, StatusCode::OK, "");
        assert_eq!(to_see.json()[0]["id"], order.as_str(), "[{label}]");
        assert_eq!(to_see.json()[0]["flag"], "abnormal", "[{label}]");
        let other = app.user("api-other-doctor", Role::Doctor).await;
        let mut other = app.api_client(&other).await;
        assert_eq!(
            other.get("/api/v1/clinic/results").await.json(),
            serde_json::json!([]),
            "[{label}]"
        );
        let seen = format!("/api/v1/clinic/lab-orders/{order}/seen");
        expect(
            label,
            &other.post_json(&seen, "").await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
        expect(
            label,
            &clinician.post_json(&seen, "").await,
            StatusCode::NO_CONTENT,
            "",
        );
        assert_eq!(
            clinician.get("/api/v1/clinic/results").await.json(),
            serde_json::json!([]),
            "[{label}]"
        );
    }
}

#[tokio::test]
async fn the_api_issues_adjusts_and_counts_stock_and_warns() {
    for app in apps().await {
        let label = app.label;
        let records = clinic_records(&app).await;
        let pharmacist = app.user("api-stock", Role::Pharmacist).await;
        let mut api = app.api_client(&pharmacist).await;
        let batch = format!("/api/v1/clinic/stock/{}", records.batch);
        let got = api.get(&batch).await;
        expect(label, &got, StatusCode::OK, "");
        assert_eq!(got.json()["on_hand"], 100, "[{label}]");
        let version = got.json()["version"].as_i64().unwrap();
        let change = |version: i64, kind: &str, quantity: i64, reason: &str| {
            format!(
                r#"{{"version":{version},"kind":"{kind}","quantity":{quantity},"reason":"{reason}","note":"ward 2"}}"#
            )
        };
        // More than the batch holds: refused with what it holds; nothing changes.
        expect(
            label,
            &api.post_json(&batch, &change(version, "issue", 150, ""))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "stock.insufficient",
        );
        assert!(
            api.post_json(&batch, &change(version, "adjustment", -101, "lost"))
                .await
                .body
                .contains("100 available"),
            "[{label}]"
        );
        expect(
            label,
            &api.post_json(&batch, &change(version, "issue", 0, ""))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "quantity: bad_quantity",
        );
        expect(
            label,
            &api.post_json(&batch, &change(version, "adjustment", -5, ""))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "reason: choose_option",
        );
        expect(
            label,
            &api.post_json(&batch, &change(version, "adjustment", 0, "found"))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "quantity: bad_adjustment",
        );
        expect(
            label,
            &api.post_json(&batch, &change(version, "count", -1, ""))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "quantity: bad_count",
        );
        expect(
            label,
            &api.post_json(&batch, &change(version, "theft", 1, ""))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "kind: choose_option",
        );
        let issued = api
            .post_json(&batch, &change(version, "issue", 10, ""))
            .await;
        expect(label, &issued, StatusCode::OK, "");
        assert_eq!(issued.json()["on_hand"], 90, "[{label}]");
        expect(
            label,
            &api.post_json(&batch, &change(version, "issue", 10, ""))
                .await,
            StatusCode::CONFLICT,
            "conflict.stale_version",
        );
        let version = issued.json()["version"].as_i64().unwrap();
        let adjusted = api
            .post_json(&batch, &change(version, "adjustment", -5, "damaged"))
            .await;
        expect(label, &adjusted, StatusCode::OK, "");
        assert_eq!(adjusted.json()["on_hand"], 85, "[{label}]");
        let version = adjusted.json()["version"].as_i64().unwrap();
        let counted = api
            .post_json(&batch, &change(version, "count", 80, ""))
            .await;
        expect(label, &counted, StatusCode::OK, "");
        assert_eq!(counted.json()["on_hand"], 80, "[{label}]");
        let movements = api
            .get(&format!(
                "/api/v1/clinic/facilities/{}/stock/movements?limit=10",
                records.facility
            ))
            .await;
        expect(label, &movements, StatusCode::OK, "");
        let kinds: Vec<(String, i64, i64)> = movements
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["kind"].as_str().unwrap().to_owned(),
                    m["quantity"].as_i64().unwrap(),
                    m["balance"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("count".to_owned(), -5, 80),
                ("adjustment".to_owned(), -5, 85),
                ("issue".to_owned(), -10, 90),
                ("receipt".to_owned(), 100, 100),
            ],
            "[{label}]"
        );
        assert_eq!(movements.json()[1]["reason"], "damaged", "[{label}]");
        // A batch that expires in ten days warns.
        let today = time::OffsetDateTime::now_utc().date();
        let receipt = format!(
            r#"{{"medicine":"amoxicillin_250_dt","batch_number":"SOON-1","expires_on":"{}","quantity":3}}"#,
            today + time::Duration::days(10)
        );
        expect(
            label,
            &api.post_json(
                &format!("/api/v1/clinic/facilities/{}/stock", records.facility),
                &receipt,
            )
            .await,
            StatusCode::CREATED,
            "",
        );
        let warnings = api
            .get(&format!(
                "/api/v1/clinic/facilities/{}/stock/warnings",
                records.facility
            ))
            .await;
        expect(label, &warnings, StatusCode::OK, "");
        let warned = warnings.json();
        assert_eq!(
            warned["near_expiry"][0]["batch"]["batch_number"], "SOON-1",
            "[{label}] {warned}"
        );
        assert_eq!(warned["near_expiry"][0]["days_to_expiry"], 10, "[{label}]");
        assert!(
            warned["low_stock"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l["medicine"] == "amoxicillin_250_dt" && l["usable"] == 3),
            "[{label}] {warned}"
        );
        for path in [
            format!("/api/v1/clinic/stock/{}", Id::new()),
            "/api/v1/clinic/stock/not-an-id".to_owned(),
            format!("/api/v1/clinic/facilities/{}/stock/warnings", Id::new()),
        ] {
            expect(
                label,
                &api.get(&path).await,
                StatusCode::NOT_FOUND,
                "not_found",
            );
        }
    }
}

#[tokio::test]
async fn the_api_moves_a_visit_through_the_queue_and_refers() {
    for app in apps().await {
        let label = app.label;
        let records = clinic_records(&app).await;
        let doctor = app.user("api-clinician", Role::Doctor).await;
        let mut api = app.api_client(&doctor).await;
        let visit = format!("/api/v1/clinic/visits/{}", records.visit);
        let version = api.get(&visit).await.json()["version"].as_i64().unwrap();
        let called = api
            .post_json(
                &format!("{visit}/call-in"),
                &format!(r#"{{"version":{version}}}"#),
            )
            .await;
        expect(label, &called, StatusCode::OK, "");
        assert_eq!(called.json()["queue_state"], "with_clinician", "[{label}]");
        let version = called.json()["version"].as_i64().unwrap();
        // Called in already: not waiting any more.
        expect(
            label,
            &api.post_json(
                &format!("{visit}/call-in"),
                &format!(r#"{{"version":{version}}}"#),
            )
            .await,
            StatusCode::CONFLICT,
            "conflict",
        );
        let notes = format!("{visit}/notes");
        expect(
            label,
            &api.post_json(
                &notes,
                &format!(
                    r#"{{"version":{version},"follow_up_on":"2001-01-01","outcome":"cured"}}"#
                ),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "follow_up_on: date_in_past; outcome: choose_option",
        );
        let saved = api
            .post_json(
                &notes,
                &format!(
                    r#"{{"version":{version},"complaint":"fever 3 days","history":"no travel","examination":"T 38.5","plan":"RDT"}}"#
                ),
            )
            .await;
        expect(label, &saved, StatusCode::OK, "");
        assert_eq!(saved.json()["queue_state"], "with_clinician", "[{label}]");
        expect(
            label,
            &api.post_json(&notes, &format!(r#"{{"version":{version},"plan":"x"}}"#))
                .await,
            StatusCode::CONFLICT,
            "conflict.stale_version",
        );
        let version = saved.json()["version"].as_i64().unwrap();
        let follow_up = time::OffsetDateTime::now_utc().date() + time::Duration::days(7);
        let closed = api
            .post_json(
                &notes,
                &format!(
                    r#"{{"version":{version},"follow_up_on":"{follow_up}","outcome":"follow_up"}}"#
                ),
            )
            .await;
        expect(label, &closed, StatusCode::OK, "");
        assert_eq!(closed.json()["queue_state"], "done", "[{label}]");
        let got = api.get(&visit).await.json();
        assert_eq!(got["complaint"], "fever 3 days", "[{label}] kept");
        assert_eq!(got["examination"], "T 38.5", "[{label}]");
        assert_eq!(got["outcome"], "follow_up", "[{label}]");
        assert_eq!(got["follow_up_on"], follow_up.to_string(), "[{label}]");
        // Referrals: a destination is needed, an unknown facility is refused, and
        // the same token records once.
        let referrals = format!("{visit}/referrals");
        expect(
            label,
            &api.post_json(&referrals, r#"{"reason":"","urgency":"soon"}"#)
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "to_partner: referral_destination; reason: required; urgency: choose_option",
        );
        expect(
            label,
            &api.post_json(
                &referrals,
                &format!(
                    r#"{{"to_facility_id":"{}","reason":"surgery","urgency":"urgent"}}"#,
                    Id::new()
                ),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "to_facility_id: choose_option",
        );
        let body = format!(
            r#"{{"to_facility_id":"{}","reason":"surgical review","urgency":"urgent","once":"{}"}}"#,
            records.facility,
            Id::new()
        );
        let referred = api.post_json(&referrals, &body).await;
        expect(label, &referred, StatusCode::CREATED, "");
        let again = api.post_json(&referrals, &body).await;
        assert_eq!(again.json()["id"], referred.json()["id"], "[{label}]");
        let id = referred.json()["id"].as_str().unwrap().to_owned();
        let letter = api.get(&format!("/api/v1/clinic/referrals/{id}")).await;
        expect(label, &letter, StatusCode::OK, "");
        assert_eq!(letter.json()["urgency"], "urgent", "[{label}]");
        assert_eq!(
            letter.json()["to_facility_id"],
            records.facility.to_string(),
            "[{label}]"
        );
        let referral_ids: Vec<String> = api.get(&visit).await.json()["referrals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            referral_ids.iter().filter(|r| **r == id).count(),
            1,
            "[{label}] once"
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
                .any(|e| e.action == "referral_read" && e.entity_id == records.person.to_string()),
            "[{label}]"
        );
        expect(
            label,
            &api.get(&format!("/api/v1/clinic/referrals/{}", Id::new()))
                .await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
    }
}

#[tokio::test]
async fn the_api_transfers_a_stay_and_keeps_its_notes_vitals_and_mar() {
    for app in apps().await {
        let label = app.label;
        let records = clinic_records(&app).await;
        let actor = Actor::system();
        let name = |n: &str| haven_domain::places::PlaceName::parse(n).unwrap();
        let taken = app
            .store
            .create_bed(&actor, records.ward, &name("C2"))
            .await
            .unwrap();
        let free = app
            .store
            .create_bed(&actor, records.ward, &name("C3"))
            .await
            .unwrap();
        let neighbour = crate::routes_staff::insert_person(
            &app,
            "Other",
            "Inpatient",
            Some(&records.facility.to_string()),
        )
        .await;
        let today = time::OffsetDateTime::now_utc().date();
        app.store
            .admit(
                &actor,
                neighbour,
                taken.id,
                None,
                "observation",
                today,
                None,
            )
            .await
            .unwrap();
        let nurse = app.user("api-ward-nurse", Role::RegisteredNurse).await;
        let mut api = app.api_client(&nurse).await;
        let stay = format!("/api/v1/clinic/stays/{}", records.stay);
        let version = api.get(&stay).await.json()["version"].as_i64().unwrap();
        let board = api
            .get(&format!("/api/v1/clinic/wards/{}", records.ward))
            .await;
        expect(label, &board, StatusCode::OK, "");
        assert_eq!(board.json()["free"], 1, "[{label}] {}", board.body);
        assert_eq!(board.json()["beds"][0]["label"], "C1", "[{label}]");
        assert_eq!(
            board.json()["beds"][0]["stay_id"],
            records.stay.to_string(),
            "[{label}]"
        );
        let transfer = format!("{stay}/transfer");
        let to = |bed: &str, version: i64| format!(r#"{{"version":{version},"bed_id":"{bed}"}}"#);
        expect(
            label,
            &api.post_json(&transfer, &to(&taken.id.to_string(), version))
                .await,
            StatusCode::CONFLICT,
            "conflict.duplicate",
        );
        for bed in ["C3".to_owned(), Id::new().to_string()] {
            expect(
                label,
                &api.post_json(&transfer, &to(&bed, version)).await,
                StatusCode::UNPROCESSABLE_ENTITY,
                "bed_id: choose_option",
            );
        }
        expect(
            label,
            &api.post_json(&transfer, &to(&free.id.to_string(), version))
                .await,
            StatusCode::NO_CONTENT,
            "",
        );
        expect(
            label,
            &api.post_json(&transfer, &to(&free.id.to_string(), version))
                .await,
            StatusCode::CONFLICT,
            "conflict.stale_version",
        );
        let moved = api.get(&stay).await.json();
        assert_eq!(moved["bed_id"], free.id.to_string(), "[{label}]");
        // Progress notes, once per token.
        expect(
            label,
            &api.post_json(&format!("{stay}/notes"), r#"{"note":"  "}"#)
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "note: required",
        );
        let body = format!(r#"{{"note":"comfortable, eating","once":"{}"}}"#, Id::new());
        let first = api.post_json(&format!("{stay}/notes"), &body).await;
        expect(label, &first, StatusCode::CREATED, "");
        let second = api.post_json(&format!("{stay}/notes"), &body).await;
        assert_eq!(first.json()["id"], second.json()["id"], "[{label}]");
        // Vital signs with the same limits as at a visit.
        expect(
            label,
            &api.post_json(&format!("{stay}/vitals"), r#"{"temperature_c":60}"#)
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "temperature: outside_limits",
        );
        expect(
            label,
            &api.post_json(&format!("{stay}/vitals"), r#"{"pulse":88}"#)
                .await,
            StatusCode::CREATED,
            "",
        );
        // A prescription on the stay, and its doses on the MAR.
        let doctor = app.user("api-ward-doctor", Role::Doctor).await;
        let mut doctor = app.api_client(&doctor).await;
        let rx = doctor
            .post_json(&format!("{stay}/prescriptions"), r#"{"medicine":"paracetamol_500_tab","dose":"1 tablet","route":"oral","frequency":"qds","quantity":12}"#)
            .await;
        expect(label, &rx, StatusCode::CREATED, "");
        let rx = rx.json()["id"].as_str().unwrap().to_owned();
        let mar = format!("{stay}/administrations");
        expect(
            label,
            &api.post_json(&mar, r#"{"prescription_id":"x","status":"flying"}"#)
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "status: choose_option; prescription_id: choose_option",
        );
        // The visit's prescription is not one of the stay's.
        expect(
            label,
            &api.post_json(
                &mar,
                &format!(
                    r#"{{"prescription_id":"{}","status":"given"}}"#,
                    records.prescription
                ),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "prescription_id: choose_option",
        );
        let body = format!(
            r#"{{"prescription_id":"{rx}","status":"given","note":"with food","once":"{}"}}"#,
            Id::new()
        );
        let given = api.post_json(&mar, &body).await;
        expect(label, &given, StatusCode::CREATED, "");
        api.post_json(&mar, &body).await;
        expect(
            label,
            &doctor
                .post_json(&format!("{stay}/diagnoses"), r#"{"icd10":"B50.9"}"#)
                .await,
            StatusCode::CREATED,
            "",
        );
        expect(
            label,
            &doctor
                .post_json(&format!("{stay}/lab-orders"), r#"{"test":"hb"}"#)
                .await,
            StatusCode::CREATED,
            "",
        );
        let full = api.get(&stay).await.json();
        assert_eq!(
            full["progress_notes"].as_array().unwrap().len(),
            1,
            "[{label}]"
        );
        assert_eq!(
            full["administrations"].as_array().unwrap().len(),
            1,
            "[{label}] once"
        );
        assert_eq!(full["administrations"][0]["status"], "given", "[{label}]");
        assert_eq!(full["vitals"][0]["pulse"], 88, "[{label}]");
        assert_eq!(full["diagnoses"][0]["icd10"], "B50.9", "[{label}]");
        assert_eq!(full["lab_orders"][0]["test"], "hb", "[{label}]");
        // The ward's figures this month: three beds, two occupied.
        let wards = api
            .get(&format!(
                "/api/v1/clinic/facilities/{}/wards",
                records.facility
            ))
            .await;
        expect(label, &wards, StatusCode::OK, "");
        let ward = wards
            .json()
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["id"] == records.ward.to_string())
            .cloned()
            .unwrap_or_else(|| panic!("[{label}] {}", wards.body));
        assert_eq!(ward["beds"], 3, "[{label}]");
        assert_eq!(ward["occupied"], 2, "[{label}]");
        expect(
            label,
            &api.get(&format!(
                "/api/v1/clinic/facilities/{}/wards?month=2026-13",
                records.facility
            ))
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "month: bad_date",
        );
        // Discharged: nothing more is recorded on the stay.
        let version = full["version"].as_i64().unwrap();
        expect(
            label,
            &doctor
                .post_json(
                    &format!("{stay}/discharge"),
                    &format!(r#"{{"version":{version},"outcome":"recovered","summary":"well"}}"#),
                )
                .await,
            StatusCode::NO_CONTENT,
            "",
        );
        expect(
            label,
            &api.post_json(&format!("{stay}/notes"), r#"{"note":"late"}"#)
                .await,
            StatusCode::CONFLICT,
            "stay.discharged",
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
                .any(|e| e.action == "bed_board_read" && e.entity_id == records.ward.to_string()),
            "[{label}]"
        );
    }
}

#[tokio::test]
async fn the_new_api_routes_answer_404_out_of_reach() {
    for app in apps().await {
        let label = app.label;
        let records = clinic_records(&app).await;
        let user = app.user("api-elsewhere", Role::MeOfficer).await;
        for role in [Role::Doctor, Role::Pharmacist, Role::LaboratoryTechnician] {
            app.store
                .assign_role(
                    &Actor::system(),
                    user.id,
                    role,
                    &haven_domain::Scope::Facility(Id::new().to_string()),
                )
                .await
                .unwrap();
        }
        let mut api = app.api_client(&user).await;
        for path in [
            format!("/api/v1/clinic/referrals/{}", records.referral),
            format!("/api/v1/clinic/stock/{}", records.batch),
            format!(
                "/api/v1/clinic/facilities/{}/stock/movements",
                records.facility
            ),
            format!(
                "/api/v1/clinic/facilities/{}/stock/warnings",
                records.facility
            ),
            format!("/api/v1/clinic/facilities/{}/wards", records.facility),
            format!("/api/v1/clinic/wards/{}", records.ward),
        ] {
            expect(
                label,
                &api.get(&path).await,
                StatusCode::NOT_FOUND,
                "not_found",
            );
        }
        for (path, body) in [
            (
                format!("/api/v1/clinic/visits/{}/call-in", records.visit),
                r#"{"version":1}"#,
            ),
            (
                format!("/api/v1/clinic/visits/{}/notes", records.visit),
                r#"{"version":1,"plan":"x"}"#,
            ),
            (
                format!("/api/v1/clinic/lab-orders/{}/state", records.order),
                r#"{"version":3,"to":"verified"}"#,
            ),
            (
                format!("/api/v1/clinic/stock/{}", records.batch),
                r#"{"version":1,"kind":"issue","quantity":1}"#,
            ),
            (
                format!("/api/v1/clinic/stays/{}/notes", records.stay),
                r#"{"note":"x"}"#,
            ),
            (
                format!("/api/v1/clinic/stays/{}/transfer", records.stay),
                r#"{"version":1,"bed_id":"x"}"#,
            ),
        ] {
            expect(
                label,
                &api.post_json(&path, body).await,
                StatusCode::NOT_FOUND,
                "not_found",
            );
        }
    }
}

#[tokio::test]
async fn a_clinician_cancels_a_lab_order_until_it_has_results() {
    for app in apps().await {
        let label = app.label;
        let records = clinic_records(&app).await;
        let glucose = catalogue().test("glucose").unwrap();
        let order = app
            .store
            .order_lab_test(
                &Actor::system(),
                Encounter::Visit(records.visit),
                glucose,
                "",
                None,
            )
            .await
            .unwrap();
        let order_path = format!("/clinic/lab/{order}");
        let mut doctor = as_role(&app, "doctor", Role::Doctor, Language::Khmer).await;
        let page = doctor.get(&order_path).await;
        assert!(
            page.body.contains("id=\"cancel-form\""),
            "[{label}] {}",
            page.body
        );
        let version = page.form_field("cancel-form", "version").unwrap();
        // No reason: refused at the field, in Khmer, and the order stays.
        let refused = doctor
            .post_form(
                &format!("{order_path}/cancel"),
                &[("version", &version), ("reason", "   ")],
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
                .contains(&message(Language::Khmer, "clinic-error-required")),
            "[{label}] {}",
            refused.body
        );
        assert_eq!(doctor.get(&order_path).await.status, StatusCode::OK);
        // With a reason: back to the visit, where it no longer shows, nor on the
        // worklist; its page is gone; the audit trail keeps the cancellation.
        let cancelled = doctor
            .post_form(
                &format!("{order_path}/cancel"),
                &[("version", &version), ("reason", "ordered twice")],
            )
            .await;
        assert_eq!(cancelled.status, StatusCode::SEE_OTHER, "[{label}]");
        assert_eq!(
            cancelled.location(),
            format!("/clinic/visits/{}#lab", records.visit),
            "[{label}]"
        );
        let visit = doctor
            .get(&format!("/clinic/visits/{}", records.visit))
            .await;
        assert!(!visit.body.contains(&order.to_string()), "[{label}]");
        assert_eq!(doctor.get(&order_path).await.status, StatusCode::NOT_FOUND);
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
            !worklist.body.contains(&order.to_string()),
            "[{label}] {}",
            worklist.body
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
                .any(|e| e.action == "lab_order_cancel" && e.entity_id == order.to_string()),
            "[{label}]"
        );
        // A lab technician holds no clinical write: no cancel on her page.
        let other = app
            .store
            .order_lab_test(
                &Actor::system(),
                Encounter::Visit(records.visit),
                glucose,
                "",
                None,
            )
            .await
            .unwrap();
        let bench = labtech.get(&format!("/clinic/lab/{other}")).await;
        assert_eq!(bench.status, StatusCode::OK, "[{label}]");
        assert!(!bench.body.contains("id=\"cancel-form\""), "[{label}]");

        // The API: a reason is required, a stale version is refused, and an order
        // with results cannot be cancelled.
        let user = app.user("api-canceller", Role::Doctor).await;
        let mut api = app.api_client(&user).await;
        let path = format!("/api/v1/clinic/lab-orders/{other}/cancel");
        expect(
            label,
            &api.post_json(&path, r#"{"version":1,"reason":""}"#).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "reason: required",
        );
        expect(
            label,
            &api.post_json(&path, r#"{"version":7,"reason":"not needed"}"#)
                .await,
            StatusCode::CONFLICT,
            "conflict",
        );
        expect(
            label,
            &api.post_json(&path, r#"{"version":1,"reason":"not needed"}"#)
                .await,
            StatusCode::NO_CONTENT,
            "",
        );
        expect(
            label,
            &api.get(&format!("/api/v1/clinic/lab-orders/{other}")).await,
            StatusCode::NOT_FOUND,
            "",
        );
        // The fixture's haemoglobin has results: they stand.
        let resulted = app
            .store
            .lab_orders_of(
                &haven_store::clinic::Viewer::everything(),
                Encounter::Visit(records.visit),
            )
            .await
            .unwrap()
            .into_iter()
            .find(|o| o.state().has_results())
            .expect("the fixture's resulted order");
        {
            expect(
                label,
                &api.post_json(
                    &format!("/api/v1/clinic/lab-orders/{}/cancel", resulted.id),
                    &format!(r#"{{"version":{},"reason":"x"}}"#, resulted.version),
                )
                .await,
                StatusCode::CONFLICT,
                "lab_order.has_results",
            );
        }
    }
}

#[tokio::test]
async fn a_diagnosis_picked_wrongly_is_marked_entered_in_error() {
    for app in apps().await {
        let label = app.label;
        let records = clinic_records(&app).await;
        let diagnosis = app
            .store
            .add_diagnosis(
                &Actor::system(),
                Encounter::Visit(records.visit),
                &haven_domain::clinic::DiagnosisDetails::parse("A09", "", "wrong code")
                    .expect("a diagnosis"),
                None,
            )
            .await
            .expect("diagnosed");
        let visit_path = format!("/clinic/visits/{}", records.visit);
        let error_path = format!("/clinic/diagnoses/{diagnosis}/error");
        let mut doctor = as_role(&app, "doctor", Role::Doctor, Language::English).await;
        let visit = doctor.get(&visit_path).await;
        assert!(
            visit.body.contains(&error_path) && visit.text().contains("wrong code"),
            "[{label}] {}",
            visit.body
        );
        let marked = doctor.post_form(&error_path, &[("version", "1")]).await;
        assert_eq!(marked.status, StatusCode::SEE_OTHER, "[{label}]");
        assert_eq!(marked.location(), format!("{visit_path}#diagnoses"));
        // A double click goes back too, and the diagnosis is gone from the visit and
        // the chart.
        let again = doctor.post_form(&error_path, &[("version", "1")]).await;
        assert_eq!(again.status, StatusCode::SEE_OTHER, "[{label}]");
        assert!(!doctor.get(&visit_path).await.text().contains("wrong code"));
        let chart = doctor
            .get(&format!("/people/{}/chart", records.person))
            .await;
        assert!(!chart.text().contains("wrong code"), "[{label}]");
        // A reader without clinical write gets no button and is refused.
        let mut labtech = as_role(
            &app,
            "labtech",
            Role::LaboratoryTechnician,
            Language::English,
        )
        .await;
        assert_eq!(
            labtech
                .post_form(&error_path, &[("version", "2")])
                .await
                .status,
            StatusCode::FORBIDDEN,
            "[{label}]"
        );
        // The API does the same, with 409 once it is marked.
        let other = app
            .store
            .add_diagnosis(
                &Actor::system(),
                Encounter::Visit(records.visit),
                &haven_domain::clinic::DiagnosisDetails::parse("A09", "", "").expect("a diagnosis"),
                None,
            )
            .await
            .expect("diagnosed");
        let user = app.user("api-diagnostician", Role::Doctor).await;
        let mut api = app.api_client(&user).await;
        let path = format!("/api/v1/clinic/diagnoses/{other}/entered-in-error");
        expect(
            label,
            &api.post_json(&path, r#"{"version":1}"#).await,
            StatusCode::NO_CONTENT,
            "",
        );
        expect(
            label,
            &api.post_json(&path, r#"{"version":1}"#).await,
            StatusCode::CONFLICT,
            "conflict",
        );
        let events = app
            .store
            .list_audit_events(&AuditFilter {
                limit: 500,
                ..AuditFilter::default()
            })
            .await
            .unwrap();
        for id in [diagnosis, other] {
            assert!(
                events
                    .iter()
                    .any(|e| e.action == "diagnosis_entered_in_error"
                        && e.entity_id == id.to_string()),
                "[{label}]"
            );
        }
    }
}
