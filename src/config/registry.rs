//! The one registry of every environment variable the binary reads, and
//! `prepbot settings`' description of them. Kept apart from the clap
//! structs in [`super`] so the list reads as a table; a test walks the CLI
//! to hold the two together.

use super::{DEFAULT_DATABASE_URL, DEFAULT_HTTP_ADDR};

/// One environment variable the binary reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting {
    /// The variable's name.
    pub name: &'static str,
    /// The value used when it is unset; `None`: unset means off or random.
    pub default: Option<&'static str>,
    /// One line saying what it does.
    pub doc: &'static str,
    /// Held as a secret: never printed, never logged.
    pub secret: bool,
    /// The Cargo feature that reads it; `None`: every build.
    pub feature: Option<&'static str>,
}

impl Setting {
    const fn new(name: &'static str, default: Option<&'static str>, doc: &'static str) -> Self {
        Self {
            name,
            default,
            doc,
            secret: false,
            feature: None,
        }
    }

    const fn secret(self) -> Self {
        Self {
            secret: true,
            ..self
        }
    }

    const fn feature(self, feature: &'static str) -> Self {
        Self {
            feature: Some(feature),
            ..self
        }
    }

    /// Whether this build reads it (its feature, if any, is compiled in).
    pub fn built(&self) -> bool {
        match self.feature {
            None => true,
            // DiscordArgs parses everywhere, so `run` can refuse a token a
            // build without Discord would silently ignore.
            Some("discord") => true,
            Some("slack") => cfg!(feature = "slack"),
            Some(_) => false,
        }
    }
}

/// Every setting, in the order `prepbot settings` and the example config list them.
pub const SETTINGS: &[Setting] = &[
    Setting::new(
        "DATABASE_URL",
        Some(DEFAULT_DATABASE_URL),
        "PostgreSQL URL; the database is created if missing and migrated at start",
    )
    .secret(),
    Setting::new(
        "PREPBOT_DB_TIMEOUT_SECS",
        Some("10"),
        "seconds to wait for PostgreSQL to answer before giving up (1-600)",
    ),
    Setting::new(
        "PREPBOT_DB_POOL",
        Some("8"),
        "most PostgreSQL connections this process holds, 1-100 (a burst queues for them)",
    ),
    Setting::new(
        "PREPBOT_DB_ACQUIRE_SECS",
        Some("30"),
        "seconds a command waits for a connection (a busy pool, a restarting database) before saying try again (1-600)",
    ),
    Setting::new(
        "PREPBOT_CLAIM_LEASE_SECS",
        Some("120"),
        "seconds a claimed post waits for confirmation before another replica takes it over (1-86400; at least 30 is safe)",
    ),
    Setting::new(
        "PREPBOT_QUESTIONS",
        None,
        "a bank folder to use instead of the bank built into the binary",
    ),
    Setting::new(
        "PREPBOT_SEED",
        None,
        "seed for question picks in the console (random when unset)",
    ),
    Setting::new(
        "PREPBOT_IMPORT_TOPIC",
        None,
        "topic of questions converted by `prepbot bank import`",
    ),
    Setting::new(
        "PREPBOT_HTTP_ADDR",
        Some(DEFAULT_HTTP_ADDR),
        "where `prepbot run` serves /healthz, /readyz and /metrics",
    ),
    Setting::new(
        "PREPBOT_FANOUT_RATE",
        Some("47"),
        "requests per second for the daily fan-out, shared by all replicas, 1-1000 (Discord's global cap is 50)",
    ),
    Setting::new(
        "PREPBOT_LLM_URL",
        None,
        "base URL of an OpenAI-compatible API for the optional LLM grader (off when unset)",
    ),
    Setting::new(
        "PREPBOT_LLM_MODEL",
        Some("llama3.1"),
        "model name for the LLM grader",
    ),
    Setting::new(
        "PREPBOT_LLM_KEY",
        None,
        "API key for the LLM grader, if its server needs one",
    )
    .secret(),
    Setting::new(
        "PREPBOT_LLM_TIMEOUT_SECS",
        Some("8"),
        "seconds before the LLM grader gives up and key points grade (1-600)",
    ),
    Setting::new(
        "RUST_LOG",
        Some("info"),
        "log filter (`warn` in the console); logs are JSON when stderr is not a terminal",
    ),
    Setting::new(
        "DISCORD_TOKEN",
        None,
        "bot token; enables the Discord front end in `prepbot run`",
    )
    .secret()
    .feature("discord"),
    Setting::new(
        "DISCORD_DEV_GUILD",
        None,
        "register slash commands in this one server (instant) instead of globally",
    )
    .feature("discord"),
    Setting::new(
        "DISCORD_API_BASE",
        None,
        "send Discord REST calls to this base (a proxy, or a test mock)",
    )
    .feature("discord"),
    Setting::new(
        "DISCORD_SHARDS",
        None,
        "run only these gateway shards, FIRST-LAST/TOTAL (e.g. 0-1/4), to split shards between processes; unset: all, as Discord recommends",
    )
    .feature("discord"),
    Setting::new(
        "SLACK_BOT_TOKEN",
        None,
        "bot token (xoxb-) of one workspace; enables the Slack front end",
    )
    .secret()
    .feature("slack"),
    Setting::new(
        "SLACK_SIGNING_SECRET",
        None,
        "verifies that each HTTP request really comes from Slack",
    )
    .secret()
    .feature("slack"),
    Setting::new(
        "SLACK_APP_TOKEN",
        None,
        "app-level token (xapp-) for Socket Mode, which needs no public URL",
    )
    .secret()
    .feature("slack"),
    Setting::new(
        "SLACK_API_BASE",
        None,
        "send Slack Web API calls to this base (a proxy, or a test mock)",
    )
    .feature("slack"),
    Setting::new(
        "SLACK_CLIENT_ID",
        None,
        "OAuth client id, for installing into many workspaces (/slack/install)",
    )
    .feature("slack"),
    Setting::new(
        "SLACK_CLIENT_SECRET",
        None,
        "OAuth client secret, for installing into many workspaces",
    )
    .secret()
    .feature("slack"),
    Setting::new(
        "SLACK_TOKEN_KEY",
        None,
        "32-byte key (64 hex digits) that encrypts stored workspace tokens at rest",
    )
    .secret()
    .feature("slack"),
    Setting::new(
        "SLACK_ADMIN_GROUP",
        None,
        "a Slack user group id (S...) whose members may run admin commands, besides workspace admins and owners",
    )
    .feature("slack"),
];

