//! Which subject a statement is about, for questions that contrast two or
//! more things (queue vs pub/sub, loc vs iloc). The question names its
//! subjects; each key point may say which one its property belongs to.
//!
//! A key-point match is bound to the subject named in its own part of the
//! sentence. Parts are the analyser's clauses (punctuation, *but*, *while*,
//! *whereas*...), further split where a conjunction (*and*, *or*, *then*)
//! introduces another subject: "loc uses positions and iloc labels" has two
//! parts. A part that names no subject takes the subject of the nearest
//! earlier part of the same sentence ("iloc is positional, so the end is
//! excluded"), unless it is itself a contrast ("..., which differs from
//! when it happened", "..., unlike the other one"). A part that names two subjects is ambiguous and binds to none,
//! so only clear statements are judged. A name right after *is*/*are*
//! ("what you build is at-least-once plus dedupe") is a predicate, not the
//! subject, and is skipped.

use super::text::{Analysis, Analyzer, Token};

/// Conjunctions that start a new part when a subject follows closely.
const SPLITTERS: &[&str] = &["and", "or", "then", "whilst", "wherea"];
/// How many tokens after a conjunction the subject may come ("and with iloc").
const SPLIT_REACH: usize = 3;
/// Stems that make a part without a subject a contrast, not a continuation.
const CONTRASTING: &[&str] = &[
    "unlik", "differ", "opposit", "rather", "instead", "contrast", "compar", "versus", "vs",
];
/// Copulas: a name right after one is a predicate.
const COPULAS: &[&str] = &["is", "are", "was", "were", "be", "becom"];

/// A question's subjects, each as the stem sequences of its names.
#[derive(Debug, Default)]
pub struct Subjects {
    names: Vec<Vec<Vec<String>>>,
}

/// One answer's subject mentions and parts, built once per answer.
pub struct Binding {
    /// (first token, last token, subject)
    mentions: Vec<(usize, usize, usize)>,
    /// Part number of each token.
    part: Vec<u32>,
}

impl Subjects {
    pub fn new(analyzer: &Analyzer, subjects: &[Vec<String>]) -> Self {
        let names = subjects
            .iter()
            .map(|names| {
                names
                    .iter()
                    .map(|n| {
                        analyzer
                            .analyze(n)
                            .tokens
                            .into_iter()
                            .map(|t| t.stem)
                            .collect()
                    })
                    .filter(|s: &Vec<String>| !s.is_empty())
                    .collect()
            })
            .collect();
        Self { names }
    }

    /// Finds the subject mentions and parts of an answer.
    pub fn bind(&self, answer: &Analysis) -> Binding {
        let tokens = &answer.tokens;
        let mut mentions = Vec::new();
        for i in 0..tokens.len() {
            let predicate = i > 0 && COPULAS.contains(&tokens[i - 1].stem.as_str());
            if let Some((len, s)) = self.mention_at(tokens, i).filter(|_| !predicate) {
                if mentions
                    .last()
                    .is_none_or(|m: &(usize, usize, usize)| m.1 < i)
                {
                    mentions.push((i, i + len - 1, s));
                }
            }
        }
        let mut part = Vec::with_capacity(tokens.len());
        let mut n = 0u32;
        for (i, t) in tokens.iter().enumerate() {
            let clause_start = i == 0 || tokens[i - 1].clause != t.clause;
            let splits = SPLITTERS.contains(&t.stem.as_str())
                && mentions
                    .iter()
                    .any(|m| m.0 > i && m.0 <= i + SPLIT_REACH && tokens[m.0].clause == t.clause);
            n += u32::from(i > 0 && (clause_start || splits));
            part.push(n);
        }
        Binding { mentions, part }
    }

