//! Reading bank files: TOML into raw structs, then validation into
//! [`Question`]s. Every problem is reported as `file:line: what is wrong`, and
//! all problems in a file are collected, not just the first.

mod raw;
mod rubric;
mod validate;

use super::types::*;
use super::Bank;
use raw::{line_of, Problems};
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// One problem found in a bank file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankIssue {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl BankIssue {
    pub fn new(file: impl Into<String>, line: usize, message: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for BankIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// Why a bank could not be loaded: every issue found.
#[derive(Debug, thiserror::Error)]
#[error("{} problem(s) in the question bank:\n{}", .0.len(), render(.0))]
pub struct LoadError(pub Vec<BankIssue>);

fn render(issues: &[BankIssue]) -> String {
    issues
        .iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A valid question and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    pub question: Question,
    /// The file, as given to the loader.
    pub file: String,
    /// The line of its `[[question]]` header.
    pub line: usize,
    /// The line of its `solution` key (sql questions), else the header line.
    pub solution_line: usize,
}

/// Everything found in a bank folder: the valid questions and every problem.
#[derive(Debug, Default)]
pub struct Scan {
    pub topics: Vec<TopicInfo>,
    /// Valid questions, in load order (file name, then position in the file).
    pub questions: Vec<Located>,
    /// Problems, in file order; a question with problems is not in `questions`.
    pub issues: Vec<BankIssue>,
    /// The question files read (not counting topics.toml).
    pub files: Vec<String>,
}

/// A bank folder that cannot be read at all (as opposed to one with problems).
#[derive(Debug, thiserror::Error)]
#[error("cannot read {}", .path.display())]
pub struct ScanError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopics {
    topic: Vec<TopicInfo>,
}

/// Reads `dir/topics.toml` and every other `*.toml` in `dir` (sorted by name),
/// collecting every problem. When topics.toml itself is broken, its problems
/// are reported and the question files are not read.
pub fn scan_dir(dir: &Path) -> Result<Scan, ScanError> {
    let topics_path = dir.join("topics.toml");
    let topics = read(&topics_path)?;
    let mut files = Vec::new();
    let (paths, unreadable) = question_files(dir, &topics_path)?;
    for path in paths {
        let text = match std::fs::read_to_string(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => None,
            other => Some(other.map_err(|source| ScanError {
                path: path.clone(),
                source,
            })?),
        };
        files.push((path.display().to_string(), text));
    }
    let mut scan = scan_texts((&topics_path.display().to_string(), &topics), files);
    for path in unreadable {
        let why = "not a regular file (a pipe, a device or a broken link), so it was not read";
        scan.issues
            .push(BankIssue::new(path.display().to_string(), 1, why));
    }
    Ok(scan)
}

/// The scan of texts already read: `topics` is `(file, text)` of topics.toml,
/// `files` the question files in order (`None`: not valid UTF-8).
pub fn scan_texts(topics: (&str, &str), files: Vec<(String, Option<String>)>) -> Scan {
    let mut scan = Scan::default();
    match parse_topics(topics.0, topics.1) {
        Ok(topics) => scan.topics = topics,
        Err(LoadError(issues)) => {
            scan.issues = issues;
            return scan;
        }
    }
    for (file, text) in files {
        match text {
            None => scan
                .issues
                .push(BankIssue::new(&file, 1, "the file is not valid UTF-8")),
            Some(text) => {
                let (mut qs, mut issues) = scan_str(&file, &text, &scan.topics);
                scan.questions.append(&mut qs);
                scan.issues.append(&mut issues);
            }
        }
        scan.files.push(file);
    }
    let dups = duplicate_ids(&scan.questions);
    scan.issues.extend(dups);
    scan
}

/// The `*.toml` files besides topics.toml, sorted: those that are regular
/// files (or links to one), and the rest, which are named as problems
/// rather than read (reading a named pipe or a device waits forever or
/// never ends).
fn question_files(
    dir: &Path,
    topics_path: &Path,
) -> Result<(Vec<PathBuf>, Vec<PathBuf>), ScanError> {
    let entries = std::fs::read_dir(dir).map_err(|source| ScanError {
        path: dir.to_owned(),
        source,
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p != topics_path)
        .collect();
    files.sort();
    Ok(files
        .into_iter()
        .partition(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file())))
}

/// Loads a bank folder, failing with every problem if there is any.
pub fn load_dir(dir: &Path) -> Result<Bank, LoadError> {
    let scan = scan_dir(dir).map_err(|e| {
        LoadError(vec![BankIssue::new(
            e.path.display().to_string(),
            0,
            e.to_string(),
        )])
    })?;
    bank_of(scan)
}

/// The bank of a scan, failing with every problem if there is any.
pub fn bank_of(scan: Scan) -> Result<Bank, LoadError> {
    if !scan.issues.is_empty() {
        return Err(LoadError(scan.issues));
    }
    let questions = scan.questions.into_iter().map(|l| l.question).collect();
    Bank::new(scan.topics, questions).map_err(|i| LoadError(vec![i]))
}

fn duplicate_ids(questions: &[Located]) -> Vec<BankIssue> {
    let mut seen = std::collections::HashMap::new();
    let mut issues = Vec::new();
    for l in questions {
        let id = &l.question.id;
        if let Some((f0, l0)) = seen.insert(id.clone(), (&l.file, l.line)) {
            let msg = format!("duplicate question id `{id}` (first at {f0}:{l0})");
            issues.push(BankIssue::new(l.file.clone(), l.line, msg));
            seen.insert(id.clone(), (f0, l0));
        }
    }
    issues
}

fn read(path: &Path) -> Result<String, ScanError> {
    std::fs::read_to_string(path).map_err(|source| ScanError {
        path: path.to_owned(),
        source,
    })
}

/// Longest topic name, in characters: with its slug (at most 32) it is
/// shown as "Name (slug)", which must fit Discord's 100-character
/// autocomplete choice.
pub const MAX_TOPIC_NAME: usize = 60;

/// Parses `topics.toml`.
pub fn parse_topics(file: &str, text: &str) -> Result<Vec<TopicInfo>, LoadError> {
    let topics = toml::from_str::<RawTopics>(text)
        .map(|t| t.topic)
        .map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(0);
            LoadError(vec![BankIssue::new(
                file,
                line,
                e.message().trim().to_owned(),
            )])
        })?;
    let issues: Vec<BankIssue> = topics
        .iter()
        .filter(|t| {
            let n = t.name.trim().chars().count();
            n == 0 || n > MAX_TOPIC_NAME || t.name.chars().any(char::is_control)
        })
        .map(|t| {
            let line = text.find(&format!("\"{}\"", t.slug)).map_or(0, |at| line_of(text, at));
            let msg = format!("topic `{}`: its name must be 1 to {MAX_TOPIC_NAME} characters, without control characters", t.slug);
            BankIssue::new(file, line, msg)
        })
        .collect();
    match issues.is_empty() {
        true => Ok(topics),
        false => Err(LoadError(issues)),
    }
}

