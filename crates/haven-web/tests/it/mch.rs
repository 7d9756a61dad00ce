//! Tests of the pages and API of mother and child health: registering a pregnancy
//! (an LMP in the future refused, input kept, in both languages), a contact with a
//! danger sign made urgent, HIV results hidden from those without the permission,
//! a birth before registration refused and a birth registering the baby linked to
//! the mother, a dose before the minimum age warned and recorded as not valid, a
//! session from the due list, out-of-reach records answering 404, and every
//! translation key of the part's coded values in both languages.

use axum::http::StatusCode;
use haven_domain::{Language, Role, Scope};
use haven_store::{Actor, Id};
use time::Duration;

use crate::routes_staff::insert_person;
use crate::support::{apps, message, App, Browser};

fn today() -> time::Date {
    // The test router uses UTC (WebConfig::default).
    time::OffsetDateTime::now_utc().date()
}

async fn facility(app: &App) -> Id {
    let (_, facility, _, _) = crate::routes_places::place_records(app).await;
    facility.parse().expect("an id")
}

async fn as_role<'a>(app: &'a App, name: &str, role: Role, language: Language) -> Browser<'a> {
    let user = app.user(name, role).await;
    app.store
        .set_user_language(&Actor::system(), user.id, user.version, language)
        .await
        .expect("setting the language");
    let user = app.store.user(user.id).await.expect("the user");
    let mut browser = app.session_for(&user).await;
    browser.get("/mch").await;
    browser
}

