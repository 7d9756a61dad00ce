//! Web tests: staff.
