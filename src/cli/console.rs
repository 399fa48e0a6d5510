//! `prepbot console`: wires the engine to a terminal.

use crate::config::EngineArgs;
use crate::domain::clock::{Clock, ManualClock, SystemClock};
use crate::frontends::console::Console;
use clap::Args;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

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
}

/// Runs `prepbot console`.
pub async fn run(args: ConsoleArgs) -> anyhow::Result<ExitCode> {
    let manual = args.start.map(|t| Arc::new(ManualClock::new(t)));
    let clock: Arc<dyn Clock> = match &manual {
        Some(m) => m.clone(),
        None => Arc::new(SystemClock),
    };
    let seed = args.seed.unwrap_or_else(rand::random);
    let engine = crate::app::engine(&args.engine, clock, seed).await?;
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
