//! The Discord front end: a thin layer over the core, on serenity 0.12 and
//! poise 0.6. Only this folder names serenity or poise types.
//!
//! - [`commands`], [`admin`]: slash commands as shims (options → `Command` →
//!   `Engine::handle` → rendered reply), following poise's unit-testing advice:
//!   the logic is in the core and in pure helpers tested here.
//! - [`channels`]: a thread stands for its parent channel; where the daily
//!   question cannot be posted.
//! - [`interactions`]: buttons, selects and modals (their `custom_id`s are
//!   the core's [`crate::domain::action::ActionId`]s).
//! - [`gate`]: every interaction (slash command, button, modal) runs in a
//!   task of its own behind a bounded gate, acknowledged first if it waits.
//! - [`widgets`], [`render`]: the view model mapped onto embeds and
//!   components, split into messages within Discord's limits.
//! - [`notifier`]: the delivery router's `Notifier` for Discord (daily
//!   posts, reveals). The scheduler itself belongs to the application.
//!
//! # Connecting, and connecting to a mock
//! [`start`] builds serenity's `Http` with [`HttpBuilder::proxy`] when
//! `DISCORD_API_BASE` is set: serenity then replaces `https://discord.com`
//! in every route with that base (`http/request.rs`), so REST goes to e.g.
//! `http://127.0.0.1:PORT/api/v10/...`. With a proxy, serenity's own rate
//! limiter must be disabled (`ratelimiter_disabled(true)`): serenity 0.12's
//! `Ratelimiter::perform` builds every request with no proxy
//! (`http/ratelimiting.rs`, `req.build(.., None)`), so with the limiter on,
//! requests would bypass the base and go to discord.com. The proxy (or, in
//! tests, the mock) answers 429s directly; prepbot paces its fan-out itself
//! (the scheduler's pacer and the notifier's) and honours `retry_after`.
//!
//! The gateway URL is not configured: `ClientBuilder` asks `GET /gateway`
//! and `start_autosharded` asks `GET /gateway/bot` for the URL and shard
//! count (sharding is on: the shard count is Discord's recommendation).
//! serenity appends `?v=10` and connects with tokio-tungstenite's
//! `connect_async_with_config`, which takes `ws://` as well as `wss://` (TLS
//! only for `wss`), so a mock's `ws://127.0.0.1:PORT/ws` works as is. Frames
//! are plain JSON text (no `compress=zlib-stream` is requested).
//!
//! # Gateway behaviour (tests/discord_gateway.rs, against Discord's rules)
//! The bot asks only for `GUILDS` (no privileged intent: slash commands and
//! components arrive without them), so Discord never closes it with 4014.
//! On op 7 serenity RESUMEs and gets what it missed; on op 9 (or a refused
//! RESUME) it IDENTIFYs again, but only after ~5 s: serenity 0.12's shard
//! restart waits out its own shutdown timeout, and interactions sent in that
//! gap are lost. serenity 0.12 also resumes on the connect URL, not READY's
//! `resume_gateway_url` (Discord accepts that but drops such sessions sooner).
//!
//! # Splitting shards between processes
//! By default one process runs every shard Discord recommends. With
//! `DISCORD_SHARDS=FIRST-LAST/TOTAL` (e.g. `0-1/4`; `2/4` for one shard) it
//! runs only shards FIRST..=LAST of TOTAL, so several processes can share
//! a bot: Discord sends each guild's events to shard
//! `(guild_id >> 22) % TOTAL` only, so every guild is served exactly once
//! when the processes' ranges cover 0..TOTAL without overlap. See
//! [`ShardPlan`]. Start the processes at least 5 s apart: each paces its own
//! IDENTIFYs, but Discord allows `max_concurrency` (usually 1) per 5 s for
//! the whole bot.
//!
//! The token comes from `DISCORD_TOKEN` as a [`SecretString`]; it is exposed
//! only to build `Http`, whose `Debug` redacts it, and never logged.

pub mod admin;
pub mod answers;
pub mod channels;
pub mod commands;
pub mod compete;
pub mod gate;
pub mod interactions;
pub mod notifier;
pub mod readiness;
pub mod render;
pub mod rewards;
pub mod roles;
pub mod shim;
pub mod widgets;

