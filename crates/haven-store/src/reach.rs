//! How far a user's roles reach into the registry: which facilities' people they see.

use crate::Id;

/// The places a reader's scopes reach, resolved to facilities. A person is
/// reached when their registering facility is in the list; people registered at
/// no facility are reached by everyone whose scope covers a whole country.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reach {
    /// A scope of `all`: every record.
    Everything,
    Facilities {
        ids: Vec<Id>,
        include_unplaced: bool,
    },
}

impl Reach {
    /// True when the reach holds a person registered at `facility` (`None`: at no
    /// facility).
    pub fn holds(&self, facility: Option<Id>) -> bool {
        match (self, facility) {
            (Reach::Everything, _) => true,
            (Reach::Facilities { ids, .. }, Some(facility)) => ids.contains(&facility),
            (
                Reach::Facilities {
                    include_unplaced, ..
                },
                None,
            ) => *include_unplaced,
        }
    }
}
