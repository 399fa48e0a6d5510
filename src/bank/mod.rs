//! The question bank: validated question types and the loader for `questions/`.
//!
//! Questions are data. A [`Bank`] is built once at start-up from TOML files and
//! shared read-only; per-server custom questions are layered on top by the
//! engine. Every constructor here validates, so a `Question` that exists is a
//! question that can be posted, graded and revealed.

pub mod balance;
mod check;
pub mod import;
mod load;
pub mod render;
mod source;
mod summary;
mod types;

pub use check::{
    check_bank, check_dir, require_misconceptions, require_summary_and_hint, run_solutions,
    CheckReport, SqlCheck, REQUIRE_MISCONCEPTIONS, REQUIRE_SUMMARY_AND_HINT,
};
pub use load::{
    load_dir, load_str, parse_topics, scan_dir, scan_str, BankIssue, LoadError, Located, Scan,
    ScanError,
};
pub use render::ListFilter;
pub use source::BankSource;
pub use summary::Summary;
pub use types::*;

use std::collections::HashMap;
use std::sync::Arc;

/// Runs a `sql` question's reference solution on its fixture, for `bank check`.
/// The grading sandbox implements it; the bank only knows the interface.
#[async_trait::async_trait]
pub trait SolutionRunner: Send + Sync {
    /// Returns how many rows the solution produced, or why it failed.
    async fn run_solution(&self, task: &SqlTask) -> Result<usize, String>;

    /// How the solution's result changes when the fixture's rows are
    /// inserted in another order, reversed or interleaved (empty: it does not), compared in order
    /// when the question's order matters and as a multiset otherwise. A
    /// difference means the expected result hangs on the order of rows that
    /// tie. Runners that cannot tell report none.
    async fn tie_order_differences(&self, _task: &SqlTask) -> Result<Vec<String>, String> {
        Ok(Vec::new())
    }
}

/// The shipped question bank: topics plus questions, indexed by id.
#[derive(Debug, Clone, Default)]
pub struct Bank {
    topics: Vec<TopicInfo>,
    questions: Vec<Arc<Question>>,
    by_id: HashMap<QuestionId, usize>,
}

impl Bank {
    /// Builds a bank, rejecting duplicate ids.
    pub fn new(topics: Vec<TopicInfo>, questions: Vec<Question>) -> Result<Self, BankIssue> {
        let mut by_id = HashMap::with_capacity(questions.len());
        for (i, q) in questions.iter().enumerate() {
            if by_id.insert(q.id.clone(), i).is_some() {
                return Err(BankIssue::new(
                    "",
                    0,
                    format!("duplicate question id `{}`", q.id),
                ));
            }
        }
        let questions = questions.into_iter().map(Arc::new).collect();
        Ok(Self {
            topics,
            questions,
            by_id,
        })
    }

    /// Every question, in load order (file name, then position in the file).
    pub fn questions(&self) -> &[Arc<Question>] {
        &self.questions
    }

    /// The topics, in the order `topics.toml` lists them.
    pub fn topics(&self) -> &[TopicInfo] {
        &self.topics
    }

    /// Looks a question up by id.
    pub fn get(&self, id: &QuestionId) -> Option<&Arc<Question>> {
        self.by_id.get(id).map(|&i| &self.questions[i])
    }

    /// Whether `slug` names a known topic.
    pub fn has_topic(&self, slug: &str) -> bool {
        self.topics.iter().any(|t| t.slug.as_str() == slug)
    }

    /// Number of questions.
    pub fn len(&self) -> usize {
        self.questions.len()
    }

    /// Whether the bank holds no question.
    pub fn is_empty(&self) -> bool {
        self.questions.is_empty()
    }
}
