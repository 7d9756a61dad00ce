//! Search keys for names in Khmer script and romanised Khmer, identifiers and phones.
//!
//! A person is found through *tokens*: short strings kept beside the person in the
//! store, one row each, searched by byte-order prefix ranges. Every token starts with
//! a kind, so that kinds never collide:
//!
//! | prefix | what follows | example |
//! | --- | --- | --- |
//! | `n:` | the [`phonetic_key`] of a romanised name part, or of a whole name written together | `n:soka`, `n:sreipov`, `n:soksreipov` |
//! | `k:` | a name part in Khmer script as written (NFC, zero-width characters removed), or a whole name without spaces | `k:សុខា`, `k:សុខស្រីពៅ` |
//! | `i:` | an identifier key ([`identifier_key`]: upper-case letters and digits) | `i:1234567890` |
//! | `p:` | a phone key ([`phone_key`]: digits, national form) | `p:012345678` |
//!
//! A typed query becomes a [`QueryPlan`]: every name word must be the prefix of some
//! token of the person, or the whole query written together must be the prefix of one;
//! an identifier is looked up exactly, and a query that is mostly digits also as the
//! start of a phone number.

use unicode_normalization::UnicodeNormalization;

use crate::person::{identifier_key, is_khmer, phone_key};

/// The prefix of romanised name tokens.
pub const LATIN_NAME: &str = "n:";
/// The prefix of Khmer-script name tokens.
pub const KHMER_NAME: &str = "k:";
/// The prefix of identifier tokens.
pub const IDENTIFIER: &str = "i:";
/// The prefix of phone tokens.
pub const PHONE: &str = "p:";

/// At most this many words of a query take part in a search; more add little and cost
/// one lookup each.
pub const MAX_QUERY_WORDS: usize = 6;
/// A query with at least this many digits, most of its characters, is also a phone.
pub const MIN_PHONE_DIGITS: usize = 6;
/// Tokens longer than this many characters are cut: they come from free text.
const MAX_TOKEN_CHARS: usize = 64;

/// The phonetic key of one romanised Khmer word: spellings that sound alike share it.
///
/// Lower case, diacritics stripped, letters a-z only; then, repeated until nothing
/// changes: `y`→`i`, `w`→`v`, `ee`→`i`, `oeu`→`eu`, `ou`→`u`, `ea`→`ia`, `au`→`ao`;
/// `h` dropped after a consonant and at the end; a vowel's trailing `r` dropped at the
/// end; doubled letters collapsed. So `Sokha`, `Sokhar` and `Sokah` are all `soka`,
/// `Chanthy` and `Chanthi` are `canti`, and `Srey` and `Srei` are `srei`.
///
/// Rules that look at the following letter cannot see letters not yet typed, so a
/// prefix cut in the middle of a folded spelling (`Che` for `Chea`, key `cia`) may
/// miss; whole syllables always match.
pub fn phonetic_key(word: &str) -> String {
    let mut key: String = word
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .filter(char::is_ascii_lowercase)
        .collect();
    // Every pass either shortens the key or lowers its count of `e`, `y` and `w`
    // without lengthening it, so this loop ends.
    loop {
        let next = fold_once(&key);
        if next == key {
            return key;
        }
        key = next;
    }
}

/// The tokens of one person, sorted and without repeats.
#[derive(Clone, Debug, Default)]
pub struct PersonTokenInput<'a> {
    pub family_km: &'a str,
    pub given_km: &'a str,
    pub family_latin: &'a str,
    pub given_latin: &'a str,
    pub other_names: &'a str,
    pub nicknames: &'a str,
    pub phone_key: &'a str,
    pub identifier_keys: &'a [String],
}

