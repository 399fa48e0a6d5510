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
        let mut grade = Grade::empty();
        for o in options {
            let chosen = picked.contains(&o.id);
            match (chosen, o.correct) {
                (true, true) => grade.covered.push(label(o)),
                (false, true) => grade.missed.push(label(o)),
                (true, false) => grade.detail.push(format!(
                    "{} is wrong: {}",
                    label(o),
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

/// An option as feedback names it: "B. text", or just "False" for a
/// true/false option whose id is its text.
fn label(o: &crate::bank::ChoiceOption) -> String {
    if o.id.eq_ignore_ascii_case(&o.text) {
        o.text.clone()
    } else {
        format!("{}. {}", o.id.to_uppercase(), o.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::{ChoiceOption, Difficulty, QuestionId, Topic};

    fn question(options: Vec<ChoiceOption>, truefalse: bool) -> Question {
        Question {
            id: QuestionId::parse("q-choice").unwrap(),
            topic: Topic::parse("streaming").unwrap(),
            tags: vec![],
            difficulty: Difficulty::Easy,
            prompt: "p".into(),
            answer: "a".into(),
            explanation: "e".into(),
            kind: if truefalse {
                QuestionKind::Truefalse { options }
            } else {
                QuestionKind::Choice { options }
            },
            source: None,
            version_note: None,
            summary: None,
            hint: None,
        }
    }

    fn opt(id: &str, correct: bool, why: Option<&str>) -> ChoiceOption {
        ChoiceOption {
            id: id.into(),
            text: format!("option {id}"),
            correct,
            why: why.map(Into::into),
        }
    }

    fn select_all() -> Question {
        question(
            vec![
                opt("a", true, None),
                opt("b", false, Some("b is a trap")),
                opt("c", true, None),
            ],
            false,
        )
    }

    async fn grade(q: &Question, s: Submission) -> Grade {
        ChoiceGrader.grade(q, &s).await.unwrap()
    }

    #[tokio::test]
    async fn the_exact_correct_set_is_correct_in_any_form() {
        let q = select_all();
        let g = grade(&q, Submission::Choices(vec!["c".into(), "A".into()])).await;
        assert_eq!((g.verdict, g.score), (Verdict::Correct, 1.0));
        assert_eq!(
            grade(&q, Submission::Text("a, c".into())).await.verdict,
            Verdict::Correct
        );
    }

    #[tokio::test]
    async fn a_wrong_pick_shows_why_it_is_wrong() {
        let g = grade(&select_all(), Submission::Text("a b c".into())).await;
        assert_eq!(g.verdict, Verdict::Incorrect);
        assert_eq!(g.detail, vec!["B. option b is wrong: b is a trap"]);
    }

    #[tokio::test]
    async fn a_missing_correct_option_is_listed() {
        let g = grade(&select_all(), Submission::Text("a".into())).await;
        assert_eq!(g.verdict, Verdict::Incorrect);
        assert_eq!(g.missed, vec!["C. option c"]);
    }

    #[tokio::test]
    async fn truefalse_is_graded_exactly() {
        let q = question(
            vec![
                opt("true", false, Some("it is false")),
                opt("false", true, None),
            ],
            true,
        );
        assert_eq!(
            grade(&q, Submission::Text("False".into())).await.verdict,
            Verdict::Correct
        );
        let g = grade(&q, Submission::Text("true".into())).await;
        assert_eq!(g.detail, vec!["TRUE. option true is wrong: it is false"]);
        let mut plain = q.clone();
        if let QuestionKind::Truefalse { options } = &mut plain.kind {
            options[1].text = "False".into();
        }
        let g = grade(&plain, Submission::Text("false".into())).await;
        assert_eq!(
            g.covered,
            vec!["False"],
            "a true/false option is named by its word alone"
        );
    }

    #[tokio::test]
    async fn unknown_or_empty_picks_cannot_be_graded() {
        let q = select_all();
        assert!(ChoiceGrader
            .grade(&q, &Submission::Text("z".into()))
            .await
            .is_err());
        assert!(ChoiceGrader
            .grade(&q, &Submission::Text(" ".into()))
            .await
            .is_err());
    }
}
