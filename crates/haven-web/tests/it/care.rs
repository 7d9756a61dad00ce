//! Tests of the pages and API of children's villages and family strengthening: placements, siblings, gatekeeping, development plans, education and independence (issue 6).
