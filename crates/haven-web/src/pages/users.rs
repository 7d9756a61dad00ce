//! Administering user accounts: create, disable and enable (never delete), reset a
//! password, give and revoke roles with their scope, and make API tokens.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use haven_app::access::AccountAuthority;
use haven_app::accounts::{Account, NewAccount};
use haven_app::model::{Id, User};
use haven_app::AppError;
use haven_domain::{DisplayName, Language, NewPassword, Role, Scope, Username};
use serde::Deserialize;

use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::i18n::Tr;
use crate::pages::audit::format_instant;
use crate::pages::home::scope_label;
use crate::pages::{no_store, render, respond, Layout, FORM_ERROR};
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

/// The message of an action's refusal at a form on these pages.
fn refusal_key(error: &AppError) -> Option<&'static str> {
    match error {
        AppError::ScopeBeyondYours => Some("users-scope-beyond-yours"),
        AppError::SealedAccount => Some("users-sealed-account"),
        _ => None,
    }
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
    let caller = auth.caller();
    let mut users = Vec::new();
    for account in state.app().list_accounts(&caller).await? {
        let roles = account
            .roles
            .iter()
            .map(|(role, scope)| format!("{} ({})", tr.role(role.code()), scope_label(tr, scope)))
            .collect::<Vec<_>>()
            .join(", ");
        let user = account.user;
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
        can_write: state.app().may_manage_accounts(&caller).is_ok(),
    })
}

pub async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Response, WebError> {
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
    let mut rows = Vec::new();
    for account in state.app().export_accounts(&auth.caller()).await? {
        let roles = account
            .roles
            .iter()
            .map(|(role, scope)| format!("{role} {scope}"))
            .collect::<Vec<_>>()
            .join("; ");
        let user = account.user;
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
    let caller = auth.caller();
    state.app().may_manage_accounts(&caller)?;
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
    let scope = Scope::parse(&form.scope)
        .map_err(|_| errors.scope = Some(tr.t("users-bad-scope")))
        .ok();
    let language = Language::parse(&form.language).unwrap_or_default();

    let (Some(username), Some(display_name), Some(password), Some(role), Some(scope), false) =
        (username, display_name, password, role, scope, errors.any())
    else {
        return form_with_errors(&state, &auth, form, errors).await;
    };
    let new = NewAccount {
        username,
        display_name,
        password,
        language,
        role,
        scope,
    };
    match state.app().create_account(&caller, new).await {
        Ok(user) => Ok(see_other(&format!("/admin/users/{}", user.id))),
        Err(AppError::Duplicate { .. }) => {
            errors.username = Some(tr.t("users-username-taken"));
            form_with_errors(&state, &auth, form, errors).await
        }
        Err(error) => match refusal_key(&error) {
            Some(key) => {
                errors.scope = Some(tr.t(key));
                form_with_errors(&state, &auth, form, errors).await
            }
            None => Err(error.into()),
        },
    }
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
    /// The caller may change this account: roles, password, tokens.
    can_write: bool,
    /// The caller may disable this account (an administrator facing a sealed one).
    can_disable: bool,
    /// The caller may give roles (a national focal point: only safeguarding ones).
    can_grant: bool,
    /// The account holds a safeguarding role and the caller may not change it.
    sealed_notice: bool,
    is_me: bool,
    notice: Option<String>,
    new_token: Option<String>,
    password_error: Option<String>,
    role_error: Option<String>,
    role_password_error: Option<String>,
    role_form: (String, String),
    token_error: Option<String>,
    token_label: String,
}

fn parse_id(raw: &str) -> Result<Id, WebError> {
    raw.parse::<Id>().map_err(|_| WebError::NotFound)
}

async fn user_page(state: &AppState, auth: &Authenticated, id: Id) -> Result<UserPage, WebError> {
    let caller = auth.caller();
    let account = state.app().account(&caller, id).await?;
    let mut page = user_page_of(state, auth, account);
    page.can_grant = state.app().may_manage_accounts(&caller).is_ok();
    Ok(page)
}

fn user_page_of(state: &AppState, auth: &Authenticated, account: Account) -> UserPage {
    let tr = auth.tr();
    let offset = state.config().time_offset;
    let assignments = account
        .assignments
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
    let tokens = account
        .tokens
        .into_iter()
        .map(|t| TokenRow {
            id: t.id.to_string(),
            label: t.label,
            created: format_instant(&t.created_at, offset),
            revoked: t.revoked_at.as_ref().map(|at| format_instant(at, offset)),
            version: t.version,
        })
        .collect();
    let user = account.user;
    UserPage {
        layout: Layout::new(&auth.visitor, "user-title"),
        created: format_instant(&user.created_at, offset),
        is_me: user.id == auth.me.user.id,
        user,
        assignments,
        tokens,
        roles: role_options(tr),
        can_write: account.authority == AccountAuthority::Manage,
        can_disable: account.authority != AccountAuthority::None,
        can_grant: false,
        sealed_notice: account.sealed && account.authority != AccountAuthority::Manage,
        notice: None,
        new_token: None,
        password_error: None,
        role_error: None,
        role_password_error: None,
        role_form: (String::new(), "all".to_owned()),
        token_error: None,
        token_label: String::new(),
    }
}

/// Shows a refusal of an action at the form it came from, or answers with the
/// error page.
async fn refused_at(
    state: &AppState,
    auth: &Authenticated,
    id: Id,
    error: AppError,
    place: impl FnOnce(&mut UserPage, String),
) -> Result<Response, WebError> {
    let Some(key) = refusal_key(&error) else {
        return Err(error.into());
    };
    let mut page = user_page(state, auth, id).await?;
    place(&mut page, auth.tr().t(key));
    let mut response = render(&page)?;
    *response.status_mut() = FORM_ERROR;
    Ok(no_store(response))
}

pub async fn show(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let page = user_page(&state, &auth, parse_id(&id)?).await?;
    respond(&page, axum::http::StatusCode::OK)
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
    let caller = auth.caller();
    state.app().may_manage_accounts(&caller)?;
    let id = parse_id(&id)?;
    state
        .app()
        .disable_account(&caller, id, form.version)
        .await?;
    Ok(see_other(&format!("/admin/users/{id}")))
}

pub async fn enable(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    Form(form): Form<VersionForm>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    state.app().may_manage_accounts(&caller)?;
    let id = parse_id(&id)?;
    state
        .app()
        .enable_account(&caller, id, form.version)
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
    let caller = auth.caller();
    state.app().may_manage_accounts(&caller)?;
    let id = parse_id(&id)?;
    let mut page = user_page(&state, &auth, id).await?;
    let username = Username::parse(&page.user.username).map_err(|_| WebError::Internal)?;
    let password = match NewPassword::parse(&form.password, &username) {
        Ok(password) => password,
        Err(e) => {
            page.password_error = Some(auth.tr().t(e.code()));
            return respond(&page, FORM_ERROR);
        }
    };
    if let Err(error) = state
        .app()
        .reset_password(&caller, id, form.version, &password)
        .await
    {
        return refused_at(&state, &auth, id, error, |page, message| {
            page.password_error = Some(message)
        })
        .await;
    }
    let mut page = user_page(&state, &auth, id).await?;
    page.notice = Some(auth.tr().t("user-password-was-reset"));
    respond(&page, axum::http::StatusCode::OK)
}

#[derive(Debug, Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    scope: String,
    /// A new password for the account, needed with a safeguarding role.
    #[serde(default)]
    password: String,
}

