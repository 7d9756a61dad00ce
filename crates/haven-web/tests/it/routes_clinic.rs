//! The role-by-route cases of the routes of the medical centre's daily work: outpatient visits, inpatient stays, the laboratory, medicines and the patient chart (issue 4), and the records their paths name.

use crate::routes::Case;
use crate::support::App;

pub(crate) const CASES: &[Case] = &[];

/// The records this part's paths name: placeholder and id.
pub(crate) async fn targets(_app: &App) -> Vec<(&'static str, String)> {
    Vec::new()
}
