//! The yearly figures without names, for the focal points only: concerns by kind
//! and by who caused harm, outcomes, response times, and the children by sex and age
//! band.
//!
//! Why only the focal points: a year of one programme holds a handful of reports, so
//! even counts can point at a child ("the one girl of 10 to 14 with a report of
//! sexual abuse"). Suppressing small cells would leave M&E officers little to read;
//! the national focal point passes figures on when a report needs them.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use haven_domain::safeguarding::{CountRow, Median, YearlyStatistics};
use serde::Deserialize;

use crate::auth::Authenticated;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::pages::{no_store, render, Layout};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct StatisticsQuery {
    #[serde(default)]
    year: String,
}

/// A table row ready to show.
pub struct Row {
    pub label: String,
    pub reports: u32,
    pub girls: u32,
    pub boys: u32,
    pub other: u32,
    pub total: u32,
}

fn rows(tr: &Tr, rows: &[CountRow]) -> Vec<Row> {
    rows.iter().map(|r| row(tr, r)).collect()
}

fn row(tr: &Tr, r: &CountRow) -> Row {
    Row {
        label: tr.t(&r.label_key),
        reports: r.reports,
        girls: r.children.girls,
        boys: r.children.boys,
        other: r.children.other,
        total: r.children.total,
    }
}

/// A response time ready to show.
pub struct Time {
    pub median: String,
    pub reports: u32,
    pub within: u32,
}

fn time_text(tr: &Tr, median: &Median) -> Time {
    Time {
        median: match median.hours {
            None => "–".to_owned(),
            Some(hours) if hours < 48 => tr.t1("safeguarding-hours", "hours", hours),
            Some(hours) => tr.t1("safeguarding-days", "days", hours / 24),
        },
        reports: median.reports,
        within: median.within_deadline,
    }
}

#[derive(Template)]
#[template(path = "safeguarding_statistics.html")]
struct StatisticsPage {
    layout: Layout,
    year: i32,
    years: Vec<i32>,
    reports: u32,
    children: Vec<Row>,
    by_concern: Vec<Row>,
    by_harm_by: Vec<Row>,
    by_outcome: Vec<Row>,
    open: Row,
    by_age_band: Vec<Row>,
    to_acknowledgement: Time,
    to_closure: Time,
    acknowledge_hours: u32,
    close_days: u32,
}

pub async fn page(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<StatisticsQuery>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    state.app().may_read_cases(&caller)?;
    let tr = auth.tr();
    let offset = state.config().time_offset;
    let this_year = state.today().year();
    let year = query
        .year
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2200).contains(y))
        .unwrap_or(this_year);
    let facts: Vec<_> = state
        .app()
        .safeguarding_statistics(&caller, year)
        .await?
        .into_iter()
        .map(|mut fact| {
            // Years are the site's years.
            fact.filed_at = fact.filed_at.to_offset(offset);
            fact.acknowledged_at = fact.acknowledged_at.map(|t| t.to_offset(offset));
            fact.closed_at = fact.closed_at.map(|t| t.to_offset(offset));
            fact
        })
        .collect();
    let mut years: Vec<i32> = facts.iter().map(|f| f.filed_at.year()).collect();
    years.push(this_year);
    years.push(year);
    years.sort_unstable();
    years.dedup();
    years.reverse();
    let deadlines = state.config().safeguarding.deadlines;
    let stats = YearlyStatistics::compute(year, &facts, &deadlines);
    let children = CountRow {
        label_key: "safeguarding-all-children".to_owned(),
        reports: stats.reports,
        children: stats.children,
    };
    let page = StatisticsPage {
        layout: Layout::new(&auth.visitor, "safeguarding-statistics-title"),
        year,
        years,
        reports: stats.reports,
        children: vec![row(tr, &children)],
        by_concern: rows(tr, &stats.by_concern),
        by_harm_by: rows(tr, &stats.by_harm_by),
        by_outcome: rows(tr, &stats.by_outcome),
        open: row(tr, &stats.open),
        by_age_band: rows(tr, &stats.by_age_band),
        to_acknowledgement: time_text(tr, &stats.to_acknowledgement),
        to_closure: time_text(tr, &stats.to_closure),
        acknowledge_hours: deadlines.acknowledged_hours,
        close_days: deadlines.closed_hours / 24,
    };
    render(&page).map(no_store)
}
