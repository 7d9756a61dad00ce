//! Importing people from CSV and exporting lists of people.

use axum::routing::MethodRouter;

use crate::state::AppState;

/// The page routes of this part, added to the router by `page_routes`.
pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    Vec::new()
}
