//! Password hashing with argon2id. These functions take tens of milliseconds of CPU
//! on purpose: async callers run them with `spawn_blocking`.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::StoreError;

/// Hashes a password with argon2id and a fresh random salt (PHC string format).
pub fn hash_password(password: &str) -> Result<String, StoreError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|_| StoreError::Password)
}

/// True when `password` matches the PHC string `hash`. A malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash of a random password, made once at start-up. Checking a sign-in for an
/// unknown username against it costs the same time as a wrong password, so timing
/// does not tell which usernames exist.
pub fn decoy_hash() -> Result<String, StoreError> {
    let random: [u8; 16] = rand::random();
    hash_password(&hex::encode(random))
}

/// [`hash_password`] on a blocking thread, so the async runtime keeps serving.
pub async fn hash_password_off_runtime(password: String) -> Result<String, StoreError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|_| StoreError::Password)?
}

/// [`verify_password`] on a blocking thread, so the async runtime keeps serving.
pub async fn verify_password_off_runtime(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_wrong_passwords_fail() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong horse", &hash));
        assert!(!verify_password("correct horse", "not a hash"));
    }
}
