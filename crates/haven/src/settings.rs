//! Haven's settings: defaults, then a TOML file, then `HAVEN_*` environment
//! variables, then the command line's options. Passed to whoever needs them; never
//! global. Secrets (a password in the database URL) are redacted when shown.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use haven_domain::Language;
use haven_store::SessionTimeouts;
use haven_web::{ThrottleLimits, WebConfig};
use serde::{Deserialize, Serialize};

/// A database URL, whose password never reaches a log or the screen.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The URL with any password (in the credentials or a `password=` query
    /// parameter) replaced by `***`.
    pub fn redacted(&self) -> String {
        let url = self.redacted_credentials();
        match url.split_once('?') {
            Some((base, query)) => {
                let query: Vec<String> = query
                    .split('&')
                    .map(|pair| match pair.split_once('=') {
                        Some((name, _)) if name.eq_ignore_ascii_case("password") => {
                            format!("{name}=***")
                        }
                        _ => pair.to_owned(),
                    })
                    .collect();
                format!("{base}?{}", query.join("&"))
            }
            None => url,
        }
    }

    fn redacted_credentials(&self) -> String {
        let url = &self.0;
        let Some(scheme_end) = url.find("://") else {
            return url.clone();
        };
        let rest = &url[scheme_end + 3..];
        // The host follows the last '@' before the path: a password may hold an '@'.
        let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
        let Some(at) = authority.rfind('@') else {
            return url.clone();
        };
        let credentials = &rest[..at];
        match credentials.find(':') {
            Some(colon) => format!(
                "{}://{}:***{}",
                &url[..scheme_end],
                &credentials[..colon],
                &rest[at..]
            ),
            None => url.clone(),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Every setting, with its default.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Where the embedded database, backups and the lock file live.
    pub data_dir: PathBuf,
    /// `sqlite://...` or `postgres://...`; by default the SQLite file in `data_dir`.
    pub database_url: Option<DatabaseUrl>,
    /// The address and port to serve on.
    pub listen: String,
    /// `en` or `km`: the language of visitors who have not chosen one.
    pub default_language: String,
    /// Cookies get `Secure` (on by default): browsers send them only over HTTPS, or to
    /// a loopback address. Turn it off only on a closed site network served over plain
    /// HTTP; `serve` warns when it is on and Haven listens beyond loopback without a
    /// reverse proxy in front.
    pub secure_cookies: bool,
    /// Set when Haven is reached through a reverse proxy that adds X-Forwarded-For:
    /// the audit trail and the sign-in throttle then see the real client.
    pub trust_forwarded_for: bool,
    /// The site's time as an offset from UTC, such as `+07:00` (Cambodia): instants
    /// are shown in it, and stored in UTC.
    pub time_offset: String,
    /// The built-in immunisation schedule the site follows: `kh` (Cambodia's NIP) or
    /// `default` (WHO's standard timing); see data/immunisation/README.md.
    pub immunisation_schedule: String,
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
    /// The largest request body accepted, in KiB.
    pub max_body_kib: usize,
    /// Failed sign-ins of one account from one address before each further attempt
    /// from there waits (30 seconds, doubling, at most `sign_in_throttle_minutes`).
    pub sign_in_failures_per_account: u32,
    /// Failed sign-ins from one address, across accounts, per window.
    pub sign_in_failures_per_address: u32,
    pub sign_in_throttle_minutes: u64,
    /// `text` or `json`.
    pub log_format: String,
    /// A tracing filter such as `info` or `haven_web=debug,info`.
    pub log_level: String,
    /// Child safeguarding: hours after a report is filed until it must be
    /// acknowledged (24 by default), and the days for the other steps.
    pub safeguarding_acknowledge_hours: u32,
    pub safeguarding_assess_hours: u32,
    pub safeguarding_investigate_days: u32,
    pub safeguarding_refer_days: u32,
    pub safeguarding_support_days: u32,
    pub safeguarding_close_days: u32,
    /// The key that encrypts safeguarding attachments: 64 hexadecimal digits
    /// (`openssl rand -hex 32`). Without it, attachments are refused. Keep it out of
    /// backups of the database: whoever holds both reads the attachments.
    pub safeguarding_attachment_key: Option<SecretKey>,
    /// The largest safeguarding attachment, in KiB (below `max_body_kib`).
    pub safeguarding_attachment_max_kib: usize,
    /// Email and SMS notices of new reports. Not built yet: Haven refuses to start
    /// with either set, rather than pretend to send.
    pub safeguarding_notify_email: bool,
    pub safeguarding_notify_sms: bool,
    /// Care: a development plan is reviewed at least this often, in months (the
    /// Care Promise's six by default); later reviews are refused and overdue ones listed.
    pub care_review_months: u32,
    /// Growth: a pregnant or lactating woman's MUAC below this (mm) is acute
    /// malnutrition (supplementary feeding).
    pub growth_plw_muac_malnourished_below_mm: f64,
    /// Growth: a pregnant woman's MUAC below this (mm) is a risk of low birth weight.
    pub growth_plw_muac_low_birth_weight_risk_below_mm: f64,
}

/// A secret setting, never shown: `Debug` and `haven config show` print `***`.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct SecretKey(String);

impl SecretKey {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            data_dir: PathBuf::from("haven-data"),
            database_url: None,
            listen: "127.0.0.1:8080".to_owned(),
            default_language: "en".to_owned(),
            secure_cookies: true,
            trust_forwarded_for: false,
            time_offset: "+07:00".to_owned(),
            immunisation_schedule: "kh".to_owned(),
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            max_body_kib: 1024,
            sign_in_failures_per_account: 5,
            sign_in_failures_per_address: 50,
            sign_in_throttle_minutes: 15,
            log_format: "text".to_owned(),
            log_level: "info,sqlx=warn,tower_http=info".to_owned(),
            safeguarding_acknowledge_hours: 24,
            safeguarding_assess_hours: 72,
            safeguarding_investigate_days: 30,
            safeguarding_refer_days: 7,
            safeguarding_support_days: 30,
            safeguarding_close_days: 90,
            safeguarding_attachment_key: None,
            safeguarding_attachment_max_kib: 900,
            safeguarding_notify_email: false,
            safeguarding_notify_sms: false,
            care_review_months: 6,
            growth_plw_muac_malnourished_below_mm: 210.0,
            growth_plw_muac_low_birth_weight_risk_below_mm: 230.0,
        }
    }
}

