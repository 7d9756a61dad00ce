//! Which audit events are sealed, i.e. listed only for the national focal points.
//!
//! Two rules, checked in SQL so that no list, page, export or count can hold a sealed
//! event by forgetting a filter in Rust:
//!
//! - every event about a report ([`super::SEALED_ENTITY`]);
//! - every event whose actor held a role with the safeguarding permission
//!   (`Kind::SafeguardingCase`) when it happened, except signing in and out. A focal
//!   point's ordinary events ("read the person page of child X", "searched for Y")
//!   would otherwise tell the administrator which child a concern is about. The role
//!   is looked up in `role_assignment` at the event's time (assigned at or before it,
//!   not revoked by then), so revoking the role does not unseal what was done while it
//!   was held, and nothing needs to be stamped on the event itself (its fields are part
//!   of the hash chain).
//!
//! Account administration (accounts, roles, tokens, passwords: the entity
//! [`ACCOUNT_ENTITY`]) is never sealed, whoever acts: a role granted, an account made
//! or a password reset must stay on the trail every administrator reads, or whoever
//! holds a sealing role could hide what they did to accounts.

use std::sync::LazyLock;

use haven_domain::{Action, Kind, Role};

/// Actions a focal point does that stay on the common trail: the administrator needs
/// them to see who signs in (and to spot guessed passwords), and they say nothing about
/// any child.
pub const UNSEALED_ACTIONS: &[&str] = &["sign_in", "sign_in_failed", "sign_out"];

/// The entity of every account-administration event (users, roles, API tokens,
/// passwords): never sealed.
pub const ACCOUNT_ENTITY: &str = "user";

/// The codes of the roles whose holders' events are sealed.
pub fn sealing_roles() -> Vec<&'static str> {
    Role::ALL
        .into_iter()
        .filter(|role| role.permits(Action::Read, Kind::SafeguardingCase))
        .map(Role::code)
        .collect()
}

/// A list of codes as SQL literals. The codes are Haven's own constants (lower-case
/// letters and underscores), never input.
fn literals(codes: &[&str]) -> String {
    codes
        .iter()
        .filter(|code| code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        .map(|code| format!("'{code}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A condition on a row of `audit_event` (named `audit_event`) that holds when the
/// event is not sealed: what readers without the safeguarding permission may see.
pub(crate) static UNSEALED_EVENT: LazyLock<String> = LazyLock::new(|| {
    let roles = sealing_roles();
    // No role with the permission (never, with today's grants) seals nothing by actor;
    // `IN ()` is not valid SQL.
    let roles = if roles.is_empty() {
        "''".to_owned()
    } else {
        literals(&roles)
    };
    format!(
        "(audit_event.entity <> '{entity}'
          AND (audit_event.action IN ({actions})
               OR audit_event.entity = '{account}'
               OR NOT EXISTS (
                   SELECT 1 FROM role_assignment sealing
                   WHERE sealing.user_id = audit_event.actor_id
                     AND sealing.role IN ({roles})
                     AND sealing.created_at <= audit_event.occurred_at
                     AND (sealing.revoked_at IS NULL
                          OR sealing.revoked_at > audit_event.occurred_at))))",
        entity = super::SEALED_ENTITY,
        actions = literals(UNSEALED_ACTIONS),
        account = ACCOUNT_ENTITY,
    )
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_focal_point_role_seals_and_no_other_does() {
        assert_eq!(sealing_roles(), vec!["safeguarding_focal_point"]);
    }

    #[test]
    fn the_condition_names_every_code_it_is_given() {
        let condition = UNSEALED_EVENT.as_str();
        for code in [
            "'safeguarding_report'",
            "'safeguarding_focal_point'",
            "'sign_out'",
        ] {
            assert!(condition.contains(code), "{code} in {condition}");
        }
        assert_eq!(literals(&["a_b", "x'; DROP", "c"]), "'a_b', 'c'");
    }
}
