//! Every Slack setting, read in one place (the rest of `src/config.rs` is
//! another module's business). Secrets are [`SecretString`]s: exposed only to
//! sign, verify or encrypt, never logged.
//!
//! One workspace needs `SLACK_SIGNING_SECRET` and `SLACK_BOT_TOKEN`. Many
//! workspaces install the app through OAuth v2 instead, which needs
//! `SLACK_CLIENT_ID`, `SLACK_CLIENT_SECRET` and `SLACK_TOKEN_KEY` (the key
//! that encrypts each workspace's token in PostgreSQL). `SLACK_ADMIN_GROUP`
//! makes the members of one user group admins, besides workspace admins.

use secrecy::SecretString;

/// The environment variables the Slack front end reads (a deploy check
/// compares them with what the manifest and the docs promise).
pub const SETTINGS: &[&str] = &[
    "SLACK_SIGNING_SECRET",
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_API_BASE",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "SLACK_TOKEN_KEY",
    "SLACK_ADMIN_GROUP",
];

/// Slack's Web API.
pub const DEFAULT_API_BASE: &str = "https://slack.com/api";

/// Settings of the Slack front end.
#[derive(Debug, Clone)]
pub struct SlackConfig {
    /// Verifies that a request came from Slack (Basic Information page).
    pub signing_secret: SecretString,
    /// `xoxb-...`: the bot token of a single workspace (or of workspaces
    /// not installed through OAuth).
    pub bot_token: Option<SecretString>,
    /// `xapp-...`: for Socket Mode (not used by HTTP mode).
    pub app_token: Option<SecretString>,
    /// Base URL of the Web API, without a trailing `/` (a test mock).
    pub api_base: String,
    /// Multi-workspace install by OAuth v2.
    pub oauth: Option<OAuthConfig>,
    /// A user group id (`S...`) whose members are admins too.
    pub admin_group: Option<String>,
}

/// Settings of the OAuth v2 install.
#[derive(Debug, Clone)]
pub struct OAuthConfig {
    pub client_id: String,
    pub client_secret: SecretString,
    /// 64 hex digits: the AES-256 key for bot tokens at rest.
    pub token_key: SecretString,
}

impl SlackConfig {
    /// The settings from `var` (the environment, or a test's map): `None`
    /// when Slack is not configured at all, an error when half of it is.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> anyhow::Result<Option<Self>> {
        let get = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let oauth = oauth(&get)?;
        let (secret, token) = (get("SLACK_SIGNING_SECRET"), get("SLACK_BOT_TOKEN"));
        let signing_secret = match (secret, token.is_some() || oauth.is_some()) {
            (None, false) => return Ok(None),
            (Some(s), true) => s,
            (Some(_), false) => anyhow::bail!(
                "SLACK_SIGNING_SECRET is set but neither SLACK_BOT_TOKEN nor SLACK_CLIENT_ID is"
            ),
            (None, true) => {
                anyhow::bail!("a Slack token or client is set but SLACK_SIGNING_SECRET is not")
            }
        };
        let api_base = get("SLACK_API_BASE").map(|b| b.trim().to_owned());
        if let Some(base) = &api_base {
            crate::config::check_base_url("SLACK_API_BASE", base).map_err(anyhow::Error::msg)?;
        }
        Ok(Some(Self {
            signing_secret: signing_secret.into(),
            bot_token: token.map(Into::into),
            app_token: get("SLACK_APP_TOKEN").map(Into::into),
            api_base: api_base
                .unwrap_or_else(|| DEFAULT_API_BASE.to_owned())
                .trim_end_matches('/')
                .to_owned(),
            oauth,
            admin_group: get("SLACK_ADMIN_GROUP").map(|g| g.trim().to_owned()),
        }))
    }

    /// Slack settings that will not do what they seem, for `prepbot run`
    /// to warn of without refusing to start: an env file shared with a
    /// Discord-only bot may well keep a leftover Slack line.
    pub fn warnings(
        configured: Option<&Self>,
        var: impl Fn(&str) -> Option<String>,
    ) -> Vec<String> {
        let get = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let Some(config) = configured else {
            return ["SLACK_APP_TOKEN", "SLACK_API_BASE", "SLACK_ADMIN_GROUP"]
                .into_iter()
                .filter(|name| get(name).is_some())
                .map(|name| format!("{name} is set but Slack is off (it needs SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN or SLACK_CLIENT_ID), so it is ignored"))
                .collect();
        };
        match config.admin_group.as_deref() {
            Some(group) if !group.starts_with('S') => vec![format!(
                "SLACK_ADMIN_GROUP is {group:?}, but user group ids start with S: its members will not be admins"
            )],
            _ => Vec::new(),
        }
    }

    /// The settings from the process environment.
    pub fn from_env() -> anyhow::Result<Option<Self>> {
        Self::from_vars(|name| std::env::var(name).ok())
    }
}

