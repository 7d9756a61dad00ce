//! API tokens: made once, resolved to their active user, revoked for good.

use haven_store::testing::{self, TestStore};
use haven_store::{AuditFilter, ChainReport, Id, StoreError, User};

use crate::{admin, count, create_user, events, verify};

/// A user and a new token of theirs.
async fn user_with_token(t: &TestStore, username: &str) -> (User, String, haven_store::ApiToken) {
    let user = create_user(t, username).await;
    let (token, record) = t
        .store
        .create_api_token(&admin(), user.id, "reporting server")
        .await
        .unwrap();
    (user, token, record)
}

async fn resolves_to(t: &TestStore, token: &str) -> Option<Id> {
    t.store
        .user_for_api_token(token)
        .await
        .unwrap_or_else(|e| panic!("{}: user_for_api_token({token:?}): {e:?}", t.label))
        .map(|user| user.id)
}

#[tokio::test]
async fn a_new_token_resolves_to_its_user() {
    for t in testing::all().await {
        let (user, token, record) = user_with_token(&t, "sokha").await;
        assert!(token.starts_with("haven_"), "{}: {token}", t.label);
        assert_eq!(token.len(), "haven_".len() + 64, "{}", t.label);
        assert_eq!(record.user_id, user.id, "{}", t.label);
        assert_eq!(record.label, "reporting server", "{}", t.label);
        assert_eq!(record.revoked_at, None, "{}", t.label);
        assert_eq!(record.version, 1, "{}", t.label);
        assert_eq!(resolves_to(&t, &token).await, Some(user.id), "{}", t.label);

        let listed: Vec<Id> = t
            .store
            .api_tokens(user.id)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(listed, [record.id], "{}", t.label);
        // Only its hash is stored.
        let stored = format!("SELECT COUNT(*) FROM api_token WHERE token_hash = '{token}'");
        assert_eq!(
            count(&t, &stored).await,
            0,
            "{}: the token itself is stored",
            t.label
        );

        let changes = format!(
            "SELECT COUNT(*) FROM change_log WHERE entity = 'api_token' AND entity_id = '{}' AND version = 1",
            record.id
        );
        assert_eq!(count(&t, &changes).await, 1, "{}", t.label);
        let created = events(
            &t,
            &AuditFilter {
                action: Some("api_token_create".to_owned()),
                entity_id: Some(user.id.to_string()),
                limit: 10,
                ..AuditFilter::default()
            },
        )
        .await;
        assert_eq!(created.len(), 1, "{}", t.label);
        // The token itself never reaches the audit trail.
        assert!(!created[0].detail.contains(&token[6..]), "{}", t.label);

        // Two tokens of one user are different and both work.
        let (second, _) = t
            .store
            .create_api_token(&admin(), user.id, "backup job")
            .await
            .unwrap();
        assert_ne!(second, token, "{}", t.label);
        assert_eq!(resolves_to(&t, &second).await, Some(user.id), "{}", t.label);
        assert_eq!(
            t.store.api_tokens(user.id).await.unwrap().len(),
            2,
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn garbage_tokens_resolve_to_nobody() {
    for t in testing::all().await {
        let (user, token, _) = user_with_token(&t, "sokha").await;
        let mut last_changed = token.clone();
        let last = last_changed.pop().unwrap();
        last_changed.push(if last == '0' { '1' } else { '0' });
        let garbage = [
            String::new(),
            "haven_".to_owned(),
            "haven_nothing".to_owned(),
            token["haven_".len()..].to_owned(),
            last_changed,
            token.to_uppercase(),
            format!("Bearer {token}"),
            format!("{token} "),
            format!("{token}{}", "0".repeat(300)),
            format!("haven_{}", "a".repeat(1000)),
        ];
        for candidate in &garbage {
            assert_eq!(
                resolves_to(&t, candidate).await,
                None,
                "{}: {candidate:?}",
                t.label
            );
        }
        assert_eq!(resolves_to(&t, &token).await, Some(user.id), "{}", t.label);
    }
}

#[tokio::test]
async fn a_revoked_token_resolves_to_nobody() {
    for t in testing::all().await {
        let (user, token, record) = user_with_token(&t, "sokha").await;
        let (kept, _) = t
            .store
            .create_api_token(&admin(), user.id, "kept")
            .await
            .unwrap();
        t.store
            .revoke_api_token(&admin(), record.id, 1)
            .await
            .unwrap();
        assert_eq!(resolves_to(&t, &token).await, None, "{}", t.label);
        assert_eq!(
            resolves_to(&t, &kept).await,
            Some(user.id),
            "{}: another token",
            t.label
        );

        let revoked = t
            .store
            .api_tokens(user.id)
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.id == record.id)
            .unwrap();
        assert!(
            revoked.revoked_at.is_some(),
            "{}: the revoked token stays listed",
            t.label
        );
        assert_eq!(revoked.version, 2, "{}", t.label);

        for version in [1, 2] {
            let again = t.store.revoke_api_token(&admin(), record.id, version).await;
            assert!(
                matches!(again, Err(StoreError::Conflict { .. })),
                "{}: revoking twice naming version {version} gave {again:?}",
                t.label
            );
        }
        let changes = format!(
            "SELECT COUNT(*) FROM change_log WHERE entity = 'api_token' AND entity_id = '{}'",
            record.id
        );
        assert_eq!(count(&t, &changes).await, 2, "{}", t.label);
        let revocations = format!(
            "SELECT COUNT(*) FROM audit_event WHERE action = 'api_token_revoke' AND entity_id = '{}'",
            user.id
        );
        assert_eq!(count(&t, &revocations).await, 1, "{}", t.label);
        assert_eq!(
            verify(&t).await,
            ChainReport::Intact { events: 4 },
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn a_disabled_users_token_resolves_to_nobody() {
    for t in testing::all().await {
        let (user, token, _) = user_with_token(&t, "sokha").await;
        let (_, other_token, _) = user_with_token(&t, "dara").await;
        let disabled = t.store.disable_user(&admin(), user.id, 1).await.unwrap();
        assert_eq!(resolves_to(&t, &token).await, None, "{}", t.label);
        assert!(resolves_to(&t, &other_token).await.is_some(), "{}", t.label);
        // Disabling does not revoke: the token works again once the account is enabled.
        t.store
            .enable_user(&admin(), user.id, disabled.version)
            .await
            .unwrap();
        assert_eq!(resolves_to(&t, &token).await, Some(user.id), "{}", t.label);
    }
}

#[tokio::test]
async fn a_token_for_an_unknown_user_is_not_found() {
    for t in testing::all().await {
        let result = t.store.create_api_token(&admin(), Id::new(), "ghost").await;
        assert!(
            matches!(result, Err(StoreError::NotFound { entity: "user" })),
            "{}: {:?}",
            t.label,
            result.map(|(_, record)| record)
        );
        for table in ["api_token", "change_log", "audit_event"] {
            let sql = format!("SELECT COUNT(*) FROM {table}");
            assert_eq!(count(&t, &sql).await, 0, "{}: {table}", t.label);
        }
    }
}
