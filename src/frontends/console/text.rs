//! The console's mapping of the view model: plain text, tables aligned.
//! Nothing is decided here but layout; no content is dropped.

use crate::domain::markup::to_plain;
use crate::domain::view::{Block, Mark, Tone, View};
use std::fmt::Write;

/// A view as terminal text. An error is one `!` line: the title adds nothing.
pub fn view(v: &View) -> String {
    view_at(v, None)
}

/// [`view`], with a deadline shown as the time left at `now` (unix
/// seconds) when it is known, else as a UTC time.
pub fn view_at(v: &View, now: Option<i64>) -> String {
    if v.tone == Tone::Error {
        let lines: Vec<String> = v
            .blocks
            .iter()
            .map(|b| {
                let mut s = String::new();
                block(&mut s, b);
                s
            })
            .collect();
        return format!("! {}", lines.join("\n"));
    }
    let mut out = to_plain(&v.title);
    for b in &v.blocks {
        if !out.is_empty() {
            out.push('\n');
        }
        block(&mut out, b);
    }
    if !v.fields.is_empty() {
        let fields: Vec<String> = v
            .fields
            .iter()
            .map(|f| format!("{}: {}", f.name, to_plain(&f.value)))
            .collect();
        let _ = write!(out, "\n{}", fields.join(" · "));
    }
    if let Some(t) = &v.typed {
        let _ = write!(out, "\n{}", to_plain(t));
    }
    if let Some(d) = v.deadline {
        out.push('\n');
        out.push_str(&deadline(d, now));
    }
    if let Some(f) = &v.footer {
        let _ = write!(out, "\n{}", to_plain(f));
    }
    out
}

/// "Time left: 60s (until 09:01:00 UTC)": the console's countdown.
fn deadline(at: i64, now: Option<i64>) -> String {
    let until = chrono::DateTime::from_timestamp(at, 0)
        .map(|t| t.format("%H:%M:%S UTC").to_string())
        .unwrap_or_default();
    match now {
        Some(now) if now >= at => format!("Time is up (at {until})."),
        Some(now) => format!("Time left: {}s (until {until}).", at - now),
        None => format!("Answer by {until}."),
    }
}

fn block(out: &mut String, b: &Block) {
    match b {
        Block::Text(t) => out.push_str(&to_plain(t)),
        Block::Section { heading, text } if text.is_empty() => {
            let _ = write!(out, "{heading}:");
        }
        Block::Section { heading, text } => {
            let _ = write!(out, "{heading}:\n{}", to_plain(text));
        }
        Block::List {
            heading,
            mark,
            items,
        } => {
            if let Some(h) = heading {
                let _ = writeln!(out, "{h}:");
            }
            let mark = match mark {
                Mark::Bullet => "- ",
                Mark::Check => "✓ ",
                Mark::Cross => "✗ ",
                Mark::Lettered => "",
            };
            let lines: Vec<String> = items
                .iter()
                .map(|i| format!("  {mark}{}", to_plain(i)))
                .collect();
            out.push_str(&lines.join("\n"));
        }
        Block::Code { code, .. } => {
            let lines: Vec<String> = code.lines().map(|l| format!("    {l}")).collect();
            out.push_str(&lines.join("\n"));
        }
        Block::Table { rows, .. } => table(out, rows),
    }
}

/// Rows with every column padded to its widest cell; numbers right-aligned.
fn table(out: &mut String, rows: &[Vec<String>]) {
    let plain: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| to_plain(c)).collect())
        .collect();
    let columns = plain.iter().map(Vec::len).max().unwrap_or(0);
    let width = |i: usize| {
        plain
            .iter()
            .filter_map(|r| r.get(i))
            .map(|c| c.chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..columns).map(width).collect();
    let lines: Vec<String> = plain
        .iter()
        .map(|r| {
            let cells: Vec<String> = r
                .iter()
                .zip(&widths)
                .map(|(c, &w)| {
                    if c.chars().next().is_some_and(|ch| ch.is_ascii_digit()) {
                        format!("{c:>w$}")
                    } else {
                        format!("{c:<w$}")
                    }
                })
                .collect();
            format!("  {}", cells.join("  ").trim_end())
        })
        .collect();
    out.push_str(&lines.join("\n"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_lines_up_names_and_right_aligns_numbers() {
        let v = View::new(Tone::Trophy, "Board").block(Block::Table {
            columns: vec![],
            rows: vec![
                vec!["1.".into(), "alice".into(), "5".into()],
                vec!["10.".into(), "bob\\_x".into(), "120".into()],
            ],
        });
        assert_eq!(view(&v), "Board\n   1.  alice    5\n  10.  bob_x  120");
    }

    #[test]
    fn fields_typed_hint_and_footer_follow_the_blocks() {
        let mut v = View::new(Tone::Neutral, "T")
            .text("body")
            .field("A", "1")
            .field("B", "**2**");
        v.typed = Some("Type /answer.".into());
        v.footer = Some("foot".into());
        assert_eq!(view(&v), "T\nbody\nA: 1 · B: 2\nType /answer.\nfoot");
    }

    #[test]
    fn a_deadline_shows_the_time_left_or_that_time_is_up() {
        let at = 1_795_510_830; // 09:00:30 UTC
        assert_eq!(
            deadline(at, Some(at - 45)),
            "Time left: 45s (until 09:00:30 UTC)."
        );
        assert_eq!(deadline(at, Some(at)), "Time is up (at 09:00:30 UTC).");
        assert_eq!(deadline(at, None), "Answer by 09:00:30 UTC.");
    }
}
