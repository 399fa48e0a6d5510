//! Plain-text rendering of replies and effects, for the console (and any
//! front end without rich formatting).

use crate::bank::Format;
use crate::domain::reply::{Body, Effect, Feedback, Leaderboard, QuestionCard, RevealCard, Stats};
use std::fmt::Write;

/// Renders a reply body as text.
pub fn body(b: &Body) -> String {
    match b {
        Body::Text(t) => t.clone(),
        Body::Error(e) => format!("! {e}"),
        Body::Question(c) => question(c),
        Body::Feedback(f) => feedback(f),
        Body::Reveal(r) => reveal(r),
        Body::Leaderboard(l) => leaderboard(l),
        Body::Stats(s) => stats(s),
    }
}

/// Renders an effect as the channel would see it.
pub fn effect(e: &Effect) -> String {
    match e {
        Effect::PostQuestion { channel, card } => format!("[#{channel}] {}", question(card)),
        Effect::PostReveal { channel, card, .. } => format!("[#{channel}] {}", reveal(card)),
    }
}

/// A question card.
pub fn question(c: &QuestionCard) -> String {
    let kind = if c.daily { "Daily question" } else { "Quiz" };
    let mut out = format!(
        "#{} {kind} · {} · {} · {}\n{}",
        c.post_id, c.topic_name, c.difficulty, c.format, c.prompt
    );
    if let Some(schema) = &c.schema {
        let _ = write!(out, "\nTables:\n{schema}");
    }
    // True/false options are self-explanatory; the how-to line names them.
    if c.format != Format::Truefalse {
        for (id, text) in &c.options {
            let _ = write!(out, "\n  {id}) {text}");
        }
    }
    let how = match c.format {
        Format::Choice => "/answer with the letter(s) of your choice, e.g. /answer b",
        Format::Truefalse => "/answer true or /answer false",
        Format::Sql => "/answer with one SELECT query",
        Format::Open => "/answer with your explanation",
    };
    let _ = write!(out, "\nAnswer: {how}");
    if let Some(at) = &c.reveal_label {
        let _ = write!(out, " (revealed at {at})");
    }
    out
}

fn list(out: &mut String, title: &str, mark: &str, items: &[String]) {
    if !items.is_empty() {
        let _ = write!(out, "\n{title}");
        for i in items {
            let _ = write!(out, "\n  {mark} {i}");
        }
    }
}

/// Private feedback on an answer.
pub fn feedback(f: &Feedback) -> String {
    let g = &f.grade;
    let mut out = format!(
        "#{} {} (score {:.2}) · {:+} points",
        f.post_id, g.verdict, g.score, f.points
    );
    if let Some(note) = &f.note {
        let _ = write!(out, " ({note})");
    }
    if let Some(s) = f.streak {
        let _ = write!(out, " · streak {s}");
    }
    list(&mut out, "Covered:", "✓", &g.covered);
    list(&mut out, "Missed:", "✗", &g.missed);
    list(&mut out, "Notes:", "-", &g.detail);
    if let Some(model) = &f.model_answer {
        let _ = write!(out, "\nModel answer:\n{model}");
    } else {
        out.push_str("\nThe model answer comes with the reveal.");
    }
    out
}

/// A reveal.
pub fn reveal(r: &RevealCard) -> String {
    let share = if r.answers > 0 {
        r.correct * 100 / r.answers
    } else {
        0
    };
    let mut out = format!(
        "Reveal #{}: {}\n{}\nWhy it matters: {}",
        r.post_id, r.prompt, r.answer, r.explanation
    );
    if let Some(v) = &r.version_note {
        let _ = write!(out, "\nNote: {v}");
    }
    let _ = write!(
        out,
        "\n{} answered · {} correct ({share}%)",
        r.answers, r.correct
    );
    if !r.correct_names.is_empty() {
        let _ = write!(out, " · Right: {}", r.correct_names.join(", "));
    }
    out
}

/// A leaderboard page.
pub fn leaderboard(l: &Leaderboard) -> String {
    let topic = l
        .topic
        .as_ref()
        .map(|t| format!(", {t}"))
        .unwrap_or_default();
    let mut out = format!(
        "Leaderboard, {}{topic} (page {}/{})",
        l.period.as_str(),
        l.page,
        l.pages
    );
    if l.rows.is_empty() {
        out.push_str("\n  nobody has points yet");
    }
    for s in &l.rows {
        let _ = write!(out, "\n  {:>3}. {:<20} {:>6}", s.rank, s.name, s.points);
    }
    match &l.me {
        Some(me) => {
            let _ = write!(out, "\nYou: #{} with {} points", me.rank, me.points);
        }
        None => out.push_str("\nYou: no points in this period yet"),
    }
    out
}

/// A member's stats.
pub fn stats(s: &Stats) -> String {
    let accuracy = if s.answers > 0 {
        s.correct * 100 / s.answers
    } else {
        0
    };
    let mut out = format!(
        "{}: {} points · {} answers, {} correct ({accuracy}%) · streak {} (best {})",
        s.name, s.points, s.answers, s.correct, s.streak, s.best_streak
    );
    for (topic, answered, correct, points) in &s.per_topic {
        let _ = write!(
            out,
            "\n  {topic:<20} {correct}/{answered} correct, {points} points"
        );
    }
    out
}
