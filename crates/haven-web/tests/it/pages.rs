//! The pages themselves: what the home page shows each role, the layout every page
//! shares, static files, operations endpoints, security headers, and the
//! translations (both files in step, every key used exists, no raw key ever reaches a
//! page, and Khmer users read Khmer).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use axum::http::StatusCode;
use haven_domain::{Language, Role, Scope};
use haven_store::{Actor, NewAuditEvent};
use haven_web::i18n::{Translations, SOURCES};

use crate::support::{apps, message, Answer, App, Browser};

#[tokio::test]
async fn the_home_page_lists_the_users_roles_and_the_work_they_may_open() {
    for app in apps().await {
        app.user("admin", Role::SystemAdministrator).await;
        let doctor = app.user("dara", Role::Doctor).await;
        app.store
            .assign_role(
                &Actor::system(),
                doctor.id,
                Role::Midwife,
                &Scope::Country("KH".to_owned()),
            )
            .await
            .expect("a second role");
        let english = |key: &str| message(Language::English, key);

        let home = app.signed_in("admin").await.get("/").await;
        let what = format!("[{}] admin: {}", app.label, home.body);
        assert_eq!(home.status, StatusCode::OK, "{what}");
        let text = home.text();
        assert!(
            text.contains(&english("role-system-administrator")),
            "{what}"
        );
        assert!(text.contains(&english("scope-all")), "{what}");
        for link in [
            "href=\"/admin/users\"",
            "href=\"/admin/audit\"",
            "href=\"/account\"",
        ] {
            assert!(home.body.contains(link), "{link}: {what}");
        }
        assert!(text.contains(&english("home-failed-sign-ins")), "{what}");

        let home = app.signed_in("dara").await.get("/").await;
        let what = format!("[{}] doctor: {}", app.label, home.body);
        assert_eq!(home.status, StatusCode::OK, "{what}");
        let text = home.text();
        assert!(text.contains(&english("role-doctor")), "{what}");
        assert!(text.contains(&english("role-midwife")), "{what}");
        assert!(text.contains("country KH"), "{what}");
        assert!(
            !text.contains(&english("role-system-administrator")),
            "{what}"
        );
        assert!(home.body.contains("href=\"/account\""), "{what}");
        for link in ["href=\"/admin/users", "href=\"/admin/audit"] {
            assert!(!home.body.contains(link), "{link}: {what}");
        }
        assert!(!text.contains(&english("home-failed-sign-ins")), "{what}");

        // Someone whose only role was revoked is told to ask for one.
        let nobody = app.user("nobody", Role::Doctor).await;
        let assignment = app
            .store
            .role_assignments(nobody.id)
            .await
            .expect("roles")
            .remove(0);
        app.store
            .revoke_role(&Actor::system(), assignment.id, assignment.version)
            .await
            .expect("revoking");
        let home = app.signed_in("nobody").await.get("/").await;
        let what = format!("[{}] no role: {}", app.label, home.body);
        assert!(home.text().contains(&english("home-no-roles")), "{what}");
        assert!(!home.text().contains(&english("role-doctor")), "{what}");
    }
}

