//! Family planning visits and the follow-ups due at a facility.

use haven_domain::mch::family_planning::FpVisitDetails;
use time::Date;

use crate::db::{in_write, on_pool};
use crate::ledger::{Actor, Ledger, NewAuditEvent};
use crate::places::missing_as;
use crate::{Id, Result, Store, StoreError, Timestamp};

/// A family planning visit as stored, with the client's name.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FpVisit {
    pub id: Id,
    pub person_id: Id,
    pub facility_id: Id,
    pub visit_on: Date,
    pub counselled: bool,
    /// A [`haven_domain::mch::family_planning::FpMethod`] code, or empty.
    pub method: String,
    pub quantity: Option<i64>,
    pub follow_up_on: Option<Date>,
    pub notes: String,
    pub created_at: Timestamp,
    pub version: i64,
    pub family_name_km: String,
    pub given_name_km: String,
    pub family_name_latin: String,
    pub given_name_latin: String,
}

impl FpVisit {
    pub fn display_name(&self) -> String {
        haven_domain::person::display_name(
            &self.family_name_km,
            &self.given_name_km,
            &self.family_name_latin,
            &self.given_name_latin,
        )
    }
}

const FP_SELECT: &str = "SELECT v.id, v.person_id, v.facility_id, v.visit_on, v.counselled, \
     v.method, v.quantity, v.follow_up_on, v.notes, v.created_at, v.version, p.family_name_km, \
     p.given_name_km, p.family_name_latin, p.given_name_latin \
     FROM fp_visit v JOIN person p ON p.id = v.person_id";

impl Store {
    pub async fn record_fp_visit(
        &self,
        actor: &Actor,
        person_id: Id,
        facility_id: Id,
        details: &FpVisitDetails,
    ) -> Result<FpVisit> {
        let id = Id::new();
        let now = Timestamp::now();
        in_write!(self, tx => {
            sqlx::query(
                "INSERT INTO fp_visit (id, site_id, person_id, facility_id, visit_on, counselled,
                     method, quantity, follow_up_on, notes, created_at, created_by, updated_at,
                     updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $11, $12, 1)",
            )
            .bind(id)
            .bind(self.site_id)
            .bind(person_id)
            .bind(facility_id)
            .bind(details.visit_on())
            .bind(details.counselled())
            .bind(details.method().map(|m| m.code()).unwrap_or(""))
            .bind(details.quantity())
            .bind(details.follow_up_on())
            .bind(details.notes())
            .bind(now)
            .bind(actor.id)
            .execute(&mut *tx)
            .await
            .map_err(|e| missing_as(e, "person or facility"))?;
            tx.append_change("fp_visit", id, 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("fp_visit_record", "person", person_id)
                .with_detail(format!("visit={id} method={}", details.method().map(|m| m.code()).unwrap_or("")));
            tx.append_audit(actor, &event, now).await?;
        });
        let sql = format!("{FP_SELECT} WHERE v.id = $1");
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, FpVisit>(&sql)
                .bind(id)
                .fetch_optional(pool)
                .await?
                .ok_or(StoreError::NotFound { entity: "family planning visit" })
        })
    }

    /// A client's visits, newest first.
    pub async fn fp_visits_of(&self, person_id: Id) -> Result<Vec<FpVisit>> {
        let sql = format!(
            "{FP_SELECT} WHERE v.person_id = $1 AND v.entered_in_error_at IS NULL
             ORDER BY v.visit_on DESC, v.created_at DESC"
        );
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, FpVisit>(&sql).bind(person_id).fetch_all(pool).await?)
        })
    }

    /// The follow-ups due at a facility by `by`: each client's latest visit there,
    /// when it names a follow-up on or before `by`; soonest (most late) first.
    pub async fn fp_follow_ups_due(&self, facility_id: Id, by: Date) -> Result<Vec<FpVisit>> {
        let sql = format!(
            "{FP_SELECT} WHERE v.facility_id = $1 AND v.entered_in_error_at IS NULL
                 AND v.follow_up_on IS NOT NULL AND v.follow_up_on <= $2
                 AND p.merged_into IS NULL AND p.died_on IS NULL
                 AND NOT EXISTS (SELECT 1 FROM fp_visit w WHERE w.person_id = v.person_id
                     AND w.entered_in_error_at IS NULL
                     AND (w.visit_on > v.visit_on OR (w.visit_on = v.visit_on AND w.created_at > v.created_at)))
             ORDER BY v.follow_up_on, v.id"
        );
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, FpVisit>(&sql).bind(facility_id).bind(by).fetch_all(pool).await?)
        })
    }
}
