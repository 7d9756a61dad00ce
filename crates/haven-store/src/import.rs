//! Bulk work on the registry: the audit event of a whole CSV import, and the checks
//! an import makes before it writes.
//!
//! Each imported person is registered (and audited) by [`Store::create_person`]; the
//! event here says that a file came in and how many rows it held. It carries counts
//! only: never names. (An export is audited by [`Store::record_export`].)

use crate::ledger::{Actor, NewAuditEvent};
use crate::{Id, Result, Store, StoreError};

impl Store {
    /// Audits one import of people from a file: `imported` people were registered,
    /// `refused` rows were left out.
    pub async fn record_people_import(
        &self,
        actor: &Actor,
        imported: usize,
        refused: usize,
    ) -> Result<()> {
        self.audit(
            actor,
            NewAuditEvent::new("import", "person", "")
                .with_detail(format!("rows={imported} refused={refused}")),
        )
        .await
    }

    /// True when a facility with this id exists, so that a registration naming an
    /// unknown one is refused with a reason rather than by the foreign key.
    pub async fn facility_exists(&self, id: Id) -> Result<bool> {
        match self.facility(id).await {
            Ok(_) => Ok(true),
            Err(StoreError::NotFound { .. }) => Ok(false),
            Err(other) => Err(other),
        }
    }
}
