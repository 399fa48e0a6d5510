//! `prepbot bank ...`: check, list, show and import question files.
//!
//! Exit codes: 0 when all is well, 1 when `check` finds problems, 2 for usage
//! and I/O errors (an unreadable folder, an unknown id, a bad import file).

use crate::bank::import::{import_file, ImportFormat, ImportOptions};
use crate::bank::{
    check_bank, render, BankSource, Difficulty, Format, ListFilter, Scan, SolutionRunner, Topic,
};
use crate::config::{BankDirArgs, DbArgs};
use anyhow::{bail, Context};
use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `prepbot bank`.
#[derive(Debug, Args)]
pub struct BankArgs {
    #[command(subcommand)]
    pub command: BankCommand,
}

#[derive(Debug, Subcommand)]
pub enum BankCommand {
    /// Validate every question file and run every sql solution; exits 1 on any problem.
    Check {
        /// A bank folder (topics.toml and the question files); default: the
        /// bank built into prepbot.
        #[arg(env = "PREPBOT_QUESTIONS")]
        dir: Option<PathBuf>,
        /// Do not run the sql questions' reference solutions on PostgreSQL.
        #[arg(long)]
        no_sql: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// One line per question: id, topic, difficulty, format and prompt.
    List {
        #[command(flatten)]
        bank: BankDirArgs,
        /// Only this topic.
        #[arg(long)]
        topic: Option<Topic>,
        /// Only this difficulty (easy, medium, hard).
        #[arg(long)]
        difficulty: Option<Difficulty>,
        /// Only this format (open, choice, truefalse, sql).
        #[arg(long)]
        format: Option<Format>,
    },
    /// Show one question in full, with its key points or options and model answer.
    Show {
        /// The question id.
        id: String,
        #[command(flatten)]
        bank: BankDirArgs,
    },
    /// Convert a Red trivia list or an Open Trivia DB response into a bank file.
    Import {
        /// The input format.
        #[arg(long, value_enum)]
        format: InputFormat,
        /// The file to convert.
        file: PathBuf,
        /// The bank folder to write `<format>-<file name>.toml` into (it must hold topics.toml).
        #[arg(long)]
        out: PathBuf,
        /// Topic of the imported questions.
        #[arg(long, env = "PREPBOT_IMPORT_TOPIC")]
        topic: Topic,
        /// Difficulty of Red questions (default: CONFIG `difficulty`, else medium).
        #[arg(long)]
        difficulty: Option<Difficulty>,
        /// Replace the output file if it exists.
        #[arg(long)]
        force: bool,
    },
}

/// Input formats of `bank import`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum InputFormat {
    /// Red-DiscordBot trivia list (YAML).
    Red,
    /// Open Trivia DB API response (JSON).
    Opentdb,
}

/// Runs `prepbot bank`.
pub async fn run(args: BankArgs) -> anyhow::Result<ExitCode> {
    match dispatch(args.command).await {
        Ok(code) => Ok(code),
        Err(e) => {
            eprintln!("error: {}", crate::telemetry::causes(&e));
            Ok(ExitCode::from(2))
        }
    }
}

async fn dispatch(command: BankCommand) -> anyhow::Result<ExitCode> {
    match command {
        BankCommand::Check { dir, no_sql, db } => check(&BankSource::new(dir), no_sql, &db).await,
        BankCommand::List {
            bank,
            topic,
            difficulty,
            format,
        } => list(
            &bank.source(),
            ListFilter {
                topic,
                difficulty,
                format,
            },
        ),
        BankCommand::Show { id, bank } => show(&bank.source(), &id),
        BankCommand::Import {
            format,
            file,
            out,
            topic,
            difficulty,
            force,
        } => {
            let format = match format {
                InputFormat::Red => ImportFormat::Red,
                InputFormat::Opentdb => ImportFormat::Opentdb,
            };
            let opts = ImportOptions {
                topic,
                difficulty,
                force,
            };
            let report = import_file(format, &file, &out, &opts)?;
            println!("{report}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn check(source: &BankSource, no_sql: bool, db: &DbArgs) -> anyhow::Result<ExitCode> {
    let runner = if no_sql {
        None
    } else {
        let runner = crate::grading::sql_runner(&db.database_url).await.context(
            "setting up the SQL sandbox to run the reference solutions (or pass --no-sql)",
        )?;
        preflight(runner.as_ref()).await?;
        Some(runner)
    };
    let report = check_bank(source, runner.as_deref()).await?;
    print!("{report}");
    Ok(if report.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Runs a trivial task first, so an unreachable database is one clear error
/// rather than a problem reported against every sql question.
async fn preflight(runner: &dyn SolutionRunner) -> anyhow::Result<()> {
    let probe = crate::bank::SqlTask {
        schema: "CREATE TABLE prepbot_probe (x int);".into(),
        fixture: "INSERT INTO prepbot_probe VALUES (1);".into(),
        solution: "SELECT x FROM prepbot_probe".into(),
        order_matters: false,
    };
    match runner.run_solution(&probe).await {
        Ok(1) => Ok(()),
        Ok(n) => bail!("the SQL runner returned {n} rows for a one-row probe"),
        Err(e) => bail!("cannot run sql solutions: {e}\n(set DATABASE_URL, or pass --no-sql to skip the SQL check)"),
    }
}

/// Scans the bank, warning on stderr when some questions have problems.
fn browse(source: &BankSource) -> anyhow::Result<Scan> {
    let scan = source.scan()?;
    if scan.topics.is_empty() && !scan.issues.is_empty() {
        bail!("the topics of {source} are broken; run `prepbot bank check`");
    }
    if !scan.issues.is_empty() {
        eprintln!(
            "warning: {} problem(s) in {source}, questions with problems are left out; run `prepbot bank check`",
            scan.issues.len(),
        );
    }
    Ok(scan)
}

fn list(source: &BankSource, filter: ListFilter) -> anyhow::Result<ExitCode> {
    let scan = browse(source)?;
    if let Some(t) = &filter.topic {
        if !scan.topics.iter().any(|k| k.slug == *t) {
            let known: Vec<&str> = scan.topics.iter().map(|k| k.slug.as_str()).collect();
            bail!("unknown topic `{t}`; topics: {}", known.join(", "));
        }
    }
    let shown: Vec<_> = scan
        .questions
        .iter()
        .map(|l| &l.question)
        .filter(|q| filter.matches(q))
        .collect();
    print!("{}", render::list(shown.iter().copied()));
    eprintln!("{} question(s)", shown.len());
    Ok(ExitCode::SUCCESS)
}

fn show(source: &BankSource, id: &str) -> anyhow::Result<ExitCode> {
    let scan = browse(source)?;
    let found = scan.questions.iter().find(|l| l.question.id.as_str() == id);
    let Some(l) = found else {
        bail!("no question `{id}` in {source}; `prepbot bank list` shows the ids");
    };
    println!("{}:{}", l.file, l.line);
    print!("{}", render::show(&l.question));
    Ok(ExitCode::SUCCESS)
}
