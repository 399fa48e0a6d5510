//! Key-point grading for free-text answers: an answer scores by which of the
//! question's key points it covers, matched on normalised, stemmed words
//! (see [`super::text`] and [`super::matcher`]).
//!
//! On top of coverage it handles the usual traps:
//! - a negated mention does not cover a point, and one that says the opposite
//!   of a point caps the verdict;
//! - an answer that mostly repeats the question is not graded on the words it
//!   copied;
//! - a keyword list with no sentences is marked down;
//! - a very short answer cannot be fully correct.
//!
//! Each question's phrases are analysed once and cached by question id (with
//! a fingerprint of the text, so an edited question is re-analysed).

use super::matcher::{Hit, Index, Phrase};
use super::text::{Analysis, Analyzer, GLUE};
use super::*;
use crate::bank::{KeyPoint, QuestionId};
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, RwLock};

/// Share of the weighted key points needed for `correct`.
pub const CORRECT_AT: f32 = 0.6;
/// Share of the weighted key points needed for `partial`.
pub const PARTIAL_AT: f32 = 0.25;
/// Fewer words than this cannot be graded.
const MIN_WORDS: usize = 4;
/// From this many words on, an answer may be judged a keyword list; below
/// it, a fragment with no glue word at all is just too short.
const LIST_WORDS: usize = 8;
/// Fewer words than this cannot be fully correct.
const BRIEF_WORDS: usize = 25;
/// Below this share of words in sentences, an answer is a keyword list.
const MIN_PROSE: f32 = 0.4;
/// Copied runs of this many tokens from the prompt do not count.
const COPY_RUN: usize = 5;

/// Feedback for an answer too short to grade.
pub const TOO_SHORT: &str = "Too short to grade: explain your answer in a sentence or two.";
/// Feedback for an answer that repeats the question.
pub const PASTED: &str = "This mostly repeats the question: answer it in your own words.";
/// Feedback for a keyword list.
pub const KEYWORDS: &str =
    "This reads as a list of keywords: explain in sentences how the ideas fit together.";

/// Grades `open` answers by key-point coverage.
pub struct KeyPointGrader {
    analyzer: Analyzer,
    cache: RwLock<HashMap<QuestionId, Arc<Prepared>>>,
}

impl Default for KeyPointGrader {
    fn default() -> Self {
        Self {
            analyzer: Analyzer::default(),
            cache: RwLock::new(HashMap::new()),
        }
    }
}

/// A question's key points and prompt, analysed once.
struct Prepared {
    fingerprint: u64,
    points: Vec<(Vec<Phrase>, u8)>,
    /// Hashes of the prompt's runs of [`COPY_RUN`] stems.
    prompt_runs: HashSet<u64>,
}

/// How an answer fared against each key point, before the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coverage {
    Covered,
    Missed,
    /// Only mentioned the other way round ("does not ...").
    Contradicted,
    /// Only named with the prompt's own words: half credit, shown as missed.
    Echoed,
}

impl KeyPointGrader {
    /// Lower-cases, normalises and stems `text` into words (articles dropped).
    pub fn tokens(&self, text: &str) -> Vec<String> {
        self.analyzer
            .analyze(text)
            .tokens
            .into_iter()
            .map(|t| t.stem)
            .collect()
    }

    /// Grades free text against `key_points` synchronously; `question` gives
    /// the id, prompt and key points.
    pub fn assess(&self, question: &Question, text: &str) -> Result<Grade, GradeError> {
        let QuestionKind::Open { key_points } = &question.kind else {
            return Err(GradeError::Unusable("not a free-text question".into()));
        };
        // One accepted-answer list is not key points: word counts do not apply.
        if super::short::is_short_answer(question) {
            return super::short::assess(question, text);
        }
        let prepared = self.prepared(question, key_points);
        let answer = self.analyzer.analyze(text);
        Ok(self.score(question, key_points, &prepared, &answer))
    }

    fn prepared(&self, question: &Question, key_points: &[KeyPoint]) -> Arc<Prepared> {
        let fingerprint = fingerprint(question, key_points);
        if let Some(p) = self
            .cache
            .read()
            .ok()
            .and_then(|c| c.get(&question.id).cloned())
        {
            if p.fingerprint == fingerprint {
                return p;
            }
        }
        let p = Arc::new(self.prepare(question, key_points, fingerprint));
        if let Ok(mut cache) = self.cache.write() {
            cache.insert(question.id.clone(), p.clone());
        }
        p
    }

