//! Validated question types. Constructors check every invariant the rest of
//! prepbot relies on, so rendering and grading never meet a malformed question.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Chat limits every field is kept under (see docs/question-format.md).
pub mod limits {
    pub const PROMPT: usize = 1500;
    pub const ANSWER: usize = 3000;
    pub const EXPLANATION: usize = 1000;
    pub const KEY_POINT: usize = 200;
    pub const PHRASE: usize = 60;
    pub const PHRASES: usize = 20;
    pub const OPTION_TEXT: usize = 200;
    pub const OPTION_WHY: usize = 300;
    pub const MIN_KEY_POINTS: usize = 2;
    pub const MAX_KEY_POINTS: usize = 6;
    pub const MIN_OPTIONS: usize = 2;
    pub const MAX_OPTIONS: usize = 6;
    pub const MAX_TAGS: usize = 8;
    pub const MISCONCEPTION_CLAIM: usize = 200;
    pub const MISCONCEPTION_WHY: usize = 300;
    pub const MISCONCEPTION_PHRASES: usize = 12;
    pub const MAX_MISCONCEPTIONS: usize = 4;
    pub const MIN_SUBJECTS: usize = 2;
    pub const MAX_SUBJECTS: usize = 4;
    pub const SUBJECT_NAMES: usize = 10;
    pub const SUBJECT_NAME: usize = 40;
    pub const FIXTURE_ROWS: usize = 60;
    /// The chat-sized answer a reveal leads with.
    pub const SUMMARY: usize = 300;
    /// One sentence that points the way without giving the answer away.
    pub const HINT: usize = 200;
}

/// Checks a slug: lowercase ASCII letters, digits and '-', not starting or
/// ending with '-'.
pub fn is_slug(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

macro_rules! slug_type {
    ($(#[$m:meta])* $name:ident, $min:expr, $max:expr, $what:expr) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Validates and wraps a slug.
            pub fn parse(s: &str) -> Result<Self, String> {
                if is_slug(s, $min, $max) {
                    Ok(Self(s.to_owned()))
                } else {
                    Err(format!(
                        "`{s}` is not a valid {}: use {}..={} lowercase letters, digits and '-'",
                        $what, $min, $max
                    ))
                }
            }
            /// The slug text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                Self::parse(s)
            }
        }
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

slug_type!(
    /// A question's stable id, unique across the bank and a server's custom questions.
    QuestionId, 3, 64, "question id"
);
slug_type!(
    /// A topic slug from `questions/topics.toml`.
    Topic, 2, 32, "topic"
);

/// A topic as listed in `questions/topics.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TopicInfo {
    pub slug: Topic,
    pub name: String,
    pub about: String,
}

/// How hard a question is; drives points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

impl Difficulty {
    pub const ALL: [Difficulty; 3] = [Difficulty::Easy, Difficulty::Medium, Difficulty::Hard];
    pub fn as_str(self) -> &'static str {
        match self {
            Difficulty::Easy => "easy",
            Difficulty::Medium => "medium",
            Difficulty::Hard => "hard",
        }
    }
}

impl FromStr for Difficulty {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "easy" => Ok(Self::Easy),
            "medium" => Ok(Self::Medium),
            "hard" => Ok(Self::Hard),
            _ => Err(format!(
                "unknown difficulty `{s}`: use easy, medium or hard"
            )),
        }
    }
}

impl fmt::Display for Difficulty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a question is answered and graded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Open,
    Choice,
    Truefalse,
    Sql,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Open, Format::Choice, Format::Truefalse, Format::Sql];
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Open => "open",
            Format::Choice => "choice",
            Format::Truefalse => "truefalse",
            Format::Sql => "sql",
        }
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "open" => Ok(Self::Open),
            "choice" => Ok(Self::Choice),
            "truefalse" | "true-false" | "tf" => Ok(Self::Truefalse),
            "sql" => Ok(Self::Sql),
            _ => Err(format!(
                "unknown format `{s}`: use open, choice, truefalse or sql"
            )),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One idea a good `open` answer covers, with the phrasings that count for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyPoint {
    pub point: String,
    pub phrases: Vec<String>,
    pub weight: u8,
    /// Index into the question's `subjects`: the subject this point's
    /// property belongs to, in a question that contrasts subjects.
    pub about: Option<usize>,
}

/// A common wrong claim on an `open` question, with why it is wrong.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Misconception {
    /// The wrong claim as a candidate would state it; shown in feedback.
    pub claim: String,
    /// Why it is wrong; shown in feedback.
    pub why: String,
    /// Phrasings that assert the claim, matched like key-point phrases.
    pub phrases: Vec<String>,
}

/// One option of a `choice` or `truefalse` question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChoiceOption {
    pub id: String,
    pub text: String,
    pub correct: bool,
    /// Why this option is wrong; present on every wrong option.
    pub why: Option<String>,
}

/// The data and reference solution of a `sql` question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SqlTask {
    pub schema: String,
    pub fixture: String,
    pub solution: String,
    pub order_matters: bool,
}

/// What a question asks for, by format.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum QuestionKind {
    Open {
        key_points: Vec<KeyPoint>,
        /// Common wrong claims (optional for now; see `check::REQUIRE_MISCONCEPTIONS`).
        misconceptions: Vec<Misconception>,
        /// The things a comparison question contrasts, each a list of names
        /// ("loc", ".loc"); key points bind to one with `about`.
        subjects: Vec<Vec<String>>,
    },
    Choice {
        options: Vec<ChoiceOption>,
    },
    Truefalse {
        options: Vec<ChoiceOption>,
    },
    Sql(SqlTask),
}

/// A validated question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Question {
    pub id: QuestionId,
    pub topic: Topic,
    pub tags: Vec<String>,
    pub difficulty: Difficulty,
    pub prompt: String,
    pub answer: String,
    pub explanation: String,
    pub kind: QuestionKind,
    pub source: Option<String>,
    pub version_note: Option<String>,
    /// Two or three sentences a strong candidate would say (<= 300 chars);
    /// the reveal leads with it and keeps `answer` one step away.
    pub summary: Option<String>,
    /// One sentence that points the way without giving the answer away.
    pub hint: Option<String>,
}

impl Question {
    /// The question's format.
    pub fn format(&self) -> Format {
        match self.kind {
            QuestionKind::Open { .. } => Format::Open,
            QuestionKind::Choice { .. } => Format::Choice,
            QuestionKind::Truefalse { .. } => Format::Truefalse,
            QuestionKind::Sql(_) => Format::Sql,
        }
    }

    /// The options of a `choice` or `truefalse` question; empty otherwise.
    pub fn options(&self) -> &[ChoiceOption] {
        match &self.kind {
            QuestionKind::Choice { options } | QuestionKind::Truefalse { options } => options,
            _ => &[],
        }
    }
}
