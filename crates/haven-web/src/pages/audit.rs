//! The audit trail for administrators: every sign-in, sign-out, failed sign-in and
//! change, filtered by who, what, which record and when, newest first.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use haven_app::audit::{TrailEvent, TrailSearch};
use haven_app::model::{Id, Timestamp};
use serde::Deserialize;
use time::macros::format_description;
use time::{Date, UtcOffset};

use crate::auth::Authenticated;
use crate::error::{encode_query_value, WebError};
use crate::pages::{no_store, render, Layout};
use crate::state::AppState;

/// How instants are shown: to the minute, in the site's time, saying which.
pub fn format_instant(at: &Timestamp, offset: UtcOffset) -> String {
    let local = at
        .datetime()
        .checked_to_offset(offset)
        .unwrap_or_else(|| at.datetime());
    let shown = local
        .format(format_description!("[year]-[month]-[day] [hour]:[minute]"))
        .unwrap_or_default();
    if local.offset().is_utc() {
        format!("{shown} UTC")
    } else {
        let zone = local
            .offset()
            .format(format_description!(
                "[offset_hour sign:mandatory]:[offset_minute]"
            ))
            .unwrap_or_default();
        format!("{shown} (UTC{zone})")
    }
}

/// An event's detail in the reader's language where Haven knows its codes: why a
/// sign-in failed, which role in which place, which language. Other details (ids)
/// are shown as stored.
pub fn detail_label(tr: &crate::i18n::Tr, action: &str, detail: &str) -> String {
    match action {
        "sign_in_failed" => tr.t(&format!("sign-in-failed-{}", detail.replace('_', "-"))),
        "role_assign" | "role_revoke" => {
            let (role, scope) = detail.split_once(' ').unwrap_or((detail, ""));
            match (
                haven_domain::Role::parse(role),
                haven_domain::Scope::parse(scope),
            ) {
                (Some(role), Ok(scope)) => format!(
                    "{} · {}",
                    tr.role(role.code()),
                    crate::pages::home::scope_label(tr, &scope)
                ),
                _ => detail.to_owned(),
            }
        }
        "user_language" => haven_domain::Language::parse(detail)
            .map(|language| language.native_name().to_owned())
            .unwrap_or_else(|| detail.to_owned()),
        _ => detail.to_owned(),
    }
}

/// The filter form as typed.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct AuditQuery {
    #[serde(default)]
    pub user: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub entity: String,
    #[serde(default)]
    pub record: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub until: String,
    /// The id of the last event of the page before: the next page starts after it.
    #[serde(default)]
    pub before: Option<String>,
}

pub struct EventRow {
    /// Shown only to readers who see sealed events too (haven-app decides).
    pub sequence: Option<i64>,
    pub id: String,
    pub at: String,
    pub username: String,
    pub action: String,
    pub action_label: String,
    pub entity: String,
    /// The kind of record in the user's language.
    pub entity_label: String,
    pub entity_id: String,
    pub address: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    query: AuditQuery,
    events: Vec<EventRow>,
    date_error: Option<String>,
    older: Option<String>,
    /// The same filters, for the CSV download.
    export: String,
    actions: Vec<(&'static str, String)>,
}

const PAGE_SIZE: i64 = 100;

/// The actions the trail knows, for the filter's list.
pub const ACTIONS: &[&str] = &[
    "sign_in",
    "sign_in_failed",
    "sign_out",
    "user_create",
    "user_disable",
    "user_enable",
    "user_password_reset",
    "user_language",
    "role_assign",
    "role_revoke",
    "api_token_create",
    "api_token_revoke",
    "person_create",
    "person_read",
    "person_update",
    "person_categories",
    "person_identifier_add",
    "person_identifier_retire",
    "person_relationship_add",
    "person_relationship_end",
    "person_death",
    "person_merge",
    "person_merged_into",
    "person_merge_undo",
    "person_unmerged",
    "person_card_print",
    "import",
    "export",
    "country_create",
    "programme_create",
    "programme_update",
    "programme_close",
    "facility_create",
    "facility_update",
    "facility_close",
    "ward_create",
    "ward_close",
    "bed_create",
    "bed_close",
    "staff_create",
    "staff_update",
    "staff_user_link",
    "staff_user_unlink",
    "staff_facility_assign",
    "staff_facility_end",
    "training_create",
    "training_entered_in_error",
    "demo_data",
];

/// Every action the trail's filter offers: the foundation's, then each part's in
/// the order of the menu. Safeguarding's are not offered: its events are sealed
/// from the readers of this page.
pub fn actions() -> impl Iterator<Item = &'static str> {
    ACTIONS
        .iter()
        .chain(haven_app::model::clinic::CLINIC_AUDIT_ACTIONS)
        .chain(haven_app::model::mch::MCH_AUDIT_ACTIONS)
        .chain(haven_app::model::growth::GROWTH_AUDIT_ACTIONS)
        .chain(haven_app::model::care::CARE_AUDIT_ACTIONS)
        .copied()
}

fn parse_day(text: &str) -> Result<Option<Timestamp>, ()> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let date = Date::parse(text, format_description!("[year]-[month]-[day]")).map_err(|_| ())?;
    // Both databases hold these years; PostgreSQL refuses some far outside them.
    if !(1900..=9998).contains(&date.year()) {
        return Err(());
    }
    Ok(Some(Timestamp::from_datetime(date.midnight().assume_utc())))
}

