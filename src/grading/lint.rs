//! Checks of a question's grading data against its own model answer, for
//! `bank check`: the model answer is right by definition, so a misconception
//! it asserts, or a key point it reads as swapped, means a phrase or a
//! subject name is too broad and would also fire on correct answers.

use super::KeyPointGrader;
use crate::bank::{BankIssue, Located, QuestionKind};

/// A problem for every open question whose model answer asserts one of its
/// misconceptions or reads as a swapped comparison.
pub fn model_answer_problems(questions: &[Located]) -> Vec<BankIssue> {
    let grader = KeyPointGrader::default();
    let mut issues = Vec::new();
    for l in questions {
        let q = &l.question;
        let QuestionKind::Open {
            misconceptions,
            subjects,
            ..
        } = &q.kind
        else {
            continue;
        };
        if misconceptions.is_empty() && subjects.is_empty() {
            continue;
        }
        let Ok(grade) = grader.assess(q, &q.answer) else {
            continue;
        };
        for m in &grade.misconceptions {
            let msg = format!(
                "question `{}`: its model answer asserts the misconception \"{}\"; \
                 a phrase of it is too broad",
                q.id, m.claim
            );
            issues.push(BankIssue::new(l.file.clone(), l.line, msg));
        }
        for d in grade
            .detail
            .iter()
            .filter(|d| d.starts_with("The wrong way round"))
        {
            let msg = format!(
                "question `{}`: its model answer reads as swapped ({d}); check `subjects` and `about`",
                q.id
            );
            issues.push(BankIssue::new(l.file.clone(), l.line, msg));
        }
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::{load_str, parse_topics};

    #[test]
    fn a_misconception_phrase_that_fires_on_the_model_answer_is_a_problem() {
        let text = "[[question]]\nid = \"msg-q\"\ntopic = \"messaging\"\ndifficulty = \"easy\"\n\
            format = \"open\"\nprompt = \"Queue or pub/sub?\"\n\
            answer = \"An SQS FIFO queue keeps order within a message group.\"\n\
            explanation = \"e\"\n[[question.key_points]]\npoint = \"one consumer\"\n\
            phrases = [\"one consumer\"]\n[[question.key_points]]\npoint = \"copies\"\n\
            phrases = [\"every subscriber\"]\n[[question.misconceptions]]\n\
            claim = \"Queues are FIFO\"\nwhy = \"Best effort.\"\nphrases = [\"queue is fifo\"]\n";
        let topics = parse_topics(
            "t",
            "[[topic]]\nslug = \"messaging\"\nname = \"M\"\nabout = \"a\"",
        )
        .unwrap();
        let qs = load_str("m.toml", text, &topics).unwrap();
        let issues = model_answer_problems(&qs);
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert!(issues[0]
            .message
            .contains("asserts the misconception \"Queues are FIFO\""));
    }
}
