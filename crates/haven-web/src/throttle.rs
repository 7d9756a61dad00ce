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

    /// Starts a sign-in attempt: refuses it with the time left to wait when the
    /// account or the address has used up its attempts, and otherwise counts it at
    /// once, before the password is checked, so that a burst of simultaneous
    /// attempts cannot all slip through.
    pub fn begin_attempt(&self, username: &str, address: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let window = self.limits.window;
        let mut failures = self
            .failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if failures.len() >= MAX_KEYS {
            failures.retain(|_, (_, since)| now.duration_since(*since) < window);
        }
        let keys = [
            (account_key(username), self.limits.per_account),
            (address_key(address), self.limits.per_address),
        ];
        for (key, limit) in &keys {
            if let Some((count, since)) = failures.get(key) {
                let elapsed = now.duration_since(*since);
                if *count >= *limit && elapsed < window {
                    return Err(window - elapsed);
                }
            }
        }
        for (key, _) in keys {
            let entry = failures.entry(key).or_insert((0, now));
            if now.duration_since(entry.1) >= window {
                *entry = (0, now);
            }
            entry.0 += 1;
        }
        Ok(())
    }

    /// A successful sign-in clears the account's count and takes its attempt back
    /// from the address's.
    pub fn record_success(&self, username: &str, address: &str) {
        let mut failures = self
            .failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        failures.remove(&account_key(username));
        if let Some(entry) = failures.get_mut(&address_key(address)) {
            entry.0 = entry.0.saturating_sub(1);
        }
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
        for _ in 0..3 {
            assert!(t.begin_attempt("sokha", "10.0.0.1").is_ok());
        }
        // The fourth attempt is refused, whatever the address, even with the right
        // password: it is counted before the password is checked.
        assert!(t.begin_attempt("Sokha", "10.0.0.2").is_err());
        assert!(t.begin_attempt("dara", "10.0.0.2").is_ok());
        t.record_success("sokha", "10.0.0.1");
        assert!(t.begin_attempt("sokha", "10.0.0.2").is_ok());
    }

    #[test]
    fn an_address_is_blocked_across_accounts() {
        let t = throttle();
        for name in ["a1", "a2", "a3", "a4", "a5"] {
            assert!(t.begin_attempt(name, "10.0.0.9").is_ok());
        }
        assert!(t.begin_attempt("someone-else", "10.0.0.9").is_err());
        assert!(t.begin_attempt("someone-else", "10.0.0.8").is_ok());
    }

    #[test]
    fn simultaneous_attempts_are_all_counted() {
        let t = std::sync::Arc::new(throttle());
        let allowed: usize = (0..30)
            .map(|_| {
                let t = t.clone();
                std::thread::spawn(move || t.begin_attempt("nurse", "10.0.0.3").is_ok())
            })
            .map(|handle| usize::from(handle.join().unwrap()))
            .sum();
        assert_eq!(allowed, 3);
    }
}
