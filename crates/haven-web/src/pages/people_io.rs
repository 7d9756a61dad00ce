//! Importing people from CSV and exporting lists of people.
//!
//! The import is two steps on one address. The file is sent (a multipart upload) and
//! checked as a dry run: every bad row is reported with its line and reason, and
//! nothing is written. The page keeps the file's text in a hidden field, so the
//! person importing never uploads it again: they correct the file and send it anew,
//! or import what is there (all of it when every row is good, or only the good rows
//! when they choose so). The import checks everything again before it writes.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::Response;
use axum::routing::{get, MethodRouter};
use haven_app::people::{ExportedPerson, PeopleSearch, EXPORT_MAX_PEOPLE};
use serde::Deserialize;

use crate::auth::Authenticated;
use crate::error::WebError;
use crate::people_csv::{self, FileProblem, Row, COLUMNS};
use crate::person_input::{parse_filters, FilterInput};
use crate::state::AppState;

use super::{no_store, render, Layout, FORM_ERROR};

/// The page routes of this part, added to the router by `page_routes`.
pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/people/import", get(import_page).post(import)),
        ("/people/export.csv", get(export)),
    ]
}

/// The most people one export holds.
pub const EXPORT_MAX_ROWS: i64 = EXPORT_MAX_PEOPLE;

/// A bad row as the page shows it.
struct ReportRow {
    line: u64,
    reasons: Vec<String>,
}

/// The result of a dry run.
struct Report {
    good: usize,
    bad: Vec<ReportRow>,
    /// The file's text, kept for the import.
    csv: String,
}