/// Every kind of page Haven serves, as one browser or another sees it.
async fn every_page(app: &App, language: Language) -> Vec<(String, Answer)> {
    let target = app.user("target", Role::Doctor).await;
    let mut admin = app.signed_in("admin").await;
    let mut doctor = app.signed_in("dara").await;
    let mut pages = Vec::new();
    let mut visitor = app.browser();
    visitor
        .cookies
        .insert("haven_lang".to_owned(), language.code().to_owned());
    pages.push(("/login".to_owned(), visitor.get("/login").await));
    for notice in ["ended=1", "signed_out=1", "password_changed=1"] {
        let path = format!("/login?{notice}");
        pages.push((path.clone(), visitor.get(&path).await));
    }
    let failed = visitor
        .post_form(
            "/login",
            &[("username", "dara"), ("password", "wrong password here")],
        )
        .await;
    pages.push(("POST /login (wrong password)".to_owned(), failed));
    let missing = visitor
        .post_form("/login", &[("username", "dara"), ("password", "")])
        .await;
    pages.push(("POST /login (missing)".to_owned(), missing));
    pages.push(("/nope (visitor)".to_owned(), visitor.get("/nope").await));

    let user_page = format!("/admin/users/{}", target.id);
    for path in [
        "/",
        "/account",
        "/admin/users",
        user_page.as_str(),
        "/admin/audit",
        "/admin/audit?from=2026-13-45",
        "/nope",
    ] {
        pages.push((path.to_owned(), admin.get(path).await));
    }
    admin.get("/admin/users").await;
    let bad_user = admin
        .post_form(
            "/admin/users",
            &[
                ("username", "x"),
                ("display_name", ""),
                ("password", "short"),
                ("role", ""),
                ("scope", "moon"),
            ],
        )
        .await;
    pages.push(("POST /admin/users (bad)".to_owned(), bad_user));
    admin.get("/account").await;
    let bad_password = admin
        .post_form(
            "/account/password",
            &[
                ("current", "wrong"),
                ("new_password", "short"),
                ("confirm", "other"),
            ],
        )
        .await;
    pages.push(("POST /account/password (bad)".to_owned(), bad_password));
    admin.get(&user_page).await;
    let token = admin
        .post_form(&format!("{user_page}/tokens"), &[("label", "lab machine")])
        .await;
    pages.push(("POST tokens".to_owned(), token));
    let no_label = admin
        .post_form(&format!("{user_page}/tokens"), &[("label", "")])
        .await;
    pages.push(("POST tokens (no label)".to_owned(), no_label));
    let bad_role = admin
        .post_form(
            &format!("{user_page}/roles"),
            &[("role", "doctor"), ("scope", "moon")],
        )
        .await;
    pages.push(("POST roles (bad scope)".to_owned(), bad_role));
    let short = admin
        .post_form(
            &format!("{user_page}/password"),
            &[("version", "1"), ("password", "short")],
        )
        .await;
    pages.push(("POST password (short)".to_owned(), short));
    admin.get(&user_page).await;
    let conflict = admin
        .post_form(&format!("{user_page}/disable"), &[("version", "99")])
        .await;
    pages.push(("POST disable (stale)".to_owned(), conflict));
    admin.get(&user_page).await;
    let malformed = admin
        .post_form(&format!("{user_page}/disable"), &[("version", "abc")])
        .await;
    pages.push(("POST disable (malformed)".to_owned(), malformed));
    admin.get(&user_page).await;
    let me = app.store.user_by_username("admin").await.expect("admin");
    let myself = admin
        .post_form(
            &format!("/admin/users/{}/disable", me.id),
            &[("version", "1")],
        )
        .await;
    pages.push(("POST disable myself".to_owned(), myself));
    admin.get("/").await;
    let language = admin
        .post_form("/language", &[("lang", "xx"), ("back", "/")])
        .await;
    pages.push(("POST /language (unknown)".to_owned(), language));
    let csrf = admin
        .post_form_raw("/admin/users", &[("username", "nobody")])
        .await;
    pages.push(("POST without csrf".to_owned(), csrf));
    pages.push(("GET /logout".to_owned(), admin.get("/logout").await));
    admin.get("/").await;
    let page = admin.get(&user_page).await;
    let version = page
        .form_field("disable-user", "version")
        .unwrap_or_default();
    admin
        .post_form(&format!("{user_page}/disable"), &[("version", &version)])
        .await;
    pages.push(("disabled user".to_owned(), admin.get(&user_page).await));
    pages.push((
        "/admin/audit (doctor)".to_owned(),
        doctor.get("/admin/audit").await,
    ));
    pages.push(("/ (doctor)".to_owned(), doctor.get("/").await));
    pages
}

/// Users and events that make every page show all it can: failed sign-ins of each
/// kind on the home page, every action in the audit trail.
async fn populate(app: &App, language: Language) {
    for (name, role) in [("admin", Role::SystemAdministrator), ("dara", Role::Doctor)] {
        let user = app.user(name, role).await;
        app.store
            .set_user_language(&Actor::system(), user.id, user.version, language)
            .await
            .expect("setting the language");
    }
    let admin = app.store.user_by_username("admin").await.expect("admin");
    let actor = Actor {
        id: admin.id,
        username: "admin".to_owned(),
        address: "10.0.0.1".to_owned(),
    };
    for action in haven_web::pages::audit::actions() {
        let event = NewAuditEvent::new(action, "user", admin.id);
        let event = if action == "sign_in_failed" {
            event.with_detail("wrong_password")
        } else {
            event
        };
        app.store.audit(&actor, event).await.expect("an event");
    }
    for detail in ["unknown_user", "disabled"] {
        let event = NewAuditEvent::new("sign_in_failed", "user", "").with_detail(detail);
        app.store.audit(&actor, event).await.expect("an event");
    }
}