use crate::delivery::Pacer;
use crate::domain::view::Words;
use crate::runner::Runner;
use crate::storage::Store;
use anyhow::Context as _;
use poise::serenity_prelude::{self as serenity, GatewayIntents, GuildId, HttpBuilder};
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;

mod shards;
pub use shards::{ShardPlan, MAX_SHARDS, MAX_SHARDS_HERE};

/// The environment variable naming this process's shards (see [`ShardPlan`]).
pub const SHARDS_ENV: &str = "DISCORD_SHARDS";

/// Settings the Discord front end reads from the environment itself (the
/// others arrive in [`DiscordConfig`]).
pub const SETTINGS: &[&str] = &[SHARDS_ENV];

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
    /// Requests per second the notifier allows itself (Discord's global cap is 50).
    pub fanout_rate: u32,
    /// The shards this process runs ([`SHARDS_ENV`]); `None`: all of them.
    pub shards: Option<ShardPlan>,
}

/// Discord's words for the view model.
pub const WORDS: Words = Words {
    admins: "server admins (Manage Server permission)",
    become_admin: None,
    command_prefix: "/",
    community: "server",
    channel: "<#{}>",
};

/// What every command and interaction handler gets: the shared runner
/// (engine, and delivery of command effects through the app's router), and
/// the gate bounding how many interactions are handled at once.
pub struct Data {
    pub runner: Runner,
    pub gate: Arc<tokio::sync::Semaphore>,
    /// Bounds the acknowledgements queued interactions send at once: each
    /// request in flight holds an HTTP/1.1 connection (~17 KB, measured).
    pub acks: Arc<tokio::sync::Semaphore>,
}

/// Interactions (slash commands, buttons, modals) handled at once; the rest
/// wait, acknowledged, holding only their parsed interaction. Four times the default database pool, so
/// replies go out while the next commands use the connections. Measured
/// (docs/benchmarks.md, Footprint): without it, 1,000 simultaneous answers
/// each held poise's ~30 KB dispatch future while waiting for a connection.
pub const INTERACTIONS_AT_ONCE: usize = 32;

/// Acknowledgements of queued interactions (and answer forms) sent at once:
/// 1,000 take about 1.6 s at 100 ms a round trip, inside Discord's 3 seconds.
pub const ACKS_AT_ONCE: usize = 64;

