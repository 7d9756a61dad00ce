//! The two column types every record has: its id and its instants.
//!
//! On PostgreSQL they are native `uuid` and `timestamptz`. On SQLite they are text in
//! one fixed width form, so that text order is time order and a row reads plainly in
//! the sqlite3 shell.

use std::fmt;
use std::str::FromStr;

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, PgValueRef};
use sqlx::sqlite::{SqliteArgumentValue, SqliteTypeInfo, SqliteValueRef};
use sqlx::{Decode, Encode, Postgres, Sqlite, Type};
use time::format_description::FormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};
use uuid::Uuid;

/// A record's id: a UUIDv7, made where the record is created.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(Uuid);

impl Id {
    /// A new UUIDv7: time-ordered, so ids sort in the order records were made.
    pub fn new() -> Id {
        Id(Uuid::now_v7())
    }

    /// The id that stands for Haven itself (migrations, the command line, demo data).
    pub const SYSTEM: Id = Id(Uuid::nil());

    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl Default for Id {
    fn default() -> Self {
        Id::new()
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.hyphenated(), f)
    }
}

impl FromStr for Id {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s.trim()).map(Id)
    }
}

impl From<Uuid> for Id {
    fn from(uuid: Uuid) -> Self {
        Id(uuid)
    }
}

/// An instant in UTC, to the microsecond (PostgreSQL's precision), so that a value
/// reads back exactly as it was written on both databases.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(OffsetDateTime);

const SQLITE_FORMAT: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

impl Timestamp {
    pub fn now() -> Timestamp {
        Timestamp::from_datetime(OffsetDateTime::now_utc())
    }

    pub fn from_datetime(at: OffsetDateTime) -> Timestamp {
        let at = at.to_offset(UtcOffset::UTC);
        let micros = at.microsecond();
        // Truncation to whole microseconds cannot fail: the value stays in range.
        let at = at.replace_nanosecond(micros * 1000).unwrap_or(at);
        Timestamp(at)
    }

    pub fn datetime(&self) -> OffsetDateTime {
        self.0
    }

    /// The fixed-width text form, also used in audit hashes.
    pub fn to_text(&self) -> String {
        // Formatting a UTC date-time with this description cannot fail for years
        // 0000-9999; fall back to RFC 3339 rather than panic outside them.
        self.0
            .format(SQLITE_FORMAT)
            .unwrap_or_else(|_| self.0.unix_timestamp_nanos().to_string())
    }

    pub fn parse_text(text: &str) -> Result<Timestamp, time::error::Parse> {
        let primitive = time::PrimitiveDateTime::parse(text, SQLITE_FORMAT)?;
        Ok(Timestamp(primitive.assume_utc()))
    }

    /// This instant moved by `seconds`, stopping at the ends of the representable
    /// range rather than overflowing.
    pub fn plus_seconds(&self, seconds: i64) -> Timestamp {
        Timestamp(self.0.saturating_add(time::Duration::seconds(seconds)))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl Type<Sqlite> for Id {
    fn type_info() -> SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }
}

impl<'q> Encode<'q, Sqlite> for Id {
    fn encode_by_ref(&self, buf: &mut Vec<SqliteArgumentValue<'q>>) -> Result<IsNull, BoxDynError> {
        <String as Encode<'q, Sqlite>>::encode(self.to_string(), buf)
    }
}

impl<'r> Decode<'r, Sqlite> for Id {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <&str as Decode<'r, Sqlite>>::decode(value)?;
        Ok(Id(Uuid::parse_str(text)?))
    }
}

impl Type<Postgres> for Id {
    fn type_info() -> PgTypeInfo {
        <Uuid as Type<Postgres>>::type_info()
    }
}

impl Encode<'_, Postgres> for Id {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        <Uuid as Encode<'_, Postgres>>::encode_by_ref(&self.0, buf)
    }
}

impl<'r> Decode<'r, Postgres> for Id {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(Id(<Uuid as Decode<'r, Postgres>>::decode(value)?))
    }
}

impl Type<Sqlite> for Timestamp {
    fn type_info() -> SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }
}

impl<'q> Encode<'q, Sqlite> for Timestamp {
    fn encode_by_ref(&self, buf: &mut Vec<SqliteArgumentValue<'q>>) -> Result<IsNull, BoxDynError> {
        <String as Encode<'q, Sqlite>>::encode(self.to_text(), buf)
    }
}

impl<'r> Decode<'r, Sqlite> for Timestamp {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <&str as Decode<'r, Sqlite>>::decode(value)?;
        Ok(Timestamp::parse_text(text)?)
    }
}

impl Type<Postgres> for Timestamp {
    fn type_info() -> PgTypeInfo {
        <OffsetDateTime as Type<Postgres>>::type_info()
    }
}

impl Encode<'_, Postgres> for Timestamp {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        <OffsetDateTime as Encode<'_, Postgres>>::encode_by_ref(&self.0, buf)
    }
}

impl<'r> Decode<'r, Postgres> for Timestamp {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(Timestamp::from_datetime(<OffsetDateTime as Decode<
            'r,
            Postgres,
        >>::decode(value)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_through_text_at_microsecond_precision() {
        let at = Timestamp::now();
        assert_eq!(Timestamp::parse_text(&at.to_text()).unwrap(), at);
        assert_eq!(at.to_text().len(), "2026-11-22T01:00:00.000000Z".len());
    }

    #[test]
    fn ids_are_time_ordered() {
        let first = Id::new();
        let second = Id::new();
        assert!(first < second);
        assert_eq!(first.to_string().parse::<Id>().unwrap(), first);
    }
}
