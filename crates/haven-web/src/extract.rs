//! The one way a handler reads the ids in its path: [`Ids`], which answers 404 when
//! a segment is not an id (a page in the reader's language, or problem+json under
//! `/api/`), so that no handler parses ids on its own.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use haven_app::model::Id;

use crate::error::{ApiError, WebError};

/// The ids of the path's segments, in order: `Ids(person): Ids<Id>` for
/// `/people/{person}`, `Ids((person, visit)): Ids<(Id, Id)>` for two.
#[derive(Clone, Copy, Debug)]
pub struct Ids<T>(pub T);

/// What a path's segments can be read as.
pub trait FromIds: Sized {
    fn from_ids(raw: &[&str]) -> Option<Self>;
}

impl FromIds for Id {
    fn from_ids(raw: &[&str]) -> Option<Self> {
        match raw {
            [one] => one.parse().ok(),
            _ => None,
        }
    }
}

impl FromIds for (Id, Id) {
    fn from_ids(raw: &[&str]) -> Option<Self> {
        match raw {
            [a, b] => Some((a.parse().ok()?, b.parse().ok()?)),
            _ => None,
        }
    }
}

/// A path whose segments are not ids: nothing is there.
#[derive(Debug)]
pub struct NoSuchPath {
    api: bool,
}

impl IntoResponse for NoSuchPath {
    fn into_response(self) -> Response {
        if self.api {
            ApiError::not_found().into_response()
        } else {
            WebError::NotFound.into_response()
        }
    }
}

impl<S: Send + Sync, T: FromIds> FromRequestParts<S> for Ids<T> {
    type Rejection = NoSuchPath;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let api = parts.uri.path().starts_with("/api/");
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| NoSuchPath { api })?;
        let raw: Vec<&str> = params.iter().map(|(_, value)| value).collect();
        T::from_ids(&raw).map(Ids).ok_or(NoSuchPath { api })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_one_or_two_ids_and_nothing_else() {
        let a = Id::new();
        let b = Id::new();
        assert_eq!(Id::from_ids(&[&a.to_string()]), Some(a));
        assert_eq!(
            <(Id, Id)>::from_ids(&[&a.to_string(), &b.to_string()]),
            Some((a, b))
        );
        assert_eq!(Id::from_ids(&["not-an-id"]), None);
        assert_eq!(Id::from_ids(&[&a.to_string(), &b.to_string()]), None);
        assert_eq!(<(Id, Id)>::from_ids(&[&a.to_string(), "x"]), None);
    }
}
