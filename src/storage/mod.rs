//! PostgreSQL, through sqlx: the only store. Every query lives in this module.
//!
//! [`Store::connect`] creates the database if it is missing and runs the
//! migrations in `migrations/`, so a fresh machine needs only a server.

mod answers;
mod attempts;
mod boards;
mod budgets;
mod competition;
mod custom;
mod daily;
pub mod export;
mod fairness;
mod home;
mod places;
mod points;
mod posts;
mod replicas;
mod reward_roles;
mod rewards;
mod rounds;
mod seasons;
mod slack;
mod team_seasons;
mod teams;

pub use answers::{AnswerRow, NewAnswer, OpenFlag, RegradeOutcome, RevealStats};
pub use boards::{BoardQuery, TopicStats};
pub use competition::{CompetitionPost, WinnersChannel};
pub use custom::CustomAdd;
pub use daily::{ChannelRef, ChannelSchedule, DailyRow};
pub use fairness::AnswerSetting;
pub use home::{GuildSchedule, OpenDaily};
pub use places::Ctx;
pub use posts::{PostKind, PostRow};
pub use reward_roles::RoleChangeRow;
pub use rewards::RewardSettings;
pub use rounds::{RoundRow, Step};
pub use seasons::{season_scope, NewSeason, SeasonRow, Window};
pub use teams::TeamTotal;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Executor, PgPool};
use std::str::FromStr;
use std::time::Duration;

/// The migrations, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// How long [`Store::connect`] waits for PostgreSQL to answer.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Errors from the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot connect to PostgreSQL at {server}: {reason}")]
    Unavailable { server: String, reason: String },
    #[error("PostgreSQL at {server} did not answer within {} s", .after.as_secs_f32())]
    TimedOut { server: String, after: Duration },
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The URL names no database, so PostgreSQL would pick the user's own
    /// (often the `postgres` system database) and the tables would land there.
    #[error("DATABASE_URL names no database (add one after the last /, e.g. postgres://user@host:5432/prepbot)")]
    NoDatabase,
    /// The URL is for another database server: sqlx reads any scheme as
    /// PostgreSQL's, so `mysql://...:3306` would fail later with a
    /// protocol error that names neither the URL nor the fix.
    #[error("DATABASE_URL {0}; prepbot stores its data in PostgreSQL: postgres://user@host:5432/prepbot")]
    NotPostgres(String),
    /// A row holds a value the code does not know (a hand-edited database).
    #[error("stored data is invalid: {0}")]
    Invalid(String),
}

impl StoreError {
    /// Whether PostgreSQL was out of reach rather than wrong: no connection
    /// within the wait, a connection cut mid-query, or the server shutting
    /// down, restarting or starting up. Such a failure passes on its own;
    /// the person is told to try again in a minute.
    pub fn is_unreachable(&self) -> bool {
        match self {
            StoreError::Unavailable { .. } | StoreError::TimedOut { .. } => true,
            StoreError::Sql(e) => sql_unreachable(e),
            StoreError::NoDatabase
            | StoreError::NotPostgres(_)
            | StoreError::Migrate(_)
            | StoreError::Invalid(_) => false,
        }
    }
}

/// See [`StoreError::is_unreachable`]. SQLSTATE class 08 is a connection
/// exception; 57P01..57P03 are an administrator's or a crash's shutdown and
/// "cannot connect now" (starting up or shutting down), what every session
/// gets when the server restarts; 53300 is too many connections.
fn sql_unreachable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03" | "53300")
        }),
        _ => false,
    }
}

/// Connections a process holds by default (`PREPBOT_DB_POOL`). Measured,
/// not guessed (docs/benchmarks.md, the daily burst): on a 2-core server,
/// 8 connections answer as many per second as 20, and their p99 at 1,000
/// answers a second is 37 ms against 106 ms, because 20 busy backends on
/// 2 cores mostly wait on each other. The usual rule (about twice the
/// database server's cores) gives the same number. Raise it with the
/// database's cores, and keep replicas × pool under `max_connections`.
pub const DEFAULT_POOL: u32 = 8;

/// How long a command waits for a free connection (or for PostgreSQL to
/// come back) by default before giving up (`PREPBOT_DB_ACQUIRE_SECS`).
pub const ACQUIRE_WAIT: Duration = Duration::from_secs(30);

