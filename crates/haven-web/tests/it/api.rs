//! The JSON API: bearer tokens, problem+json errors with stable codes for every kind
//! of bad request, creating and reading users, conflicts, and the OpenAPI document.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use haven_domain::Role;
use haven_store::{Actor, User};
use haven_web::WebConfig;
use serde_json::Value;

use crate::support::{apps, apps_with, Answer, App, Browser};

/// Checks a problem+json answer: its status, its code, and that the body has every
/// field of a problem.
fn check_problem(app: &App, answer: &Answer, status: StatusCode, code: &str) {
    let what = format!("[{}] {code}: {} {}", app.label, answer.status, answer.body);
    assert_eq!(answer.status, status, "{what}");
    assert_eq!(answer.content_type(), "application/problem+json", "{what}");
    let problem = answer.json();
    assert_eq!(problem["code"], code, "{what}");
    assert_eq!(problem["status"], status.as_u16(), "{what}");
    assert_eq!(
        problem["type"],
        format!("urn:haven:problem:{code}"),
        "{what}"
    );
    for field in ["title", "detail"] {
        let text = problem[field].as_str().unwrap_or("");
        assert!(!text.is_empty(), "{field}: {what}");
    }
    let fields: Vec<&String> = problem
        .as_object()
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    assert_eq!(
        fields.len(),
        6,
        "exactly type, title, status, detail, code, errors: {what}"
    );
    assert!(
        problem["errors"].is_array(),
        "errors[] on every problem: {what}"
    );
}

async fn admin_client(app: &App) -> (User, Browser<'_>) {
    let admin = app.user("admin", Role::SystemAdministrator).await;
    let client = app.api_client(&admin).await;
    (admin, client)
}

#[tokio::test]
async fn a_request_without_a_valid_token_is_unauthenticated() {
    for app in apps().await {
        let (admin, _) = admin_client(&app).await;
        let nurse = app.user("nurse", Role::RegisteredNurse).await;

        let mut anonymous = app.browser();
        for path in ["/api/v1/me", "/api/v1/users", "/api/v1/audit-events"] {
            let answer = anonymous.get(path).await;
            check_problem(
                &app,
                &answer,
                StatusCode::UNAUTHORIZED,
                "auth.unauthenticated",
            );
        }

        for garbage in [
            "garbage",
            "haven_0000",
            "haven_",
            &"haven_x".repeat(100),
            "Bearer",
        ] {
            let mut client = app.browser();
            client.bearer = Some(garbage.to_owned());
            let answer = client.get("/api/v1/me").await;
            check_problem(
                &app,
                &answer,
                StatusCode::UNAUTHORIZED,
                "auth.unauthenticated",
            );
        }

        // A session cookie is not an API credential.
        let mut browser = app.signed_in("admin").await;
        let answer = browser.get("/api/v1/me").await;
        check_problem(
            &app,
            &answer,
            StatusCode::UNAUTHORIZED,
            "auth.unauthenticated",
        );

        // A revoked token.
        let (token, record) = app
            .store
            .create_api_token(&Actor::system(), admin.id, "revoked")
            .await
            .expect("a token");
        let mut client = app.browser();
        client.bearer = Some(token);
        assert_eq!(
            client.get("/api/v1/me").await.status,
            StatusCode::OK,
            "[{}]",
            app.label
        );
        app.store
            .revoke_api_token(&Actor::system(), record.id, record.version)
            .await
            .expect("revoking");
        let answer = client.get("/api/v1/me").await;
        check_problem(
            &app,
            &answer,
            StatusCode::UNAUTHORIZED,
            "auth.unauthenticated",
        );

        // A disabled user's token.
        let mut nurse_client = app.api_client(&nurse).await;
        let me = nurse_client.get("/api/v1/me").await;
        assert_eq!(me.status, StatusCode::OK, "[{}]", app.label);
        assert_eq!(
            me.headers
                .get("cache-control")
                .and_then(|v| v.to_str().ok()),
            Some("no-store"),
            "[{}] API answers must not be cached",
            app.label
        );
        app.store
            .disable_user(&Actor::system(), nurse.id, nurse.version)
            .await
            .expect("disabling");
        let answer = nurse_client.get("/api/v1/me").await;
        check_problem(
            &app,
            &answer,
            StatusCode::UNAUTHORIZED,
            "auth.unauthenticated",
        );

        // A token sent in another scheme.
        let token = nurse_client.bearer.clone().unwrap_or_default();
        let request = Request::builder()
            .uri("/api/v1/me")
            .header(header::AUTHORIZATION, format!("Basic {token}"))
            .body(Body::empty())
            .expect("a request");
        let answer = app.browser().send(request).await;
        check_problem(
            &app,
            &answer,
            StatusCode::UNAUTHORIZED,
            "auth.unauthenticated",
        );
    }
}

