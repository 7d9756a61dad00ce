//! People in the registry: registration, correction, identifiers, categories,
//! relationships, death, and merging two records of one person.
