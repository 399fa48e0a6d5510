//! The PostgreSQL sandbox that runs submitted queries.
//!
//! Set-up, through an admin connection (the bot's database URL), serialised
//! between processes by an advisory lock so two replicas (or the bot and
//! `prepbot grade`) starting at once do not trip over each other:
//! - a separate database `<db>_sandbox`, created from `template0` (so no
//!   extension such as dblink), where PUBLIC may neither connect, create temp
//!   tables, nor use the `public` schema, and may not read the cluster-wide
//!   catalogs (databases, roles, settings) nor call `version()` and similar;
//! - a LOGIN role `<db>_sandbox` (no superuser, createdb, createrole,
//!   replication or bypassrls) that may only connect to that database. Its
//!   password is generated once and kept in a table of that database that
//!   only the admin can read (`prepbot_private.sandbox_secret`); it is set
//!   on the role only when the role or the secret is created, so every
//!   process reads the same password and none resets another's;
//! - a NOLOGIN role `<db>_sandbox_ro` that the login role switches to for
//!   everything the question supplies; it may only create temp tables;
//! - the login role gets `statement_timeout`, `track_activities = off` and a
//!   `temp_file_limit` (the last two need a superuser admin; without one
//!   they, and the catalog revokes, are skipped with a warning).
//!
//! Each run opens a fresh connection as the login role and, in one
//! transaction that is always rolled back: switches to the reader role,
//! runs the question's checked [`Fixture`] statements one at a time over the
//! extended protocol (so each message is exactly one statement) as temp
//! tables (invisible to every other session), makes the transaction
//! read-only, checks that both took effect, then runs each query as
//! `DECLARE ... NO SCROLL CURSOR FOR <query>` over the extended protocol
//! (exactly one statement, and a query: DECLARE rejects anything else and any
//! data-modifying WITH) and fetches at most [`MAX_ROWS`] + 1 rows, under a
//! `statement_timeout` of [`STATEMENT_TIMEOUT_MS`]. A client-side deadline
//! backs the timeout up by terminating the backend.

use super::compare::ResultSet;
use super::cursor::fetch;
pub use super::error::{pg_message, RunError, SandboxError};
use super::fixture::Fixture;
use futures::future::BoxFuture;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgQueryResult, PgRow};
use sqlx::{ConnectOptions, Connection, Row};
use std::str::FromStr;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Server-side limit for one statement.
pub const STATEMENT_TIMEOUT_MS: u64 = 2000;
/// Rows a query may return.
pub const MAX_ROWS: usize = 1000;
/// Bytes of result text a query may return.
pub const MAX_BYTES: usize = 4 << 20;
/// Concurrent sandbox sessions.
const SESSIONS: usize = 4;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

type Outcome = Result<ResultSet, RunError>;

/// Names of the sandbox's database and roles.
#[derive(Debug, Clone)]
struct Names {
    db: String,
    login: String,
    reader: String,
}

impl Names {
    fn for_database(main: &str) -> Self {
        let base: String = main.chars().take(40).collect();
        let db = format!("{base}_sandbox");
        Self {
            login: db.clone(),
            reader: format!("{db}_ro"),
            db,
        }
    }
}

/// Quotes an SQL identifier.
pub fn ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// A ready sandbox: connection settings for the admin and the login role.
pub struct Sandbox {
    admin: PgConnectOptions,
    login: PgConnectOptions,
    names: Names,
    gate: Semaphore,
}

impl Sandbox {
    /// Creates (or reuses) the sandbox database and roles next to the
    /// database that `database_url` names.
    pub async fn connect(database_url: &str) -> Result<Self, SandboxError> {
        let base = PgConnectOptions::from_str(database_url)
            .map_err(|e| SandboxError::Setup(format!("bad database URL: {e}")))?;
        Self::connect_with(base).await
    }

    /// Like [`Sandbox::connect`], from parsed connection options.
    pub async fn connect_with(base: PgConnectOptions) -> Result<Self, SandboxError> {
        let base = base.log_statements(tracing::log::LevelFilter::Debug);
        let main = base
            .get_database()
            .unwrap_or(base.get_username())
            .to_owned();
        let names = Names::for_database(&main);
        let mut admin = connect_admin(&base).await?;
        super::setup::lock(&mut admin).await?;
        let set_up = set_up(&mut admin, &base, &names).await;
        // Closing the session releases the advisory lock.
        let _ = admin.close().await;
        let (sandbox_admin, password) = set_up?;
        let login = sandbox_admin
            .clone()
            .username(&names.login)
            .password(&password)
            .application_name("prepbot-sandbox");
        Ok(Self {
            admin: sandbox_admin,
            login,
            names,
            gate: Semaphore::new(SESSIONS),
        })
    }

