//! Reporting a concern: the short form every signed-in user reaches in one click,
//! and the reporter's own reports with their status (nothing more).
//!
//! The child picker: a reporter who may read people finds children in the registry,
//! limited to their own reach (ids posted back are checked against it again, so the
//! form cannot be used to look anyone up). A reporter who may not read people
//! describes the child instead; any registry ids they post are ignored.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::Response;
use haven_app::model::safeguarding::{NewAttachment, NewReport};
use haven_app::model::{Id, Person};
use haven_app::AppError;
use haven_domain::person::Sex;
use haven_domain::safeguarding::{
    AttachmentError, AttachmentType, ChildInput, ConcernDetails, ConcernInput, ConcernType, HarmBy,
    ReportField, MAX_DESCRIBED_CHILDREN,
};
use haven_domain::{Action, Kind};
use serde::Deserialize;

use super::{concern_labels, SafeguardingConfig};
use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::pages::places::{place_name, FieldMessages};
use crate::pages::{no_store, render, respond, Layout, FORM_ERROR};
use crate::state::AppState;

/// The status a reporter sees: received, acknowledged and being handled, closed.
pub const STATUS_KEYS: &[&str] = &[
    "safeguarding-status-received",
    "safeguarding-status-in-hand",
    "safeguarding-status-closed",
];

/// Fields posted by a form: the text fields in order, and the file, if one was sent.
#[derive(Debug, Default)]
pub struct Posted {
    pub texts: Vec<(String, String)>,
    pub file: Option<Vec<u8>>,
}

impl Posted {
    pub fn get(&self, name: &str) -> String {
        self.texts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.texts
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// Reads a posted form, multipart (with a file) or URL-encoded. Read after the
/// permission check, so that a refused caller gets 403 whatever they sent.
pub async fn read_posted(headers: &HeaderMap, body: Bytes) -> Result<Posted, WebError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.starts_with("multipart/form-data") {
        return Ok(Posted {
            texts: form_urlencoded::parse(&body).into_owned().collect(),
            file: None,
        });
    }
    let boundary =
        multer::parse_boundary(content_type).map_err(|_| WebError::BadRequest("bad-request"))?;
    let stream = axum::body::Body::from(body).into_data_stream();
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut posted = Posted::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => return Err(WebError::BadRequest("bad-request")),
        };
        let name = field.name().unwrap_or("").to_owned();
        if name == "attachment" {
            let bytes = field
                .bytes()
                .await
                .map_err(|_| WebError::BadRequest("bad-request"))?;
            if !bytes.is_empty() {
                posted.file = Some(bytes.to_vec());
            }
        } else {
            let text = field
                .text()
                .await
                .map_err(|_| WebError::BadRequest("bad-request"))?;
            posted.texts.push((name, text));
        }
    }
    Ok(posted)
}

/// A described child's row as typed.
#[derive(Clone, Debug, Default)]
pub struct ChildRow {
    pub index: usize,
    pub name: String,
    pub sex: String,
    pub age: String,
}

/// The report form as typed.
#[derive(Clone, Debug, Default)]
pub struct ReportForm {
    pub concern_types: Vec<String>,
    pub harm_by: Vec<String>,
    pub what_happened: String,
    pub immediate_actions: String,
    pub facility: String,
    /// Registry children chosen (ids).
    pub persons: Vec<String>,
    pub find: String,
    /// The described children's rows shown: one at first, more as the reporter asks.
    pub children: Vec<ChildRow>,
    /// The row just added (the "add another child" button), to take the focus.
    pub added: Option<usize>,
}

impl ReportForm {
    fn empty() -> ReportForm {
        ReportForm {
            children: vec![ChildRow::default()],
            ..ReportForm::default()
        }
    }

    /// Shows one more row for a described child, if there is room.
    fn add_child_row(&mut self) {
        let index = self.children.len();
        if index < MAX_DESCRIBED_CHILDREN {
            self.children.push(ChildRow {
                index,
                ..ChildRow::default()
            });
            self.added = Some(index);
        }
    }

    /// Row `index` was just added.
    pub fn is_added(&self, index: &usize) -> bool {
        self.added == Some(*index)
    }

    /// Another row may be added.
    pub fn can_add_child(&self) -> bool {
        self.children.len() < MAX_DESCRIBED_CHILDREN
    }

    fn from_posted(posted: &Posted) -> ReportForm {
        let rows: Vec<ChildRow> = (0..MAX_DESCRIBED_CHILDREN)
            .map(|index| ChildRow {
                index,
                name: posted.get(ReportField::ChildName(index).name()),
                sex: posted.get(ReportField::ChildSex(index).name()),
                age: posted.get(ReportField::ChildAge(index).name()),
            })
            .collect();
        // As many rows as were shown, and never fewer than the last one typed in.
        let shown = posted
            .get("child_rows")
            .trim()
            .parse::<usize>()
            .unwrap_or(1);
        let typed = rows
            .iter()
            .rposition(|c| {
                !(c.name.trim().is_empty() && c.sex.is_empty() && c.age.trim().is_empty())
            })
            .map_or(0, |last| last + 1);
        let shown = shown.max(typed).clamp(1, MAX_DESCRIBED_CHILDREN);
        ReportForm {
            concern_types: posted.all("concern_types"),
            harm_by: posted.all("harm_by"),
            what_happened: posted.get("what_happened"),
            immediate_actions: posted.get("immediate_actions"),
            facility: posted.get("facility"),
            persons: posted.all("person"),
            find: posted.get("find"),
            children: rows.into_iter().take(shown).collect(),
            added: None,
        }
    }

