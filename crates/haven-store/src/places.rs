//! Places: countries, programmes, facilities, wards and beds, and how far a
//! scope reaches among them.
