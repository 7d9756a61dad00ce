//! The section of a facility's page with the treatments it provided (visits and
//! stays) per month, sex and age band, and since the beginning: read from the counts
//! the store keeps up to date as visits and stays are recorded.

use std::collections::BTreeMap;

use haven_app::model::clinic::TreatmentCount;
use haven_app::model::Id;
use haven_domain::person::{AgeBand, Sex};

use crate::auth::Authenticated;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::state::AppState;

/// One month's (or the whole time's) treatments.
pub struct CountRow {
    pub month: String,
    pub visits: i64,
    pub stays: i64,
    /// Visits and stays by sex (female, male, other/unknown) and age band, in the
    /// order of [`CountsSection::bands`].
    pub female: Vec<i64>,
    pub male: Vec<i64>,
    pub other: Vec<i64>,
}

/// What the facility page shows.
pub struct CountsSection {
    pub bands: Vec<String>,
    pub months: Vec<CountRow>,
    pub total: CountRow,
}

fn empty(month: String, bands: usize) -> CountRow {
    CountRow {
        month,
        visits: 0,
        stays: 0,
        female: vec![0; bands],
        male: vec![0; bands],
        other: vec![0; bands],
    }
}

fn add(row: &mut CountRow, kind: &str, sex: &str, band: &str, total: i64) {
    match kind {
        "visit" => row.visits += total,
        _ => row.stays += total,
    }
    let index = AgeBand::ALL
        .iter()
        .position(|b| b.code() == band)
        .unwrap_or(AgeBand::ALL.len() - 1);
    let cells = match Sex::parse(sex) {
        Some(Sex::Female) => &mut row.female,
        Some(Sex::Male) => &mut row.male,
        _ => &mut row.other,
    };
    cells[index] += total;
}

/// The counts of a facility as the reader may see them (haven-app decides): the
/// latest twelve months with any, and all time; none when there are none.
pub async fn section(
    state: &AppState,
    auth: &Authenticated,
    facility: Id,
) -> Result<Option<CountsSection>, WebError> {
    let counts = state
        .app()
        .treatment_counts(&auth.caller(), facility)
        .await?;
    Ok(section_of(auth.tr(), &counts))
}

fn section_of(tr: &Tr, counts: &[TreatmentCount]) -> Option<CountsSection> {
    if counts.is_empty() {
        return None;
    }
    let bands = AgeBand::ALL.len();
    let mut months: BTreeMap<String, CountRow> = BTreeMap::new();
    let mut total = empty(tr.t("clinic-counts-all-time"), bands);
    for c in counts {
        let row = months
            .entry(c.month.clone())
            .or_insert_with(|| empty(c.month.clone(), bands));
        add(row, &c.kind, &c.sex, &c.age_band, c.total);
        add(&mut total, &c.kind, &c.sex, &c.age_band, c.total);
    }
    Some(CountsSection {
        bands: AgeBand::ALL.iter().map(|b| tr.t(&b.label_key())).collect(),
        months: months.into_values().rev().take(12).collect(),
        total,
    })
}
