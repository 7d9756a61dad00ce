//! What an attachment to a report may be: a photo (JPEG, PNG) or a scanned letter
//! (PDF), told by the file's first bytes, never by its name; and how large.

coded_enum! {
    /// The kinds of file a report may carry, by their media type.
    AttachmentType {
        Jpeg => "image/jpeg",
        Png => "image/png",
        Pdf => "application/pdf",
    }
}

impl AttachmentType {
    /// The kind of file these bytes are, from their signature ("magic bytes").
    pub fn sniff(bytes: &[u8]) -> Option<AttachmentType> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(AttachmentType::Jpeg)
        } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(AttachmentType::Png)
        } else if bytes.starts_with(b"%PDF-") {
            Some(AttachmentType::Pdf)
        } else {
            None
        }
    }

    /// The file name extension a download gets.
    pub fn extension(self) -> &'static str {
        match self {
            AttachmentType::Jpeg => "jpg",
            AttachmentType::Png => "png",
            AttachmentType::Pdf => "pdf",
        }
    }

    /// Checks a file: not empty, at most `max_bytes`, and of a known kind.
    pub fn check(bytes: &[u8], max_bytes: usize) -> Result<AttachmentType, AttachmentError> {
        if bytes.is_empty() {
            return Err(AttachmentError::Empty);
        }
        if bytes.len() > max_bytes {
            return Err(AttachmentError::TooLarge);
        }
        AttachmentType::sniff(bytes).ok_or(AttachmentError::UnknownType)
    }
}

/// Why a file cannot be attached. Each code is a translation key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than Haven accepts")]
    TooLarge,
    #[error("only photos (JPEG, PNG) and PDF files can be attached")]
    UnknownType,
    #[error("attachments are not set up on this site")]
    NotConfigured,
}

impl AttachmentError {
    pub fn code(self) -> &'static str {
        match self {
            AttachmentError::Empty => "safeguarding-error-attachment-empty",
            AttachmentError::TooLarge => "safeguarding-error-attachment-too-large",
            AttachmentError::UnknownType => "safeguarding-error-attachment-type",
            AttachmentError::NotConfigured => "safeguarding-error-attachment-not-configured",
        }
    }

    pub const ALL: [AttachmentError; 4] = [
        AttachmentError::Empty,
        AttachmentError::TooLarge,
        AttachmentError::UnknownType,
        AttachmentError::NotConfigured,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_known_by_their_first_bytes_not_their_names() {
        let check =
            |bytes: &[u8], max: usize, expected: Result<AttachmentType, AttachmentError>| {
                assert_eq!(AttachmentType::check(bytes, max), expected, "{bytes:?}");
            };
        check(
            &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10],
            100,
            Ok(AttachmentType::Jpeg),
        );
        check(
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
            100,
            Ok(AttachmentType::Png),
        );
        check(b"%PDF-1.7\n", 100, Ok(AttachmentType::Pdf));
        check(b"MZ\x90\0", 100, Err(AttachmentError::UnknownType));
        check(
            b"<svg onload=alert(1)>",
            100,
            Err(AttachmentError::UnknownType),
        );
        check(b"GIF89a", 100, Err(AttachmentError::UnknownType));
        check(b"%PD", 100, Err(AttachmentError::UnknownType));
        check(b"", 100, Err(AttachmentError::Empty));
        check(b"%PDF-1.7\n", 5, Err(AttachmentError::TooLarge));
        check(b"%PDF-", 5, Ok(AttachmentType::Pdf));
    }
}
