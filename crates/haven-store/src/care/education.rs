//! Education (enrolments, terms, scholarships) and the steps to independence
//! (youth care, semi-independent living, a job; leaving care; after-care).

use haven_domain::care::{
    CareCaseState, EnrolmentDetails, FollowUpDetails, LeavingDetails, StepDetails, TermDetails,
};
use time::Date;

use super::{insert_row, marks, text, update_row, V};
use crate::db::{on_pool, BeginWrite};
use crate::ledger::{Actor, Ledger, NewAuditEvent};
use crate::{Id, Result, Store, StoreError, Timestamp};

/// A school or training enrolment.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Enrolment {
    pub id: Id,
    pub child_id: Id,
    pub level: String,
    pub school: String,
    pub grade: String,
    pub school_year: i64,
    pub scholarship: String,
    pub version: i64,
}

/// A term of an enrolment: attendance and results.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Term {
    pub id: Id,
    pub enrolment_id: Id,
    pub term: i64,
    pub days_present: Option<i64>,
    pub days_possible: Option<i64>,
    pub average: Option<f64>,
    pub passed: i64,
    pub remark: String,
}

/// A step to independence.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Step {
    pub id: Id,
    pub child_id: Id,
    pub kind: String,
    pub started_on: Date,
    pub ended_on: Option<Date>,
    pub details: String,
}

/// An after-care follow-up.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FollowUp {
    pub id: Id,
    pub child_id: Id,
    pub followed_on: Date,
    pub situation: String,
    pub notes: String,
    pub next_on: Option<Date>,
}

