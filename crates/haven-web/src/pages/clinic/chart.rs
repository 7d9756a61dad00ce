//! The patient chart: one timeline of everything about a person that the reader may
//! see (visits, stays, vital signs, diagnoses, results, prescriptions, dispenses,
//! referrals, progress notes), newest first, filtered by kind and date, a page of
//! entries at a time. Every view is audited.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use haven_domain::clinic::chart::{timeline, ChartFilter, Entry, EntryKind};
use haven_domain::clinic::icd10::Icd10Code;
use haven_domain::clinic::lab::Flag;
use haven_domain::clinic::{StayOutcome, VisitOutcome, VisitType};
use haven_domain::places::parse_date;
use haven_domain::{Action, Kind};
use haven_store::clinic::{ChartData, ChartWindow, Viewer};
use haven_store::{Id, Person};

use super::visits::result_value;
use super::{found, medicine_label, parse_id, patient_header, test_name_of, viewer, PatientHeader};
use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::i18n::Tr;
use crate::pages::{no_store, render, Layout};
use crate::state::AppState;

/// Entries on one page of the chart: enough for months of care, small enough for a
/// slow link (DESIGN.md: a chart under 100 KB).
pub const PAGE_SIZE: usize = 100;

/// An entry as the page shows it.
pub struct EntryView {
    pub when: String,
    pub kind: String,
    pub kind_code: &'static str,
    pub title: String,
    pub detail: String,
    pub link: String,
    pub flagged: bool,
}

#[derive(Template)]
#[template(path = "clinic_chart.html")]
pub struct ChartPage {
    layout: Layout,
    patient: PatientHeader,
    entries: Vec<EntryView>,
    kinds: Vec<(&'static str, String, bool)>,
    from: String,
    to: String,
    total: usize,
    page: usize,
    pages: usize,
    query_base: String,
}

/// What the chart's address asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChartQuery {
    pub filter: ChartFilter,
    pub from: String,
    pub to: String,
    pub page: usize,
}

impl ChartQuery {
    pub fn parse(raw: Option<&str>) -> ChartQuery {
        let mut query = ChartQuery::default();
        for (key, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            match key.as_ref() {
                "kind" => {
                    if let Some(kind) = EntryKind::parse(&value) {
                        query.filter.kinds.push(kind);
                    }
                }
                "from" => {
                    query.filter.from = parse_date(&value);
                    query.from = value.into_owned();
                }
                "to" => {
                    query.filter.to = parse_date(&value);
                    query.to = value.into_owned();
                }
                "page" => query.page = value.parse().unwrap_or(0),
                _ => {}
            }
        }
        query
    }

    /// The address's filters without the page, to build page links.
    fn base(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for kind in &self.filter.kinds {
            out.append_pair("kind", kind.code());
        }
        out.append_pair("from", &self.from)
            .append_pair("to", &self.to);
        out.finish()
    }
}

fn flagged(code: &str) -> bool {
    Flag::parse(code).is_some_and(|f| f.severity() > 0)
}

