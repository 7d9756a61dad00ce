//! Immunisation pages: a child's card (each antigen due, overdue or complete, every
//! dose with whether it counts, the catch-up plan), recording a dose (a dose that
//! would not count is warned about first), a session run from the facility's due
//! list, coverage per antigen and birth cohort, and the person page's summary.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::Form;
use haven_app::mch::{DoseCommand, ImmunisationCard};
use haven_app::model::{Id, Person};
use haven_app::AppError;
use haven_domain::mch::immunisation::{
    catch_up_plan, evaluate, DoseState, GivenDose, Group, Schedule, Subject, Validity,
};
use haven_domain::person::Sex;
use haven_domain::{Action, Kind};
use time::Date;

use super::{choose_facility, facility_name, schedule, FacilityChoice, Fields, ListQuery};
use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::extract::Ids;
use crate::i18n::Tr;
use crate::pages::places::FieldMessages;
use crate::pages::{no_store, render, Layout, FORM_ERROR};
use crate::state::AppState;

/// The oldest a child of the due lists is: the schedule's widest maximum age.
const SESSION_MAX_YEARS: i32 = 15;

/// The name of an antigen in the reader's language.
pub fn antigen_name(tr: &Tr, antigen: &str) -> String {
    tr.t(&format!("mch-antigen-{}", antigen.replace('_', "-")))
}

fn subject(person: &Person) -> Subject {
    Subject {
        born: person.birth_date,
        sex: person.sex(),
    }
}

fn group_of(schedule: &Schedule, antigen: &str) -> Group {
    schedule.group_of(antigen).unwrap_or(Group::Child)
}

fn validity_text(tr: &Tr, validity: Validity) -> String {
    match validity {
        Validity::Valid { dose } => {
            format!("{} ({} {dose})", tr.t(validity.code()), tr.t("mch-dose"))
        }
        Validity::TooYoung { earliest, .. } | Validity::TooSoon { earliest, .. } => {
            format!(
                "{} {}",
                tr.t(validity.code()),
                tr.t1("mch-earliest-valid", "date", earliest)
            )
        }
        other => tr.t(other.code()),
    }
}

/// An antigen's row of the card.
pub struct SeriesRow {
    pub antigen: String,
    pub doses: String,
    pub state_code: &'static str,
    pub state: String,
    pub next: String,
    pub due: String,
}

/// A dose as the card shows it.
pub struct DoseRow {
    pub id: String,
    pub version: i64,
    pub given_on: String,
    pub antigen: String,
    pub cvx: String,
    pub lot: String,
    pub facility: String,
    pub given_by: String,
    pub valid: bool,
    pub verdict: String,
}

pub struct PlanRow {
    pub on: String,
    pub antigen: String,
    pub dose: u8,
}

#[derive(Template)]
#[template(path = "mch_child.html")]
struct ChildPage {
    layout: Layout,
    /// The day shown on a printed card.
    printed_on: String,
    person: Person,
    name: String,
    born: String,
    sex: String,
    state: String,
    state_code: &'static str,
    series: Vec<SeriesRow>,
    doses: Vec<DoseRow>,
    plan: Vec<PlanRow>,
    can_write: bool,
    antigens: Vec<(String, String)>,
    facilities: Vec<(String, String, bool)>,
    f: Fields,
    errors: FieldMessages,
    warning: Option<String>,
    notice: Option<String>,
}

/// A child's immunisation record as the card shows it: the child's state, each
/// antigen's series, the doses given with their verdicts, and the catch-up plan.
pub struct ImmunisationRecord {
    pub state: String,
    pub state_code: &'static str,
    pub series: Vec<SeriesRow>,
    pub doses: Vec<DoseRow>,
    pub plan: Vec<PlanRow>,
}

