//! Staff members, where they work, their registrations and trainings.
