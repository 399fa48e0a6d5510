//! Text analysis for free-text grading: Unicode and case normalisation,
//! contractions, British/American spelling, stemming, and per-token flags
//! (glue word, negation cue) plus clause and segment numbers that the
//! matcher uses for negation scope and the stuffing check.
//!
//! Both the key-point phrases and the answers go through the same
//! [`Analyzer::analyze`], so whatever it does to a word it does on both sides.

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Token is a glue (function) word: it makes sentences, not meaning.
pub const GLUE: u8 = 1;
/// Token negates what follows: not, no, never, without...
pub const NEG: u8 = 2;
/// Token is a verb with negative meaning: misses, loses, lacks...
pub const NEG_VERB: u8 = 4;
/// Token may be left out when matching a phrase (of, to, is, ...).
pub const SKIP: u8 = 8;

/// One analysed word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Normalised, stemmed form.
    pub stem: String,
    /// Clause number: punctuation and contrast words (but, whereas) start a new one.
    pub clause: u32,
    /// Segment number: punctuation only (commas, full stops, line breaks).
    pub segment: u32,
    /// Sentence number: full stops, `!`, `?` and line breaks only.
    pub sentence: u32,
    /// [`GLUE`], [`NEG`], [`NEG_VERB`], [`SKIP`] bits.
    pub flags: u8,
}

impl Token {
    pub fn is(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

/// Word counts of one segment (text between commas, full stops, line breaks).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Segment {
    pub words: u32,
    /// Glue words among them, articles included.
    pub glue: u32,
    /// Holds `=` or `->`: a note that relates two things ("lake = raw
    /// files"), which is a statement even without glue words.
    pub relation: bool,
}

/// Analysed text. Articles are dropped from `tokens` but counted in `words`.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub tokens: Vec<Token>,
    /// Words written, articles included.
    pub words: usize,
    /// Indexed by [`Token::segment`]; empty segments have zero words.
    pub segments: Vec<Segment>,
    /// The text holds code (a call such as `df.drop_duplicates(`): commas
    /// and dots there do not make it a keyword list.
    pub code: bool,
}

const ARTICLES: &[&str] = &["a", "an", "the"];

const NEGATIONS: &[&str] = &[
    "not", "no", "never", "without", "neither", "nor", "none", "nothing", "nobody", "cannot",
];

const NEG_VERBS: &[&str] = &[
    "miss",
    "misses",
    "missed",
    "missing",
    "lose",
    "loses",
    "lost",
    "losing",
    "lack",
    "lacks",
    "lacking",
    "lacked",
    "fail",
    "fails",
    "failed",
    "avoid",
    "avoids",
    "avoided",
    "prevent",
    "prevents",
    "prevented",
    "eliminate",
    "eliminates",
];

/// Words a phrase match may leave out.
const SKIPPABLE: &[&str] = &[
    "of", "to", "in", "on", "at", "for", "with", "by", "from", "as", "is", "are", "be", "been",
    "was", "were", "it", "its", "your", "you", "their", "they", "them", "this", "that", "these",
    "those", "and", "or", "do", "does", "did", "has", "have", "had", "can", "will", "would",
    "should", "into", "onto", "we", "our", "own",
];

/// Function words: their share tells sentences from keyword lists.
const GLUE_WORDS: &[&str] = &[
    "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "has", "have",
    "had", "can", "could", "will", "would", "shall", "should", "may", "might", "must", "to", "of",
    "in", "on", "at", "for", "with", "by", "from", "as", "into", "onto", "about", "over", "under",
    "between", "through", "than", "then", "that", "which", "who", "whom", "whose", "this", "these",
    "those", "it", "its", "they", "them", "their", "there", "here", "we", "you", "your", "i", "my",
    "me", "he", "she", "his", "her", "our", "us", "and", "or", "but", "so", "because", "if",
    "when", "while", "where", "whereas", "since", "also", "just", "only", "not", "no", "nor",
    "never", "very", "each", "every", "all", "any", "some", "such", "via", "per", "both", "either",
    "what", "how", "why", "a", "an", "the", "up", "out", "until", "after", "before", "once",
    "more", "less", "most", "too", "other", "without",
];

