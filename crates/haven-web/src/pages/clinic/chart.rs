//! The patient chart: one timeline of everything about a person that the reader may
//! see (visits, stays, vital signs, diagnoses, results, prescriptions, dispenses,
//! referrals, progress notes; pregnancies, antenatal and postnatal contacts, births,
//! family planning, vaccines, growth measurements with their z-scores and class, and
//! malnutrition programme admissions), newest first, filtered by kind and date, a
//! page of entries at a time. Every view is audited.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use haven_app::clinic::{Chart, ChartRead};
use haven_app::model::clinic::{ChartData, ChartWindow};
use haven_app::model::{Id, Person, Timestamp, User};
use haven_domain::clinic::chart::{timeline, ChartFilter, Entry, EntryKind};
use haven_domain::clinic::icd10::Icd10Code;
use haven_domain::clinic::lab::Flag;
use haven_domain::clinic::{StayOutcome, VisitOutcome, VisitType};
use haven_domain::mch::birth::{DeliveryMode, MotherOutcome};
use haven_domain::mch::family_planning::FpMethod;
use haven_domain::mch::pregnancy::ScreeningResult;
use haven_domain::places::parse_date;
use haven_domain::{Action, Kind};
use time::{Date, OffsetDateTime, UtcOffset};

use super::visits::result_value;
use super::{medicine_label, patient_header, test_name_of, PatientHeader};
use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::extract::Ids;
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

/// The chart's records as timeline entries in the reader's words. Records dated by
/// day are placed at the start of that day in the site's time (`offset`); `person`
/// is whose chart it is (their birth date and sex give the growth z-scores).
pub fn entries(tr: &Tr, data: &ChartData, person: &Person, offset: UtcOffset) -> Vec<Entry> {
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
    mother_and_child_entries(tr, data, offset, &mut out);
    growth_entries(tr, data, person, offset, &mut out);
    out
}

/// The start of a day in the site's time, where a record dated by day is placed.
fn start_of(day: Date, offset: UtcOffset) -> OffsetDateTime {
    day.midnight().assume_offset(offset)
}

/// The non-empty parts joined as the chart joins them.
fn joined(parts: &[String]) -> String {
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(" · ")
}

