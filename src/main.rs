//! The `prepbot` binary: a thin clap front over the library.

use clap::{Parser, Subcommand};
use prepbot::{cli, config::DbArgs};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "prepbot", version)]
// The help names Slack only in a build that has it.
#[cfg_attr(
    feature = "slack",
    command(about = "Daily interview-prep questions for Discord, Slack and your terminal")
)]
#[cfg_attr(
    not(feature = "slack"),
    command(about = "Daily interview-prep questions for Discord and your terminal")
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
    /// Write one server's data (settings, questions, answers, points) as JSON.
    Export(cli::export::ExportArgs),
    /// Load a server written by `prepbot export` into this database.
    Import(cli::export::ImportArgs),
    /// Exit 0 if the local `prepbot run` answers 200 on /healthz (or --path).
    Healthcheck(cli::run::ProbeArgs),
    /// List every setting (environment variable) with its default and doc.
    Settings,
}

fn main() -> ExitCode {
    forget_empty_settings();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build();
    match runtime {
        Ok(runtime) => runtime.block_on(run(Cli::parse())),
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            ExitCode::FAILURE
        }
    }
}

/// An empty setting means unset, for every setting alike: an env file
/// whose `#DISCORD_DEV_GUILD=` was uncommented must not stop the bot with
/// "cannot parse integer from empty string". Done before the runtime's
/// threads start, since changing the environment is only safe alone.
fn forget_empty_settings() {
    for s in prepbot::config::SETTINGS {
        if std::env::var_os(s.name).is_some_and(|v| v.to_string_lossy().trim().is_empty()) {
            std::env::remove_var(s.name);
        }
    }
}

async fn run(cli: Cli) -> ExitCode {
    let quiet = matches!(
        cli.command,
        Command::Console(_)
            | Command::Bank(_)
            | Command::Grade(_)
            | Command::Settings
            | Command::Healthcheck(_)
            | Command::Export(_)
            | Command::Import(_)
    );
    prepbot::telemetry::init(if quiet { "warn" } else { "info" });
    let result = match cli.command {
        Command::Run(args) => cli::run::run(args).await,
        Command::Console(args) => cli::console::run(args).await,
        Command::Migrate(db) => migrate(db).await,
        Command::Bank(args) => cli::bank::run(args).await,
        Command::Grade(args) => cli::grade::run(args).await,
        Command::Export(args) => cli::export::export(args).await,
        Command::Import(args) => cli::export::import(args).await,
        Command::Healthcheck(args) => cli::run::healthcheck(args).await,
        Command::Settings => {
            print!("{}", prepbot::config::describe(|n| std::env::var(n).ok()));
            Ok(ExitCode::SUCCESS)
        }
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

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;
    use prepbot::config::{setting, SETTINGS};

    /// Every argument of every subcommand, with the subcommand's path.
    fn args(cmd: &clap::Command, path: &str, out: &mut Vec<(String, clap::Arg)>) {
        for a in cmd.get_arguments() {
            out.push((path.to_owned(), a.clone()));
        }
        for sub in cmd.get_subcommands() {
            args(sub, &format!("{path} {}", sub.get_name()), out);
        }
    }

    fn all_args() -> Vec<(String, clap::Arg)> {
        let mut out = Vec::new();
        args(&Cli::command(), "prepbot", &mut out);
        out
    }

    #[test]
    fn every_variable_a_flag_reads_is_registered_with_the_same_default() {
        for (path, arg) in all_args() {
            let Some(env) = arg.get_env() else { continue };
            let name = env.to_string_lossy();
            let s = setting(&name).unwrap_or_else(|| {
                panic!(
                    "{path} --{}: {name} is not in config::SETTINGS",
                    arg.get_id()
                )
            });
            let default: Vec<_> = arg
                .get_default_values()
                .iter()
                .map(|v| v.to_string_lossy())
                .collect();
            assert_eq!(
                default.first().map(|d| d.as_ref()),
                s.default,
                "{path}: default of {name}"
            );
            assert_eq!(
                arg.is_hide_env_values_set(),
                s.secret,
                "{path}: {name} secret or not"
            );
        }
    }

    #[test]
    fn every_registered_setting_this_build_has_is_read_by_a_flag() {
        #[allow(unused_mut)]
        let mut read: Vec<String> = all_args()
            .iter()
            .filter_map(|(_, a)| a.get_env().map(|e| e.to_string_lossy().into_owned()))
            .collect();
        // Slack's front end reads its own settings (it is configured whole
        // or not at all, and tests build it from a map).
        #[cfg(feature = "slack")]
        read.extend(
            prepbot::frontends::slack::config::SETTINGS
                .iter()
                .map(|s| s.to_string()),
        );
        // RUST_LOG is read by the log filter, not by a flag.
        for s in SETTINGS
            .iter()
            .filter(|s| s.built() && s.name != "RUST_LOG")
        {
            assert!(
                read.iter().any(|r| r == s.name),
                "{} is registered but nothing reads it",
                s.name
            );
        }
    }
}
