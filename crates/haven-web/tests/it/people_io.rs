//! Web tests: importing and exporting people, and people over the API.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use haven_domain::person::{BirthDateInput, NameInput};
use haven_domain::{Language, Role};
use haven_store::{Actor, AuditFilter, Id, Person};
use haven_web::person_input::{parse_person, PersonInput};
use serde_json::{json, Value};

use crate::support::{apps, message, Answer, App, Browser};

/// The English message of a person error: its key until the people messages exist.
fn person_message(key: &str) -> String {
    let defined = haven_web::i18n::SOURCES
        .iter()
        .any(|(_, source)| source.lines().any(|l| l.starts_with(&format!("{key} = "))));
    if defined {
        message(Language::English, key)
    } else {
        key.to_owned()
    }
}

/// Registers a person straight in the store.
pub(crate) async fn person(app: &App, given_latin: &str, national_id: Option<&str>) -> Person {
    let today = time::OffsetDateTime::now_utc().date();
    let new = parse_person(
        &PersonInput {
            names: NameInput {
                family_latin: "Sok",
                given_latin,
                ..NameInput::default()
            },
            sex: "female",
            birth_date: BirthDateInput {
                year: "2015",
                month: "6",
                day: "1",
                ..BirthDateInput::default()
            },
            identifiers: national_id
                .map(|id| vec![("national_id", id)])
                .unwrap_or_default(),
            ..PersonInput::default()
        },
        today,
    )
    .expect("a valid person");
    app.store
        .create_person(&Actor::system(), &new)
        .await
        .expect("registering a person")
}

