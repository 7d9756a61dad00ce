//! Demo data for the registry: a country office, programmes, staff and people.
