//! The growth calculator page: z-scores and the SAM/MAM class of a child who need not be
//! registered. It stores nothing, so it is a GET form (bookmarkable, no CSRF) and any
//! signed-in user may use it.

use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use haven_domain::growth::anthro::{age_in_days, parse_age_days};
use haven_domain::growth::{GrowthError, GrowthSex, Measurements};
use serde::Deserialize;

use super::{class_view, position_options, result_rows, ClassView, MeasurementForm, ResultRow};
use crate::auth::Authenticated;
use crate::error::WebError;
use crate::pages::places::FieldMessages;
use crate::pages::{no_store, render, Layout, FORM_ERROR};

/// The calculator's fields as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct CalculatorQuery {
    #[serde(default)]
    pub sex: String,
    #[serde(default)]
    pub age_days: String,
    #[serde(default)]
    pub dob: String,
    #[serde(default)]
    pub date: String,
    #[serde(flatten)]
    pub values: MeasurementForm,
}

#[derive(Template)]
#[template(path = "growth_calculator.html")]
struct CalculatorPage {
    layout: Layout,
    query: CalculatorQuery,
    messages: FieldMessages,
    positions: Vec<(&'static str, String)>,
    results: Vec<ResultRow>,
    class: Option<ClassView>,
    length_used: String,
    bmi: String,
    age: String,
    standing_under_9_months: bool,
}

pub async fn page(
    auth: Authenticated,
    Query(query): Query<CalculatorQuery>,
) -> Result<Response, WebError> {
    let tr = auth.tr().clone();
    let mut page = CalculatorPage {
        layout: Layout::new(&auth.visitor, "growth-calculator-title"),
        messages: FieldMessages::default(),
        positions: position_options(&tr),
        results: Vec::new(),
        class: None,
        length_used: String::new(),
        bmi: String::new(),
        age: String::new(),
        standing_under_9_months: false,
        query,
    };
    // An empty form is a first visit, not an error.
    if page.query.sex.is_empty()
        && page.query.age_days.is_empty()
        && page.query.values.weight_kg.is_empty()
    {
        return render(&page).map(no_store);
    }
    let q = &page.query;
    let mut messages = FieldMessages::default();
    let sex = GrowthSex::parse(&q.sex).filter(|_| !q.sex.trim().is_empty());
    if sex.is_none() {
        messages.set("sex", tr.t(GrowthError::SexRequired.code()));
    }
    let date_format = time::macros::format_description!("[year]-[month]-[day]");
    let age = if !q.age_days.trim().is_empty() {
        parse_age_days(&q.age_days)
            .map_err(|e| messages.set("age_days", tr.t(e.code())))
            .ok()
    } else if !q.dob.trim().is_empty() || !q.date.trim().is_empty() {
        let dob = time::Date::parse(q.dob.trim(), date_format);
        let date = time::Date::parse(q.date.trim(), date_format);
        match (dob, date) {
            (Ok(dob), Ok(date)) => age_in_days(dob, date)
                .map_err(|e| messages.set("date", tr.t(e.code())))
                .ok(),
            (Err(_), _) => {
                messages.set("dob", tr.t(GrowthError::DateMalformed.code()));
                None
            }
            (_, Err(_)) => {
                messages.set("date", tr.t(GrowthError::DateMalformed.code()));
                None
            }
        }
    } else {
        messages.set("age_days", tr.t(GrowthError::AgeRequired.code()));
        None
    };
    let values = Measurements::parse(&q.values.input())
        .map_err(|errors| {
            for (field, error) in errors {
                messages.set(field.name(), tr.t(error.code()));
            }
        })
        .ok();
    let (Some(sex), Some(age), Some(values), true) = (sex, age, values, messages.is_empty()) else {
        page.messages = messages;
        return render(&page).map(|mut r| {
            *r.status_mut() = FORM_ERROR;
            no_store(r)
        });
    };
    let assessment = values.assess(sex, Some(age));
    page.results = result_rows(&tr, &assessment);
    page.class = class_view(&tr, assessment.classification());
    page.length_used = assessment
        .length_used_cm()
        .map(|cm| format!("{cm:.1}"))
        .unwrap_or_default();
    page.bmi = assessment
        .bmi()
        .map(|b| format!("{b:.1}"))
        .unwrap_or_default();
    page.age = super::age_text(&tr, age);
    page.standing_under_9_months = assessment.standing_under_9_months();
    render(&page).map(no_store)
}