/// What the command line can override.
#[derive(Debug, Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
}

impl Settings {
    /// Loads defaults, then `config` (if given, it must exist), then `HAVEN_*`
    /// variables, then the command line's overrides.
    pub fn load(config: Option<&Path>, overrides: &Overrides) -> anyhow::Result<Settings> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(path) = config {
            if !path.exists() {
                bail!("the configuration file {} does not exist", path.display());
            }
            figment = figment.merge(Toml::file(path));
        }
        let settings: Settings = figment
            .merge(Env::prefixed("HAVEN_").ignore(&["config", "test_database_url"]))
            .merge(Serialized::defaults(overrides))
            .extract()
            .context("reading the settings")?;
        settings.check()?;
        Ok(settings)
    }

    fn check(&self) -> anyhow::Result<()> {
        if Language::parse(&self.default_language).is_none() {
            bail!(
                "default_language must be en or km, not {:?}",
                self.default_language
            );
        }
        if parse_offset(&self.time_offset).is_none() {
            bail!(
                "time_offset is written like +07:00, not {:?}",
                self.time_offset
            );
        }
        if let Err(error) =
            haven_domain::mch::immunisation::Schedule::builtin(&self.immunisation_schedule)
        {
            bail!("immunisation_schedule: {error}");
        }
        if !matches!(self.log_format.as_str(), "text" | "json") {
            bail!("log_format must be text or json, not {:?}", self.log_format);
        }
        if let Some(key) = &self.safeguarding_attachment_key {
            haven_store::safeguarding::AttachmentKey::parse(key.expose())
                .map_err(|e| anyhow::anyhow!("safeguarding_attachment_key: {e}"))?;
        }
        if self.safeguarding_notify_email || self.safeguarding_notify_sms {
            bail!(
                "safeguarding_notify_email and safeguarding_notify_sms are not built yet: new reports \
                 reach the focal points as notifications in Haven; set both to false"
            );
        }
        if self.safeguarding_attachment_max_kib + 64 > self.max_body_kib {
            bail!(
                "safeguarding_attachment_max_kib ({}) must be at least 64 below max_body_kib ({}), \
                 so that a refused file still brings the typed report back",
                self.safeguarding_attachment_max_kib,
                self.max_body_kib
            );
        }
        let hours = |h: u32| i64::from(h);
        let days = |d: u32| i64::from(d);
        let deadlines: [(&str, i64, i64, i64); 6] = [
            (
                "safeguarding_acknowledge_hours",
                hours(self.safeguarding_acknowledge_hours),
                1,
                24 * 30,
            ),
            (
                "safeguarding_assess_hours",
                hours(self.safeguarding_assess_hours),
                1,
                24 * 90,
            ),
            (
                "safeguarding_investigate_days",
                days(self.safeguarding_investigate_days),
                1,
                365,
            ),
            (
                "safeguarding_refer_days",
                days(self.safeguarding_refer_days),
                1,
                365,
            ),
            (
                "safeguarding_support_days",
                days(self.safeguarding_support_days),
                1,
                365,
            ),
            (
                "safeguarding_close_days",
                days(self.safeguarding_close_days),
                1,
                3650,
            ),
        ];
        for (name, value, low, high) in deadlines {
            if !(low..=high).contains(&value) {
                bail!("{name} must be from {low} to {high}, not {value}");
            }
        }
        let (malnourished, risk) = (
            self.growth_plw_muac_malnourished_below_mm,
            self.growth_plw_muac_low_birth_weight_risk_below_mm,
        );
        if !(100.0..=400.0).contains(&malnourished)
            || !(100.0..=400.0).contains(&risk)
            || malnourished > risk
        {
            bail!(
                "growth_plw_muac_malnourished_below_mm ({malnourished}) and \
                 growth_plw_muac_low_birth_weight_risk_below_mm ({risk}) must be from 100 to 400 mm, the first not above the second"
            );
        }
        let ranges: [(&str, i64, i64, i64); 7] = [
            (
                "care_review_months",
                i64::from(self.care_review_months),
                1,
                24,
            ),
            (
                "session_idle_minutes",
                self.session_idle_minutes,
                1,
                24 * 60,
            ),
            (
                "session_absolute_hours",
                self.session_absolute_hours,
                1,
                24 * 30,
            ),
            ("max_body_kib", self.max_body_kib as i64, 16, 1024 * 1024),
            (
                "sign_in_failures_per_account",
                i64::from(self.sign_in_failures_per_account),
                1,
                1000,
            ),
            (
                "sign_in_failures_per_address",
                i64::from(self.sign_in_failures_per_address),
                1,
                100_000,
            ),
            (
                "sign_in_throttle_minutes",
                self.sign_in_throttle_minutes as i64,
                1,
                24 * 60,
            ),
        ];
        for (name, value, low, high) in ranges {
            if !(low..=high).contains(&value) {
                bail!("{name} must be from {low} to {high}, not {value}");
            }
        }
        Ok(())
    }

    /// The database URL: the one set, or the SQLite file in the data directory.
    pub fn database_url(&self) -> DatabaseUrl {
        self.database_url
            .clone()
            .unwrap_or_else(|| DatabaseUrl(format!("sqlite://{}", self.sqlite_path().display())))
    }

    /// The SQLite file Haven uses when no database URL is set.
    pub fn sqlite_path(&self) -> PathBuf {
        self.data_dir.join("haven.db")
    }

    /// The SQLite file the database URL names, if it is SQLite.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        let url = self.database_url();
        let path = url
            .expose()
            .strip_prefix("sqlite://")
            .or_else(|| url.expose().strip_prefix("sqlite:"))?;
        let path = path.split('?').next().unwrap_or(path);
        Some(PathBuf::from(path))
    }

    pub fn web_config(&self) -> WebConfig {
        WebConfig {
            sessions: SessionTimeouts {
                idle_seconds: self.session_idle_minutes * 60,
                absolute_seconds: self.session_absolute_hours * 3600,
            },
            secure_cookies: self.secure_cookies,
            trust_forwarded_for: self.trust_forwarded_for,
            time_offset: parse_offset(&self.time_offset).unwrap_or(time::UtcOffset::UTC),
            immunisation_schedule: self.immunisation_schedule.clone(),
            default_language: Language::parse(&self.default_language).unwrap_or_default(),
            max_body_bytes: self.max_body_kib * 1024,
            throttle: ThrottleLimits {
                per_account: self.sign_in_failures_per_account,
                per_address: self.sign_in_failures_per_address,
                window: std::time::Duration::from_secs(self.sign_in_throttle_minutes * 60),
                ..ThrottleLimits::default()
            },
            safeguarding: haven_web::SafeguardingConfig {
                deadlines: haven_domain::safeguarding::Deadlines {
                    acknowledged_hours: self.safeguarding_acknowledge_hours,
                    assessed_hours: self.safeguarding_assess_hours,
                    investigated_hours: self.safeguarding_investigate_days * 24,
                    referred_hours: self.safeguarding_refer_days * 24,
                    supported_hours: self.safeguarding_support_days * 24,
                    closed_hours: self.safeguarding_close_days * 24,
                },
                // Checked by `check` when the settings were loaded.
                attachment_key: self.safeguarding_attachment_key.as_ref().and_then(|key| {
                    haven_store::safeguarding::AttachmentKey::parse(key.expose()).ok()
                }),
                attachment_max_bytes: self.safeguarding_attachment_max_kib * 1024,
            },
            care_review_months: self.care_review_months,
            growth_adult_cut_offs: haven_domain::growth::nutrition::AdultCutOffs {
                plw_malnourished_below_mm: self.growth_plw_muac_malnourished_below_mm,
                plw_low_birth_weight_risk_below_mm: self
                    .growth_plw_muac_low_birth_weight_risk_below_mm,
            },
        }
    }

    /// The settings as TOML, with secrets redacted: what `haven config show` prints.
    pub fn to_redacted_toml(&self) -> anyhow::Result<String> {
        let mut shown = self.clone();
        shown.database_url = Some(DatabaseUrl(self.database_url().redacted()));
        if shown.safeguarding_attachment_key.is_some() {
            shown.safeguarding_attachment_key = Some(SecretKey("***".to_owned()));
        }
        toml::to_string_pretty(&shown).context("writing the settings as TOML")
    }
}

