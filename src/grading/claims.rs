//! Misconceptions: common wrong claims a question lists, each with phrases
//! matched like key-point phrases (stemmed, within one clause,
//! negation-aware). An answer asserts one when a phrase matches with the
//! claim's own polarity, outside text copied from the prompt, and not in a
//! sentence that reports it as wrong ("a common myth is that queues are
//! synchronous") or as a hypothetical ("if the queue were synchronous").

use super::matcher::{Index, Phrase};
use super::subjects::Binding;
use super::text::Analyzer;
use crate::bank::Misconception;

/// Stems that mark a sentence as refuting a claim rather than making it.
const REFUTING: &[&str] = &[
    "misconcept",
    "myth",
    "mistak",
    "mistaken",
    "wrong",
    "wrongli",
    "mislead",
    "incorrect",
    "fals",
    "untru",
    "fallaci",
    "contrari",
    "misunderstand",
    "peopl",
    "belief",
    "assumpt",
    "confus",
];
/// Stems that make the rest of a clause hypothetical.
const HYPOTHETICAL: &[&str] = &["if", "unless", "suppos", "whether"];

/// The feedback line for an asserted misconception: the claim, then why it is wrong.
pub fn note(m: &Misconception) -> String {
    let claim = m.claim.trim();
    let stop = if claim.ends_with(['.', '!', '?']) {
        ""
    } else {
        "."
    };
    format!("You said: {claim}{stop} Not so: {}", m.why.trim())
}

/// A question's misconceptions, analysed once.
#[derive(Debug, Default)]
pub struct Claims {
    phrases: Vec<Vec<Phrase>>,
}

impl Claims {
    pub fn new(analyzer: &Analyzer, list: &[Misconception], prompt: &Index) -> Self {
        let phrases = list
            .iter()
            .map(|m| {
                let claim = analyzer.analyze(&m.claim);
                m.phrases
                    .iter()
                    .map(|ph| Phrase::new(&analyzer.analyze(ph), &claim, prompt))
                    .collect()
            })
            .collect();
        Self { phrases }
    }

    /// The indexes of the misconceptions the answer asserts.
    pub fn asserted(&self, index: &Index, copied: &[bool], binding: &Binding) -> Vec<usize> {
        let tokens = index.tokens;
        let refuted = |sentence: u32| {
            tokens
                .iter()
                .filter(|t| t.sentence == sentence)
                .any(|t| REFUTING.contains(&t.stem.as_str()))
        };
        let hypothetical = |lo: usize| {
            tokens[..lo]
                .iter()
                .rev()
                .take_while(|t| t.clause == tokens[lo].clause)
                .any(|t| HYPOTHETICAL.contains(&t.stem.as_str()))
        };
        (0..self.phrases.len())
            .filter(|&i| {
                self.phrases[i].iter().any(|p| {
                    p.find(index).iter().any(|h| {
                        h.negated == p.expect_negated
                            && !(h.lo..=h.hi).all(|k| copied[k])
                            && binding.same_part(h.lo, h.hi)
                            && !refuted(tokens[h.lo].sentence)
                            && !hypothetical(h.lo)
                    })
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grading::subjects::Subjects;
    use crate::grading::text::Analysis;

    fn asserts(answer: &str) -> bool {
        let a = Analyzer::default();
        let m = Misconception {
            claim: "A queue is synchronous: the producer waits for the consumer".into(),
            why: "w".into(),
            phrases: vec![
                "queue is synchronous".into(),
                "producer waits for the consumer".into(),
            ],
        };
        let none = Analysis::default();
        let claims = Claims::new(&a, &[m], &Index::new(&none));
        let text = a.analyze(answer);
        let copied = vec![false; text.tokens.len()];
        let binding = Subjects::new(&a, &[]).bind(&text);
        !claims
            .asserted(&Index::new(&text), &copied, &binding)
            .is_empty()
    }

    #[test]
    fn a_confident_statement_asserts_the_claim() {
        assert!(asserts("A queue is synchronous, so the sender blocks."));
        assert!(asserts(
            "With queues the producer waits until the consumer is done."
        ));
    }

    #[test]
    fn a_denial_a_refutation_or_a_hypothetical_does_not() {
        assert!(!asserts(
            "A queue is not synchronous: the producer carries on."
        ));
        assert!(!asserts("It is a myth that a queue is synchronous."));
        assert!(!asserts("If the queue is synchronous the producer blocks."));
        assert!(!asserts(
            "People often think a queue is synchronous, but it is not."
        ));
    }
}
