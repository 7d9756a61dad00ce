//! Integration tests of the `haven` command: they run the real binary, each in its
//! own temporary data directory, with every `HAVEN_*` variable cleared except the ones
//! a test sets. Every test that touches a database runs on SQLite, and also on a fresh
//! PostgreSQL database when `HAVEN_TEST_DATABASE_URL` is set.

// A failed `unwrap` is how a test says "this should have worked".
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod anthro;
mod audit;
mod backup;
mod cli;
mod config;
mod import;
mod registry;
mod serve;

use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

/// The variable that points the tests at a PostgreSQL server.
pub const TEST_DATABASE_URL: &str = "HAVEN_TEST_DATABASE_URL";

/// Runs a future to completion on a small runtime of its own: the tests are
/// synchronous, and only talk to a database now and then.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime for a test")
        .block_on(future)
}

/// The `haven` binary with no `HAVEN_*` variable from the test's environment.
pub fn haven_bare() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_haven"));
    for name in [
        "HAVEN_DATABASE_URL",
        "HAVEN_DATA_DIR",
        "HAVEN_CONFIG",
        "HAVEN_LISTEN",
        TEST_DATABASE_URL,
    ] {
        command.env_remove(name);
    }
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("HAVEN_") {
            command.env_remove(name);
        }
    }
    command.stdin(Stdio::null());
    command
}

