//! The `prepbot` binary: a thin clap front over the library.

use clap::{Parser, Subcommand};
use prepbot::cli;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "prepbot",
    version,
    about = "Daily interview-prep questions for Discord, Slack and your terminal"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check, browse and import question banks.
    Bank(cli::bank::BankArgs),
    /// Grade one answer to one question.
    Grade(cli::grade::GradeArgs),
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Bank(args) => cli::bank::run(args).await,
        Command::Grade(args) => cli::grade::run(args).await,
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