/// Parses an offset such as `+07:00`, `-03:30` or `Z`.
fn parse_offset(text: &str) -> Option<time::UtcOffset> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("z") || text.eq_ignore_ascii_case("utc") {
        return Some(time::UtcOffset::UTC);
    }
    time::UtcOffset::parse(
        text,
        time::macros::format_description!("[offset_hour sign:mandatory]:[offset_minute]"),
    )
    .ok()
    // The offsets in use on Earth run from -12:00 to +14:00.
    .filter(|offset| (-12 * 3600..=14 * 3600).contains(&offset.whole_seconds()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_database_urls_are_redacted() {
        let check = |url: &str, expected: &str| {
            let url = DatabaseUrl(url.to_owned());
            assert_eq!(url.redacted(), expected);
            assert_eq!(format!("{url:?}"), expected);
        };
        check(
            "postgres://haven:s3cret@db:5432/haven",
            "postgres://haven:***@db:5432/haven",
        );
        check(
            "postgres://haven:p@ss@db/haven",
            "postgres://haven:***@db/haven",
        );
        check("postgres://haven@db/haven", "postgres://haven@db/haven");
        check(
            "postgres://db/haven?user=haven&password=s3cret&sslmode=require",
            "postgres://db/haven?user=haven&password=***&sslmode=require",
        );
        check(
            "sqlite://haven-data/haven.db",
            "sqlite://haven-data/haven.db",
        );
    }

    #[test]
    fn layers_apply_in_order() {
        let directory = tempfile::tempdir().unwrap();
        let file = directory.path().join("haven.toml");
        std::fs::write(
            &file,
            "listen = \"0.0.0.0:9000\"\nsession_idle_minutes = 10\n",
        )
        .unwrap();
        let overrides = Overrides {
            data_dir: Some(PathBuf::from("/srv/haven")),
            ..Overrides::default()
        };
        let settings = Settings::load(Some(&file), &overrides).unwrap();
        assert_eq!(settings.listen, "0.0.0.0:9000");
        assert_eq!(settings.session_idle_minutes, 10);
        assert_eq!(settings.data_dir, PathBuf::from("/srv/haven"));
        assert_eq!(
            settings.database_url().expose(),
            "sqlite:///srv/haven/haven.db"
        );
        assert_eq!(
            settings.sqlite_file(),
            Some(PathBuf::from("/srv/haven/haven.db"))
        );
    }

    #[test]
    fn time_offsets() {
        assert_eq!(
            parse_offset("+07:00"),
            time::UtcOffset::from_hms(7, 0, 0).ok()
        );
        assert_eq!(
            parse_offset("-03:30"),
            time::UtcOffset::from_hms(-3, -30, 0).ok()
        );
        assert_eq!(parse_offset("Z"), Some(time::UtcOffset::UTC));
        assert_eq!(parse_offset("7"), None);
        assert_eq!(parse_offset("+25:00"), None);
    }

    #[test]
    fn values_out_of_range_are_refused() {
        let directory = tempfile::tempdir().unwrap();
        let file = directory.path().join("haven.toml");
        for line in [
            "session_idle_minutes = 0",
            "session_idle_minutes = 9223372036854775807",
            "max_body_kib = 9223372036854775807",
            "sign_in_throttle_minutes = 9223372036854775807",
        ] {
            std::fs::write(&file, line).unwrap();
            let error = Settings::load(Some(&file), &Overrides::default()).unwrap_err();
            assert!(
                error.to_string().contains("must be from"),
                "{line}: {error}"
            );
        }
    }

    #[test]
    fn the_safeguarding_settings_are_checked_and_the_key_never_shown() {
        let directory = tempfile::tempdir().unwrap();
        let file = directory.path().join("haven.toml");
        let key = "8f1c2b7a9d4e6f3051a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f701";
        std::fs::write(
            &file,
            format!(
                "safeguarding_attachment_key = \"{key}\"\nsafeguarding_acknowledge_hours = 12\n"
            ),
        )
        .unwrap();
        let settings = Settings::load(Some(&file), &Overrides::default()).unwrap();
        let config = settings.web_config().safeguarding;
        assert!(config.attachment_key.is_some());
        assert_eq!(config.deadlines.acknowledged_hours, 12);
        assert_eq!(config.deadlines.closed_hours, 90 * 24);
        assert!(!format!("{settings:?}").contains(key));
        assert!(!format!("{config:?}").contains(key));
        assert!(!settings.to_redacted_toml().unwrap().contains(key));
        for (line, expected) in [
            ("safeguarding_attachment_key = \"abc\"", "64 hexadecimal"),
            ("safeguarding_notify_email = true", "not built yet"),
            ("safeguarding_notify_sms = true", "not built yet"),
            (
                "safeguarding_attachment_max_kib = 1000",
                "below max_body_kib",
            ),
            ("safeguarding_acknowledge_hours = 0", "must be from"),
        ] {
            std::fs::write(&file, line).unwrap();
            let error = Settings::load(Some(&file), &Overrides::default()).unwrap_err();
            assert!(format!("{error:#}").contains(expected), "{line}: {error:#}");
        }
        // Without a key, attachments are off.
        let defaults = Settings::default();
        defaults.check().unwrap();
        assert!(defaults.web_config().safeguarding.attachment_key.is_none());
    }

    #[test]
    fn bad_values_and_missing_files_are_refused() {
        let directory = tempfile::tempdir().unwrap();
        let file = directory.path().join("haven.toml");
        std::fs::write(&file, "default_language = \"fr\"\n").unwrap();
        let error = Settings::load(Some(&file), &Overrides::default()).unwrap_err();
        assert!(error.to_string().contains("default_language"), "{error}");
        let missing = directory.path().join("missing.toml");
        assert!(Settings::load(Some(&missing), &Overrides::default()).is_err());
    }
}
