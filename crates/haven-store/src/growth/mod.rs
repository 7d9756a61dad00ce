//! Persistence of growth monitoring and nutrition: measurements, WHO z-scores, growth charts, the growth calculator, the child health card and the malnutrition programme (issue 5).
//!
//! Only what was measured is stored (weight, length or height with position, head
//! circumference, MUAC, skinfolds, oedema, the date, the facility, who); z-scores are
//! computed from it with `haven_domain::growth` when read, so that a corrected date of
//! birth (common for children who arrive without papers) corrects every z-score too.
//! Nothing is deleted: a measurement or an admission entered in error is marked so.

mod demo;
mod programme;

pub use programme::{Admission, FollowUp, MonthlyOutcomes, NewAdmission, NewFollowUp};

/// The audit actions of this part (recorded here or by its pages), for the audit
/// trail's filter and labels.
pub const GROWTH_AUDIT_ACTIONS: &[&str] = &[
    "growth_measurement_record",
    "growth_measurement_error",
    "growth_read",
    "growth_card",
    "nutrition_admit",
    "nutrition_follow_up",
    "nutrition_discharge",
    "nutrition_read",
];

use haven_domain::growth::{GrowthSex, Measurements, Position};
use time::Date;

use crate::db::{on_pool, BeginWrite};
use crate::ledger::{Actor, Ledger, NewAuditEvent};
use crate::places::missing_as;
use crate::{Id, Person, Result, Store, StoreError, Timestamp};

/// A measurement as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct GrowthMeasurement {
    pub id: Id,
    pub person_id: Id,
    pub facility_id: Option<Id>,
    pub visit_id: Option<Id>,
    pub measured_on: Date,
    pub weight_kg: Option<f64>,
    pub length_cm: Option<f64>,
    /// `lying` or `standing`, with a length.
    pub position: Option<String>,
    pub head_cm: Option<f64>,
    pub muac_mm: Option<f64>,
    pub triceps_mm: Option<f64>,
    pub subscapular_mm: Option<f64>,
    pub oedema: bool,
    pub note: String,
    pub created_at: Timestamp,
    pub created_by: Id,
    pub version: i64,
}

impl GrowthMeasurement {
    /// The values as the domain reads them.
    pub fn values(&self) -> Measurements {
        Measurements::from_stored(
            self.weight_kg,
            self.length_cm,
            self.position.as_deref().and_then(Position::parse),
            self.head_cm,
            self.muac_mm,
            self.triceps_mm,
            self.subscapular_mm,
            self.oedema,
        )
    }
}

/// A new measurement of a person.
#[derive(Clone, Debug)]
pub struct NewMeasurement {
    pub person_id: Id,
    pub facility_id: Option<Id>,
    /// The clinic's visit, when there is one (no foreign key until the parts are merged).
    pub visit_id: Option<Id>,
    pub measured_on: Date,
    pub values: Measurements,
    pub note: String,
}

/// A child of a facility with their latest measurement, for a growth-monitoring session.
#[derive(Clone, Debug)]
pub struct SessionChild {
    pub person: Person,
    pub latest: Option<GrowthMeasurement>,
}

pub(crate) const MEASUREMENT_COLUMNS: &str = "id, person_id, facility_id, visit_id, measured_on, \
     weight_kg, length_cm, position, head_cm, muac_mm, triceps_mm, subscapular_mm, oedema, note, \
     created_at, created_by, version";

/// The sex WHO's tables need, from the person's record.
pub fn growth_sex(person: &Person) -> Option<GrowthSex> {
    GrowthSex::from_person(person.sex())
}

