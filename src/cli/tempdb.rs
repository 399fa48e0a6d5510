//! A private PostgreSQL server for `prepbot console` on a machine where none
//! is running: `initdb` into a folder of our own, started on a Unix socket
//! only (no TCP port), and stopped again when the console exits.
//!
//! PostgreSQL refuses to run as root, so under root the server runs as the
//! `postgres` user through `runuser`, in a folder that user can reach.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The port number in the socket's name (`.s.PGSQL.5432`); no TCP is opened.
const SOCKET_PORT: u16 = 5432;

/// What to tell someone without PostgreSQL.
pub const INSTALL_HINT: &str =
    "PostgreSQL is not installed (no initdb or pg_ctl found). Install it, then run this again:
  Debian/Ubuntu:  sudo apt install postgresql
  Fedora:         sudo dnf install postgresql-server
  macOS:          brew install postgresql@16
Or point DATABASE_URL at a server you already have.";

/// Why a private server could not be started.
#[derive(Debug, thiserror::Error)]
pub enum TempDbError {
    #[error("{INSTALL_HINT}")]
    NotInstalled,
    #[error("PostgreSQL refuses to run as root, and there is no `postgres` user with `runuser` to run it as; run prepbot as an ordinary user or set DATABASE_URL")]
    Root,
    #[error("{what} failed: {detail}")]
    Step { what: String, detail: String },
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
}

/// The folder holding `initdb` and `pg_ctl`.
#[derive(Debug, Clone)]
pub struct PgTools {
    bin: PathBuf,
}

impl PgTools {
    /// Looks on `PATH`, then in the versioned folders Debian and others use
    /// (`/usr/lib/postgresql/<ver>/bin`, newest first).
    pub fn find() -> Option<Self> {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
        dirs.extend(versioned_dirs(Path::new("/usr/lib/postgresql")));
        dirs.extend(versioned_dirs(Path::new("/usr/pgsql")));
        dirs.push("/usr/local/pgsql/bin".into());
        Self::find_in(&dirs)
    }

    /// The first of `dirs` holding both tools.
    pub fn find_in(dirs: &[PathBuf]) -> Option<Self> {
        dirs.iter()
            .find(|d| d.join("initdb").is_file() && d.join("pg_ctl").is_file())
            .map(|d| Self { bin: d.clone() })
    }
}

/// `<root>/<version>/bin` for each version folder, highest version first.
fn versioned_dirs(root: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut versions: Vec<(u32, PathBuf)> = entries
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            Some((v, e.path().join("bin")))
        })
        .collect();
    versions.sort_by_key(|v| std::cmp::Reverse(v.0));
    versions.into_iter().map(|(_, p)| p).collect()
}

/// Who runs the server processes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RunAs {
    Me,
    /// Root: the `postgres` user, through `runuser` (found by full path,
    /// since sbin folders are not always on `PATH`).
    Postgres {
        runuser: PathBuf,
        uid: u32,
        gid: u32,
    },
}

impl RunAs {
    fn detect() -> Result<Self, TempDbError> {
        if current_uid() != Some(0) {
            return Ok(Self::Me);
        }
        let runuser = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"]
            .into_iter()
            .map(PathBuf::from)
            .find(|p| p.is_file());
        match (runuser, id_of("-u"), id_of("-g")) {
            (Some(runuser), Some(uid), Some(gid)) => Ok(Self::Postgres { runuser, uid, gid }),
            _ => Err(TempDbError::Root),
        }
    }
}

/// The effective uid: the owner of `/proc/self`.
fn current_uid() -> Option<u32> {
    std::fs::metadata("/proc/self").ok().map(|m| m.uid())
}

