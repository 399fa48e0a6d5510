//! Settings from the environment (and matching CLI flags). Secrets are held as
//! [`SecretString`] so they never reach a log line or a `Debug` dump.

use clap::Args;
use secrecy::SecretString;
use std::path::PathBuf;

/// The default database: a local PostgreSQL with trust auth.
pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/prepbot";

/// Where the data lives; shared by every subcommand that touches it.
#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// PostgreSQL URL. The database is created if missing.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, hide_env_values = true)]
    pub database_url: String,
    /// Seconds to wait for PostgreSQL to answer before giving up.
    #[arg(long, env = "PREPBOT_DB_TIMEOUT_SECS", default_value_t = 10)]
    pub db_timeout_secs: u64,
}

impl DbArgs {
    /// [`DbArgs::db_timeout_secs`] as a duration.
    pub fn timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.db_timeout_secs)
    }
}

/// Where the question bank lives.
#[derive(Debug, Clone, Args)]
pub struct BankDirArgs {
    /// A folder of topics.toml and question files to use instead of the
    /// bank built into prepbot.
    #[arg(long, env = "PREPBOT_QUESTIONS")]
    pub questions: Option<PathBuf>,
}

impl BankDirArgs {
    /// The bank these settings name.
    pub fn source(&self) -> crate::bank::BankSource {
        crate::bank::BankSource::new(self.questions.clone())
    }
}

/// Optional LLM grader (off unless a base URL is given).
#[derive(Debug, Clone, Args)]
pub struct LlmArgs {
    /// Base URL of an OpenAI-compatible API, e.g. http://127.0.0.1:11434/v1
    #[arg(long, env = "PREPBOT_LLM_URL")]
    pub llm_url: Option<String>,
    /// Model name for the LLM grader.
    #[arg(long, env = "PREPBOT_LLM_MODEL", default_value = "llama3.1")]
    pub llm_model: String,
    /// API key for the LLM grader, if the server needs one.
    #[arg(long, env = "PREPBOT_LLM_KEY", hide_env_values = true)]
    pub llm_key: Option<SecretString>,
    /// Seconds before the LLM grader gives up and the key-point grader answers.
    #[arg(long, env = "PREPBOT_LLM_TIMEOUT_SECS", default_value_t = 8)]
    pub llm_timeout_secs: u64,
}

/// The Discord front end (started by `prepbot run` when a token is set).
#[derive(Debug, Clone, Args)]
pub struct DiscordArgs {
    /// Bot token from the Discord developer portal.
    #[arg(long, env = "DISCORD_TOKEN", hide_env_values = true)]
    pub discord_token: Option<SecretString>,
    /// Send REST calls to this base instead of https://discord.com (a proxy or
    /// a local mock); disables serenity's own rate limiter.
    #[arg(long, env = "DISCORD_API_BASE")]
    pub discord_api_base: Option<String>,
    /// Development: register slash commands in this guild only (they update
    /// at once); without it they are registered globally.
    #[arg(long, env = "DISCORD_DEV_GUILD")]
    pub discord_dev_guild: Option<u64>,
    /// Requests per second for the daily fan-out (Discord's global cap is 50).
    #[arg(long, env = "PREPBOT_FANOUT_RATE", default_value_t = 40)]
    pub fanout_rate: u32,
}

/// The HTTP server of `prepbot run`.
#[derive(Debug, Clone, Args)]
pub struct HttpArgs {
    /// Address for the HTTP endpoints: /healthz, /readyz and /metrics.
    #[arg(long, env = "PREPBOT_HTTP_ADDR", default_value = "127.0.0.1:8080")]
    pub http_addr: std::net::SocketAddr,
}

/// Everything needed to build the engine: database, bank and grader settings.
/// Shared by `prepbot run`, `console` and `grade`.
#[derive(Debug, Clone, Args)]
pub struct EngineArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub bank: BankDirArgs,
    #[command(flatten)]
    pub llm: LlmArgs,
}
