//! The malnutrition programme: admissions to OTP, a stabilisation centre or supplementary
//! feeding (with the admitting indicator), weekly follow-ups (a measurement each, with the
//! appetite test), discharges with their outcome, and the outcomes per facility and month.

use haven_domain::growth::nutrition::{
    AppetiteTest, DischargeOutcome, OutcomeCounts, Programme, Wasting,
};
use time::Date;

use super::{GrowthWrites, NewMeasurement};
use crate::db::{on_pool, BeginWrite};
use crate::ledger::{Actor, Ledger, NewAuditEvent};
use crate::places::missing_as;
use crate::{Id, Result, Store, StoreError, Timestamp};

/// An admission to a malnutrition programme.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Admission {
    pub id: Id,
    pub person_id: Id,
    pub facility_id: Id,
    /// A [`Programme`] code.
    pub programme: String,
    pub admitted_on: Date,
    /// A [`Wasting`] code: what admitted the child.
    pub admitted_by_indicator: String,
    pub measurement_id: Option<Id>,
    pub complications: bool,
    /// An [`AppetiteTest`] code.
    pub appetite_test: String,
    pub discharged_on: Option<Date>,
    /// A [`DischargeOutcome`] code, once discharged.
    pub outcome: Option<String>,
    pub discharge_note: String,
    pub created_at: Timestamp,
    pub version: i64,
}

impl Admission {
    pub fn programme(&self) -> Option<Programme> {
        Programme::parse(&self.programme)
    }
    pub fn admitted_by(&self) -> Wasting {
        Wasting::parse(&self.admitted_by_indicator).unwrap_or(Wasting::None)
    }
    pub fn outcome(&self) -> Option<DischargeOutcome> {
        self.outcome.as_deref().and_then(DischargeOutcome::parse)
    }
    pub fn is_open(&self) -> bool {
        self.discharged_on.is_none()
    }
}

/// A new admission.
#[derive(Clone, Debug)]
pub struct NewAdmission {
    pub person_id: Id,
    pub facility_id: Id,
    pub programme: Programme,
    pub admitted_on: Date,
    /// The indicator that admitted the child; not [`Wasting::None`].
    pub admitted_by: Wasting,
    /// The measurement that admitted the child, if it was recorded.
    pub measurement_id: Option<Id>,
    pub complications: bool,
    pub appetite_test: AppetiteTest,
}

/// A weekly follow-up: its measurement and appetite test.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FollowUp {
    pub id: Id,
    pub admission_id: Id,
    pub measurement_id: Id,
    pub followed_on: Date,
    pub appetite_test: String,
    pub note: String,
    pub version: i64,
}

/// A new follow-up, with the measurement taken at it.
#[derive(Clone, Debug)]
pub struct NewFollowUp {
    pub measurement: NewMeasurement,
    pub appetite_test: AppetiteTest,
    pub note: String,
}

/// One facility's discharges in one month, by outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthlyOutcomes {
    pub facility_id: Id,
    /// The first day of the month.
    pub month: Date,
    pub counts: OutcomeCounts,
}

const ADMISSION_COLUMNS: &str = "id, person_id, facility_id, programme, admitted_on, \
     admitted_by_indicator, measurement_id, complications, appetite_test, discharged_on, outcome, \
     discharge_note, created_at, version";