/// Parses and validates one bank file's text. `file` names it in messages.
pub fn load_str(file: &str, text: &str, topics: &[TopicInfo]) -> Result<Vec<Located>, LoadError> {
    let (questions, issues) = scan_str(file, text, topics);
    if issues.is_empty() {
        Ok(questions)
    } else {
        Err(LoadError(issues))
    }
}

/// Parses and validates one bank file's text, returning the valid questions
/// and every problem. Duplicate ids are checked across the folder by [`scan_dir`].
pub fn scan_str(file: &str, text: &str, topics: &[TopicInfo]) -> (Vec<Located>, Vec<BankIssue>) {
    let mut file_problems = Problems::default();
    let raws = raw::parse_file(text, &mut file_problems);
    let mut issues: Vec<BankIssue> = file_problems
        .0
        .into_iter()
        .map(|(line, msg)| BankIssue::new(file, line, msg))
        .collect();
    let mut out = Vec::new();
    for mut raw in raws {
        let line = raw.line;
        let solution_line = raw.solution.as_ref().map_or(line, |s| s.line);
        let label = raw
            .id
            .as_ref()
            .map(|id| format!("question `{}`: ", id.value));
        let mut p = std::mem::take(&mut raw.problems);
        match validate::validate(raw, topics, &mut p) {
            Some(question) if p.is_empty() => out.push(Located {
                question,
                file: file.to_owned(),
                line,
                solution_line,
            }),
            _ => issues.extend(p.0.into_iter().map(|(l, msg)| {
                BankIssue::new(file, l, format!("{}{msg}", label.as_deref().unwrap_or("")))
            })),
        }
    }
    issues.sort_by_key(|i| i.line);
    (out, issues)
}
