//! `bank check`: everything the loader finds, plus running every `sql`
//! question's reference solution on its fixture through a [`SolutionRunner`],
//! and grading each open question's model answer against its own
//! misconceptions and subjects (see [`crate::grading::lint`]). It reports
//! the balances of the choices and fails on answers that name options by
//! letter (see [`super::balance`]).

use super::balance::{letter_reference_problems, Balance};
use super::load::{BankIssue, Located, ScanError};
use super::summary::Summary;
use super::{limits, BankSource, QuestionKind, SolutionRunner};
use crate::grading::sql::fixture_order::rows_per_table;
use std::fmt;
use std::path::Path;

/// Whether `bank check` requires `misconceptions` on every `open` question.
/// Off while the bank is being filled; switch it on once every open question
/// has them (see [`require_misconceptions`]).
pub const REQUIRE_MISCONCEPTIONS: bool = true;

/// Whether `bank check` requires a `summary` and a `hint` on every question
/// of any bank. Off: a custom or imported bank may go without (an imported
/// trivia answer is its own summary). The shipped bank must have both on
/// every question, which `tests/shipped_bank.rs` checks.
pub const REQUIRE_SUMMARY_AND_HINT: bool = false;

/// Whether the `sql` solutions were run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlCheck {
    /// Skipped on request (`--no-sql`).
    Skipped,
    /// This many solutions were run.
    Ran(usize),
}

/// The outcome of checking a bank folder.
#[derive(Debug)]
pub struct CheckReport {
    /// Every problem, sorted by file and line.
    pub issues: Vec<BankIssue>,
    /// Counts over the valid questions.
    pub summary: Summary,
    /// True/false share, correct positions, longest options, summaries.
    pub balance: Balance,
    /// The question files read.
    pub files: usize,
    pub sql: SqlCheck,
}

impl CheckReport {
    /// Whether the bank has no problem.
    pub fn is_ok(&self) -> bool {
        self.issues.is_empty()
    }
}

/// Checks a bank folder. With a runner, every valid `sql` question's
/// solution is run; an error or an empty result is a problem.
pub async fn check_dir(
    dir: &Path,
    runner: Option<&dyn SolutionRunner>,
) -> Result<CheckReport, ScanError> {
    check_bank(&BankSource::Dir(dir.to_owned()), runner).await
}

/// [`check_dir`] for any bank source, the built-in one included.
pub async fn check_bank(
    source: &BankSource,
    runner: Option<&dyn SolutionRunner>,
) -> Result<CheckReport, ScanError> {
    let mut scan = source.scan()?;
    let broad = crate::grading::lint::model_answer_problems(&scan.questions);
    scan.issues.extend(broad);
    if REQUIRE_MISCONCEPTIONS {
        let missing = require_misconceptions(&scan.questions);
        scan.issues.extend(missing);
    }
    if REQUIRE_SUMMARY_AND_HINT {
        let missing = require_summary_and_hint(&scan.questions);
        scan.issues.extend(missing);
    }
    let letters = letter_reference_problems(&scan.questions);
    scan.issues.extend(letters);
    let rows = fixture_row_problems(&scan.questions);
    scan.issues.extend(rows);
    let sql = match runner {
        Some(runner) => {
            let (ran, issues) = run_solutions(&scan.questions, runner).await;
            scan.issues.extend(issues);
            SqlCheck::Ran(ran)
        }
        None => SqlCheck::Skipped,
    };
    scan.issues
        .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    Ok(CheckReport {
        summary: Summary::of(&scan.topics, scan.questions.iter().map(|l| &l.question)),
        balance: Balance::of(scan.questions.iter().map(|l| &l.question)),
        issues: scan.issues,
        files: scan.files.len(),
        sql,
    })
}

/// A problem for every `open` question without `misconceptions` (at its
/// `[[question]]` line). `bank check` reports these when
/// [`REQUIRE_MISCONCEPTIONS`] is on.
pub fn require_misconceptions(questions: &[Located]) -> Vec<BankIssue> {
    questions
        .iter()
        // Imported trivia (`short_answer`) is graded by matching its accepted
        // answers, so it has no claims to get wrong.
        .filter(|l| {
            matches!(&l.question.kind, QuestionKind::Open { misconceptions, .. } if misconceptions.is_empty())
                && !crate::grading::short::is_short_answer(&l.question)
        })
        .map(|l| {
            let msg = format!(
                "question `{}`: an open question needs 1..=4 `misconceptions`",
                l.question.id
            );
            BankIssue::new(l.file.clone(), l.line, msg)
        })
        .collect()
}

