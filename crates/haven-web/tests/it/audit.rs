//! The audit trail through the web: what an administrator sees, how the filters
//! narrow it, bad dates, paging, who may not see it, and the hash chain staying
//! intact after a busy session of real use.

use axum::http::StatusCode;
use haven_domain::{Language, Role};
use haven_store::{Actor, AuditFilter, ChainReport, NewAuditEvent};

use crate::support::{apps, message, Answer, App, Browser, PASSWORD};

/// One row of `table#audit-events`: who and which action.
#[derive(Debug, PartialEq, Eq)]
struct Row {
    username: String,
    action: String,
    record: String,
}

/// The rows of the audit table on a page.
fn rows(app: &App, answer: &Answer) -> Vec<Row> {
    let what = format!("[{}] {}", app.label, answer.body);
    assert_eq!(answer.status, StatusCode::OK, "{what}");
    let table = answer
        .body
        .find("<table id=\"audit-events\">")
        .unwrap_or_else(|| panic!("no table: {what}"));
    let body = &answer.body[table..];
    let start = body
        .find("<tbody>")
        .unwrap_or_else(|| panic!("no tbody: {what}"))
        + "<tbody>".len();
    let end = body
        .find("</tbody>")
        .unwrap_or_else(|| panic!("no end of tbody: {what}"));
    body[start..end]
        .split("<tr>")
        .skip(1)
        .map(|row| {
            let cells: Vec<&str> = row
                .split("<td>")
                .skip(1)
                .map(|cell| cell.split("</td>").next().unwrap_or(""))
                .collect();
            assert_eq!(cells.len(), 7, "seven cells a row: {what}");
            let action = cells[3]
                .split("<code>")
                .nth(1)
                .and_then(|code| code.split("</code>").next())
                .unwrap_or("")
                .to_owned();
            Row {
                username: cells[2].to_owned(),
                action,
                record: cells[4].to_owned(),
            }
        })
        .collect()
}

/// An administrator and a doctor, with sign-ins, failures and changes on the trail.
async fn some_history(app: &App) -> Browser<'_> {
    app.user("admin", Role::SystemAdministrator).await;
    app.user("dara", Role::Doctor).await;
    let mut admin = app.signed_in("admin").await;
    for _ in 0..2 {
        let failed = app.browser().sign_in("dara", "not her password").await;
        assert_eq!(failed.status, StatusCode::UNAUTHORIZED, "[{}]", app.label);
    }
    let mut dara = app.signed_in("dara").await;
    dara.get("/").await;
    dara.post_form("/logout", &[]).await;
    admin.get("/admin/users").await;
    let created = admin
        .post_form(
            "/admin/users",
            &[
                ("username", "sokha"),
                ("display_name", "Sokha"),
                ("password", "a good long password"),
                ("role", "midwife"),
                ("scope", "all"),
            ],
        )
        .await;
    assert_eq!(
        created.status,
        StatusCode::SEE_OTHER,
        "[{}] {}",
        app.label,
        created.body
    );
    admin
}

