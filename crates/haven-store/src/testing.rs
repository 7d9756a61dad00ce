//! Fresh stores for tests: one on a temporary SQLite file and, when
//! `HAVEN_TEST_DATABASE_URL` is set, one in a new schema of that PostgreSQL database.
//! Every test makes its own, so no test depends on another's data.

// A test cannot go on without its database: failing loudly at once is what we want.
#![allow(clippy::expect_used)]

use crate::db::on_pool;
use crate::{Result, Store};

/// A store for one test, with the temporary directory it lives in.
pub struct TestStore {
    pub store: Store,
    pub label: &'static str,
    _directory: Option<tempfile::TempDir>,
}

/// The environment variable that points the tests at a PostgreSQL server.
pub const TEST_DATABASE_URL: &str = "HAVEN_TEST_DATABASE_URL";

/// A SQLite store in a new temporary directory.
pub async fn sqlite() -> TestStore {
    let directory = tempfile::tempdir().expect("a temporary directory for a test database");
    let url = format!("sqlite://{}", directory.path().join("haven.db").display());
    let store = Store::open(&url)
        .await
        .expect("opening a test SQLite store");
    TestStore {
        store,
        label: "sqlite",
        _directory: Some(directory),
    }
}

/// A PostgreSQL store in a new schema, or `None` (saying so on stderr) when
/// `HAVEN_TEST_DATABASE_URL` is not set.
pub async fn postgres() -> Option<TestStore> {
    let Some(url) = std::env::var(TEST_DATABASE_URL)
        .ok()
        .filter(|url| !url.trim().is_empty())
    else {
        eprintln!("skipped the PostgreSQL run of this test: {TEST_DATABASE_URL} is not set");
        return None;
    };
    let schema = format!("test_{}", uuid::Uuid::now_v7().simple());
    let admin = sqlx::PgPool::connect(&url)
        .await
        .expect("connecting to HAVEN_TEST_DATABASE_URL");
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&admin)
        .await
        .expect("creating a test schema");
    admin.close().await;
    let store = Store::open_postgres_schema(&url, &schema)
        .await
        .expect("opening a test PostgreSQL store");
    Some(TestStore {
        store,
        label: "postgres",
        _directory: None,
    })
}

/// Every store a test should run on: SQLite always, PostgreSQL when configured.
pub async fn all() -> Vec<TestStore> {
    let mut stores = vec![sqlite().await];
    stores.extend(postgres().await);
    stores
}

impl TestStore {
    /// Runs raw SQL, as someone with direct access to the database could. Tests use it
    /// to tamper with the audit chain and check that the tampering is found.
    pub async fn execute_raw(&self, sql: &str) -> Result<u64> {
        on_pool!(&self.store.pool, pool => {
            Ok(sqlx::raw_sql(sql).execute(pool).await?.rows_affected())
        })
    }
}

impl TestStore {
    /// Runs a query that returns one integer, such as a `COUNT(*)`.
    pub async fn scalar(&self, sql: &str) -> Result<i64> {
        on_pool!(&self.store.pool, pool => {
            Ok(sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await?)
        })
    }
}

/// The shape of a database as the migrations made it: each table with its columns,
/// and the names of the indexes made by `CREATE INDEX` (not those a database makes
/// for a primary key or a UNIQUE constraint by itself).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Schema {
    pub tables: std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
    pub indexes: std::collections::BTreeSet<String>,
}

impl TestStore {
    /// The tables, columns and indexes of this store (the migrations' bookkeeping
    /// table left out).
    pub async fn schema(&self) -> Result<Schema> {
        let mut schema = Schema::default();
        let columns: Vec<(String, String)> = match &self.store.pool {
            crate::db::Pool::Sqlite(pool) => {
                sqlx::query_as(
                    "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
                     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
                       AND m.name <> '_sqlx_migrations'",
                )
                .fetch_all(pool)
                .await?
            }
            crate::db::Pool::Postgres(pool) => {
                sqlx::query_as(
                    "SELECT table_name::text, column_name::text FROM information_schema.columns
                     WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'",
                )
                .fetch_all(pool)
                .await?
            }
        };
        for (table, column) in columns {
            schema.tables.entry(table).or_default().insert(column);
        }
        let indexes: Vec<String> = match &self.store.pool {
            crate::db::Pool::Sqlite(pool) => {
                sqlx::query_scalar(
                    "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
                )
                .fetch_all(pool)
                .await?
            }
            crate::db::Pool::Postgres(pool) => {
                // Indexes that back a constraint (primary keys, UNIQUE) are the
                // database's own, like SQLite's automatic ones.
                sqlx::query_scalar(
                    "SELECT i.indexname::text FROM pg_indexes i
                     WHERE i.schemaname = current_schema()
                       AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                                       WHERE c.conname = i.indexname
                                         AND c.connamespace = (SELECT oid FROM pg_namespace
                                                               WHERE nspname = current_schema()))",
                )
                .fetch_all(pool)
                .await?
            }
        };
        schema.indexes = indexes.into_iter().collect();
        Ok(schema)
    }
}
