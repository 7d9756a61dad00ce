//! Search keys for names in Khmer script and romanised Khmer, identifiers and phones.
