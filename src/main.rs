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
    if let Err(e) = forget_empty_settings() {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let code = runtime.block_on(run(Cli::parse()));
    // Not the default wait: a console stopped by a signal still has its
    // stdin read blocked on a thread that only a newline would free.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    code
}

/// An empty setting means unset: an env file whose `#DISCORD_DEV_GUILD=`
/// was uncommented must not stop the bot with "cannot parse integer from
/// empty string". A secret is the exception (`DATABASE_URL=`, a token):
/// empty, it is most likely a secret store that failed to fill it, and
/// falling back to the local default database, or running without a front
/// end, would hide that. Done before the runtime's threads start, since
/// changing the environment is only safe alone.
fn forget_empty_settings() -> Result<(), String> {
    for s in prepbot::config::SETTINGS {
        if !std::env::var_os(s.name).is_some_and(|v| v.to_string_lossy().trim().is_empty()) {
            continue;
        }
        if s.secret {
            return Err(format!(
                "{} is set but empty: give it its value, or remove the line to leave it unset",
                s.name
            ));
        }
        std::env::remove_var(s.name);
    }
    Ok(())
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
            Ok(check_settings())
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            cli::say(&format!("error: {}", prepbot::telemetry::causes(&e)));
            ExitCode::FAILURE
        }
    }
}

/// The end of `prepbot settings`: whether `prepbot run` would take the
/// environment as it is, so an admin finds a value out of its range, or a
/// shard plan it cannot run, before a deploy does.
fn check_settings() -> ExitCode {
    let args = match Cli::try_parse_from(["prepbot", "run"]) {
        Ok(Cli {
            command: Command::Run(args),
        }) => args,
        Ok(_) => unreachable!("parsed as run"),
        Err(e) => {
            let text = e.to_string();
            let first = text.lines().next().unwrap_or_default();
            println!("\nproblem: {}", first.trim_start_matches("error: "));
            return ExitCode::FAILURE;
        }
    };
    match cli::checks::check(&args) {
        Ok(risks) => {
            println!("\n`prepbot run` takes these settings.");
            for risk in risks {
                println!("warning: {risk}");
            }
            ExitCode::SUCCESS
        }
        Err(problems) => {
            println!();
            for problem in problems.0 {
                println!("problem: {problem}");
            }
            ExitCode::FAILURE
        }
    }
}

async fn migrate(db: DbArgs) -> anyhow::Result<ExitCode> {
    use anyhow::Context;
    prepbot::storage::Store::connect_within(&db.database_url, db.timeout())
        .await
        .context("migrating")?;
    let latest = prepbot::storage::MIGRATOR
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0);
    println!("database is migrated to the latest schema ({latest})");
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
    fn ranged_settings_take_their_defaults_and_edges_and_refuse_outside_naming_the_variable() {
        use clap::Parser;
        let run = |extra: &[&str]| {
            let argv = ["prepbot", "run"].iter().chain(extra).copied();
            Cli::try_parse_from(argv).map(|cli| match cli.command {
                super::Command::Run(args) => {
                    (args.discord.fanout_rate, args.engine.claim_lease_secs)
                }
                _ => unreachable!(),
            })
        };
        assert_eq!(
            run(&[]).unwrap(),
            (47, 120),
            "the defaults pass their own ranges"
        );
        assert_eq!(
            run(&["--fanout-rate", "1000", "--claim-lease-secs", "1"]).unwrap(),
            (1000, 1)
        );
        let err = run(&["--fanout-rate", "1001"]).unwrap_err().to_string();
        assert!(
            err.contains("PREPBOT_FANOUT_RATE must be a whole number from 1 to 1000"),
            "{err}"
        );
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
