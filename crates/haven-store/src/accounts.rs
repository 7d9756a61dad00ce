//! User accounts and the roles they hold. Accounts are disabled, never deleted; roles
//! are revoked, never deleted.

use haven_domain::{DisplayName, Language, Role, Scope, Username};

use crate::db::{in_write, on_pool};
use crate::ledger::{Actor, Ledger, NewAuditEvent};
use crate::{Id, Result, Store, StoreError, Timestamp};

/// A user account as stored (without its password hash).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct User {
    pub id: Id,
    pub site_id: Id,
    pub username: String,
    pub display_name: String,
    pub language: String,
    pub disabled_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: i64,
}

impl User {
    pub fn is_active(&self) -> bool {
        self.disabled_at.is_none()
    }

    pub fn language(&self) -> Language {
        Language::parse(&self.language).unwrap_or_default()
    }
}

/// What it takes to create an account. The password is already hashed.
pub struct NewUser {
    pub username: Username,
    pub display_name: DisplayName,
    pub password_hash: String,
    pub language: Language,
}

/// A role held by a user in a scope.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RoleAssignment {
    pub id: Id,
    pub user_id: Id,
    pub role: String,
    pub scope_kind: String,
    pub scope_id: String,
    pub revoked_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub version: i64,
}

impl RoleAssignment {
    /// The role, if its code is one this version of Haven knows.
    pub fn role(&self) -> Option<Role> {
        Role::parse(&self.role)
    }

    pub fn scope(&self) -> Option<Scope> {
        Scope::from_parts(&self.scope_kind, &self.scope_id).ok()
    }
}

const USER_COLUMNS: &str =
    "id, site_id, username, display_name, language, disabled_at, created_at, updated_at, version";

impl Store {
    /// Creates an account with no role.
    pub async fn create_user(&self, actor: &Actor, new: NewUser) -> Result<User> {
        let id = Id::new();
        let now = Timestamp::now();
        in_write!(self, tx => {
            tx.insert_user(self.site_id, actor, id, &new, now).await?;
        });
        self.user(id).await
    }

    /// Creates an account with its first role, in one transaction: either both are
    /// written or neither.
    pub async fn create_user_with_role(
        &self,
        actor: &Actor,
        new: NewUser,
        role: Role,
        scope: &Scope,
    ) -> Result<User> {
        let id = Id::new();
        let now = Timestamp::now();
        in_write!(self, tx => {
            tx.insert_user(self.site_id, actor, id, &new, now).await?;
            tx.insert_role_assignment(self.site_id, actor, Id::new(), id, role, scope, now).await?;
        });
        self.user(id).await
    }