/// The immunisation record of a person whose clinical records the reader reaches
/// (haven-app checks that): the mch card and the growth part's child health card.
pub async fn immunisation_record(
    state: &AppState,
    auth: &Authenticated,
    person: &Person,
) -> Result<ImmunisationRecord, WebError> {
    let tr = auth.tr();
    let on = state.today();
    let schedule = schedule(state)?;
    let doses = state.app().doses_of(&auth.caller(), person.id).await?.doses;
    let given: Vec<GivenDose> = doses.iter().map(|d| d.given()).collect();
    let children = evaluate(schedule, Group::Child, subject(person), &given, on);
    let women = evaluate(schedule, Group::Pregnancy, subject(person), &given, on);
    let mut rows = Vec::new();
    for (i, dose) in doses.iter().enumerate() {
        let verdict = match schedule.group_of(&dose.antigen) {
            Some(Group::Pregnancy) => women.validity[i],
            _ => children.validity[i],
        };
        rows.push(DoseRow {
            id: dose.id.to_string(),
            version: dose.version,
            given_on: dose.given_on.to_string(),
            antigen: antigen_name(tr, &dose.antigen),
            cvx: dose.cvx.clone(),
            lot: dose.lot.clone(),
            facility: facility_name(state, tr, dose.facility_id).await,
            given_by: dose.given_by.clone(),
            valid: verdict.is_valid(),
            verdict: validity_text(tr, verdict),
        });
    }
    let series = children
        .antigens
        .iter()
        .chain(women.antigens.iter().filter(|a| a.valid_doses > 0))
        .map(|a| SeriesRow {
            antigen: antigen_name(tr, &a.antigen),
            doses: format!("{}/{}", a.valid_doses, a.doses_in_series),
            state_code: a.state.code(),
            state: tr.t(&a.state.label_key()),
            next: a
                .next
                .as_ref()
                .filter(|_| !matches!(a.state, DoseState::TooLate | DoseState::NotApplicable))
                .map(|n| format!("{} {}", tr.t("mch-dose"), n.dose))
                .unwrap_or_default(),
            due: a
                .next
                .as_ref()
                .filter(|_| !matches!(a.state, DoseState::TooLate | DoseState::NotApplicable))
                .map(|n| n.due.to_string())
                .unwrap_or_default(),
        })
        .collect();
    let plan = catch_up_plan(schedule, Group::Child, subject(person), &given, on)
        .into_iter()
        .map(|p| PlanRow {
            on: p.on.to_string(),
            antigen: antigen_name(tr, &p.antigen),
            dose: p.dose,
        })
        .collect();
    let child_state = children.child_state();
    Ok(ImmunisationRecord {
        state: tr.t(&child_state.label_key()),
        state_code: child_state.code(),
        series,
        doses: rows,
        plan,
    })
}

