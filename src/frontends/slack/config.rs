//! Every Slack setting, read in one place (the rest of `src/config.rs` is
//! another module's business). Secrets are [`SecretString`]s: exposed only to
//! sign or verify a request, never logged.

use secrecy::SecretString;

/// The environment variables the Slack front end reads (a deploy check
/// compares them with what the manifest and the docs promise).
pub const SETTINGS: &[&str] = &[
    "SLACK_SIGNING_SECRET",
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_API_BASE",
];

/// Slack's Web API.
pub const DEFAULT_API_BASE: &str = "https://slack.com/api";

/// Settings of the Slack front end.
#[derive(Debug, Clone)]
pub struct SlackConfig {
    /// Verifies that a request came from Slack (Basic Information page).
    pub signing_secret: SecretString,
    /// `xoxb-...`: the bot token of the one workspace.
    pub bot_token: SecretString,
    /// `xapp-...`: for Socket Mode (not used by HTTP mode).
    pub app_token: Option<SecretString>,
    /// Base URL of the Web API, without a trailing `/` (a test mock).
    pub api_base: String,
}

impl SlackConfig {
    /// The settings from `var` (the environment, or a test's map): `None`
    /// when Slack is not configured at all, an error when half of it is.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> anyhow::Result<Option<Self>> {
        let get = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let (secret, token) = (get("SLACK_SIGNING_SECRET"), get("SLACK_BOT_TOKEN"));
        let (signing_secret, bot_token) = match (secret, token) {
            (None, None) => return Ok(None),
            (Some(s), Some(t)) => (s, t),
            (Some(_), None) => {
                anyhow::bail!("SLACK_SIGNING_SECRET is set but SLACK_BOT_TOKEN is not")
            }
            (None, Some(_)) => {
                anyhow::bail!("SLACK_BOT_TOKEN is set but SLACK_SIGNING_SECRET is not")
            }
        };
        Ok(Some(Self {
            signing_secret: signing_secret.into(),
            bot_token: bot_token.into(),
            app_token: get("SLACK_APP_TOKEN").map(Into::into),
            api_base: get("SLACK_API_BASE")
                .unwrap_or_else(|| DEFAULT_API_BASE.to_owned())
                .trim_end_matches('/')
                .to_owned(),
        }))
    }

    /// The settings from the process environment.
    pub fn from_env() -> anyhow::Result<Option<Self>> {
        Self::from_vars(|name| std::env::var(name).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;
    use std::collections::HashMap;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn no_slack_settings_means_no_slack_front_end() {
        assert!(SlackConfig::from_vars(vars(&[])).unwrap().is_none());
    }

    #[test]
    fn half_a_configuration_is_an_error_that_names_the_missing_setting() {
        let e = SlackConfig::from_vars(vars(&[("SLACK_SIGNING_SECRET", "s")])).unwrap_err();
        assert!(e.to_string().contains("SLACK_BOT_TOKEN"), "{e}");
    }

    #[test]
    fn the_api_base_defaults_to_slack_and_loses_a_trailing_slash() {
        let both = [("SLACK_SIGNING_SECRET", "s"), ("SLACK_BOT_TOKEN", "xoxb-1")];
        let c = SlackConfig::from_vars(vars(&both)).unwrap().unwrap();
        assert_eq!(c.api_base, DEFAULT_API_BASE);
        assert_eq!(c.bot_token.expose_secret(), "xoxb-1");
        let mut with_base = both.to_vec();
        with_base.push(("SLACK_API_BASE", "http://127.0.0.1:9/api/"));
        let c = SlackConfig::from_vars(vars(&with_base)).unwrap().unwrap();
        assert_eq!(c.api_base, "http://127.0.0.1:9/api");
    }

    #[test]
    fn every_setting_read_is_listed() {
        let src = include_str!("config.rs");
        for name in SETTINGS {
            assert!(src.matches(name).count() >= 2, "{name}");
        }
    }
}
