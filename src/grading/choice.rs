//! Exact grading for `choice` and `truefalse` questions.

use super::*;
use std::collections::BTreeSet;

/// Grades a set of picked option ids against the correct set.
pub struct ChoiceGrader;

/// Reads option ids out of free text: "b", "a, c", "True".
pub fn options_from_text(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_ascii_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

#[async_trait]
impl Grader for ChoiceGrader {
    async fn grade(
        &self,
        question: &Question,
        submission: &Submission,
    ) -> Result<Grade, GradeError> {
        let options = question.options();
        let given: Vec<String> = match submission {
            Submission::Choices(ids) => ids.iter().map(|s| s.to_ascii_lowercase()).collect(),
            Submission::Text(t) => options_from_text(t),
        };
        let ids: Vec<&str> = options.iter().map(|o| o.id.as_str()).collect();
        let unknown: Vec<&String> = given
            .iter()
            .filter(|p| !ids.contains(&p.as_str()))
            .collect();
        if unknown.len() > 2 {
            // Prose sent to a choice question: explain the format, not each word.
            return Err(GradeError::Unusable(format!(
                "This question is answered by picking options ({}), like /answer {}",
                ids.join(", "),
                ids[0]
            )));
        }
        if let Some(bad) = unknown.first() {
            return Err(GradeError::Unusable(format!(
                "`{bad}` is not an option here; pick from {}",
                ids.join(", ")
            )));
        }
        let picked: BTreeSet<String> = given.into_iter().collect();
        if picked.is_empty() {
            return Err(GradeError::Unusable("pick at least one option".into()));
        }
        let mut grade = Grade {
            verdict: Verdict::Incorrect,
            score: 0.0,
            covered: vec![],
            missed: vec![],
            detail: vec![],
        };
        for o in options {
            let chosen = picked.contains(&o.id);
            match (chosen, o.correct) {
                (true, true) => grade.covered.push(format!("{}) {}", o.id, o.text)),
                (false, true) => grade.missed.push(format!("{}) {}", o.id, o.text)),
                (true, false) => grade.detail.push(format!(
                    "{}) is wrong: {}",
                    o.id,
                    o.why.as_deref().unwrap_or("not a correct option")
                )),
                (false, false) => {}
            }
        }
        if grade.missed.is_empty() && grade.detail.is_empty() {
            grade.verdict = Verdict::Correct;
            grade.score = 1.0;
        }
        Ok(grade)
    }
}
