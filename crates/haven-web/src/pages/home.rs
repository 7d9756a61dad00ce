//! The home page: who you are, the roles you hold, and the work you can open.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use haven_domain::{Action, Kind, Scope};

use crate::auth::Authenticated;
use crate::error::WebError;
use crate::pages::{no_store, render, Layout, NavItem};
use crate::state::AppState;

/// A role the user holds, ready to show.
pub struct RoleLine {
    pub role: String,
    pub scope: String,
}

/// A recent event for the administrator's attention.
pub struct Attention {
    pub at: String,
    pub username: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    display_name: String,
    roles: Vec<RoleLine>,
    work: Vec<NavItem>,
    failed_sign_ins: Option<Vec<Attention>>,
    /// The user may look people up: the home page starts with the search box.
    can_search_people: bool,
    /// New reports and overdue steps, for safeguarding focal points only.
    safeguarding: Option<crate::pages::safeguarding::HomeSummary>,
    /// Care: the figures by sex of each programme the reader sees (readers of care
    /// and reports, such as the programme director).
    care_figures: Vec<crate::pages::care::ProgrammeFigures>,
}

pub fn scope_label(tr: &crate::i18n::Tr, scope: &Scope) -> String {
    match scope {
        Scope::All => tr.t("scope-all"),
        Scope::Country(code) => tr.t1("scope-country", "place", code),
        Scope::Programme(id) => tr.t1("scope-programme", "place", id),
        Scope::Facility(id) => tr.t1("scope-facility", "place", id),
    }
}

pub async fn home(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Response, WebError> {
    let tr = auth.tr().clone();
    let layout = Layout::new(&auth.visitor, "home-title");
    let work = layout
        .nav
        .iter()
        .filter(|item| item.href != "/")
        .cloned()
        .collect();
    let roles = auth
        .me
        .roles
        .iter()
        .map(|(role, scope)| RoleLine {
            role: tr.role(role.code()),
            scope: scope_label(&tr, scope),
        })
        .collect();
    // Administrators see the latest failed sign-ins: a burst of them is the first sign
    // of someone guessing passwords.
    let failed_sign_ins = state
        .app()
        .recent_failed_sign_ins(&auth.caller())
        .await?
        .map(|events| {
            events
                .into_iter()
                .map(|event| Attention {
                    at: crate::pages::audit::format_instant(
                        &event.occurred_at,
                        state.config().time_offset,
                    ),
                    username: event.actor_username,
                    detail: crate::pages::audit::detail_label(&tr, &event.action, &event.detail),
                })
                .collect()
        });
    let page = HomePage {
        layout,
        display_name: auth.me.user.display_name.clone(),
        roles,
        work,
        failed_sign_ins,
        can_search_people: auth.me.can(Action::Read, Kind::Person),
        safeguarding: crate::pages::safeguarding::home_summary(&state, &auth).await?,
        care_figures: crate::pages::care::programme_figures_section(&state, &auth).await?,
    };
    render(&page).map(no_store)
}
