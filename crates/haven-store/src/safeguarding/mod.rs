//! Persistence of child safeguarding: reporting and responding, sealed from every other role (issue 7).

use crate::{Result, Store};

impl Store {
    /// Adds this part's demo records to a database that holds the demo registry.
    pub async fn load_demo_safeguarding(&self) -> Result<()> {
        Ok(())
    }
}
