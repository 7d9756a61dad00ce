//! Places: countries, programmes, facilities, wards and beds, and how far a
//! scope reaches among them.

// Placeholder until the places branch lands: every scope reaches everything.
impl crate::Store {
    pub async fn reach_of(&self, _scopes: &[haven_domain::Scope]) -> crate::Result<crate::Reach> {
        Ok(crate::Reach::Everything)
    }
}
