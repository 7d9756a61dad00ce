//! Prescriptions, dispensing and stock. Stock is kept per facility in batches; every
//! change of a batch's `on_hand` is a `stock_movement` row written in the same
//! transaction. A dispense takes batches first expiry first out and can never take
//! stock below zero: each batch is decremented with `UPDATE ... WHERE on_hand >= $n`
//! inside the write transaction, so two dispensers at once (PostgreSQL does not
//! serialise writers; the row lock of the first UPDATE makes the second re-check)
//! cannot both take the last units.

use haven_domain::clinic::medicines::{
    plan_dispense, BatchOnHand, Prescription, Receipt, Shortfall, StockChange, NEAR_EXPIRY_DAYS,
};
use time::Date;

use super::once::OnceTokens;
use super::visits::encounter_column;
use super::{encounter_owner, Encounter, FormToken, Viewer};
use crate::db::{on_pool, BeginWrite};
use crate::ledger::{Actor, Ledger, NewAuditEvent};
use crate::{Id, Result, Store, StoreError, Timestamp};

/// A prescription, with how much of it has been dispensed.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PrescriptionRow {
    pub id: Id,
    pub person_id: Id,
    pub facility_id: Id,
    pub visit_id: Option<Id>,
    pub stay_id: Option<Id>,
    pub medicine_code: String,
    pub dose: String,
    pub route: String,
    pub frequency: String,
    pub duration_days: Option<i64>,
    pub quantity: i64,
    pub dispensed: i64,
    pub instructions: String,
    pub prescribed_at: Timestamp,
    pub created_by: Id,
    pub version: i64,
}

impl PrescriptionRow {
    pub fn remaining(&self) -> i64 {
        (self.quantity - self.dispensed).max(0)
    }
}

/// A batch of a medicine in a facility's stock.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StockBatch {
    pub id: Id,
    pub facility_id: Id,
    pub medicine_code: String,
    pub batch_number: String,
    pub expires_on: Date,
    pub on_hand: i64,
    pub version: i64,
}

/// A movement of stock, newest first in lists.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MovementRow {
    pub id: Id,
    pub batch_id: Id,
    pub medicine_code: String,
    pub batch_number: String,
    pub kind: String,
    pub quantity: i64,
    pub balance: i64,
    pub reason: String,
    pub note: String,
    pub prescription_id: Option<Id>,
    pub moved_at: Timestamp,
    pub created_by: Id,
}

/// What a facility's pharmacy should act on.
#[derive(Clone, Debug, Default)]
pub struct StockWarnings {
    /// Batches with stock that expire within [`NEAR_EXPIRY_DAYS`] (or have expired).
    pub near_expiry: Vec<StockBatch>,
    /// Medicines whose usable stock is at or below their low-stock level, with it.
    pub low_stock: Vec<(String, i64)>,
}

/// What a dispense did: the movements written, or why not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DispenseOutcome {
    Dispensed(Vec<Id>),
    /// Not enough usable stock: the units available.
    NotEnoughStock(Shortfall),
    /// More than the prescription still asks for.
    MoreThanPrescribed {
        remaining: i64,
    },
}

const PRESCRIPTION_COLUMNS: &str = "id, person_id, facility_id, visit_id, stay_id, medicine_code, \
     dose, route, frequency, duration_days, quantity, dispensed, instructions, prescribed_at, \
     created_by, version";
const BATCH_COLUMNS: &str =
    "id, facility_id, medicine_code, batch_number, expires_on, on_hand, version";

