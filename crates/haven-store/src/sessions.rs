//! Server-side sessions. The browser holds a random token; the database holds only its
//! SHA-256, so a copy of the database does not let anyone sign in.

use sha2::{Digest, Sha256};

use crate::db::on_pool;
use crate::{Id, Result, Store, Timestamp, User};

/// How long sessions live, from the settings.
#[derive(Clone, Copy, Debug)]
pub struct SessionTimeouts {
    /// Ends a session nobody used for this long.
    pub idle_seconds: i64,
    /// Ends a session this long after sign-in, used or not.
    pub absolute_seconds: i64,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Session {
    pub token_hash: String,
    pub user_id: Id,
    pub csrf_token: String,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    pub expires_at: Timestamp,
}

/// A session is touched at most this often, to spare the database a write per request.
const TOUCH_EVERY_SECONDS: i64 = 60;

pub(crate) fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub(crate) fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    hex::encode(bytes)
}

impl Store {
    /// Starts a session for a user; returns the token for the cookie, and the session.
    pub async fn create_session(
        &self,
        user_id: Id,
        timeouts: SessionTimeouts,
    ) -> Result<(String, Session)> {
        let token = random_token();
        let now = Timestamp::now();
        let session = Session {
            token_hash: hash_token(&token),
            user_id,
            csrf_token: random_token(),
            created_at: now,
            last_seen_at: now,
            expires_at: now.plus_seconds(timeouts.absolute_seconds),
        };
        let idle_cutoff = now.plus_seconds(-timeouts.idle_seconds);
        on_pool!(&self.pool, pool => {
            // Sweep ended sessions now and then: here, at each sign-in.
            sqlx::query("DELETE FROM session WHERE expires_at <= $1 OR last_seen_at <= $2")
                .bind(now)
                .bind(idle_cutoff)
                .execute(pool)
                .await?;
            sqlx::query(
                "INSERT INTO session (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at)
                 VALUES ($1, $2, $3, $4, $4, $5)",
            )
            .bind(&session.token_hash)
            .bind(user_id)
            .bind(&session.csrf_token)
            .bind(now)
            .bind(session.expires_at)
            .execute(pool)
            .await?;
        });
        Ok((token, session))
    }

    /// The live session for a token and its (active) user, or `None` when the token is
    /// unknown, the session timed out, or the account was disabled.
    pub async fn active_session(
        &self,
        token: &str,
        timeouts: SessionTimeouts,
    ) -> Result<Option<(Session, User)>> {
        let token_hash = hash_token(token);
        let now = Timestamp::now();
        let session: Option<Session> = on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, Session>("SELECT * FROM session WHERE token_hash = $1")
                .bind(&token_hash)
                .fetch_optional(pool)
                .await?
        });
        let Some(mut session) = session else {
            return Ok(None);
        };
        let idle_until = session.last_seen_at.plus_seconds(timeouts.idle_seconds);
        if now >= session.expires_at || now >= idle_until {
            self.end_session(token).await?;
            return Ok(None);
        }
        let user = self.user(session.user_id).await?;
        if !user.is_active() {
            self.end_session(token).await?;
            return Ok(None);
        }
        if now >= session.last_seen_at.plus_seconds(TOUCH_EVERY_SECONDS) {
            on_pool!(&self.pool, pool => {
                sqlx::query("UPDATE session SET last_seen_at = $1 WHERE token_hash = $2")
                    .bind(now)
                    .bind(&token_hash)
                    .execute(pool)
                    .await?;
            });
            session.last_seen_at = now;
        }
        Ok(Some((session, user)))
    }

    /// Ends one session (sign-out).
    pub async fn end_session(&self, token: &str) -> Result<()> {
        let token_hash = hash_token(token);
        on_pool!(&self.pool, pool => {
            sqlx::query("DELETE FROM session WHERE token_hash = $1")
                .bind(&token_hash)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Moves a session's last use back in time; tests use it to see idle time-outs.
    pub async fn age_session(&self, token: &str, seconds: i64) -> Result<()> {
        let token_hash = hash_token(token);
        let then = Timestamp::now().plus_seconds(-seconds);
        on_pool!(&self.pool, pool => {
            sqlx::query("UPDATE session SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(then)
                .bind(&token_hash)
                .execute(pool)
                .await?;
        });
        Ok(())
    }
}