#[tokio::test]
async fn every_page_has_its_language_the_stylesheet_and_htmx() {
    for app in apps().await {
        populate(&app, Language::English).await;
        for (path, answer) in every_page(&app, Language::English).await {
            if answer.status.is_redirection() {
                continue;
            }
            let what = format!("[{}] {path}: {} {}", app.label, answer.status, answer.body);
            assert!(!answer.status.is_server_error(), "{what}");
            assert!(answer.content_type().starts_with("text/html"), "{what}");
            assert!(answer.body.starts_with("<!doctype html>"), "{what}");
            assert!(answer.body.contains("<html lang=\"en\">"), "{what}");
            assert!(
                answer
                    .body
                    .contains("<link rel=\"stylesheet\" href=\"/static/haven.css\">"),
                "{what}"
            );
            assert!(
                answer
                    .body
                    .contains("<script src=\"/static/htmx.min.js\" defer></script>"),
                "{what}"
            );
            assert!(answer.body.contains("<title>"), "{what}");
            assert!(
                answer.body.contains("action=\"/language\""),
                "the language switch: {what}"
            );
        }
    }
}

#[tokio::test]
async fn static_files_are_served_from_the_binary_with_their_types() {
    let assets = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    let cases = [
        ("haven.css", "text/css", "haven.css"),
        ("htmx.min.js", "text/javascript", "htmx.min.js"),
        (
            "noto-sans-khmer-400.woff2",
            "font/woff2",
            "fonts/noto-sans-khmer-400.woff2",
        ),
        (
            "noto-sans-khmer-700.woff2",
            "font/woff2",
            "fonts/noto-sans-khmer-700.woff2",
        ),
    ];
    for app in apps().await {
        let mut browser = app.browser();
        for (name, content_type, file) in cases {
            let answer = browser.get(&format!("/static/{name}")).await;
            let what = format!("[{}] {name}: {:?}", app.label, answer.headers);
            assert_eq!(answer.status, StatusCode::OK, "{what}");
            assert!(answer.content_type().starts_with(content_type), "{what}");
            let size = std::fs::metadata(assets.join(file))
                .expect("the asset on disk")
                .len();
            assert_eq!(answer.header("content-length"), size.to_string(), "{what}");
            assert!(answer.header("cache-control").contains("max-age"), "{what}");
            assert_eq!(answer.header("x-content-type-options"), "nosniff", "{what}");
            if content_type == "font/woff2" {
                assert!(answer.body.starts_with("wOF2"), "{what}");
            }
        }
        let css = browser.get("/static/haven.css").await;
        assert!(
            css.body.contains("/static/noto-sans-khmer-400.woff2"),
            "[{}] the font is used",
            app.label
        );
        for missing in [
            "/static/nope.css",
            "/static/../Cargo.toml",
            "/static/fonts/OFL.txt",
        ] {
            let answer = browser.get(missing).await;
            assert_eq!(
                answer.status,
                StatusCode::NOT_FOUND,
                "[{}] {missing}",
                app.label
            );
        }
    }
}

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    for app in apps().await {
        let user = app.user("sokha.private", Role::SystemAdministrator).await;
        let mut browser = app.browser();
        let health = browser.get("/healthz").await;
        assert_eq!(
            (health.status, health.body.as_str()),
            (StatusCode::OK, "ok"),
            "[{}]",
            app.label
        );
        let ready = browser.get("/readyz").await;
        assert_eq!(
            (ready.status, ready.body.as_str()),
            (StatusCode::OK, "ready"),
            "[{}]",
            app.label
        );

        let mut signed_in = app.signed_in("sokha.private").await;
        let page = signed_in.get(&format!("/admin/users/{}", user.id)).await;
        assert_eq!(page.status, StatusCode::OK, "[{}]", app.label);
        signed_in.get("/nope").await;

        // Metrics are for the people who run Haven: not for anyone who reaches the
        // port, nor for a doctor.
        assert_eq!(
            browser.get("/metrics").await.status,
            StatusCode::UNAUTHORIZED,
            "[{}]",
            app.label
        );
        let metrics = app.metrics().await;
        let what = format!("[{}] {}", app.label, metrics.body);
        assert_eq!(metrics.status, StatusCode::OK, "{what}");
        assert!(
            metrics.content_type().contains("openmetrics-text")
                || metrics.content_type().starts_with("text/plain"),
            "{what}"
        );
        assert!(metrics.body.contains("haven_http_requests"), "{what}");
        assert!(
            metrics.body.contains("haven_http_request_duration_seconds"),
            "{what}"
        );
        assert!(
            metrics.body.contains("route=\"/admin/users/{id}\""),
            "by route pattern: {what}"
        );
        assert!(metrics.body.contains("status=\"404\""), "{what}");
        assert!(!metrics.body.contains("sokha"), "no username: {what}");
        assert!(
            !metrics.body.contains(&user.id.to_string()),
            "no id: {what}"
        );
        assert!(!metrics.body.contains("/nope"), "no unmatched path: {what}");
    }
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_and_pages_are_not_stored() {
    for app in apps().await {
        app.user("admin", Role::SystemAdministrator).await;
        let mut admin = app.signed_in("admin").await;
        let mut visitor = app.browser();
        let answers = [
            ("/login", visitor.get("/login").await, true),
            ("/ (visitor)", visitor.get("/").await, true),
            ("/", admin.get("/").await, true),
            ("/admin/users", admin.get("/admin/users").await, true),
            ("/admin/audit", admin.get("/admin/audit").await, true),
            ("/nope", admin.get("/nope").await, true),
            ("/api/v1/me", visitor.get("/api/v1/me").await, false),
            ("/healthz", visitor.get("/healthz").await, false),
            (
                "/static/haven.css",
                visitor.get("/static/haven.css").await,
                false,
            ),
        ];
        for (path, answer, is_page) in answers {
            let what = format!("[{}] {path}: {:?}", app.label, answer.headers);
            let csp = answer.header("content-security-policy");
            assert!(csp.contains("default-src 'self'"), "{what}");
            assert!(csp.contains("frame-ancestors 'none'"), "{what}");
            assert!(!csp.contains("unsafe-inline"), "{what}");
            assert_eq!(answer.header("x-frame-options"), "DENY", "{what}");
            assert_eq!(answer.header("x-content-type-options"), "nosniff", "{what}");
            assert_eq!(answer.header("referrer-policy"), "same-origin", "{what}");
            assert!(!answer.header("x-request-id").is_empty(), "{what}");
            if is_page {
                assert_eq!(answer.header("cache-control"), "no-store", "{what}");
            }
        }
    }
}

