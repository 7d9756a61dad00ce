//! Places: countries, Cambodia's provinces, programmes, and the kinds of facility.
