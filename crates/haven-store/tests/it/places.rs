//! Store tests: places.
