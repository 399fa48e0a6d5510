//! Key-point grading for free-text answers: an answer scores by which of the
//! question's key points it covers, matched on normalised, stemmed words.

use super::*;
use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;

/// Grades `open` answers by key-point coverage.
pub struct KeyPointGrader {
    stemmer: Stemmer,
}

impl Default for KeyPointGrader {
    fn default() -> Self {
        Self {
            stemmer: Stemmer::create(Algorithm::English),
        }
    }
}

impl KeyPointGrader {
    /// Lower-cases, NFKC-normalises and stems `text` into words.
    pub fn tokens(&self, text: &str) -> Vec<String> {
        let text: String = text.nfkc().collect::<String>().to_lowercase();
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| self.stemmer.stem(w).into_owned())
            .collect()
    }

    fn contains_phrase(words: &[String], phrase: &[String]) -> bool {
        !phrase.is_empty() && words.windows(phrase.len()).any(|w| w == phrase)
    }
}

#[async_trait]
impl Grader for KeyPointGrader {
    async fn grade(
        &self,
        question: &Question,
        submission: &Submission,
    ) -> Result<Grade, GradeError> {
        let QuestionKind::Open { key_points } = &question.kind else {
            return Err(GradeError::Unusable("not a free-text question".into()));
        };
        let Submission::Text(text) = submission else {
            return Err(GradeError::Unusable(
                "this question takes a written answer".into(),
            ));
        };
        let words = self.tokens(text);
        let mut grade = Grade {
            verdict: Verdict::Incorrect,
            score: 0.0,
            covered: vec![],
            missed: vec![],
            detail: vec![],
        };
        let (mut got, mut total) = (0u32, 0u32);
        for kp in key_points {
            total += u32::from(kp.weight);
            let hit = kp
                .phrases
                .iter()
                .any(|p| Self::contains_phrase(&words, &self.tokens(p)));
            if hit {
                got += u32::from(kp.weight);
                grade.covered.push(kp.point.clone());
            } else {
                grade.missed.push(kp.point.clone());
            }
        }
        grade.score = if words.len() < 4 {
            0.0
        } else {
            got as f32 / total.max(1) as f32
        };
        grade.verdict = match grade.score {
            s if s >= 0.75 => Verdict::Correct,
            s if s >= 0.35 => Verdict::Partial,
            _ => Verdict::Incorrect,
        };
        Ok(grade)
    }
}
