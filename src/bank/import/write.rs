//! Writing questions as bank TOML with toml_edit (so quotes, backslashes,
//! colons and non-ASCII text are escaped correctly), and replacing files
//! atomically so a reader never sees half a file.

use crate::bank::types::{ChoiceOption, KeyPoint, Misconception, Question, QuestionKind};
use std::io::Write;
use std::path::Path;
use toml_edit::{value, Array, ArrayOfTables, DocumentMut, Item, Table, Value};

/// Renders questions as a bank file. `header` lines become `#` comments.
/// An `open` question with a single key point is written with
/// `short_answer = true`, the only form in which the bank accepts it.
pub fn to_toml(header: &str, questions: &[Question]) -> String {
    let mut doc = DocumentMut::new();
    let mut list = ArrayOfTables::new();
    for q in questions {
        list.push(question_table(q));
    }
    doc.insert("question", Item::ArrayOfTables(list));
    let comments: String = header
        .lines()
        .map(|l| format!("# {l}").trim_end().to_owned() + "\n")
        .collect();
    let sep = if comments.is_empty() { "" } else { "\n" };
    format!("{comments}{sep}{doc}")
}

fn question_table(q: &Question) -> Table {
    let mut t = Table::new();
    t.insert("id", value(q.id.as_str()));
    t.insert("topic", value(q.topic.as_str()));
    if !q.tags.is_empty() {
        t.insert(
            "tags",
            value(q.tags.iter().map(String::as_str).collect::<Array>()),
        );
    }
    t.insert("difficulty", value(q.difficulty.as_str()));
    t.insert("format", value(q.format().as_str()));
    if let Some(s) = &q.source {
        t.insert("source", value(s.as_str()));
    }
    if let Some(v) = &q.version_note {
        t.insert("version_note", value(v.as_str()));
    }
    t.insert("prompt", value(q.prompt.as_str()));
    t.insert("answer", value(q.answer.as_str()));
    t.insert("explanation", value(q.explanation.as_str()));
    match &q.kind {
        QuestionKind::Open {
            key_points,
            misconceptions,
            subjects,
        } => {
            if key_points.len() == 1 {
                t.insert("short_answer", value(true));
            }
            if !subjects.is_empty() {
                let lists = subjects
                    .iter()
                    .map(|s| Value::Array(s.iter().map(String::as_str).collect()));
                t.insert("subjects", value(lists.collect::<Array>()));
            }
            t.insert("key_points", key_points_item(key_points, subjects));
            if !misconceptions.is_empty() {
                t.insert("misconceptions", misconceptions_item(misconceptions));
            }
        }
        QuestionKind::Choice { options } | QuestionKind::Truefalse { options } => {
            t.insert("options", options_item(options));
        }
        QuestionKind::Sql(task) => {
            t.insert("schema", value(task.schema.as_str()));
            t.insert("fixture", value(task.fixture.as_str()));
            t.insert("solution", value(task.solution.as_str()));
            if task.order_matters {
                t.insert("order_matters", value(true));
            }
        }
    }
    t
}

fn key_points_item(key_points: &[KeyPoint], subjects: &[Vec<String>]) -> Item {
    let mut list = ArrayOfTables::new();
    for k in key_points {
        let mut t = Table::new();
        t.insert("point", value(k.point.as_str()));
        if let Some(name) = k.about.and_then(|i| subjects.get(i)?.first()) {
            t.insert("about", value(name.as_str()));
        }
        t.insert(
            "phrases",
            value(k.phrases.iter().map(String::as_str).collect::<Array>()),
        );
        if k.weight != 1 {
            t.insert("weight", value(i64::from(k.weight)));
        }
        list.push(t);
    }
    Item::ArrayOfTables(list)
}

fn misconceptions_item(misconceptions: &[Misconception]) -> Item {
    let mut list = ArrayOfTables::new();
    for m in misconceptions {
        let mut t = Table::new();
        t.insert("claim", value(m.claim.as_str()));
        t.insert("why", value(m.why.as_str()));
        t.insert(
            "phrases",
            value(m.phrases.iter().map(String::as_str).collect::<Array>()),
        );
        list.push(t);
    }
    Item::ArrayOfTables(list)
}

fn options_item(options: &[ChoiceOption]) -> Item {
    let mut list = ArrayOfTables::new();
    for o in options {
        let mut t = Table::new();
        t.insert("id", value(o.id.as_str()));
        t.insert("text", value(o.text.as_str()));
        t.insert("correct", value(o.correct));
        if let Some(why) = &o.why {
            t.insert("why", value(why.as_str()));
        }
        list.push(t);
    }
    Item::ArrayOfTables(list)
}

/// Writes `text` to `path` through a temporary file in the same folder and a
/// rename, so `path` holds either its old content or all of `text`.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::{load_str, parse_topics};

    const FILE: &str = r#"
[[question]]
id = "tricky-text"
topic = "python"
difficulty = "hard"
format = "choice"
source = "Quiz \"Ünïcödé\" by O'Brien: C:\\temp"
prompt = """
What does `print("a:b".split(":"))` show?
Path: C:\\new\\table — "quoted" 'single' ''' and \"\"\" too. Ελληνικά, 日本語, emoji 🐍.
"""
answer = "['a', 'b']"
explanation = "split(':') cuts at each colon."
options = [
  { id = "a", text = "['a', 'b']", correct = true },
  { id = "b", text = "a:b\\", correct = false, why = "The correct answer is ['a', 'b']." },
]
"#;

    #[test]
    fn written_toml_reads_back_to_the_same_questions_whatever_the_characters() {
        let topics = parse_topics(
            "t",
            "[[topic]]\nslug = \"python\"\nname = \"P\"\nabout = \"a\"",
        )
        .unwrap();
        let before: Vec<Question> = load_str("q.toml", FILE, &topics)
            .unwrap()
            .into_iter()
            .map(|l| l.question)
            .collect();
        let text = to_toml("Made by a test.\nSecond line: \"quoted\"", &before);
        assert!(text.starts_with("# Made by a test.\n# Second line: \"quoted\"\n\n[[question]]\n"));
        let after: Vec<Question> = load_str("out.toml", &text, &topics)
            .unwrap()
            .into_iter()
            .map(|l| l.question)
            .collect();
        assert_eq!(before, after, "{text}");
        assert!(after[0]
            .prompt
            .contains(r#"C:\new\table — "quoted" 'single' ''' and """ too"#));
    }

    #[test]
    fn an_atomic_write_leaves_no_temporary_file_behind() {
        let dir = std::env::temp_dir().join(format!("prepbot-write-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out.toml");
        write_atomic(&path, "old").unwrap();
        write_atomic(&path, "new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
