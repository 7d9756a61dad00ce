//! What a patient chart shows, for all of a person's records (a merged person's too),
//! left to the web layer to put in the reader's words. Each kind of record is read
//! newest first, only as many as the page needs (`ChartWindow::limit`), within the
//! kinds and dates asked, at the facilities the viewer reaches (in SQL), and counted;
//! lab orders of the HIV class come only to viewers with the permission. A chart of
//! 1,000 encounters thus reads a few hundred rows for its first page, not thousands.
//!
//! Mother and child health and growth (issue 5) add pregnancies, antenatal and
//! postnatal contacts, deliveries, family planning visits, immunisation doses, growth
//! measurements and malnutrition programme admissions, read the same way (their dates
//! are days, compared with the window's days). Syphilis and HIV screening results of
//! antenatal contacts are read, in queries of their own, only for a viewer holding
//! the HIV permission.

use haven_domain::clinic::chart::EntryKind;
use time::Date;

use super::{Diagnosis, MovementRow, ProgressNote, Referral, Stay, Visit, VitalSigns};
use super::{LabOrder, LabResult, PrescriptionRow, Viewer};
use crate::db::on_pool;
use crate::growth::{Admission, GrowthMeasurement};
use crate::mch::{AncContact, Delivery, Dose, FpVisit, PncContact, Pregnancy};
use crate::{Id, Reach, Result, Store, Timestamp};

/// A diagnosis as the chart lists it.
pub type ChartDiagnosis = Diagnosis;
/// A lab order with its results.
pub type ChartLabOrder = (LabOrder, Vec<LabResult>);
/// A prescription.
pub type ChartPrescription = PrescriptionRow;
/// A dispense movement.
pub type ChartDispense = MovementRow;

/// An antenatal contact, with its screening results when the viewer holds the HIV
/// permission (empty otherwise, whatever was recorded).
#[derive(Clone, Debug)]
pub struct ChartAntenatalContact {
    pub contact: AncContact,
    /// A syphilis result code, or empty.
    pub syphilis: String,
    /// HIV result codes of the contact, or none.
    pub hiv: Vec<String>,
}

/// Which part of a chart to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChartWindow {
    /// Empty: every kind.
    pub kinds: Vec<EntryKind>,
    /// From this instant (included) ...
    pub from: Option<Timestamp>,
    /// ... until this one (excluded).
    pub until: Option<Timestamp>,
    /// The same window in days, for records dated by day: from this day (included) ...
    pub from_day: Option<Date>,
    /// ... until this one (excluded).
    pub until_day: Option<Date>,
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
            from_day: None,
            until_day: None,
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
    pub pregnancies: Vec<Pregnancy>,
    pub antenatal_contacts: Vec<ChartAntenatalContact>,
    pub deliveries: Vec<Delivery>,
    pub postnatal_contacts: Vec<PncContact>,
    pub family_planning: Vec<FpVisit>,
    pub doses: Vec<Dose>,
    pub measurements: Vec<GrowthMeasurement>,
    pub nutrition_admissions: Vec<Admission>,
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
            + self.pregnancies.len()
            + self.antenatal_contacts.len()
            + self.deliveries.len()
            + self.postnatal_contacts.len()
            + self.family_planning.len()
            + self.doses.len()
            + self.measurements.len()
            + self.nutrition_admissions.len()
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
    Day(Date),
    Int(i64),
}

/// What a kind's time column holds.
#[derive(Clone, Copy, Debug)]
enum Time {
    Instant,
    Day,
}

/// Whether a kind's records always name their facility. A growth measurement may
/// name none (taken outside any facility); it is then reached as a person
/// registered at no facility is (`Reach::holds(None)`).
#[derive(Clone, Copy, Debug)]
enum FacilityColumn {
    Required,
    Optional,
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
    filter_of(
        (alias, time, Time::Instant, FacilityColumn::Required),
        people,
        viewer,
        window,
        extra,
    )
}

