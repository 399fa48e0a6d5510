//! Phrase matching over analysed text.
//!
//! A key-point phrase is reduced to its required stems (glue words such as
//! "of" or "your" may be left out) and matches when all of them occur close
//! together in one clause, in any order. A phrase written with a negation
//! ("no replay") needs a negation cue in that window. A match is *negated*
//! when a cue governs it ("does not guarantee global order", "global order is
//! not guaranteed"); whether that counts depends on how the key point itself
//! uses the phrase (see [`Phrase::expect_negated`]).

use super::text::{Analysis, Token, GLUE, NEG, NEG_VERB, SKIP};
use std::collections::HashMap;

/// Tokens a negation cue may stand before a match and still govern it.
const NEG_REACH: usize = 3;
/// Extra tokens a phrase match may have interleaved.
const SLACK: usize = 2;

/// Stems that end a negation's reach: in "nothing runs until an action is
/// called" the action is not denied.
const SCOPE_END: &[&str] = &["until", "unless", "except", "till", "befor"];

/// Stems after a negation that keep it from negating ("not only", "not just").
const NOT_NEGATING: &[&str] = &["onli", "just", "mere", "simpli", "matter"];

/// Predicates that make "X is not <pred>" a negation of X.
const POST_PREDICATES: &[&str] = &[
    "guarante",
    "support",
    "possibl",
    "preserv",
    "maintain",
    "kept",
    "keep",
    "requir",
    "need",
    "allow",
    "enforc",
    "provid",
    "true",
    "ensur",
    "stabl",
    "safe",
    "atom",
    "consist",
    "idempot",
    "reliabl",
    "enough",
    "suffici",
    "recommend",
    "necessari",
    "use",
    "avail",
];

/// Words that make the rest of their clause hypothetical.
const HYPOTHETICAL: &[&str] = &["if", "unless", "otherwis", "when", "whenev", "suppos"];

/// One requirement of a phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Need {
    Stem(String),
    Negation,
}

/// A key-point phrase, prepared once per question.
#[derive(Debug, Clone)]
pub struct Phrase {
    needs: Vec<Need>,
    /// Exact token sequence, used when every word is skippable.
    exact: Vec<String>,
    /// Longest window (in tokens) a match may span.
    span: usize,
    /// True when the key point states this phrase negatively ("misses hard
    /// deletes"), so a negated mention is what affirms the point.
    pub expect_negated: bool,
    /// Every required word already appears in the question's prompt, so
    /// writing the phrase shows nothing ("at least once" when the prompt asks
    /// about at-least-once).
    pub echo: bool,
}

impl Phrase {
    /// Whether the phrase is written with a negation ("no replay").
    pub fn negative(&self) -> bool {
        self.needs.contains(&Need::Negation) || self.expect_negated
    }
}

/// A place where a phrase was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub lo: usize,
    pub hi: usize,
    /// An odd number of negations govern the match.
    pub negated: bool,
    /// One of them is an explicit "not", "no", "never"... (not a verb like
    /// "misses"), outside a hypothetical ("if it isn't sorted").
    pub explicit: bool,
}

impl Hit {
    /// Whether two hits share a token.
    pub fn overlaps(&self, other: &Hit) -> bool {
        self.lo <= other.hi && other.lo <= self.hi
    }
}

/// Positions of each stem in an answer, built once per answer.
pub struct Index<'a> {
    pub tokens: &'a [Token],
    at: HashMap<&'a str, Vec<usize>>,
}

impl<'a> Index<'a> {
    pub fn new(analysis: &'a Analysis) -> Self {
        let mut at: HashMap<&str, Vec<usize>> = HashMap::with_capacity(analysis.tokens.len());
        for (i, t) in analysis.tokens.iter().enumerate() {
            at.entry(t.stem.as_str()).or_default().push(i);
        }
        Self {
            tokens: &analysis.tokens,
            at,
        }
    }

    fn positions(&self, stem: &str) -> &[usize] {
        self.at.get(stem).map_or(&[], Vec::as_slice)
    }

    /// Whether `stem` occurs anywhere.
    pub fn has(&self, stem: &str) -> bool {
        self.at.contains_key(stem)
    }
}

impl Phrase {
    /// Prepares an analysed phrase. `point` is the analysed key-point text,
    /// `prompt` the indexed question prompt.
    pub fn new(phrase: &Analysis, point: &Analysis, prompt: &Index) -> Self {
        let mut needs = Vec::new();
        let mut skipped = 0;
        for t in &phrase.tokens {
            if t.is(NEG) {
                if !needs.contains(&Need::Negation) {
                    needs.push(Need::Negation);
                }
            } else if t.is(SKIP) {
                skipped += 1;
            } else {
                needs.push(Need::Stem(t.stem.clone()));
            }
        }
        let echo = needs.iter().all(|n| match n {
            Need::Stem(s) => prompt.has(s),
            Need::Negation => false,
        });
        let mut p = Self {
            span: needs.len() + skipped + SLACK,
            exact: phrase.tokens.iter().map(|t| t.stem.clone()).collect(),
            expect_negated: false,
            echo,
            needs,
        };
        if !p.needs.contains(&Need::Negation) {
            let hits = p.find(&Index::new(point));
            p.expect_negated = !hits.is_empty() && hits.iter().all(|h| h.negated);
        }
        p
    }