fn keys_of(language: Language) -> Vec<String> {
    let source = SOURCES
        .iter()
        .find(|(l, _)| *l == language)
        .map(|(_, source)| *source)
        .expect("a source");
    Translations::keys(source)
}

#[test]
fn both_translation_files_have_the_same_keys_once_each() {
    let english = keys_of(Language::English);
    let khmer = keys_of(Language::Khmer);
    assert!(english.len() > 100, "the keys are read: {}", english.len());
    for (language, keys) in [("en", &english), ("km", &khmer)] {
        let unique: BTreeSet<&String> = keys.iter().collect();
        assert_eq!(
            unique.len(),
            keys.len(),
            "a key is defined twice in {language}.ftl"
        );
    }
    let english: BTreeSet<String> = english.into_iter().collect();
    let khmer: BTreeSet<String> = khmer.into_iter().collect();
    let only_english: Vec<&String> = english.difference(&khmer).collect();
    let only_khmer: Vec<&String> = khmer.difference(&english).collect();
    assert!(
        only_english.is_empty(),
        "missing from km.ftl: {only_english:?}"
    );
    assert!(only_khmer.is_empty(), "missing from en.ftl: {only_khmer:?}");
    // Same keys is not enough: a Khmer message must not be the English one left in.
    for key in &english {
        let (en, km) = (
            message(Language::English, key),
            message(Language::Khmer, key),
        );
        let latin_only = en
            .chars()
            .all(|c| c.is_ascii() || c == '·' || c == '–' || c == '…');
        let untranslatable = ["users-scope-hint"].contains(&key.as_str()) || !latin_only;
        assert!(en != km || untranslatable, "{key} is not translated: {km}");
    }
}

fn files_under(directory: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(directory).expect("a readable directory") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            files_under(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs" || e == "html") {
            found.push(path);
        }
    }
}

