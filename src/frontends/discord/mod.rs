//! The Discord front end: a thin layer over the core, on serenity 0.12 and
//! poise 0.6. Only this folder names serenity or poise types.
//!
//! - [`commands`], [`admin`]: slash commands as shims (options → `Command` →
//!   `Engine::handle` → rendered reply), following poise's unit-testing advice:
//!   the logic is in the core and in pure helpers tested here.
//! - [`interactions`]: buttons and modals; [`ids`]: their `custom_id`s.
//! - [`render`], [`cards`]: replies and effects as embeds and components.
//! - [`notifier`]: the scheduler's `Notifier` (daily posts, reveals).
//!
//! # Connecting, and connecting to a mock
//! [`start`] builds serenity's `Http` with [`HttpBuilder::proxy`] when
//! `DISCORD_API_BASE` is set: serenity then replaces `https://discord.com`
//! in every route with that base (`http/request.rs`), so REST goes to e.g.
//! `http://127.0.0.1:PORT/api/v10/...`. With a proxy, serenity's own rate
//! limiter is disabled (`ratelimiter_disabled(true)`): the proxy (or, in
//! tests, the mock) answers 429s directly, so prepbot paces its fan-out
//! itself (the scheduler's pacer and the notifier's) and honours
//! `retry_after`.
//!
//! The gateway URL is not configured: `ClientBuilder` asks `GET /gateway`
//! and `start_autosharded` asks `GET /gateway/bot` for the URL and shard
//! count (sharding is on: the shard count is Discord's recommendation).
//! serenity appends `?v=10` and connects with tokio-tungstenite's
//! `connect_async_with_config`, which takes `ws://` as well as `wss://` (TLS
//! only for `wss`), so a mock's `ws://127.0.0.1:PORT/ws` works as is. Frames
//! are plain JSON text (no `compress=zlib-stream` is requested).
//!
//! The token comes from `DISCORD_TOKEN` as a [`SecretString`]; it is exposed
//! only to build `Http`, whose `Debug` redacts it, and never logged.

pub mod admin;
pub mod cards;
pub mod commands;
pub mod ids;
pub mod interactions;
pub mod notifier;
pub mod render;
pub mod shim;

use crate::domain::reply::Effect;
use crate::engine::Engine;
use crate::scheduler::{Scheduler, SchedulerConfig};
use anyhow::Context as _;
use poise::serenity_prelude::{self as serenity, GatewayIntents, GuildId, HttpBuilder};
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;
use tokio::sync::watch;

/// Errors of command handlers: logged with a reference, never shown.
pub type Error = anyhow::Error;

/// Settings of the Discord front end.
#[derive(Debug, Clone)]
pub struct DiscordConfig {
    pub token: SecretString,
    /// Base URL replacing `https://discord.com` (a proxy, or a test mock).
    pub api_base: Option<String>,
    /// Development: register commands in this guild only (instant updates).
    pub dev_guild: Option<u64>,
    /// Scheduler settings: tick interval, requests per second (default 40).
    pub scheduler: SchedulerConfig,
}

/// What every command and interaction handler gets.
pub struct Data {
    pub engine: Arc<Engine>,
    /// Delivers effects of commands (`/daily post-now`, an admin `/reveal`)
    /// through the same notifier as the scheduler, and records them.
    effects: Scheduler,
}

impl Data {
    /// Carries out a response's effects; failures are retried by the
    /// scheduler's redelivery.
    pub async fn carry_out(&self, effects: Vec<Effect>) {
        if !effects.is_empty() {
            let report = self.effects.deliver_all(effects).await;
            tracing::info!(?report, "delivered command effects");
        }
    }
}

/// Builds serenity's `Http`: the token, plus the proxy base when set (which
/// also disables serenity's rate limiter).
pub fn http(config: &DiscordConfig) -> serenity::Http {
    let mut builder = HttpBuilder::new(config.token.expose_secret());
    if let Some(base) = &config.api_base {
        builder = builder
            .proxy(base.trim_end_matches('/'))
            .ratelimiter_disabled(true);
    }
    builder.build()
}

/// A running bot: stop it with [`Bot::stop`].
pub struct Bot {
    shutdown: watch::Sender<bool>,
    shards: Arc<serenity::ShardManager>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Bot {
    /// Stops the gateway shards and the scheduler, and waits for both.
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        self.shards.shutdown_all().await;
        for t in self.tasks {
            let _ = t.await;
        }
    }

    /// Waits until the gateway client or the scheduler ends.
    pub async fn wait(&mut self) {
        if let Some(first) = self.tasks.first_mut() {
            let _ = first.await;
        }
        self.tasks.remove(0);
    }
}

