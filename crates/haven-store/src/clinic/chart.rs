//! What a patient chart shows, for all of a person's records (a merged person's too),
//! left to the web layer to put in the reader's words. Each kind of record is read
//! newest first, only as many as the page needs (`ChartWindow::limit`), within the
//! kinds and dates asked, at the facilities the viewer reaches (in SQL), and counted;
//! lab orders of the HIV class come only to viewers with the permission. A chart of
//! 1,000 encounters thus reads a few hundred rows for its first page, not thousands.

use haven_domain::clinic::chart::EntryKind;

use super::{Diagnosis, MovementRow, ProgressNote, Referral, Stay, Visit, VitalSigns};
use super::{LabOrder, LabResult, PrescriptionRow, Viewer};
use crate::db::on_pool;
use crate::{Id, Reach, Result, Store, Timestamp};

/// A diagnosis as the chart lists it.
pub type ChartDiagnosis = Diagnosis;
/// A lab order with its results.
pub type ChartLabOrder = (LabOrder, Vec<LabResult>);
/// A prescription.
pub type ChartPrescription = PrescriptionRow;
/// A dispense movement.
pub type ChartDispense = MovementRow;

/// Which part of a chart to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChartWindow {
    /// Empty: every kind.
    pub kinds: Vec<EntryKind>,
    /// From this instant (included) ...
    pub from: Option<Timestamp>,
    /// ... until this one (excluded).
    pub until: Option<Timestamp>,
    /// The newest this many of each kind: enough for the pages up to the one shown.
    pub limit: i64,
}

impl ChartWindow {
    /// Every kind, any date, up to `limit` of each.
    pub fn newest(limit: i64) -> ChartWindow {
        ChartWindow {
            kinds: Vec::new(),
            from: None,
            until: None,
            limit,
        }
    }

    fn wants(&self, kind: EntryKind) -> bool {
        self.kinds.is_empty() || self.kinds.contains(&kind)
    }
}

/// What a chart window holds, and how many entries the whole chart has.
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
    /// Entries of the kinds and dates asked, in all (beyond the window).
    pub total: i64,
}

impl ChartData {
    /// How many records the window holds.
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

/// A query parameter of one of the types the chart binds.
#[derive(Clone, Copy, Debug)]
enum Bind {
    Id(Id),
    At(Timestamp),
    Int(i64),
}

/// The `WHERE` of one kind: the person's records, at reached facilities, in the dates.
struct Filter {
    clause: String,
    binds: Vec<Bind>,
}

fn filter(
    alias: &str,
    time: &str,
    people: &[Id],
    viewer: &Viewer,
    window: &ChartWindow,
    extra: &str,
) -> Filter {
    let mut binds: Vec<Bind> = people.iter().map(|id| Bind::Id(*id)).collect();
    let mut clause = format!(
        "{alias}.person_id IN ({})",
        super::placeholders(people.len(), 1)
    );
    if let Reach::Facilities { ids, .. } = &viewer.reach {
        if ids.is_empty() {
            clause.push_str(" AND 1 = 0");
        } else {
            let first = binds.len() + 1;
            clause.push_str(&format!(
                " AND {alias}.facility_id IN ({})",
                super::placeholders(ids.len(), first)
            ));
            binds.extend(ids.iter().map(|id| Bind::Id(*id)));
        }
    }
    if let Some(from) = window.from {
        binds.push(Bind::At(from));
        clause.push_str(&format!(" AND {alias}.{time} >= ${}", binds.len()));
    }
    if let Some(until) = window.until {
        binds.push(Bind::At(until));
        clause.push_str(&format!(" AND {alias}.{time} < ${}", binds.len()));
    }
    if extra.contains("$HIV") {
        binds.push(Bind::Int(viewer.hiv_flag()));
        clause.push_str(&format!(
            " AND {}",
            extra.replace("$HIV", &format!("${}", binds.len()))
        ));
    } else if !extra.is_empty() {
        clause.push_str(&format!(" AND {extra}"));
    }
    Filter { clause, binds }
}

macro_rules! bind_all {
    ($query:expr, $binds:expr) => {{
        let mut query = $query;
        for bind in $binds {
            query = match bind {
                Bind::Id(v) => query.bind(*v),
                Bind::At(v) => query.bind(*v),
                Bind::Int(v) => query.bind(*v),
            };
        }
        query
    }};
}

impl Store {
    async fn chart_rows<T>(
        &self,
        select: &str,
        from: &str,
        time: &str,
        f: &Filter,
        limit: i64,
    ) -> Result<Vec<T>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
            + Send
            + Unpin,
    {
        let sql = format!(
            "SELECT {select} FROM {from} WHERE {} ORDER BY {time} DESC LIMIT {limit}",
            f.clause
        );
        Ok(on_pool!(&self.pool, pool => {
            bind_all!(sqlx::query_as::<_, T>(&sql), &f.binds).fetch_all(pool).await?
        }))
    }

