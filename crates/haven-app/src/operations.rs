//! Running Haven: who may read its metrics.

use haven_domain::{Action, Kind};

use crate::{App, Caller, Result};

impl App {
    /// Metrics tell how busy each route is and whether the database answers: for the
    /// people who run Haven (`Read Operations`), never for anyone who can reach the
    /// port.
    pub fn may_read_metrics(&self, caller: &Caller) -> Result<()> {
        caller.require(Action::Read, Kind::Operations)
    }
}
