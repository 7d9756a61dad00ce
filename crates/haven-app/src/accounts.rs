//! Accounts: making them, their roles, passwords and API tokens, disabling them.
//!
//! The rules (issue 13): an administrator acts on an account only with scope over
//! every scope that account holds; the roles that hold a sealed class are given and
//! taken away, and the accounts that hold them get passwords and tokens, only from a
//! national safeguarding focal point; a password reset revokes the account's tokens;
//! and none of these events is ever sealed (the store's sealing rule says so).

use haven_domain::{Action, DisplayName, Kind, Language, NewPassword, Role, Scope, Username};
use haven_store::{ApiToken, Id, NewUser, RoleAssignment, User};

use crate::access::{self, account_authority, is_sealed_role, AccountAuthority};
use crate::{App, AppError, Caller, Result};

/// An account with its current roles.
#[derive(Clone, Debug)]
pub struct AccountSummary {
    pub user: User,
    pub roles: Vec<(Role, Scope)>,
}

/// An account as its page shows it: every role assignment and token (never a token
/// itself), and what the caller may do to it.
#[derive(Clone, Debug)]
pub struct Account {
    pub user: User,
    pub assignments: Vec<RoleAssignment>,
    pub tokens: Vec<ApiToken>,
    /// The account holds a sealed role: only a national focal point changes it.
    pub sealed: bool,
    pub authority: AccountAuthority,
}

/// A new account, its first role and password, as parsed by an adapter.
pub struct NewAccount {
    pub username: Username,
    pub display_name: DisplayName,
    pub password: NewPassword,
    pub language: Language,
    pub role: Role,
    pub scope: Scope,
}

impl App {
    /// Every account with its current roles, for those who read accounts (and for
    /// national focal points, who manage the sealed ones).
    pub async fn list_accounts(&self, caller: &Caller) -> Result<Vec<AccountSummary>> {
        may_read_accounts(caller)?;
        let mut accounts = Vec::new();
        for user in self.store().list_users().await? {
            let roles = self.current_roles(user.id).await?;
            accounts.push(AccountSummary { user, roles });
        }
        Ok(accounts)
    }

    /// Every account with its current roles, for a download: the same reach as
    /// [`App::list_accounts`], and the export is audited with its row count.
    pub async fn export_accounts(&self, caller: &Caller) -> Result<Vec<AccountSummary>> {
        let accounts = self.list_accounts(caller).await?;
        self.store()
            .record_export(&caller.actor(), "user", accounts.len())
            .await?;
        Ok(accounts)
    }

    /// One account, with what the caller may do to it.
    pub async fn account(&self, caller: &Caller, id: Id) -> Result<Account> {
        may_read_accounts(caller)?;
        let store = self.store();
        let user = store.user(id).await?;
        let assignments = store.role_assignments(id).await?;
        let held = current(&assignments);
        let authority = account_authority(store, caller, &held).await?;
        Ok(Account {
            tokens: store.api_tokens(id).await?,
            sealed: held.iter().any(|(role, _)| is_sealed_role(*role)),
            user,
            assignments,
            authority,
        })
    }

    /// The roles an account holds now (revoked ones and codes this Haven does not
    /// know are left out).
    pub async fn current_roles(&self, user: Id) -> Result<Vec<(Role, Scope)>> {
        Ok(current(&self.store().role_assignments(user).await?))
    }

    /// Makes an account with its first role.
    pub async fn create_account(&self, caller: &Caller, new: NewAccount) -> Result<User> {
        if !is_sealed_role(new.role) {
            caller.require(Action::Write, Kind::UserAccount)?;
        }
        access::may_grant(self.store(), caller, new.role, &new.scope).await?;
        let password_hash = self.hash_password(&new.password).await?;
        Ok(self
            .store()
            .create_user_with_role(
                &caller.actor(),
                NewUser {
                    username: new.username,
                    display_name: new.display_name,
                    password_hash,
                    language: new.language,
                },
                new.role,
                &new.scope,
            )
            .await?)
    }

    /// Disables an account (never deletes it) and ends its sessions at once.
    pub async fn disable_account(&self, caller: &Caller, id: Id, version: i64) -> Result<User> {
        if id == caller.user().id {
            // An administrator cannot lock themselves out by mistake.
            return Err(AppError::Refused("cannot-disable-self"));
        }
        self.authority_at_least(caller, id, AccountAuthority::DisableOnly)
            .await?;
        Ok(self
            .store()
            .disable_user(&caller.actor(), id, version)
            .await?)
    }

    /// Enables a disabled account.
    pub async fn enable_account(&self, caller: &Caller, id: Id, version: i64) -> Result<User> {
        self.authority_at_least(caller, id, AccountAuthority::Manage)
            .await?;
        Ok(self
            .store()
            .enable_user(&caller.actor(), id, version)
            .await?)
    }

    /// Sets a password chosen by someone else; the account's sessions end and its API
    /// tokens are revoked.
    pub async fn reset_password(
        &self,
        caller: &Caller,
        id: Id,
        version: i64,
        password: &NewPassword,
    ) -> Result<User> {
        self.authority_at_least(caller, id, AccountAuthority::Manage)
            .await?;
        let hash = self.hash_password(password).await?;
        Ok(self
            .store()
            .reset_password(&caller.actor(), id, version, &hash)
            .await?)
    }

