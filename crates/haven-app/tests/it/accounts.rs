//! Accounts: who may give which role, reset whose password, make whose tokens, and
//! what the audit trail keeps of it (issue 13's holes, each a case here).

use haven_app::accounts::NewAccount;
use haven_domain::{DisplayName, Language, NewPassword, Role, Scope, Username};
use haven_store::AuditFilter;

use crate::{outcome, World};

fn password(username: &str) -> NewPassword {
    NewPassword::parse("a-long-new-password", &Username::parse(username).unwrap()).unwrap()
}

#[tokio::test]
async fn the_sealed_roles_and_accounts_are_the_national_focal_points_alone() {
    for w in World::all().await {
        let app = &w.app;
        let (_, admin) = w
            .account("admin", &[(Role::SystemAdministrator, Scope::All)])
            .await;
        let (_, admin_a1) = w
            .account("admin-a1", &[(Role::SystemAdministrator, w.facility(w.a1))])
            .await;
        let (fp_user, national_fp) = w
            .account(
                "national-fp",
                &[(Role::SafeguardingFocalPoint, Scope::Country("KH".into()))],
            )
            .await;
        let (_, local_fp) = w
            .account(
                "local-fp",
                &[(
                    Role::SafeguardingFocalPoint,
                    Scope::Programme(w.p1.to_string()),
                )],
            )
            .await;
        let (doctor, _) = w
            .account("doctor-b1", &[(Role::Doctor, w.facility(w.b1))])
            .await;
        let (clerk, _) = w
            .account("clerk-a1", &[(Role::RecordsClerk, w.facility(w.a1))])
            .await;
        let fp = Role::SafeguardingFocalPoint;
        let all = Scope::All;
        let kh = Scope::Country("KH".into());
        let me = admin.user().id;

        // (who, what, expected)
        let cases: Vec<(&str, String, &str)> = vec![
            (
                "an administrator gives itself the focal point's role",
                outcome(
                    &app.grant_role(&admin, me, fp, &all, Some(&password("admin")))
                        .await,
                ),
                "auth.sealed_account",
            ),
            (
                "an administrator gives a doctor the focal point's role",
                outcome(
                    &app.grant_role(&admin, doctor.id, fp, &kh, Some(&password("doctor-b1")))
                        .await,
                ),
                "auth.sealed_account",
            ),
            (
                "an administrator resets a focal point's password",
                outcome(
                    &app.reset_password(
                        &admin,
                        fp_user.id,
                        fp_user.version,
                        &password("national-fp"),
                    )
                    .await,
                ),
                "auth.sealed_account",
            ),
            (
                "an administrator makes a token for a focal point",
                outcome(&app.create_token(&admin, fp_user.id, "mine now").await),
                "auth.sealed_account",
            ),
            (
                "a facility's administrator resets an all-scope administrator's password",
                outcome(
                    &app.reset_password(&admin_a1, me, admin.user().version, &password("admin"))
                        .await,
                ),
                "auth.scope_beyond_yours",
            ),
            (
                "a facility's administrator makes a token for another facility's doctor",
                outcome(&app.create_token(&admin_a1, doctor.id, "x").await),
                "auth.scope_beyond_yours",
            ),
            (
                "a facility's administrator disables an all-scope administrator",
                outcome(
                    &app.disable_account(&admin_a1, me, admin.user().version)
                        .await,
                ),
                "auth.scope_beyond_yours",
            ),
            (
                "a facility's administrator disables a national focal point",
                outcome(
                    &app.disable_account(&admin_a1, fp_user.id, fp_user.version)
                        .await,
                ),
                "auth.sealed_account",
            ),
            (
                "a facility's administrator gives a role in another facility",
                outcome(
                    &app.grant_role(&admin_a1, clerk.id, Role::Doctor, &w.facility(w.b1), None)
                        .await,
                ),
                "auth.scope_beyond_yours",
            ),
            (
                "a facility's administrator gives everything",
                outcome(
                    &app.grant_role(&admin_a1, clerk.id, Role::SystemAdministrator, &all, None)
                        .await,
                ),
                "auth.scope_beyond_yours",
            ),
            (
                "a facility's administrator gives a role in its own facility",
                outcome(
                    &app.grant_role(&admin_a1, clerk.id, Role::Doctor, &w.facility(w.a1), None)
                        .await,
                ),
                "ok",
            ),
            (
                "a programme's focal point gives the focal point's role",
                outcome(
                    &app.grant_role(
                        &local_fp,
                        doctor.id,
                        fp,
                        &w.facility(w.a1),
                        Some(&password("doctor-b1")),
                    )
                    .await,
                ),
                "auth.forbidden",
            ),
            (
                "a national focal point gives a role that is not sealed",
                outcome(
                    &app.grant_role(
                        &national_fp,
                        doctor.id,
                        Role::SystemAdministrator,
                        &kh,
                        None,
                    )
                    .await,
                ),
                "auth.forbidden",
            ),
            (
                "a national focal point gives the role without a new password",
                outcome(&app.grant_role(&national_fp, doctor.id, fp, &kh, None).await),
                "invalid password",
            ),
            (
                "a national focal point gives the role beyond their country",
                outcome(
                    &app.grant_role(
                        &national_fp,
                        doctor.id,
                        fp,
                        &all,
                        Some(&password("doctor-b1")),
                    )
                    .await,
                ),
                "auth.sealed_account",
            ),
            (
                "a national focal point gives the role with a new password",
                outcome(
                    &app.grant_role(
                        &national_fp,
                        doctor.id,
                        fp,
                        &kh,
                        Some(&password("doctor-b1")),
                    )
                    .await,
                ),
                "ok",
            ),
            (
                "an administrator disables a focal point in an emergency",
                outcome(
                    &app.disable_account(&admin, fp_user.id, fp_user.version)
                        .await,
                ),
                "ok",
            ),
        ];
        for (what, got, expected) in cases {
            assert_eq!(got, expected, "[{}] {what}", w.label);
        }
    }
}