#[tokio::test]
async fn me_answers_the_tokens_user() {
    for app in apps().await {
        let nurse = app.user("nurse", Role::RegisteredNurse).await;
        let mut client = app.api_client(&nurse).await;
        let answer = client.get("/api/v1/me").await;
        let what = format!("[{}] {}", app.label, answer.body);
        assert_eq!(answer.status, StatusCode::OK, "{what}");
        assert!(
            answer.content_type().starts_with("application/json"),
            "{what}"
        );
        let me = answer.json();
        assert_eq!(me["id"], nurse.id.to_string(), "{what}");
        assert_eq!(me["username"], "nurse", "{what}");
        assert_eq!(me["display_name"], "nurse", "{what}");
        assert_eq!(me["language"], "en", "{what}");
        assert_eq!(me["active"], true, "{what}");
        assert_eq!(me["version"], nurse.version, "{what}");
        assert_eq!(
            me["roles"],
            serde_json::json!([{"role": "registered_nurse", "scope": "all"}]),
            "{what}"
        );
        assert!(
            me.get("password").is_none() && me.get("password_hash").is_none(),
            "{what}"
        );
        // A nurse may see herself, not the list of users.
        let answer = client.get("/api/v1/users").await;
        check_problem(&app, &answer, StatusCode::FORBIDDEN, "auth.forbidden");
    }
}

const NEW_USER: &str = r#"{"username":"new.nurse","display_name":"សុខា ចាន់","password":"a good long password","language":"km","role":"registered_nurse","scope":"country:KH"}"#;

#[tokio::test]
async fn bad_bodies_get_a_problem_with_a_stable_code() {
    let cases: &[(&str, StatusCode, &str)] = &[
        (
            r#"{"username":"#,
            StatusCode::BAD_REQUEST,
            "request.malformed_json",
        ),
        (
            "not json at all",
            StatusCode::BAD_REQUEST,
            "request.malformed_json",
        ),
        ("", StatusCode::BAD_REQUEST, "request.malformed_json"),
        (
            r#"{"username":5,"display_name":"A","password":"a good long password","role":"doctor"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.failed",
        ),
        (
            r#"{"username":"abc","display_name":"A","password":"a good long password","role":"doctor","admin":true}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.failed",
        ),
        (
            r#"{"username":"abc","display_name":"A","password":"a good long password"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.failed",
        ),
        (
            "[1, 2, 3]",
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.failed",
        ),
        (
            r#"{"username":"a b","display_name":"A","password":"a good long password","role":"doctor"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.failed",
        ),
        (
            r#"{"username":"abc","display_name":"A","password":"short","role":"doctor"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.failed",
        ),
        (
            r#"{"username":"abc","display_name":"A","password":"a good long password","role":"superuser"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.failed",
        ),
        (
            r#"{"username":"abc","display_name":"A","password":"a good long password","role":"doctor","scope":"moon"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.failed",
        ),
        (
            r#"{"username":"abc","display_name":"A","password":"a good long password","role":"doctor","language":"fr"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.failed",
        ),
    ];
    for app in apps().await {
        let (_, mut client) = admin_client(&app).await;
        let before = app.store.list_users().await.expect("users").len();
        for (body, status, code) in cases {
            let answer = client.post_json("/api/v1/users", body).await;
            check_problem(&app, &answer, *status, code);
            assert!(
                !answer.body.contains("a good long password"),
                "[{}] {body}",
                app.label
            );
        }
        assert_eq!(
            app.store.list_users().await.expect("users").len(),
            before,
            "[{}]",
            app.label
        );
    }
}

#[tokio::test]
async fn a_body_without_the_json_content_type_is_unsupported() {
    for app in apps().await {
        let (_, mut client) = admin_client(&app).await;
        for content_type in [
            None,
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
        ] {
            let mut request = Request::builder().method(Method::POST).uri("/api/v1/users");
            if let Some(content_type) = content_type {
                request = request.header(header::CONTENT_TYPE, content_type);
            }
            let request = request.body(Body::from(NEW_USER)).expect("a request");
            let answer = client.send(request).await;
            check_problem(
                &app,
                &answer,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "request.unsupported_media_type",
            );
        }
        assert!(
            app.store.user_by_username("new.nurse").await.is_err(),
            "[{}]",
            app.label
        );
    }
}

