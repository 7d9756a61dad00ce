//! Throttling of failed sign-ins, per account and per network address, so that
//! passwords cannot be guessed at speed. Kept in memory: a restart forgets it, which
//! only gives a guesser one more window.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many failures are allowed in a window before sign-in is refused.
#[derive(Clone, Copy, Debug)]
pub struct ThrottleLimits {
    pub per_account: u32,
    pub per_address: u32,
    pub window: Duration,
}

impl Default for ThrottleLimits {
    fn default() -> Self {
        ThrottleLimits {
            per_account: 5,
            per_address: 20,
            window: Duration::from_secs(15 * 60),
        }
    }
}

/// Failure counts by key, each with the start of its window.
pub struct Throttle {
    limits: ThrottleLimits,
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

/// Keeps the table small under a flood of made-up usernames.
const MAX_KEYS: usize = 50_000;

impl Throttle {
    pub fn new(limits: ThrottleLimits) -> Throttle {
        Throttle {
            limits,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// When sign-in for this account or address is refused, the time left to wait.
    pub fn blocked_for(&self, username: &str, address: &str) -> Option<Duration> {
        let now = Instant::now();
        let failures = self
            .failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let check = |key: String, limit: u32| -> Option<Duration> {
            let (count, since) = failures.get(&key)?;
            let elapsed = now.duration_since(*since);
            (*count >= limit && elapsed < self.limits.window).then(|| self.limits.window - elapsed)
        };
        check(account_key(username), self.limits.per_account)
            .or_else(|| check(address_key(address), self.limits.per_address))
    }

    pub fn record_failure(&self, username: &str, address: &str) {
        let now = Instant::now();
        let window = self.limits.window;
        let mut failures = self
            .failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if failures.len() >= MAX_KEYS {
            failures.retain(|_, (_, since)| now.duration_since(*since) < window);
        }
        for key in [account_key(username), address_key(address)] {
            let entry = failures.entry(key).or_insert((0, now));
            if now.duration_since(entry.1) >= window {
                *entry = (0, now);
            }
            entry.0 += 1;
        }
    }

    /// A successful sign-in clears the account's count (not the address's).
    pub fn record_success(&self, username: &str) {
        let mut failures = self
            .failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        failures.remove(&account_key(username));
    }
}

fn account_key(username: &str) -> String {
    format!("u:{}", username.to_lowercase())
}

fn address_key(address: &str) -> String {
    format!("a:{address}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle() -> Throttle {
        Throttle::new(ThrottleLimits {
            per_account: 3,
            per_address: 5,
            window: Duration::from_secs(600),
        })
    }

    #[test]
    fn an_account_is_blocked_after_its_limit_and_freed_by_success() {
        let t = throttle();
        for _ in 0..2 {
            t.record_failure("sokha", "10.0.0.1");
        }
        assert!(t.blocked_for("sokha", "10.0.0.1").is_none());
        t.record_failure("Sokha", "10.0.0.1");
        assert!(t.blocked_for("sokha", "10.0.0.2").is_some());
        assert!(t.blocked_for("dara", "10.0.0.2").is_none());
        t.record_success("sokha");
        assert!(t.blocked_for("sokha", "10.0.0.2").is_none());
    }

    #[test]
    fn an_address_is_blocked_across_accounts() {
        let t = throttle();
        for name in ["a1", "a2", "a3", "a4", "a5"] {
            t.record_failure(name, "10.0.0.9");
        }
        assert!(t.blocked_for("someone-else", "10.0.0.9").is_some());
        assert!(t.blocked_for("someone-else", "10.0.0.8").is_none());
    }
}