#[tokio::test]
async fn a_password_reset_revokes_the_accounts_tokens_and_sessions() {
    for w in World::all().await {
        let app = &w.app;
        let (_, admin) = w
            .account("admin", &[(Role::SystemAdministrator, Scope::All)])
            .await;
        let (clerk, _) = w
            .account("clerk-a1", &[(Role::RecordsClerk, w.facility(w.a1))])
            .await;
        let (token, _) = app.create_token(&admin, clerk.id, "scanner").await.unwrap();
        assert!(app
            .store()
            .user_for_api_token(&token)
            .await
            .unwrap()
            .is_some());
        app.reset_password(&admin, clerk.id, clerk.version, &password("clerk-a1"))
            .await
            .unwrap();
        assert!(
            app.store()
                .user_for_api_token(&token)
                .await
                .unwrap()
                .is_none(),
            "[{}] the token still works after the reset",
            w.label
        );
        let account = app.account(&admin, clerk.id).await.unwrap();
        assert!(account.tokens.iter().all(|t| t.revoked_at.is_some()));
    }
}

#[tokio::test]
async fn account_administration_is_never_sealed_whoever_acts() {
    for w in World::all().await {
        let app = &w.app;
        let (_, national_fp) = w
            .account("national-fp", &[(Role::SafeguardingFocalPoint, Scope::All)])
            .await;
        // A focal point makes an account: the other administrators must see it.
        let made = app
            .create_account(
                &national_fp,
                NewAccount {
                    username: Username::parse("new-fp").unwrap(),
                    display_name: DisplayName::parse("New focal point").unwrap(),
                    password: password("new-fp"),
                    language: Language::Khmer,
                    role: Role::SafeguardingFocalPoint,
                    scope: Scope::Country("KH".into()),
                },
            )
            .await
            .unwrap();
        let unsealed = app
            .store()
            .list_audit_events(&AuditFilter {
                limit: 1000,
                include_sealed: false,
                ..AuditFilter::default()
            })
            .await
            .unwrap();
        for action in ["user_create", "role_assign"] {
            assert!(
                unsealed.iter().any(|e| e.action == action
                    && e.entity_id == made.id.to_string()
                    && e.actor_username == "national-fp"),
                "[{}] {action} by a focal point is hidden from administrators",
                w.label
            );
        }
        // And a focal point's other work stays sealed.
        app.store()
            .audit(
                &national_fp.actor(),
                haven_store::NewAuditEvent::new("person_read", "person", made.id),
            )
            .await
            .unwrap();
        let unsealed = app
            .store()
            .list_audit_events(&AuditFilter {
                limit: 1000,
                include_sealed: false,
                ..AuditFilter::default()
            })
            .await
            .unwrap();
        assert!(!unsealed.iter().any(|e| e.action == "person_read"));
    }
}

#[tokio::test]
async fn only_account_managers_pass_the_gate() {
    for w in World::all().await {
        for (index, (role, scope, expected)) in [
            (Role::SystemAdministrator, w.facility(w.a1), "ok"),
            (Role::SafeguardingFocalPoint, Scope::All, "ok"),
            (
                Role::SafeguardingFocalPoint,
                w.facility(w.a1),
                "auth.forbidden",
            ),
            (Role::Doctor, Scope::All, "auth.forbidden"),
            (Role::NationalDirector, Scope::All, "auth.forbidden"),
        ]
        .into_iter()
        .enumerate()
        {
            let (_, caller) = w.account(&format!("user-{index}"), &[(role, scope)]).await;
            assert_eq!(
                outcome(&w.app.may_manage_accounts(&caller)),
                expected,
                "[{}] {role}",
                w.label
            );
        }
    }
}
