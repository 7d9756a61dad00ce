//! Web tests: importing and exporting people, and people over the API.
