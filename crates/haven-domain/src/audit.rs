//! The audit chain: how each event's hash is made from its fields and the hash before.
//!
//! An event's hash is SHA-256 over the previous event's hash and the event's fields,
//! each written as its length and its bytes so that no two different events can give
//! the same input. Changing, removing or reordering a stored event breaks every hash
//! after it, and [`first_broken_link`] names the first one.

use sha2::{Digest, Sha256};

/// The hash that stands before the first event of a chain.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of an audit event that its hash covers, as the store keeps them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditFields<'a> {
    pub sequence: i64,
    pub id: &'a str,
    pub occurred_at: &'a str,
    pub actor_id: &'a str,
    pub actor_username: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub address: &'a str,
    pub detail: &'a str,
}

/// The hash of an event that follows the event whose hash is `previous_hash`.
pub fn chain_hash(previous_hash: &str, event: &AuditFields<'_>) -> String {
    let mut hasher = Sha256::new();
    let sequence = event.sequence.to_string();
    for field in [
        previous_hash,
        sequence.as_str(),
        event.id,
        event.occurred_at,
        event.actor_id,
        event.actor_username,
        event.action,
        event.entity,
        event.entity_id,
        event.address,
        event.detail,
    ] {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// An event as stored: its fields, the previous hash it names and its own hash.
#[derive(Clone, Debug)]
pub struct StoredLink<'a> {
    pub fields: AuditFields<'a>,
    pub previous_hash: &'a str,
    pub hash: &'a str,
}

/// Why a link of the chain does not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BrokenLink {
    /// The event's hash is not the hash of its fields: the event was changed.
    HashMismatch { sequence: i64 },
    /// The event does not name the hash of the event before it: one was removed or
    /// changed, or the events were reordered.
    PreviousMismatch { sequence: i64 },
    /// Sequence numbers skip: an event was removed.
    Gap { expected: i64, found: i64 },
    /// The chain's head names a later or different last event than the one found:
    /// the newest events were removed or rewritten.
    TailMissing { last_intact: i64, head: i64 },
}

/// Checks links in sequence order, continuing from the link with `previous_hash` and
/// sequence `previous_sequence` (the genesis hash and 0 at the start of the chain).
pub fn first_broken_link<'a>(
    previous_hash: &str,
    previous_sequence: i64,
    links: impl IntoIterator<Item = StoredLink<'a>>,
) -> Result<(String, i64), BrokenLink> {
    let mut previous_hash = previous_hash.to_owned();
    let mut previous_sequence = previous_sequence;
    for link in links {
        let sequence = link.fields.sequence;
        if sequence != previous_sequence + 1 {
            return Err(BrokenLink::Gap {
                expected: previous_sequence + 1,
                found: sequence,
            });
        }
        if link.previous_hash != previous_hash {
            return Err(BrokenLink::PreviousMismatch { sequence });
        }
        if chain_hash(&previous_hash, &link.fields) != link.hash {
            return Err(BrokenLink::HashMismatch { sequence });
        }
        previous_hash = link.hash.to_owned();
        previous_sequence = sequence;
    }
    Ok((previous_hash, previous_sequence))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(sequence: i64, action: &str) -> AuditFields<'_> {
        AuditFields {
            sequence,
            id: "id",
            occurred_at: "2026-11-22T01:00:00.000000Z",
            actor_id: "actor",
            actor_username: "admin",
            action,
            entity: "user",
            entity_id: "u1",
            address: "127.0.0.1",
            detail: "",
        }
    }

    fn chain(actions: &[&'static str]) -> Vec<(AuditFields<'static>, String, String)> {
        let mut previous = GENESIS_HASH.to_owned();
        let mut out = Vec::new();
        for (i, action) in actions.iter().enumerate() {
            let f = fields(i as i64 + 1, action);
            let hash = chain_hash(&previous, &f);
            out.push((f, previous.clone(), hash.clone()));
            previous = hash;
        }
        out
    }

    fn links<'a>(chain: &'a [(AuditFields<'static>, String, String)]) -> Vec<StoredLink<'a>> {
        chain
            .iter()
            .map(|(f, p, h)| StoredLink {
                fields: f.clone(),
                previous_hash: p,
                hash: h,
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        let c = chain(&["sign_in", "read", "sign_out"]);
        let (last, count) = first_broken_link(GENESIS_HASH, 0, links(&c)).unwrap();
        assert_eq!(count, 3);
        assert_eq!(last, c[2].2);
    }

    #[test]
    fn a_changed_field_is_found() {
        let c = chain(&["sign_in", "read", "sign_out"]);
        let mut l = links(&c);
        l[1].fields.action = "write";
        assert_eq!(
            first_broken_link(GENESIS_HASH, 0, l),
            Err(BrokenLink::HashMismatch { sequence: 2 })
        );
    }

    #[test]
    fn a_removed_event_is_found() {
        let c = chain(&["sign_in", "read", "sign_out"]);
        let mut l = links(&c);
        l.remove(1);
        assert_eq!(
            first_broken_link(GENESIS_HASH, 0, l),
            Err(BrokenLink::Gap {
                expected: 2,
                found: 3
            })
        );
    }

    #[test]
    fn field_boundaries_cannot_be_shifted() {
        let mut a = fields(1, "ab");
        a.entity = "c";
        let mut b = fields(1, "a");
        b.entity = "bc";
        assert_ne!(chain_hash(GENESIS_HASH, &a), chain_hash(GENESIS_HASH, &b));
    }
}