impl Store {
    pub async fn add_enrolment(
        &self,
        actor: &Actor,
        child_id: Id,
        details: &EnrolmentDetails,
    ) -> Result<Enrolment> {
        let child = self.care_child(child_id).await?;
        let id = Id::new();
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            insert_row!(tx, self, "care_enrolment", id, actor, now, &[
                ("child_id", V::Id(child_id)),
                ("level", text(details.level().code())),
                ("school", text(details.school())),
                ("grade", text(details.grade())),
                ("school_year", V::Int(details.school_year())),
                ("scholarship", text(details.scholarship())),
            ])?;
            tx.append_change("care_enrolment", id, 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("care_enrolment_add", "person", child.person_id).with_detail(id.to_string()), now).await?;
            tx.commit().await?;
        });
        self.enrolment(id).await
    }

    pub async fn enrolment(&self, id: Id) -> Result<Enrolment> {
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, Enrolment>(
                "SELECT id, child_id, level, school, grade, school_year, scholarship, version
                 FROM care_enrolment WHERE id = $1",
            )
            .bind(id).fetch_optional(pool).await?
            .ok_or(StoreError::NotFound { entity: "enrolment" })
        })
    }

    /// A child's enrolments, the latest school year first.
    pub async fn enrolments_of(&self, child_id: Id) -> Result<Vec<Enrolment>> {
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, Enrolment>(
                "SELECT id, child_id, level, school, grade, school_year, scholarship, version
                 FROM care_enrolment WHERE child_id = $1 ORDER BY school_year DESC, id DESC",
            )
            .bind(child_id).fetch_all(pool).await?)
        })
    }

    /// Records a term's attendance and results (`Duplicate { field: "term" }` when
    /// that term is already recorded).
    pub async fn add_term(
        &self,
        actor: &Actor,
        enrolment_id: Id,
        details: &TermDetails,
    ) -> Result<Term> {
        let enrolment = self.enrolment(enrolment_id).await?;
        let child = self.care_child(enrolment.child_id).await?;
        let id = Id::new();
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            insert_row!(tx, self, "care_term", id, actor, now, &[
                ("enrolment_id", V::Id(enrolment_id)),
                ("term", V::Int(details.term())),
                ("days_present", V::OptInt(details.days_present())),
                ("days_possible", V::OptInt(details.days_possible())),
                ("average", V::Real(details.average())),
                ("passed", V::Int(i64::from(details.passed()))),
                ("remark", text(details.remark())),
            ])
            .map_err(|e| StoreError::unique_as(e, "term"))?;
            tx.append_change("care_term", id, 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("care_term_add", "person", child.person_id).with_detail(format!("{enrolment_id} term={}", details.term())), now).await?;
            tx.commit().await?;
        });
        let terms = self.terms_of(&[enrolment_id]).await?;
        terms
            .into_iter()
            .find(|t| t.id == id)
            .ok_or(StoreError::NotFound { entity: "term" })
    }

    /// The terms of these enrolments, in order.
    pub async fn terms_of(&self, enrolment_ids: &[Id]) -> Result<Vec<Term>> {
        if enrolment_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id, enrolment_id, term, days_present, days_possible, average, passed, remark
             FROM care_term WHERE enrolment_id IN ({}) ORDER BY enrolment_id, term",
            marks(enrolment_ids.len(), 1)
        );
        on_pool!(&self.pool, pool => {
            let mut query = sqlx::query_as::<_, Term>(&sql);
            for id in enrolment_ids {
                query = query.bind(*id);
            }
            Ok(query.fetch_all(pool).await?)
        })
    }

    pub async fn add_step(
        &self,
        actor: &Actor,
        child_id: Id,
        details: &StepDetails,
    ) -> Result<Step> {
        let child = self.care_child(child_id).await?;
        let id = Id::new();
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            insert_row!(tx, self, "care_step", id, actor, now, &[
                ("child_id", V::Id(child_id)),
                ("kind", text(details.kind().code())),
                ("started_on", V::Date(details.started_on())),
                ("ended_on", V::OptDate(details.ended_on())),
                ("details", text(details.details())),
            ])?;
            tx.append_change("care_step", id, 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("care_step_add", "person", child.person_id).with_detail(details.kind().code()), now).await?;
            tx.commit().await?;
        });
        self.steps_of(child_id)
            .await?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or(StoreError::NotFound { entity: "step" })
    }

    pub async fn steps_of(&self, child_id: Id) -> Result<Vec<Step>> {
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, Step>(
                "SELECT id, child_id, kind, started_on, ended_on, details FROM care_step
                 WHERE child_id = $1 ORDER BY started_on DESC, id DESC",
            )
            .bind(child_id).fetch_all(pool).await?)
        })
    }

    /// Records that a child left care (date, destination, reason), naming the child
    /// record's version read. The child's current placement ends that day, and the
    /// case goes on to follow-up (after-care) unless it is closed.
    pub async fn record_leaving(
        &self,
        actor: &Actor,
        child_id: Id,
        version: i64,
        details: &LeavingDetails,
    ) -> Result<()> {
        let child = self.care_child(child_id).await?;
        let now = Timestamp::now();
        let state = child.case_state();
        let to_follow_up = state.transition(CareCaseState::FollowUp).is_ok();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let mut values = vec![
                ("left_on", V::OptDate(Some(details.left_on()))),
                ("leaving_destination", text(details.destination().code())),
                ("leaving_reason", text(details.reason())),
            ];
            if to_follow_up {
                values.push(("case_state", text(CareCaseState::FollowUp.code())));
            }
            let changed = update_row!(tx, "care_child", child_id, version, actor, now, &values)?;
            if changed == 0 {
                tx.rollback().await?;
                return Err(self.why_not_changed("care_child", child_id).await);
            }
            tx.append_change("care_child", child_id, version + 1, self.site_id, actor, now).await?;
            let open: Vec<(Id, i64)> = sqlx::query_as(
                "SELECT id, version FROM care_placement WHERE child_id = $1 AND ended_on IS NULL AND entered_in_error_at IS NULL",
            )
            .bind(child_id).fetch_all(&mut *tx).await?;
            for (placement, placement_version) in open {
                update_row!(tx, "care_placement", placement, placement_version, actor, now, &[
                    ("ended_on", V::OptDate(Some(details.left_on()))),
                    ("end_reason", text(details.reason())),
                ])?;
                tx.append_change("care_placement", placement, placement_version + 1, self.site_id, actor, now).await?;
            }
            if to_follow_up {
                let event = Id::new();
                insert_row!(tx, self, "care_case_event", event, actor, now, &[
                    ("subject_id", V::Id(child_id)),
                    ("subject_kind", text("child")),
                    ("from_state", text(state.code())),
                    ("to_state", text(CareCaseState::FollowUp.code())),
                    ("note", text(details.destination().code())),
                ])?;
                tx.append_change("care_case_event", event, 1, self.site_id, actor, now).await?;
            }
            tx.append_audit(actor, &NewAuditEvent::new("care_leaving_record", "person", child.person_id).with_detail(details.destination().code()), now).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn add_followup(
        &self,
        actor: &Actor,
        child_id: Id,
        details: &FollowUpDetails,
    ) -> Result<FollowUp> {
        let child = self.care_child(child_id).await?;
        let id = Id::new();
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            insert_row!(tx, self, "care_followup", id, actor, now, &[
                ("child_id", V::Id(child_id)),
                ("followed_on", V::Date(details.followed_on())),
                ("situation", text(details.situation().code())),
                ("notes", text(details.notes())),
                ("next_on", V::OptDate(details.next_on())),
            ])?;
            tx.append_change("care_followup", id, 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("care_followup_add", "person", child.person_id).with_detail(details.situation().code()), now).await?;
            tx.commit().await?;
        });
        self.followups_of(child_id)
            .await?
            .into_iter()
            .find(|f| f.id == id)
            .ok_or(StoreError::NotFound {
                entity: "follow-up",
            })
    }

    /// The follow-ups of these care leavers, each child's newest first.
    pub async fn followups_of_children(&self, child_ids: &[Id]) -> Result<Vec<FollowUp>> {
        let mut followups = Vec::new();
        for chunk in child_ids.chunks(400) {
            let sql = format!(
                "SELECT id, child_id, followed_on, situation, notes, next_on FROM care_followup
                 WHERE child_id IN ({}) ORDER BY child_id, followed_on DESC, id DESC",
                marks(chunk.len(), 1)
            );
            let rows: Vec<FollowUp> = on_pool!(&self.pool, pool => {
                let mut query = sqlx::query_as::<_, FollowUp>(&sql);
                for id in chunk {
                    query = query.bind(*id);
                }
                query.fetch_all(pool).await?
            });
            followups.extend(rows);
        }
        Ok(followups)
    }

    /// A care leaver's follow-ups, newest first.
    pub async fn followups_of(&self, child_id: Id) -> Result<Vec<FollowUp>> {
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, FollowUp>(
                "SELECT id, child_id, followed_on, situation, notes, next_on FROM care_followup
                 WHERE child_id = $1 ORDER BY followed_on DESC, id DESC",
            )
            .bind(child_id).fetch_all(pool).await?)
        })
    }
}
