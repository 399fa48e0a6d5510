//! PostgreSQL, through sqlx: the only store. Every query lives in this module.
//!
//! [`Store::connect`] creates the database if it is missing and runs the
//! migrations in `migrations/`, so a fresh machine needs only a server.

mod answers;
mod boards;
mod custom;
mod daily;
mod places;
mod posts;

pub use answers::{AnswerRow, NewAnswer, OpenFlag, RegradeOutcome, RevealStats};
pub use boards::{BoardQuery, TopicStats};
pub use custom::CustomAdd;
pub use daily::{ChannelSchedule, DailyRow};
pub use places::Ctx;
pub use posts::{PostKind, PostRow};

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Executor, PgPool};
use std::str::FromStr;
use std::time::Duration;

/// The migrations, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Errors from the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database is unreachable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// The handle to PostgreSQL shared by the engine, scheduler and front ends.
#[derive(Debug, Clone)]
pub struct Store {
    pool: PgPool,
}

impl Store {
    /// Connects, creating the database if it is missing, and migrates.
    #[tracing::instrument(skip_all)]
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url)?;
        create_database_if_missing(&options).await?;
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
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

    /// The pool, for the grading sandbox and tests.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

/// Connects to the server's `postgres` database and creates ours if absent.
async fn create_database_if_missing(options: &PgConnectOptions) -> Result<(), StoreError> {
    let Some(name) = options.get_database().map(str::to_owned) else {
        return Ok(());
    };
    let mut admin = options
        .clone()
        .database("postgres")
        .connect()
        .await
        .map_err(|e| StoreError::Unavailable(e.to_string()))?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(&mut admin)
            .await?;
    if !exists {
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        match admin
            .execute(format!("CREATE DATABASE {quoted}").as_str())
            .await
        {
            Ok(_) => tracing::info!(database = %name, "created database"),
            // Another process created it between our check and our CREATE.
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P04") => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}
