//! What a patient chart shows, read in one query per kind of record for all of a
//! person's records (a merged person's too), and left to the web layer to put in
//! the reader's words. Lab orders of the HIV class come only to viewers with the
//! permission; everything is filtered by the viewer's reach.

use super::{Diagnosis, MovementRow, ProgressNote, Referral, Stay, Visit, VitalSigns};
use super::{LabOrder, LabResult, PrescriptionRow, Viewer};
use crate::db::on_pool;
use crate::{Id, Result, Store, Timestamp};

/// A diagnosis as the chart lists it.
pub type ChartDiagnosis = Diagnosis;
/// A lab order with its results.
pub type ChartLabOrder = (LabOrder, Vec<LabResult>);
/// A prescription.
pub type ChartPrescription = PrescriptionRow;
/// A dispense movement.
pub type ChartDispense = MovementRow;

/// Everything of a person the viewer may see.
#[derive(Clone, Debug, Default)]
pub struct ChartData {
    pub visits: Vec<Visit>,
    pub stays: Vec<Stay>,
    pub vitals: Vec<VitalSigns>,
    pub diagnoses: Vec<ChartDiagnosis>,
    pub lab_orders: Vec<ChartLabOrder>,
    pub prescriptions: Vec<ChartPrescription>,
    pub dispenses: Vec<ChartDispense>,
    pub referrals: Vec<Referral>,
    pub progress_notes: Vec<ProgressNote>,
}

