//! Sessions end when they should: after the idle timeout, at once when an
//! administrator disables the account or resets its password, and when users change
//! their own password. Each time the browser is sent to sign in, told why, and its
//! cookie is cleared.

use axum::http::StatusCode;
use haven_domain::{Language, Role};
use haven_store::SessionTimeouts;
use haven_web::WebConfig;

use crate::support::{apps, apps_with, message, Answer, App, Browser, PASSWORD};

const IDLE_SECONDS: i64 = 600;

fn short_idle() -> WebConfig {
    WebConfig {
        sessions: SessionTimeouts {
            idle_seconds: IDLE_SECONDS,
            absolute_seconds: 12 * 3600,
        },
        ..WebConfig::default()
    }
}

/// Checks that `answer` ends the session: a redirect to sign in that clears the
/// cookie, to a sign-in page that says the session ended.
async fn check_sent_to_sign_in(app: &App, browser: &mut Browser<'_>, answer: &Answer, what: &str) {
    let what = format!("[{}] {what}: {answer:?}", app.label);
    assert!(answer.is_sign_in_redirect(), "{what}");
    let cleared = answer.set_cookie("haven_session").unwrap_or_default();
    assert!(
        cleared.starts_with("haven_session=;"),
        "the cookie is cleared: {what}"
    );
    assert!(
        cleared.contains("Max-Age=0"),
        "the cookie is cleared: {what}"
    );
    assert!(!browser.cookies.contains_key("haven_session"), "{what}");
    let login = browser.get(answer.location()).await;
    assert_eq!(login.status, StatusCode::OK, "{what}");
    assert!(
        login
            .text()
            .contains(&message(Language::English, "login-session-ended")),
        "the sign-in page says the session ended: {what}\n{}",
        login.body
    );
}

#[tokio::test]
async fn an_idle_session_ends_and_the_sign_in_page_says_so() {
    for app in apps_with(short_idle()).await {
        app.user("sokha", Role::Doctor).await;
        let mut browser = app.signed_in("sokha").await;
        let token = browser
            .cookies
            .get("haven_session")
            .cloned()
            .expect("a session cookie");

        // Used a little less than the idle time ago: still alive.
        app.store
            .age_session(&token, IDLE_SECONDS - 120)
            .await
            .expect("ageing");
        let answer = browser.get("/").await;
        assert_eq!(answer.status, StatusCode::OK, "[{}] {answer:?}", app.label);

        app.store
            .age_session(&token, IDLE_SECONDS + 1)
            .await
            .expect("ageing");
        let answer = browser.get("/").await;
        check_sent_to_sign_in(&app, &mut browser, &answer, "GET / after the idle time").await;

        // The session is gone from the server, not only from the browser: bringing
        // its last use back to now does not revive it.
        app.store.age_session(&token, 0).await.expect("ageing");
        let mut copy = app.browser();
        copy.cookies.insert("haven_session".to_owned(), token);
        assert!(copy.get("/").await.is_sign_in_redirect(), "[{}]", app.label);
    }
}

#[tokio::test]
async fn a_form_sent_after_the_idle_time_leads_to_sign_in_not_to_a_csrf_error() {
    for app in apps_with(short_idle()).await {
        app.user("sokha", Role::Doctor).await;
        let mut browser = app.signed_in("sokha").await;
        let page = browser.get("/account").await;
        assert_eq!(page.status, StatusCode::OK, "[{}]", app.label);
        let token = browser
            .cookies
            .get("haven_session")
            .cloned()
            .expect("a session cookie");
        app.store
            .age_session(&token, IDLE_SECONDS + 1)
            .await
            .expect("ageing");
        let answer = browser
            .post_form(
                "/account/password",
                &[
                    ("current", PASSWORD),
                    ("new_password", "a new long password"),
                    ("confirm", "a new long password"),
                ],
            )
            .await;
        check_sent_to_sign_in(&app, &mut browser, &answer, "a form after the idle time").await;
        // Nothing was changed: the old password still works.
        let again = app.browser().sign_in("sokha", PASSWORD).await;
        assert_eq!(
            again.status,
            StatusCode::SEE_OTHER,
            "[{}] {again:?}",
            app.label
        );
    }
}