/// What a finished command did.
pub struct Run {
    pub what: String,
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl fmt::Display for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` exited with {}\n--- stdout ---\n{}--- stderr ---\n{}",
            self.what, self.status, self.stdout, self.stderr
        )
    }
}

impl Run {
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    /// Asserts the command succeeded and returns its standard output.
    pub fn ok(&self) -> &str {
        assert!(self.status.success(), "{self}");
        assert!(!self.stderr.contains("panicked"), "{self}");
        &self.stdout
    }

    /// Asserts the command failed with `code`, without a panic, and returns its
    /// standard error.
    pub fn fails_with(&self, code: i32) -> &str {
        assert_eq!(self.code(), Some(code), "{self}");
        assert!(!self.stderr.contains("panicked"), "{self}");
        &self.stderr
    }

    /// Asserts the command failed (exit 1, the code of a command that went wrong),
    /// without a panic, and that its standard error mentions every one of `needles`.
    pub fn fails_saying(&self, needles: &[&str]) {
        let stderr = self.fails_with(1);
        for needle in needles {
            assert!(
                stderr.contains(needle),
                "expected {needle:?} in stderr: {self}"
            );
        }
    }
}

/// Runs a command to the end, capturing what it prints.
pub fn run(mut command: Command) -> Run {
    let what = std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(OsStr::to_string_lossy)
        .collect::<Vec<_>>()
        .join(" ");
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("running {what}: {e}"));
    Run {
        what,
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A fresh PostgreSQL database, dropped (with its connections) when the test ends.
pub struct PgDatabase {
    pub url: String,
    server_url: String,
    name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        let result = block_on(async {
            let pool = sqlx::PgPool::connect(&self.server_url).await?;
            sqlx::raw_sql(&sql).execute(&pool).await?;
            pool.close().await;
            Ok::<_, sqlx::Error>(())
        });
        if let Err(error) = result {
            eprintln!("could not drop the test database {}: {error}", self.name);
        }
    }
}

/// `url` with its database name replaced by `name`, keeping any query string.
pub fn with_database_name(url: &str, name: &str) -> String {
    let (base, query) = match url.find('?') {
        Some(at) => url.split_at(at),
        None => (url, ""),
    };
    let authority_start = base.find("://").map_or(0, |at| at + 3);
    let base = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    format!("{base}/{name}{query}")
}

/// One database for one test: a data directory, and the PostgreSQL database when the
/// test runs on PostgreSQL.
pub struct Db {
    pub label: &'static str,
    /// Keeps the temporary directory for as long as the test runs.
    pub root: tempfile::TempDir,
    pub data_dir: PathBuf,
    pub pg: Option<PgDatabase>,
}

impl Db {
    /// A data directory that does not exist yet: Haven makes it.
    pub fn sqlite() -> Db {
        let root = tempfile::tempdir().expect("a temporary directory");
        let data_dir = root.path().join("data");
        Db {
            label: "sqlite",
            root,
            data_dir,
            pg: None,
        }
    }

    /// A new PostgreSQL database on the server `HAVEN_TEST_DATABASE_URL` names, or
    /// `None` (saying so on stderr) when it is not set.
    pub fn postgres() -> Option<Db> {
        let Ok(server_url) = std::env::var(TEST_DATABASE_URL) else {
            eprintln!("skipped the PostgreSQL run of this test: {TEST_DATABASE_URL} is not set");
            return None;
        };
        let name = format!("haven_cli_{}", uuid::Uuid::now_v7().simple());
        block_on(async {
            let pool = sqlx::PgPool::connect(&server_url)
                .await
                .unwrap_or_else(|e| panic!("connecting to {TEST_DATABASE_URL}: {e}"));
            sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
                .execute(&pool)
                .await
                .unwrap_or_else(|e| panic!("creating the database {name}: {e}"));
            pool.close().await;
        });
        let pg = PgDatabase {
            url: with_database_name(&server_url, &name),
            server_url,
            name,
        };
        let mut db = Db::sqlite();
        db.label = "postgres";
        db.pg = Some(pg);
        Some(db)
    }

    /// Every database a test should run on: SQLite always, PostgreSQL when configured.
    pub fn all() -> Vec<Db> {
        let mut all = vec![Db::sqlite()];
        all.extend(Db::postgres());
        all
    }

    pub fn is_sqlite(&self) -> bool {
        self.pg.is_none()
    }

    /// The SQLite file Haven uses in the data directory.
    pub fn sqlite_file(&self) -> PathBuf {
        self.data_dir.join("haven.db")
    }

    /// `haven` pointed at this database: `--data-dir`, and `--database-url` on
    /// PostgreSQL.
    pub fn haven(&self) -> Command {
        let mut command = haven_bare();
        command.arg("--data-dir").arg(&self.data_dir);
        if let Some(pg) = &self.pg {
            command.args(["--database-url", &pg.url]);
        }
        command
    }

    /// Runs `haven ARGS` on this database.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut command = self.haven();
        command.args(args);
        let mut run = run(command);
        run.what = format!("[{}] haven {}", self.label, args.join(" "));
        run
    }

    /// Runs `haven ARGS` and asserts that it succeeded; returns its standard output.
    pub fn ok(&self, args: &[&str]) -> String {
        self.run(args).ok().to_owned()
    }

    /// Loads the demo data.
    pub fn demo(&self) {
        self.ok(&["demo"]);
    }

    /// The usernames `haven user list` prints, with their status (`active` or
    /// `disabled`).
    pub fn users(&self) -> Vec<(String, String)> {
        self.ok(&["user", "list"])
            .lines()
            .map(|line| {
                let fields: Vec<&str> = line.split('\t').collect();
                assert_eq!(
                    fields.len(),
                    4,
                    "[{}] a user list line: {line:?}",
                    self.label
                );
                (fields[0].to_owned(), fields[1].to_owned())
            })
            .collect()
    }

    pub fn usernames(&self) -> Vec<String> {
        self.users().into_iter().map(|(name, _)| name).collect()
    }

    /// Runs raw SQL on the database directly, as someone with access to the file or
    /// the server could.
    pub fn execute_raw(&self, sql: &str) {
        let result = match &self.pg {
            Some(pg) => block_on(async {
                let pool = sqlx::PgPool::connect(&pg.url).await?;
                sqlx::raw_sql(sql).execute(&pool).await?;
                pool.close().await;
                Ok::<_, sqlx::Error>(())
            }),
            None => sqlite_execute(&self.sqlite_file(), sql),
        };
        result.unwrap_or_else(|e| panic!("[{}] {sql}: {e}", self.label));
    }

    /// Runs a query that returns one integer, such as a `COUNT(*)`.
    pub fn scalar(&self, sql: &str) -> i64 {
        let result = match &self.pg {
            Some(pg) => block_on(async {
                let pool = sqlx::PgPool::connect(&pg.url).await?;
                let value = sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool).await?;
                pool.close().await;
                Ok::<_, sqlx::Error>(value)
            }),
            None => sqlite_scalar(&self.sqlite_file(), sql),
        };
        result.unwrap_or_else(|e| panic!("[{}] {sql}: {e}", self.label))
    }

    /// The password hash stored for `username`.
    pub fn password_hash(&self, username: &str) -> String {
        let sql = "SELECT password_hash FROM user_account WHERE username = $1";
        let result = match &self.pg {
            Some(pg) => block_on(async {
                let pool = sqlx::PgPool::connect(&pg.url).await?;
                let hash = sqlx::query_scalar::<_, String>(sql)
                    .bind(username)
                    .fetch_one(&pool)
                    .await?;
                pool.close().await;
                Ok::<_, sqlx::Error>(hash)
            }),
            None => block_on(async {
                let pool = sqlite_pool(&self.sqlite_file()).await?;
                let hash = sqlx::query_scalar::<_, String>(sql)
                    .bind(username)
                    .fetch_one(&pool)
                    .await?;
                pool.close().await;
                Ok::<_, sqlx::Error>(hash)
            }),
        };
        result.unwrap_or_else(|e| panic!("[{}] the hash of {username}: {e}", self.label))
    }
}

/// A connection to an existing SQLite file (never creating one).
pub async fn sqlite_pool(file: &Path) -> sqlx::Result<sqlx::SqlitePool> {
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(file)
        .create_if_missing(false);
    sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
}

pub fn sqlite_execute(file: &Path, sql: &str) -> sqlx::Result<()> {
    block_on(async {
        let pool = sqlite_pool(file).await?;
        sqlx::raw_sql(sql).execute(&pool).await?;
        pool.close().await;
        Ok(())
    })
}

pub fn sqlite_scalar(file: &Path, sql: &str) -> sqlx::Result<i64> {
    block_on(async {
        let pool = sqlite_pool(file).await?;
        let value = sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool).await?;
        pool.close().await;
        Ok(value)
    })
}

/// Writes `contents` to a new file in the test's temporary directory.
pub fn write_file(dir: &Path, name: &str, contents: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    path
}

/// The names of the files in a directory, sorted.
pub fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("listing {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn database_names_are_replaced_in_urls() {
    let check = |url: &str, expected: &str| {
        assert_eq!(with_database_name(url, "fresh"), expected, "{url}");
    };
    check(
        "postgres://postgres@127.0.0.1:5432/test",
        "postgres://postgres@127.0.0.1:5432/fresh",
    );
    check(
        "postgres://postgres@localhost",
        "postgres://postgres@localhost/fresh",
    );
    check(
        "postgresql://u:p@h/db?sslmode=disable",
        "postgresql://u:p@h/fresh?sslmode=disable",
    );
}
