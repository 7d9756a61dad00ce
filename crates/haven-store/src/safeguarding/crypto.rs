//! Sealing attachments at rest: XChaCha20-Poly1305 with the site's key and a fresh
//! random 24-byte nonce per file, the attachment's id as associated data (so a
//! ciphertext moved to another row does not open).

use std::fmt;

use chacha20poly1305::aead::{Aead, KeyInit, OsRng, Payload};
use chacha20poly1305::{AeadCore, XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

/// The 256-bit key that seals safeguarding attachments, from the settings. Its
/// `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct AttachmentKey([u8; 32]);

/// A key that is not 64 hexadecimal digits.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("the safeguarding attachment key must be 64 hexadecimal digits (32 random bytes, such as from `openssl rand -hex 32`)")]
pub struct BadKey;

impl AttachmentKey {
    /// Reads a key written as 64 hexadecimal digits.
    pub fn parse(text: &str) -> Result<AttachmentKey, BadKey> {
        let bytes = hex::decode(text.trim()).map_err(|_| BadKey)?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| BadKey)?;
        if bytes.iter().all(|b| *b == 0) {
            return Err(BadKey);
        }
        Ok(AttachmentKey(bytes))
    }

    /// A digest that names the key without revealing it: stored with each file, so a
    /// file sealed with another key is told apart from a damaged one.
    pub fn key_id(&self) -> String {
        let digest = Sha256::digest([b"haven-safeguarding-key:".as_slice(), &self.0].concat());
        hex::encode(&digest[..8])
    }

    /// Seals `plaintext`: the nonce and the ciphertext (with its tag).
    pub(crate) fn seal(&self, associated: &[u8], plaintext: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let ciphertext = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: associated,
                },
            )
            .ok()?;
        Some((nonce.to_vec(), ciphertext))
    }

    /// Opens a sealed file; `None` when the key, the nonce, the row or the bytes are
    /// not those it was sealed with.
    pub(crate) fn open(
        &self,
        associated: &[u8],
        nonce: &[u8],
        ciphertext: &[u8],
    ) -> Option<Vec<u8>> {
        if nonce.len() != 24 {
            return None;
        }
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: associated,
                },
            )
            .ok()
    }
}

impl fmt::Debug for AttachmentKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AttachmentKey(***)")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const KEY: &str = "8f1c2b7a9d4e6f3051a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f701";

    #[test]
    fn keys_are_64_hex_digits_and_never_shown() {
        let key = AttachmentKey::parse(KEY).unwrap();
        assert_eq!(format!("{key:?}"), "AttachmentKey(***)");
        assert_eq!(key.key_id().len(), 16);
        for bad in [
            "",
            "abc",
            &KEY[..62],
            &"0".repeat(64),
            &format!("{KEY}00"),
            &"g".repeat(64),
        ] {
            assert_eq!(AttachmentKey::parse(bad), Err(BadKey), "{bad}");
        }
    }

    #[test]
    fn a_sealed_file_opens_only_with_its_key_nonce_and_row() {
        let key = AttachmentKey::parse(KEY).unwrap();
        let other = AttachmentKey::parse(&KEY.replace('8', "9")).unwrap();
        let (nonce, sealed) = key.seal(b"row-1", b"%PDF-1.7 letter").unwrap();
        assert_eq!(nonce.len(), 24);
        assert!(!sealed.windows(6).any(|w| w == b"letter"));
        assert_eq!(
            key.open(b"row-1", &nonce, &sealed).unwrap(),
            b"%PDF-1.7 letter"
        );
        assert_eq!(other.open(b"row-1", &nonce, &sealed), None);
        assert_eq!(key.open(b"row-2", &nonce, &sealed), None);
        let mut tampered = sealed.clone();
        tampered[0] ^= 1;
        assert_eq!(key.open(b"row-1", &nonce, &tampered), None);
        // A fresh nonce each time: the same file seals differently.
        let (nonce2, sealed2) = key.seal(b"row-1", b"%PDF-1.7 letter").unwrap();
        assert_ne!((nonce, sealed), (nonce2, sealed2));
    }
}
