//! Pregnancy pages: the facility's antenatal worklist, registering a pregnancy, a
//! pregnancy's page with its timeline, and recording an antenatal contact.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::Form;
use haven_app::mch::{PregnancyRecord, PREGNANCY_CLOSED};
use haven_app::model::mch::{Pregnancy, TdGiven};
use haven_app::model::Id;
use haven_app::AppError;
use haven_domain::mch::immunisation::{evaluate, DoseState, Group, Subject};
use haven_domain::mch::pregnancy::{
    anc_status, gestational_age, AncContactInput, AncState, DangerSign, PregnancyDetails,
    PregnancyInput, RiskFactor, ScreeningResult,
};
use haven_domain::mch::split_codes;
use haven_domain::{Action, Kind};
use time::Duration;

use super::{
    choices, choose_facility, facility_name, field_messages, person_in_reach, schedule,
    FacilityChoice, Fields, ListQuery,
};
use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::extract::Ids;
use crate::pages::places::FieldMessages;
use crate::pages::{no_store, render, Layout, FORM_ERROR};
use crate::state::AppState;

/// A pregnancy on the worklist.
pub struct WorklistRow {
    pub id: String,
    pub name: String,
    pub gestational_age: String,
    pub edd: String,
    pub contact: String,
    pub due_on: String,
    pub state: String,
    pub urgent: bool,
    pub risks: usize,
}

#[derive(Template)]
#[template(path = "mch_anc_list.html")]
struct WorklistPage {
    layout: Layout,
    facility: FacilityChoice,
    date: String,
    week_end: String,
    urgent: Vec<WorklistRow>,
    overdue: Vec<WorklistRow>,
    due: Vec<WorklistRow>,
    later: Vec<WorklistRow>,
}

/// Where a pregnancy stands on the antenatal worklist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorklistGroup {
    Urgent,
    Overdue,
    DueThisWeek,
    Later,
}

/// One open pregnancy of the worklist, its schedule on the day, and its group.
pub struct WorklistEntry {
    pub open: haven_app::model::mch::OpenPregnancy,
    pub status: haven_domain::mch::pregnancy::AncStatus,
    pub group: WorklistGroup,
}

/// The antenatal worklist of open pregnancies on a day, in groups.
pub fn worklist_of(
    open: Vec<haven_app::model::mch::OpenPregnancy>,
    on: time::Date,
) -> Vec<WorklistEntry> {
    open.into_iter()
        .map(|open| {
            let status = anc_status(open.pregnancy.dating_lmp, &open.contacts, on);
            let recent_urgent = open
                .last_urgent_on
                .is_some_and(|d| d <= on && (on - d).whole_days() <= 7);
            let group = if recent_urgent {
                WorklistGroup::Urgent
            } else {
                match status.state {
                    AncState::Overdue | AncState::PastTerm => WorklistGroup::Overdue,
                    AncState::DueThisWeek => WorklistGroup::DueThisWeek,
                    AncState::Upcoming | AncState::Complete => WorklistGroup::Later,
                }
            };
            WorklistEntry {
                open,
                status,
                group,
            }
        })
        .collect()
}

/// The antenatal worklist of a facility for the week from a day: urgent (latest
/// contact had a danger sign, within the last week), overdue (a contact's week has
/// passed, or past 41 weeks), due this week, and everyone else.
pub async fn worklist(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let tr = auth.tr();
    let on = query.day(&state);
    let facility = choose_facility(&state, &auth, &query.facility).await?;
    let (mut urgent, mut overdue, mut due, mut later) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    if let Some(facility_id) = facility.id {
        let open = state
            .app()
            .open_pregnancies(&auth.caller(), facility_id)
            .await?;
        for entry in worklist_of(open, on) {
            let p = &entry.open.pregnancy;
            let status = entry.status;
            let row = WorklistRow {
                id: p.id.to_string(),
                name: p.display_name(),
                gestational_age: status.gestational_age.text(),
                edd: p.edd.to_string(),
                contact: status.contact.map(|c| c.to_string()).unwrap_or_default(),
                due_on: status.due_on.map(|d| d.to_string()).unwrap_or_default(),
                state: tr.t(&status.state.label_key()),
                urgent: entry.group == WorklistGroup::Urgent,
                risks: p.risk_factors().len(),
            };
            match entry.group {
                WorklistGroup::Urgent => urgent.push(row),
                WorklistGroup::Overdue => overdue.push(row),
                WorklistGroup::DueThisWeek => due.push(row),
                WorklistGroup::Later => later.push(row),
            }
        }
    }
    let page = WorklistPage {
        layout: Layout::new(&auth.visitor, "mch-anc-title"),
        facility,
        date: on.to_string(),
        week_end: (on + Duration::days(6)).to_string(),
        urgent,
        overdue,
        due,
        later,
    };
    render(&page).map(no_store)
}

