//! Who is asking: the session behind a browser, the token behind an API client, the
//! language they read, and the CSRF check on every form.
//!
//! [`visitor_layer`] runs before every page handler. It finds the session (ending it
//! if it timed out or the account was disabled), picks the language, and refuses any
//! form whose CSRF token does not match: the session's token when signed in, a
//! cookie's token before sign-in. Handlers then take a [`Visitor`] or, where a
//! sign-in is needed, an [`Authenticated`].

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use haven_app::model::{Actor, User};
use haven_domain::{Action, Kind, Language, Role, Scope};
use subtle::ConstantTimeEq;

use crate::error::{ApiError, WebError};
use crate::i18n::Tr;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "haven_session";
pub const CSRF_COOKIE: &str = "haven_csrf";
pub const LANGUAGE_COOKIE: &str = "haven_lang";

/// Anyone reaching a page, signed in or not.
#[derive(Clone, Debug)]
pub struct Visitor {
    pub tr: Tr,
    /// The token every form on the page must send back as `csrf`.
    pub csrf: String,
    /// The client's network address, for the audit trail.
    pub address: String,
    /// The path and query of this request, to come back to after sign-in or a
    /// language switch.
    pub here: String,
    pub signed_in: Option<SignedIn>,
    /// The browser sent a session that has ended (timed out or disabled).
    pub session_ended: bool,
}

/// A signed-in user, with the roles they hold now.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub user: User,
    pub roles: Vec<(Role, Scope)>,
    pub session_token: String,
}

impl SignedIn {
    /// True when any of the user's roles grants the permission.
    pub fn can(&self, action: Action, kind: Kind) -> bool {
        self.roles
            .iter()
            .any(|(role, _)| role.permits(action, kind))
    }

    pub fn actor(&self, address: &str) -> Actor {
        actor_for(&self.user, address)
    }

    /// True when the user manages accounts in a scope that contains `scope`: an
    /// administrator of one facility cannot make administrators of everything.
    pub fn may_grant(&self, scope: &Scope) -> bool {
        may_grant(&self.roles, scope)
    }
}

fn may_grant(roles: &[(Role, Scope)], scope: &Scope) -> bool {
    roles
        .iter()
        .any(|(role, held)| role.permits(Action::Write, Kind::UserAccount) && held.contains(scope))
}

pub fn actor_for(user: &User, address: &str) -> Actor {
    Actor {
        id: user.id,
        username: user.username.clone(),
        address: address.to_owned(),
    }
}

/// A page request from a signed-in user. Extracting it sends everyone else to the
/// sign-in page.
#[derive(Clone, Debug)]
pub struct Authenticated {
    pub visitor: Visitor,
    pub me: SignedIn,
}

impl Authenticated {
    pub fn actor(&self) -> Actor {
        self.me.actor(&self.visitor.address)
    }

    /// The caller, for an action of haven-app.
    pub fn caller(&self) -> haven_app::Caller {
        haven_app::Caller::new(
            self.me.user.clone(),
            self.me.roles.clone(),
            self.visitor.address.clone(),
        )
    }

    pub fn tr(&self) -> &Tr {
        &self.visitor.tr
    }
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Visitor>().cloned().ok_or_else(|| {
            tracing::error!("a page handler ran without the visitor layer");
            WebError::Internal
        })
    }
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let visitor = Visitor::from_request_parts(parts, state).await?;
        match visitor.signed_in.clone() {
            Some(me) => Ok(Authenticated { visitor, me }),
            None => Err(WebError::SignInRequired {
                next: if parts.method == Method::GET {
                    visitor.here.clone()
                } else {
                    "/".to_owned()
                },
            }),
        }
    }
}

/// The caller behind a request that passes no layer of its own (`/metrics`): a bearer
/// token, or else a live session. `None` when neither is there or valid.
pub(crate) async fn caller_of_request(
    state: &AppState,
    parts: &Parts,
) -> Result<Option<haven_app::Caller>, haven_app::AppError> {
    let app = state.app();
    let address = client_address_of(
        &parts.extensions,
        &parts.headers,
        state.config().trust_forwarded_for,
    );
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim);
    let found = if let Some(token) = bearer {
        app.token_holder(token)
            .await?
            .map(|holder| (holder.user, holder.roles))
    } else {
        let jar = CookieJar::from_headers(&parts.headers);
        match jar.get(SESSION_COOKIE) {
            Some(cookie) => app
                .session(cookie.value(), state.config().sessions)
                .await?
                .map(|live| (live.user, live.roles)),
            None => None,
        }
    };
    Ok(found.map(|(user, roles)| haven_app::Caller::new(user, roles, address)))
}

