//! Development plans of children and of families: goals by area of life, reviews,
//! the director's approval, and the overdue reviews of a programme.

use haven_domain::care::{GoalDetails, GoalUpdate, PlanDetails, ReviewDetails};
use time::Date;

use super::{insert_row, marks, text, update_row, V};
use crate::db::{on_pool, BeginWrite};
use crate::ledger::{Actor, Ledger, NewAuditEvent};
use crate::{Id, Result, Store, StoreError, Timestamp};

/// Whose plan it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanSubject {
    Child(Id),
    Household(Id),
}

/// A development plan.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Plan {
    pub id: Id,
    pub child_id: Option<Id>,
    pub household_id: Option<Id>,
    pub made_on: Date,
    pub review_on: Date,
    pub strengths: String,
    pub risks_needs: String,
    pub child_heard: i64,
    pub child_views: String,
    /// `draft` or `approved`.
    pub status: String,
    pub approved_by: Option<Id>,
    pub approved_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub version: i64,
}

impl Plan {
    pub fn subject(&self) -> Option<PlanSubject> {
        match (self.child_id, self.household_id) {
            (Some(child), _) => Some(PlanSubject::Child(child)),
            (None, Some(household)) => Some(PlanSubject::Household(household)),
            (None, None) => None,
        }
    }

    pub fn approved(&self) -> bool {
        self.status == "approved"
    }
}

/// A goal of a plan.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Goal {
    pub id: Id,
    pub plan_id: Id,
    pub area: String,
    pub goal: String,
    pub actions: String,
    pub responsible: String,
    pub due_on: Option<Date>,
    pub progress: String,
    pub progress_note: String,
    pub version: i64,
}

/// A review of a plan.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PlanReview {
    pub id: Id,
    pub plan_id: Id,
    pub reviewed_on: Date,
    pub notes: String,
    pub next_review_on: Date,
}

/// A plan whose review date has passed, with whose plan it is.
#[derive(Clone, Debug)]
pub struct OverduePlan {
    pub plan: Plan,
    pub subject_name: String,
    /// The facility holding the child or household.
    pub facility_id: Id,
}

const PLAN_COLUMNS: &str = "id, child_id, household_id, made_on, review_on, strengths, risks_needs,
     child_heard, child_views, status, approved_by, approved_at, created_at, version";

