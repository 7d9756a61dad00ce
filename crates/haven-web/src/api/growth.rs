//! The /api/v1 routes of growth monitoring and nutrition: measurements, WHO z-scores, growth charts, the growth calculator, the child health card and the malnutrition programme (issue 5).

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// Adds this part's API routes.
pub fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
}
