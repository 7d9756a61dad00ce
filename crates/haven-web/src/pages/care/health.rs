//! The health section of a child's care page (issue 6), for readers holding
//! `Kind::HealthSummary`: the vaccination status from the immunisation engine (due,
//! overdue, complete, and the next vaccine), the latest growth measurement's class
//! (normal, MAM, SAM) and stunting, and the dates and facilities of recent visits and
//! stays. Never a diagnosis, a note, a result or anything of the HIV class: the
//! store's summary does not hold them. A reader who also reads clinical records gets a
//! link to the full chart, which checks its own permissions.

use haven_app::model::care::CareChild;
use haven_app::model::health::{HealthSummary, SummaryEncounter};
use haven_app::model::Timestamp;
use haven_domain::growth::{age_in_days, Classification, GrowthSex, Indicator};
use haven_domain::mch::immunisation::{evaluate, DoseState, Group, Subject};
use haven_domain::{Action, Kind};

use crate::auth::Authenticated;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::pages::places::place_name;
use crate::state::AppState;

/// The health section as the page shows it.
pub struct HealthView {
    /// `complete`, `up_to_date`, `due` or `overdue`.
    pub vaccine_state_code: &'static str,
    pub vaccine_state: String,
    /// The next vaccine to give and when, or empty when none is left.
    pub next_vaccine: String,
    pub growth: Option<GrowthView>,
    pub encounters: Vec<EncounterRow>,
    /// The full chart, for a reader of clinical records.
    pub chart_link: Option<String>,
}

/// The latest measurement's day and what it says.
pub struct GrowthView {
    pub measured_on: String,
    /// `normal`, `mam` or `sam`; empty outside 6 to 59 months.
    pub class_code: &'static str,
    pub class: String,
    /// Empty when the length/height-for-age z-score is unknown.
    pub stunting: String,
    /// Moderate or severe stunting.
    pub stunted: bool,
}

/// A visit or a stay: when, which, where.
pub struct EncounterRow {
    pub when: String,
    pub kind: String,
    pub facility: String,
}

/// The health section of `child` as the page shows it, from the summary haven-app
/// gave this reader (it decides who sees it, and audits the read).
pub fn health_view(
    state: &AppState,
    auth: &Authenticated,
    child: &CareChild,
    summary: &HealthSummary,
) -> Result<HealthView, WebError> {
    view(state, auth.tr(), child, summary, auth)
}

fn view(
    state: &AppState,
    tr: &Tr,
    child: &CareChild,
    summary: &HealthSummary,
    auth: &Authenticated,
) -> Result<HealthView, WebError> {
    let on = state.today();
    let schedule = crate::pages::mch::schedule(state)?;
    let evaluation = evaluate(
        schedule,
        Group::Child,
        Subject {
            born: child.birth_date,
            sex: child.sex(),
        },
        &summary.doses,
        on,
    );
    let child_state = evaluation.child_state();
    // The next dose to give: the earliest due of the series still open.
    let next = evaluation
        .antigens
        .iter()
        .filter(|a| {
            matches!(
                a.state,
                DoseState::Due | DoseState::Overdue | DoseState::Upcoming
            )
        })
        .filter_map(|a| a.next.as_ref().map(|n| (a, n)))
        .min_by_key(|(_, n)| n.due);
    let next_vaccine = next
        .map(|(a, n)| {
            format!(
                "{} ({} {}) · {}",
                crate::pages::mch::antigen_name(tr, &a.antigen),
                tr.t("mch-dose"),
                n.dose,
                tr.t1("care-health-due-on", "date", n.due)
            )
        })
        .unwrap_or_default();
    let growth = summary.latest_measurement.as_ref().map(|m| {
        let assessment = GrowthSex::from_person(child.sex()).map(|sex| {
            m.values()
                .assess(sex, age_in_days(child.birth_date, m.measured_on).ok())
        });
        let class = assessment.as_ref().and_then(|a| a.classification());
        let haz = assessment
            .as_ref()
            .and_then(|a| a.get(Indicator::LengthHeightForAge).z());
        let (stunting, stunted) = match haz {
            Some(z) if z < -3.0 => (tr.t("care-health-stunting-severe"), true),
            Some(z) if z < -2.0 => (tr.t("care-health-stunting-moderate"), true),
            Some(_) => (tr.t("care-health-stunting-none"), false),
            None => (String::new(), false),
        };
        GrowthView {
            measured_on: m.measured_on.to_string(),
            class_code: class.map(Classification::code).unwrap_or(""),
            class: class
                .map(|c| tr.t(&c.label_key()))
                .unwrap_or_else(|| tr.t("care-health-class-not-applicable")),
            stunting,
            stunted,
        }
    });
    let offset = state.config().time_offset;
    let encounters = summary
        .encounters
        .iter()
        .map(|e| encounter_row(tr, e, offset))
        .collect();
    Ok(HealthView {
        vaccine_state_code: child_state.code(),
        vaccine_state: tr.t(&child_state.label_key()),
        next_vaccine,
        growth,
        encounters,
        chart_link: auth
            .me
            .can(Action::Read, Kind::Clinical)
            .then(|| format!("/people/{}/chart", child.person_id)),
    })
}

fn encounter_row(tr: &Tr, e: &SummaryEncounter, offset: time::UtcOffset) -> EncounterRow {
    let day = |at: &Timestamp| {
        at.datetime()
            .checked_to_offset(offset)
            .unwrap_or_else(|| at.datetime())
            .date()
            .to_string()
    };
    let when = match (&e.ended_at, e.kind.as_str()) {
        (Some(ended), "stay") => format!("{} – {}", day(&e.began_at), day(ended)),
        _ => day(&e.began_at),
    };
    EncounterRow {
        when,
        kind: tr.t(if e.kind == "stay" {
            "entrykind-stay"
        } else {
            "entrykind-visit"
        }),
        facility: place_name(tr, &e.facility_name, &e.facility_name_km),
    }
}