#[derive(Template)]
#[template(path = "mch_pregnancy_new.html")]
struct NewPregnancyPage {
    layout: Layout,
    person_id: String,
    person_name: String,
    facilities: Vec<(String, String, bool)>,
    f: Fields,
    errors: FieldMessages,
    notice: Option<String>,
    risk_choices: Vec<(&'static str, String)>,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct PersonQuery {
    #[serde(default)]
    pub person: String,
}

async fn new_pregnancy_page(
    state: &AppState,
    auth: &Authenticated,
    person_raw: &str,
    f: Fields,
    errors: FieldMessages,
    notice: Option<String>,
) -> Result<NewPregnancyPage, WebError> {
    let person = person_in_reach(state, auth, person_raw).await?;
    let facility = choose_facility(state, auth, f.get("facility")).await?;
    Ok(NewPregnancyPage {
        layout: Layout::new(&auth.visitor, "mch-pregnancy-new-title"),
        person_id: person.id.to_string(),
        person_name: person.display_name(),
        facilities: facility.options,
        f,
        errors,
        notice,
        risk_choices: choices(
            auth.tr(),
            RiskFactor::ALL,
            RiskFactor::code,
            RiskFactor::label_key,
        ),
    })
}

pub async fn new_page(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<PersonQuery>,
) -> Result<Response, WebError> {
    state.app().may_write_clinical(&auth.caller())?;
    let mut f = Fields::default();
    f.set("registered_on", state.today().to_string());
    let page = new_pregnancy_page(
        &state,
        &auth,
        &query.person,
        f,
        FieldMessages::default(),
        None,
    )
    .await?;
    render(&page).map(no_store)
}

pub(super) fn pregnancy_input<'a>(f: &'a Fields, risks: &'a [String]) -> PregnancyInput<'a> {
    PregnancyInput {
        registered_on: f.get("registered_on"),
        lmp: f.get("lmp"),
        ultrasound_on: f.get("ultrasound_on"),
        ultrasound_weeks: f.get("ultrasound_weeks"),
        ultrasound_days: f.get("ultrasound_days"),
        gravida: f.get("gravida"),
        para: f.get("para"),
        risk_factors: risks,
        notes: f.get("notes"),
    }
}

pub async fn create(
    State(state): State<AppState>,
    auth: Authenticated,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let f = Fields::new(pairs);
    let tr = auth.tr().clone();
    let person: Option<Id> = f.get("person").parse().ok();
    let facility: Option<Id> = f.get("facility").parse().ok();
    let risks = f.all("risk_factors");
    let parsed = PregnancyDetails::parse(&pregnancy_input(&f, &risks), state.today());
    let registered = state
        .app()
        .register_pregnancy(&auth.caller(), person, facility, parsed)
        .await;
    let (errors, notice) = match registered {
        Ok(pregnancy) => return Ok(see_other(&format!("/mch/pregnancies/{}", pregnancy.id))),
        Err(AppError::Duplicate { .. }) => (
            FieldMessages::default(),
            Some(tr.t("mch-pregnancy-already-open")),
        ),
        Err(AppError::Invalid(fields)) => (field_messages(&tr, &fields), None),
        Err(other) => return Err(other.into()),
    };
    let person_id = f.get("person").to_owned();
    let page = new_pregnancy_page(&state, &auth, &person_id, f, errors, notice).await?;
    let mut response = render(&page)?;
    *response.status_mut() = FORM_ERROR;
    Ok(no_store(response))
}

/// One event of a pregnancy's timeline.
pub struct TimelineEntry {
    pub date: String,
    pub gestational_age: String,
    pub title: String,
    pub facts: Vec<(String, String)>,
    pub danger_signs: Vec<String>,
    pub urgent: bool,
    /// An antenatal contact's id and version, for marking it entered in error.
    pub contact: Option<(String, i64)>,
}

#[derive(Template)]
#[template(path = "mch_pregnancy.html")]
struct PregnancyPage {
    layout: Layout,
    /// The day shown on a printed antenatal card.
    printed_on: String,
    p: Pregnancy,
    name: String,
    facility: String,
    basis: String,
    ga_today: String,
    status_state: String,
    status_contact: String,
    status_due: String,
    overdue: bool,
    risks: Vec<String>,
    timeline: Vec<TimelineEntry>,
    delivery_id: Option<String>,
    td_next: Option<String>,
    can_write: bool,
    can_correct_contacts: bool,
    can_write_hiv: bool,
    show_urgent: bool,
    f: Fields,
    errors: FieldMessages,
    danger_choices: Vec<(&'static str, String)>,
    screening_choices: Vec<(&'static str, String)>,
    error_reason_error: Option<String>,
}

fn number_text(value: Option<f64>) -> Option<String> {
    value.map(|v| {
        let text = format!("{v:.1}");
        text.trim_end_matches(".0").to_owned()
    })
}

async fn pregnancy_page(
    state: &AppState,
    auth: &Authenticated,
    record: PregnancyRecord,
    f: Fields,
    errors: FieldMessages,
    show_urgent: bool,
    error_reason_error: Option<String>,
) -> Result<PregnancyPage, WebError> {
    let tr = auth.tr();
    let on = state.today();
    // HIV and syphilis results come only to those who hold the permission.
    let PregnancyRecord {
        pregnancy: p,
        contacts,
        hiv,
        syphilis,
        delivery,
        woman,
        doses,
    } = record;
    let contact_days: Vec<time::Date> = contacts.iter().map(|c| c.contact_on).collect();
    let status = anc_status(p.dating_lmp, &contact_days, on);
    let mut timeline = vec![TimelineEntry {
        date: p.registered_on.to_string(),
        gestational_age: gestational_age(p.dating_lmp, p.registered_on).text(),
        title: tr.t("mch-timeline-registered"),
        facts: Vec::new(),
        danger_signs: Vec::new(),
        urgent: false,
        contact: None,
    }];
    for c in &contacts {
        let mut facts: Vec<(String, String)> = Vec::new();
        let mut fact = |key: &str, value: Option<String>| {
            if let Some(value) = value {
                facts.push((tr.t(key), value));
            }
        };
        fact("mch-contact-number", Some(c.contact_number.to_string()));
        fact(
            "mch-blood-pressure",
            c.systolic.zip(c.diastolic).map(|(s, d)| {
                let bp = haven_domain::mch::pregnancy::BloodPressure::from_parts(s, d);
                if bp.is_raised() {
                    format!("{} ({})", bp.text(), tr.t("mch-raised"))
                } else {
                    bp.text()
                }
            }),
        );
        fact("mch-weight-kg", number_text(c.weight_kg));
        fact("mch-fundal-height-cm", number_text(c.fundal_height_cm));
        fact(
            "mch-fetal-heart-bpm",
            c.fetal_heart_bpm.map(|v| v.to_string()),
        );
        fact(
            "mch-haemoglobin",
            c.haemoglobin_g_dl.map(|v| {
                let text = number_text(Some(v)).unwrap_or_default();
                if v < haven_domain::mch::pregnancy::ANAEMIA_BELOW_G_DL {
                    format!("{text} ({})", tr.t("mch-anaemia"))
                } else {
                    text
                }
            }),
        );
        if let Some(s) = syphilis.iter().find(|s| s.anc_contact_id == c.id) {
            fact(
                "mch-syphilis",
                ScreeningResult::parse(&s.result).map(|r| tr.t(&r.label_key())),
            );
        }
        if let Some(h) = hiv.iter().find(|h| h.anc_contact_id == Some(c.id)) {
            fact(
                "mch-hiv",
                ScreeningResult::parse(&h.result).map(|r| tr.t(&r.label_key())),
            );
        }
        fact("mch-td-given", c.td_given.then(|| tr.t("mch-yes")));
        fact(
            "mch-iron-folic-acid",
            c.iron_folic_acid.then(|| tr.t("mch-yes")),
        );
        if !c.notes.is_empty() {
            fact("mch-notes", Some(c.notes.clone()));
        }
        timeline.push(TimelineEntry {
            date: c.contact_on.to_string(),
            gestational_age: haven_domain::mch::pregnancy::GestationalAge::from_days(
                c.gestational_age_days,
            )
            .text(),
            title: tr.t("mch-timeline-contact"),
            facts,
            danger_signs: split_codes(&c.danger_signs, DangerSign::parse)
                .into_iter()
                .map(|d| tr.t(&d.label_key()))
                .collect(),
            urgent: c.urgent,
            contact: Some((c.id.to_string(), c.version)),
        });
    }
    if let Some(d) = &delivery {
        timeline.push(TimelineEntry {
            date: d.delivered_on.to_string(),
            gestational_age: haven_domain::mch::pregnancy::GestationalAge::from_days(
                d.gestational_age_days,
            )
            .text(),
            title: tr.t("mch-timeline-delivered"),
            facts: Vec::new(),
            danger_signs: Vec::new(),
            urgent: false,
            contact: None,
        });
    }
    if let (Some(ended_on), Some(reason)) = (p.ended_on, p.end_reason()) {
        let mut facts = Vec::new();
        if !p.end_notes.is_empty() {
            facts.push((tr.t("mch-notes"), p.end_notes.clone()));
        }
        timeline.push(TimelineEntry {
            date: ended_on.to_string(),
            gestational_age: gestational_age(p.dating_lmp, ended_on).text(),
            title: format!("{}: {}", tr.t("mch-ended"), tr.t(&reason.label_key())),
            facts,
            danger_signs: Vec::new(),
            urgent: false,
            contact: None,
        });
    }
    // Td doses by the woman's history.
    let doses: Vec<_> = doses.iter().map(|d| d.given()).collect();
    let td = evaluate(
        schedule(state)?,
        Group::Pregnancy,
        Subject {
            born: woman.birth_date,
            sex: woman.sex(),
        },
        &doses,
        on,
    );
    let td_next = td.antigen("td").and_then(|a| match (a.state, &a.next) {
        (DoseState::Complete, _) => Some(tr.t("mch-td-complete")),
        (_, Some(next)) => Some(format!("{} {} · {}", tr.t("mch-dose"), next.dose, next.due)),
        _ => None,
    });
    let delivered = p.delivered_on.is_some();
    let ended = p.end_reason().map(|r| tr.t(&r.label_key()));
    let closed = !p.is_open();
    Ok(PregnancyPage {
        layout: Layout::new(&auth.visitor, "mch-pregnancy-title"),
        printed_on: on.to_string(),
        name: p.display_name(),
        facility: facility_name(state, tr, p.facility_id).await,
        basis: tr.t(&p.dating_basis().label_key()),
        ga_today: if closed {
            String::new()
        } else {
            status.gestational_age.text()
        },
        status_state: if delivered {
            tr.t("mch-delivered")
        } else if let Some(reason) = ended {
            format!("{}: {reason}", tr.t("mch-ended"))
        } else {
            tr.t(&status.state.label_key())
        },
        status_contact: if closed {
            String::new()
        } else {
            status.contact.map(|c| c.to_string()).unwrap_or_default()
        },
        status_due: status.due_on.map(|d| d.to_string()).unwrap_or_default(),
        overdue: !closed && matches!(status.state, AncState::Overdue | AncState::PastTerm),
        risks: p
            .risk_factors()
            .iter()
            .map(|r| tr.t(&r.label_key()))
            .collect(),
        timeline,
        delivery_id: delivery.map(|d| d.id.to_string()),
        td_next,
        can_write: auth.me.can(Action::Write, Kind::Clinical) && !closed,
        can_correct_contacts: auth.me.can(Action::Write, Kind::Clinical),
        can_write_hiv: auth.me.can(Action::Write, Kind::HivResult),
        show_urgent,
        f,
        errors,
        danger_choices: choices(tr, DangerSign::ALL, DangerSign::code, DangerSign::label_key),
        screening_choices: choices(
            tr,
            ScreeningResult::ALL,
            ScreeningResult::code,
            ScreeningResult::label_key,
        ),
        error_reason_error,
        p,
    })
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct ShowQuery {
    #[serde(default)]
    pub urgent: String,
}

pub async fn show(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
    Query(query): Query<ShowQuery>,
) -> Result<Response, WebError> {
    let record = state.app().read_pregnancy(&auth.caller(), id).await?;
    let mut f = Fields::default();
    f.set("contact_on", state.today().to_string());
    f.set("given_by", auth.me.user.display_name.clone());
    let page = pregnancy_page(
        &state,
        &auth,
        record,
        f,
        FieldMessages::default(),
        !query.urgent.is_empty(),
        None,
    )
    .await?;
    render(&page).map(no_store)
}

/// The contact form's fields for the domain.
pub fn contact_input<'a>(
    f: &'a Fields,
    signs: &'a [String],
    hiv_allowed: bool,
) -> AncContactInput<'a> {
    AncContactInput {
        contact_on: f.get("contact_on"),
        blood_pressure: f.get("blood_pressure"),
        weight_kg: f.get("weight_kg"),
        fundal_height_cm: f.get("fundal_height_cm"),
        fetal_heart_bpm: f.get("fetal_heart_bpm"),
        haemoglobin_g_dl: f.get("haemoglobin_g_dl"),
        hiv: if hiv_allowed { f.get("hiv") } else { "" },
        syphilis: if hiv_allowed { f.get("syphilis") } else { "" },
        td_given: f.flag("td_given"),
        td_lot: f.get("td_lot"),
        iron_folic_acid: f.flag("iron_folic_acid"),
        danger_signs: signs,
        notes: f.get("notes"),
    }
}

/// Records a contact: contacts are added, never changed. One with a danger sign comes back marked urgent: refer now.
pub async fn add_contact(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let f = Fields::new(pairs);
    let signs = f.all("danger_signs");
    // The form's HIV and syphilis fields are shown only to those who may write
    // them; haven-app refuses a result from anyone else.
    let hiv_allowed = auth.me.can(Action::Write, Kind::HivResult);
    let td = TdGiven {
        schedule: schedule(&state)?,
        lot: f.get("td_lot").trim().to_owned(),
        given_by: f.get("given_by").trim().chars().take(120).collect(),
    };
    let caller = auth.caller();
    let recorded = state
        .app()
        .record_anc_contact(
            &caller,
            id,
            &contact_input(&f, &signs, hiv_allowed),
            state.today(),
            td,
        )
        .await;
    match recorded {
        Ok(contact) => {
            let suffix = if contact.urgent { "?urgent=1" } else { "" };
            Ok(see_other(&format!(
                "/mch/pregnancies/{id}{suffix}#timeline"
            )))
        }
        Err(AppError::Refused(PREGNANCY_CLOSED)) => Err(WebError::Conflict),
        Err(AppError::Invalid(fields)) => {
            let errors = field_messages(auth.tr(), &fields);
            let record = state.app().pregnancy_record(&caller, id).await?;
            let page = pregnancy_page(&state, &auth, record, f, errors, false, None).await?;
            let mut response = render(&page)?;
            *response.status_mut() = FORM_ERROR;
            Ok(no_store(response))
        }
        Err(other) => Err(other.into()),
    }
}

/// Marks a pregnancy registered in error, with why, naming the version read.
pub async fn mark_in_error(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let f = Fields::new(pairs);
    let version: i64 = f
        .get("version")
        .parse()
        .map_err(|_| WebError::BadRequest("bad-request"))?;
    let caller = auth.caller();
    let marked = state
        .app()
        .pregnancy_in_error(&caller, id, version, f.get("reason"))
        .await;
    if let Err(AppError::Invalid(_)) = marked {
        let tr = auth.tr().clone();
        let message = tr.t(haven_domain::mch::MchError::ReasonRequired.code());
        let mut form = Fields::default();
        form.set("contact_on", state.today().to_string());
        let record = state.app().pregnancy_record(&caller, id).await?;
        let page = pregnancy_page(
            &state,
            &auth,
            record,
            form,
            FieldMessages::default(),
            false,
            Some(message),
        )
        .await?;
        let mut response = render(&page)?;
        *response.status_mut() = FORM_ERROR;
        return Ok(no_store(response));
    }
    let pregnancy = marked?;
    Ok(see_other(&format!("/people/{}", pregnancy.person_id)))
}
