//! Grading: turns a person's submission for a question into a [`Grade`].
//!
//! One interface, [`Grader`], with one implementation per strategy: key points
//! for `open` questions ([`KeyPointGrader`], or [`LlmGrader`] when configured,
//! which falls back to key points), exact matching for `choice`/`truefalse`
//! ([`ChoiceGrader`]), and running the query for `sql` ([`SqlGrader`]).
//! `short_answer` questions (imported trivia) are matched against their
//! accepted answers ([`ShortAnswerGrader`]), whichever `open` grader is set.
//! [`Grading`] dispatches on the question's format.
//!
//! Building one:
//! - [`build_grading`]`(&LlmArgs, Some(database_url))` assembles [`Grading`]
//!   from configuration: the LLM grader only if `llm_url` is set, the SQL
//!   sandbox only if a database URL is given.
//! - [`SqlGrader::connect`]`(database_url)` builds the SQL grader alone;
//!   [`sql_runner`]`(database_url)` gives the sandbox as a
//!   [`crate::bank::SolutionRunner`] for `bank check`.

mod buzz;
pub mod choice;
mod claims;
mod judgement;
mod keypoints;
pub mod lint;
pub mod llm;
mod matcher;
pub mod short;
pub mod sql;
mod subjects;
pub mod text;
mod traps;

pub use choice::ChoiceGrader;
pub use keypoints::{verdict_for, KeyPointGrader};
pub use llm::{LlmConfig, LlmGrader};
pub use short::ShortAnswerGrader;
pub use sql::{sql_runner, SqlGrader};

use crate::bank::{Question, QuestionKind, SolutionRunner, SqlTask};
use crate::config::LlmArgs;
use async_trait::async_trait;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// What a person submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submission {
    /// Free text, or a SQL query.
    Text(String),
    /// Option ids picked with buttons.
    Choices(Vec<String>),
}

impl Submission {
    /// The written text, for graders of free text; option picks are unusable.
    pub fn written(&self) -> Result<&str, GradeError> {
        match self {
            Submission::Text(text) => Ok(text),
            Submission::Choices(_) => Err(GradeError::Unusable(
                "this question takes a written answer".into(),
            )),
        }
    }
}

/// The outcome a fair interviewer would give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Correct,
    Partial,
    Incorrect,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Correct => "correct",
            Verdict::Partial => "partial",
            Verdict::Incorrect => "incorrect",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Verdict {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "correct" => Ok(Verdict::Correct),
            "partial" => Ok(Verdict::Partial),
            "incorrect" | "wrong" => Ok(Verdict::Incorrect),
            _ => Err(format!(
                "unknown verdict `{s}`: use correct, partial or incorrect"
            )),
        }
    }
}

/// A graded submission, with the feedback that teaches.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grade {
    pub verdict: Verdict,
    /// 0.0 ..= 1.0
    pub score: f32,
    /// Key points (or checks) the submission covered.
    pub covered: Vec<String>,
    /// Key points (or checks) it missed.
    pub missed: Vec<String>,
    /// Further feedback lines: why a chosen option is wrong, how a result differed.
    pub detail: Vec<String>,
    /// Misconceptions the answer asserted (also explained in `detail`).
    pub misconceptions: Vec<MisconceptionHit>,
}

/// A misconception an answer asserted: the wrong claim and why it is wrong.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MisconceptionHit {
    pub claim: String,
    pub why: String,
}

impl Grade {
    /// A grade with nothing covered yet: `incorrect`, score 0. Graders fill it in.
    pub fn empty() -> Self {
        Self {
            verdict: Verdict::Incorrect,
            score: 0.0,
            covered: vec![],
            missed: vec![],
            detail: vec![],
            misconceptions: vec![],
        }
    }

    /// Keeps the score inside its verdict's band: a verdict capped to
    /// `partial` (a brief answer, a contradiction, a model's judgement) must
    /// not read "score 1.00", so it shows at most [`PARTIAL_SCORE_MAX`].
    pub fn settle_score(&mut self) {
        if self.verdict == Verdict::Partial {
            self.score = self.score.min(PARTIAL_SCORE_MAX);
        }
    }
}

/// Highest score a `partial` grade shows: half, as partial earns half the points.
pub const PARTIAL_SCORE_MAX: f32 = 0.5;