#[tokio::test]
async fn disabling_a_user_on_the_web_ends_their_live_session_at_once() {
    for app in apps().await {
        app.user("admin", Role::SystemAdministrator).await;
        let nurse = app.user("nurse", Role::RegisteredNurse).await;
        let mut admin = app.signed_in("admin").await;
        let mut browser = app.signed_in("nurse").await;
        assert_eq!(
            browser.get("/").await.status,
            StatusCode::OK,
            "[{}]",
            app.label
        );

        let path = format!("/admin/users/{}", nurse.id);
        let page = admin.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "[{}] {}", app.label, page.body);
        let version = page
            .form_field("disable-user", "version")
            .unwrap_or_else(|| panic!("[{}] no disable form: {}", app.label, page.body));
        let answer = admin
            .post_form(&format!("{path}/disable"), &[("version", &version)])
            .await;
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "[{}] {answer:?}",
            app.label
        );
        assert_eq!(answer.location(), path, "[{}]", app.label);
        let page = admin.get(&path).await;
        assert!(
            page.text()
                .contains(&message(Language::English, "users-disabled")),
            "[{}] {}",
            app.label,
            page.body
        );

        let answer = browser.get("/").await;
        check_sent_to_sign_in(&app, &mut browser, &answer, "GET / after being disabled").await;
        // The administrator's own session goes on.
        assert_eq!(
            admin.get("/").await.status,
            StatusCode::OK,
            "[{}]",
            app.label
        );
    }
}

#[tokio::test]
async fn a_password_reset_by_an_administrator_ends_the_users_sessions() {
    for app in apps().await {
        app.user("admin", Role::SystemAdministrator).await;
        let nurse = app.user("nurse", Role::RegisteredNurse).await;
        let mut admin = app.signed_in("admin").await;
        let mut laptop = app.signed_in("nurse").await;
        let mut phone = app.signed_in("nurse").await;

        let path = format!("/admin/users/{}", nurse.id);
        let page = admin.get(&path).await;
        let version = page
            .form_field("reset-password", "version")
            .unwrap_or_else(|| panic!("[{}] no reset form: {}", app.label, page.body));
        let new_password = "a fresh password for nurse";
        let answer = admin
            .post_form(
                &format!("{path}/password"),
                &[("version", &version), ("password", new_password)],
            )
            .await;
        let what = format!("[{}] {}", app.label, answer.body);
        assert_eq!(answer.status, StatusCode::OK, "{what}");
        assert!(
            answer
                .text()
                .contains(&message(Language::English, "user-password-was-reset")),
            "{what}"
        );
        assert!(
            !answer.body.contains(new_password),
            "the password is not shown: {what}"
        );

        for browser in [&mut laptop, &mut phone] {
            let answer = browser.get("/").await;
            check_sent_to_sign_in(&app, browser, &answer, "GET / after a password reset").await;
        }
        assert_eq!(
            admin.get("/").await.status,
            StatusCode::OK,
            "[{}]",
            app.label
        );
        let old = app.browser().sign_in("nurse", PASSWORD).await;
        assert_eq!(
            old.status,
            StatusCode::UNAUTHORIZED,
            "[{}] old password",
            app.label
        );
        let new = app.browser().sign_in("nurse", new_password).await;
        assert_eq!(
            new.status,
            StatusCode::SEE_OTHER,
            "[{}] new password",
            app.label
        );
    }
}

#[tokio::test]
async fn changing_my_own_password_ends_my_sessions() {
    for app in apps().await {
        app.user("sokha", Role::Doctor).await;
        let mut browser = app.signed_in("sokha").await;
        let mut other = app.signed_in("sokha").await;
        browser.get("/account").await;
        let new_password = "my brand new password";
        let answer = browser
            .post_form(
                "/account/password",
                &[
                    ("current", PASSWORD),
                    ("new_password", new_password),
                    ("confirm", new_password),
                ],
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "[{}] {answer:?}",
            app.label
        );
        assert_eq!(
            answer.location(),
            "/login?password_changed=1",
            "[{}]",
            app.label
        );
        assert!(
            browser.get("/").await.is_sign_in_redirect(),
            "[{}]",
            app.label
        );
        let answer = other.get("/").await;
        check_sent_to_sign_in(&app, &mut other, &answer, "another session of the user").await;
        let new = app.browser().sign_in("sokha", new_password).await;
        assert_eq!(new.status, StatusCode::SEE_OTHER, "[{}]", app.label);
    }
}

#[tokio::test]
async fn a_wrong_current_password_changes_nothing_and_keeps_the_session() {
    for app in apps().await {
        app.user("sokha", Role::Doctor).await;
        let mut browser = app.signed_in("sokha").await;
        browser.get("/account").await;
        let answer = browser
            .post_form(
                "/account/password",
                &[
                    ("current", "not my password"),
                    ("new_password", "my brand new password"),
                    ("confirm", "my brand new password"),
                ],
            )
            .await;
        let what = format!("[{}] {}", app.label, answer.body);
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        assert!(
            answer
                .text()
                .contains(&message(Language::English, "account-current-wrong")),
            "{what}"
        );
        assert!(!answer.body.contains("my brand new password"), "{what}");
        assert_eq!(
            browser.get("/").await.status,
            StatusCode::OK,
            "[{}]",
            app.label
        );
    }
}