/// The string literals that follow `marker` in `text`, such as the keys of
/// `tr.t("...")`.
fn literals_after(text: &str, marker: &str) -> Vec<String> {
    text.match_indices(marker)
        .filter_map(|(at, _)| {
            let rest = &text[at + marker.len()..];
            let end = rest.find('"')?;
            Some(rest[..end].to_owned())
        })
        .collect()
}

/// The action names the code records: the literal first argument of
/// `NewAuditEvent::new(` and the literal action of `.audit_person(` and
/// `.audit_clinical_read(` (whose first argument is the actor).
fn recorded_actions(text: &str) -> Vec<String> {
    let mut found = literals_after(text, "NewAuditEvent::new(\"");
    for marker in [".audit_person(", ".audit_clinical_read("] {
        for (at, _) in text.match_indices(marker) {
            let rest = &text[at + marker.len()..];
            // The actor comes first; the action is the first literal after it.
            let Some(comma) = rest.find(',') else {
                continue;
            };
            let after = rest[comma + 1..].trim_start();
            if let Some(literal) = after.strip_prefix('"') {
                if let Some(end) = literal.find('"') {
                    found.push(literal[..end].to_owned());
                }
            }
        }
    }
    found
}

#[test]
fn every_action_the_code_records_is_in_the_audit_filter_with_its_name() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    files_under(&root.join("src"), &mut files);
    files_under(&root.join("../haven-store/src"), &mut files);
    let offered: BTreeSet<&str> = haven_web::pages::audit::actions().collect();
    let mut recorded = BTreeSet::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("a readable file");
        for action in recorded_actions(&text) {
            recorded.insert((action, file.display().to_string()));
        }
    }
    assert!(
        recorded.len() > 80,
        "the scan finds the actions: {}",
        recorded.len()
    );
    for (action, file) in &recorded {
        // Safeguarding's events are sealed from the trail's readers: not offered.
        if action.starts_with("safeguarding_") {
            assert!(!offered.contains(action.as_str()), "{action} is offered");
            continue;
        }
        assert!(
            offered.contains(action.as_str()),
            "{action} (recorded in {file}) is missing from pages::audit::actions()"
        );
    }
    let sealed = haven_web::pages::audit::actions().filter(|a| a.starts_with("safeguarding_"));
    assert_eq!(sealed.count(), 0);
    // Each offered action has its name in both languages, and the Khmer is Khmer.
    for action in haven_web::pages::audit::actions() {
        let key = format!("action-{}", action.replace('_', "-"));
        for language in Language::ALL {
            let text = message(language, &key);
            assert!(!text.is_empty(), "{key} in {language:?}");
        }
        assert_ne!(
            message(Language::Khmer, &key),
            message(Language::English, &key),
            "{key} is not translated"
        );
    }
}