/// A pooled connection idle at least this long is pinged before use; one
/// in steady use is not (see [`Store::connect_pooled`]). In a burst every
/// connection comes back within milliseconds, so none is pinged; a server
/// restart is noticed by the ping on the next command after a pause, and a
/// command that was already running on the connection gets "try again".
const PING_IF_IDLE_FOR: Duration = Duration::from_millis(100);

/// The pool's size and patience.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolSettings {
    /// Most connections held (`PREPBOT_DB_POOL`).
    pub size: u32,
    /// How long a command waits for a connection: while the pool is busy,
    /// or while PostgreSQL refuses connections (a restart), after which the
    /// person is told to try again (`PREPBOT_DB_ACQUIRE_SECS`).
    pub acquire: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            size: DEFAULT_POOL,
            acquire: ACQUIRE_WAIT,
        }
    }
}

/// The handle to PostgreSQL shared by the engine, scheduler and front ends.
#[derive(Debug, Clone)]
pub struct Store {
    pool: PgPool,
}

impl Store {
    /// Connects, creating the database if it is missing, and migrates;
    /// gives up after [`DEFAULT_CONNECT_TIMEOUT`] without an answer.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_within(url, DEFAULT_CONNECT_TIMEOUT).await
    }

    /// Like [`Store::connect`], waiting at most `limit` for each step: a
    /// server that accepts the connection but never replies must not hang
    /// startup forever.
    #[tracing::instrument(skip_all)]
    pub async fn connect_within(url: &str, limit: Duration) -> Result<Self, StoreError> {
        Self::connect_pooled(url, limit, PoolSettings::default()).await
    }

    /// Like [`Store::connect_within`], with the pool's size and patience.
    ///
    /// A command waits up to `pool.acquire` (30 s by default) for a
    /// connection rather than `limit`: in the daily burst thousands of
    /// answers arrive within seconds, and an answer refused because the pool
    /// was busy is an answer lost. The same wait rides out a PostgreSQL
    /// restart: while the server refuses connections the pool keeps trying
    /// (backing off), so a restart shorter than the wait costs only the
    /// commands cut mid-query. Front ends defer slow commands (Discord
    /// allows 15 minutes, a Slack `response_url` 30), so queueing fits their
    /// windows; a database that is really down still fails after `limit` at
    /// startup and after the wait per command.
    #[tracing::instrument(skip_all)]
    pub async fn connect_pooled(
        url: &str,
        limit: Duration,
        pool: PoolSettings,
    ) -> Result<Self, StoreError> {
        let options = parse_url(url)?;
        let server = server_label(&options);
        let timed_out = || StoreError::TimedOut {
            server: server.clone(),
            after: limit,
        };
        tokio::time::timeout(limit, create_database_if_missing(&options, &server))
            .await
            .map_err(|_| timed_out())??;
        let pool = PgPoolOptions::new()
            .max_connections(pool.size.max(1))
            // Kept open between bursts: the daily question brings its
            // answers all at once, and a connection opened on demand costs
            // the first answers a handshake each (the burst bench's p99).
            .min_connections(pool.size.max(1))
            .acquire_timeout(pool.acquire.max(Duration::from_millis(100)))
            // sqlx pings every idle connection before handing it out: one
            // extra round trip per checkout, six per answer in a burst. A
            // connection in steady use has just proved itself, so only one
            // left idle a while is pinged (a restarted server is still
            // caught there, before a command runs on a dead connection).
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= PING_IF_IDLE_FOR {
                        sqlx::Connection::ping(conn).await?;
                    }
                    Ok(true)
                })
            })
            .connect_with(options);
        let pool = tokio::time::timeout(limit, pool)
            .await
            .map_err(|_| timed_out())?
            .map_err(|e| unavailable(&server, e))?;
        let store = Self::from_pool(pool);
        store.migrate().await?;
        Ok(store)
    }

    /// Wraps an existing pool (tests get one per fresh database).
    pub fn from_pool(pool: PgPool) -> Self {
        Self { pool }
    }

    /// Runs pending migrations.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    /// Whether PostgreSQL answers `SELECT 1` within `limit` (readiness).
    pub async fn ping(&self, limit: Duration) -> bool {
        let query = sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(&self.pool);
        matches!(tokio::time::timeout(limit, query).await, Ok(Ok(1)))
    }

    /// Whether every migration embedded in this binary is applied here.
    pub async fn migrations_applied(&self) -> Result<bool, StoreError> {
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(&self.pool)
                .await?;
        Ok(MIGRATOR
            .iter()
            .filter(|m| !m.migration_type.is_down_migration())
            .all(|m| applied.contains(&m.version)))
    }

    /// The pool, for the grading sandbox and tests.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

