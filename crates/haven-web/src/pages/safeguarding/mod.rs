//! The pages of child safeguarding: reporting and responding, sealed from every other role (issue 7).

use axum::routing::MethodRouter;

use crate::state::AppState;

/// The page routes of this part, added to the router by `page_routes`.
pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    Vec::new()
}
