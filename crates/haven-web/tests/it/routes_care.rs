//! The role-by-route cases of the routes of children's villages and family strengthening: placements, siblings, gatekeeping, development plans, education and independence (issue 6), and the records their paths name.

use crate::routes::Case;
use crate::support::App;

pub(crate) const CASES: &[Case] = &[];

/// The records this part's paths name: placeholder and id.
pub(crate) async fn targets(_app: &App) -> Vec<(&'static str, String)> {
    Vec::new()
}
