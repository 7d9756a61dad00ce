//! Laboratory pages: the facilities' worklists, an order (sample, progress, results
//! against the reference range for the patient's sex and age, verification), the
//! printable result, and the ordering clinician's "results to see".

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use haven_domain::clinic::lab::{catalogue, ComponentKind, LabState, ResultValue};
use haven_domain::clinic::ClinicError;
use haven_domain::{Action, Kind, Language};
use haven_store::clinic::{LabOrder, NewResult, Viewer};
use serde::Deserialize;

use super::visits::{result_views, with_status, FacilityRow, ResultView};
use super::{
    age_days, facilities_in_reach, facility_in_reach, facility_name, field, flag_label, found,
    parse_id, patient_header, test_name_of, version_of, viewer, when, FormState, PatientHeader,
};
use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::i18n::Tr;
use crate::pages::{no_store, render, Layout, FORM_ERROR};
use crate::state::AppState;

type Pairs = Vec<(String, String)>;

#[derive(Template)]
#[template(path = "clinic_lab_home.html")]
struct LabHome {
    layout: Layout,
    facilities: Vec<FacilityRow>,
}

pub async fn home(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Response, WebError> {
    auth.require(Action::Read, Kind::Laboratory)?;
    let viewer = viewer(&state, &auth, Kind::Laboratory).await?;
    let mut facilities = Vec::new();
    for f in facilities_in_reach(&state, &viewer).await? {
        let waiting = state
            .store()
            .worklist_counts(&viewer, f.id)
            .await?
            .iter()
            .filter(|(s, _)| s != "verified")
            .map(|(_, n)| n)
            .sum();
        facilities.push(FacilityRow {
            id: f.id.to_string(),
            name: facility_name(auth.tr(), &f),
            waiting,
        });
    }
    let page = LabHome {
        layout: Layout::new(&auth.visitor, "clinic-lab-title"),
        facilities,
    };
    render(&page).map(no_store)
}

pub struct WorklistView {
    pub id: String,
    pub patient: String,
    pub test: String,
    pub state: String,
    pub state_code: String,
    pub ordered: String,
    pub flag_class: String,
    pub flag: String,
}

#[derive(Template)]
#[template(path = "clinic_worklist.html")]
struct WorklistPage {
    layout: Layout,
    facility_id: String,
    facility: String,
    rows: Vec<WorklistView>,
    states: Vec<(&'static str, String)>,
    state: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct WorklistQuery {
    #[serde(default)]
    state: String,
}

pub async fn worklist(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(facility): Path<String>,
    Query(query): Query<WorklistQuery>,
) -> Result<Response, WebError> {
    auth.require(Action::Read, Kind::Laboratory)?;
    let viewer = viewer(&state, &auth, Kind::Laboratory).await?;
    let facility = facility_in_reach(&state, &viewer, &facility).await?;
    let tr = auth.tr();
    let states: Vec<LabState> = LabState::parse(&query.state).into_iter().collect();
    let rows = found(state.store().worklist(&viewer, facility.id, &states).await)?
        .into_iter()
        .map(|row| {
            let (flag_class, flag) = flag_label(tr, &row.flag);
            WorklistView {
                id: row.id.to_string(),
                patient: row.display_name(),
                test: test_name_of(tr, &row.test_code),
                state: LabState::parse(&row.state)
                    .map(|s| tr.t(&s.label_key()))
                    .unwrap_or_default(),
                state_code: row.state.clone(),
                ordered: when(&state, &row.ordered_at),
                flag_class,
                flag,
            }
        })
        .collect();
    let page = WorklistPage {
        layout: Layout::new(&auth.visitor, "clinic-worklist-title"),
        facility_id: facility.id.to_string(),
        facility: facility_name(tr, &facility),
        rows,
        states: super::options(tr, LabState::ALL, LabState::code, LabState::label_key),
        state: query.state,
    };
    render(&page).map(no_store)
}

/// A component's field on the result form.
pub struct ComponentField {
    pub code: &'static str,
    pub name: String,
    pub unit: &'static str,
    pub coded: bool,
    pub choices: Vec<(&'static str, String)>,
    pub range: String,
}

#[derive(Template)]
#[template(path = "clinic_lab_order.html")]
struct OrderPage {
    layout: Layout,
    patient: PatientHeader,
    order: LabOrder,
    test: String,
    specimen: String,
    state: String,
    facility: String,
    ordered: String,
    ordered_by: String,
    flag_class: String,
    flag: String,
    results: Vec<ResultView>,
    fields: Vec<ComponentField>,
    form: FormState,
    next: Option<(&'static str, String)>,
    can_write: bool,
    takes_results: bool,
    has_results: bool,
    can_mark_seen: bool,
    /// A clinician may cancel an order until it has results.
    can_cancel: bool,
    back: String,
}

fn component_name(tr: &Tr, en: &'static str, km: &'static str) -> String {
    if tr.language() == Language::Khmer {
        km.to_owned()
    } else {
        en.to_owned()
    }
}

async fn order_page(
    state: &AppState,
    auth: &Authenticated,
    order: LabOrder,
    form: FormState,
) -> Result<OrderPage, WebError> {
    let tr = auth.tr();
    let store = state.store();
    let person = store.person(order.person_id).await?;
    let facility = store.facility(order.facility_id).await?;
    let test = catalogue().test(&order.test_code);
    let today = crate::pages::people::today(state);
    let fields = test
        .map(|t| {
            t.components()
                .iter()
                .map(|c| ComponentField {
                    code: c.code(),
                    name: component_name(tr, c.name_en(), c.name_km()),
                    unit: c.unit(),
                    coded: c.kind() == ComponentKind::Coded,
                    choices: c
                        .choices()
                        .iter()
                        .map(|ch| (ch.code(), component_name(tr, ch.name_en(), ch.name_km())))
                        .collect(),
                    range: c
                        .range_for(person.sex(), age_days(&person, today))
                        .map(|r| format!("{}–{}", r.low(), r.high()))
                        .unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default();
    let results = store.lab_results(&[order.id]).await?;
    let (flag_class, flag) = flag_label(tr, &order.flag);
    let ordered_by = store
        .user(order.ordered_by)
        .await
        .map(|u| u.display_name)
        .unwrap_or_default();
    let state_now = order.state();
    let next = state_now
        .next()
        .filter(|n| *n != LabState::Resulted)
        .map(|n| {
            (
                n.code(),
                tr.t(&format!("clinic-lab-to-{}", n.code().replace('_', "-"))),
            )
        });
    Ok(OrderPage {
        layout: Layout::new(&auth.visitor, "clinic-lab-order-title"),
        patient: patient_header(state, tr, &person).await?,
        test: test_name_of(tr, &order.test_code),
        specimen: test
            .map(|t| tr.t(&t.specimen().label_key()))
            .unwrap_or_default(),
        state: tr.t(&state_now.label_key()),
        facility: facility_name(tr, &facility),
        ordered: when(state, &order.ordered_at),
        ordered_by,
        flag_class,
        flag,
        results: result_views(tr, &order, &results),
        fields,
        form,
        next,
        can_write: auth.me.can(Action::Write, Kind::Laboratory),
        takes_results: state_now.takes_results(),
        has_results: state_now.has_results(),
        can_mark_seen: state_now.has_results()
            && order.seen_at.is_none()
            && order.ordered_by == auth.me.user.id,
        can_cancel: !state_now.has_results() && auth.me.can(Action::Write, Kind::Clinical),
        back: match (order.visit_id, order.stay_id) {
            (Some(v), _) if auth.me.can(Action::Read, Kind::Clinical) => {
                format!("/clinic/visits/{v}")
            }
            (_, Some(s)) if auth.me.can(Action::Read, Kind::Clinical) => {
                format!("/clinic/stays/{s}")
            }
            _ => format!("/clinic/facilities/{}/lab", order.facility_id),
        },
        order,
    })
}

/// An order the reader may see, through their laboratory or clinical reach (the
/// ordering clinician reads results too), or 404.
async fn order_in_reach(
    state: &AppState,
    auth: &Authenticated,
    raw: &str,
) -> Result<(LabOrder, Viewer), WebError> {
    let kind = if auth.me.can(Action::Read, Kind::Laboratory) {
        Kind::Laboratory
    } else {
        Kind::Clinical
    };
    let viewer = viewer(state, auth, kind).await?;
    let order = found(state.store().lab_order(&viewer, parse_id(raw)?).await)?;
    Ok((order, viewer))
}

pub async fn show(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(order): Path<String>,
) -> Result<Response, WebError> {
    auth.require(Action::Read, Kind::Laboratory)?;
    let (order, _) = order_in_reach(&state, &auth, &order).await?;
    state
        .store()
        .audit_clinical_read(
            &auth.actor(),
            "lab_order_read",
            "person",
            order.person_id,
            format!("order={}", order.id),
        )
        .await?;
    let page = order_page(&state, &auth, order, FormState::new()).await?;
    render(&page).map(no_store)
}

pub async fn advance(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(order): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    auth.require(Action::Write, Kind::Laboratory)?;
    let (order, viewer) = order_in_reach(&state, &auth, &order).await?;
    let to = LabState::parse(field(&pairs, "to")).ok_or(WebError::BadRequest("bad-request"))?;
    state
        .store()
        .advance_lab_order(&auth.actor(), &viewer, order.id, version_of(&pairs), to)
        .await?;
    Ok(see_other(&format!("/clinic/lab/{}", order.id)))
}

pub async fn enter_results(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(order): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    auth.require(Action::Write, Kind::Laboratory)?;
    let (order, viewer) = order_in_reach(&state, &auth, &order).await?;
    let test = catalogue()
        .test(&order.test_code)
        .ok_or(WebError::NotFound)?;
    let person = state.store().person(order.person_id).await?;
    let today = crate::pages::people::today(&state);
    let (sex, days) = (person.sex(), age_days(&person, today));
    let mut results = Vec::new();
    let mut errors: Vec<(&'static str, ClinicError)> = Vec::new();
    for component in test.components() {
        match component.parse_result(field(&pairs, component.code())) {
            Ok(value) => {
                let range = component.range_for(sex, days);
                results.push(NewResult {
                    component_code: component.code(),
                    value_number: match value {
                        ResultValue::Number(n) => Some(n),
                        ResultValue::Coded(_) => None,
                    },
                    value_code: match value {
                        ResultValue::Coded(c) => c,
                        ResultValue::Number(_) => "",
                    },
                    unit: component.unit(),
                    range_low: range.map(|r| r.low()),
                    range_high: range.map(|r| r.high()),
                    flag: component.flag(&value, sex, days),
                });
            }
            Err(error) => errors.push((component.code(), error)),
        }
    }
    if errors.is_empty() {
        match state
            .store()
            .enter_lab_results(
                &auth.actor(),
                &viewer,
                order.id,
                version_of(&pairs),
                &results,
            )
            .await
        {
            Ok(()) => return Ok(see_other(&format!("/clinic/lab/{}", order.id))),
            Err(haven_store::StoreError::Conflict { .. }) => {
                return conflict(&state, &auth, &viewer, order.id, &pairs).await;
            }
            Err(other) => return Err(other.into()),
        }
    }
    let form = FormState::sent(&pairs).refuse(auth.tr(), &errors);
    let page = order_page(&state, &auth, order, form).await?;
    with_status(&page, FORM_ERROR)
}

/// The order page again, as it is now, with what was sent and a notice that the
/// order changed meanwhile (409).
async fn conflict(
    state: &AppState,
    auth: &Authenticated,
    viewer: &Viewer,
    order: haven_store::Id,
    pairs: &Pairs,
) -> Result<Response, WebError> {
    let mut form = FormState::sent(pairs);
    form.notice = Some(auth.tr().t("error-conflict"));
    let order = state.store().lab_order(viewer, order).await?;
    let page = order_page(state, auth, order, form).await?;
    with_status(&page, axum::http::StatusCode::CONFLICT)
}

/// Cancels an order that has no results yet, with the clinician's reason; back to
/// the visit or stay it was ordered from (where it no longer shows).
pub async fn cancel(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(order): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    auth.require(Action::Write, Kind::Clinical)?;
    let (order, viewer) = order_in_reach(&state, &auth, &order).await?;
    let reason = match haven_domain::clinic::required_note(
        field(&pairs, "reason"),
        haven_domain::clinic::SHORT_MAX,
    ) {
        Ok(reason) => reason,
        Err(error) => {
            let form = FormState::sent(&pairs).refuse(auth.tr(), &[("reason", error)]);
            let page = order_page(&state, &auth, order, form).await?;
            return with_status(&page, FORM_ERROR);
        }
    };
    let back = match (order.visit_id, order.stay_id) {
        (Some(v), _) => format!("/clinic/visits/{v}#lab"),
        (_, Some(s)) => format!("/clinic/stays/{s}#lab"),
        _ => format!("/clinic/facilities/{}/lab", order.facility_id),
    };
    match state
        .store()
        .cancel_lab_order(
            &auth.actor(),
            &viewer,
            order.id,
            version_of(&pairs),
            &reason,
        )
        .await
    {
        Ok(()) => Ok(see_other(&back)),
        Err(haven_store::StoreError::Conflict { .. }) => {
            conflict(&state, &auth, &viewer, order.id, &pairs).await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "clinic_lab_print.html")]
struct PrintPage {
    layout: Layout,
    patient: PatientHeader,
    test: String,
    specimen: String,
    facility: String,
    ordered: String,
    resulted: String,
    verified: String,
    results: Vec<ResultView>,
    order_id: String,
    source: String,
}

/// The printable result: only once there are results.
pub async fn print(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(order): Path<String>,
) -> Result<Response, WebError> {
    auth.require(Action::Read, Kind::Laboratory)?;
    let (order, _) = order_in_reach(&state, &auth, &order).await?;
    if !order.state().has_results() {
        return Err(WebError::NotFound);
    }
    let tr = auth.tr();
    let store = state.store();
    let person = store.person(order.person_id).await?;
    let facility = store.facility(order.facility_id).await?;
    let results = store.lab_results(&[order.id]).await?;
    let test = catalogue().test(&order.test_code);
    store
        .audit_clinical_read(
            &auth.actor(),
            "lab_result_print",
            "person",
            person.id,
            format!("order={}", order.id),
        )
        .await?;
    let page = PrintPage {
        layout: Layout::new(&auth.visitor, "clinic-lab-print-title"),
        patient: patient_header(&state, tr, &person).await?,
        test: test_name_of(tr, &order.test_code),
        specimen: test
            .map(|t| tr.t(&t.specimen().label_key()))
            .unwrap_or_default(),
        facility: facility_name(tr, &facility),
        ordered: when(&state, &order.ordered_at),
        resulted: order
            .resulted_at
            .map(|t| when(&state, &t))
            .unwrap_or_default(),
        verified: order
            .verified_at
            .map(|t| when(&state, &t))
            .unwrap_or_default(),
        results: result_views(tr, &order, &results),
        order_id: order.id.to_string(),
        source: test.map(|t| t.source().to_owned()).unwrap_or_default(),
    };
    render(&page).map(no_store)
}

pub struct ToSeeView {
    pub id: String,
    pub patient: String,
    pub test: String,
    pub resulted: String,
    pub flag_class: String,
    pub flag: String,
    pub results: Vec<ResultView>,
}

#[derive(Template)]
#[template(path = "clinic_results.html")]
struct ResultsPage {
    layout: Layout,
    rows: Vec<ToSeeView>,
}

/// The results of the reader's own orders that they have not yet seen, critical first.
pub async fn results_to_see(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Response, WebError> {
    auth.require(Action::Read, Kind::Clinical)?;
    let viewer = viewer(&state, &auth, Kind::Clinical).await?;
    let tr = auth.tr();
    let store = state.store();
    let orders = store.results_to_see(&viewer, auth.me.user.id).await?;
    let ids: Vec<haven_store::Id> = orders.iter().map(|o| o.id).collect();
    let results = store.lab_results(&ids).await?;
    let mut rows = Vec::new();
    for order in &orders {
        let person = store.person(order.person_id).await?;
        let (flag_class, flag) = flag_label(tr, &order.flag);
        rows.push(ToSeeView {
            id: order.id.to_string(),
            patient: person.display_name(),
            test: test_name_of(tr, &order.test_code),
            resulted: order
                .resulted_at
                .map(|t| when(&state, &t))
                .unwrap_or_default(),
            flag_class,
            flag,
            results: result_views(tr, order, &results),
        });
    }
    let page = ResultsPage {
        layout: Layout::new(&auth.visitor, "clinic-results-title"),
        rows,
    };
    render(&page).map(no_store)
}

pub async fn seen(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(order): Path<String>,
) -> Result<Response, WebError> {
    auth.require(Action::Read, Kind::Clinical)?;
    let viewer = viewer(&state, &auth, Kind::Clinical).await?;
    let order = found(state.store().lab_order(&viewer, parse_id(&order)?).await)?;
    // Only the clinician who ordered it marks a result seen: for anyone else the
    // order has no "seen" to give.
    if order.ordered_by != auth.me.user.id {
        return Err(WebError::NotFound);
    }
    match state
        .store()
        .mark_result_seen(&auth.actor(), &viewer, order.id)
        .await
    {
        Ok(()) | Err(haven_store::StoreError::Conflict { .. }) => Ok(see_other("/clinic/results")),
        Err(other) => Err(other.into()),
    }
}
