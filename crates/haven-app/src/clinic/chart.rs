//! The patient chart (one timeline of a person's records that the caller may see)
//! and the treatment counts of a facility.
//!
//! The chart is read as the store reads it for the page and for `haven bench
//! chart`: these functions only check the caller first, so that the benchmark
//! measures the reads the page makes.

use haven_domain::{Action, Kind};
use haven_store::clinic::{ChartData, ChartWindow, TreatmentCount, Viewer};
use haven_store::{Id, Person};

use crate::{App, AppError, Caller, Result};

/// A window of a person's chart, as the caller may see it.
#[derive(Clone, Debug)]
pub struct Chart {
    pub person: Person,
    pub viewer: Viewer,
    pub data: ChartData,
}

/// What reading a chart found.
#[derive(Clone, Debug)]
pub enum ChartRead {
    /// The person was merged into another: their chart is the survivor's, by id.
    Merged(Id),
    Chart(Box<Chart>),
}

impl App {
    /// A window of a person's chart for a caller who reads clinical records
    /// (`Read Clinical`): the records of the person and of those merged into them at
    /// facilities in the caller's clinical read reach. A person entered in error, or
    /// out of the caller's people reach with no record in their clinical reach, is
    /// not found; a person merged into another answers the survivor. Not audited:
    /// [`App::read_patient_chart`] audits.
    pub async fn patient_chart(
        &self,
        caller: &Caller,
        person: Id,
        window: &ChartWindow,
    ) -> Result<ChartRead> {
        caller.require(Action::Read, Kind::Clinical)?;
        let store = self.store();
        let person = store.person(person).await?;
        if person.entered_in_error_at.is_some() {
            return Err(AppError::NotFound { entity: "person" });
        }
        if person.merged_into.is_some() {
            return Ok(ChartRead::Merged(store.resolve_merged(person.id).await?));
        }
        let viewer = self.clinic_viewer(caller, Kind::Clinical).await?;
        let records = store.records_of(person.id).await?;
        // A caller whose reach holds neither the person nor any of their records:
        // none exist.
        let people = self.person_reach(caller, Action::Read).await?;
        if !people.holds(person.registered_facility_id) {
            let any = store
                .chart(&viewer, &records, &ChartWindow::newest(1))
                .await?;
            if any.total == 0 {
                return Err(AppError::NotFound { entity: "person" });
            }
        }
        let data = store.chart(&viewer, &records, window).await?;
        Ok(ChartRead::Chart(Box::new(Chart {
            person,
            viewer,
            data,
        })))
    }

    /// [`App::patient_chart`], audited as a read of the chart with how many records it has.
    pub async fn read_patient_chart(
        &self,
        caller: &Caller,
        person: Id,
        window: &ChartWindow,
    ) -> Result<ChartRead> {
        let read = self.patient_chart(caller, person, window).await?;
        if let ChartRead::Chart(chart) = &read {
            self.store()
                .audit_clinical_read(
                    &caller.actor(),
                    "chart_read",
                    "person",
                    chart.person.id,
                    format!("records={}", chart.data.total.max(0)),
                )
                .await?;
        }
        Ok(read)
    }

    /// The treatments (visits and stays) a facility provided, per month, sex and
    /// age band, newest month first, for a caller who reads clinical records or
    /// reports there (read reach of those roles); empty for a facility out of their
    /// reach, and forbidden without either permission.
    pub async fn treatment_counts(
        &self,
        caller: &Caller,
        facility: Id,
    ) -> Result<Vec<TreatmentCount>> {
        let kinds = [Kind::Clinical, Kind::Report];
        if !kinds.iter().any(|k| caller.can(Action::Read, *k)) {
            return Err(AppError::Forbidden);
        }
        let scopes: Vec<_> = kinds
            .iter()
            .flat_map(|k| caller.scopes_for(Action::Read, *k))
            .collect();
        let reach = self.store().reach_of(&scopes).await?;
        if !reach.holds(Some(facility)) {
            return Ok(Vec::new());
        }
        Ok(self.store().treatment_counts(facility).await?)
    }
}