/// Words that start a new clause for negation scope.
const CONTRAST: &[&str] = &[
    "but", "whereas", "however", "although", "though", "while", "yet",
];

/// Contractions written without an apostrophe.
const BARE_NOTS: &[(&str, &str)] = &[
    ("doesnt", "does"),
    ("dont", "do"),
    ("isnt", "is"),
    ("cant", "can"),
    ("wont", "will"),
    ("arent", "are"),
    ("wasnt", "was"),
    ("werent", "were"),
    ("didnt", "did"),
    ("hasnt", "has"),
    ("havent", "have"),
    ("shouldnt", "should"),
    ("wouldnt", "would"),
    ("couldnt", "could"),
    ("cannot", "can"),
];

/// Abbreviations and variants mapped to one stem after stemming.
const SYNONYMS: &[(&str, &str)] = &[
    ("db", "databas"),
    ("dbs", "databas"),
    ("msg", "messag"),
    ("msgs", "messag"),
    ("txn", "transact"),
    ("dedupl", "dedup"),
    ("deduped", "dedup"),
    ("dedupes", "dedup"),
    ("ack", "acknowledg"),
    ("acked", "acknowledg"),
    ("ttls", "ttl"),
    ("prio", "prioriti"),
    ("goe", "go"),
    ("retain", "keep"),
    ("preserv", "keep"),
    ("maintain", "keep"),
    ("stay", "keep"),
    ("remain", "keep"),
    ("kept", "keep"),
];

/// Normalises, splits, stems and flags text.
pub struct Analyzer {
    stemmer: Stemmer,
}

impl Default for Analyzer {
    fn default() -> Self {
        Self {
            stemmer: Stemmer::create(Algorithm::English),
        }
    }
}

