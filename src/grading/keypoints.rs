//! Key-point grading for free-text answers: an answer scores by which of the
//! question's key points it covers, matched on normalised, stemmed words
//! (see [`super::text`] and [`super::matcher`]).
//!
//! On top of coverage it handles the usual traps (see [`super::traps`]):
//! - a negated mention does not cover a point, and one that says the opposite
//!   of a point caps the verdict;
//! - in a comparison question, a point said of the wrong subject ("loc
//!   selects by position") is a contradiction (see [`super::subjects`]);
//! - an answer that asserts one of the question's misconceptions cannot be
//!   correct (see [`super::claims`]);
//! - an answer that mostly repeats the question is not graded on the words it
//!   copied; a keyword list with no sentences is marked down;
//! - a short answer cannot be fully correct, but one that states a core
//!   point cleanly is partial.
//!
//! Each question's phrases are analysed once and cached by question id (with
//! a fingerprint of the text, so an edited question is re-analysed).

use super::buzz::Buzzwords;
use super::claims::Claims;
use super::matcher::{Hit, Index, Phrase};
use super::subjects::{Binding, Subjects};
use super::text::{Analysis, Analyzer};
use super::traps::{copied_tokens, drop_buzzword_runs, drop_name_lists, judge, runs, Tally};
use super::*;
use crate::bank::{KeyPoint, Misconception, QuestionId};
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, RwLock};

pub use super::traps::{verdict_for, KEYWORDS, PASTED, TOO_SHORT};

/// Grades `open` answers by key-point coverage.
pub struct KeyPointGrader {
    analyzer: Analyzer,
    buzz: Buzzwords,
    cache: RwLock<HashMap<QuestionId, Arc<Prepared>>>,
}

impl Default for KeyPointGrader {
    fn default() -> Self {
        let analyzer = Analyzer::default();
        Self {
            buzz: Buzzwords::new(&analyzer),
            analyzer,
            cache: RwLock::new(HashMap::new()),
        }
    }
}

/// A question's key points, misconceptions and prompt, analysed once.
struct Prepared {
    fingerprint: u64,
    /// Each point's phrases, with the subject each phrase is said of.
    points: Vec<Vec<(Phrase, Option<usize>)>>,
    claims: Claims,
    subjects: Subjects,
    /// Hashes of the prompt's runs of [`traps::COPY_RUN`] stems.
    prompt_runs: HashSet<u64>,
}

/// How an answer fared against each key point, before the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coverage {
    Covered,
    Missed,
    /// Only mentioned the other way round ("does not ...").
    Contradicted,
    /// Said of another subject than its own (subject indexes).
    Swapped {
        own: usize,
        other: usize,
    },
    /// Only named with the prompt's own words: half credit, shown as missed.
    Echoed,
}

/// The open question's parts the grader reads.
struct Rubric<'q> {
    key_points: &'q [KeyPoint],
    misconceptions: &'q [Misconception],
    subjects: &'q [Vec<String>],
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

    /// Grades free text against the question's key points and misconceptions
    /// synchronously.
    pub fn assess(&self, question: &Question, text: &str) -> Result<Grade, GradeError> {
        let QuestionKind::Open {
            key_points,
            misconceptions,
            subjects,
        } = &question.kind
        else {
            return Err(GradeError::Unusable("not a free-text question".into()));
        };
        // One accepted-answer list is not key points: word counts do not apply.
        if super::short::is_short_answer(question) {
            return super::short::assess(question, text);
        }
        let rubric = Rubric {
            key_points,
            misconceptions,
            subjects,
        };
        let prepared = self.prepared(question, &rubric);
        let answer = self.analyzer.analyze(text);
        let buzzy = self.buzz.dense(&answer);
        Ok(score(&rubric, &prepared, &answer, buzzy))
    }

    fn prepared(&self, question: &Question, rubric: &Rubric) -> Arc<Prepared> {
        let fingerprint = fingerprint(question, rubric);
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
        let p = Arc::new(self.prepare(question, rubric, fingerprint));
        if let Ok(mut cache) = self.cache.write() {
            cache.insert(question.id.clone(), p.clone());
        }
        p
    }

    fn prepare(&self, question: &Question, rubric: &Rubric, fingerprint: u64) -> Prepared {
        let a = &self.analyzer;
        let prompt = a.analyze(&question.prompt);
        let prompt_index = Index::new(&prompt);
        let subjects = Subjects::new(a, rubric.subjects);
        let points = rubric
            .key_points
            .iter()
            .map(|kp| {
                let point = a.analyze(&kp.point);
                let binding = subjects.bind(&point);
                let phrases: Vec<Phrase> = kp
                    .phrases
                    .iter()
                    .map(|ph| Phrase::new(&a.analyze(ph), &point, &prompt_index))
                    .collect();
                let inferred: Vec<Option<usize>> = phrases
                    .iter()
                    .map(|p| said_of(p, &point, &binding))
                    .collect();
                // Only a point that states a property of each side ("pandas
                // is eager; Spark is lazy") binds its phrases by its text.
                let sides: HashSet<usize> = inferred.iter().flatten().copied().collect();
                let abouts = inferred
                    .into_iter()
                    .map(|s| kp.about.or(s.filter(|_| sides.len() >= 2)));
                phrases.into_iter().zip(abouts).collect()
            })
            .collect();
        Prepared {
            fingerprint,
            points,
            claims: Claims::new(a, rubric.misconceptions, &prompt_index),
            subjects,
            prompt_runs: runs(&prompt).collect(),
        }
    }
}

