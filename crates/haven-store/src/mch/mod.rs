//! Persistence of mother and child health: pregnancy, birth, postnatal care, family planning, immunisation, growth and nutrition (issue 5).

use crate::{Result, Store};

impl Store {
    /// Adds this part's demo records to a database that holds the demo registry.
    pub async fn load_demo_mch(&self) -> Result<()> {
        Ok(())
    }
}
