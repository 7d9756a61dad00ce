//! Bad input found in review: each case once answered 500, escaped a limit, or
//! reached further than the user's scope.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use haven_domain::{Language, Role, Scope};
use haven_store::{Actor, NewUser};
use haven_web::{ThrottleLimits, WebConfig};

use crate::support::{apps, apps_with, message};

#[tokio::test]
async fn audit_dates_at_the_ends_of_the_calendar_get_the_date_message_not_a_500() {
    for app in apps().await {
        app.user("admin", Role::SystemAdministrator).await;
        let mut admin = app.signed_in("admin").await;
        for query in [
            "until=9999-12-31",
            "from=-4714-01-01",
            "from=1899-12-31",
            "until=+10000-01-01",
        ] {
            let answer = admin.get(&format!("/admin/audit?{query}")).await;
            assert_eq!(answer.status, StatusCode::OK, "[{}] {query}", app.label);
            assert!(
                answer
                    .text()
                    .contains(&message(Language::English, "audit-bad-date")),
                "[{}] {query}",
                app.label
            );
        }
    }
}

#[tokio::test]
async fn control_characters_never_reach_the_database() {
    for app in apps().await {
        let admin_user = app.user("admin", Role::SystemAdministrator).await;
        // Not signed in: a NUL in the username is a failed sign-in, and is audited.
        let mut visitor = app.browser();
        let answer = visitor.sign_in("ad\u{0}min", "wrong password").await;
        assert_eq!(
            answer.status,
            StatusCode::UNAUTHORIZED,
            "[{}] {}",
            app.label,
            answer.body
        );

        let mut admin = app.signed_in("admin").await;
        for query in ["user=%00", "record=a%00b", "entity=%00", "action=%00"] {
            let answer = admin.get(&format!("/admin/audit?{query}")).await;
            assert_eq!(answer.status, StatusCode::OK, "[{}] {query}", app.label);
        }
        let path = format!("/admin/users/{}/tokens", admin_user.id);
        let answer = admin.post_form(&path, &[("label", "a\u{0}b")]).await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "[{}] {}",
            app.label,
            answer.body
        );
        let tokens = app.store.api_tokens(admin_user.id).await.expect("tokens");
        assert_eq!(tokens[0].label, "ab", "[{}]", app.label);

        let mut client = app.api_client(&admin_user).await;
        let answer = client.get("/api/v1/audit-events?user=%00&record=%00").await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "[{}] {}",
            app.label,
            answer.body
        );
    }
}

#[tokio::test]
async fn simultaneous_wrong_passwords_are_all_counted() {
    let config = WebConfig {
        throttle: ThrottleLimits {
            per_account: 3,
            per_address: 100,
            window: std::time::Duration::from_secs(600),
            ..ThrottleLimits::default()
        },
        ..WebConfig::default()
    };
    for app in apps_with(config).await {
        app.user("nurse", Role::RegisteredNurse).await;
        let attempts = (0..8).map(|_| async {
            let mut browser = app.browser();
            browser.sign_in("nurse", "not the password").await.status
        });
        let statuses = futures::future::join_all(attempts).await;
        let checked = statuses
            .iter()
            .filter(|s| **s == StatusCode::UNAUTHORIZED)
            .count();
        let refused = statuses
            .iter()
            .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
            .count();
        assert_eq!((checked, refused), (3, 5), "[{}] {statuses:?}", app.label);
    }
}

#[tokio::test]
async fn made_up_methods_do_not_grow_the_metrics() {
    for app in apps().await {
        let mut browser = app.browser();
        for method in ["BREW", "WHATEVER", "X-LONG-METHOD-NAME"] {
            let request = Request::builder()
                .method(method)
                .uri("/healthz")
                .body(Body::empty())
                .expect("a request");
            browser.send(request).await;
        }
        let metrics = app.metrics().await.body;
        assert!(
            !metrics.contains("BREW") && !metrics.contains("WHATEVER"),
            "[{}]",
            app.label
        );
        assert!(
            metrics.contains("method=\"other\""),
            "[{}] {metrics}",
            app.label
        );
    }
}