/// The `(field, code)` pairs of a 422 answer.
fn field_errors(app: &App, answer: &Answer) -> Vec<(String, String)> {
    let what = format!("[{}] {} {}", app.label, answer.status, answer.body);
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
    assert_eq!(answer.content_type(), "application/problem+json", "{what}");
    let problem = answer.json();
    assert_eq!(problem["code"], "validation.failed", "{what}");
    problem["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("a list of errors: {what}"))
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or("").to_owned(),
                e["code"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn registration(birth_date: Value) -> Value {
    json!({
        "names": {"family_km": "សុខ", "given_km": "ដារា", "family_latin": "Sok", "given_latin": "Dara"},
        "sex": "male",
        "birth_date": birth_date,
        "phone": "+855 12 345 678",
        "address": {"province_code": "KH-12", "district": "Chamkar Mon", "commune": "", "village": ""},
        "identifiers": [{"kind": "national_id", "value": "NID-1234"}],
        "categories": ["sos_child", "community_member"]
    })
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(f, c)| ((*f).to_owned(), (*c).to_owned()))
        .collect()
}

#[tokio::test]
async fn a_person_registered_over_the_api_reads_back_and_the_read_is_audited() {
    for app in apps().await {
        let clerk = app.user("clerk", Role::RecordsClerk).await;
        let mut client = app.api_client(&clerk).await;
        let created = client
            .post_json(
                "/api/v1/people",
                &registration(json!({"date": "2019-03-04"})).to_string(),
            )
            .await;
        assert_eq!(
            created.status,
            StatusCode::CREATED,
            "[{}] {}",
            app.label,
            created.body
        );
        let person = created.json();
        let id = person["id"].as_str().expect("an id").to_owned();
        assert_eq!(created.location(), format!("/api/v1/people/{id}"));
        assert_eq!(person["birth_date"]["date"], "2019-03-04");
        assert_eq!(person["birth_date"]["precision"], "exact");
        assert_eq!(person["names"]["given_km"], "ដារា");
        assert_eq!(person["version"], 1);
        assert!(person["haven_number"]
            .as_str()
            .is_some_and(|n| n.len() == 12));
        assert_eq!(
            person["categories"],
            json!(["sos_child", "community_member"])
        );
        let kinds: Vec<&str> = person["identifiers"]
            .as_array()
            .expect("identifiers")
            .iter()
            .filter_map(|i| i["kind"].as_str())
            .collect();
        assert_eq!(kinds, ["haven", "national_id"], "[{}]", app.label);

        let read = client.get(&format!("/api/v1/people/{id}")).await;
        assert_eq!(read.status, StatusCode::OK, "[{}] {}", app.label, read.body);
        assert_eq!(read.json()["id"], id.as_str());
        assert_eq!(read.json()["merged_into"], Value::Null);
        let reads = app
            .store
            .list_audit_events(&AuditFilter {
                action: Some("person_read".to_owned()),
                entity_id: Some(id.clone()),
                limit: 10,
                ..AuditFilter::default()
            })
            .await
            .expect("the audit trail");
        assert_eq!(reads.len(), 1, "[{}] one audited read", app.label);
        assert_eq!(reads[0].actor_username, "clerk");

        // The other precisions.
        let mut second = registration(json!({"precision": "month", "year": 2020, "month": 2}));
        second["identifiers"] = json!([]);
        let answer = client
            .post_json("/api/v1/people", &second.to_string())
            .await;
        assert_eq!(
            answer.status,
            StatusCode::CREATED,
            "[{}] {}",
            app.label,
            answer.body
        );
        assert_eq!(answer.json()["birth_date"]["date"], "2020-02-15");
        assert_eq!(answer.json()["birth_date"]["precision"], "month");
        let mut third = registration(json!({"precision": "estimated", "age_years": 7}));
        third["identifiers"] = json!([]);
        let answer = client.post_json("/api/v1/people", &third.to_string()).await;
        assert_eq!(
            answer.status,
            StatusCode::CREATED,
            "[{}] {}",
            app.label,
            answer.body
        );
        assert_eq!(answer.json()["birth_date"]["precision"], "estimated");
    }
}

#[tokio::test]
async fn bad_registrations_name_every_wrong_field_with_a_stable_code() {
    for app in apps().await {
        let clerk = app.user("clerk", Role::RecordsClerk).await;
        let mut client = app.api_client(&clerk).await;
        let check = |app: &App, body: Value, expected: &[(&str, &str)], answer: Answer| {
            assert_eq!(
                field_errors(app, &answer),
                pairs(expected),
                "[{}] {body}",
                app.label
            );
        };
        for (birth_date, code) in [
            (
                json!({"date": "2999-01-01"}),
                "person-error-birth-date-future",
            ),
            (
                json!({"date": "1899-12-31"}),
                "person-error-birth-date-before-1900",
            ),
            (
                json!({"date": "2019-02-31"}),
                "person-error-birth-date-no-such-day",
            ),
            (
                json!({"date": "31/02/2019"}),
                "person-error-birth-date-no-such-day",
            ),
            (json!({}), "person-error-birth-date-missing"),
            (
                json!({"precision": "estimated", "age_years": 130}),
                "person-error-bad-age",
            ),
            (
                json!({"precision": "roughly", "year": 2000}),
                "unknown_precision",
            ),
        ] {
            let body = registration(birth_date);
            let answer = client.post_json("/api/v1/people", &body.to_string()).await;
            check(&app, body, &[("birth_date", code)], answer);
        }

        let mut spaces = registration(json!({"date": "2019-03-04"}));
        spaces["names"] = json!({"family_km": "   ", "given_latin": " \t "});
        spaces["sex"] = json!("");
        spaces["categories"] = json!(["sos_child", "astronaut"]);
        spaces["identifiers"] = json!([{"kind": "passport", "value": "1"}]);
        let answer = client
            .post_json("/api/v1/people", &spaces.to_string())
            .await;
        check(
            &app,
            spaces,
            &[
                ("names.given_latin", "person-error-name-required"),
                ("sex", "person-error-sex-required"),
                ("identifiers[0]", "unknown_identifier_kind"),
                ("categories[1]", "unknown_category"),
            ],
            answer,
        );

        // An identifier someone else holds.
        person(&app, "Holder", Some("nid-1234")).await;
        let body = registration(json!({"date": "2019-03-04"}));
        let answer = client.post_json("/api/v1/people", &body.to_string()).await;
        check(&app, body, &[("identifiers[0]", "duplicate")], answer);

        let mut unknown = registration(json!({"date": "2019-03-04"}));
        unknown["identifiers"] = json!([]);
        unknown["registered_facility_id"] = json!(Id::new().to_string());
        let answer = client
            .post_json("/api/v1/people", &unknown.to_string())
            .await;
        check(
            &app,
            unknown,
            &[("registered_facility_id", "unknown_facility")],
            answer,
        );

        // Unknown fields and wrong types are refused as the rest of the API does.
        let answer = client
            .post_json(
                "/api/v1/people",
                r#"{"names":{},"sex":"x","birth_date":{},"age":3}"#,
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}]",
            app.label
        );
        assert_eq!(answer.json()["code"], "validation.failed");
        let answer = client.post_json("/api/v1/people", "{not json").await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "[{}]", app.label);

        let people = app
            .store
            .search_people(&haven_store::PeopleQuery {
                text: String::new(),
                facility: None,
                category: None,
                sex: None,
                age_band: None,
                today: time::OffsetDateTime::now_utc().date(),
                reach: haven_store::Reach::Everything,
                limit: 10,
                offset: 0,
            })
            .await;
        assert!(people.is_ok(), "[{}] the search answers", app.label);
    }
}

