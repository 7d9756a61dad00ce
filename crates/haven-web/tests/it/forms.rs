//! Forms and bad input: the CSRF check, bodies that are too large, a form with wrong
//! fields coming back with the input kept and a message at each one, conflicts, and
//! the error pages (400, 404, 405, 409, 413) in the user's language, never a 500 and
//! never plain text.

use axum::http::StatusCode;
use haven_domain::{Language, Role};
use haven_store::{Actor, User};
use haven_web::WebConfig;

use crate::support::{apps, apps_with, message, Answer, App, Browser};

/// Checks an error page: its status, HTML in the right language, with the heading
/// and message of the error code.
fn check_error_page(
    app: &App,
    answer: &Answer,
    status: StatusCode,
    code: &str,
    language: Language,
) {
    let what = format!("[{}] {code}: {} {}", app.label, answer.status, answer.body);
    assert_eq!(answer.status, status, "{what}");
    assert!(answer.content_type().starts_with("text/html"), "{what}");
    let lang = format!("<html lang=\"{}\">", language.code());
    assert!(answer.body.contains(&lang), "{what}");
    let text = answer.text();
    assert!(
        text.contains(&message(language, &format!("error-{code}-title"))),
        "{what}"
    );
    assert!(
        text.contains(&message(language, &format!("error-{code}"))),
        "{what}"
    );
    assert!(
        !text.contains(&format!("error-{code}")),
        "a raw key: {what}"
    );
}

async fn admin_browser(app: &App) -> Browser<'_> {
    app.user("admin", Role::SystemAdministrator).await;
    let mut browser = app.signed_in("admin").await;
    let page = browser.get("/admin/users").await;
    assert_eq!(page.status, StatusCode::OK, "[{}] {}", app.label, page.body);
    browser
}

async fn user_count(app: &App) -> usize {
    app.store.list_users().await.expect("listing users").len()
}

const GOOD_NEW_USER: &[(&str, &str)] = &[
    ("username", "new.nurse"),
    ("display_name", "New Nurse"),
    ("password", "a good long password"),
    ("language", "en"),
    ("role", "registered_nurse"),
    ("scope", "all"),
];

#[tokio::test]
async fn a_form_without_a_csrf_token_gets_the_expired_form_page() {
    for app in apps().await {
        let mut admin = admin_browser(&app).await;
        let before = user_count(&app).await;
        let answer = admin.post_form_raw("/admin/users", GOOD_NEW_USER).await;
        check_error_page(
            &app,
            &answer,
            StatusCode::FORBIDDEN,
            "csrf",
            Language::English,
        );
        assert_eq!(
            user_count(&app).await,
            before,
            "[{}] nothing was created",
            app.label
        );
        // The session is not harmed: the same form with its token works.
        let answer = admin.post_form("/admin/users", GOOD_NEW_USER).await;
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "[{}] {answer:?}",
            app.label
        );

        // Before sign-in, the token comes from a cookie; it is checked all the same.
        let mut visitor = app.browser();
        visitor.get("/login").await;
        let answer = visitor
            .post_form_raw(
                "/login",
                &[
                    ("username", "admin"),
                    ("password", crate::support::PASSWORD),
                ],
            )
            .await;
        check_error_page(
            &app,
            &answer,
            StatusCode::FORBIDDEN,
            "csrf",
            Language::English,
        );
        assert!(
            answer.set_cookie("haven_session").is_none(),
            "[{}]",
            app.label
        );
    }
}

#[tokio::test]
async fn a_form_with_a_wrong_csrf_token_is_refused() {
    for app in apps().await {
        let mut admin = admin_browser(&app).await;
        app.user("other", Role::Doctor).await;
        let mut other = app.signed_in("other").await;
        other.get("/").await;
        let others_token = other.csrf.clone().expect("a token on the page");
        let own_token = admin.csrf.clone().expect("a token on the page");
        assert_ne!(
            own_token, others_token,
            "[{}] tokens are per session",
            app.label
        );
        let before = user_count(&app).await;
        let zeros = "0".repeat(64);
        let truncated = &own_token[..32];
        for token in [zeros.as_str(), others_token.as_str(), truncated, ""] {
            let mut fields = vec![("csrf", token)];
            fields.extend_from_slice(GOOD_NEW_USER);
            let answer = admin.post_form_raw("/admin/users", &fields).await;
            check_error_page(
                &app,
                &answer,
                StatusCode::FORBIDDEN,
                "csrf",
                Language::English,
            );
        }
        assert_eq!(
            user_count(&app).await,
            before,
            "[{}] nothing was created",
            app.label
        );
    }
}