#[test]
fn every_key_the_code_and_templates_name_is_in_the_english_file() {
    let english: BTreeSet<String> = keys_of(Language::English).into_iter().collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    files_under(&root.join("templates"), &mut files);
    files_under(&root.join("src"), &mut files);
    let mut used: Vec<(String, String)> = Vec::new();
    for file in &files {
        // Comments may show a call as an example; only code counts.
        let text: String = std::fs::read_to_string(file)
            .expect("a readable file")
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let name = file
            .strip_prefix(root)
            .unwrap_or(file)
            .display()
            .to_string();
        for marker in [".t(\"", ".t1(\""] {
            used.extend(
                literals_after(&text, marker)
                    .into_iter()
                    .map(|k| (name.clone(), k)),
            );
        }
        // Page titles, and the menu's labels.
        for key in literals_after(&text, "Layout::new(&auth.visitor, \"")
            .into_iter()
            .chain(literals_after(&text, "Layout::new(&visitor, \""))
            .chain(
                literals_after(&text, "\"nav-")
                    .into_iter()
                    .map(|k| format!("nav-{k}")),
            )
        {
            used.push((name.clone(), key));
        }
        // Error codes of refused forms become `error-CODE` and `error-CODE-title`.
        for code in literals_after(&text, "BadRequest(\"") {
            used.push((name.clone(), format!("error-{code}")));
            used.push((name.clone(), format!("error-{code}-title")));
        }
    }
    assert!(used.len() > 100, "the scan finds the keys: {}", used.len());
    // Keys made with format!: every value they can take.
    for role in Role::ALL {
        used.push((
            "Tr::role".to_owned(),
            format!("role-{}", role.code().replace('_', "-")),
        ));
    }
    for action in haven_web::pages::audit::actions() {
        used.push((
            "audit ACTIONS".to_owned(),
            format!("action-{}", action.replace('_', "-")),
        ));
    }
    // The names of the registry's coded values and the person errors.
    {
        use haven_domain::person::{
            AgeBand, BirthDatePrecision, Category, IdentifierKind, PersonError, RelationshipKind,
            Sex,
        };
        let mut keys: Vec<String> = Vec::new();
        keys.extend(Sex::ALL.iter().map(|v| v.label_key()));
        keys.extend(BirthDatePrecision::ALL.iter().map(|v| v.label_key()));
        keys.extend(IdentifierKind::ALL.iter().map(|v| v.label_key()));
        keys.extend(Category::ALL.iter().map(|v| v.label_key()));
        keys.extend(AgeBand::ALL.iter().map(|v| v.label_key()));
        keys.extend(RelationshipKind::ALL.iter().map(|v| v.label_key()));
        keys.extend(
            RelationshipKind::ALL
                .iter()
                .map(|v| v.inverse_label_key().to_owned()),
        );
        keys.extend(PersonError::ALL.iter().map(|e| e.code().to_owned()));
        keys.extend((1..=12).map(|m| format!("month-{m}")));
        keys.extend(
            haven_domain::places::FacilityKind::ALL
                .iter()
                .map(|v| v.label_key()),
        );
        keys.extend(
            haven_domain::staff::Profession::ALL
                .iter()
                .map(|v| v.label_key()),
        );
        used.extend(keys.into_iter().map(|k| ("person values".to_owned(), k)));
    }
    for detail in ["wrong_password", "unknown_user", "disabled"] {
        used.push((
            "home".to_owned(),
            format!("sign-in-failed-{}", detail.replace('_', "-")),
        ));
    }
    use haven_domain::account::AccountError;
    for error in [
        AccountError::BadUsername,
        AccountError::BadDisplayName,
        AccountError::PasswordTooShort,
        AccountError::PasswordTooLong,
        AccountError::PasswordIsUsername,
    ] {
        used.push(("AccountError".to_owned(), error.code().to_owned()));
    }
    for code in [
        "not-found",
        "forbidden",
        "sign-in-required",
        "bad-request",
        "conflict",
        "csrf",
        "too-large",
        "internal",
        "method-not-allowed",
    ] {
        used.push(("error pages".to_owned(), format!("error-{code}")));
        used.push(("error pages".to_owned(), format!("error-{code}-title")));
    }
    let missing: Vec<&(String, String)> = used
        .iter()
        .filter(|(_, key)| !english.contains(key))
        .collect();
    assert!(
        missing.is_empty(),
        "keys used but not in en.ftl: {missing:?}"
    );
}

/// The text a reader sees: the page without its tags (and so without attributes).
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