    pub async fn user(&self, id: Id) -> Result<User> {
        let sql = format!("SELECT {USER_COLUMNS} FROM user_account WHERE id = $1");
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, User>(&sql)
                .bind(id)
                .fetch_optional(pool)
                .await?
                .ok_or(StoreError::NotFound { entity: "user" })
        })
    }

    /// Finds an account and its password hash by username, for signing in.
    pub async fn user_with_password(&self, username: &str) -> Result<Option<(User, String)>> {
        let sql =
            format!("SELECT {USER_COLUMNS}, password_hash FROM user_account WHERE username = $1");
        on_pool!(&self.pool, pool => {
            let row = sqlx::query(&sql).bind(username).fetch_optional(pool).await?;
            match row {
                Some(row) => {
                    use sqlx::{FromRow, Row};
                    let user = User::from_row(&row)?;
                    let hash: String = row.try_get("password_hash")?;
                    Ok(Some((user, hash)))
                }
                None => Ok(None),
            }
        })
    }

    pub async fn user_by_username(&self, username: &str) -> Result<User> {
        let sql = format!("SELECT {USER_COLUMNS} FROM user_account WHERE username = $1");
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, User>(&sql)
                .bind(username)
                .fetch_optional(pool)
                .await?
                .ok_or(StoreError::NotFound { entity: "user" })
        })
    }

    /// Every account, active ones first, then by username.
    pub async fn list_users(&self) -> Result<Vec<User>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM user_account
             ORDER BY CASE WHEN disabled_at IS NULL THEN 0 ELSE 1 END, username"
        );
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, User>(&sql).fetch_all(pool).await?)
        })
    }

    /// Disables an account and ends its sessions at once. `version` is the one read.
    pub async fn disable_user(&self, actor: &Actor, id: Id, version: i64) -> Result<User> {
        self.update_user(actor, id, version, UserChange::Disable)
            .await
    }

    /// Enables a disabled account again.
    pub async fn enable_user(&self, actor: &Actor, id: Id, version: i64) -> Result<User> {
        self.update_user(actor, id, version, UserChange::Enable)
            .await
    }

    /// Sets a new password hash and ends the account's other sessions.
    pub async fn set_password(
        &self,
        actor: &Actor,
        id: Id,
        version: i64,
        password_hash: &str,
    ) -> Result<User> {
        self.update_user(actor, id, version, UserChange::Password(password_hash))
            .await
    }

    /// Sets a new password hash chosen by someone else (an administrator's reset): ends
    /// the account's sessions and revokes its API tokens in the same transaction, so
    /// that whoever held the account's old password or tokens holds nothing now.
    pub async fn reset_password(
        &self,
        actor: &Actor,
        id: Id,
        version: i64,
        password_hash: &str,
    ) -> Result<User> {
        self.update_user(actor, id, version, UserChange::Reset(password_hash))
            .await
    }

    /// Sets the language a user reads Haven in.
    pub async fn set_user_language(
        &self,
        actor: &Actor,
        id: Id,
        version: i64,
        language: Language,
    ) -> Result<User> {
        self.update_user(actor, id, version, UserChange::Language(language))
            .await
    }

    /// Applies one change to an account, naming the version read: a stale version
    /// changes nothing and is a conflict. In the same transaction it ends the
    /// account's sessions where the change calls for it, and appends to the change
    /// log and the audit chain.
    async fn update_user(
        &self,
        actor: &Actor,
        id: Id,
        version: i64,
        change: UserChange<'_>,
    ) -> Result<User> {
        let now = Timestamp::now();
        let sql = format!(
            "UPDATE user_account SET {}, updated_at = $1, updated_by = $2, version = version + 1
             WHERE id = $3 AND version = $4{}",
            change.assignments(),
            change.guard()
        );
        let value = change.value();
        in_write!(self, tx => {
            let mut query = sqlx::query(&sql).bind(now).bind(actor.id).bind(id).bind(version);
            if let Some(value) = value {
                query = query.bind(value);
            }
            let changed = query.execute(&mut *tx).await?.rows_affected();
            if changed == 0 {
                // Let go of the write lock before asking why: that needs another connection.
                tx.rollback().await?;
                return Err(self.why_not_updated(id, "user").await);
            }
            if change.ends_sessions() {
                sqlx::query("DELETE FROM session WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
            }
            if change.revokes_tokens() {
                let revoked: Vec<(Id, i64)> = sqlx::query_as(
                    "UPDATE api_token SET revoked_at = $1, revoked_by = $2, updated_at = $1, updated_by = $2,
                         version = version + 1
                     WHERE user_id = $3 AND revoked_at IS NULL RETURNING id, version",
                )
                .bind(now)
                .bind(actor.id)
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
                for (token, token_version) in revoked {
                    tx.append_change("api_token", token, token_version, self.site_id, actor, now).await?;
                    tx.append_audit(actor, &NewAuditEvent::new("api_token_revoke", "user", id), now).await?;
                }
            }
            tx.append_change("user", id, version + 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &change.audit_event(id), now).await?;
        });
        self.user(id).await
    }

    /// Gives a user a role in a scope.
    pub async fn assign_role(
        &self,
        actor: &Actor,
        user_id: Id,
        role: Role,
        scope: &Scope,
    ) -> Result<RoleAssignment> {
        let id = Id::new();
        let now = Timestamp::now();
        in_write!(self, tx => {
            tx.insert_role_assignment(self.site_id, actor, id, user_id, role, scope, now).await?;
        });
        self.role_assignment(id).await
    }

    /// Revokes a role assignment; it stays in the history.
    pub async fn revoke_role(
        &self,
        actor: &Actor,
        assignment_id: Id,
        version: i64,
    ) -> Result<RoleAssignment> {
        let now = Timestamp::now();
        let assignment = self.role_assignment(assignment_id).await?;
        in_write!(self, tx => {
            let changed = sqlx::query(
                "UPDATE role_assignment SET revoked_at = $1, revoked_by = $2, updated_at = $1,
                     updated_by = $2, version = version + 1
                 WHERE id = $3 AND version = $4 AND revoked_at IS NULL",
            )
            .bind(now)
            .bind(actor.id)
            .bind(assignment_id)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(StoreError::Conflict { entity: "role assignment" });
            }
            tx.append_change("role_assignment", assignment_id, version + 1, self.site_id, actor, now).await?;
            let scope = assignment
                .scope()
                .map_or_else(|| assignment.scope_kind.clone(), |scope| scope.to_string());
            let event = NewAuditEvent::new("role_revoke", "user", assignment.user_id)
                .with_detail(format!("{} {scope}", assignment.role));
            tx.append_audit(actor, &event, now).await?;
        });
        self.role_assignment(assignment_id).await
    }

    pub async fn role_assignment(&self, id: Id) -> Result<RoleAssignment> {
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, RoleAssignment>(
                "SELECT id, user_id, role, scope_kind, scope_id, revoked_at, created_at, version
                 FROM role_assignment WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
            .ok_or(StoreError::NotFound { entity: "role assignment" })
        })
    }

    /// A user's role assignments, current ones first.
    pub async fn role_assignments(&self, user_id: Id) -> Result<Vec<RoleAssignment>> {
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, RoleAssignment>(
                "SELECT id, user_id, role, scope_kind, scope_id, revoked_at, created_at, version
                 FROM role_assignment WHERE user_id = $1
                 ORDER BY CASE WHEN revoked_at IS NULL THEN 0 ELSE 1 END, created_at",
            )
            .bind(user_id)
            .fetch_all(pool)
            .await?)
        })
    }

    /// After an update touched no row: was the record missing, or was it stale?
    async fn why_not_updated(&self, id: Id, entity: &'static str) -> StoreError {
        match self.user(id).await {
            Ok(_) => StoreError::Conflict { entity },
            Err(StoreError::NotFound { .. }) => StoreError::NotFound { entity },
            Err(other) => other,
        }
    }
}

