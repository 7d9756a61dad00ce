//! Staff members, where they work, their registrations and trainings.
//!
//! A staff member is a person of the registry (at most one staff record each),
//! linked to at most one user account. Assignments to facilities are ended, never
//! deleted; trainings entered in error are marked so (who, when, why) and leave the
//! normal views.

use haven_domain::staff::{days_until, ErrorReason, Profession, StaffDetails, TrainingDetails};
use time::Date;

use crate::db::{in_write, on_pool};
use crate::ledger::{Actor, Ledger, NewAuditEvent};
use crate::places::missing_as;
use crate::{Id, Result, Store, StoreError, Timestamp};

/// A staff member, with the name of the person they are.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StaffMember {
    pub id: Id,
    pub person_id: Id,
    /// A [`Profession`] code.
    pub profession: String,
    pub registration_number: String,
    pub registration_expires_on: Option<Date>,
    pub user_id: Option<Id>,
    pub started_on: Option<Date>,
    pub left_on: Option<Date>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: i64,
    pub family_name_km: String,
    pub given_name_km: String,
    pub family_name_latin: String,
    pub given_name_latin: String,
}

impl StaffMember {
    pub fn profession(&self) -> Option<Profession> {
        Profession::parse(&self.profession)
    }

    /// The person's name as Haven shows it (Khmer, then Latin in brackets).
    pub fn display_name(&self) -> String {
        haven_domain::person::display_name(
            &self.family_name_km,
            &self.given_name_km,
            &self.family_name_latin,
            &self.given_name_latin,
        )
    }
}

/// Where a staff member works (or worked, once ended).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StaffAssignment {
    pub id: Id,
    pub staff_id: Id,
    pub facility_id: Id,
    pub facility_name: String,
    pub facility_name_km: String,
    pub created_at: Timestamp,
    pub ended_at: Option<Timestamp>,
    pub version: i64,
}

/// A training a staff member took or will take.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Training {
    pub id: Id,
    pub staff_id: Id,
    pub course: String,
    pub provider: String,
    pub started_on: Date,
    pub ended_on: Date,
    pub hours: Option<f64>,
    pub certificate: String,
    pub version: i64,
}

/// Which staff to list; `None` is any.
#[derive(Clone, Debug, Default)]
pub struct StaffFilter {
    pub profession: Option<Profession>,
    /// Staff working at this facility now.
    pub facility: Option<Id>,
}

/// A registration that expires soon or has expired.
#[derive(Clone, Debug)]
pub struct ExpiringRegistration {
    pub staff: StaffMember,
    pub expires_on: Date,
    /// Days from today; negative once expired.
    pub days_left: i64,
    pub expired: bool,
}

const STAFF_SELECT: &str = "SELECT s.id, s.person_id, s.profession, s.registration_number, \
     s.registration_expires_on, s.user_id, s.started_on, s.left_on, s.created_at, s.updated_at, \
     s.version, p.family_name_km, p.given_name_km, p.family_name_latin, p.given_name_latin \
     FROM staff_member s JOIN person p ON p.id = s.person_id";

const TRAINING_COLUMNS: &str =
    "id, staff_id, course, provider, started_on, ended_on, hours, certificate, version";

