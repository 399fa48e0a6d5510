//! `bank import`: converts other trivia formats into bank files.
//!
//! Each importer turns its input into [`Draft`]s (a question plus a label
//! naming the input entry it came from). Every draft is then validated with
//! the bank's own loader, so a converted file always passes `bank check`. A
//! bad entry is skipped and listed with its reason; only a malformed file, or
//! one with no valid entry, is refused, and then nothing is written. See the
//! "Importing" section of docs/question-format.md for the mappings.

mod opentdb;
mod red;
mod write;

pub use write::{to_toml, write_atomic};

use super::load::{load_str, parse_topics, scan_dir, Located};
use super::types::{Difficulty, Question, QuestionId, Topic, TopicInfo};
use std::fmt;
use std::path::{Path, PathBuf};
use unicode_normalization::UnicodeNormalization;

/// The input formats `bank import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// A Red-DiscordBot trivia list (YAML).
    Red,
    /// An Open Trivia DB API response (JSON).
    Opentdb,
}

impl ImportFormat {
    /// Prefix of the ids and of the output file name.
    pub fn prefix(self) -> &'static str {
        match self {
            ImportFormat::Red => "red",
            ImportFormat::Opentdb => "opentdb",
        }
    }
}

/// Choices the input does not make.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Topic of every imported question; must be in the bank's topics.toml.
    pub topic: Topic,
    /// Difficulty of Red questions (overrides CONFIG `difficulty`; default medium).
    pub difficulty: Option<Difficulty>,
    /// Replace an existing output file.
    pub force: bool,
}

/// One converted question and the input entry it came from.
#[derive(Debug, Clone)]
pub struct Draft {
    /// Names the input entry in error messages, e.g. `results[3] "What is…"`.
    pub entry: String,
    pub question: Question,
}

/// A converted input: its questions, the attribution for the file header,
/// and the entries left out.
#[derive(Debug, Clone, Default)]
pub struct Converted {
    pub header: String,
    pub drafts: Vec<Draft>,
    /// Entries left out, each with its reason.
    pub skipped: Vec<String>,
    /// Things accepted with a caveat (a repeated key, no author).
    pub warnings: Vec<String>,
}

/// Why an import failed. Nothing is written when it does.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {}", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{file}: {message}")]
    Malformed { file: String, message: String },
    #[error("{file}: no valid entry; {} bad entr{}:\n{}", .entries.len(), if .entries.len() == 1 { "y" } else { "ies" }, lines(.entries))]
    NoValidEntry { file: String, entries: Vec<String> },
    #[error("{}: {message}", .path.display())]
    Bank { path: PathBuf, message: String },
    #[error("{} already exists; pass --force to replace it", .0.display())]
    Exists(PathBuf),
    #[error("--difficulty applies to Red lists only: Open Trivia DB entries carry their own")]
    DifficultyNotApplicable,
}

fn lines(entries: &[String]) -> String {
    entries
        .iter()
        .map(|e| format!("  {e}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What an import wrote, and what it left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub path: PathBuf,
    pub questions: usize,
    pub replaced: bool,
    /// Entries left out, each with its reason.
    pub skipped: Vec<String>,
    /// Things accepted with a caveat.
    pub warnings: Vec<String>,
}

/// Converts `input` and writes `<out>/<prefix>-<input stem>.toml` atomically.
pub fn import_file(
    format: ImportFormat,
    input: &Path,
    out: &Path,
    opts: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    if format == ImportFormat::Opentdb && opts.difficulty.is_some() {
        return Err(ImportError::DifficultyNotApplicable);
    }
    let topics = bank_topics(out, &opts.topic)?;
    let text = std::fs::read_to_string(input).map_err(|source| ImportError::Read {
        path: input.to_owned(),
        source,
    })?;
    let name = match slug(&file_stem(input), 40) {
        s if s.is_empty() => "list".to_owned(),
        s => s,
    };
    let file = input.display().to_string();
    let mut converted = convert(format, &file, &name, &text, opts, &topics)?;
    let path = out.join(format!("{}-{name}.toml", format.prefix()));
    skip_clashes(out, &path, &mut converted);
    if converted.drafts.is_empty() {
        return Err(no_valid_entry(file, converted.skipped));
    }
    let questions: Vec<Question> = converted
        .drafts
        .iter()
        .map(|d| d.question.clone())
        .collect();
    let toml = to_toml(&converted.header, &questions);
    let replaced = path.exists();
    if replaced && !opts.force {
        return Err(ImportError::Exists(path));
    }
    write_atomic(&path, &toml).map_err(|source| ImportError::Write {
        path: path.clone(),
        source,
    })?;
    Ok(ImportReport {
        path,
        questions: converted.drafts.len(),
        replaced,
        skipped: converted.skipped,
        warnings: converted.warnings,
    })
}

/// Converts `text` (the contents of `file`, named `name` in ids) and keeps
/// the drafts the bank loader accepts: the part of an import that reads no
/// files and writes none, so it can be fuzzed (see docs/fuzzing.md).
pub fn convert(
    format: ImportFormat,
    file: &str,
    name: &str,
    text: &str,
    opts: &ImportOptions,
    topics: &[TopicInfo],
) -> Result<Converted, ImportError> {
    let mut converted = match format {
        ImportFormat::Red => red::convert(file, name, text, opts)?,
        ImportFormat::Opentdb => opentdb::convert(file, text, opts)?,
    };
    keep_valid(&mut converted, topics);
    Ok(converted)
}

/// The topics of the bank in `out`, checking that `topic` is one of them.
fn bank_topics(out: &Path, topic: &Topic) -> Result<Vec<TopicInfo>, ImportError> {
    let path = out.join("topics.toml");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let message = "not found: --out must be a bank folder holding topics.toml".to_owned();
            return Err(ImportError::Bank { path, message });
        }
        Err(source) => return Err(ImportError::Read { path, source }),
    };
    let topics =
        parse_topics(&path.display().to_string(), &text).map_err(|e| ImportError::Bank {
            path: path.clone(),
            message: e.to_string(),
        })?;
    if !topics.iter().any(|t| t.slug == *topic) {
        let known: Vec<&str> = topics.iter().map(|t| t.slug.as_str()).collect();
        let message = format!("no topic `{topic}`; use one of: {}", known.join(", "));
        return Err(ImportError::Bank { path, message });
    }
    Ok(topics)
}

