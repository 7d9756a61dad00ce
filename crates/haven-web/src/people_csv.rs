//! People in CSV files: reading an import file into registrations (a dry run that
//! finds every bad row with its line and reason), importing the good ones, and the
//! columns both the import and the export use.
//!
//! The import page and the `haven import people` command both call [`read_file`],
//! [`check_rows`] and [`import_rows`]; they differ only in how they show the report.
//! Row parsing is the API's ([`crate::person_input`]), so a row is refused for the
//! same reasons, with the same messages, as a registration over the API.

use std::collections::HashMap;

use haven_app::model::{Id, NewPerson, Person};
use haven_app::{App, AppError, Caller};
use haven_domain::person::{BirthDateInput, IdentifierKind, NameField, NameInput};
use time::Date;

use crate::i18n::Tr;
use crate::person_input::{
    check_against_registry, parse_person, split_date, InputField, InputProblem, PersonInput,
};

/// The columns an import file may have, in the order the export writes them.
pub const COLUMNS: [&str; 24] = [
    "family_name_km",
    "given_name_km",
    "family_name_latin",
    "given_name_latin",
    "other_names",
    "nicknames",
    "sex",
    "birth_date",
    "birth_date_precision",
    "birth_year",
    "birth_month",
    "age_years",
    "age_months",
    "phone",
    "province_code",
    "district",
    "commune",
    "village",
    "national_id",
    "birth_certificate",
    "sos_child_number",
    "id_poor",
    "categories",
    "facility",
];

/// The identifier columns and the kind each holds.
pub const IDENTIFIER_COLUMNS: [(&str, IdentifierKind); 4] = [
    ("national_id", IdentifierKind::NationalId),
    ("birth_certificate", IdentifierKind::BirthCertificate),
    ("sos_child_number", IdentifierKind::SosChildNumber),
    ("id_poor", IdentifierKind::IdPoor),
];

/// The most rows one file may hold.
pub const MAX_ROWS: usize = 10_000;

/// Why a whole file cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileProblem {
    /// No bytes, or only white space.
    Empty,
    /// A header and no rows.
    NoRows,
    /// Not UTF-8 text; the line of the first bad byte.
    NotUtf8 {
        line: u64,
    },
    UnknownColumn(String),
    RepeatedColumn(String),
    /// The CSV itself is broken at this line.
    Unreadable {
        line: u64,
    },
    TooManyRows,
}

impl FileProblem {
    /// The message in the reader's language.
    pub fn message(&self, tr: &Tr) -> String {
        match self {
            FileProblem::Empty => tr.t("import-error-empty"),
            FileProblem::NoRows => tr.t("import-error-no-rows"),
            FileProblem::NotUtf8 { line } => tr.t1("import-error-not-utf8", "line", line),
            FileProblem::UnknownColumn(name) => {
                tr.t1("import-error-unknown-column", "column", name)
            }
            FileProblem::RepeatedColumn(name) => {
                tr.t1("import-error-repeated-column", "column", name)
            }
            FileProblem::Unreadable { line } => tr.t1("import-error-unreadable", "line", line),
            FileProblem::TooManyRows => tr.t1("import-error-too-many-rows", "count", MAX_ROWS),
        }
    }
}

/// What is wrong with one row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowProblem {
    /// A field's value, in this column.
    Field {
        column: &'static str,
        problem: InputProblem,
    },
    /// The row has this many fields, and the header another number.
    FieldCount { found: usize },
    /// This identifier is also in an earlier row of the file.
    RepeatedInFile { column: &'static str, line: u64 },
}

impl RowProblem {
    /// The column the problem is in, if it is in one.
    pub fn column(&self) -> Option<&'static str> {
        match self {
            RowProblem::Field { column, .. } | RowProblem::RepeatedInFile { column, .. } => {
                Some(column)
            }
            RowProblem::FieldCount { .. } => None,
        }
    }

    /// A stable code: the translation key of the message.
    pub fn code(&self) -> &'static str {
        match self {
            RowProblem::Field { problem, .. } => problem.message_key(),
            RowProblem::FieldCount { .. } => "import-error-field-count",
            RowProblem::RepeatedInFile { .. } => "import-error-repeated-in-file",
        }
    }

    /// The reason in the reader's language, with the column it is in.
    pub fn message(&self, tr: &Tr) -> String {
        let reason = match self {
            RowProblem::Field { problem, .. } => tr.t(problem.message_key()),
            RowProblem::FieldCount { found } => tr.t1("import-error-field-count", "count", found),
            RowProblem::RepeatedInFile { line, .. } => {
                tr.t1("import-error-repeated-in-file", "line", line)
            }
        };
        match self.column() {
            Some(column) => format!("{column}: {reason}"),
            None => reason,
        }
    }
}

