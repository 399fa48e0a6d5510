//! What can go wrong in the SQL sandbox, and how a PostgreSQL error becomes
//! feedback. The person's query failing is a [`RunError`]: either a mistake
//! to fix and send again ([`RunError::Postgres`]), or a query that needed
//! more than the sandbox allows ([`RunError::is_limit`], graded
//! `incorrect`). The sandbox failing (cannot connect, server shutting down)
//! is a [`SandboxError`].

use super::sandbox::{MAX_BYTES, MAX_ROWS, STATEMENT_TIMEOUT_MS};
use sqlx::postgres::PgDatabaseError;

/// The sandbox itself could not be used (not: the query was wrong).
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("cannot set up the SQL sandbox: {0}")]
    Setup(String),
    #[error("the SQL sandbox is unavailable: {0}")]
    Unavailable(String),
    #[error("the question's schema or fixture does not load: {0}")]
    Fixture(String),
}

/// Why a submitted query produced no comparable result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    #[error("PostgreSQL: {0}")]
    Postgres(String),
    #[error("Your query ran longer than {} s and was stopped", STATEMENT_TIMEOUT_MS / 1000)]
    Timeout,
    #[error("Your query returned more than {MAX_ROWS} rows")]
    TooManyRows,
    #[error("Your query returned more than {} MB of data", MAX_BYTES >> 20)]
    TooLarge,
    #[error("Your query needed more {0} than the sandbox allows, and was stopped")]
    Resource(&'static str),
}

impl RunError {
    /// Whether the query ran but needed more than the sandbox allows (time,
    /// rows, bytes, temporary disk, memory): a wrong answer, not a typo.
    pub fn is_limit(&self) -> bool {
        !matches!(self, RunError::Postgres(_))
    }
}

/// The resource a SQLSTATE says ran out because of the query itself.
fn resource(code: &str) -> Option<&'static str> {
    match code {
        // configuration_limit_exceeded: temp_file_limit.
        "53400" => Some("temporary disk space (temp_file_limit)"),
        "53200" => Some("memory"),
        // statement_too_complex: stack depth, e.g. deep recursion.
        "54001" => Some("stack depth"),
        c if c.starts_with("54") => Some("room under a PostgreSQL program limit"),
        _ => None,
    }
}

/// Maps a failed query to what the person sees, or to a sandbox failure when
/// it was not the query's fault.
pub(super) fn user_error(e: sqlx::Error) -> Result<RunError, SandboxError> {
    match &e {
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            if code == "57014" {
                return Ok(RunError::Timeout);
            }
            if let Some(what) = resource(&code) {
                return Ok(RunError::Resource(what));
            }
            if code.starts_with("08") || code.starts_with("53") || code.starts_with("57P") {
                return Err(SandboxError::Unavailable(db.message().to_owned()));
            }
            Ok(RunError::Postgres(pg_message(&e)))
        }
        _ => Err(SandboxError::Unavailable(e.to_string())),
    }
}

/// PostgreSQL's own message (plus its hint), trimmed to one short line.
pub fn pg_message(e: &sqlx::Error) -> String {
    let (msg, hint) = match e {
        sqlx::Error::Database(db) => match db.try_downcast_ref::<PgDatabaseError>() {
            Some(pg) => (pg.message().to_owned(), pg.hint().map(str::to_owned)),
            None => (db.message().to_owned(), None),
        },
        other => (other.to_string(), None),
    };
    let mut s = msg.lines().next().unwrap_or_default().to_owned();
    if let Some(h) = hint {
        s = format!("{s} ({})", h.lines().next().unwrap_or_default());
    }
    if s.chars().count() > 300 {
        s = s.chars().take(297).collect::<String>() + "...";
    }
    s
}
