//! Settings from the environment (and matching CLI flags). Secrets are held as
//! [`SecretString`] so they never reach a log line or a `Debug` dump.
//!
//! [`SETTINGS`] (`config/registry.rs`) is the one registry of every
//! variable the binary reads: the deploy files, the example config and
//! `prepbot settings` are checked against it, and a test walks the CLI so
//! no flag reads a variable it does not list (nor with another default),
//! and one scans `src/` for direct reads. A front end adds its variables
//! there, one [`Setting`] each marked `.feature("its-feature")`, and one arm
//! to [`Setting::built`]; a front end that keeps its own list of names
//! checks it with [`unregistered`].
//!
//! Numbers an admin sets are bounded here, at parsing: a zero lease or pool,
//! or a rate of millions, is refused with the flag's range before anything
//! starts, rather than quietly rounded or left to fail at the worst moment.

mod registry;

pub use registry::{describe, setting, unregistered, Setting, SETTINGS};

use clap::Args;
use secrecy::SecretString;
use std::path::PathBuf;

/// The default database: a local PostgreSQL with trust auth.
pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/prepbot";

/// The highest `PREPBOT_FANOUT_RATE` taken. Every replica keeps the last
/// second's sends in one row (`rate_budgets.sent`), one timestamp per
/// request, so the rate also bounds that row; a bot whose limit Discord
/// raised past this runs its own proxy anyway.
pub const MAX_FANOUT_RATE: u64 = 1000;

/// A parser for a whole number in `lo..=hi` whose refusal names the
/// environment variable, since that is where admins set it: clap's own
/// message names only the flag.
fn within<T: TryFrom<u64> + Clone + Send + Sync + 'static>(
    env: &'static str,
    lo: u64,
    hi: u64,
) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static {
    move |s| {
        s.trim()
            .parse::<u64>()
            .ok()
            .filter(|n| (lo..=hi).contains(n))
            .and_then(|n| T::try_from(n).ok())
            .ok_or_else(|| format!("{env} must be a whole number from {lo} to {hi}"))
    }
}

/// Checks that `value`, set as `var`, is an http(s) URL (an API base):
/// a typo is refused at start, naming the variable, rather than failing
/// each request, or retrying forever, later.
pub fn check_base_url(var: &str, value: &str) -> Result<(), String> {
    match reqwest::Url::parse(value.trim()) {
        Ok(url) if ["http", "https"].contains(&url.scheme()) && url.has_host() => Ok(()),
        _ => Err(format!(
            "{var} must be an http:// or https:// URL, such as https://example.com"
        )),
    }
}

/// `value` fit to print: a URL's password (`http://user:pw@host`) is
/// replaced by `***`, since an API base or an LLM URL may carry one
/// though it is not a secret setting.
pub fn redacted(value: &str) -> String {
    match reqwest::Url::parse(value.trim()) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        _ => value.to_owned(),
    }
}

/// The default address of `prepbot run`'s HTTP server.
pub const DEFAULT_HTTP_ADDR: &str = "127.0.0.1:8080";

/// Where the data lives; shared by every subcommand that touches it.
#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// PostgreSQL URL. The database is created if missing.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, hide_env_values = true)]
    pub database_url: String,
    /// Seconds to wait for PostgreSQL to answer before giving up (1-600).
    #[arg(long, env = "PREPBOT_DB_TIMEOUT_SECS", default_value_t = 10,
          value_parser = within::<u64>("PREPBOT_DB_TIMEOUT_SECS", 1, 600))]
    pub db_timeout_secs: u64,
    /// Most PostgreSQL connections this process holds (1-100: the pool
    /// opens them all at start, and PostgreSQL allows 100 by default).
    #[arg(long, env = "PREPBOT_DB_POOL", default_value_t = crate::storage::DEFAULT_POOL,
          value_parser = within::<u32>("PREPBOT_DB_POOL", 1, 100))]
    pub db_pool: u32,
    /// Seconds a command waits for a connection (a busy pool, a restarting
    /// database) before the person is told to try again (1-600).
    #[arg(long, env = "PREPBOT_DB_ACQUIRE_SECS", default_value_t = 30,
          value_parser = within::<u64>("PREPBOT_DB_ACQUIRE_SECS", 1, 600))]
    pub db_acquire_secs: u64,
}