pub async fn add_role(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    Form(form): Form<RoleForm>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    state.app().may_manage_accounts(&caller)?;
    let id = parse_id(&id)?;
    let tr = auth.tr().clone();
    let role = Role::parse(&form.role);
    let scope = Scope::parse(&form.scope);
    let problem = match (&role, &scope) {
        (None, _) => Some("users-choose-role"),
        (_, Err(_)) => Some("users-bad-scope"),
        _ => None,
    };
    let mut page = user_page(&state, &auth, id).await?;
    page.role_form = (form.role.clone(), form.scope.clone());
    let (Some(role), Ok(scope), None) = (role, scope, problem) else {
        page.role_error = problem.map(|key| tr.t(key));
        return respond(&page, FORM_ERROR);
    };
    let password = if form.password.is_empty() {
        None
    } else {
        let username = Username::parse(&page.user.username).map_err(|_| WebError::Internal)?;
        match NewPassword::parse(&form.password, &username) {
            Ok(password) => Some(password),
            Err(e) => {
                page.role_password_error = Some(tr.t(e.code()));
                return respond(&page, FORM_ERROR);
            }
        }
    };
    match state
        .app()
        .grant_role(&caller, id, role, &scope, password.as_ref())
        .await
    {
        Ok(_) => Ok(see_other(&format!("/admin/users/{id}"))),
        Err(AppError::Invalid(fields)) => {
            for field in fields {
                page.role_password_error = Some(tr.t(field.code));
            }
            respond(&page, FORM_ERROR)
        }
        Err(error) => {
            refused_at(&state, &auth, id, error, |page, message| {
                page.role_error = Some(message);
                page.role_form = (form.role, form.scope);
            })
            .await
        }
    }
}

pub async fn revoke_role(
    State(state): State<AppState>,
    auth: Authenticated,
    Path((id, assignment)): Path<(String, String)>,
    Form(form): Form<VersionForm>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    state.app().may_manage_accounts(&caller)?;
    let id = parse_id(&id)?;
    let assignment = parse_id(&assignment)?;
    state
        .app()
        .revoke_role(&caller, id, assignment, form.version)
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
    let caller = auth.caller();
    state.app().may_manage_accounts(&caller)?;
    let id = parse_id(&id)?;
    match state.app().create_token(&caller, id, &form.label).await {
        Ok((token, _)) => {
            let mut page = user_page(&state, &auth, id).await?;
            page.new_token = Some(token);
            respond(&page, axum::http::StatusCode::OK)
        }
        Err(AppError::Invalid(fields)) => {
            let mut page = user_page(&state, &auth, id).await?;
            page.token_error = fields.first().map(|f| auth.tr().t(f.code));
            page.token_label = form.label;
            respond(&page, FORM_ERROR)
        }
        Err(error) => {
            refused_at(&state, &auth, id, error, |page, message| {
                page.token_error = Some(message);
                page.token_label = form.label;
            })
            .await
        }
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    auth: Authenticated,
    Path((id, token)): Path<(String, String)>,
    Form(form): Form<VersionForm>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    state.app().may_manage_accounts(&caller)?;
    let id = parse_id(&id)?;
    let token = parse_id(&token)?;
    state
        .app()
        .revoke_token(&caller, id, token, form.version)
        .await?;
    Ok(see_other(&format!("/admin/users/{id}")))
}