async fn child_page(
    state: &AppState,
    auth: &Authenticated,
    person: Person,
    f: Fields,
    errors: FieldMessages,
    warning: Option<String>,
) -> Result<ChildPage, WebError> {
    let tr = auth.tr();
    let schedule = schedule(state)?;
    let record = immunisation_record(state, auth, &person).await?;
    let mut antigens: Vec<(String, String)> = schedule
        .antigens(Group::Child)
        .into_iter()
        .map(|a| (a.to_owned(), antigen_name(tr, a)))
        .collect();
    if person.sex() != Sex::Male {
        antigens.extend(
            schedule
                .antigens(Group::Pregnancy)
                .into_iter()
                .map(|a| (a.to_owned(), antigen_name(tr, a))),
        );
    }
    let write_reach = state
        .app()
        .clinical_reach(&auth.caller(), Action::Write)
        .await?;
    let facility = choose_facility(state, auth, f.get("facility")).await?;
    Ok(ChildPage {
        layout: Layout::new(&auth.visitor, "mch-child-title"),
        printed_on: state.today().to_string(),
        name: person.display_name(),
        born: person.birth_date.to_string(),
        sex: tr.t(&person.sex().label_key()),
        state: record.state,
        state_code: record.state_code,
        series: record.series,
        doses: record.doses,
        plan: record.plan,
        can_write: auth.me.can(Action::Write, Kind::Clinical),
        antigens,
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
        warning,
        notice: None,
        person,
    })
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct ChildQuery {
    #[serde(default)]
    pub recorded: String,
}

pub async fn child(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
    Query(query): Query<ChildQuery>,
) -> Result<Response, WebError> {
    let person = state
        .app()
        .read_immunisation_card(&auth.caller(), id)
        .await?
        .person;
    let mut f = Fields::default();
    f.set("given_on", state.today().to_string());
    f.set("given_by", auth.me.user.display_name.clone());
    if let Some(facility) = person.registered_facility_id {
        f.set("facility", facility.to_string());
    }
    let mut page = child_page(&state, &auth, person, f, FieldMessages::default(), None).await?;
    if !query.recorded.is_empty() {
        page.notice = Some(page.layout.tr.t("mch-dose-recorded"));
    }
    render(&page).map(no_store)
}

/// Records a dose. A dose that would not count (before the minimum age or
/// interval) comes back with a warning and the input kept; sent again with
/// `confirm`, it is recorded, and shown as not valid.
pub async fn record_dose(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    let app = state.app();
    let ImmunisationCard { person, doses } = app.doses_to_write(&caller, id).await?;
    let mut f = Fields::new(pairs);
    let tr = auth.tr().clone();
    let schedule = schedule(&state)?;
    let on = state.today();
    let mut errors = FieldMessages::default();
    let antigen = f.get("antigen").trim().to_owned();
    let cvx = schedule.cvx_of(&antigen).map(str::to_owned);
    if cvx.is_none() {
        errors.set(
            "antigen",
            tr.t(haven_domain::mch::MchError::VaccineRequired.code()),
        );
    }
    let given_on = match haven_domain::places::parse_date(f.get("given_on")) {
        None => {
            errors.set(
                "given_on",
                tr.t(haven_domain::mch::MchError::BadDate.code()),
            );
            None
        }
        Some(d) if d > on => {
            errors.set(
                "given_on",
                tr.t(haven_domain::mch::MchError::DateInFuture.code()),
            );
            None
        }
        Some(d) if d < person.birth_date => {
            errors.set(
                "given_on",
                tr.t(haven_domain::mch::MchError::DoseBeforeBirth.code()),
            );
            None
        }
        other => other,
    };
    let lot: String = haven_domain::text::normalise(f.get("lot").trim());
    let given_by: String = haven_domain::text::normalise(f.get("given_by").trim());
    if lot.chars().count() > 60 {
        errors.set("lot", tr.t(haven_domain::mch::MchError::TextTooLong.code()));
    }
    if given_by.chars().count() > 120 {
        errors.set(
            "given_by",
            tr.t(haven_domain::mch::MchError::TextTooLong.code()),
        );
    }
    let facility: Option<Id> = match f.get("facility").parse().ok() {
        Some(id) if app.may_write_clinical_at(&caller, id).await? => Some(id),
        _ => None,
    };
    if facility.is_none() {
        errors.set(
            "facility",
            tr.t(haven_domain::mch::MchError::FacilityRequired.code()),
        );
    }
    let (Some(cvx), Some(given_on), Some(facility), true) =
        (cvx, given_on, facility, errors.is_empty())
    else {
        let page = child_page(&state, &auth, person, f, errors, None).await?;
        let mut response = render(&page)?;
        *response.status_mut() = FORM_ERROR;
        return Ok(no_store(response));
    };
    // Would it count?
    let mut given: Vec<GivenDose> = doses.iter().map(|d| d.given()).collect();
    given.push(GivenDose {
        antigen: antigen.clone(),
        given_on,
    });
    let group = group_of(schedule, &antigen);
    let evaluation = evaluate(schedule, group, subject(&person), &given, on);
    let verdict = evaluation
        .validity
        .last()
        .copied()
        .unwrap_or(Validity::NotInSchedule);
    if !verdict.is_valid() && !f.flag("confirm") {
        let warning = format!(
            "{} {}",
            tr.t("mch-dose-warning"),
            validity_text(&tr, verdict)
        );
        f.set("confirm", "1");
        let page = child_page(
            &state,
            &auth,
            person,
            f,
            FieldMessages::default(),
            Some(warning),
        )
        .await?;
        let mut response = render(&page)?;
        *response.status_mut() = FORM_ERROR;
        return Ok(no_store(response));
    }
    let dose_number = match verdict {
        Validity::Valid { dose }
        | Validity::TooYoung { dose, .. }
        | Validity::TooSoon { dose, .. } => i64::from(dose),
        _ => evaluation
            .antigen(&antigen)
            .map_or(1, |a| i64::from(a.valid_doses) + 1),
    };
    let dose = DoseCommand {
        facility: Some(facility),
        antigen,
        dose_number,
        cvx,
        given_on,
        lot,
        given_by,
    };
    app.record_doses(&caller, vec![(person.id, dose)], "facility", schedule)
        .await?;
    Ok(see_other(&format!(
        "/mch/immunisation/{}?recorded=1",
        person.id
    )))
}

pub async fn dose_in_error(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids((id, dose_id)): Ids<(Id, Id)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    let app = state.app();
    let person = app.doses_to_write(&caller, id).await?.person;
    let f = Fields::new(pairs);
    let version: i64 = f
        .get("version")
        .parse()
        .map_err(|_| WebError::BadRequest("bad-request"))?;
    let marked = app
        .dose_in_error(
            &caller,
            person.id,
            dose_id,
            version,
            f.get("reason"),
            schedule(&state)?,
        )
        .await;
    if let Err(AppError::Invalid(_)) = marked {
        let mut form = Fields::default();
        form.set("given_on", state.today().to_string());
        let mut errors = FieldMessages::default();
        errors.set(
            "reason",
            auth.tr()
                .t(haven_domain::mch::MchError::ReasonRequired.code()),
        );
        let page = child_page(&state, &auth, person, form, errors, None).await?;
        let mut response = render(&page)?;
        *response.status_mut() = FORM_ERROR;
        return Ok(no_store(response));
    }
    marked?;
    Ok(see_other(&format!("/mch/immunisation/{}", person.id)))
}

/// A child of the session's due list with the doses due by the session's day.
pub struct SessionRow {
    pub person_id: String,
    pub name: String,
    pub born: String,
    pub overdue: bool,
    /// (checkbox value, antigen name and dose, due date, overdue)
    pub doses: Vec<(String, String, String, bool)>,
}

#[derive(Template)]
#[template(path = "mch_session.html")]
struct SessionPage {
    layout: Layout,
    facility: FacilityChoice,
    date: String,
    rows: Vec<SessionRow>,
    antigens: Vec<(String, String)>,
    can_record: bool,
    given_by: String,
    notice: Option<String>,
    error: Option<String>,
}

/// The children a session on `on` should vaccinate: with a dose due (or overdue)
/// by that day that may still be given.
async fn due_rows(
    state: &AppState,
    caller: &haven_app::Caller,
    facility: Id,
    on: Date,
) -> Result<Vec<(Person, Vec<(String, u8, Date, bool)>)>, WebError> {
    let schedule = schedule(state)?;
    let born_since = haven_domain::person::years_before(on, SESSION_MAX_YEARS + 1);
    let mut rows = Vec::new();
    for (person, doses) in state
        .app()
        .immunisation_children_due(caller, facility, born_since, on, schedule)
        .await?
    {
        let given: Vec<GivenDose> = doses.iter().map(|d| d.given()).collect();
        let evaluation = evaluate(schedule, Group::Child, subject(&person), &given, on);
        let due: Vec<(String, u8, Date, bool)> = evaluation
            .due()
            .filter_map(|a| {
                a.next.as_ref().filter(|n| n.earliest <= on).map(|n| {
                    (
                        a.antigen.clone(),
                        n.dose,
                        n.due,
                        a.state == DoseState::Overdue,
                    )
                })
            })
            .collect();
        if !due.is_empty() {
            rows.push((person, due));
        }
    }
    Ok(rows)
}

async fn session_page(
    state: &AppState,
    auth: &Authenticated,
    query: &ListQuery,
    notice: Option<String>,
    error: Option<String>,
) -> Result<SessionPage, WebError> {
    let tr = auth.tr();
    let on = query.day(state);
    let facility = choose_facility(state, auth, &query.facility).await?;
    let mut rows = Vec::new();
    let mut antigens: Vec<(String, String)> = Vec::new();
    if let Some(facility_id) = facility.id {
        for (person, due) in due_rows(state, &auth.caller(), facility_id, on).await? {
            for (antigen, _, _, _) in &due {
                if !antigens.iter().any(|(a, _)| a == antigen) {
                    antigens.push((antigen.clone(), antigen_name(tr, antigen)));
                }
            }
            rows.push(SessionRow {
                person_id: person.id.to_string(),
                name: person.display_name(),
                born: person.birth_date.to_string(),
                overdue: due.iter().any(|d| d.3),
                doses: due
                    .into_iter()
                    .map(|(antigen, dose, due_on, overdue)| {
                        (
                            format!("{}:{antigen}", person.id),
                            format!("{} {dose}", antigen_name(tr, &antigen)),
                            due_on.to_string(),
                            overdue,
                        )
                    })
                    .collect(),
            });
        }
    }
    let can_write_here = match facility.id {
        Some(id) => {
            state
                .app()
                .may_write_clinical_at(&auth.caller(), id)
                .await?
        }
        None => false,
    };
    Ok(SessionPage {
        layout: Layout::new(&auth.visitor, "mch-session-title"),
        can_record: can_write_here && on <= state.today(),
        date: on.to_string(),
        facility,
        rows,
        antigens,
        given_by: auth.me.user.display_name.clone(),
        notice,
        error,
    })
}

pub async fn session(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<SessionQuery>,
) -> Result<Response, WebError> {
    let notice = query
        .recorded
        .parse::<usize>()
        .ok()
        .map(|n| auth.tr().t1("mch-session-recorded", "count", n));
    let page = session_page(&state, &auth, &query.list(), notice, None).await?;
    render(&page).map(no_store)
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct SessionQuery {
    #[serde(default)]
    pub facility: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub recorded: String,
}

impl SessionQuery {
    fn list(&self) -> ListQuery {
        ListQuery {
            facility: self.facility.clone(),
            date: self.date.clone(),
            year: String::new(),
        }
    }
}

/// Records the doses ticked on the session's list, all in one transaction. Only
/// doses the list offers (due by the day, for a child of the facility) are taken.
pub async fn record_session(
    State(state): State<AppState>,
    auth: Authenticated,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    let app = state.app();
    app.may_write_clinical(&caller)?;
    let f = Fields::new(pairs);
    let tr = auth.tr().clone();
    let query = ListQuery {
        facility: f.get("facility").to_owned(),
        date: f.get("date").to_owned(),
        year: String::new(),
    };
    let on = haven_domain::places::parse_date(f.get("date"));
    let facility: Option<Id> = f.get("facility").parse().ok();
    let writable = match facility {
        Some(id) => app.may_write_clinical_at(&caller, id).await?,
        None => false,
    };
    let refuse = |key: &str| Some(tr.t(key));
    let problem = match (on, facility) {
        (None, _) => refuse(haven_domain::mch::MchError::BadDate.code()),
        (Some(d), _) if d > state.today() => {
            refuse(haven_domain::mch::MchError::DateInFuture.code())
        }
        (_, None) => refuse(haven_domain::mch::MchError::FacilityRequired.code()),
        (_, Some(_)) if !writable => return Err(WebError::NotFound),
        _ => None,
    };
    let (Some(on), Some(facility), None) = (on, facility, problem.clone()) else {
        let page = session_page(&state, &auth, &query, None, problem).await?;
        let mut response = render(&page)?;
        *response.status_mut() = FORM_ERROR;
        return Ok(no_store(response));
    };
    let ticked = f.all("dose");
    let schedule = schedule(&state)?;
    let given_by: String = haven_domain::text::normalise(f.get("given_by").trim())
        .chars()
        .take(120)
        .collect();
    let mut doses = Vec::new();
    for (person, due) in due_rows(&state, &caller, facility, on).await? {
        for (antigen, dose, _, _) in due {
            if ticked.contains(&format!("{}:{antigen}", person.id)) {
                doses.push((
                    person.id,
                    DoseCommand {
                        facility: Some(facility),
                        cvx: schedule.cvx_of(&antigen).unwrap_or("").to_owned(),
                        lot: haven_domain::text::normalise(f.get(&format!("lot_{antigen}")).trim())
                            .chars()
                            .take(60)
                            .collect(),
                        antigen,
                        dose_number: i64::from(dose),
                        given_on: on,
                        given_by: given_by.clone(),
                    },
                ));
            }
        }
    }
    let recorded = doses.len();
    if !doses.is_empty() {
        app.record_doses(&caller, doses, "facility", schedule)
            .await?;
    }
    Ok(see_other(&format!(
        "/mch/sessions?facility={facility}&date={on}&recorded={recorded}"
    )))
}

pub struct CoverageRow {
    pub antigen: String,
    pub dose: i64,
    pub children: i64,
    pub percent: String,
    pub width: i64,
}

#[derive(Template)]
#[template(path = "mch_coverage.html")]
struct CoveragePage {
    layout: Layout,
    /// Read Clinical: the part's other lists are linked.
    clinical: bool,
    facility: FacilityChoice,
    year: i32,
    cohort: i64,
    rows: Vec<CoverageRow>,
}

/// Coverage of one birth cohort (a calendar year of birth) at a facility.
pub async fn coverage(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    // An aggregate without names: clinicians and M&E (Read Report) read it.
    let caller = auth.caller();
    state.app().may_read_coverage(&caller)?;
    let tr = auth.tr();
    let this_year = state.today().year();
    let year = query
        .year
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (1990..=this_year).contains(y))
        .unwrap_or(this_year - 1);
    let facility = super::choose_facility_for(
        &state,
        &auth,
        &query.facility,
        &[Kind::Clinical, Kind::Report],
    )
    .await?;
    let mut rows = Vec::new();
    let mut cohort = 0;
    if let Some(facility_id) = facility.id {
        let from = Date::from_calendar_date(year, time::Month::January, 1)
            .map_err(|_| WebError::BadRequest("bad-request"))?;
        let to = Date::from_calendar_date(year, time::Month::December, 31)
            .map_err(|_| WebError::BadRequest("bad-request"))?;
        let (children, counts) = state
            .app()
            .immunisation_coverage(&caller, facility_id, from, to)
            .await?;
        cohort = children;
        let schedule = schedule(&state)?;
        for dose in schedule
            .doses()
            .iter()
            .filter(|d| d.group() == Group::Child)
        {
            let count = counts
                .iter()
                .find(|c| c.antigen == dose.antigen() && c.valid_doses == i64::from(dose.dose()))
                .map_or(0, |c| c.children);
            let percent = if children > 0 {
                count * 1000 / children
            } else {
                0
            };
            rows.push(CoverageRow {
                antigen: antigen_name(tr, dose.antigen()),
                dose: i64::from(dose.dose()),
                children: count,
                percent: format!("{}.{}", percent / 10, percent % 10),
                width: (percent / 10).clamp(0, 100),
            });
        }
    }
    let page = CoveragePage {
        layout: Layout::new(&auth.visitor, "mch-coverage-title"),
        clinical: auth.me.can(Action::Read, Kind::Clinical),
        facility,
        year,
        cohort,
        rows,
    };
    render(&page).map(no_store)
}

/// Links for the person page's summary: pregnancies, a birth recorded here, the
/// immunisation card, family planning. Empty without Read Clinical or out of reach.
pub async fn person_summary(
    state: &AppState,
    auth: &Authenticated,
    person: &Person,
) -> Result<Vec<(String, String)>, WebError> {
    let Some(summary) = state.app().mch_summary(&auth.caller(), person).await? else {
        return Ok(Vec::new());
    };
    let tr = auth.tr();
    let on = state.today();
    let mut links = Vec::new();
    for p in &summary.pregnancies {
        let text = match p.delivered_on {
            Some(d) => tr.t1("mch-summary-pregnancy-delivered", "date", d),
            None => tr.t1("mch-summary-pregnancy", "date", p.edd),
        };
        links.push((format!("/mch/pregnancies/{}", p.id), text));
    }
    if let Some(d) = &summary.born_at {
        links.push((
            format!("/mch/deliveries/{}", d.id),
            tr.t1("mch-summary-born", "date", d.delivered_on),
        ));
    }
    let doses = &summary.doses;
    let age = haven_domain::person::age_in_years(person.birth_date, on);
    if age < SESSION_MAX_YEARS || !doses.is_empty() {
        let schedule = schedule(state)?;
        let given: Vec<GivenDose> = doses.iter().map(|d| d.given()).collect();
        let child_state =
            evaluate(schedule, Group::Child, subject(person), &given, on).child_state();
        let state_text = if age < SESSION_MAX_YEARS {
            tr.t(&child_state.label_key())
        } else {
            String::new()
        };
        links.push((
            format!("/mch/immunisation/{}", person.id),
            format!("{} {}", tr.t("mch-summary-immunisation"), state_text)
                .trim()
                .to_owned(),
        ));
    }
    if person.sex() == Sex::Female && (15..=49).contains(&age) || summary.family_planning {
        links.push((
            format!("/mch/family-planning/{}", person.id),
            tr.t("mch-summary-family-planning"),
        ));
    }
    if person.sex() == Sex::Female
        && (12..=55).contains(&age)
        && auth.me.can(Action::Write, Kind::Clinical)
    {
        let open = summary.open_pregnancy;
        if !open {
            links.push((
                format!("/mch/pregnancies/new?person={}", person.id),
                tr.t("mch-summary-register-pregnancy"),
            ));
        }
    }
    Ok(links)
}
