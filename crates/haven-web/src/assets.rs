//! Static files served from the binary: the stylesheet, htmx and the Khmer font.
//! Nothing is fetched from the internet, and each file may be cached for a day.

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::WebError;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "haven.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../assets/haven.css"),
    },
    Asset {
        name: "htmx.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/htmx.min.js"),
    },
    Asset {
        name: "noto-sans-khmer-400.woff2",
        content_type: "font/woff2",
        bytes: include_bytes!("../assets/fonts/noto-sans-khmer-400.woff2"),
    },
    Asset {
        name: "noto-sans-khmer-700.woff2",
        content_type: "font/woff2",
        bytes: include_bytes!("../assets/fonts/noto-sans-khmer-700.woff2"),
    },
];

pub async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|asset| asset.name == name) {
        Some(asset) => (
            [
                (header::CONTENT_TYPE, asset.content_type),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            asset.bytes,
        )
            .into_response(),
        None => WebError::NotFound.into_response(),
    }
}
