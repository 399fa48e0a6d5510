//! Where the bank comes from: the shipped bank compiled into the binary
//! (see `build.rs`), or a folder named by `PREPBOT_QUESTIONS` instead.

use super::load::{bank_of, scan_dir, scan_texts};
use super::{Bank, BankIssue, LoadError, Scan, ScanError};
use std::fmt;
use std::path::PathBuf;

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_bank.rs"));
}

/// The bank to load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BankSource {
    /// The shipped bank, built into the binary: works from any folder.
    Builtin,
    /// A folder of `topics.toml` and question files, read at start-up.
    Dir(PathBuf),
}

impl BankSource {
    /// A folder when one is named, else the built-in bank.
    pub fn new(dir: Option<PathBuf>) -> Self {
        dir.map_or(BankSource::Builtin, BankSource::Dir)
    }

    /// Every valid question and every problem.
    pub fn scan(&self) -> Result<Scan, ScanError> {
        match self {
            BankSource::Dir(dir) => scan_dir(dir),
            BankSource::Builtin => {
                let topics = builtin::FILES
                    .iter()
                    .find(|(name, _)| *name == "topics.toml")
                    .map_or("", |(_, text)| text);
                let files = builtin::FILES
                    .iter()
                    .filter(|(name, _)| *name != "topics.toml")
                    .map(|(name, text)| (format!("questions/{name}"), Some((*text).to_owned())))
                    .collect();
                Ok(scan_texts(("questions/topics.toml", topics), files))
            }
        }
    }

    /// The bank, failing with every problem if there is any.
    pub fn load(&self) -> Result<Bank, LoadError> {
        let scan = self.scan().map_err(|e| {
            LoadError(vec![BankIssue::new(
                e.path.display().to_string(),
                0,
                e.to_string(),
            )])
        })?;
        bank_of(scan)
    }
}

impl fmt::Display for BankSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BankSource::Builtin => f.write_str("the built-in bank"),
            BankSource::Dir(dir) => write!(f, "{}", dir.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_bank_is_the_questions_folder_compiled_in() {
        let builtin = BankSource::Builtin.load().expect("the shipped bank loads");
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("questions");
        let folder = BankSource::Dir(dir).load().expect("the folder loads");
        assert_eq!(builtin.len(), folder.len());
        assert!(builtin.len() > 300);
        assert_eq!(builtin.topics().len(), folder.topics().len());
    }
}
