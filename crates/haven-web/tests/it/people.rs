//! Web tests: people.