#[tokio::test]
async fn an_administrator_sees_the_trail_and_the_filters_narrow_it() {
    for app in apps().await {
        let mut admin = some_history(&app).await;
        let all = rows(&app, &admin.get("/admin/audit").await);
        let stored = app
            .store
            .list_audit_events(&AuditFilter {
                limit: 500,
                ..AuditFilter::default()
            })
            .await
            .expect("listing");
        assert_eq!(
            all.len(),
            stored.len(),
            "[{}] every event is shown: {all:?}",
            app.label
        );
        for (username, action) in [
            ("admin", "sign_in"),
            ("dara", "sign_in_failed"),
            ("dara", "sign_in"),
            ("dara", "sign_out"),
            ("admin", "user_create"),
            ("admin", "role_assign"),
        ] {
            assert!(
                all.iter()
                    .any(|r| r.username == username && r.action == action),
                "[{}] {username} {action} in {all:?}",
                app.label
            );
        }

        // A query, the user and the action every row shown must have, and how many.
        let cases = [
            ("user=dara", Some("dara"), None, 4),
            ("user=DARA", Some("dara"), None, 4),
            (
                "action=sign_in_failed",
                Some("dara"),
                Some("sign_in_failed"),
                2,
            ),
            ("user=dara&action=sign_in", Some("dara"), Some("sign_in"), 1),
            (
                "user=admin&action=user_create",
                Some("admin"),
                Some("user_create"),
                1,
            ),
            (
                "entity=user&action=role_assign",
                None,
                Some("role_assign"),
                3,
            ),
            ("user=nobody", None, None, 0),
            ("from=2000-01-01", None, None, all.len()),
            ("until=2000-01-01", None, None, 0),
        ];
        for (query, username, action, count) in cases {
            let answer = admin.get(&format!("/admin/audit?{query}")).await;
            let shown = rows(&app, &answer);
            assert_eq!(shown.len(), count, "[{}] {query}: {shown:?}", app.label);
            let matches = |row: &Row| {
                username.is_none_or(|u| row.username == u) && action.is_none_or(|a| row.action == a)
            };
            assert!(
                shown.iter().all(matches),
                "[{}] {query}: {shown:?}",
                app.label
            );
            assert_eq!(
                shown.is_empty(),
                answer
                    .text()
                    .contains(&message(Language::English, "audit-none")),
                "[{}] {query}: the 'no event' message",
                app.label
            );
        }

        // The trail of one record, as linked from the user's page.
        let sokha = app.store.user_by_username("sokha").await.expect("sokha");
        let shown = rows(
            &app,
            &admin
                .get(&format!("/admin/audit?entity=user&record={}", sokha.id))
                .await,
        );
        assert_eq!(
            shown.len(),
            2,
            "[{}] created and given a role: {shown:?}",
            app.label
        );
        assert!(
            shown
                .iter()
                .all(|r| r.record.contains(&sokha.id.to_string())),
            "[{}]",
            app.label
        );
        // The filter form keeps what was typed.
        let answer = admin.get("/admin/audit?user=dara&action=sign_out").await;
        assert!(
            answer.body.contains("name=\"user\" value=\"dara\""),
            "[{}]",
            app.label
        );
        assert!(
            answer.body.contains("value=\"sign_out\" selected"),
            "[{}]",
            app.label
        );
    }
}

#[tokio::test]
async fn a_bad_date_shows_the_date_error_and_no_rows_not_a_500() {
    for app in apps().await {
        let mut admin = some_history(&app).await;
        for query in [
            "from=2026-13-45",
            "until=31/12/2025",
            "from=2026-02-30&until=2026-03-01",
            "from=yesterday",
        ] {
            let answer = admin.get(&format!("/admin/audit?{query}")).await;
            let what = format!("[{}] {query}: {}", app.label, answer.body);
            assert_eq!(answer.status, StatusCode::OK, "{what}");
            assert!(
                answer
                    .text()
                    .contains(&message(Language::English, "audit-bad-date")),
                "{what}"
            );
            assert!(rows(&app, &answer).is_empty(), "{what}");
            let typed = query
                .split('&')
                .next()
                .and_then(|q| q.split_once('='))
                .map(|(_, v)| v)
                .unwrap_or("");
            assert!(
                answer.body.contains(&format!("value=\"{typed}\"")),
                "the date is kept: {what}"
            );
        }
        // Other nonsense in the query is a bad request, not a server error.
        let answer = admin.get("/admin/audit?before=abc").await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "[{}] {}",
            app.label,
            answer.body
        );
        assert!(answer.body.contains("<html"), "[{}]", app.label);
    }
}

