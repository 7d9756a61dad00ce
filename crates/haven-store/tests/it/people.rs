//! Store tests: people.