    fn prepare(&self, question: &Question, key_points: &[KeyPoint], fingerprint: u64) -> Prepared {
        let prompt = self.analyzer.analyze(&question.prompt);
        let prompt_index = Index::new(&prompt);
        let points = key_points
            .iter()
            .map(|kp| {
                let point = self.analyzer.analyze(&kp.point);
                let phrases = kp
                    .phrases
                    .iter()
                    .map(|ph| Phrase::new(&self.analyzer.analyze(ph), &point, &prompt_index))
                    .collect();
                (phrases, kp.weight)
            })
            .collect();
        Prepared {
            fingerprint,
            points,
            prompt_runs: runs(&prompt).collect(),
        }
    }

    fn score(
        &self,
        question: &Question,
        kps: &[KeyPoint],
        prep: &Prepared,
        answer: &Analysis,
    ) -> Grade {
        let copied = copied_tokens(answer, &prep.prompt_runs);
        let index = Index::new(answer);
        let hits: Vec<Vec<(Hit, &Phrase)>> = prep
            .points
            .iter()
            .map(|(phrases, _)| phrase_hits(phrases, &index, &copied))
            .collect();
        let negative_claims: Vec<Hit> = hits
            .iter()
            .flatten()
            .filter(|(h, p)| p.negative() && h.negated == p.expect_negated)
            .map(|(h, _)| *h)
            .collect();
        let coverage: Vec<Coverage> = hits.iter().map(|h| coverage(h, &negative_claims)).collect();
        let mut grade = Grade::empty();
        let (mut got, mut total, mut against) = (0f32, 0u32, 0f32);
        for ((kp, c), (_, w)) in kps.iter().zip(&coverage).zip(&prep.points) {
            total += u32::from(*w);
            match c {
                Coverage::Covered => {
                    got += f32::from(*w);
                    grade.covered.push(kp.point.clone());
                }
                Coverage::Echoed => {
                    got += f32::from(*w) / 2.0;
                    grade.missed.push(kp.point.clone());
                }
                Coverage::Missed => grade.missed.push(kp.point.clone()),
                Coverage::Contradicted => {
                    against += f32::from(*w);
                    grade.missed.push(kp.point.clone());
                    grade.detail.push(format!(
                        "Your answer seems to say the opposite of: {}",
                        kp.point
                    ));
                }
            }
        }
        grade.score = got / total.max(1) as f32;
        grade.verdict = verdict_for(grade.score);
        let _ = question;
        apply_traps(&mut grade, answer, &copied, got, against);
        grade.settle_score();
        grade
    }
}

/// Every hit of a key point's phrases, leaving out text copied from the prompt.
fn phrase_hits<'p>(
    phrases: &'p [Phrase],
    index: &Index,
    copied: &[bool],
) -> Vec<(Hit, &'p Phrase)> {
    phrases
        .iter()
        .flat_map(|p| p.find(index).into_iter().map(move |h| (h, p)))
        .filter(|(h, _)| !(h.lo..=h.hi).all(|i| copied[i]))
        .collect()
}

/// Whether one key point is covered, missed or contradicted. Phrases that
/// only echo the prompt count for nothing; a point mentioned with an explicit
/// negation at least as often as it is affirmed is contradicted, unless that
/// negation is another point's negative claim ("never goes backwards").
fn coverage(hits: &[(Hit, &Phrase)], negative_claims: &[Hit]) -> Coverage {
    let (mut affirmed, mut against, mut echoed) = (0usize, 0usize, false);
    for (hit, p) in hits {
        if hit.negated == p.expect_negated {
            affirmed += usize::from(!p.echo);
            echoed |= p.echo;
        } else if hit.explicit && !negative_claims.iter().any(|c| c.overlaps(hit)) {
            against += 1;
        }
    }
    if against > 0 && against >= affirmed {
        Coverage::Contradicted
    } else if affirmed > 0 {
        Coverage::Covered
    } else if echoed {
        Coverage::Echoed
    } else {
        Coverage::Missed
    }
}

