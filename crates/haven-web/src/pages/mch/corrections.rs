//! Correction pages: a pregnancy's registration corrected (naming the version read;
//! a stale version is the conflict page), a pregnancy ended without a delivery, and
//! antenatal contacts, postnatal contacts and family planning visits marked entered
//! in error (with why; nothing is deleted).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::Form;
use haven_app::mch::PREGNANCY_CLOSED;
use haven_app::model::mch::{Correctable, CorrectableRecord, Pregnancy};
use haven_app::model::Id;
use haven_app::AppError;
use haven_domain::mch::pregnancy::{PregnancyDetails, PregnancyEnd, PregnancyEndInput, RiskFactor};
use haven_domain::mch::MchError;

use super::pregnancy::pregnancy_input;
use super::{choices, field_messages, schedule, Fields};
use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::extract::Ids;
use crate::pages::places::FieldMessages;
use crate::pages::{no_store, render, Layout, FORM_ERROR};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "mch_pregnancy_correct.html")]
struct CorrectPage {
    layout: Layout,
    p: Pregnancy,
    name: String,
    f: Fields,
    errors: FieldMessages,
    end: Fields,
    end_errors: FieldMessages,
    risk_choices: Vec<(&'static str, String)>,
    end_choices: Vec<(&'static str, String)>,
}

/// The correction form starts from what is stored.
fn stored_fields(p: &Pregnancy) -> Fields {
    let mut pairs: Vec<(String, String)> = p
        .risk_factors
        .split_whitespace()
        .map(|r| ("risk_factors".to_owned(), r.to_owned()))
        .collect();
    let mut add = |name: &str, value: String| pairs.push((name.to_owned(), value));
    add("version", p.version.to_string());
    add("registered_on", p.registered_on.to_string());
    add("lmp", p.lmp.map(|d| d.to_string()).unwrap_or_default());
    add(
        "ultrasound_on",
        p.ultrasound_on.map(|d| d.to_string()).unwrap_or_default(),
    );
    if let Some(days) = p.ultrasound_ga_days {
        add("ultrasound_weeks", (days / 7).to_string());
        add("ultrasound_days", (days % 7).to_string());
    }
    add("gravida", p.gravida.to_string());
    add("para", p.para.to_string());
    add("notes", p.notes.clone());
    Fields::new(pairs)
}

/// haven-app's refusal as this page answers it: a closed pregnancy is the
/// conflict page.
fn refusal(error: AppError) -> WebError {
    match error {
        AppError::Refused(PREGNANCY_CLOSED) => WebError::Conflict,
        other => other.into(),
    }
}

/// An open pregnancy the reader may write at: else 404 (out of reach) or the
/// conflict page (delivered or ended).
async fn open_pregnancy(
    state: &AppState,
    auth: &Authenticated,
    id: Id,
) -> Result<Pregnancy, WebError> {
    state
        .app()
        .open_pregnancy_to_write(&auth.caller(), id)
        .await
        .map_err(refusal)
}

fn correct_page(
    auth: &Authenticated,
    p: Pregnancy,
    f: Fields,
    errors: FieldMessages,
    end: Fields,
    end_errors: FieldMessages,
) -> CorrectPage {
    let tr = auth.tr();
    CorrectPage {
        layout: Layout::new(&auth.visitor, "mch-correct-title"),
        name: p.display_name(),
        f,
        errors,
        end,
        end_errors,
        risk_choices: choices(tr, RiskFactor::ALL, RiskFactor::code, RiskFactor::label_key),
        end_choices: choices(
            tr,
            PregnancyEnd::ALL,
            PregnancyEnd::code,
            PregnancyEnd::label_key,
        ),
        p,
    }
}

fn end_defaults(state: &AppState, p: &Pregnancy) -> Fields {
    let mut end = Fields::default();
    end.set("version", p.version.to_string());
    end.set("ended_on", state.today().to_string());
    end
}

fn form_error(page: &CorrectPage) -> Result<Response, WebError> {
    let mut response = render(page)?;
    *response.status_mut() = FORM_ERROR;
    Ok(no_store(response))
}

pub async fn correct_form(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
) -> Result<Response, WebError> {
    let p = open_pregnancy(&state, &auth, id).await?;
    let f = stored_fields(&p);
    let end = end_defaults(&state, &p);
    let page = correct_page(
        &auth,
        p,
        f,
        FieldMessages::default(),
        end,
        FieldMessages::default(),
    );
    render(&page).map(no_store)
}

fn version(f: &Fields) -> Result<i64, WebError> {
    f.get("version")
        .trim()
        .parse()
        .map_err(|_| WebError::BadRequest("bad-request"))
}

/// Saves a corrected registration by the version read (stale: the conflict page).
pub async fn correct(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let f = Fields::new(pairs);
    let version = version(&f)?;
    let risks = f.all("risk_factors");
    let parsed = PregnancyDetails::parse(&pregnancy_input(&f, &risks), state.today());
    let caller = auth.caller();
    match state
        .app()
        .correct_pregnancy(&caller, id, version, parsed)
        .await
    {
        Ok(_) => Ok(see_other(&format!("/mch/pregnancies/{id}"))),
        Err(AppError::Invalid(fields)) => {
            let p = open_pregnancy(&state, &auth, id).await?;
            let errors = field_messages(auth.tr(), &fields);
            let end = end_defaults(&state, &p);
            form_error(&correct_page(
                &auth,
                p,
                f,
                errors,
                end,
                FieldMessages::default(),
            ))
        }
        Err(other) => Err(refusal(other)),
    }
}

/// Ends a pregnancy without a delivery: she leaves the worklists.
pub async fn end(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let end = Fields::new(pairs);
    let version = version(&end)?;
    let input = PregnancyEndInput {
        ended_on: end.get("ended_on"),
        reason: end.get("reason"),
        notes: end.get("notes"),
    };
    let ended = state
        .app()
        .end_pregnancy(&auth.caller(), id, version, &input, state.today())
        .await;
    match ended {
        Ok(_) => Ok(see_other(&format!("/mch/pregnancies/{id}"))),
        Err(AppError::Invalid(fields)) => {
            let p = open_pregnancy(&state, &auth, id).await?;
            let end_errors = field_messages(auth.tr(), &fields);
            let f = stored_fields(&p);
            form_error(&correct_page(
                &auth,
                p,
                f,
                FieldMessages::default(),
                end,
                end_errors,
            ))
        }
        Err(other) => Err(refusal(other)),
    }
}

#[derive(Template)]
#[template(path = "mch_error_form.html")]
struct ErrorFormPage {
    layout: Layout,
    action: String,
    back: String,
    version: String,
    reason: String,
    error: Option<String>,
}

/// Marks a record entered in error. Without a reason, the form comes back on a page
/// of its own (422) with the message.
async fn mark(
    state: &AppState,
    auth: &Authenticated,
    what: Correctable,
    id: Id,
    pairs: Vec<(String, String)>,
) -> Result<Response, WebError> {
    let back = |record: &CorrectableRecord| match what {
        Correctable::AncContact => format!("/mch/pregnancies/{}#timeline", record.parent_id),
        Correctable::PncContact => format!("/mch/deliveries/{}#pnc", record.parent_id),
        Correctable::FpVisit => format!("/mch/family-planning/{}#visits", record.parent_id),
    };
    let f = Fields::new(pairs);
    let caller = auth.caller();
    let app = state.app();
    let Ok(version) = version(&f) else {
        // The record is checked first, so that a form out of reach is not found.
        app.correctable_to_write(&caller, what, id).await?;
        return Err(WebError::BadRequest("bad-request"));
    };
    let marked = app
        .mark_entered_in_error(
            &caller,
            what,
            id,
            version,
            f.get("reason"),
            schedule(state)?,
        )
        .await;
    if let Err(AppError::Invalid(_)) = marked {
        let record = app.correctable_to_write(&caller, what, id).await?;
        let segment = match what {
            Correctable::AncContact => "anc-contacts",
            Correctable::PncContact => "pnc-contacts",
            Correctable::FpVisit => "fp-visits",
        };
        let page = ErrorFormPage {
            layout: Layout::new(&auth.visitor, "mch-error-form-title"),
            action: format!("/mch/{segment}/{id}/error"),
            back: back(&record),
            version: version.to_string(),
            reason: f.get("reason").to_owned(),
            error: Some(auth.tr().t(MchError::ReasonRequired.code())),
        };
        let mut response = render(&page)?;
        *response.status_mut() = FORM_ERROR;
        return Ok(no_store(response));
    }
    Ok(see_other(&back(&marked?)))
}

pub async fn anc_contact_in_error(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    mark(&state, &auth, Correctable::AncContact, id, pairs).await
}

pub async fn pnc_contact_in_error(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    mark(&state, &auth, Correctable::PncContact, id, pairs).await
}

pub async fn fp_visit_in_error(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    mark(&state, &auth, Correctable::FpVisit, id, pairs).await
}