#[tokio::test]
async fn a_correction_names_the_version_it_read() {
    for app in apps().await {
        let clerk = app.user("clerk", Role::RecordsClerk).await;
        let mut client = app.api_client(&clerk).await;
        let dara = person(&app, "Dara", Some("A-1")).await;
        let path = format!("/api/v1/people/{}", dara.id);
        let mut body = registration(json!({"date": "2018-01-02"}));
        body.as_object_mut()
            .expect("an object")
            .remove("identifiers");
        body.as_object_mut()
            .expect("an object")
            .remove("categories");
        body["version"] = json!(1);
        let answer = client.put_json(&path, &body.to_string()).await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "[{}] {}",
            app.label,
            answer.body
        );
        assert_eq!(answer.json()["version"], 2);
        assert_eq!(answer.json()["birth_date"]["date"], "2018-01-02");
        assert_eq!(answer.json()["names"]["given_latin"], "Dara");

        // The same version again is stale: refused, nothing changed.
        body["names"]["given_latin"] = json!("Other");
        let answer = client.put_json(&path, &body.to_string()).await;
        assert_eq!(
            answer.status,
            StatusCode::CONFLICT,
            "[{}] {}",
            app.label,
            answer.body
        );
        assert_eq!(answer.content_type(), "application/problem+json");
        assert!(answer.json()["code"]
            .as_str()
            .is_some_and(|c| c.starts_with("conflict")));
        let stored = app.store.person(dara.id).await.expect("the person");
        assert_eq!(stored.given_name_latin, "Dara");
        assert_eq!(stored.version, 2);

        // Bad input is refused before the version is looked at.
        body["version"] = json!(2);
        body["birth_date"] = json!({"date": "2019-02-29"});
        let answer = client.put_json(&path, &body.to_string()).await;
        assert_eq!(
            field_errors(&app, &answer),
            pairs(&[("birth_date", "person-error-birth-date-no-such-day")])
        );

        let answer = client
            .put_json(&format!("/api/v1/people/{}", Id::new()), &body.to_string())
            .await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "[{}]", app.label);
        let answer = client.get("/api/v1/people/not-an-id").await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "[{}]", app.label);
    }
}

