//! The interface in the user's language: Fluent bundles for English and Khmer, built
//! once at start-up from the `.ftl` files in data/i18n/en and data/i18n/km.

use std::collections::HashMap;
use std::sync::Arc;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use haven_domain::Language;

/// The translation sources, embedded in the binary: one file per part of Haven and
/// language under data/i18n/LANG/, joined in one Fluent resource per language.
macro_rules! ftl_files {
    ($language:literal) => {
        concat!(
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../data/i18n/",
                $language,
                "/core.ftl"
            )),
            "\n",
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../data/i18n/",
                $language,
                "/places.ftl"
            )),
            "\n",
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../data/i18n/",
                $language,
                "/staff.ftl"
            )),
            "\n",
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../data/i18n/",
                $language,
                "/people.ftl"
            )),
            "\n",
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../data/i18n/",
                $language,
                "/people-io.ftl"
            )),
            "\n",
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../data/i18n/",
                $language,
                "/clinic.ftl"
            )),
            "\n",
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../data/i18n/",
                $language,
                "/mch.ftl"
            )),
            "\n",
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../data/i18n/",
                $language,
                "/growth.ftl"
            )),
            "\n",
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../data/i18n/",
                $language,
                "/care.ftl"
            )),
            "\n",
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../data/i18n/",
                $language,
                "/safeguarding.ftl"
            )),
        )
    };
}

pub const SOURCES: [(Language, &str); 2] = [
    (Language::English, ftl_files!("en")),
    (Language::Khmer, ftl_files!("km")),
];

/// Every language's messages.
pub struct Translations {
    bundles: HashMap<Language, FluentBundle<FluentResource>>,
}

impl std::fmt::Debug for Translations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Translations").finish_non_exhaustive()
    }
}

/// A `.ftl` file that does not parse.
#[derive(Debug, thiserror::Error)]
#[error("the {language} translations do not parse: {message}")]
pub struct TranslationError {
    pub language: &'static str,
    pub message: String,
}

impl Translations {
    pub fn load() -> Result<Translations, TranslationError> {
        let mut bundles = HashMap::new();
        for (language, source) in SOURCES {
            let resource = FluentResource::try_new(source.to_owned()).map_err(|(_, errors)| {
                TranslationError {
                    language: language.code(),
                    message: format!("{errors:?}"),
                }
            })?;
            let tag = language.code().parse().map_err(|_| TranslationError {
                language: language.code(),
                message: "bad language tag".to_owned(),
            })?;
            let mut bundle = FluentBundle::new_concurrent(vec![tag]);
            // Unicode isolation marks would show up inside HTML attributes and form values.
            bundle.set_use_isolating(false);
            bundle
                .add_resource(resource)
                .map_err(|errors| TranslationError {
                    language: language.code(),
                    message: format!("{errors:?}"),
                })?;
            bundles.insert(language, bundle);
        }
        Ok(Translations { bundles })
    }

    fn format(
        &self,
        language: Language,
        key: &str,
        args: Option<&FluentArgs<'_>>,
    ) -> Option<String> {
        let bundle = self.bundles.get(&language)?;
        let message = bundle.get_message(key)?;
        let pattern = message.value()?;
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors);
        Some(text.into_owned())
    }

    /// The keys a language defines, for the tests that keep the files in step.
    pub fn keys(source: &str) -> Vec<String> {
        source
            .lines()
            .filter(|line| !line.starts_with([' ', '#', '-', '.']) && line.contains(" ="))
            .filter_map(|line| line.split(" =").next())
            .map(|key| key.trim().to_owned())
            .collect()
    }
}

/// A translator for one language: what templates call as `tr.t("key")`.
#[derive(Clone, Debug)]
pub struct Tr {
    language: Language,
    translations: Arc<Translations>,
}

impl Tr {
    pub fn new(language: Language, translations: Arc<Translations>) -> Tr {
        Tr {
            language,
            translations,
        }
    }

    pub fn language(&self) -> Language {
        self.language
    }

    /// The `lang` attribute of the page.
    pub fn lang(&self) -> &'static str {
        self.language.code()
    }

    /// The message for `key` in the user's language, falling back to English, then
    /// to the key itself (which a test keeps from ever reaching a user).
    pub fn t(&self, key: &str) -> String {
        self.translations
            .format(self.language, key, None)
            .or_else(|| self.translations.format(Language::English, key, None))
            .unwrap_or_else(|| key.to_owned())
    }

    /// The message for `key` with one named argument.
    pub fn t1(&self, key: &str, name: &str, value: impl ToString) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_owned(), value.to_string());
        self.translations
            .format(self.language, key, Some(&args))
            .or_else(|| {
                self.translations
                    .format(Language::English, key, Some(&args))
            })
            .unwrap_or_else(|| key.to_owned())
    }

    /// The name of a role in the user's language.
    pub fn role(&self, code: &str) -> String {
        self.t(&format!("role-{}", code.replace('_', "-")))
    }
}