impl Store {
    /// Records an existing person as a staff member, optionally linked to a user
    /// account. A person is staff once (`Duplicate { field: "person" }`); an account
    /// belongs to one staff member (`Duplicate { field: "user" }`).
    pub async fn create_staff_member(
        &self,
        actor: &Actor,
        person_id: Id,
        details: &StaffDetails,
        user_id: Option<Id>,
    ) -> Result<StaffMember> {
        let id = Id::new();
        let now = Timestamp::now();
        in_write!(self, tx => {
            let person: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM person WHERE id = $1")
                .bind(person_id)
                .fetch_one(&mut *tx)
                .await?;
            if person == 0 {
                return Err(StoreError::NotFound { entity: "person" });
            }
            let already: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM staff_member WHERE person_id = $1")
                .bind(person_id)
                .fetch_one(&mut *tx)
                .await?;
            if already > 0 {
                return Err(StoreError::Duplicate { field: "person" });
            }
            if let Some(user_id) = user_id {
                let linked: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM staff_member WHERE user_id = $1")
                    .bind(user_id)
                    .fetch_one(&mut *tx)
                    .await?;
                if linked > 0 {
                    return Err(StoreError::Duplicate { field: "user" });
                }
            }
            sqlx::query(
                "INSERT INTO staff_member (id, site_id, person_id, profession, registration_number,
                     registration_expires_on, user_id, started_on, left_on, created_at, created_by,
                     updated_at, updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10, $11, 1)",
            )
            .bind(id)
            .bind(self.site_id)
            .bind(person_id)
            .bind(details.profession().code())
            .bind(details.registration_number())
            .bind(details.registration_expires_on())
            .bind(user_id)
            .bind(details.started_on())
            .bind(details.left_on())
            .bind(now)
            .bind(actor.id)
            .execute(&mut *tx)
            .await
            .map_err(|e| match &e {
                // Another writer got there first (PostgreSQL does not serialise writers).
                sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate { field: "person" },
                _ => missing_as(e, "user"),
            })?;
            tx.append_change("staff", id, 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("staff_create", "staff", id).with_detail(details.profession().code());
            tx.append_audit(actor, &event, now).await?;
        });
        self.staff_member(id).await
    }

    /// Changes a staff member's profession, registration and dates, naming the
    /// version read.
    pub async fn update_staff_member(
        &self,
        actor: &Actor,
        id: Id,
        version: i64,
        details: &StaffDetails,
    ) -> Result<StaffMember> {
        let now = Timestamp::now();
        in_write!(self, tx => {
            let changed = sqlx::query(
                "UPDATE staff_member SET profession = $1, registration_number = $2,
                     registration_expires_on = $3, started_on = $4, left_on = $5,
                     updated_at = $6, updated_by = $7, version = version + 1
                 WHERE id = $8 AND version = $9",
            )
            .bind(details.profession().code())
            .bind(details.registration_number())
            .bind(details.registration_expires_on())
            .bind(details.started_on())
            .bind(details.left_on())
            .bind(now)
            .bind(actor.id)
            .bind(id)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                tx.rollback().await?;
                return Err(self.why_not_changed_staff("staff_member", "staff", id).await);
            }
            tx.append_change("staff", id, version + 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("staff_update", "staff", id).with_detail(details.profession().code());
            tx.append_audit(actor, &event, now).await?;
        });
        self.staff_member(id).await
    }