/// One row of the file: its line, and the registration or what is wrong with it.
#[derive(Clone, Debug)]
pub struct Row {
    /// The line the row starts on, counting the header as line 1.
    pub line: u64,
    pub outcome: Result<NewPerson, Vec<RowProblem>>,
    /// The column of each of the registration's identifiers, in order.
    identifier_columns: Vec<&'static str>,
}

impl Row {
    pub fn is_good(&self) -> bool {
        self.outcome.is_ok()
    }

    fn refuse(&mut self, problem: RowProblem) {
        match &mut self.outcome {
            Ok(_) => self.outcome = Err(vec![problem]),
            Err(problems) => problems.push(problem),
        }
    }
}

/// What the import did.
#[derive(Debug, Default)]
pub struct Imported {
    /// The line of each imported row, and the person it registered.
    pub people: Vec<(u64, Person)>,
}

/// Reads a file's rows into registrations (or their problems); `default_facility`
/// is used for rows whose `facility` is empty. This is the pure part of the dry
/// run: [`check_rows`] then asks the database.
pub fn read_file(
    bytes: &[u8],
    default_facility: Option<Id>,
    today: Date,
) -> Result<Vec<Row>, FileProblem> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|error| FileProblem::NotUtf8 {
        line: 1 + bytes[..error.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64,
    })?;
    if text.trim().is_empty() {
        return Err(FileProblem::Empty);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|_| FileProblem::Unreadable { line: 1 })?
        .clone();
    let mut columns: Vec<&'static str> = Vec::new();
    for name in header.iter() {
        let name = name.trim().to_lowercase();
        let Some(known) = COLUMNS.iter().find(|c| **c == name) else {
            return Err(FileProblem::UnknownColumn(name));
        };
        if columns.contains(known) {
            return Err(FileProblem::RepeatedColumn(name));
        }
        columns.push(known);
    }
    let default_facility = default_facility.map(|id| id.to_string());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|error| FileProblem::Unreadable {
            line: error.position().map_or(1, |p| p.line()),
        })?;
        let line = record
            .position()
            .map_or(1, |position| line_of(text, position));
        if record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(FileProblem::TooManyRows);
        }
        if record.len() != columns.len() {
            rows.push(Row {
                line,
                outcome: Err(vec![RowProblem::FieldCount {
                    found: record.len(),
                }]),
                identifier_columns: Vec::new(),
            });
            continue;
        }
        let field = |name: &str| -> &str {
            columns
                .iter()
                .position(|c| *c == name)
                .and_then(|at| record.get(at))
                .unwrap_or("")
        };
        rows.push(read_row(line, &field, default_facility.as_deref(), today));
    }
    if rows.is_empty() {
        return Err(FileProblem::NoRows);
    }
    refuse_repeated_identifiers(&mut rows);
    Ok(rows)
}

/// Checks the good rows against the database: the facility must exist and lie in the
/// importer's write scope for people (haven-app decides), and no one may hold their
/// identifiers already.
pub async fn check_rows(app: &App, caller: &Caller, rows: &mut [Row]) -> Result<(), AppError> {
    for row in rows.iter_mut() {
        let Ok(new) = &row.outcome else { continue };
        let mut problems: Vec<RowProblem> = check_against_registry(app, caller, new, None)
            .await?
            .into_iter()
            .map(|error| RowProblem::Field {
                column: column_of(error.field, &row.identifier_columns),
                problem: error.problem,
            })
            .collect();
        match app.may_place(caller, new.details.registered_facility).await {
            Ok(()) => {}
            Err(AppError::ScopeBeyondYours) => problems.push(beyond_yours()),
            Err(other) => return Err(other),
        }
        for problem in problems {
            row.refuse(problem);
        }
    }
    Ok(())
}

fn beyond_yours() -> RowProblem {
    RowProblem::Field {
        column: "facility",
        problem: InputProblem::FacilityBeyondYours,
    }
}

