//! The role-by-route cases of the routes of child safeguarding: reporting and responding, sealed from every other role (issue 7), and the records their paths name.

use crate::routes::Case;
use crate::support::App;

pub(crate) const CASES: &[Case] = &[];

/// The records this part's paths name: placeholder and id.
pub(crate) async fn targets(_app: &App) -> Vec<(&'static str, String)> {
    Vec::new()
}
