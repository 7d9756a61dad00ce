//! Accounts over the API: the caller, and user administration.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use haven_app::accounts::NewAccount;
use haven_app::model::{Id, User};
use haven_domain::{DisplayName, Language, NewPassword, Role, Scope, Username};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ApiJson;
use crate::auth::ApiCaller;
use crate::error::{ApiError, FieldErrorWire, Problem};
use crate::state::AppState;

/// A role held in a scope.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoleWire {
    /// A role code, such as `doctor`.
    pub role: String,
    /// `all`, `country:KH`, `programme:ID` or `facility:ID`.
    pub scope: String,
}

/// A user account.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserWire {
    pub id: String,
    pub username: String,
    pub display_name: String,
    /// `en` or `km`.
    pub language: String,
    pub active: bool,
    /// Send it back with a change; a stale one is refused with 409.
    pub version: i64,
    pub created_at: String,
    pub roles: Vec<RoleWire>,
}

async fn user_wire(state: &AppState, user: User) -> Result<UserWire, ApiError> {
    let roles = state.app().current_roles(user.id).await?;
    Ok(user_wire_with(user, roles))
}

fn user_wire_with(user: User, roles: Vec<(Role, Scope)>) -> UserWire {
    let roles = roles
        .into_iter()
        .map(|(role, scope)| RoleWire {
            role: role.code().to_owned(),
            scope: scope.to_string(),
        })
        .collect();
    UserWire {
        id: user.id.to_string(),
        active: user.is_active(),
        language: user.language().code().to_owned(),
        username: user.username,
        display_name: user.display_name,
        version: user.version,
        created_at: user.created_at.to_text(),
        roles,
    }
}

fn parse_id(raw: &str) -> Result<Id, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such user"))
}

/// The account the token belongs to.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = UserWire), (status = 401, body = Problem)))]
pub async fn me(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<UserWire>, ApiError> {
    Ok(Json(user_wire(&state, caller.user).await?))
}

/// Every account.
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = [UserWire]), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_users(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Vec<UserWire>>, ApiError> {
    let accounts = state.app().list_accounts(&caller.caller()).await?;
    Ok(Json(
        accounts
            .into_iter()
            .map(|account| user_wire_with(account.user, account.roles))
            .collect(),
    ))
}

/// A new account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserRequest {
    pub username: String,
    pub display_name: String,
    /// At least 10 characters; never returned.
    pub password: String,
    /// `en` (default) or `km`.
    #[serde(default)]
    pub language: Option<String>,
    /// A role code, such as `doctor`.
    pub role: String,
    /// `all` (default), `country:KH`, `programme:ID` or `facility:ID`.
    #[serde(default)]
    pub scope: Option<String>,
}

/// Creates an account with one role.
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", security(("bearer" = [])),
    request_body = NewUserRequest,
    responses((status = 201, body = UserWire), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_user(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(request): ApiJson<NewUserRequest>,
) -> Result<(StatusCode, Json<UserWire>), ApiError> {
    let app_caller = caller.caller();
    state.app().may_manage_accounts(&app_caller)?;
    let field = |name: &'static str, code: &'static str| {
        ApiError::fields(vec![FieldErrorWire {
            field: name.to_owned(),
            code: code.to_owned(),
        }])
    };
    let username = Username::parse(&request.username).map_err(|e| field("username", e.code()))?;
    let display_name =
        DisplayName::parse(&request.display_name).map_err(|e| field("display_name", e.code()))?;
    let password = NewPassword::parse(&request.password, &username)
        .map_err(|e| field("password", e.code()))?;
    let language = match request.language.as_deref() {
        None => Language::English,
        Some(code) => {
            Language::parse(code).ok_or_else(|| field("language", "users-bad-language"))?
        }
    };
    let role = Role::parse(&request.role).ok_or_else(|| field("role", "users-choose-role"))?;
    let scope = Scope::parse(request.scope.as_deref().unwrap_or("all"))
        .map_err(|_| field("scope", "users-bad-scope"))?;
    let user = state
        .app()
        .create_account(
            &app_caller,
            NewAccount {
                username,
                display_name,
                password,
                language,
                role,
                scope,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(user_wire(&state, user).await?)))
}

/// One account.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "accounts", security(("bearer" = [])),
    params(("id" = String, Path, description = "the user's id")),
    responses((status = 200, body = UserWire), (status = 404, body = Problem)))]
pub async fn get_user(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<UserWire>, ApiError> {
    let account = state
        .app()
        .account(&caller.caller(), parse_id(&id)?)
        .await?;
    Ok(Json(user_wire(&state, account.user).await?))
}

/// The version of the record as read, for a change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionRequest {
    pub version: i64,
}

