//! Text as Haven stores it: Unicode NFC, trimmed.

use unicode_normalization::UnicodeNormalization;

/// Returns the text in Unicode NFC with surrounding white space removed, so that the
/// same name typed on two keyboards is stored the same way.
pub fn normalise(input: &str) -> String {
    input.trim().nfc().collect()
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
    }
}
