//! Bulk work on the registry: the audit events of a whole CSV import or export, and
//! the checks an import makes before it writes.
//!
//! Each imported person is registered (and audited) by [`Store::create_person`]; the
//! events here say that a file came in or went out, and how many rows it held. They
//! carry counts only: never names.

use crate::db::{on_pool, BeginWrite};
use crate::ledger::{Actor, Ledger, NewAuditEvent};
use crate::{Id, Result, Store, Timestamp};

impl Store {
    /// Audits one import of people from a file: `imported` people were registered,
    /// `refused` rows were left out.
    pub async fn record_people_import(
        &self,
        actor: &Actor,
        imported: usize,
        refused: usize,
    ) -> Result<()> {
        self.append_registry_event(
            actor,
            NewAuditEvent::new("import", "person", "")
                .with_detail(format!("rows={imported} refused={refused}")),
        )
        .await
    }

    /// Audits one export of a list of people: `rows` people went out in the file.
    pub async fn record_people_export(&self, actor: &Actor, rows: usize) -> Result<()> {
        self.append_registry_event(
            actor,
            NewAuditEvent::new("export", "person", "").with_detail(format!("rows={rows}")),
        )
        .await
    }

    /// True when a facility with this id exists, so that a registration naming an
    /// unknown one is refused with a reason rather than by the foreign key.
    pub async fn facility_exists(&self, id: Id) -> Result<bool> {
        let found: Option<Id> = on_pool!(&self.pool, pool => {
            sqlx::query_scalar("SELECT id FROM facility WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        Ok(found.is_some())
    }

    async fn append_registry_event(&self, actor: &Actor, event: NewAuditEvent) -> Result<()> {
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            tx.append_audit(actor, &event, now).await?;
            tx.commit().await?;
        });
        Ok(())
    }
}