#[tokio::test]
async fn a_body_over_the_limit_is_too_large() {
    let config = WebConfig {
        max_body_bytes: 16 * 1024,
        ..WebConfig::default()
    };
    for app in apps_with(config).await {
        let (admin, mut client) = admin_client(&app).await;
        let long = "x".repeat(20 * 1024);
        let body = serde_json::json!({
            "username": "big.one", "display_name": long, "password": "a good long password", "role": "doctor"
        })
        .to_string();
        let answer = client.post_json("/api/v1/users", &body).await;
        check_problem(
            &app,
            &answer,
            StatusCode::PAYLOAD_TOO_LARGE,
            "request.too_large",
        );
        let answer = client
            .post_json(
                &format!("/api/v1/users/{}/enable", admin.id),
                &format!("{{\"version\":1,\"pad\":\"{long}\"}}"),
            )
            .await;
        check_problem(
            &app,
            &answer,
            StatusCode::PAYLOAD_TOO_LARGE,
            "request.too_large",
        );
    }
}

#[tokio::test]
async fn a_user_created_over_the_api_can_be_read_back() {
    for app in apps().await {
        let (_, mut client) = admin_client(&app).await;
        let answer = client.post_json("/api/v1/users", NEW_USER).await;
        let what = format!("[{}] {}", app.label, answer.body);
        assert_eq!(answer.status, StatusCode::CREATED, "{what}");
        let created = answer.json();
        assert_eq!(created["username"], "new.nurse", "{what}");
        assert_eq!(created["display_name"], "សុខា ចាន់", "{what}");
        assert_eq!(created["language"], "km", "{what}");
        assert_eq!(created["active"], true, "{what}");
        assert_eq!(
            created["roles"],
            serde_json::json!([{"role": "registered_nurse", "scope": "country:KH"}]),
            "{what}"
        );
        assert!(!answer.body.contains("a good long password"), "{what}");
        let id = created["id"].as_str().expect("an id").to_owned();

        let answer = client.get(&format!("/api/v1/users/{id}")).await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "[{}] {}",
            app.label,
            answer.body
        );
        assert_eq!(
            answer.json(),
            created,
            "[{}] read back as created",
            app.label
        );

        let answer = client.get("/api/v1/users").await;
        assert_eq!(answer.status, StatusCode::OK, "[{}]", app.label);
        let listed: Vec<Value> = serde_json::from_str(&answer.body).expect("a list");
        assert!(
            listed.iter().any(|u| u["id"] == id.as_str()),
            "[{}] {}",
            app.label,
            answer.body
        );

        // The new user can sign in with the password given.
        let signed_in = app
            .browser()
            .sign_in("new.nurse", "a good long password")
            .await;
        assert_eq!(signed_in.status, StatusCode::SEE_OTHER, "[{}]", app.label);

        for missing in [haven_store::Id::new().to_string(), "not-an-id".to_owned()] {
            let answer = client.get(&format!("/api/v1/users/{missing}")).await;
            check_problem(&app, &answer, StatusCode::NOT_FOUND, "not_found");
        }
    }
}

#[tokio::test]
async fn a_taken_username_is_a_duplicate_conflict() {
    for app in apps().await {
        let (_, mut client) = admin_client(&app).await;
        let first = client.post_json("/api/v1/users", NEW_USER).await;
        assert_eq!(
            first.status,
            StatusCode::CREATED,
            "[{}] {}",
            app.label,
            first.body
        );
        let again = NEW_USER.replace("\"new.nurse\"", "\"NEW.nurse\"");
        let answer = client.post_json("/api/v1/users", &again).await;
        check_problem(&app, &answer, StatusCode::CONFLICT, "conflict.duplicate");
        assert!(
            answer.json()["detail"]
                .as_str()
                .unwrap_or("")
                .contains("username"),
            "[{}]",
            app.label
        );
    }
}