#[tokio::test]
async fn a_merged_record_answers_with_the_survivor_and_says_so() {
    for app in apps().await {
        let doctor = app.user("doctor", Role::Doctor).await;
        let mut client = app.api_client(&doctor).await;
        let survivor = person(&app, "Survivor", Some("S-1")).await;
        let merged = person(&app, "Merged", Some("M-1")).await;
        app.store
            .merge_people(&Actor::system(), survivor.id, merged.id, "same child")
            .await
            .expect("a merge");
        let answer = client.get(&format!("/api/v1/people/{}", merged.id)).await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "[{}] {}",
            app.label,
            answer.body
        );
        let body = answer.json();
        assert_eq!(body["id"], survivor.id.to_string());
        assert_eq!(body["requested_id"], merged.id.to_string());
        assert_eq!(body["merged_into"], survivor.id.to_string());
        assert_eq!(body["names"]["given_latin"], "Survivor");
        let values: Vec<&str> = body["identifiers"]
            .as_array()
            .expect("identifiers")
            .iter()
            .filter_map(|i| i["value"].as_str())
            .collect();
        assert!(
            values.contains(&"S-1") && values.contains(&"M-1"),
            "{values:?}"
        );

        // A merged record cannot be corrected: the survivor is.
        let mut body = registration(json!({"date": "2018-01-02"}));
        body.as_object_mut()
            .expect("an object")
            .remove("identifiers");
        body.as_object_mut()
            .expect("an object")
            .remove("categories");
        body["version"] = json!(merged.version + 1);
        let answer = client
            .put_json(&format!("/api/v1/people/{}", merged.id), &body.to_string())
            .await;
        assert_eq!(
            answer.status,
            StatusCode::CONFLICT,
            "[{}] {}",
            app.label,
            answer.body
        );
    }
}

#[tokio::test]
async fn the_search_takes_its_filters_and_refuses_unknown_values() {
    for app in apps().await {
        let nurse = app.user("nurse", Role::RegisteredNurse).await;
        let mut client = app.api_client(&nurse).await;
        person(&app, "Dara", None).await;
        let answer = client
            .get("/api/v1/people?q=Dara&sex=female&category=sos_child&age_band=5_9&limit=10")
            .await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "[{}] {}",
            app.label,
            answer.body
        );
        assert!(answer.json()["people"].is_array());
        assert_eq!(answer.json()["limit"], 10);
        let answer = client
            .get("/api/v1/people?sex=robot&age_band=old&facility=x&limit=0")
            .await;
        assert_eq!(
            field_errors(&app, &answer),
            pairs(&[
                ("facility", "unknown_value"),
                ("sex", "unknown_value"),
                ("age_band", "unknown_value"),
                ("limit", "out_of_range"),
            ])
        );
    }
}

#[tokio::test]
async fn the_openapi_document_describes_the_people_api() {
    let document = serde_json::to_value(haven_web::openapi_document()).expect("JSON");
    let paths = document["paths"].as_object().expect("paths");
    for (path, methods) in [
        ("/api/v1/people", &["get", "post"][..]),
        ("/api/v1/people/{person_id}", &["get", "put"][..]),
    ] {
        for method in methods {
            let operation = &paths[path][method];
            assert_eq!(operation["tags"], json!(["people"]), "{method} {path}");
        }
    }
    let tags = document["tags"].as_array().expect("tags");
    assert!(tags.iter().any(|t| t["name"] == "people"), "{tags:?}");
    for schema in ["PersonWire", "NewPersonRequest", "ValidationProblem"] {
        assert!(
            document["components"]["schemas"].get(schema).is_some(),
            "{schema}"
        );
    }
}

// ---- The import page ----

