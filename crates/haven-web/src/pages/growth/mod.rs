//! The pages of growth monitoring and nutrition: measurements, WHO z-scores, growth charts, the growth calculator, the child health card and the malnutrition programme (issue 5).

use axum::routing::MethodRouter;

use crate::state::AppState;

/// The page routes of this part, added to the router by `page_routes`.
pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    Vec::new()
}