    /// Every place the phrase occurs in the indexed answer.
    pub fn find(&self, index: &Index) -> Vec<Hit> {
        let Some((k, anchor)) = self.needs.iter().enumerate().find_map(|(k, n)| match n {
            Need::Stem(s) => Some((k, s)),
            Need::Negation => None,
        }) else {
            return self.find_exact(index);
        };
        let own = self.needs.contains(&Need::Negation);
        let mut hits: Vec<Hit> = Vec::new();
        for &p in index.positions(anchor) {
            if let Some((lo, hi)) = self.window_at(index, p, k) {
                if hits.last().is_none_or(|h| h.hi < lo) {
                    hits.push(hit(index.tokens, lo, hi, own));
                }
            }
        }
        hits
    }

    fn find_exact(&self, index: &Index) -> Vec<Hit> {
        let n = self.exact.len();
        if n == 0 || index.tokens.len() < n {
            return vec![];
        }
        (0..=index.tokens.len() - n)
            .filter(|&i| (0..n).all(|k| index.tokens[i + k].stem == self.exact[k]))
            .map(|i| hit(index.tokens, i, i + n - 1, false))
            .collect()
    }

    /// The window around position `p` (where need `anchor` is) holding every need.
    fn window_at(&self, index: &Index, p: usize, anchor: usize) -> Option<(usize, usize)> {
        let clause = index.tokens[p].clause;
        let reach = self.span - 1;
        let from = p.saturating_sub(reach);
        let to = (p + reach).min(index.tokens.len() - 1);
        let mut used = vec![p];
        for (k, need) in self.needs.iter().enumerate() {
            if k == anchor {
                continue;
            }
            let found = match need {
                Need::Stem(s) => nearest(index.positions(s), p, from, to, &used),
                Need::Negation => (from..=to)
                    .filter(|&i| index.tokens[i].is(NEG))
                    .min_by_key(|&i| i.abs_diff(p)),
            }?;
            if index.tokens[found].clause != clause {
                return None;
            }
            used.push(found);
        }
        let (lo, hi) = (*used.iter().min()?, *used.iter().max()?);
        (hi - lo < self.span).then_some((lo, hi))
    }
}

/// The unused position in sorted `ps` within `from..=to` closest to `p`.
fn nearest(ps: &[usize], p: usize, from: usize, to: usize, used: &[usize]) -> Option<usize> {
    ps.iter()
        .copied()
        .filter(|&q| q >= from && q <= to && !used.contains(&q))
        .min_by_key(|&q| q.abs_diff(p))
}

/// Builds a hit for the match `lo..=hi`, counting the negations that govern
/// it. `own_negation`: the phrase contains one, so one cue inside belongs to it.
fn hit(tokens: &[Token], lo: usize, hi: usize, own_negation: bool) -> Hit {
    let clause = tokens[lo].clause;
    let is_cue = |i: usize| {
        let t = &tokens[i];
        let next = tokens.get(i + 1).map(|n| n.stem.as_str());
        let neg = t.is(NEG) && !next.is_some_and(|n| NOT_NEGATING.contains(&n));
        // "without" governs only the word right after it.
        let neg = neg && (t.stem != "without" || i + 1 == lo);
        (neg, t.is(NEG_VERB))
    };
    let (mut count, mut explicit) = (0usize, false);
    let inside = (lo..=hi).filter(|&i| tokens[i].is(NEG)).count();
    if inside > usize::from(own_negation) {
        count += inside - usize::from(own_negation);
        explicit = true;
    }
    let scoped = |i: usize| {
        !tokens[i + 1..=hi]
            .iter()
            .any(|t| SCOPE_END.contains(&t.stem.as_str()))
    };
    for i in (lo.saturating_sub(NEG_REACH)..lo).filter(|&i| tokens[i].clause == clause && scoped(i))
    {
        let (neg, verb) = is_cue(i);
        if neg || verb {
            count += 1;
            explicit |= neg;
        }
    }
    if negated_after(tokens, hi, clause) {
        count += 1;
        explicit = true;
    }
    // "if the files aren't sorted": a hypothetical, not a claim.
    let hypothetical = tokens[..lo]
        .iter()
        .rev()
        .take_while(|t| t.clause == clause)
        .any(|t| HYPOTHETICAL.contains(&t.stem.as_str()));
    Hit {
        lo,
        hi,
        negated: count % 2 == 1,
        explicit: explicit && !hypothetical,
    }
}

/// "global order is not guaranteed": a negation right after the match,
/// followed by a predicate about it.
fn negated_after(tokens: &[Token], hi: usize, clause: u32) -> bool {
    let end = (hi + 4).min(tokens.len());
    (hi + 1..end)
        .filter(|&i| {
            tokens[i].clause == clause && matches!(tokens[i].stem.as_str(), "not" | "never")
        })
        .any(|i| {
            tokens[i + 1..(i + 3).min(tokens.len())]
                .iter()
                .filter(|t| t.clause == clause)
                .any(|t| POST_PREDICATES.contains(&t.stem.as_str()) && !t.is(GLUE))
        })
}

#[cfg(test)]
mod tests;
