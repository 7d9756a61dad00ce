//! Care overview, a programme's care page (figures by sex, split sibling groups,
//! overdue reviews, pending admissions, school-age children not enrolled, after-care),
//! a village's page (houses, children by age and sex, free places, referrals waiting
//! for gatekeeping) and a house's page (caregivers and their trainings, children,
//! placement history).

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::Form;
use haven_app::care::{HouseCommand, HouseView, VillageView, STAFF_MEMBER};
use haven_app::model::care::{CareChild, CareFigures, House};
use haven_app::model::{Facility, Id, StaffMember};
use haven_app::AppError;
use haven_domain::care::{
    figures::BySex, is_school_age, needs_family_care, CareCaseState, HouseDetails, HouseInput,
    HouseKind,
};
use haven_domain::person::{age_in_years, AgeBand};
use haven_domain::{Action, Kind};

use super::{date_text, label, options, refused_or_conflict, Fields, FormState, SexRow};
use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::extract::Ids;
use crate::i18n::Tr;
use crate::pages::places::place_name;
use crate::pages::{no_store, render, render_status, Layout, FORM_ERROR};
use crate::state::AppState;

/// A programme's figures by sex, ready to show (also on the home page).
#[derive(Clone, Debug)]
pub struct ProgrammeFigures {
    pub programme_id: String,
    pub name: String,
    pub year: i32,
    pub rows: Vec<SexRow>,
    /// The reader may open the programme's care page.
    pub link: bool,
}

/// The rows of the figures table, in the order the programme reports them.
pub fn figure_rows(tr: &Tr, f: &CareFigures) -> Vec<SexRow> {
    vec![
        SexRow::new(tr.t("care-figure-in-care"), &f.in_care),
        SexRow::new(tr.t("care-figure-admissions"), &f.admissions),
        SexRow::new(tr.t("care-figure-leavers"), &f.leavers),
        SexRow::new(tr.t("care-figure-plans-up-to-date"), &f.plans_up_to_date),
        SexRow::new(tr.t("care-figure-school-age"), &f.school_age),
        SexRow::new(tr.t("care-figure-enrolled"), &f.enrolled),
        SexRow::new(tr.t("care-figure-with-results"), &f.with_results),
        SexRow::new(tr.t("care-figure-passed"), &f.passed),
    ]
}

/// The figures of every programme the reader's report roles reach, for the home
/// page: aggregates without names, for readers of reports who also work with care
/// or staff (the programme director, social workers, M&E officers, the national
/// director). Empty for everyone else.
pub async fn programme_figures_section(
    state: &AppState,
    auth: &Authenticated,
) -> Result<Vec<ProgrammeFigures>, WebError> {
    let tr = auth.tr();
    let link = auth.me.can(Action::Read, Kind::Care);
    Ok(state
        .app()
        .care_programme_figures(&auth.caller(), state.today())
        .await?
        .into_iter()
        .map(|p| ProgrammeFigures {
            programme_id: p.programme.id.to_string(),
            name: place_name(tr, &p.programme.name, &p.programme.name_km),
            year: p.figures.year,
            rows: figure_rows(tr, &p.figures),
            link,
        })
        .collect())
}

/// A house in a list.
pub struct HouseRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub parent: String,
    pub assistant: String,
    pub capacity: i64,
    pub children: i64,
    pub free: i64,
    pub closed: bool,
}

fn house_row(tr: &Tr, h: &House) -> HouseRow {
    HouseRow {
        id: h.id.to_string(),
        name: h.name.clone(),
        kind: label(tr, &h.kind, HouseKind::parse, HouseKind::label_key),
        parent: h.sos_parent_name().unwrap_or_default(),
        assistant: h.family_assistant_name().unwrap_or_default(),
        capacity: h.capacity,
        children: h.children,
        free: h.free_places(),
        closed: h.closed_at.is_some(),
    }
}

/// A child in a list.
pub struct ChildLine {
    pub id: String,
    pub name: String,
    pub sex: String,
    pub age: i32,
    pub house: String,
    pub state: String,
    pub note: String,
}