/// Every search token of a person: each name part's key, the whole given name written
/// together, family and given written together in both orders (in each script), other
/// names and nicknames, identifier keys and the phone key.
pub fn person_tokens(input: &PersonTokenInput<'_>) -> Vec<String> {
    let mut tokens = Vec::new();
    let family_latin = latin_words(input.family_latin);
    let given_latin = latin_words(input.given_latin);
    let family_km = khmer_words(input.family_km);
    let given_km = khmer_words(input.given_km);
    for word in family_latin.iter().chain(&given_latin) {
        push_latin(&mut tokens, word);
    }
    for word in family_km.iter().chain(&given_km) {
        push_khmer(&mut tokens, word);
    }
    push_latin(&mut tokens, &given_latin.concat());
    push_khmer(&mut tokens, &given_km.concat());
    if !family_latin.is_empty() && !given_latin.is_empty() {
        push_latin(
            &mut tokens,
            &[family_latin.concat(), given_latin.concat()].concat(),
        );
        push_latin(
            &mut tokens,
            &[given_latin.concat(), family_latin.concat()].concat(),
        );
    }
    if !family_km.is_empty() && !given_km.is_empty() {
        push_khmer(
            &mut tokens,
            &[family_km.concat(), given_km.concat()].concat(),
        );
        push_khmer(
            &mut tokens,
            &[given_km.concat(), family_km.concat()].concat(),
        );
    }
    // Other names and nicknames are free text in either script: a list of names
    // separated by commas or semicolons.
    for free_text in [input.other_names, input.nicknames] {
        for name in free_text.split([',', ';', '/']) {
            let mut latin = Vec::new();
            let mut khmer = Vec::new();
            for word in clean(name).split_whitespace() {
                if word.chars().any(is_khmer) {
                    khmer.push(word.to_owned());
                } else {
                    latin.extend(latin_words(word));
                }
            }
            for word in &latin {
                push_latin(&mut tokens, word);
            }
            for word in &khmer {
                push_khmer(&mut tokens, word);
            }
            push_latin(&mut tokens, &keyed(&latin));
            push_khmer(&mut tokens, &khmer.concat());
        }
    }
    for key in input.identifier_keys {
        let key = identifier_key(key);
        if !key.is_empty() {
            tokens.push(format!("{IDENTIFIER}{}", truncate(&key)));
        }
    }
    let phone = phone_key(input.phone_key);
    if !phone.is_empty() {
        tokens.push(format!("{PHONE}{}", truncate(&phone)));
    }
    tokens.sort();
    tokens.dedup();
    tokens
}

/// What a typed query looks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueryPlan {
    /// Token prefixes (`n:` or `k:`), one per word; a person matches when every one is
    /// the prefix of one of their tokens.
    pub words: Vec<String>,
    /// The whole query written together, as a token prefix, when it has two words or
    /// more in one script: "Srey Pov" finds "Sreypov".
    pub compact: Option<String>,
    /// An identifier token to look up exactly.
    pub identifier: Option<String>,
    /// A phone token prefix, when the query is mostly digits.
    pub phone: Option<String>,
}

impl QueryPlan {
    /// True when the query looks for nothing: search then lists by the filters alone.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
            && self.compact.is_none()
            && self.identifier.is_none()
            && self.phone.is_none()
    }

    /// How well a person's tokens answer the query: the number of words (and the
    /// compact form) that equal one of the tokens exactly. Higher is better.
    pub fn exactness(&self, tokens: &[String]) -> usize {
        let exact = |wanted: &String| tokens.binary_search(wanted).is_ok();
        self.words.iter().filter(|word| exact(word)).count()
            + self.compact.iter().filter(|word| exact(word)).count()
            + self.identifier.iter().filter(|id| exact(id)).count()
            + self.phone.iter().filter(|phone| exact(phone)).count()
    }
}