/// Registers the good rows, one by one, through haven-app's registration, then audits
/// the import as a whole. A row whose identifier was taken since the check is refused
/// and reported like any bad row; the rows before it stay imported.
pub async fn import_rows(
    app: &App,
    caller: &Caller,
    rows: &mut [Row],
) -> Result<Imported, AppError> {
    let mut imported = Imported::default();
    for row in rows.iter_mut() {
        let Ok(new) = &row.outcome else { continue };
        match app.register_person(caller, new).await {
            Ok(person) => imported.people.push((row.line, person)),
            Err(AppError::Duplicate {
                field: "identifier",
            }) => {
                let column = row.identifier_columns.first().copied().unwrap_or("");
                row.refuse(RowProblem::Field {
                    column,
                    problem: InputProblem::IdentifierTaken,
                });
            }
            Err(AppError::ScopeBeyondYours) => row.refuse(beyond_yours()),
            Err(other) => return Err(other),
        }
    }
    let refused = rows.iter().filter(|row| !row.is_good()).count();
    app.record_people_import(caller, imported.people.len(), refused)
        .await?;
    Ok(imported)
}

fn read_row<'a>(
    line: u64,
    field: &dyn Fn(&str) -> &'a str,
    default_facility: Option<&'a str>,
    today: Date,
) -> Row {
    let mut early = Vec::new();
    let (year, month, day) = match field("birth_date").trim() {
        "" => (field("birth_year"), field("birth_month"), ""),
        date => match split_date(date) {
            Ok(parts) => parts,
            Err(problem) => {
                early.push(RowProblem::Field {
                    column: "birth_date",
                    problem,
                });
                ("", "", "")
            }
        },
    };
    let mut identifiers = Vec::new();
    let mut identifier_columns = Vec::new();
    for (column, kind) in IDENTIFIER_COLUMNS {
        let value = field(column);
        if !value.trim().is_empty() {
            identifiers.push((kind.code(), value));
            identifier_columns.push(column);
        }
    }
    let facility = match field("facility").trim() {
        "" => default_facility.unwrap_or(""),
        given => given,
    };
    let input = PersonInput {
        names: NameInput {
            family_km: field("family_name_km"),
            given_km: field("given_name_km"),
            family_latin: field("family_name_latin"),
            given_latin: field("given_name_latin"),
            other_names: field("other_names"),
            nicknames: field("nicknames"),
        },
        sex: field("sex"),
        birth_date: BirthDateInput {
            precision: field("birth_date_precision"),
            year,
            month,
            day,
            age_years: field("age_years"),
            age_months: field("age_months"),
        },
        phone: field("phone"),
        province_code: field("province_code"),
        district: field("district"),
        commune: field("commune"),
        village: field("village"),
        facility,
        identifiers,
        categories: field("categories").split(';').collect(),
    };
    let outcome = match parse_person(&input, today) {
        Ok(new) if early.is_empty() => Ok(new),
        Ok(_) => Err(early),
        Err(errors) => {
            let date_reported = !early.is_empty();
            let mut problems = early;
            problems.extend(
                errors
                    .into_iter()
                    .filter(|e| !(date_reported && e.field == InputField::BirthDate))
                    .map(|e| RowProblem::Field {
                        column: column_of(e.field, &identifier_columns),
                        problem: e.problem,
                    }),
            );
            Err(problems)
        }
    };
    Row {
        line,
        outcome,
        identifier_columns,
    }
}

/// The line a record starts on. The reader counts from where it began reading,
/// before any blank lines it skipped; those are counted here.
fn line_of(text: &str, position: &csv::Position) -> u64 {
    let skipped = text
        .as_bytes()
        .get(usize::try_from(position.byte()).unwrap_or(usize::MAX)..)
        .unwrap_or_default()
        .iter()
        .take_while(|b| matches!(b, b'\r' | b'\n'))
        .filter(|b| **b == b'\n')
        .count();
    position.line() + skipped as u64
}

/// Refuses every row that repeats an identifier of an earlier row of the file.
fn refuse_repeated_identifiers(rows: &mut [Row]) {
    let mut first_seen: HashMap<(IdentifierKind, String), u64> = HashMap::new();
    for row in rows.iter_mut() {
        let Ok(new) = &row.outcome else { continue };
        let mut repeats = Vec::new();
        for (index, (identifier, _)) in new.identifiers.iter().enumerate() {
            let key = (identifier.kind(), identifier.key().to_owned());
            match first_seen.get(&key) {
                Some(line) => repeats.push(RowProblem::RepeatedInFile {
                    column: row.identifier_columns.get(index).copied().unwrap_or(""),
                    line: *line,
                }),
                None => {
                    first_seen.insert(key, row.line);
                }
            }
        }
        for problem in repeats {
            row.refuse(problem);
        }
    }
}