fn mother_and_child_entries(tr: &Tr, data: &ChartData, offset: UtcOffset, out: &mut Vec<Entry>) {
    for p in &data.pregnancies {
        let ending = match (p.delivered_on, p.ended_on) {
            (Some(d), _) => tr.t1("clinic-chart-delivered-on", "date", d),
            (None, Some(d)) => tr.t1("clinic-chart-ended-on", "date", d),
            (None, None) => String::new(),
        };
        out.push(Entry {
            at: start_of(p.registered_on, offset),
            kind: EntryKind::Pregnancy,
            title: tr.t("clinic-chart-pregnancy-registered"),
            detail: joined(&[
                format!("{} {}", tr.t("mch-edd"), p.edd),
                format!("G{} P{}", p.gravida, p.para),
                ending,
            ]),
            link: format!("/mch/pregnancies/{}", p.id),
            flagged: !p.risk_factors.is_empty(),
        });
    }
    for a in &data.antenatal_contacts {
        let c = &a.contact;
        let mut parts = vec![tr.t1("clinic-chart-weeks", "weeks", c.gestational_age_days / 7)];
        if let (Some(s), Some(d)) = (c.systolic, c.diastolic) {
            parts.push(format!("{} {s}/{d}", tr.t("clinic-blood-pressure")));
        }
        if let Some(w) = c.weight_kg {
            parts.push(format!("{} {w:.1}", tr.t("clinic-weight")));
        }
        // Only filled in for a reader holding the HIV permission (the store's rule).
        if let Some(r) = ScreeningResult::parse(&a.syphilis) {
            parts.push(format!(
                "{}: {}",
                tr.t("mch-syphilis"),
                tr.t(&r.label_key())
            ));
        }
        for result in &a.hiv {
            if let Some(r) = ScreeningResult::parse(result) {
                parts.push(format!("{}: {}", tr.t("mch-hiv"), tr.t(&r.label_key())));
            }
        }
        out.push(Entry {
            at: start_of(c.contact_on, offset),
            kind: EntryKind::AntenatalContact,
            title: tr.t1("clinic-chart-anc-contact", "number", c.contact_number),
            detail: joined(&parts),
            link: format!("/mch/pregnancies/{}", c.pregnancy_id),
            flagged: c.urgent,
        });
    }
    for d in &data.deliveries {
        out.push(Entry {
            at: start_of(d.delivered_on, offset),
            kind: EntryKind::Delivery,
            title: tr.t("mch-delivery-title"),
            detail: joined(&[
                DeliveryMode::parse(&d.mode)
                    .map(|m| tr.t(&m.label_key()))
                    .unwrap_or_default(),
                tr.t1("clinic-chart-weeks", "weeks", d.gestational_age_days / 7),
                MotherOutcome::parse(&d.mother_outcome)
                    .map(|m| tr.t(&m.label_key()))
                    .unwrap_or_default(),
            ]),
            link: format!("/mch/deliveries/{}", d.id),
            flagged: !d.complications.is_empty(),
        });
    }
    for c in &data.postnatal_contacts {
        let mut parts = vec![tr.t1("clinic-chart-day-after-birth", "day", c.day_after_birth)];
        if let Some(t) = c.temperature_c {
            parts.push(format!("{} {t:.1}", tr.t("clinic-temperature")));
        }
        if let Some(w) = c.weight_g {
            parts.push(format!("{} {w} g", tr.t("clinic-weight")));
        }
        out.push(Entry {
            at: start_of(c.contact_on, offset),
            kind: EntryKind::PostnatalContact,
            title: tr.t1("clinic-chart-pnc-contact", "number", c.contact_number),
            detail: joined(&parts),
            link: format!("/mch/deliveries/{}", c.delivery_id),
            flagged: c.urgent,
        });
    }
    for v in &data.family_planning {
        let method = FpMethod::parse(&v.method)
            .map(|m| tr.t(&m.label_key()))
            .unwrap_or_else(|| tr.t("mch-fp-counselling-only"));
        out.push(Entry {
            at: start_of(v.visit_on, offset),
            kind: EntryKind::FamilyPlanning,
            title: tr.t("mch-fp-client-title"),
            detail: joined(&[
                method,
                v.follow_up_on
                    .map(|d| format!("{} {d}", tr.t("mch-fp-follow-up")))
                    .unwrap_or_default(),
            ]),
            link: format!("/mch/family-planning/{}", v.person_id),
            flagged: false,
        });
    }
    for d in &data.doses {
        out.push(Entry {
            at: start_of(d.given_on, offset),
            kind: EntryKind::Immunisation,
            title: crate::pages::mch::antigen_name(tr, &d.antigen),
            detail: joined(&[
                format!("{} {}", tr.t("mch-dose"), d.dose_number),
                d.lot.clone(),
            ]),
            link: format!("/mch/immunisation/{}", d.person_id),
            flagged: false,
        });
    }
}

fn growth_entries(
    tr: &Tr,
    data: &ChartData,
    person: &Person,
    offset: UtcOffset,
    out: &mut Vec<Entry>,
) {
    use haven_domain::growth::{Classification, Indicator};
    for m in &data.measurements {
        let mut parts = Vec::new();
        if let Some(w) = m.weight_kg {
            parts.push(format!("{} {w:.1}", tr.t("clinic-weight")));
        }
        if let Some(l) = m.length_cm {
            parts.push(format!("{} {l:.1}", tr.t("growth-length-cm")));
        }
        if let Some(mm) = m.muac_mm {
            parts.push(format!("{} {mm:.0}", tr.t("clinic-muac")));
        }
        if m.oedema {
            parts.push(tr.t("wasting-oedema"));
        }
        let mut flagged = false;
        // The z-scores are worked out as they are read, from the person's birth date
        // and sex (a corrected birth date corrects them); cheap: a table look-up each.
        if let Some((_, _, assessment)) = crate::pages::growth::assess(person, m) {
            for (indicator, short) in [
                (Indicator::WeightForAge, "WAZ"),
                (Indicator::LengthHeightForAge, "HAZ"),
                (Indicator::WeightForLengthHeight, "WHZ"),
            ] {
                if let Some(z) = assessment.get(indicator).z() {
                    parts.push(format!("{short} {z:.2}"));
                    flagged |= indicator == Indicator::LengthHeightForAge && z < -2.0;
                }
            }
            if let Some(class) = assessment.classification() {
                parts.push(tr.t(&class.label_key()));
                flagged |= class != Classification::Normal;
            }
        }
        out.push(Entry {
            at: start_of(m.measured_on, offset),
            kind: EntryKind::Growth,
            title: tr.t("clinic-chart-growth-measurement"),
            detail: joined(&parts),
            link: format!("/growth/people/{}", m.person_id),
            flagged,
        });
    }
    for a in &data.nutrition_admissions {
        let outcome = a
            .outcome()
            .map(|o| {
                format!(
                    "{} {}",
                    tr.t(&o.label_key()),
                    a.discharged_on.map(|d| d.to_string()).unwrap_or_default()
                )
            })
            .unwrap_or_default();
        out.push(Entry {
            at: start_of(a.admitted_on, offset),
            kind: EntryKind::NutritionAdmission,
            title: a
                .programme()
                .map(|p| tr.t(&p.label_key()))
                .unwrap_or_default(),
            detail: joined(&[tr.t(&a.admitted_by().label_key()), outcome]),
            link: format!("/growth/admissions/{}", a.id),
            flagged: a.is_open(),
        });
    }
}

