//! Staff over the API.

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// Adds this part's routes (and their OpenAPI paths) to the API router.
pub fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
}
