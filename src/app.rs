//! Wiring: builds the one [`Engine`] every front end shares from settings,
//! and starts the application: the one scheduler, the delivery router with
//! a notifier per served platform, the chat front ends, and the HTTP server
//! (health, readiness, metrics).

use crate::bank::Bank;
use crate::config::{BankDirArgs, DbArgs, EngineArgs, LlmArgs};
use crate::delivery::{share, Delivery, Router, Scheduler, SchedulerConfig};
use crate::domain::clock::Clock;
use crate::engine::Engine;
use crate::grading::Grading;
use crate::http;
use crate::storage::Store;
use anyhow::Context;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Loads and validates the bank folder.
pub fn load_bank(args: &BankDirArgs) -> anyhow::Result<Arc<Bank>> {
    let source = args.source();
    let bank = source
        .load()
        .with_context(|| format!("loading the question bank from {source}"))?;
    Ok(Arc::new(bank))
}

/// Builds the grader from settings: key points (or an LLM, when configured)
/// for free text, and the PostgreSQL sandbox for SQL answers.
pub async fn grading(db: &DbArgs, llm: &LlmArgs) -> anyhow::Result<Grading> {
    crate::grading::build_grading(llm, Some(&db.database_url))
        .await
        .context("setting up the SQL grading sandbox")
}

/// Connects (creating and migrating the database), loads the bank, and
/// builds the engine.
pub async fn engine(
    args: &EngineArgs,
    clock: Arc<dyn Clock>,
    seed: u64,
) -> anyhow::Result<Arc<Engine>> {
    engine_with(args, load_bank(&args.bank)?, clock, seed).await
}

/// [`engine`] with the bank already loaded (`prepbot run` checked it with
/// the other settings).
pub async fn engine_with(
    args: &EngineArgs,
    bank: Arc<Bank>,
    clock: Arc<dyn Clock>,
    seed: u64,
) -> anyhow::Result<Arc<Engine>> {
    let EngineArgs {
        db,
        llm,
        claim_lease_secs,
        ..
    } = args;
    let store = Store::connect_pooled(&db.database_url, db.timeout(), db.pool())
        .await
        .context("connecting to PostgreSQL (see DATABASE_URL)")?;
    let grading = grading(db, llm).await?;
    let lease = std::time::Duration::from_secs(*claim_lease_secs);
    Ok(Arc::new(
        Engine::new(store, bank, clock, seed, Arc::new(grading)).with_claim_lease(lease),
    ))
}

/// What `prepbot run` serves besides the scheduler.
#[derive(Debug, Clone, Default)]
pub struct Serve {
    #[cfg(feature = "discord")]
    pub discord: Option<crate::frontends::discord::DiscordConfig>,
    #[cfg(feature = "slack")]
    pub slack: Option<crate::frontends::slack::SlackConfig>,
    pub scheduler: SchedulerConfig,
}

/// What `prepbot run` (and `prepbot settings`) says when no chat front end
/// is configured.
pub const NO_FRONT_END: &str = "no chat front end is configured: set DISCORD_TOKEN, or SLACK_BOT_TOKEN or SLACK_CLIENT_ID (or try `prepbot console`); the bot serves only health and metrics";

impl Serve {
    /// Whether no chat front end is configured (the bot then serves only
    /// health and metrics).
    pub fn is_empty(&self) -> bool {
        #[allow(unused_mut)] // only a front end clears it
        let mut empty = true;
        #[cfg(feature = "discord")]
        {
            empty &= self.discord.is_none();
        }
        #[cfg(feature = "slack")]
        {
            empty &= self.slack.is_none();
        }
        empty
    }
}

/// A running application: the one scheduler, the HTTP server and the chat
/// front ends.
pub struct Running {
    shutdown: watch::Sender<bool>,
    scheduler: JoinHandle<()>,
    http: Option<(SocketAddr, JoinHandle<std::io::Result<()>>)>,
    #[cfg(feature = "discord")]
    discord: Option<crate::frontends::discord::Bot>,
}

/// The router of the platforms `serve` configures.
fn router(serve: &Serve, engine: &Engine) -> anyhow::Result<Router> {
    #[allow(unused_mut)]
    let mut router = Router::new();
    #[cfg(feature = "discord")]
    if let Some(config) = &serve.discord {
        router = router.with(
            crate::domain::platform::Platform::Discord,
            crate::frontends::discord::notifier(config, engine.store().clone()),
        );
    }
    #[cfg(feature = "slack")]
    if let Some(config) = &serve.slack {
        router = router.with(
            crate::domain::platform::Platform::Slack,
            crate::frontends::slack::notifier(engine.store().clone(), config)?,
        );
    }
    let _ = (serve, engine);
    Ok(router)
}