pub fn child_line(tr: &Tr, c: &CareChild, today: time::Date) -> ChildLine {
    ChildLine {
        id: c.id.to_string(),
        name: c.display_name(),
        sex: tr.t(&c.sex().label_key()),
        age: age_in_years(c.birth_date, today),
        house: c.house_name.clone().unwrap_or_default(),
        state: tr.t(&c.case_state().label_key()),
        note: String::new(),
    }
}

// ---------------------------------------------------------------------------
// Overview

#[derive(Template)]
#[template(path = "care_overview.html")]
struct OverviewPage {
    layout: Layout,
    programmes: Vec<ProgrammeFigures>,
    facilities: Vec<(String, String, String, bool)>,
    my_houses: Vec<(HouseRow, Vec<ChildLine>)>,
    can_households: bool,
}

pub async fn overview(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Response, WebError> {
    let tr = auth.tr();
    let today = state.today();
    let overview = state.app().care_overview(&auth.caller(), today).await?;
    let programmes = overview
        .programmes
        .iter()
        .map(|p| ProgrammeFigures {
            programme_id: p.programme.id.to_string(),
            name: place_name(tr, &p.programme.name, &p.programme.name_km),
            year: p.figures.year,
            rows: figure_rows(tr, &p.figures)[..1].to_vec(),
            link: true,
        })
        .collect();
    let page = OverviewPage {
        layout: Layout::new(&auth.visitor, "care-title"),
        programmes,
        facilities: facility_rows(tr, &overview.facilities),
        my_houses: overview
            .my_houses
            .iter()
            .map(|(house, children)| {
                (
                    house_row(tr, house),
                    children.iter().map(|c| child_line(tr, c, today)).collect(),
                )
            })
            .collect(),
        can_households: overview.sees_any,
    };
    render(&page).map(no_store)
}

/// The care facilities as a list shows them: id, name, kind, and whether it is a
/// family strengthening office.
fn facility_rows(tr: &Tr, facilities: &[Facility]) -> Vec<(String, String, String, bool)> {
    facilities
        .iter()
        .map(|f| {
            (
                f.id.to_string(),
                place_name(tr, &f.name, &f.name_km),
                crate::pages::places::kind_label(tr, &f.kind),
                f.kind == "family_strengthening_office",
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Programme

/// A split sibling group, ready to show.
pub struct SplitGroup {
    pub children: Vec<(String, String, String, String)>,
}

/// A plan whose review is overdue.
pub struct OverdueRow {
    pub plan_id: String,
    pub name: String,
    pub review_on: String,
    pub days: i64,
}

#[derive(Template)]
#[template(path = "care_programme.html")]
struct ProgrammePage {
    layout: Layout,
    name: String,
    programme_id: String,
    year: i32,
    rows: Vec<SexRow>,
    facilities: Vec<(String, String, String, bool)>,
    split: Vec<SplitGroup>,
    overdue: Vec<OverdueRow>,
    pending: Vec<(String, String, String, String)>,
    not_enrolled: Vec<ChildLine>,
    aftercare: Vec<ChildLine>,
    school_age: (i32, i32),
    review_months: u32,
}

pub async fn programme(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
) -> Result<Response, WebError> {
    let tr = auth.tr();
    let today = state.today();
    let care = state
        .app()
        .care_programme(&auth.caller(), id, today)
        .await?;
    let split = care
        .split
        .iter()
        .map(|group| SplitGroup {
            children: group
                .iter()
                .map(|(c, apart_reason)| {
                    (
                        c.id.to_string(),
                        c.display_name(),
                        c.house_name.clone().unwrap_or_default(),
                        apart_reason.clone(),
                    )
                })
                .collect(),
        })
        .collect();
    let overdue = care
        .overdue
        .iter()
        .map(|o| OverdueRow {
            plan_id: o.plan.id.to_string(),
            name: o.subject_name.clone(),
            review_on: o.plan.review_on.to_string(),
            days: (today - o.plan.review_on).whole_days(),
        })
        .collect();
    let pending = care
        .pending
        .iter()
        .map(|(a, child)| {
            (
                a.id.to_string(),
                child.display_name(),
                a.decided_on.to_string(),
                label(
                    tr,
                    &a.decision,
                    haven_domain::care::AdmissionDecision::parse,
                    haven_domain::care::AdmissionDecision::label_key,
                ),
            )
        })
        .collect();
    let not_enrolled = care
        .children
        .iter()
        .filter(|c| c.in_care() && c.house_id.is_some() && is_school_age(c.birth_date, today))
        .filter(|c| care.rows.iter().any(|r| r.id == c.id && !r.enrolled()))
        .map(|c| child_line(tr, c, today))
        .collect();
    let aftercare = care
        .aftercare
        .iter()
        .map(|(c, newest)| {
            let mut line = child_line(tr, c, today);
            line.note = match newest.as_ref().and_then(|f| f.next_on) {
                Some(next) => tr.t1("care-aftercare-next", "date", next),
                None => tr.t("care-aftercare-none-due"),
            };
            line
        })
        .collect();
    let page = ProgrammePage {
        layout: Layout::new(&auth.visitor, "care-programme-title"),
        name: place_name(tr, &care.programme.name, &care.programme.name_km),
        programme_id: care.programme.id.to_string(),
        year: care.figures.year,
        rows: figure_rows(tr, &care.figures),
        facilities: facility_rows(tr, &care.facilities),
        split,
        overdue,
        pending,
        not_enrolled,
        aftercare,
        school_age: haven_domain::care::SCHOOL_AGE,
        review_months: state.config().care_review_months,
    };
    render(&page).map(no_store)
}

// ---------------------------------------------------------------------------
// Village

/// Children waiting for gatekeeping, grouped with their siblings.
pub struct WaitingGroup {
    pub children: Vec<(String, String, String, i32)>,
}

#[derive(Template)]
#[template(path = "care_village.html")]
struct VillagePage {
    layout: Layout,
    village: Facility,
    name: String,
    programme_id: String,
    houses: Vec<HouseRow>,
    capacity: i64,
    living: i64,
    free: i64,
    by_age: Vec<SexRow>,
    total: SexRow,
    children: Vec<ChildLine>,
    under_three: Vec<ChildLine>,
    waiting: Vec<WaitingGroup>,
    can_write: bool,
    parents: Vec<(String, String)>,
    assistants: Vec<(String, String)>,
    kinds: Vec<(&'static str, String)>,
    f: FormState,
}

fn staff_options(staff: &[StaffMember]) -> Vec<(String, String)> {
    staff
        .iter()
        .map(|s| (s.id.to_string(), s.display_name()))
        .collect()
}

fn village_page(
    auth: &Authenticated,
    view: VillageView,
    today: time::Date,
    f: FormState,
) -> VillagePage {
    let tr = auth.tr();
    let VillageView {
        village,
        houses,
        children,
        waiting: waiting_people,
        waiting_siblings: pairs,
        writable,
        parents,
        assistants,
    } = view;
    let living: Vec<&CareChild> = children.iter().filter(|c| c.house_id.is_some()).collect();
    let mut bands: BTreeMap<usize, BySex> = BTreeMap::new();
    let mut total = BySex::default();
    for c in &living {
        let band = AgeBand::of_age(age_in_years(c.birth_date, today));
        let index = AgeBand::ALL.iter().position(|b| *b == band).unwrap_or(0);
        bands.entry(index).or_default().add(c.sex(), 1);
        total.add(c.sex(), 1);
    }
    let by_age = bands
        .into_iter()
        .map(|(i, f)| SexRow::new(tr.t(&AgeBand::ALL[i].label_key()), &f))
        .collect();
    let family_based: Vec<Id> = houses
        .iter()
        .filter(|h| h.kind().is_some_and(HouseKind::family_based))
        .map(|h| h.id)
        .collect();
    let under_three = living
        .iter()
        .filter(|c| {
            needs_family_care(c.birth_date, today)
                && c.house_id.is_some_and(|h| !family_based.contains(&h))
        })
        .map(|c| child_line(tr, c, today))
        .collect();
    let ids: Vec<Id> = waiting_people.iter().map(|p| p.id).collect();
    let mut grouped: Vec<Vec<Id>> = Vec::new();
    for p in &ids {
        if grouped.iter().any(|g| g.contains(p)) {
            continue;
        }
        let mut group = vec![*p];
        for s in haven_domain::care::siblings::siblings_of(&pairs, *p) {
            if ids.contains(&s) && !group.contains(&s) {
                group.push(s);
            }
        }
        grouped.push(group);
    }
    // Sibling groups first: they are admitted together.
    grouped.sort_by_key(|g| std::cmp::Reverse(g.len()));
    let waiting = grouped
        .into_iter()
        .map(|g| WaitingGroup {
            children: g
                .iter()
                .filter_map(|id| waiting_people.iter().find(|p| p.id == *id))
                .map(|p| {
                    (
                        p.id.to_string(),
                        p.display_name(),
                        tr.t(&p.sex().label_key()),
                        age_in_years(p.birth_date, today),
                    )
                })
                .collect(),
        })
        .collect();
    let capacity = houses
        .iter()
        .filter(|h| h.closed_at.is_none())
        .map(|h| h.capacity)
        .sum();
    let living_count = houses.iter().map(|h| h.children).sum();
    let free = houses
        .iter()
        .filter(|h| h.closed_at.is_none())
        .map(House::free_places)
        .sum();
    VillagePage {
        layout: Layout::new(&auth.visitor, "care-village-title"),
        name: place_name(tr, &village.name, &village.name_km),
        programme_id: village.programme_id.to_string(),
        houses: houses.iter().map(|h| house_row(tr, h)).collect(),
        capacity,
        living: living_count,
        free,
        by_age,
        total: SexRow::new(tr.t("care-total"), &total),
        children: children.iter().map(|c| child_line(tr, c, today)).collect(),
        under_three,
        waiting,
        can_write: writable,
        parents: staff_options(&parents),
        assistants: staff_options(&assistants),
        kinds: options(tr, HouseKind::ALL, HouseKind::code, HouseKind::label_key),
        f,
        village,
    }
}

pub async fn village(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
) -> Result<Response, WebError> {
    let today = state.today();
    let view = state.app().village_view(&auth.caller(), id, today).await?;
    render(&village_page(&auth, view, today, FormState::default())).map(no_store)
}

/// The house form's details and caregivers.
fn house_command(fields: &Fields) -> haven_app::care::Parsed<HouseCommand> {
    Ok(HouseCommand {
        details: HouseDetails::parse(&HouseInput {
            name: fields.get("name"),
            kind: fields.get("kind"),
            capacity: fields.get("capacity"),
        })?,
        sos_parent: fields.id("sos_parent"),
        family_assistant: fields.id("family_assistant"),
    })
}

/// A house form refused: a caregiver who is no staff member is shown at the SOS
/// parent's field, a stale version as the conflict notice.
fn house_refused(
    error: AppError,
    form: &str,
    fields: Fields,
    tr: &Tr,
) -> Result<FormState, WebError> {
    match error {
        AppError::NotFound {
            entity: STAFF_MEMBER,
        } => Ok(FormState::refused(
            form,
            fields,
            tr,
            "sos_parent",
            haven_domain::care::CareError::BadChoice,
        )),
        other => refused_or_conflict(other, form, fields, tr),
    }
}

/// The page again with a refused form: 409 for the conflict notice, 422 otherwise.
fn status_of(f: &FormState) -> axum::http::StatusCode {
    if f.notice.is_some() {
        axum::http::StatusCode::CONFLICT
    } else {
        FORM_ERROR
    }
}

pub async fn create_house(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(village): Ids<Id>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let fields = Fields(fields);
    let caller = auth.caller();
    let f = match state
        .app()
        .create_house(&caller, village, house_command(&fields))
        .await
    {
        Ok(house) => return Ok(see_other(&format!("/care/houses/{}", house.id))),
        Err(error) => house_refused(error, "house", fields, auth.tr())?,
    };
    let today = state.today();
    let view = state.app().village_view(&caller, village, today).await?;
    let status = status_of(&f);
    render_status(&village_page(&auth, view, today, f), status)
}

// ---------------------------------------------------------------------------
// House

/// A caregiver with their trainings.
pub struct Caregiver {
    pub role: String,
    pub staff_id: String,
    pub name: String,
    pub trainings: Vec<(String, String, String)>,
    pub hours: String,
}

#[derive(Template)]
#[template(path = "care_house.html")]
struct HousePage {
    layout: Layout,
    house: House,
    kind: String,
    sees_village: bool,
    caregivers: Vec<Caregiver>,
    children: Vec<ChildLine>,
    history: Vec<(String, String, String, String, String, String)>,
    can_write: bool,
    can_read_staff: bool,
    parents: Vec<(String, String)>,
    assistants: Vec<(String, String)>,
    kinds: Vec<(&'static str, String)>,
    parent_id: String,
    assistant_id: String,
    f: FormState,
}

fn house_page(auth: &Authenticated, view: HouseView, today: time::Date, f: FormState) -> HousePage {
    let tr = auth.tr();
    let HouseView {
        house,
        sees_village,
        caregivers,
        children,
        history,
        writable,
        parents,
        assistants,
    } = view;
    let caregivers = caregivers
        .into_iter()
        .map(|c| {
            let hours: f64 = c.trainings.iter().filter_map(|t| t.hours).sum();
            Caregiver {
                role: tr.t(if c.sos_parent {
                    "care-sos-parent"
                } else {
                    "care-family-assistant"
                }),
                staff_id: c.member.id.to_string(),
                name: c.member.display_name(),
                hours: format!("{hours:.0}"),
                trainings: c
                    .trainings
                    .into_iter()
                    .map(|t| {
                        (
                            t.course,
                            if t.started_on == t.ended_on {
                                t.started_on.to_string()
                            } else {
                                format!("{} – {}", t.started_on, t.ended_on)
                            },
                            t.hours.map(|h| format!("{h:.0}")).unwrap_or_default(),
                        )
                    })
                    .collect(),
            }
        })
        .collect();
    HousePage {
        layout: Layout::new(&auth.visitor, "care-house-title"),
        kind: label(tr, &house.kind, HouseKind::parse, HouseKind::label_key),
        sees_village,
        caregivers,
        children: children.iter().map(|c| child_line(tr, c, today)).collect(),
        history: history
            .into_iter()
            .map(|(p, child)| {
                (
                    child.id.to_string(),
                    child.display_name(),
                    p.started_on.to_string(),
                    date_text(p.ended_on),
                    p.start_reason,
                    p.end_reason,
                )
            })
            .collect(),
        can_write: writable,
        can_read_staff: auth.me.can(Action::Read, Kind::Staff),
        parents: staff_options(&parents),
        assistants: staff_options(&assistants),
        kinds: options(tr, HouseKind::ALL, HouseKind::code, HouseKind::label_key),
        parent_id: house
            .sos_parent_id
            .map(|i| i.to_string())
            .unwrap_or_default(),
        assistant_id: house
            .family_assistant_id
            .map(|i| i.to_string())
            .unwrap_or_default(),
        f,
        house,
    }
}

pub async fn house(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
) -> Result<Response, WebError> {
    let view = state.app().house_view(&auth.caller(), id).await?;
    render(&house_page(
        &auth,
        view,
        state.today(),
        FormState::default(),
    ))
    .map(no_store)
}

/// The house's page again with a refused form.
async fn house_again(
    state: &AppState,
    auth: &Authenticated,
    house: Id,
    f: FormState,
) -> Result<Response, WebError> {
    let view = state.app().house_view(&auth.caller(), house).await?;
    let status = status_of(&f);
    render_status(&house_page(auth, view, state.today(), f), status)
}

pub async fn update_house(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(house): Ids<Id>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let fields = Fields(fields);
    let f = match state
        .app()
        .update_house(
            &auth.caller(),
            house,
            Some(fields.version()),
            house_command(&fields),
        )
        .await
    {
        Ok(_) => return Ok(see_other(&format!("/care/houses/{house}"))),
        Err(error) => house_refused(error, "house", fields, auth.tr())?,
    };
    house_again(&state, &auth, house, f).await
}

/// Closes a house (no children live in it any more) or opens it again.
pub async fn close_house(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(house): Ids<Id>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let fields = Fields(fields);
    let closed = fields.get("reopen").is_empty();
    let f = match state
        .app()
        .close_house(&auth.caller(), house, Some(fields.version()), closed)
        .await
    {
        Ok(_) => return Ok(see_other(&format!("/care/houses/{house}"))),
        Err(error) => refused_or_conflict(error, "close", fields, auth.tr())?,
    };
    house_again(&state, &auth, house, f).await
}

/// The name of a case state, for templates.
pub fn state_label(tr: &Tr, code: &str) -> String {
    label(tr, code, CareCaseState::parse, CareCaseState::label_key)
}
