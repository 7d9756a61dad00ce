//! serve: start with demo data, answer /readyz, hold the data directory's lock, and
//! stop gracefully on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use haven_store::demo::DEMO_USERS;

use crate::Db;

/// How long a test waits for the server's next line before giving up: long, because
/// this only catches a server that hangs. A first start with demo data on PostgreSQL
/// is quiet for as long as one part's records take to write (20 s for the care part
/// on a loaded CI machine).
const PATIENCE: Duration = Duration::from_secs(180);

/// A running `haven serve`, killed if the test ends before it stops.
struct Server {
    label: &'static str,
    child: Child,
    lines: Receiver<String>,
    stdout: Vec<String>,
    stderr: Option<JoinHandle<String>>,
}

impl Server {
    fn start(mut command: Command, label: &'static str) -> Server {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("starting haven serve");
        let stdout = child.stdout.take().expect("the server's stdout");
        let mut stderr = child.stderr.take().expect("the server's stderr");
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        Server {
            label,
            child,
            lines,
            stdout: Vec::new(),
            stderr: Some(stderr),
        }
    }

    /// Reads lines from stdout until one satisfies `wanted` (returned), stdout closes,
    /// or no line comes for [`PATIENCE`] (both `None`).
    fn read_until(&mut self, wanted: impl Fn(&str) -> bool) -> Option<String> {
        let mut deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    deadline = Instant::now() + PATIENCE;
                    self.stdout.push(line.clone());
                    if wanted(&line) {
                        return Some(line);
                    }
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
            }
        }
    }

    /// Waits for the address the server says it serves on.
    fn address(&mut self) -> String {
        const SERVING: &str = "Haven is serving on http://";
        let Some(line) = self.read_until(|line| line.contains(SERVING)) else {
            self.fail("the server never said where it serves");
        };
        let rest = &line[line.find(SERVING).unwrap() + SERVING.len()..];
        rest.split_whitespace()
            .next()
            .unwrap_or_default()
            .to_owned()
    }

    /// Sends SIGTERM and waits for the server to close stdout and exit.
    fn terminate(&mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        let status = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("running kill");
        assert!(status.success(), "kill -TERM {pid} failed");
        self.read_until(|_| false);
        if !self.stdout_closed() {
            self.fail("the server did not stop after SIGTERM");
        }
        self.child.wait().expect("waiting for the server")
    }

    /// True once the reader thread has seen the end of stdout.
    fn stdout_closed(&self) -> bool {
        matches!(self.lines.try_recv(), Err(mpsc::TryRecvError::Disconnected))
    }

    /// Stops the server and collects its stderr, for a failure message.
    fn finish(&mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.stderr
            .take()
            .and_then(|handle| handle.join().ok())
            .unwrap_or_default()
    }

    fn fail(&mut self, what: &str) -> ! {
        let stderr = self.finish();
        panic!(
            "[{}] {what}\n--- stdout ---\n{}\n--- stderr ---\n{stderr}",
            self.label,
            self.stdout.join("\n")
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// GETs `path` from the server at `address` over plain HTTP/1.1 and returns the
/// status code.
fn get(address: &str, path: &str) -> u16 {
    let mut stream =
        TcpStream::connect(address).unwrap_or_else(|e| panic!("connecting to {address}: {e}"));
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.set_write_timeout(Some(PATIENCE)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .unwrap_or_else(|e| panic!("reading the response to GET {path}: {e}"));
    let status_line = response.lines().next().unwrap_or_default();
    status_line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status in the response to GET {path}: {response:?}"))
}

#[test]
fn serve_answers_holds_the_data_dir_and_stops_gracefully() {
    for db in Db::all() {
        let mut command = db.haven();
        command.args(["serve", "--demo", "--listen", "127.0.0.1:0"]);
        let mut server = Server::start(command, db.label);
        let address = server.address();

        let signs_in = server
            .stdout
            .iter()
            .any(|line| line.contains("admin") && line.contains("haven-demo"));
        if !signs_in {
            server.fail("the server did not print the demo sign-in");
        }

        let status = get(&address, "/readyz");
        if status != 200 {
            server.fail(&format!("GET /readyz answered {status}"));
        }

        if db.is_sqlite() {
            // A consistent copy while Haven runs...
            let backup = db.root.path().join("while-serving.db");
            db.ok(&["backup", backup.to_str().unwrap()]);
            assert_eq!(
                crate::sqlite_scalar(&backup, "SELECT COUNT(*) FROM user_account").unwrap(),
                DEMO_USERS.len() as i64
            );
            // ...but no restore under it, and no second server on the same data.
            db.run(&["restore", backup.to_str().unwrap()])
                .fails_saying(&["another Haven is running"]);
            db.run(&["serve", "--listen", "127.0.0.1:0"])
                .fails_saying(&["another Haven is running"]);
            assert_eq!(get(&address, "/readyz"), 200, "still serving");
        }

        let status = server.terminate();
        let stopped = server.stdout.iter().any(|line| line == "Haven stopped");
        if !status.success() || !stopped {
            server.fail(&format!("after SIGTERM the server exited with {status}"));
        }
        assert_eq!(status.code(), Some(0));

        if db.is_sqlite() {
            // The lock went with the server.
            let backup = db.root.path().join("while-serving.db");
            db.ok(&["restore", backup.to_str().unwrap()]);
            assert_eq!(db.users().len(), DEMO_USERS.len());
        }
    }
}

#[test]
fn serve_without_demo_says_how_to_add_an_administrator() {
    for db in Db::all() {
        let mut command = db.haven();
        command.args(["serve", "--listen", "127.0.0.1:0"]);
        let mut server = Server::start(command, db.label);
        let address = server.address();
        let hint = server
            .stdout
            .iter()
            .any(|line| line.contains("haven user add --username admin"));
        if !hint {
            server.fail("no hint to add an administrator");
        }
        assert_eq!(get(&address, "/readyz"), 200, "[{}]", db.label);
        let status = server.terminate();
        if !status.success() {
            server.fail(&format!("after SIGTERM the server exited with {status}"));
        }
        assert_eq!(db.users(), vec![], "[{}] no demo data", db.label);
    }
}
