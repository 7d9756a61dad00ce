//! Issue 13's holes, tried through the pages and the API as a user would: each case
//! answered 2xx/3xx before haven-app decided (an administrator gave itself the focal
//! point's role, a nurse edited a person at another centre through the page, a clerk
//! registered a person at another facility, a reset password left its tokens alive).

use axum::http::StatusCode;
use haven_domain::{Role, Scope};
use haven_store::{Actor, Id};

use crate::growth::clinic;
use crate::support::{apps, message};

fn person_form(facility: Id) -> Vec<(&'static str, String)> {
    vec![
        ("family_name_latin", "Sok".to_owned()),
        ("given_name_latin", "Dara".to_owned()),
        ("sex", "female".to_owned()),
        ("precision", "exact".to_owned()),
        ("day", "4".to_owned()),
        ("month", "3".to_owned()),
        ("year", "2015".to_owned()),
        ("facility", facility.to_string()),
        ("category", "community_member".to_owned()),
        ("not_a_duplicate", "1".to_owned()),
    ]
}

fn fields<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[tokio::test]
async fn an_administrator_cannot_take_the_focal_points_role_or_account() {
    for app in apps().await {
        let admin = app.user("admin2", Role::SystemAdministrator).await;
        let focal = app.user("focal", Role::SafeguardingFocalPoint).await;
        let mut browser = app.session_for(&admin).await;
        let answer = browser
            .post_form(
                &format!("/admin/users/{}/roles", admin.id),
                &[
                    ("role", "safeguarding_focal_point"),
                    ("scope", "all"),
                    ("password", "a-long-new-password"),
                ],
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}]",
            app.label
        );
        assert!(answer.text().contains(&message(
            haven_domain::Language::English,
            "users-sealed-account"
        )));
        let roles = app.store.role_assignments(admin.id).await.unwrap();
        assert_eq!(roles.len(), 1, "[{}] the role was given", app.label);

        let focal_now = app.store.user(focal.id).await.unwrap();
        let answer = browser
            .post_form(
                &format!("/admin/users/{}/password", focal.id),
                &[
                    ("version", &focal_now.version.to_string()),
                    ("password", "a-long-new-password"),
                ],
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}]",
            app.label
        );
        let answer = browser
            .post_form(
                &format!("/admin/users/{}/tokens", focal.id),
                &[("label", "mine now")],
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}]",
            app.label
        );
        assert!(app.store.api_tokens(focal.id).await.unwrap().is_empty());

        // The API refuses the same, with the same code.
        let mut api = app.api_client(&admin).await;
        let answer = api
            .post_json(
                &format!("/api/v1/users/{}/roles", admin.id),
                r#"{"role":"safeguarding_focal_point","scope":"all","password":"a-long-new-password"}"#,
            )
            .await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "[{}]", app.label);
        assert_eq!(answer.json()["code"], "auth.sealed_account");
        assert!(answer.json()["errors"].is_array());

        // A national focal point gives the role, with a new password.
        let mut national = app.api_client(&focal).await;
        let answer = national
            .post_json(
                &format!("/api/v1/users/{}/roles", admin.id),
                r#"{"role":"safeguarding_focal_point","scope":"country:KH","password":"a-long-new-password"}"#,
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "[{}] {}",
            app.label,
            answer.body
        );
    }
}

#[tokio::test]
async fn page_writes_check_the_write_scope_and_registration_the_facility() {
    for app in apps().await {
        let here = clinic(&app, "Here").await;
        let there = clinic(&app, "There").await;
        let nurse = app.user("nurse-here", Role::Doctor).await;
        // Only the SOS parent role reaches everywhere; the nurse's clinical role is
        // at her centre.
        let assignments = app.store.role_assignments(nurse.id).await.unwrap();
        app.store
            .revoke_role(&Actor::system(), assignments[0].id, assignments[0].version)
            .await
            .unwrap();
        for (role, scope) in [
            (Role::RegisteredNurse, Scope::Facility(here.to_string())),
            (Role::SosParent, Scope::All),
        ] {
            app.store
                .assign_role(&Actor::system(), nurse.id, role, &scope)
                .await
                .unwrap();
        }
        let registrar = app.user("registrar", Role::RecordsClerk).await;
        let mut registrar = app.session_for(&registrar).await;
        let answer = registrar
            .post_form("/people/new", &fields(&person_form(there)))
            .await;
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            answer.body
        );
        let person_there = answer
            .location()
            .trim_start_matches("/people/")
            .split('?')
            .next()
            .unwrap()
            .to_owned();

        let mut browser = app.session_for(&nurse).await;
        // She reads the person (the SOS parent's reach)...
        let answer = browser.get(&format!("/people/{person_there}")).await;
        assert_eq!(answer.status, StatusCode::OK, "[{}]", app.label);
        // ...but cannot change them: the edit needs her write scope.
        let person = app
            .store
            .person(person_there.parse().unwrap())
            .await
            .unwrap();
        let mut form = person_form(there);
        form.push(("version", person.version.to_string()));
        form.retain(|(k, _)| *k != "given_name_latin");
        form.push(("given_name_latin", "Changed".to_owned()));
        let answer = browser
            .post_form(&format!("/people/{person_there}/edit"), &fields(&form))
            .await;
        assert_eq!(
            answer.status,
            StatusCode::FORBIDDEN,
            "[{}] {}",
            app.label,
            answer.body
        );
        let unchanged = app.store.person(person.id).await.unwrap();
        assert_eq!(unchanged.version, person.version, "[{}]", app.label);

        // She registers at her centre, but not at another: the form comes back with
        // the message at the facility field and what she typed kept.
        let answer = browser
            .post_form("/people/new", &fields(&person_form(there)))
            .await;
        assert_eq!(
            answer.status.as_u16(),
            422,
            "[{}] {}",
            app.label,
            answer.body
        );
        assert!(answer.text().contains(&message(
            haven_domain::Language::English,
            "person-error-facility-beyond-yours"
        )));
        assert!(
            answer.body.contains("value=\"Dara\""),
            "[{}] typed values kept",
            app.label
        );
        let answer = browser
            .post_form("/people/new", &fields(&person_form(here)))
            .await;
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.label,
            answer.body
        );
    }
}

#[tokio::test]
async fn a_password_reset_revokes_the_accounts_api_tokens() {
    for app in apps().await {
        let admin = app.user("admin2", Role::SystemAdministrator).await;
        let clerk = app.user("clerk2", Role::RecordsClerk).await;
        let mut api = app.api_client(&clerk).await;
        assert_eq!(api.get("/api/v1/me").await.status, StatusCode::OK);
        let mut browser = app.session_for(&admin).await;
        let clerk_now = app.store.user(clerk.id).await.unwrap();
        let answer = browser
            .post_form(
                &format!("/admin/users/{}/password", clerk.id),
                &[
                    ("version", &clerk_now.version.to_string()),
                    ("password", "a-long-new-password"),
                ],
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "[{}] {}",
            app.label,
            answer.body
        );
        assert_eq!(
            api.get("/api/v1/me").await.status,
            StatusCode::UNAUTHORIZED,
            "[{}] the token outlived the reset",
            app.label
        );
    }
}