#[tokio::test]
async fn an_administrator_grants_roles_only_within_their_own_scope() {
    for app in apps().await {
        let actor = Actor::system();
        let local = Scope::Facility("f1".to_owned());
        let local_admin = app
            .store
            .create_user_with_role(
                &actor,
                NewUser {
                    username: haven_domain::Username::parse("local-admin").expect("a username"),
                    display_name: haven_domain::DisplayName::parse("Local admin").expect("a name"),
                    password_hash: haven_store::password::hash_password(crate::support::PASSWORD)
                        .expect("a hash"),
                    language: Language::English,
                },
                Role::SystemAdministrator,
                &local,
            )
            .await
            .expect("a facility administrator");
        // A doctor of the same facility: an administrator acts only on accounts whose
        // every role lies within their own scope.
        let doctor = app.user("doctor", Role::Doctor).await;
        let everywhere = app.store.role_assignments(doctor.id).await.expect("roles");
        app.store
            .revoke_role(&actor, everywhere[0].id, everywhere[0].version)
            .await
            .expect("revoked");
        app.store
            .assign_role(&actor, doctor.id, Role::Doctor, &local)
            .await
            .expect("a local role");
        let mut browser = app.signed_in("local-admin").await;
        let beyond = message(Language::English, "users-scope-beyond-yours");

        // A new user everywhere: refused at the scope field, with what was typed kept.
        browser.get("/admin/users").await;
        let answer = browser
            .post_form(
                "/admin/users",
                &[
                    ("username", "wide-admin"),
                    ("display_name", "Wide"),
                    ("password", "a long enough password"),
                    ("language", "en"),
                    ("role", "system_administrator"),
                    ("scope", "all"),
                ],
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}]",
            app.label
        );
        assert!(answer.text().contains(&beyond), "[{}]", app.label);
        assert!(
            answer.body.contains("value=\"wide-admin\""),
            "[{}]",
            app.label
        );
        assert!(
            app.store.user_by_username("wide-admin").await.is_err(),
            "[{}]",
            app.label
        );

        // A role everywhere for an existing user: refused; in the own facility: given.
        let path = format!("/admin/users/{}/roles", doctor.id);
        browser.get(&format!("/admin/users/{}", doctor.id)).await;
        let answer = browser
            .post_form(&path, &[("role", "midwife"), ("scope", "all")])
            .await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}]",
            app.label
        );
        assert!(answer.text().contains(&beyond), "[{}]", app.label);
        let answer = browser
            .post_form(&path, &[("role", "midwife"), ("scope", "facility:f1")])
            .await;
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            answer.body
        );

        // The same through the API.
        let mut client = app.api_client(&local_admin).await;
        let answer = client
            .post_json(
                "/api/v1/users",
                r#"{"username":"api-wide","display_name":"Wide","password":"a long enough password","role":"doctor","scope":"all"}"#,
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::FORBIDDEN,
            "[{}] {}",
            app.label,
            answer.body
        );
        assert_eq!(
            answer.json()["code"],
            "auth.scope_beyond_yours",
            "[{}]",
            app.label
        );
    }
}

#[tokio::test]
async fn an_administrator_cannot_revoke_their_own_roles_or_another_users_token() {
    for app in apps().await {
        let admin = app.user("admin", Role::SystemAdministrator).await;
        let doctor = app.user("doctor", Role::Doctor).await;
        let own = app.store.role_assignments(admin.id).await.expect("roles")[0].clone();
        let (_, doctors_token) = app
            .store
            .create_api_token(&Actor::system(), doctor.id, "doctor's")
            .await
            .expect("a token");
        let mut browser = app.signed_in("admin").await;
        browser.get(&format!("/admin/users/{}", admin.id)).await;
        let version = own.version.to_string();
        let answer = browser
            .post_form(
                &format!("/admin/users/{}/roles/{}/revoke", admin.id, own.id),
                &[("version", &version)],
            )
            .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "[{}]", app.label);
        assert!(
            app.store.role_assignments(admin.id).await.expect("roles")[0]
                .revoked_at
                .is_none(),
            "[{}]",
            app.label
        );
        // The doctor's token, named under the administrator's own page.
        let answer = browser
            .post_form(
                &format!(
                    "/admin/users/{}/tokens/{}/revoke",
                    admin.id, doctors_token.id
                ),
                &[("version", "1")],
            )
            .await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "[{}]", app.label);
        assert!(app.store.api_tokens(doctor.id).await.expect("tokens")[0]
            .revoked_at
            .is_none());
    }
}

