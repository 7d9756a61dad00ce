//! The audit trail as a reader sees it: who may read which events.
