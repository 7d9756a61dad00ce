//! Text as Haven stores it: Unicode NFC, trimmed.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Returns the text in Unicode NFC with surrounding white space and control
/// characters (NUL and the like, which PostgreSQL cannot store) removed, so that the
/// same name typed on two keyboards is stored the same way. New lines and tabs stay.
pub fn normalise(input: &str) -> String {
    input
        .trim()
        .nfc()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect()
}

/// True for the invisible characters that change the direction text is shown in
/// (the Unicode bidi controls: marks, embeddings, overrides and isolates). They have
/// no place in a name: one can make "Sok" show as another name, or a name show as
/// nothing at all.
pub fn is_direction_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// True for the control characters (NUL, CR, LF, tab and the like) and the Unicode
/// line and paragraph separators, none of which belongs inside a one-line value.
pub fn is_control_or_line_separator(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// True for a letter of any script. A vowel sign or the coeng of Khmer, or a
/// combining accent, counts as alphabetic in Unicode but is not a letter on its own:
/// it is a mark.
pub fn is_letter(c: char) -> bool {
    c.is_alphabetic() && !is_combining_mark(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composes_and_trims() {
        // "é" as e + combining acute becomes the single code point.
        assert_eq!(normalise("  Re\u{301}my "), "R\u{e9}my");
        // Khmer text survives unchanged.
        assert_eq!(normalise("សុខា"), "សុខា");
        // Control characters go, lines stay.
        assert_eq!(normalise("a\u{0}b\u{7}c"), "abc");
        assert_eq!(normalise("line one\nline two"), "line one\nline two");
    }

    #[test]
    fn letters_are_told_from_marks_and_hidden_characters() {
        let check = |c: char, letter: bool, direction: bool, control: bool| {
            assert_eq!(is_letter(c), letter, "letter {:04X}", c as u32);
            assert_eq!(
                is_direction_control(c),
                direction,
                "direction {:04X}",
                c as u32
            );
            assert_eq!(
                is_control_or_line_separator(c),
                control,
                "control {:04X}",
                c as u32
            );
        };
        check('a', true, false, false);
        check('\u{1780}', true, false, false); // KHMER LETTER KA
        check('\u{17A2}', true, false, false); // KHMER LETTER QA
        check('\u{17B6}', false, false, false); // KHMER VOWEL SIGN AA
        check('\u{17C6}', false, false, false); // KHMER SIGN NIKAHIT
        check('\u{17D2}', false, false, false); // KHMER SIGN COENG
        check('\u{301}', false, false, false); // COMBINING ACUTE ACCENT
        check('\u{17E1}', false, false, false); // KHMER DIGIT ONE
        check('\'', false, false, false);
        check('\u{200B}', false, false, false);
        check('\u{200D}', false, false, false);
        for c in [
            '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}',
            '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
        ] {
            check(c, false, true, false);
        }
        for c in [
            '\0', '\t', '\n', '\r', '\u{7F}', '\u{85}', '\u{2028}', '\u{2029}',
        ] {
            check(c, false, false, true);
        }
    }
}
