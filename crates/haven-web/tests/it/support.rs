//! A test harness: an app on a fresh store, users of any role, and a small browser
//! that keeps cookies and sends the CSRF token of the last page with each form.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use haven_domain::{DisplayName, Language, Role, Scope, Username};
use haven_store::testing::TestStore;
use haven_store::{Actor, NewUser, Store, User};
use haven_web::{AppState, WebConfig};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// The password of every test user.
pub const PASSWORD: &str = "correct horse battery";

fn password_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| {
        haven_store::password::hash_password(PASSWORD).expect("hashing the test password")
    })
    .clone()
}

/// Haven's router on a store of its own.
pub struct App {
    pub router: Router,
    pub store: Store,
    pub label: &'static str,
    pub test_store: TestStore,
}

/// One app per database the tests run on.
pub async fn apps() -> Vec<App> {
    apps_with(WebConfig::default()).await
}

pub async fn apps_with(config: WebConfig) -> Vec<App> {
    let mut apps = Vec::new();
    for test_store in haven_store::testing::all().await {
        let store = test_store.store.clone();
        let state = AppState::new(haven_app::App::new(store.clone()), config.clone())
            .expect("building the app state");
        apps.push(App {
            router: haven_web::router(state),
            store,
            label: test_store.label,
            test_store,
        });
    }
    apps
}

/// An answer, with its body read.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// True for a redirect to the sign-in page.
    pub fn is_sign_in_redirect(&self) -> bool {
        self.status == StatusCode::SEE_OTHER && self.location().starts_with("/login")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The value of the first hidden `csrf` field on the page.
    pub fn csrf(&self) -> Option<String> {
        let marker = "name=\"csrf\" value=\"";
        let start = self.body.find(marker)? + marker.len();
        let end = self.body[start..].find('"')? + start;
        Some(self.body[start..end].to_owned())
    }
}

impl App {
    /// Makes an active user holding `role` everywhere.
    pub async fn user(&self, username: &str, role: Role) -> User {
        let actor = Actor::system();
        let user = self
            .store
            .create_user(
                &actor,
                NewUser {
                    username: Username::parse(username).expect("a valid test username"),
                    display_name: DisplayName::parse(username).expect("a valid display name"),
                    password_hash: password_hash(),
                    language: Language::English,
                },
            )
            .await
            .expect("creating a test user");
        self.store
            .assign_role(&actor, user.id, role, &Scope::All)
            .await
            .expect("assigning a role");
        user
    }

    pub fn browser(&self) -> Browser<'_> {
        Browser {
            app: self,
            cookies: HashMap::new(),
            csrf: None,
            bearer: None,
        }
    }

    /// A browser already signed in as `user` (through the sign-in form).
    pub async fn signed_in(&self, username: &str) -> Browser<'_> {
        let mut browser = self.browser();
        let answer = browser.sign_in(username, PASSWORD).await;
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "[{}] signing in {username}: {}",
            self.label,
            answer.body
        );
        browser
    }

    /// A browser with a session made directly in the store: quicker than the
    /// sign-in form, for tests that are about something else.
    pub async fn session_for(&self, user: &User) -> Browser<'_> {
        let (token, session) = self
            .store
            .create_session(user.id, WebConfig::default().sessions)
            .await
            .expect("creating a session");
        let mut browser = self.browser();
        browser.cookies.insert("haven_session".to_owned(), token);
        browser.csrf = Some(session.csrf_token);
        browser
    }

    /// `/metrics` as the people who run Haven read it: with a token of a new system
    /// administrator.
    pub async fn metrics(&self) -> Answer {
        let operator = self
            .user(
                &format!("operator-{}", haven_store::Id::new().as_uuid().simple()),
                Role::SystemAdministrator,
            )
            .await;
        self.api_client(&operator).await.get("/metrics").await
    }

    /// An API client with a fresh token of `user`.
    pub async fn api_client(&self, user: &User) -> Browser<'_> {
        let (token, _) = self
            .store
            .create_api_token(&Actor::system(), user.id, "test")
            .await
            .expect("creating a token");
        let mut browser = self.browser();
        browser.bearer = Some(token);
        browser
    }
}

/// A client that keeps cookies like a browser.
pub struct Browser<'a> {
    pub app: &'a App,
    pub cookies: HashMap<String, String>,
    pub csrf: Option<String>,
    pub bearer: Option<String>,
}

