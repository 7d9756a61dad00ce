//! Laboratory pages: the facilities' worklists, an order (sample, progress, results
//! against the reference range for the patient's sex and age, verification), the
//! printable result, and the ordering clinician's "results to see".

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::Form;
use haven_app::clinic::LabOrderDetails;
use haven_app::model::clinic::LabOrder;
use haven_app::model::Id;
use haven_app::AppError;
use haven_domain::clinic::lab::{catalogue, ComponentKind, LabState};
use haven_domain::{Action, Kind, Language};
use serde::Deserialize;

use super::visits::{result_views, with_status, FacilityRow, ResultView};
use super::{
    age_days, facility_name, field, flag_label, patient_header, test_name_of, version_of, when,
    FormState, PatientHeader,
};
use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::extract::Ids;
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
    let facilities = state
        .app()
        .lab_home(&auth.caller())
        .await?
        .into_iter()
        .map(|(f, waiting)| FacilityRow {
            id: f.id.to_string(),
            name: facility_name(auth.tr(), &f),
            waiting,
        })
        .collect();
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
    Ids(facility): Ids<Id>,
    Query(query): Query<WorklistQuery>,
) -> Result<Response, WebError> {
    let states: Vec<LabState> = LabState::parse(&query.state).into_iter().collect();
    let (facility, rows) = state
        .app()
        .lab_worklist(&auth.caller(), facility, &states)
        .await?;
    let tr = auth.tr();
    let rows = rows
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
    details: LabOrderDetails,
    form: FormState,
) -> Result<OrderPage, WebError> {
    let tr = auth.tr();
    let LabOrderDetails {
        order,
        results,
        person,
        facility,
        ordered_by,
        ..
    } = details;
    let test = catalogue().test(&order.test_code);
    let today = state.today();
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
    let (flag_class, flag) = flag_label(tr, &order.flag);
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
        patient: patient_header(state, auth, &person).await?,
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
/// ordering clinician reads results too), with what its page shows; or 404.
async fn order_in_reach(
    state: &AppState,
    auth: &Authenticated,
    id: Id,
    through: Kind,
) -> Result<LabOrderDetails, WebError> {
    Ok(state
        .app()
        .lab_order_details(&auth.caller(), id, through)
        .await?)
}

pub async fn show(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(order): Ids<Id>,
) -> Result<Response, WebError> {
    let order = state.app().read_lab_order(&auth.caller(), order).await?;
    let page = order_page(&state, &auth, order, FormState::new()).await?;
    render(&page).map(no_store)
}

pub async fn advance(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(order): Ids<Id>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    state.app().may_record_lab_work(&auth.caller())?;
    let to = LabState::parse(field(&pairs, "to")).ok_or(WebError::BadRequest("bad-request"))?;
    match state
        .app()
        .advance_lab_order(&auth.caller(), order, version_of(&pairs), to)
        .await
    {
        Ok(_) => Ok(see_other(&format!("/clinic/lab/{order}"))),
        // Not the order's next state: a form of a state that has moved on.
        Err(AppError::Invalid(_) | AppError::Refused(_)) => Err(WebError::Conflict),
        Err(other) => Err(other.into()),
    }
}

pub async fn enter_results(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    // One value per field of the form: haven-app parses those of the test's components.
    let values: BTreeMap<String, String> = pairs.iter().cloned().collect();
    match state
        .app()
        .enter_lab_results(
            &auth.caller(),
            id,
            version_of(&pairs),
            &values,
            state.today(),
        )
        .await
    {
        Ok(_) => Ok(see_other(&format!("/clinic/lab/{id}"))),
        Err(AppError::Conflict { .. }) => conflict(&state, &auth, id, &pairs).await,
        Err(AppError::Invalid(errors)) => {
            let order = order_in_reach(&state, &auth, id, Kind::Laboratory).await?;
            let form = FormState::sent(&pairs).refuse_fields(auth.tr(), &errors);
            let page = order_page(&state, &auth, order, form).await?;
            with_status(&page, FORM_ERROR)
        }
        Err(other) => Err(other.into()),
    }
}

/// The order page again, as it is now, with what was sent and a notice that the
/// order changed meanwhile (409).
async fn conflict(
    state: &AppState,
    auth: &Authenticated,
    order: Id,
    pairs: &Pairs,
) -> Result<Response, WebError> {
    let mut form = FormState::sent(pairs);
    form.notice = Some(auth.tr().t("error-conflict"));
    let order = order_in_reach(state, auth, order, Kind::Clinical).await?;
    let page = order_page(state, auth, order, form).await?;
    with_status(&page, axum::http::StatusCode::CONFLICT)
}

/// Cancels an order that has no results yet, with the clinician's reason; back to
/// the visit or stay it was ordered from (where it no longer shows).
pub async fn cancel(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    match state
        .app()
        .cancel_lab_order(
            &auth.caller(),
            id,
            version_of(&pairs),
            field(&pairs, "reason"),
        )
        .await
    {
        Ok(order) => {
            let back = match (order.visit_id, order.stay_id) {
                (Some(v), _) => format!("/clinic/visits/{v}#lab"),
                (_, Some(s)) => format!("/clinic/stays/{s}#lab"),
                _ => format!("/clinic/facilities/{}/lab", order.facility_id),
            };
            Ok(see_other(&back))
        }
        Err(AppError::Invalid(errors)) => {
            let order = order_in_reach(&state, &auth, id, Kind::Clinical).await?;
            let form = FormState::sent(&pairs).refuse_fields(auth.tr(), &errors);
            let page = order_page(&state, &auth, order, form).await?;
            with_status(&page, FORM_ERROR)
        }
        Err(AppError::Conflict { .. } | AppError::Refused(_)) => {
            conflict(&state, &auth, id, &pairs).await
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
    Ids(order): Ids<Id>,
) -> Result<Response, WebError> {
    let LabOrderDetails {
        order,
        results,
        person,
        facility,
        ..
    } = state.app().print_lab_result(&auth.caller(), order).await?;
    let tr = auth.tr();
    let test = catalogue().test(&order.test_code);
    let page = PrintPage {
        layout: Layout::new(&auth.visitor, "clinic-lab-print-title"),
        patient: patient_header(&state, &auth, &person).await?,
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
    let to_see = state.app().read_results_to_see(&auth.caller()).await?;
    let tr = auth.tr();
    let (orders, results) = (&to_see.orders, &to_see.results);
    let mut rows = Vec::new();
    for order in orders {
        let (flag_class, flag) = flag_label(tr, &order.flag);
        rows.push(ToSeeView {
            id: order.id.to_string(),
            patient: to_see
                .patients
                .get(&order.person_id)
                .map(|p| p.display_name())
                .unwrap_or_default(),
            test: test_name_of(tr, &order.test_code),
            resulted: order
                .resulted_at
                .map(|t| when(&state, &t))
                .unwrap_or_default(),
            flag_class,
            flag,
            results: result_views(tr, order, results),
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
    Ids(order): Ids<Id>,
) -> Result<Response, WebError> {
    match state.app().mark_result_seen(&auth.caller(), order).await {
        Ok(_) | Err(AppError::Conflict { .. }) => Ok(see_other("/clinic/results")),
        Err(other) => Err(other.into()),
    }
}
