//! Sessions: the token finds its session until it is ended, idle too long, or too old.

use haven_store::testing::{self, TestStore};
use haven_store::SessionTimeouts;

use crate::{count, create_user};

fn timeouts(idle_seconds: i64, absolute_seconds: i64) -> SessionTimeouts {
    SessionTimeouts {
        idle_seconds,
        absolute_seconds,
    }
}

const USUAL: SessionTimeouts = SessionTimeouts {
    idle_seconds: 1800,
    absolute_seconds: 12 * 3600,
};

/// Signs a new user in; returns the session's token.
async fn signed_in(t: &TestStore, username: &str, timeouts: SessionTimeouts) -> String {
    let user = create_user(t, username).await;
    let (token, session) = t.store.create_session(user.id, timeouts).await.unwrap();
    assert_eq!(session.user_id, user.id, "{}", t.label);
    token
}

async fn is_active(t: &TestStore, token: &str, timeouts: SessionTimeouts) -> bool {
    t.store
        .active_session(token, timeouts)
        .await
        .unwrap_or_else(|e| panic!("{}: active_session: {e:?}", t.label))
        .is_some()
}

async fn sessions(t: &TestStore) -> i64 {
    count(t, "SELECT COUNT(*) FROM session").await
}

#[tokio::test]
async fn a_new_session_is_found_by_its_token() {
    for t in testing::all().await {
        let user = create_user(&t, "sokha").await;
        let (token, created) = t.store.create_session(user.id, USUAL).await.unwrap();
        let (session, found_user) = t
            .store
            .active_session(&token, USUAL)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found_user.id, user.id, "{}", t.label);
        assert_eq!(found_user.username, "sokha", "{}", t.label);
        assert_eq!(session.user_id, user.id, "{}", t.label);
        assert_eq!(session.token_hash, created.token_hash, "{}", t.label);
        assert_eq!(session.csrf_token, created.csrf_token, "{}", t.label);
        assert_eq!(session.created_at, created.created_at, "{}", t.label);
        assert_eq!(
            session.expires_at,
            created.created_at.plus_seconds(USUAL.absolute_seconds),
            "{}",
            t.label
        );
        for secret in [&token, &session.csrf_token] {
            assert_eq!(secret.len(), 64, "{}: 32 random bytes in hex", t.label);
            assert!(secret.chars().all(|c| c.is_ascii_hexdigit()), "{}", t.label);
        }
        assert_ne!(token, session.csrf_token, "{}", t.label);
        // Only the token's hash is stored.
        assert_ne!(session.token_hash, token, "{}", t.label);
        let stored = format!("SELECT COUNT(*) FROM session WHERE token_hash = '{token}'");
        assert_eq!(
            count(&t, &stored).await,
            0,
            "{}: the token itself is stored",
            t.label
        );
        // Finding it again works, and a second session is another token.
        assert!(is_active(&t, &token, USUAL).await, "{}", t.label);
        let (second, _) = t.store.create_session(user.id, USUAL).await.unwrap();
        assert_ne!(second, token, "{}", t.label);
        assert_eq!(sessions(&t).await, 2, "{}", t.label);
    }
}

#[tokio::test]
async fn a_wrong_token_finds_no_session() {
    for t in testing::all().await {
        let user = create_user(&t, "sokha").await;
        let (token, session) = t.store.create_session(user.id, USUAL).await.unwrap();
        let mut last_changed = token.clone();
        let last = last_changed.pop().unwrap();
        last_changed.push(if last == '0' { '1' } else { '0' });
        let wrong = [
            String::new(),
            "garbage".to_owned(),
            last_changed,
            token[..63].to_owned(),
            format!("{token}0"),
            token.to_uppercase(),
            format!(" {token}"),
            // Someone with a copy of the database has the hash, not the token.
            session.token_hash.clone(),
            session.csrf_token.clone(),
        ];
        for candidate in &wrong {
            assert!(
                !is_active(&t, candidate, USUAL).await,
                "{}: {candidate:?} found a session",
                t.label
            );
        }
        assert!(
            is_active(&t, &token, USUAL).await,
            "{}: the right token",
            t.label
        );
    }
}

