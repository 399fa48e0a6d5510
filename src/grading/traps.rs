//! From key-point coverage to a verdict: the score thresholds, and the traps
//! that override them (too short, pasted question, keyword list, brief,
//! contradicted or swapped points, asserted misconceptions), and buzzword
//! runs that cover nothing.

use super::matcher::{Hit, Phrase};
use super::text::{Analysis, GLUE, SKIP};
use super::{Grade, Verdict};
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

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
pub const COPY_RUN: usize = 5;

/// Key points named in one clause with no words of its own: a buzzword run.
const BUZZ_POINTS: usize = 3;
/// Short comma-separated items in one sentence that make a list of names.
const LIST_ITEMS: usize = 3;
/// Most words (and glue words) an item of such a list has.
const ITEM_WORDS: u32 = 4;

/// Feedback for an answer too short to grade.
pub const TOO_SHORT: &str = "Too short to grade: explain your answer in a sentence or two.";
/// Feedback for an answer that repeats the question.
pub const PASTED: &str = "This mostly repeats the question: answer it in your own words.";
/// Feedback for an answer made of buzzwords.
pub const BUZZWORDS: &str = "This is mostly buzzwords: say concretely what happens, and why, \
     instead of naming tools and qualities.";
/// Feedback for a keyword list.
pub const KEYWORDS: &str =
    "This reads as a list of keywords: explain in sentences how the ideas fit together.";