#[tokio::test]
async fn a_body_over_the_limit_gets_the_too_large_page_not_a_500() {
    let config = WebConfig {
        max_body_bytes: 16 * 1024,
        ..WebConfig::default()
    };
    for app in apps_with(config).await {
        let mut admin = admin_browser(&app).await;
        let before = user_count(&app).await;
        let huge = "x".repeat(20 * 1024);
        let mut fields = GOOD_NEW_USER.to_vec();
        fields.push(("display_name", huge.as_str()));
        let answer = admin.post_form("/admin/users", &fields).await;
        check_error_page(
            &app,
            &answer,
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            Language::English,
        );
        assert_eq!(user_count(&app).await, before, "[{}]", app.label);

        let answer = app
            .browser()
            .post_form("/login", &[("username", "admin"), ("password", &huge)])
            .await;
        check_error_page(
            &app,
            &answer,
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            Language::English,
        );

        // Just under the limit, the form is read and answered on its merits.
        let long = "y".repeat(10 * 1024);
        let answer = admin
            .post_form(
                "/admin/users",
                &[
                    ("username", "long.name"),
                    ("display_name", &long),
                    ("password", "a good long password"),
                    ("role", "doctor"),
                    ("scope", "all"),
                ],
            )
            .await;
        let what = format!("[{}] {}", app.label, answer.status);
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        assert!(
            answer
                .text()
                .contains(&message(Language::English, "account-bad-display-name")),
            "{what}"
        );
    }
}

/// The part of `body` from the element with id `from` to the element with id `to`:
/// the messages shown at one field of a form.
fn between<'b>(body: &'b str, from: &str, to: &str) -> &'b str {
    let start = body
        .find(&format!("id=\"{from}\""))
        .unwrap_or_else(|| panic!("no #{from} in {body}"));
    let end = body[start..]
        .find(&format!("id=\"{to}\""))
        .map(|end| start + end)
        .unwrap_or_else(|| panic!("no #{to} after #{from} in {body}"));
    &body[start..end]
}

/// The new-user form's fields, each with the id of the field that follows it.
const FIELDS: &[(&str, &str)] = &[
    ("username", "display_name"),
    ("display_name", "password"),
    ("password", "language"),
    ("role", "scope"),
];

#[tokio::test]
async fn a_new_user_form_with_bad_fields_comes_back_with_a_message_at_each_and_the_input_kept() {
    struct Case {
        fields: &'static [(&'static str, &'static str)],
        /// The message key expected at each field (`None`: no message there).
        errors: &'static [(&'static str, Option<&'static str>)],
    }
    let cases = [
        Case {
            fields: &[
                ("username", "bad name"),
                ("display_name", "សុខា ចាន់"),
                ("password", "secret-pass-1"),
                ("role", ""),
                ("scope", "everywhere"),
            ],
            errors: &[
                ("username", Some("account-bad-username")),
                ("display_name", None),
                // The password is checked against the username, which is not valid.
                ("password", None),
                ("role", Some("users-choose-role")),
            ],
        },
        Case {
            fields: &[
                ("username", "new.nurse"),
                ("display_name", ""),
                ("password", "short-pw"),
                ("role", "superuser"),
                ("scope", "all"),
            ],
            errors: &[
                ("username", None),
                ("display_name", Some("account-bad-display-name")),
                ("password", Some("account-password-too-short")),
                ("role", Some("users-choose-role")),
            ],
        },
        Case {
            fields: &[
                ("username", "new.nurse"),
                ("display_name", "Nurse"),
                ("password", "NEW.NURSE"),
                ("role", "registered_nurse"),
                ("scope", "facility:"),
            ],
            errors: &[
                ("username", None),
                ("display_name", None),
                ("password", Some("account-password-too-short")),
                ("role", None),
            ],
        },
    ];
    for app in apps().await {
        let mut admin = admin_browser(&app).await;
        let before = user_count(&app).await;
        for case in &cases {
            let answer = admin.post_form("/admin/users", case.fields).await;
            let what = format!("[{}] {:?}: {}", app.label, case.fields, answer.body);
            assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
            assert!(answer.content_type().starts_with("text/html"), "{what}");
            let text = answer.text();
            let value = |name: &str| {
                case.fields
                    .iter()
                    .find(|(field, _)| *field == name)
                    .map(|(_, value)| *value)
                    .unwrap_or("")
            };
            for (field, error) in case.errors {
                let (_, next) = FIELDS
                    .iter()
                    .find(|(f, _)| f == field)
                    .expect("a known field");
                let at_field = between(&text, field, next);
                match error {
                    Some(key) => assert!(
                        at_field.contains(&message(Language::English, key)),
                        "{key} at {field}: {what}"
                    ),
                    None => assert!(
                        !at_field.contains("field-error"),
                        "no message at {field}: {what}"
                    ),
                }
            }
            let scope_errors = text[text.find("id=\"scope\"").expect("a scope field")..].to_owned();
            let scope_is_bad = !["all", "country:KH"].contains(&value("scope"));
            assert_eq!(
                scope_errors.contains(&message(Language::English, "users-bad-scope")),
                scope_is_bad,
                "scope message: {what}"
            );
            for kept in ["username", "display_name", "scope"] {
                let input = format!("name=\"{kept}\" value=\"{}\"", value(kept));
                assert!(text.contains(&input), "{kept} kept: {what}");
            }
            let role = value("role");
            if !role.is_empty() && role != "superuser" {
                let selected = format!("value=\"{role}\" selected");
                assert!(text.contains(&selected), "role kept: {what}");
            }
            assert!(
                !answer.body.contains(value("password")),
                "the password came back: {what}"
            );
        }
        assert_eq!(
            user_count(&app).await,
            before,
            "[{}] nothing was created",
            app.label
        );
    }
}

