//! What every handler shares: the store, the settings the web layer needs, the
//! translations, sign-in throttling and metrics.

use std::sync::Arc;

use haven_domain::Language;
use haven_store::{SessionTimeouts, Store};

use crate::i18n::Translations;
use crate::ops::Metrics;
use crate::throttle::{Throttle, ThrottleLimits};

/// The web layer's settings, made by the binary from its `Settings`.
#[derive(Clone, Debug)]
pub struct WebConfig {
    pub sessions: SessionTimeouts,
    /// Marks cookies `Secure`: set when Haven is reached over HTTPS.
    pub secure_cookies: bool,
    /// The language of visitors who have not chosen one and whose browser asks for
    /// none that Haven speaks.
    pub default_language: Language,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    pub throttle: ThrottleLimits,
    /// Read the client's address from `X-Forwarded-For`: set only when Haven is
    /// reached through a reverse proxy that adds that header.
    pub trust_forwarded_for: bool,
    /// The site's time, in which instants are shown (stored instants stay UTC).
    pub time_offset: time::UtcOffset,
    /// Child safeguarding: deadlines, the attachments' key and size limit.
    pub safeguarding: crate::pages::safeguarding::SafeguardingConfig,
    /// The built-in immunisation schedule this site follows (`kh`, `default`): see
    /// data/immunisation/README.md.
    pub immunisation_schedule: String,
    /// Care: the longest time between development plan reviews, in months.
    pub care_review_months: u32,
    /// Growth: the MUAC cut-offs of pregnant and lactating women (settings).
    pub growth_adult_cut_offs: haven_domain::growth::nutrition::AdultCutOffs,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            sessions: SessionTimeouts {
                idle_seconds: 30 * 60,
                absolute_seconds: 12 * 60 * 60,
            },
            secure_cookies: false,
            default_language: Language::English,
            max_body_bytes: 1024 * 1024,
            throttle: ThrottleLimits::default(),
            trust_forwarded_for: false,
            time_offset: time::UtcOffset::UTC,
            safeguarding: Default::default(),
            immunisation_schedule: "kh".to_owned(),
            care_review_months: 6,
            growth_adult_cut_offs: haven_domain::growth::nutrition::AdultCutOffs::default(),
        }
    }
}

/// The state handlers receive. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub app: haven_app::App,
    pub store: Store,
    pub config: WebConfig,
    pub translations: Arc<Translations>,
    pub throttle: Throttle,
    pub metrics: Metrics,
    /// A password hash no password matches, checked for unknown usernames so that
    /// they cost the same time as a wrong password.
    pub decoy_hash: String,
}

/// Start-up failed before serving.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Translations(#[from] crate::i18n::TranslationError),
    #[error("preparing the password check")]
    Password(#[from] haven_store::StoreError),
}

impl AppState {
    pub fn new(store: Store, config: WebConfig) -> Result<AppState, StartError> {
        let translations = Arc::new(Translations::load()?);
        let decoy_hash = haven_store::password::decoy_hash()?;
        let throttle = Throttle::new(config.throttle);
        Ok(AppState {
            inner: Arc::new(Inner {
                app: haven_app::App::new(store.clone()),
                store,
                config,
                translations,
                throttle,
                metrics: Metrics::new(),
                decoy_hash,
            }),
        })
    }

    /// The actions: every rule about who may do what lives behind this.
    pub fn app(&self) -> &haven_app::App {
        &self.inner.app
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn config(&self) -> &WebConfig {
        &self.inner.config
    }

    /// Today where the site is: the one clock every page and API handler reads (the
    /// domain's date rules take it as an argument).
    pub fn today(&self) -> time::Date {
        time::OffsetDateTime::now_utc()
            .to_offset(self.inner.config.time_offset)
            .date()
    }

    /// Hashes a password off the async runtime, waiting for a free slot (shared with
    /// the actions' own hashing).
    pub(crate) async fn hash_password(
        &self,
        password: &haven_domain::NewPassword,
    ) -> Result<String, haven_app::AppError> {
        self.app().hash_password(password).await
    }

    /// Checks a password off the async runtime, waiting for a free slot.
    pub(crate) async fn verify_password(&self, password: String, hash: String) -> bool {
        self.app().verify_password(password, hash).await
    }
}