/// A problem for every question without a `summary` or a `hint` (at its
/// `[[question]]` line). `bank check` reports these when
/// [`REQUIRE_SUMMARY_AND_HINT`] is on.
pub fn require_summary_and_hint(questions: &[Located]) -> Vec<BankIssue> {
    let mut out = Vec::new();
    for l in questions {
        for (field, missing) in [
            ("summary", l.question.summary.is_none()),
            ("hint", l.question.hint.is_none()),
        ] {
            if missing {
                let msg = format!(
                    "question `{}`: every question needs a `{field}`",
                    l.question.id
                );
                out.push(BankIssue::new(l.file.clone(), l.line, msg));
            }
        }
    }
    out
}

/// Fewest rows a fixture table may have: with fewer, the usual wrong
/// readings (ties, NULLs, wrong denominators) cannot give a different result.
pub const MIN_FIXTURE_ROWS: usize = 3;

/// A problem for every `sql` question with a table of fewer than
/// [`MIN_FIXTURE_ROWS`] or more than [`limits::FIXTURE_ROWS`] rows: small
/// enough to read in chat, big enough to tell wrong queries apart.
pub fn fixture_row_problems(questions: &[Located]) -> Vec<BankIssue> {
    let mut out = Vec::new();
    for l in questions {
        let QuestionKind::Sql(task) = &l.question.kind else {
            continue;
        };
        let counts = match rows_per_table(&task.schema, &task.fixture) {
            Ok(c) => c,
            Err(e) => vec![(e, 0)],
        };
        for (table, n) in counts {
            if !(MIN_FIXTURE_ROWS..=limits::FIXTURE_ROWS).contains(&n) {
                let msg = format!(
                    "question `{}`: the fixture gives table `{table}` {n} row(s); use {MIN_FIXTURE_ROWS}..={}",
                    l.question.id,
                    limits::FIXTURE_ROWS
                );
                out.push(BankIssue::new(l.file.clone(), l.line, msg));
            }
        }
    }
    out
}

