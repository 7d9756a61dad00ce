//! What every handler shares: the store, the settings the web layer needs, the
//! translations, sign-in throttling and metrics.

use std::sync::Arc;

use haven_app::model::SessionTimeouts;
use haven_domain::Language;

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
    pub config: WebConfig,
    pub translations: Arc<Translations>,
    pub throttle: Throttle,
    pub metrics: Metrics,
}

/// Start-up failed before serving.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Translations(#[from] crate::i18n::TranslationError),
}

impl AppState {
    pub fn new(app: haven_app::App, config: WebConfig) -> Result<AppState, StartError> {
        let translations = Arc::new(Translations::load()?);
        let throttle = Throttle::new(config.throttle);
        Ok(AppState {
            inner: Arc::new(Inner {
                app,
                config,
                translations,
                throttle,
                metrics: Metrics::new(),
            }),
        })
    }

    /// The actions: every rule about who may do what lives behind this.
    pub fn app(&self) -> &haven_app::App {
        &self.inner.app
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
}
