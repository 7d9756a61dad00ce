//! What each command does.

use std::fs::File;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context};
use haven_domain::{DisplayName, Language, NewPassword, Role, Scope, Username};
use haven_store::{ChainReport, Store};
use tokio::net::TcpListener;

use crate::settings::Settings;
use crate::{
    AuditCommand, BenchCommand, Command, ConfigCommand, ImportCommand, TokenCommand, UserCommand,
};

pub async fn run(command: Command, settings: Settings) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve { demo, .. } => serve(settings, demo).await,
        Command::Migrate => {
            let store = open(&settings).await?;
            println!(
                "the database is up to date ({})",
                settings.database_url().redacted()
            );
            store.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo { people, seed } => {
            let store = open(&settings).await?;
            if !store.is_empty().await? || store.has_registry_data().await? {
                store.close().await;
                bail!(
                    "the database already holds accounts or registry data (demo data was loaded before?); \
                     demo data goes only into an empty database"
                )
            }
            store.load_demo().await.context("loading demo accounts")?;
            load_demo_registry(&store, people, seed).await?;
            store.close().await;
            print_demo_sign_in();
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(BenchCommand::Growth { rounds }) => {
            crate::bench_growth::growth(rounds.max(1));
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(BenchCommand::Search {
            queries,
            baseline_runs,
            seed,
        }) => {
            let store = open(&settings).await?;
            crate::bench::search(&store, queries.max(1), baseline_runs, seed).await?;
            store.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(BenchCommand::Care { runs }) => {
            let store = open(&settings).await?;
            crate::bench_care::care(&store, runs.max(1)).await?;
            store.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(BenchCommand::Chart { encounters, runs }) => {
            let store = open(&settings).await?;
            crate::bench::chart(&store, encounters.max(1), runs.max(1)).await?;
            store.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(BenchCommand::Mch {
            children,
            pregnancies,
            runs,
            seed,
        }) => {
            let store = open(&settings).await?;
            crate::bench_mch::mch(&store, children, pregnancies, runs.max(1), seed).await?;
            store.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::User(command) => user(settings, command).await,
        Command::Token(TokenCommand::Create { username, label }) => {
            let store = open(&settings).await?;
            let user = store
                .user_by_username(&username.trim().to_lowercase())
                .await
                .with_context(|| format!("finding the user {username}"))?;
            let app = haven_app::App::new(store.clone());
            let (token, _) = match app
                .create_token(&haven_app::Caller::operator(), user.id, &label)
                .await
            {
                Ok(made) => made,
                Err(haven_app::AppError::Invalid(_)) => {
                    bail!("the label says in 1 to 100 characters what the token is for")
                }
                Err(other) => return Err(other).context("making the token"),
            };
            store.close().await;
            eprintln!(
                "a new API token for {}; it is shown only this once:",
                user.username
            );
            println!("{token}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit(AuditCommand::Verify) => {
            let store = open(&settings).await?;
            let report = store
                .verify_audit_chain()
                .await
                .context("reading the audit trail")?;
            store.close().await;
            match report {
                ChainReport::Intact { events } => {
                    println!("the audit chain is intact: {events} events");
                    Ok(ExitCode::SUCCESS)
                }
                ChainReport::Broken { link, event_id } => {
                    let id = event_id.map(|id| format!(" (id {id})")).unwrap_or_default();
                    let what = match link {
                        haven_domain::audit::BrokenLink::HashMismatch { sequence } => {
                            format!("event #{sequence}{id} was changed: its hash does not match its contents")
                        }
                        haven_domain::audit::BrokenLink::PreviousMismatch { sequence } => {
                            format!("event #{sequence}{id} does not follow the event before it")
                        }
                        haven_domain::audit::BrokenLink::TailMissing { last_intact, head } => {
                            format!(
                                "the newest events were removed or rewritten: the chain holds together up to \
                                 event #{last_intact}, but its head names event #{head}"
                            )
                        }
                        haven_domain::audit::BrokenLink::Gap { expected, found } => {
                            format!(
                                "event #{expected} is missing (the next one found is #{found}{id})"
                            )
                        }
                    };
                    println!("the audit chain is BROKEN: {what}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Command::Backup { file } => {
            let store = open(&settings).await?;
            store
                .backup_to(&file)
                .await
                .with_context(|| format!("writing the backup to {}", file.display()))?;
            store.close().await;
            println!("backed up to {}", file.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore { file } => restore(&settings, &file).await,
        Command::Config(ConfigCommand::Show) => {
            print!("{}", settings.to_redacted_toml()?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Import(ImportCommand::People {
            file,
            dry_run,
            good_rows_only,
            facility,
        }) => {
            import_people(
                &settings,
                &file,
                ImportOptions {
                    dry_run,
                    good_rows_only,
                    facility,
                },
            )
            .await
        }
        // Handled in main before the settings load; here only for completeness.
        Command::Anthro(args) => Ok(crate::anthro::run(&args)),
    }
}

/// What `haven import people` was asked to do.
struct ImportOptions {
    dry_run: bool,
    good_rows_only: bool,
    facility: Option<String>,
}

/// Checks a CSV file of people like the import page does, prints every bad row
/// (`line N: column: reason`) in English, and imports when the file is good (or
/// only its good rows when asked).
async fn import_people(
    settings: &Settings,
    file: &Path,
    options: ImportOptions,
) -> anyhow::Result<ExitCode> {
    use haven_web::people_csv;

    let facility = match options.facility.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(
            raw.parse::<haven_store::Id>()
                .map_err(|_| anyhow!("--facility takes a facility id, not {raw:?}"))?,
        ),
    };
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let translations = haven_web::i18n::Translations::load().context("loading the messages")?;
    let tr = haven_web::i18n::Tr::new(Language::English, std::sync::Arc::new(translations));
    let today = haven_web::person_input::today(settings.web_config().time_offset);
    let mut rows = match people_csv::read_file(&bytes, facility, today) {
        Ok(rows) => rows,
        Err(problem) => {
            eprintln!("error: {}", problem.message(&tr));
            return Ok(ExitCode::FAILURE);
        }
    };
    let store = open(settings).await?;
    let app = haven_app::App::new(store.clone());
    let operator = haven_app::Caller::operator();
    people_csv::check_rows(&app, &operator, &mut rows)
        .await
        .context("checking the rows against the database")?;
    print_bad_rows(&rows, &tr);
    let good = rows.iter().filter(|row| row.is_good()).count();
    let bad = rows.len() - good;
    println!("{good} rows ready to import, {bad} rows refused");
    if options.dry_run || good == 0 || (bad > 0 && !options.good_rows_only) {
        store.close().await;
        if bad > 0 {
            eprintln!("nothing was imported: correct the rows above, or import only the good rows with --good-rows-only");
            return Ok(ExitCode::FAILURE);
        }
        println!("dry run: nothing was imported");
        return Ok(ExitCode::SUCCESS);
    }
    let imported = people_csv::import_rows(&app, &operator, &mut rows)
        .await
        .context("importing the rows");
    store.close().await;
    let imported = imported?;
    let numbers_refused = rows.iter().filter(|row| !row.is_good()).count() - bad;
    if numbers_refused > 0 {
        print_bad_rows(&rows, &tr);
    }
    for (line, person) in &imported.people {
        println!("line {line}: imported {}", person.id);
    }
    println!("imported {} people", imported.people.len());
    Ok(ExitCode::SUCCESS)
}

fn print_bad_rows(rows: &[haven_web::people_csv::Row], tr: &haven_web::i18n::Tr) {
    for row in rows {
        if let Err(problems) = &row.outcome {
            for problem in problems {
                println!("line {}: {}", row.line, problem.message(tr));
            }
        }
    }
}

async fn open(settings: &Settings) -> anyhow::Result<Store> {
    if settings.sqlite_file().is_some() {
        std::fs::create_dir_all(&settings.data_dir).with_context(|| {
            format!(
                "creating the data directory {}",
                settings.data_dir.display()
            )
        })?;
        if let Some(parent) = settings.sqlite_file().as_deref().and_then(Path::parent) {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("creating {}", parent.display()))?;
            }
        }
    }
    Store::open(settings.database_url().expose())
        .await
        .with_context(|| {
            format!(
                "opening the database {}",
                settings.database_url().redacted()
            )
        })
}

/// Loads the demo places, staff and people, and says how many and how long it took.
async fn load_demo_registry(store: &Store, people: usize, seed: u64) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let options = haven_store::DemoRegistryOptions {
        people,
        seed,
        today: time::OffsetDateTime::now_utc().date(),
    };
    match store
        .load_demo_registry(&options)
        .await
        .context("loading demo places, staff and people")?
    {
        Some(summary) => println!(
            "demo registry loaded in {:.1} s: {} programmes, {} facilities, {} staff, {} people, \
             {} relationships, {} identifiers, {} search tokens",
            started.elapsed().as_secs_f64(),
            summary.programmes,
            summary.facilities,
            summary.staff,
            summary.people,
            summary.relationships,
            summary.identifiers,
            summary.tokens
        ),
        None => {
            println!("demo: the registry already holds data, so no demo people were added");
            return Ok(());
        }
    }
    load_demo_parts(store).await
}

/// Loads each part's demo records on top of the demo registry: the clinic's, the
/// mother-and-child clinic's, growth's, the villages' and safeguarding's; says how long
/// each took (docs/benchmarks.md reads these lines).
async fn load_demo_parts(store: &Store) -> anyhow::Result<()> {
    let timed = |part: &'static str, started: std::time::Instant| {
        println!(
            "demo {part} records loaded in {:.2} s",
            started.elapsed().as_secs_f64()
        );
    };
    let started = std::time::Instant::now();
    store
        .load_demo_clinic()
        .await
        .context("loading the clinic's demo records")?;
    timed("clinic", started);
    let started = std::time::Instant::now();
    store
        .load_demo_mch()
        .await
        .context("loading the mother-and-child clinic's demo records")?;
    timed("mother-and-child", started);
    let started = std::time::Instant::now();
    store
        .load_demo_growth()
        .await
        .context("loading the growth monitoring demo records")?;
    timed("growth", started);
    let started = std::time::Instant::now();
    store
        .load_demo_care()
        .await
        .context("loading the villages' demo records")?;
    timed("care", started);
    let started = std::time::Instant::now();
    store
        .load_demo_safeguarding()
        .await
        .context("loading safeguarding's demo records")?;
    timed("safeguarding", started);
    Ok(())
}

fn print_demo_sign_in() {
    println!(
        "demo data loaded: sign in as admin (or doctor, nurse, midwife, labtech, pharmacist, clerk, \
         sosmother, aunt, careworker, socialworker, director, safeguarding, promoter, meofficer, \
         natdirector) with the password {}",
        haven_store::demo::DEMO_PASSWORD
    );
}

/// Holds a lock beside the SQLite database while Haven serves, so that a restore
/// cannot replace the database under a running server, whatever --data-dir it names.
fn lock_database(settings: &Settings) -> anyhow::Result<File> {
    let database = settings
        .sqlite_file()
        .unwrap_or_else(|| settings.sqlite_path());
    let path = with_suffix(&database, ".lock");
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(_) => bail!(
            "another Haven is running on the database {}; stop it first",
            database.display()
        ),
    }
}

fn init_tracing(settings: &Settings) {
    let filter = tracing_subscriber::EnvFilter::try_new(&settings.log_level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Colours only on a terminal: a log file or journal gets plain text.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    let result = if settings.log_format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
    if result.is_err() {
        eprintln!("warning: logging was already set up");
    }
}

async fn serve(settings: Settings, demo: bool) -> anyhow::Result<ExitCode> {
    init_tracing(&settings);
    let started = std::time::Instant::now();
    let store = open(&settings).await?;
    let _lock = if settings.sqlite_file().is_some() {
        Some(lock_database(&settings)?)
    } else {
        None
    };
    if demo && store.load_demo().await.context("loading demo data")? {
        load_demo_registry(&store, haven_store::DEMO_PEOPLE, 1).await?;
        print_demo_sign_in();
    } else if demo {
        println!("demo: the database already holds accounts, so no demo data was added (demo password: {})",
            haven_store::demo::DEMO_PASSWORD);
    } else if store.is_empty().await? {
        println!(
            "the database has no user yet: add an administrator with\n  haven user add --username admin --role system_administrator"
        );
    }
    let state = haven_web::AppState::new(haven_app::App::new(store), settings.web_config())
        .context("preparing the web interface")?;
    // WHO's growth tables are parsed once, here, so that no request pays for it.
    haven_domain::growth::tables::GrowthTables::get();
    let listener = TcpListener::bind(&settings.listen)
        .await
        .with_context(|| format!("listening on {}", settings.listen))?;
    let address = listener
        .local_addr()
        .context("reading the listening address")?;
    if let Some(warning) = plain_http_warning(&settings, address) {
        eprintln!("warning: {warning}");
        tracing::warn!("{warning}");
    }
    // Listen for SIGTERM before saying Haven serves: a signal sent right after that
    // line must stop Haven gracefully, not kill it.
    let shutdown = shutdown_signal()?;
    println!(
        "Haven is serving on http://{address} (started in {} ms)",
        started.elapsed().as_millis()
    );
    let _ = std::io::stdout().flush();
    haven_web::serve(state, listener, shutdown)
        .await
        .context("serving")?;
    println!("Haven stopped");
    Ok(ExitCode::SUCCESS)
}

/// A future that completes on SIGINT (Ctrl-C) or SIGTERM. The handlers are installed
/// when this is called, not when the future is first polled.
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("listening for SIGTERM")?;
    let interrupt = tokio::signal::ctrl_c();
    Ok(async move {
        #[cfg(unix)]
        let terminate = async move {
            terminate.recv().await;
        };
        #[cfg(not(unix))]
        let terminate = std::future::pending::<()>();
        tokio::select! {
            _ = interrupt => {},
            () = terminate => {},
        }
        tracing::info!("shutting down: finishing the requests under way");
    })
}

fn read_password(file: Option<&Path>) -> anyhow::Result<String> {
    match file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            Ok(text.trim_end_matches(['\n', '\r']).to_owned())
        }
        None => {
            if !std::io::stdin().is_terminal() {
                bail!(
                    "give the password with --password-file FILE (there is no terminal to ask on)"
                );
            }
            let first = rpassword::prompt_password("password: ").context("reading the password")?;
            let second = rpassword::prompt_password("the same password again: ")
                .context("reading the password")?;
            if first != second {
                bail!("the two passwords are not the same");
            }
            Ok(first)
        }
    }
}

async fn user(settings: Settings, command: UserCommand) -> anyhow::Result<ExitCode> {
    match command {
        UserCommand::Add {
            username,
            role,
            scope,
            display_name,
            language,
            password_file,
        } => {
            let username = Username::parse(&username).map_err(|e| anyhow!("--username: {e}"))?;
            let role = Role::parse(&role).ok_or_else(|| {
                let known: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
                anyhow!(
                    "--role: not a role Haven knows; use one of {}",
                    known.join(", ")
                )
            })?;
            let scope = Scope::parse(&scope).map_err(|e| anyhow!("--scope: {e}"))?;
            let display_name =
                DisplayName::parse(display_name.as_deref().unwrap_or(username.as_str()))
                    .map_err(|e| anyhow!("--display-name: {e}"))?;
            let language =
                Language::parse(&language).ok_or_else(|| anyhow!("--language: use en or km"))?;
            let password = read_password(password_file.as_deref())?;
            let password =
                NewPassword::parse(&password, &username).map_err(|e| anyhow!("password: {e}"))?;
            let store = open(&settings).await?;
            let app = haven_app::App::new(store.clone());
            let user = app
                .create_account(
                    &haven_app::Caller::operator(),
                    haven_app::accounts::NewAccount {
                        username,
                        display_name,
                        password,
                        language,
                        role,
                        scope: scope.clone(),
                    },
                )
                .await
                .context("creating the user")?;
            store.close().await;
            println!(
                "created {} ({}) as {} in {}",
                user.username, user.id, role, scope
            );
            Ok(ExitCode::SUCCESS)
        }
        UserCommand::Disable { username } => {
            let store = open(&settings).await?;
            let user = store
                .user_by_username(&username.trim().to_lowercase())
                .await
                .with_context(|| format!("finding the user {username}"))?;
            if !user.is_active() {
                println!("{} is already disabled", user.username);
                return Ok(ExitCode::SUCCESS);
            }
            haven_app::App::new(store.clone())
                .disable_account(&haven_app::Caller::operator(), user.id, user.version)
                .await
                .context("disabling the account")?;
            store.close().await;
            println!("disabled {}; their sessions have ended", user.username);
            Ok(ExitCode::SUCCESS)
        }
        UserCommand::List => {
            let store = open(&settings).await?;
            for user in store.list_users().await? {
                let roles: Vec<String> = store
                    .role_assignments(user.id)
                    .await?
                    .into_iter()
                    .filter(|a| a.revoked_at.is_none())
                    .map(|a| {
                        format!(
                            "{} {}",
                            a.role,
                            a.scope().map(|s| s.to_string()).unwrap_or_default()
                        )
                    })
                    .collect();
                println!(
                    "{}\t{}\t{}\t{}",
                    user.username,
                    if user.is_active() {
                        "active"
                    } else {
                        "disabled"
                    },
                    user.display_name,
                    roles.join(", ")
                );
            }
            store.close().await;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Replaces the SQLite database with a backup, keeping the old one beside it.
async fn restore(settings: &Settings, backup: &Path) -> anyhow::Result<ExitCode> {
    let Some(database) = settings.sqlite_file() else {
        bail!("restore works on the embedded SQLite database; restore PostgreSQL with its own tools (pg_restore)");
    };
    if !backup.is_file() {
        bail!("there is no backup file at {}", backup.display());
    }
    std::fs::create_dir_all(&settings.data_dir).with_context(|| {
        format!(
            "creating the data directory {}",
            settings.data_dir.display()
        )
    })?;
    let _lock = lock_database(settings)?;

    if !haven_store::is_haven_sqlite_file(backup).await? {
        bail!(
            "{} is not a Haven database (an empty file, or another program's); nothing was changed",
            backup.display()
        );
    }
    // Check a copy, never the backup itself: opening runs migrations.
    let staging = with_suffix(&database, ".restoring");
    let remove_staging = || {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(with_suffix(&staging, suffix));
        }
    };
    remove_staging();
    std::fs::copy(backup, &staging).with_context(|| format!("copying {}", backup.display()))?;
    let check = async {
        let store = Store::open(&format!("sqlite://{}", staging.display()))
            .await
            .context("the backup is not a Haven database")?;
        let sound = store.integrity_ok().await;
        let chain = store.verify_audit_chain().await;
        // Closing checkpoints the write-ahead log into the staging file.
        store.close().await;
        anyhow::Ok((sound?, chain?))
    };
    let refusal = match check.await {
        Err(error) => Some(error),
        Ok((false, _)) => Some(anyhow!(
            "the backup fails SQLite's integrity check; nothing was changed"
        )),
        Ok((true, ChainReport::Broken { .. })) => Some(anyhow!(
            "the backup's audit chain is broken; nothing was changed"
        )),
        Ok((true, ChainReport::Intact { .. })) => None,
    };
    if let Some(error) = refusal {
        remove_staging();
        return Err(error);
    }
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(&staging, suffix));
    }

    let stamp = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
    let kept = with_suffix(&database, &format!(".before-restore-{stamp}"));
    if database.exists() {
        std::fs::rename(&database, &kept)
            .with_context(|| format!("moving the current database to {}", kept.display()))?;
        for suffix in ["-wal", "-shm"] {
            let side = with_suffix(&database, suffix);
            if side.exists() {
                std::fs::rename(&side, with_suffix(&kept, suffix))?;
            }
        }
    }
    std::fs::rename(&staging, &database).context("putting the backup in place")?;
    if kept.exists() {
        println!(
            "restored {}; the database it replaced is kept as {}",
            backup.display(),
            kept.display()
        );
    } else {
        println!("restored {}", backup.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// What to say at start-up when Haven serves plain HTTP beyond this machine: with
/// `Secure` cookies browsers elsewhere cannot sign in; without them, sessions travel
/// in clear. Behind a reverse proxy (`trust_forwarded_for`) the proxy speaks HTTPS.
fn plain_http_warning(settings: &Settings, address: std::net::SocketAddr) -> Option<String> {
    if address.ip().is_loopback() || settings.trust_forwarded_for {
        return None;
    }
    Some(if settings.secure_cookies {
        format!(
            "Haven serves plain HTTP on {address}: browsers on other machines will not keep \
             its Secure session cookie, so nobody can sign in from them. Put Haven behind an \
             HTTPS reverse proxy (and set trust_forwarded_for = true), or, on a closed site \
             network only, set secure_cookies = false"
        )
    } else {
        format!(
            "Haven serves plain HTTP on {address} with secure_cookies = false: passwords and \
             session cookies cross the network in clear. Serve it behind an HTTPS reverse proxy"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_beyond_loopback_is_warned_about_and_loopback_or_a_proxy_is_not() {
        let at = |text: &str| {
            text.parse::<std::net::SocketAddr>()
                .unwrap_or_else(|_| unreachable!())
        };
        let mut settings = Settings::default();
        assert!(settings.secure_cookies, "Secure is the default");
        assert_eq!(plain_http_warning(&settings, at("127.0.0.1:8080")), None);
        assert_eq!(plain_http_warning(&settings, at("[::1]:8080")), None);
        let lan = plain_http_warning(&settings, at("0.0.0.0:8080")).unwrap_or_default();
        assert!(
            lan.contains("will not keep its Secure session cookie"),
            "{lan}"
        );
        settings.secure_cookies = false;
        let clear = plain_http_warning(&settings, at("192.168.1.10:8080")).unwrap_or_default();
        assert!(clear.contains("in clear"), "{clear}");
        settings.trust_forwarded_for = true;
        assert_eq!(plain_http_warning(&settings, at("192.168.1.10:8080")), None);
    }
}