async fn register(midwife: &mut Browser<'_>, woman: Id, facility: Id, lmp: &str) -> String {
    let answer = midwife
        .post_form(
            "/mch/pregnancies/new",
            &[
                ("person", &woman.to_string()),
                ("facility", &facility.to_string()),
                ("registered_on", &(today() - Duration::days(30)).to_string()),
                ("lmp", lmp),
                ("gravida", "2"),
                ("para", "1"),
                ("risk_factors", "previous_caesarean"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    answer.location().to_owned()
}

#[tokio::test]
async fn an_antenatal_day_registers_dates_and_makes_a_danger_sign_urgent() {
    for app in apps().await {
        let clinic = facility(&app).await;
        let woman = insert_person(&app, "Sok", "Dara", Some(&clinic.to_string())).await;
        for language in [Language::English, Language::Khmer] {
            let mut midwife = as_role(
                &app,
                &format!("midwife-{}", language.code()),
                Role::Midwife,
                language,
            )
            .await;
            // An LMP in the future comes back with the message and what was typed.
            let future = (today() + Duration::days(3)).to_string();
            let refused = midwife
                .post_form(
                    "/mch/pregnancies/new",
                    &[
                        ("person", &woman.to_string()),
                        ("facility", &clinic.to_string()),
                        ("registered_on", &today().to_string()),
                        ("lmp", &future),
                        ("gravida", "2"),
                        ("notes", "came with her sister"),
                    ],
                )
                .await;
            assert_eq!(
                refused.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "[{}]",
                app.label
            );
            assert!(
                refused
                    .text()
                    .contains(&message(language, "mch-error-lmp-in-future")),
                "[{}] {}",
                app.label,
                refused.body
            );
            assert_eq!(
                refused.form_field("new-pregnancy", "lmp").as_deref(),
                Some(future.as_str()),
                "[{}]",
                app.label
            );
            assert!(
                refused.body.contains("came with her sister"),
                "[{}]",
                app.label
            );
        }
        let mut midwife = as_role(&app, "midwife", Role::Midwife, Language::English).await;
        let lmp = (today() - Duration::weeks(19) - Duration::days(2)).to_string();
        let pregnancy = register(&mut midwife, woman, clinic, &lmp).await;
        let page = midwife.get(&pregnancy).await;
        assert_eq!(page.status, StatusCode::OK, "[{}]", app.label);
        // On paper it is an antenatal card: a title of its own, the forms left off.
        assert!(
            page.body.contains(&format!(
                "id=\"print-title\">{}",
                message(Language::English, "mch-antenatal-card")
            )) && page
                .body
                .contains("<section id=\"new-contact\" class=\"no-print\">")
                && page
                    .body
                    .contains("<section id=\"in-error\" class=\"no-print\">"),
            "[{}] {}",
            app.label,
            page.body
        );
        assert!(
            page.body.contains("id=\"ga-today\">19+2"),
            "[{}] {}",
            app.label,
            page.body
        );
        // No contact yet: the first (12 weeks) is overdue on the worklist.
        let worklist = midwife.get(&format!("/mch/anc?facility={clinic}")).await;
        let overdue = worklist
            .body
            .split("id=\"overdue\"")
            .nth(1)
            .unwrap_or("")
            .split("</section>")
            .next()
            .unwrap_or("")
            .to_owned();
        assert!(
            overdue.contains("Sok Dara"),
            "[{}] {}",
            app.label,
            worklist.body
        );
        // A contact with a danger sign is urgent: refer now.
        let contact = midwife
            .post_form(
                &format!("{pregnancy}/contacts"),
                &[
                    ("contact_on", &today().to_string()),
                    ("blood_pressure", "150/100"),
                    ("danger_signs", "severe_headache"),
                    ("danger_signs", "blurred_vision"),
                    ("hiv", "negative"),
                    ("syphilis", "positive"),
                    ("iron_folic_acid", "1"),
                ],
            )
            .await;
        assert_eq!(
            contact.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            contact.body
        );
        assert!(contact.location().contains("urgent=1"), "[{}]", app.label);
        let page = midwife.get(contact.location()).await;
        assert!(page.body.contains("id=\"urgent-alert\""), "[{}]", app.label);
        assert!(
            page.text()
                .contains(&message(Language::English, "dangersign-severe-headache")),
            "[{}]",
            app.label
        );
        assert!(
            page.text().contains(&message(Language::English, "mch-hiv")),
            "[{}] the midwife sees HIV",
            app.label
        );
        assert!(
            page.text()
                .contains(&message(Language::English, "mch-syphilis")),
            "[{}] the midwife sees syphilis",
            app.label
        );
        let worklist = midwife.get(&format!("/mch/anc?facility={clinic}")).await;
        let urgent = worklist
            .body
            .split("id=\"urgent\"")
            .nth(1)
            .unwrap_or("")
            .split("</section>")
            .next()
            .unwrap_or("")
            .to_owned();
        assert!(
            urgent.contains("Sok Dara"),
            "[{}] {}",
            app.label,
            worklist.body
        );
        // A bad blood pressure keeps the ticked danger signs.
        let bad = midwife
            .post_form(
                &format!("{pregnancy}/contacts"),
                &[
                    ("contact_on", &today().to_string()),
                    ("blood_pressure", "80/120"),
                    ("danger_signs", "fever"),
                ],
            )
            .await;
        assert_eq!(
            bad.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}]",
            app.label
        );
        assert!(
            bad.body.contains("value=\"fever\" checked"),
            "[{}]",
            app.label
        );

        // A nurse sees the contact but not the HIV result, on the page or the API.
        let nurse_user = app.user("nurse", Role::RegisteredNurse).await;
        let mut nurse = app.session_for(&nurse_user).await;
        let seen = nurse.get(&pregnancy).await;
        assert_eq!(seen.status, StatusCode::OK, "[{}]", app.label);
        assert!(
            !seen.text().contains(&message(Language::English, "mch-hiv")),
            "[{}] HIV shown to a nurse",
            app.label
        );
        assert!(
            !seen
                .text()
                .contains(&message(Language::English, "mch-syphilis"))
                && !seen.body.contains("name=\"syphilis\""),
            "[{}] syphilis shown to a nurse",
            app.label
        );
        let id = pregnancy.trim_start_matches("/mch/pregnancies/");
        let mut api = app.api_client(&nurse_user).await;
        let json = api.get(&format!("/api/v1/mch/pregnancies/{id}")).await;
        assert_eq!(json.status, StatusCode::OK, "[{}] {}", app.label, json.body);
        assert!(
            !json.body.contains("\"hiv\"") && !json.body.contains("syphilis"),
            "[{}] {}",
            app.label,
            json.body
        );
        assert!(json.body.contains("\"urgent\":true"), "[{}]", app.label);
        let refused = api
            .post_json(
                &format!("/api/v1/mch/pregnancies/{id}/contacts"),
                &format!(r#"{{"contact_on":"{}","hiv":"positive"}}"#, today()),
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "[{}] a nurse may not write HIV",
            app.label
        );
        let refused = api
            .post_json(
                &format!("/api/v1/mch/pregnancies/{id}/contacts"),
                &format!(r#"{{"contact_on":"{}","syphilis":"negative"}}"#, today()),
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "[{}] a nurse may not write syphilis",
            app.label
        );
        let midwife_user = app
            .store
            .user_by_username("midwife")
            .await
            .expect("the midwife");
        let mut api = app.api_client(&midwife_user).await;
        let json = api.get(&format!("/api/v1/mch/pregnancies/{id}")).await;
        assert!(
            json.body.contains("\"hiv\":\"negative\"")
                && json.body.contains("\"syphilis\":\"positive\""),
            "[{}] {}",
            app.label,
            json.body
        );
    }
}

#[tokio::test]
async fn a_birth_registers_the_baby_linked_to_the_mother() {
    for app in apps().await {
        let clinic = facility(&app).await;
        let woman = insert_person(&app, "Chan", "Thida", Some(&clinic.to_string())).await;
        let mut midwife = as_role(&app, "midwife", Role::Midwife, Language::English).await;
        let lmp = (today() - Duration::weeks(39)).to_string();
        let pregnancy = register(&mut midwife, woman, clinic, &lmp).await;
        let form = midwife.get(&format!("{pregnancy}/delivery")).await;
        assert_eq!(form.status, StatusCode::OK, "[{}]", app.label);
        let version = form
            .form_field("delivery-form", "version")
            .expect("the version");
        let fields = |on: String| -> Vec<(&'static str, String)> {
            vec![
                ("version", version.clone()),
                ("delivered_on", on),
                ("delivered_time", "03:40".to_owned()),
                ("place", "facility".to_owned()),
                ("attendant", "midwife".to_owned()),
                ("mode", "vaginal".to_owned()),
                ("mother_outcome", "well".to_owned()),
                ("baby1_outcome", "live_birth".to_owned()),
                ("baby1_sex", "female".to_owned()),
                ("baby1_weight_g", "2300".to_owned()),
                ("baby1_given_name_latin", "Srey".to_owned()),
            ]
        };
        // Before the pregnancy was registered: refused, nothing lost.
        let early = fields((today() - Duration::days(40)).to_string());
        let early: Vec<(&str, &str)> = early.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = midwife
            .post_form(&format!("{pregnancy}/delivery"), &early)
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}]",
            app.label
        );
        assert!(
            refused
                .text()
                .contains(&message(Language::English, "mch-error-before-registration")),
            "[{}]",
            app.label
        );
        assert_eq!(
            refused
                .form_field("delivery-form", "baby1_given_name_latin")
                .as_deref(),
            Some("Srey"),
            "[{}]",
            app.label
        );
        let good = fields(today().to_string());
        let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let recorded = midwife
            .post_form(&format!("{pregnancy}/delivery"), &good)
            .await;
        assert_eq!(
            recorded.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            recorded.body
        );
        let page = midwife.get(recorded.location()).await;
        assert!(
            page.text()
                .contains(&message(Language::English, "mch-low-birth-weight")),
            "[{}]",
            app.label
        );
        let baby = page
            .body
            .split("href=\"/people/")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .map(str::to_owned);
        let baby = baby
            .filter(|b| *b != woman.to_string())
            .expect("a link to the baby");
        let baby_page = midwife.get(&format!("/people/{baby}")).await;
        assert_eq!(baby_page.status, StatusCode::OK, "[{}]", app.label);
        assert!(
            baby_page.text().contains("Chan Srey"),
            "[{}] {}",
            app.label,
            baby_page.body
        );
        assert!(
            baby_page.text().contains("Chan Thida"),
            "[{}] the mother is linked",
            app.label
        );
        assert!(
            baby_page.body.contains("id=\"mch-summary\""),
            "[{}]",
            app.label
        );
        // A second delivery of the same pregnancy is a conflict.
        let again = midwife
            .post_form(&format!("{pregnancy}/delivery"), &good)
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "[{}]", app.label);
        // The postnatal list shows mother and baby due for the first contact.
        let list = midwife.get(&format!("/mch/pnc?facility={clinic}")).await;
        let due = list
            .body
            .split("id=\"due\"")
            .nth(1)
            .unwrap_or("")
            .to_owned();
        assert!(
            due.contains("Chan Thida") && due.contains("Chan Srey"),
            "[{}] {}",
            app.label,
            list.body
        );
        // The API's postnatal list says the same.
        let midwife_user = app
            .store
            .user_by_username("midwife")
            .await
            .expect("the midwife");
        let mut api = app.api_client(&midwife_user).await;
        let json = api
            .get(&format!("/api/v1/mch/pnc-due?facility={clinic}"))
            .await;
        assert_eq!(json.status, StatusCode::OK, "[{}] {}", app.label, json.body);
        let answer: serde_json::Value = serde_json::from_str(&json.body).expect("json");
        let due: Vec<(&str, &str)> = answer["due"]
            .as_array()
            .expect("due")
            .iter()
            .map(|r| {
                (
                    r["role"].as_str().unwrap_or(""),
                    r["name"].as_str().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(
            due,
            vec![("mother", "Chan Thida"), ("baby", "Chan Srey")],
            "[{}] {}",
            app.label,
            json.body
        );
        // A postnatal contact marked in error (by the page) leaves the delivery page
        // and the list shows the mother due again.
        let delivery_path = recorded
            .location()
            .split('#')
            .next()
            .unwrap_or("")
            .to_owned();
        let contact = midwife
            .post_form(
                &format!("{delivery_path}/pnc"),
                &[
                    ("person", &woman.to_string()),
                    ("contact_on", &today().to_string()),
                ],
            )
            .await;
        assert_eq!(
            contact.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            contact.body
        );
        let page = midwife.get(&delivery_path).await;
        let contact_id = page
            .body
            .split("action=\"/mch/pnc-contacts/")
            .nth(1)
            .and_then(|s| s.split('/').next())
            .expect("an in-error form for the contact")
            .to_owned();
        let no_reason = midwife
            .post_form(
                &format!("/mch/pnc-contacts/{contact_id}/error"),
                &[("version", "1"), ("reason", " ")],
            )
            .await;
        assert_eq!(
            no_reason.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}]",
            app.label
        );
        assert!(
            no_reason
                .text()
                .contains(&message(Language::English, "mch-error-reason-required")),
            "[{}]",
            app.label
        );
        let marked = midwife
            .post_form(
                &format!("/mch/pnc-contacts/{contact_id}/error"),
                &[("version", "1"), ("reason", "wrong baby")],
            )
            .await;
        assert_eq!(
            marked.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            marked.body
        );
        let page = midwife.get(&delivery_path).await;
        assert!(!page.body.contains(&contact_id), "[{}]", app.label);
        let stale = api
            .post_json(
                &format!("/api/v1/mch/pnc-contacts/{contact_id}/error"),
                r#"{"version":1,"reason":"again"}"#,
            )
            .await;
        assert_eq!(
            stale.status,
            StatusCode::NOT_FOUND,
            "[{}] already marked",
            app.label
        );
        // Family planning: a visit marked in error through the API leaves the card.
        let visit = midwife
            .post_form(
                &format!("/mch/family-planning/{woman}"),
                &[
                    ("facility", &clinic.to_string()),
                    ("visit_on", &today().to_string()),
                    ("method", "lam"),
                    ("counselled", "1"),
                ],
            )
            .await;
        assert_eq!(
            visit.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            visit.body
        );
        let visits = api
            .get(&format!("/api/v1/mch/family-planning/{woman}"))
            .await;
        let visits: serde_json::Value = serde_json::from_str(&visits.body).expect("json");
        let visit_id = visits[0]["id"].as_str().expect("a visit").to_owned();
        let stale = api
            .post_json(
                &format!("/api/v1/mch/fp-visits/{visit_id}/error"),
                r#"{"version":7,"reason":"wrong client"}"#,
            )
            .await;
        assert_eq!(
            stale.status,
            StatusCode::CONFLICT,
            "[{}] {}",
            app.label,
            stale.body
        );
        let no_reason = api
            .post_json(
                &format!("/api/v1/mch/fp-visits/{visit_id}/error"),
                r#"{"version":1,"reason":""}"#,
            )
            .await;
        assert_eq!(
            no_reason.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}]",
            app.label
        );
        assert!(
            no_reason.body.contains("reason: mch-error-reason-required"),
            "[{}] {}",
            app.label,
            no_reason.body
        );
        let marked = api
            .post_json(
                &format!("/api/v1/mch/fp-visits/{visit_id}/error"),
                r#"{"version":1,"reason":"wrong client"}"#,
            )
            .await;
        assert_eq!(
            marked.status,
            StatusCode::NO_CONTENT,
            "[{}] {}",
            app.label,
            marked.body
        );
        let visits = api
            .get(&format!("/api/v1/mch/family-planning/{woman}"))
            .await;
        assert_eq!(visits.body.trim(), "[]", "[{}]", app.label);
    }
}