/// The column a field comes from.
fn column_of(field: InputField, identifier_columns: &[&'static str]) -> &'static str {
    match field {
        InputField::Name(NameField::FamilyKm) => "family_name_km",
        InputField::Name(NameField::GivenKm) => "given_name_km",
        InputField::Name(NameField::FamilyLatin) => "family_name_latin",
        InputField::Name(NameField::GivenLatin) => "given_name_latin",
        InputField::Name(NameField::OtherNames) => "other_names",
        InputField::Name(NameField::Nicknames) => "nicknames",
        InputField::Sex => "sex",
        InputField::BirthDate => "birth_date",
        InputField::Phone => "phone",
        InputField::ProvinceCode => "province_code",
        InputField::District => "district",
        InputField::Commune => "commune",
        InputField::Village => "village",
        InputField::Facility => "facility",
        InputField::Identifier(index) => identifier_columns.get(index).copied().unwrap_or(""),
        InputField::Category(_) => "categories",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use haven_domain::person::PersonError;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 22);

    fn problems(text: &str) -> Result<Vec<(u64, Vec<String>)>, FileProblem> {
        Ok(read_file(text.as_bytes(), None, TODAY)?
            .into_iter()
            .map(|row| {
                let codes = match &row.outcome {
                    Ok(_) => Vec::new(),
                    Err(problems) => problems
                        .iter()
                        .map(|p| format!("{}:{}", p.column().unwrap_or("-"), p.code()))
                        .collect(),
                };
                (row.line, codes)
            })
            .collect())
    }

    #[test]
    fn a_file_is_read_row_by_row_with_line_numbers() {
        let text =
            "\u{FEFF}family_name_latin,given_name_latin,sex,birth_date,national_id,categories\n\
                    Sok,Dara,male,2019-03-04,N-1,sos_child;community_member\n\
                    \n\
                    Chan,,female,2019-02-31,N-2,\n\
                    Keo,Bopha,robot,2999-01-01,n 1,astronaut\n\
                    \"Long\nName\",X,female,2000-01-01,,\n\
                    Too,Many,female,2000-01-01,,,extra\n";
        assert_eq!(
            problems(text),
            Ok(vec![
                (2, vec![]),
                (
                    4,
                    vec![format!(
                        "birth_date:{}",
                        PersonError::BirthDateNoSuchDay.code()
                    )]
                ),
                (
                    5,
                    vec![
                        "sex:import-error-sex".to_owned(),
                        format!("birth_date:{}", PersonError::BirthDateInFuture.code()),
                        "categories:import-error-category".to_owned(),
                    ]
                ),
                // A line break inside a name is refused, not silently removed.
                (
                    6,
                    vec![format!(
                        "family_name_latin:{}",
                        PersonError::NameHasControlCharacter.code()
                    )]
                ),
                (8, vec!["-:import-error-field-count".to_owned()]),
            ])
        );
    }

    #[test]
    fn an_identifier_twice_in_a_file_is_refused_the_second_time() {
        let text = "given_name_latin,sex,birth_year,national_id,id_poor\n\
                    A,female,2001,N-1,P-1\n\
                    B,female,2002,n1,\n\
                    C,female,2003,,p 1\n";
        assert_eq!(
            problems(text),
            Ok(vec![
                (2, vec![]),
                (
                    3,
                    vec!["national_id:import-error-repeated-in-file".to_owned()]
                ),
                (4, vec!["id_poor:import-error-repeated-in-file".to_owned()]),
            ])
        );
    }

    #[test]
    fn a_file_that_cannot_be_read_says_why() {
        assert_eq!(problems(""), Err(FileProblem::Empty));
        assert_eq!(problems(" \n\n"), Err(FileProblem::Empty));
        assert_eq!(problems("given_name_latin,sex\n"), Err(FileProblem::NoRows));
        assert_eq!(
            problems("given_name_latin,shoe_size\nA,42\n"),
            Err(FileProblem::UnknownColumn("shoe_size".to_owned()))
        );
        assert_eq!(
            problems("sex,SEX\nfemale,female\n"),
            Err(FileProblem::RepeatedColumn("sex".to_owned()))
        );
        assert_eq!(
            read_file(b"sex\nfemale\n\xFF\xFE\n", None, TODAY).err(),
            Some(FileProblem::NotUtf8 { line: 3 })
        );
        let many = format!("sex\n{}", "female\n".repeat(MAX_ROWS + 1));
        assert_eq!(problems(&many), Err(FileProblem::TooManyRows));
    }

    proptest::proptest! {
        #[test]
        fn reading_any_bytes_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
            let _ = read_file(&bytes, None, TODAY);
        }

        #[test]
        fn reading_any_text_after_a_header_never_panics(body in "(?s).{0,300}") {
            let text = format!("{}\n{body}", COLUMNS.join(","));
            let _ = read_file(text.as_bytes(), None, TODAY);
        }
    }
}
