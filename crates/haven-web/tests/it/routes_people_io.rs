//! The role-by-route cases of the people import, export and API routes, and the records their paths name.

use crate::routes::Case;
use crate::support::App;

pub(crate) const CASES: &[Case] = &[];

/// The placeholders of these routes' paths and the ids that fill them.
pub(crate) async fn targets(_app: &App) -> Vec<(&'static str, String)> {
    Vec::new()
}
