//! The two ledgers every write appends to in its own transaction: the change log
//! (what changed, for sync and indicators) and the audit chain (who did what).

use haven_domain::audit::{chain_hash, AuditFields};

use crate::{Id, Timestamp};

/// Who acts, and from where: every write and audited read names one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub id: Id,
    pub username: String,
    /// The client's network address, or `cli` for the command line.
    pub address: String,
}

impl Actor {
    /// Haven itself, acting from the command line or at start-up.
    pub fn system() -> Actor {
        Actor {
            id: Id::SYSTEM,
            username: "system".to_owned(),
            address: "cli".to_owned(),
        }
    }
}

/// One audit event to append.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAuditEvent {
    /// A stable action code such as `sign_in`, `user_create`, `person_read`.
    pub action: &'static str,
    /// The kind of record, such as `user` or `person`; empty when none.
    pub entity: &'static str,
    pub entity_id: String,
    /// Codes and ids only: never names or clinical text.
    pub detail: String,
}

impl NewAuditEvent {
    pub fn new(action: &'static str, entity: &'static str, entity_id: impl ToString) -> Self {
        NewAuditEvent {
            action,
            entity,
            entity_id: entity_id.to_string(),
            detail: String::new(),
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }
}

/// Appends to the change log and the audit chain on a connection inside a
/// transaction. Implemented once for each database by [`impl_ledger!`].
pub(crate) trait Ledger {
    async fn append_change(
        &mut self,
        entity: &'static str,
        entity_id: Id,
        version: i64,
        site_id: Id,
        actor: &Actor,
        at: Timestamp,
    ) -> sqlx::Result<()>;

    async fn append_audit(
        &mut self,
        actor: &Actor,
        event: &NewAuditEvent,
        at: Timestamp,
    ) -> sqlx::Result<()>;
}

macro_rules! impl_ledger {
    ($connection:ty) => {
        impl Ledger for $connection {
            async fn append_change(
                &mut self,
                entity: &'static str,
                entity_id: Id,
                version: i64,
                site_id: Id,
                actor: &Actor,
                at: Timestamp,
            ) -> sqlx::Result<()> {
                sqlx::query(
                    "INSERT INTO change_log (entity, entity_id, version, site_id, changed_at, changed_by)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(entity)
                .bind(entity_id.to_string())
                .bind(version)
                .bind(site_id)
                .bind(at)
                .bind(actor.id)
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn append_audit(
                &mut self,
                actor: &Actor,
                event: &NewAuditEvent,
                at: Timestamp,
            ) -> sqlx::Result<()> {
                // Taking the head row first serialises appends: the next writer waits
                // here until this transaction commits.
                let (sequence, previous_hash): (i64, String) = sqlx::query_as(
                    "UPDATE audit_head SET sequence = sequence + 1 WHERE singleton = 1
                     RETURNING sequence, hash",
                )
                .fetch_one(&mut *self)
                .await?;
                let id = Id::new();
                let id_text = id.to_string();
                let at_text = at.to_text();
                let actor_id = actor.id.to_string();
                let hash = chain_hash(
                    &previous_hash,
                    &AuditFields {
                        sequence,
                        id: &id_text,
                        occurred_at: &at_text,
                        actor_id: &actor_id,
                        actor_username: &actor.username,
                        action: event.action,
                        entity: event.entity,
                        entity_id: &event.entity_id,
                        address: &actor.address,
                        detail: &event.detail,
                    },
                );
                sqlx::query(
                    "INSERT INTO audit_event (sequence, id, occurred_at, actor_id, actor_username,
                         action, entity, entity_id, address, detail, previous_hash, hash)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                )
                .bind(sequence)
                .bind(id)
                .bind(at)
                .bind(actor.id)
                .bind(&actor.username)
                .bind(event.action)
                .bind(event.entity)
                .bind(&event.entity_id)
                .bind(&actor.address)
                .bind(&event.detail)
                .bind(&previous_hash)
                .bind(&hash)
                .execute(&mut *self)
                .await?;
                sqlx::query("UPDATE audit_head SET hash = $1 WHERE singleton = 1")
                    .bind(&hash)
                    .execute(&mut *self)
                    .await?;
                Ok(())
            }
        }
    };
}

impl_ledger!(sqlx::SqliteConnection);
impl_ledger!(sqlx::PgConnection);