    /// The longest subject name starting at token `i`: (length, subject).
    fn mention_at(&self, tokens: &[Token], i: usize) -> Option<(usize, usize)> {
        let mut best: Option<(usize, usize)> = None;
        for (s, names) in self.names.iter().enumerate() {
            for name in names {
                let fits = tokens.len() - i >= name.len()
                    && name.iter().zip(&tokens[i..]).all(|(n, t)| *n == t.stem)
                    && name
                        .iter()
                        .enumerate()
                        .all(|(k, _)| tokens[i + k].clause == tokens[i].clause);
                if fits && best.is_none_or(|b| b.0 < name.len()) {
                    best = Some((name.len(), s));
                }
            }
        }
        best
    }
}

impl Binding {
    /// Whether `lo..=hi` lies within one part ("loc is by label and iloc is
    /// by position": "iloc ... label" does not).
    pub fn same_part(&self, lo: usize, hi: usize) -> bool {
        self.part[lo] == self.part[hi]
    }

    /// The subject the words `lo..=hi` are said of, if clear, and how many
    /// parts back it is named (0: in the same part).
    pub fn subject_of(&self, tokens: &[Token], lo: usize, hi: usize) -> Option<(usize, usize)> {
        // Words that straddle two parts, or use a subject's own name, are
        // not clearly said of anything.
        let names_one = self.mentions.iter().any(|m| m.0 <= hi && lo <= m.1);
        if self.part[lo] != self.part[hi] || names_one {
            return None;
        }
        let sentence = tokens[lo].sentence;
        let mut part = self.part[lo];
        let mut back = 0;
        loop {
            let mut found = self
                .mentions
                .iter()
                .filter(|m| self.part[m.0] == part)
                .map(|m| m.2);
            if let Some(first) = found.next() {
                return found.all(|s| s == first).then_some((first, back));
            }
            let start = self.part.iter().position(|&p| p == part)?;
            let contrast = tokens[start..]
                .iter()
                .zip(&self.part[start..])
                .take_while(|(_, p)| **p == part)
                .any(|(t, _)| CONTRASTING.contains(&t.stem.as_str()));
            if start == 0 || tokens[start - 1].sentence != sentence || contrast {
                return None;
            }
            part = self.part[start - 1];
            back += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(answer: &str, word: &str) -> Option<usize> {
        let a = Analyzer::default();
        let s = Subjects::new(
            &a,
            &[
                vec!["loc".into()],
                vec!["iloc".into(), "integer location".into()],
            ],
        );
        let text = a.analyze(answer);
        let stem = a.analyze(word).tokens[0].stem.clone();
        let at = text.tokens.iter().position(|t| t.stem == stem).unwrap();
        s.bind(&text).subject_of(&text.tokens, at, at).map(|s| s.0)
    }

    #[test]
    fn each_clause_binds_to_its_own_subject() {
        assert_eq!(
            subject("loc uses positions, iloc uses labels", "positions"),
            Some(0)
        );
        assert_eq!(
            subject("loc uses positions, iloc uses labels", "labels"),
            Some(1)
        );
        assert_eq!(
            subject("loc uses positions while iloc uses labels", "labels"),
            Some(1)
        );
    }

    #[test]
    fn and_before_another_subject_splits_the_clause() {
        assert_eq!(
            subject("loc uses positions and iloc labels", "positions"),
            Some(0)
        );
        assert_eq!(
            subject("loc uses positions and with iloc labels", "labels"),
            Some(1)
        );
    }

    #[test]
    fn a_part_without_a_subject_takes_the_one_before_it_in_the_sentence() {
        assert_eq!(
            subject("iloc is positional, so the end is excluded", "excluded"),
            Some(1)
        );
        assert_eq!(
            subject("iloc is positional. The end is excluded", "excluded"),
            None
        );
        assert_eq!(
            subject("iloc is positional, which differs from labels", "labels"),
            None
        );
    }

    #[test]
    fn a_name_after_is_is_a_predicate_not_the_subject() {
        assert_eq!(subject("what you want is iloc with labels", "labels"), None);
    }

    #[test]
    fn a_part_naming_both_subjects_binds_to_neither() {
        assert_eq!(
            subject(
                "unlike loc, the iloc indexer is not like loc with labels",
                "labels"
            ),
            None
        );
    }
}