/// What the key points and misconceptions added up to.
#[derive(Debug, Default)]
pub struct Tally {
    /// Weight earned (echoes count half).
    pub got: f32,
    pub total: u32,
    /// Weight of points contradicted or said of the wrong subject.
    pub against: f32,
    /// A point of the question's highest weight is covered in the answer's own words.
    pub core: bool,
    /// Misconceptions asserted.
    pub wrong: usize,
    /// The answer is dense with buzzwords (see `buzz`).
    pub buzzy: bool,
    /// Core points missed, for the note on a brief answer.
    pub missed_core: Vec<String>,
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

fn rank(v: Verdict) -> u8 {
    match v {
        Verdict::Incorrect => 0,
        Verdict::Partial => 1,
        Verdict::Correct => 2,
    }
}

fn cap(grade: &mut Grade, at_most: Verdict) {
    if rank(grade.verdict) > rank(at_most) {
        grade.verdict = at_most;
    }
}

fn zero(grade: &mut Grade, why: &str) {
    grade.score = 0.0;
    grade.verdict = Verdict::Incorrect;
    grade.detail.push(why.into());
}

/// Sets the score and verdict from the tally, then applies the traps.
pub fn judge(grade: &mut Grade, answer: &Analysis, copied: &[bool], t: &Tally) {
    let earned = (t.got - t.wrong as f32).max(0.0);
    grade.score = earned / t.total.max(1) as f32;
    grade.verdict = verdict_for(grade.score);
    let clean = t.core && t.against == 0.0 && t.wrong == 0;
    let glue = answer.segments.iter().map(|s| s.glue).sum::<u32>();
    if answer.words < MIN_WORDS || (answer.words < LIST_WORDS && glue == 0 && !clean) {
        return zero(grade, TOO_SHORT);
    }
    let own = answer
        .tokens
        .iter()
        .zip(copied)
        .filter(|(t, c)| !**c && !t.is(GLUE))
        .count();
    if copied.iter().filter(|c| **c).count() * 2 > copied.len() && own < 6 {
        return zero(grade, PASTED);
    }
    if answer.words >= LIST_WORDS && prose_share(answer) < MIN_PROSE && !answer.code {
        grade.score *= 0.3;
        grade.verdict = Verdict::Incorrect;
        grade.detail.push(KEYWORDS.into());
        return;
    }
    if t.buzzy {
        grade.score *= 0.3;
        grade.verdict = Verdict::Incorrect;
        grade.detail.push(BUZZWORDS.into());
        return;
    }
    // Brief but right: one core point stated cleanly is worth partial.
    if clean && grade.verdict == Verdict::Incorrect {
        grade.verdict = Verdict::Partial;
    }
    if answer.words < BRIEF_WORDS {
        cap(grade, Verdict::Partial);
    }
    if clean && grade.verdict == Verdict::Partial {
        note_brief(grade, t);
    }
    if t.against > 0.0 {
        cap(grade, Verdict::Partial);
        if t.against >= t.got {
            grade.verdict = Verdict::Incorrect;
        }
    }
    // A misconception with less than a correct answer's worth of right
    // points beside it is a wrong answer, not a right one with a slip.
    if t.wrong > 0 {
        cap(grade, Verdict::Partial);
        if !t.core || grade.score < CORRECT_AT {
            grade.verdict = Verdict::Incorrect;
        }
    }
}

/// Clauses made of nothing but the phrases of [`BUZZ_POINTS`] or more key
/// points and function words ("it is about partitioned logs and fully
/// managed shard quotas with log compaction") state nothing: the hits that
/// would cover a point there do not count. Denials are kept, so a
/// contradiction still shows.
pub fn drop_buzzword_runs<T>(hits: &mut [Vec<(Hit, &Phrase, T)>], answer: &Analysis) {
    let tokens = &answer.tokens;
    let mut by_clause: HashMap<u32, (HashSet<usize>, HashSet<usize>)> = HashMap::new();
    for (point, found) in hits.iter().enumerate() {
        for (h, _, _) in found
            .iter()
            .filter(|(h, p, _)| h.negated == p.expect_negated)
        {
            let entry = by_clause.entry(tokens[h.lo].clause).or_default();
            entry.0.insert(point);
            entry.1.extend(h.lo..=h.hi);
        }
    }
    let salad: HashSet<u32> = by_clause
        .into_iter()
        .filter(|(clause, (points, inside))| {
            let own = tokens
                .iter()
                .enumerate()
                .filter(|(i, t)| t.clause == *clause && !inside.contains(i) && !t.is(GLUE | SKIP))
                .count();
            points.len() >= BUZZ_POINTS && own == 0
        })
        .map(|(c, _)| c)
        .collect();
    if !salad.is_empty() {
        for found in hits.iter_mut() {
            found.retain(|(h, p, _)| {
                h.negated != p.expect_negated || !salad.contains(&tokens[h.lo].clause)
            });
        }
    }
}

/// Lists of names ("consider AQE, Kryo, Tungsten, off-heap memory and
/// dynamic allocation"): [`LIST_ITEMS`] or more short comma-separated items
/// in one sentence name things without saying anything about them, and the
/// rubric gives a list of correct nouns no credit. Hits inside such a list do
/// not cover a point; denials are kept, as for buzzword runs.
/// Code is left alone: its argument lists are not lists of names.
pub fn drop_name_lists<T>(hits: &mut [Vec<(Hit, &Phrase, T)>], answer: &Analysis) {
    if answer.code {
        return;
    }
    let listed = listed_tokens(answer);
    if !listed.contains(&true) {
        return;
    }
    for found in hits.iter_mut() {
        found
            .retain(|(h, p, _)| h.negated != p.expect_negated || !(h.lo..=h.hi).all(|i| listed[i]));
    }
}

/// Marks the tokens of every list of names (see [`drop_name_lists`]).
fn listed_tokens(answer: &Analysis) -> Vec<bool> {
    let tokens = &answer.tokens;
    let mut listed = vec![false; tokens.len()];
    let mut run: Vec<(usize, usize)> = Vec::new();
    let mut flush = |run: &mut Vec<(usize, usize)>| {
        if run.len() >= LIST_ITEMS {
            for &(lo, hi) in run.iter() {
                listed[lo..hi].iter_mut().for_each(|l| *l = true);
            }
        }
        run.clear();
    };
    let mut i = 0;
    while i < tokens.len() {
        let (seg, sentence) = (tokens[i].segment, tokens[i].sentence);
        let end = (i..tokens.len())
            .find(|&j| tokens[j].segment != seg)
            .unwrap_or(tokens.len());
        let s = answer.segments[seg as usize];
        let item = s.words <= ITEM_WORDS && s.glue <= 1;
        let same_sentence = run
            .last()
            .is_some_and(|&(lo, _)| tokens[lo].sentence == sentence);
        if !(item && same_sentence) {
            flush(&mut run);
        }
        if item {
            run.push((i, end));
        }
        i = end;
    }
    flush(&mut run);
    listed
}

/// Says what would make a right but incomplete answer complete.
fn note_brief(grade: &mut Grade, t: &Tally) {
    let todo = if t.missed_core.is_empty() {
        &grade.missed
    } else {
        &t.missed_core
    };
    if let Some(first) = todo.first() {
        let more = if todo.len() > 1 {
            " (and the points listed as missed)"
        } else {
            ""
        };
        grade.detail.push(format!(
            "Right as far as it goes. To make it complete, also explain: {first}{more}."
        ));
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
            (s.relation && s.words >= 2) || (s.words >= 4 && s.glue >= 1 && glue_ratio >= needed)
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
pub fn runs(a: &Analysis) -> impl Iterator<Item = u64> + '_ {
    a.tokens
        .windows(COPY_RUN)
        .map(|w| hash_run(w.iter().map(|t| t.stem.as_str())))
}

/// Marks the answer tokens that belong to a run copied from the prompt.
pub fn copied_tokens(answer: &Analysis, prompt_runs: &HashSet<u64>) -> Vec<bool> {
    let mut copied = vec![false; answer.tokens.len()];
    for (i, h) in runs(answer).enumerate() {
        if prompt_runs.contains(&h) {
            copied[i..i + COPY_RUN].iter_mut().for_each(|c| *c = true);
        }
    }
    copied
}
