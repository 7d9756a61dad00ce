//! A child's health at a glance for those who care for the child (issue 6, read with
//! `Kind::HealthSummary`): the vaccine doses the immunisation engine evaluates, the
//! latest growth measurement's values, and the dates and facilities of recent visits
//! and stays. The types here have no field for a diagnosis, a note, a complaint, a lab
//! result or a screening result, so no page built from them can show one.
//!
//! The records are read at every facility: the reader's right comes from the child
//! being in their care (the care pages check that), not from a clinical scope, and
//! nothing read here is clinical content.

use haven_domain::growth::{Measurements, Position};
use haven_domain::mch::immunisation::GivenDose;
use time::Date;

use crate::clinic::placeholders;
use crate::db::on_pool;
use crate::ledger::{Actor, NewAuditEvent};
use crate::{Id, Result, Store, Timestamp};

/// How many recent visits and stays a summary holds.
pub const RECENT_ENCOUNTERS: i64 = 5;

/// What a health summary holds.
#[derive(Clone, Debug, Default)]
pub struct HealthSummary {
    /// Every dose given (entered in error left out), for the immunisation engine.
    pub doses: Vec<GivenDose>,
    pub latest_measurement: Option<SummaryMeasurement>,
    /// The newest visits and stays, newest first.
    pub encounters: Vec<SummaryEncounter>,
}

/// A growth measurement's values and day, without its note.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SummaryMeasurement {
    pub measured_on: Date,
    pub weight_kg: Option<f64>,
    pub length_cm: Option<f64>,
    pub position: Option<String>,
    pub head_cm: Option<f64>,
    pub muac_mm: Option<f64>,
    pub oedema: bool,
}

impl SummaryMeasurement {
    /// The values as the domain reads them (skinfolds are not needed for the class).
    pub fn values(&self) -> Measurements {
        Measurements::from_stored(
            self.weight_kg,
            self.length_cm,
            self.position.as_deref().and_then(Position::parse),
            self.head_cm,
            self.muac_mm,
            None,
            None,
            self.oedema,
        )
    }
}

/// A visit or a stay: only when and where.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SummaryEncounter {
    /// `visit` or `stay`.
    pub kind: String,
    pub began_at: Timestamp,
    /// A stay's discharge, or nothing.
    pub ended_at: Option<Timestamp>,
    pub facility_id: Id,
    pub facility_name: String,
    pub facility_name_km: String,
}

impl Store {
    /// The health summary of a person (and the records merged into them), audited as
    /// `health_summary_read`.
    #[tracing::instrument(skip_all, fields(person = %person_id))]
    pub async fn read_health_summary(&self, actor: &Actor, person_id: Id) -> Result<HealthSummary> {
        let records = self.records_of(person_id).await?;
        let summary = self.health_summary(&records).await?;
        self.audit(
            actor,
            NewAuditEvent::new("health_summary_read", "person", person_id).with_detail(format!(
                "doses={} encounters={}",
                summary.doses.len(),
                summary.encounters.len()
            )),
        )
        .await?;
        Ok(summary)
    }

    async fn health_summary(&self, records: &[Id]) -> Result<HealthSummary> {
        if records.is_empty() {
            return Ok(HealthSummary::default());
        }
        let people = placeholders(records.len(), 1);
        let doses_sql = format!(
            "SELECT antigen, given_on FROM immunisation_dose
             WHERE person_id IN ({people}) AND entered_in_error_at IS NULL
             ORDER BY given_on, created_at"
        );
        let measurement_sql = format!(
            "SELECT measured_on, weight_kg, length_cm, position, head_cm, muac_mm, oedema
             FROM growth_measurement
             WHERE person_id IN ({people}) AND entered_in_error_at IS NULL
             ORDER BY measured_on DESC, created_at DESC LIMIT 1"
        );
        let encounters_sql = format!(
            "SELECT * FROM (
                 SELECT 'visit' AS kind, v.checked_in_at AS began_at, v.ended_at AS ended_at,
                     v.facility_id, f.name AS facility_name, f.name_km AS facility_name_km
                 FROM visit v JOIN facility f ON f.id = v.facility_id
                 WHERE v.person_id IN ({people}) AND v.entered_in_error_at IS NULL
                 UNION ALL
                 SELECT 'stay' AS kind, s.admitted_at AS began_at, s.discharged_at AS ended_at,
                     s.facility_id, f.name AS facility_name, f.name_km AS facility_name_km
                 FROM stay s JOIN facility f ON f.id = s.facility_id
                 WHERE s.person_id IN ({people}) AND s.entered_in_error_at IS NULL
             ) e ORDER BY began_at DESC LIMIT {RECENT_ENCOUNTERS}"
        );
        Ok(on_pool!(&self.pool, pool => {
            let mut doses = sqlx::query_as::<_, (String, Date)>(&doses_sql);
            let mut measurement = sqlx::query_as::<_, SummaryMeasurement>(&measurement_sql);
            let mut encounters = sqlx::query_as::<_, SummaryEncounter>(&encounters_sql);
            for id in records {
                doses = doses.bind(*id);
                measurement = measurement.bind(*id);
                encounters = encounters.bind(*id);
            }
            HealthSummary {
                doses: doses
                    .fetch_all(pool)
                    .await?
                    .into_iter()
                    .map(|(antigen, given_on)| GivenDose { antigen, given_on })
                    .collect(),
                latest_measurement: measurement.fetch_optional(pool).await?,
                encounters: encounters.fetch_all(pool).await?,
            }
        }))
    }
}