#[tokio::test]
async fn a_pregnancy_is_corrected_by_its_version_and_ended_off_the_worklist() {
    for app in apps().await {
        let clinic = facility(&app).await;
        let woman = insert_person(&app, "Meas", "Sophea", Some(&clinic.to_string())).await;
        let mut midwife = as_role(&app, "midwife", Role::Midwife, Language::English).await;
        let lmp = today() - Duration::weeks(20);
        let pregnancy = register(&mut midwife, woman, clinic, &lmp.to_string()).await;
        let id = pregnancy.trim_start_matches("/mch/pregnancies/").to_owned();
        let contact = midwife
            .post_form(
                &format!("{pregnancy}/contacts"),
                &[("contact_on", &today().to_string())],
            )
            .await;
        assert_eq!(
            contact.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            contact.body
        );
        // The correction form starts from what is stored.
        let form = midwife.get(&format!("{pregnancy}/correct")).await;
        assert_eq!(form.status, StatusCode::OK, "[{}] {}", app.label, form.body);
        assert_eq!(
            form.form_field("correct-pregnancy", "lmp").as_deref(),
            Some(lmp.to_string().as_str()),
            "[{}]",
            app.label
        );
        let version = form
            .form_field("correct-pregnancy", "version")
            .expect("the version");
        // A bad gravida comes back with the message and what was typed.
        let earlier = (lmp - Duration::weeks(2)).to_string();
        let registered = (today() - Duration::days(30)).to_string();
        let bad = midwife
            .post_form(
                &format!("{pregnancy}/correct"),
                &[
                    ("version", &version),
                    ("registered_on", &registered),
                    ("lmp", &earlier),
                    ("gravida", "0"),
                    ("para", "0"),
                ],
            )
            .await;
        assert_eq!(
            bad.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}]",
            app.label
        );
        assert!(
            bad.text()
                .contains(&message(Language::English, "mch-error-bad-gravida")),
            "[{}]",
            app.label
        );
        assert_eq!(
            bad.form_field("correct-pregnancy", "lmp").as_deref(),
            Some(earlier.as_str()),
            "[{}]",
            app.label
        );
        let good = [
            ("version", version.as_str()),
            ("registered_on", registered.as_str()),
            ("lmp", earlier.as_str()),
            ("gravida", "3"),
            ("para", "1"),
            ("risk_factors", "anaemia"),
        ];
        let saved = midwife
            .post_form(&format!("{pregnancy}/correct"), &good)
            .await;
        assert_eq!(
            saved.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            saved.body
        );
        let page = midwife.get(&pregnancy).await;
        let edd = (lmp - Duration::weeks(2) + Duration::days(280)).to_string();
        assert!(
            page.body.contains(&format!("id=\"edd\">{edd}")) && page.body.contains("G3 P1"),
            "[{}] {}",
            app.label,
            page.body
        );
        // The same version again is stale: the conflict page, nothing changed.
        let stale = midwife
            .post_form(&format!("{pregnancy}/correct"), &good)
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "[{}]", app.label);
        let midwife_user = app
            .store
            .user_by_username("midwife")
            .await
            .expect("the midwife");
        let mut api = app.api_client(&midwife_user).await;
        let stale = api
            .put_json(
                &format!("/api/v1/mch/pregnancies/{id}"),
                &format!(
                    r#"{{"version":{version},"registered_on":"{registered}","lmp":"{earlier}","gravida":"2"}}"#
                ),
            )
            .await;
        assert_eq!(
            stale.status,
            StatusCode::CONFLICT,
            "[{}] {}",
            app.label,
            stale.body
        );
        // The contact was typed on the wrong pregnancy: marked in error, it leaves
        // the timeline and the API.
        let contact_id = page
            .body
            .split("action=\"/mch/anc-contacts/")
            .nth(1)
            .and_then(|s| s.split('/').next())
            .expect("an in-error form for the contact")
            .to_owned();
        let marked = midwife
            .post_form(
                &format!("/mch/anc-contacts/{contact_id}/error"),
                &[("version", "1"), ("reason", "wrong woman")],
            )
            .await;
        assert_eq!(
            marked.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            marked.body
        );
        let json = api.get(&format!("/api/v1/mch/pregnancies/{id}")).await;
        assert!(
            json.body.contains("\"contacts\":[]"),
            "[{}] {}",
            app.label,
            json.body
        );
        // On the API worklist she is overdue (22 weeks, no contact left).
        let worklist = api
            .get(&format!("/api/v1/mch/anc-worklist?facility={clinic}"))
            .await;
        assert_eq!(
            worklist.status,
            StatusCode::OK,
            "[{}] {}",
            app.label,
            worklist.body
        );
        let answer: serde_json::Value = serde_json::from_str(&worklist.body).expect("json");
        assert!(
            answer["overdue"]
                .as_array()
                .expect("overdue")
                .iter()
                .any(|p| p["id"] == id.as_str()),
            "[{}] {}",
            app.label,
            worklist.body
        );
        // Ended without a delivery (a miscarriage): off the worklists.
        let form = midwife.get(&format!("{pregnancy}/correct")).await;
        let version = form
            .form_field("end-pregnancy", "version")
            .expect("the version");
        let no_reason = midwife
            .post_form(
                &format!("{pregnancy}/end"),
                &[
                    ("version", &version),
                    ("ended_on", &today().to_string()),
                    ("notes", "came with bleeding"),
                ],
            )
            .await;
        assert_eq!(
            no_reason.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}]",
            app.label
        );
        assert!(
            no_reason.body.contains("came with bleeding")
                && no_reason
                    .text()
                    .contains(&message(Language::English, "mch-error-reason-required")),
            "[{}]",
            app.label
        );
        let ended = midwife
            .post_form(
                &format!("{pregnancy}/end"),
                &[
                    ("version", &version),
                    ("ended_on", &today().to_string()),
                    ("reason", "miscarriage"),
                ],
            )
            .await;
        assert_eq!(
            ended.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            ended.body
        );
        let page = midwife.get(&pregnancy).await;
        assert!(
            page.text()
                .contains(&message(Language::English, "pregnancyend-miscarriage"))
                && !page.body.contains("id=\"contact-form\""),
            "[{}]",
            app.label
        );
        let worklist = midwife.get(&format!("/mch/anc?facility={clinic}")).await;
        assert!(!worklist.text().contains("Meas Sophea"), "[{}]", app.label);
        let delivery = midwife.get(&format!("{pregnancy}/delivery")).await;
        assert_eq!(
            delivery.status,
            StatusCode::CONFLICT,
            "[{}] no birth of an ended pregnancy",
            app.label
        );
        let worklist = api
            .get(&format!("/api/v1/mch/anc-worklist?facility={clinic}"))
            .await;
        assert!(!worklist.body.contains(&id), "[{}]", app.label);
        let again = api
            .post_json(
                &format!("/api/v1/mch/pregnancies/{id}/end"),
                &format!(
                    r#"{{"version":{version},"ended_on":"{}","reason":"ectopic"}}"#,
                    today()
                ),
            )
            .await;
        assert_eq!(
            again.status,
            StatusCode::CONFLICT,
            "[{}] {}",
            app.label,
            again.body
        );
        let json = api.get(&format!("/api/v1/mch/pregnancies/{id}")).await;
        assert!(
            json.body.contains("\"end_reason\":\"miscarriage\""),
            "[{}] {}",
            app.label,
            json.body
        );
    }
}