impl Store {
    /// Records a measurement; the person must exist (`NotFound { entity: "person" }`) and be
    /// neither merged nor entered in error.
    #[tracing::instrument(skip_all, fields(person = %new.person_id))]
    pub async fn record_measurement(
        &self,
        actor: &Actor,
        new: &NewMeasurement,
    ) -> Result<GrowthMeasurement> {
        let id = Id::new();
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            tx.insert_measurement(self.site_id, actor, id, new, now).await?;
            tx.commit().await?;
        });
        self.measurement(id).await
    }

    pub async fn measurement(&self, id: Id) -> Result<GrowthMeasurement> {
        let sql = format!(
            "SELECT {MEASUREMENT_COLUMNS} FROM growth_measurement \
             WHERE id = $1 AND entered_in_error_at IS NULL"
        );
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, GrowthMeasurement>(&sql)
                .bind(id)
                .fetch_optional(pool)
                .await?
                .ok_or(StoreError::NotFound { entity: "measurement" })
        })
    }

    /// A person's measurements, oldest first, leaving out those entered in error. Not
    /// audited: pages that show them call [`Store::read_growth`].
    pub async fn measurements_of(&self, person_id: Id) -> Result<Vec<GrowthMeasurement>> {
        let sql = format!(
            "SELECT {MEASUREMENT_COLUMNS} FROM growth_measurement \
             WHERE person_id = $1 AND entered_in_error_at IS NULL \
             ORDER BY measured_on, created_at"
        );
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, GrowthMeasurement>(&sql).bind(person_id).fetch_all(pool).await?)
        })
    }

    /// The measurements recorded at an outpatient visit (not entered in error), oldest first.
    pub async fn measurements_at_visit(&self, visit_id: Id) -> Result<Vec<GrowthMeasurement>> {
        let sql = format!(
            "SELECT {MEASUREMENT_COLUMNS} FROM growth_measurement \
             WHERE visit_id = $1 AND entered_in_error_at IS NULL \
             ORDER BY measured_on, created_at"
        );
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, GrowthMeasurement>(&sql).bind(visit_id).fetch_all(pool).await?)
        })
    }

    /// A person's measurements as a user reads them: the read is audited (`growth_read`).
    pub async fn read_growth(
        &self,
        actor: &Actor,
        person_id: Id,
    ) -> Result<Vec<GrowthMeasurement>> {
        let measurements = self.measurements_of(person_id).await?;
        self.audit_person(actor, "growth_read", person_id, "")
            .await?;
        Ok(measurements)
    }

    /// Marks a measurement entered in error (who, when, why), naming the version read; it
    /// leaves every view and chart.
    pub async fn mark_measurement_in_error(
        &self,
        actor: &Actor,
        id: Id,
        version: i64,
        reason: &str,
    ) -> Result<()> {
        let now = Timestamp::now();
        let reason = haven_domain::text::normalise(reason);
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = sqlx::query(
                "UPDATE growth_measurement SET entered_in_error_at = $1, entered_in_error_by = $2,
                     entered_in_error_reason = $3, updated_at = $1, updated_by = $2,
                     version = version + 1
                 WHERE id = $4 AND version = $5 AND entered_in_error_at IS NULL",
            )
            .bind(now)
            .bind(actor.id)
            .bind(&reason)
            .bind(id)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                tx.rollback().await?;
                return Err(match self.why_not_changed("growth_measurement", id).await {
                    StoreError::NotFound { .. } => StoreError::NotFound { entity: "measurement" },
                    StoreError::Conflict { .. } => StoreError::Conflict { entity: "measurement" },
                    other => other,
                });
            }
            tx.append_change("growth_measurement", id, version + 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("growth_measurement_error", "growth_measurement", id);
            tx.append_audit(actor, &event, now).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The children registered at a facility and born on or after `born_on_or_after`
    /// (living, not merged, not entered in error), by name, each with their latest
    /// measurement; at most `limit`.
    pub async fn growth_session_children(
        &self,
        facility_id: Id,
        born_on_or_after: Date,
        limit: i64,
    ) -> Result<Vec<SessionChild>> {
        let ids: Vec<Id> = on_pool!(&self.pool, pool => {
            sqlx::query_scalar(
                "SELECT id FROM person
                 WHERE registered_facility_id = $1 AND birth_date >= $2 AND merged_into IS NULL
                   AND entered_in_error_at IS NULL AND died_on IS NULL
                 ORDER BY family_name_latin, given_name_latin, family_name_km, given_name_km, id
                 LIMIT $3",
            )
            .bind(facility_id)
            .bind(born_on_or_after)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        let people = self.people(&ids).await?;
        let latest = self.latest_measurements(&ids).await?;
        Ok(people
            .into_iter()
            .map(|person| {
                let latest = latest.iter().find(|m| m.person_id == person.id).cloned();
                SessionChild { person, latest }
            })
            .collect())
    }

    /// The latest measurement of each of these people (those with one).
    pub async fn latest_measurements(&self, person_ids: &[Id]) -> Result<Vec<GrowthMeasurement>> {
        let mut latest: Vec<GrowthMeasurement> = Vec::new();
        // A chunk at a time keeps the parameter list within both databases' limits.
        for chunk in person_ids.chunks(200) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT {MEASUREMENT_COLUMNS} FROM growth_measurement \
                 WHERE person_id IN ({}) AND entered_in_error_at IS NULL \
                 ORDER BY person_id, measured_on DESC, created_at DESC",
                placeholders.join(", ")
            );
            let rows: Vec<GrowthMeasurement> = on_pool!(&self.pool, pool => {
                let mut query = sqlx::query_as::<_, GrowthMeasurement>(&sql);
                for id in chunk {
                    query = query.bind(*id);
                }
                query.fetch_all(pool).await?
            });
            for row in rows {
                if latest.last().is_none_or(|m| m.person_id != row.person_id) {
                    latest.push(row);
                }
            }
        }
        Ok(latest)
    }
}