    pub fn has_concern(&self, code: &&str) -> bool {
        self.concern_types.iter().any(|c| c == code)
    }

    pub fn has_harm_by(&self, code: &&str) -> bool {
        self.harm_by.iter().any(|c| c == code)
    }
}

/// A registry child offered or chosen on the form.
pub struct PickedChild {
    pub id: String,
    pub name: String,
    pub born: String,
}

#[derive(Template)]
#[template(path = "safeguarding_report.html")]
struct ReportPage {
    layout: Layout,
    form: ReportForm,
    errors: FieldMessages,
    /// A message at the top: the file was refused, or nothing was filed.
    notice: Option<String>,
    can_pick: bool,
    picked: Vec<PickedChild>,
    found: Option<Vec<PickedChild>>,
    concern_options: Vec<(&'static str, String)>,
    harm_options: Vec<(&'static str, String)>,
    sex_options: Vec<(&'static str, String)>,
    facilities: Vec<(String, String)>,
    attachments_on: bool,
    max_attachment_kib: usize,
}

fn config(state: &AppState) -> &SafeguardingConfig {
    &state.config().safeguarding
}

/// The registry children among `ids` that the reporter may name (others are
/// dropped silently: to the reporter they do not exist), ready to show.
async fn children_in_reach(
    state: &AppState,
    auth: &Authenticated,
    ids: &[String],
) -> Result<Vec<(Id, String, String)>, WebError> {
    let parsed: Vec<Id> = ids.iter().filter_map(|raw| raw.parse().ok()).collect();
    let people = state
        .app()
        .children_for_report(&auth.caller(), &parsed)
        .await?;
    Ok(shown(auth, people))
}

fn shown(auth: &Authenticated, people: Vec<Person>) -> Vec<(Id, String, String)> {
    let tr = auth.tr();
    people
        .into_iter()
        .map(|p| {
            let born = crate::pages::people::birth_date_text(tr, &p.birth_date());
            (p.id, p.display_name(), born)
        })
        .collect()
}

async fn page(
    state: &AppState,
    auth: &Authenticated,
    form: ReportForm,
    errors: FieldMessages,
    notice: Option<String>,
) -> Result<ReportPage, WebError> {
    let tr = auth.tr();
    let can_pick = auth.caller().can(Action::Read, Kind::Person);
    let picked: Vec<PickedChild> = children_in_reach(state, auth, &form.persons)
        .await?
        .into_iter()
        .map(|(id, name, born)| PickedChild {
            id: id.to_string(),
            name,
            born,
        })
        .collect();
    let found = if can_pick && !form.find.trim().is_empty() {
        let today = state.today();
        let people = state
            .app()
            .find_children_for_report(&auth.caller(), &form.find, today)
            .await?;
        Some(
            shown(auth, people)
                .into_iter()
                .filter(|(id, _, _)| !picked.iter().any(|p| p.id == id.to_string()))
                .map(|(id, name, born)| PickedChild {
                    id: id.to_string(),
                    name,
                    born,
                })
                .collect(),
        )
    } else {
        None
    };
    let facilities = state
        .app()
        .open_facilities()
        .await?
        .into_iter()
        .map(|f| (f.id.to_string(), place_name(tr, &f.name, &f.name_km)))
        .collect();
    Ok(ReportPage {
        layout: Layout::new(&auth.visitor, "safeguarding-report-title"),
        form,
        errors,
        notice,
        can_pick,
        picked,
        found,
        concern_options: ConcernType::ALL
            .iter()
            .map(|c| (c.code(), tr.t(&c.label_key())))
            .collect(),
        harm_options: HarmBy::ALL
            .iter()
            .map(|h| (h.code(), tr.t(&h.label_key())))
            .collect(),
        sex_options: Sex::ALL
            .iter()
            .map(|s| (s.code(), tr.t(&s.label_key())))
            .collect(),
        facilities,
        attachments_on: config(state).attachment_key.is_some(),
        max_attachment_kib: config(state).attachment_max_bytes / 1024,
    })
}

pub async fn form(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Response, WebError> {
    state.app().may_report_concern(&auth.caller())?;
    let page = page(
        &state,
        &auth,
        ReportForm::empty(),
        FieldMessages::default(),
        None,
    )
    .await?;
    respond(&page, axum::http::StatusCode::OK)
}

/// Files the report, or brings the form back with every field as typed: after a
/// search for a child (the "find" button), with one more row to describe a child
/// (the "add another child" button), or with a message at each wrong field.
pub async fn file(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    state.app().may_report_concern(&caller)?;
    let posted = read_posted(&headers, body).await?;
    let mut form = ReportForm::from_posted(&posted);
    let tr = auth.tr().clone();
    if posted.get("action") == "add_child" {
        form.add_child_row();
        let page = page(&state, &auth, form, FieldMessages::default(), None).await?;
        return respond(&page, axum::http::StatusCode::OK);
    }
    if posted.get("action") == "find" {
        let page = page(&state, &auth, form, FieldMessages::default(), None).await?;
        return respond(&page, axum::http::StatusCode::OK);
    }
    let children = children_in_reach(&state, &auth, &form.persons).await?;
    let mut errors = FieldMessages::default();
    let details = ConcernDetails::parse(&ConcernInput {
        concern_types: form.concern_types.iter().map(String::as_str).collect(),
        harm_by: form.harm_by.iter().map(String::as_str).collect(),
        what_happened: &form.what_happened,
        immediate_actions: &form.immediate_actions,
        described: form
            .children
            .iter()
            .map(|c| ChildInput {
                name: &c.name,
                sex: &c.sex,
                age: &c.age,
            })
            .collect(),
        registry_children: children.len(),
    });
    let details = match details {
        Ok(details) => Some(details),
        Err(problems) => {
            for (field, error) in problems {
                errors.set(field.name(), tr.t(error.code()));
            }
            None
        }
    };
    let attachment = match posted.file.as_deref() {
        None => None,
        Some(bytes) => match check_file(&state, bytes) {
            Ok(file) => Some(file),
            Err(error) => {
                errors.set("attachment", tr.t(error.code()));
                None
            }
        },
    };
    let facility = match form.facility.trim() {
        "" => None,
        raw => match raw.parse::<Id>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.set("facility", tr.t("safeguarding-error-facility"));
                None
            }
        },
    };
    let details = match (details, errors.is_empty()) {
        (Some(details), true) => details,
        _ => {
            let notice = Some(tr.t("safeguarding-not-filed"));
            let page = page(&state, &auth, form, errors, notice).await?;
            return respond(&page, FORM_ERROR);
        }
    };
    let new = NewReport {
        details,
        registry_children: children.iter().map(|(id, _, _)| *id).collect(),
        facility_id: facility,
        attachment,
    };
    let key = config(&state).attachment_key.as_ref();
    match state
        .app()
        .file_safeguarding_concern(&caller, &new, key)
        .await
    {
        Ok(report) => Ok(see_other(&format!(
            "/safeguarding/mine?filed={}",
            report.reference
        ))),
        Err(AppError::Invalid(fields)) => {
            let mut errors = FieldMessages::default();
            for field in fields {
                errors.set(field.field, tr.t(field.code));
            }
            let notice = Some(tr.t("safeguarding-not-filed"));
            let page = page(&state, &auth, form, errors, notice).await?;
            respond(&page, FORM_ERROR)
        }
        Err(other) => Err(other.into()),
    }
}

/// Checks a file against the settings: a key to seal it, its size, its kind.
pub fn check_file(state: &AppState, bytes: &[u8]) -> Result<NewAttachment, AttachmentError> {
    let config = config(state);
    if config.attachment_key.is_none() {
        return Err(AttachmentError::NotConfigured);
    }
    let kind = AttachmentType::check(bytes, config.attachment_max_bytes)?;
    Ok(NewAttachment {
        kind,
        bytes: bytes.to_vec(),
    })
}

/// One of the reporter's own reports, as they may see it.
pub struct OwnRow {
    pub reference: String,
    pub filed: String,
    pub concerns: String,
    pub status: String,
    pub status_code: &'static str,
}

#[derive(Template)]
#[template(path = "safeguarding_mine.html")]
struct MinePage {
    layout: Layout,
    rows: Vec<OwnRow>,
    filed: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct MineQuery {
    #[serde(default)]
    filed: String,
}

/// The status code a reporter sees, and its translation key.
pub fn own_status(
    report: &haven_app::model::safeguarding::SafeguardingReport,
) -> (&'static str, &'static str) {
    if report.closed_at.is_some() {
        ("closed", STATUS_KEYS[2])
    } else if report.acknowledged_at.is_some() {
        ("in_hand", STATUS_KEYS[1])
    } else {
        ("received", STATUS_KEYS[0])
    }
}

pub async fn mine(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<MineQuery>,
) -> Result<Response, WebError> {
    let tr = auth.tr();
    let reports = state.app().own_safeguarding_reports(&auth.caller()).await?;
    let offset = state.config().time_offset;
    let filed = reports
        .iter()
        .find(|r| r.reference == query.filed.trim())
        .map(|r| r.reference.clone());
    let rows = reports
        .iter()
        .map(|r| {
            let (status_code, key) = own_status(r);
            OwnRow {
                reference: r.reference.clone(),
                filed: crate::pages::audit::format_instant(&r.filed_at, offset),
                concerns: concern_labels(tr, &r.concern_types()),
                status: tr.t(key),
                status_code,
            }
        })
        .collect();
    let page = MinePage {
        layout: Layout::new(&auth.visitor, "safeguarding-mine-title"),
        rows,
        filed,
    };
    render(&page).map(no_store)
}