#[derive(Template)]
#[template(path = "people_import.html")]
struct ImportPage {
    layout: Layout,
    /// Each column and what it holds, in the reader's language.
    columns: Vec<(&'static str, String)>,
    file_error: Option<String>,
    report: Option<Report>,
}

#[derive(Template)]
#[template(path = "people_import_done.html")]
struct ImportDone {
    layout: Layout,
    imported: Vec<(u64, String, String)>,
    refused: Vec<ReportRow>,
}

/// The upload form and the documented columns.
pub async fn import_page(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Response, WebError> {
    state.app().may_register_people(&auth.caller())?;
    let page = ImportPage {
        layout: Layout::new(&auth.visitor, "import-title"),
        columns: column_help(auth.tr()),
        file_error: None,
        report: None,
    };
    render(&page).map(no_store)
}

/// What the import form sends: a file, or the text of a file already checked, and
/// what to do with it.
#[derive(Default)]
struct ImportForm {
    file: Vec<u8>,
    csv: String,
    step: String,
    good_rows_only: bool,
}

/// Checks a file (the dry run), or imports it.
pub async fn import(
    State(state): State<AppState>,
    auth: Authenticated,
    request: Request,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    state.app().may_register_people(&caller)?;
    let form = read_form(request, &state).await?;
    let tr = auth.tr().clone();
    let bytes: &[u8] = if form.file.is_empty() {
        form.csv.as_bytes()
    } else {
        &form.file
    };
    let today = state.today();
    let mut rows = match people_csv::read_file(bytes, None, today) {
        Ok(rows) => rows,
        Err(problem) => return show_file_problem(&auth, &problem),
    };
    people_csv::check_rows(state.app(), &caller, &mut rows).await?;
    let all_good = rows.iter().all(Row::is_good);
    let any_good = rows.iter().any(Row::is_good);
    if form.step == "import" && any_good && (all_good || form.good_rows_only) {
        let imported = people_csv::import_rows(state.app(), &caller, &mut rows).await?;
        let page = ImportDone {
            layout: Layout::new(&auth.visitor, "import-done-title"),
            imported: imported
                .people
                .iter()
                .map(|(line, person)| (*line, person.id.to_string(), person.display_name()))
                .collect(),
            refused: report_rows(&rows, &tr),
        };
        return render(&page).map(no_store);
    }
    let csv = String::from_utf8_lossy(bytes).into_owned();
    let report = Report {
        good: rows.iter().filter(|row| row.is_good()).count(),
        bad: report_rows(&rows, &tr),
        csv,
    };
    let status = if report.bad.is_empty() {
        StatusCode::OK
    } else {
        FORM_ERROR
    };
    let page = ImportPage {
        layout: Layout::new(&auth.visitor, "import-title"),
        columns: column_help(auth.tr()),
        file_error: None,
        report: Some(report),
    };
    let mut response = render(&page)?;
    *response.status_mut() = status;
    Ok(no_store(response))
}

/// The search filters of the people list.
#[derive(Debug, Default, Deserialize)]
pub struct ExportParams {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub facility: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub sex: String,
    #[serde(default)]
    pub age_band: String,
}

/// The people the search lists, as a CSV file in the import's columns (with the
/// Haven number first). Audited as one `export` event with the number of rows.
pub async fn export(
    State(state): State<AppState>,
    auth: Authenticated,
    params: Result<Query<ExportParams>, QueryRejection>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    state.app().may_read_people(&caller)?;
    let Ok(Query(params)) = params else {
        return Err(WebError::BadRequest("bad-request"));
    };
    let filters = parse_filters(&FilterInput {
        q: &params.q,
        facility: &params.facility,
        category: &params.category,
        sex: &params.sex,
        age_band: &params.age_band,
    })
    .map_err(|_| WebError::BadRequest("bad-request"))?;
    let search = PeopleSearch {
        text: filters.text,
        facility: filters.facility,
        category: filters.category,
        sex: filters.sex,
        age_band: filters.age_band,
        today: state.today(),
        limit: EXPORT_MAX_ROWS,
        offset: 0,
    };
    let people = state.app().export_people(&caller, &search).await?;
    let rows = people.iter().map(export_row).collect();
    let header: Vec<String> = std::iter::once("haven_number")
        .chain(COLUMNS.iter().copied())
        .map(str::to_owned)
        .collect();
    Ok(crate::export::csv_response("people.csv", &header, rows))
}

/// The import's columns for one person, with the Haven number first.
fn export_row(exported: &ExportedPerson) -> Vec<String> {
    let person = &exported.person;
    let identifier = |kind: &str| -> String {
        exported
            .identifiers
            .iter()
            .filter(|i| i.kind == kind)
            .map(|i| i.value.as_str())
            .collect::<Vec<_>>()
            .join(";")
    };
    let categories = exported
        .categories
        .iter()
        .map(|c| c.code())
        .collect::<Vec<_>>()
        .join(";");
    vec![
        identifier("haven"),
        person.family_name_km.clone(),
        person.given_name_km.clone(),
        person.family_name_latin.clone(),
        person.given_name_latin.clone(),
        person.other_names.clone(),
        person.nicknames.clone(),
        person.sex.clone(),
        person.birth_date.to_string(),
        person.birth_date_precision.clone(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        person.phone.clone(),
        person.province_code.clone(),
        person.district.clone(),
        person.commune.clone(),
        person.village.clone(),
        identifier("national_id"),
        identifier("birth_certificate"),
        identifier("sos_child_number"),
        identifier("id_poor"),
        categories,
        person
            .registered_facility_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
    ]
}

fn column_help(tr: &crate::i18n::Tr) -> Vec<(&'static str, String)> {
    COLUMNS
        .iter()
        .map(|column| {
            (
                *column,
                tr.t(&format!("import-column-{}", column.replace('_', "-"))),
            )
        })
        .collect()
}

fn report_rows(rows: &[Row], tr: &crate::i18n::Tr) -> Vec<ReportRow> {
    rows.iter()
        .filter_map(|row| match &row.outcome {
            Ok(_) => None,
            Err(problems) => Some(ReportRow {
                line: row.line,
                reasons: problems.iter().map(|p| p.message(tr)).collect(),
            }),
        })
        .collect()
}

fn show_file_problem(auth: &Authenticated, problem: &FileProblem) -> Result<Response, WebError> {
    let page = ImportPage {
        layout: Layout::new(&auth.visitor, "import-title"),
        columns: column_help(auth.tr()),
        file_error: Some(problem.message(auth.tr())),
        report: None,
    };
    let mut response = render(&page)?;
    *response.status_mut() = FORM_ERROR;
    Ok(no_store(response))
}

/// Reads the form, sent as a multipart upload or (without a file) url-encoded.
async fn read_form(request: Request, state: &AppState) -> Result<ImportForm, WebError> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let mut form = ImportForm::default();
    if content_type.starts_with("multipart/form-data") {
        let mut multipart = Multipart::from_request(request, state)
            .await
            .map_err(|_| WebError::BadRequest("bad-request"))?;
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => break,
                Err(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return Err(WebError::PayloadTooLarge)
                }
                Err(_) => return Err(WebError::BadRequest("bad-request")),
            };
            let name = field.name().unwrap_or("").to_owned();
            let bytes = field
                .bytes()
                .await
                .map_err(|_| WebError::BadRequest("bad-request"))?;
            match name.as_str() {
                "file" => form.file = bytes.to_vec(),
                other => form.set(other, &String::from_utf8_lossy(&bytes)),
            }
        }
    } else {
        let bytes = axum::body::to_bytes(request.into_body(), state.config().max_body_bytes)
            .await
            .map_err(|_| WebError::PayloadTooLarge)?;
        for (name, value) in form_urlencoded::parse(&bytes) {
            form.set(&name, &value);
        }
    }
    Ok(form)
}

impl ImportForm {
    fn set(&mut self, name: &str, value: &str) {
        match name {
            "csv" => self.csv = value.to_owned(),
            "step" => self.step = value.to_owned(),
            "good_rows_only" => self.good_rows_only = !value.is_empty(),
            _ => {}
        }
    }
}
