//! Inpatient stays: admission to a bed (from a visit or directly), the bed board,
//! transfers, progress notes, the medication administration record, discharge, and
//! bed occupancy and length of stay per ward and month. One current stay per bed and
//! per person, held by partial unique indexes, so two admissions to one bed at once
//! cannot both succeed on either database.

use haven_domain::clinic::{stay_days, AdministrationStatus, Discharge};
use time::Date;

use super::once::OnceTokens;
use super::visits::count_keys;
use super::FormToken;
use crate::db::{on_pool, BeginWrite};
use crate::ledger::{Actor, Ledger, NewAuditEvent};
use crate::{Id, Result, Store, StoreError, Timestamp};

/// An inpatient stay.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Stay {
    pub id: Id,
    pub person_id: Id,
    pub facility_id: Id,
    pub visit_id: Option<Id>,
    pub ward_id: Id,
    pub bed_id: Id,
    pub admitted_at: Timestamp,
    pub admitted_by: Id,
    pub reason: String,
    pub discharged_at: Option<Timestamp>,
    pub outcome: String,
    pub cause_of_death: String,
    pub summary: String,
    pub version: i64,
}

/// A bed of a ward's board: free, or who lies in it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct BedBoardRow {
    pub bed_id: Id,
    pub label: String,
    pub stay_id: Option<Id>,
    pub person_id: Option<Id>,
    pub admitted_at: Option<Timestamp>,
    pub family_name_km: Option<String>,
    pub given_name_km: Option<String>,
    pub family_name_latin: Option<String>,
    pub given_name_latin: Option<String>,
}

