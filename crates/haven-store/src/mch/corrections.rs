//! Corrections of mother-and-child records: a pregnancy's registration corrected
//! (naming the version read), a pregnancy ended without a delivery, and antenatal
//! contacts, postnatal contacts and family planning visits marked entered in error.
//! Nothing is deleted: an entered-in-error mark keeps who, when and why.

use haven_domain::mch::immunisation::Schedule;
use haven_domain::mch::join_codes;
use haven_domain::mch::pregnancy::{
    anc_contact_number, gestational_age, PregnancyDetails, PregnancyEndDetails,
};
use time::Date;

use super::immunisation::DoseRows;
use super::Pregnancy;
use crate::db::{in_write, on_pool};
use crate::ledger::{Actor, Ledger, NewAuditEvent};
use crate::{Id, Result, Store, StoreError, Timestamp};

/// A record that can be marked entered in error: its table, the entity named in a
/// conflict or not-found, and the audit action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Correctable {
    AncContact,
    PncContact,
    FpVisit,
}

impl Correctable {
    fn table(self) -> &'static str {
        match self {
            Correctable::AncContact => "anc_contact",
            Correctable::PncContact => "pnc_contact",
            Correctable::FpVisit => "fp_visit",
        }
    }

    /// The column naming the page the record is shown on.
    fn parent_column(self) -> &'static str {
        match self {
            Correctable::AncContact => "pregnancy_id",
            Correctable::PncContact => "delivery_id",
            Correctable::FpVisit => "person_id",
        }
    }

    fn audit_action(self) -> &'static str {
        match self {
            Correctable::AncContact => "anc_contact_entered_in_error",
            Correctable::PncContact => "pnc_contact_entered_in_error",
            Correctable::FpVisit => "fp_visit_entered_in_error",
        }
    }

    fn entity(self) -> &'static str {
        match self {
            Correctable::AncContact => "antenatal contact",
            Correctable::PncContact => "postnatal contact",
            Correctable::FpVisit => "family planning visit",
        }
    }
}

/// Whose a correctable record is and where: for the callers' reach checks.
#[derive(Clone, Copy, Debug, sqlx::FromRow)]
pub struct CorrectableRecord {
    pub person_id: Id,
    pub facility_id: Id,
    pub version: i64,
    /// The pregnancy (antenatal contact), delivery (postnatal contact) or client
    /// (family planning visit) whose page shows it.
    pub parent_id: Id,
}

