//! Buzzwords: words that sound like an answer without saying anything
//! checkable ("leverage", "best practices", "scalable", "it depends on your
//! stack"). Real answers use one now and then; an answer dense with them is
//! the rubric's *keyword salad* or *vague non-answer*, even when it also
//! names the right tools, so it earns no credit.

use super::text::{Analysis, Analyzer};

/// Phrases counted as buzzwords, matched as stem runs.
const PHRASES: &[&str] = &[
    "leverage",
    "leveraging",
    "best practice",
    "modern",
    "cloud native",
    "scalable",
    "scalability",
    "robust",
    "robustness",
    "governance",
    "observability",
    "paradigm",
    "ecosystem",
    "seamless",
    "seamlessly",
    "synergy",
    "agility",
    "flexibility",
    "flexible",
    "resilient",
    "resilience",
    "self healing",
    "shift left",
    "mindset",
    "culture",
    "industry standard",
    "developer friendly",
    "key consideration",
    "holistic",
    "end to end",
    "cutting edge",
    "state of the art",
    "enterprise grade",
    "data stack",
    "finops",
    "optimization",
    "efficiency",
    "efficient",
    "reliability",
    "reliable",
    "proper",
    "properly",
    "careful design",
    "it depends",
    "depends on your",
    "ai driven",
    "ml based",
    "world class",
    "powerful",
    "performance",
    "architecture pattern",
    "streamline",
    "future proof",
];

/// At least this many buzzwords…
const MIN_BUZZ: usize = 3;
/// …and at least this many per 100 words make an answer buzzwords.
const PER_100_WORDS: f32 = 2.5;

/// The buzzword phrases, analysed once.
pub struct Buzzwords {
    runs: Vec<Vec<String>>,
}

impl Buzzwords {
    pub fn new(analyzer: &Analyzer) -> Self {
        let runs = PHRASES
            .iter()
            .map(|p| {
                analyzer
                    .analyze(p)
                    .tokens
                    .into_iter()
                    .map(|t| t.stem)
                    .collect()
            })
            .collect();
        Self { runs }
    }

    /// How many buzzwords the answer uses (runs do not overlap).
    pub fn count(&self, answer: &Analysis) -> usize {
        let stems: Vec<&str> = answer.tokens.iter().map(|t| t.stem.as_str()).collect();
        let (mut i, mut n) = (0, 0);
        while i < stems.len() {
            let hit = self
                .runs
                .iter()
                .filter(|r| {
                    // Compared in place: no allocation per word and phrase.
                    !r.is_empty()
                        && r.len() <= stems.len() - i
                        && r.iter().zip(&stems[i..]).all(|(a, b)| a == b)
                })
                .map(Vec::len)
                .max();
            match hit {
                Some(len) => {
                    n += 1;
                    i += len;
                }
                None => i += 1,
            }
        }
        n
    }

    /// Whether the answer is mostly buzzwords.
    pub fn dense(&self, answer: &Analysis) -> bool {
        let n = self.count(answer);
        n >= MIN_BUZZ && n as f32 * 100.0 / answer.words.max(1) as f32 >= PER_100_WORDS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_made_of_hype_is_dense_with_buzzwords() {
        let a = Analyzer::default();
        let b = Buzzwords::new(&a);
        let salad = a.analyze(
            "Leverage a modern, cloud-native data stack with robust governance \
             and best practices so the pipeline is scalable.",
        );
        // leverage, modern, cloud native, data stack, robust, governance,
        // best practice, scalable
        assert_eq!(b.count(&salad), 8);
        assert!(b.dense(&salad));
    }

    #[test]
    fn a_real_answer_with_one_buzzword_is_not() {
        let a = Analyzer::default();
        let b = Buzzwords::new(&a);
        let good = a.analyze(
            "A consumer group shares a topic's partitions among its members, so each \
             partition is read by one consumer; adding consumers up to the partition \
             count scales reads, which is a reliable way to add throughput.",
        );
        assert_eq!(b.count(&good), 1);
        assert!(!b.dense(&good));
    }
}
