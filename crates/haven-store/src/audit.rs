//! Reading the audit trail, appending events that are not part of a write (sign-ins,
//! reads), and verifying the hash chain.

use haven_domain::audit::{first_broken_link, AuditFields, BrokenLink, StoredLink, GENESIS_HASH};

use crate::db::{on_pool, BeginWrite};
use crate::ledger::{Actor, Ledger, NewAuditEvent};
use crate::{Id, Result, Store, Timestamp};

/// An audit event as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AuditEvent {
    pub sequence: i64,
    pub id: Id,
    pub occurred_at: Timestamp,
    pub actor_id: Id,
    pub actor_username: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub address: String,
    pub detail: String,
    pub previous_hash: String,
    pub hash: String,
}

/// Which events to list. Empty fields match everything.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub actor_username: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub from: Option<Timestamp>,
    pub until: Option<Timestamp>,
    /// List events with a sequence below this one (for paging back in time).
    pub before_sequence: Option<i64>,
    pub limit: i64,
    /// Include the sealed events (about safeguarding reports, or done by a focal
    /// point: see `safeguarding::sealing`). Only a caller holding the safeguarding
    /// permission may set it; by default they are left out, so no other list, export
    /// or count ever holds them.
    pub include_sealed: bool,
}

/// The kinds of record whose audit events are sealed: listed only for the
/// safeguarding roles (see [`AuditFilter::include_sealed`]).
pub const SEALED_ENTITIES: &[&str] = &[crate::safeguarding::SEALED_ENTITY];

/// The outcome of checking the whole chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainReport {
    Intact {
        events: i64,
    },
    Broken {
        link: BrokenLink,
        event_id: Option<Id>,
    },
}

const VERIFY_PAGE: i64 = 2000;

impl Store {
    /// Appends one audit event in a transaction of its own.
    pub async fn audit(&self, actor: &Actor, event: NewAuditEvent) -> Result<()> {
        let at = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            tx.append_audit(actor, &event, at).await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Lists events, newest first.
    pub async fn list_audit_events(&self, filter: &AuditFilter) -> Result<Vec<AuditEvent>> {
        // No limit given (zero) means a page of 100.
        let limit = if filter.limit <= 0 {
            100
        } else {
            filter.limit.min(500)
        };
        let sql = format!(
            "SELECT * FROM audit_event
             WHERE ($1 IS NULL OR actor_username = $1)
               AND ($2 IS NULL OR action = $2)
               AND ($3 IS NULL OR entity = $3)
               AND ($4 IS NULL OR entity_id = $4)
               AND ($5 IS NULL OR occurred_at >= $5)
               AND ($6 IS NULL OR occurred_at < $6)
               AND ($7 IS NULL OR sequence < $7)
               AND ($9 = 1 OR {unsealed})
             ORDER BY sequence DESC
             LIMIT $8",
            unsealed = crate::safeguarding::UNSEALED_EVENT.as_str(),
        );
        on_pool!(&self.pool, pool => {
            let events = sqlx::query_as::<_, AuditEvent>(&sql)
            .bind(filter.actor_username.as_deref())
            .bind(filter.action.as_deref())
            .bind(filter.entity.as_deref())
            .bind(filter.entity_id.as_deref())
            .bind(filter.from)
            .bind(filter.until)
            .bind(filter.before_sequence)
            .bind(limit)
            .bind(i32::from(filter.include_sealed))
            .fetch_all(pool)
            .await?;
            Ok(events)
        })
    }

    /// The sequence of event `id`, to page back from it, if the reader may see it
    /// (`include_sealed` as in [`AuditFilter`]); `None` for an unknown or sealed event.
    /// Readers who cannot see sealed events page by event id, never by a sequence
    /// number they type: probing sequence numbers would show where sealed events are.
    pub async fn audit_cursor(&self, id: Id, include_sealed: bool) -> Result<Option<i64>> {
        let sql = format!(
            "SELECT sequence FROM audit_event WHERE id = $1 AND ($2 = 1 OR {unsealed})",
            unsealed = crate::safeguarding::UNSEALED_EVENT.as_str(),
        );
        on_pool!(&self.pool, pool => {
            let sequence: Option<i64> = sqlx::query_scalar(&sql)
                .bind(id)
                .bind(i32::from(include_sealed))
                .fetch_optional(pool)
                .await?;
            Ok(sequence)
        })
    }

    /// Checks every link of the audit chain, a page at a time, and names the first
    /// broken one.
    pub async fn verify_audit_chain(&self) -> Result<ChainReport> {
        // The head is read first, and only the events up to it are checked: events
        // appended while the check runs belong to a later check, not to a false alarm.
        // The head and its event are written in one transaction, so every event up to
        // the head read here is already visible.
        let head: (i64, String) = on_pool!(&self.pool, pool => {
            sqlx::query_as("SELECT sequence, hash FROM audit_head WHERE singleton = 1")
                .fetch_one(pool)
                .await?
        });
        let mut previous_hash = GENESIS_HASH.to_owned();
        let mut previous_sequence = 0_i64;
        loop {
            let page: Vec<AuditEvent> = on_pool!(&self.pool, pool => {
                sqlx::query_as::<_, AuditEvent>(
                    "SELECT * FROM audit_event WHERE sequence > $1 AND sequence <= $2
                     ORDER BY sequence LIMIT $3",
                )
                .bind(previous_sequence)
                .bind(head.0)
                .bind(VERIFY_PAGE)
                .fetch_all(pool)
                .await?
            });
            if page.is_empty() {
                // Removing the newest events leaves an intact but shorter chain; the
                // head row still names the last one, so compare with it.
                if head != (previous_sequence, previous_hash.clone()) {
                    return Ok(ChainReport::Broken {
                        link: BrokenLink::TailMissing {
                            last_intact: previous_sequence,
                            head: head.0,
                        },
                        event_id: None,
                    });
                }
                return Ok(ChainReport::Intact {
                    events: previous_sequence,
                });
            }
            let texts: Vec<(String, String, String)> = page
                .iter()
                .map(|e| {
                    (
                        e.id.to_string(),
                        e.occurred_at.to_text(),
                        e.actor_id.to_string(),
                    )
                })
                .collect();
            let links = page
                .iter()
                .zip(&texts)
                .map(|(e, (id, at, actor))| StoredLink {
                    fields: AuditFields {
                        sequence: e.sequence,
                        id,
                        occurred_at: at,
                        actor_id: actor,
                        actor_username: &e.actor_username,
                        action: &e.action,
                        entity: &e.entity,
                        entity_id: &e.entity_id,
                        address: &e.address,
                        detail: &e.detail,
                    },
                    previous_hash: &e.previous_hash,
                    hash: &e.hash,
                });
            match first_broken_link(&previous_hash, previous_sequence, links) {
                Ok((hash, sequence)) => {
                    previous_hash = hash;
                    previous_sequence = sequence;
                }
                Err(link) => {
                    let sequence = match link {
                        BrokenLink::HashMismatch { sequence }
                        | BrokenLink::PreviousMismatch { sequence } => sequence,
                        BrokenLink::Gap { found, .. } => found,
                        BrokenLink::TailMissing { head, .. } => head,
                    };
                    let event_id = page.iter().find(|e| e.sequence == sequence).map(|e| e.id);
                    return Ok(ChainReport::Broken { link, event_id });
                }
            }
        }
    }
}