impl DbArgs {
    /// [`DbArgs::db_timeout_secs`] as a duration.
    pub fn timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.db_timeout_secs)
    }

    /// The pool's size and patience.
    pub fn pool(&self) -> crate::storage::PoolSettings {
        crate::storage::PoolSettings {
            size: self.db_pool,
            acquire: std::time::Duration::from_secs(self.db_acquire_secs),
        }
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
    /// Seconds before the LLM grader gives up and the key-point grader
    /// answers (1-600).
    #[arg(long, env = "PREPBOT_LLM_TIMEOUT_SECS", default_value_t = 8,
          value_parser = within::<u64>("PREPBOT_LLM_TIMEOUT_SECS", 1, 600))]
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
    /// Run only these gateway shards, FIRST-LAST/TOTAL (e.g. 0-1/4).
    #[arg(long, env = "DISCORD_SHARDS")]
    pub discord_shards: Option<String>,
    /// Development: register slash commands in this guild only (they update
    /// at once); without it they are registered globally.
    #[arg(long, env = "DISCORD_DEV_GUILD")]
    pub discord_dev_guild: Option<u64>,
    /// Requests per second to Discord for the whole bot, shared by every
    /// replica on the database (1-1000; Discord's global cap is 50 unless
    /// Discord raised it for this bot).
    #[arg(long, env = "PREPBOT_FANOUT_RATE", default_value_t = crate::delivery::DEFAULT_RATE,
          value_parser = within::<u32>("PREPBOT_FANOUT_RATE", 1, MAX_FANOUT_RATE))]
    pub fanout_rate: u32,
}

/// The HTTP server of `prepbot run`.
#[derive(Debug, Clone, Args)]
pub struct HttpArgs {
    /// Address for the HTTP endpoints: /healthz, /readyz and /metrics
    /// (HOST:PORT; a host name is looked up once, at start).
    #[arg(long, env = "PREPBOT_HTTP_ADDR", default_value = DEFAULT_HTTP_ADDR,
          value_parser = socket_addr)]
    pub http_addr: std::net::SocketAddr,
}

/// `PREPBOT_HTTP_ADDR` as an address to listen on. A host name is taken
/// too (admins write `localhost:8080`), resolved now, IPv4 first: that is
/// what a probe or a curl of the same name reaches on a host without IPv6.
fn socket_addr(s: &str) -> Result<std::net::SocketAddr, String> {
    use std::net::ToSocketAddrs;
    let s = s.trim();
    if let Ok(addr) = s.parse() {
        return Ok(addr);
    }
    let shape = "PREPBOT_HTTP_ADDR must be HOST:PORT, such as 127.0.0.1:8080, 0.0.0.0:8080 or localhost:8080";
    // Only a plain name is looked up: `http://localhost:8080` or
    // `a:b:8080` is a malformed address, not an unknown host.
    let plain = |host: &str| {
        !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_')
    };
    let Some((host, _)) = s
        .rsplit_once(':')
        .filter(|(host, port)| plain(host) && port.parse::<u16>().is_ok())
    else {
        return Err(shape.to_owned());
    };
    // A well-formed address whose host does not resolve is a different
    // fix (a typo in the name, or no DNS here) than a malformed one.
    let found: Vec<_> = match s.to_socket_addrs() {
        Ok(found) => found.collect(),
        Err(e) => {
            let host: String = host.chars().take(80).collect();
            return Err(format!(
                "PREPBOT_HTTP_ADDR: the host {host:?} does not resolve here ({e})"
            ));
        }
    };
    found
        .iter()
        .find(|a| a.is_ipv4())
        .or(found.first())
        .copied()
        .ok_or_else(|| format!("PREPBOT_HTTP_ADDR: the host {host:?} has no address"))
}

/// Everything needed to build the engine: database, bank and grader settings.
/// Shared by `prepbot run`, `console` and `grade`.
#[derive(Debug, Clone, Args)]
pub struct EngineArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Seconds a claimed delivery waits for confirmation before another
    /// tick, in any replica, takes it over (1-86400; under 30, a post still
    /// being sent may be sent again).
    #[arg(long, env = "PREPBOT_CLAIM_LEASE_SECS", default_value_t = 120,
          value_parser = within::<u64>("PREPBOT_CLAIM_LEASE_SECS", 1, 86_400))]
    pub claim_lease_secs: u64,
    #[command(flatten)]
    pub bank: BankDirArgs,
    #[command(flatten)]
    pub llm: LlmArgs,
}

#[cfg(test)]
mod tests {
    use super::socket_addr;

    #[test]
    fn an_http_address_is_an_address_or_a_name_with_a_port_and_each_mistake_is_told_apart() {
        assert_eq!(socket_addr("[::1]:8080").unwrap().port(), 8080);
        assert!(socket_addr(" localhost:8080 ").unwrap().is_ipv4());
        for shape in [
            "localhost",
            ":8080",
            "http://localhost:8080",
            "a:b:8080",
            "x:99999",
        ] {
            let e = socket_addr(shape).unwrap_err();
            assert!(e.contains("must be HOST:PORT"), "{shape}: {e}");
        }
        let e = socket_addr("nohost.invalid:8080").unwrap_err();
        assert!(
            e.contains("\"nohost.invalid\" does not resolve here"),
            "{e}"
        );
    }
}
