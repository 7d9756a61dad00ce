//! Laboratory orders and results. An order copies its test's sensitivity (`hiv`) from
//! the catalogue, and every read here takes a [`Viewer`]: a viewer without the HIV
//! permission gets no HIV order from any query, worklist row or count.

use haven_domain::clinic::lab::{Flag, LabState, LabTest};

use super::once::OnceTokens;
use super::visits::encounter_column;
use super::{encounter_owner, Encounter, FormToken, Viewer};
use crate::db::{on_pool, BeginWrite};
use crate::ledger::{Actor, Ledger, NewAuditEvent};
use crate::{Id, Result, Store, StoreError, Timestamp};

/// A laboratory order.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LabOrder {
    pub id: Id,
    pub person_id: Id,
    pub facility_id: Id,
    pub visit_id: Option<Id>,
    pub stay_id: Option<Id>,
    pub test_code: String,
    pub sensitive: String,
    /// A [`LabState`] code.
    pub state: String,
    pub clinical_note: String,
    pub ordered_at: Timestamp,
    pub ordered_by: Id,
    pub sample_taken_at: Option<Timestamp>,
    pub resulted_at: Option<Timestamp>,
    pub resulted_by: Option<Id>,
    pub verified_at: Option<Timestamp>,
    pub verified_by: Option<Id>,
    /// The worst [`Flag`] of its results, or empty before results.
    pub flag: String,
    pub seen_at: Option<Timestamp>,
    pub version: i64,
}

impl LabOrder {
    pub fn state(&self) -> LabState {
        LabState::parse(&self.state).unwrap_or(LabState::Ordered)
    }
    pub fn flag(&self) -> Option<Flag> {
        Flag::parse(&self.flag)
    }
    pub fn is_hiv(&self) -> bool {
        self.sensitive == "hiv"
    }
}

/// An order on a facility's worklist, with who the patient is.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct WorklistRow {
    pub id: Id,
    pub person_id: Id,
    pub test_code: String,
    pub state: String,
    pub ordered_at: Timestamp,
    pub flag: String,
    pub version: i64,
    pub family_name_km: String,
    pub given_name_km: String,
    pub family_name_latin: String,
    pub given_name_latin: String,
    pub sex: String,
    pub birth_date: time::Date,
}

impl WorklistRow {
    pub fn display_name(&self) -> String {
        haven_domain::person::display_name(
            &self.family_name_km,
            &self.given_name_km,
            &self.family_name_latin,
            &self.given_name_latin,
        )
    }
}

/// A result as stored, with the range and flag that applied when it was entered.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LabResult {
    pub id: Id,
    pub order_id: Id,
    pub component_code: String,
    pub value_number: Option<f64>,
    pub value_code: String,
    pub unit: String,
    pub range_low: Option<f64>,
    pub range_high: Option<f64>,
    pub flag: String,
}

/// A result to record: the component, its value, and what applied.
#[derive(Clone, Debug, PartialEq)]
pub struct NewResult {
    pub component_code: &'static str,
    pub value_number: Option<f64>,
    pub value_code: &'static str,
    pub unit: &'static str,
    pub range_low: Option<f64>,
    pub range_high: Option<f64>,
    pub flag: Flag,
}

const ORDER_COLUMNS: &str = "id, person_id, facility_id, visit_id, stay_id, test_code, sensitive, \
     state, clinical_note, ordered_at, ordered_by, sample_taken_at, resulted_at, resulted_by, \
     verified_at, verified_by, flag, seen_at, version";

