//! Grading `sql` questions by running the person's query against the
//! question's fixture in a PostgreSQL sandbox and comparing its result with
//! the reference solution's.
//!
//! Entry points:
//! - [`SqlGrader::connect`]`(database_url)`: builds the grader the engine
//!   passes to [`super::Grading::new`]; it creates the sandbox database and
//!   roles next to the bot's database on first use (see [`sandbox`]).
//! - [`sql_runner`]`(database_url)`: the same sandbox as a
//!   [`crate::bank::SolutionRunner`], for `bank check`.
//!
//! Outcomes of a submitted query:
//! - refused by the guard, or failed in PostgreSQL (syntax error, unknown
//!   column, division by zero): [`GradeError::Retry`] with the message. It
//!   is the person's slip to fix and send again, not an answer;
//! - stopped by a resource limit (time, rows, bytes, temporary disk,
//!   memory): graded `incorrect` with a clear reason;
//! - ran: compared with the reference solution's result.
//!
//! Only a sandbox failure (database down), or a question whose own schema,
//! fixture or solution does not work, is a [`GradeError::Unavailable`].

mod compare;
mod cursor;
mod error;
pub mod fixture;
pub mod fixture_order;
mod guard;
mod lexer;
pub mod sandbox;
mod setup;

pub use compare::{differences, Cell, ResultSet};
pub use fixture::{Fixture, FixtureError};
pub use guard::{check as check_query, Refusal, MAX_QUERY_CHARS};
pub use sandbox::{RunError, Sandbox, SandboxError};

use super::*;
use crate::bank::{SolutionRunner, SqlTask};
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

/// Grades SQL answers in the sandbox. Reference results are cached per
/// question content.
pub struct SqlGrader {
    sandbox: Sandbox,
    expected: Mutex<HashMap<u64, Arc<ResultSet>>>,
}

/// Builds the sandbox runner that `bank check` uses for reference solutions.
pub async fn sql_runner(database_url: &str) -> Result<Box<dyn SolutionRunner>, SandboxError> {
    Ok(Box::new(SqlGrader::connect(database_url).await?))
}

fn task_key(task: &SqlTask) -> u64 {
    let mut h = DefaultHasher::new();
    (&task.schema, &task.fixture, &task.solution).hash(&mut h);
    h.finish()
}

fn verdict(
    verdict: Verdict,
    score: f32,
    covered: Vec<String>,
    missed: Vec<String>,
    detail: Vec<String>,
) -> Grade {
    Grade {
        verdict,
        score,
        covered,
        missed,
        detail,
        misconceptions: vec![],
    }
}

const MATCH: &str = "The result matches the reference solution's result";

impl SqlGrader {
    /// Sets up (or reuses) the sandbox next to the database at `database_url`.
    pub async fn connect(database_url: &str) -> Result<Self, SandboxError> {
        Ok(Self::new(Sandbox::connect(database_url).await?))
    }

    /// Like [`SqlGrader::connect`], from parsed connection options.
    pub async fn connect_with(
        options: sqlx::postgres::PgConnectOptions,
    ) -> Result<Self, SandboxError> {
        Ok(Self::new(Sandbox::connect_with(options).await?))
    }

    pub fn new(sandbox: Sandbox) -> Self {
        Self {
            sandbox,
            expected: Mutex::new(HashMap::new()),
        }
    }

    /// Drops the sandbox database and roles.
    pub async fn destroy(&self) -> Result<(), SandboxError> {
        self.sandbox.destroy().await
    }

    /// The sandbox underneath.
    pub fn sandbox(&self) -> &Sandbox {
        &self.sandbox
    }

    fn cached(&self, key: u64) -> Option<Arc<ResultSet>> {
        self.expected.lock().ok()?.get(&key).cloned()
    }

    /// Runs `query` (after the reference solution, unless its result is
    /// cached) and returns the expected result and the query's outcome.
    async fn run(
        &self,
        task: &SqlTask,
        query: &str,
    ) -> Result<(Arc<ResultSet>, Result<ResultSet, RunError>), GradeError> {
        let fixture = Fixture::parse(&task.schema, &task.fixture).map_err(|e| {
            GradeError::Unavailable(format!("the question's set-up is refused: {e}"))
        })?;
        let key = task_key(task);
        let cached = self.cached(key);
        let queries: Vec<&str> = match cached {
            Some(_) => vec![query],
            None => vec![task.solution.as_str(), query],
        };
        let mut outcomes = self
            .sandbox
            .run(&fixture, &queries)
            .await
            .map_err(|e| GradeError::Unavailable(e.to_string()))?
            .into_iter();
        let expected = match cached {
            Some(e) => e,
            None => {
                let e = outcomes
                    .next()
                    .ok_or_else(|| GradeError::Unavailable("no result".into()))?
                    .map_err(|e| {
                        GradeError::Unavailable(format!("the reference solution failed: {e}"))
                    })?;
                let e = Arc::new(e);
                if let Ok(mut map) = self.expected.lock() {
                    map.insert(key, e.clone());
                }
                e
            }
        };
        let got = outcomes.next().unwrap_or(Err(RunError::Timeout));
        Ok((expected, got))
    }
}

