//! The pages of growth monitoring and nutrition: measurements, WHO z-scores, growth charts, the growth calculator, the child health card and the malnutrition programme (issue 5).
//!
//! - `/growth`: where the part's pages start (Read Clinical).
//! - `/growth/calculator`: the calculator, for any signed-in user (it stores nothing and
//!   shows no one's record; an SOS mother may check her child's weight too).
//! - `/growth/session`: a growth-monitoring session at a facility (Read / Write Clinical).
//! - `/growth/people/{person}`: a child's measurements, z-scores and charts, and the
//!   printable child health card (Read Clinical; the person in the reader's reach, else 404).
//! - `/growth/programme` and `/growth/admissions/{admission}`: the malnutrition programme.

mod calculator;
mod child;
mod programme;
mod session;
pub mod svg;

use axum::routing::{get, post, MethodRouter};
use haven_app::model::growth::{growth_sex, GrowthMeasurement};
use haven_app::model::Person;
use haven_domain::growth::anthro::completed_months;
use haven_domain::growth::nutrition::NutritionAction;
use haven_domain::growth::{
    age_in_days, Assessment, Classification, GrowthError, GrowthSex, Indicator, IndicatorResult,
};
use haven_domain::Action;

use crate::auth::Authenticated;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::pages::places::FieldMessages;
use crate::state::AppState;

pub use child::{person_summary, GrowthSummary};

/// The page routes of this part, added to the router by `page_routes`.
pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/growth", get(session::home)),
        ("/growth/calculator", get(calculator::page)),
        ("/growth/session", get(session::page)),
        ("/growth/session/{child}", post(session::record)),
        ("/growth/people/{child}", get(child::page)),
        ("/growth/people/{child}/measurements", post(child::record)),
        (
            "/growth/people/{child}/measurements/{measurement}/error",
            post(child::in_error),
        ),
        ("/growth/people/{child}/card", get(child::card)),
        ("/growth/people/{child}/admissions", post(programme::admit)),
        ("/growth/programme", get(programme::list)),
        ("/growth/admissions/{admission}", get(programme::show)),
        (
            "/growth/admissions/{admission}/follow-ups",
            post(programme::follow_up),
        ),
        (
            "/growth/admissions/{admission}/discharge",
            post(programme::discharge),
        ),
    ]
}

/// The facilities a reader's clinical reach holds, open, for a select: id and name.
pub async fn facility_choices(
    state: &AppState,
    auth: &Authenticated,
    action: Action,
) -> Result<Vec<(String, String)>, WebError> {
    let tr = auth.tr();
    Ok(state
        .app()
        .growth_facilities(&auth.caller(), action)
        .await?
        .into_iter()
        .map(|f| {
            (
                f.id.to_string(),
                crate::pages::places::place_name(tr, &f.name, &f.name_km),
            )
        })
        .collect())
}

/// A z-score as a table cell: the value, or a dash with the reason as its title.
#[derive(Clone, Debug)]
pub struct ZCell {
    pub text: String,
    pub title: String,
    pub flag: bool,
    /// `z-severe` beyond -3, `z-moderate` from -3 to -2, else empty.
    pub class: &'static str,
}

impl ZCell {
    pub fn of(tr: &Tr, result: IndicatorResult) -> ZCell {
        match result.z() {
            Some(z) => ZCell {
                text: format!("{z:.2}"),
                title: if result.flag() {
                    tr.t("growth-flag-implausible")
                } else {
                    String::new()
                },
                flag: result.flag(),
                class: if z < -3.0 {
                    "z-severe"
                } else if z < -2.0 {
                    "z-moderate"
                } else {
                    ""
                },
            },
            None => ZCell {
                text: "–".to_owned(),
                title: result
                    .reason()
                    .map(|r| tr.t(&r.label_key()))
                    .unwrap_or_default(),
                flag: result.flag(),
                class: "",
            },
        }
    }
}

/// One line of a calculator's or a measurement's results: the indicator's name, z, why not.
#[derive(Clone, Debug)]
pub struct ResultRow {
    pub indicator: String,
    pub code: &'static str,
    pub z: ZCell,
    pub reason: String,
}

