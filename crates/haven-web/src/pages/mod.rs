//! The HTML pages: their shared layout, navigation by role, and error pages in the
//! user's language.

pub mod account;
pub mod audit;
pub mod care;
pub mod clinic;
pub mod growth;
pub mod home;
pub mod language;
pub mod login;
pub mod mch;
pub mod people;
pub mod people_io;
pub mod places;
pub mod safeguarding;
pub mod staff;
pub mod users;

use askama::Template;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use haven_domain::{Action, Kind, Language};

use crate::auth::{Visitor, LANGUAGE_COOKIE};
use crate::error::{api_code, problem_response, ErrorPage, WebError};
use crate::i18n::Tr;
use crate::state::AppState;

/// A link in the navigation bar.
#[derive(Clone, Debug)]
pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

/// What the base template needs on every page.
#[derive(Clone, Debug)]
pub struct Layout {
    pub tr: Tr,
    pub title: String,
    pub csrf: String,
    pub here: String,
    pub nav: Vec<NavItem>,
    pub user_name: Option<String>,
    pub languages: Vec<(&'static str, &'static str, bool)>,
}

/// A link of the navigation bar: path, translation key, and the permission it needs
/// (`None`: every signed-in user).
type NavEntry = (&'static str, &'static str, Option<(Action, Kind)>);

/// The pages of the navigation bar.
const NAVIGATION: &[NavEntry] = &[
    ("/", "nav-home", None),
    ("/people", "nav-people", Some((Action::Read, Kind::Person))),
    ("/places", "nav-places", Some((Action::Read, Kind::Place))),
    ("/staff", "nav-staff", Some((Action::Read, Kind::Staff))),
    // The medical centre (issue 4).
    ("/clinic", "nav-clinic", Some((Action::Read, Kind::CheckIn))),
    (
        "/clinic/lab",
        "nav-lab",
        Some((Action::Read, Kind::Laboratory)),
    ),
    (
        "/clinic/pharmacy",
        "nav-pharmacy",
        Some((Action::Read, Kind::Medicines)),
    ),
    // Mother and child health (issue 5).
    ("/mch", "nav-mch", Some((Action::Read, Kind::Clinical))),
    ("/care", "nav-care", Some((Action::Read, Kind::Care))),
    (
        "/growth",
        "nav-growth",
        Some((Action::Read, Kind::Clinical)),
    ),
    // Coverage is an aggregate without names: M&E reads it with Read Report.
    (
        "/mch/coverage",
        "nav-mch-coverage",
        Some((Action::Read, Kind::Report)),
    ),
    // So are the malnutrition programme's outcome indicators.
    (
        "/growth/programme",
        "nav-nutrition-outcomes",
        Some((Action::Read, Kind::Report)),
    ),
    (
        "/admin/users",
        "nav-users",
        Some((Action::Read, Kind::UserAccount)),
    ),
    (
        "/admin/audit",
        "nav-audit",
        Some((Action::Read, Kind::AuditTrail)),
    ),
    (
        "/safeguarding",
        "nav-safeguarding",
        Some((Action::Read, Kind::SafeguardingCase)),
    ),
    ("/account", "nav-account", None),
];

impl Layout {
    pub fn new(visitor: &Visitor, title_key: &str) -> Layout {
        let tr = visitor.tr.clone();
        let path = visitor.here.split('?').next().unwrap_or("/");
        // The longest entry the path starts with is the current one (/clinic/lab is
        // the laboratory's, not the clinic's).
        let current = NAVIGATION
            .iter()
            .map(|(href, _, _)| *href)
            .filter(|href| *href != "/" && path.starts_with(href))
            .max_by_key(|href| href.len())
            .unwrap_or(if path == "/" { "/" } else { "" });
        let nav = match &visitor.signed_in {
            Some(me) => NAVIGATION
                .iter()
                .filter(|(_, _, needs)| needs.is_none_or(|(action, kind)| me.can(action, kind)))
                .map(|(href, key, _)| NavItem {
                    href,
                    label: tr.t(key),
                    current: *href == current,
                })
                .collect(),
            None => Vec::new(),
        };
        Layout {
            title: tr.t(title_key),
            csrf: visitor.csrf.clone(),
            here: visitor.here.clone(),
            nav,
            user_name: visitor
                .signed_in
                .as_ref()
                .map(|me| me.user.display_name.clone()),
            languages: Language::ALL
                .iter()
                .map(|language| {
                    (
                        language.code(),
                        language.native_name(),
                        *language == tr.language(),
                    )
                })
                .collect(),
            tr,
        }
    }
}

/// Renders a template, or answers 500 (logged) if it cannot be rendered.
/// A page answered with a status other than 200 (a form sent back with its problems,
/// a conflict), never stored by the browser's cache.
pub fn render_status(
    template: &impl Template,
    status: axum::http::StatusCode,
) -> Result<Response, WebError> {
    let mut response = render(template)?;
    *response.status_mut() = status;
    Ok(no_store(response))
}

