//! CLI tests: registry.