#[tokio::test]
async fn coverage_is_read_by_m_and_e_without_names() {
    for app in apps().await {
        let clinic = facility(&app).await;
        let me_user = app.user("meofficer", Role::MeOfficer).await;
        let mut me = app.session_for(&me_user).await;
        let page = me.get(&format!("/mch/coverage?facility={clinic}")).await;
        assert_eq!(page.status, StatusCode::OK, "[{}] {}", app.label, page.body);
        assert!(page.body.contains("id=\"coverage\""), "[{}]", app.label);
        // Nothing with names: the worklists stay closed to M&E.
        assert!(!page.body.contains("href=\"/mch/anc"), "[{}]", app.label);
        for path in ["/mch/anc", "/mch/sessions", "/mch/pnc"] {
            let refused = me.get(&format!("{path}?facility={clinic}")).await;
            assert_eq!(
                refused.status,
                StatusCode::FORBIDDEN,
                "[{}] {path}",
                app.label
            );
        }
        let mut api = app.api_client(&me_user).await;
        let year = today().year() - 1;
        let json = api
            .get(&format!(
                "/api/v1/mch/coverage?facility={clinic}&year={year}"
            ))
            .await;
        assert_eq!(json.status, StatusCode::OK, "[{}] {}", app.label, json.body);
        let refused = api
            .get(&format!("/api/v1/mch/immunisation-due?facility={clinic}"))
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "[{}]", app.label);
        // An M&E officer of another facility does not reach this one.
        let other = facility(&app).await;
        let elsewhere = app.user("me-elsewhere", Role::MeOfficer).await;
        for role in app
            .store
            .role_assignments(elsewhere.id)
            .await
            .expect("roles")
        {
            app.store
                .revoke_role(&Actor::system(), role.id, role.version)
                .await
                .expect("revoke");
        }
        app.store
            .assign_role(
                &Actor::system(),
                elsewhere.id,
                Role::MeOfficer,
                &Scope::Facility(other.to_string()),
            )
            .await
            .expect("a facility role");
        let mut api = app.api_client(&elsewhere).await;
        let json = api
            .get(&format!(
                "/api/v1/mch/coverage?facility={clinic}&year={year}"
            ))
            .await;
        assert_eq!(
            json.status,
            StatusCode::NOT_FOUND,
            "[{}] {}",
            app.label,
            json.body
        );
        let json = api
            .get(&format!(
                "/api/v1/mch/coverage?facility={other}&year={year}"
            ))
            .await;
        assert_eq!(json.status, StatusCode::OK, "[{}] {}", app.label, json.body);
        let mut page = app.session_for(&elsewhere).await;
        let answer = page.get(&format!("/mch/coverage?facility={clinic}")).await;
        assert!(
            answer.body.contains(&format!("value=\"{other}\" selected")),
            "[{}] the page falls back to the facility in reach",
            app.label
        );
    }
}