/// The `WHERE` of a kind dated by day.
fn filter_dated(
    alias: &str,
    time: &str,
    facility: FacilityColumn,
    people: &[Id],
    viewer: &Viewer,
    window: &ChartWindow,
    extra: &str,
) -> Filter {
    filter_of(
        (alias, time, Time::Day, facility),
        people,
        viewer,
        window,
        extra,
    )
}

fn filter_of(
    (alias, time, time_kind, facility): (&str, &str, Time, FacilityColumn),
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
    if let Reach::Facilities {
        ids,
        include_unplaced,
    } = &viewer.reach
    {
        let unplaced = match facility {
            FacilityColumn::Optional if *include_unplaced => {
                format!(" OR {alias}.facility_id IS NULL")
            }
            _ => String::new(),
        };
        if ids.is_empty() && unplaced.is_empty() {
            clause.push_str(" AND 1 = 0");
        } else if ids.is_empty() {
            clause.push_str(&format!(" AND {alias}.facility_id IS NULL"));
        } else {
            let first = binds.len() + 1;
            clause.push_str(&format!(
                " AND ({alias}.facility_id IN ({}){unplaced})",
                super::placeholders(ids.len(), first)
            ));
            binds.extend(ids.iter().map(|id| Bind::Id(*id)));
        }
    }
    let (from, until) = match time_kind {
        Time::Instant => (window.from.map(Bind::At), window.until.map(Bind::At)),
        Time::Day => (
            window.from_day.map(Bind::Day),
            window.until_day.map(Bind::Day),
        ),
    };
    if let Some(from) = from {
        binds.push(from);
        clause.push_str(&format!(" AND {alias}.{time} >= ${}", binds.len()));
    }
    if let Some(until) = until {
        binds.push(until);
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
                Bind::Day(v) => query.bind(*v),
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
        total += self
            .chart_mother_and_child(viewer, person_ids, window, limit, &mut data)
            .await?;
        total += self
            .chart_growth(viewer, person_ids, window, limit, &mut data)
            .await?;
        data.total = total;
        Ok(data)
    }

    /// Pregnancies, antenatal contacts (with screening results for the HIV
    /// permission), deliveries, postnatal contacts, family planning and doses; the
    /// number of entries of the kinds asked.
    async fn chart_mother_and_child(
        &self,
        viewer: &Viewer,
        person_ids: &[Id],
        window: &ChartWindow,
        limit: i64,
        data: &mut ChartData,
    ) -> Result<i64> {
        let mut total = 0;
        let required = FacilityColumn::Required;
        let live = "t.entered_in_error_at IS NULL";
        if window.wants(EntryKind::Pregnancy) {
            let f = filter_dated(
                "t",
                "registered_on",
                required,
                person_ids,
                viewer,
                window,
                live,
            );
            data.pregnancies = self
                .chart_rows(
                    "t.id, t.person_id, t.facility_id, t.registered_on, t.lmp, t.ultrasound_on,
                     t.ultrasound_ga_days, t.dating_lmp, t.dating_basis, t.edd, t.gravida, t.para,
                     t.risk_factors, t.notes, t.delivered_on, t.ended_on, t.end_reason, t.end_notes,
                     t.created_at, t.updated_at, t.version, p.family_name_km, p.given_name_km,
                     p.family_name_latin, p.given_name_latin, p.birth_date",
                    "pregnancy t JOIN person p ON p.id = t.person_id",
                    "t.registered_on",
                    &f,
                    limit,
                )
                .await?;
            total += self.chart_count("pregnancy t", &f).await?;
        }
        // Contacts of a pregnancy registered in error leave with it.
        let of_live_pregnancy = "t.entered_in_error_at IS NULL AND g.entered_in_error_at IS NULL";
        if window.wants(EntryKind::AntenatalContact) {
            let f = filter_dated(
                "t",
                "contact_on",
                required,
                person_ids,
                viewer,
                window,
                of_live_pregnancy,
            );
            let from = "anc_contact t JOIN pregnancy g ON g.id = t.pregnancy_id";
            let contacts: Vec<AncContact> = self
                .chart_rows(
                    "t.id, t.pregnancy_id, t.person_id, t.facility_id, t.contact_on, t.contact_number,
                     t.gestational_age_days, t.systolic, t.diastolic, t.weight_kg, t.fundal_height_cm,
                     t.fetal_heart_bpm, t.haemoglobin_g_dl, t.td_given, t.iron_folic_acid,
                     t.danger_signs, t.urgent, t.notes, t.created_at, t.version",
                    from,
                    "t.contact_on",
                    &f,
                    limit,
                )
                .await?;
            total += self.chart_count(from, &f).await?;
            data.antenatal_contacts = self.with_screenings(viewer, contacts).await?;
        }
        if window.wants(EntryKind::Delivery) {
            let f = filter_dated(
                "t",
                "delivered_on",
                required,
                person_ids,
                viewer,
                window,
                "g.entered_in_error_at IS NULL",
            );
            data.deliveries = self
                .chart_rows(
                    "t.id, t.pregnancy_id, t.person_id, t.facility_id, t.delivered_on, t.delivered_time,
                     t.gestational_age_days, t.place, t.attendant, t.mode, t.complications,
                     t.mother_outcome, t.notes, t.created_at, t.version, p.family_name_km,
                     p.given_name_km, p.family_name_latin, p.given_name_latin",
                    "delivery t JOIN pregnancy g ON g.id = t.pregnancy_id JOIN person p ON p.id = t.person_id",
                    "t.delivered_on",
                    &f,
                    limit,
                )
                .await?;
            total += self
                .chart_count("delivery t JOIN pregnancy g ON g.id = t.pregnancy_id", &f)
                .await?;
        }
        if window.wants(EntryKind::PostnatalContact) {
            let f = filter_dated(
                "t",
                "contact_on",
                required,
                person_ids,
                viewer,
                window,
                live,
            );
            data.postnatal_contacts = self
                .chart_rows(
                    "t.id, t.delivery_id, t.person_id, t.facility_id, t.contact_on, t.contact_number,
                     t.day_after_birth, t.temperature_c, t.weight_g, t.breastfeeding, t.danger_signs,
                     t.urgent, t.notes, t.created_at, t.version",
                    "pnc_contact t",
                    "t.contact_on",
                    &f,
                    limit,
                )
                .await?;
            total += self.chart_count("pnc_contact t", &f).await?;
        }
        if window.wants(EntryKind::FamilyPlanning) {
            let f = filter_dated("t", "visit_on", required, person_ids, viewer, window, live);
            data.family_planning = self
                .chart_rows(
                    "t.id, t.person_id, t.facility_id, t.visit_on, t.counselled, t.method, t.quantity,
                     t.follow_up_on, t.notes, t.created_at, t.version, p.family_name_km,
                     p.given_name_km, p.family_name_latin, p.given_name_latin",
                    "fp_visit t JOIN person p ON p.id = t.person_id",
                    "t.visit_on",
                    &f,
                    limit,
                )
                .await?;
            total += self.chart_count("fp_visit t", &f).await?;
        }
        if window.wants(EntryKind::Immunisation) {
            let f = filter_dated("t", "given_on", required, person_ids, viewer, window, live);
            data.doses = self
                .chart_rows(
                    "t.id, t.person_id, t.facility_id, t.antigen, t.dose_number, t.cvx, t.given_on,
                     t.lot, t.given_by, t.anc_contact_id, t.created_at, t.version",
                    "immunisation_dose t",
                    "t.given_on",
                    &f,
                    limit,
                )
                .await?;
            total += self.chart_count("immunisation_dose t", &f).await?;
        }
        Ok(total)
    }

    /// The screening results of these contacts, for a viewer holding the HIV
    /// permission; none otherwise (not even read).
    async fn with_screenings(
        &self,
        viewer: &Viewer,
        contacts: Vec<AncContact>,
    ) -> Result<Vec<ChartAntenatalContact>> {
        let mut syphilis: std::collections::HashMap<Id, String> = Default::default();
        let mut hiv: std::collections::HashMap<Id, Vec<String>> = Default::default();
        if viewer.hiv {
            let ids: Vec<Id> = contacts.iter().map(|c| c.id).collect();
            for chunk in ids.chunks(500) {
                let list = super::placeholders(chunk.len(), 1);
                let sql = format!(
                    "SELECT id, syphilis_result FROM anc_contact
                     WHERE id IN ({list}) AND syphilis_result <> ''"
                );
                let rows: Vec<(Id, String)> = on_pool!(&self.pool, pool => {
                    let mut q = sqlx::query_as::<_, (Id, String)>(&sql);
                    for id in chunk {
                        q = q.bind(*id);
                    }
                    q.fetch_all(pool).await?
                });
                syphilis.extend(rows);
                let sql = format!(
                    "SELECT anc_contact_id, result FROM hiv_screening
                     WHERE anc_contact_id IN ({list}) ORDER BY tested_on, created_at"
                );
                let rows: Vec<(Id, String)> = on_pool!(&self.pool, pool => {
                    let mut q = sqlx::query_as::<_, (Id, String)>(&sql);
                    for id in chunk {
                        q = q.bind(*id);
                    }
                    q.fetch_all(pool).await?
                });
                for (contact, result) in rows {
                    hiv.entry(contact).or_default().push(result);
                }
            }
        }
        Ok(contacts
            .into_iter()
            .map(|contact| ChartAntenatalContact {
                syphilis: syphilis.remove(&contact.id).unwrap_or_default(),
                hiv: hiv.remove(&contact.id).unwrap_or_default(),
                contact,
            })
            .collect())
    }

    /// Growth measurements and malnutrition programme admissions; the number of
    /// entries of the kinds asked.
    async fn chart_growth(
        &self,
        viewer: &Viewer,
        person_ids: &[Id],
        window: &ChartWindow,
        limit: i64,
        data: &mut ChartData,
    ) -> Result<i64> {
        let mut total = 0;
        let live = "t.entered_in_error_at IS NULL";
        if window.wants(EntryKind::Growth) {
            let f = filter_dated(
                "t",
                "measured_on",
                FacilityColumn::Optional,
                person_ids,
                viewer,
                window,
                live,
            );
            data.measurements = self
                .chart_rows(
                    "t.id, t.person_id, t.facility_id, t.visit_id, t.measured_on, t.weight_kg,
                     t.length_cm, t.position, t.head_cm, t.muac_mm, t.triceps_mm, t.subscapular_mm,
                     t.oedema, t.note, t.created_at, t.created_by, t.version",
                    "growth_measurement t",
                    "t.measured_on",
                    &f,
                    limit,
                )
                .await?;
            total += self.chart_count("growth_measurement t", &f).await?;
        }
        if window.wants(EntryKind::NutritionAdmission) {
            let f = filter_dated(
                "t",
                "admitted_on",
                FacilityColumn::Required,
                person_ids,
                viewer,
                window,
                live,
            );
            data.nutrition_admissions = self
                .chart_rows(
                    "t.id, t.person_id, t.facility_id, t.programme, t.admitted_on,
                     t.admitted_by_indicator, t.measurement_id, t.complications, t.appetite_test,
                     t.discharged_on, t.outcome, t.discharge_note, t.created_at, t.version",
                    "nutrition_admission t",
                    "t.admitted_on",
                    &f,
                    limit,
                )
                .await?;
            total += self.chart_count("nutrition_admission t", &f).await?;
        }
        Ok(total)
    }
}
