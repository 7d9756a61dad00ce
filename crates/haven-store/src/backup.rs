//! Consistent copies of the embedded database while Haven runs.

use std::path::Path;

use crate::db::Pool;
use crate::{Result, Store, StoreError};

impl Store {
    /// Writes a consistent copy of the SQLite database to `destination` with
    /// `VACUUM INTO`, which reads one snapshot while other connections keep writing.
    /// PostgreSQL servers are backed up with their own tools (pg_dump, base backups).
    pub async fn backup_to(&self, destination: &Path) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(pool) => {
                if destination.exists() {
                    return Err(StoreError::File(std::io::Error::new(
                        std::io::ErrorKind::AlreadyExists,
                        format!(
                            "{} already exists; choose a new file",
                            destination.display()
                        ),
                    )));
                }
                let path = destination.to_str().ok_or(StoreError::Unsupported(
                    "the backup path must be valid UTF-8",
                ))?;
                sqlx::query("VACUUM INTO $1")
                    .bind(path)
                    .execute(pool)
                    .await?;
                Ok(())
            }
            Pool::Postgres(_) => Err(StoreError::Unsupported(
                "on PostgreSQL, back up with pg_dump or the server's base backups",
            )),
        }
    }

    /// Checks that a file is a sound SQLite database: SQLite's own integrity check.
    pub async fn integrity_ok(&self) -> Result<bool> {
        match &self.pool {
            Pool::Sqlite(pool) => {
                let result: String = sqlx::query_scalar("PRAGMA integrity_check")
                    .fetch_one(pool)
                    .await?;
                Ok(result == "ok")
            }
            Pool::Postgres(_) => Ok(true),
        }
    }
}
