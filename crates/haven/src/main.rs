//! The `haven` command: serve the web interface, run migrations, manage users and
//! tokens, verify the audit chain, back up and restore, show the settings.
//!
//! The command line is a stable contract: scripts and operators call it.

mod anthro;
mod bench;
mod bench_care;
mod bench_growth;
mod bench_mch;
mod commands;
mod settings;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::settings::{Overrides, Settings};

#[derive(Debug, Parser)]
#[command(
    name = "haven",
    version,
    about = "Haven: records for SOS Medical Centres and SOS Children's Villages"
)]
struct Cli {
    #[command(flatten)]
    global: GlobalOptions,
    #[command(subcommand)]
    command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
struct GlobalOptions {
    /// Where the embedded database lives [default: ./haven-data]
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// sqlite://PATH or postgres://USER@HOST/DB [default: the SQLite file in the data directory]
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,
    /// A TOML file of settings
    #[arg(long, global = true, value_name = "FILE", env = "HAVEN_CONFIG")]
    config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web interface and the API
    Serve {
        /// Load demo data the first time (into an empty database)
        #[arg(long)]
        demo: bool,
        /// The address to listen on [default: 127.0.0.1:8080]
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
    },
    /// Bring the database up to date, then stop
    Migrate,
    /// Load demo data into an empty database: accounts, places, staff and people
    Demo {
        /// How many people (besides staff) to make
        #[arg(long, default_value_t = haven_store::DEMO_PEOPLE)]
        people: usize,
        /// The seed the demo people are made from
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Measure Haven's performance on the configured database
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Manage user accounts
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens
    #[command(subcommand)]
    Token(TokenCommand),
    /// Check the audit trail
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Write a consistent copy of the database to FILE while Haven runs
    Backup { file: PathBuf },
    /// Replace the database with the backup in FILE (Haven must be stopped)
    Restore { file: PathBuf },
    /// Show the settings
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Import records from files
    #[command(subcommand)]
    Import(ImportCommand),
    /// The growth calculator: WHO z-scores and the SAM/MAM class of one child, as JSON
    Anthro(anthro::AnthroArgs),
}

#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// Register the people in a CSV file (the columns are in docs/guide-people-io.md);
    /// exit 1, importing nothing, if any row is bad
    People {
        file: PathBuf,
        /// Check the file and report, importing nothing
        #[arg(long)]
        dry_run: bool,
        /// Import the good rows even if some rows are bad
        #[arg(long)]
        good_rows_only: bool,
        /// The facility id for rows whose facility column is empty
        #[arg(long, value_name = "ID")]
        facility: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// Time parsing WHO's growth tables and computing z-scores (no database needed)
    Growth {
        /// How many times the WHO reference survey's children are assessed
        #[arg(long, default_value_t = 200)]
        rounds: usize,
    },
    /// Time the people search (p50/p95/p99/max) against a LIKE scan, on a fixed mix of queries
    Search {
        /// How many times each query of the mix runs, after one warm-up run
        #[arg(long, default_value_t = 20)]
        queries: usize,
        /// How many of those runs also time the LIKE baseline (it is slow)
        #[arg(long, default_value_t = 3)]
        baseline_runs: usize,
        /// The seed that picks the identifiers and phones searched for
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Time a programme's care page queries (figures by sex, overdue reviews, split sibling groups)
    Care {
        /// How many times each programme's queries run, after one warm-up run
        #[arg(long, default_value_t = 50)]
        runs: usize,
    },
    /// Time rendering the patient chart of a person with many encounters (it writes
    /// that person into the database: run it on a scratch --data-dir)
    Chart {
        /// How many encounters the person has (visits, and one in ten a stay)
        #[arg(long, default_value_t = 1000)]
        encounters: usize,
        /// How many timed renders, after three warm-up renders
        #[arg(long, default_value_t = 50)]
        runs: usize,
    },
    /// Build a mother-and-child clinic (children with vaccination histories,
    /// pregnancies with contacts) and time its due list, worklist and coverage
    Mch {
        /// Children born in the last five years, with their doses
        #[arg(long, default_value_t = 5000)]
        children: usize,
        /// Open pregnancies, with their antenatal contacts
        #[arg(long, default_value_t = 500)]
        pregnancies: usize,
        /// Timed runs of each list, after one warm-up run
        #[arg(long, default_value_t = 20)]
        runs: usize,
        /// The seed that builds the clinic
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create a user with one role
    Add {
        #[arg(long)]
        username: String,
        /// A role code, such as doctor or system_administrator
        #[arg(long)]
        role: String,
        /// all, country:KH, programme:ID or facility:ID
        #[arg(long, default_value = "all")]
        scope: String,
        /// The name shown in Haven [default: the username]
        #[arg(long)]
        display_name: Option<String>,
        /// en or km
        #[arg(long, default_value = "en")]
        language: String,
        /// A file holding the password; without it, Haven asks for it
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
    },
    /// Disable a user (never deletes) and end their sessions
    Disable { username: String },
    /// List users and their roles
    List,
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Make an API token for a user and print it once
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        label: String,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Check the hash chain; exit 1 and name the first broken link if it is broken
    Verify,
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Print the effective settings, secrets redacted
    Show,
}

/// glibc raises its mmap threshold when the first large block (argon2id's 19 MiB working
/// memory, at start-up) is freed, so that every later one stays in the heap: idle memory
/// passed the 50 MB budget (57 MB after one sign-in; 38 MB with the threshold fixed, see
/// docs/benchmarks.md). glibc reads a fixed threshold only when a process starts, from
/// `GLIBC_TUNABLES`, so `haven serve` starts itself again once with it set (the same
/// process id; `exec` returns only if it failed, and Haven then goes on as it is).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn with_fixed_mmap_threshold() {
    use std::os::unix::process::CommandExt;
    const TUNABLE: &str = "glibc.malloc.mmap_threshold=1048576";
    let current = std::env::var("GLIBC_TUNABLES").unwrap_or_default();
    if current.contains("glibc.malloc.mmap_threshold") {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let value = if current.is_empty() {
        TUNABLE.to_owned()
    } else {
        format!("{current}:{TUNABLE}")
    };
    let error = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env("GLIBC_TUNABLES", value)
        .exec();
    eprintln!("note: going on without a fixed malloc threshold: {error}");
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn with_fixed_mmap_threshold() {}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if matches!(cli.command, Command::Serve { .. }) {
        with_fixed_mmap_threshold();
    }
    // The calculator needs no settings, database or runtime.
    if let Command::Anthro(args) = &cli.command {
        return anthro::run(args);
    }
    let listen = match &cli.command {
        Command::Serve { listen, .. } => listen.clone(),
        _ => None,
    };
    let overrides = Overrides {
        data_dir: cli.global.data_dir.clone(),
        database_url: cli.global.database_url.clone(),
        listen,
    };
    let settings = match Settings::load(cli.global.config.as_deref(), &overrides) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("error: {error:#}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: starting the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli.command, settings)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
