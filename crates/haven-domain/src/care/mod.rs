//! The rules of children's villages and family strengthening: placements, siblings, gatekeeping, development plans, education and independence (issue 6).