/// A change to an account, as [`Store::update_user`] applies it.
enum UserChange<'a> {
    Disable,
    Enable,
    Password(&'a str),
    /// A password set by someone else: [`Store::reset_password`].
    Reset(&'a str),
    Language(Language),
}

impl UserChange<'_> {
    /// The columns it sets; `$1` is the time and `$2` the actor, `$5` its value.
    fn assignments(&self) -> &'static str {
        match self {
            UserChange::Disable => "disabled_at = $1, disabled_by = $2",
            UserChange::Enable => "disabled_at = NULL, disabled_by = NULL",
            UserChange::Password(_) | UserChange::Reset(_) => "password_hash = $5",
            UserChange::Language(_) => "language = $5",
        }
    }

    /// The state the account must be in for the change to apply.
    fn guard(&self) -> &'static str {
        match self {
            UserChange::Disable => " AND disabled_at IS NULL",
            UserChange::Enable => " AND disabled_at IS NOT NULL",
            UserChange::Password(_) | UserChange::Reset(_) | UserChange::Language(_) => "",
        }
    }

    fn value(&self) -> Option<String> {
        match self {
            UserChange::Disable | UserChange::Enable => None,
            UserChange::Password(hash) | UserChange::Reset(hash) => Some((*hash).to_owned()),
            UserChange::Language(language) => Some(language.code().to_owned()),
        }
    }

    /// Disabling and a new password sign the account out everywhere.
    fn ends_sessions(&self) -> bool {
        matches!(
            self,
            UserChange::Disable | UserChange::Password(_) | UserChange::Reset(_)
        )
    }

    /// A password reset by someone else revokes the account's API tokens too.
    fn revokes_tokens(&self) -> bool {
        matches!(self, UserChange::Reset(_))
    }

    fn audit_event(&self, id: Id) -> NewAuditEvent {
        match self {
            UserChange::Disable => NewAuditEvent::new("user_disable", "user", id),
            UserChange::Enable => NewAuditEvent::new("user_enable", "user", id),
            UserChange::Password(_) => NewAuditEvent::new("user_password_reset", "user", id),
            UserChange::Reset(_) => NewAuditEvent::new("user_password_reset", "user", id)
                .with_detail("api tokens revoked"),
            UserChange::Language(language) => {
                NewAuditEvent::new("user_language", "user", id).with_detail(language.code())
            }
        }
    }
}

