//! Outpatient visits: check-in and the facility's queue, the clinician's notes and
//! outcome, vital signs, diagnoses and referrals. A check-in counts one treatment
//! provided in the same transaction.

use haven_domain::clinic::vitals::Vitals;
use haven_domain::clinic::{DiagnosisDetails, QueueState, ReferralDetails, VisitNotes, VisitType};
use haven_domain::person::{age_in_years, AgeBand};
use time::Date;

use super::once::{lost_token_race, OnceTokens};
use super::{encounter_owner, Encounter};
use crate::db::{on_pool, BeginWrite};
use crate::ledger::{Actor, Ledger, NewAuditEvent};
use crate::{Id, Result, Store, StoreError, Timestamp};

use super::FormToken;

/// An outpatient visit.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Visit {
    pub id: Id,
    pub person_id: Id,
    pub facility_id: Id,
    /// A [`VisitType`] code.
    pub visit_type: String,
    /// A [`QueueState`] code.
    pub queue_state: String,
    pub checked_in_at: Timestamp,
    pub seen_at: Option<Timestamp>,
    pub clinician_id: Option<Id>,
    pub ended_at: Option<Timestamp>,
    pub complaint: String,
    pub history: String,
    pub examination: String,
    pub plan: String,
    pub follow_up_on: Option<Date>,
    /// A [`haven_domain::clinic::VisitOutcome`] code, or empty.
    pub outcome: String,
    pub created_by: Id,
    pub version: i64,
}

impl Visit {
    pub fn queue_state(&self) -> QueueState {
        QueueState::parse(&self.queue_state).unwrap_or(QueueState::Waiting)
    }
}

/// A visit in a facility's queue, with who the patient is.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct QueueRow {
    pub id: Id,
    pub person_id: Id,
    pub visit_type: String,
    pub queue_state: String,
    pub checked_in_at: Timestamp,
    pub seen_at: Option<Timestamp>,
    pub version: i64,
    pub family_name_km: String,
    pub given_name_km: String,
    pub family_name_latin: String,
    pub given_name_latin: String,
    pub sex: String,
    pub birth_date: Date,
}

impl QueueRow {
    pub fn display_name(&self) -> String {
        haven_domain::person::display_name(
            &self.family_name_km,
            &self.given_name_km,
            &self.family_name_latin,
            &self.given_name_latin,
        )
    }
}

/// A set of vital signs as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct VitalSigns {
    pub id: Id,
    pub person_id: Id,
    pub facility_id: Id,
    pub visit_id: Option<Id>,
    pub stay_id: Option<Id>,
    pub taken_at: Timestamp,
    pub temperature_c: Option<f64>,
    pub pulse: Option<i64>,
    pub respiratory_rate: Option<i64>,
    pub systolic: Option<i64>,
    pub diastolic: Option<i64>,
    pub spo2: Option<i64>,
    pub weight_kg: Option<f64>,
    pub height_cm: Option<f64>,
    pub muac_mm: Option<i64>,
    /// Fields warned as implausible, comma-separated.
    pub warnings: String,
}

impl VitalSigns {
    pub fn warned(&self) -> Vec<&str> {
        self.warnings.split(',').filter(|w| !w.is_empty()).collect()
    }
}

/// A diagnosis as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Diagnosis {
    pub id: Id,
    pub person_id: Id,
    pub facility_id: Id,
    pub visit_id: Option<Id>,
    pub stay_id: Option<Id>,
    pub icd10_code: String,
    pub certainty: String,
    pub note: String,
    pub recorded_at: Timestamp,
    pub version: i64,
}

/// A referral as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Referral {
    pub id: Id,
    pub person_id: Id,
    pub facility_id: Id,
    pub visit_id: Option<Id>,
    pub stay_id: Option<Id>,
    pub to_facility_id: Option<Id>,
    pub to_partner: String,
    pub reason: String,
    pub urgency: String,
    pub referred_at: Timestamp,
    pub created_by: Id,
}

const VISIT_COLUMNS: &str = "id, person_id, facility_id, visit_type, queue_state, checked_in_at, \
     seen_at, clinician_id, ended_at, complaint, history, examination, plan, follow_up_on, \
     outcome, created_by, version";
const VITALS_COLUMNS: &str = "id, person_id, facility_id, visit_id, stay_id, taken_at, \
     temperature_c, pulse, respiratory_rate, systolic, diastolic, spo2, weight_kg, height_cm, \
     muac_mm, warnings";