impl BedBoardRow {
    pub fn occupant(&self) -> Option<String> {
        self.person_id?;
        Some(haven_domain::person::display_name(
            self.family_name_km.as_deref().unwrap_or(""),
            self.given_name_km.as_deref().unwrap_or(""),
            self.family_name_latin.as_deref().unwrap_or(""),
            self.given_name_latin.as_deref().unwrap_or(""),
        ))
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ProgressNote {
    pub id: Id,
    pub stay_id: Id,
    pub written_at: Timestamp,
    pub note: String,
    pub created_by: Id,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AdministrationRow {
    pub id: Id,
    pub stay_id: Id,
    pub prescription_id: Id,
    pub status: String,
    pub given_at: Timestamp,
    pub note: String,
    pub created_by: Id,
}

/// A ward's month: beds, bed-days used, stays ended and their average length.
#[derive(Clone, Debug, PartialEq)]
pub struct WardStatistics {
    pub ward_id: Id,
    pub ward_name: String,
    pub beds: i64,
    pub bed_days_used: i64,
    /// Percent of the month's bed-days used.
    pub occupancy_percent: f64,
    pub discharges: i64,
    /// Average length of the stays discharged this month, in days.
    pub average_length_days: Option<f64>,
}

const STAY_COLUMNS: &str = "id, person_id, facility_id, visit_id, ward_id, bed_id, admitted_at, \
     admitted_by, reason, discharged_at, outcome, cause_of_death, summary, version";

/// The first instant of a month (UTC) and of the next.
fn month_bounds(year: i32, month: time::Month) -> Option<(Timestamp, Timestamp, i64)> {
    let first = Date::from_calendar_date(year, month, 1).ok()?;
    let next = if month == time::Month::December {
        Date::from_calendar_date(year + 1, time::Month::January, 1).ok()?
    } else {
        Date::from_calendar_date(year, month.next(), 1).ok()?
    };
    let days = (next - first).whole_days();
    Some((
        Timestamp::from_datetime(first.midnight().assume_utc()),
        Timestamp::from_datetime(next.midnight().assume_utc()),
        days,
    ))
}

impl Store {
    /// Admits a person to a bed of a ward, from a visit or directly, counted as a
    /// treatment provided. A bed that is taken is `Duplicate { field: "bed" }`; a
    /// person already admitted `Duplicate { field: "person" }`.
    #[allow(clippy::too_many_arguments)]
    pub async fn admit(
        &self,
        actor: &Actor,
        person_id: Id,
        bed_id: Id,
        visit_id: Option<Id>,
        reason: &str,
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
            let place: Option<(Id, Id)> = sqlx::query_as(
                "SELECT w.id, w.facility_id FROM bed b JOIN ward w ON w.id = b.ward_id
                 WHERE b.id = $1 AND b.closed_at IS NULL AND w.closed_at IS NULL",
            )
            .bind(bed_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((ward, facility)) = place else {
                return Err(StoreError::NotFound { entity: "bed" });
            };
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
            let inserted = sqlx::query(
                "INSERT INTO stay (id, site_id, person_id, facility_id, visit_id, ward_id, bed_id,
                     admitted_at, admitted_by, reason, count_month, count_sex, count_age_band,
                     created_at, created_by, updated_at, updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $8, $9, $8, $9, 1)",
            )
            .bind(id)
            .bind(self.site_id)
            .bind(person_id)
            .bind(facility)
            .bind(visit_id)
            .bind(ward)
            .bind(bed_id)
            .bind(now)
            .bind(actor.id)
            .bind(reason)
            .bind(&month)
            .bind(&sex)
            .bind(&band)
            .execute(&mut *tx)
            .await;
            if let Err(error) = inserted {
                let taken = matches!(&error, sqlx::Error::Database(db) if db.is_unique_violation());
                if !taken {
                    return Err(crate::places::missing_as(error, "visit"));
                }
                drop(tx);
                // Which one: the bed, or the person?
                let in_bed: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM stay WHERE bed_id = $1 AND discharged_at IS NULL
                     AND entered_in_error_at IS NULL",
                )
                .bind(bed_id)
                .fetch_one(pool)
                .await?;
                let field = if in_bed > 0 { "bed" } else { "person" };
                return Err(StoreError::Duplicate { field });
            }
            tx.bump_count(facility, &month, "stay", &sex, &band, 1).await?;
            tx.append_change("stay", id, 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("stay_admit", "person", person_id)
                .with_detail(format!("stay={id} ward={ward} bed={bed_id}"));
            tx.append_audit(actor, &event, now).await?;
            tx.record_token(token, "stay", id, actor, now).await?;
            tx.commit().await?;
            Ok(id)
        });
        self.settle_once(token, result).await
    }

    /// A stay, unless entered in error.
    pub async fn stay(&self, id: Id) -> Result<Stay> {
        let sql = format!(
            "SELECT {STAY_COLUMNS} FROM stay WHERE id = $1 AND entered_in_error_at IS NULL"
        );
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, Stay>(&sql)
                .bind(id)
                .fetch_optional(pool)
                .await?
                .ok_or(StoreError::NotFound { entity: "stay" })
        })
    }

    /// A person's stays, newest first.
    pub async fn stays_of_person(&self, person_ids: &[Id]) -> Result<Vec<Stay>> {
        if person_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {STAY_COLUMNS} FROM stay WHERE person_id IN ({}) AND entered_in_error_at IS NULL
             ORDER BY admitted_at DESC, id DESC",
            super::placeholders(person_ids.len(), 1)
        );
        on_pool!(&self.pool, pool => {
            let mut query = sqlx::query_as::<_, Stay>(&sql);
            for id in person_ids {
                query = query.bind(*id);
            }
            Ok(query.fetch_all(pool).await?)
        })
    }

    /// A ward's beds, open ones, by label, each with its current patient if any.
    pub async fn bed_board(&self, ward_id: Id) -> Result<Vec<BedBoardRow>> {
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, BedBoardRow>(
                "SELECT b.id AS bed_id, b.label, s.id AS stay_id, s.person_id, s.admitted_at,
                     p.family_name_km, p.given_name_km, p.family_name_latin, p.given_name_latin
                 FROM bed b
                 LEFT JOIN stay s ON s.bed_id = b.id AND s.discharged_at IS NULL
                     AND s.entered_in_error_at IS NULL
                 LEFT JOIN person p ON p.id = s.person_id
                 WHERE b.ward_id = $1 AND b.closed_at IS NULL
                 ORDER BY b.label, b.id",
            )
            .bind(ward_id)
            .fetch_all(pool)
            .await?)
        })
    }

    /// Moves a stay to another bed (of any open ward of the same facility), naming
    /// the version read. A taken bed is `Duplicate { field: "bed" }`.
    pub async fn transfer(
        &self,
        actor: &Actor,
        stay_id: Id,
        version: i64,
        to_bed: Id,
    ) -> Result<()> {
        let stay = self.stay(stay_id).await?;
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let ward: Option<Id> = sqlx::query_scalar(
                "SELECT w.id FROM bed b JOIN ward w ON w.id = b.ward_id
                 WHERE b.id = $1 AND b.closed_at IS NULL AND w.closed_at IS NULL AND w.facility_id = $2",
            )
            .bind(to_bed)
            .bind(stay.facility_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(ward) = ward else {
                return Err(StoreError::NotFound { entity: "bed" });
            };
            let changed = sqlx::query(
                "UPDATE stay SET bed_id = $1, ward_id = $2, updated_at = $3, updated_by = $4,
                     version = version + 1
                 WHERE id = $5 AND version = $6 AND discharged_at IS NULL",
            )
            .bind(to_bed)
            .bind(ward)
            .bind(now)
            .bind(actor.id)
            .bind(stay_id)
            .bind(version)
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::unique_as(e, "bed"))?
            .rows_affected();
            if changed == 0 {
                return Err(StoreError::Conflict { entity: "stay" });
            }
            let transfer = Id::new();
            sqlx::query(
                "INSERT INTO stay_transfer (id, site_id, stay_id, from_bed_id, to_bed_id, moved_at,
                     created_at, created_by, updated_at, updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $6, $7, 1)",
            )
            .bind(transfer)
            .bind(self.site_id)
            .bind(stay_id)
            .bind(stay.bed_id)
            .bind(to_bed)
            .bind(now)
            .bind(actor.id)
            .execute(&mut *tx)
            .await?;
            tx.append_change("stay", stay_id, version + 1, self.site_id, actor, now).await?;
            tx.append_change("stay_transfer", transfer, 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("stay_transfer", "stay", stay_id)
                .with_detail(format!("from={} to={to_bed}", stay.bed_id));
            tx.append_audit(actor, &event, now).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Discharges a stay with its outcome and summary, naming the version read; the
    /// bed is free again.
    pub async fn discharge(
        &self,
        actor: &Actor,
        stay_id: Id,
        version: i64,
        discharge: &Discharge,
    ) -> Result<()> {
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = sqlx::query(
                "UPDATE stay SET discharged_at = $1, discharged_by = $2, outcome = $3,
                     cause_of_death = $4, summary = $5, updated_at = $1, updated_by = $2,
                     version = version + 1
                 WHERE id = $6 AND version = $7 AND discharged_at IS NULL AND entered_in_error_at IS NULL",
            )
            .bind(now)
            .bind(actor.id)
            .bind(discharge.outcome().code())
            .bind(discharge.cause_of_death())
            .bind(discharge.summary())
            .bind(stay_id)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                tx.rollback().await?;
                return Err(match self.why_not_changed("stay", stay_id).await {
                    StoreError::NotFound { .. } => StoreError::NotFound { entity: "stay" },
                    _ => StoreError::Conflict { entity: "stay" },
                });
            }
            tx.append_change("stay", stay_id, version + 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("stay_discharge", "stay", stay_id)
                .with_detail(format!("outcome={}", discharge.outcome().code()));
            tx.append_audit(actor, &event, now).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn add_progress_note(
        &self,
        actor: &Actor,
        stay_id: Id,
        note: &str,
        token: Option<&FormToken>,
    ) -> Result<Id> {
        let stay = self.stay(stay_id).await?;
        let id = Id::new();
        let now = Timestamp::now();
        let result = on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            if let Some(existing) = tx.used_token(token).await? {
                return Ok(existing);
            }
            sqlx::query(
                "INSERT INTO progress_note (id, site_id, person_id, facility_id, stay_id, written_at,
                     note, created_at, created_by, updated_at, updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $8, $6, $8, 1)",
            )
            .bind(id)
            .bind(self.site_id)
            .bind(stay.person_id)
            .bind(stay.facility_id)
            .bind(stay_id)
            .bind(now)
            .bind(note)
            .bind(actor.id)
            .execute(&mut *tx)
            .await?;
            tx.append_change("progress_note", id, 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("progress_note_add", "stay", stay_id).with_detail(format!("note={id}"));
            tx.append_audit(actor, &event, now).await?;
            tx.record_token(token, "progress_note", id, actor, now).await?;
            tx.commit().await?;
            Ok(id)
        });
        self.settle_once(token, result).await
    }

    pub async fn progress_notes(&self, stay_ids: &[Id]) -> Result<Vec<ProgressNote>> {
        if stay_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id, stay_id, written_at, note, created_by FROM progress_note
             WHERE stay_id IN ({}) AND entered_in_error_at IS NULL ORDER BY written_at DESC, id DESC",
            super::placeholders(stay_ids.len(), 1)
        );
        on_pool!(&self.pool, pool => {
            let mut query = sqlx::query_as::<_, ProgressNote>(&sql);
            for id in stay_ids {
                query = query.bind(*id);
            }
            Ok(query.fetch_all(pool).await?)
        })
    }

    /// Records a dose on a stay's medication administration record: given, refused,
    /// held or missed, against one of the stay's prescriptions.
    pub async fn record_administration(
        &self,
        actor: &Actor,
        stay_id: Id,
        prescription_id: Id,
        status: AdministrationStatus,
        note: &str,
        token: Option<&FormToken>,
    ) -> Result<Id> {
        let stay = self.stay(stay_id).await?;
        let id = Id::new();
        let now = Timestamp::now();
        let result = on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            if let Some(existing) = tx.used_token(token).await? {
                return Ok(existing);
            }
            let belongs: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM prescription WHERE id = $1 AND stay_id = $2 AND entered_in_error_at IS NULL",
            )
            .bind(prescription_id)
            .bind(stay_id)
            .fetch_one(&mut *tx)
            .await?;
            if belongs == 0 {
                return Err(StoreError::NotFound { entity: "prescription" });
            }
            sqlx::query(
                "INSERT INTO medication_administration (id, site_id, person_id, facility_id, stay_id,
                     prescription_id, status, given_at, note, created_at, created_by, updated_at,
                     updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $10, $8, $10, 1)",
            )
            .bind(id)
            .bind(self.site_id)
            .bind(stay.person_id)
            .bind(stay.facility_id)
            .bind(stay_id)
            .bind(prescription_id)
            .bind(status.code())
            .bind(now)
            .bind(note)
            .bind(actor.id)
            .execute(&mut *tx)
            .await?;
            tx.append_change("medication_administration", id, 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("medication_administer", "stay", stay_id)
                .with_detail(format!("prescription={prescription_id} status={}", status.code()));
            tx.append_audit(actor, &event, now).await?;
            tx.record_token(token, "medication_administration", id, actor, now).await?;
            tx.commit().await?;
            Ok(id)
        });
        self.settle_once(token, result).await
    }

    pub async fn administrations(&self, stay_ids: &[Id]) -> Result<Vec<AdministrationRow>> {
        if stay_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id, stay_id, prescription_id, status, given_at, note, created_by
             FROM medication_administration
             WHERE stay_id IN ({}) AND entered_in_error_at IS NULL ORDER BY given_at DESC, id DESC",
            super::placeholders(stay_ids.len(), 1)
        );
        on_pool!(&self.pool, pool => {
            let mut query = sqlx::query_as::<_, AdministrationRow>(&sql);
            for id in stay_ids {
                query = query.bind(*id);
            }
            Ok(query.fetch_all(pool).await?)
        })
    }

    /// Bed occupancy and average length of stay of each open ward of a facility in
    /// a month (UTC month bounds; a month of a site at +07:00 differs by hours).
    pub async fn ward_statistics(
        &self,
        facility_id: Id,
        year: i32,
        month: time::Month,
    ) -> Result<Vec<WardStatistics>> {
        let Some((start, end, days)) = month_bounds(year, month) else {
            return Ok(Vec::new());
        };
        let now = Timestamp::now();
        let mut out = Vec::new();
        for ward in self
            .wards_of(facility_id)
            .await?
            .into_iter()
            .filter(|w| w.closed_at.is_none())
        {
            let beds: i64 = self.bed_board(ward.id).await?.len() as i64;
            let stays: Vec<(Timestamp, Option<Timestamp>)> = on_pool!(&self.pool, pool => {
                sqlx::query_as(
                    "SELECT admitted_at, discharged_at FROM stay
                     WHERE ward_id = $1 AND entered_in_error_at IS NULL AND admitted_at < $2
                       AND (discharged_at IS NULL OR discharged_at >= $3)",
                )
                .bind(ward.id)
                .bind(end)
                .bind(start)
                .fetch_all(pool)
                .await?
            });
            let mut bed_days = 0;
            let mut discharged = Vec::new();
            for (admitted, discharged_at) in &stays {
                let from = (*admitted).max(start).datetime().date();
                let until = discharged_at.unwrap_or(now).min(end).datetime().date();
                bed_days += (until - from).whole_days().max(0);
                if let Some(d) = discharged_at {
                    if *d >= start && *d < end {
                        discharged.push(stay_days(admitted.datetime().date(), d.datetime().date()));
                    }
                }
            }
            let capacity = beds * days;
            out.push(WardStatistics {
                ward_id: ward.id,
                ward_name: ward.name,
                beds,
                bed_days_used: bed_days,
                occupancy_percent: if capacity > 0 {
                    bed_days as f64 * 100.0 / capacity as f64
                } else {
                    0.0
                },
                discharges: discharged.len() as i64,
                average_length_days: (!discharged.is_empty())
                    .then(|| discharged.iter().sum::<i64>() as f64 / discharged.len() as f64),
            });
        }
        Ok(out)
    }
}
