//! The role-by-route cases of the routes of growth monitoring and nutrition: measurements, WHO z-scores, growth charts, the growth calculator, the child health card and the malnutrition programme (issue 5), and the records their paths name.

use crate::routes::Case;
use crate::support::App;

pub(crate) const CASES: &[Case] = &[];

/// The records this part's paths name: placeholder and id.
pub(crate) async fn targets(_app: &App) -> Vec<(&'static str, String)> {
    Vec::new()
}