/// The verdict a share of covered key points earns on its own.
pub fn verdict_for(score: f32) -> Verdict {
    if score >= CORRECT_AT {
        Verdict::Correct
    } else if score >= PARTIAL_AT {
        Verdict::Partial
    } else {
        Verdict::Incorrect
    }
}

fn cap(grade: &mut Grade, at_most: Verdict) {
    let rank = |v: Verdict| match v {
        Verdict::Incorrect => 0,
        Verdict::Partial => 1,
        Verdict::Correct => 2,
    };
    if rank(grade.verdict) > rank(at_most) {
        grade.verdict = at_most;
    }
}

/// Short answers, pasted questions, keyword lists and contradictions.
fn apply_traps(grade: &mut Grade, answer: &Analysis, copied: &[bool], got: f32, against: f32) {
    let glue = answer.segments.iter().map(|s| s.glue).sum::<u32>();
    if answer.words < MIN_WORDS || (answer.words < LIST_WORDS && glue == 0) {
        grade.score = 0.0;
        grade.verdict = Verdict::Incorrect;
        grade
            .detail
            .push("Too short to grade: explain your answer in a sentence or two.".into());
        return;
    }
    let own = answer
        .tokens
        .iter()
        .zip(copied)
        .filter(|(t, c)| !**c && !t.is(GLUE))
        .count();
    if copied.iter().filter(|c| **c).count() * 2 > copied.len() && own < 6 {
        grade.score = 0.0;
        grade.verdict = Verdict::Incorrect;
        grade
            .detail
            .push("This mostly repeats the question: answer it in your own words.".into());
        return;
    }
    if answer.words >= LIST_WORDS && prose_share(answer) < MIN_PROSE {
        grade.score *= 0.3;
        grade.verdict = Verdict::Incorrect;
        grade.detail.push(
            "This reads as a list of keywords: explain in sentences how the ideas fit together."
                .into(),
        );
        return;
    }
    if answer.words < BRIEF_WORDS {
        cap(grade, Verdict::Partial);
    }
    if against > 0.0 {
        cap(grade, Verdict::Partial);
        if against >= got {
            grade.verdict = Verdict::Incorrect;
        }
    }
}

/// Share of words that sit in sentence-like segments rather than lists.
fn prose_share(answer: &Analysis) -> f32 {
    let prose: u32 = answer
        .segments
        .iter()
        .filter(|s| {
            let glue_ratio = s.glue as f32 / s.words.max(1) as f32;
            let needed = if s.words >= 8 { 0.2 } else { 0.12 };
            s.words >= 4 && s.glue >= 1 && glue_ratio >= needed
        })
        .map(|s| s.words)
        .sum();
    prose as f32 / answer.words.max(1) as f32
}

fn hash_run(stems: impl Iterator<Item = impl Hash>) -> u64 {
    let mut h = DefaultHasher::new();
    for s in stems {
        s.hash(&mut h);
    }
    h.finish()
}

/// Hashes of every run of [`COPY_RUN`] consecutive stems.
fn runs(a: &Analysis) -> impl Iterator<Item = u64> + '_ {
    a.tokens
        .windows(COPY_RUN)
        .map(|w| hash_run(w.iter().map(|t| t.stem.as_str())))
}

/// Marks the answer tokens that belong to a run copied from the prompt.
fn copied_tokens(answer: &Analysis, prompt_runs: &HashSet<u64>) -> Vec<bool> {
    let mut copied = vec![false; answer.tokens.len()];
    for (i, h) in runs(answer).enumerate() {
        if prompt_runs.contains(&h) {
            copied[i..i + COPY_RUN].iter_mut().for_each(|c| *c = true);
        }
    }
    copied
}

fn fingerprint(question: &Question, key_points: &[KeyPoint]) -> u64 {
    let mut h = DefaultHasher::new();
    question.prompt.hash(&mut h);
    for kp in key_points {
        kp.point.hash(&mut h);
        kp.phrases.hash(&mut h);
        kp.weight.hash(&mut h);
    }
    h.finish()
}

#[async_trait]
impl Grader for KeyPointGrader {
    async fn grade(
        &self,
        question: &Question,
        submission: &Submission,
    ) -> Result<Grade, GradeError> {
        let Submission::Text(text) = submission else {
            return Err(GradeError::Unusable(
                "this question takes a written answer".into(),
            ));
        };
        self.assess(question, text)
    }
}