/// The chart's records as timeline entries in the reader's words.
pub fn entries(tr: &Tr, data: &ChartData) -> Vec<Entry> {
    let mut out = Vec::with_capacity(data.len());
    for v in &data.visits {
        let outcome = VisitOutcome::parse(&v.outcome)
            .map(|o| tr.t(&o.label_key()))
            .unwrap_or_default();
        out.push(Entry {
            at: v.checked_in_at.datetime(),
            kind: EntryKind::Visit,
            title: VisitType::parse(&v.visit_type)
                .map(|t| tr.t(&t.label_key()))
                .unwrap_or_default(),
            detail: [v.complaint.as_str(), outcome.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" — "),
            link: format!("/clinic/visits/{}", v.id),
            flagged: false,
        });
    }
    for s in &data.stays {
        let outcome = StayOutcome::parse(&s.outcome)
            .map(|o| tr.t(&o.label_key()))
            .unwrap_or_default();
        out.push(Entry {
            at: s.admitted_at.datetime(),
            kind: EntryKind::Stay,
            title: tr.t("clinic-stay-title"),
            detail: [s.reason.as_str(), outcome.as_str()]
                .iter()
                .filter(|x| !x.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" — "),
            link: format!("/clinic/stays/{}", s.id),
            flagged: s.outcome == "died",
        });
    }
    for v in &data.vitals {
        let mut parts = Vec::new();
        if let Some(t) = v.temperature_c {
            parts.push(format!("{} {t:.1}", tr.t("clinic-temperature")));
        }
        if let Some(p) = v.pulse {
            parts.push(format!("{} {p}", tr.t("clinic-pulse")));
        }
        if let Some(r) = v.respiratory_rate {
            parts.push(format!("{} {r}", tr.t("clinic-respiratory-rate")));
        }
        if let (Some(s), Some(d)) = (v.systolic, v.diastolic) {
            parts.push(format!("{} {s}/{d}", tr.t("clinic-blood-pressure")));
        }
        if let Some(o) = v.spo2 {
            parts.push(format!("{} {o}", tr.t("clinic-spo2")));
        }
        if let Some(w) = v.weight_kg {
            parts.push(format!("{} {w:.1}", tr.t("clinic-weight")));
        }
        if let Some(m) = v.muac_mm {
            parts.push(format!("{} {m}", tr.t("clinic-muac")));
        }
        out.push(Entry {
            at: v.taken_at.datetime(),
            kind: EntryKind::Vitals,
            title: tr.t("clinic-vitals"),
            detail: parts.join(" · "),
            link: encounter_link(v.visit_id, v.stay_id),
            flagged: !v.warnings.is_empty(),
        });
    }
    for d in &data.diagnoses {
        out.push(Entry {
            at: d.recorded_at.datetime(),
            kind: EntryKind::Diagnosis,
            title: format!(
                "{} {}",
                d.icd10_code,
                Icd10Code::parse(&d.icd10_code)
                    .map(|c| c.title())
                    .unwrap_or("")
            ),
            detail: d.note.clone(),
            link: encounter_link(d.visit_id, d.stay_id),
            flagged: false,
        });
    }
    for (order, results) in &data.lab_orders {
        if !order.state().has_results() {
            continue;
        }
        let detail = results
            .iter()
            .map(|r| {
                let (name, value) = result_value(tr, &order.test_code, r);
                format!("{name}: {value} {}", r.unit)
            })
            .collect::<Vec<_>>()
            .join(" · ");
        out.push(Entry {
            at: order.resulted_at.unwrap_or(order.ordered_at).datetime(),
            kind: EntryKind::LabResult,
            title: test_name_of(tr, &order.test_code),
            detail,
            link: format!("/clinic/lab/{}", order.id),
            flagged: flagged(&order.flag),
        });
    }
    for p in &data.prescriptions {
        out.push(Entry {
            at: p.prescribed_at.datetime(),
            kind: EntryKind::Prescription,
            title: medicine_label(tr, &p.medicine_code),
            detail: format!(
                "{} · {} {}",
                p.dose,
                p.quantity,
                super::medicine_unit(tr, &p.medicine_code)
            ),
            link: encounter_link(p.visit_id, p.stay_id),
            flagged: false,
        });
    }
    for m in &data.dispenses {
        out.push(Entry {
            at: m.moved_at.datetime(),
            kind: EntryKind::Dispense,
            title: medicine_label(tr, &m.medicine_code),
            detail: format!(
                "{} {}",
                -m.quantity,
                super::medicine_unit(tr, &m.medicine_code)
            ),
            link: String::new(),
            flagged: false,
        });
    }
    for r in &data.referrals {
        out.push(Entry {
            at: r.referred_at.datetime(),
            kind: EntryKind::Referral,
            title: tr.t("clinic-referral-title"),
            detail: r.reason.clone(),
            link: format!("/clinic/referrals/{}", r.id),
            flagged: r.urgency == "emergency",
        });
    }
    for n in &data.progress_notes {
        out.push(Entry {
            at: n.written_at.datetime(),
            kind: EntryKind::ProgressNote,
            title: tr.t("clinic-progress-note"),
            detail: n.note.clone(),
            link: format!("/clinic/stays/{}#progress", n.stay_id),
            flagged: false,
        });
    }
    out
}

