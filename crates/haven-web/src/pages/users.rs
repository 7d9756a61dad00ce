//! Administering user accounts: create, disable and enable (never delete), reset a
//! password, give and revoke roles with their scope, and make API tokens.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use haven_domain::{Action, DisplayName, Kind, Language, NewPassword, Role, Scope, Username};
use haven_store::{Id, NewUser, StoreError, User};
use serde::Deserialize;

use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::i18n::Tr;
use crate::pages::audit::format_instant;
use crate::pages::home::scope_label;
use crate::pages::{no_store, render, Layout, FORM_ERROR};
use crate::state::AppState;

/// A user in the list.
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub roles: String,
    pub active: bool,
}

/// The new-user form as typed, with a message per wrong field.
#[derive(Debug, Default, Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub scope: String,
}

#[derive(Debug, Default)]
pub struct NewUserErrors {
    pub username: Option<String>,
    pub display_name: Option<String>,
    pub password: Option<String>,
    pub role: Option<String>,
    pub scope: Option<String>,
}

impl NewUserErrors {
    fn any(&self) -> bool {
        self.username.is_some()
            || self.display_name.is_some()
            || self.password.is_some()
            || self.role.is_some()
            || self.scope.is_some()
    }
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<UserRow>,
    form: NewUserForm,
    errors: NewUserErrors,
    roles: Vec<(&'static str, String)>,
    can_write: bool,
}

fn role_options(tr: &Tr) -> Vec<(&'static str, String)> {
    Role::ALL
        .iter()
        .map(|role| (role.code(), tr.role(role.code())))
        .collect()
}

async fn users_page(
    state: &AppState,
    auth: &Authenticated,
    form: NewUserForm,
    errors: NewUserErrors,
) -> Result<UsersPage, WebError> {
    let tr = auth.tr();
    let store = state.store();
    let mut users = Vec::new();
    for user in store.list_users().await? {
        let roles = crate::auth::roles_of(store, &user)
            .await?
            .iter()
            .map(|(role, scope)| format!("{} ({})", tr.role(role.code()), scope_label(tr, scope)))
            .collect::<Vec<_>>()
            .join(", ");
        users.push(UserRow {
            id: user.id.to_string(),
            active: user.is_active(),
            username: user.username,
            display_name: user.display_name,
            roles,
        });
    }
    Ok(UsersPage {
        layout: Layout::new(&auth.visitor, "users-title"),
        users,
        form,
        errors,
        roles: role_options(tr),
        can_write: auth.me.can(Action::Write, Kind::UserAccount),
    })
}

pub async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Response, WebError> {
    auth.require(Action::Read, Kind::UserAccount)?;
    let form = NewUserForm {
        scope: "all".to_owned(),
        ..NewUserForm::default()
    };
    let page = users_page(&state, &auth, form, NewUserErrors::default()).await?;
    render(&page).map(no_store)
}

/// Every account as a CSV file (no password hashes, no tokens); the download is
/// audited.
pub async fn export(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Response, WebError> {
    auth.require(Action::Read, Kind::UserAccount)?;
    let store = state.store();
    let mut rows = Vec::new();
    for user in store.list_users().await? {
        let roles = crate::auth::roles_of(store, &user)
            .await?
            .iter()
            .map(|(role, scope)| format!("{role} {scope}"))
            .collect::<Vec<_>>()
            .join("; ");
        rows.push(vec![
            user.username.clone(),
            user.display_name.clone(),
            user.language().code().to_owned(),
            if user.is_active() {
                "active"
            } else {
                "disabled"
            }
            .to_owned(),
            roles,
            user.created_at.to_text(),
        ]);
    }
    store
        .record_export(&auth.actor(), "user", rows.len())
        .await?;
    let header: Vec<String> = [
        "username",
        "display_name",
        "language",
        "status",
        "roles",
        "created_at",
    ]
    .iter()
    .map(|h| (*h).to_owned())
    .collect();
    Ok(crate::export::csv_response("users.csv", &header, rows))
}

pub async fn create(
    State(state): State<AppState>,
    auth: Authenticated,
    Form(form): Form<NewUserForm>,
) -> Result<Response, WebError> {
    auth.require(Action::Write, Kind::UserAccount)?;
    let tr = auth.tr().clone();
    let mut errors = NewUserErrors::default();
    let username = Username::parse(&form.username)
        .map_err(|e| errors.username = Some(tr.t(e.code())))
        .ok();
    let display_name = DisplayName::parse(&form.display_name)
        .map_err(|e| errors.display_name = Some(tr.t(e.code())))
        .ok();
    let password = username.as_ref().and_then(|username| {
        NewPassword::parse(&form.password, username)
            .map_err(|e| errors.password = Some(tr.t(e.code())))
            .ok()
    });
    let role = Role::parse(&form.role);
    if role.is_none() {
        errors.role = Some(tr.t("users-choose-role"));
    }
    let scope = match Scope::parse(&form.scope) {
        Ok(scope) if auth.me.may_grant(&scope) => Some(scope),
        Ok(_) => {
            errors.scope = Some(tr.t("users-scope-beyond-yours"));
            None
        }
        Err(_) => {
            errors.scope = Some(tr.t("users-bad-scope"));
            None
        }
    };

    let language = Language::parse(&form.language).unwrap_or_default();

    let (Some(username), Some(display_name), Some(password), Some(role), Some(scope), false) =
        (username, display_name, password, role, scope, errors.any())
    else {
        return form_with_errors(&state, &auth, form, errors).await;
    };
    let hash = state.hash_password(password.expose().to_owned()).await?;
    let store = state.store();
    let actor = auth.actor();
    let new = NewUser {
        username,
        display_name,
        password_hash: hash,
        language,
    };
    let user = match store.create_user_with_role(&actor, new, role, &scope).await {
        Ok(user) => user,
        Err(StoreError::Duplicate { .. }) => {
            errors.username = Some(tr.t("users-username-taken"));
            return form_with_errors(&state, &auth, form, errors).await;
        }
        Err(other) => return Err(other.into()),
    };
    Ok(see_other(&format!("/admin/users/{}", user.id)))
}

async fn form_with_errors(
    state: &AppState,
    auth: &Authenticated,
    mut form: NewUserForm,
    errors: NewUserErrors,
) -> Result<Response, WebError> {
    // The password is never sent back to the browser.
    form.password.clear();
    let page = users_page(state, auth, form, errors).await?;
    let mut response = render(&page)?;
    *response.status_mut() = FORM_ERROR;
    Ok(no_store(response))
}

/// A role assignment, ready to show.
pub struct AssignmentRow {
    pub id: String,
    pub role: String,
    pub scope: String,
    pub since: String,
    pub revoked: Option<String>,
    pub version: i64,
}

/// An API token, ready to show (never the token itself).
pub struct TokenRow {
    pub id: String,
    pub label: String,
    pub created: String,
    pub revoked: Option<String>,
    pub version: i64,
}

#[derive(Template)]
#[template(path = "user.html")]
struct UserPage {
    layout: Layout,
    user: User,
    created: String,
    assignments: Vec<AssignmentRow>,
    tokens: Vec<TokenRow>,
    roles: Vec<(&'static str, String)>,
    can_write: bool,
    is_me: bool,
    notice: Option<String>,
    new_token: Option<String>,
    password_error: Option<String>,
    role_error: Option<String>,
    role_form: (String, String),
    token_error: Option<String>,
    token_label: String,
}

fn parse_id(raw: &str) -> Result<Id, WebError> {
    raw.parse::<Id>().map_err(|_| WebError::NotFound)
}

async fn user_page(state: &AppState, auth: &Authenticated, id: Id) -> Result<UserPage, WebError> {
    let tr = auth.tr();
    let offset = state.config().time_offset;
    let store = state.store();
    let user = store.user(id).await?;
    let assignments = store
        .role_assignments(id)
        .await?
        .into_iter()
        .map(|a| AssignmentRow {
            id: a.id.to_string(),
            role: a
                .role()
                .map(|r| tr.role(r.code()))
                .unwrap_or_else(|| a.role.clone()),
            scope: a.scope().map(|s| scope_label(tr, &s)).unwrap_or_default(),
            since: format_instant(&a.created_at, offset),
            revoked: a.revoked_at.as_ref().map(|at| format_instant(at, offset)),
            version: a.version,
        })
        .collect();
    let tokens = store
        .api_tokens(id)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id.to_string(),
            label: t.label,
            created: format_instant(&t.created_at, offset),
            revoked: t.revoked_at.as_ref().map(|at| format_instant(at, offset)),
            version: t.version,
        })
        .collect();
    Ok(UserPage {
        layout: Layout::new(&auth.visitor, "user-title"),
        created: format_instant(&user.created_at, offset),
        is_me: user.id == auth.me.user.id,
        user,
        assignments,
        tokens,
        roles: role_options(tr),
        can_write: auth.me.can(Action::Write, Kind::UserAccount),
        notice: None,
        new_token: None,
        password_error: None,
        role_error: None,
        role_form: (String::new(), "all".to_owned()),
        token_error: None,
        token_label: String::new(),
    })
}

fn respond(page: &UserPage, ok: bool) -> Result<Response, WebError> {
    let mut response = render(page)?;
    if !ok {
        *response.status_mut() = FORM_ERROR;
    }
    Ok(no_store(response))
}

pub async fn show(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    auth.require(Action::Read, Kind::UserAccount)?;
    let page = user_page(&state, &auth, parse_id(&id)?).await?;
    respond(&page, true)
}

#[derive(Debug, Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    version: i64,
}

