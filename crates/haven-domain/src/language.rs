//! The interface languages Haven speaks.

/// A language of the interface. English and Khmer from the start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Language {
    #[default]
    English,
    Khmer,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::English, Language::Khmer];

    /// The BCP 47 tag, as used in `<html lang>`, cookies and the database.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Khmer => "km",
        }
    }

    /// The language's own name for itself, shown in the language switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::Khmer => "ខ្មែរ",
        }
    }

    pub fn parse(code: &str) -> Option<Language> {
        match code.trim().to_ascii_lowercase().as_str() {
            "en" | "en-gb" | "en-us" => Some(Language::English),
            "km" | "km-kh" => Some(Language::Khmer),
            _ => None,
        }
    }

    /// Picks the first supported language from an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Option<Language> {
        header
            .split(',')
            .filter_map(|part| part.split(';').next())
            .find_map(|tag| {
                let primary = tag.trim().split('-').next().unwrap_or("");
                Language::parse(primary)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_and_accept_language() {
        assert_eq!(Language::parse("km"), Some(Language::Khmer));
        assert_eq!(Language::parse("EN"), Some(Language::English));
        assert_eq!(Language::parse("fr"), None);
        assert_eq!(
            Language::from_accept_language("fr-FR,km-KH;q=0.8,en;q=0.5"),
            Some(Language::Khmer)
        );
        assert_eq!(Language::from_accept_language("de"), None);
    }
}
