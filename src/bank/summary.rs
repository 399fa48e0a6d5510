//! The summary `bank check` ends with: how many questions per topic, per
//! difficulty and per format, so gaps in the bank are visible at a glance.

use super::types::{Difficulty, Format, Question, Topic, TopicInfo};
use std::fmt;

/// Question counts of a bank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub total: usize,
    /// Every topic of topics.toml in its order, with zero counts kept.
    pub by_topic: Vec<(Topic, usize)>,
    pub by_difficulty: Vec<(Difficulty, usize)>,
    pub by_format: Vec<(Format, usize)>,
}

impl Summary {
    /// Counts `questions`, listing every topic of `topics`.
    pub fn of<'a>(topics: &[TopicInfo], questions: impl IntoIterator<Item = &'a Question>) -> Self {
        let mut s = Summary {
            total: 0,
            by_topic: topics.iter().map(|t| (t.slug.clone(), 0)).collect(),
            by_difficulty: Difficulty::ALL.iter().map(|&d| (d, 0)).collect(),
            by_format: Format::ALL.iter().map(|&f| (f, 0)).collect(),
        };
        for q in questions {
            s.total += 1;
            bump(&mut s.by_topic, &q.topic);
            bump(&mut s.by_difficulty, &q.difficulty);
            bump(&mut s.by_format, &q.format());
        }
        s
    }
}

fn bump<K: PartialEq + Clone>(counts: &mut Vec<(K, usize)>, key: &K) {
    match counts.iter_mut().find(|(k, _)| k == key) {
        Some((_, n)) => *n += 1,
        None => counts.push((key.clone(), 1)),
    }
}

fn section<K: fmt::Display>(
    f: &mut fmt::Formatter<'_>,
    title: &str,
    counts: &[(K, usize)],
) -> fmt::Result {
    writeln!(f, "{title}:")?;
    let width = counts
        .iter()
        .map(|(k, _)| k.to_string().len())
        .max()
        .unwrap_or(0);
    for (k, n) in counts {
        writeln!(f, "  {:<width$}  {n:>4}", k.to_string())?;
    }
    Ok(())
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} valid question(s)", self.total)?;
        section(f, "per topic", &self.by_topic)?;
        section(f, "per difficulty", &self.by_difficulty)?;
        section(f, "per format", &self.by_format)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::load_str;

    const TOPICS: &str = "[[topic]]\nslug = \"sql\"\nname = \"SQL\"\nabout = \"q\"\n\n\
        [[topic]]\nslug = \"python\"\nname = \"Python\"\nabout = \"p\"\n";

    const QUESTIONS: &str = r#"
[[question]]
id = "tf-one"
topic = "sql"
difficulty = "easy"
format = "truefalse"
prompt = "NULL = NULL is true."
answer = "False."
explanation = "It is NULL."
options = [{ id = "true", text = "True", correct = false, why = "It is NULL." },
           { id = "false", text = "False", correct = true }]

[[question]]
id = "tf-two"
topic = "sql"
difficulty = "hard"
format = "truefalse"
prompt = "COUNT(col) counts NULLs."
answer = "False."
explanation = "COUNT(col) skips NULLs."
options = [{ id = "true", text = "True", correct = false, why = "It skips them." },
           { id = "false", text = "False", correct = true }]
"#;

    #[test]
    fn the_summary_counts_per_topic_difficulty_and_format_keeping_zero_counts() {
        let topics = crate::bank::parse_topics("topics.toml", TOPICS).unwrap();
        let qs = load_str("q.toml", QUESTIONS, &topics).unwrap();
        let s = Summary::of(&topics, qs.iter().map(|l| &l.question));
        assert_eq!(s.total, 2);
        let topic_counts: Vec<usize> = s.by_topic.iter().map(|(_, n)| *n).collect();
        assert_eq!(topic_counts, vec![2, 0]);
        assert_eq!(s.by_difficulty[0], (Difficulty::Easy, 1));
        assert_eq!(s.by_difficulty[1], (Difficulty::Medium, 0));
        assert_eq!(s.by_format[2], (Format::Truefalse, 2));
        let text = s.to_string();
        assert!(
            text.contains("per topic:\n  sql        2\n  python     0\n"),
            "{text}"
        );
        assert!(text.contains("per format:"));
    }
}
