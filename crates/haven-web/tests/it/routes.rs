//! The role-by-route test: every role (and a visitor who is not signed in) against
//! every route, checking the answer is what the permission table says: allowed,
//! 403, or the way to sign in. A route that is added to Haven but not to this table
//! fails the test.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use haven_domain::{Action, Kind, Role, Scope};
use haven_store::{Actor, User};

use crate::support::{apps, Answer, App};

#[derive(Clone, Copy, Debug)]
pub(crate) enum Need {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user (any valid token for the API).
    SignedIn,
    /// A role granting this permission.
    Permission(Action, Kind),
    /// A role granting any one of these permissions.
    AnyOf(&'static [(Action, Kind)]),
    /// Changing accounts: an administrator, and (where `focal_point`) a national
    /// safeguarding focal point too. The test's focal point holds the role for all;
    /// against the test's target (a doctor's account, not sealed) haven-app lets a
    /// focal point through only where the case's refused input is read first.
    Accounts { focal_point: bool },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Via {
    Page,
    Api,
    Other,
}

pub(crate) struct Case {
    pub(crate) via: Via,
    pub(crate) method: &'static str,
    pub(crate) path: &'static str,
    pub(crate) need: Need,
    /// Form fields or a JSON body. Where a route changes something, the input is
    /// deliberately refused (a stale version, a bad value) so that the same case
    /// can run for every role without changing what the next role sees.
    pub(crate) body: &'static str,
}

pub(crate) const fn page(
    method: &'static str,
    path: &'static str,
    need: Need,
    body: &'static str,
) -> Case {
    Case {
        via: Via::Page,
        method,
        path,
        need,
        body,
    }
}

pub(crate) const fn api(
    method: &'static str,
    path: &'static str,
    need: Need,
    body: &'static str,
) -> Case {
    Case {
        via: Via::Api,
        method,
        path,
        need,
        body,
    }
}

const fn other(path: &'static str) -> Case {
    Case {
        via: Via::Other,
        method: "GET",
        path,
        need: Need::Public,
        body: "",
    }
}

/// Accounts are read by administrators and by national focal points (who manage
/// the sealed ones).
const READ_USERS: Need = Need::AnyOf(&[
    (Action::Read, Kind::UserAccount),
    (Action::Read, Kind::SafeguardingCase),
]);
/// Changes a focal point may make to any account's form (refused input here).
const WRITE_USERS: Need = Need::Accounts { focal_point: true };
/// Changes a focal point may not make to a doctor's account.
const WRITE_USERS_ONLY: Need = Need::Accounts { focal_point: false };
const READ_AUDIT: Need = Need::Permission(Action::Read, Kind::AuditTrail);

const CASES: &[Case] = &[
    page("GET", "/", Need::SignedIn, ""),
    page("GET", "/login", Need::Public, ""),
    page(
        "POST",
        "/login",
        Need::Public,
        "username=nobody&password=wrong-password",
    ),
    page("POST", "/logout", Need::SignedIn, ""),
    page("POST", "/language", Need::Public, "lang=km&back=/"),
    page("GET", "/account", Need::SignedIn, ""),
    page(
        "POST",
        "/account/password",
        Need::SignedIn,
        "current=wrong&new_password=x&confirm=y",
    ),
    page("GET", "/admin/users", READ_USERS, ""),
    page(
        "POST",
        "/admin/users",
        WRITE_USERS,
        "username=x&display_name=&password=short&role=&scope=all",
    ),
    page("GET", "/admin/users/export.csv", READ_USERS, ""),
    page("GET", "/admin/users/{id}", READ_USERS, ""),
    page(
        "POST",
        "/admin/users/{id}/disable",
        WRITE_USERS_ONLY,
        "version=999",
    ),
    page(
        "POST",
        "/admin/users/{id}/enable",
        WRITE_USERS_ONLY,
        "version=999",
    ),
    page(
        "POST",
        "/admin/users/{id}/password",
        WRITE_USERS,
        "version=1&password=short",
    ),
    page(
        "POST",
        "/admin/users/{id}/roles",
        WRITE_USERS,
        "role=superuser&scope=all",
    ),
    page(
        "POST",
        "/admin/users/{id}/roles/{assignment}/revoke",
        WRITE_USERS_ONLY,
        "version=999",
    ),
    page("POST", "/admin/users/{id}/tokens", WRITE_USERS, "label="),
    page(
        "POST",
        "/admin/users/{id}/tokens/{token}/revoke",
        WRITE_USERS_ONLY,
        "version=999",
    ),
    page("GET", "/admin/audit", READ_AUDIT, ""),
    page("GET", "/admin/audit/export.csv", READ_AUDIT, ""),
    api("GET", "/api/v1/me", Need::SignedIn, ""),
    api("GET", "/api/v1/users", READ_USERS, ""),
    api(
        "POST",
        "/api/v1/users",
        WRITE_USERS,
        r#"{"username":"x","display_name":"","password":"short","role":"doctor"}"#,
    ),
    api("GET", "/api/v1/users/{id}", READ_USERS, ""),
    api(
        "POST",
        "/api/v1/users/{id}/disable",
        WRITE_USERS_ONLY,
        r#"{"version":999}"#,
    ),
    api(
        "POST",
        "/api/v1/users/{id}/enable",
        WRITE_USERS_ONLY,
        r#"{"version":999}"#,
    ),
    api(
        "POST",
        "/api/v1/users/{id}/roles",
        WRITE_USERS,
        r#"{"role":"superuser","scope":"all"}"#,
    ),
    api(
        "POST",
        "/api/v1/users/{id}/roles/revoke",
        WRITE_USERS,
        r#"{"assignment":"00000000-0000-7000-8000-000000000000","version":999}"#,
    ),
    api(
        "POST",
        "/api/v1/users/{id}/password",
        WRITE_USERS,
        r#"{"version":1,"password":"short"}"#,
    ),
    api(
        "POST",
        "/api/v1/users/{id}/tokens",
        WRITE_USERS,
        r#"{"label":""}"#,
    ),
    api("GET", "/api/v1/audit-events", READ_AUDIT, ""),
    api("GET", "/api/v1/openapi.json", Need::Public, ""),
    other("/healthz"),
    other("/readyz"),
    Case {
        via: Via::Other,
        method: "GET",
        path: "/metrics",
        need: Need::Permission(Action::Read, Kind::Operations),
        body: "",
    },
    other("/static/{*name}"),
];

/// Every case: this file's, and those of each part of Haven in its own file.
pub(crate) fn all_cases() -> impl Iterator<Item = &'static Case> {
    CASES
        .iter()
        .chain(crate::routes_places::CASES)
        .chain(crate::routes_staff::CASES)
        .chain(crate::routes_people::CASES)
        .chain(crate::routes_people_io::CASES)
        .chain(crate::routes_clinic::CASES)
        .chain(crate::routes_mch::CASES)
        .chain(crate::routes_growth::CASES)
        .chain(crate::routes_care::CASES)
        .chain(crate::routes_safeguarding::CASES)
}

/// The ids a path's placeholders stand for.
pub(crate) struct Targets {
    user: User,
    assignment: String,
    token: String,
    /// Placeholders of each part's routes, such as `{person}`, and their values.
    pub(crate) more: Vec<(&'static str, String)>,
}

impl Targets {
    pub(crate) fn fill(&self, path: &str) -> String {
        let mut path = path
            .replace("{id}", &self.user.id.to_string())
            .replace("{assignment}", &self.assignment)
            .replace("{token}", &self.token)
            .replace("{*name}", "haven.css");
        for (placeholder, value) in &self.more {
            path = path.replace(placeholder, value);
        }
        path
    }
}

pub(crate) async fn targets(app: &App) -> Targets {
    let user = app.user("target", Role::Doctor).await;
    let assignment = app
        .store
        .assign_role(&Actor::system(), user.id, Role::Midwife, &Scope::All)
        .await
        .expect("a role to revoke");
    let (_, token) = app
        .store
        .create_api_token(&Actor::system(), user.id, "target")
        .await
        .expect("a token to revoke");
    let mut more = crate::routes_places::targets(app).await;
    more.extend(crate::routes_staff::targets(app).await);
    more.extend(crate::routes_people::targets(app).await);
    more.extend(crate::routes_people_io::targets(app).await);
    more.extend(crate::routes_clinic::targets(app).await);
    more.extend(crate::routes_mch::targets(app).await);
    more.extend(crate::routes_growth::targets(app).await);
    more.extend(crate::routes_care::targets(app).await);
    more.extend(crate::routes_safeguarding::targets(app).await);
    Targets {
        user,
        assignment: assignment.id.to_string(),
        token: token.id.to_string(),
        more,
    }
}

pub(crate) async fn call(app: &App, who: Option<&User>, case: &Case, targets: &Targets) -> Answer {
    let path = targets.fill(case.path);
    let mut client = match (who, case.via) {
        (Some(user), Via::Api) => app.api_client(user).await,
        (Some(user), _) => app.session_for(user).await,
        (None, _) => app.browser(),
    };
    match (case.method, case.via) {
        ("GET", _) => client.get(&path).await,
        ("POST", Via::Api) => client.post_json(&path, case.body).await,
        ("PUT", Via::Api) => client.put_json(&path, case.body).await,
        ("POST", _) => {
            let fields: Vec<(String, String)> = form_urlencoded::parse(case.body.as_bytes())
                .into_owned()
                .collect();
            let fields: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            client.post_form(&path, &fields).await
        }
        (method, _) => panic!("no test client for {method}"),
    }
}

fn allowed(need: Need, roles: Option<Role>) -> bool {
    match (need, roles) {
        (Need::Public, _) => true,
        (_, None) => false,
        (Need::SignedIn, Some(_)) => true,
        (Need::Permission(action, kind), Some(role)) => role.permits(action, kind),
        (Need::AnyOf(needs), Some(role)) => needs
            .iter()
            .any(|(action, kind)| role.permits(*action, *kind)),
        (Need::Accounts { focal_point }, Some(role)) => {
            role.permits(Action::Write, Kind::UserAccount)
                || (focal_point && haven_app::access::is_sealed_role(role))
        }
    }
}

fn check(app: &App, case: &Case, role: Option<Role>, answer: &Answer) {
    let who = role.map(|r| r.code()).unwrap_or("a visitor");
    let what = format!(
        "[{}] {} {} as {who}: {} {}",
        app.label,
        case.method,
        case.path,
        answer.status,
        answer.body.chars().take(300).collect::<String>()
    );
    assert!(!answer.status.is_server_error(), "server error: {what}");
    if allowed(case.need, role) {
        assert_ne!(
            answer.status,
            StatusCode::FORBIDDEN,
            "refused but should be allowed: {what}"
        );
        assert!(
            !answer.is_sign_in_redirect() || case.path == "/logout",
            "sent to sign in but should be allowed: {what}"
        );
    } else if role.is_none() {
        match case.via {
            // The machine endpoints (the API, /metrics) answer 401 problems.
            Via::Api | Via::Other => {
                assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{what}");
                assert_eq!(answer.content_type(), "application/problem+json", "{what}");
            }
            _ => assert!(
                answer.is_sign_in_redirect(),
                "a visitor should be sent to sign in: {what}"
            ),
        }
    } else {
        assert_eq!(
            answer.status,
            StatusCode::FORBIDDEN,
            "should be refused: {what}"
        );
        if matches!(case.via, Via::Api | Via::Other) {
            assert_eq!(answer.content_type(), "application/problem+json", "{what}");
        } else {
            assert!(
                answer.body.contains("<html"),
                "a 403 page, not a bare status: {what}"
            );
        }
    }
}

#[tokio::test]
async fn every_role_gets_what_the_permission_table_says_on_every_route() {
    for app in apps().await {
        let targets = targets(&app).await;
        let mut users = Vec::new();
        for role in Role::ALL {
            users.push((
                role,
                app.user(&format!("as-{}", role.code().replace('_', "-")), role)
                    .await,
            ));
        }
        for case in all_cases() {
            let answer = call(&app, None, case, &targets).await;
            check(&app, case, None, &answer);
            for (role, user) in &users {
                let answer = call(&app, Some(user), case, &targets).await;
                check(&app, case, Some(*role), &answer);
            }
        }
    }
}

#[test]
fn every_route_is_in_the_table() {
    let listed = |via: Via| -> BTreeSet<&str> {
        all_cases()
            .filter(|c| c.via == via)
            .map(|c| c.path)
            .collect()
    };
    let pages: BTreeSet<&str> = haven_web::page_paths().into_iter().collect();
    assert_eq!(pages, listed(Via::Page), "page routes and the table differ");
    let document = haven_web::openapi_document();
    let mut api: BTreeSet<String> = document.paths.paths.keys().cloned().collect();
    api.insert("/api/v1/openapi.json".to_owned());
    let api_listed: BTreeSet<String> = listed(Via::Api).into_iter().map(str::to_owned).collect();
    assert_eq!(api, api_listed, "API routes and the table differ");
    let others: BTreeSet<&str> = haven_web::OTHER_PATHS.iter().copied().collect();
    assert_eq!(
        others,
        listed(Via::Other),
        "other routes and the table differ"
    );
}

/// The methods each route really answers, read from the `Allow` header of a 405, are
/// the methods the table lists for it (HEAD comes with GET): a method added to an
/// existing path must be added to the table too.
#[tokio::test]
async fn every_method_of_every_route_is_in_the_table() {
    use std::collections::BTreeMap;

    let app = crate::support::apps().await.remove(0);
    let targets = targets(&app).await;
    let mut listed: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for case in all_cases().filter(|c| c.via != Via::Other && c.path != "/api/v1/openapi.json") {
        let methods = listed.entry(case.path).or_default();
        methods.insert(case.method.to_owned());
        if case.method == "GET" {
            methods.insert("HEAD".to_owned());
        }
    }
    for (path, expected) in listed {
        let request = axum::http::Request::builder()
            .method("PATCH")
            .uri(targets.fill(path))
            .body(axum::body::Body::empty())
            .expect("a request");
        let answer = app.browser().send(request).await;
        assert_eq!(
            answer.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{path}: {}",
            answer.body
        );
        let allowed: BTreeSet<String> = answer
            .headers
            .get(axum::http::header::ALLOW)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .split(',')
            .map(|m| m.trim().to_owned())
            .filter(|m| !m.is_empty())
            .collect();
        assert_eq!(
            allowed, expected,
            "{path}: the methods it answers and the table differ"
        );
    }
}
