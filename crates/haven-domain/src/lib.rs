//! Haven's rules: the types and calculations every other crate relies on.
//!
//! This crate does no IO: it reads no clock, file, database or network. Time, ids and
//! randomness come in as arguments, so every rule here can be tested as plain data.

#[macro_use]
mod codes;

pub mod access;
pub mod account;
pub mod audit;
pub mod care;
pub mod clinic;
pub mod growth;
pub mod language;
pub mod mch;
pub mod person;
pub mod places;
pub mod safeguarding;
pub mod search;
pub mod staff;
pub mod text;

pub use access::{Action, Kind, Permission, Role, Scope};
pub use account::{DisplayName, NewPassword, Username};
pub use language::Language;