/// The subject a phrase is said of in the key point's own text ("pandas is
/// eager; Spark is lazy": "lazy" is said of Spark), when that is clear.
fn said_of(phrase: &Phrase, point: &Analysis, binding: &Binding) -> Option<usize> {
    let subjects: Vec<Option<usize>> = phrase
        .find(&Index::new(point))
        .iter()
        .map(|h| binding.subject_of(&point.tokens, h.lo, h.hi).map(|s| s.0))
        .collect();
    let first = (*subjects.first()?)?;
    subjects.iter().all(|s| *s == Some(first)).then_some(first)
}

fn score(rubric: &Rubric, prep: &Prepared, answer: &Analysis, buzzy: bool) -> Grade {
    let copied = copied_tokens(answer, &prep.prompt_runs);
    let index = Index::new(answer);
    let binding = prep.subjects.bind(answer);
    let mut hits: Vec<Vec<Found>> = prep
        .points
        .iter()
        .map(|phrases| phrase_hits(phrases, &index, &copied))
        .collect();
    drop_buzzword_runs(&mut hits, answer);
    drop_name_lists(&mut hits, answer);
    let negative_claims: Vec<Hit> = hits
        .iter()
        .flatten()
        .filter(|(h, p, _)| p.negative() && h.negated == p.expect_negated)
        .map(|(h, _, _)| *h)
        .collect();
    let top = rubric
        .key_points
        .iter()
        .map(|k| k.weight)
        .max()
        .unwrap_or(1);
    let mut grade = Grade::empty();
    let mut tally = Tally {
        buzzy,
        ..Tally::default()
    };
    for (kp, h) in rubric.key_points.iter().zip(&hits) {
        let bound = Bound {
            binding: &binding,
            answer,
        };
        let c = coverage(h, &negative_claims, &bound);
        record(&mut grade, &mut tally, kp, c, top, rubric.subjects);
    }
    for i in prep.claims.asserted(&index, &copied, &binding) {
        let m = &rubric.misconceptions[i];
        tally.wrong += 1;
        grade.detail.push(super::claims::note(m));
        grade.misconceptions.push(MisconceptionHit {
            claim: m.claim.clone(),
            why: m.why.clone(),
        });
    }
    judge(&mut grade, answer, &copied, &tally);
    grade.settle_score();
    grade
}

/// Adds one key point's coverage to the grade and the tally.
fn record(
    grade: &mut Grade,
    t: &mut Tally,
    kp: &KeyPoint,
    c: Coverage,
    top: u8,
    subjects: &[Vec<String>],
) {
    let w = f32::from(kp.weight);
    t.total += u32::from(kp.weight);
    if c == Coverage::Covered {
        t.got += w;
        t.core |= kp.weight == top;
        grade.covered.push(kp.point.clone());
        return;
    }
    grade.missed.push(kp.point.clone());
    if kp.weight == top {
        t.missed_core.push(kp.point.clone());
    }
    match c {
        Coverage::Echoed => t.got += w / 2.0,
        Coverage::Contradicted => {
            t.against += w;
            grade.detail.push(format!(
                "Your answer seems to say the opposite of: {}",
                kp.point
            ));
        }
        Coverage::Swapped { own, other } => {
            t.against += w;
            let name = |i: usize| {
                subjects
                    .get(i)
                    .and_then(|s| s.first())
                    .map_or("", String::as_str)
            };
            grade.detail.push(format!(
                "The wrong way round: you said of {} what is true of {}. {}",
                name(other),
                name(own),
                with_stop(&kp.point)
            ));
        }
        Coverage::Covered | Coverage::Missed => {}
    }
}