/// Runs the solution of every `sql` question in `questions`; returns how
/// many ran and a problem for each one that failed or returned no rows.
pub async fn run_solutions(
    questions: &[Located],
    runner: &dyn SolutionRunner,
) -> (usize, Vec<BankIssue>) {
    let mut ran = 0;
    let mut issues = Vec::new();
    for l in questions {
        let QuestionKind::Sql(task) = &l.question.kind else {
            continue;
        };
        ran += 1;
        let problem = match runner.run_solution(task).await {
            Ok(0) => "the reference solution returns no rows on its fixture".to_owned(),
            Ok(_) => match runner.tie_order_differences(task).await {
                Ok(diff) if diff.is_empty() => continue,
                Ok(diff) => format!(
                    "the reference solution's result depends on the order of rows that tie: with the fixture's rows inserted in another order, {}",
                    diff.iter().take(2).cloned().collect::<Vec<_>>().join(" ")
                ),
                Err(e) => format!("the reference solution fails on its reordered fixture: {}", e.trim()),
            },
            Err(e) => format!("the reference solution fails on its fixture: {}", e.trim()),
        };
        let msg = format!("question `{}`: {problem}", l.question.id);
        issues.push(BankIssue::new(l.file.clone(), l.solution_line, msg));
    }
    (ran, issues)
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for issue in &self.issues {
            writeln!(f, "{issue}")?;
        }
        if !self.issues.is_empty() {
            writeln!(f)?;
        }
        writeln!(f, "{} question file(s)", self.files)?;
        write!(f, "{}", self.summary)?;
        write!(f, "{}", self.balance)?;
        match self.sql {
            SqlCheck::Skipped => writeln!(f, "sql solutions: not run (--no-sql)")?,
            SqlCheck::Ran(n) => writeln!(f, "sql solutions: {n} run on PostgreSQL")?,
        }
        match self.issues.len() {
            0 => writeln!(f, "ok: no problems"),
            n => writeln!(f, "{n} problem(s) found"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::{load_str, parse_topics, SqlTask};

    /// Answers by the solution text: `fail` errors, `empty` gives no rows.
    struct FakeRunner;

    #[async_trait::async_trait]
    impl SolutionRunner for FakeRunner {
        async fn run_solution(&self, task: &SqlTask) -> Result<usize, String> {
            if task.solution.contains("fail") {
                Err("ERROR: relation \"fail\" does not exist\n".into())
            } else if task.solution.contains("empty") {
                Ok(0)
            } else {
                Ok(3)
            }
        }
    }

    fn sql_question(id: &str, solution: &str) -> String {
        format!(
            "\n[[question]]\nid = \"{id}\"\ntopic = \"sql\"\ndifficulty = \"easy\"\n\
             format = \"sql\"\nprompt = \"p\"\nanswer = \"a\"\nexplanation = \"e\"\n\
             schema = \"CREATE TABLE t (x int);\"\nfixture = \"INSERT INTO t VALUES (1);\"\n\
             solution = \"{solution}\"\n"
        )
    }

    fn located(text: &str) -> Vec<Located> {
        let topics = parse_topics(
            "t",
            "[[topic]]\nslug = \"sql\"\nname = \"SQL\"\nabout = \"a\"",
        )
        .unwrap();
        load_str("sql.toml", text, &topics).unwrap()
    }

    #[test]
    fn a_question_without_a_summary_or_hint_is_reported_when_they_are_required() {
        let text = sql_question("sql-bare", "SELECT x FROM t")
            + &sql_question("sql-full", "SELECT x FROM t").replace(
                "explanation = \"e\"\n",
                "explanation = \"e\"\nsummary = \"s\"\nhint = \"h\"\n",
            );
        let issues = require_summary_and_hint(&located(&text));
        let messages: Vec<&str> = issues.iter().map(|i| i.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "question `sql-bare`: every question needs a `summary`",
                "question `sql-bare`: every question needs a `hint`"
            ]
        );
    }

    #[test]
    fn a_fixture_table_with_too_few_or_too_many_rows_is_a_problem() {
        let rows = |n: usize| {
            let values: Vec<String> = (0..n).map(|i| format!("({i})")).collect();
            format!("INSERT INTO t VALUES {};", values.join(", "))
        };
        let text = [1, 3, 60, 61]
            .map(|n| {
                sql_question(&format!("sql-rows-{n}"), "SELECT x FROM t")
                    .replace("INSERT INTO t VALUES (1);", &rows(n))
            })
            .concat();
        let issues = fixture_row_problems(&located(&text));
        let messages: Vec<&str> = issues.iter().map(|i| i.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "question `sql-rows-1`: the fixture gives table `t` 1 row(s); use 3..=60",
                "question `sql-rows-61`: the fixture gives table `t` 61 row(s); use 3..=60"
            ]
        );
    }

    #[tokio::test]
    async fn a_sql_solution_that_fails_is_a_problem_at_its_solution_line() {
        let qs = located(&sql_question("sql-bad", "SELECT * FROM fail"));
        let (ran, issues) = run_solutions(&qs, &FakeRunner).await;
        assert_eq!(ran, 1);
        assert_eq!(issues.len(), 1);
        assert_eq!(
            issues[0].to_string(),
            "sql.toml:12: question `sql-bad`: the reference solution fails on its fixture: \
             ERROR: relation \"fail\" does not exist"
        );
    }

    #[tokio::test]
    async fn a_sql_solution_that_returns_no_rows_is_a_problem() {
        let qs = located(&sql_question(
            "sql-empty",
            "SELECT * FROM t WHERE 'empty' = ''",
        ));
        let (_, issues) = run_solutions(&qs, &FakeRunner).await;
        assert_eq!(issues.len(), 1);
        assert!(issues[0]
            .message
            .ends_with("returns no rows on its fixture"));
    }

    #[tokio::test]
    async fn sql_solutions_that_return_rows_pass() {
        let text = [
            sql_question("sql-one", "SELECT x FROM t"),
            sql_question("sql-two", "SELECT 1"),
        ];
        let qs = located(&text.concat());
        let (ran, issues) = run_solutions(&qs, &FakeRunner).await;
        assert_eq!((ran, issues.len()), (2, 0));
    }
}
