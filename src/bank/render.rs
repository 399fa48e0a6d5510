//! Plain-text views of questions for `bank list` and `bank show`.

use super::types::{
    Difficulty, Format, KeyPoint, Misconception, Question, QuestionKind, SqlTask, Topic,
};
use std::fmt::Write;

/// Which questions `bank list` shows; `None` matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    pub topic: Option<Topic>,
    pub difficulty: Option<Difficulty>,
    pub format: Option<Format>,
}

impl ListFilter {
    /// Whether `q` passes every filter that is set.
    pub fn matches(&self, q: &Question) -> bool {
        self.topic.as_ref().is_none_or(|t| *t == q.topic)
            && self.difficulty.is_none_or(|d| d == q.difficulty)
            && self.format.is_none_or(|f| f == q.format())
    }
}

/// Longest prompt excerpt shown by `bank list`, in characters.
const EXCERPT: usize = 80;

/// The first non-empty line of `text`, cut to `max` characters with an ellipsis.
pub fn first_line(text: &str, max: usize) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if line.chars().count() <= max {
        line.to_owned()
    } else {
        let cut: String = line.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

/// The line that says what a prompt asks: its first line, after a leading
/// setup block such as a `Tables:` list of schemas or a fenced code block
/// (otherwise every sql question would be listed as "Tables:").
pub fn headline(prompt: &str, max: usize) -> String {
    let paragraphs: Vec<&str> = prompt
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let ask = paragraphs
        .iter()
        .find(|p| !is_setup(p))
        .or(paragraphs.first())
        .copied()
        .unwrap_or("");
    first_line(ask, max)
}

/// A label line ending in ':' followed only by list items, or a code block.
fn is_setup(paragraph: &str) -> bool {
    if paragraph.starts_with("```") {
        return true;
    }
    let mut lines = paragraph.lines().map(str::trim);
    let label = lines.next().unwrap_or("");
    let items: Vec<&str> = lines.collect();
    label.ends_with(':')
        && !items.is_empty()
        && items
            .iter()
            .all(|l| l.starts_with("- ") || l.starts_with("* "))
}

/// One aligned line per question: id, topic, difficulty, format, prompt.
pub fn list<'a>(questions: impl IntoIterator<Item = &'a Question>) -> String {
    let qs: Vec<&Question> = questions.into_iter().collect();
    let id_w = qs.iter().map(|q| q.id.as_str().len()).max().unwrap_or(0);
    let topic_w = qs.iter().map(|q| q.topic.as_str().len()).max().unwrap_or(0);
    let mut out = String::new();
    for q in qs {
        let _ = writeln!(
            out,
            "{:<id_w$}  {:<topic_w$}  {:<6}  {:<9}  {}",
            q.id.as_str(),
            q.topic.as_str(),
            q.difficulty.as_str(),
            q.format().as_str(),
            headline(&q.prompt, EXCERPT)
        );
    }
    out
}

/// The whole question as text: metadata, prompt, what is graded, model
/// answer and explanation.
pub fn show(q: &Question) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", q.id);
    let _ = writeln!(
        out,
        "topic: {} · difficulty: {} · format: {}",
        q.topic,
        q.difficulty,
        q.format()
    );
    if !q.tags.is_empty() {
        let _ = writeln!(out, "tags: {}", q.tags.join(", "));
    }
    if let Some(s) = &q.source {
        let _ = writeln!(out, "source: {s}");
    }
    if let Some(v) = &q.version_note {
        let _ = writeln!(out, "version note: {v}");
    }
    block(&mut out, "PROMPT", &q.prompt);
    match &q.kind {
        QuestionKind::Open {
            key_points,
            misconceptions,
            subjects,
        } => {
            key_points_block(&mut out, key_points, subjects);
            misconceptions_block(&mut out, misconceptions);
        }
        QuestionKind::Choice { .. } | QuestionKind::Truefalse { .. } => options_block(&mut out, q),
        QuestionKind::Sql(task) => sql_block(&mut out, task),
    }
    block(&mut out, "MODEL ANSWER", &q.answer);
    block(&mut out, "EXPLANATION", &q.explanation);
    out
}

fn block(out: &mut String, title: &str, body: &str) {
    let _ = write!(out, "\n{title}\n{}\n", body.trim_end());
}

fn key_points_block(out: &mut String, key_points: &[KeyPoint], subjects: &[Vec<String>]) {
    if !subjects.is_empty() {
        let names: Vec<String> = subjects.iter().map(|s| s.join(" / ")).collect();
        let _ = write!(out, "\nSUBJECTS\n{}\n", names.join("  vs  "));
    }
    let _ = write!(out, "\nKEY POINTS\n");
    for (i, k) in key_points.iter().enumerate() {
        let weight = match k.weight {
            1 => String::new(),
            w => format!(" (weight {w})"),
        };
        let phrases: Vec<String> = k.phrases.iter().map(|p| format!("\"{p}\"")).collect();
        let about = k
            .about
            .and_then(|s| subjects.get(s)?.first())
            .map_or(String::new(), |s| format!(" [about {s}]"));
        let _ = writeln!(out, "{}. {}{weight}{about}", i + 1, k.point);
        let _ = writeln!(out, "   phrases: {}", phrases.join(", "));
    }
}

fn misconceptions_block(out: &mut String, misconceptions: &[Misconception]) {
    if misconceptions.is_empty() {
        return;
    }
    let _ = write!(out, "\nMISCONCEPTIONS\n");
    for (i, m) in misconceptions.iter().enumerate() {
        let phrases: Vec<String> = m.phrases.iter().map(|p| format!("\"{p}\"")).collect();
        let _ = writeln!(out, "{}. {}", i + 1, m.claim);
        let _ = writeln!(out, "   why: {}", m.why);
        let _ = writeln!(out, "   phrases: {}", phrases.join(", "));
    }
}

