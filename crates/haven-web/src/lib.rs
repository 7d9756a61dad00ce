//! Haven's web layer: server-rendered pages in English and Khmer, the JSON API at
//! /api/v1, sessions, CSRF, access control by role, and operations endpoints.
//!
//! It calls the store and the domain and writes no SQL. Start-up is a function,
//! [`serve`], so tests bind port 0 and drive the real router.

pub mod api;
mod assets;
pub mod auth;
pub mod error;
pub mod export;
pub mod extract;
pub mod form;
pub mod growth_json;
pub mod i18n;
mod ops;
pub mod pages;
pub mod people_csv;
pub mod person_input;
mod state;
pub mod throttle;

use std::future::Future;
use std::net::SocketAddr;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderName, HeaderValue, Request};
use axum::response::Response;
use axum::routing::{get, post, MethodRouter};
use axum::{middleware, Router};
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use pages::safeguarding::SafeguardingConfig;
pub use state::{AppState, StartError, WebConfig};
pub use throttle::ThrottleLimits;

use crate::error::{ErrorPage, WebError};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Every page route. The role-by-route test reads [`page_paths`], so a route added
/// here and not to the test fails it.
fn page_routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    use pages::{account, audit, home, language, login, users};
    let mut routes = vec![
        ("/", get(home::home)),
        ("/login", get(login::login_page).post(login::login)),
        ("/logout", post(login::logout)),
        ("/language", post(language::switch_language)),
        ("/account", get(account::account)),
        ("/account/password", post(account::change_password)),
        ("/admin/users", get(users::list).post(users::create)),
        ("/admin/users/export.csv", get(users::export)),
        ("/admin/users/{id}", get(users::show)),
        ("/admin/users/{id}/disable", post(users::disable)),
        ("/admin/users/{id}/enable", post(users::enable)),
        ("/admin/users/{id}/password", post(users::reset_password)),
        ("/admin/users/{id}/roles", post(users::add_role)),
        (
            "/admin/users/{id}/roles/{assignment}/revoke",
            post(users::revoke_role),
        ),
        ("/admin/users/{id}/tokens", post(users::create_token)),
        (
            "/admin/users/{id}/tokens/{token}/revoke",
            post(users::revoke_token),
        ),
        ("/admin/audit", get(audit::audit_trail)),
        ("/admin/audit/export.csv", get(audit::export)),
    ];
    routes.extend(pages::places::routes());
    routes.extend(pages::staff::routes());
    routes.extend(pages::people::routes());
    routes.extend(pages::people_io::routes());
    routes.extend(pages::clinic::routes());
    routes.extend(pages::mch::routes());
    routes.extend(pages::growth::routes());
    routes.extend(pages::care::routes());
    routes.extend(pages::safeguarding::routes());
    routes
}

/// The paths of every page route.
pub fn page_paths() -> Vec<&'static str> {
    page_routes().into_iter().map(|(path, _)| path).collect()
}

/// The paths of the routes that are not pages or API: operations and static files.
pub const OTHER_PATHS: &[&str] = &["/healthz", "/readyz", "/metrics", "/static/{*name}"];

/// The OpenAPI document, as served at /api/v1/openapi.json.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    api::router().1
}

/// The whole application: pages, API, static files and operations endpoints.
pub fn router(state: AppState) -> Router {
    let pages = page_routes()
        .into_iter()
        .fold(Router::new(), |router, (path, handler)| {
            router.route(path, handler)
        })
        .fallback(pages::not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::visitor_layer,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));

    let (api_routes, openapi) = api::router();
    let openapi_json = openapi.to_pretty_json().unwrap_or_else(|_| "{}".to_owned());
    let api = api_routes
        .route(
            "/api/v1/openapi.json",
            get(move || async move { api::openapi_response(&openapi_json) }),
        )
        .route("/api/v1/{*rest}", axum::routing::any(api_not_found))
        // API answers hold personal data too: no cache may keep them.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));

    let max_body = state.config().max_body_bytes;
    Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/static/{*name}", get(assets::asset))
        .merge(api)
        .merge(pages)
        // Innermost first: a panic becomes an error marker, which is counted, then
        // rendered as a page in the user's language (or problem+json).
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("a handler panicked");
            axum::response::IntoResponse::into_response(WebError::Internal)
        }))
        .layer(middleware::from_fn_with_state(state.clone(), ops::track_metrics))
        .layer(middleware::from_fn_with_state(state.clone(), pages::render_errors))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(security_headers())
        .layer(strict_transport(state.config().secure_cookies))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
            // Ids and route patterns only: a URL's query could hold a name.
            let request_id = request
                .headers()
                .get(REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            // Safeguarding's paths name reports: the log says only that one was asked for.
            let path = request.uri().path();
            let path = if pages::safeguarding::is_sealed_path(path) { "(safeguarding)" } else { path };
            tracing::info_span!("request", id = %request_id, method = %request.method(), path = %path)
        })
        // One line per answered request at the default level: status and latency.
        .on_response(DefaultOnResponse::new().level(Level::INFO)))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state)
}

fn security_headers() -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
    )
}

/// `Strict-Transport-Security` when Haven is meant to be reached over HTTPS (its
/// cookies are `Secure`): browsers then refuse plain HTTP to it for a year. Browsers
/// ignore the header on a plain HTTP answer, so a loopback test is unaffected.
fn strict_transport(
    secure: bool,
) -> tower::util::Either<SetResponseHeaderLayer<HeaderValue>, tower::layer::util::Identity> {
    if secure {
        tower::util::Either::Left(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        ))
    } else {
        tower::util::Either::Right(tower::layer::util::Identity::new())
    }
}

async fn api_not_found() -> Response {
    axum::response::IntoResponse::into_response(error::ApiError::not_found())
}

/// Serves Haven on `listener` until `shutdown` completes, then finishes the requests
/// under way and closes the database.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let actions = state.app().clone();
    let app = router(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    actions.close().await;
    Ok(())
}

/// True when a response is an error marker the error renderer will turn into a page.
pub fn is_error_page(response: &Response) -> bool {
    response.extensions().get::<ErrorPage>().is_some()
}