/// Connects to Discord (sharded), registers the slash commands, and starts
/// the scheduler with the Discord notifier.
#[tracing::instrument(skip_all, fields(api_base = ?config.api_base, dev_guild = ?config.dev_guild))]
pub async fn start(engine: Arc<Engine>, config: DiscordConfig) -> anyhow::Result<Bot> {
    let notifier = Arc::new(notifier::DiscordNotifier::new(
        Arc::new(http(&config)),
        config.scheduler.rate_per_second,
    ));
    let scheduler = Scheduler::new(engine.clone(), notifier.clone(), config.scheduler.clone());
    let data = Data {
        engine: engine.clone(),
        effects: Scheduler::new(engine, notifier, config.scheduler.clone()),
    };
    let framework = framework(data, config.dev_guild);
    let mut client = serenity::ClientBuilder::new_with_http(http(&config), GatewayIntents::GUILDS)
        .framework(framework)
        .await
        .context("building the Discord client")?;
    let shards = client.shard_manager.clone();
    let (shutdown, stop) = watch::channel(false);
    let gateway = tokio::spawn(async move {
        if let Err(e) = client.start_autosharded().await {
            tracing::error!(error = %e, "the Discord gateway stopped");
        }
    });
    let scheduler = tokio::spawn(scheduler.run(stop));
    tracing::info!("Discord front end started");
    Ok(Bot {
        shutdown,
        shards,
        tasks: vec![gateway, scheduler],
    })
}

/// Every slash command.
pub fn all_commands() -> Vec<poise::Command<Data, Error>> {
    vec![
        commands::quiz(),
        commands::answer(),
        commands::reveal(),
        commands::flag(),
        commands::leaderboard(),
        commands::stats(),
        commands::streak(),
        commands::help(),
        admin::daily(),
        admin::questions(),
        admin::flags(),
        admin::regrade(),
    ]
}

fn framework(data: Data, dev_guild: Option<u64>) -> poise::Framework<Data, Error> {
    let options = poise::FrameworkOptions {
        commands: all_commands(),
        on_error: |e| Box::pin(on_error(e)),
        event_handler: |ctx, event, _fw, data| Box::pin(interactions::on_event(ctx, event, data)),
        ..Default::default()
    };
    poise::Framework::builder()
        .options(options)
        .initialize_owners(false)
        .setup(move |ctx, ready, framework| {
            Box::pin(async move {
                // A failed registration must not stop the bot: the commands
                // registered last time keep working, and the next start retries.
                if let Err(e) = register(ctx, &framework.options().commands, dev_guild).await {
                    tracing::error!(error = %e, "could not register the slash commands");
                }
                tracing::info!(bot = %ready.user.name, guilds = ready.guilds.len(), ?dev_guild, "Discord ready");
                Ok(data)
            })
        })
        .build()
}

/// Registers the commands globally, or in the development guild only.
async fn register(
    ctx: &serenity::Context,
    commands: &[poise::Command<Data, Error>],
    dev_guild: Option<u64>,
) -> Result<(), serenity::Error> {
    match dev_guild {
        Some(g) => poise::builtins::register_in_guild(ctx, commands, GuildId::new(g)).await,
        None => poise::builtins::register_globally(ctx, commands).await,
    }
}

/// Errors a person can act on are shown to them privately; the rest are
/// logged with a reference the person sees in a short apology.
async fn on_error(error: poise::FrameworkError<'_, Data, Error>) {
    use poise::FrameworkError as E;
    match error {
        E::Command { error, ctx, .. } => {
            let reference = shim::reference();
            tracing::error!(error = %format!("{error:#}"), %reference, command = %ctx.command().qualified_name, "command failed");
            let _ = ctx.send(render::apology(&reference).into_reply()).await;
        }
        E::ArgumentParse {
            error, input, ctx, ..
        } => {
            let what = input.map_or_else(String::new, |i| format!(" `{i}`"));
            let _ = shim::refuse(ctx, format!("I could not read that option{what}: {error}")).await;
        }
        E::GuildOnly { ctx, .. } => {
            let _ = shim::refuse(ctx, "Use this command in a server channel.").await;
        }
        E::MissingUserPermissions { ctx, .. } => {
            let _ = shim::refuse(
                ctx,
                "Only server admins (Manage Server permission) can do that.",
            )
            .await;
        }
        E::Setup { error, .. } => {
            tracing::error!(error = %format!("{error:#}"), "Discord setup failed")
        }
        other => {
            if let Err(e) = poise::builtins::on_error(other).await {
                tracing::error!(error = %e, "could not report a framework error");
            }
        }
    }
}