pub fn result_rows(tr: &Tr, assessment: &Assessment) -> Vec<ResultRow> {
    assessment
        .each()
        .map(|(indicator, result)| ResultRow {
            indicator: tr.t(&indicator.label_key()),
            code: indicator.code(),
            z: ZCell::of(tr, result),
            reason: result
                .reason()
                .map(|r| tr.t(&r.label_key()))
                .unwrap_or_default(),
        })
        .collect()
}

/// A classification as shown: its name, the action it calls for and a CSS class.
#[derive(Clone, Debug)]
pub struct ClassView {
    pub code: &'static str,
    pub label: String,
    pub action: String,
    pub class: &'static str,
}

pub fn class_view(tr: &Tr, classification: Option<Classification>) -> Option<ClassView> {
    let c = classification?;
    let (action, class) = match c {
        // Complications and the appetite test decide between OTP and the stabilisation
        // centre; a session does not know them yet, so both are named.
        Classification::Sam => (tr.t("growth-action-sam"), "class-sam"),
        Classification::Mam => (
            tr.t(&NutritionAction::SupplementaryFeeding.label_key()),
            "class-mam",
        ),
        Classification::Normal => (tr.t(&NutritionAction::Monitor.label_key()), "class-normal"),
    };
    Some(ClassView {
        code: c.code(),
        label: tr.t(&c.label_key()),
        action,
        class,
    })
}

/// An age in days as a reader says it: "1 y 3 m", "10 m 5 d", "23 d".
pub fn age_text(tr: &Tr, days: u32) -> String {
    let months = completed_months(days);
    if months >= 24 {
        tr.t1("growth-age-years", "years", months / 12)
            + " "
            + &tr.t1("growth-age-months", "months", months % 12)
    } else if months >= 1 {
        let rest =
            days - (f64::from(months) * haven_domain::growth::anthro::DAYS_PER_MONTH).ceil() as u32;
        tr.t1("growth-age-months", "months", months) + " " + &tr.t1("growth-age-days", "days", rest)
    } else {
        tr.t1("growth-age-days", "days", days)
    }
}

/// A stored measurement of a person with its z-scores, ready to show.
#[derive(Clone, Debug)]
pub struct MeasurementRow {
    pub id: String,
    pub version: i64,
    pub date: String,
    pub age: String,
    pub weight: String,
    pub length: String,
    pub head: String,
    pub muac: String,
    pub oedema: bool,
    pub z: Vec<ZCell>,
    pub class: Option<ClassView>,
    pub standing_under_9_months: bool,
    /// For adults (19 years and over): the BMI class, and the MUAC class if pregnant or
    /// lactating, with the cut-offs of the settings.
    pub adult: String,
}

/// The first day of age counted as an adult's: past the 2007 reference (228 months).
const ADULT_FROM_DAY: u32 = 6940;

/// An adult's measurement read with the adults' cut-offs; empty for a child. A woman
/// pregnant or lactating on the day (as her recorded pregnancies say) is read with the
/// programme's MUAC cut-offs and not with BMI; any other woman's MUAC is read with them
/// conditionally, since a pregnancy may be recorded elsewhere; a man's only by BMI.
pub fn adult_text(
    tr: &Tr,
    cut_offs: &haven_domain::growth::nutrition::AdultCutOffs,
    person: &Person,
    m: &GrowthMeasurement,
    pregnancies: &[haven_domain::growth::nutrition::PregnancySpan],
) -> String {
    use haven_domain::growth::nutrition::{adult_bmi, plw_status};
    if age_on(person, m.measured_on).is_none_or(|d| d < ADULT_FROM_DAY) {
        return String::new();
    }
    let woman = growth_sex(person) == Some(GrowthSex::Female);
    let status = if woman {
        plw_status(m.measured_on, pregnancies)
    } else {
        None
    };
    let mut parts = Vec::new();
    if let Some(status) = status {
        parts.push(tr.t(&status.label_key()));
    } else if let (Some(kg), Some(cm)) = (m.weight_kg, m.length_cm) {
        let bmi = kg / (cm / 100.0).powi(2);
        parts.push(format!(
            "BMI {bmi:.1}: {}",
            tr.t(&adult_bmi(bmi).label_key())
        ));
    }
    if let (true, Some(mm)) = (woman, m.muac_mm) {
        let class = tr.t(&cut_offs.plw_muac(mm).label_key());
        if status.is_some() {
            parts.push(format!("MUAC: {class}"));
        } else {
            parts.push(format!("{}: {class}", tr.t("growth-adult-if-plw")));
        }
    }
    parts.join(" · ")
}

