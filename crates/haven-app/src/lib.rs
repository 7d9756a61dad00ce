//! What a user may do: one function per action a person can take in Haven, taking
//! the [`Caller`] and a typed command, returning a typed result or one [`AppError`].
//!
//! DESIGN.md, "One path for every action": a page, an API route, a FHIR interaction,
//! a sync apply and a CLI command that do the same thing call the same function here,
//! and this crate alone decides whether the caller may do it: the permission, the
//! reach of the caller's scopes (read scope for reads, write scope for writes), the
//! sealed classes, and the domain's rules. The store's transaction holds the rules
//! that must survive two users acting at once. Adapters parse, call and render.
//!
//! Every part has its module here, and every page and API handler of haven-web acts
//! through them: haven-web does not depend on haven-store, so the compiler keeps the
//! rule. [`model`] re-exports the store's record types the adapters name.

pub mod access;
pub mod accounts;
pub mod audit;
pub mod care;
pub mod clinic;
mod error;
pub mod growth;
pub mod mch;
pub mod model;
pub mod operations;
pub mod people;
pub mod places;
pub mod safeguarding;
pub mod sessions;
pub mod staff;

pub use access::Caller;
pub use error::{AppError, FieldError};

use std::sync::Arc;

use haven_domain::NewPassword;
use haven_store::Store;

/// The application: the store and the site's settings that rules depend on. Cheap
/// to clone.
#[derive(Clone)]
pub struct App {
    store: Store,
    /// Each password hash or check holds 19 MiB for tens of milliseconds: at most
    /// [`PASSWORD_CHECKS_AT_ONCE`] run at a time, so a burst of sign-ins queues
    /// instead of exhausting a small site machine's memory.
    password_checks: Arc<tokio::sync::Semaphore>,
    /// A hash no password matches, made once: unknown usernames are checked against
    /// it so that they cost the time of a wrong password.
    decoy: Arc<tokio::sync::OnceCell<String>>,
}

/// How many password hashes or checks may run at the same time.
pub const PASSWORD_CHECKS_AT_ONCE: usize = 2;

impl App {
    pub fn new(store: Store) -> App {
        App {
            store,
            password_checks: Arc::new(tokio::sync::Semaphore::new(PASSWORD_CHECKS_AT_ONCE)),
            decoy: Arc::new(tokio::sync::OnceCell::new()),
        }
    }

    /// Hashes a password off the async runtime, waiting for a free slot.
    pub async fn hash_password(&self, password: &NewPassword) -> Result<String> {
        let _slot = self.password_checks.acquire().await;
        Ok(haven_store::password::hash_password_off_runtime(password.expose().to_owned()).await?)
    }

    /// Checks a password against a stored hash off the async runtime, waiting for a
    /// free slot.
    pub async fn verify_password(&self, password: String, hash: String) -> bool {
        let _slot = self.password_checks.acquire().await;
        haven_store::password::verify_password_off_runtime(password, hash).await
    }

    /// The decoy hash, made on first use off the async runtime.
    async fn decoy_hash(&self) -> Result<String> {
        let hash = self
            .decoy
            .get_or_try_init(|| async {
                let _slot = self.password_checks.acquire().await;
                tokio::task::spawn_blocking(haven_store::password::decoy_hash)
                    .await
                    .map_err(|_| AppError::Store(haven_store::StoreError::Password))?
                    .map_err(AppError::from)
            })
            .await?;
        Ok(hash.clone())
    }

    /// The store behind the actions. Only this crate reaches it (and, with the
    /// `testing` feature, haven-app's own tables of cases): an adapter calls an
    /// action.
    #[cfg(not(feature = "testing"))]
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    /// The store behind the actions, for haven-app's tables of cases.
    #[cfg(feature = "testing")]
    pub fn store(&self) -> &Store {
        &self.store
    }
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;
