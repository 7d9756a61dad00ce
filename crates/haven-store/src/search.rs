//! The people search: tokens kept beside each person, and queries over them.