/// The age in days of a person on a date (`None` before their birth).
pub fn age_on(person: &Person, on: time::Date) -> Option<u32> {
    age_in_days(person.birth_date, on).ok()
}

/// A measurement's assessment for this person (`None` when their sex has no WHO table).
pub fn assess(
    person: &Person,
    m: &GrowthMeasurement,
) -> Option<(GrowthSex, Option<u32>, Assessment)> {
    let sex = growth_sex(person)?;
    let age = age_on(person, m.measured_on);
    Some((sex, age, m.values().assess(sex, age)))
}

/// The indicators shown in a measurement table, in order.
pub const TABLE_INDICATORS: [Indicator; 6] = [
    Indicator::WeightForAge,
    Indicator::LengthHeightForAge,
    Indicator::WeightForLengthHeight,
    Indicator::BmiForAge,
    Indicator::HeadCircumferenceForAge,
    Indicator::MuacForAge,
];

pub fn measurement_row(tr: &Tr, person: &Person, m: &GrowthMeasurement) -> MeasurementRow {
    let assessed = assess(person, m);
    let z = TABLE_INDICATORS
        .iter()
        .map(|i| match &assessed {
            Some((_, _, a)) => ZCell::of(tr, a.get(*i)),
            None => ZCell {
                text: "–".into(),
                title: tr.t("growth-no-table-for-sex"),
                flag: false,
                class: "",
            },
        })
        .collect();
    let number =
        |v: Option<f64>, digits: usize| v.map(|v| format!("{v:.digits$}")).unwrap_or_default();
    MeasurementRow {
        id: m.id.to_string(),
        version: m.version,
        date: m.measured_on.to_string(),
        age: age_on(person, m.measured_on)
            .map(|d| age_text(tr, d))
            .unwrap_or_default(),
        weight: number(m.weight_kg, 2)
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_owned(),
        length: match (m.length_cm, m.position.as_deref()) {
            (Some(cm), Some(position)) => {
                format!("{cm:.1} ({})", tr.t(&format!("position-{position}")))
            }
            _ => String::new(),
        },
        head: number(m.head_cm, 1),
        muac: number(m.muac_mm, 0),
        oedema: m.oedema,
        z,
        class: assessed
            .as_ref()
            .and_then(|(_, _, a)| class_view(tr, a.classification())),
        standing_under_9_months: assessed
            .as_ref()
            .is_some_and(|(_, _, a)| a.standing_under_9_months()),
        adult: String::new(),
    }
}

/// A measurement form as typed (the session's row and the child page share it).
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct MeasurementForm {
    #[serde(default)]
    pub measured_on: String,
    #[serde(default)]
    pub facility: String,
    #[serde(default)]
    pub weight_kg: String,
    #[serde(default)]
    pub length_cm: String,
    #[serde(default)]
    pub measured: String,
    #[serde(default)]
    pub head_cm: String,
    #[serde(default)]
    pub muac_mm: String,
    #[serde(default)]
    pub triceps_mm: String,
    #[serde(default)]
    pub subscapular_mm: String,
    #[serde(default)]
    pub oedema: Option<String>,
    #[serde(default)]
    pub note: String,
    /// The outpatient visit the measurement was taken at, when recorded from its page.
    #[serde(default)]
    pub visit: String,
}

impl MeasurementForm {
    pub fn input(&self) -> haven_domain::growth::MeasurementsInput<'_> {
        haven_domain::growth::MeasurementsInput {
            weight_kg: &self.weight_kg,
            length_cm: &self.length_cm,
            position: &self.measured,
            head_cm: &self.head_cm,
            muac_mm: &self.muac_mm,
            triceps_mm: &self.triceps_mm,
            subscapular_mm: &self.subscapular_mm,
            oedema: self.oedema.is_some(),
        }
    }

    pub fn oedema_checked(&self) -> bool {
        self.oedema.is_some()
    }
}