/// Disables an account (never deletes it) and ends its sessions at once.
#[utoipa::path(post, path = "/api/v1/users/{id}/disable", tag = "accounts", security(("bearer" = [])),
    params(("id" = String, Path, description = "the user's id")),
    request_body = VersionRequest,
    responses((status = 200, body = UserWire), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn disable_user(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<VersionRequest>,
) -> Result<Json<UserWire>, ApiError> {
    let app_caller = caller.caller();
    state.app().may_manage_accounts(&app_caller)?;
    let user = state
        .app()
        .disable_account(&app_caller, parse_id(&id)?, request.version)
        .await?;
    Ok(Json(user_wire(&state, user).await?))
}

/// Enables a disabled account.
#[utoipa::path(post, path = "/api/v1/users/{id}/enable", tag = "accounts", security(("bearer" = [])),
    params(("id" = String, Path, description = "the user's id")),
    request_body = VersionRequest,
    responses((status = 200, body = UserWire), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn enable_user(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<VersionRequest>,
) -> Result<Json<UserWire>, ApiError> {
    let app_caller = caller.caller();
    state.app().may_manage_accounts(&app_caller)?;
    let user = state
        .app()
        .enable_account(&app_caller, parse_id(&id)?, request.version)
        .await?;
    Ok(Json(user_wire(&state, user).await?))
}

/// A role to give, in a scope.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantRoleRequest {
    /// A role code, such as `doctor`.
    pub role: String,
    /// `all`, `country:KH`, `programme:ID` or `facility:ID`.
    pub scope: String,
    /// A new password for the account: required with a safeguarding role (the
    /// account's sessions end and its tokens are revoked), refused otherwise.
    #[serde(default)]
    pub password: Option<String>,
}

/// Gives an account a role in a scope. Safeguarding roles only from a national
/// safeguarding focal point, with a new password.
#[utoipa::path(post, path = "/api/v1/users/{id}/roles", tag = "accounts", security(("bearer" = [])),
    params(("id" = String, Path, description = "the user's id")),
    request_body = GrantRoleRequest,
    responses((status = 200, body = UserWire), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn grant_role(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<GrantRoleRequest>,
) -> Result<Json<UserWire>, ApiError> {
    let app_caller = caller.caller();
    state.app().may_manage_accounts(&app_caller)?;
    let id = parse_id(&id)?;
    let field = |name: &'static str, code: &'static str| {
        ApiError::fields(vec![FieldErrorWire {
            field: name.to_owned(),
            code: code.to_owned(),
        }])
    };
    let role = Role::parse(&request.role).ok_or_else(|| field("role", "users-choose-role"))?;
    let scope = Scope::parse(&request.scope).map_err(|_| field("scope", "users-bad-scope"))?;
    let account = state.app().account(&app_caller, id).await?;
    let password = match request.password.as_deref() {
        None => None,
        Some(raw) => {
            let username =
                Username::parse(&account.user.username).map_err(|e| field("password", e.code()))?;
            Some(NewPassword::parse(raw, &username).map_err(|e| field("password", e.code()))?)
        }
    };
    state
        .app()
        .grant_role(&app_caller, id, role, &scope, password.as_ref())
        .await?;
    Ok(Json(
        user_wire(&state, state.app().account(&app_caller, id).await?.user).await?,
    ))
}

/// A role assignment to revoke, as read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeRoleRequest {
    /// The role assignment's id (see the account's page or the audit trail).
    pub assignment: String,
    pub version: i64,
}

/// Revokes one of an account's roles (it stays in the history).
#[utoipa::path(post, path = "/api/v1/users/{id}/roles/revoke", tag = "accounts", security(("bearer" = [])),
    params(("id" = String, Path, description = "the user's id")),
    request_body = RevokeRoleRequest,
    responses((status = 200, body = UserWire), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn revoke_role(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<RevokeRoleRequest>,
) -> Result<Json<UserWire>, ApiError> {
    let app_caller = caller.caller();
    state.app().may_manage_accounts(&app_caller)?;
    let id = parse_id(&id)?;
    let assignment = parse_id(&request.assignment)?;
    state
        .app()
        .revoke_role(&app_caller, id, assignment, request.version)
        .await?;
    Ok(Json(
        user_wire(&state, state.app().account(&app_caller, id).await?.user).await?,
    ))
}

/// A new password chosen by an administrator, with the account's version as read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordRequest {
    pub version: i64,
    /// At least 10 characters; never returned.
    pub password: String,
}

/// Resets an account's password: its sessions end and its API tokens are revoked.
#[utoipa::path(post, path = "/api/v1/users/{id}/password", tag = "accounts", security(("bearer" = [])),
    params(("id" = String, Path, description = "the user's id")),
    request_body = ResetPasswordRequest,
    responses((status = 200, body = UserWire), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn reset_password(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<ResetPasswordRequest>,
) -> Result<Json<UserWire>, ApiError> {
    let app_caller = caller.caller();
    state.app().may_manage_accounts(&app_caller)?;
    let id = parse_id(&id)?;
    let account = state.app().account(&app_caller, id).await?;
    let username = Username::parse(&account.user.username)
        .map_err(|_| ApiError::validation("the account's username is not valid"))?;
    let password = NewPassword::parse(&request.password, &username).map_err(|e| {
        ApiError::fields(vec![FieldErrorWire {
            field: "password".to_owned(),
            code: e.code().to_owned(),
        }])
    })?;
    let user = state
        .app()
        .reset_password(&app_caller, id, request.version, &password)
        .await?;
    Ok(Json(user_wire(&state, user).await?))
}

/// What a new token is for.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenRequest {
    /// Up to 100 characters.
    pub label: String,
}

/// A new API token, shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewTokenWire {
    pub id: String,
    pub label: String,
    /// The token itself: store it now, Haven keeps only its hash.
    pub token: String,
}

/// Makes an API token for an account.
#[utoipa::path(post, path = "/api/v1/users/{id}/tokens", tag = "accounts", security(("bearer" = [])),
    params(("id" = String, Path, description = "the user's id")),
    request_body = NewTokenRequest,
    responses((status = 201, body = NewTokenWire), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_token(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<NewTokenRequest>,
) -> Result<(StatusCode, Json<NewTokenWire>), ApiError> {
    let app_caller = caller.caller();
    state.app().may_manage_accounts(&app_caller)?;
    let (token, record) = state
        .app()
        .create_token(&app_caller, parse_id(&id)?, &request.label)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(NewTokenWire {
            id: record.id.to_string(),
            label: record.label,
            token,
        }),
    ))
}
