//! The /api/v1 routes of mother and child health: pregnancy, birth, postnatal care, family planning, immunisation, growth and nutrition (issue 5).

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// Adds this part's API routes.
pub fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
}