/// Parses a measurement form: the values, the date (today when empty; not in the future,
/// not before the person's birth) and the facility; every problem named by field.
pub fn parse_measurement_form(
    tr: &Tr,
    form: &MeasurementForm,
    person: &Person,
    today: time::Date,
) -> Result<(haven_domain::growth::Measurements, time::Date), FieldMessages> {
    let mut messages = FieldMessages::default();
    let values = haven_domain::growth::Measurements::parse(&form.input());
    if let Err(errors) = &values {
        for (field, error) in errors {
            messages.set(field.name(), tr.t(error.code()));
        }
    }
    let date = if form.measured_on.trim().is_empty() {
        Some(today)
    } else {
        match time::Date::parse(
            form.measured_on.trim(),
            time::macros::format_description!("[year]-[month]-[day]"),
        ) {
            Ok(d) if d > today => {
                messages.set("measured_on", tr.t(GrowthError::DateInFuture.code()));
                None
            }
            Ok(d) if d < person.birth_date => {
                messages.set("measured_on", tr.t(GrowthError::DateBeforeBirth.code()));
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                messages.set("measured_on", tr.t(GrowthError::DateMalformed.code()));
                None
            }
        }
    };
    match (values, date, messages.is_empty()) {
        (Ok(values), Some(date), true) => Ok((values, date)),
        _ => Err(messages),
    }
}

/// The position choices for a select.
pub fn position_options(tr: &Tr) -> Vec<(&'static str, String)> {
    haven_domain::growth::Position::ALL
        .iter()
        .map(|p| (p.code(), tr.t(&format!("position-{}", p.code()))))
        .collect()
}

/// The growth section of an outpatient visit's page: what was measured at this visit,
/// with its z-scores and class, and (until something is) a form prefilled from the
/// visit's vital signs that adds the measurement to the child's growth record.
pub struct VisitGrowth {
    pub child_id: String,
    pub visit_id: String,
    pub facility_id: String,
    pub rows: Vec<MeasurementRow>,
    pub form: MeasurementForm,
    pub positions: Vec<(&'static str, String)>,
    pub can_write: bool,
}

/// The growth section for a visit of a person under 19 (or any mother-and-child visit),
/// for a reader of clinical records; `None` for anyone else.
pub async fn visit_growth(
    state: &AppState,
    auth: &Authenticated,
    person: &Person,
    visit: &haven_app::model::clinic::Visit,
    mother_and_child: bool,
) -> Result<Option<VisitGrowth>, WebError> {
    if growth_sex(person).is_none() {
        return Ok(None);
    }
    let on = state.today();
    let age = age_on(person, on);
    if !mother_and_child && age.is_none_or(|d| d >= ADULT_FROM_DAY) {
        return Ok(None);
    }
    let tr = auth.tr();
    // A reader without Read Clinical sees no growth section (haven-app decides).
    let at_visit = match state
        .app()
        .visit_measurements(&auth.caller(), visit.id)
        .await
    {
        Ok(at_visit) => at_visit,
        Err(haven_app::AppError::Forbidden) => return Ok(None),
        Err(other) => return Err(other.into()),
    };
    let rows = at_visit
        .measured
        .iter()
        .map(|m| measurement_row(tr, person, m))
        .collect();
    let latest = at_visit.vitals.as_ref();
    let form = MeasurementForm {
        facility: visit.facility_id.to_string(),
        weight_kg: latest
            .and_then(|v| v.weight_kg)
            .map(|w| w.to_string())
            .unwrap_or_default(),
        length_cm: latest
            .and_then(|v| v.height_cm)
            .map(|h| h.to_string())
            .unwrap_or_default(),
        muac_mm: latest
            .and_then(|v| v.muac_mm)
            .map(|m| m.to_string())
            .unwrap_or_default(),
        // WHO measures lying under 2 years, standing from 2.
        measured: if age.is_some_and(|d| d < 731) {
            "lying"
        } else {
            "standing"
        }
        .to_owned(),
        visit: visit.id.to_string(),
        ..MeasurementForm::default()
    };
    Ok(Some(VisitGrowth {
        child_id: person.id.to_string(),
        visit_id: visit.id.to_string(),
        facility_id: visit.facility_id.to_string(),
        rows,
        form,
        positions: position_options(tr),
        can_write: at_visit.can_write,
    }))
}