/// A filter field as stored text is: NFC, without control characters.
fn non_empty(text: &str) -> Option<String> {
    let text = haven_domain::text::normalise(text);
    (!text.is_empty()).then_some(text)
}

/// The search the query asks for, up to `limit` events, starting after the event
/// `before` names; `Err` when a date does not parse.
fn search_of(query: &AuditQuery, before: Option<Id>, limit: i64) -> Result<TrailSearch, ()> {
    let from = parse_day(&query.from)?;
    // "Until" includes the whole day typed.
    let until = parse_day(&query.until)?.map(|d| d.plus_seconds(24 * 3600));
    Ok(TrailSearch {
        username: non_empty(&query.user).map(|u| u.to_lowercase()),
        action: non_empty(&query.action),
        entity: non_empty(&query.entity),
        entity_id: non_empty(&query.record),
        from,
        until,
        before,
        limit,
    })
}

/// The event a page starts after, by id (haven-app never pages by a sequence number
/// a reader types). Empty is the newest page; anything but an id is a bad request.
pub fn page_cursor(before: Option<&str>) -> Result<Option<Id>, CursorError> {
    match before.map(str::trim).filter(|b| !b.is_empty()) {
        None => Ok(None),
        Some(raw) => raw.parse().map(Some).map_err(|_| CursorError::NotAnId),
    }
}

/// Why a page's start could not be read.
pub enum CursorError {
    NotAnId,
}

impl From<CursorError> for WebError {
    fn from(error: CursorError) -> WebError {
        match error {
            CursorError::NotAnId => WebError::BadRequest("bad-request"),
        }
    }
}

/// The most events one download holds.
const EXPORT_MAX_EVENTS: i64 = 10_000;

/// The events the filters select, newest first, as a CSV file; the download is
/// itself audited.
pub async fn export(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<AuditQuery>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    state.app().may_read_audit_trail(&caller)?;
    let before = page_cursor(query.before.as_deref())?;
    let search = search_of(&query, before, EXPORT_MAX_EVENTS)
        .map_err(|()| WebError::BadRequest("bad-request"))?;
    let trail = state.app().export_audit_trail(&caller, &search).await?;
    let sealed = trail.shows_chain;
    // The sequence column only for readers who see every event (see `page_cursor`).
    let header: Vec<String> = sealed
        .then_some("sequence")
        .into_iter()
        .chain([
            "id",
            "occurred_at",
            "username",
            "action",
            "entity",
            "record",
            "address",
            "detail",
        ])
        .map(|h| h.to_owned())
        .collect();
    let rows = trail
        .events
        .into_iter()
        .map(|e| {
            e.sequence
                .map(|sequence| sequence.to_string())
                .into_iter()
                .chain([
                    e.id.to_string(),
                    e.occurred_at.to_text(),
                    e.actor_username,
                    e.action,
                    e.entity,
                    e.entity_id,
                    e.address,
                    e.detail,
                ])
                .collect()
        })
        .collect();
    Ok(crate::export::csv_response(
        "audit-trail.csv",
        &header,
        rows,
    ))
}

pub async fn audit_trail(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<AuditQuery>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    state.app().may_read_audit_trail(&caller)?;
    let tr = auth.tr().clone();
    let offset = state.config().time_offset;
    let before = page_cursor(query.before.as_deref())?;
    let (events, date_error) = match search_of(&query, before, PAGE_SIZE) {
        Ok(search) => (
            state.app().audit_trail(&caller, &search).await?.events,
            None,
        ),
        Err(()) => (Vec::new(), Some(tr.t("audit-bad-date"))),
    };
    let older = (events.len() as i64 == PAGE_SIZE)
        .then(|| events.last().map(|e| e.id))
        .flatten()
        .map(|before| {
            let q = &query;
            format!(
                "/admin/audit?user={}&action={}&entity={}&record={}&from={}&until={}&before={before}",
                encode_query_value(&q.user),
                encode_query_value(&q.action),
                encode_query_value(&q.entity),
                encode_query_value(&q.record),
                encode_query_value(&q.from),
                encode_query_value(&q.until),
            )
        });
    let rows = events
        .into_iter()
        .map(|e: TrailEvent| EventRow {
            sequence: e.sequence,
            id: e.id.to_string(),
            at: format_instant(&e.occurred_at, offset),
            action_label: tr.t(&format!("action-{}", e.action.replace('_', "-"))),
            detail: detail_label(&tr, &e.action, &e.detail),
            username: e.actor_username,
            action: e.action,
            entity_label: if e.entity.is_empty() {
                String::new()
            } else {
                tr.t(&format!("entity-{}", e.entity.replace('_', "-")))
            },
            entity: e.entity,
            entity_id: e.entity_id,
            address: e.address,
        })
        .collect();
    let export = format!(
        "/admin/audit/export.csv?user={}&action={}&entity={}&record={}&from={}&until={}",
        encode_query_value(&query.user),
        encode_query_value(&query.action),
        encode_query_value(&query.entity),
        encode_query_value(&query.record),
        encode_query_value(&query.from),
        encode_query_value(&query.until),
    );
    let page = AuditPage {
        layout: Layout::new(&auth.visitor, "audit-title"),
        export,
        query,
        events: rows,
        date_error,
        older,
        actions: actions()
            .map(|a| (a, tr.t(&format!("action-{}", a.replace('_', "-")))))
            .collect(),
    };
    render(&page).map(no_store)
}
