//! Grading `short_answer` questions (one key point whose phrases are the
//! accepted answers, as imported trivia is): the way trivia players expect,
//! not by the word-count rules of free-text answers.
//!
//! Both sides are normalised the same way: case, accents and punctuation are
//! ignored (`+` and `#` are kept, so "C" is not "C++"), and so are the
//! articles "a", "an" and "the" (unless nothing else is left, so an answer of
//! "A" still means A). The answer is correct when it equals an accepted
//! answer, or contains one as whole words within a few words of framing
//! ("I think it is Parquet"), like Red-DiscordBot's own check. Longer
//! accepted answers tolerate small typos; numbers never do.

use super::{Grade, GradeError, Grader, Submission, Verdict};
use crate::bank::{Question, QuestionKind};
use async_trait::async_trait;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Words an answer may add around an accepted answer and still count: enough
/// for "I think it is X", too few to list every plausible guess.
pub const MAX_EXTRA_WORDS: usize = 4;
/// From this many letters, one typo is tolerated.
pub const ONE_TYPO_FROM: usize = 5;
/// From this many letters, two typos are tolerated.
pub const TWO_TYPOS_FROM: usize = 10;

const ARTICLES: [&str; 3] = ["a", "an", "the"];

/// Grades `short_answer` questions by matching the accepted answers.
#[derive(Debug, Clone, Copy, Default)]
pub struct ShortAnswerGrader;

/// Whether `question` is graded as a short answer.
pub fn is_short_answer(question: &Question) -> bool {
    matches!(&question.kind, QuestionKind::Open { key_points, .. } if key_points.len() == 1)
}

/// Grades `text` against a `short_answer` question's accepted answers.
pub fn assess(question: &Question, text: &str) -> Result<Grade, GradeError> {
    let QuestionKind::Open { key_points, .. } = &question.kind else {
        return Err(GradeError::Unusable("not a free-text question".into()));
    };
    let [point] = key_points.as_slice() else {
        return Err(GradeError::Unusable("not a short-answer question".into()));
    };
    let answer = words(text);
    let mut grade = Grade::empty();
    if point.phrases.iter().any(|p| matches(&answer, &words(p))) {
        grade.verdict = Verdict::Correct;
        grade.score = 1.0;
        grade.covered.push(point.point.clone());
    } else {
        grade.missed.push(point.point.clone());
    }
    Ok(grade)
}

/// Lower-cased words without accents, punctuation or articles.
pub fn words(text: &str) -> Vec<String> {
    let cleaned: String = text
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| {
            if c.is_alphanumeric() || c == '+' || c == '#' {
                c
            } else {
                ' '
            }
        })
        .collect();
    let all: Vec<String> = cleaned.split_whitespace().map(str::to_owned).collect();
    let content: Vec<String> = all
        .iter()
        .filter(|w| !ARTICLES.contains(&w.as_str()))
        .cloned()
        .collect();
    if content.is_empty() {
        all
    } else {
        content
    }
}

/// Whether `answer` is `accepted`, or holds it as a run of whole words with
/// at most [`MAX_EXTRA_WORDS`] others, allowing typos on long answers.
fn matches(answer: &[String], accepted: &[String]) -> bool {
    let n = accepted.len();
    if n == 0 || answer.len() < n || answer.len() > n + MAX_EXTRA_WORDS {
        return false;
    }
    let want = accepted.join(" ");
    let allowed = typos_allowed(&want);
    answer
        .windows(n)
        .any(|w| within(&w.join(" "), &want, allowed))
}

/// Typos tolerated on an accepted answer: none on numbers or short words.
fn typos_allowed(accepted: &str) -> usize {
    let letters = accepted.chars().filter(|c| c.is_alphabetic()).count();
    if accepted.chars().any(|c| c.is_ascii_digit()) {
        0
    } else if letters >= TWO_TYPOS_FROM {
        2
    } else if letters >= ONE_TYPO_FROM {
        1
    } else {
        0
    }
}

/// Whether the edit distance (with adjacent swaps) of `a` and `b` is at most `max`.
fn within(a: &str, b: &str, max: usize) -> bool {
    if a == b {
        return true;
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if max == 0 || a.len().abs_diff(b.len()) > max {
        return false;
    }
    distance(&a, &b) <= max
}

/// Optimal string alignment distance: insertions, deletions, substitutions
/// and swaps of two adjacent characters each cost one.
fn distance(a: &[char], b: &[char]) -> usize {
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            d[i * w + j] = if i == 0 || j == 0 {
                i + j
            } else {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut v = (d[(i - 1) * w + j] + 1)
                    .min(d[i * w + j - 1] + 1)
                    .min(d[(i - 1) * w + j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(d[(i - 2) * w + j - 2] + 1);
                }
                v
            };
        }
    }
    d[a.len() * w + b.len()]
}

#[async_trait]
impl Grader for ShortAnswerGrader {
    async fn grade(
        &self,
        question: &Question,
        submission: &Submission,
    ) -> Result<Grade, GradeError> {
        let text = submission.written()?;
        assess(question, text)
    }
}

#[cfg(test)]
mod tests;
