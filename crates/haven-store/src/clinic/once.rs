//! One-time form tokens: a form submitted twice (a double click, a resent page) records
//! once. Every create form carries a token made when the form is rendered; the write
//! that the form asks for records the token in its own transaction (`form_once`, the
//! token as primary key). A second submit finds the token and is answered with the
//! record the first one made.
//!
//! Any part can adopt it: take a `FormToken` from the form, call
//! [`OnceTokens::used_token`] first inside the write transaction (return the record it
//! names, if any), write, then [`OnceTokens::record_token`] before committing. Two
//! submits racing on PostgreSQL both pass the first check; the second then fails on
//! the primary key, rolls back, and [`crate::Store::record_of_token`] names the
//! first one's record.

use crate::db::on_pool;
use crate::ledger::Actor;
use crate::{Id, Result, Store, Timestamp};

/// A form's one-time token: a UUID, as the form was given it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormToken(String);

impl FormToken {
    /// A new token for a form about to be rendered.
    pub fn new() -> FormToken {
        FormToken(Id::new().to_string())
    }

    /// The token a form sent back; `None` when it is not a UUID (an old or forged
    /// form), which the caller treats as a form without a token.
    pub fn parse(raw: &str) -> Option<FormToken> {
        raw.trim()
            .parse::<Id>()
            .ok()
            .map(|id| FormToken(id.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for FormToken {
    fn default() -> Self {
        FormToken::new()
    }
}

/// The token table and the treatment counts, on a connection inside a write
/// transaction. Implemented once for each database.
pub(crate) trait OnceTokens {
    /// The record a token already made, if it was used.
    async fn used_token(&mut self, token: Option<&FormToken>) -> sqlx::Result<Option<Id>>;

    /// Records that `token` made `record_id`. A unique violation means another
    /// submit of the same form won the race: the caller rolls back.
    async fn record_token(
        &mut self,
        token: Option<&FormToken>,
        entity: &'static str,
        record_id: Id,
        actor: &Actor,
        at: Timestamp,
    ) -> sqlx::Result<()>;

    /// Adds `delta` to a treatment count (a visit or a stay), making the row if needed.
    async fn bump_count(
        &mut self,
        facility: Id,
        month: &str,
        kind: &'static str,
        sex: &str,
        age_band: &str,
        delta: i64,
    ) -> sqlx::Result<()>;
}

macro_rules! impl_once_tokens {
    ($connection:ty) => {
        impl OnceTokens for $connection {
            async fn used_token(&mut self, token: Option<&FormToken>) -> sqlx::Result<Option<Id>> {
                let Some(token) = token else { return Ok(None) };
                let found: Option<String> =
                    sqlx::query_scalar("SELECT record_id FROM form_once WHERE token = $1")
                        .bind(token.as_str())
                        .fetch_optional(&mut *self)
                        .await?;
                Ok(found.and_then(|id| id.parse().ok()))
            }

            async fn record_token(
                &mut self,
                token: Option<&FormToken>,
                entity: &'static str,
                record_id: Id,
                actor: &Actor,
                at: Timestamp,
            ) -> sqlx::Result<()> {
                let Some(token) = token else { return Ok(()) };
                sqlx::query(
                    "INSERT INTO form_once (token, entity, record_id, used_at, used_by)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(token.as_str())
                .bind(entity)
                .bind(record_id.to_string())
                .bind(at)
                .bind(actor.id)
                .execute(&mut *self)
                .await?;
                Ok(())
            }

            async fn bump_count(
                &mut self,
                facility: Id,
                month: &str,
                kind: &'static str,
                sex: &str,
                age_band: &str,
                delta: i64,
            ) -> sqlx::Result<()> {
                sqlx::query(
                    "INSERT INTO treatment_count (facility_id, month, kind, sex, age_band, total)
                     VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (facility_id, month, kind, sex, age_band)
                     DO UPDATE SET total = treatment_count.total + $6",
                )
                .bind(facility)
                .bind(month)
                .bind(kind)
                .bind(sex)
                .bind(age_band)
                .bind(delta)
                .execute(&mut *self)
                .await?;
                Ok(())
            }
        }
    };
}

impl_once_tokens!(sqlx::SqliteConnection);
impl_once_tokens!(sqlx::PgConnection);

/// True when a write failed because its form's token was recorded by another
/// transaction first.
pub(crate) fn lost_token_race(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation()
        && db.message().contains("form_once"))
        || matches!(error, sqlx::Error::Database(db) if db.is_unique_violation()
        && db.constraint().is_some_and(|c| c.contains("form_once")))
}

impl Store {
    /// The record a form token made, if any: after losing a race on the token.
    pub async fn record_of_token(&self, token: &FormToken) -> Result<Option<Id>> {
        let found: Option<String> = on_pool!(&self.pool, pool => {
            sqlx::query_scalar("SELECT record_id FROM form_once WHERE token = $1")
                .bind(token.as_str())
                .fetch_optional(pool)
                .await?
        });
        Ok(found.and_then(|id| id.parse().ok()))
    }
}