#[tokio::test]
async fn what_an_api_token_does_is_audited_with_the_token() {
    for app in apps().await {
        let admin = app.user("admin", Role::SystemAdministrator).await;
        let (token, record) = app
            .store
            .create_api_token(&Actor::system(), admin.id, "sync")
            .await
            .expect("a token");
        let mut client = app.browser();
        client.bearer = Some(token);
        let answer = client
            .post_json(
                "/api/v1/users",
                r#"{"username":"made-by-api","display_name":"API","password":"a long enough password","role":"doctor","scope":"all"}"#,
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::CREATED,
            "[{}] {}",
            app.label,
            answer.body
        );
        let events = app
            .store
            .list_audit_events(&haven_store::AuditFilter {
                action: Some("user_create".to_owned()),
                limit: 1,
                ..Default::default()
            })
            .await
            .expect("events");
        assert_eq!(events[0].actor_id, admin.id, "[{}]", app.label);
        assert!(
            events[0].address.contains(&record.id.to_string()),
            "[{}] {}",
            app.label,
            events[0].address
        );
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_address_is_the_clients() {
    for (trust, expected) in [(true, "203.0.113.7"), (false, "unknown")] {
        let config = WebConfig {
            trust_forwarded_for: trust,
            ..WebConfig::default()
        };
        for app in apps_with(config.clone()).await {
            app.user("nurse", Role::RegisteredNurse).await;
            let mut browser = app.browser();
            browser.get("/login").await;
            let csrf = browser.csrf.clone().unwrap_or_default();
            let body = format!("csrf={csrf}&username=nurse&password=wrong+password&next=%2F");
            // The client claims an address; the proxy appends the one it saw.
            let request = Request::builder()
                .method("POST")
                .uri("/login")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("x-forwarded-for", "10.9.9.9, 203.0.113.7")
                .body(Body::from(body))
                .expect("a request");
            let answer = browser.send(request).await;
            assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "[{}]", app.label);
            let events = app
                .store
                .list_audit_events(&haven_store::AuditFilter {
                    action: Some("sign_in_failed".to_owned()),
                    ..Default::default()
                })
                .await
                .expect("events");
            assert_eq!(events[0].address, expected, "[{}] trust {trust}", app.label);
        }
    }
}

#[tokio::test]
async fn the_audit_trail_shows_site_time_and_details_in_the_readers_language() {
    let config = WebConfig {
        time_offset: time::UtcOffset::from_hms(7, 0, 0).expect("an offset"),
        ..WebConfig::default()
    };
    for app in apps_with(config.clone()).await {
        let admin = app.user("admin", Role::SystemAdministrator).await;
        app.browser().sign_in("admin", "wrong password").await;
        let mut browser = app.signed_in("admin").await;
        browser.get("/").await;
        let switched = browser
            .post_form("/language", &[("lang", "km"), ("back", "/")])
            .await;
        assert_eq!(switched.status, StatusCode::SEE_OTHER, "[{}]", app.label);
        let page = browser.get("/admin/audit?action=sign_in_failed").await;
        assert_eq!(page.status, StatusCode::OK, "[{}]", app.label);
        assert!(
            page.body.contains("(UTC+07:00)"),
            "[{}] {}",
            app.label,
            page.body
        );
        let wrong = message(Language::Khmer, "sign-in-failed-wrong-password");
        assert!(
            page.text().contains(&wrong),
            "[{}] the detail in Khmer",
            app.label
        );
        assert!(
            !page.body.contains("<td>wrong_password</td>"),
            "[{}]",
            app.label
        );

        // A role's detail reads as the role and the place, in Khmer.
        let page = browser
            .get(&format!(
                "/admin/audit?action=role_assign&record={}",
                admin.id
            ))
            .await;
        let role = message(Language::Khmer, "role-system-administrator");
        assert!(page.text().contains(&role), "[{}] {}", app.label, page.body);
    }
}
