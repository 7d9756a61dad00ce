//! The audit trail over the API.

use axum::extract::{Query, State};
use axum::Json;
use haven_app::audit::TrailSearch;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::ApiCaller;
use crate::error::{ApiError, Problem};
use crate::pages::audit::{page_cursor, CursorError};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventWire {
    /// The position on the chain: only for readers who see every event (the national
    /// focal points), since sealed events share the numbering.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sequence: Option<i64>,
    pub id: String,
    pub occurred_at: String,
    pub actor_username: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub address: String,
    pub detail: String,
    /// The chain's hash: only with `sequence` (hashes link to the previous event, so
    /// they too would show where sealed events are).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct AuditParams {
    /// Only events by this username.
    pub user: Option<String>,
    /// Only this action, such as `sign_in`.
    pub action: Option<String>,
    /// Only events about this kind of record, such as `user`.
    pub entity: Option<String>,
    /// Only events about this record id.
    pub record: Option<String>,
    /// Events before this one (an event `id`), for paging back.
    pub before: Option<String>,
    /// At most this many (1 to 500, default 100).
    pub limit: Option<i64>,
}

/// Audit events, newest first.
#[utoipa::path(get, path = "/api/v1/audit-events", tag = "audit", security(("bearer" = [])),
    params(AuditParams),
    responses((status = 200, body = [AuditEventWire]), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_audit_events(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(params): Query<AuditParams>,
) -> Result<Json<Vec<AuditEventWire>>, ApiError> {
    let app_caller = caller.caller();
    state.app().may_read_audit_trail(&app_caller)?;
    let before = match page_cursor(params.before.as_deref()) {
        Ok(before) => before,
        Err(CursorError::NotAnId) => return Err(ApiError::validation("before: an event's id")),
    };
    let trail = state
        .app()
        .audit_trail(
            &app_caller,
            &TrailSearch {
                username: clean(params.user),
                action: clean(params.action),
                entity: clean(params.entity),
                entity_id: clean(params.record),
                from: None,
                until: None,
                before,
                limit: params.limit.unwrap_or(100),
            },
        )
        .await?;
    Ok(Json(
        trail
            .events
            .into_iter()
            .map(|e| AuditEventWire {
                sequence: e.sequence,
                id: e.id.to_string(),
                occurred_at: e.occurred_at.to_text(),
                actor_username: e.actor_username,
                action: e.action,
                entity: e.entity,
                entity_id: e.entity_id,
                address: e.address,
                detail: e.detail,
                hash: e.hash,
            })
            .collect(),
    ))
}

/// A filter as stored text is: NFC, no control characters; empty means no filter.
fn clean(value: Option<String>) -> Option<String> {
    value
        .map(|v| haven_domain::text::normalise(&v))
        .filter(|v| !v.is_empty())
}