/// Writes inside a caller's transaction, for both databases' connections.
pub(crate) trait GrowthWrites {
    /// Inserts a measurement with its change-log row and audit event (a follow-up records
    /// one together with itself).
    async fn insert_measurement(
        &mut self,
        site_id: Id,
        actor: &Actor,
        id: Id,
        new: &NewMeasurement,
        now: Timestamp,
    ) -> Result<()>;
}

macro_rules! impl_growth_writes {
    ($connection:ty) => {
        impl GrowthWrites for $connection {
            async fn insert_measurement(
                &mut self,
                site_id: Id,
                actor: &Actor,
                id: Id,
                new: &NewMeasurement,
                now: Timestamp,
            ) -> Result<()> {
                let usable: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM person
                     WHERE id = $1 AND merged_into IS NULL AND entered_in_error_at IS NULL",
                )
                .bind(new.person_id)
                .fetch_one(&mut *self)
                .await?;
                if usable == 0 {
                    return Err(StoreError::NotFound { entity: "person" });
                }
                let values = &new.values;
                let (length, position) = match values.length() {
                    Some((cm, position)) => (Some(cm), Some(position.code())),
                    None => (None, None),
                };
                sqlx::query(
                    "INSERT INTO growth_measurement (id, site_id, person_id, facility_id, visit_id,
                         measured_on, weight_kg, length_cm, position, head_cm, muac_mm, triceps_mm,
                         subscapular_mm, oedema, note, created_at, created_by, updated_at,
                         updated_by, version)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                         $16, $17, $16, $17, 1)",
                )
                .bind(id)
                .bind(site_id)
                .bind(new.person_id)
                .bind(new.facility_id)
                .bind(new.visit_id)
                .bind(new.measured_on)
                .bind(values.weight_kg())
                .bind(length)
                .bind(position)
                .bind(values.head_cm())
                .bind(values.muac_mm())
                .bind(values.triceps_mm())
                .bind(values.subscapular_mm())
                .bind(values.oedema())
                .bind(haven_domain::text::normalise(&new.note))
                .bind(now)
                .bind(actor.id)
                .execute(&mut *self)
                .await
                .map_err(|e| missing_as(e, "facility"))?;
                self.append_change("growth_measurement", id, 1, site_id, actor, now)
                    .await?;
                let event = NewAuditEvent::new("growth_measurement_record", "person", new.person_id)
                    .with_detail(id.to_string());
                self.append_audit(actor, &event, now).await?;
                Ok(())
            }
        }
    };
}

impl_growth_writes!(sqlx::SqliteConnection);
impl_growth_writes!(sqlx::PgConnection);
