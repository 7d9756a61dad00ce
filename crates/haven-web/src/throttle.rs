//! Throttling of failed sign-ins so that passwords cannot be guessed at speed, and
//! so that nobody can use the throttle to lock someone else out. Kept in memory: a
//! restart forgets it, which only gives a guesser one more window.
//!
//! Two counts, each with its own purpose:
//! - per account AND address: after a few free failures, each further attempt of
//!   that account from that address waits longer (doubling, up to the window). A
//!   stranger typing wrong passwords for the focal point's account slows down only
//!   their own attempts; the focal point signs in from her own machine at once.
//! - per address, across accounts: a limit of failures per window, against one
//!   machine trying many accounts. It is high enough that a site behind one NAT
//!   address is not locked out by one person: that person's own attempts slow down
//!   long before they could use it up.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many failures are allowed before sign-ins wait or are refused.
#[derive(Clone, Copy, Debug)]
pub struct ThrottleLimits {
    /// Failures of one account from one address before each further attempt waits.
    pub per_account: u32,
    /// Failures from one address, across accounts, within the window.
    pub per_address: u32,
    /// The longest wait, and the window of the per-address count.
    pub window: Duration,
    /// The first wait after the free failures; each further failure doubles it.
    pub first_delay: Duration,
}

impl Default for ThrottleLimits {
    fn default() -> Self {
        ThrottleLimits {
            per_account: 5,
            per_address: 50,
            window: Duration::from_secs(15 * 60),
            first_delay: Duration::from_secs(30),
        }
    }
}

/// Failure counts by key, each with the time of the first failure of its window
/// and of the last failure.
pub struct Throttle {
    limits: ThrottleLimits,
    failures: Mutex<HashMap<String, Count>>,
}

#[derive(Clone, Copy, Debug)]
struct Count {
    failures: u32,
    since: Instant,
    last: Instant,
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

    /// Starts a sign-in attempt: refuses it with the time left to wait when this
    /// account from this address must wait, or the address has used up its
    /// attempts; otherwise counts it at once, before the password is checked, so
    /// that a burst of simultaneous attempts cannot all slip through.
    pub fn begin_attempt(&self, username: &str, address: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let window = self.limits.window;
        let mut failures = self
            .failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if failures.len() >= MAX_KEYS {
            failures.retain(|_, count| now.duration_since(count.last) < window);
        }
        let pair = pair_key(username, address);
        let address = address_key(address);
        if let Some(count) = failures.get(&pair) {
            let wait = self.delay_after(count.failures);
            let elapsed = now.duration_since(count.last);
            if elapsed < wait {
                return Err(wait - elapsed);
            }
        }
        if let Some(count) = failures.get(&address) {
            let elapsed = now.duration_since(count.since);
            if count.failures >= self.limits.per_address && elapsed < window {
                return Err(window - elapsed);
            }
        }
        for key in [pair, address] {
            let count = failures.entry(key).or_insert(Count {
                failures: 0,
                since: now,
                last: now,
            });
            if now.duration_since(count.last) >= window {
                *count = Count {
                    failures: 0,
                    since: now,
                    last: now,
                };
            }
            count.failures += 1;
            count.last = now;
        }
        Ok(())
    }

    /// A successful sign-in clears this account's count from this address and takes
    /// its attempt back from the address's.
    pub fn record_success(&self, username: &str, address: &str) {
        let mut failures = self
            .failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        failures.remove(&pair_key(username, address));
        if let Some(count) = failures.get_mut(&address_key(address)) {
            count.failures = count.failures.saturating_sub(1);
        }
    }

    /// How long the next attempt waits after `failures` failures of one account from
    /// one address: nothing for the free ones, then the first delay, doubling, at most
    /// the window.
    fn delay_after(&self, failures: u32) -> Duration {
        let Some(extra) = failures.checked_sub(self.limits.per_account) else {
            return Duration::ZERO;
        };
        let factor = 2u32.saturating_pow(extra.min(20));
        self.limits
            .first_delay
            .saturating_mul(factor)
            .min(self.limits.window)
    }
}

fn pair_key(username: &str, address: &str) -> String {
    format!("u:{}\u{0}{address}", username.to_lowercase())
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
            first_delay: Duration::from_secs(30),
        })
    }

    #[test]
    fn an_account_waits_from_that_address_only_and_success_frees_it() {
        let t = throttle();
        for _ in 0..3 {
            assert!(t.begin_attempt("sokha", "10.0.0.1").is_ok());
        }
        // The fourth attempt from the same address waits, even with the right
        // password: it is counted before the password is checked.
        let wait = t.begin_attempt("Sokha", "10.0.0.1").unwrap_err();
        assert!(wait <= Duration::from_secs(30) && wait > Duration::from_secs(25));
        // The account's owner, elsewhere, is not locked out by the stranger.
        assert!(t.begin_attempt("sokha", "10.0.0.2").is_ok());
        t.record_success("sokha", "10.0.0.1");
        assert!(t.begin_attempt("sokha", "10.0.0.1").is_ok());
    }

    #[test]
    fn the_waits_double_up_to_the_window() {
        let t = throttle();
        let waits: Vec<u64> = (0..10).map(|n| t.delay_after(n).as_secs()).collect();
        assert_eq!(waits, vec![0, 0, 0, 30, 60, 120, 240, 480, 600, 600]);
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