#[tokio::test]
async fn a_dose_before_the_minimum_age_is_warned_and_does_not_count() {
    for app in apps().await {
        let clinic = facility(&app).await;
        let born = today() - Duration::weeks(5);
        let child = Id::new();
        app.test_store
            .execute_raw(&format!(
                "INSERT INTO person (id, site_id, family_name_latin, given_name_latin, sex, birth_date,
                     birth_date_precision, registered_facility_id, created_at, created_by, updated_at,
                     updated_by, version)
                 VALUES ('{child}', '{child}', 'Keo', 'Bopha', 'female', '{born}', 'exact', '{clinic}',
                     '2026-01-01T00:00:00.000000Z', '{child}', '2026-01-01T00:00:00.000000Z', '{child}', 1)"
            ))
            .await
            .expect("a child");
        let mut nurse = as_role(&app, "nurse", Role::RegisteredNurse, Language::Khmer).await;
        let card = format!("/mch/immunisation/{child}");
        let fields = [
            ("antigen", "penta"),
            ("given_on", &today().to_string() as &str),
            ("lot", "P-1"),
            ("given_by", "Nurse Sokha"),
            ("facility", &clinic.to_string() as &str),
        ];
        let warned = nurse.post_form(&card, &fields).await;
        assert_eq!(
            warned.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}] {}",
            app.label,
            warned.body
        );
        assert!(
            warned.body.contains("id=\"dose-warning\""),
            "[{}]",
            app.label
        );
        assert!(
            warned
                .text()
                .contains(&message(Language::Khmer, "mch-dose-too-young")),
            "[{}]",
            app.label
        );
        assert_eq!(
            warned.form_field("dose-form", "lot").as_deref(),
            Some("P-1"),
            "[{}]",
            app.label
        );
        assert!(
            app.store.doses_of(child).await.expect("doses").is_empty(),
            "[{}] nothing yet",
            app.label
        );
        let mut confirmed = fields.to_vec();
        confirmed.push(("confirm", "1"));
        let recorded = nurse.post_form(&card, &confirmed).await;
        assert_eq!(
            recorded.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            recorded.body
        );
        let page = nurse.get(recorded.location()).await;
        assert!(
            page.body.contains("class=\"invalid\""),
            "[{}] shown as not valid",
            app.label
        );
        // BCG and hepatitis B are due: the session list offers them; recording it
        // writes both doses at once.
        let session = nurse.get(&format!("/mch/sessions?facility={clinic}")).await;
        assert!(
            session.body.contains(&format!("value=\"{child}:bcg\"")),
            "[{}] {}",
            app.label,
            session.body
        );
        let bcg = format!("{child}:bcg");
        let recorded = nurse
            .post_form(
                "/mch/sessions",
                &[
                    ("facility", &clinic.to_string()),
                    ("date", &today().to_string()),
                    ("dose", &bcg),
                    ("lot_bcg", "B-9"),
                ],
            )
            .await;
        assert_eq!(
            recorded.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            recorded.body
        );
        assert!(
            recorded.location().contains("recorded=1"),
            "[{}]",
            app.label
        );
        let doses = app.store.doses_of(child).await.expect("doses");
        assert_eq!(doses.len(), 2, "[{}]", app.label);
        assert!(
            doses
                .iter()
                .any(|d| d.antigen == "bcg" && d.lot == "B-9" && d.cvx == "19"),
            "[{}]",
            app.label
        );
        // The API shows the same verdicts.
        let nurse_user = app
            .store
            .user_by_username("nurse")
            .await
            .expect("the nurse");
        let mut api = app.api_client(&nurse_user).await;
        let json = api.get(&format!("/api/v1/mch/immunisation/{child}")).await;
        assert!(
            json.body.contains("\"validity\":\"too_young\""),
            "[{}] {}",
            app.label,
            json.body
        );
        assert!(
            json.body.contains("\"validity\":\"valid\""),
            "[{}]",
            app.label
        );
        let bad = api
            .post_json(
                &format!("/api/v1/mch/immunisation/{child}/doses"),
                r#"{"antigen":"flu","given_on":"2999-01-01","facility_id":""}"#,
            )
            .await;
        assert_eq!(
            bad.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}]",
            app.label
        );
        assert!(
            bad.body.contains("antigen: mch-error-vaccine-required"),
            "[{}] {}",
            app.label,
            bad.body
        );
    }
}