#[tokio::test]
async fn the_trail_pages_back_a_hundred_events_at_a_time() {
    for app in apps().await {
        let admin_user = app.user("admin", Role::SystemAdministrator).await;
        let actor = Actor {
            id: admin_user.id,
            username: "admin".to_owned(),
            address: "10.0.0.1".to_owned(),
        };
        for _ in 0..130 {
            app.store
                .audit(
                    &actor,
                    NewAuditEvent::new("sign_out", "user", admin_user.id),
                )
                .await
                .expect("an event");
        }
        let mut admin = app.signed_in("admin").await;
        let total = app
            .test_store
            .scalar("SELECT COUNT(*) FROM audit_event")
            .await
            .expect("count");
        let first = admin.get("/admin/audit").await;
        assert_eq!(rows(&app, &first).len(), 100, "[{}]", app.label);
        let marker = "<p><a href=\"";
        let start = first.body.find(marker).map(|i| i + marker.len());
        let older = start
            .and_then(|s| {
                first.body[s..]
                    .find('"')
                    .map(|e| first.body[s..s + e].to_owned())
            })
            .unwrap_or_else(|| panic!("[{}] no link to older events", app.label))
            .replace("&amp;", "&")
            .replace("&#38;", "&");
        assert!(
            older.starts_with("/admin/audit?"),
            "[{}] {older}",
            app.label
        );
        let second = admin.get(&older).await;
        let rest = rows(&app, &second);
        assert_eq!(rest.len() as i64, total - 100, "[{}] {older}", app.label);
        assert!(
            !second
                .text()
                .contains(&message(Language::English, "audit-older")),
            "[{}]",
            app.label
        );
    }
}

#[tokio::test]
async fn only_roles_that_may_read_the_trail_see_it() {
    for app in apps().await {
        for role in [Role::Doctor, Role::RecordsClerk, Role::SosParent] {
            let user = app
                .user(&format!("as.{}", role.code().replace('_', ".")), role)
                .await;
            let mut browser = app.session_for(&user).await;
            let answer = browser.get("/admin/audit").await;
            let what = format!("[{}] {}: {}", app.label, role.code(), answer.body);
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{what}");
            assert!(
                answer
                    .text()
                    .contains(&message(Language::English, "error-forbidden")),
                "{what}"
            );
            assert!(!answer.body.contains("audit-events"), "{what}");
            let home = browser.get("/").await;
            assert!(
                !home.body.contains("href=\"/admin/audit"),
                "no link to it: {what}"
            );
        }
        let answer = app.browser().get("/admin/audit").await;
        assert!(answer.is_sign_in_redirect(), "[{}] {answer:?}", app.label);
        assert_eq!(
            answer.location(),
            "/login?next=%2Fadmin%2Faudit",
            "[{}]",
            app.label
        );
    }
}

#[tokio::test]
async fn the_audit_chain_stays_intact_after_a_busy_session() {
    for app in apps().await {
        let mut admin = some_history(&app).await;
        let sokha = app.store.user_by_username("sokha").await.expect("sokha");
        let path = format!("/admin/users/{}", sokha.id);
        let step = |answer: &Answer, what: &str| {
            assert!(
                answer.status.is_success() || answer.status.is_redirection(),
                "[{}] {what}: {} {}",
                app.label,
                answer.status,
                answer.body
            );
        };
        for _ in 0..3 {
            let page = admin.get(&path).await;
            let version = page
                .form_field("disable-user", "version")
                .expect("a disable form");
            step(
                &admin
                    .post_form(&format!("{path}/disable"), &[("version", &version)])
                    .await,
                "disable",
            );
            let page = admin.get(&path).await;
            let version = page
                .form_field("enable-user", "version")
                .expect("an enable form");
            step(
                &admin
                    .post_form(&format!("{path}/enable"), &[("version", &version)])
                    .await,
                "enable",
            );
        }
        admin.get(&path).await;
        step(
            &admin
                .post_form(
                    &format!("{path}/roles"),
                    &[("role", "doctor"), ("scope", "country:KH")],
                )
                .await,
            "role",
        );
        let page = admin.get(&path).await;
        step(&page, "user page");
        let made = admin
            .post_form(&format!("{path}/tokens"), &[("label", "lab machine")])
            .await;
        step(&made, "token");
        let token = app
            .store
            .api_tokens(sokha.id)
            .await
            .expect("tokens")
            .remove(0);
        admin.get(&path).await;
        step(
            &admin
                .post_form(
                    &format!("{path}/tokens/{}/revoke", token.id),
                    &[("version", &token.version.to_string())],
                )
                .await,
            "revoke token",
        );
        let page = admin.get(&path).await;
        let version = page
            .form_field("reset-password", "version")
            .expect("a reset form");
        step(
            &admin
                .post_form(
                    &format!("{path}/password"),
                    &[("version", &version), ("password", "another long password")],
                )
                .await,
            "reset",
        );
        // Sign-ins, right and wrong, from several browsers at once: the chain takes
        // them one after another.
        let attempt = async |password: &str| app.browser().sign_in("dara", password).await.status;
        let statuses = tokio::join!(
            attempt(PASSWORD),
            attempt("wrong guess here"),
            attempt(PASSWORD),
            attempt("another wrong guess"),
        );
        let expected = (
            StatusCode::SEE_OTHER,
            StatusCode::UNAUTHORIZED,
            StatusCode::SEE_OTHER,
            StatusCode::UNAUTHORIZED,
        );
        assert_eq!(statuses, expected, "[{}]", app.label);
        step(
            &admin
                .post_form("/language", &[("lang", "km"), ("back", "/")])
                .await,
            "language",
        );
        admin.get("/admin/audit").await;
        step(&admin.post_form("/logout", &[]).await, "sign out");

        let count = app
            .test_store
            .scalar("SELECT COUNT(*) FROM audit_event")
            .await
            .expect("count");
        // 26 events at least: 11 from the history, 15 from the steps above.
        assert!(
            count >= 26,
            "[{}] a busy session: {count} events",
            app.label
        );
        let report = app.store.verify_audit_chain().await.expect("verifying");
        assert_eq!(
            report,
            ChainReport::Intact { events: count },
            "[{}]",
            app.label
        );
    }
}

