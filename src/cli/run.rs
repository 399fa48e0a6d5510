//! `prepbot run`: starts every front end whose token is set, plus the scheduler.

use crate::config::{BankDirArgs, DbArgs, LlmArgs};
use clap::Args;
use std::process::ExitCode;

/// Arguments of `prepbot run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub bank: BankDirArgs,
    #[command(flatten)]
    pub llm: LlmArgs,
}

/// Runs `prepbot run`.
pub async fn run(_args: RunArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("no chat front end is configured: set DISCORD_TOKEN, or try `prepbot console`")
}