/// Starts the scheduler, the HTTP server and every configured front end,
/// all sharing one delivery router. The scheduler claims only the work of
/// these platforms: with none configured it claims nothing, and `/readyz`
/// says why the process is not ready.
pub async fn start(engine: Arc<Engine>, serve: Serve) -> anyhow::Result<Running> {
    start_with_http(engine, serve, None).await
}

/// [`start`], plus health, readiness and metrics served on `http`.
pub async fn start_with_http(
    engine: Arc<Engine>,
    serve: Serve,
    http: Option<SocketAddr>,
) -> anyhow::Result<Running> {
    let router = router(&serve, &engine)?;
    let platforms = router.platforms();
    if platforms.is_empty() {
        tracing::warn!("{NO_FRONT_END}");
    }
    #[allow(unused_mut)] // only a front end adds to it
    let mut health = http::Health::new(engine.store().clone(), crate::meters::install());
    crate::meters::zero(&platforms.iter().map(|p| p.as_str()).collect::<Vec<_>>());
    let (shutdown, stop) = watch::channel(false);
    // Other replicas' custom-question changes reach this process's cache.
    tokio::spawn(engine.clone().follow_custom_changes(stop.clone()));
    if !platforms.is_empty() {
        // Counted by the other replicas before the first request goes out.
        let names = platforms.iter().map(|p| p.as_str().to_owned()).collect();
        let me = share::Membership::join(engine.store().clone(), names).await;
        tokio::spawn(me.keep(stop.clone()));
    }
    let delivery = Arc::new(Delivery::new(engine, router, serve.scheduler.clone()));
    let scheduler = tokio::spawn(Scheduler::new(delivery.clone()).run(stop.clone()));
    #[cfg(feature = "discord")]
    let discord = match serve.discord {
        Some(config) => {
            let runner =
                crate::runner::Runner::new(delivery.clone(), crate::frontends::discord::WORDS);
            let bot = crate::frontends::discord::start(runner, config).await?;
            // Ready once every shard this process runs is connected.
            health = health.with_front_end("discord gateway not connected", bot.connected());
            Some(bot)
        }
        None => None,
    };
    #[allow(unused_mut)] // only a front end adds to it
    let mut extra = axum::Router::new();
    #[cfg(feature = "slack")]
    if let Some(config) = &serve.slack {
        let words = crate::frontends::slack::words(config);
        let runner = crate::runner::Runner::new(delivery.clone(), words);
        let slack = crate::frontends::slack::start(runner, config, stop.clone())?;
        extra = extra.merge(slack.routes);
        for (reason, ready) in slack.ready {
            health = health.with_front_end(reason, ready);
        }
        if http.is_none() {
            tracing::warn!(
                "Slack is configured but no HTTP address is: Slack's requests cannot reach prepbot"
            );
        }
    }
    let http = match http {
        Some(addr) => Some(serve_http(addr, health, extra, stop).await?),
        None => None,
    };
    Ok(Running {
        shutdown,
        scheduler,
        http,
        #[cfg(feature = "discord")]
        discord,
    })
}

/// Binds `addr` and serves health, readiness and metrics until shutdown.
async fn serve_http(
    addr: SocketAddr,
    health: http::Health,
    extra: axum::Router,
    stop: watch::Receiver<bool>,
) -> anyhow::Result<(SocketAddr, JoinHandle<std::io::Result<()>>)> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("listening on {addr} (PREPBOT_HTTP_ADDR)"))?;
    let bound = listener.local_addr()?;
    tracing::info!(addr = %bound, "serving /healthz, /readyz and /metrics");
    let server = tokio::spawn(http::serve_with(listener, Arc::new(health), extra, stop));
    Ok((bound, server))
}

impl Running {
    /// The address the HTTP server listens on, if it runs.
    pub fn http_addr(&self) -> Option<SocketAddr> {
        self.http.as_ref().map(|(addr, _)| *addr)
    }

    /// Waits until a front end stops by itself (the gateway gave up).
    pub async fn wait(&mut self) {
        #[cfg(feature = "discord")]
        if let Some(bot) = self.discord.as_mut() {
            return bot.wait().await;
        }
        std::future::pending::<()>().await
    }

    /// Stops taking new work and drains what is in flight: the gateway is
    /// closed, deliveries under way finish and are recorded, claims not yet
    /// sent are released for the next start. Gives up after `grace`.
    pub async fn stop(self, grace: std::time::Duration) {
        let _ = self.shutdown.send(true);
        let drain = async move {
            #[cfg(feature = "discord")]
            if let Some(bot) = self.discord {
                bot.stop().await;
            }
            let _ = self.scheduler.await;
            if let Some((_, server)) = self.http {
                let _ = server.await;
            }
        };
        if tokio::time::timeout(grace, drain).await.is_err() {
            tracing::warn!(?grace, "shutdown took too long; exiting anyway");
        }
    }
}