#[tokio::test]
async fn an_idle_session_ends_and_is_removed() {
    // (idle time-out, seconds since last use, still active)
    let cases = [
        (1800, 0, true),
        (1800, 900, true),
        (1800, 1801, false),
        (1800, 86_400, false),
        (60, 61, false),
    ];
    for t in testing::all().await {
        for (i, (idle, aged, alive)) in cases.into_iter().enumerate() {
            let timeouts = timeouts(idle, 12 * 3600);
            let token = signed_in(&t, &format!("user{i}"), timeouts).await;
            t.store.age_session(&token, aged).await.unwrap();
            let label = format!("{}: idle {idle}s, unused for {aged}s", t.label);
            assert_eq!(is_active(&t, &token, timeouts).await, alive, "{label}");
            let row = format!(
                "SELECT COUNT(*) FROM session s JOIN user_account u ON u.id = s.user_id
                 WHERE u.username = 'user{i}'"
            );
            assert_eq!(
                count(&t, &row).await,
                i64::from(alive),
                "{label}: the session row"
            );
        }
    }
}

#[tokio::test]
async fn using_a_session_keeps_it_alive() {
    for t in testing::all().await {
        let token = signed_in(&t, "sokha", USUAL).await;
        // Unused for 20 minutes of a 30 minute time-out: still alive, and this use
        // counts as the last one.
        t.store.age_session(&token, 1200).await.unwrap();
        assert!(is_active(&t, &token, USUAL).await, "{}", t.label);
        // So with a 15 minute time-out it is still alive: it was just used.
        assert!(
            is_active(&t, &token, timeouts(900, USUAL.absolute_seconds)).await,
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn a_session_ends_at_its_absolute_lifetime_used_or_not() {
    // (absolute lifetime, still active straight away)
    let cases = [(0, false), (-60, false), (3600, true)];
    for t in testing::all().await {
        for (i, (absolute, alive)) in cases.into_iter().enumerate() {
            let timeouts = timeouts(1800, absolute);
            let token = signed_in(&t, &format!("user{i}"), timeouts).await;
            let label = format!("{}: absolute lifetime {absolute}s", t.label);
            assert_eq!(is_active(&t, &token, timeouts).await, alive, "{label}");
            // The lifetime is fixed at sign-in: asking with a longer one does not revive it.
            assert_eq!(is_active(&t, &token, USUAL).await, alive, "{label}");
        }
        assert_eq!(
            sessions(&t).await,
            1,
            "{}: ended sessions are removed",
            t.label
        );
    }
}

#[tokio::test]
async fn signing_in_sweeps_away_ended_sessions() {
    for t in testing::all().await {
        signed_in(&t, "expired", timeouts(1800, 0)).await;
        let idle = signed_in(&t, "idle", USUAL).await;
        t.store.age_session(&idle, 3600).await.unwrap();
        signed_in(&t, "live", USUAL).await;
        assert_eq!(
            sessions(&t).await,
            1,
            "{}: only the new session is left",
            t.label
        );
        let left = "SELECT COUNT(*) FROM session s JOIN user_account u ON u.id = s.user_id
                    WHERE u.username = 'live'";
        assert_eq!(count(&t, left).await, 1, "{}", t.label);
    }
}

#[tokio::test]
async fn ending_a_session_signs_out_that_session_only() {
    for t in testing::all().await {
        let user = create_user(&t, "sokha").await;
        let (phone, _) = t.store.create_session(user.id, USUAL).await.unwrap();
        let (laptop, _) = t.store.create_session(user.id, USUAL).await.unwrap();
        t.store.end_session(&phone).await.unwrap();
        assert!(!is_active(&t, &phone, USUAL).await, "{}", t.label);
        assert!(is_active(&t, &laptop, USUAL).await, "{}", t.label);
        // Ending it again, or a token that never was, is not an error.
        t.store.end_session(&phone).await.unwrap();
        t.store.end_session("never-was").await.unwrap();
        assert_eq!(sessions(&t).await, 1, "{}", t.label);
    }
}
