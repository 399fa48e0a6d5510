//! `prepbot grade`: grade one answer to one question from the command line.
//!
//! ```text
//! prepbot grade --question ID (--answer TEXT | --answer-file FILE) [--json]
//! ```
//! Free text is graded by key points (or by the LLM grader when
//! `--llm-url`/`PREPBOT_LLM_URL` is set); `choice`/`truefalse` answers are
//! option ids ("b", "a,c", "true"); `sql` answers run in the sandbox next to
//! `--database-url`. `--json` prints one object with a stable shape:
//! `{"verdict", "score", "covered", "missed", "detail"}`.

use crate::bank::{Format, QuestionId};
use crate::config::EngineArgs;
use crate::grading::{build_grading, Grade, Grader, Submission};
use anyhow::{bail, Context};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `prepbot grade`.
#[derive(Debug, Args)]
pub struct GradeArgs {
    /// The question id.
    #[arg(long)]
    pub question: String,
    /// The answer text.
    #[arg(
        long,
        required_unless_present = "answer_file",
        conflicts_with = "answer_file"
    )]
    pub answer: Option<String>,
    /// Read the answer from a file (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    pub answer_file: Option<PathBuf>,
    /// Print the grade as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub engine: EngineArgs,
}

fn read_answer(args: &GradeArgs) -> anyhow::Result<String> {
    match (&args.answer, &args.answer_file) {
        (Some(a), _) => Ok(a.clone()),
        (None, Some(p)) if p.as_os_str() == "-" => std::io::read_to_string(std::io::stdin())
            .context("reading the answer from standard input"),
        (None, Some(p)) => {
            std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))
        }
        (None, None) => bail!("give --answer or --answer-file"),
    }
}

/// The stable JSON shape of a grade, keys in this order.
#[derive(serde::Serialize)]
struct GradeJson<'a> {
    verdict: crate::grading::Verdict,
    score: f64,
    covered: &'a [String],
    missed: &'a [String],
    detail: &'a [String],
    misconceptions: &'a [crate::grading::MisconceptionHit],
}

/// `{"verdict":..., "score":..., "covered":[...], "missed":[...], "detail":[...],
/// "misconceptions":[{"claim":..., "why":...}]}`
pub fn to_json(grade: &Grade) -> String {
    let shape = GradeJson {
        verdict: grade.verdict,
        score: (f64::from(grade.score) * 1000.0).round() / 1000.0,
        covered: &grade.covered,
        missed: &grade.missed,
        detail: &grade.detail,
        misconceptions: &grade.misconceptions,
    };
    serde_json::to_string(&shape).unwrap_or_default()
}

/// Human-readable lines for a grade.
pub fn render(grade: &Grade) -> String {
    let mut out = format!("{} (score {:.2})\n", grade.verdict, grade.score);
    if !grade.covered.is_empty() {
        out += "covered:\n";
        for c in &grade.covered {
            out += &format!("  + {c}\n");
        }
    }
    if !grade.missed.is_empty() {
        out += "missed:\n";
        for m in &grade.missed {
            out += &format!("  - {m}\n");
        }
    }
    for d in &grade.detail {
        out += &format!("{d}\n");
    }
    out
}

/// Runs `prepbot grade`.
pub async fn run(args: GradeArgs) -> anyhow::Result<ExitCode> {
    let bank = crate::app::load_bank(&args.engine.bank)?;
    let id = QuestionId::parse(&args.question).map_err(anyhow::Error::msg)?;
    let question = bank
        .get(&id)
        .with_context(|| format!("no question `{id}` in {}", args.engine.bank.source()))?;
    let answer = read_answer(&args)?;
    let database_url =
        (question.format() == Format::Sql).then_some(args.engine.db.database_url.as_str());
    let grading = build_grading(&args.engine.llm, database_url)
        .await
        .context("setting up the grader")?;
    let grade = match grading.grade(question, &Submission::Text(answer)).await {
        Ok(g) => g,
        Err(crate::grading::GradeError::Retry(msg)) => {
            bail!("not graded: {msg}; fix the answer and run again")
        }
        Err(e) => return Err(e.into()),
    };
    if args.json {
        println!("{}", to_json(&grade));
    } else {
        print!("{}", render(&grade));
    }
    Ok(ExitCode::SUCCESS)
}
