//! For tests only (feature `testing`): a fresh, empty PostgreSQL database
//! per call.
//!
//! The server is `DOORSTEP_TEST_PG` (a URL such as
//! `postgres://doorstep:PASSWORD@127.0.0.1:5433/postgres`, which `.ci/run`
//! sets) or else one private throwaway cluster per test process, made from
//! Debian's `postgresql` package: `initdb` (as the `postgres` user through
//! `runuser` when running as root) into a temp dir, a free port on
//! 127.0.0.1, `fsync=off` (tests only). A watcher process stops it with
//! `pg_ctl -m immediate stop` and removes the dir once the test process is
//! gone, however it ended (even SIGKILL). Each call then makes
//! `CREATE DATABASE t_<pid>_<n>` and returns its URL.
//!
//! No server and no PostgreSQL installed: `None`, and the caller skips
//! with a message (or fails under `DOORSTEP_REQUIRE_TOOLS`).

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The password of the private cluster's `doorstep` user (TCP logins need
/// it, so the tests see real password authentication).
pub const PASSWORD: &str = "doorstep-test";

/// Why there is no server, for the skip message.
static SERVER: OnceLock<Result<String, String>> = OnceLock::new();
static NEXT: AtomicUsize = AtomicUsize::new(0);

/// The server's URL (to its maintenance database), starting the private
/// cluster on first use. `Err`: why there is none.
pub fn server_url() -> Result<String, String> {
    SERVER
        .get_or_init(|| match std::env::var("DOORSTEP_TEST_PG") {
            Ok(url) if !url.is_empty() => Ok(url),
            _ => start_cluster(),
        })
        .clone()
}

/// A new empty database's URL, or why there is none.
pub fn fresh_database() -> Result<String, String> {
    let server = server_url()?;
    let name = format!(
        "t_{}_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos()),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let mut client = postgres::Client::connect(&server, postgres::NoTls)
        .map_err(|e| format!("cannot reach the test server: {e}"))?;
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .map_err(|e| format!("CREATE DATABASE {name}: {e}"))?;
    Ok(with_database(&server, &name))
}

/// `url` with its database replaced by `name`.
pub fn with_database(url: &str, name: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let (head, rest) = url.split_at(start);
    let query = rest.find('?').map_or("", |q| &rest[q..]);
    let authority = rest[..rest.find(['/', '?']).unwrap_or(rest.len())].to_string();
    format!("{head}{authority}/{name}{query}")
}

/// The newest Debian PostgreSQL's bin dir.
fn bin_dir() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .filter_map(|e| {
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, b)| b)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// `cmd args…`, as `postgres` when root (initdb refuses root).
fn as_owner(root: bool, bin: &std::path::Path, args: &[&str]) -> Command {
    if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin).args(args);
        c
    } else {
        let mut c = Command::new(bin);
        c.args(args);
        c
    }
}

fn run(mut c: Command, what: &str) -> Result<(), String> {
    let out = c
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn start_cluster() -> Result<String, String> {
    let bin = bin_dir().ok_or(
        "PostgreSQL is not installed (apt-get install -y --no-install-recommends postgresql) \
         and DOORSTEP_TEST_PG is not set",
    )?;
    let root = is_root();
    let dir = std::env::temp_dir().join(format!(
        "doorstep-pg-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let data = dir.join("data");
    let pwfile = dir.join("pw");
    std::fs::write(&pwfile, PASSWORD).map_err(|e| format!("{}: {e}", pwfile.display()))?;
    if root {
        run(
            {
                let mut c = Command::new("chown");
                c.args(["-R", "postgres:postgres"]).arg(&dir);
                c
            },
            "chown postgres",
        )?;
    }
    let (d, pw) = (data.to_str().unwrap(), pwfile.to_str().unwrap());
    run(
        as_owner(
            root,
            &bin.join("initdb"),
            &[
                "-D",
                d,
                "-U",
                "doorstep",
                "--pwfile",
                pw,
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        ),
        "initdb",
    )?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("a free port: {e}"))?
        .port();
    let opts = format!(
        "-p {port} -c listen_addresses=127.0.0.1 -k {} -c fsync=off -c synchronous_commit=off \
         -c full_page_writes=off -c max_connections=200",
        dir.display()
    );
    let log = dir.join("log");
    run(
        as_owner(
            root,
            &bin.join("pg_ctl"),
            &[
                "-D",
                d,
                "-o",
                &opts,
                "-l",
                log.to_str().unwrap(),
                "-w",
                "start",
            ],
        ),
        "pg_ctl start",
    )?;
    // The watcher: once this process is gone, stop the cluster, remove it.
    let stop = if root {
        format!(
            "runuser -u postgres -- {} -D {d} -m immediate stop",
            bin.join("pg_ctl").display()
        )
    } else {
        format!("{} -D {d} -m immediate stop", bin.join("pg_ctl").display())
    };
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; {stop} >/dev/null 2>&1; rm -rf '{dir}'",
        pid = std::process::id(),
        dir = dir.display()
    );
    Command::new("setsid")
        .args(["sh", "-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("the cluster's watcher: {e}"))?;
    Ok(format!(
        "postgres://doorstep:{PASSWORD}@127.0.0.1:{port}/postgres"
    ))
}