/// NFKD, drop accents, lower-case, unify apostrophes.
pub fn normalise(text: &str) -> String {
    text.nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{02bc}' | '`' | '\u{00b4}' => '\'',
            c => c,
        })
        .collect()
}

/// How a non-word character separates words.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Break {
    None,
    Segment,
    Sentence,
}

fn break_of(c: char, next: Option<char>, word: &str) -> Break {
    match c {
        '!' | '?' | '\n' | '•' => Break::Sentence,
        ',' | ';' | ':' | '·' | '|' => Break::Segment,
        '.' => {
            let at_end = next.is_none_or(char::is_whitespace);
            let abbrev = matches!(word, "e.g" | "eg" | "i.e" | "ie" | "etc" | "vs" | "g" | "e");
            if at_end && !abbrev {
                Break::Sentence
            } else {
                Break::None
            }
        }
        _ => Break::None,
    }
}

/// Whether `c` joins the word being built (digits keep "1,000" and "0.75").
fn joins(c: char, prev: Option<char>, next: Option<char>) -> bool {
    let digit = |o: Option<char>| o.is_some_and(|c| c.is_ascii_digit());
    let alnum = |o: Option<char>| o.is_some_and(char::is_alphanumeric);
    c.is_alphanumeric()
        || ((c == ',' || c == '.') && digit(prev) && digit(next))
        || (c == '\'' && alnum(prev) && alnum(next))
}

impl Analyzer {
    /// Analyses `text` into flagged, stemmed tokens.
    pub fn analyze(&self, text: &str) -> Analysis {
        let text = normalise(text);
        let chars: Vec<char> = text.chars().collect();
        let mut out = Analysis {
            code: chars
                .windows(2)
                .any(|w| w[1] == '(' && (w[0].is_alphanumeric() || w[0] == '_')),
            ..Analysis::default()
        };
        let mut state = (0u32, 0u32, 0u32); // (clause, segment, sentence)
        let mut word = String::new();
        let mut last_word = String::new();
        for i in 0..chars.len() {
            let (c, prev, next) = (
                chars[i],
                i.checked_sub(1).map(|j| chars[j]),
                chars.get(i + 1).copied(),
            );
            if joins(c, prev, next) {
                word.push(c);
                continue;
            }
            if !word.is_empty() {
                self.push_word(&word, &mut state, &mut out);
                last_word = std::mem::take(&mut word);
            }
            if c == '=' || (c == '-' && next == Some('>')) {
                let seg = state.1 as usize;
                if out.segments.len() <= seg {
                    out.segments.resize(seg + 1, Segment::default());
                }
                out.segments[seg].relation = true;
            }
            let b = break_of(c, next, &last_word);
            if b != Break::None {
                state.0 += 1;
                state.1 += 1;
                state.2 += u32::from(b == Break::Sentence);
                last_word.clear();
            }
        }
        if !word.is_empty() {
            self.push_word(&word, &mut state, &mut out);
        }
        out
    }

    fn push_word(&self, word: &str, state: &mut (u32, u32, u32), out: &mut Analysis) {
        out.words += 1;
        let seg = state.1 as usize;
        if out.segments.len() <= seg {
            out.segments.resize(seg + 1, Segment::default());
        }
        out.segments[seg].words += 1;
        if GLUE_WORDS.contains(&word) {
            out.segments[seg].glue += 1;
        }
        if ARTICLES.contains(&word) {
            return;
        }
        let word = if word.starts_with(|c: char| c.is_ascii_digit()) && word.contains(',') {
            std::borrow::Cow::Owned(word.replace(',', ""))
        } else {
            std::borrow::Cow::Borrowed(word)
        };
        let word = word.as_ref();
        if CONTRAST.contains(&word) {
            state.0 += 1;
        }
        for w in split_contraction(word) {
            let flags = flags_of(&w);
            let stem = self.stem(&w);
            out.tokens.push(Token {
                stem,
                clause: state.0,
                segment: state.1,
                sentence: state.2,
                flags,
            });
        }
    }

    /// The stem of one normalised word, after spelling and synonym mapping.
    fn stem(&self, word: &str) -> String {
        let word = americanise(word);
        let stem = self.stemmer.stem(&word);
        match SYNONYMS.iter().find(|(from, _)| *from == stem) {
            Some((_, to)) => (*to).to_owned(),
            None => stem.into_owned(),
        }
    }
}

fn flags_of(w: &str) -> u8 {
    let mut flags = 0;
    if GLUE_WORDS.contains(&w) {
        flags |= GLUE;
    }
    if NEGATIONS.contains(&w) {
        flags |= NEG;
    }
    if NEG_VERBS.contains(&w) {
        flags |= NEG_VERB;
    }
    if SKIPPABLE.contains(&w) {
        flags |= SKIP;
    }
    flags
}

/// "doesn't" -> ["does", "not"]; "kafka's" -> ["kafka"]; "dont" -> ["do", "not"].
fn split_contraction(word: &str) -> Vec<String> {
    if let Some(&(_, base)) = BARE_NOTS.iter().find(|(w, _)| *w == word) {
        return vec![base.to_owned(), "not".to_owned()];
    }
    let Some(pos) = word.find('\'') else {
        return vec![word.to_owned()];
    };
    if let Some(base) = word.strip_suffix("n't") {
        let base = match base {
            "ca" => "can",
            "wo" => "will",
            "sha" => "shall",
            "ai" => "is",
            b => b,
        };
        return vec![base.to_owned(), "not".to_owned()];
    }
    let suffix = &word[pos + 1..];
    if matches!(suffix, "s" | "re" | "ll" | "ve" | "d" | "m" | "t") {
        vec![word[..pos].to_owned()]
    } else {
        vec![word.replace('\'', "")]
    }
}

/// British to American spelling, so "normalise" and "normalize" agree.
fn americanise(word: &str) -> std::borrow::Cow<'_, str> {
    const ISE: &[(&str, &str)] = &[
        ("isation", "ization"),
        ("isations", "izations"),
        ("ise", "ize"),
        ("ised", "ized"),
        ("ises", "izes"),
        ("ising", "izing"),
        ("yse", "yze"),
        ("ysed", "yzed"),
        ("ysing", "yzing"),
    ];
    if word.len() >= 6 {
        for (from, to) in ISE {
            if let Some(base) = word.strip_suffix(from) {
                return format!("{base}{to}").into();
            }
        }
        if let Some(i) = word[1..].find("our").map(|i| i + 1) {
            return format!("{}or{}", &word[..i], &word[i + 3..]).into();
        }
    }
    word.into()
}

#[cfg(test)]
mod tests;
