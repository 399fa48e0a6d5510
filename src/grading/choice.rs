//! Exact grading for `choice` and `truefalse` questions, and the shuffled
//! order a post shows their options in.

use super::*;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeSet;

/// A question as one post shows it: its options in the order shuffled by
/// the post's stored seed, choice options lettered `a`, `b`, ... in that
/// order. Grading a person's pick against [`Shown::question`] therefore
/// reads their letters, and names options in feedback, exactly as they saw
/// them; [`Shown::stored_ids`] maps the picks back to the bank's option ids.
#[derive(Debug, Clone)]
pub struct Shown {
    /// The question with its options reordered (and, for choice, re-lettered).
    pub question: Question,
    /// The bank's id of each shown option, by shown position.
    stored: Vec<String>,
}

impl Shown {
    /// Shuffles `q`'s options with `seed`; `None` keeps the file order
    /// (posts made before options were shuffled). Other formats are unchanged.
    pub fn new(q: &Question, seed: Option<i64>) -> Self {
        let mut question = q.clone();
        let stored = match &mut question.kind {
            QuestionKind::Choice { options } => {
                let stored = reorder(options, seed);
                for (i, o) in options.iter_mut().enumerate() {
                    o.id = letter(i);
                }
                stored
            }
            // "true" and "false" name themselves: only their order moves.
            QuestionKind::Truefalse { options } => reorder(options, seed),
            _ => Vec::new(),
        };
        Self { question, stored }
    }

    /// The bank's option ids for ids picked from the shown options; an id
    /// that is not shown is kept as given, for grading to refuse.
    pub fn stored_ids(&self, picked: &[String]) -> Vec<String> {
        let shown = self.question.options();
        picked
            .iter()
            .map(|p| {
                shown
                    .iter()
                    .position(|o| o.id.eq_ignore_ascii_case(p))
                    .map_or_else(|| p.clone(), |i| self.stored[i].clone())
            })
            .collect()
    }
}

/// Shuffles `options` in place; returns their original ids in the new order.
fn reorder(options: &mut [crate::bank::ChoiceOption], seed: Option<i64>) -> Vec<String> {
    if let Some(seed) = seed {
        // The seed's bits, not its value, matter: a negative seed is as good.
        options.shuffle(&mut ChaCha8Rng::seed_from_u64(seed as u64));
    }
    options.iter().map(|o| o.id.clone()).collect()
}

/// The letter of the `i`th shown option: `a`, `b`, ...
fn letter(i: usize) -> String {
    char::from(b'a' + u8::try_from(i).unwrap_or(25).min(25)).to_string()
}

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

    fn four() -> Question {
        question(
            ["a", "b", "c", "d"]
                .into_iter()
                .map(|id| opt(id, id == "a", None))
                .collect(),
            false,
        )
    }

    #[test]
    fn the_same_seed_shows_the_same_order_and_letters_follow_it() {
        let q = four();
        let one = Shown::new(&q, Some(7));
        let again = Shown::new(&q, Some(7));
        assert_eq!(one.question, again.question);
        let ids: Vec<&str> = one
            .question
            .options()
            .iter()
            .map(|o| o.id.as_str())
            .collect();
        assert_eq!(
            ids,
            ["a", "b", "c", "d"],
            "shown letters run in shown order"
        );
        let texts = |s: &Shown| -> Vec<String> {
            s.question
                .options()
                .iter()
                .map(|o| o.text.clone())
                .collect()
        };
        let orders: BTreeSet<Vec<String>> =
            (0..20).map(|s| texts(&Shown::new(&q, Some(s)))).collect();
        assert!(orders.len() > 5, "seeds give different orders: {orders:?}");
        assert_eq!(
            texts(&Shown::new(&q, None)),
            ["option a", "option b", "option c", "option d"],
            "no seed keeps the file order"
        );
    }

    #[tokio::test]
    async fn a_typed_letter_is_read_in_the_shown_order_and_maps_back_to_the_bank_id() {
        let q = four();
        let shown = (0..50)
            .map(|s| Shown::new(&q, Some(s)))
            .find(|s| s.question.options()[2].text == "option a")
            .expect("some seed shows the correct option third");
        let g = grade(&shown.question, Submission::Text("c".into())).await;
        assert_eq!(g.verdict, Verdict::Correct);
        assert_eq!(
            g.covered,
            vec!["C. option a"],
            "feedback names the shown letter"
        );
        assert_eq!(shown.stored_ids(&["C".into(), "z".into()]), ["a", "z"]);
        let g = grade(&shown.question, Submission::Text("a".into())).await;
        assert_eq!(g.verdict, Verdict::Incorrect);
    }

    #[test]
    fn truefalse_options_move_but_keep_their_names() {
        let q = question(
            vec![opt("true", false, None), opt("false", true, None)],
            true,
        );
        for seed in 0..10 {
            let s = Shown::new(&q, Some(seed));
            let mut ids: Vec<&str> = s.question.options().iter().map(|o| o.id.as_str()).collect();
            assert_eq!(s.stored_ids(&["FALSE".into()]), ["false"]);
            ids.sort_unstable();
            assert_eq!(ids, ["false", "true"]);
        }
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