/// Posts a multipart form: the CSRF token of the last page first, then `fields`,
/// then the file (when there is one) as `file`.
async fn post_multipart(
    client: &mut Browser<'_>,
    fields: &[(&str, &str)],
    file: Option<&[u8]>,
    with_csrf: bool,
) -> Answer {
    let boundary = "----haven-test-boundary-7d1f";
    let mut body: Vec<u8> = Vec::new();
    let csrf = client.csrf.clone().unwrap_or_default();
    let mut all: Vec<(&str, &str)> = Vec::new();
    if with_csrf {
        all.push(("csrf", csrf.as_str()));
    }
    all.extend_from_slice(fields);
    for (name, value) in all {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some(file) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"people.csv\"\r\nContent-Type: text/csv\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(file);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let request = Request::builder()
        .method(Method::POST)
        .uri("/people/import")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .expect("a multipart request");
    client.send(request).await
}

/// How many people the audit trail says were registered.
async fn registered(app: &App) -> usize {
    app.store
        .list_audit_events(&AuditFilter {
            action: Some("person_create".to_owned()),
            limit: 500,
            ..AuditFilter::default()
        })
        .await
        .expect("the audit trail")
        .len()
}

/// The line numbers in the table of bad rows.
fn bad_lines(answer: &Answer) -> Vec<u64> {
    let Some(start) = answer.body.find("id=\"import-bad-rows\"") else {
        return Vec::new();
    };
    let table = &answer.body[start..];
    let table = &table[..table.find("</table>").unwrap_or(table.len())];
    table
        .split("<tr><td>")
        .skip(1)
        .filter_map(|cell| cell.split("</td>").next()?.trim().parse().ok())
        .collect()
}

const GOOD_AND_BAD: &str = "family_name_km,given_name_km,family_name_latin,given_name_latin,sex,birth_date,birth_year,birth_date_precision,age_years,national_id,categories\n\
សុខ,ដារា,Sok,Dara,male,2019-03-04,,,,N-100,sos_child\n\
,,Chan,Thida,female,,2010,year,,,community_member;sos_caregiver\n\
,,Keo,Bopha,female,2999-01-01,,,,,\n\
,,   ,   ,female,2019-02-31,,,,N-100,astronaut\n\
,,Meas,Sophal,male,,,estimated,7,,\n";

#[tokio::test]
async fn a_dry_run_reports_every_bad_row_and_imports_nothing() {
    for app in apps().await {
        let clerk = app.user("clerk", Role::RecordsClerk).await;
        let mut client = app.session_for(&clerk).await;
        let page = client.get("/people/import").await;
        assert_eq!(page.status, StatusCode::OK, "[{}] {}", app.label, page.body);
        assert!(page.body.contains("enctype=\"multipart/form-data\""));
        assert!(page.body.contains("national_id") && page.body.contains("birth_date_precision"));

        let before = registered(&app).await;
        let answer = post_multipart(
            &mut client,
            &[("step", "check")],
            Some(GOOD_AND_BAD.as_bytes()),
            true,
        )
        .await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}] {}",
            app.label,
            answer.body
        );
        assert_eq!(
            bad_lines(&answer),
            [4, 5],
            "[{}] {}",
            app.label,
            answer.body
        );
        let text = answer.text();
        for expected in [
            format!(
                "birth_date: {}",
                person_message("person-error-birth-date-future")
            ),
            format!(
                "given_name_latin: {}",
                person_message("person-error-name-required")
            ),
            format!(
                "categories: {}",
                message(Language::English, "import-error-category")
            ),
        ] {
            assert!(
                text.contains(&expected),
                "[{}] {expected} in {text}",
                app.label
            );
        }
        assert_eq!(
            registered(&app).await,
            before,
            "[{}] a dry run writes nothing",
            app.label
        );

        // The text is kept: importing the good rows needs no new upload.
        let kept = answer
            .form_field("import-confirm", "csv")
            .expect("the kept file");
        let kept = kept.replace("&#10;", "\n");
        assert!(kept.contains("Sok"), "{kept}");
        let csv = answer
            .text()
            .split("name=\"csv\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .map(str::to_owned)
            .expect("the csv field");
        assert_eq!(
            csv, GOOD_AND_BAD,
            "[{}] the file comes back as sent",
            app.label
        );

        // Importing without choosing "only the good rows" imports nothing.
        let again = post_multipart(
            &mut client,
            &[("step", "import"), ("csv", &csv)],
            None,
            true,
        )
        .await;
        assert_eq!(
            again.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}]",
            app.label
        );
        assert_eq!(registered(&app).await, before);

        let done = post_multipart(
            &mut client,
            &[("step", "import"), ("csv", &csv), ("good_rows_only", "1")],
            None,
            true,
        )
        .await;
        assert_eq!(done.status, StatusCode::OK, "[{}] {}", app.label, done.body);
        assert!(done.body.contains("id=\"import-done\""), "{}", done.body);
        assert_eq!(
            done.body.matches("</a></td></tr>").count(),
            3,
            "{}",
            done.body
        );
        assert_eq!(bad_lines(&done), [4, 5]);
        assert_eq!(registered(&app).await, before + 3, "[{}]", app.label);
        let imports = app
            .store
            .list_audit_events(&AuditFilter {
                action: Some("import".to_owned()),
                limit: 10,
                ..AuditFilter::default()
            })
            .await
            .expect("the audit trail");
        assert_eq!(imports.len(), 1, "[{}]", app.label);
        assert_eq!(imports[0].entity, "person");
        assert_eq!(imports[0].detail, "rows=3 refused=2");

        // The same file again: its identifier is now taken.
        let answer = post_multipart(
            &mut client,
            &[("step", "check")],
            Some(GOOD_AND_BAD.as_bytes()),
            true,
        )
        .await;
        assert_eq!(bad_lines(&answer), [2, 4, 5], "[{}]", app.label);
    }
}

