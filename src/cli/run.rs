//! `prepbot run`: the scheduler plus every front end whose token is set,
//! until SIGTERM or Ctrl-C (the console also stops on SIGHUP), then a
//! clean drain.

use crate::app::{self, Serve};
use crate::config::{DiscordArgs, EngineArgs, HttpArgs};
use crate::delivery::SchedulerConfig;
use crate::domain::clock::SystemClock;
use clap::Args;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// How long in-flight work may take to finish after a stop signal.
pub const GRACE: Duration = Duration::from_secs(8);

/// Arguments of `prepbot run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub engine: EngineArgs,
    #[command(flatten)]
    pub discord: DiscordArgs,
    #[command(flatten)]
    pub http: HttpArgs,
}

/// The front ends the settings turn on.
fn serve(args: &RunArgs) -> anyhow::Result<Serve> {
    let scheduler = SchedulerConfig {
        rate_per_second: args.discord.fanout_rate,
        ..SchedulerConfig::default()
    };
    // Checked here, before the database is touched, so `prepbot settings`
    // (which runs this too) and `prepbot run` refuse the same settings.
    crate::storage::parse_url(&args.engine.db.database_url)?;
    let urls = [
        ("DISCORD_API_BASE", &args.discord.discord_api_base),
        ("PREPBOT_LLM_URL", &args.engine.llm.llm_url),
    ];
    for (var, url) in urls {
        if let Some(url) = url {
            crate::config::check_base_url(var, url).map_err(anyhow::Error::msg)?;
        }
    }
    #[cfg(feature = "discord")]
    let shards = match args.discord.discord_shards.as_deref().map(str::trim) {
        Some(plan) if !plan.is_empty() => Some(plan.parse()?),
        _ => None,
    };
    #[cfg(feature = "discord")]
    let discord =
        args.discord
            .discord_token
            .clone()
            .map(|token| crate::frontends::discord::DiscordConfig {
                token,
                api_base: args
                    .discord
                    .discord_api_base
                    .as_deref()
                    .map(|b| b.trim().to_owned()),
                dev_guild: args.discord.discord_dev_guild,
                fanout_rate: args.discord.fanout_rate,
                shards,
            });
    #[cfg(not(feature = "discord"))]
    if args.discord.discord_token.is_some() {
        anyhow::bail!(
            "DISCORD_TOKEN is set, but this prepbot was built without the `discord` feature"
        );
    }
    #[cfg(feature = "slack")]
    let slack = crate::frontends::slack::SlackConfig::from_env()?;
    #[cfg(not(feature = "slack"))]
    if std::env::var_os("SLACK_BOT_TOKEN").is_some() {
        anyhow::bail!(
            "SLACK_BOT_TOKEN is set, but this prepbot was built without the `slack` feature"
        );
    }
    Ok(Serve {
        #[cfg(feature = "discord")]
        discord,
        #[cfg(feature = "slack")]
        slack,
        scheduler,
    })
}

/// Settings inside their ranges that still invite trouble, said once at
/// start (and by `prepbot settings`) so the log explains the 429s or
/// repeats they lead to, and settings that will be ignored.
#[allow(unused_variables)] // `serve` is read only with Slack built in
fn risks(args: &RunArgs, serve: &Serve) -> Vec<String> {
    /// Discord's documented global limit for a bot.
    const DISCORD_GLOBAL: u32 = 50;
    let (rate, lease) = (args.discord.fanout_rate, args.engine.claim_lease_secs);
    let real_discord =
        args.discord.discord_token.is_some() && args.discord.discord_api_base.is_none();
    let mut out = Vec::new();
    if rate > DISCORD_GLOBAL && real_discord {
        out.push(format!("PREPBOT_FANOUT_RATE is {rate}, above Discord's global limit of 50 requests/s; unless Discord raised this bot's limit, expect 429s"));
    }
    if lease < 30 {
        out.push(format!("PREPBOT_CLAIM_LEASE_SECS is {lease}, under 30: a post still being sent may be taken over and sent twice"));
    }
    #[cfg(feature = "slack")]
    out.extend(crate::frontends::slack::SlackConfig::warnings(
        serve.slack.as_ref(),
        |name| std::env::var(name).ok(),
    ));
    out
}