#[tokio::test]
async fn a_taken_username_comes_back_with_the_already_taken_message() {
    for app in apps().await {
        let mut admin = admin_browser(&app).await;
        app.user("sokha", Role::Doctor).await;
        let before = user_count(&app).await;
        for typed in ["sokha", "Sokha", " sokha "] {
            let answer = admin
                .post_form(
                    "/admin/users",
                    &[
                        ("username", typed),
                        ("display_name", "Another Sokha"),
                        ("password", "a good long password"),
                        ("role", "midwife"),
                        ("scope", "all"),
                    ],
                )
                .await;
            let what = format!("[{}] {typed:?}: {}", app.label, answer.body);
            assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
            let text = answer.text();
            let at_username = between(&text, "username", "display_name");
            assert!(
                at_username.contains(&message(Language::English, "users-username-taken")),
                "{what}"
            );
            assert!(
                text.contains("name=\"display_name\" value=\"Another Sokha\""),
                "{what}"
            );
            assert!(!text.contains("a good long password"), "{what}");
        }
        assert_eq!(user_count(&app).await, before, "[{}]", app.label);
    }
}

async fn target(app: &App) -> User {
    app.user("target", Role::Doctor).await
}

#[tokio::test]
async fn a_stale_version_gets_the_conflict_page_and_nothing_changes() {
    for app in apps().await {
        let mut admin = admin_browser(&app).await;
        let user = target(&app).await;
        let path = format!("/admin/users/{}", user.id);
        let page = admin.get(&path).await;
        let version = page
            .form_field("disable-user", "version")
            .expect("a disable form");
        // Someone else changes the account after the page was read.
        app.store
            .set_user_language(&Actor::system(), user.id, user.version, Language::Khmer)
            .await
            .expect("changing the account");
        let answer = admin
            .post_form(&format!("{path}/disable"), &[("version", &version)])
            .await;
        check_error_page(
            &app,
            &answer,
            StatusCode::CONFLICT,
            "conflict",
            Language::English,
        );
        let now = app.store.user(user.id).await.expect("reading the user");
        assert!(
            now.is_active(),
            "[{}] the stale change was not made",
            app.label
        );
    }
}

#[tokio::test]
async fn a_malformed_version_gets_a_bad_request_page_not_plain_text() {
    for app in apps().await {
        let mut admin = admin_browser(&app).await;
        let user = target(&app).await;
        for (action, fields) in [
            ("disable", vec![("version", "abc")]),
            ("enable", vec![("version", "1.5")]),
            (
                "password",
                vec![("version", "abc"), ("password", "a good long password")],
            ),
        ] {
            let path = format!("/admin/users/{}/{action}", user.id);
            let answer = admin.post_form(&path, &fields).await;
            check_error_page(
                &app,
                &answer,
                StatusCode::BAD_REQUEST,
                "bad-request",
                Language::English,
            );
        }
        let now = app.store.user(user.id).await.expect("reading the user");
        assert_eq!(now.version, user.version, "[{}] nothing changed", app.label);
    }
}