/// Words of the visible text that look like untranslated keys: a key of en.ftl, or
/// a word shaped like one (`error-something`), that no message contains.
fn raw_keys(answer: &Answer) -> Vec<String> {
    let english = keys_of(Language::English);
    let prefixes: BTreeSet<&str> = english.iter().filter_map(|k| k.split('-').next()).collect();
    let words_of = |text: &str| -> Vec<String> {
        text.split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let mut ordinary: BTreeSet<String> = BTreeSet::new();
    for language in Language::ALL {
        for key in &english {
            ordinary.extend(words_of(&message(language, key)));
        }
    }
    let visible = visible_text(&answer.text());
    words_of(&visible)
        .into_iter()
        .filter(|word| !ordinary.contains(word))
        .filter(|word| {
            english.contains(word)
                || word
                    .split_once('-')
                    .is_some_and(|(prefix, rest)| prefixes.contains(prefix) && !rest.is_empty())
        })
        .collect()
}

#[tokio::test]
async fn no_page_shows_a_raw_translation_key_in_either_language() {
    for language in Language::ALL {
        for app in apps().await {
            populate(&app, language).await;
            let lang = format!("<html lang=\"{}\">", language.code());
            for (path, answer) in &every_page(&app, language).await {
                if answer.status.is_redirection() {
                    continue;
                }
                let what = format!(
                    "[{}] {} {path}: {}",
                    app.label,
                    language.code(),
                    answer.body
                );
                let raw = raw_keys(answer);
                assert!(raw.is_empty(), "raw keys {raw:?} on {what}");
                let visible = visible_text(&answer.text());
                assert!(
                    !visible.contains("{$") && !visible.contains("{ $"),
                    "an unfilled argument: {what}"
                );
                // The visitor's pages follow the cookie; signed-in users, their account.
                assert!(answer.body.contains(&lang), "{what}");
            }
        }
    }
}

#[tokio::test]
async fn a_khmer_reader_sees_khmer_on_every_page() {
    for app in apps().await {
        populate(&app, Language::Khmer).await;
        let mut admin = app.signed_in("admin").await;
        let cases = [
            (
                "/",
                ["home-your-roles", "role-system-administrator", "nav-users"],
            ),
            (
                "/account",
                [
                    "account-title",
                    "account-change-password",
                    "account-password-hint",
                ],
            ),
            ("/admin/users", ["users-title", "users-new", "users-create"]),
            (
                "/admin/audit",
                ["audit-title", "audit-filter", "action-sign-in"],
            ),
        ];
        for (path, keys) in cases {
            let answer = admin.get(path).await;
            let what = format!("[{}] {path}: {}", app.label, answer.body);
            assert_eq!(answer.status, StatusCode::OK, "{what}");
            assert!(answer.body.contains("<html lang=\"km\">"), "{what}");
            let text = answer.text();
            for key in keys {
                let khmer = message(Language::Khmer, key);
                assert!(text.contains(&khmer), "{key} in Khmer ({khmer}): {what}");
                let english = message(Language::English, key);
                assert!(
                    !text.contains(&english),
                    "{key} in English ({english}): {what}"
                );
            }
            assert!(text.contains(&message(Language::Khmer, "footer")), "{what}");
        }
        // Switching back to English on the web works at once.
        admin.get("/").await;
        let switched = admin
            .post_form("/language", &[("lang", "en"), ("back", "/account")])
            .await;
        assert_eq!(
            switched.status,
            StatusCode::SEE_OTHER,
            "[{}] {switched:?}",
            app.label
        );
        let page = admin.get("/account").await;
        assert!(
            page.body.contains("<html lang=\"en\">"),
            "[{}] {}",
            app.label,
            page.body
        );
        assert!(
            page.text()
                .contains(&message(Language::English, "account-title")),
            "[{}]",
            app.label
        );
    }
}

#[tokio::test]
async fn a_visitor_gets_the_language_their_browser_asks_for() {
    for app in apps().await {
        for (accept, lang) in [
            ("km-KH,km;q=0.9,en;q=0.5", "km"),
            ("en-GB,en;q=0.9", "en"),
            ("fr-FR", "en"),
        ] {
            let request = axum::http::Request::builder()
                .uri("/login")
                .header("accept-language", accept)
                .body(axum::body::Body::empty())
                .expect("a request");
            let answer = app.browser().send(request).await;
            let what = format!("[{}] {accept}: {}", app.label, answer.body);
            assert!(
                answer.body.contains(&format!("<html lang=\"{lang}\">")),
                "{what}"
            );
        }
        // A signed-in user's own choice wins over the browser's.
        app.user("sokha", Role::Doctor).await;
        let mut browser: Browser<'_> = app.signed_in("sokha").await;
        browser
            .cookies
            .insert("haven_lang".to_owned(), "km".to_owned());
        let answer = browser.get("/").await;
        assert!(
            answer.body.contains("<html lang=\"en\">"),
            "[{}] {}",
            app.label,
            answer.body
        );
    }
}

#[test]
fn the_raw_key_check_finds_raw_keys_and_only_them() {
    let page = |body: &str| Answer {
        status: StatusCode::OK,
        headers: axum::http::HeaderMap::new(),
        body: body.to_owned(),
    };
    let check = |body: &str, expected: &[&str]| {
        assert_eq!(raw_keys(&page(body)), expected, "{body}");
    };
    check("<p>error-made-up-title</p>", &["error-made-up-title"]);
    check("<h1>users-title</h1><p>Users</p>", &["users-title"]);
    check("<footer>footer</footer>", &["footer"]);
    check("<td>role-registered-nurse</td>", &["role-registered-nurse"]);
    check(
        "<form id=\"sign-out\" class=\"error-box\"><button>Sign out</button></form>",
        &[],
    );
    check(
        "<p>Latest failed sign-ins</p><td>2026-01-05 10:00 UTC</td>",
        &[],
    );
    check(
        "<td>0195c3a4-5b6e-7c8d-9e0f-a1b2c3d4e5f6</td><code>sign_in_failed</code>",
        &[],
    );
}
