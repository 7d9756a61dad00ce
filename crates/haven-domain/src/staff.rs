//! Staff: professions, professional registrations and trainings.
