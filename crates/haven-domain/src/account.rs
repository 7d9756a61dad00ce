//! User accounts: the values a username, a display name and a new password must be.

use crate::text::normalise;

/// Why an account value was refused. Each variant has a stable code that the
/// translation files render in the user's language.
#[derive(Clone, Copy, Debug, thiserror::Error, PartialEq, Eq)]
pub enum AccountError {
    #[error("a username is 3 to 64 letters, digits, dots, dashes or underscores")]
    BadUsername,
    #[error("a display name is 1 to 200 characters")]
    BadDisplayName,
    #[error("a password has at least 10 characters")]
    PasswordTooShort,
    #[error("a password has at most 256 characters")]
    PasswordTooLong,
    #[error("a password must not be the username")]
    PasswordIsUsername,
}

impl AccountError {
    /// The stable code of the error, also its translation key.
    pub fn code(self) -> &'static str {
        match self {
            AccountError::BadUsername => "account-bad-username",
            AccountError::BadDisplayName => "account-bad-display-name",
            AccountError::PasswordTooShort => "account-password-too-short",
            AccountError::PasswordTooLong => "account-password-too-long",
            AccountError::PasswordIsUsername => "account-password-is-username",
        }
    }
}

/// A username: lower case ASCII letters, digits, `.`, `-`, `_`; 3 to 64 of them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    pub fn parse(input: &str) -> Result<Username, AccountError> {
        let name = input.trim().to_ascii_lowercase();
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c);
        if (3..=64).contains(&name.len()) && name.chars().all(allowed) {
            Ok(Username(name))
        } else {
            Err(AccountError::BadUsername)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The name shown for a user, in any script, stored as NFC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(input: &str) -> Result<DisplayName, AccountError> {
        if input.chars().any(char::is_control) {
            return Err(AccountError::BadDisplayName);
        }
        let name = normalise(input);
        let length = name.chars().count();
        if (1..=200).contains(&length) {
            Ok(DisplayName(name))
        } else {
            Err(AccountError::BadDisplayName)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password a user chose, checked against the policy before it is hashed.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(input: &str, username: &Username) -> Result<NewPassword, AccountError> {
        let length = input.chars().count();
        if length < 10 {
            return Err(AccountError::PasswordTooShort);
        }
        if length > 256 {
            return Err(AccountError::PasswordTooLong);
        }
        if input.trim().eq_ignore_ascii_case(username.as_str()) {
            return Err(AccountError::PasswordIsUsername);
        }
        Ok(NewPassword(input.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(redacted)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        let check = |input: &str, expected: Result<&str, AccountError>| {
            assert_eq!(
                Username::parse(input).map(|u| u.as_str().to_owned()),
                expected.map(str::to_owned),
                "{input:?}"
            );
        };
        check("sokha", Ok("sokha"));
        check(" Dr.Chan_1 ", Ok("dr.chan_1"));
        check("ab", Err(AccountError::BadUsername));
        check("sok ha", Err(AccountError::BadUsername));
        check("សុខា", Err(AccountError::BadUsername));
        check(&"a".repeat(65), Err(AccountError::BadUsername));
    }

    #[test]
    fn passwords() {
        let user = Username::parse("sokha").unwrap();
        assert_eq!(
            NewPassword::parse("short", &user).unwrap_err(),
            AccountError::PasswordTooShort
        );
        assert_eq!(
            NewPassword::parse(&"x".repeat(257), &user).unwrap_err(),
            AccountError::PasswordTooLong
        );
        assert!(NewPassword::parse("a long enough pass", &user).is_ok());
        // Khmer passphrases count characters, not bytes.
        assert!(NewPassword::parse("ពាក្យសម្ងាត់វែង", &user).is_ok());
        assert_eq!(
            format!(
                "{:?}",
                NewPassword::parse("a long enough pass", &user).unwrap()
            ),
            "NewPassword(redacted)"
        );
    }

    #[test]
    fn display_names_are_nfc_and_bounded() {
        assert_eq!(DisplayName::parse(" សុខា ").unwrap().as_str(), "សុខា");
        assert_eq!(DisplayName::parse("   "), Err(AccountError::BadDisplayName));
        assert_eq!(
            DisplayName::parse("a\u{0}b"),
            Err(AccountError::BadDisplayName)
        );
    }
}