/// Turns a query's result into a grade, or into a slip to fix.
fn judge(
    expected: &ResultSet,
    got: Result<ResultSet, RunError>,
    order_matters: bool,
) -> Result<Grade, GradeError> {
    let got = match got {
        Ok(g) => g,
        Err(e) if e.is_limit() => {
            let why =
                format!("{e}. Graded incorrect: a query that does less work fits the limits.");
            return Ok(verdict(
                Verdict::Incorrect,
                0.0,
                vec![],
                vec![MATCH.into()],
                vec![why],
            ));
        }
        Err(e) => return Err(GradeError::Retry(e.to_string())),
    };
    Ok(compare(expected, &got, order_matters))
}

fn compare(expected: &ResultSet, got: &ResultSet, order_matters: bool) -> Grade {
    let diff = differences(expected, got, order_matters);
    if diff.is_empty() {
        let line = format!("{MATCH} ({} row(s))", got.rows.len());
        return verdict(Verdict::Correct, 1.0, vec![line], vec![], vec![]);
    }
    let only_order = order_matters && differences(expected, got, false).is_empty();
    if only_order {
        let covered = vec!["The result has the right rows".to_owned()];
        return verdict(
            Verdict::Partial,
            0.5,
            covered,
            vec!["The rows must be in the requested order".into()],
            diff,
        );
    }
    verdict(Verdict::Incorrect, 0.0, vec![], vec![MATCH.into()], diff)
}

#[async_trait]
impl Grader for SqlGrader {
    async fn grade(
        &self,
        question: &Question,
        submission: &Submission,
    ) -> Result<Grade, GradeError> {
        let QuestionKind::Sql(task) = &question.kind else {
            return Err(GradeError::Unusable("not a SQL question".into()));
        };
        let Submission::Text(text) = submission else {
            return Err(GradeError::Unusable(
                "this question takes a SQL query".into(),
            ));
        };
        let query = guard::check(text).map_err(|r| GradeError::Retry(r.to_string()))?;
        let (expected, got) = self.run(task, query).await?;
        judge(&expected, got, task.order_matters)
    }
}

#[async_trait]
impl SolutionRunner for SqlGrader {
    async fn run_solution(&self, task: &SqlTask) -> Result<usize, String> {
        let fixture = Fixture::parse(&task.schema, &task.fixture).map_err(|e| e.to_string())?;
        let query = guard::check(&task.solution).map_err(|e| e.to_string())?;
        let outcomes = self
            .sandbox
            .run(&fixture, &[query])
            .await
            .map_err(|e| e.to_string())?;
        match outcomes.into_iter().next() {
            Some(Ok(rs)) => Ok(rs.rows.len()),
            Some(Err(e)) => Err(e.to_string()),
            None => Err("no result".into()),
        }
    }

    async fn tie_order_differences(&self, task: &SqlTask) -> Result<Vec<String>, String> {
        let query = guard::check(&task.solution).map_err(|e| e.to_string())?;
        let mut fixtures = vec![task.fixture.clone()];
        for how in fixture_order::Reorder::ALL {
            fixtures.push(fixture_order::reordered(&task.fixture, how)?);
        }
        let mut results = Vec::with_capacity(fixtures.len());
        for rows in &fixtures {
            let fixture = Fixture::parse(&task.schema, rows).map_err(|e| e.to_string())?;
            let outcome = self.sandbox.run(&fixture, &[query]).await;
            match outcome.map_err(|e| e.to_string())?.into_iter().next() {
                Some(Ok(rs)) => results.push(rs),
                Some(Err(e)) => return Err(e.to_string()),
                None => return Err("no result".into()),
            }
        }
        Ok(results[1..]
            .iter()
            .map(|other| differences(&results[0], other, task.order_matters))
            .find(|d| !d.is_empty())
            .unwrap_or_default())
    }
}
