//! Signing in and out through the real form: where a sign-in leads, the cookie it
//! sets, what a refusal says (and what it keeps quiet about), the audit trail, and the
//! throttling of failed attempts.

use axum::http::StatusCode;
use haven_domain::{Language, Role};
use haven_store::{Actor, AuditEvent, AuditFilter};
use haven_web::{ThrottleLimits, WebConfig};

use crate::support::{apps, apps_with, message, message_start, Answer, App, PASSWORD};

#[tokio::test]
async fn a_correct_password_signs_in_and_goes_back_to_a_local_next_only() {
    let cases = [
        ("/admin/users", "/admin/users"),
        ("/account?tab=password", "/account?tab=password"),
        ("/", "/"),
        ("", "/"),
        ("//evil.example", "/"),
        ("//evil.example/admin", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        // Browsers drop tabs and new lines from URLs: these would become //evil.example.
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
    ];
    for app in apps().await {
        app.user("sokha", Role::SystemAdministrator).await;
        for (next, expected) in cases {
            let mut browser = app.browser();
            browser.get("/login").await;
            let answer = browser
                .post_form(
                    "/login",
                    &[
                        ("username", "sokha"),
                        ("password", PASSWORD),
                        ("next", next),
                    ],
                )
                .await;
            let what = format!("[{}] next={next:?}: {answer:?}", app.label);
            assert_eq!(answer.status, StatusCode::SEE_OTHER, "{what}");
            assert_eq!(answer.location(), expected, "{what}");
            assert!(answer.set_cookie("haven_session").is_some(), "{what}");
            let home = browser.get("/").await;
            assert_eq!(
                home.status,
                StatusCode::OK,
                "[{}] the new session works",
                app.label
            );
            assert!(
                home.text().contains("Welcome, sokha"),
                "[{}] {}",
                app.label,
                home.body
            );
        }
    }
}

#[tokio::test]
async fn the_sign_in_page_never_carries_a_foreign_next() {
    for app in apps().await {
        for (next, expected) in [
            ("%2Fadmin%2Faudit", "/admin/audit"),
            ("%2F%2Fevil.example", "/"),
            ("https%3A%2F%2Fevil.example", "/"),
            ("%2F%09%2Fevil.example", "/"),
        ] {
            let answer = app.browser().get(&format!("/login?next={next}")).await;
            assert_eq!(answer.status, StatusCode::OK, "[{}] {next}", app.label);
            let field = format!("name=\"next\" value=\"{expected}\"");
            assert!(
                answer.body.contains(&field),
                "[{}] {next}: {}",
                app.label,
                answer.body
            );
            assert_eq!(
                answer.body.matches("name=\"next\"").count(),
                1,
                "[{}] {next}",
                app.label
            );
        }
    }
}

#[tokio::test]
async fn the_session_cookie_is_http_only_same_site_lax_and_secure_only_behind_tls() {
    for secure in [false, true] {
        let config = WebConfig {
            secure_cookies: secure,
            ..WebConfig::default()
        };
        for app in apps_with(config).await {
            app.user("sokha", Role::Doctor).await;
            let mut browser = app.browser();
            let login = browser.get("/login").await;
            let answer = browser.sign_in("sokha", PASSWORD).await;
            let what = format!("[{}] secure_cookies={secure}", app.label);
            assert_eq!(answer.status, StatusCode::SEE_OTHER, "{what}: {answer:?}");
            let session = answer
                .set_cookie("haven_session")
                .unwrap_or_else(|| panic!("{what}: no session cookie in {:?}", answer.headers));
            let csrf = login
                .set_cookie("haven_csrf")
                .unwrap_or_else(|| panic!("{what}: no CSRF cookie in {:?}", login.headers));
            for cookie in [&session, &csrf] {
                let attributes: Vec<&str> = cookie.split(';').map(str::trim).collect();
                assert!(attributes.contains(&"HttpOnly"), "{what}: {cookie}");
                assert!(attributes.contains(&"SameSite=Lax"), "{what}: {cookie}");
                assert!(attributes.contains(&"Path=/"), "{what}: {cookie}");
                assert_eq!(attributes.contains(&"Secure"), secure, "{what}: {cookie}");
            }
            let token = session
                .split(';')
                .next()
                .and_then(|pair| pair.strip_prefix("haven_session="))
                .unwrap_or("");
            assert_eq!(token.len(), 64, "{what}: a random token: {session}");
        }
    }
}

/// The text of the error paragraph of a page, unescaped.
fn error_of(answer: &Answer) -> Option<String> {
    let text = answer.text();
    let marker = "<p class=\"error\" role=\"alert\">";
    let start = text.find(marker)? + marker.len();
    let end = text[start..].find("</p>")? + start;
    Some(text[start..end].to_owned())
}

#[tokio::test]
async fn a_wrong_password_is_refused_keeping_the_username_and_not_echoing_the_password() {
    for app in apps().await {
        app.user("sokha", Role::Doctor).await;
        let mut browser = app.browser();
        browser.get("/login").await;
        let typed = "my-secret-guess-42";
        let answer = browser
            .post_form(
                "/login",
                &[
                    ("username", "sokha"),
                    ("password", typed),
                    ("next", "/account"),
                ],
            )
            .await;
        let what = format!("[{}] {}", app.label, answer.body);
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{what}");
        assert!(answer.content_type().starts_with("text/html"), "{what}");
        assert!(answer.body.contains("class=\"error\""), "{what}");
        assert_eq!(
            error_of(&answer).as_deref(),
            Some(message(Language::English, "login-failed").as_str()),
            "{what}"
        );
        assert!(
            answer.body.contains("name=\"username\" value=\"sokha\""),
            "{what}"
        );
        assert!(
            answer.body.contains("name=\"next\" value=\"/account\""),
            "{what}"
        );
        assert!(
            !answer.body.contains(typed),
            "the password was echoed: {what}"
        );
        assert!(answer.set_cookie("haven_session").is_none(), "{what}");
        assert!(
            browser.get("/").await.is_sign_in_redirect(),
            "[{}]",
            app.label
        );
    }
}

#[tokio::test]
async fn an_unknown_user_gets_exactly_the_answer_a_wrong_password_gets() {
    for app in apps().await {
        app.user("sokha", Role::Doctor).await;
        let mut browser = app.browser();
        browser.get("/login").await;
        let mut attempt = async |username: &str, password: &str| {
            let answer = browser
                .post_form(
                    "/login",
                    &[
                        ("username", username),
                        ("password", password),
                        ("next", "/"),
                    ],
                )
                .await;
            (answer.status, answer.body.replace(username, "USERNAME"))
        };
        let wrong_password = attempt("sokha", "not the password").await;
        let unknown_user = attempt("nobody", PASSWORD).await;
        let invalid_name = attempt("no such user!", PASSWORD).await;
        assert_eq!(
            wrong_password.0,
            StatusCode::UNAUTHORIZED,
            "[{}]",
            app.label
        );
        assert_eq!(unknown_user, wrong_password, "[{}] unknown user", app.label);
        assert_eq!(
            invalid_name, wrong_password,
            "[{}] invalid username",
            app.label
        );
    }
}

#[tokio::test]
async fn a_disabled_user_cannot_sign_in_even_with_the_right_password() {
    for app in apps().await {
        let user = app.user("sokha", Role::Doctor).await;
        app.store
            .disable_user(&Actor::system(), user.id, user.version)
            .await
            .expect("disabling");
        let mut browser = app.browser();
        let answer = browser.sign_in("sokha", PASSWORD).await;
        let what = format!("[{}] {}", app.label, answer.body);
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{what}");
        // The same words as a wrong password: a guesser learns nothing.
        assert_eq!(
            error_of(&answer).as_deref(),
            Some(message(Language::English, "login-failed").as_str()),
            "{what}"
        );
        assert!(answer.set_cookie("haven_session").is_none(), "{what}");
        assert!(
            browser.get("/").await.is_sign_in_redirect(),
            "[{}]",
            app.label
        );
    }
}

#[tokio::test]
async fn empty_fields_are_refused_with_a_message_and_nothing_is_audited() {
    let cases = [
        ("", PASSWORD, ""),
        ("sokha", "", "sokha"),
        ("", "", ""),
        ("   ", PASSWORD, ""),
    ];
    for app in apps().await {
        app.user("sokha", Role::Doctor).await;
        for (username, password, kept) in cases {
            let mut browser = app.browser();
            browser.get("/login").await;
            let answer = browser
                .post_form(
                    "/login",
                    &[
                        ("username", username),
                        ("password", password),
                        ("next", "/"),
                    ],
                )
                .await;
            let what = format!("[{}] {username:?}/{password:?}: {}", app.label, answer.body);
            assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
            assert_eq!(
                error_of(&answer).as_deref(),
                Some(message(Language::English, "login-missing").as_str()),
                "{what}"
            );
            let field = format!("name=\"username\" value=\"{kept}\"");
            assert!(answer.body.contains(&field), "{what}");
            assert!(!answer.body.contains(PASSWORD), "{what}");
        }
        assert!(
            events(&app, "sign_in_failed").await.is_empty(),
            "[{}]",
            app.label
        );
    }
}

async fn events(app: &App, action: &str) -> Vec<AuditEvent> {
    app.store
        .list_audit_events(&AuditFilter {
            action: Some(action.to_owned()),
            limit: 500,
            ..AuditFilter::default()
        })
        .await
        .expect("listing audit events")
}

#[tokio::test]
async fn sign_ins_failed_sign_ins_and_sign_outs_are_audited() {
    for app in apps().await {
        let sokha = app.user("sokha", Role::Doctor).await;
        let dara = app.user("dara", Role::Midwife).await;
        app.store
            .disable_user(&Actor::system(), dara.id, dara.version)
            .await
            .expect("disabling");

        let mut browser = app.browser();
        assert_eq!(
            browser.sign_in("sokha", "wrong password 1").await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            browser.sign_in("Nobody", PASSWORD).await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            browser.sign_in("dara", PASSWORD).await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            browser.sign_in("sokha", PASSWORD).await.status,
            StatusCode::SEE_OTHER
        );
        browser.get("/").await;
        let out = browser.post_form("/logout", &[]).await;
        assert_eq!(out.status, StatusCode::SEE_OTHER, "[{}] {out:?}", app.label);

        let failed = events(&app, "sign_in_failed").await;
        let seen: Vec<(&str, &str, &str, &str)> = failed
            .iter()
            .map(|e| {
                (
                    e.actor_username.as_str(),
                    e.entity.as_str(),
                    e.entity_id.as_str(),
                    e.detail.as_str(),
                )
            })
            .collect();
        let (sokha_id, dara_id) = (sokha.id.to_string(), dara.id.to_string());
        // Newest first.
        let expected = vec![
            ("dara", "user", dara_id.as_str(), "disabled"),
            // What was typed for an unknown account is not kept: it may be a password.
            ("(unknown)", "user", "", "unknown_user"),
            ("sokha", "user", sokha_id.as_str(), "wrong_password"),
        ];
        assert_eq!(seen, expected, "[{}] failed sign-ins", app.label);

        let sign_ins = events(&app, "sign_in").await;
        assert_eq!(sign_ins.len(), 1, "[{}] {sign_ins:?}", app.label);
        assert_eq!(sign_ins[0].actor_id, sokha.id, "[{}]", app.label);
        assert_eq!(sign_ins[0].entity_id, sokha_id, "[{}]", app.label);

        let sign_outs = events(&app, "sign_out").await;
        assert_eq!(sign_outs.len(), 1, "[{}] {sign_outs:?}", app.label);
        assert_eq!(sign_outs[0].actor_username, "sokha", "[{}]", app.label);

        for event in failed.iter().chain(&sign_ins).chain(&sign_outs) {
            assert!(
                !event.detail.contains("wrong password"),
                "[{}] {event:?}",
                app.label
            );
            assert!(
                !event.detail.contains(PASSWORD),
                "[{}] {event:?}",
                app.label
            );
        }
    }
}

#[tokio::test]
async fn after_too_many_failures_even_the_right_password_is_throttled() {
    let config = WebConfig {
        throttle: ThrottleLimits {
            per_account: 3,
            ..ThrottleLimits::default()
        },
        ..WebConfig::default()
    };
    for app in apps_with(config).await {
        app.user("sokha", Role::Doctor).await;
        app.user("dara", Role::Doctor).await;
        let mut browser = app.browser();
        for attempt in 1..=3 {
            let answer = browser.sign_in("sokha", "a wrong password").await;
            assert_eq!(
                answer.status,
                StatusCode::UNAUTHORIZED,
                "[{}] attempt {attempt}",
                app.label
            );
        }
        let throttled_text = message_start(Language::English, "login-throttled");
        for username in ["sokha", "SOKHA"] {
            let answer = browser.sign_in(username, PASSWORD).await;
            let what = format!("[{}] {username}: {}", app.label, answer.body);
            assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS, "{what}");
            let error = error_of(&answer).unwrap_or_default();
            assert!(error.starts_with(&throttled_text), "{what}");
            assert!(!error.contains('{'), "the wait is filled in: {what}");
            assert!(answer.set_cookie("haven_session").is_none(), "{what}");
        }
        assert!(events(&app, "sign_in").await.is_empty(), "[{}]", app.label);
        // Another account from the same address is not held up.
        let other = app.browser().sign_in("dara", PASSWORD).await;
        assert_eq!(
            other.status,
            StatusCode::SEE_OTHER,
            "[{}] {other:?}",
            app.label
        );
    }
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    for app in apps().await {
        app.user("sokha", Role::Doctor).await;
        let mut browser = app.signed_in("sokha").await;
        let token = browser
            .cookies
            .get("haven_session")
            .cloned()
            .expect("a session cookie");
        assert_eq!(
            browser.get("/").await.status,
            StatusCode::OK,
            "[{}]",
            app.label
        );

        let out = browser.post_form("/logout", &[]).await;
        let what = format!("[{}] {out:?}", app.label);
        assert_eq!(out.status, StatusCode::SEE_OTHER, "{what}");
        assert_eq!(out.location(), "/login?signed_out=1", "{what}");
        let cleared = out.set_cookie("haven_session").unwrap_or_default();
        assert!(cleared.starts_with("haven_session=;"), "{what}");
        assert!(cleared.contains("Max-Age=0"), "{what}");
        let login = browser.get(out.location()).await;
        assert!(
            login
                .text()
                .contains(&message(Language::English, "login-signed-out")),
            "[{}] {}",
            app.label,
            login.body
        );

        // Someone who kept a copy of the cookie gets nothing with it.
        let mut copy = app.browser();
        copy.cookies.insert("haven_session".to_owned(), token);
        let answer = copy.get("/").await;
        assert!(answer.is_sign_in_redirect(), "[{}] {answer:?}", app.label);
        let answer = copy.get("/account").await;
        assert!(answer.is_sign_in_redirect(), "[{}] {answer:?}", app.label);
    }
}

#[tokio::test]
async fn a_signed_in_user_opening_the_sign_in_page_goes_home() {
    for app in apps().await {
        app.user("sokha", Role::Doctor).await;
        let mut browser = app.signed_in("sokha").await;
        let answer = browser.get("/login").await;
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "[{}] {answer:?}",
            app.label
        );
        assert_eq!(answer.location(), "/", "[{}]", app.label);
    }
}