/// Turns what was typed into the lookups that answer it.
pub fn plan_query(text: &str) -> QueryPlan {
    let text = clean(text);
    let mut latin = Vec::new();
    let mut khmer = Vec::new();
    let mut words = Vec::new();
    for word in text.split_whitespace() {
        if word.chars().any(is_khmer) {
            let word: String = word.chars().filter(|c| is_khmer(*c)).collect();
            words.push(format!("{KHMER_NAME}{}", truncate(&word)));
            khmer.push(word);
        } else if !word.chars().any(|c| c.is_ascii_digit()) {
            // A word with digits is an identifier or a phone, not a name.
            for part in latin_words(word) {
                let key = phonetic_key(&part);
                if !key.is_empty() {
                    words.push(format!("{LATIN_NAME}{}", truncate(&key)));
                    latin.push(part);
                }
            }
        }
    }
    words.sort();
    words.dedup();
    // Longer keys first: they are usually the more selective.
    words.sort_by_key(|word| std::cmp::Reverse(word.len()));
    words.truncate(MAX_QUERY_WORDS);
    let compact = match (latin.len(), khmer.len()) {
        (2.., 0) => Some(format!(
            "{LATIN_NAME}{}",
            truncate(&phonetic_key(&keyed(&latin)))
        )),
        (0, 2..) => Some(format!("{KHMER_NAME}{}", truncate(&khmer.concat()))),
        _ => None,
    };
    let identifier = Some(identifier_key(&text))
        .filter(|key| !key.is_empty())
        .map(|key| format!("{IDENTIFIER}{}", truncate(&key)));
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let others = text
        .chars()
        .filter(|c| !c.is_ascii_digit() && !matches!(c, ' ' | '-' | '.' | '(' | ')' | '+'))
        .count();
    let phone = (digits >= MIN_PHONE_DIGITS && others * 4 < digits)
        .then(|| format!("{PHONE}{}", truncate(&phone_key(&text))));
    QueryPlan {
        words,
        compact,
        identifier,
        phone,
    }
}

/// The byte-order range of every token that starts with `prefix`: `token >= start AND
/// token < end`. Tokens hold no character above U+10FFFF, so `end` is the prefix
/// followed by the largest character.
pub fn prefix_range(prefix: &str) -> (String, String) {
    (prefix.to_owned(), format!("{prefix}{}", char::MAX))
}

/// The token of a whole name (family and given written together) in each script, for
/// the duplicate check: two people whose names sound alike share one of these.
pub fn whole_name_tokens(
    family_km: &str,
    given_km: &str,
    family_latin: &str,
    given_latin: &str,
) -> Vec<String> {
    let mut tokens = Vec::new();
    let (family, given) = (latin_words(family_latin), latin_words(given_latin));
    if !family.is_empty() && !given.is_empty() {
        push_latin(&mut tokens, &[keyed(&family), keyed(&given)].concat());
    }
    let (family, given) = (khmer_words(family_km), khmer_words(given_km));
    if !family.is_empty() && !given.is_empty() {
        push_khmer(&mut tokens, &[family.concat(), given.concat()].concat());
    }
    tokens
}

fn fold_once(key: &str) -> String {
    let key = key
        .replace('y', "i")
        .replace('w', "v")
        .replace("ee", "i")
        .replace("oeu", "eu")
        .replace("ou", "u")
        .replace("ea", "ia")
        .replace("au", "ao");
    let chars: Vec<char> = key.chars().collect();
    let mut out = String::with_capacity(chars.len());
    for (i, &c) in chars.iter().enumerate() {
        let previous = i.checked_sub(1).map(|p| chars[p]);
        let last = i + 1 == chars.len();
        // A word's first letter always stays, so no word's key is empty.
        if c == 'h' && previous.is_some_and(|p| last || !is_vowel(p)) {
            continue;
        }
        if c == 'r' && last && previous.is_some_and(is_vowel) {
            continue;
        }
        if previous == Some(c) {
            continue;
        }
        out.push(c);
    }
    out
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}')
}

/// NFC, with zero-width characters removed.
fn clean(text: &str) -> String {
    text.nfc()
        .filter(|c| {
            !matches!(
                c,
                '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
            )
        })
        .collect()
}

