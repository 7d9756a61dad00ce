//! The /api/v1 routes of the medical centre's daily work: outpatient visits, inpatient stays, the laboratory, medicines and the patient chart (issue 4).

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// Adds this part's API routes.
pub fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
}