fn options_block(out: &mut String, q: &Question) {
    let _ = write!(out, "\nOPTIONS\n");
    for o in q.options() {
        let mark = if o.correct { "[x]" } else { "[ ]" };
        let _ = writeln!(out, "{mark} {}. {}", o.id, o.text);
        if let Some(why) = &o.why {
            let _ = writeln!(out, "    why: {why}");
        }
    }
}

fn sql_block(out: &mut String, task: &SqlTask) {
    block(out, "SCHEMA", &task.schema);
    block(out, "FIXTURE", &task.fixture);
    let order = if task.order_matters {
        "row order matters"
    } else {
        "row order ignored"
    };
    block(
        out,
        &format!("REFERENCE SOLUTION ({order})"),
        &task.solution,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::{load_str, parse_topics};

    const CHOICE: &str = r#"
[[question]]
id = "delivery-default"
topic = "streaming"
tags = ["kafka"]
difficulty = "easy"
format = "choice"
prompt = """
What does a Kafka consumer get by default, when it commits offsets only after it has finished processing?
Pick one.
"""
answer = "At-least-once."
explanation = "Offsets are committed after processing."
options = [
  { id = "a", text = "At-least-once", correct = true },
  { id = "b", text = "Exactly-once", correct = false, why = "It is opt-in." },
]
"#;

    fn question() -> Question {
        let topics = parse_topics(
            "t",
            "[[topic]]\nslug = \"streaming\"\nname = \"S\"\nabout = \"a\"",
        )
        .unwrap();
        load_str("q.toml", CHOICE, &topics)
            .unwrap()
            .remove(0)
            .question
    }

    #[test]
    fn a_list_line_has_id_topic_difficulty_format_and_the_prompt_start() {
        let q = question();
        let line = list([&q]);
        assert!(line.starts_with("delivery-default  streaming  easy    choice     What does"));
        assert!(line.trim_end().ends_with('…'), "{line}");
        assert_eq!(line.lines().count(), 1);
    }

    #[test]
    fn show_renders_options_with_the_correct_one_marked_and_the_model_answer() {
        let text = show(&question());
        assert!(text.contains("[x] a. At-least-once\n[ ] b. Exactly-once\n    why: It is opt-in."));
        assert!(text.contains("\nMODEL ANSWER\nAt-least-once.\n"));
        assert!(text.contains("Pick one."));
    }

    #[test]
    fn a_list_line_shows_what_a_sql_prompt_asks_not_its_tables_label() {
        let prompt =
            "Tables:\n- `customers(customer_id, name)`\n- `orders(order_id, customer_id)`\n\n\
                      List every customer with their number of orders.\nColumns: name, orders.";
        assert_eq!(
            headline(prompt, 80),
            "List every customer with their number of orders."
        );
        let code = "```sql\nCREATE TABLE t (x int);\n```\n\nWhat does this return?";
        assert_eq!(headline(code, 80), "What does this return?");
        // A prompt that is all setup still shows its first line.
        assert_eq!(headline("Tables:\n- `t(x)`", 80), "Tables:");
        assert_eq!(headline("Why?\n\nExplain.", 80), "Why?");
        let mut q = question();
        q.prompt = prompt.into();
        q.kind = QuestionKind::Sql(SqlTask {
            schema: "s".into(),
            fixture: "f".into(),
            solution: "SELECT 1".into(),
            order_matters: false,
        });
        let line = list([&q]);
        assert!(
            line.trim_end()
                .ends_with("sql        List every customer with their number of orders."),
            "{line}"
        );
    }

    #[test]
    fn the_list_filter_matches_on_every_set_field() {
        let q = question();
        let mut f = ListFilter::default();
        assert!(f.matches(&q));
        f.format = Some(Format::Choice);
        assert!(f.matches(&q));
        f.difficulty = Some(Difficulty::Hard);
        assert!(!f.matches(&q));
    }

    #[test]
    fn show_renders_subjects_about_and_misconceptions_of_an_open_question() {
        let text = "[[question]]\nid = \"pd-loc\"\ntopic = \"streaming\"\ndifficulty = \"easy\"\n\
            subjects = [[\"loc\"], [\"iloc\"]]\nformat = \"open\"\nprompt = \"p\"\nanswer = \"a\"\n\
            explanation = \"e\"\n[[question.key_points]]\npoint = \"loc is by label\"\n\
            about = \"loc\"\nphrases = [\"by label\"]\n[[question.key_points]]\n\
            point = \"iloc is by position\"\nphrases = [\"by position\"]\n\
            [[question.misconceptions]]\nclaim = \"loc is positional\"\nwhy = \"It is by label.\"\n\
            phrases = [\"loc by position\"]\n";
        let topics = parse_topics(
            "t",
            "[[topic]]\nslug = \"streaming\"\nname = \"S\"\nabout = \"a\"",
        )
        .unwrap();
        let q = load_str("q.toml", text, &topics)
            .unwrap()
            .remove(0)
            .question;
        let shown = show(&q);
        assert!(shown.contains("\nSUBJECTS\nloc  vs  iloc\n"), "{shown}");
        assert!(
            shown.contains("1. loc is by label [about loc]\n"),
            "{shown}"
        );
        assert!(
            shown.contains("MISCONCEPTIONS\n1. loc is positional\n   why: It is by label.\n"),
            "{shown}"
        );
    }
}
