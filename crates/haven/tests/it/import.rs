//! CLI tests: import.