/// The address of the client, from the connection.
fn client_address(request: &Request, trust_forwarded_for: bool) -> String {
    client_address_of(request.extensions(), request.headers(), trust_forwarded_for)
}

/// The client's address: the connection's peer or, behind a trusted reverse proxy,
/// the last address in `X-Forwarded-For` (the one that proxy added; earlier ones are
/// whatever the client claimed).
fn client_address_of(
    extensions: &axum::http::Extensions,
    headers: &HeaderMap,
    trust_forwarded_for: bool,
) -> String {
    let forwarded = trust_forwarded_for
        .then(|| headers.get("x-forwarded-for"))
        .flatten()
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.rsplit(',').next())
        .and_then(|last| last.trim().parse::<std::net::IpAddr>().ok());
    match forwarded {
        Some(address) => address.to_string(),
        None => extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(address)| address.ip().to_string())
            .unwrap_or_else(|| "unknown".to_owned()),
    }
}

/// The language for a visitor who is not signed in: their cookie, then their
/// browser's wish, then the site's default.
fn anonymous_language(jar: &CookieJar, headers: &HeaderMap, default: Language) -> Language {
    jar.get(LANGUAGE_COOKIE)
        .and_then(|cookie| Language::parse(cookie.value()))
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|value| value.to_str().ok())
                .and_then(Language::from_accept_language)
        })
        .unwrap_or(default)
}

/// Builds a cookie with Haven's attributes: HttpOnly, SameSite=Lax, path /, and
/// Secure behind TLS.
pub fn cookie_header(
    state: &AppState,
    name: &'static str,
    value: String,
    max_age_seconds: Option<i64>,
) -> HeaderValue {
    let mut cookie = Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config().secure_cookies);
    if let Some(seconds) = max_age_seconds {
        cookie = cookie.max_age(time::Duration::seconds(seconds));
    }
    HeaderValue::from_str(&cookie.build().to_string())
        .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Finds the visitor, checks the CSRF token of forms, and runs the page handler.
pub async fn visitor_layer(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    match visit(state, request, next).await {
        Ok(response) | Err(response) => response,
    }
}

async fn visit(state: AppState, request: Request, next: Next) -> Result<Response, Response> {
    let jar = CookieJar::from_headers(request.headers());
    let address = client_address(&request, state.config().trust_forwarded_for);
    let timeouts = state.config().sessions;

    let mut signed_in = None;
    let mut csrf_from_session = None;
    let mut session_ended = false;
    if let Some(cookie) = jar.get(SESSION_COOKIE) {
        let token = cookie.value().to_owned();
        match state.app().session(&token, timeouts).await {
            Ok(Some(live)) => {
                csrf_from_session = Some(live.session.csrf_token);
                signed_in = Some(SignedIn {
                    user: live.user,
                    roles: live.roles,
                    session_token: token,
                });
            }
            Ok(None) => session_ended = true,
            Err(error) => return Err(WebError::from(error).into_response()),
        }
    }

    let language = match &signed_in {
        Some(me) => me.user.language(),
        None => anonymous_language(&jar, request.headers(), state.config().default_language),
    };
    let mut new_csrf_cookie = None;
    let csrf = match csrf_from_session {
        Some(token) => token,
        None => match jar.get(CSRF_COOKIE) {
            Some(cookie) if cookie.value().len() == 64 => cookie.value().to_owned(),
            _ => {
                let token = hex_token();
                new_csrf_cookie = Some(token.clone());
                token
            }
        },
    };

    let here = request
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str().to_owned())
        .unwrap_or_else(|| "/".to_owned());
    let tr = Tr::new(language, state.inner.translations.clone());
    let visitor = Visitor {
        tr,
        csrf,
        address,
        here,
        signed_in,
        session_ended,
    };
    // Every answer, error pages included, carries the visitor (for the error renderer,
    // whose pages hold forms too) and the cookies this visit needs.
    let finish = |mut response: Response| -> Response {
        response.extensions_mut().insert(visitor.clone());
        if let Some(token) = &new_csrf_cookie {
            response.headers_mut().append(
                header::SET_COOKIE,
                cookie_header(&state, CSRF_COOKIE, token.clone(), None),
            );
        }
        if session_ended {
            response = forget_ended_session(&state, response);
        }
        with_language(response, language)
    };

    let request = if request.method() == Method::POST {
        let (parts, body) = request.into_parts();
        let bytes = axum::body::to_bytes(body, state.config().max_body_bytes)
            .await
            .map_err(|_| finish(WebError::PayloadTooLarge.into_response()))?;
        let content_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let sent = if content_type.starts_with("multipart/form-data") {
            multipart_csrf(&content_type, bytes.clone())
                .await
                .unwrap_or_default()
        } else {
            form_urlencoded::parse(&bytes)
                .find(|(name, _)| name == "csrf")
                .map(|(_, value)| value.into_owned())
                .unwrap_or_default()
        };
        if !bool::from(sent.as_bytes().ct_eq(visitor.csrf.as_bytes())) {
            if session_ended {
                // The form came from a session that has since ended: say so at sign-in.
                return Err(finish(
                    WebError::SignInRequired {
                        next: "/".to_owned(),
                    }
                    .into_response(),
                ));
            }
            tracing::warn!("a form arrived without a valid CSRF token");
            return Err(finish(WebError::Csrf.into_response()));
        }
        Request::from_parts(parts, Body::from(bytes))
    } else {
        request
    };

    let mut request = request;
    request.extensions_mut().insert(visitor.clone());
    let response = next.run(request).await;
    Ok(finish(response))
}

