//! The /api/v1 routes of children's villages and family strengthening: placements, siblings, gatekeeping, development plans, education and independence (issue 6).

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// Adds this part's API routes.
pub fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
}