impl Store {
    /// Orders a test of the catalogue from a visit or a stay.
    pub async fn order_lab_test(
        &self,
        actor: &Actor,
        encounter: Encounter,
        test: &LabTest,
        clinical_note: &str,
        token: Option<&FormToken>,
    ) -> Result<Id> {
        let id = Id::new();
        let now = Timestamp::now();
        let sensitive = if test.is_hiv() { "hiv" } else { "" };
        let result = on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            if let Some(existing) = tx.used_token(token).await? {
                return Ok(existing);
            }
            let (person, facility) = encounter_owner!(tx, encounter);
            sqlx::query(
                "INSERT INTO lab_order (id, site_id, person_id, facility_id, visit_id, stay_id,
                     test_code, sensitive, state, clinical_note, ordered_at, ordered_by,
                     created_at, created_by, updated_at, updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'ordered', $9, $10, $11, $10, $11, $10, $11, 1)",
            )
            .bind(id)
            .bind(self.site_id)
            .bind(person)
            .bind(facility)
            .bind(encounter.visit_id())
            .bind(encounter.stay_id())
            .bind(test.code())
            .bind(sensitive)
            .bind(clinical_note)
            .bind(now)
            .bind(actor.id)
            .execute(&mut *tx)
            .await?;
            tx.append_change("lab_order", id, 1, self.site_id, actor, now).await?;
            // The test code of an HIV order is itself sensitive: the audit says only
            // that a sensitive test was ordered.
            let detail = if test.is_hiv() {
                format!("order={id} test=(sensitive)")
            } else {
                format!("order={id} test={}", test.code())
            };
            let event = NewAuditEvent::new("lab_order", encounter.entity(), encounter.id()).with_detail(detail);
            tx.append_audit(actor, &event, now).await?;
            tx.record_token(token, "lab_order", id, actor, now).await?;
            tx.commit().await?;
            Ok(id)
        });
        self.settle_once(token, result).await
    }

    /// An order the viewer may see: out of reach, or HIV without the permission, is
    /// `NotFound`.
    pub async fn lab_order(&self, viewer: &Viewer, id: Id) -> Result<LabOrder> {
        let sql = format!(
            "SELECT {ORDER_COLUMNS} FROM lab_order
             WHERE id = $1 AND entered_in_error_at IS NULL AND ($2 = 1 OR sensitive = '')"
        );
        let order = on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, LabOrder>(&sql)
                .bind(id)
                .bind(viewer.hiv_flag())
                .fetch_optional(pool)
                .await?
        });
        match order {
            Some(order) if viewer.reaches(order.facility_id) => Ok(order),
            _ => Err(StoreError::NotFound {
                entity: "lab order",
            }),
        }
    }

    /// The orders of an encounter the viewer may see, in the order made.
    pub async fn lab_orders_of(
        &self,
        viewer: &Viewer,
        encounter: Encounter,
    ) -> Result<Vec<LabOrder>> {
        let sql = format!(
            "SELECT {ORDER_COLUMNS} FROM lab_order
             WHERE {} = $1 AND entered_in_error_at IS NULL AND ($2 = 1 OR sensitive = '')
             ORDER BY ordered_at, id",
            encounter_column(encounter)
        );
        let orders: Vec<LabOrder> = on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, LabOrder>(&sql)
                .bind(encounter.id())
                .bind(viewer.hiv_flag())
                .fetch_all(pool)
                .await?
        });
        Ok(orders
            .into_iter()
            .filter(|o| viewer.reaches(o.facility_id))
            .collect())
    }

    /// A facility's worklist: orders in the given states (all but verified when
    /// empty), oldest first. `NotFound` when the viewer does not reach the facility.
    pub async fn worklist(
        &self,
        viewer: &Viewer,
        facility_id: Id,
        states: &[LabState],
    ) -> Result<Vec<WorklistRow>> {
        if !viewer.reaches(facility_id) {
            return Err(StoreError::NotFound { entity: "facility" });
        }
        let states: Vec<&str> = if states.is_empty() {
            vec!["ordered", "sample_taken", "in_progress", "resulted"]
        } else {
            states.iter().map(|s| s.code()).collect()
        };
        let sql = format!(
            "SELECT o.id, o.person_id, o.test_code, o.state, o.ordered_at, o.flag, o.version,
                 p.family_name_km, p.given_name_km, p.family_name_latin, p.given_name_latin,
                 p.sex, p.birth_date
             FROM lab_order o JOIN person p ON p.id = o.person_id
             WHERE o.facility_id = $1 AND o.entered_in_error_at IS NULL
               AND ($2 = 1 OR o.sensitive = '') AND o.state IN ({})
             ORDER BY o.ordered_at, o.id LIMIT 500",
            super::placeholders(states.len(), 3)
        );
        on_pool!(&self.pool, pool => {
            let mut query = sqlx::query_as::<_, WorklistRow>(&sql)
                .bind(facility_id)
                .bind(viewer.hiv_flag());
            for state in &states {
                query = query.bind(*state);
            }
            Ok(query.fetch_all(pool).await?)
        })
    }

    /// How many orders of a facility wait in each state, as the viewer may count them.
    pub async fn worklist_counts(
        &self,
        viewer: &Viewer,
        facility_id: Id,
    ) -> Result<Vec<(String, i64)>> {
        if !viewer.reaches(facility_id) {
            return Ok(Vec::new());
        }
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, (String, i64)>(
                "SELECT state, COUNT(*) FROM lab_order
                 WHERE facility_id = $1 AND entered_in_error_at IS NULL
                   AND ($2 = 1 OR sensitive = '')
                 GROUP BY state",
            )
            .bind(facility_id)
            .bind(viewer.hiv_flag())
            .fetch_all(pool)
            .await?)
        })
    }

    /// Moves an order to its next state (sample taken, in progress, verified),
    /// naming the version read. Results are entered with [`Store::enter_lab_results`].
    pub async fn advance_lab_order(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        id: Id,
        version: i64,
        to: LabState,
    ) -> Result<()> {
        let order = self.lab_order(viewer, id).await?;
        if order.state().next() != Some(to) || to == LabState::Resulted {
            return Err(StoreError::Conflict {
                entity: "lab order",
            });
        }
        let now = Timestamp::now();
        let column = match to {
            LabState::SampleTaken => "sample_taken_at = $1,",
            LabState::Verified => "verified_at = $1, verified_by = $2,",
            _ => "",
        };
        let sql = format!(
            "UPDATE lab_order SET state = $3, {column} updated_at = $1, updated_by = $2,
                 version = version + 1
             WHERE id = $4 AND version = $5 AND state = $6"
        );
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = sqlx::query(&sql)
                .bind(now)
                .bind(actor.id)
                .bind(to.code())
                .bind(id)
                .bind(version)
                .bind(order.state().code())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if changed == 0 {
                return Err(StoreError::Conflict { entity: "lab order" });
            }
            tx.append_change("lab_order", id, version + 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("lab_order_state", "lab_order", id).with_detail(to.code());
            tx.append_audit(actor, &event, now).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Enters an order's results (one per component) and marks it resulted, with
    /// the worst flag, naming the version read.
    pub async fn enter_lab_results(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        id: Id,
        version: i64,
        results: &[NewResult],
    ) -> Result<()> {
        let order = self.lab_order(viewer, id).await?;
        if !order.state().takes_results() {
            return Err(StoreError::Conflict {
                entity: "lab order",
            });
        }
        let now = Timestamp::now();
        let worst = results
            .iter()
            .map(|r| r.flag)
            .max_by_key(|f| f.severity())
            .unwrap_or(Flag::Normal);
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = sqlx::query(
                "UPDATE lab_order SET state = 'resulted', resulted_at = $1, resulted_by = $2,
                     flag = $3, updated_at = $1, updated_by = $2, version = version + 1
                 WHERE id = $4 AND version = $5 AND state IN ('sample_taken', 'in_progress')",
            )
            .bind(now)
            .bind(actor.id)
            .bind(worst.code())
            .bind(id)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(StoreError::Conflict { entity: "lab order" });
            }
            for result in results {
                let result_id = Id::new();
                sqlx::query(
                    "INSERT INTO lab_result (id, site_id, order_id, component_code, value_number,
                         value_code, unit, range_low, range_high, flag,
                         created_at, created_by, updated_at, updated_by, version)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $11, $12, 1)",
                )
                .bind(result_id)
                .bind(self.site_id)
                .bind(id)
                .bind(result.component_code)
                .bind(result.value_number)
                .bind(result.value_code)
                .bind(result.unit)
                .bind(result.range_low)
                .bind(result.range_high)
                .bind(result.flag.code())
                .bind(now)
                .bind(actor.id)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::unique_as(e, "result"))?;
                tx.append_change("lab_result", result_id, 1, self.site_id, actor, now).await?;
            }
            tx.append_change("lab_order", id, version + 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("lab_results_enter", "lab_order", id)
                .with_detail(format!("flag={}", worst.code()));
            tx.append_audit(actor, &event, now).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The results of orders, by order (the orders were read through a viewer).
    pub async fn lab_results(&self, order_ids: &[Id]) -> Result<Vec<LabResult>> {
        if order_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id, order_id, component_code, value_number, value_code, unit, range_low,
                 range_high, flag
             FROM lab_result WHERE order_id IN ({}) ORDER BY order_id, id",
            super::placeholders(order_ids.len(), 1)
        );
        on_pool!(&self.pool, pool => {
            let mut query = sqlx::query_as::<_, LabResult>(&sql);
            for id in order_ids {
                query = query.bind(*id);
            }
            Ok(query.fetch_all(pool).await?)
        })
    }

    /// Results an ordering clinician has not yet seen, abnormal and critical first.
    pub async fn results_to_see(&self, viewer: &Viewer, clinician: Id) -> Result<Vec<LabOrder>> {
        let sql = format!(
            "SELECT {ORDER_COLUMNS} FROM lab_order
             WHERE ordered_by = $1 AND seen_at IS NULL AND entered_in_error_at IS NULL
               AND state IN ('resulted', 'verified') AND ($2 = 1 OR sensitive = '')
             ORDER BY resulted_at DESC, id LIMIT 200"
        );
        let mut orders: Vec<LabOrder> = on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, LabOrder>(&sql)
                .bind(clinician)
                .bind(viewer.hiv_flag())
                .fetch_all(pool)
                .await?
        });
        orders.retain(|o| viewer.reaches(o.facility_id));
        orders.sort_by_key(|o| std::cmp::Reverse(o.flag().map_or(0, Flag::severity)));
        Ok(orders)
    }

    /// Cancels an order that has no results yet (ordered by mistake, no longer
    /// needed), naming the version read: it is marked entered in error with the
    /// reason, and every read leaves it out from then on. An order with results is a
    /// conflict: its results stand.
    pub async fn cancel_lab_order(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        id: Id,
        version: i64,
        reason: &str,
    ) -> Result<()> {
        let order = self.lab_order(viewer, id).await?;
        if order.state().has_results() {
            return Err(StoreError::Conflict {
                entity: "lab order",
            });
        }
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = sqlx::query(
                "UPDATE lab_order SET entered_in_error_at = $1, entered_in_error_by = $2,
                     entered_in_error_reason = $3, updated_at = $1, updated_by = $2,
                     version = version + 1
                 WHERE id = $4 AND version = $5 AND entered_in_error_at IS NULL
                   AND state IN ('ordered', 'sample_taken', 'in_progress')",
            )
            .bind(now)
            .bind(actor.id)
            .bind(reason)
            .bind(id)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(StoreError::Conflict { entity: "lab order" });
            }
            tx.append_change("lab_order", id, version + 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("lab_order_cancel", "lab_order", id)
                .with_detail(order.state().code());
            tx.append_audit(actor, &event, now).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The ordering clinician has seen a result.
    pub async fn mark_result_seen(&self, actor: &Actor, viewer: &Viewer, id: Id) -> Result<()> {
        let order = self.lab_order(viewer, id).await?;
        if !order.state().has_results() {
            return Err(StoreError::Conflict {
                entity: "lab order",
            });
        }
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "UPDATE lab_order SET seen_at = $1, seen_by = $2, updated_at = $1, updated_by = $2,
                     version = version + 1
                 WHERE id = $3 AND seen_at IS NULL",
            )
            .bind(now)
            .bind(actor.id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            tx.append_change("lab_order", id, order.version + 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("lab_result_seen", "lab_order", id), now).await?;
            tx.commit().await?;
        });
        Ok(())
    }
}