/// Validates every draft with the bank loader; a draft that fails, or that
/// repeats an earlier question, is moved to `skipped` with its reasons.
fn keep_valid(c: &mut Converted, topics: &[TopicInfo]) {
    let mut seen = std::collections::HashMap::new();
    let mut kept = Vec::with_capacity(c.drafts.len());
    for d in std::mem::take(&mut c.drafts) {
        let mut why: Vec<String> = Vec::new();
        if let Some(first) = seen.get(&d.question.id) {
            why.push(format!("same question as {first}"));
        }
        let one = to_toml("", std::slice::from_ref(&d.question));
        if let Err(e) = load_str("entry", &one, topics) {
            why.extend(e.0.iter().map(|i| strip_label(&i.message).to_owned()));
        }
        if why.is_empty() {
            seen.insert(d.question.id.clone(), d.entry.clone());
            kept.push(d);
        } else {
            c.skipped.push(format!("{}: {}", d.entry, why.join("; ")));
        }
    }
    c.drafts = kept;
}

fn no_valid_entry(file: String, entries: Vec<String>) -> ImportError {
    if entries.is_empty() {
        let message = "no questions found".to_owned();
        ImportError::Malformed { file, message }
    } else {
        ImportError::NoValidEntry { file, entries }
    }
}

fn strip_label(message: &str) -> &str {
    match message.split_once("`: ") {
        Some((label, rest)) if label.starts_with("question `") => rest,
        _ => message,
    }
}

/// Skips drafts whose id another file of the bank already uses.
fn skip_clashes(out: &Path, target: &Path, c: &mut Converted) {
    let Ok(scan) = scan_dir(out) else {
        return;
    };
    let target = target.display().to_string();
    let used: std::collections::HashMap<&QuestionId, &Located> = scan
        .questions
        .iter()
        .filter(|l| l.file != target)
        .map(|l| (&l.question.id, l))
        .collect();
    let (kept, clashing): (Vec<Draft>, Vec<Draft>) = std::mem::take(&mut c.drafts)
        .into_iter()
        .partition(|d| !used.contains_key(&d.question.id));
    for d in clashing {
        let l = used[&d.question.id];
        c.skipped.push(format!(
            "{}: id `{}` is already used at {}:{}",
            d.entry, l.question.id, l.file, l.line
        ));
    }
    c.drafts = kept;
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Question text normalised for hashing: NFKC, lower case, single spaces.
pub fn normalise(text: &str) -> String {
    let lower: String = text.nfkc().collect::<String>().to_lowercase();
    lower.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// 64-bit FNV-1a: a tiny hash whose output never changes between Rust
/// versions or platforms (unlike `DefaultHasher`), so ids stay stable.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A stable id: `<prefix>-<hash8>` of the normalised question text.
pub fn stable_id(prefix: &str, question: &str) -> QuestionId {
    let hash = fnv1a(normalise(question).as_bytes());
    let id = format!("{prefix}-{:08x}", hash >> 32);
    QuestionId::parse(&id).expect("a slug prefix and hex digits form a valid id")
}

/// Lower-case ASCII slug of `text` (other characters become '-'), at most
/// `max` bytes, cut at a '-' when it must be shortened; empty when `text`
/// has no ASCII letter or digit.
pub fn slug(text: &str, max: usize) -> String {
    let mut s = String::new();
    for c in text.nfkd().filter(|c| c.is_ascii()) {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.is_empty() && !s.ends_with('-') {
            s.push('-');
        }
    }
    let mut s = s.trim_end_matches('-').to_owned();
    if s.len() > max {
        let cut = s[..=max].rfind('-').filter(|&i| i > 0).unwrap_or(max);
        s.truncate(cut);
    }
    s.trim_end_matches('-').to_owned()
}

/// A short quotation of an input entry for error messages.
pub(crate) fn quote(text: &str) -> String {
    format!("\"{}\"", super::render::first_line(text, 50))
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb = if self.replaced { "replaced" } else { "wrote" };
        write!(
            f,
            "{verb} {} with {} question(s)",
            self.path.display(),
            self.questions
        )?;
        for w in &self.warnings {
            write!(f, "\nwarning: {w}")?;
        }
        if !self.skipped.is_empty() {
            write!(
                f,
                "\nskipped {} entr{}:",
                self.skipped.len(),
                if self.skipped.len() == 1 { "y" } else { "ies" }
            )?;
            for s in &self.skipped {
                write!(f, "\n  {s}")?;
            }
        }
        Ok(())
    }
}