/// The registered setting called `name`.
pub fn setting(name: &str) -> Option<&'static Setting> {
    SETTINGS.iter().find(|s| s.name == name)
}

/// The names in `names` that [`SETTINGS`] does not register (a front end's
/// own list is checked with this).
pub fn unregistered<'a>(names: &[&'a str]) -> Vec<&'a str> {
    names
        .iter()
        .copied()
        .filter(|n| setting(n).is_none())
        .collect()
}

/// `prepbot settings`: every registered setting with its default, its doc
/// and, from `env`, whether it is set now. A secret's value is never shown.
pub fn describe(env: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    for s in SETTINGS {
        let now = match env(s.name) {
            Some(_) if s.secret => "set (secret, not shown)".to_owned(),
            Some(v) => format!("set to {}", super::redacted(&v)),
            None => "unset".to_owned(),
        };
        let default = s.default.unwrap_or("unset");
        let feature = match s.feature {
            Some(f) if !s.built() => format!(" (needs the `{f}` feature)"),
            _ => String::new(),
        };
        out.push_str(&format!(
            "{}{feature}\n    {}\n    default: {default} · now: {now}\n",
            s.name, s.doc
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_setting_is_registered_twice() {
        let mut names: Vec<_> = SETTINGS.iter().map(|s| s.name).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len());
    }

    #[test]
    fn describe_lists_every_setting_and_never_shows_a_secret() {
        let env = |name: &str| match name {
            "DISCORD_TOKEN" | "DATABASE_URL" => Some("hunter2-secret".to_owned()),
            "PREPBOT_FANOUT_RATE" => Some("25".to_owned()),
            "PREPBOT_LLM_URL" => Some("http://admin:hunter2@llm:11434/v1".to_owned()),
            _ => None,
        };
        let text = describe(env);
        for s in SETTINGS {
            assert!(text.contains(s.name), "{} missing", s.name);
            assert!(text.contains(s.doc), "{} doc missing", s.name);
        }
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("set (secret, not shown)"));
        assert!(text.contains("set to 25"));
        // A password inside a URL that is not a secret setting.
        assert!(
            text.contains("set to http://admin:***@llm:11434/v1"),
            "{text}"
        );
    }

    #[test]
    fn unregistered_names_only_the_unknown() {
        assert_eq!(
            unregistered(&["DATABASE_URL", "SLACK_NOPE"]),
            vec!["SLACK_NOPE"]
        );
    }
}
