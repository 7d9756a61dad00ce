//! The /api/v1 routes of child safeguarding: reporting and responding, sealed from every other role (issue 7).

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// Adds this part's API routes.
pub fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
}
