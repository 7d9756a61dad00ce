//! Text as Haven stores it: Unicode NFC, trimmed.

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
}