/// The `csrf` field of a multipart form (a file upload), read from the body already
/// in memory; `None` when the body is not a well-formed multipart form.
async fn multipart_csrf(content_type: &str, bytes: axum::body::Bytes) -> Option<String> {
    let boundary = multer::parse_boundary(content_type).ok()?;
    let mut multipart = multer::Multipart::new(Body::from(bytes).into_data_stream(), boundary);
    while let Some(field) = multipart.next_field().await.ok()? {
        if field.name() == Some("csrf") {
            return field.text().await.ok();
        }
    }
    None
}

/// Tells the error renderer which language the visitor reads.
fn with_language(mut response: Response, language: Language) -> Response {
    response.extensions_mut().insert(language);
    response
}

fn hex_token() -> String {
    let bytes: [u8; 32] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Clears the cookie of a session that has ended and, when the answer sends the
/// browser to sign in, tells the sign-in page to say why: by then the cookie is gone,
/// so the page cannot tell by itself.
fn forget_ended_session(state: &AppState, mut response: Response) -> Response {
    response.headers_mut().append(
        header::SET_COOKIE,
        cookie_header(state, SESSION_COOKIE, String::new(), Some(0)),
    );
    let to_sign_in = response
        .headers()
        .get(header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|location| location.strip_prefix("/login?"))
        .and_then(|query| HeaderValue::from_str(&format!("/login?ended=1&{query}")).ok());
    if let Some(location) = to_sign_in {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// A machine client, authenticated by its bearer token, acting with its user's roles.
#[derive(Clone, Debug)]
pub struct ApiCaller {
    pub user: User,
    pub roles: Vec<(Role, Scope)>,
    pub address: String,
}

impl ApiCaller {
    pub fn actor(&self) -> Actor {
        actor_for(&self.user, &self.address)
    }

    /// The caller, for an action of haven-app.
    pub fn caller(&self) -> haven_app::Caller {
        haven_app::Caller::new(self.user.clone(), self.roles.clone(), self.address.clone())
    }

    /// The scopes of the caller's roles that permit `action` on any of `kinds` (an
    /// aggregate without names is read with Read Clinical or Read Report, each role as
    /// far as its scope reaches); forbidden when none does.
    pub fn scopes_for(&self, action: Action, kinds: &[Kind]) -> Result<Vec<Scope>, ApiError> {
        let scopes: Vec<Scope> = self
            .roles
            .iter()
            .filter(|(role, _)| kinds.iter().any(|kind| role.permits(action, *kind)))
            .map(|(_, scope)| scope.clone())
            .collect();
        if scopes.is_empty() {
            return Err(ApiError::forbidden());
        }
        Ok(scopes)
    }

    /// See [`SignedIn::may_grant`].
    pub fn may_grant(&self, scope: &Scope) -> bool {
        may_grant(&self.roles, scope)
    }
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(ApiError::unauthenticated)?;
        let holder = state
            .app()
            .token_holder(token)
            .await?
            .ok_or_else(ApiError::unauthenticated)?;
        let (user, roles, token_id) = (holder.user, holder.roles, holder.token);
        let ip = client_address_of(
            &parts.extensions,
            &parts.headers,
            state.config().trust_forwarded_for,
        );
        // The audit trail says which token acted, not only whose it is.
        let address = format!("{ip} (API token {token_id})");
        Ok(ApiCaller {
            user,
            roles,
            address,
        })
    }
}
