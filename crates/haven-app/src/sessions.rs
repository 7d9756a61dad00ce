//! Signing in and out, and who is behind a session or an API token: the one place
//! that turns a cookie or a bearer token into a [`Caller`].
//!
//! Throttling sits in front of these, in the adapter that knows the address and the
//! clock of the attempts; what an attempt does and records lives here.

use haven_domain::account::AccountError;
use haven_domain::{Language, NewPassword, Role, Scope, Username};
use haven_store::{Actor, Id, NewAuditEvent, Session, SessionTimeouts, StoreError, User};

use crate::{App, AppError, Caller, Result};

/// What the audit trail names as the actor of a failed sign-in whose username names
/// no account: what was typed is not kept, since it may be a password typed into
/// the wrong box.
pub const UNKNOWN_USERNAME: &str = "(unknown)";

/// A sign-in's outcome. A refusal does not say why: a wrong password, an unknown
/// username and a disabled account answer alike (the audit trail says which).
#[derive(Debug)]
pub enum SignIn {
    /// The session's secret token (for the cookie) and its account.
    Signed {
        token: String,
        user: User,
    },
    Refused,
}

/// A live session: its row, the account and the account's current roles.
#[derive(Clone, Debug)]
pub struct LiveSession {
    pub session: Session,
    pub user: User,
    pub roles: Vec<(Role, Scope)>,
}

/// The holder of a live API token: the account, its current roles and the token's
/// id (which the audit trail names).
#[derive(Clone, Debug)]
pub struct TokenHolder {
    pub user: User,
    pub roles: Vec<(Role, Scope)>,
    pub token: Id,
}

impl App {
    /// Checks a username and password typed at `address` and, when they match an
    /// active account, opens a session. Unknown usernames are checked against a
    /// decoy hash, so that they take as long as a wrong password. Both outcomes are
    /// audited (`sign_in`, `sign_in_failed` with the reason).
    pub async fn sign_in(
        &self,
        username: &str,
        password: String,
        address: &str,
        timeouts: SessionTimeouts,
    ) -> Result<SignIn> {
        let store = self.store();
        let found = match Username::parse(username) {
            Ok(username) => store.user_with_password(username.as_str()).await?,
            Err(_) => None,
        };
        let hash = match &found {
            Some((_, hash)) => hash.clone(),
            None => self.decoy_hash().await?,
        };
        let matches = self.verify_password(password, hash).await;
        match found {
            Some((user, _)) if matches && user.is_active() => {
                let (token, _) = store.create_session(user.id, timeouts).await?;
                let actor = Actor {
                    id: user.id,
                    username: user.username.clone(),
                    address: address.to_owned(),
                };
                store
                    .audit(&actor, NewAuditEvent::new("sign_in", "user", user.id))
                    .await?;
                Ok(SignIn::Signed { token, user })
            }
            found => {
                let (id, username, reason) = match &found {
                    Some((user, _)) if !user.is_active() => {
                        (user.id, user.username.clone(), "disabled")
                    }
                    Some((user, _)) => (user.id, user.username.clone(), "wrong_password"),
                    None => (Id::SYSTEM, UNKNOWN_USERNAME.to_owned(), "unknown_user"),
                };
                let actor = Actor {
                    id,
                    username,
                    address: address.to_owned(),
                };
                let entity = if id == Id::SYSTEM {
                    String::new()
                } else {
                    id.to_string()
                };
                let event =
                    NewAuditEvent::new("sign_in_failed", "user", entity).with_detail(reason);
                store.audit(&actor, event).await?;
                Ok(SignIn::Refused)
            }
        }
    }

    /// Ends the caller's session (by its secret token) and audits `sign_out`.
    pub async fn sign_out(&self, caller: &Caller, session_token: &str) -> Result<()> {
        self.store().end_session(session_token).await?;
        self.store()
            .audit(
                &caller.actor(),
                NewAuditEvent::new("sign_out", "user", caller.user().id),
            )
            .await?;
        Ok(())
    }

    /// The live session behind a cookie's token, touched, with its account's current
    /// roles; `None` when it ended, timed out, or its account was disabled.
    pub async fn session(
        &self,
        token: &str,
        timeouts: SessionTimeouts,
    ) -> Result<Option<LiveSession>> {
        let Some((session, user)) = self.store().active_session(token, timeouts).await? else {
            return Ok(None);
        };
        let roles = self.current_roles(user.id).await?;
        Ok(Some(LiveSession {
            session,
            user,
            roles,
        }))
    }

    /// The active account behind a live API token, with its current roles; `None`
    /// for anything else.
    pub async fn token_holder(&self, token: &str) -> Result<Option<TokenHolder>> {
        let Some((user, token)) = self.store().resolve_api_token(token).await? else {
            return Ok(None);
        };
        let roles = self.current_roles(user.id).await?;
        Ok(Some(TokenHolder { user, roles, token }))
    }

    /// Changes the caller's own password: the current one must match, the two new
    /// ones agree and follow the password rules (fields `current`, `new_password`).
    /// Every session of the account ends, this one included.
    pub async fn change_own_password(
        &self,
        caller: &Caller,
        current: String,
        new_password: &str,
        confirm: &str,
    ) -> Result<()> {
        let store = self.store();
        let user = store.user(caller.user().id).await?;
        let stored = store
            .user_with_password(&user.username)
            .await?
            .map(|(_, hash)| hash)
            .ok_or(AppError::NotFound { entity: "user" })?;
        let current_ok = self.verify_password(current, stored).await;
        let username = Username::parse(&user.username).map_err(|_| {
            AppError::Store(StoreError::Unsupported(
                "a stored username that breaks the rules",
            ))
        })?;
        let new_password = if new_password != confirm {
            Err("account-passwords-differ")
        } else {
            NewPassword::parse(new_password, &username).map_err(|e: AccountError| e.code())
        };
        let mut wrong = Vec::new();
        if !current_ok {
            wrong.push(crate::FieldError {
                field: "current",
                code: "account-current-wrong",
            });
        }
        if let Err(code) = new_password {
            wrong.push(crate::FieldError {
                field: "new_password",
                code,
            });
        }
        let new_password = match new_password {
            Ok(password) if wrong.is_empty() => password,
            _ => return Err(AppError::Invalid(wrong)),
        };
        let hash = self.hash_password(&new_password).await?;
        store
            .set_password(&caller.actor(), user.id, user.version, &hash)
            .await?;
        Ok(())
    }

    /// Sets the caller's own language. A conflict (an administrator changed the
    /// account a moment ago) is retried once on a fresh read: the user's own choice
    /// should not fail for it.
    pub async fn set_own_language(&self, caller: &Caller, language: Language) -> Result<()> {
        let store = self.store();
        let actor = caller.actor();
        let user = store.user(caller.user().id).await?;
        if let Err(StoreError::Conflict { .. }) = store
            .set_user_language(&actor, user.id, user.version, language)
            .await
        {
            let user = store.user(caller.user().id).await?;
            store
                .set_user_language(&actor, user.id, user.version, language)
                .await?;
        }
        Ok(())
    }

    /// The database answers: the process can serve.
    pub async fn ready(&self) -> bool {
        self.store().ping().await
    }

    /// Closes the database's connections, at shut-down.
    pub async fn close(&self) {
        self.store().close().await
    }
}
