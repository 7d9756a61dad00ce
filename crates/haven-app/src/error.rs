//! The one error of an action, which each adapter maps to its answer: a page with a
//! message at the field, problem+json, a FHIR OperationOutcome, a CLI message.

use haven_store::StoreError;

/// What kept an action from happening, in terms an adapter can render in the
/// caller's language: every variant carries a stable code (a translation key).
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No role of the caller grants the permission.
    #[error("your role does not allow this")]
    Forbidden,
    /// The record does not exist, or the caller's reach does not hold it: the two
    /// answer alike, so that a record out of reach does not exist for the caller.
    #[error("no such {entity}")]
    NotFound { entity: &'static str },
    /// The command would place a record, or give a role, beyond the caller's write
    /// scope.
    #[error("this is beyond the places where you may act")]
    ScopeBeyondYours,
    /// An account that holds (or would hold) a sealed role: only a national
    /// safeguarding focal point acts on it.
    #[error("only a national safeguarding focal point may change this account")]
    SealedAccount,
    /// The input breaks a rule; one entry per wrong field.
    #[error("the input breaks a rule")]
    Invalid(Vec<FieldError>),
    /// A rule refuses the whole action (not one field), with the rule's code, such as
    /// `cannot-disable-self`.
    #[error("this is refused: {0}")]
    Refused(&'static str),
    /// The record changed since the caller read it; nothing was written.
    #[error("the {entity} was changed by someone else since it was read")]
    Conflict { entity: &'static str },
    /// A value that must be unique is taken.
    #[error("the {field} is already taken")]
    Duplicate { field: &'static str },
    /// The store failed (the database is down, the disk is full): logged by the
    /// adapter, never shown in detail.
    #[error("the store failed")]
    Store(#[source] StoreError),
}

/// A rule broken by one field of the command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name in the command (`username`, `scope`, `registered_facility`).
    pub field: &'static str,
    /// A stable code that is also the message's translation key.
    pub code: &'static str,
}

impl AppError {
    /// One wrong field.
    pub fn field(field: &'static str, code: &'static str) -> AppError {
        AppError::Invalid(vec![FieldError { field, code }])
    }

    /// A stable code for the error, shared by pages (as the translation key) and the
    /// API (as problem+json's `code`).
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Forbidden => "auth.forbidden",
            AppError::NotFound { .. } => "not_found",
            AppError::ScopeBeyondYours => "auth.scope_beyond_yours",
            AppError::SealedAccount => "auth.sealed_account",
            AppError::Invalid(_) => "validation.failed",
            AppError::Refused(_) => "validation.failed",
            AppError::Conflict { .. } => "conflict.stale_version",
            AppError::Duplicate { .. } => "conflict.duplicate",
            AppError::Store(_) => "internal",
        }
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound { entity } => AppError::NotFound { entity },
            StoreError::Conflict { entity } => AppError::Conflict { entity },
            StoreError::Duplicate { field } => AppError::Duplicate { field },
            other => AppError::Store(other),
        }
    }
}