/// The notifier the application registers for Discord in its router.
/// Its pace is shared with every replica on `store`.
pub fn notifier(config: &DiscordConfig, store: Store) -> Arc<notifier::DiscordNotifier> {
    Arc::new(notifier::DiscordNotifier::shared(
        Arc::new(http(config)),
        config.fanout_rate,
        store,
    ))
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

/// A running gateway connection: stop it with [`Bot::stop`].
pub struct Bot {
    shards: Arc<serenity::ShardManager>,
    gateway: Option<tokio::task::JoinHandle<()>>,
    readiness: Arc<readiness::Readiness>,
}

impl Bot {
    /// True while every shard this process runs is connected (`/readyz`).
    pub fn connected(&self) -> Arc<std::sync::atomic::AtomicBool> {
        self.readiness.flag()
    }

    /// Closes the gateway shards and waits for the client to end.
    pub async fn stop(mut self) {
        self.readiness.stop();
        self.shards.shutdown_all().await;
        if let Some(g) = self.gateway.take() {
            let _ = g.await;
        }
    }

    /// Waits until the gateway client ends by itself.
    pub async fn wait(&mut self) {
        if let Some(g) = self.gateway.as_mut() {
            let _ = g.await;
            self.gateway = None;
        } else {
            std::future::pending::<()>().await;
        }
    }
}

/// Connects to Discord (sharded, shards as [`SHARDS_ENV`] says) and
/// registers the slash commands. The scheduler is the application's;
/// commands run through `runner`.
pub async fn start(runner: Runner, config: DiscordConfig) -> anyhow::Result<Bot> {
    let plan = config.shards;
    start_with_shards(runner, config, plan).await
}

/// [`start`] with an explicit plan: `None` runs every shard Discord
/// recommends (`GET /gateway/bot`).
#[tracing::instrument(skip_all, fields(api_base = ?config.api_base, dev_guild = ?config.dev_guild, ?plan))]
pub async fn start_with_shards(
    runner: Runner,
    config: DiscordConfig,
    plan: Option<ShardPlan>,
) -> anyhow::Result<Bot> {
    let data = Data {
        runner,
        gate: Arc::new(tokio::sync::Semaphore::new(INTERACTIONS_AT_ONCE)),
        acks: Arc::new(tokio::sync::Semaphore::new(ACKS_AT_ONCE)),
    };
    // The start's own requests count against the bot's global limit too,
    // so they take their turns on the budget deliveries share: three
    // replicas starting beside a fan-out otherwise add 12 unpaced requests
    // to its second (measured: 51 and 52 in the Discord mock's 50/s).
    let store = data.runner.engine().store().clone();
    let pacer = Arc::new(Pacer::shared(config.fanout_rate, store, "discord"));
    let framework = framework(data, config.dev_guild, pacer.clone());
    let http = http(&config);
    // Each slot is taken just before its request, so the recorded sends
    // and the real ones stay together (slots taken ahead and spent at once
    // let a burst through).
    pacer.wait().await;
    check_api_base(&http, config.api_base.as_deref()).await?;
    for _ in 0..GATEWAY_REQUESTS {
        pacer.wait().await;
    }
    let readiness = readiness::Readiness::new(plan.map(|p| p.last - p.first + 1));
    let mut client = serenity::ClientBuilder::new_with_http(http, GatewayIntents::GUILDS)
        .framework(framework)
        .event_handler(readiness::LearnTotal(readiness.clone()))
        .await
        .context("building the Discord client")?;
    let shards = client.shard_manager.clone();
    tokio::spawn(readiness.clone().follow(shards.clone()));
    let gateway = tokio::spawn(async move {
        let run = match plan {
            None => client.start_autosharded().await,
            // serenity's range is inclusive of its end (`start_connection`
            // boots `end - start + 1` shards), so `first..last` is right;
            // `first..last + 1` would ask for shard TOTAL, which Discord
            // closes with 4010 (tests/discord_shard_split.rs catches it).
            Some(p) => client.start_shard_range(p.first..p.last, p.total).await,
        };
        if let Err(e) = run {
            tracing::error!(error = %e, "the Discord gateway stopped");
        }
    });
    tracing::info!("Discord front end started");
    Ok(Bot {
        shards,
        gateway: Some(gateway),
        readiness,
    })
}

/// Requests serenity makes as the client starts, one right after the
/// other: `GET /gateway` and `GET /gateway/bot`.
const GATEWAY_REQUESTS: usize = 2;

/// How long a set `DISCORD_API_BASE` has to answer at start.
const API_BASE_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Asks a set `DISCORD_API_BASE` for the gateway: serenity falls back to
/// Discord's public gateway when that fails, and a proxy or mock that is
/// set but down (or silent) must stop the start instead.
async fn check_api_base(http: &serenity::Http, base: Option<&str>) -> anyhow::Result<()> {
    let Some(base) = base else { return Ok(()) };
    let shown = crate::config::redacted(base);
    let asking = || format!("asking DISCORD_API_BASE ({shown}) for the gateway");
    tokio::time::timeout(API_BASE_WAIT, http.get_gateway())
        .await
        .map_err(|_| anyhow::anyhow!("no answer within {} s", API_BASE_WAIT.as_secs()))
        .with_context(asking)?
        .with_context(asking)?;
    Ok(())
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
        compete::season(),
        compete::team(),
        compete::privacy(),
        compete::forget_me(),
        compete::winners(),
        compete::scoring(),
        compete::round(),
        rewards::rewards(),
    ]
}

fn framework(
    data: Data,
    dev_guild: Option<u64>,
    pacer: Arc<Pacer>,
) -> poise::Framework<Data, Error> {
    let options = poise::FrameworkOptions {
        commands: all_commands(),
        on_error: |e| Box::pin(on_error(e)),
        allowed_mentions: Some(render::no_pings()),
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
                pacer.wait().await;
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
            let _ = shim::refuse(ctx, format!("Only {} can do that.", WORDS.admins)).await;
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