const DIAGNOSIS_COLUMNS: &str = "id, person_id, facility_id, visit_id, stay_id, icd10_code, \
     certainty, note, recorded_at, version";
const REFERRAL_COLUMNS: &str = "id, person_id, facility_id, visit_id, stay_id, to_facility_id, \
     to_partner, reason, urgency, referred_at, created_by";

/// The month, sex and age band a treatment is counted under.
pub(crate) fn count_keys(sex: &str, born: Date, on: Date) -> (String, String, String) {
    let band = AgeBand::of_age(age_in_years(born, on));
    (
        format!("{:04}-{:02}", on.year(), u8::from(on.month())),
        sex.to_owned(),
        band.code().to_owned(),
    )
}

/// The SQL filter of an encounter's column: `visit_id = $1` or `stay_id = $1`.
pub(crate) fn encounter_column(encounter: Encounter) -> &'static str {
    match encounter {
        Encounter::Visit(_) => "visit_id",
        Encounter::Stay(_) => "stay_id",
    }
}

impl Store {
    /// Settles a create that carried a form token: when it lost the race on the token
    /// to another submit of the same form, the record that one made.
    pub(crate) async fn settle_once(
        &self,
        token: Option<&FormToken>,
        result: Result<Id>,
    ) -> Result<Id> {
        match (result, token) {
            (Err(StoreError::Database(error)), Some(token)) if lost_token_race(&error) => self
                .record_of_token(token)
                .await?
                .ok_or(StoreError::Database(error)),
            (result, _) => result,
        }
    }

