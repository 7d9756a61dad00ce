//! API tokens for machine clients. A token acts with its user's roles. Only its
//! SHA-256 is stored; the token itself is shown once, when it is made.

use crate::db::{in_write, on_pool};
use crate::ledger::{Actor, Ledger, NewAuditEvent};
use crate::sessions::{hash_token, random_token};
use crate::{Id, Result, Store, StoreError, Timestamp, User};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ApiToken {
    pub id: Id,
    pub user_id: Id,
    pub label: String,
    pub revoked_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub version: i64,
}

/// Every API token starts with this, so a leaked one is easy to recognise.
pub const TOKEN_PREFIX: &str = "haven_";

impl Store {
    /// Makes a token for a user; returns the token (to show once) and its record.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        user_id: Id,
        label: &str,
    ) -> Result<(String, ApiToken)> {
        let token = format!("{TOKEN_PREFIX}{}", random_token());
        let id = Id::new();
        let now = Timestamp::now();
        in_write!(self, tx => {
            sqlx::query(
                "INSERT INTO api_token (id, site_id, user_id, label, token_hash,
                     created_at, created_by, updated_at, updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $7, 1)",
            )
            .bind(id)
            .bind(self.site_id)
            .bind(user_id)
            .bind(label)
            .bind(hash_token(&token))
            .bind(now)
            .bind(actor.id)
            .execute(&mut *tx)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound { entity: "user" },
                _ => StoreError::Database(e),
            })?;
            tx.append_change("api_token", id, 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("api_token_create", "user", user_id), now).await?;
        });
        let record = on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, ApiToken>(
                "SELECT id, user_id, label, revoked_at, created_at, version FROM api_token WHERE id = $1",
            )
            .bind(id)
            .fetch_one(pool)
            .await?
        });
        Ok((token, record))
    }

    /// The active user a live token belongs to.
    pub async fn user_for_api_token(&self, token: &str) -> Result<Option<User>> {
        Ok(self.resolve_api_token(token).await?.map(|(user, _)| user))
    }

    /// The active user a live token belongs to, and the token's id (which the audit
    /// trail records, so that what a token did is told apart from its user's own work).
    pub async fn resolve_api_token(&self, token: &str) -> Result<Option<(User, Id)>> {
        if !token.starts_with(TOKEN_PREFIX) || token.len() > 200 {
            return Ok(None);
        }
        let found: Option<(Id, Id)> = on_pool!(&self.pool, pool => {
            sqlx::query_as("SELECT user_id, id FROM api_token WHERE token_hash = $1 AND revoked_at IS NULL")
                .bind(hash_token(token))
                .fetch_optional(pool)
                .await?
        });
        match found {
            Some((user_id, token_id)) => {
                let user = self.user(user_id).await?;
                Ok(user.is_active().then_some((user, token_id)))
            }
            None => Ok(None),
        }
    }

    pub async fn api_tokens(&self, user_id: Id) -> Result<Vec<ApiToken>> {
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, ApiToken>(
                "SELECT id, user_id, label, revoked_at, created_at, version FROM api_token
                 WHERE user_id = $1 ORDER BY created_at DESC",
            )
            .bind(user_id)
            .fetch_all(pool)
            .await?)
        })
    }

    pub async fn revoke_api_token(&self, actor: &Actor, token_id: Id, version: i64) -> Result<()> {
        let now = Timestamp::now();
        in_write!(self, tx => {
            let user_id: Option<Id> = sqlx::query_scalar(
                "UPDATE api_token SET revoked_at = $1, revoked_by = $2, updated_at = $1, updated_by = $2,
                     version = version + 1
                 WHERE id = $3 AND version = $4 AND revoked_at IS NULL RETURNING user_id",
            )
            .bind(now)
            .bind(actor.id)
            .bind(token_id)
            .bind(version)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(user_id) = user_id else {
                tx.rollback().await?;
                return Err(match self.why_not_changed("api_token", token_id).await {
                    StoreError::Conflict { .. } => StoreError::Conflict { entity: "API token" },
                    StoreError::NotFound { .. } => StoreError::NotFound { entity: "API token" },
                    other => other,
                });
            };
            tx.append_change("api_token", token_id, version + 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("api_token_revoke", "user", user_id), now).await?;
        });
        Ok(())
    }
}