    /// Gives an account a role in a scope. A sealed role also needs a new password
    /// (`new_password`), set in the same step: whoever chose the account's password
    /// before (an administrator, at its creation) must not hold a sealed account's
    /// key, and the account's sessions and tokens end.
    pub async fn grant_role(
        &self,
        caller: &Caller,
        id: Id,
        role: Role,
        scope: &Scope,
        new_password: Option<&NewPassword>,
    ) -> Result<RoleAssignment> {
        let store = self.store();
        let account = self.account(caller, id).await?;
        if is_sealed_role(role) {
            access::may_grant(store, caller, role, scope).await?;
            if account.sealed && account.authority != AccountAuthority::Manage {
                return Err(AppError::SealedAccount);
            }
            let Some(password) = new_password else {
                return Err(AppError::field(
                    "password",
                    "user-sealed-role-needs-password",
                ));
            };
            let hash = self.hash_password(password).await?;
            store
                .reset_password(&caller.actor(), id, account.user.version, &hash)
                .await?;
        } else {
            access::may_grant(store, caller, role, scope).await?;
            require_manage(&account)?;
        }
        Ok(store.assign_role(&caller.actor(), id, role, scope).await?)
    }

    /// Revokes a role assignment of an account; it stays in the history.
    pub async fn revoke_role(
        &self,
        caller: &Caller,
        id: Id,
        assignment: Id,
        version: i64,
    ) -> Result<RoleAssignment> {
        let account = self.account(caller, id).await?;
        let Some(found) = account.assignments.iter().find(|a| a.id == assignment) else {
            return Err(AppError::NotFound {
                entity: "role assignment",
            });
        };
        if id == caller.user().id {
            // Another administrator does it: nobody takes away their own access by
            // mistake.
            return Err(AppError::Refused("cannot-revoke-own-role"));
        }
        require_manage(&account)?;
        if let (Some(role), Some(scope)) = (found.role(), found.scope()) {
            // Taking a role away needs the same authority as giving it.
            access::may_grant(self.store(), caller, role, &scope).await?;
        }
        Ok(self
            .store()
            .revoke_role(&caller.actor(), assignment, version)
            .await?)
    }

    /// Makes an API token for an account; returns the token, shown once.
    pub async fn create_token(
        &self,
        caller: &Caller,
        id: Id,
        label: &str,
    ) -> Result<(String, ApiToken)> {
        let label = haven_domain::text::normalise(label);
        if label.is_empty() || label.chars().count() > 100 {
            return Err(AppError::field("label", "user-token-label-needed"));
        }
        self.authority_at_least(caller, id, AccountAuthority::Manage)
            .await?;
        Ok(self
            .store()
            .create_api_token(&caller.actor(), id, &label)
            .await?)
    }

    /// Revokes one of an account's API tokens.
    pub async fn revoke_token(
        &self,
        caller: &Caller,
        id: Id,
        token: Id,
        version: i64,
    ) -> Result<()> {
        let account = self.account(caller, id).await?;
        if !account.tokens.iter().any(|t| t.id == token) {
            return Err(AppError::NotFound {
                entity: "API token",
            });
        }
        // Revoking a token takes power away; whoever may at least disable the
        // account may do it.
        if account.authority == AccountAuthority::None {
            return Err(denied(&account));
        }
        Ok(self
            .store()
            .revoke_api_token(&caller.actor(), token, version)
            .await?)
    }

    async fn authority_at_least(
        &self,
        caller: &Caller,
        id: Id,
        needed: AccountAuthority,
    ) -> Result<Account> {
        let account = self.account(caller, id).await?;
        let enough = match needed {
            AccountAuthority::Manage => account.authority == AccountAuthority::Manage,
            AccountAuthority::DisableOnly => account.authority != AccountAuthority::None,
            AccountAuthority::None => true,
        };
        if enough {
            Ok(account)
        } else {
            Err(denied(&account))
        }
    }
}

fn may_read_accounts(caller: &Caller) -> Result<()> {
    if caller.can(Action::Read, Kind::UserAccount) || caller.is_national_focal_point() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

fn require_manage(account: &Account) -> Result<()> {
    if account.authority == AccountAuthority::Manage {
        Ok(())
    } else {
        Err(denied(account))
    }
}

/// Why the caller may not change the account: it is sealed, or it holds a scope
/// beyond the caller's.
fn denied(account: &Account) -> AppError {
    if account.sealed {
        AppError::SealedAccount
    } else {
        AppError::ScopeBeyondYours
    }
}

fn current(assignments: &[RoleAssignment]) -> Vec<(Role, Scope)> {
    assignments
        .iter()
        .filter(|a| a.revoked_at.is_none())
        .filter_map(|a| Some((a.role()?, a.scope()?)))
        .collect()
}

impl App {
    /// Refuses a caller who may change no account at all (neither an administrator
    /// nor a national focal point), before their form is even read: a role without
    /// the permission learns nothing from a form's errors.
    pub fn may_manage_accounts(&self, caller: &Caller) -> Result<()> {
        if caller.can(Action::Write, Kind::UserAccount) || caller.is_national_focal_point() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}