#[tokio::test]
async fn refused_actions_get_a_page_that_says_why() {
    for app in apps().await {
        let mut admin = admin_browser(&app).await;
        let me = app
            .store
            .user_by_username("admin")
            .await
            .expect("the admin");
        let answer = admin
            .post_form(
                &format!("/admin/users/{}/disable", me.id),
                &[("version", &me.version.to_string())],
            )
            .await;
        check_error_page(
            &app,
            &answer,
            StatusCode::BAD_REQUEST,
            "cannot-disable-self",
            Language::English,
        );
        assert!(
            app.store.user(me.id).await.expect("reading").is_active(),
            "[{}]",
            app.label
        );

        let answer = admin
            .post_form("/language", &[("lang", "fr"), ("back", "/")])
            .await;
        check_error_page(
            &app,
            &answer,
            StatusCode::BAD_REQUEST,
            "bad-language",
            Language::English,
        );

        let answer = admin.get("/admin/users/not-an-id").await;
        check_error_page(
            &app,
            &answer,
            StatusCode::NOT_FOUND,
            "not-found",
            Language::English,
        );
        let answer = admin
            .get(&format!("/admin/users/{}", haven_store::Id::new()))
            .await;
        check_error_page(
            &app,
            &answer,
            StatusCode::NOT_FOUND,
            "not-found",
            Language::English,
        );
    }
}

#[tokio::test]
async fn an_unknown_address_gets_a_not_found_page_in_the_users_language() {
    for app in apps().await {
        app.user("sokha", Role::Doctor).await;
        let mut browser = app.signed_in("sokha").await;
        browser.get("/").await;
        let answer = browser.get("/nope").await;
        check_error_page(
            &app,
            &answer,
            StatusCode::NOT_FOUND,
            "not-found",
            Language::English,
        );

        let switched = browser
            .post_form("/language", &[("lang", "km"), ("back", "/account")])
            .await;
        assert_eq!(
            switched.status,
            StatusCode::SEE_OTHER,
            "[{}] {switched:?}",
            app.label
        );
        assert_eq!(switched.location(), "/account", "[{}]", app.label);
        let answer = browser.get("/nope").await;
        check_error_page(
            &app,
            &answer,
            StatusCode::NOT_FOUND,
            "not-found",
            Language::Khmer,
        );
        assert!(
            !answer
                .text()
                .contains(&message(Language::English, "error-not-found")),
            "[{}] no English left: {}",
            app.label,
            answer.body
        );
        // The choice is kept in the account, not only in a cookie.
        let stored = app.store.user_by_username("sokha").await.expect("the user");
        assert_eq!(stored.language, "km", "[{}]", app.label);

        // A visitor who is not signed in gets the page in their cookie's language.
        let mut visitor = app.browser();
        visitor.get("/login").await;
        visitor
            .post_form("/language", &[("lang", "km"), ("back", "/login")])
            .await;
        let answer = visitor.get("/nowhere/at/all").await;
        check_error_page(
            &app,
            &answer,
            StatusCode::NOT_FOUND,
            "not-found",
            Language::Khmer,
        );
    }
}

#[tokio::test]
async fn the_wrong_method_gets_a_not_allowed_page() {
    for app in apps().await {
        let mut admin = admin_browser(&app).await;
        let user = target(&app).await;
        let disable = format!("/admin/users/{}/disable", user.id);
        for path in [
            "/logout",
            "/language",
            "/account/password",
            disable.as_str(),
        ] {
            let answer = admin.get(path).await;
            check_error_page(
                &app,
                &answer,
                StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                Language::English,
            );
        }
        let answer = app.browser().get("/logout").await;
        check_error_page(
            &app,
            &answer,
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            Language::English,
        );
    }
}

#[tokio::test]
async fn the_forms_on_an_error_page_work() {
    for app in apps().await {
        app.user("sokha", Role::Doctor).await;
        for path in ["/nope", "/admin/users", "/logout"] {
            let mut browser = app.signed_in("sokha").await;
            let page = browser.get(path).await;
            let what = format!("[{}] {path}: {}", app.label, page.body);
            assert!(page.status.is_client_error(), "{what}");
            // Still signed in: the page shows the menu and the sign-out button.
            assert!(page.body.contains("href=\"/account\""), "{what}");
            assert!(page.body.contains("id=\"sign-out\""), "{what}");
            let switched = browser
                .post_form("/language", &[("lang", "km"), ("back", "/")])
                .await;
            assert_eq!(
                switched.status,
                StatusCode::SEE_OTHER,
                "language switch: {what}"
            );
            browser.get(path).await;
            let out = browser.post_form("/logout", &[]).await;
            assert_eq!(out.status, StatusCode::SEE_OTHER, "sign-out: {what}");
            assert_eq!(out.location(), "/login?signed_out=1", "{what}");
        }
        let mut visitor = app.browser();
        visitor.get("/nope").await;
        let answer = visitor
            .post_form(
                "/login",
                &[
                    ("username", "sokha"),
                    ("password", crate::support::PASSWORD),
                ],
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "[{}] sign in after a 404: {answer:?}",
            app.label
        );
    }
}