#[tokio::test]
async fn a_good_file_imports_at_once_after_its_check() {
    for app in apps().await {
        let clerk = app.user("clerk", Role::RecordsClerk).await;
        let mut client = app.session_for(&clerk).await;
        let file = "\u{FEFF}given_name_latin,sex,birth_year,birth_month\r\nA,female,2001,2\r\nB,male,2002,\r\n";
        let check = post_multipart(
            &mut client,
            &[("step", "check")],
            Some(file.as_bytes()),
            true,
        )
        .await;
        assert_eq!(
            check.status,
            StatusCode::OK,
            "[{}] {}",
            app.label,
            check.body
        );
        assert!(bad_lines(&check).is_empty());
        let csv = check
            .form_field("import-confirm", "csv")
            .expect("the kept file");
        let csv = csv.replace("&#13;", "\r").replace("&#10;", "\n");
        let before = registered(&app).await;
        let done = post_multipart(
            &mut client,
            &[("step", "import"), ("csv", &csv)],
            None,
            true,
        )
        .await;
        assert_eq!(done.status, StatusCode::OK, "[{}] {}", app.label, done.body);
        assert_eq!(
            registered(&app).await,
            before + 2,
            "[{}] {}",
            app.label,
            done.body
        );
    }
}

#[tokio::test]
async fn files_that_are_not_lists_of_people_are_refused_without_harm() {
    let config = haven_web::WebConfig {
        max_body_bytes: 2 * 1024 * 1024,
        ..haven_web::WebConfig::default()
    };
    for app in crate::support::apps_with(config).await {
        let clerk = app.user("clerk", Role::RecordsClerk).await;
        let mut client = app.session_for(&clerk).await;
        let binary: Vec<u8> = (0..=255u8).cycle().take(4000).collect();
        let huge = format!(
            "given_name_latin,sex,birth_year\n{}",
            "A,female,2001\n".repeat(800_000)
        );
        let cases: Vec<(&str, Vec<u8>, StatusCode, &str)> = vec![
            (
                "binary",
                binary,
                StatusCode::UNPROCESSABLE_ENTITY,
                "import-error-not-utf8",
            ),
            (
                "empty",
                Vec::new(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "import-error-empty",
            ),
            (
                "header only",
                b"given_name_latin,sex\n".to_vec(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "import-error-no-rows",
            ),
            (
                "unknown column",
                b"given_name_latin,shoe_size\nA,42\n".to_vec(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "import-error-unknown-column",
            ),
            (
                "too many fields",
                b"given_name_latin,sex,birth_year\nA,female,2001,extra,more\n".to_vec(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "import-error-field-count",
            ),
            (
                "10 MB",
                huge.into_bytes(),
                StatusCode::PAYLOAD_TOO_LARGE,
                "error-too-large",
            ),
        ];
        for (what, file, status, key) in cases {
            let answer = post_multipart(&mut client, &[("step", "check")], Some(&file), true).await;
            assert_eq!(
                answer.status,
                status,
                "[{}] {what}: {}",
                app.label,
                &answer.body[..answer.body.len().min(400)]
            );
            let message = crate::support::message_start(haven_domain::Language::English, key);
            assert!(
                answer.text().contains(&message),
                "[{}] {what}: expected {message:?}",
                app.label
            );
        }
        // A form without its CSRF token is refused.
        let answer = post_multipart(
            &mut client,
            &[("step", "check")],
            Some(b"given_name_latin,sex,birth_year\nA,female,2001\n"),
            false,
        )
        .await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "[{}]", app.label);
        // A broken multipart body is a bad request, not a server error.
        let request = Request::builder()
            .method(Method::POST)
            .uri("/people/import")
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x")
            .body(Body::from("--x\r\nnot a part"))
            .expect("a request");
        let answer = client.send(request).await;
        assert!(
            !answer.status.is_server_error(),
            "[{}] {}",
            app.label,
            answer.status
        );
        assert_eq!(registered(&app).await, 0, "[{}]", app.label);
    }
}

// ---- The export ----

#[tokio::test]
async fn an_export_is_a_guarded_csv_file_and_is_audited() {
    for app in apps().await {
        let nurse = app.user("nurse", Role::RegisteredNurse).await;
        let mut client = app.session_for(&nurse).await;
        let dara = person(&app, "Dara", Some("N-1")).await;
        app.store
            .set_categories(
                &Actor::system(),
                dara.id,
                &[
                    haven_domain::person::Category::SosChild,
                    haven_domain::person::Category::CommunityMember,
                ],
            )
            .await
            .expect("categories");
        let answer = client
            .get("/people/export.csv?q=Dara&sex=female&category=&age_band=")
            .await;
        assert!(
            answer.body.contains(",community_member;sos_child,"),
            "[{}] each person's own categories: {}",
            app.label,
            answer.body
        );
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "[{}] {}",
            app.label,
            answer.body
        );
        assert_eq!(answer.content_type(), "text/csv; charset=utf-8");
        assert_eq!(
            answer.header("content-disposition"),
            "attachment; filename=\"people.csv\""
        );
        assert!(answer.body.starts_with('\u{FEFF}'), "a byte-order mark");
        let header = answer
            .body
            .trim_start_matches('\u{FEFF}')
            .lines()
            .next()
            .unwrap_or("");
        assert!(
            header.starts_with("haven_number,family_name_km,"),
            "{header}"
        );
        let exports = app
            .store
            .list_audit_events(&AuditFilter {
                action: Some("export".to_owned()),
                limit: 10,
                ..AuditFilter::default()
            })
            .await
            .expect("the audit trail");
        assert_eq!(exports.len(), 1, "[{}]", app.label);
        assert_eq!(exports[0].entity, "person");
        assert_eq!(exports[0].actor_username, "nurse");
        assert!(
            exports[0].detail.starts_with("rows="),
            "{}",
            exports[0].detail
        );

        let answer = client.get("/people/export.csv?sex=robot").await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "[{}]", app.label);
    }
}
