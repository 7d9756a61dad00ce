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

/// True when the SQLite file at `path` is a Haven database: it holds Haven's
/// migrations, its node row and its audit chain. Opened read-only, so checking a file
/// never changes it (opening it as a [`Store`] would run the migrations on it).
pub async fn is_haven_sqlite_file(path: &Path) -> Result<bool> {
    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::{ConnectOptions, Connection};

    if !path.is_file() {
        return Ok(false);
    }
    let options = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .create_if_missing(false);
    let mut connection = match options.connect().await {
        Ok(connection) => connection,
        Err(_) => return Ok(false),
    };
    let found: Result<i64, sqlx::Error> = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'
           AND name IN ('_sqlx_migrations', 'node', 'audit_event', 'audit_head')",
    )
    .fetch_one(&mut connection)
    .await;
    let has_node = match found {
        Ok(4) => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM node")
            .fetch_one(&mut connection)
            .await
            .map(|rows| rows == 1)
            .unwrap_or(false),
        _ => false,
    };
    let _ = connection.close().await;
    Ok(has_node)
}
