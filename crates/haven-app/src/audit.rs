//! The audit trail as a reader sees it: who may read which events.
//!
//! Reading the trail needs `Read AuditTrail`. Events about safeguarding reports, and
//! events by the holders of a sealed role, are sealed: only a national safeguarding
//! focal point sees them. The store's query leaves them out for everyone else (and
//! never seals the events of account administration, nor sign-ins: an administrator
//! must see those). Sealed events share the chain's numbering, so a reader who does
//! not see them never sees a sequence number nor a hash either (the gaps would show
//! how many sealed events there are, and when), and pages back by event id only.

use haven_domain::{Action, Kind};
use haven_store::{AuditEvent, AuditFilter, Id, Timestamp};

use crate::{App, Caller, Result};

/// Which events to list: each `None` is no filter.
#[derive(Clone, Debug, Default)]
pub struct TrailSearch {
    pub username: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub from: Option<Timestamp>,
    /// Events before this instant.
    pub until: Option<Timestamp>,
    /// Events older than this one (an event's id), for paging back. An unknown event,
    /// or one the reader may not see, gives an empty page.
    pub before: Option<Id>,
    pub limit: i64,
}

/// An event as its reader may see it.
#[derive(Clone, Debug)]
pub struct TrailEvent {
    /// The position on the chain: only for readers who see sealed events.
    pub sequence: Option<i64>,
    /// The chain's hash: only with `sequence`.
    pub hash: Option<String>,
    pub id: Id,
    pub occurred_at: Timestamp,
    pub actor_username: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub address: String,
    pub detail: String,
}

/// A page of the trail, newest first.
#[derive(Clone, Debug)]
pub struct TrailPage {
    pub events: Vec<TrailEvent>,
    /// The reader sees every event, sealed ones included, with their sequence
    /// numbers and hashes.
    pub shows_chain: bool,
}

/// How many failed sign-ins the home page lists.
const RECENT_FAILED_SIGN_INS: i64 = 5;

impl App {
    /// Refuses a caller who may not read the audit trail, before a query is read.
    pub fn may_read_audit_trail(&self, caller: &Caller) -> Result<()> {
        caller.require(Action::Read, Kind::AuditTrail)
    }

    /// The events the search selects, newest first, as the caller may see them
    /// (`Read AuditTrail`; sealed events only for a national focal point).
    pub async fn audit_trail(&self, caller: &Caller, search: &TrailSearch) -> Result<TrailPage> {
        caller.require(Action::Read, Kind::AuditTrail)?;
        let sealed = caller.is_national_focal_point();
        let events = self.trail_events(search, sealed).await?;
        Ok(TrailPage {
            events: events.into_iter().map(|e| seen(e, sealed)).collect(),
            shows_chain: sealed,
        })
    }

    /// As [`App::audit_trail`], for a file that leaves the building: the download is
    /// itself audited with the number of events.
    pub async fn export_audit_trail(
        &self,
        caller: &Caller,
        search: &TrailSearch,
    ) -> Result<TrailPage> {
        let page = self.audit_trail(caller, search).await?;
        self.store()
            .record_export(&caller.actor(), "audit_event", page.events.len())
            .await?;
        Ok(page)
    }

    /// The latest failed sign-ins, for an administrator's home page (a burst of them
    /// is the first sign of someone guessing passwords); `None` for a caller who
    /// may not read the trail.
    pub async fn recent_failed_sign_ins(&self, caller: &Caller) -> Result<Option<Vec<TrailEvent>>> {
        if !caller.can(Action::Read, Kind::AuditTrail) {
            return Ok(None);
        }
        let search = TrailSearch {
            action: Some("sign_in_failed".to_owned()),
            limit: RECENT_FAILED_SIGN_INS,
            ..TrailSearch::default()
        };
        // Without the sealed events whoever reads: this list is never a place to
        // see them.
        let events = self.trail_events(&search, false).await?;
        Ok(Some(events.into_iter().map(|e| seen(e, false)).collect()))
    }

    async fn trail_events(&self, search: &TrailSearch, sealed: bool) -> Result<Vec<AuditEvent>> {
        let store = self.store();
        let before_sequence = match search.before {
            // Sequences start at 1: "before 0" is an empty page.
            Some(id) => Some(store.audit_cursor(id, sealed).await?.unwrap_or(0)),
            None => None,
        };
        Ok(store
            .list_audit_events(&AuditFilter {
                actor_username: search.username.clone(),
                action: search.action.clone(),
                entity: search.entity.clone(),
                entity_id: search.entity_id.clone(),
                from: search.from,
                until: search.until,
                before_sequence,
                limit: search.limit,
                include_sealed: sealed,
            })
            .await?)
    }
}

fn seen(event: AuditEvent, sealed: bool) -> TrailEvent {
    TrailEvent {
        sequence: sealed.then_some(event.sequence),
        hash: sealed.then_some(event.hash),
        id: event.id,
        occurred_at: event.occurred_at,
        actor_username: event.actor_username,
        action: event.action,
        entity: event.entity,
        entity_id: event.entity_id,
        address: event.address,
        detail: event.detail,
    }
}
