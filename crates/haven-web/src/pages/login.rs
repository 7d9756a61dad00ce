//! Signing in and out.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::Response;
use axum::Form;
use haven_app::sessions::SignIn;
use serde::Deserialize;

use crate::auth::{cookie_header, Visitor, SESSION_COOKIE};
use crate::error::{see_other, WebError};
use crate::pages::{local_path, no_store, render, Layout};
use crate::state::AppState;

/// Stands in the audit trail for a username that names no account.
pub use haven_app::sessions::UNKNOWN_USERNAME;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    username: String,
    next: String,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    ended: Option<String>,
    #[serde(default)]
    signed_out: Option<String>,
    #[serde(default)]
    password_changed: Option<String>,
}

pub async fn login_page(
    visitor: Visitor,
    Query(query): Query<LoginQuery>,
) -> Result<Response, WebError> {
    if visitor.signed_in.is_some() {
        return Ok(see_other("/"));
    }
    let tr = &visitor.tr;
    let notice = if query.ended.is_some() || visitor.session_ended {
        Some(tr.t("login-session-ended"))
    } else if query.password_changed.is_some() {
        Some(tr.t("login-password-changed"))
    } else if query.signed_out.is_some() {
        Some(tr.t("login-signed-out"))
    } else {
        None
    };
    let page = LoginPage {
        layout: Layout::new(&visitor, "login-title"),
        username: String::new(),
        next: local_path(query.next.as_deref().unwrap_or("/")).to_owned(),
        error: None,
        notice,
    };
    render(&page).map(no_store)
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn login(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let tr = visitor.tr.clone();
    let next = local_path(&form.next).to_owned();
    let typed = haven_domain::text::normalise(&form.username)
        .chars()
        .take(64)
        .collect::<String>();
    let refuse = |status: StatusCode, message: String| -> Result<Response, WebError> {
        let page = LoginPage {
            layout: Layout::new(&visitor, "login-title"),
            username: typed.clone(),
            next: next.clone(),
            error: Some(message),
            notice: None,
        };
        let mut response = render(&page)?;
        *response.status_mut() = status;
        Ok(no_store(response))
    };
    if form.username.trim().is_empty() || form.password.is_empty() {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, tr.t("login-missing"));
    }
    let throttle = &state.inner.throttle;
    if let Err(wait) = throttle.begin_attempt(&typed, &visitor.address) {
        let message = if wait.as_secs() < 120 {
            tr.t1("login-throttled-seconds", "seconds", wait.as_secs().max(1))
        } else {
            tr.t1("login-throttled", "minutes", wait.as_secs().div_ceil(60))
        };
        return refuse(StatusCode::TOO_MANY_REQUESTS, message);
    }

    let password = form.password.clone();
    let outcome = state
        .app()
        .sign_in(
            &form.username,
            password,
            &visitor.address,
            state.config().sessions,
        )
        .await?;
    match outcome {
        SignIn::Signed { token, .. } => {
            throttle.record_success(&typed, &visitor.address);
            let mut response = see_other(&next);
            response.headers_mut().append(
                header::SET_COOKIE,
                cookie_header(&state, SESSION_COOKIE, token, None),
            );
            Ok(response)
        }
        SignIn::Refused => refuse(StatusCode::UNAUTHORIZED, tr.t("login-failed")),
    }
}

pub async fn logout(State(state): State<AppState>, visitor: Visitor) -> Result<Response, WebError> {
    if let Some(me) = &visitor.signed_in {
        let caller =
            haven_app::Caller::new(me.user.clone(), me.roles.clone(), visitor.address.clone());
        state.app().sign_out(&caller, &me.session_token).await?;
    }
    let mut response = see_other("/login?signed_out=1");
    response.headers_mut().append(
        header::SET_COOKIE,
        cookie_header(&state, SESSION_COOKIE, String::new(), Some(0)),
    );
    Ok(response)
}
