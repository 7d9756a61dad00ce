//! The connection to SQLite or PostgreSQL, migrations, and this node's site id.
//!
//! Queries are written once with `$1` placeholders and plain column types, and run on
//! either pool through [`on_pool!`], which expands the same code for each database.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::{Id, Result, StoreError, Timestamp};

/// Which database a store runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DatabaseKind {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same code on whichever pool the store has. `$p` is bound to the pool.
macro_rules! on_pool {
    ($pool:expr, $p:ident => $body:expr) => {
        match $pool {
            $crate::db::Pool::Sqlite($p) => $body,
            $crate::db::Pool::Postgres($p) => $body,
        }
    };
}
pub(crate) use on_pool;

/// Runs `$body` in one write transaction on whichever pool the store has, bound to
/// `$tx`, and commits when the body finishes; a `?` or an early return inside it
/// rolls the transaction back (as dropping one does). The store's writes are this
/// sequence: begin (taking SQLite's write lock at once), write the rows, append to
/// the change log and the audit chain, commit.
macro_rules! in_write {
    ($store:expr, $tx:ident => $body:block) => {
        $crate::db::on_pool!(&$store.pool, pool => {
            let mut $tx = $crate::db::BeginWrite::begin_write(pool).await?;
            let value = $body;
            $tx.commit().await?;
            value
        })
    };
}
pub(crate) use in_write;

/// Opens a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`), so that a transaction that reads before it writes waits for
/// other writers instead of failing when it upgrades its lock.
pub(crate) trait BeginWrite {
    type Database: sqlx::Database;
    async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, Self::Database>>;
}

impl BeginWrite for SqlitePool {
    type Database = sqlx::Sqlite;
    async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        self.begin_with("BEGIN IMMEDIATE").await
    }
}

impl BeginWrite for PgPool {
    type Database = sqlx::Postgres;
    async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        self.begin().await
    }
}

/// The store: a pool on one of the two databases and the site this node is.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) pool: Pool,
    pub(crate) site_id: Id,
}

impl Store {
    /// Connects to `sqlite://PATH` (created if missing) or `postgres://...`, runs the
    /// migrations, and reads (or, the first time, makes) this node's site id.
    pub async fn open(database_url: &str) -> Result<Store> {
        let pool = connect(database_url).await?;
        let mut store = Store {
            pool,
            site_id: Id::SYSTEM,
        };
        store.migrate().await?;
        store.site_id = store.load_or_create_site_id().await?;
        Ok(store)
    }

    /// Connects to a PostgreSQL database with every connection's `search_path` set to
    /// `schema`, which must exist. Tests use it to get a fresh database each.
    pub async fn open_postgres_schema(database_url: &str, schema: &str) -> Result<Store> {
        let options = sqlx::postgres::PgConnectOptions::from_str(database_url)?
            .options([("search_path", schema)]);
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        let mut store = Store {
            pool: Pool::Postgres(pool),
            site_id: Id::SYSTEM,
        };
        store.migrate().await?;
        store.site_id = store.load_or_create_site_id().await?;
        Ok(store)
    }

    pub fn kind(&self) -> DatabaseKind {
        match self.pool {
            Pool::Sqlite(_) => DatabaseKind::Sqlite,
            Pool::Postgres(_) => DatabaseKind::Postgres,
        }
    }

    /// The site (node) whose records this store creates.
    pub fn site_id(&self) -> Id {
        self.site_id
    }

    async fn migrate(&self) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await?,
            Pool::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    async fn load_or_create_site_id(&self) -> Result<Id> {
        let candidate = Id::new();
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            sqlx::query(
                "INSERT INTO node (singleton, site_id, created_at) VALUES (1, $1, $2)
                 ON CONFLICT (singleton) DO NOTHING",
            )
            .bind(candidate)
            .bind(now)
            .execute(pool)
            .await?;
            let site: Id = sqlx::query_scalar("SELECT site_id FROM node WHERE singleton = 1")
                .fetch_one(pool)
                .await?;
            Ok(site)
        })
    }

    /// True when the database answers a query: what `/readyz` asks.
    pub async fn ping(&self) -> bool {
        on_pool!(&self.pool, pool => {
            sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(pool).await.is_ok()
        })
    }

    /// Closes every connection, waiting for running queries to finish.
    pub async fn close(&self) {
        on_pool!(&self.pool, pool => pool.close().await)
    }
}

async fn connect(database_url: &str) -> Result<Pool> {
    if database_url.starts_with("sqlite:") {
        let options = SqliteConnectOptions::from_str(database_url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        Ok(Pool::Sqlite(pool))
    } else if database_url.starts_with("postgres:") || database_url.starts_with("postgresql:") {
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(Duration::from_secs(10))
            .connect(database_url)
            .await?;
        Ok(Pool::Postgres(pool))
    } else {
        Err(StoreError::UnknownDatabase)
    }
}
