//! What can go wrong in the store, in words a caller can act on.

/// A store error. The web layer maps each variant to a status and a stable code.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record changed since the caller read it; nothing was written.
    #[error("the {entity} was changed by someone else since it was read")]
    Conflict { entity: &'static str },
    #[error("no such {entity}")]
    NotFound { entity: &'static str },
    /// A value that must be unique is taken, such as a username.
    #[error("the {field} is already taken")]
    Duplicate { field: &'static str },
    #[error("the database URL is not one Haven knows: use sqlite:// or postgres://")]
    UnknownDatabase,
    #[error("{0}")]
    Unsupported(&'static str),
    #[error("running the database migrations")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("talking to the database")]
    Database(#[from] sqlx::Error),
    #[error("hashing a password")]
    Password,
    #[error("reading or writing a file: {0}")]
    File(#[from] std::io::Error),
}

impl StoreError {
    /// Turns a unique-key violation into [`StoreError::Duplicate`] of `field`.
    pub(crate) fn unique_as(error: sqlx::Error, field: &'static str) -> StoreError {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Duplicate { field }
            }
            _ => StoreError::Database(error),
        }
    }
}
