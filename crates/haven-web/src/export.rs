//! CSV downloads: one helper for every list Haven exports (staff, programme
//! locations, people). The file opens in Excel with Khmer intact (a UTF-8 byte order
//! mark) and no cell can run as a formula (CSV injection).
//!
//! Callers check the list's read permission first and audit the export with
//! `Store::record_export`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// The byte order mark that tells Excel the file is UTF-8.
const BOM: &str = "\u{feff}";

/// A CSV file download named `filename` (ASCII letters, digits, `-`, `_` and `.`
/// are kept; anything else becomes `_`).
pub fn csv_response(filename: &str, header: &[String], rows: Vec<Vec<String>>) -> Response {
    match csv_bytes(header, rows) {
        Ok(body) => {
            let mut response = (StatusCode::OK, body).into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            );
            let disposition = format!("attachment; filename=\"{}\"", safe_filename(filename));
            if let Ok(value) = HeaderValue::from_str(&disposition) {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(error) => {
            tracing::error!(%error, "writing a CSV export");
            crate::error::WebError::Internal.into_response()
        }
    }
}

/// The bytes of the file: the byte order mark, the header row, then the rows, every
/// cell made safe with [`defuse`].
pub fn csv_bytes(header: &[String], rows: Vec<Vec<String>>) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.as_bytes().to_vec());
    writer.write_record(header.iter().map(|cell| defuse(cell)))?;
    for row in rows {
        writer.write_record(row.iter().map(|cell| defuse(cell)))?;
    }
    writer
        .into_inner()
        .map_err(|error| csv::Error::from(error.into_error()))
}

/// A cell a spreadsheet will not run: one that begins with `=`, `+`, `-`, `@`, a
/// tab or a carriage return is prefixed with `'` (OWASP's advice on CSV injection).
pub fn defuse(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

fn safe_filename(name: &str) -> String {
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() {
        "export.csv".to_owned()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_a_spreadsheet_would_run_are_defused() {
        let check = |cell: &str, expected: &str| assert_eq!(defuse(cell), expected, "{cell:?}");
        check("=1+1", "'=1+1");
        check("+855 12 345 678", "'+855 12 345 678");
        check("-3", "'-3");
        check("@SUM(A1)", "'@SUM(A1)");
        check("\tx", "'\tx");
        check("\rx", "'\rx");
        check("សុខា", "សុខា");
        check("a=b", "a=b");
        check("", "");
    }

    #[test]
    fn the_file_starts_with_a_bom_and_quotes_what_needs_quoting() {
        let bytes = csv_bytes(
            &["name".to_owned(), "note".to_owned()],
            vec![vec!["សុខា".to_owned(), "a, \"b\"".to_owned()]],
        )
        .unwrap_or_default();
        let text = String::from_utf8(bytes).unwrap_or_default();
        assert_eq!(text, "\u{feff}name,note\r\nសុខា,\"a, \"\"b\"\"\"\r\n");
    }

    #[test]
    fn filenames_stay_plain() {
        assert_eq!(safe_filename("staff.csv"), "staff.csv");
        assert_eq!(safe_filename("a\"b\r\n.csv"), "a_b__.csv");
        assert_eq!(safe_filename(""), "export.csv");
    }
}