impl Browser<'_> {
    pub async fn send(&mut self, request: Request<Body>) -> Answer {
        let mut request = request;
        if !self.cookies.is_empty() {
            let cookie = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            request
                .headers_mut()
                .insert(header::COOKIE, cookie.parse().expect("a cookie header"));
        }
        if let Some(token) = &self.bearer {
            request.headers_mut().insert(
                header::AUTHORIZATION,
                format!("Bearer {token}")
                    .parse()
                    .expect("an authorization header"),
            );
        }
        let response = self
            .app
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router always answers");
        let status = response.status();
        let headers = response.headers().clone();
        for value in headers.get_all(header::SET_COOKIE) {
            let text = value.to_str().unwrap_or("");
            let pair = text.split(';').next().unwrap_or("");
            if let Some((name, value)) = pair.split_once('=') {
                let expired = text.contains("Max-Age=0");
                if value.is_empty() || expired {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_owned(), value.to_owned());
                }
            }
        }
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("reading the body")
            .to_bytes();
        let answer = Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        };
        if let Some(csrf) = answer.csrf() {
            self.csrf = Some(csrf);
        }
        answer
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        let request = Request::builder()
            .method(Method::GET)
            .uri(path)
            .body(Body::empty())
            .expect("a GET request");
        self.send(request).await
    }

    /// Posts a form with the CSRF token of the last page (fetching `/login` first if
    /// there has been no page yet).
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        if self.csrf.is_none() {
            self.get("/login").await;
        }
        let csrf = self.csrf.clone().unwrap_or_default();
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_form_raw(path, &all).await
    }

    /// Posts exactly these fields, with no CSRF token added.
    pub async fn post_form_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields.iter())
            .finish();
        let request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("a POST request");
        self.send(request).await
    }

    pub async fn post_json(&mut self, path: &str, json: &str) -> Answer {
        let request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json.to_owned()))
            .expect("a POST request");
        self.send(request).await
    }

    pub async fn put_json(&mut self, path: &str, json: &str) -> Answer {
        let request = Request::builder()
            .method(Method::PUT)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json.to_owned()))
            .expect("a PUT request");
        self.send(request).await
    }

    pub async fn sign_in(&mut self, username: &str, password: &str) -> Answer {
        self.get("/login").await;
        self.post_form(
            "/login",
            &[
                ("username", username),
                ("password", password),
                ("next", "/"),
            ],
        )
        .await
    }
}

/// The English or Khmer text of a message without arguments, read from the `.ftl`
/// source, so that tests say which message they expect rather than copy its words.
pub fn message(language: Language, key: &str) -> String {
    let source = haven_web::i18n::SOURCES
        .iter()
        .find(|(l, _)| *l == language)
        .map(|(_, source)| *source)
        .expect("a translation source for every language");
    let prefix = format!("{key} = ");
    source
        .lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no message {key} in {}", language.code()))
        .trim()
        .to_owned()
}

/// The part of a message before its first argument (`{ $name }`), for messages whose
/// argument a test does not know in advance.
pub fn message_start(language: Language, key: &str) -> String {
    let text = message(language, key);
    text.split('{').next().unwrap_or("").trim_end().to_owned()
}

impl Answer {
    /// The body with the HTML escapes of the templates undone, to look for messages
    /// as they read.
    pub fn text(&self) -> String {
        self.body
            .replace("&#34;", "\"")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&#x27;", "'")
            .replace("&#60;", "<")
            .replace("&lt;", "<")
            .replace("&#62;", ">")
            .replace("&gt;", ">")
            .replace("&#38;", "&")
            .replace("&amp;", "&")
    }

    /// The whole `Set-Cookie` header that sets `name`, if the answer has one.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        let prefix = format!("{name}=");
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&prefix))
            .map(str::to_owned)
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The value of the hidden field `name` inside the form whose id is `form_id`.
    pub fn form_field(&self, form_id: &str, name: &str) -> Option<String> {
        let form = self.body.find(&format!("id=\"{form_id}\""))?;
        let rest = &self.body[form..];
        let rest = &rest[..rest.find("</form>")?];
        let marker = format!("name=\"{name}\" value=\"");
        let start = rest.find(&marker)? + marker.len();
        let end = rest[start..].find('"')? + start;
        Some(rest[start..end].to_owned())
    }
}