fn encounter_link(visit: Option<Id>, stay: Option<Id>) -> String {
    match (visit, stay) {
        (Some(v), _) => format!("/clinic/visits/{v}"),
        (None, Some(s)) => format!("/clinic/stays/{s}"),
        (None, None) => String::new(),
    }
}

/// Builds the chart page for a person the caller has checked the reader may see.
pub async fn chart_page(
    state: &AppState,
    auth: &Authenticated,
    viewer: &Viewer,
    person: &Person,
    query: &ChartQuery,
) -> Result<(ChartPage, usize), WebError> {
    let tr = auth.tr();
    let records = state.store().records_of(person.id).await?;
    let offset = state.config().time_offset;
    // Days are the site's days: from its midnight to the next one after `to`.
    let at_midnight = |day: time::Date| {
        haven_store::Timestamp::from_datetime(day.midnight().assume_offset(offset))
    };
    let window = ChartWindow {
        kinds: query.filter.kinds.clone(),
        from: query.filter.from.map(at_midnight),
        until: query.filter.to.and_then(|d| d.next_day()).map(at_midnight),
        limit: ((query.page + 1) * PAGE_SIZE) as i64,
    };
    let data = state.store().chart(viewer, &records, &window).await?;
    let count = usize::try_from(data.total).unwrap_or(0);
    let kinds_only = ChartFilter {
        kinds: query.filter.kinds.clone(),
        from: None,
        to: None,
    };
    let all = timeline(entries(tr, &data), &kinds_only);
    let total = count;
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = query.page.min(pages - 1);
    let entries = all
        .into_iter()
        .skip(page * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|e| EntryView {
            when: crate::pages::audit::format_instant(
                &haven_store::Timestamp::from_datetime(e.at),
                offset,
            ),
            kind: tr.t(&e.kind.label_key()),
            kind_code: e.kind.code(),
            title: e.title,
            detail: e.detail,
            link: e.link,
            flagged: e.flagged,
        })
        .collect();
    let page_view = ChartPage {
        layout: Layout::new(&auth.visitor, "clinic-chart-title"),
        patient: patient_header(state, tr, person).await?,
        entries,
        kinds: EntryKind::ALL
            .iter()
            .map(|k| {
                (
                    k.code(),
                    tr.t(&k.label_key()),
                    query.filter.kinds.contains(k),
                )
            })
            .collect(),
        from: query.from.clone(),
        to: query.to.clone(),
        total,
        page,
        pages,
        query_base: query.base(),
    };
    Ok((page_view, count))
}

pub async fn show(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(person): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    auth.require(Action::Read, Kind::Clinical)?;
    let person = found(state.store().person(parse_id(&person)?).await)?;
    if person.entered_in_error_at.is_some() {
        return Err(WebError::NotFound);
    }
    if person.merged_into.is_some() {
        let survivor = state.store().resolve_merged(person.id).await?;
        return Ok(see_other(&format!("/people/{survivor}/chart")));
    }
    let viewer = viewer(&state, &auth, Kind::Clinical).await?;
    let query = ChartQuery::parse(raw.as_deref());
    // A reader whose reach holds neither the person nor any of their records: none exist.
    let people = super::person_reach(&state, &auth).await?;
    if !people.holds(person.registered_facility_id) {
        let records = state.store().records_of(person.id).await?;
        let any = state
            .store()
            .chart(&viewer, &records, &ChartWindow::newest(1))
            .await?;
        if any.total == 0 {
            return Err(WebError::NotFound);
        }
    }
    let (page, count) = chart_page(&state, &auth, &viewer, &person, &query).await?;
    state
        .store()
        .audit_clinical_read(
            &auth.actor(),
            "chart_read",
            "person",
            person.id,
            format!("records={count}"),
        )
        .await?;
    render(&page).map(no_store)
}

