//! Web tests: places.
