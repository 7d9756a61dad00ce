//! Store tests: search.