impl Store {
    /// Prescribes a medicine at a visit or a stay.
    pub async fn prescribe(
        &self,
        actor: &Actor,
        encounter: Encounter,
        prescription: &Prescription,
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
                "INSERT INTO prescription (id, site_id, person_id, facility_id, visit_id, stay_id,
                     medicine_code, dose, route, frequency, duration_days, quantity, dispensed,
                     instructions, prescribed_at, created_at, created_by, updated_at, updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, $13, $14, $14, $15, $14, $15, 1)",
            )
            .bind(id)
            .bind(self.site_id)
            .bind(person)
            .bind(facility)
            .bind(encounter.visit_id())
            .bind(encounter.stay_id())
            .bind(prescription.medicine().code())
            .bind(prescription.dose())
            .bind(prescription.route().code())
            .bind(prescription.frequency().code())
            .bind(prescription.duration_days())
            .bind(prescription.quantity())
            .bind(prescription.instructions())
            .bind(now)
            .bind(actor.id)
            .execute(&mut *tx)
            .await?;
            tx.append_change("prescription", id, 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("prescribe", encounter.entity(), encounter.id())
                .with_detail(format!("prescription={id} medicine={}", prescription.medicine().code()));
            tx.append_audit(actor, &event, now).await?;
            tx.record_token(token, "prescription", id, actor, now).await?;
            tx.commit().await?;
            Ok(id)
        });
        self.settle_once(token, result).await
    }

    pub async fn prescription(&self, viewer: &Viewer, id: Id) -> Result<PrescriptionRow> {
        let sql = format!(
            "SELECT {PRESCRIPTION_COLUMNS} FROM prescription WHERE id = $1 AND entered_in_error_at IS NULL"
        );
        let row = on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, PrescriptionRow>(&sql).bind(id).fetch_optional(pool).await?
        });
        match row {
            Some(row) if viewer.reaches(row.facility_id) => Ok(row),
            _ => Err(StoreError::NotFound {
                entity: "prescription",
            }),
        }
    }

    pub async fn prescriptions_of(&self, encounter: Encounter) -> Result<Vec<PrescriptionRow>> {
        let sql = format!(
            "SELECT {PRESCRIPTION_COLUMNS} FROM prescription
             WHERE {} = $1 AND entered_in_error_at IS NULL ORDER BY prescribed_at, id",
            encounter_column(encounter)
        );
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, PrescriptionRow>(&sql).bind(encounter.id()).fetch_all(pool).await?)
        })
    }

    /// A facility's prescriptions still to dispense, oldest first (at most 300).
    pub async fn prescriptions_to_dispense(&self, facility_id: Id) -> Result<Vec<PrescriptionRow>> {
        let sql = format!(
            "SELECT {PRESCRIPTION_COLUMNS} FROM prescription
             WHERE facility_id = $1 AND dispensed < quantity AND entered_in_error_at IS NULL
             ORDER BY prescribed_at, id LIMIT 300"
        );
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, PrescriptionRow>(&sql).bind(facility_id).fetch_all(pool).await?)
        })
    }

    /// Dispenses `quantity` units against a prescription, from the prescribing
    /// facility's stock, first expiry first out, skipping expired batches.
    pub async fn dispense(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        prescription_id: Id,
        quantity: i64,
        today: Date,
        token: Option<&FormToken>,
    ) -> Result<DispenseOutcome> {
        let prescription = self.prescription(viewer, prescription_id).await?;
        let now = Timestamp::now();
        let outcome = on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            if tx.used_token(token).await?.is_some() {
                return Ok(DispenseOutcome::Dispensed(Vec::new()));
            }
            let batches: Vec<(Id, Date, i64)> = sqlx::query_as(
                "SELECT id, expires_on, on_hand FROM stock_batch
                 WHERE facility_id = $1 AND medicine_code = $2 AND on_hand > 0",
            )
            .bind(prescription.facility_id)
            .bind(&prescription.medicine_code)
            .fetch_all(&mut *tx)
            .await?;
            let batches: Vec<BatchOnHand<Id>> = batches
                .into_iter()
                .map(|(batch, expires_on, on_hand)| BatchOnHand { batch, expires_on, on_hand })
                .collect();
            let plan = match plan_dispense(&batches, quantity, today) {
                Ok(plan) => plan,
                Err(shortfall) => {
                    tx.rollback().await?;
                    return Ok(DispenseOutcome::NotEnoughStock(shortfall));
                }
            };
            let taken = sqlx::query(
                "UPDATE prescription SET dispensed = dispensed + $1, updated_at = $2,
                     updated_by = $3, version = version + 1
                 WHERE id = $4 AND dispensed + $1 <= quantity",
            )
            .bind(quantity)
            .bind(now)
            .bind(actor.id)
            .bind(prescription_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if taken == 0 {
                tx.rollback().await?;
                let remaining = self.prescription(viewer, prescription_id).await?.remaining();
                return Ok(DispenseOutcome::MoreThanPrescribed { remaining });
            }
            let mut movements = Vec::new();
            for (batch, take) in plan {
                // The conditional update is the guard: another dispenser may have
                // taken this batch's units since it was read.
                let balance: Option<i64> = sqlx::query_scalar(
                    "UPDATE stock_batch SET on_hand = on_hand - $1, updated_at = $2, updated_by = $3,
                         version = version + 1
                     WHERE id = $4 AND on_hand >= $1
                     RETURNING on_hand",
                )
                .bind(take)
                .bind(now)
                .bind(actor.id)
                .bind(batch)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(balance) = balance else {
                    tx.rollback().await?;
                    let available = self.usable_stock(prescription.facility_id, &prescription.medicine_code, today).await?;
                    return Ok(DispenseOutcome::NotEnoughStock(Shortfall { available }));
                };
                let movement = Id::new();
                sqlx::query(
                    "INSERT INTO stock_movement (id, site_id, facility_id, batch_id, medicine_code,
                         kind, quantity, balance, reason, note, prescription_id, person_id, moved_at,
                         created_at, created_by, updated_at, updated_by, version)
                     VALUES ($1, $2, $3, $4, $5, 'dispense', $6, $7, '', '', $8, $9, $10, $10, $11, $10, $11, 1)",
                )
                .bind(movement)
                .bind(self.site_id)
                .bind(prescription.facility_id)
                .bind(batch)
                .bind(&prescription.medicine_code)
                .bind(-take)
                .bind(balance)
                .bind(prescription_id)
                .bind(prescription.person_id)
                .bind(now)
                .bind(actor.id)
                .execute(&mut *tx)
                .await?;
                tx.append_change("stock_movement", movement, 1, self.site_id, actor, now).await?;
                movements.push(movement);
            }
            tx.append_change("prescription", prescription_id, prescription.version + 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("dispense", "person", prescription.person_id).with_detail(format!(
                "prescription={prescription_id} medicine={} quantity={quantity}",
                prescription.medicine_code
            ));
            tx.append_audit(actor, &event, now).await?;
            if let Some(first) = movements.first() {
                tx.record_token(token, "stock_movement", *first, actor, now).await?;
            }
            tx.commit().await?;
            Ok::<DispenseOutcome, StoreError>(DispenseOutcome::Dispensed(movements))
        });
        match outcome {
            Err(StoreError::Database(error)) if super::once::lost_token_race(&error) => {
                Ok(DispenseOutcome::Dispensed(Vec::new()))
            }
            other => other,
        }
    }

    /// Units of a medicine a facility can dispense today (batches not expired).
    pub async fn usable_stock(&self, facility_id: Id, medicine: &str, today: Date) -> Result<i64> {
        on_pool!(&self.pool, pool => {
            let total: Option<i64> = sqlx::query_scalar(
                "SELECT CAST(SUM(on_hand) AS BIGINT) FROM stock_batch
                 WHERE facility_id = $1 AND medicine_code = $2 AND expires_on >= $3",
            )
            .bind(facility_id)
            .bind(medicine)
            .bind(today)
            .fetch_one(pool)
            .await?;
            Ok(total.unwrap_or(0))
        })
    }

    /// Receives a batch into a facility's stock (adding to it if the batch number is
    /// already there), with its receipt movement. Returns the batch.
    pub async fn receive_stock(
        &self,
        actor: &Actor,
        facility_id: Id,
        receipt: &Receipt,
        token: Option<&FormToken>,
    ) -> Result<Id> {
        let now = Timestamp::now();
        let medicine = receipt.medicine().code();
        let result = on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            if let Some(existing) = tx.used_token(token).await? {
                return Ok(existing);
            }
            let existing: Option<(Id, Date)> = sqlx::query_as(
                "SELECT id, expires_on FROM stock_batch
                 WHERE facility_id = $1 AND medicine_code = $2 AND batch_number = $3",
            )
            .bind(facility_id)
            .bind(medicine)
            .bind(receipt.batch())
            .fetch_optional(&mut *tx)
            .await?;
            let (batch, balance) = match existing {
                Some((batch, expires_on)) => {
                    if expires_on != receipt.expires_on() {
                        // One batch number, one expiry: a different date is a typing mistake.
                        return Err(StoreError::Duplicate { field: "batch" });
                    }
                    let balance: i64 = sqlx::query_scalar(
                        "UPDATE stock_batch SET on_hand = on_hand + $1, updated_at = $2, updated_by = $3,
                             version = version + 1
                         WHERE id = $4 RETURNING on_hand",
                    )
                    .bind(receipt.quantity())
                    .bind(now)
                    .bind(actor.id)
                    .bind(batch)
                    .fetch_one(&mut *tx)
                    .await?;
                    (batch, balance)
                }
                None => {
                    let batch = Id::new();
                    sqlx::query(
                        "INSERT INTO stock_batch (id, site_id, facility_id, medicine_code, batch_number,
                             expires_on, on_hand, created_at, created_by, updated_at, updated_by, version)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $9, 1)",
                    )
                    .bind(batch)
                    .bind(self.site_id)
                    .bind(facility_id)
                    .bind(medicine)
                    .bind(receipt.batch())
                    .bind(receipt.expires_on())
                    .bind(receipt.quantity())
                    .bind(now)
                    .bind(actor.id)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| crate::places::missing_as(e, "facility"))?;
                    (batch, receipt.quantity())
                }
            };
            let movement = Id::new();
            sqlx::query(
                "INSERT INTO stock_movement (id, site_id, facility_id, batch_id, medicine_code, kind,
                     quantity, balance, reason, note, moved_at, created_at, created_by, updated_at,
                     updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, 'receipt', $6, $7, '', '', $8, $8, $9, $8, $9, 1)",
            )
            .bind(movement)
            .bind(self.site_id)
            .bind(facility_id)
            .bind(batch)
            .bind(medicine)
            .bind(receipt.quantity())
            .bind(balance)
            .bind(now)
            .bind(actor.id)
            .execute(&mut *tx)
            .await?;
            tx.append_change("stock_batch", batch, 1, self.site_id, actor, now).await?;
            tx.append_change("stock_movement", movement, 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("stock_receive", "stock_batch", batch)
                .with_detail(format!("facility={facility_id} medicine={medicine} quantity={}", receipt.quantity()));
            tx.append_audit(actor, &event, now).await?;
            tx.record_token(token, "stock_batch", batch, actor, now).await?;
            tx.commit().await?;
            Ok(batch)
        });
        self.settle_once(token, result).await
    }

    /// Issues, adjusts or counts one batch, naming the version read. A change that
    /// would take the batch below zero is refused with what it holds.
    pub async fn change_stock(
        &self,
        actor: &Actor,
        batch_id: Id,
        version: i64,
        change: &StockChange,
    ) -> Result<Result<(), Shortfall>> {
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let batch: Option<(Id, String, i64, i64)> = sqlx::query_as(
                "SELECT facility_id, medicine_code, on_hand, version FROM stock_batch WHERE id = $1",
            )
            .bind(batch_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((facility, medicine, on_hand, current)) = batch else {
                return Err(StoreError::NotFound { entity: "stock batch" });
            };
            if current != version {
                return Err(StoreError::Conflict { entity: "stock batch" });
            }
            let delta = change.delta(on_hand);
            if on_hand + delta < 0 {
                tx.rollback().await?;
                return Ok(Err(Shortfall { available: on_hand }));
            }
            let balance: Option<i64> = sqlx::query_scalar(
                "UPDATE stock_batch SET on_hand = on_hand + $1, updated_at = $2, updated_by = $3,
                     version = version + 1
                 WHERE id = $4 AND version = $5 AND on_hand + $1 >= 0
                 RETURNING on_hand",
            )
            .bind(delta)
            .bind(now)
            .bind(actor.id)
            .bind(batch_id)
            .bind(version)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(balance) = balance else {
                return Err(StoreError::Conflict { entity: "stock batch" });
            };
            let movement = Id::new();
            sqlx::query(
                "INSERT INTO stock_movement (id, site_id, facility_id, batch_id, medicine_code, kind,
                     quantity, balance, reason, note, moved_at, created_at, created_by, updated_at,
                     updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $11, $12, 1)",
            )
            .bind(movement)
            .bind(self.site_id)
            .bind(facility)
            .bind(batch_id)
            .bind(&medicine)
            .bind(change.kind().code())
            .bind(delta)
            .bind(balance)
            .bind(change.reason_code())
            .bind(change.note())
            .bind(now)
            .bind(actor.id)
            .execute(&mut *tx)
            .await?;
            tx.append_change("stock_batch", batch_id, version + 1, self.site_id, actor, now).await?;
            tx.append_change("stock_movement", movement, 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("stock_change", "stock_batch", batch_id)
                .with_detail(format!("kind={} quantity={delta}", change.kind().code()));
            tx.append_audit(actor, &event, now).await?;
            tx.commit().await?;
            Ok(Ok(()))
        })
    }

    pub async fn stock_batch(&self, id: Id) -> Result<StockBatch> {
        let sql = format!("SELECT {BATCH_COLUMNS} FROM stock_batch WHERE id = $1");
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, StockBatch>(&sql)
                .bind(id)
                .fetch_optional(pool)
                .await?
                .ok_or(StoreError::NotFound { entity: "stock batch" })
        })
    }

    /// A facility's batches with stock (and emptied ones when `include_empty`), by
    /// medicine then expiry.
    pub async fn stock_of(&self, facility_id: Id, include_empty: bool) -> Result<Vec<StockBatch>> {
        let sql = format!(
            "SELECT {BATCH_COLUMNS} FROM stock_batch
             WHERE facility_id = $1 AND ($2 = 1 OR on_hand > 0)
             ORDER BY medicine_code, expires_on, id"
        );
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, StockBatch>(&sql)
                .bind(facility_id)
                .bind(i64::from(include_empty))
                .fetch_all(pool)
                .await?)
        })
    }

    /// A facility's latest movements, newest first.
    pub async fn stock_movements(&self, facility_id: Id, limit: i64) -> Result<Vec<MovementRow>> {
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, MovementRow>(
                "SELECT m.id, m.batch_id, m.medicine_code, b.batch_number, m.kind, m.quantity,
                     m.balance, m.reason, m.note, m.prescription_id, m.moved_at, m.created_by
                 FROM stock_movement m JOIN stock_batch b ON b.id = m.batch_id
                 WHERE m.facility_id = $1 ORDER BY m.moved_at DESC, m.id DESC LIMIT $2",
            )
            .bind(facility_id)
            .bind(limit.clamp(1, 1000))
            .fetch_all(pool)
            .await?)
        })
    }

    /// The dispense movements of prescriptions (for the chart and a visit's page).
    pub async fn dispenses_of(&self, prescription_ids: &[Id]) -> Result<Vec<MovementRow>> {
        if prescription_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT m.id, m.batch_id, m.medicine_code, b.batch_number, m.kind, m.quantity,
                 m.balance, m.reason, m.note, m.prescription_id, m.moved_at, m.created_by
             FROM stock_movement m JOIN stock_batch b ON b.id = m.batch_id
             WHERE m.prescription_id IN ({}) ORDER BY m.moved_at, m.id",
            super::placeholders(prescription_ids.len(), 1)
        );
        on_pool!(&self.pool, pool => {
            let mut query = sqlx::query_as::<_, MovementRow>(&sql);
            for id in prescription_ids {
                query = query.bind(*id);
            }
            Ok(query.fetch_all(pool).await?)
        })
    }

    /// Near-expiry batches and medicines low in stock at a facility on `today`.
    pub async fn stock_warnings(&self, facility_id: Id, today: Date) -> Result<StockWarnings> {
        let all_batches = self.stock_of(facility_id, true).await?;
        let batches: Vec<StockBatch> = all_batches
            .iter()
            .filter(|b| b.on_hand > 0)
            .cloned()
            .collect();
        let horizon = today + time::Duration::days(NEAR_EXPIRY_DAYS);
        let near_expiry = batches
            .iter()
            .filter(|b| b.expires_on <= horizon)
            .cloned()
            .collect();
        let mut low_stock = Vec::new();
        let stocked: std::collections::BTreeSet<&str> = all_batches
            .iter()
            .map(|b| b.medicine_code.as_str())
            .collect();
        for medicine in haven_domain::clinic::medicines::list() {
            let usable: i64 = batches
                .iter()
                .filter(|b| b.medicine_code == medicine.code() && b.expires_on >= today)
                .map(|b| b.on_hand)
                .sum();
            // Only medicines this facility stocks (or stocked) warn: a centre that
            // never holds insulin is not short of it.
            if stocked.contains(medicine.code()) && usable <= medicine.low_stock() {
                low_stock.push((medicine.code().to_owned(), usable));
            }
        }
        Ok(StockWarnings {
            near_expiry,
            low_stock,
        })
    }
}