#[tokio::test]
async fn records_out_of_reach_answer_not_found() {
    for app in apps().await {
        let clinic = facility(&app).await;
        let other = facility(&app).await;
        let woman = insert_person(&app, "Sok", "Dara", Some(&clinic.to_string())).await;
        let mut midwife = as_role(&app, "midwife", Role::Midwife, Language::English).await;
        let lmp = (today() - Duration::weeks(10)).to_string();
        let pregnancy = register(&mut midwife, woman, clinic, &lmp).await;
        let elsewhere = app.user("elsewhere", Role::Midwife).await;
        let all = app
            .store
            .role_assignments(elsewhere.id)
            .await
            .expect("roles");
        for role in all {
            app.store
                .revoke_role(&Actor::system(), role.id, role.version)
                .await
                .expect("revoke");
        }
        app.store
            .assign_role(
                &Actor::system(),
                elsewhere.id,
                Role::Midwife,
                &Scope::Facility(other.to_string()),
            )
            .await
            .expect("a facility role");
        let mut stranger = app.session_for(&elsewhere).await;
        for path in [
            pregnancy.clone(),
            format!("/mch/immunisation/{woman}"),
            format!("/mch/family-planning/{woman}"),
        ] {
            let answer = stranger.get(&path).await;
            assert_eq!(
                answer.status,
                StatusCode::NOT_FOUND,
                "[{}] {path}",
                app.label
            );
        }
        let list = stranger.get(&format!("/mch/anc?facility={clinic}")).await;
        assert!(
            !list.text().contains("Sok Dara"),
            "[{}] a list out of reach",
            app.label
        );
        let mut api = app.api_client(&elsewhere).await;
        let answer = api
            .get(&format!("/api/v1/mch/pregnancies?facility={clinic}"))
            .await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "[{}]", app.label);
    }
}