pub async fn disable(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    Form(form): Form<VersionForm>,
) -> Result<Response, WebError> {
    auth.require(Action::Write, Kind::UserAccount)?;
    let id = parse_id(&id)?;
    if id == auth.me.user.id {
        // An administrator cannot lock themselves out by mistake.
        return Err(WebError::BadRequest("cannot-disable-self"));
    }
    state
        .store()
        .disable_user(&auth.actor(), id, form.version)
        .await?;
    Ok(see_other(&format!("/admin/users/{id}")))
}

pub async fn enable(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    Form(form): Form<VersionForm>,
) -> Result<Response, WebError> {
    auth.require(Action::Write, Kind::UserAccount)?;
    let id = parse_id(&id)?;
    state
        .store()
        .enable_user(&auth.actor(), id, form.version)
        .await?;
    Ok(see_other(&format!("/admin/users/{id}")))
}

#[derive(Debug, Deserialize)]
pub struct ResetPasswordForm {
    #[serde(default)]
    version: i64,
    #[serde(default)]
    password: String,
}

pub async fn reset_password(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    Form(form): Form<ResetPasswordForm>,
) -> Result<Response, WebError> {
    auth.require(Action::Write, Kind::UserAccount)?;
    let id = parse_id(&id)?;
    let mut page = user_page(&state, &auth, id).await?;
    let username = Username::parse(&page.user.username).map_err(|_| WebError::Internal)?;
    let password = match NewPassword::parse(&form.password, &username) {
        Ok(password) => password,
        Err(e) => {
            page.password_error = Some(auth.tr().t(e.code()));
            return respond(&page, false);
        }
    };
    let hash = state.hash_password(password.expose().to_owned()).await?;
    state
        .store()
        .set_password(&auth.actor(), id, form.version, &hash)
        .await?;
    let mut page = user_page(&state, &auth, id).await?;
    page.notice = Some(auth.tr().t("user-password-was-reset"));
    respond(&page, true)
}