    /// Drops the sandbox database and roles (for tests and uninstalling).
    pub async fn destroy(&self) -> Result<(), SandboxError> {
        let main = self.admin.clone().database("postgres");
        let mut conn = open(&main).await.map_err(SandboxError::Unavailable)?;
        for sql in [
            format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                ident(&self.names.db)
            ),
            format!("DROP ROLE IF EXISTS {}", ident(&self.names.reader)),
            format!("DROP ROLE IF EXISTS {}", ident(&self.names.login)),
        ] {
            sqlx::raw_sql(&sql)
                .execute(&mut conn)
                .await
                .map_err(|e| SandboxError::Unavailable(e.to_string()))?;
        }
        Ok(())
    }

    /// The login role's name (tests and operators use it to inspect it).
    pub fn login_role(&self) -> &str {
        &self.names.login
    }

    /// Loads `fixture`, then runs each query in turn (stopping at the first
    /// that fails) and returns their outcomes.
    pub async fn run(
        &self,
        fixture: &Fixture,
        queries: &[&str],
    ) -> Result<Vec<Outcome>, SandboxError> {
        let _permit = self
            .gate
            .acquire()
            .await
            .map_err(|e| SandboxError::Unavailable(e.to_string()))?;
        let mut conn = open(&self.login).await.map_err(SandboxError::Unavailable)?;
        let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
            .fetch_one(&mut conn)
            .await
            .map_err(|e| SandboxError::Unavailable(e.to_string()))?;
        let deadline =
            Duration::from_millis(STATEMENT_TIMEOUT_MS * (queries.len() as u64 + 2) + 3000);
        let work = session(&mut conn, &self.names.reader, fixture, queries);
        match tokio::time::timeout(deadline, work).await {
            Ok(Ok((outcomes, clean))) => {
                if clean {
                    let _ = conn.close().await;
                } else {
                    self.terminate(pid).await;
                }
                Ok(outcomes)
            }
            Ok(Err(e)) => {
                self.terminate(pid).await;
                Err(e)
            }
            Err(_) => {
                self.terminate(pid).await;
                Ok(vec![Err(RunError::Timeout)])
            }
        }
    }

    /// Ends a sandbox backend that may still be busy.
    async fn terminate(&self, pid: i32) {
        if let Ok(mut admin) = open(&self.admin).await {
            let _ = sqlx::query("SELECT pg_terminate_backend($1)")
                .bind(pid)
                .execute(&mut admin)
                .await;
            let _ = admin.close().await;
        }
    }
}

async fn open(opts: &PgConnectOptions) -> Result<PgConnection, String> {
    // People's queries are expected to be slow or fail sometimes; sqlx's own
    // statement logging would turn each into a warning and log their SQL.
    let opts = opts.clone().disable_statement_logging();
    match tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(&opts)).await {
        Ok(r) => r.map_err(|e| e.to_string()),
        Err(_) => Err("timed out connecting to PostgreSQL".into()),
    }
}

/// Connects to the bot's database, or to `postgres` if that one does not exist yet.
async fn connect_admin(base: &PgConnectOptions) -> Result<PgConnection, SandboxError> {
    match open(base).await {
        Ok(c) => Ok(c),
        Err(e) if e.contains("does not exist") => open(&base.clone().database("postgres"))
            .await
            .map_err(SandboxError::Setup),
        Err(e) => Err(SandboxError::Setup(e)),
    }
}

/// Creates or checks the database, the secret and the roles, and locks the
/// database down. Returns the admin's options for the sandbox database and
/// the login role's password.
async fn set_up(
    admin: &mut PgConnection,
    base: &PgConnectOptions,
    names: &Names,
) -> Result<(PgConnectOptions, String), SandboxError> {
    super::setup::ensure_database(admin, &names.db).await?;
    let sandbox_admin = base.clone().database(&names.db);
    let mut conn = open(&sandbox_admin).await.map_err(SandboxError::Setup)?;
    let (password, fresh) = super::setup::secret(&mut conn, &random_password()).await?;
    super::setup::ensure_roles(admin, &names.login, &names.reader, &password, fresh).await?;
    super::setup::harden(&mut conn, &names.db, &names.login, &names.reader).await?;
    let _ = conn.close().await;
    Ok((sandbox_admin, password))
}

