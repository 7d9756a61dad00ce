//! Care overview, a programme's care page (figures by sex, split sibling groups,
//! overdue reviews, pending admissions, school-age children not enrolled, after-care),
//! a village's page (houses, children by age and sex, free places, referrals waiting
//! for gatekeeping) and a house's page (caregivers and their trainings, children,
//! placement history).

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use haven_domain::care::{
    figures::BySex, is_school_age, needs_family_care, CareCaseState, HouseDetails, HouseInput,
    HouseKind,
};
use haven_domain::person::{age_in_years, AgeBand};
use haven_domain::staff::Profession;
use haven_domain::{Action, Kind};
use haven_store::care::{CareChild, CareFigures, House};
use haven_store::{Facility, Id, StaffFilter, StoreError};

use super::{date_text, label, options, CareAccess, Fields, FormState, SexRow};
use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::i18n::Tr;
use crate::pages::places::{parse_id, place_name};
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
    let me = &auth.me;
    if !(me.can(Action::Read, Kind::Report)
        && (me.can(Action::Read, Kind::Care) || me.can(Action::Read, Kind::Staff)))
    {
        return Ok(Vec::new());
    }
    let scopes: Vec<haven_domain::Scope> = me
        .roles
        .iter()
        .filter(|(role, _)| role.permits(Action::Read, Kind::Report))
        .map(|(_, scope)| scope.clone())
        .collect();
    let store = state.store();
    let reach = store.reach_of(&scopes).await?;
    let facilities = store.care_facilities().await?;
    let today = crate::pages::places::today(state);
    let tr = auth.tr();
    let mut by_programme: BTreeMap<Id, Vec<Id>> = BTreeMap::new();
    for f in facilities.iter().filter(|f| reach.holds(Some(f.id))) {
        by_programme.entry(f.programme_id).or_default().push(f.id);
    }
    let link = me.can(Action::Read, Kind::Care);
    let mut out = Vec::new();
    for (programme, ids) in by_programme {
        let p = store.programme(programme).await?;
        let figures = store.care_figures(&ids, today).await?;
        out.push(ProgrammeFigures {
            programme_id: programme.to_string(),
            name: place_name(tr, &p.name, &p.name_km),
            year: figures.year,
            rows: figure_rows(tr, &figures),
            link,
        });
    }
    Ok(out)
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
    auth.require(Action::Read, Kind::Care)?;
    let tr = auth.tr();
    let store = state.store();
    let access = super::access_of_page(&state, &auth).await?;
    let today = crate::pages::places::today(&state);
    let all = store.care_facilities().await?;
    let mut programmes = Vec::new();
    let mut by_programme: BTreeMap<Id, Vec<Id>> = BTreeMap::new();
    for f in access.facilities_of(&all) {
        by_programme.entry(f.programme_id).or_default().push(f.id);
    }
    for (programme, ids) in by_programme {
        let p = store.programme(programme).await?;
        let figures = store.care_figures(&ids, today).await?;
        programmes.push(ProgrammeFigures {
            programme_id: programme.to_string(),
            name: place_name(tr, &p.name, &p.name_km),
            year: figures.year,
            rows: figure_rows(tr, &figures)[..1].to_vec(),
            link: true,
        });
    }
    let facilities = access
        .facilities_of(&all)
        .into_iter()
        .map(|f| {
            (
                f.id.to_string(),
                place_name(tr, &f.name, &f.name_km),
                crate::pages::places::kind_label(tr, &f.kind),
                f.kind == "family_strengthening_office",
            )
        })
        .collect();
    let mut my_houses = Vec::new();
    for house_id in &access.houses {
        let house = store.house(*house_id).await?;
        if !access.sees_house(&house) {
            continue;
        }
        let children = store
            .children_of_house(house.id)
            .await?
            .iter()
            .map(|c| child_line(tr, c, today))
            .collect();
        my_houses.push((house_row(tr, &house), children));
    }
    let page = OverviewPage {
        layout: Layout::new(&auth.visitor, "care-title"),
        programmes,
        facilities,
        my_houses,
        can_households: !access.houses.is_empty()
            || matches!(access.reach, haven_store::Reach::Everything)
            || matches!(&access.reach, haven_store::Reach::Facilities { ids, .. } if !ids.is_empty()),
    };
    render(&page).map(no_store)
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
    Path(raw): Path<String>,
) -> Result<Response, WebError> {
    auth.require(Action::Read, Kind::Care)?;
    let tr = auth.tr();
    let store = state.store();
    let id = parse_id(&raw)?;
    let programme = store.programme(id).await?;
    let access = super::access_of_page(&state, &auth).await?;
    let all: Vec<Facility> = store
        .care_facilities()
        .await?
        .into_iter()
        .filter(|f| f.programme_id == id)
        .collect();
    let visible = access.facilities_of(&all);
    if visible.is_empty() {
        return Err(WebError::NotFound);
    }
    let ids: Vec<Id> = visible.iter().map(|f| f.id).collect();
    let today = crate::pages::places::today(&state);
    let rows_raw = store.care_child_rows(&ids, today).await?;
    let figures = CareFigures::from_rows(&rows_raw, today);
    let children = store.care_children_of(&ids).await?;
    let split = store
        .split_sibling_groups(&children)
        .await?
        .into_iter()
        .map(|group| SplitGroup {
            children: group
                .iter()
                .map(|c| {
                    (
                        c.id.to_string(),
                        c.display_name(),
                        c.house_name.clone().unwrap_or_default(),
                        String::new(),
                    )
                })
                .collect(),
        })
        .collect::<Vec<_>>();
    // Each child's recorded reason for living apart, from their current placement.
    let mut split_with_reasons = Vec::new();
    for mut group in split {
        for child in &mut group.children {
            if let Ok(id) = child.0.parse::<Id>() {
                if let Some(current) = store
                    .placements_of(id)
                    .await?
                    .into_iter()
                    .find(|p| p.ended_on.is_none())
                {
                    child.3 = current.apart_reason;
                }
            }
        }
        split_with_reasons.push(group);
    }
    let overdue = store
        .overdue_plans(&ids, today)
        .await?
        .into_iter()
        .map(|o| OverdueRow {
            plan_id: o.plan.id.to_string(),
            name: o.subject_name,
            review_on: o.plan.review_on.to_string(),
            days: (today - o.plan.review_on).whole_days(),
        })
        .collect();
    let mut pending = Vec::new();
    for a in store.pending_admissions(&ids).await? {
        let child = store.care_child(a.child_id).await?;
        pending.push((
            a.id.to_string(),
            child.display_name(),
            a.decided_on.to_string(),
            label(
                tr,
                &a.decision,
                haven_domain::care::AdmissionDecision::parse,
                haven_domain::care::AdmissionDecision::label_key,
            ),
        ));
    }
    let not_enrolled = children
        .iter()
        .filter(|c| c.in_care() && c.house_id.is_some() && is_school_age(c.birth_date, today))
        .filter(|c| rows_raw.iter().any(|r| r.id == c.id && !r.enrolled()))
        .map(|c| child_line(tr, c, today))
        .collect();
    let mut aftercare = Vec::new();
    for c in children.iter().filter(|c| c.left_on.is_some()) {
        let follow = store.followups_of(c.id).await?;
        let mut line = child_line(tr, c, today);
        line.note = match follow.first().and_then(|f| f.next_on) {
            Some(next) => tr.t1("care-aftercare-next", "date", next),
            None => tr.t("care-aftercare-none-due"),
        };
        aftercare.push(line);
    }
    let facilities = visible
        .iter()
        .map(|f| {
            (
                f.id.to_string(),
                place_name(tr, &f.name, &f.name_km),
                crate::pages::places::kind_label(tr, &f.kind),
                f.kind == "family_strengthening_office",
            )
        })
        .collect();
    let page = ProgrammePage {
        layout: Layout::new(&auth.visitor, "care-programme-title"),
        name: place_name(tr, &programme.name, &programme.name_km),
        programme_id: programme.id.to_string(),
        year: figures.year,
        rows: figure_rows(tr, &figures),
        facilities,
        split: split_with_reasons,
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

async fn village_page(
    state: &AppState,
    auth: &Authenticated,
    village: Facility,
    f: FormState,
) -> Result<VillagePage, WebError> {
    let tr = auth.tr();
    let store = state.store();
    let today = crate::pages::places::today(state);
    let houses = store.houses_of(village.id).await?;
    let children = store.care_children_of(&[village.id]).await?;
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
    let waiting_people = store.awaiting_admission(village.id, today, 60).await?;
    let ids: Vec<Id> = waiting_people.iter().map(|p| p.id).collect();
    let pairs = store.sibling_pairs(&ids).await?;
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
    let staff = |profession| StaffFilter {
        profession: Some(profession),
        facility: Some(village.id),
    };
    let parents = store
        .list_staff(&staff(Profession::SosParent))
        .await?
        .into_iter()
        .map(|s| (s.id.to_string(), s.display_name()))
        .collect();
    let assistants = store
        .list_staff(&staff(Profession::FamilyAssistant))
        .await?
        .into_iter()
        .map(|s| (s.id.to_string(), s.display_name()))
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
    Ok(VillagePage {
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
        can_write: auth.me.can(Action::Write, Kind::Care),
        parents,
        assistants,
        kinds: options(tr, HouseKind::ALL, HouseKind::code, HouseKind::label_key),
        f,
        village,
    })
}

/// A village (or youth facility) the reader sees whole, or 404.
async fn visible_village(
    state: &AppState,
    auth: &Authenticated,
    raw: &str,
) -> Result<Facility, WebError> {
    let id = parse_id(raw)?;
    let facility = state.store().facility(id).await?;
    let access = super::access_of_page(state, auth).await?;
    if !matches!(
        facility.kind.as_str(),
        "childrens_village" | "youth_facility"
    ) || !access.sees_facility(id)
    {
        return Err(WebError::NotFound);
    }
    Ok(facility)
}

pub async fn village(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(raw): Path<String>,
) -> Result<Response, WebError> {
    auth.require(Action::Read, Kind::Care)?;
    let facility = visible_village(&state, &auth, &raw).await?;
    let page = village_page(&state, &auth, facility, FormState::default()).await?;
    render(&page).map(no_store)
}

fn house_details(fields: &Fields) -> Result<HouseDetails, haven_domain::care::Problems> {
    HouseDetails::parse(&HouseInput {
        name: fields.get("name"),
        kind: fields.get("kind"),
        capacity: fields.get("capacity"),
    })
}

pub async fn create_house(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(raw): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    auth.require(Action::Write, Kind::Care)?;
    let facility = visible_village(&state, &auth, &raw).await?;
    let fields = Fields(fields);
    let tr = auth.tr();
    let problem = match house_details(&fields) {
        Ok(details) => match state
            .store()
            .create_house(
                &auth.actor(),
                facility.id,
                &details,
                fields.id("sos_parent"),
                fields.id("family_assistant"),
            )
            .await
        {
            Ok(house) => return Ok(see_other(&format!("/care/houses/{}", house.id))),
            Err(StoreError::NotFound { .. }) => FormState::refused(
                "house",
                fields,
                tr,
                "sos_parent",
                haven_domain::care::CareError::BadChoice,
            ),
            Err(other) => return Err(other.into()),
        },
        Err(problems) => FormState::failed("house", fields, tr, problems),
    };
    let page = village_page(&state, &auth, facility, problem).await?;
    let mut response = render(&page)?;
    *response.status_mut() = FORM_ERROR;
    Ok(no_store(response))
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

async fn visible_house(
    state: &AppState,
    auth: &Authenticated,
    raw: &str,
) -> Result<(House, CareAccess), WebError> {
    let id = parse_id(raw)?;
    let house = state.store().house(id).await?;
    let access = super::access_of_page(state, auth).await?;
    if !access.sees_house(&house) {
        return Err(WebError::NotFound);
    }
    Ok((house, access))
}

async fn house_page(
    state: &AppState,
    auth: &Authenticated,
    house: House,
    access: &CareAccess,
    f: FormState,
) -> Result<HousePage, WebError> {
    let tr = auth.tr();
    let store = state.store();
    let today = crate::pages::places::today(state);
    let mut caregivers = Vec::new();
    for (key, staff) in [
        ("care-sos-parent", house.sos_parent_id),
        ("care-family-assistant", house.family_assistant_id),
    ] {
        let Some(staff) = staff else { continue };
        let member = store.staff_member(staff).await?;
        let trainings = store.trainings_of(staff).await?;
        let hours: f64 = trainings.iter().filter_map(|t| t.hours).sum();
        caregivers.push(Caregiver {
            role: tr.t(key),
            staff_id: staff.to_string(),
            name: member.display_name(),
            hours: format!("{hours:.0}"),
            trainings: trainings
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
        });
    }
    let children = store
        .children_of_house(house.id)
        .await?
        .iter()
        .map(|c| child_line(tr, c, today))
        .collect();
    let mut history = Vec::new();
    for p in store.placements_in_house(house.id).await? {
        let child = store.care_child(p.child_id).await?;
        if !access.sees_child(&child) && !access.sees_facility(house.facility_id) {
            continue;
        }
        history.push((
            child.id.to_string(),
            child.display_name(),
            p.started_on.to_string(),
            date_text(p.ended_on),
            p.start_reason,
            p.end_reason,
        ));
    }
    let staff = |profession| StaffFilter {
        profession: Some(profession),
        facility: Some(house.facility_id),
    };
    let can_write =
        auth.me.can(Action::Write, Kind::Care) && access.sees_facility(house.facility_id);
    let (parents, assistants) = if can_write {
        (
            store
                .list_staff(&staff(Profession::SosParent))
                .await?
                .into_iter()
                .map(|s| (s.id.to_string(), s.display_name()))
                .collect(),
            store
                .list_staff(&staff(Profession::FamilyAssistant))
                .await?
                .into_iter()
                .map(|s| (s.id.to_string(), s.display_name()))
                .collect(),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(HousePage {
        layout: Layout::new(&auth.visitor, "care-house-title"),
        kind: label(tr, &house.kind, HouseKind::parse, HouseKind::label_key),
        sees_village: access.sees_facility(house.facility_id),
        caregivers,
        children,
        history,
        can_write,
        can_read_staff: auth.me.can(Action::Read, Kind::Staff),
        parents,
        assistants,
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
    })
}

pub async fn house(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(raw): Path<String>,
) -> Result<Response, WebError> {
    auth.require(Action::Read, Kind::Care)?;
    let (house, access) = visible_house(&state, &auth, &raw).await?;
    let page = house_page(&state, &auth, house, &access, FormState::default()).await?;
    render(&page).map(no_store)
}

pub async fn update_house(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(raw): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    auth.require(Action::Write, Kind::Care)?;
    let (house, access) = visible_house(&state, &auth, &raw).await?;
    if !access.sees_facility(house.facility_id) {
        return Err(WebError::NotFound);
    }
    let fields = Fields(fields);
    let tr = auth.tr();
    let (problem, status) = match house_details(&fields) {
        Ok(details) => match state
            .store()
            .update_house(
                &auth.actor(),
                house.id,
                fields.version(),
                &details,
                fields.id("sos_parent"),
                fields.id("family_assistant"),
            )
            .await
        {
            Ok(_) => return Ok(see_other(&format!("/care/houses/{}", house.id))),
            Err(StoreError::Conflict { .. }) => {
                let mut f = FormState::failed("house", fields, tr, Vec::new());
                f.notice = Some(tr.t("error-conflict"));
                (f, axum::http::StatusCode::CONFLICT)
            }
            Err(StoreError::NotFound {
                entity: "staff member",
            }) => (
                FormState::refused(
                    "house",
                    fields,
                    tr,
                    "sos_parent",
                    haven_domain::care::CareError::BadChoice,
                ),
                FORM_ERROR,
            ),
            Err(other) => return Err(other.into()),
        },
        Err(problems) => (FormState::failed("house", fields, tr, problems), FORM_ERROR),
    };
    let house = state.store().house(house.id).await?;
    let page = house_page(&state, &auth, house, &access, problem).await?;
    let mut response = render(&page)?;
    *response.status_mut() = status;
    Ok(no_store(response))
}

/// Closes a house (no children live in it any more) or opens it again.
pub async fn close_house(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(raw): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    auth.require(Action::Write, Kind::Care)?;
    let (house, access) = visible_house(&state, &auth, &raw).await?;
    if !access.sees_facility(house.facility_id) {
        return Err(WebError::NotFound);
    }
    let fields = Fields(fields);
    let tr = auth.tr();
    let closed = fields.get("reopen").is_empty();
    let (problem, status) = match state
        .store()
        .set_house_closed(&auth.actor(), house.id, fields.version(), closed)
        .await
    {
        Ok(_) => return Ok(see_other(&format!("/care/houses/{}", house.id))),
        Err(haven_store::care::CareWriteError::Refused(field, error)) => (
            FormState::refused("close", fields, tr, field, error),
            FORM_ERROR,
        ),
        Err(haven_store::care::CareWriteError::Store(StoreError::Conflict { .. })) => {
            let mut f = FormState::failed("close", fields, tr, Vec::new());
            f.notice = Some(tr.t("error-conflict"));
            (f, axum::http::StatusCode::CONFLICT)
        }
        Err(haven_store::care::CareWriteError::Store(other)) => return Err(other.into()),
    };
    let house = state.store().house(house.id).await?;
    let page = house_page(&state, &auth, house, &access, problem).await?;
    render_status(&page, status)
}

/// The name of a case state, for templates.
pub fn state_label(tr: &Tr, code: &str) -> String {
    label(tr, code, CareCaseState::parse, CareCaseState::label_key)
}