#[tokio::test]
async fn the_trail_downloads_as_csv_with_its_filters_and_the_download_is_audited() {
    for app in apps().await {
        let admin = app.user("csv-admin", Role::SystemAdministrator).await;
        let mut browser = app.session_for(&admin).await;
        app.user("csv-someone", Role::Doctor).await;
        let answer = browser
            .get("/admin/audit/export.csv?action=user_create&entity=&record=&user=&from=&until=")
            .await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "[{}] {}",
            app.label,
            answer.body
        );
        assert!(
            answer.content_type().starts_with("text/csv"),
            "[{}]",
            app.label
        );
        let lines: Vec<&str> = answer.body.trim_start_matches('\u{feff}').lines().collect();
        assert!(lines[0].starts_with("id,occurred_at,username,action"));
        assert!(lines.len() >= 3, "two user_create events: {lines:?}");
        assert!(
            lines[1..].iter().all(|l| l.contains(",user_create,")),
            "{lines:?}"
        );
        let bad = browser.get("/admin/audit/export.csv?from=31-02-2026").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "[{}]", app.label);
        let exports = app
            .store
            .list_audit_events(&AuditFilter {
                action: Some("export".to_owned()),
                ..AuditFilter::default()
            })
            .await
            .expect("events");
        assert_eq!(exports.len(), 1, "[{}]", app.label);
        assert_eq!(exports[0].entity, "audit_event");
    }
}

#[tokio::test]
async fn the_accounts_download_as_csv_without_secrets_and_the_download_is_audited() {
    for app in apps().await {
        let admin = app.user("csv-admin", Role::SystemAdministrator).await;
        app.user("csv-midwife", Role::Midwife).await;
        let mut browser = app.session_for(&admin).await;
        let answer = browser.get("/admin/users/export.csv").await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "[{}] {}",
            app.label,
            answer.body
        );
        assert!(answer.content_type().starts_with("text/csv"));
        assert!(answer
            .body
            .contains("csv-midwife,csv-midwife,en,active,midwife all"));
        assert!(!answer.body.contains("$argon2"), "no password hashes");
        let exports = app
            .store
            .list_audit_events(&AuditFilter {
                action: Some("export".to_owned()),
                ..AuditFilter::default()
            })
            .await
            .expect("events");
        assert_eq!(exports.len(), 1, "[{}]", app.label);
        assert_eq!(exports[0].entity, "user");
        assert_eq!(exports[0].detail, "rows=2");
    }
}