impl Store {
    /// Corrects a pregnancy's registration (dating, gravida and para, risk factors,
    /// notes), naming the version read: a stale version is a conflict. The
    /// gestational age and schedule contact of each contact are recomputed from the
    /// new dating in the same transaction. Only an open pregnancy can be corrected.
    pub async fn correct_pregnancy(
        &self,
        actor: &Actor,
        id: Id,
        version: i64,
        details: &PregnancyDetails,
    ) -> Result<Pregnancy> {
        let pregnancy = self.pregnancy(id).await?;
        let now = Timestamp::now();
        let dating = details.dating();
        let (dating_lmp, basis) = dating.dating_lmp();
        in_write!(self, tx => {
            let changed = sqlx::query(
                "UPDATE pregnancy SET registered_on = $1, lmp = $2, ultrasound_on = $3,
                     ultrasound_ga_days = $4, dating_lmp = $5, dating_basis = $6, edd = $7,
                     gravida = $8, para = $9, risk_factors = $10, notes = $11, updated_at = $12,
                     updated_by = $13, version = version + 1
                 WHERE id = $14 AND version = $15 AND delivered_on IS NULL AND ended_on IS NULL
                     AND entered_in_error_at IS NULL",
            )
            .bind(details.registered_on())
            .bind(dating.lmp())
            .bind(dating.ultrasound().map(|(on, _)| on))
            .bind(dating.ultrasound().map(|(_, ga)| ga.days()))
            .bind(dating_lmp)
            .bind(basis.code())
            .bind(dating.edd())
            .bind(details.gravida())
            .bind(details.para())
            .bind(join_codes(details.risk_factors(), |r| r.code()))
            .bind(details.notes())
            .bind(now)
            .bind(actor.id)
            .bind(id)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(StoreError::Conflict { entity: "pregnancy" });
            }
            tx.append_change("pregnancy", id, version + 1, self.site_id, actor, now).await?;
            // The contacts keep their day; what they count as follows the new dating.
            let contacts: Vec<(Id, Date)> = sqlx::query_as(
                "SELECT id, contact_on FROM anc_contact WHERE pregnancy_id = $1",
            )
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
            for (contact, on) in contacts {
                let ga = gestational_age(dating_lmp, on);
                sqlx::query(
                    "UPDATE anc_contact SET gestational_age_days = $1, contact_number = $2
                     WHERE id = $3",
                )
                .bind(ga.days())
                .bind(i64::from(anc_contact_number(ga)))
                .bind(contact)
                .execute(&mut *tx)
                .await?;
            }
            let event = NewAuditEvent::new("pregnancy_correct", "person", pregnancy.person_id)
                .with_detail(format!("pregnancy={id} version={}", version + 1));
            tx.append_audit(actor, &event, now).await?;
        });
        self.pregnancy(id).await
    }

    /// Ends an open pregnancy without a delivery (miscarriage, abortion, ectopic,
    /// moved away, lost to follow-up), naming the version read: she leaves the
    /// worklists, and a new pregnancy may be registered.
    pub async fn end_pregnancy(
        &self,
        actor: &Actor,
        id: Id,
        version: i64,
        details: &PregnancyEndDetails,
    ) -> Result<Pregnancy> {
        let pregnancy = self.pregnancy(id).await?;
        let now = Timestamp::now();
        in_write!(self, tx => {
            let changed = sqlx::query(
                "UPDATE pregnancy SET ended_on = $1, end_reason = $2, end_notes = $3,
                     updated_at = $4, updated_by = $5, version = version + 1
                 WHERE id = $6 AND version = $7 AND delivered_on IS NULL AND ended_on IS NULL
                     AND entered_in_error_at IS NULL",
            )
            .bind(details.ended_on())
            .bind(details.reason().code())
            .bind(details.notes())
            .bind(now)
            .bind(actor.id)
            .bind(id)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(StoreError::Conflict { entity: "pregnancy" });
            }
            tx.append_change("pregnancy", id, version + 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("pregnancy_end", "person", pregnancy.person_id)
                .with_detail(format!("pregnancy={id} reason={}", details.reason().code()));
            tx.append_audit(actor, &event, now).await?;
        });
        self.pregnancy(id).await
    }

    /// The person, facility and page of a contact or visit not entered in error:
    /// for the callers' reach checks before marking it.
    pub async fn correctable(&self, what: Correctable, id: Id) -> Result<CorrectableRecord> {
        let sql = format!(
            "SELECT person_id, facility_id, version, {} AS parent_id FROM {} WHERE id = $1
                 AND entered_in_error_at IS NULL",
            what.parent_column(),
            what.table()
        );
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, CorrectableRecord>(&sql)
                .bind(id)
                .fetch_optional(pool)
                .await?
                .ok_or(StoreError::NotFound { entity: what.entity() })
        })
    }

    /// Marks an antenatal contact, a postnatal contact or a family planning visit
    /// entered in error, with who and why, naming the version read (stale: a
    /// conflict). It leaves every view and list; the schedule is computed without
    /// it. A Td dose given at an antenatal contact is marked with it, and the
    /// woman's valid doses recomputed.
    pub async fn mark_entered_in_error(
        &self,
        actor: &Actor,
        what: Correctable,
        id: Id,
        version: i64,
        reason: &str,
        schedule: &Schedule,
    ) -> Result<()> {
        let person_id = self.correctable(what, id).await?.person_id;
        let now = Timestamp::now();
        let table = what.table();
        let sql = format!(
            "UPDATE {table} SET entered_in_error_at = $1, entered_in_error_by = $2,
                 entered_in_error_reason = $3, updated_at = $1, updated_by = $2,
                 version = version + 1
             WHERE id = $4 AND version = $5 AND entered_in_error_at IS NULL"
        );
        in_write!(self, tx => {
            let changed = sqlx::query(&sql)
                .bind(now)
                .bind(actor.id)
                .bind(reason)
                .bind(id)
                .bind(version)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if changed == 0 {
                return Err(StoreError::Conflict { entity: what.entity() });
            }
            tx.append_change(table, id, version + 1, self.site_id, actor, now).await?;
            if what == Correctable::AncContact {
                let doses: Vec<(Id, i64)> = sqlx::query_as(
                    "SELECT id, version FROM immunisation_dose
                     WHERE anc_contact_id = $1 AND entered_in_error_at IS NULL",
                )
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
                for (dose, dose_version) in &doses {
                    sqlx::query(
                        "UPDATE immunisation_dose SET entered_in_error_at = $1,
                             entered_in_error_by = $2, entered_in_error_reason = $3,
                             updated_at = $1, updated_by = $2, version = version + 1
                         WHERE id = $4",
                    )
                    .bind(now)
                    .bind(actor.id)
                    .bind(reason)
                    .bind(dose)
                    .execute(&mut *tx)
                    .await?;
                    tx.append_change("immunisation_dose", *dose, dose_version + 1, self.site_id, actor, now)
                        .await?;
                }
                if !doses.is_empty() {
                    tx.rewrite_status(person_id, schedule, now).await?;
                }
            }
            let event = NewAuditEvent::new(what.audit_action(), "person", person_id)
                .with_detail(format!("{table}={id}"));
            tx.append_audit(actor, &event, now).await?;
        });
        Ok(())
    }
}
