//! The audit trail: who reads which events.
