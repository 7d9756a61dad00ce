//! The pages of mother and child health: pregnancy, birth, postnatal care, family planning, immunisation, growth and nutrition (issue 5).

use axum::routing::MethodRouter;

use crate::state::AppState;

/// The page routes of this part, added to the router by `page_routes`.
pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    Vec::new()
}