    async fn chart_count(&self, from: &str, f: &Filter) -> Result<i64> {
        let sql = format!("SELECT COUNT(*) FROM {from} WHERE {}", f.clause);
        Ok(on_pool!(&self.pool, pool => {
            bind_all!(sqlx::query_scalar::<_, i64>(&sql), &f.binds).fetch_one(pool).await?
        }))
    }

    /// Reads a window of a person's chart for a viewer: the records of `person_ids`
    /// (the person and those merged into them) at facilities the viewer reaches.
    pub async fn chart(
        &self,
        viewer: &Viewer,
        person_ids: &[Id],
        window: &ChartWindow,
    ) -> Result<ChartData> {
        let mut data = ChartData::default();
        if person_ids.is_empty() {
            return Ok(data);
        }
        let limit = window.limit.clamp(1, 100_000);
        let mut total = 0;
        let live = "t.entered_in_error_at IS NULL";
        if window.wants(EntryKind::Visit) {
            let f = filter("t", "checked_in_at", person_ids, viewer, window, live);
            data.visits = self
                .chart_rows(
                    "t.id, t.person_id, t.facility_id, t.visit_type, t.queue_state, t.checked_in_at, t.seen_at,
                     t.clinician_id, t.ended_at, t.complaint, t.history, t.examination, t.plan,
                     t.follow_up_on, t.outcome, t.created_by, t.version",
                    "visit t", "t.checked_in_at", &f, limit,
                )
                .await?;
            total += self.chart_count("visit t", &f).await?;
        }
        if window.wants(EntryKind::Stay) {
            let f = filter("t", "admitted_at", person_ids, viewer, window, live);
            data.stays = self
                .chart_rows(
                    "t.id, t.person_id, t.facility_id, t.visit_id, t.ward_id, t.bed_id, t.admitted_at,
                     t.admitted_by, t.reason, t.discharged_at, t.outcome, t.cause_of_death, t.summary, t.version",
                    "stay t", "t.admitted_at", &f, limit,
                )
                .await?;
            total += self.chart_count("stay t", &f).await?;
        }
        if window.wants(EntryKind::Vitals) {
            let f = filter("t", "taken_at", person_ids, viewer, window, live);
            data.vitals = self
                .chart_rows(
                    "t.id, t.person_id, t.facility_id, t.visit_id, t.stay_id, t.taken_at, t.temperature_c,
                     t.pulse, t.respiratory_rate, t.systolic, t.diastolic, t.spo2, t.weight_kg,
                     t.height_cm, t.muac_mm, t.warnings",
                    "vital_signs t", "t.taken_at", &f, limit,
                )
                .await?;
            total += self.chart_count("vital_signs t", &f).await?;
        }
        if window.wants(EntryKind::Diagnosis) {
            let f = filter("t", "recorded_at", person_ids, viewer, window, live);
            data.diagnoses = self
                .chart_rows(
                    "t.id, t.person_id, t.facility_id, t.visit_id, t.stay_id, t.icd10_code, t.certainty,
                     t.note, t.recorded_at, t.version",
                    "diagnosis t", "t.recorded_at", &f, limit,
                )
                .await?;
            total += self.chart_count("diagnosis t", &f).await?;
        }
        if window.wants(EntryKind::LabResult) {
            // Results show once there are some, at the time they were entered.
            let f = filter(
                "t",
                "resulted_at",
                person_ids,
                viewer,
                window,
                "t.entered_in_error_at IS NULL AND t.state IN ('resulted', 'verified') AND ($HIV = 1 OR t.sensitive = '')",
            );
            let orders: Vec<LabOrder> = self
                .chart_rows(
                    "t.id, t.person_id, t.facility_id, t.visit_id, t.stay_id, t.test_code, t.sensitive,
                     t.state, t.clinical_note, t.ordered_at, t.ordered_by, t.sample_taken_at,
                     t.resulted_at, t.resulted_by, t.verified_at, t.verified_by, t.flag, t.seen_at, t.version",
                    "lab_order t", "t.resulted_at", &f, limit,
                )
                .await?;
            total += self.chart_count("lab_order t", &f).await?;
            let ids: Vec<Id> = orders.iter().map(|o| o.id).collect();
            let mut results: std::collections::HashMap<Id, Vec<LabResult>> = Default::default();
            for chunk in ids.chunks(1000) {
                for result in self.lab_results(chunk).await? {
                    results.entry(result.order_id).or_default().push(result);
                }
            }
            data.lab_orders = orders
                .into_iter()
                .map(|o| {
                    let r = results.remove(&o.id).unwrap_or_default();
                    (o, r)
                })
                .collect();
        }
        if window.wants(EntryKind::Prescription) {
            let f = filter("t", "prescribed_at", person_ids, viewer, window, live);
            data.prescriptions = self
                .chart_rows(
                    "t.id, t.person_id, t.facility_id, t.visit_id, t.stay_id, t.medicine_code, t.dose, t.route,
                     t.frequency, t.duration_days, t.quantity, t.dispensed, t.instructions, t.prescribed_at,
                     t.created_by, t.version",
                    "prescription t", "t.prescribed_at", &f, limit,
                )
                .await?;
            total += self.chart_count("prescription t", &f).await?;
        }
        if window.wants(EntryKind::Dispense) {
            let f = filter(
                "t",
                "moved_at",
                person_ids,
                viewer,
                window,
                "t.kind = 'dispense'",
            );
            data.dispenses = self
                .chart_rows(
                    "t.id, t.batch_id, t.medicine_code, b.batch_number, t.kind, t.quantity, t.balance,
                     t.reason, t.note, t.prescription_id, t.moved_at, t.created_by",
                    "stock_movement t JOIN stock_batch b ON b.id = t.batch_id", "t.moved_at", &f, limit,
                )
                .await?;
            total += self.chart_count("stock_movement t", &f).await?;
        }
        if window.wants(EntryKind::Referral) {
            let f = filter("t", "referred_at", person_ids, viewer, window, live);
            data.referrals = self
                .chart_rows(
                    "t.id, t.person_id, t.facility_id, t.visit_id, t.stay_id, t.to_facility_id, t.to_partner,
                     t.reason, t.urgency, t.referred_at, t.created_by",
                    "referral t", "t.referred_at", &f, limit,
                )
                .await?;
            total += self.chart_count("referral t", &f).await?;
        }
        if window.wants(EntryKind::ProgressNote) {
            let f = filter("t", "written_at", person_ids, viewer, window, live);
            data.progress_notes = self
                .chart_rows(
                    "t.id, t.stay_id, t.written_at, t.note, t.created_by",
                    "progress_note t",
                    "t.written_at",
                    &f,
                    limit,
                )
                .await?;
            total += self.chart_count("progress_note t", &f).await?;
        }
        data.total = total;
        Ok(data)
    }
}