#[tokio::test]
async fn a_stale_version_is_a_stale_version_conflict() {
    for app in apps().await {
        let (admin, mut client) = admin_client(&app).await;
        let nurse = app.user("nurse", Role::RegisteredNurse).await;
        let path = format!("/api/v1/users/{}/disable", nurse.id);
        let stale = format!("{{\"version\":{}}}", nurse.version + 5);
        let answer = client.post_json(&path, &stale).await;
        check_problem(
            &app,
            &answer,
            StatusCode::CONFLICT,
            "conflict.stale_version",
        );
        assert!(
            app.store
                .user(nurse.id)
                .await
                .expect("the nurse")
                .is_active(),
            "[{}]",
            app.label
        );

        let fresh = format!("{{\"version\":{}}}", nurse.version);
        let answer = client.post_json(&path, &fresh).await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "[{}] {}",
            app.label,
            answer.body
        );
        assert_eq!(answer.json()["active"], false, "[{}]", app.label);
        // The same version again is now stale.
        let answer = client.post_json(&path, &fresh).await;
        check_problem(
            &app,
            &answer,
            StatusCode::CONFLICT,
            "conflict.stale_version",
        );

        let answer = client
            .post_json(
                &format!("/api/v1/users/{}/disable", admin.id),
                &format!("{{\"version\":{}}}", admin.version),
            )
            .await;
        check_problem(
            &app,
            &answer,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.failed",
        );
        let answer = client
            .post_json(
                &format!("/api/v1/users/{}/disable", haven_store::Id::new()),
                "{\"version\":1}",
            )
            .await;
        check_problem(&app, &answer, StatusCode::NOT_FOUND, "not_found");
        let answer = client.post_json(&path, "{\"version\":\"one\"}").await;
        check_problem(
            &app,
            &answer,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.failed",
        );
    }
}

#[tokio::test]
async fn unknown_addresses_and_methods_under_the_api_answer_problems() {
    for app in apps().await {
        let (admin, mut client) = admin_client(&app).await;
        for path in [
            "/api/v1/whatever",
            "/api/v1/users/a/b/c",
            "/api/v2/users",
            "/api/nothing",
        ] {
            let answer = client.get(path).await;
            check_problem(&app, &answer, StatusCode::NOT_FOUND, "not_found");
            let answer = app.browser().get(path).await;
            check_problem(&app, &answer, StatusCode::NOT_FOUND, "not_found");
        }
        let answer = client.post_json("/api/v1/whatever", "{}").await;
        check_problem(&app, &answer, StatusCode::NOT_FOUND, "not_found");
        let answer = client
            .get(&format!("/api/v1/users/{}/disable", admin.id))
            .await;
        check_problem(
            &app,
            &answer,
            StatusCode::METHOD_NOT_ALLOWED,
            "request.method_not_allowed",
        );
        let request = Request::builder()
            .method(Method::DELETE)
            .uri(format!("/api/v1/users/{}", admin.id))
            .body(Body::empty())
            .expect("a request");
        let answer = client.send(request).await;
        check_problem(
            &app,
            &answer,
            StatusCode::METHOD_NOT_ALLOWED,
            "request.method_not_allowed",
        );
        assert!(app.store.user(admin.id).await.is_ok(), "[{}]", app.label);
    }
}

#[tokio::test]
async fn the_openapi_document_describes_the_api_and_its_bearer_tokens() {
    for app in apps().await {
        let answer = app.browser().get("/api/v1/openapi.json").await;
        let what = format!("[{}] {}", app.label, answer.status);
        assert_eq!(answer.status, StatusCode::OK, "{what}");
        assert!(
            answer.content_type().starts_with("application/json"),
            "{what}"
        );
        let document = answer.json();
        let version = document["openapi"].as_str().unwrap_or("");
        assert!(version.starts_with("3."), "{what}: openapi {version:?}");
        let paths = document["paths"].as_object().expect("paths");
        for path in [
            "/api/v1/users",
            "/api/v1/users/{id}",
            "/api/v1/me",
            "/api/v1/audit-events",
        ] {
            assert!(
                paths.contains_key(path),
                "{what}: {path} in {:?}",
                paths.keys()
            );
        }
        assert!(paths["/api/v1/users"].get("post").is_some(), "{what}");
        let bearer = &document["components"]["securitySchemes"]["bearer"];
        assert_eq!(bearer["type"], "http", "{what}: {bearer}");
        assert_eq!(
            bearer["scheme"].as_str().map(str::to_lowercase).as_deref(),
            Some("bearer"),
            "{what}"
        );
        assert!(
            document["components"]["schemas"].get("Problem").is_some(),
            "{what}: the problem schema"
        );
        assert_eq!(
            document,
            serde_json::to_value(haven_web::openapi_document()).expect("JSON"),
            "{what}"
        );
    }
}