/// Renders one person's chart as a reader would see it, for `haven bench chart`:
/// the store's reads, the timeline, and the template, without HTTP.
pub async fn render_for_bench(
    state: &AppState,
    auth: &Authenticated,
    person: Id,
) -> Result<usize, WebError> {
    let person = state.store().person(person).await?;
    let viewer = viewer(state, auth, Kind::Clinical).await?;
    let (page, _) = chart_page(state, auth, &viewer, &person, &ChartQuery::default()).await?;
    page.render()
        .map(|html| html.len())
        .map_err(|_| WebError::Internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_gives_kinds_dates_and_page() {
        let query = ChartQuery::parse(Some(
            "kind=visit&kind=lab_result&kind=nonsense&from=2026-01-01&to=bad&page=2",
        ));
        assert_eq!(
            query.filter.kinds,
            vec![EntryKind::Visit, EntryKind::LabResult]
        );
        assert_eq!(query.filter.from, parse_date("2026-01-01"));
        assert_eq!(query.filter.to, None);
        assert_eq!(query.page, 2);
        assert_eq!(
            query.base(),
            "kind=visit&kind=lab_result&from=2026-01-01&to=bad"
        );
        assert_eq!(ChartQuery::parse(None), ChartQuery::default());
    }
}

/// The clinic's part of a person's summary on their page.
#[derive(Clone, Debug, Default)]
pub struct PersonSummary {
    pub can_chart: bool,
    pub can_check_in: bool,
    pub can_admit: bool,
    pub last_visit: String,
    pub current_stay: Option<String>,
}

impl PersonSummary {
    pub fn shows(&self) -> bool {
        self.can_chart || self.can_check_in || self.can_admit
    }
}

/// What the clinic adds to a person's summary, by the reader's permissions.
pub async fn person_summary(
    state: &AppState,
    auth: &Authenticated,
    person: &Person,
) -> Result<PersonSummary, WebError> {
    let can_chart = auth.me.can(Action::Read, Kind::Clinical);
    let mut summary = PersonSummary {
        can_chart,
        can_check_in: auth.me.can(Action::Write, Kind::CheckIn) && !person.is_dead(),
        can_admit: auth.me.can(Action::Write, Kind::Clinical) && !person.is_dead(),
        ..PersonSummary::default()
    };
    if can_chart {
        let viewer = viewer(state, auth, Kind::Clinical).await?;
        let records = state.store().records_of(person.id).await?;
        if let Some(visit) = state
            .store()
            .visits_of_person(&records)
            .await?
            .into_iter()
            .find(|v| viewer.reaches(v.facility_id))
        {
            summary.last_visit = super::when(state, &visit.checked_in_at);
        }
        summary.current_stay = state
            .store()
            .stays_of_person(&records)
            .await?
            .into_iter()
            .find(|s| s.discharged_at.is_none() && viewer.reaches(s.facility_id))
            .map(|s| s.id.to_string());
    }
    Ok(summary)
}

/// For `haven bench chart`: renders a person's chart as `user` holding `roles` would
/// see it, in English, without HTTP; returns the size of the page.
pub async fn bench_render(
    state: &AppState,
    user: &haven_store::User,
    roles: Vec<(haven_domain::Role, haven_domain::Scope)>,
    person: Id,
) -> Result<usize, String> {
    let tr = Tr::new(
        haven_domain::Language::English,
        state.inner.translations.clone(),
    );
    let me = crate::auth::SignedIn {
        user: user.clone(),
        roles,
        session_token: String::new(),
    };
    let auth = Authenticated {
        visitor: crate::auth::Visitor {
            tr,
            csrf: String::new(),
            address: "bench".to_owned(),
            here: format!("/people/{person}/chart"),
            signed_in: Some(me.clone()),
            session_ended: false,
        },
        me,
    };
    render_for_bench(state, &auth, person)
        .await
        .map_err(|e| format!("{e:?}"))
}
