//! Labelled answers, shared by the grading-quality tests: the tuning set
//! (`tests/grading/labels`) and the held-out set (`tests/grading/heldout`).
#![allow(dead_code)]

use prepbot::grading::Verdict;
use serde::Deserialize;
use std::path::Path;

#[derive(Deserialize)]
struct LabelFile {
    case: Vec<Case>,
}

/// One labelled answer.
#[derive(Deserialize)]
pub struct Case {
    pub question_id: String,
    pub kind: String,
    pub label: String,
    pub answer: String,
}

/// Verdicts in the order of a confusion matrix's rows and columns.
pub const VERDICTS: [Verdict; 3] = [Verdict::Correct, Verdict::Partial, Verdict::Incorrect];

/// The row or column of `v`.
pub fn idx(v: Verdict) -> usize {
    VERDICTS.iter().position(|x| *x == v).unwrap()
}

/// Every case in `tests/grading/<folder>/*.toml`, with its file name, in
/// file order.
pub fn load(folder: &str) -> Vec<(String, Case)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/grading")
        .join(folder);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let parsed: LabelFile =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        out.extend(parsed.case.into_iter().map(|c| (name.clone(), c)));
    }
    out
}

/// A confusion matrix (rows: label, columns: grader) as a Markdown table.
pub fn render(matrix: &[[usize; 3]; 3]) -> String {
    let mut s = String::from(
        "| label \\ graded | correct | partial | incorrect |\n| --- | --- | --- | --- |\n",
    );
    for (i, v) in VERDICTS.iter().enumerate() {
        s += &format!(
            "| {v} | {} | {} | {} |\n",
            matrix[i][0], matrix[i][1], matrix[i][2]
        );
    }
    s
}
