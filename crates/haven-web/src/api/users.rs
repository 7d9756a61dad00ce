//! Accounts over the API: the caller, and user administration.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use haven_domain::{Action, DisplayName, Kind, Language, NewPassword, Role, Scope, Username};
use haven_store::{Id, NewUser, User};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ApiJson;
use crate::auth::{roles_of, ApiCaller};
use crate::error::{ApiError, Problem};
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
    let roles = roles_of(state.store(), &user)
        .await?
        .into_iter()
        .map(|(role, scope)| RoleWire {
            role: role.code().to_owned(),
            scope: scope.to_string(),
        })
        .collect();
    Ok(UserWire {
        id: user.id.to_string(),
        active: user.is_active(),
        language: user.language().code().to_owned(),
        username: user.username,
        display_name: user.display_name,
        version: user.version,
        created_at: user.created_at.to_text(),
        roles,
    })
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
    caller.require(Action::Read, Kind::UserAccount)?;
    let mut users = Vec::new();
    for user in state.store().list_users().await? {
        users.push(user_wire(&state, user).await?);
    }
    Ok(Json(users))
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
    caller.require(Action::Write, Kind::UserAccount)?;
    let field = |name: &str, message: String| ApiError::validation(format!("{name}: {message}"));
    let username =
        Username::parse(&request.username).map_err(|e| field("username", e.to_string()))?;
    let display_name = DisplayName::parse(&request.display_name)
        .map_err(|e| field("display_name", e.to_string()))?;
    let password = NewPassword::parse(&request.password, &username)
        .map_err(|e| field("password", e.to_string()))?;
    let language = match request.language.as_deref() {
        None => Language::English,
        Some(code) => {
            Language::parse(code).ok_or_else(|| field("language", "use en or km".to_owned()))?
        }
    };
    let role = Role::parse(&request.role)
        .ok_or_else(|| field("role", "not a role Haven knows".to_owned()))?;
    let scope = Scope::parse(request.scope.as_deref().unwrap_or("all"))
        .map_err(|e| field("scope", e.to_string()))?;
    if !caller.may_grant(&scope) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "auth.scope_beyond_yours",
            "you can only give roles within the scope where you manage accounts",
        ));
    }
    let hash = state.hash_password(password.expose().to_owned()).await?;
    let store = state.store();
    let actor = caller.actor();
    let user = store
        .create_user_with_role(
            &actor,
            NewUser {
                username,
                display_name,
                password_hash: hash,
                language,
            },
            role,
            &scope,
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
    caller.require(Action::Read, Kind::UserAccount)?;
    let user = state.store().user(parse_id(&id)?).await?;
    Ok(Json(user_wire(&state, user).await?))
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
    caller.require(Action::Write, Kind::UserAccount)?;
    let id = parse_id(&id)?;
    if id == caller.user.id {
        return Err(ApiError::validation("an account cannot disable itself"));
    }
    let user = state
        .store()
        .disable_user(&caller.actor(), id, request.version)
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
    caller.require(Action::Write, Kind::UserAccount)?;
    let user = state
        .store()
        .enable_user(&caller.actor(), parse_id(&id)?, request.version)
        .await?;
    Ok(Json(user_wire(&state, user).await?))
}