fn random_password() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..32)
        .map(|_| format!("{:x}", rng.gen_range(0..16u8)))
        .collect()
}

// sqlx's `RawSql::execute` and `fetch_all` are `async fn`s generic over the
// executor, which the higher-ranked Send check of `async_trait` futures
// cannot see through; the `Executor` methods return boxed futures instead.
fn exec<'c>(
    conn: &'c mut PgConnection,
    sql: &'c str,
) -> BoxFuture<'c, Result<PgQueryResult, sqlx::Error>> {
    sqlx::Executor::execute(conn, sqlx::raw_sql(sql))
}

fn rows<'c>(
    conn: &'c mut PgConnection,
    sql: &'c str,
) -> BoxFuture<'c, Result<Vec<PgRow>, sqlx::Error>> {
    sqlx::Executor::fetch_all(conn, sqlx::raw_sql(sql))
}

/// One statement over the extended protocol, which refuses a second one.
fn exec_one<'c>(
    conn: &'c mut PgConnection,
    sql: &'c str,
) -> BoxFuture<'c, Result<PgQueryResult, sqlx::Error>> {
    sqlx::Executor::execute(conn, sqlx::query(sql).persistent(false))
}

/// One rolled-back transaction. Returns the outcomes and whether the
/// connection is still in a known state (else the caller terminates it).
async fn session(
    conn: &mut PgConnection,
    reader: &str,
    fixture: &Fixture,
    queries: &[&str],
) -> Result<(Vec<Outcome>, bool), SandboxError> {
    let infra = |e: sqlx::Error| SandboxError::Unavailable(e.to_string());
    exec(conn, &format!(
        "BEGIN; SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}; SET LOCAL lock_timeout = 1000; \
         SET LOCAL idle_in_transaction_session_timeout = 10000; SET LOCAL search_path = pg_temp; \
         SET LOCAL ROLE {}", ident(reader)
    ))
    .await
    .map_err(infra)?;
    let statements = fixture.statements();
    // Index loops: a slice iterator held across the await trips the same
    // higher-ranked Send check as above.
    #[allow(clippy::needless_range_loop)]
    for i in 0..statements.len() {
        if let Err(e) = exec_one(conn, &statements[i]).await {
            return Err(SandboxError::Fixture(format!(
                "statement {}: {}",
                i + 1,
                pg_message(&e)
            )));
        }
        // Belt and braces behind Fixture::parse: had a statement ended the
        // transaction or switched role, stop before the next one runs.
        if current_user(conn).await?.as_deref() != Some(reader) {
            return Err(SandboxError::Fixture(format!(
                "statement {} left the sandbox transaction",
                i + 1
            )));
        }
    }
    lock_down(conn, reader).await?;
    let mut outcomes = Vec::new();
    let mut clean = true;
    #[allow(clippy::needless_range_loop)]
    for i in 0..queries.len() {
        let (outcome, ok) = fetch(conn, i, queries[i]).await?;
        clean &= ok;
        let failed = outcome.is_err();
        outcomes.push(outcome);
        if failed || !clean {
            break;
        }
    }
    if clean {
        exec(conn, "ROLLBACK").await.map_err(infra)?;
    }
    Ok((outcomes, clean))
}

/// Makes the transaction read-only and checks that it is, and that the
/// session is still the reader's inside the sandbox transaction.
async fn lock_down(conn: &mut PgConnection, reader: &str) -> Result<(), SandboxError> {
    let infra = |e: sqlx::Error| SandboxError::Unavailable(e.to_string());
    exec(conn, "SET LOCAL transaction_read_only = on")
        .await
        .map_err(infra)?;
    // SHOW rather than current_setting(): the sandbox revokes the function.
    let read_only = rows(conn, "SHOW transaction_read_only")
        .await
        .map_err(infra)?;
    let read_only = read_only
        .first()
        .and_then(|r| r.try_get::<String, _>(0).ok());
    if current_user(conn).await?.as_deref() != Some(reader) || read_only.as_deref() != Some("on") {
        return Err(SandboxError::Fixture(
            "the schema or fixture ended the sandbox transaction".into(),
        ));
    }
    Ok(())
}

async fn current_user(conn: &mut PgConnection) -> Result<Option<String>, SandboxError> {
    let user = rows(conn, "SELECT current_user::text")
        .await
        .map_err(|e| SandboxError::Unavailable(e.to_string()))?;
    Ok(user.first().and_then(|r| r.try_get::<String, _>(0).ok()))
}
