//! Web tests: importing and exporting people, and people over the API.

use axum::http::StatusCode;
use haven_domain::person::{BirthDateInput, NameInput};
use haven_domain::Role;
use haven_store::{Actor, AuditFilter, Id, Person};
use haven_web::person_input::{parse_person, PersonInput};
use serde_json::{json, Value};

use crate::support::{apps, Answer, App};

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
