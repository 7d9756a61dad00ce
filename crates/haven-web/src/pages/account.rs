//! "My account": who I am, my roles, and changing my own password.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::Form;
use haven_domain::account::AccountError;
use haven_domain::{NewPassword, Username};
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
    let store = state.store();
    let user = store.user(auth.me.user.id).await?;
    let stored = store
        .user_with_password(&user.username)
        .await?
        .map(|(_, hash)| hash)
        .ok_or(WebError::NotFound)?;
    let current = form.current.clone();
    let current_ok = state.verify_password(current, stored).await;
    let mut page = page(&auth);
    let username = Username::parse(&user.username).map_err(|_| WebError::Internal)?;
    let new_password = if form.new_password != form.confirm {
        Err("account-passwords-differ".to_owned())
    } else {
        NewPassword::parse(&form.new_password, &username)
            .map_err(|e: AccountError| e.code().to_owned())
    };
    if !current_ok {
        page.current_error = Some(tr.t("account-current-wrong"));
    }
    if let Err(code) = &new_password {
        page.new_error = Some(tr.t(code));
    }
    let new_password = match new_password {
        Ok(password) if current_ok => password,
        _ => {
            let mut response = render(&page)?;
            *response.status_mut() = FORM_ERROR;
            return Ok(no_store(response));
        }
    };
    let hash = state.hash_password(&new_password).await?;
    // Changing the password ends every session of the account, this one included.
    store
        .set_password(&auth.actor(), user.id, user.version, &hash)
        .await?;
    Ok(see_other("/login?password_changed=1"))
}
