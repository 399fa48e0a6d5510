//! The `prepbot` binary: a thin clap front over the library.

use clap::{Parser, Subcommand};
use prepbot::{cli, config::DbArgs};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "prepbot",
    version,
    about = "Daily interview-prep questions for Discord and your terminal"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the bot: every front end whose token is set, plus the scheduler.
    Run(cli::run::RunArgs),
    /// Try prepbot in a terminal: a channel where you can play several people.
    Console(cli::console::ConsoleArgs),
    /// Create the database if missing and apply migrations.
    Migrate(DbArgs),
    /// Check, browse and import question banks.
    Bank(cli::bank::BankArgs),
    /// Grade one answer to one question.
    Grade(cli::grade::GradeArgs),
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let quiet = matches!(
        cli.command,
        Command::Console(_) | Command::Bank(_) | Command::Grade(_)
    );
    prepbot::telemetry::init(if quiet { "warn" } else { "info" });
    let result = match cli.command {
        Command::Run(args) => cli::run::run(args).await,
        Command::Console(args) => cli::console::run(args).await,
        Command::Migrate(db) => migrate(db).await,
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

async fn migrate(db: DbArgs) -> anyhow::Result<ExitCode> {
    use anyhow::Context;
    prepbot::storage::Store::connect_within(&db.database_url, db.timeout())
        .await
        .context("migrating")?;
    println!("database is up to date");
    Ok(ExitCode::SUCCESS)
}