    /// Links a user account to a staff member (`Some`) or unlinks it (`None`),
    /// naming the version read.
    pub async fn set_staff_user(
        &self,
        actor: &Actor,
        id: Id,
        version: i64,
        user_id: Option<Id>,
    ) -> Result<StaffMember> {
        let now = Timestamp::now();
        in_write!(self, tx => {
            if let Some(user_id) = user_id {
                let linked: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM staff_member WHERE user_id = $1 AND id <> $2",
                )
                .bind(user_id)
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
                if linked > 0 {
                    return Err(StoreError::Duplicate { field: "user" });
                }
            }
            let changed = sqlx::query(
                "UPDATE staff_member SET user_id = $1, updated_at = $2, updated_by = $3,
                     version = version + 1
                 WHERE id = $4 AND version = $5",
            )
            .bind(user_id)
            .bind(now)
            .bind(actor.id)
            .bind(id)
            .bind(version)
            .execute(&mut *tx)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate { field: "user" },
                _ => missing_as(e, "user"),
            })?
            .rows_affected();
            if changed == 0 {
                tx.rollback().await?;
                return Err(self.why_not_changed_staff("staff_member", "staff", id).await);
            }
            tx.append_change("staff", id, version + 1, self.site_id, actor, now).await?;
            let event = match user_id {
                Some(user_id) => NewAuditEvent::new("staff_user_link", "staff", id).with_detail(user_id.to_string()),
                None => NewAuditEvent::new("staff_user_unlink", "staff", id),
            };
            tx.append_audit(actor, &event, now).await?;
        });
        self.staff_member(id).await
    }

    pub async fn staff_member(&self, id: Id) -> Result<StaffMember> {
        let sql = format!("{STAFF_SELECT} WHERE s.id = $1");
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, StaffMember>(&sql)
                .bind(id)
                .fetch_optional(pool)
                .await?
                .ok_or(StoreError::NotFound { entity: "staff member" })
        })
    }

    /// The name of a person who may be recorded as staff: `None` when there is no
    /// such person, or their record was merged into another or entered in error.
    pub async fn staff_person_name(&self, person_id: Id) -> Result<Option<String>> {
        let row: Option<(String, String, String, String)> = on_pool!(&self.pool, pool => {
            sqlx::query_as(
                "SELECT family_name_km, given_name_km, family_name_latin, given_name_latin
                 FROM person WHERE id = $1 AND merged_into IS NULL AND entered_in_error_at IS NULL",
            )
            .bind(person_id)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(|(fk, gk, fl, gl)| haven_domain::person::display_name(&fk, &gk, &fl, &gl)))
    }

    /// The staff record of a person, if they are staff.
    pub async fn staff_member_of_person(&self, person_id: Id) -> Result<Option<StaffMember>> {
        let sql = format!("{STAFF_SELECT} WHERE s.person_id = $1");
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, StaffMember>(&sql).bind(person_id).fetch_optional(pool).await?)
        })
    }

    /// The staff record linked to a user account, if any.
    pub async fn staff_member_of_user(&self, user_id: Id) -> Result<Option<StaffMember>> {
        let sql = format!("{STAFF_SELECT} WHERE s.user_id = $1");
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, StaffMember>(&sql).bind(user_id).fetch_optional(pool).await?)
        })
    }

    /// Staff members, by name, filtered by profession and by the facility where
    /// they work now.
    /// The staff members a reader's reach holds: those working now at a facility it
    /// reaches, and, for a reach over a whole country, those working at none yet.
    /// `None` when the reach is everything.
    pub async fn staff_in_reach(
        &self,
        reach: &crate::Reach,
    ) -> Result<Option<std::collections::HashSet<Id>>> {
        if *reach == crate::Reach::Everything {
            return Ok(None);
        }
        let rows: Vec<(Id, Option<Id>)> = on_pool!(&self.pool, pool => {
            sqlx::query_as(
                "SELECT s.id, sf.facility_id FROM staff_member s
                 LEFT JOIN staff_facility sf ON sf.staff_id = s.id AND sf.ended_at IS NULL",
            )
            .fetch_all(pool)
            .await?
        });
        Ok(Some(
            rows.into_iter()
                .filter(|(_, facility)| reach.holds(*facility))
                .map(|(staff, _)| staff)
                .collect(),
        ))
    }

    pub async fn list_staff(&self, filter: &StaffFilter) -> Result<Vec<StaffMember>> {
        let sql = format!(
            "{STAFF_SELECT}
             WHERE ($1 = '' OR s.profession = $1)
               AND ($2 = '' OR EXISTS (SELECT 1 FROM staff_facility sf
                    WHERE sf.staff_id = s.id AND sf.ended_at IS NULL AND sf.facility_id = $3))
             ORDER BY p.family_name_latin, p.given_name_latin, p.family_name_km, p.given_name_km, s.id"
        );
        let profession = filter.profession.map(|p| p.code()).unwrap_or("");
        // The facility is bound twice: once as text to test for "any", once as an id
        // to compare, so the query has one type per parameter on PostgreSQL.
        let any_facility = filter.facility.map(|_| "x").unwrap_or("");
        let facility = filter.facility.unwrap_or(Id::SYSTEM);
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, StaffMember>(&sql)
                .bind(profession)
                .bind(any_facility)
                .bind(facility)
                .fetch_all(pool)
                .await?)
        })
    }

    /// The staff working at a facility now.
    pub async fn staff_of_facility(&self, facility_id: Id) -> Result<Vec<StaffMember>> {
        self.list_staff(&StaffFilter {
            profession: None,
            facility: Some(facility_id),
        })
        .await
    }

    /// Registrations that expire within `within_days` of `today`, and those already
    /// expired (flagged), of staff who have not left; soonest (most expired) first.
    pub async fn registrations_expiring(
        &self,
        within_days: i64,
        today: Date,
    ) -> Result<Vec<ExpiringRegistration>> {
        let horizon = today
            .checked_add(time::Duration::days(within_days.clamp(0, 3650)))
            .unwrap_or(today);
        let sql = format!(
            "{STAFF_SELECT}
             WHERE s.registration_expires_on IS NOT NULL AND s.registration_expires_on <= $1
               AND (s.left_on IS NULL OR s.left_on > $2)
             ORDER BY s.registration_expires_on, s.id"
        );
        let staff: Vec<StaffMember> = on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, StaffMember>(&sql).bind(horizon).bind(today).fetch_all(pool).await?
        });
        Ok(staff
            .into_iter()
            .filter_map(|staff| {
                let expires_on = staff.registration_expires_on?;
                let days_left = days_until(expires_on, today);
                Some(ExpiringRegistration {
                    staff,
                    expires_on,
                    days_left,
                    expired: days_left < 0,
                })
            })
            .collect())
    }

    /// Records that a staff member works at a facility (`Duplicate { field:
    /// "facility" }` if they already do).
    pub async fn assign_staff_facility(
        &self,
        actor: &Actor,
        staff_id: Id,
        facility_id: Id,
    ) -> Result<StaffAssignment> {
        let id = Id::new();
        let now = Timestamp::now();
        in_write!(self, tx => {
            let staff: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM staff_member WHERE id = $1")
                .bind(staff_id)
                .fetch_one(&mut *tx)
                .await?;
            if staff == 0 {
                return Err(StoreError::NotFound { entity: "staff member" });
            }
            sqlx::query(
                "INSERT INTO staff_facility (id, site_id, staff_id, facility_id, created_at,
                     created_by, updated_at, updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $5, $6, 1)",
            )
            .bind(id)
            .bind(self.site_id)
            .bind(staff_id)
            .bind(facility_id)
            .bind(now)
            .bind(actor.id)
            .execute(&mut *tx)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate { field: "facility" },
                _ => missing_as(e, "facility"),
            })?;
            tx.append_change("staff_facility", id, 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("staff_facility_assign", "staff", staff_id).with_detail(facility_id.to_string());
            tx.append_audit(actor, &event, now).await?;
        });
        self.staff_assignment(id).await
    }

    /// Ends a staff member's assignment to a facility, naming the version read.
    pub async fn end_staff_facility(
        &self,
        actor: &Actor,
        assignment_id: Id,
        version: i64,
    ) -> Result<StaffAssignment> {
        let now = Timestamp::now();
        let assignment = self.staff_assignment(assignment_id).await?;
        in_write!(self, tx => {
            let changed = sqlx::query(
                "UPDATE staff_facility SET ended_at = $1, ended_by = $2, updated_at = $1,
                     updated_by = $2, version = version + 1
                 WHERE id = $3 AND version = $4 AND ended_at IS NULL",
            )
            .bind(now)
            .bind(actor.id)
            .bind(assignment_id)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(StoreError::Conflict { entity: "staff assignment" });
            }
            tx.append_change("staff_facility", assignment_id, version + 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("staff_facility_end", "staff", assignment.staff_id)
                .with_detail(assignment.facility_id.to_string());
            tx.append_audit(actor, &event, now).await?;
        });
        self.staff_assignment(assignment_id).await
    }

    pub async fn staff_assignment(&self, id: Id) -> Result<StaffAssignment> {
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, StaffAssignment>(
                "SELECT sf.id, sf.staff_id, sf.facility_id, f.name AS facility_name,
                     f.name_km AS facility_name_km, sf.created_at, sf.ended_at, sf.version
                 FROM staff_facility sf JOIN facility f ON f.id = sf.facility_id
                 WHERE sf.id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
            .ok_or(StoreError::NotFound { entity: "staff assignment" })
        })
    }

    /// Where a staff member works and worked: current assignments first.
    pub async fn staff_assignments(&self, staff_id: Id) -> Result<Vec<StaffAssignment>> {
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, StaffAssignment>(
                "SELECT sf.id, sf.staff_id, sf.facility_id, f.name AS facility_name,
                     f.name_km AS facility_name_km, sf.created_at, sf.ended_at, sf.version
                 FROM staff_facility sf JOIN facility f ON f.id = sf.facility_id
                 WHERE sf.staff_id = $1
                 ORDER BY CASE WHEN sf.ended_at IS NULL THEN 0 ELSE 1 END, f.name, sf.id",
            )
            .bind(staff_id)
            .fetch_all(pool)
            .await?)
        })
    }

    /// Adds a training to a staff member's record.
    pub async fn add_training(
        &self,
        actor: &Actor,
        staff_id: Id,
        details: &TrainingDetails,
    ) -> Result<Training> {
        let id = Id::new();
        let now = Timestamp::now();
        in_write!(self, tx => {
            sqlx::query(
                "INSERT INTO training (id, site_id, staff_id, course, provider, started_on, ended_on,
                     hours, certificate, created_at, created_by, updated_at, updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10, $11, 1)",
            )
            .bind(id)
            .bind(self.site_id)
            .bind(staff_id)
            .bind(details.course())
            .bind(details.provider())
            .bind(details.started_on())
            .bind(details.ended_on())
            .bind(details.hours())
            .bind(details.certificate())
            .bind(now)
            .bind(actor.id)
            .execute(&mut *tx)
            .await
            .map_err(|e| missing_as(e, "staff member"))?;
            tx.append_change("training", id, 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("training_create", "staff", staff_id).with_detail(id.to_string());
            tx.append_audit(actor, &event, now).await?;
        });
        self.training(id).await
    }

    /// A training, unless it was entered in error.
    pub async fn training(&self, id: Id) -> Result<Training> {
        let sql = format!(
            "SELECT {TRAINING_COLUMNS} FROM training WHERE id = $1 AND entered_in_error_at IS NULL"
        );
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, Training>(&sql)
                .bind(id)
                .fetch_optional(pool)
                .await?
                .ok_or(StoreError::NotFound { entity: "training" })
        })
    }

    /// A staff member's trainings, newest first, leaving out those entered in error.
    pub async fn trainings_of(&self, staff_id: Id) -> Result<Vec<Training>> {
        let sql = format!(
            "SELECT {TRAINING_COLUMNS} FROM training
             WHERE staff_id = $1 AND entered_in_error_at IS NULL
             ORDER BY started_on DESC, id DESC"
        );
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, Training>(&sql).bind(staff_id).fetch_all(pool).await?)
        })
    }

    /// Marks a training entered in error, with who and why, naming the version read.
    /// It stays in the database and leaves every normal view.
    pub async fn mark_training_entered_in_error(
        &self,
        actor: &Actor,
        training_id: Id,
        version: i64,
        reason: &ErrorReason,
    ) -> Result<()> {
        let now = Timestamp::now();
        in_write!(self, tx => {
            let staff_id: Option<Id> = sqlx::query_scalar("SELECT staff_id FROM training WHERE id = $1")
                .bind(training_id)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(staff_id) = staff_id else {
                return Err(StoreError::NotFound { entity: "training" });
            };
            let changed = sqlx::query(
                "UPDATE training SET entered_in_error_at = $1, entered_in_error_by = $2,
                     entered_in_error_reason = $3, updated_at = $1, updated_by = $2,
                     version = version + 1
                 WHERE id = $4 AND version = $5 AND entered_in_error_at IS NULL",
            )
            .bind(now)
            .bind(actor.id)
            .bind(reason.as_str())
            .bind(training_id)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(StoreError::Conflict { entity: "training" });
            }
            tx.append_change("training", training_id, version + 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("training_entered_in_error", "staff", staff_id)
                .with_detail(training_id.to_string());
            tx.append_audit(actor, &event, now).await?;
        });
        Ok(())
    }

    async fn why_not_changed_staff(
        &self,
        table: &'static str,
        entity: &'static str,
        id: Id,
    ) -> StoreError {
        match self.why_not_changed(table, id).await {
            StoreError::NotFound { .. } => StoreError::NotFound { entity },
            StoreError::Conflict { .. } => StoreError::Conflict { entity },
            other => other,
        }
    }
}
