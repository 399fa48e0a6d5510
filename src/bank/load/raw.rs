//! First pass over a bank file: TOML into raw records that remember the line
//! of every key. Unknown keys, missing keys and values of the wrong TOML type
//! are all reported here, each at its own line, and reading goes on after a
//! problem so that one run shows everything.

mod fields;

use fields::Fields;
use toml_edit::{ImDocument, TableLike};

/// A value and the 1-based line it was written on.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct At<T> {
    pub value: T,
    pub line: usize,
}

/// Problems found so far, each with its line.
#[derive(Debug, Default)]
pub(crate) struct Problems(pub Vec<(usize, String)>);

impl Problems {
    pub fn push(&mut self, line: usize, msg: impl Into<String>) {
        self.0.push((line, msg.into()));
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Keys a `[[question]]` table may have.
const QUESTION_KEYS: &[&str] = &[
    "id",
    "topic",
    "tags",
    "difficulty",
    "format",
    "prompt",
    "answer",
    "explanation",
    "source",
    "version_note",
    "short_answer",
    "key_points",
    "options",
    "schema",
    "fixture",
    "solution",
    "order_matters",
    "subjects",
    "misconceptions",
    "summary",
    "hint",
];
const KEY_POINT_KEYS: &[&str] = &["point", "phrases", "weight", "about"];
const MISCONCEPTION_KEYS: &[&str] = &["claim", "why", "phrases"];
const OPTION_KEYS: &[&str] = &["id", "text", "correct", "why"];

/// One `[[question]]` table as written.
#[derive(Debug, Default)]
pub(crate) struct RawQuestion {
    pub line: usize,
    /// Problems found while reading this question.
    pub problems: Problems,
    pub id: Option<At<String>>,
    pub topic: Option<At<String>>,
    pub tags: Option<At<Vec<String>>>,
    pub difficulty: Option<At<String>>,
    pub format: Option<At<String>>,
    pub prompt: Option<At<String>>,
    pub answer: Option<At<String>>,
    pub explanation: Option<At<String>>,
    pub source: Option<At<String>>,
    pub version_note: Option<At<String>>,
    pub short_answer: Option<At<bool>>,
    pub key_points: Option<At<Vec<RawKeyPoint>>>,
    pub options: Option<At<Vec<RawOption>>>,
    pub schema: Option<At<String>>,
    pub fixture: Option<At<String>>,
    pub solution: Option<At<String>>,
    pub order_matters: Option<At<bool>>,
    pub subjects: Option<At<Vec<Vec<String>>>>,
    pub misconceptions: Option<At<Vec<RawMisconception>>>,
    pub summary: Option<At<String>>,
    pub hint: Option<At<String>>,
}

/// One `[[question.misconceptions]]` table as written.
#[derive(Debug, Default)]
pub(crate) struct RawMisconception {
    pub line: usize,
    pub claim: Option<At<String>>,
    pub why: Option<At<String>>,
    pub phrases: Option<At<Vec<String>>>,
}

/// One `[[question.key_points]]` table as written.
#[derive(Debug, Default)]
pub(crate) struct RawKeyPoint {
    pub line: usize,
    pub point: Option<At<String>>,
    pub phrases: Option<At<Vec<String>>>,
    pub weight: Option<At<i64>>,
    pub about: Option<At<String>>,
}

/// One `[[question.options]]` table as written.
#[derive(Debug, Default)]
pub(crate) struct RawOption {
    pub line: usize,
    pub id: Option<At<String>>,
    pub text: Option<At<String>>,
    pub correct: Option<At<bool>>,
    pub why: Option<At<String>>,
}

/// Where each line of a text starts, so the line of a byte offset is a
/// binary search. Counting newlines from the start for every key made
/// loading quadratic in the file size (issue item 5).
#[derive(Debug)]
pub(crate) struct Lines {
    /// Byte offsets of every '\n', ascending.
    newlines: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Self {
        let newlines = text
            .bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .map(|(i, _)| i)
            .collect();
        Self { newlines }
    }

    /// 1-based line number of a byte offset (offsets past the end count as
    /// the last line).
    pub fn line(&self, offset: usize) -> usize {
        self.newlines.partition_point(|&nl| nl < offset) + 1
    }
}

/// 1-based line number of a byte offset, for a one-off lookup.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    Lines::new(text).line(offset)
}

/// Parses a bank file into raw questions. A TOML syntax error is the only
/// problem that stops reading (nothing after it can be trusted).
pub(crate) fn parse_file(text: &str, p: &mut Problems) -> Vec<RawQuestion> {
    let doc = match ImDocument::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
            p.push(line, format!("invalid TOML: {}", e.message().trim()));
            return Vec::new();
        }
    };
    let lines = Lines::new(text);
    let root = doc.as_table();
    let mut fields = Fields::new(&lines, root, 1, p);
    fields.unknown(
        &["question"],
        "at the top level (each question starts with `[[question]]`)",
    );
    fields
        .tables("question")
        .map(|at| at.value)
        .unwrap_or_default()
        .into_iter()
        .map(|(line, t)| question(&lines, t, line))
        .collect()
}