impl Store {
    /// Admits a child to a programme. A child is in one programme at a time
    /// (`Duplicate { field: "person" }` while another admission is open).
    #[tracing::instrument(skip_all, fields(person = %new.person_id))]
    pub async fn admit_to_programme(&self, actor: &Actor, new: &NewAdmission) -> Result<Admission> {
        let id = Id::new();
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let usable: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM person WHERE id = $1 AND merged_into IS NULL AND entered_in_error_at IS NULL",
            )
            .bind(new.person_id)
            .fetch_one(&mut *tx)
            .await?;
            if usable == 0 {
                return Err(StoreError::NotFound { entity: "person" });
            }
            let open: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM nutrition_admission
                 WHERE person_id = $1 AND discharged_on IS NULL AND entered_in_error_at IS NULL",
            )
            .bind(new.person_id)
            .fetch_one(&mut *tx)
            .await?;
            if open > 0 {
                return Err(StoreError::Duplicate { field: "person" });
            }
            sqlx::query(
                "INSERT INTO nutrition_admission (id, site_id, person_id, facility_id, programme,
                     admitted_on, admitted_by_indicator, measurement_id, complications, appetite_test,
                     created_at, created_by, updated_at, updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $11, $12, 1)",
            )
            .bind(id)
            .bind(self.site_id)
            .bind(new.person_id)
            .bind(new.facility_id)
            .bind(new.programme.code())
            .bind(new.admitted_on)
            .bind(new.admitted_by.code())
            .bind(new.measurement_id)
            .bind(new.complications)
            .bind(new.appetite_test.code())
            .bind(now)
            .bind(actor.id)
            .execute(&mut *tx)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate { field: "person" },
                _ => missing_as(e, "facility"),
            })?;
            tx.append_change("nutrition_admission", id, 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("nutrition_admit", "person", new.person_id)
                .with_detail(format!("{} {} {}", id, new.programme.code(), new.admitted_by.code()));
            tx.append_audit(actor, &event, now).await?;
            tx.commit().await?;
        });
        self.nutrition_admission(id).await
    }

    pub async fn nutrition_admission(&self, id: Id) -> Result<Admission> {
        let sql = format!(
            "SELECT {ADMISSION_COLUMNS} FROM nutrition_admission WHERE id = $1 AND entered_in_error_at IS NULL"
        );
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, Admission>(&sql)
                .bind(id)
                .fetch_optional(pool)
                .await?
                .ok_or(StoreError::NotFound { entity: "admission" })
        })
    }

    /// A person's admissions, newest first.
    pub async fn nutrition_admissions_of(&self, person_id: Id) -> Result<Vec<Admission>> {
        let sql = format!(
            "SELECT {ADMISSION_COLUMNS} FROM nutrition_admission \
             WHERE person_id = $1 AND entered_in_error_at IS NULL ORDER BY admitted_on DESC, created_at DESC"
        );
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, Admission>(&sql).bind(person_id).fetch_all(pool).await?)
        })
    }

    /// The children in a programme now at these facilities, oldest admission first.
    pub async fn open_admissions(&self, facility_ids: &[Id]) -> Result<Vec<Admission>> {
        let mut all = Vec::new();
        for chunk in facility_ids.chunks(200) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT {ADMISSION_COLUMNS} FROM nutrition_admission \
                 WHERE facility_id IN ({}) AND discharged_on IS NULL AND entered_in_error_at IS NULL \
                 ORDER BY admitted_on, created_at",
                placeholders.join(", ")
            );
            let rows: Vec<Admission> = on_pool!(&self.pool, pool => {
                let mut query = sqlx::query_as::<_, Admission>(&sql);
                for id in chunk {
                    query = query.bind(*id);
                }
                query.fetch_all(pool).await?
            });
            all.extend(rows);
        }
        all.sort_by_key(|a| (a.admitted_on, a.created_at));
        Ok(all)
    }

    /// Records a weekly follow-up and its measurement in one transaction. The admission
    /// must be open (`Conflict` once discharged).
    pub async fn record_follow_up(
        &self,
        actor: &Actor,
        admission_id: Id,
        new: &NewFollowUp,
    ) -> Result<FollowUp> {
        let admission = self.nutrition_admission(admission_id).await?;
        if !admission.is_open() {
            return Err(StoreError::Conflict {
                entity: "admission",
            });
        }
        if admission.person_id != new.measurement.person_id {
            return Err(StoreError::NotFound {
                entity: "admission",
            });
        }
        let id = Id::new();
        let measurement_id = Id::new();
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            tx.insert_measurement(self.site_id, actor, measurement_id, &new.measurement, now).await?;
            sqlx::query(
                "INSERT INTO nutrition_follow_up (id, site_id, admission_id, measurement_id, followed_on,
                     appetite_test, note, created_at, created_by, updated_at, updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $9, 1)",
            )
            .bind(id)
            .bind(self.site_id)
            .bind(admission_id)
            .bind(measurement_id)
            .bind(new.measurement.measured_on)
            .bind(new.appetite_test.code())
            .bind(haven_domain::text::normalise(&new.note))
            .bind(now)
            .bind(actor.id)
            .execute(&mut *tx)
            .await?;
            tx.append_change("nutrition_follow_up", id, 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("nutrition_follow_up", "person", admission.person_id)
                .with_detail(admission_id.to_string());
            tx.append_audit(actor, &event, now).await?;
            tx.commit().await?;
        });
        self.follow_ups_of(admission_id)
            .await?
            .into_iter()
            .find(|f| f.id == id)
            .ok_or(StoreError::NotFound {
                entity: "follow-up",
            })
    }

    /// An admission's follow-ups, oldest first.
    pub async fn follow_ups_of(&self, admission_id: Id) -> Result<Vec<FollowUp>> {
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, FollowUp>(
                "SELECT f.id, f.admission_id, f.measurement_id, f.followed_on, f.appetite_test, f.note, f.version
                 FROM nutrition_follow_up f JOIN growth_measurement m ON m.id = f.measurement_id
                 WHERE f.admission_id = $1 AND m.entered_in_error_at IS NULL
                 ORDER BY f.followed_on, f.created_at",
            )
            .bind(admission_id)
            .fetch_all(pool)
            .await?)
        })
    }

    /// Discharges a child with an outcome, naming the version read.
    pub async fn discharge_from_programme(
        &self,
        actor: &Actor,
        id: Id,
        version: i64,
        discharged_on: Date,
        outcome: DischargeOutcome,
        note: &str,
    ) -> Result<Admission> {
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = sqlx::query(
                "UPDATE nutrition_admission SET discharged_on = $1, outcome = $2, discharge_note = $3,
                     updated_at = $4, updated_by = $5, version = version + 1
                 WHERE id = $6 AND version = $7 AND discharged_on IS NULL AND entered_in_error_at IS NULL",
            )
            .bind(discharged_on)
            .bind(outcome.code())
            .bind(haven_domain::text::normalise(note))
            .bind(now)
            .bind(actor.id)
            .bind(id)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                tx.rollback().await?;
                return Err(match self.why_not_changed("nutrition_admission", id).await {
                    StoreError::NotFound { .. } => StoreError::NotFound { entity: "admission" },
                    StoreError::Conflict { .. } => StoreError::Conflict { entity: "admission" },
                    other => other,
                });
            }
            tx.append_change("nutrition_admission", id, version + 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("nutrition_discharge", "nutrition_admission", id)
                .with_detail(outcome.code());
            tx.append_audit(actor, &event, now).await?;
            tx.commit().await?;
        });
        self.nutrition_admission(id).await
    }

    /// Discharges per facility and month (by the discharge date) from `from` to `to`
    /// inclusive, for these facilities; months with none are left out. Counted in Rust
    /// from one indexed range read: the programme discharges a few children a week.
    pub async fn programme_outcomes(
        &self,
        facility_ids: &[Id],
        from: Date,
        to: Date,
    ) -> Result<Vec<MonthlyOutcomes>> {
        let mut rows: Vec<(Id, Date, String)> = Vec::new();
        for chunk in facility_ids.chunks(200) {
            let placeholders: Vec<String> = (3..chunk.len() + 3).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT facility_id, discharged_on, outcome FROM nutrition_admission \
                 WHERE discharged_on >= $1 AND discharged_on <= $2 AND entered_in_error_at IS NULL \
                   AND facility_id IN ({})",
                placeholders.join(", ")
            );
            let found: Vec<(Id, Date, String)> = on_pool!(&self.pool, pool => {
                let mut query = sqlx::query_as::<_, (Id, Date, String)>(&sql).bind(from).bind(to);
                for id in chunk {
                    query = query.bind(*id);
                }
                query.fetch_all(pool).await?
            });
            rows.extend(found);
        }
        let mut months: Vec<MonthlyOutcomes> = Vec::new();
        for (facility_id, on, outcome) in rows {
            let Some(outcome) = DischargeOutcome::parse(&outcome) else {
                continue;
            };
            let month = on.replace_day(1).unwrap_or(on);
            match months
                .iter_mut()
                .find(|m| m.facility_id == facility_id && m.month == month)
            {
                Some(entry) => entry.counts.add(outcome),
                None => {
                    let mut counts = OutcomeCounts::default();
                    counts.add(outcome);
                    months.push(MonthlyOutcomes {
                        facility_id,
                        month,
                        counts,
                    });
                }
            }
        }
        months.sort_by_key(|m| (m.month, m.facility_id));
        Ok(months)
    }
}