fn with_stop(s: &str) -> String {
    let s = s.trim();
    if s.ends_with(['.', '!', '?']) {
        s.to_owned()
    } else {
        format!("{s}.")
    }
}

/// A phrase's match, the phrase, and the subject the phrase belongs to.
type Found<'p> = (Hit, &'p Phrase, Option<usize>);

/// Every hit of a key point's phrases, leaving out text copied from the prompt.
fn phrase_hits<'p>(
    phrases: &'p [(Phrase, Option<usize>)],
    index: &Index,
    copied: &[bool],
) -> Vec<Found<'p>> {
    phrases
        .iter()
        .flat_map(|(p, about)| p.find(index).into_iter().map(move |h| (h, p, *about)))
        .filter(|(h, _, _)| !(h.lo..=h.hi).all(|i| copied[i]))
        .collect()
}

/// The answer's subject binding.
struct Bound<'a> {
    binding: &'a Binding,
    answer: &'a Analysis,
}

impl Bound<'_> {
    /// The other subject a hit is said of, when its phrase belongs to
    /// `own`. Only a subject named in the hit's own part or the one just
    /// before it counts: a subject carried further ("Hash: spreads keys, but a
    /// key range ...") is too weak to call a statement swapped.
    fn other(&self, hit: &Hit, own: Option<usize>) -> Option<usize> {
        let own = own?;
        let (said_of, back) = self
            .binding
            .subject_of(&self.answer.tokens, hit.lo, hit.hi)?;
        (said_of != own && back <= 1).then_some(said_of)
    }
}

/// Whether one key point is covered, missed, contradicted or swapped.
/// Phrases that only echo the prompt count for nothing; a point mentioned
/// with an explicit negation at least as often as it is affirmed is
/// contradicted, unless that negation is another point's negative claim
/// ("never goes backwards") or is said of another subject ("iloc does not
/// use labels" is true). A point affirmed of another subject at least as
/// often as of its own is swapped.
fn coverage(hits: &[Found], negative_claims: &[Hit], bound: &Bound) -> Coverage {
    let (mut affirmed, mut against, mut echoed) = (0usize, 0usize, false);
    let mut swapped: Option<(usize, usize, usize)> = None;
    for (hit, p, about) in hits {
        let other = bound.other(hit, *about);
        if hit.negated == p.expect_negated {
            if let (Some(o), Some(own)) = (other, *about) {
                swapped = Some((own, o, swapped.map_or(1, |s| s.2 + 1)));
                continue;
            }
            affirmed += usize::from(!p.echo);
            echoed |= p.echo;
        } else if hit.explicit
            && other.is_none()
            && !negative_claims.iter().any(|c| c.overlaps(hit))
        {
            against += 1;
        }
    }
    if let Some((own, other, n)) = swapped {
        if n >= affirmed {
            return Coverage::Swapped { own, other };
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

fn fingerprint(question: &Question, rubric: &Rubric) -> u64 {
    let mut h = DefaultHasher::new();
    question.prompt.hash(&mut h);
    for kp in rubric.key_points {
        kp.point.hash(&mut h);
        kp.phrases.hash(&mut h);
        kp.weight.hash(&mut h);
        kp.about.hash(&mut h);
    }
    for m in rubric.misconceptions {
        m.claim.hash(&mut h);
        m.phrases.hash(&mut h);
    }
    rubric.subjects.hash(&mut h);
    h.finish()
}

#[async_trait]
impl Grader for KeyPointGrader {
    async fn grade(
        &self,
        question: &Question,
        submission: &Submission,
    ) -> Result<Grade, GradeError> {
        let text = submission.written()?;
        self.assess(question, text)
    }
}
