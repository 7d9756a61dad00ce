//! ICD-10, WHO edition 2019: the code list embedded from data/icd10, parsed once into
//! [`Icd10Code`], and searched by code prefix and by words of the title.

use std::sync::OnceLock;

use super::ClinicError;

const TSV: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/icd10/icd10-who-2019.tsv"
));

struct Entry {
    code: &'static str,
    title: &'static str,
    /// The title in lower case, for word search.
    folded: String,
}

/// Every code of the list, sorted by code (the file is sorted; see its README).
fn entries() -> &'static [Entry] {
    static ENTRIES: OnceLock<Vec<Entry>> = OnceLock::new();
    ENTRIES.get_or_init(|| {
        let mut entries: Vec<Entry> = TSV
            .lines()
            .filter_map(|line| line.split_once('\t'))
            .map(|(code, title)| Entry {
                code,
                title,
                folded: title.to_lowercase(),
            })
            .collect();
        // The file is sorted; sorting again costs little and keeps binary search
        // correct even if a hand edit breaks the order.
        entries.sort_by(|a, b| a.code.cmp(b.code));
        entries
    })
}

/// How many codes the list holds.
pub fn count() -> usize {
    entries().len()
}

/// A code of the WHO ICD-10 list, such as `B50.9`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Icd10Code {
    code: &'static str,
    title: &'static str,
}

impl Icd10Code {
    /// Reads a code as typed: case and surrounding space do not matter, and the dot
    /// may be left out (`b509` is `B50.9`). A code not in the WHO list is refused.
    pub fn parse(raw: &str) -> Result<Icd10Code, ClinicError> {
        let typed: String = raw
            .trim()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        // "A09 Diarrhoea and gastroenteritis" from a search pick: the code is the first word.
        let typed = raw
            .split_whitespace()
            .next()
            .map(str::to_ascii_uppercase)
            .filter(|first| first.len() < typed.len())
            .unwrap_or(typed);
        if !typed.is_ascii() {
            return Err(ClinicError::UnknownIcd10);
        }
        let canonical = if typed.len() > 3 && !typed.contains('.') {
            format!("{}.{}", &typed[..3], &typed[3..])
        } else {
            typed
        };
        let list = entries();
        list.binary_search_by(|e| e.code.cmp(canonical.as_str()))
            .map(|at| Icd10Code {
                code: list[at].code,
                title: list[at].title,
            })
            .map_err(|_| ClinicError::UnknownIcd10)
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    /// WHO's English title of the code.
    pub fn title(&self) -> &'static str {
        self.title
    }
}

/// The codes that match what was typed, at most `limit`: a code prefix (`B5`, `J18.`)
/// gives the codes that start with it, in code order; words give the codes whose
/// title holds every word, categories before their subcategories.
pub fn search(query: &str, limit: usize) -> Vec<Icd10Code> {
    let query = query.trim();
    if query.is_empty() {
        return Vec::new();
    }
    let list = entries();
    let upper = query.to_ascii_uppercase().replace(' ', "");
    let looks_like_code = upper.len() <= 6
        && upper
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && upper
            .chars()
            .skip(1)
            .all(|c| c.is_ascii_digit() || c == '.')
        && upper.len() >= 2;
    if looks_like_code {
        let prefix = if upper.len() > 3 && !upper.contains('.') {
            format!("{}.{}", &upper[..3], &upper[3..])
        } else {
            upper
        };
        let start = list.partition_point(|e| e.code < prefix.as_str());
        return list[start..]
            .iter()
            .take_while(|e| e.code.starts_with(prefix.as_str()))
            .take(limit)
            .map(|e| Icd10Code {
                code: e.code,
                title: e.title,
            })
            .collect();
    }
    let words: Vec<String> = query
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    if words.is_empty() {
        return Vec::new();
    }
    let mut found: Vec<&Entry> = list
        .iter()
        .filter(|e| words.iter().all(|w| e.folded.contains(w.as_str())))
        .collect();
    // Titles that start with the first word, then shorter codes (categories), first.
    found.sort_by_key(|e| {
        (
            !e.folded.starts_with(words[0].as_str()),
            e.code.len(),
            e.code,
        )
    });
    found
        .into_iter()
        .take(limit)
        .map(|e| Icd10Code {
            code: e.code,
            title: e.title,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_who_list_is_embedded() {
        assert_eq!(count(), 12_246);
        assert_eq!(Icd10Code::parse("A00").map(|c| c.title()), Ok("Cholera"));
        assert_eq!(
            Icd10Code::parse("Z99.9").map(|c| c.title()),
            Ok("Dependence on unspecified enabling machine and device")
        );
    }

    #[test]
    fn codes_parse_as_typed_and_unknown_ones_are_refused() {
        let check = |raw: &str, expected: Result<&str, ClinicError>| {
            assert_eq!(Icd10Code::parse(raw).map(|c| c.code()), expected, "{raw}");
        };
        check("B50.9", Ok("B50.9"));
        check(" b50.9 ", Ok("B50.9"));
        check("B509", Ok("B50.9"));
        check("J18.9 Pneumonia, unspecified", Ok("J18.9"));
        check("B18.10", Ok("B18.10"));
        check("U07.1", Ok("U07.1"));
        check("B50.99", Err(ClinicError::UnknownIcd10));
        check("XYZ", Err(ClinicError::UnknownIcd10));
        check("", Err(ClinicError::UnknownIcd10));
        check("ក", Err(ClinicError::UnknownIcd10));
    }

    #[test]
    fn search_finds_by_code_prefix_and_by_words() {
        let codes = |q: &str| -> Vec<&str> { search(q, 5).iter().map(|c| c.code()).collect() };
        assert_eq!(codes("B50"), vec!["B50", "B50.0", "B50.8", "B50.9"]);
        assert_eq!(codes("b500"), vec!["B50.0"]);
        assert_eq!(codes("falciparum malaria")[0], "B50");
        assert!(codes("pneumonia unspecified").contains(&"J18.9"));
        assert_eq!(codes("dengue")[0], "A97");
        assert!(codes("").is_empty());
        assert!(codes("zzzzqqq").is_empty());
    }

    proptest::proptest! {
        #[test]
        fn parsing_and_searching_never_panic(raw in ".{0,20}") {
            let _ = Icd10Code::parse(&raw);
            let _ = search(&raw, 10);
        }
    }
}