fn encounter_link(visit: Option<Id>, stay: Option<Id>) -> String {
    match (visit, stay) {
        (Some(v), _) => format!("/clinic/visits/{v}"),
        (None, Some(s)) => format!("/clinic/stays/{s}"),
        (None, None) => String::new(),
    }
}

/// The part of the chart a query asks for. Days are the site's days: from its
/// midnight to the next one after `to`.
fn window_of(state: &AppState, query: &ChartQuery) -> ChartWindow {
    let offset = state.config().time_offset;
    let at_midnight =
        |day: time::Date| Timestamp::from_datetime(day.midnight().assume_offset(offset));
    ChartWindow {
        kinds: query.filter.kinds.clone(),
        from: query.filter.from.map(at_midnight),
        until: query.filter.to.and_then(|d| d.next_day()).map(at_midnight),
        from_day: query.filter.from,
        until_day: query.filter.to.and_then(|d| d.next_day()),
        limit: ((query.page + 1) * PAGE_SIZE) as i64,
    }
}

/// Builds the chart page from a chart haven-app read for the reader.
pub async fn chart_page(
    state: &AppState,
    auth: &Authenticated,
    chart: &Chart,
    query: &ChartQuery,
) -> Result<(ChartPage, usize), WebError> {
    let tr = auth.tr();
    let (person, data) = (&chart.person, &chart.data);
    let offset = state.config().time_offset;
    let count = usize::try_from(data.total).unwrap_or(0);
    let kinds_only = ChartFilter {
        kinds: query.filter.kinds.clone(),
        from: None,
        to: None,
    };
    let all = timeline(entries(tr, data, person, offset), &kinds_only);
    let total = count;
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = query.page.min(pages - 1);
    let entries = all
        .into_iter()
        .skip(page * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|e| EntryView {
            when: if e.kind.is_dated() {
                e.at.date().to_string()
            } else {
                crate::pages::audit::format_instant(&Timestamp::from_datetime(e.at), offset)
            },
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
        patient: patient_header(state, auth, person).await?,
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
    Ids(person): Ids<Id>,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let query = ChartQuery::parse(raw.as_deref());
    let window = window_of(&state, &query);
    match state
        .app()
        .read_patient_chart(&auth.caller(), person, &window)
        .await?
    {
        ChartRead::Merged(survivor) => Ok(see_other(&format!("/people/{survivor}/chart"))),
        ChartRead::Chart(chart) => {
            let (page, _) = chart_page(&state, &auth, &chart, &query).await?;
            render(&page).map(no_store)
        }
    }
}

/// Renders one person's chart as a reader would see it, for `haven bench chart`:
/// the store's reads, the timeline, and the template, without HTTP (and without
/// auditing each run).
pub async fn render_for_bench(
    state: &AppState,
    auth: &Authenticated,
    person: Id,
) -> Result<usize, WebError> {
    let query = ChartQuery::default();
    let window = window_of(state, &query);
    let chart = match state
        .app()
        .patient_chart(&auth.caller(), person, &window)
        .await?
    {
        ChartRead::Chart(chart) => chart,
        ChartRead::Merged(_) => return Err(WebError::NotFound),
    };
    let (page, _) = chart_page(state, auth, &chart, &query).await?;
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
        let clinic = state.app().clinic_summary(&auth.caller(), person).await?;
        if let Some(at) = clinic.last_visit {
            summary.last_visit = super::when(state, &at);
        }
        summary.current_stay = clinic.current_stay.map(|s| s.to_string());
    }
    Ok(summary)
}

/// For `haven bench chart`: renders a person's chart as `user` holding `roles` would
/// see it, in English, without HTTP; returns the size of the page.
pub async fn bench_render(
    state: &AppState,
    user: &User,
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
