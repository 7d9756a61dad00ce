//! Store tests: staff.
