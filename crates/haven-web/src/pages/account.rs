//! "My account": who I am, my roles, and changing my own password.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::Form;
use haven_app::AppError;
use serde::Deserialize;

use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::pages::home::{scope_label, RoleLine};
use crate::pages::{no_store, render, Layout, FORM_ERROR};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    layout: Layout,
    username: String,
    display_name: String,
    roles: Vec<RoleLine>,
    current_error: Option<String>,
    new_error: Option<String>,
}

fn page(auth: &Authenticated) -> AccountPage {
    let tr = auth.tr();
    AccountPage {
        layout: Layout::new(&auth.visitor, "account-title"),
        username: auth.me.user.username.clone(),
        display_name: auth.me.user.display_name.clone(),
        roles: auth
            .me
            .roles
            .iter()
            .map(|(role, scope)| RoleLine {
                role: tr.role(role.code()),
                scope: scope_label(tr, scope),
            })
            .collect(),
        current_error: None,
        new_error: None,
    }
}

pub async fn account(auth: Authenticated) -> Result<Response, WebError> {
    render(&page(&auth)).map(no_store)
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    auth: Authenticated,
    Form(form): Form<PasswordForm>,
) -> Result<Response, WebError> {
    let tr = auth.tr().clone();
    let changed = state
        .app()
        .change_own_password(
            &auth.caller(),
            form.current.clone(),
            &form.new_password,
            &form.confirm,
        )
        .await;
    if let Err(AppError::Invalid(wrong)) = changed {
        let mut page = page(&auth);
        for error in wrong {
            let message = Some(tr.t(error.code));
            match error.field {
                "current" => page.current_error = message,
                _ => page.new_error = message,
            }
        }
        let mut response = render(&page)?;
        *response.status_mut() = FORM_ERROR;
        return Ok(no_store(response));
    }
    // Changing the password ends every session of the account, this one included.
    changed?;
    Ok(see_other("/login?password_changed=1"))
}
