//! Family planning pages: the follow-ups due at a facility, and a client's visits
//! with the form to record counselling and the method given.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::Form;
use haven_app::model::mch::FpVisit;
use haven_app::model::{Id, Person};
use haven_app::AppError;
use haven_domain::mch::family_planning::{FpMethod, FpVisitInput};
use haven_domain::{Action, Kind};

use super::{
    choices, choose_facility, facility_name, field_messages, FacilityChoice, Fields, ListQuery,
};
use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::extract::Ids;
use crate::i18n::Tr;
use crate::pages::places::FieldMessages;
use crate::pages::{no_store, render, Layout, FORM_ERROR};
use crate::state::AppState;

fn method_name(tr: &Tr, code: &str) -> String {
    FpMethod::parse(code)
        .map(|m| tr.t(&m.label_key()))
        .unwrap_or_else(|| tr.t("mch-fp-counselling-only"))
}

pub struct FollowUpRow {
    pub person_id: String,
    pub name: String,
    pub method: String,
    pub visit_on: String,
    pub follow_up_on: String,
    pub late: bool,
}

#[derive(Template)]
#[template(path = "mch_fp_list.html")]
struct DueListPage {
    layout: Layout,
    facility: FacilityChoice,
    date: String,
    rows: Vec<FollowUpRow>,
}

/// The family planning follow-ups due at a facility by a day.
pub async fn due_list(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let tr = auth.tr();
    let on = query.day(&state);
    let facility = choose_facility(&state, &auth, &query.facility).await?;
    let mut rows = Vec::new();
    if let Some(facility_id) = facility.id {
        let due = state
            .app()
            .fp_follow_ups_due(&auth.caller(), facility_id, on)
            .await?;
        for v in due {
            rows.push(FollowUpRow {
                person_id: v.person_id.to_string(),
                name: v.display_name(),
                method: method_name(tr, &v.method),
                visit_on: v.visit_on.to_string(),
                follow_up_on: v.follow_up_on.map(|d| d.to_string()).unwrap_or_default(),
                late: v.follow_up_on.is_some_and(|d| d < on),
            });
        }
    }
    let page = DueListPage {
        layout: Layout::new(&auth.visitor, "mch-fp-title"),
        facility,
        date: on.to_string(),
        rows,
    };
    render(&page).map(no_store)
}

pub struct VisitRow {
    pub id: String,
    pub version: i64,
    pub visit_on: String,
    pub counselled: bool,
    pub method: String,
    pub quantity: String,
    pub follow_up_on: String,
    pub facility: String,
    pub notes: String,
}

#[derive(Template)]
#[template(path = "mch_fp_client.html")]
struct ClientPage {
    layout: Layout,
    person: Person,
    name: String,
    visits: Vec<VisitRow>,
    can_write: bool,
    methods: Vec<(&'static str, String)>,
    facilities: Vec<(String, String, bool)>,
    f: Fields,
    errors: FieldMessages,
}

async fn client_page(
    state: &AppState,
    auth: &Authenticated,
    (person, fp_visits): (Person, Vec<FpVisit>),
    f: Fields,
    errors: FieldMessages,
) -> Result<ClientPage, WebError> {
    let tr = auth.tr();
    let mut visits = Vec::new();
    for v in fp_visits {
        visits.push(VisitRow {
            id: v.id.to_string(),
            version: v.version,
            visit_on: v.visit_on.to_string(),
            counselled: v.counselled,
            method: if v.method.is_empty() {
                String::new()
            } else {
                method_name(tr, &v.method)
            },
            quantity: v.quantity.map(|q| q.to_string()).unwrap_or_default(),
            follow_up_on: v.follow_up_on.map(|d| d.to_string()).unwrap_or_default(),
            facility: facility_name(state, tr, v.facility_id).await,
            notes: v.notes,
        });
    }
    let write_reach = state
        .app()
        .clinical_reach(&auth.caller(), Action::Write)
        .await?;
    let facility = choose_facility(state, auth, f.get("facility")).await?;
    Ok(ClientPage {
        layout: Layout::new(&auth.visitor, "mch-fp-client-title"),
        name: person.display_name(),
        person,
        visits,
        can_write: auth.me.can(Action::Write, Kind::Clinical),
        methods: choices(tr, FpMethod::ALL, FpMethod::code, FpMethod::label_key),
        facilities: facility
            .options
            .into_iter()
            .filter(|(id, _, _)| {
                id.parse()
                    .ok()
                    .is_some_and(|id: Id| write_reach.holds(Some(id)))
            })
            .collect(),
        f,
        errors,
    })
}

pub async fn client(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
) -> Result<Response, WebError> {
    let (person, visits) = state.app().read_family_planning(&auth.caller(), id).await?;
    let mut f = Fields::default();
    f.set("visit_on", state.today().to_string());
    f.set("counselled", "1");
    if let Some(facility) = person.registered_facility_id {
        f.set("facility", facility.to_string());
    }
    let page = client_page(&state, &auth, (person, visits), f, FieldMessages::default()).await?;
    render(&page).map(no_store)
}

pub async fn record_visit(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let f = Fields::new(pairs);
    let tr = auth.tr().clone();
    let facility: Option<Id> = f.get("facility").parse().ok();
    let input = FpVisitInput {
        visit_on: f.get("visit_on"),
        counselled: f.flag("counselled"),
        method: f.get("method"),
        quantity: f.get("quantity"),
        follow_up_on: f.get("follow_up_on"),
        notes: f.get("notes"),
    };
    let caller = auth.caller();
    let recorded = state
        .app()
        .record_fp_visit(&caller, id, facility, "facility", &input, state.today())
        .await;
    let errors = match recorded {
        Ok(visit) => {
            return Ok(see_other(&format!(
                "/mch/family-planning/{}",
                visit.person_id
            )))
        }
        Err(AppError::Invalid(fields)) => field_messages(&tr, &fields),
        Err(other) => return Err(other.into()),
    };
    let client = state.app().family_planning_of(&caller, id).await?;
    let page = client_page(&state, &auth, client, f, errors).await?;
    let mut response = render(&page)?;
    *response.status_mut() = FORM_ERROR;
    Ok(no_store(response))
}