pub fn render(template: &impl Template) -> Result<Response, WebError> {
    match template.render() {
        Ok(html) => Ok(Html(html).into_response()),
        Err(error) => {
            tracing::error!(%error, "rendering a page");
            Err(WebError::Internal)
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate {
    layout: Layout,
    heading: String,
    message: String,
    status: u16,
}

/// Turns error markers left by handlers (and the 404 fallback, and a caught panic)
/// into a page in the user's language, or into problem+json under /api.
pub async fn render_errors(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let is_api = path.starts_with("/api/");
    let jar = CookieJar::from_headers(request.headers());
    let fallback_language = jar
        .get(LANGUAGE_COOKIE)
        .and_then(|cookie| Language::parse(cookie.value()))
        .unwrap_or(state.config().default_language);
    let response = next.run(request).await;
    let page = match response.extensions().get::<ErrorPage>().copied() {
        Some(page) => page,
        None => match unrendered_error(&response, &path) {
            Some(page) => page,
            None => return response,
        },
    };
    if is_api {
        let detail = match page.code {
            "not-found" => "there is nothing at this address",
            "too-large" => "the request body is larger than Haven accepts",
            "internal" => "something went wrong on the server",
            "method-not-allowed" => "this address does not answer that method",
            "sign-in-required" => "send a valid API token as: Authorization: Bearer haven_...",
            "forbidden" => "your role does not allow this",
            _ => "the request was refused",
        };
        let mut problem = problem_response(page.status, api_code(page.code), detail);
        keep_headers(&response, &mut problem);
        return problem;
    }
    let language = response
        .extensions()
        .get::<Language>()
        .copied()
        .unwrap_or(fallback_language);
    let tr = Tr::new(language, state.inner.translations.clone());
    // The visitor layer leaves the visitor on the answer: with it the page keeps its
    // navigation and its forms carry the right CSRF token.
    let visitor = response.extensions().get::<Visitor>().cloned();
    let visitor = visitor.unwrap_or_else(|| Visitor {
        tr: tr.clone(),
        csrf: String::new(),
        address: String::new(),
        here: "/".to_owned(),
        signed_in: None,
        session_ended: false,
    });
    let visitor = Visitor {
        tr: tr.clone(),
        ..visitor
    };
    let template = ErrorTemplate {
        layout: Layout::new(&visitor, &format!("error-{}-title", page.code)),
        heading: tr.t(&format!("error-{}-title", page.code)),
        message: tr.t(&format!("error-{}", page.code)),
        status: page.status.as_u16(),
    };
    let mut rendered = match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(_) => page.status.into_response(),
    };
    *rendered.status_mut() = page.status;
    // An error page is a page like any other: it may show who is signed in.
    rendered
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    keep_headers(&response, &mut rendered);
    rendered
}

/// Carries over what the original answer must keep: the cookies the layer set (such
/// as a cleared session) and, on a 405, the `Allow` list of methods.
fn keep_headers(original: &Response, rendered: &mut Response) {
    for name in [header::SET_COOKIE, header::ALLOW] {
        for value in original.headers().get_all(&name) {
            rendered.headers_mut().append(name.clone(), value.clone());
        }
    }
}

/// An error answered by the framework itself (a malformed form or path, a wrong
/// method) rather than by a handler: plain text, or no body at all.
fn unrendered_error(response: &Response, path: &str) -> Option<ErrorPage> {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || path == "/readyz" {
        return None;
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !(content_type.is_empty() || content_type.starts_with("text/plain")) {
        return None;
    }
    let code = match status {
        StatusCode::NOT_FOUND => "not-found",
        StatusCode::METHOD_NOT_ALLOWED => "method-not-allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "too-large",
        StatusCode::UNAUTHORIZED => "sign-in-required",
        StatusCode::FORBIDDEN => "forbidden",
        // The framework answers 422 to a form whose fields do not parse (such as
        // `version=abc`). Nobody typed those: the form is not one of ours.
        StatusCode::UNPROCESSABLE_ENTITY => {
            return Some(ErrorPage {
                status: StatusCode::BAD_REQUEST,
                code: "bad-request",
            })
        }
        s if s.is_server_error() => "internal",
        _ => "bad-request",
    };
    Some(ErrorPage { status, code })
}

/// The answer for an address no route knows.
pub async fn not_found() -> WebError {
    WebError::NotFound
}

/// Pages hold personal data: browsers and proxies must not keep them.
pub fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Only paths on this site may be redirected to after sign-in or a language switch.
/// Browsers drop tabs and new lines from URLs and read `\` as `/`, so `/\t/evil` or
/// `/\evil` would leave the site: any control character, space or backslash refuses
/// the path.
pub fn local_path(candidate: &str) -> &str {
    let is_local = candidate.starts_with('/')
        && !candidate.starts_with("//")
        && !candidate
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\');
    if is_local {
        candidate
    } else {
        "/"
    }
}

/// The status of a re-rendered form with errors.
pub const FORM_ERROR: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

/// The one answer of a page: rendered, with `status` (200, or [`FORM_ERROR`] for a
/// form sent back with its messages, or a conflict's 409), never cached.
pub fn respond(page: &impl Template, status: StatusCode) -> Result<Response, WebError> {
    let mut response = render(page)?;
    *response.status_mut() = status;
    Ok(no_store(response))
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path("/admin/users"), "/admin/users");
        assert_eq!(local_path("//evil.example"), "/");
        assert_eq!(local_path("https://evil.example"), "/");
        assert_eq!(local_path("/\\evil.example"), "/");
        assert_eq!(local_path(""), "/");
        assert_eq!(local_path("/\t/evil.example"), "/");
        assert_eq!(local_path("/\n/evil.example"), "/");
        assert_eq!(local_path("/ /evil.example"), "/");
        assert_eq!(local_path("/admin/audit?user=a\\b"), "/");
        assert_eq!(
            local_path("/admin/audit?user=sokha&action=sign_in"),
            "/admin/audit?user=sokha&action=sign_in"
        );
    }
}