impl Store {
    /// Makes a development plan (a draft, until the programme director approves it).
    pub async fn create_plan(
        &self,
        actor: &Actor,
        subject: PlanSubject,
        details: &PlanDetails,
    ) -> Result<Plan> {
        let (child, household, audit_entity, audit_id) = match subject {
            PlanSubject::Child(id) => {
                let child = self.care_child(id).await?;
                (Some(id), None, "person", child.person_id)
            }
            PlanSubject::Household(id) => {
                self.household(id).await?;
                (None, Some(id), "care_household", id)
            }
        };
        let id = Id::new();
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            insert_row!(tx, self, "care_plan", id, actor, now, &[
                ("child_id", V::OptId(child)),
                ("household_id", V::OptId(household)),
                ("made_on", V::Date(details.made_on())),
                ("review_on", V::Date(details.review_on())),
                ("strengths", text(details.strengths())),
                ("risks_needs", text(details.risks_needs())),
                ("child_heard", V::Int(i64::from(details.child_heard()))),
                ("child_views", text(details.child_views())),
                ("status", text("draft")),
            ])?;
            tx.append_change("care_plan", id, 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("care_plan_create", audit_entity, audit_id).with_detail(id.to_string()), now).await?;
            tx.commit().await?;
        });
        self.plan(id).await
    }

    /// The programme director approves a plan, naming the version read.
    pub async fn approve_plan(&self, actor: &Actor, id: Id, version: i64) -> Result<Plan> {
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = update_row!(tx, "care_plan", id, version, actor, now, &[
                ("status", text("approved")),
                ("approved_by", V::OptId(Some(actor.id))),
                ("approved_at", V::OptTs(Some(now))),
            ])?;
            if changed == 0 {
                tx.rollback().await?;
                return Err(self.why_not_changed("care_plan", id).await);
            }
            tx.append_change("care_plan", id, version + 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("care_plan_approve", "care_plan", id), now).await?;
            tx.commit().await?;
        });
        self.plan(id).await
    }

    pub async fn plan(&self, id: Id) -> Result<Plan> {
        let sql = format!("SELECT {PLAN_COLUMNS} FROM care_plan WHERE id = $1");
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, Plan>(&sql).bind(id).fetch_optional(pool).await?
                .ok_or(StoreError::NotFound { entity: "plan" })
        })
    }

    /// The plans of a child or household, newest first.
    pub async fn plans_of(&self, subject: PlanSubject) -> Result<Vec<Plan>> {
        let (column, id) = match subject {
            PlanSubject::Child(id) => ("child_id", id),
            PlanSubject::Household(id) => ("household_id", id),
        };
        let sql = format!("SELECT {PLAN_COLUMNS} FROM care_plan WHERE {column} = $1 ORDER BY made_on DESC, id DESC");
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, Plan>(&sql).bind(id).fetch_all(pool).await?)
        })
    }

    pub async fn add_goal(
        &self,
        actor: &Actor,
        plan_id: Id,
        details: &GoalDetails,
    ) -> Result<Goal> {
        self.plan(plan_id).await?;
        let id = Id::new();
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            insert_row!(tx, self, "care_plan_goal", id, actor, now, &[
                ("plan_id", V::Id(plan_id)),
                ("area", text(details.area().code())),
                ("goal", text(details.goal())),
                ("actions", text(details.actions())),
                ("responsible", text(details.responsible())),
                ("due_on", V::OptDate(details.due_on())),
                ("progress", text(details.progress().code())),
                ("progress_note", text(details.progress_note())),
            ])?;
            tx.append_change("care_plan_goal", id, 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("care_goal_add", "care_plan", plan_id).with_detail(details.area().code()), now).await?;
            tx.commit().await?;
        });
        self.goal(id).await
    }

    /// Records a goal's progress, naming the version read.
    pub async fn update_goal(
        &self,
        actor: &Actor,
        id: Id,
        version: i64,
        update: &GoalUpdate,
    ) -> Result<Goal> {
        let goal = self.goal(id).await?;
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = update_row!(tx, "care_plan_goal", id, version, actor, now, &[
                ("progress", text(update.progress().code())),
                ("progress_note", text(update.progress_note())),
            ])?;
            if changed == 0 {
                tx.rollback().await?;
                return Err(self.why_not_changed("care_plan_goal", id).await);
            }
            tx.append_change("care_plan_goal", id, version + 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("care_goal_update", "care_plan", goal.plan_id).with_detail(update.progress().code()), now).await?;
            tx.commit().await?;
        });
        self.goal(id).await
    }

    pub async fn goal(&self, id: Id) -> Result<Goal> {
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, Goal>(
                "SELECT id, plan_id, area, goal, actions, responsible, due_on, progress, progress_note, version
                 FROM care_plan_goal WHERE id = $1",
            )
            .bind(id).fetch_optional(pool).await?
            .ok_or(StoreError::NotFound { entity: "goal" })
        })
    }

    pub async fn goals_of(&self, plan_id: Id) -> Result<Vec<Goal>> {
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, Goal>(
                "SELECT id, plan_id, area, goal, actions, responsible, due_on, progress, progress_note, version
                 FROM care_plan_goal WHERE plan_id = $1 ORDER BY area, created_at, id",
            )
            .bind(plan_id).fetch_all(pool).await?)
        })
    }

    /// Records a review and moves the plan's review date to the next one, naming the
    /// plan's version read.
    pub async fn review_plan(
        &self,
        actor: &Actor,
        plan_id: Id,
        version: i64,
        review: &ReviewDetails,
    ) -> Result<Plan> {
        let id = Id::new();
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = update_row!(tx, "care_plan", plan_id, version, actor, now, &[
                ("review_on", V::Date(review.next_review_on())),
            ])?;
            if changed == 0 {
                tx.rollback().await?;
                return Err(self.why_not_changed("care_plan", plan_id).await);
            }
            tx.append_change("care_plan", plan_id, version + 1, self.site_id, actor, now).await?;
            insert_row!(tx, self, "care_plan_review", id, actor, now, &[
                ("plan_id", V::Id(plan_id)),
                ("reviewed_on", V::Date(review.reviewed_on())),
                ("notes", text(review.notes())),
                ("next_review_on", V::Date(review.next_review_on())),
            ])?;
            tx.append_change("care_plan_review", id, 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("care_plan_review", "care_plan", plan_id).with_detail(id.to_string()), now).await?;
            tx.commit().await?;
        });
        self.plan(plan_id).await
    }

    pub async fn reviews_of(&self, plan_id: Id) -> Result<Vec<PlanReview>> {
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, PlanReview>(
                "SELECT id, plan_id, reviewed_on, notes, next_review_on FROM care_plan_review
                 WHERE plan_id = $1 ORDER BY reviewed_on DESC, id DESC",
            )
            .bind(plan_id).fetch_all(pool).await?)
        })
    }

    /// The latest plan of each child in care and each active household of these
    /// facilities whose review date is before `today`; most overdue first.
    pub async fn overdue_plans(
        &self,
        facility_ids: &[Id],
        today: Date,
    ) -> Result<Vec<OverduePlan>> {
        if facility_ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = marks(facility_ids.len(), 2);
        let columns = PLAN_COLUMNS
            .split(',')
            .map(|c| format!("pl.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        // The latest plan of a subject is the one no later plan follows.
        let sql = format!(
            "SELECT {columns}, c.facility_id AS c_facility, p.family_name_km, p.given_name_km,
                 p.family_name_latin, p.given_name_latin, hh.facility_id AS h_facility, hh.name AS h_name
             FROM care_plan pl
             LEFT JOIN care_child c ON c.id = pl.child_id
             LEFT JOIN person p ON p.id = c.person_id
             LEFT JOIN care_household hh ON hh.id = pl.household_id
             WHERE pl.review_on < $1 AND pl.closed_at IS NULL
               AND ((c.id IS NOT NULL AND c.left_on IS NULL AND c.facility_id IN ({list}))
                 OR (hh.id IS NOT NULL AND hh.status = 'active' AND hh.facility_id IN ({list})))
               AND NOT EXISTS (SELECT 1 FROM care_plan later
                   WHERE ((later.child_id = pl.child_id) OR (later.household_id = pl.household_id))
                     AND (later.made_on > pl.made_on OR (later.made_on = pl.made_on AND later.id > pl.id)))
             ORDER BY pl.review_on, pl.id"
        );
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            plan: Plan,
            c_facility: Option<Id>,
            family_name_km: Option<String>,
            given_name_km: Option<String>,
            family_name_latin: Option<String>,
            given_name_latin: Option<String>,
            h_facility: Option<Id>,
            h_name: Option<String>,
        }
        let rows: Vec<Row> = on_pool!(&self.pool, pool => {
            let mut query = sqlx::query_as::<_, Row>(&sql).bind(today);
            for id in facility_ids {
                query = query.bind(*id);
            }
            query.fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                let part = |p: &Option<String>| p.clone().unwrap_or_default();
                let (name, facility) = match (row.c_facility, row.h_facility) {
                    (Some(f), _) => (
                        haven_domain::person::display_name(
                            &part(&row.family_name_km),
                            &part(&row.given_name_km),
                            &part(&row.family_name_latin),
                            &part(&row.given_name_latin),
                        ),
                        f,
                    ),
                    (None, Some(f)) => (part(&row.h_name), f),
                    _ => return None,
                };
                Some(OverduePlan {
                    plan: row.plan,
                    subject_name: name,
                    facility_id: facility,
                })
            })
            .collect())
    }
}
