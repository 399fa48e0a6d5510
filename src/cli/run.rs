//! `prepbot run`: the scheduler plus every front end whose token is set,
//! until SIGTERM or Ctrl-C (the console also stops on SIGHUP), then a
//! clean drain.

use super::checks;
use crate::app;
use crate::config::{DiscordArgs, EngineArgs, HttpArgs};
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

/// Runs `prepbot run` until a stop signal (or a front end gives up).
pub async fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    // Heard from here on, so a signal during start-up is not lost.
    let stop = stop_signal(false);
    tokio::pin!(stop);
    let (serve, bank) = checks::settled(&args)?;
    for risk in checks::risks(&args, &serve) {
        tracing::warn!("{risk}");
    }
    // Start-up can wait on the database for PREPBOT_DB_TIMEOUT_SECS; a stop
    // meanwhile ends it there (nothing is half made: migrations are
    // transactions, and the database is the bot's own).
    let engine = tokio::select! {
        biased;
        signal = &mut stop => {
            tracing::info!(%signal, "stopped while starting");
            return Ok(ExitCode::SUCCESS);
        }
        engine = app::engine_with(&args.engine, bank, Arc::new(SystemClock), rand::random()) => engine?,
    };
    let mut running = app::start_with_http(engine, serve, Some(args.http.http_addr)).await?;
    let stopped_by_itself = tokio::select! {
        signal = &mut stop => {
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

/// Listens, from this call on, for SIGTERM (what Docker, systemd and
/// Kubernetes send) or Ctrl-C, and SIGHUP when `hangup`: the console's
/// closed terminal, whose default action would end it without its
/// clean-up. `prepbot run` leaves SIGHUP alone, so a bot started with
/// `nohup` outlives the session. On Unix the listeners are in place when
/// this returns, not when the future is first polled: a signal in between
/// would otherwise take its default action and skip the clean-up.
pub(crate) fn stop_signal(hangup: bool) -> impl std::future::Future<Output = &'static str> {
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
        let int = listen(SignalKind::interrupt(), "Ctrl-C");
        async move {
            tokio::select! {
                _ = heard(term) => "SIGTERM",
                _ = heard(hup) => "SIGHUP",
                _ = heard(int) => "Ctrl-C",
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = hangup;
        async {
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        }
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