/// The inserts of accounts and role assignments, with their change log and audit
/// entries, on a connection inside a transaction: shared by the writes above that
/// combine them. Implemented once for each database by [`impl_account_writes!`].
trait AccountWrites {
    async fn insert_user(
        &mut self,
        site: Id,
        actor: &Actor,
        id: Id,
        new: &NewUser,
        at: Timestamp,
    ) -> Result<()>;

    #[allow(clippy::too_many_arguments)]
    async fn insert_role_assignment(
        &mut self,
        site: Id,
        actor: &Actor,
        id: Id,
        user_id: Id,
        role: Role,
        scope: &Scope,
        at: Timestamp,
    ) -> Result<()>;
}

macro_rules! impl_account_writes {
    ($connection:ty) => {
        impl AccountWrites for $connection {
            async fn insert_user(&mut self, site: Id, actor: &Actor, id: Id, new: &NewUser, at: Timestamp) -> Result<()> {
                sqlx::query(
                    "INSERT INTO user_account (id, site_id, username, display_name, password_hash, language,
                         created_at, created_by, updated_at, updated_by, version)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7, $8, 1)",
                )
                .bind(id)
                .bind(site)
                .bind(new.username.as_str())
                .bind(new.display_name.as_str())
                .bind(&new.password_hash)
                .bind(new.language.code())
                .bind(at)
                .bind(actor.id)
                .execute(&mut *self)
                .await
                .map_err(|e| StoreError::unique_as(e, "username"))?;
                self.append_change("user", id, 1, site, actor, at).await?;
                self.append_audit(actor, &NewAuditEvent::new("user_create", "user", id), at).await?;
                Ok(())
            }

            async fn insert_role_assignment(
                &mut self,
                site: Id,
                actor: &Actor,
                id: Id,
                user_id: Id,
                role: Role,
                scope: &Scope,
                at: Timestamp,
            ) -> Result<()> {
                sqlx::query(
                    "INSERT INTO role_assignment (id, site_id, user_id, role, scope_kind, scope_id,
                         created_at, created_by, updated_at, updated_by, version)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7, $8, 1)",
                )
                .bind(id)
                .bind(site)
                .bind(user_id)
                .bind(role.code())
                .bind(scope.kind_code())
                .bind(scope.place_id())
                .bind(at)
                .bind(actor.id)
                .execute(&mut *self)
                .await
                .map_err(|e| match &e {
                    sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                        StoreError::NotFound { entity: "user" }
                    }
                    _ => StoreError::Database(e),
                })?;
                self.append_change("role_assignment", id, 1, site, actor, at).await?;
                let event = NewAuditEvent::new("role_assign", "user", user_id)
                    .with_detail(format!("{} {}", role.code(), scope));
                self.append_audit(actor, &event, at).await?;
                Ok(())
            }
        }
    };
}

impl_account_writes!(sqlx::SqliteConnection);
impl_account_writes!(sqlx::PgConnection);