/// What `prepbot settings` says of the environment: `Ok` with the
/// warnings [`run`] would give, or the error that would stop it before it
/// touches the database (a URL, shard plan, bank or Slack setting it
/// cannot use).
pub fn check(args: &RunArgs) -> anyhow::Result<Vec<String>> {
    let serve = serve(args)?;
    app::load_bank(&args.engine.bank)?;
    let mut risks = risks(args, &serve);
    if serve.is_empty() {
        // `run` says this too, from `app::start_with_http`.
        risks.push(app::NO_FRONT_END.to_owned());
    }
    Ok(risks)
}

/// Runs `prepbot run` until a stop signal (or a front end gives up).
pub async fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let serve = serve(&args)?;
    for risk in risks(&args, &serve) {
        tracing::warn!("{risk}");
    }
    let engine = app::engine(&args.engine, Arc::new(SystemClock), rand::random()).await?;
    let mut running = app::start_with_http(engine, serve, Some(args.http.http_addr)).await?;
    let stopped_by_itself = tokio::select! {
        signal = stop_signal(false) => {
            tracing::info!(%signal, "stopping");
            false
        }
        _ = running.wait() => true,
    };
    running.stop(GRACE).await;
    if stopped_by_itself {
        anyhow::bail!("a chat front end stopped");
    }
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// Waits for SIGTERM (what Docker, systemd and Kubernetes send) or Ctrl-C,
/// and SIGHUP when `hangup`: the console's closed terminal, whose default
/// action would end it without its clean-up. `prepbot run` leaves SIGHUP
/// alone, so a bot started with `nohup` outlives the session.
pub(crate) async fn stop_signal(hangup: bool) -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, Signal, SignalKind};
        // Each on its own: one that cannot be listened for must not leave
        // another registered but unheard (tokio's handler replaces the
        // default action, so an unheard SIGTERM would be swallowed).
        let listen = |kind: SignalKind, name: &str| {
            signal(kind)
                .map_err(|e| tracing::warn!(error = %e, "cannot listen for {name}"))
                .ok()
        };
        async fn heard(signal: Option<Signal>) {
            match signal {
                Some(mut s) => {
                    s.recv().await;
                }
                None => std::future::pending().await,
            }
        }
        let term = listen(SignalKind::terminate(), "SIGTERM");
        let hup = hangup
            .then(|| listen(SignalKind::hangup(), "SIGHUP"))
            .flatten();
        tokio::select! {
            _ = heard(term) => "SIGTERM",
            _ = heard(hup) => "SIGHUP",
            _ = tokio::signal::ctrl_c() => "Ctrl-C",
        }
    }
    #[cfg(not(unix))]
    {
        let _ = hangup;
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    }
}

/// Arguments of `prepbot healthcheck`.
#[derive(Debug, Args)]
pub struct ProbeArgs {
    #[command(flatten)]
    pub http: HttpArgs,
    /// The path to GET: /healthz (alive) or /readyz (ready for work).
    #[arg(long, default_value = "/healthz")]
    pub path: String,
}

/// `prepbot healthcheck`: exit 0 when the local `prepbot run` answers 200
/// on the path, 1 otherwise (a container HEALTHCHECK needs no curl).
pub async fn healthcheck(mut args: ProbeArgs) -> anyhow::Result<ExitCode> {
    if !args.path.starts_with('/') {
        args.path.insert(0, '/');
    }
    let url = crate::http::local_url(args.http.http_addr, &args.path);
    match crate::http::probe(args.http.http_addr, &args.path, Duration::from_secs(3)).await {
        Ok(200) => Ok(ExitCode::SUCCESS),
        Ok(status) => {
            eprintln!("{url} answered {status}");
            Ok(ExitCode::FAILURE)
        }
        Err(e) => {
            eprintln!("{url}: {e}");
            Ok(ExitCode::FAILURE)
        }
    }
}
