//! Places: countries, Cambodia's provinces, programmes, and the kinds of facility.

// Placeholder until the places branch lands.
pub struct Province {
    pub code: &'static str,
    pub name_en: &'static str,
    pub name_km: &'static str,
}

pub fn provinces() -> &'static [Province] {
    &[Province {
        code: "KH-12",
        name_en: "Phnom Penh",
        name_km: "ភ្នំពេញ",
    }]
}