impl ChartData {
    /// How many records the chart holds, for the audit detail.
    pub fn len(&self) -> usize {
        self.visits.len()
            + self.stays.len()
            + self.vitals.len()
            + self.diagnoses.len()
            + self.lab_orders.len()
            + self.prescriptions.len()
            + self.dispenses.len()
            + self.referrals.len()
            + self.progress_notes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn in_list(column: &str, count: usize) -> String {
    format!("{column} IN ({})", super::placeholders(count, 1))
}

macro_rules! by_people {
    ($self:ident, $ty:ty, $sql:expr, $ids:expr) => {{
        let sql = $sql;
        on_pool!(&$self.pool, pool => {
            let mut query = sqlx::query_as::<_, $ty>(&sql);
            for id in $ids {
                query = query.bind(*id);
            }
            query.fetch_all(pool).await?
        })
    }};
}

impl Store {
    /// Reads a person's chart for a viewer: every record of `person_ids` (the person
    /// and the records merged into them) at a facility the viewer reaches.
    pub async fn chart(&self, viewer: &Viewer, person_ids: &[Id]) -> Result<ChartData> {
        if person_ids.is_empty() {
            return Ok(ChartData::default());
        }
        let n = person_ids.len();
        let people = in_list("person_id", n);
        let keep = |facility: Id| viewer.reaches(facility);
        let mut visits = self.visits_of_person(person_ids).await?;
        visits.retain(|v| keep(v.facility_id));
        let mut stays = self.stays_of_person(person_ids).await?;
        stays.retain(|s| keep(s.facility_id));
        let mut vitals: Vec<VitalSigns> = by_people!(self, VitalSigns, format!(
            "SELECT id, person_id, facility_id, visit_id, stay_id, taken_at, temperature_c, pulse,
                 respiratory_rate, systolic, diastolic, spo2, weight_kg, height_cm, muac_mm, warnings
             FROM vital_signs WHERE {people} AND entered_in_error_at IS NULL"
        ), person_ids);
        vitals.retain(|v| keep(v.facility_id));
        let mut diagnoses: Vec<Diagnosis> = by_people!(
            self,
            Diagnosis,
            format!(
                "SELECT id, person_id, facility_id, visit_id, stay_id, icd10_code, certainty, note,
                 recorded_at, version
             FROM diagnosis WHERE {people} AND entered_in_error_at IS NULL"
            ),
            person_ids
        );
        diagnoses.retain(|d| keep(d.facility_id));
        let hiv = viewer.hiv_flag();
        let orders_sql = format!(
            "SELECT id, person_id, facility_id, visit_id, stay_id, test_code, sensitive, state,
                 clinical_note, ordered_at, ordered_by, sample_taken_at, resulted_at, resulted_by,
                 verified_at, verified_by, flag, seen_at, version
             FROM lab_order WHERE {people} AND entered_in_error_at IS NULL
               AND (${} = 1 OR sensitive = '')",
            n + 1
        );
        let mut orders: Vec<LabOrder> = on_pool!(&self.pool, pool => {
            let mut query = sqlx::query_as::<_, LabOrder>(&orders_sql);
            for id in person_ids {
                query = query.bind(*id);
            }
            query.bind(hiv).fetch_all(pool).await?
        });
        orders.retain(|o| keep(o.facility_id));
        // The results of all those orders in one query, joined through the person
        // (the same filters as the orders), rather than an IN list of order ids.
        let results_sql = format!(
            "SELECT r.id, r.order_id, r.component_code, r.value_number, r.value_code, r.unit,
                 r.range_low, r.range_high, r.flag
             FROM lab_result r JOIN lab_order o ON o.id = r.order_id
             WHERE {} AND o.entered_in_error_at IS NULL AND (${} = 1 OR o.sensitive = '')",
            in_list("o.person_id", n),
            n + 1
        );
        let results: Vec<LabResult> = on_pool!(&self.pool, pool => {
            let mut query = sqlx::query_as::<_, LabResult>(&results_sql);
            for id in person_ids {
                query = query.bind(*id);
            }
            query.bind(hiv).fetch_all(pool).await?
        });
        let mut by_order: std::collections::HashMap<Id, Vec<LabResult>> = Default::default();
        for result in results {
            by_order.entry(result.order_id).or_default().push(result);
        }
        let lab_orders = orders
            .into_iter()
            .map(|o| {
                let results = by_order.remove(&o.id).unwrap_or_default();
                (o, results)
            })
            .collect();
        let mut prescriptions: Vec<PrescriptionRow> = by_people!(
            self,
            PrescriptionRow,
            format!(
                "SELECT id, person_id, facility_id, visit_id, stay_id, medicine_code, dose, route,
                 frequency, duration_days, quantity, dispensed, instructions, prescribed_at,
                 created_by, version
             FROM prescription WHERE {people} AND entered_in_error_at IS NULL"
            ),
            person_ids
        );
        prescriptions.retain(|p| keep(p.facility_id));
        let dispense_people = in_list("m.person_id", n);
        let mut dispenses: Vec<(MovementRow, Id)> = Vec::new();
        let rows: Vec<DispenseWithFacility> = by_people!(
            self,
            DispenseWithFacility,
            format!(
                "SELECT m.id, m.batch_id, m.medicine_code, b.batch_number, m.kind, m.quantity,
                 m.balance, m.reason, m.note, m.prescription_id, m.moved_at, m.created_by,
                 m.facility_id
             FROM stock_movement m JOIN stock_batch b ON b.id = m.batch_id
             WHERE {dispense_people} AND m.kind = 'dispense'"
            ),
            person_ids
        );
        for row in rows {
            let facility = row.facility_id;
            dispenses.push((row.into_movement(), facility));
        }
        let dispenses = dispenses
            .into_iter()
            .filter(|(_, f)| keep(*f))
            .map(|(m, _)| m)
            .collect();
        let mut referrals: Vec<Referral> = by_people!(
            self,
            Referral,
            format!(
                "SELECT id, person_id, facility_id, visit_id, stay_id, to_facility_id, to_partner,
                 reason, urgency, referred_at, created_by
             FROM referral WHERE {people} AND entered_in_error_at IS NULL"
            ),
            person_ids
        );
        referrals.retain(|r| keep(r.facility_id));
        let stay_ids: Vec<Id> = stays.iter().map(|s| s.id).collect();
        let mut progress_notes = Vec::new();
        for chunk in stay_ids.chunks(500) {
            progress_notes.extend(self.progress_notes(chunk).await?);
        }
        Ok(ChartData {
            visits,
            stays,
            vitals,
            diagnoses,
            lab_orders,
            prescriptions,
            dispenses,
            referrals,
            progress_notes,
        })
    }
}

#[derive(sqlx::FromRow)]
struct DispenseWithFacility {
    id: Id,
    batch_id: Id,
    medicine_code: String,
    batch_number: String,
    kind: String,
    quantity: i64,
    balance: i64,
    reason: String,
    note: String,
    prescription_id: Option<Id>,
    moved_at: Timestamp,
    created_by: Id,
    facility_id: Id,
}

impl DispenseWithFacility {
    fn into_movement(self) -> MovementRow {
        MovementRow {
            id: self.id,
            batch_id: self.batch_id,
            medicine_code: self.medicine_code,
            batch_number: self.batch_number,
            kind: self.kind,
            quantity: self.quantity,
            balance: self.balance,
            reason: self.reason,
            note: self.note,
            prescription_id: self.prescription_id,
            moved_at: self.moved_at,
            created_by: self.created_by,
        }
    }
}