/// The OAuth settings: all three, or none.
fn oauth(get: &impl Fn(&str) -> Option<String>) -> anyhow::Result<Option<OAuthConfig>> {
    let names = ["SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_TOKEN_KEY"];
    let [id, secret, key] = names.map(get);
    match (id, secret, key) {
        (None, None, None) => Ok(None),
        (Some(client_id), Some(secret), Some(key)) => {
            let ok = key.len() == 64 && key.chars().all(|c| c.is_ascii_hexdigit());
            anyhow::ensure!(ok, "SLACK_TOKEN_KEY must be 64 hex digits (32 random bytes, e.g. `openssl rand -hex 32`)");
            Ok(Some(OAuthConfig {
                client_id,
                client_secret: secret.into(),
                token_key: key.into(),
            }))
        }
        _ => anyhow::bail!("the OAuth install needs all of {}", names.join(", ")),
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
        let e = SlackConfig::from_vars(vars(&[("SLACK_BOT_TOKEN", "t")])).unwrap_err();
        assert!(e.to_string().contains("SLACK_SIGNING_SECRET"), "{e}");
        let half = [("SLACK_SIGNING_SECRET", "s"), ("SLACK_CLIENT_ID", "c")];
        let e = SlackConfig::from_vars(vars(&half)).unwrap_err();
        assert!(e.to_string().contains("SLACK_TOKEN_KEY"), "{e}");
    }

    #[test]
    fn an_api_base_that_is_not_a_url_is_refused() {
        let both = [("SLACK_SIGNING_SECRET", "s"), ("SLACK_BOT_TOKEN", "xoxb-1")];
        for value in ["notaurl", "ftp://x/api"] {
            let mut set = both.to_vec();
            set.push(("SLACK_API_BASE", value));
            let e = SlackConfig::from_vars(vars(&set)).unwrap_err();
            assert!(
                e.to_string().contains("SLACK_API_BASE must be an http"),
                "{value}: {e}"
            );
        }
    }

    #[test]
    fn leftover_slack_settings_and_a_group_that_is_no_group_are_warnings_not_refusals() {
        let lone = vars(&[("SLACK_APP_TOKEN", "xapp-1"), ("SLACK_ADMIN_GROUP", "S1")]);
        assert!(SlackConfig::from_vars(&lone).unwrap().is_none());
        let said = SlackConfig::warnings(None, &lone);
        assert_eq!(said.len(), 2, "{said:?}");
        assert!(
            said[0].starts_with("SLACK_APP_TOKEN is set but Slack is off"),
            "{said:?}"
        );
        let set = vars(&[
            ("SLACK_SIGNING_SECRET", "s"),
            ("SLACK_BOT_TOKEN", "xoxb-1"),
            ("SLACK_ADMIN_GROUP", "U123"),
        ]);
        let config = SlackConfig::from_vars(&set).unwrap().unwrap();
        let said = SlackConfig::warnings(Some(&config), &set);
        assert!(said[0].contains("user group ids start with S"), "{said:?}");
    }

    #[test]
    fn the_api_base_defaults_to_slack_and_loses_a_trailing_slash() {
        let both = [("SLACK_SIGNING_SECRET", "s"), ("SLACK_BOT_TOKEN", "xoxb-1")];
        let c = SlackConfig::from_vars(vars(&both)).unwrap().unwrap();
        assert_eq!(c.api_base, DEFAULT_API_BASE);
        assert_eq!(c.bot_token.unwrap().expose_secret(), "xoxb-1");
        let mut with_base = both.to_vec();
        with_base.push(("SLACK_API_BASE", "http://127.0.0.1:9/api/"));
        let c = SlackConfig::from_vars(vars(&with_base)).unwrap().unwrap();
        assert_eq!(c.api_base, "http://127.0.0.1:9/api");
    }

    #[test]
    fn an_oauth_install_needs_no_bot_token_but_a_64_hex_digit_key() {
        let key = "ab".repeat(32);
        let mut all = vec![
            ("SLACK_SIGNING_SECRET", "s"),
            ("SLACK_CLIENT_ID", "1.2"),
            ("SLACK_CLIENT_SECRET", "cs"),
            ("SLACK_TOKEN_KEY", key.as_str()),
        ];
        let c = SlackConfig::from_vars(vars(&all)).unwrap().unwrap();
        assert!(c.bot_token.is_none() && c.oauth.is_some());
        all[3].1 = "short";
        let e = SlackConfig::from_vars(vars(&all)).unwrap_err();
        assert!(e.to_string().contains("64 hex digits"), "{e}");
    }

    #[test]
    fn an_admin_group_is_read_trimmed_and_is_optional() {
        let mut both = vec![("SLACK_SIGNING_SECRET", "s"), ("SLACK_BOT_TOKEN", "xoxb-1")];
        let c = SlackConfig::from_vars(vars(&both)).unwrap().unwrap();
        assert_eq!(c.admin_group, None);
        both.push(("SLACK_ADMIN_GROUP", " S0PREPADMINS "));
        let c = SlackConfig::from_vars(vars(&both)).unwrap().unwrap();
        assert_eq!(c.admin_group.as_deref(), Some("S0PREPADMINS"));
    }

    #[test]
    fn every_setting_read_is_listed() {
        let src = include_str!("config.rs");
        for name in SETTINGS {
            assert!(src.matches(name).count() >= 2, "{name}");
        }
    }
}