/// Why a submission could not be graded at all (not: why it is wrong).
#[derive(Debug, thiserror::Error)]
pub enum GradeError {
    /// The submission does not fit the question (e.g. text for a button-only question).
    #[error("{0}")]
    Unusable(String),
    /// The grader's machinery failed (database down, timeout).
    #[error("grader unavailable: {0}")]
    Unavailable(String),
    /// The submission cannot be graded as it stands, through the person's
    /// own slip (a SQL syntax error, a refused statement, prose sent to a
    /// SQL question): they should fix it and send it again. Not an answer.
    #[error("{0}")]
    Retry(String),
}

/// One grading strategy.
#[async_trait]
pub trait Grader: Send + Sync {
    async fn grade(
        &self,
        question: &Question,
        submission: &Submission,
    ) -> Result<Grade, GradeError>;
}

/// Assembles the engine's [`Grading`] from configuration: the LLM grader for
/// `open` answers when `llm.llm_url` is set (key points otherwise), and the
/// SQL sandbox when `database_url` is given.
pub async fn build_grading(
    llm: &LlmArgs,
    database_url: Option<&str>,
) -> Result<Grading, sql::SandboxError> {
    let open: Box<dyn Grader> = match &llm.llm_url {
        Some(url) => Box::new(LlmGrader::new(LlmConfig {
            base_url: url.clone(),
            model: llm.llm_model.clone(),
            api_key: llm.llm_key.clone(),
            timeout: std::time::Duration::from_secs(llm.llm_timeout_secs.max(1)),
        })),
        None => Box::new(KeyPointGrader::default()),
    };
    let sql: Option<Arc<dyn SqlBackend>> = match database_url {
        Some(url) => Some(Arc::new(SqlGrader::connect(url).await?)),
        None => None,
    };
    Ok(Grading::new(open, sql))
}

/// What grades `sql` answers: it grades, and runs a reference solution to
/// check a question before it is accepted.
pub trait SqlBackend: Grader + SolutionRunner {}

impl<T: Grader + SolutionRunner> SqlBackend for T {}

/// The grader the engine uses: dispatches on the question's format.
pub struct Grading {
    open: Box<dyn Grader>,
    choice: ChoiceGrader,
    sql: Option<Arc<dyn SqlBackend>>,
}

impl Default for Grading {
    fn default() -> Self {
        Self::new(Box::new(KeyPointGrader::default()), None)
    }
}

impl Grading {
    /// `open` grades free text; `sql` runs queries (None: SQL answers cannot be graded).
    pub fn new(open: Box<dyn Grader>, sql: Option<Arc<dyn SqlBackend>>) -> Self {
        Self {
            open,
            choice: ChoiceGrader,
            sql,
        }
    }

    /// Whether grading this question may take longer than a chat platform's
    /// acknowledgement window (front ends defer such interactions).
    pub fn is_slow(&self, question: &Question) -> bool {
        matches!(question.kind, QuestionKind::Sql(_))
    }

    /// Checks a `sql` question's set-up and runs its reference solution:
    /// the number of rows, or why it cannot be used.
    pub async fn run_solution(&self, task: &SqlTask) -> Result<usize, String> {
        match &self.sql {
            Some(sql) => sql.run_solution(task).await,
            None => {
                Err("the SQL sandbox is not configured, so SQL questions cannot be checked".into())
            }
        }
    }
}

#[async_trait]
impl Grader for Grading {
    async fn grade(
        &self,
        question: &Question,
        submission: &Submission,
    ) -> Result<Grade, GradeError> {
        let mut grade = match &question.kind {
            QuestionKind::Open { .. } if short::is_short_answer(question) => {
                ShortAnswerGrader.grade(question, submission).await
            }
            QuestionKind::Open { .. } => self.open.grade(question, submission).await,
            QuestionKind::Choice { .. } | QuestionKind::Truefalse { .. } => {
                self.choice.grade(question, submission).await
            }
            QuestionKind::Sql(_) => match &self.sql {
                Some(g) => g.grade(question, submission).await,
                None => Err(GradeError::Unavailable(
                    "the SQL sandbox is not configured".into(),
                )),
            },
        }?;
        grade.settle_score();
        Ok(grade)
    }
}