/// The words of a romanised name: runs of letters (hyphens and apostrophes split).
fn latin_words(name: &str) -> Vec<String> {
    clean(name)
        .split(|c: char| !c.is_alphabetic() || is_khmer(c))
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The words of a Khmer-script name: split at spaces only.
fn khmer_words(name: &str) -> Vec<String> {
    clean(name)
        .split_whitespace()
        .map(|word| word.chars().filter(|c| is_khmer(*c)).collect::<String>())
        .filter(|word| !word.is_empty())
        .collect()
}

/// Words written together, each keyed first so that every word's own end rules apply
/// (`Sokhar Chan` is `soka` + `can`); `push_latin` keys the whole again, which folds
/// letters doubled across the join.
fn keyed(words: &[String]) -> String {
    words.iter().map(|word| phonetic_key(word)).collect()
}

fn push_latin(tokens: &mut Vec<String>, word: &str) {
    let key = phonetic_key(word);
    if !key.is_empty() {
        tokens.push(format!("{LATIN_NAME}{}", truncate(&key)));
    }
}

fn push_khmer(tokens: &mut Vec<String>, word: &str) {
    if !word.is_empty() {
        tokens.push(format!("{KHMER_NAME}{}", truncate(word)));
    }
}

fn truncate(text: &str) -> String {
    text.chars().take(MAX_TOKEN_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_that_sound_alike_share_a_key() {
        let check = |word: &str, expected: &str| {
            assert_eq!(phonetic_key(word), expected, "{word}");
        };
        check("Sokha", "soka");
        check("Sokhar", "soka");
        check("Sokah", "soka");
        check("Chanthy", "canti");
        check("Chanthi", "canti");
        check("Srey", "srei");
        check("Srei", "srei");
        check("Sreypov", "sreipov");
        check("Phalla", "pala");
        check("Vanna", "vana");
        check("Wanna", "vana");
        check("Sophea", "sopia");
        check("Sophia", "sopia");
        check("Pisey", "pisei");
        check("Pisei", "pisei");
        check("Ouk", "uk");
        check("Uk", "uk");
        check("Lee", "li");
        check("Ly", "li");
        check("Heng", "heng");
        check("Mau", "mao");
        check("Chheun", "ceun");
        check("Choeun", "ceun");
        check("Rithy", "riti");
        check("Channary", "canari");
        check("Thach", "tac");
        check("Sámnang", "samnang");
        check("", "");
        check("123", "");
        check("សុខា", "");
    }

    #[test]
    fn tokens_cover_parts_whole_names_both_orders_and_both_scripts() {
        let tokens = person_tokens(&PersonTokenInput {
            family_km: "សុខ",
            given_km: "ស្រី\u{200B}ពៅ",
            family_latin: "Sok",
            given_latin: "Srey Pov",
            other_names: "",
            nicknames: "Pov Pov, អាពៅ",
            phone_key: "+855 12 345 678",
            identifier_keys: &["1234567890".to_owned()],
        });
        for expected in [
            "n:sok",
            "n:srei",
            "n:pov",
            "n:sreipov",
            "n:soksreipov",
            "n:sreipovsok",
            "n:povpov",
            "k:សុខ",
            "k:ស្រីពៅ",
            "k:សុខស្រីពៅ",
            "k:ស្រីពៅសុខ",
            "k:អាពៅ",
            "i:1234567890",
            "p:012345678",
        ] {
            assert!(
                tokens.contains(&expected.to_owned()),
                "{expected} in {tokens:?}"
            );
        }
        let mut sorted = tokens.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(tokens, sorted);
    }

    /// True when the plan's words all start some token, or its compact form does.
    fn finds(query: &str, tokens: &[String]) -> bool {
        let plan = plan_query(query);
        let starts = |prefix: &String| tokens.iter().any(|t| t.starts_with(prefix.as_str()));
        (!plan.words.is_empty() && plan.words.iter().all(starts))
            || plan.compact.as_ref().is_some_and(starts)
            || plan
                .identifier
                .as_ref()
                .is_some_and(|id| tokens.contains(id))
            || plan.phone.as_ref().is_some_and(starts)
    }

    fn latin_person(family: &str, given: &str) -> Vec<String> {
        person_tokens(&PersonTokenInput {
            family_latin: family,
            given_latin: given,
            ..PersonTokenInput::default()
        })
    }

    #[test]
    fn queries_find_spelling_variants_fragments_and_orders() {
        let check = |query: &str, family: &str, given: &str, expected: bool| {
            assert_eq!(
                finds(query, &latin_person(family, given)),
                expected,
                "{query:?} for {family} {given}"
            );
        };
        check("Sokha", "Chan", "Sokhar", true);
        check("sokah", "Chan", "Sokha", true);
        check("Chanthi", "Keo", "Chanthy", true);
        check("Sreypov", "Sok", "Srey Pov", true);
        check("Srey Pov", "Sok", "Sreypov", true);
        check("Sok Dara", "Sok", "Dara", true);
        check("Dara Sok", "Sok", "Dara", true);
        check("dara sok", "Sok", "Dara", true);
        check("Sok Dar", "Sok", "Dara", true);
        check("So", "Sok", "Dara", true);
        check("Sok Vanna", "Sok", "Dara", false);
        check("Kim", "Sok", "Dara", false);
        check("", "Sok", "Dara", false);
    }

    #[test]
    fn queries_find_khmer_identifiers_and_phones() {
        let tokens = person_tokens(&PersonTokenInput {
            family_km: "ចាន់",
            given_km: "សុខា",
            phone_key: "012345678",
            identifier_keys: &["KH-0042".to_owned(), "1234567890".to_owned()],
            ..PersonTokenInput::default()
        });
        assert!(finds("សុ", &tokens));
        assert!(finds("ចាន់ សុខា", &tokens));
        assert!(finds("ចាន់សុខា", &tokens));
        assert!(finds("សុខាចាន់", &tokens));
        assert!(!finds("គីម", &tokens));
        assert!(finds("kh 0042", &tokens));
        assert!(finds("1234-5678-90", &tokens));
        assert!(!finds("1234-5678", &tokens));
        assert!(finds("+855 12 345", &tokens));
        assert!(finds("012 345 6", &tokens));
        assert!(!finds("012 999", &tokens));
    }

    #[test]
    fn plans_say_what_they_look_up() {
        let plan = plan_query("  Sok  Dara ");
        assert_eq!(plan.words, vec!["n:dara", "n:sok"]);
        assert_eq!(plan.compact.as_deref(), Some("n:sokdara"));
        assert_eq!(plan.identifier.as_deref(), Some("i:SOKDARA"));
        assert_eq!(plan.phone, None);
        let phone = plan_query("+855 12 345 678");
        assert_eq!(phone.phone.as_deref(), Some("p:012345678"));
        assert!(phone.words.is_empty());
        assert!(plan_query("   ").is_empty());
        assert_eq!(prefix_range("n:so").0, "n:so");
        assert!(*"n:sok" < *prefix_range("n:so").1);
        assert!(*"n:sp" > *prefix_range("n:so").1);
        assert!(*"k:សុខ" < *prefix_range("k:ស").1);
    }

    #[test]
    fn whole_names_for_duplicates_ignore_spelling_and_order_needs_both_parts() {
        let a = whole_name_tokens("សុខ", "សុខា", "Sok", "Sokhar");
        assert_eq!(a, vec!["n:soksoka", "k:សុខសុខា"]);
        assert!(latin_person("Sokha", "Sok").contains(&a[0]));
        let b = whole_name_tokens("", "", "Sokhar", "Chan");
        assert!(latin_person("Chan", "Sokha").contains(&b[0]), "{b:?}");
        assert!(whole_name_tokens("", "", "Sok", "").is_empty());
    }

    proptest::proptest! {
        #[test]
        fn keys_never_panic_and_are_idempotent(word in ".{0,24}") {
            let key = phonetic_key(&word);
            proptest::prop_assert_eq!(phonetic_key(&key), key.clone());
            proptest::prop_assert!(key.chars().all(|c| c.is_ascii_lowercase()));
        }

        #[test]
        fn romanised_keys_are_idempotent(word in "[A-Za-z]{0,16}") {
            let key = phonetic_key(&word);
            proptest::prop_assert_eq!(phonetic_key(&key), key);
        }

        #[test]
        fn planning_and_tokens_never_panic(text in ".{0,40}") {
            let plan = plan_query(&text);
            proptest::prop_assert!(plan.words.len() <= MAX_QUERY_WORDS);
            let tokens = person_tokens(&PersonTokenInput {
                family_latin: &text,
                given_km: &text,
                nicknames: &text,
                phone_key: &text,
                ..PersonTokenInput::default()
            });
            proptest::prop_assert!(tokens.iter().all(|t| t.chars().count() <= 2 + MAX_TOKEN_CHARS));
        }

        #[test]
        fn a_name_is_found_by_every_prefix_of_its_whole_syllables(family in "[A-Z][a-z]{1,6}", given in "[A-Z][a-z]{1,6}") {
            let tokens = latin_person(&family, &given);
            let query = format!("{family} {given}");
            proptest::prop_assert!(finds(&query, &tokens));
            proptest::prop_assert!(finds(&given, &tokens));
        }
    }
}