    /// Checks a person in at a facility: a visit in the waiting queue, counted as a
    /// treatment provided (month of `today`, the person's sex and age band).
    pub async fn check_in(
        &self,
        actor: &Actor,
        person_id: Id,
        facility_id: Id,
        visit_type: VisitType,
        today: Date,
        token: Option<&FormToken>,
    ) -> Result<Id> {
        let id = Id::new();
        let now = Timestamp::now();
        let result = on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            if let Some(existing) = tx.used_token(token).await? {
                return Ok(existing);
            }
            let person: Option<(String, Date)> = sqlx::query_as(
                "SELECT sex, birth_date FROM person
                 WHERE id = $1 AND merged_into IS NULL AND entered_in_error_at IS NULL",
            )
            .bind(person_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((sex, born)) = person else {
                return Err(StoreError::NotFound { entity: "person" });
            };
            let (month, sex, band) = count_keys(&sex, born, today);
            sqlx::query(
                "INSERT INTO visit (id, site_id, person_id, facility_id, visit_type, queue_state,
                     checked_in_at, count_month, count_sex, count_age_band,
                     created_at, created_by, updated_at, updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, 'waiting', $6, $7, $8, $9, $6, $10, $6, $10, 1)",
            )
            .bind(id)
            .bind(self.site_id)
            .bind(person_id)
            .bind(facility_id)
            .bind(visit_type.code())
            .bind(now)
            .bind(&month)
            .bind(&sex)
            .bind(&band)
            .bind(actor.id)
            .execute(&mut *tx)
            .await
            .map_err(|e| crate::places::missing_as(e, "facility"))?;
            tx.bump_count(facility_id, &month, "visit", &sex, &band, 1).await?;
            tx.append_change("visit", id, 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("visit_check_in", "person", person_id)
                .with_detail(format!("visit={id} facility={facility_id} type={}", visit_type.code()));
            tx.append_audit(actor, &event, now).await?;
            tx.record_token(token, "visit", id, actor, now).await?;
            tx.commit().await?;
            Ok(id)
        });
        self.settle_once(token, result).await
    }

    /// A visit, unless entered in error; not audited (for checks before a page).
    pub async fn visit(&self, id: Id) -> Result<Visit> {
        let sql = format!(
            "SELECT {VISIT_COLUMNS} FROM visit WHERE id = $1 AND entered_in_error_at IS NULL"
        );
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, Visit>(&sql)
                .bind(id)
                .fetch_optional(pool)
                .await?
                .ok_or(StoreError::NotFound { entity: "visit" })
        })
    }

    /// A person's visits, newest first.
    pub async fn visits_of_person(&self, person_ids: &[Id]) -> Result<Vec<Visit>> {
        if person_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {VISIT_COLUMNS} FROM visit
             WHERE person_id IN ({}) AND entered_in_error_at IS NULL
             ORDER BY checked_in_at DESC, id DESC",
            super::placeholders(person_ids.len(), 1)
        );
        on_pool!(&self.pool, pool => {
            let mut query = sqlx::query_as::<_, Visit>(&sql);
            for id in person_ids {
                query = query.bind(*id);
            }
            Ok(query.fetch_all(pool).await?)
        })
    }

    /// A facility's queue: everyone waiting or with a clinician, and the visits done
    /// since `since` (the start of today), in order of arrival.
    pub async fn queue(&self, facility_id: Id, since: Timestamp) -> Result<Vec<QueueRow>> {
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, QueueRow>(
                "SELECT v.id, v.person_id, v.visit_type, v.queue_state, v.checked_in_at, v.seen_at,
                     v.version, p.family_name_km, p.given_name_km, p.family_name_latin,
                     p.given_name_latin, p.sex, p.birth_date
                 FROM visit v JOIN person p ON p.id = v.person_id
                 WHERE v.facility_id = $1 AND v.entered_in_error_at IS NULL
                   AND (v.queue_state <> 'done' OR v.checked_in_at >= $2)
                 ORDER BY CASE v.queue_state WHEN 'with_clinician' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END,
                     v.checked_in_at, v.id",
            )
            .bind(facility_id)
            .bind(since)
            .fetch_all(pool)
            .await?)
        })
    }

    /// A clinician calls the patient in: the visit leaves the waiting queue.
    pub async fn call_in(&self, actor: &Actor, id: Id, version: i64) -> Result<()> {
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = sqlx::query(
                "UPDATE visit SET queue_state = 'with_clinician', seen_at = $1, clinician_id = $2,
                     updated_at = $1, updated_by = $2, version = version + 1
                 WHERE id = $3 AND version = $4 AND queue_state = 'waiting'
                   AND entered_in_error_at IS NULL",
            )
            .bind(now)
            .bind(actor.id)
            .bind(id)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                tx.rollback().await?;
                return Err(self.why_not_changed_visit(id).await);
            }
            tx.append_change("visit", id, version + 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("visit_call_in", "visit", id), now).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Saves the clinician's notes, naming the version read. An outcome ends the
    /// visit (done in the queue); no outcome keeps it open.
    pub async fn save_visit_notes(
        &self,
        actor: &Actor,
        id: Id,
        version: i64,
        notes: &VisitNotes,
    ) -> Result<()> {
        let now = Timestamp::now();
        let outcome = notes.outcome().map(|o| o.code()).unwrap_or("");
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = sqlx::query(
                "UPDATE visit SET complaint = $1, history = $2, examination = $3, plan = $4,
                     follow_up_on = $5, outcome = $6,
                     queue_state = CASE WHEN $6 = '' THEN
                         (CASE WHEN queue_state = 'waiting' THEN 'with_clinician' ELSE queue_state END)
                         ELSE 'done' END,
                     seen_at = COALESCE(seen_at, $7),
                     clinician_id = COALESCE(clinician_id, $8),
                     ended_at = CASE WHEN $6 = '' THEN ended_at ELSE COALESCE(ended_at, $7) END,
                     updated_at = $7, updated_by = $8, version = version + 1
                 WHERE id = $9 AND version = $10 AND entered_in_error_at IS NULL",
            )
            .bind(notes.complaint())
            .bind(notes.history())
            .bind(notes.examination())
            .bind(notes.plan())
            .bind(notes.follow_up_on())
            .bind(outcome)
            .bind(now)
            .bind(actor.id)
            .bind(id)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                tx.rollback().await?;
                return Err(self.why_not_changed_visit(id).await);
            }
            tx.append_change("visit", id, version + 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("visit_notes", "visit", id).with_detail(format!("outcome={outcome}"));
            tx.append_audit(actor, &event, now).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Marks a visit entered in error (who, why), taking back its treatment count.
    pub async fn mark_visit_in_error(
        &self,
        actor: &Actor,
        id: Id,
        version: i64,
        reason: &str,
    ) -> Result<()> {
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let keys: Option<(Id, String, String, String)> = sqlx::query_as(
                "SELECT facility_id, count_month, count_sex, count_age_band FROM visit
                 WHERE id = $1 AND version = $2 AND entered_in_error_at IS NULL",
            )
            .bind(id)
            .bind(version)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((facility, month, sex, band)) = keys else {
                tx.rollback().await?;
                return Err(self.why_not_changed_visit(id).await);
            };
            sqlx::query(
                "UPDATE visit SET entered_in_error_at = $1, entered_in_error_by = $2,
                     entered_in_error_reason = $3, updated_at = $1, updated_by = $2,
                     version = version + 1
                 WHERE id = $4",
            )
            .bind(now)
            .bind(actor.id)
            .bind(reason)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            tx.bump_count(facility, &month, "visit", &sex, &band, -1).await?;
            tx.append_change("visit", id, version + 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("visit_entered_in_error", "visit", id), now).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    async fn why_not_changed_visit(&self, id: Id) -> StoreError {
        match self.why_not_changed("visit", id).await {
            StoreError::NotFound { .. } => StoreError::NotFound { entity: "visit" },
            StoreError::Conflict { .. } => StoreError::Conflict { entity: "visit" },
            other => other,
        }
    }

    /// Records vital signs at a visit or during a stay.
    pub async fn record_vitals(
        &self,
        actor: &Actor,
        encounter: Encounter,
        vitals: &Vitals,
        token: Option<&FormToken>,
    ) -> Result<Id> {
        let id = Id::new();
        let now = Timestamp::now();
        let warnings = vitals.warnings().join(",");
        let result = on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            if let Some(existing) = tx.used_token(token).await? {
                return Ok(existing);
            }
            let (person, facility) = encounter_owner!(tx, encounter);
            sqlx::query(
                "INSERT INTO vital_signs (id, site_id, person_id, facility_id, visit_id, stay_id,
                     taken_at, temperature_c, pulse, respiratory_rate, systolic, diastolic, spo2,
                     weight_kg, height_cm, muac_mm, warnings,
                     created_at, created_by, updated_at, updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
                     $17, $7, $18, $7, $18, 1)",
            )
            .bind(id)
            .bind(self.site_id)
            .bind(person)
            .bind(facility)
            .bind(encounter.visit_id())
            .bind(encounter.stay_id())
            .bind(now)
            .bind(vitals.temperature_c())
            .bind(vitals.pulse())
            .bind(vitals.respiratory_rate())
            .bind(vitals.systolic())
            .bind(vitals.diastolic())
            .bind(vitals.spo2())
            .bind(vitals.weight_kg())
            .bind(vitals.height_cm())
            .bind(vitals.muac_mm())
            .bind(&warnings)
            .bind(actor.id)
            .execute(&mut *tx)
            .await?;
            tx.append_change("vital_signs", id, 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("vitals_record", encounter.entity(), encounter.id())
                .with_detail(format!("vitals={id} warnings={warnings}"));
            tx.append_audit(actor, &event, now).await?;
            tx.record_token(token, "vital_signs", id, actor, now).await?;
            tx.commit().await?;
            Ok(id)
        });
        self.settle_once(token, result).await
    }

    /// The vital signs of an encounter, oldest first (the order a chart draws them).
    pub async fn vitals_of(&self, encounter: Encounter) -> Result<Vec<VitalSigns>> {
        let sql = format!(
            "SELECT {VITALS_COLUMNS} FROM vital_signs
             WHERE {} = $1 AND entered_in_error_at IS NULL ORDER BY taken_at, id",
            encounter_column(encounter)
        );
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, VitalSigns>(&sql).bind(encounter.id()).fetch_all(pool).await?)
        })
    }

    /// Records a diagnosis at a visit or a stay.
    pub async fn add_diagnosis(
        &self,
        actor: &Actor,
        encounter: Encounter,
        diagnosis: &DiagnosisDetails,
        token: Option<&FormToken>,
    ) -> Result<Id> {
        let id = Id::new();
        let now = Timestamp::now();
        let result = on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            if let Some(existing) = tx.used_token(token).await? {
                return Ok(existing);
            }
            let (person, facility) = encounter_owner!(tx, encounter);
            sqlx::query(
                "INSERT INTO diagnosis (id, site_id, person_id, facility_id, visit_id, stay_id,
                     icd10_code, certainty, note, recorded_at,
                     created_at, created_by, updated_at, updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $10, $11, 1)",
            )
            .bind(id)
            .bind(self.site_id)
            .bind(person)
            .bind(facility)
            .bind(encounter.visit_id())
            .bind(encounter.stay_id())
            .bind(diagnosis.code().code())
            .bind(diagnosis.certainty().code())
            .bind(diagnosis.note())
            .bind(now)
            .bind(actor.id)
            .execute(&mut *tx)
            .await?;
            tx.append_change("diagnosis", id, 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("diagnosis_add", encounter.entity(), encounter.id())
                .with_detail(format!("diagnosis={id} icd10={}", diagnosis.code().code()));
            tx.append_audit(actor, &event, now).await?;
            tx.record_token(token, "diagnosis", id, actor, now).await?;
            tx.commit().await?;
            Ok(id)
        });
        self.settle_once(token, result).await
    }

    /// The diagnoses of an encounter, in the order recorded.
    pub async fn diagnoses_of(&self, encounter: Encounter) -> Result<Vec<Diagnosis>> {
        let sql = format!(
            "SELECT {DIAGNOSIS_COLUMNS} FROM diagnosis
             WHERE {} = $1 AND entered_in_error_at IS NULL ORDER BY recorded_at, id",
            encounter_column(encounter)
        );
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, Diagnosis>(&sql).bind(encounter.id()).fetch_all(pool).await?)
        })
    }

    /// Marks a diagnosis entered in error.
    pub async fn mark_diagnosis_in_error(&self, actor: &Actor, id: Id, version: i64) -> Result<()> {
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = sqlx::query(
                "UPDATE diagnosis SET entered_in_error_at = $1, entered_in_error_by = $2,
                     updated_at = $1, updated_by = $2, version = version + 1
                 WHERE id = $3 AND version = $4 AND entered_in_error_at IS NULL",
            )
            .bind(now)
            .bind(actor.id)
            .bind(id)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(StoreError::Conflict { entity: "diagnosis" });
            }
            tx.append_change("diagnosis", id, version + 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("diagnosis_entered_in_error", "diagnosis", id), now).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// A diagnosis by id (entered-in-error ones too: for the check before marking).
    pub async fn diagnosis(&self, id: Id) -> Result<Diagnosis> {
        let sql = format!("SELECT {DIAGNOSIS_COLUMNS} FROM diagnosis WHERE id = $1");
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, Diagnosis>(&sql)
                .bind(id)
                .fetch_optional(pool)
                .await?
                .ok_or(StoreError::NotFound { entity: "diagnosis" })
        })
    }

    /// Refers the patient of an encounter to a facility or a partner.
    pub async fn add_referral(
        &self,
        actor: &Actor,
        encounter: Encounter,
        referral: &ReferralDetails,
        to_facility: Option<Id>,
        token: Option<&FormToken>,
    ) -> Result<Id> {
        let id = Id::new();
        let now = Timestamp::now();
        let result = on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            if let Some(existing) = tx.used_token(token).await? {
                return Ok(existing);
            }
            let (person, facility) = encounter_owner!(tx, encounter);
            sqlx::query(
                "INSERT INTO referral (id, site_id, person_id, facility_id, visit_id, stay_id,
                     to_facility_id, to_partner, reason, urgency, referred_at,
                     created_at, created_by, updated_at, updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $11, $12, 1)",
            )
            .bind(id)
            .bind(self.site_id)
            .bind(person)
            .bind(facility)
            .bind(encounter.visit_id())
            .bind(encounter.stay_id())
            .bind(to_facility)
            .bind(referral.to_partner())
            .bind(referral.reason())
            .bind(referral.urgency().code())
            .bind(now)
            .bind(actor.id)
            .execute(&mut *tx)
            .await
            .map_err(|e| crate::places::missing_as(e, "facility"))?;
            tx.append_change("referral", id, 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("referral_add", encounter.entity(), encounter.id())
                .with_detail(format!("referral={id} urgency={}", referral.urgency().code()));
            tx.append_audit(actor, &event, now).await?;
            tx.record_token(token, "referral", id, actor, now).await?;
            tx.commit().await?;
            Ok(id)
        });
        self.settle_once(token, result).await
    }

    pub async fn referral(&self, id: Id) -> Result<Referral> {
        let sql = format!(
            "SELECT {REFERRAL_COLUMNS} FROM referral WHERE id = $1 AND entered_in_error_at IS NULL"
        );
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, Referral>(&sql)
                .bind(id)
                .fetch_optional(pool)
                .await?
                .ok_or(StoreError::NotFound { entity: "referral" })
        })
    }

    pub async fn referrals_of(&self, encounter: Encounter) -> Result<Vec<Referral>> {
        let sql = format!(
            "SELECT {REFERRAL_COLUMNS} FROM referral
             WHERE {} = $1 AND entered_in_error_at IS NULL ORDER BY referred_at, id",
            encounter_column(encounter)
        );
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, Referral>(&sql).bind(encounter.id()).fetch_all(pool).await?)
        })
    }

    /// Appends an audit event about a clinical record read (a page or an API answer
    /// that shows it): ids only.
    pub async fn audit_clinical_read(
        &self,
        actor: &Actor,
        action: &'static str,
        entity: &'static str,
        id: Id,
        detail: String,
    ) -> Result<()> {
        self.audit(
            actor,
            NewAuditEvent::new(action, entity, id).with_detail(detail),
        )
        .await
    }
}