fn question(lines: &Lines, t: &dyn TableLike, line: usize) -> RawQuestion {
    let mut problems = Problems::default();
    let p = &mut problems;
    let mut f = Fields::new(lines, t, line, p);
    f.unknown(QUESTION_KEYS, "on a question");
    let mut q = RawQuestion {
        line,
        id: f.required_string("id"),
        topic: f.required_string("topic"),
        tags: f.strings("tags"),
        difficulty: f.required_string("difficulty"),
        format: f.required_string("format"),
        prompt: f.required_string("prompt"),
        answer: f.required_string("answer"),
        explanation: f.required_string("explanation"),
        source: f.string("source"),
        version_note: f.string("version_note"),
        short_answer: f.boolean("short_answer"),
        schema: f.string("schema"),
        fixture: f.string("fixture"),
        solution: f.string("solution"),
        order_matters: f.boolean("order_matters"),
        subjects: f.string_lists("subjects"),
        summary: f.string("summary"),
        hint: f.string("hint"),
        ..RawQuestion::default()
    };
    let key_points = f.tables("key_points");
    let options = f.tables("options");
    let misconceptions = f.tables("misconceptions");
    q.key_points = key_points.map(|at| At {
        line: at.line,
        value: at
            .value
            .into_iter()
            .map(|(l, t)| key_point(lines, t, l, p))
            .collect(),
    });
    q.options = options.map(|at| At {
        line: at.line,
        value: at
            .value
            .into_iter()
            .map(|(l, t)| option(lines, t, l, p))
            .collect(),
    });
    q.misconceptions = misconceptions.map(|at| At {
        line: at.line,
        value: at
            .value
            .into_iter()
            .map(|(l, t)| misconception(lines, t, l, p))
            .collect(),
    });
    q.problems = problems;
    q
}

fn misconception(
    lines: &Lines,
    t: &dyn TableLike,
    line: usize,
    p: &mut Problems,
) -> RawMisconception {
    let mut f = Fields::new(lines, t, line, p);
    f.unknown(MISCONCEPTION_KEYS, "on a misconception");
    RawMisconception {
        line,
        claim: f.required_string("claim"),
        why: f.required_string("why"),
        phrases: f.strings("phrases"),
    }
}

fn key_point(lines: &Lines, t: &dyn TableLike, line: usize, p: &mut Problems) -> RawKeyPoint {
    let mut f = Fields::new(lines, t, line, p);
    f.unknown(KEY_POINT_KEYS, "on a key point");
    RawKeyPoint {
        line,
        point: f.required_string("point"),
        phrases: f.strings("phrases"),
        weight: f.integer("weight"),
        about: f.string("about"),
    }
}

fn option(lines: &Lines, t: &dyn TableLike, line: usize, p: &mut Problems) -> RawOption {
    let mut f = Fields::new(lines, t, line, p);
    f.unknown(OPTION_KEYS, "on an option");
    RawOption {
        line,
        id: f.required_string("id"),
        text: f.required_string("text"),
        correct: f.required_bool("correct"),
        why: f.string("why"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The old way: count the newlines before the offset.
    fn counted(text: &str, offset: usize) -> usize {
        text.as_bytes()[..offset.min(text.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    #[test]
    fn the_line_index_agrees_with_counting_newlines_at_every_offset() {
        let text = "a = 1\n\nprompt = \"Ελληνικά 日本語 🐍\"\r\nx\n\n";
        let lines = Lines::new(text);
        for offset in 0..=text.len() + 3 {
            assert_eq!(lines.line(offset), counted(text, offset), "offset {offset}");
        }
        assert_eq!(Lines::new("").line(0), 1);
    }

    #[test]
    fn problems_deep_in_a_large_file_are_reported_at_their_own_lines() {
        let one = |i: usize| {
            format!(
                "[[question]]\nid = \"q-{i:05}\"\ntopic = \"t\"\ndifficulty = \"easy\"\n\
                 format = \"open\"\nprompt = \"p\"\nanswer = \"a\"\nexplanation = \"e\"\n"
            )
        };
        let mut text: String = (0..3000).map(one).collect();
        // 3000 questions of 8 lines: the new key is on line 24,001.
        text.push_str("[[question]]\nbogus = 1\n");
        let mut p = Problems::default();
        let raws = parse_file(&text, &mut p);
        assert_eq!(raws.len(), 3001);
        assert_eq!(raws[2999].line, 23_993);
        assert_eq!(raws[3000].line, 24_001);
        let last = &raws[3000].problems.0;
        assert!(
            last.contains(&(24_002, "unknown key `bogus` on a question".into())),
            "{last:?}"
        );
    }
}
