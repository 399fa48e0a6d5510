//! The Slack front end: `/prep` slash commands, Block Kit messages, the
//! answer modal, App Home and the daily post, over Slack's HTTP mode. A thin
//! layer: requests are verified and parsed here, everything else is the
//! shared runner's and the core view model's.
//!
//! - [`config`]: every Slack setting, in one place.
//! - [`verify`]: the signing-secret check every request passes first.
//! - [`commands`], [`interactions`], [`events`]: the three endpoints. Each
//!   acknowledges at once (Slack waits 3 seconds) and finishes in the
//!   background, answering through `response_url` or the Web API.
//! - [`surface`]: where a reply is shown (`response_url`, an ephemeral message).
//! - [`blocks`]: the view model mapped onto Block Kit within Slack's limits.
//! - [`notifier`]: the delivery router's `Notifier` (daily posts, reveals).
//! - [`api`]: a small Web API client (see there for why not slack-morphism).
//! - [`socket`]: Socket Mode, the same payloads over a WebSocket (no
//!   public URL needed), when `SLACK_APP_TOKEN` is set.
//! - [`oauth`], [`tokens`]: the multi-workspace install, and which token
//!   speaks for which workspace (sealed at rest).
//! - [`admins`]: who may run admin commands (workspace admins and owners,
//!   and the members of `SLACK_ADMIN_GROUP`).

pub mod admins;
pub mod api;
pub mod blocks;
pub mod commands;
pub mod config;
pub mod events;
pub mod interactions;
pub mod notifier;
pub mod oauth;
pub mod readiness;
pub mod socket;
pub mod surface;
pub mod tokens;
pub mod verify;

pub use admins::words;
pub use config::{SlackConfig, SETTINGS};

use crate::domain::view::Words;
use crate::engine::{Actor, Place, Platform};
use crate::runner::Runner;
use crate::storage::Store;
use api::Api;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use secrecy::SecretString;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use tokens::Tokens;

/// Slack's words for the view model.
pub const WORDS: Words = Words {
    admins: "workspace admins and owners",
    become_admin: None,
    command_prefix: "/prep ",
    community: "workspace",
    channel: "<#{}>",
};

/// What every endpoint shares.
pub struct Slack {
    pub runner: Runner,
    /// The Web API without a token (see [`Slack::api_for`]).
    pub api: Api,
    pub tokens: Tokens,
    pub oauth: Option<config::OAuthConfig>,
    /// `SLACK_ADMIN_GROUP`: a user group whose members are admins too.
    admin_group: Option<String>,
    /// Slack's answers on who is an admin, remembered a minute.
    admins: admins::Known,
    secret: SecretString,
}

impl Slack {
    pub fn new(runner: Runner, config: &SlackConfig) -> anyhow::Result<Self> {
        let tokens = tokens(runner.engine().store().clone(), config)?;
        Ok(Self {
            runner,
            api: Api::new(&config.api_base, None),
            tokens,
            oauth: config.oauth.clone(),
            admin_group: config.admin_group.clone(),
            admins: admins::Known::default(),
            secret: config.signing_secret.clone(),
        })
    }

    /// The Web API with `team`'s token.
    pub async fn api_for(&self, team: &str) -> Api {
        match self.tokens.for_team(team).await {
            Ok(token) => self.api.with_token(token),
            Err(e) => {
                tracing::error!(error = %format!("{e:#}"), team, "no usable token for this workspace");
                self.api.clone()
            }
        }
    }

    /// Whether the request is Slack's: checked on the raw body before
    /// anything is parsed, against the engine's clock.
    pub fn verified(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), StatusCode> {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let now = self.runner.engine().clock().now().timestamp();
        verify::verify(
            &self.secret,
            header("x-slack-request-timestamp"),
            header("x-slack-signature"),
            body,
            now,
        )
        .map_err(|why| {
            tracing::warn!(%why, "refused a request that is not verifiably Slack's");
            StatusCode::UNAUTHORIZED
        })
    }

    /// The person behind a request. Whether they are an admin is asked of
    /// Slack ([`admins`]) only when the command needs it.
    pub async fn actor(&self, team: &str, user: &str, name: &str, admin_matters: bool) -> Actor {
        let ask = async {
            let api = self.api_for(team).await;
            admins::is_admin(&api, self.admin_group.as_deref(), user).await
        };
        let is_admin = admin_matters && self.admins.admin(team, user, ask).await;
        Actor::new(user, name, is_admin)
    }
}

/// A Slack place: the workspace and the channel.
pub fn place(team: &str, channel: &str) -> Place {
    Place {
        platform: Platform::Slack,
        guild: team.to_owned(),
        channel: channel.to_owned(),
    }
}

/// Starts Slack: Socket Mode when `SLACK_APP_TOKEN` is set (until `stop`),
/// and the endpoints to merge into the application's HTTP server.
pub fn start(
    runner: Runner,
    config: &SlackConfig,
    stop: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<Started> {
    let slack = Arc::new(Slack::new(runner, config)?);
    let mut ready = Vec::new();
    if let Some(token) = &config.bot_token {
        let ok = Arc::new(AtomicBool::new(false));
        let api = slack.api.with_token(Some(token.clone()));
        tokio::spawn(readiness::check_token(api, ok.clone(), stop.clone()));
        ready.push(("slack bot token not accepted (auth.test)", ok));
    }
    if let Some(app_token) = &config.app_token {
        let open = Arc::new(AtomicBool::new(false));
        tokio::spawn(socket::run(
            slack.clone(),
            app_token.clone(),
            stop,
            open.clone(),
        ));
        ready.push(("slack socket mode not connected", open));
    }
    Ok(Started {
        routes: routes(slack),
        ready,
    })
}

/// A started Slack front end: its HTTP endpoints, and what `/readyz` checks.
pub struct Started {
    pub routes: axum::Router,
    /// `(reason, ready)`: the bot token's check and the Socket Mode
    /// connection, whichever are configured, with what `/readyz` says
    /// while each is not ready.
    pub ready: Vec<(&'static str, Arc<AtomicBool>)>,
}

/// Slack's endpoints.
fn routes(slack: Arc<Slack>) -> axum::Router {
    axum::Router::new()
        .route("/slack/commands", post(commands::handle))
        .route("/slack/interactions", post(interactions::handle))
        .route("/slack/events", post(events::handle))
        .route("/slack/install", get(oauth::install))
        .route("/slack/oauth/callback", get(oauth::callback))
        .with_state(slack)
}

/// The tokens of the workspaces `config` serves.
fn tokens(store: Store, config: &SlackConfig) -> anyhow::Result<Tokens> {
    let key = config.oauth.as_ref().map(|o| &o.token_key);
    Tokens::new(store, key, config.bot_token.clone())
}

/// The notifier the application registers for Slack in its router.
pub fn notifier(
    store: Store,
    config: &SlackConfig,
) -> anyhow::Result<Arc<notifier::SlackNotifier>> {
    Ok(Arc::new(notifier::SlackNotifier::new(
        Api::new(&config.api_base, None),
        tokens(store, config)?,
    )))
}

/// A short id the person can report, logged beside the full error.
pub fn reference() -> String {
    format!("{:08x}", rand::random::<u32>())
}