#[derive(Debug, Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    scope: String,
}

pub async fn add_role(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    Form(form): Form<RoleForm>,
) -> Result<Response, WebError> {
    auth.require(Action::Write, Kind::UserAccount)?;
    let id = parse_id(&id)?;
    let tr = auth.tr().clone();
    let role = Role::parse(&form.role);
    let scope = Scope::parse(&form.scope);
    let problem = match (&role, &scope) {
        (None, _) => Some("users-choose-role"),
        (_, Err(_)) => Some("users-bad-scope"),
        (_, Ok(scope)) if !auth.me.may_grant(scope) => Some("users-scope-beyond-yours"),
        _ => None,
    };
    let (Some(role), Ok(scope), None) = (role, scope, problem) else {
        let mut page = user_page(&state, &auth, id).await?;
        page.role_error = problem.map(|key| tr.t(key));
        page.role_form = (form.role, form.scope);
        return respond(&page, false);
    };
    state
        .store()
        .assign_role(&auth.actor(), id, role, &scope)
        .await?;
    Ok(see_other(&format!("/admin/users/{id}")))
}

pub async fn revoke_role(
    State(state): State<AppState>,
    auth: Authenticated,
    Path((id, assignment)): Path<(String, String)>,
    Form(form): Form<VersionForm>,
) -> Result<Response, WebError> {
    auth.require(Action::Write, Kind::UserAccount)?;
    let id = parse_id(&id)?;
    let assignment = parse_id(&assignment)?;
    let store = state.store();
    if store.role_assignment(assignment).await?.user_id != id {
        return Err(WebError::NotFound);
    }
    if id == auth.me.user.id {
        // An administrator cannot take away their own access by mistake: another
        // administrator does it.
        return Err(WebError::BadRequest("cannot-revoke-own-role"));
    }
    store
        .revoke_role(&auth.actor(), assignment, form.version)
        .await?;
    Ok(see_other(&format!("/admin/users/{id}")))
}

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    label: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    Form(form): Form<TokenForm>,
) -> Result<Response, WebError> {
    auth.require(Action::Write, Kind::UserAccount)?;
    let id = parse_id(&id)?;
    let label = haven_domain::text::normalise(&form.label);
    if label.is_empty() || label.chars().count() > 100 {
        let mut page = user_page(&state, &auth, id).await?;
        page.token_error = Some(auth.tr().t("user-token-label-needed"));
        page.token_label = form.label;
        return respond(&page, false);
    }
    let (token, _) = state
        .store()
        .create_api_token(&auth.actor(), id, &label)
        .await?;
    let mut page = user_page(&state, &auth, id).await?;
    page.new_token = Some(token);
    respond(&page, true)
}

pub async fn revoke_token(
    State(state): State<AppState>,
    auth: Authenticated,
    Path((id, token)): Path<(String, String)>,
    Form(form): Form<VersionForm>,
) -> Result<Response, WebError> {
    auth.require(Action::Write, Kind::UserAccount)?;
    let id = parse_id(&id)?;
    let token = parse_id(&token)?;
    if !state
        .store()
        .api_tokens(id)
        .await?
        .iter()
        .any(|t| t.id == token)
    {
        return Err(WebError::NotFound);
    }
    state
        .store()
        .revoke_api_token(&auth.actor(), token, form.version)
        .await?;
    Ok(see_other(&format!("/admin/users/{id}")))
}
