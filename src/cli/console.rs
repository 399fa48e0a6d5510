//! `prepbot console`: wires the engine to a terminal.
//!
//! It also makes the first try easy: with no `DATABASE_URL` and nothing
//! answering at the default address, it starts a private PostgreSQL of its
//! own ([`super::tempdb`]); with `--fresh` it plays in a throwaway database
//! that is dropped on exit, so a scripted session can be replayed.

use super::say;
use super::tempdb::{self, PgTools, TempCluster, TempDbError};
use crate::config::{EngineArgs, DEFAULT_DATABASE_URL};
use crate::domain::clock::{Clock, ManualClock, SystemClock};
use crate::frontends::console::Console;
use anyhow::Context;
use clap::Args;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// Arguments of `prepbot console`.
#[derive(Debug, Args)]
pub struct ConsoleArgs {
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Start a manual clock at this instant (RFC 3339) so /wait and /time can move it.
    #[arg(long)]
    pub start: Option<chrono::DateTime<chrono::Utc>>,
    /// Seed for question picks (random when absent).
    #[arg(long, env = "PREPBOT_SEED")]
    pub seed: Option<u64>,
    /// Play in a new throwaway database (prepbot_console_<random>) on the same
    /// server, dropped on exit, instead of the shared one.
    #[arg(long)]
    pub fresh: bool,
}

/// Runs `prepbot console`.
pub async fn run(mut args: ConsoleArgs) -> anyhow::Result<ExitCode> {
    // Listening before anything is made, so a signal at any moment of the
    // start reaches the clean-up below.
    let stop = super::run::stop_signal(true);
    let mut cluster = private_server_if_needed(&mut args).await?;
    let fresh = args.fresh.then(|| fresh_database(&mut args.engine));
    let result = session(&args, stop).await;
    if let Some(url) = fresh {
        if let Err(e) = crate::storage::drop_database(&url, args.engine.db.timeout()).await {
            say(&format!(
                "warning: could not drop the --fresh database: {e}"
            ));
        }
    }
    if let Some(c) = cluster.as_mut() {
        c.stop().context("stopping the private PostgreSQL")?;
    }
    result
}

/// Sets up and plays until the input ends or a stop signal comes, so the
/// clean-up after it still runs: a --fresh database (and its sandbox and
/// roles) is not left behind. A signal during set-up lets set-up finish
/// first: cut off, a `CREATE DATABASE` already sent would complete on the
/// server after the clean-up had looked for it.
async fn session(
    args: &ConsoleArgs,
    stop: impl std::future::Future<Output = &'static str>,
) -> anyhow::Result<ExitCode> {
    tokio::pin!(stop);
    // A signal already heard (during a private server's start) stops here,
    // before set-up sends anything.
    tokio::select! {
        biased;
        signal = &mut stop => return Ok(stopped(signal)),
        () = std::future::ready(()) => {}
    }
    let manual = args.start.map(|t| Arc::new(ManualClock::new(t)));
    let clock: Arc<dyn Clock> = match &manual {
        Some(m) => m.clone(),
        None => Arc::new(SystemClock),
    };
    let seed = args.seed.unwrap_or_else(rand::random);
    let setup = crate::app::engine(&args.engine, clock, seed);
    tokio::pin!(setup);
    let engine = tokio::select! {
        // Listening before set-up sends anything.
        biased;
        signal = &mut stop => {
            let _ = setup.await;
            return Ok(stopped(signal));
        }
        engine = &mut setup => engine?,
    };
    tokio::select! {
        // A signal and the end of input together (a closed terminal sends
        // both) end as stopped by the signal.
        biased;
        signal = &mut stop => Ok(stopped(signal)),
        r = play(engine, manual) => r,
    }
}

/// The exit of a console stopped by `signal`: the shell's code, 128 plus
/// the signal's number.
fn stopped(signal: &str) -> ExitCode {
    say(&format!("prepbot: stopped by {signal}"));
    ExitCode::from(match signal {
        "SIGTERM" => 143,
        "SIGHUP" => 129,
        _ => 130,
    })
}

async fn play(
    engine: Arc<crate::engine::Engine>,
    manual: Option<Arc<ManualClock>>,
) -> anyhow::Result<ExitCode> {
    let interactive = std::io::stdin().is_terminal();
    if interactive {
        println!(
            "prepbot console: {} questions loaded. Type /help, /as NAME to switch player, /quit to leave.",
            engine.bank().len()
        );
    }
    let mut console = Console::new(engine, manual);
    let stdin = tokio::io::BufReader::new(tokio::io::stdin());
    console
        .run(stdin, &mut std::io::stdout(), !interactive)
        .await?;
    Ok(ExitCode::SUCCESS)
}

/// Switches to a new `prepbot_console_<random>` database on the same server;
/// returns its URL, to drop on exit.
fn fresh_database(engine: &mut EngineArgs) -> String {
    let name = format!("prepbot_console_{:08x}", rand::random::<u32>());
    let url = with_database(&engine.db.database_url, &name);
    eprintln!("prepbot: playing in a throwaway database, {name}, dropped when you leave.");
    engine.db.database_url = url.clone();
    url
}

/// `url` with its database replaced by `name` (query parameters kept).
pub fn with_database(url: &str, name: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) => {
            u.set_path(&format!("/{name}"));
            u.to_string()
        }
        Err(_) => url.to_owned(),
    }
}

/// Whether the person chose the database: an explicit `DATABASE_URL` or
/// `--database-url` is never replaced by a private server.
fn database_chosen(args: &ConsoleArgs) -> bool {
    std::env::var_os("DATABASE_URL").is_some()
        || std::env::args().any(|a| a.starts_with("--database-url"))
        || args.engine.db.database_url != DEFAULT_DATABASE_URL
}

/// Starts the private server when nothing answers at the default address.
async fn private_server_if_needed(args: &mut ConsoleArgs) -> anyhow::Result<Option<TempCluster>> {
    if database_chosen(args) || answers("127.0.0.1:5432").await {
        return Ok(None);
    }
    let Some(tools) = PgTools::find() else {
        anyhow::bail!(
            "nothing answers at 127.0.0.1:5432. {}",
            TempDbError::NotInstalled
        );
    };
    let dir = tempdb::default_dir();
    let cluster = tokio::task::spawn_blocking(move || TempCluster::start(tools, &dir))
        .await?
        .context("nothing answers at 127.0.0.1:5432, and starting a private PostgreSQL failed")?;
    eprintln!(
        "prepbot: nothing answered at 127.0.0.1:5432, so I started a private PostgreSQL in {} (Unix socket only; it stops when you leave).",
        cluster.dir().display()
    );
    args.engine.db.database_url = cluster.url("prepbot");
    Ok(Some(cluster))
}

/// Whether anything accepts a TCP connection at `addr` within two seconds.
async fn answers(addr: &str) -> bool {
    matches!(
        tokio::time::timeout(Duration::from_secs(2), tokio::net::TcpStream::connect(addr)).await,
        Ok(Ok(_))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_database_keeps_the_server_and_its_parameters() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/prepbot", "x1"),
            "postgres://postgres@127.0.0.1:5432/x1"
        );
        assert_eq!(
            with_database(
                "postgres://postgres@localhost:5432/prepbot?host=%2Ftmp%2Fpg",
                "x1"
            ),
            "postgres://postgres@localhost:5432/x1?host=%2Ftmp%2Fpg"
        );
    }
}
