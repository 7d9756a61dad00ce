//! config show: the layers of settings, and secrets never shown. No database.

use crate::{haven_bare, run, write_file, Db, Run};

/// Runs `haven --data-dir D ARGS config show` with the environment variables `env`.
fn show(db: &Db, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = db.haven();
    command.args(args).args(["config", "show"]);
    for (name, value) in env {
        command.env(name, value);
    }
    run(command)
}

/// Parses what `config show` printed, which must be TOML.
fn parse(run: &Run) -> toml::Table {
    let out = run.ok();
    out.parse::<toml::Table>()
        .unwrap_or_else(|e| panic!("config show printed no TOML: {e}\n{run}"))
}

fn get<'a>(table: &'a toml::Table, key: &str, run: &Run) -> &'a str {
    table
        .get(key)
        .and_then(toml::Value::as_str)
        .unwrap_or_else(|| panic!("no string {key} in the settings: {run}"))
}

#[test]
fn config_show_prints_the_defaults_as_toml() {
    let db = Db::sqlite();
    let run = show(&db, &[], &[]);
    let table = parse(&run);
    assert_eq!(get(&table, "listen", &run), "127.0.0.1:8080", "{run}");
    assert_eq!(
        get(&table, "data_dir", &run),
        db.data_dir.to_str().unwrap(),
        "{run}"
    );
    assert_eq!(
        get(&table, "database_url", &run),
        format!("sqlite://{}", db.sqlite_file().display()),
        "{run}"
    );
    assert_eq!(get(&table, "default_language", &run), "en", "{run}");
}

#[test]
fn config_show_never_shows_the_database_password() {
    let db = Db::sqlite();
    let secret_url = "postgres://haven:s3cret@db.example/haven";
    for run in [
        show(&db, &[], &[("HAVEN_DATABASE_URL", secret_url)]),
        show(&db, &["--database-url", secret_url], &[]),
    ] {
        let table = parse(&run);
        assert_eq!(
            get(&table, "database_url", &run),
            "postgres://haven:***@db.example/haven",
            "{run}"
        );
        assert!(!run.stdout.contains("s3cret"), "{run}");
        assert!(!run.stderr.contains("s3cret"), "{run}");
    }
}

#[test]
fn the_config_file_then_the_environment_then_options_apply() {
    let db = Db::sqlite();
    let file = write_file(
        db.root.path(),
        "haven.toml",
        "listen = \"0.0.0.0:9999\"\nsession_idle_minutes = 10\n",
    );
    let file = file.to_str().unwrap();

    let run = show(&db, &["--config", file], &[]);
    let table = parse(&run);
    assert_eq!(get(&table, "listen", &run), "0.0.0.0:9999", "{run}");
    assert_eq!(
        table
            .get("session_idle_minutes")
            .and_then(toml::Value::as_integer),
        Some(10),
        "{run}"
    );

    // HAVEN_CONFIG names the file as --config does.
    let run = show(&db, &[], &[("HAVEN_CONFIG", file)]);
    assert_eq!(get(&parse(&run), "listen", &run), "0.0.0.0:9999", "{run}");

    let run = show(
        &db,
        &["--config", file],
        &[("HAVEN_LISTEN", "127.0.0.1:7777")],
    );
    assert_eq!(get(&parse(&run), "listen", &run), "127.0.0.1:7777", "{run}");

    // --data-dir beats HAVEN_DATA_DIR.
    let run = show(&db, &[], &[("HAVEN_DATA_DIR", "/srv/elsewhere")]);
    assert_eq!(
        get(&parse(&run), "data_dir", &run),
        db.data_dir.to_str().unwrap(),
        "{run}"
    );
    let mut command = haven_bare();
    command
        .args(["config", "show"])
        .env("HAVEN_DATA_DIR", "/srv/elsewhere");
    let run = run_checked(command);
    let table = parse(&run);
    assert_eq!(get(&table, "data_dir", &run), "/srv/elsewhere", "{run}");
    assert_eq!(
        get(&table, "database_url", &run),
        "sqlite:///srv/elsewhere/haven.db",
        "{run}"
    );
}

fn run_checked(command: std::process::Command) -> Run {
    let run = run(command);
    run.ok();
    run
}

#[test]
fn a_missing_config_file_or_a_bad_value_exits_2() {
    let db = Db::sqlite();
    let missing = db.root.path().join("missing.toml");
    let run = show(&db, &["--config", missing.to_str().unwrap()], &[]);
    let stderr = run.fails_with(2);
    assert!(
        stderr.contains("missing.toml") && stderr.contains("does not exist"),
        "{run}"
    );

    let french = write_file(db.root.path(), "fr.toml", "default_language = \"fr\"\n");
    let run = show(&db, &["--config", french.to_str().unwrap()], &[]);
    assert!(run.fails_with(2).contains("default_language"), "{run}");

    let run = show(&db, &[], &[("HAVEN_LOG_FORMAT", "xml")]);
    assert!(run.fails_with(2).contains("log_format"), "{run}");

    let broken = write_file(db.root.path(), "broken.toml", "listen = \n");
    let run = show(&db, &["--config", broken.to_str().unwrap()], &[]);
    run.fails_with(2);

    assert!(!db.data_dir.exists(), "config show made the data directory");
}
