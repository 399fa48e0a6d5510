//! `prepbot bank ...`: check, list, show and import question files.

use clap::{Args, Subcommand};
use std::process::ExitCode;

/// Arguments of `prepbot bank`.
#[derive(Debug, Args)]
pub struct BankArgs {
    #[command(subcommand)]
    pub command: BankCommand,
}

#[derive(Debug, Subcommand)]
pub enum BankCommand {
    /// Validate every question file; exits non-zero on any problem.
    Check {
        /// The bank folder.
        #[arg(default_value = "questions")]
        dir: std::path::PathBuf,
    },
}

/// Runs `prepbot bank`.
pub async fn run(args: BankArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        BankCommand::Check { dir } => match crate::bank::load_dir(&dir) {
            Ok(bank) => {
                println!("ok: {} questions", bank.len());
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => {
                eprintln!("{e}");
                Ok(ExitCode::FAILURE)
            }
        },
    }
}