/// Where `options` point, for error messages: `host:port`, or the socket.
pub fn server_label(options: &PgConnectOptions) -> String {
    match options.get_socket() {
        Some(dir) => format!("{} (port {})", dir.display(), options.get_port()),
        None => format!("{}:{}", options.get_host(), options.get_port()),
    }
}

fn unavailable(server: &str, e: sqlx::Error) -> StoreError {
    let reason = match e {
        sqlx::Error::Io(io) => io.to_string(),
        other => other.to_string(),
    };
    StoreError::Unavailable {
        server: server.to_owned(),
        reason,
    }
}

/// Connects to the server's `postgres` database and creates ours if absent.
async fn create_database_if_missing(
    options: &PgConnectOptions,
    server: &str,
) -> Result<(), StoreError> {
    let Some(name) = options.get_database().map(str::to_owned) else {
        return Ok(());
    };
    let mut admin = options
        .clone()
        .database("postgres")
        .connect()
        .await
        .map_err(|e| unavailable(server, e))?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(&mut admin)
            .await?;
    if !exists {
        let quoted = quote_ident(&name);
        match admin
            .execute(format!("CREATE DATABASE {quoted}").as_str())
            .await
        {
            Ok(_) => tracing::info!(database = %name, "created database"),
            // Another process created it between our check and our CREATE:
            // 42P04 once it exists, 23505 while both CREATEs are in flight.
            Err(sqlx::Error::Database(e))
                if matches!(e.code().as_deref(), Some("42P04" | "23505")) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// `DATABASE_URL` read as connection options: a PostgreSQL URL that names
/// its database (see [`StoreError::NoDatabase`], [`StoreError::NotPostgres`]).
pub fn parse_url(url: &str) -> Result<PgConnectOptions, StoreError> {
    let url = url.trim();
    let not = |why: String| Err(StoreError::NotPostgres(why));
    if url.starts_with(['"', '\'']) || url.ends_with(['"', '\'']) {
        // An env file (systemd's, compose's env_file) takes values as written.
        return not("is in quotes (write it without them in an env file)".to_owned());
    }
    let Some((scheme, _)) = url.split_once("://") else {
        return not("is not a URL".to_owned());
    };
    if !["postgres", "postgresql"].contains(&scheme.to_ascii_lowercase().as_str()) {
        return not(format!("starts with \"{scheme}://\""));
    }
    let options = PgConnectOptions::from_str(url)?;
    if options.get_database().is_none_or(str::is_empty) {
        return Err(StoreError::NoDatabase);
    }
    Ok(options)
}

/// Drops the database `url` names, with the grading sandbox's database and
/// roles made for it (`<db>_sandbox`, `<db>_sandbox_ro`): what `--fresh`
/// console sessions leave behind. Sessions still open are ended.
pub async fn drop_database(url: &str, limit: Duration) -> Result<(), StoreError> {
    let options = PgConnectOptions::from_str(url)?;
    let Some(name) = options.get_database().map(str::to_owned) else {
        return Ok(());
    };
    let server = server_label(&options);
    let work = async {
        let mut admin = options
            .clone()
            .database("postgres")
            .connect()
            .await
            .map_err(|e| unavailable(&server, e))?;
        let sandbox = format!("{name}_sandbox");
        for db in [&name, &sandbox] {
            let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote_ident(db));
            admin.execute(sql.as_str()).await?;
        }
        let roles = format!(
            "DROP ROLE IF EXISTS {}, {}",
            quote_ident(&sandbox),
            quote_ident(&format!("{sandbox}_ro"))
        );
        admin.execute(roles.as_str()).await?;
        Ok(())
    };
    tokio::time::timeout(limit, work)
        .await
        .map_err(|_| StoreError::TimedOut {
            server: server.clone(),
            after: limit,
        })?
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
