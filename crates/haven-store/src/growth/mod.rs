//! Persistence of growth monitoring and nutrition: measurements, WHO z-scores, growth charts, the growth calculator, the child health card and the malnutrition programme (issue 5).

use crate::{Result, Store};

impl Store {
    /// Adds this part's demo records to a database that holds the demo registry.
    pub async fn load_demo_growth(&self) -> Result<()> {
        Ok(())
    }
}