/// `id -u postgres` / `id -g postgres`.
fn id_of(flag: &str) -> Option<u32> {
    let out = Command::new("id").args([flag, "postgres"]).output().ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

/// Where the private server lives when nothing else is said: the user's data
/// folder (`$XDG_DATA_HOME/prepbot/postgres`), or, under root, a folder in
/// the temp dir that the `postgres` user can reach.
pub fn default_dir() -> PathBuf {
    if current_uid() == Some(0) {
        return std::env::temp_dir().join("prepbot-postgres");
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(std::env::temp_dir);
    data.join("prepbot/postgres")
}

/// A running private server; stopped when dropped.
#[derive(Debug)]
pub struct TempCluster {
    dir: PathBuf,
    tools: PgTools,
    run_as: RunAs,
    running: bool,
}

impl TempCluster {
    /// Creates the cluster in `dir` if it is not there yet and starts it.
    /// Blocking: it waits for the server to accept connections.
    pub fn start(tools: PgTools, dir: &Path) -> Result<Self, TempDbError> {
        let run_as = RunAs::detect()?;
        std::fs::create_dir_all(dir).map_err(|e| TempDbError::Io(dir.display().to_string(), e))?;
        if let RunAs::Postgres { uid, gid, .. } = &run_as {
            std::os::unix::fs::chown(dir, Some(*uid), Some(*gid))
                .map_err(|e| TempDbError::Io(format!("chown {}", dir.display()), e))?;
        }
        let mut cluster = Self {
            dir: dir.to_owned(),
            tools,
            run_as,
            running: false,
        };
        if !cluster.data().join("PG_VERSION").is_file() {
            cluster.initdb()?;
        }
        if !cluster.is_running() {
            cluster.pg_ctl_start()?;
        }
        cluster.running = true;
        Ok(cluster)
    }

    /// The folder holding the data and the socket.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A URL for `database` on this server, over its Unix socket.
    pub fn url(&self, database: &str) -> String {
        let socket: String = url_encode(&self.dir.to_string_lossy());
        format!("postgres://postgres@localhost:{SOCKET_PORT}/{database}?host={socket}")
    }

    /// Stops the server (fast shutdown: open sessions are ended).
    pub fn stop(&mut self) -> Result<(), TempDbError> {
        if !self.running {
            return Ok(());
        }
        let data = self.data();
        let stopped = self.run(
            "pg_ctl stop",
            "pg_ctl",
            &[
                "stop".as_ref(),
                "-D".as_ref(),
                data.as_os_str(),
                "-m".as_ref(),
                "fast".as_ref(),
                "-w".as_ref(),
            ],
        );
        // On failure, stay marked running so that drop tries once more.
        self.running = stopped.is_err();
        stopped
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn initdb(&self) -> Result<(), TempDbError> {
        let data = self.data();
        self.run(
            "initdb",
            "initdb",
            &[
                "-D".as_ref(),
                data.as_os_str(),
                "-U".as_ref(),
                "postgres".as_ref(),
                "--auth=trust".as_ref(),
                "--encoding=UTF8".as_ref(),
                "--no-sync".as_ref(),
                "--no-instructions".as_ref(),
            ],
        )
    }

    fn is_running(&self) -> bool {
        let data = self.data();
        self.run(
            "pg_ctl status",
            "pg_ctl",
            &["status".as_ref(), "-D".as_ref(), data.as_os_str()],
        )
        .is_ok()
    }

    fn pg_ctl_start(&self) -> Result<(), TempDbError> {
        let data = self.data();
        let log = self.dir.join("server.log");
        // Socket only: no TCP port to clash with, nothing reachable from outside.
        let options = format!(
            "-c listen_addresses='' -k '{}' -p {SOCKET_PORT}",
            self.dir.display()
        );
        self.run(
            "pg_ctl start",
            "pg_ctl",
            &[
                "start".as_ref(),
                "-D".as_ref(),
                data.as_os_str(),
                "-l".as_ref(),
                log.as_os_str(),
                "-w".as_ref(),
                "-t".as_ref(),
                "60".as_ref(),
                "-o".as_ref(),
                options.as_ref(),
            ],
        )
    }

    /// Runs one of the tools as the right user, in `dir` (the `postgres`
    /// user may not be able to enter our working directory).
    fn run(&self, what: &str, tool: &str, args: &[&std::ffi::OsStr]) -> Result<(), TempDbError> {
        let program = self.tools.bin.join(tool);
        let mut cmd = match &self.run_as {
            RunAs::Me => Command::new(&program),
            RunAs::Postgres { runuser, .. } => {
                let mut c = Command::new(runuser);
                c.args(["-u", "postgres", "--"]).arg(&program);
                c
            }
        };
        let out = cmd
            .args(args)
            .current_dir(&self.dir)
            .output()
            .map_err(|e| TempDbError::Io(program.display().to_string(), e))?;
        if out.status.success() {
            return Ok(());
        }
        Err(TempDbError::Step {
            what: what.to_owned(),
            detail: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        })
    }
}

impl Drop for TempCluster {
    fn drop(&mut self) {
        if let Err(e) = self.stop() {
            eprintln!(
                "warning: could not stop the private PostgreSQL in {}: {e}",
                self.dir.display()
            );
        }
    }
}

/// Percent-encodes everything but unreserved characters.
fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tools_are_found_only_where_both_initdb_and_pg_ctl_exist() {
        let dir = std::env::temp_dir().join(format!("prepbot-tools-{}", rand::random::<u32>()));
        std::fs::create_dir_all(&dir).unwrap();
        assert!(PgTools::find_in(std::slice::from_ref(&dir)).is_none());
        std::fs::write(dir.join("initdb"), "").unwrap();
        assert!(PgTools::find_in(std::slice::from_ref(&dir)).is_none());
        std::fs::write(dir.join("pg_ctl"), "").unwrap();
        assert_eq!(
            PgTools::find_in(std::slice::from_ref(&dir)).unwrap().bin,
            dir
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn without_postgresql_the_message_says_how_to_install_it() {
        let msg = TempDbError::NotInstalled.to_string();
        assert!(msg.contains("sudo apt install postgresql"), "{msg}");
        assert!(msg.contains("DATABASE_URL"), "{msg}");
    }

    #[test]
    fn socket_folders_are_percent_encoded_in_the_url() {
        assert_eq!(url_encode("/tmp/a b"), "%2Ftmp%2Fa%20b");
    }
}