#[test]
fn every_coded_value_and_error_of_the_part_is_translated_in_both_languages() {
    use haven_domain::mch::birth::{
        Attendant, BirthOutcome, Complication, DeliveryMode, DeliveryPlace, MotherOutcome,
    };
    use haven_domain::mch::family_planning::FpMethod;
    use haven_domain::mch::immunisation::{ChildState, DoseState, Group, Schedule, BUILTIN};
    use haven_domain::mch::postnatal::{PncDangerSign, PncState};
    use haven_domain::mch::pregnancy::{
        AncState, DangerSign, DatingBasis, RiskFactor, ScreeningResult,
    };
    let mut keys: Vec<String> = Vec::new();
    macro_rules! labels {
        ($($t:ty),*) => { $( keys.extend(<$t>::ALL.iter().map(|v| v.label_key())); )* };
    }
    labels!(
        RiskFactor,
        DangerSign,
        ScreeningResult,
        AncState,
        DatingBasis,
        DeliveryPlace,
        Attendant,
        DeliveryMode,
        BirthOutcome,
        Complication,
        MotherOutcome,
        PncState,
        PncDangerSign,
        FpMethod,
        DoseState,
        ChildState
    );
    keys.extend(
        haven_domain::mch::MchError::ALL
            .iter()
            .map(|e| e.code().to_owned()),
    );
    for (code, _) in BUILTIN {
        let schedule = Schedule::builtin(code).expect("a schedule");
        for group in [Group::Child, Group::Pregnancy] {
            keys.extend(
                schedule
                    .antigens(group)
                    .iter()
                    .map(|a| format!("mch-antigen-{}", a.replace('_', "-"))),
            );
        }
    }
    for key in &keys {
        for language in Language::ALL {
            let text = message(language, key);
            assert!(
                !text.is_empty() && text != *key,
                "{key} is missing in {}",
                language.code()
            );
        }
    }
}
