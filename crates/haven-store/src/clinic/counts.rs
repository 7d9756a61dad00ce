//! Treatments provided (visits and stays) per facility, month, sex and age band. The
//! counts are kept up to date in the transaction of each check-in and admission (and
//! taken back when one is entered in error), so reading them never scans encounters.

use crate::db::on_pool;
use crate::{Id, Result, Store};

/// One cell of the counts.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct TreatmentCount {
    /// `YYYY-MM`.
    pub month: String,
    /// `visit` or `stay`.
    pub kind: String,
    pub sex: String,
    pub age_band: String,
    pub total: i64,
}

impl Store {
    /// Every non-zero count of a facility, newest month first.
    pub async fn treatment_counts(&self, facility_id: Id) -> Result<Vec<TreatmentCount>> {
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, TreatmentCount>(
                "SELECT month, kind, sex, age_band, total FROM treatment_count
                 WHERE facility_id = $1 AND total <> 0
                 ORDER BY month DESC, kind, sex, age_band",
            )
            .bind(facility_id)
            .fetch_all(pool)
            .await?)
        })
    }
}
