//! Who is asking, and how far their roles reach: the one place where a permission,
//! a scope and a sealed class are checked.

use std::collections::BTreeSet;

use haven_domain::{Action, Kind, Role, Scope};
use haven_store::{Actor, Reach, Store, User};

use crate::{AppError, Result};

/// The person (or program) asking: their account, the roles they hold now with the
/// scope of each, and where they ask from (for the audit trail).
#[derive(Clone, Debug)]
pub struct Caller {
    user: User,
    roles: Vec<(Role, Scope)>,
    address: String,
    operator: bool,
}

impl Caller {
    /// A signed-in user or an API token's owner, with their current roles.
    pub fn new(user: User, roles: Vec<(Role, Scope)>, address: String) -> Caller {
        Caller {
            user,
            roles,
            address,
            operator: false,
        }
    }

    /// Whoever runs the command line on the server: they hold the database itself,
    /// so no rule here could stop them; they act as Haven's own system account with
    /// every permission, in every scope, and their events say `cli`.
    pub fn operator() -> Caller {
        let actor = Actor::system();
        let now = haven_store::Timestamp::now();
        Caller {
            user: User {
                id: actor.id,
                site_id: actor.id,
                username: actor.username,
                display_name: "Haven".to_owned(),
                language: "en".to_owned(),
                disabled_at: None,
                created_at: now,
                updated_at: now,
                version: 1,
            },
            roles: Role::ALL
                .into_iter()
                .map(|role| (role, Scope::All))
                .collect(),
            address: actor.address,
            operator: true,
        }
    }

    pub fn user(&self) -> &User {
        &self.user
    }

    pub fn roles(&self) -> &[(Role, Scope)] {
        &self.roles
    }

    pub fn address(&self) -> &str {
        &self.address
    }

    /// True when any of the caller's roles grants the permission.
    pub fn can(&self, action: Action, kind: Kind) -> bool {
        self.roles
            .iter()
            .any(|(role, _)| role.permits(action, kind))
    }

    /// Refuses unless one of the caller's roles grants the permission.
    pub fn require(&self, action: Action, kind: Kind) -> Result<()> {
        if self.can(action, kind) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The scopes of the caller's roles that grant `action` on `kind`.
    pub fn scopes_for(&self, action: Action, kind: Kind) -> Vec<Scope> {
        self.roles
            .iter()
            .filter(|(role, _)| role.permits(action, kind))
            .map(|(_, scope)| scope.clone())
            .collect()
    }

    /// Who acted, for the change log and the audit chain.
    pub fn actor(&self) -> Actor {
        Actor {
            id: self.user.id,
            username: self.user.username.clone(),
            address: self.address.clone(),
        }
    }

    /// A national safeguarding focal point: a sealed role held for a whole country
    /// or everywhere. Only they manage the accounts that hold sealed roles.
    pub fn is_national_focal_point(&self) -> bool {
        self.operator
            || self.roles.iter().any(|(role, scope)| {
                is_sealed_role(*role) && matches!(scope, Scope::All | Scope::Country(_))
            })
    }

    /// The scopes of the caller's sealed roles.
    fn sealed_scopes(&self) -> Vec<Scope> {
        self.roles
            .iter()
            .filter(|(role, _)| is_sealed_role(*role))
            .map(|(_, scope)| scope.clone())
            .collect()
    }
}

/// A role that reads a sealed class (safeguarding cases): its holder's work is sealed
/// from the other roles' audit trail, so only a national focal point grants it, and
/// the accounts holding it are managed by national focal points alone.
pub fn is_sealed_role(role: Role) -> bool {
    role.permits(Action::Read, Kind::SafeguardingCase)
}

/// How far the caller's roles that may do `action` on `kind` reach: read scope for
/// reads, write scope for writes.
pub async fn reach(store: &Store, caller: &Caller, action: Action, kind: Kind) -> Result<Reach> {
    Ok(store.reach_of(&caller.scopes_for(action, kind)).await?)
}

/// True when the places of `scopes` hold everything `target` holds: `all` holds
/// everything, a country its programmes and facilities, a programme its
/// facilities. A scope whose place holds no facility yet is held only by a scope
/// that names it (or `all`): an empty place must not count as "within" every scope.
pub(crate) async fn covers(store: &Store, scopes: &[Scope], target: &Scope) -> Result<bool> {
    if scopes.iter().any(|scope| scope.contains(target)) {
        return Ok(true);
    }
    if matches!(target, Scope::All | Scope::Country(_)) {
        return Ok(false);
    }
    let held = store.reach_of(scopes).await?;
    let wanted = store.reach_of(std::slice::from_ref(target)).await?;
    Ok(match (&held, &wanted) {
        (Reach::Everything, _) => true,
        (_, Reach::Everything) => false,
        (Reach::Facilities { ids: held, .. }, Reach::Facilities { ids: wanted, .. }) => {
            let held: BTreeSet<_> = held.iter().collect();
            !wanted.is_empty() && wanted.iter().all(|id| held.contains(id))
        }
    })
}

/// What the caller may do to an account that holds `held` (its current roles).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountAuthority {
    /// Every change: roles, password, tokens, disabling.
    Manage,
    /// Only disabling it: an administrator facing a sealed account may lock it in an
    /// emergency, but not give it a role, a password or a token.
    DisableOnly,
    /// Nothing.
    None,
}

/// Decides what the caller may do to an account holding `held`: an administrator
/// needs scope over every scope the account holds; an account that holds a sealed
/// role is managed by a national focal point whose sealed scopes cover it.
pub async fn account_authority(
    store: &Store,
    caller: &Caller,
    held: &[(Role, Scope)],
) -> Result<AccountAuthority> {
    if caller.operator {
        return Ok(AccountAuthority::Manage);
    }
    let sealed = held.iter().any(|(role, _)| is_sealed_role(*role));
    let admin_scopes = caller.scopes_for(Action::Write, Kind::UserAccount);
    let admin_covers = !admin_scopes.is_empty() && covers_all(store, &admin_scopes, held).await?;
    if sealed {
        let focal_scopes = caller.sealed_scopes();
        if caller.is_national_focal_point() && covers_all(store, &focal_scopes, held).await? {
            return Ok(AccountAuthority::Manage);
        }
        return Ok(if admin_covers {
            AccountAuthority::DisableOnly
        } else {
            AccountAuthority::None
        });
    }
    Ok(if admin_covers {
        AccountAuthority::Manage
    } else {
        AccountAuthority::None
    })
}

async fn covers_all(store: &Store, scopes: &[Scope], held: &[(Role, Scope)]) -> Result<bool> {
    for (_, scope) in held {
        if !covers(store, scopes, scope).await? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// May the caller give `role` in `scope`? A sealed role only by a national focal point
/// within their sealed scopes; any other role by an administrator within the scopes
/// where they manage accounts.
pub async fn may_grant(store: &Store, caller: &Caller, role: Role, scope: &Scope) -> Result<()> {
    if caller.operator {
        return Ok(());
    }
    if is_sealed_role(role) {
        if caller.is_national_focal_point() && covers(store, &caller.sealed_scopes(), scope).await?
        {
            return Ok(());
        }
        return Err(AppError::SealedAccount);
    }
    let admin_scopes = caller.scopes_for(Action::Write, Kind::UserAccount);
    if admin_scopes.is_empty() {
        return Err(AppError::Forbidden);
    }
    if covers(store, &admin_scopes, scope).await? {
        Ok(())
    } else {
        Err(AppError::ScopeBeyondYours)
    }
}
