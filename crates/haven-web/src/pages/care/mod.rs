//! The pages of children's villages and family strengthening: placements, siblings, gatekeeping, development plans, education and independence (issue 6).

use axum::routing::MethodRouter;

use crate::state::AppState;

/// The page routes of this part, added to the router by `page_routes`.
pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    Vec::new()
}
