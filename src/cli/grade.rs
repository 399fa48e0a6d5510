//! `prepbot grade`: grade one answer from the command line.

use clap::Args;
use std::process::ExitCode;

/// Arguments of `prepbot grade`.
#[derive(Debug, Args)]
pub struct GradeArgs {
    /// The question id.
    #[arg(long)]
    pub question: String,
    /// The answer text.
    #[arg(long)]
    pub answer: Option<String>,
}

/// Runs `prepbot grade`.
pub async fn run(_args: GradeArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not built yet")
}
