//! One embed layout per reply body: questions with answer buttons, private
//! feedback, the reveal, leaderboard pages with paging buttons, and stats.
//! Every string is clipped to the embed field it lands in.

use super::ids::Action;
use super::render::{split_text, Rendered, EMBED_DESCRIPTION};
use crate::bank::Format;
use crate::domain::reply::{Body, Feedback, Leaderboard, QuestionCard, RevealCard, Stats};
use crate::grading::Verdict;
use poise::serenity_prelude::{
    ButtonStyle, CreateActionRow, CreateButton, CreateEmbed, CreateEmbedFooter,
};

const BLURPLE: u32 = 0x5865F2;
const GREEN: u32 = 0x57F287;
const YELLOW: u32 = 0xFEE75C;
const RED: u32 = 0xED4245;
const GREY: u32 = 0x99AAB5;
const GOLD: u32 = 0xF1C40F;

const TITLE: usize = 256;
const FIELD: usize = 1024;
const LABEL: usize = 80;

/// Cuts `s` to at most `n` characters, ending with `…` when cut.
pub fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Builds the embeds for `text`: the first carries `title`, `fields` and
/// `footer`; the rest continue the text.
fn embeds(
    title: &str,
    text: &str,
    colour: u32,
    fields: Vec<(String, String)>,
    footer: Option<&str>,
) -> Rendered {
    let title = clip(title, TITLE);
    let mut out = Rendered::default();
    for (i, piece) in split_text(text, EMBED_DESCRIPTION).into_iter().enumerate() {
        let mut size = piece.chars().count();
        let mut e = CreateEmbed::new().colour(colour);
        if !piece.is_empty() {
            e = e.description(piece);
        }
        if i == 0 {
            size += title.chars().count();
            e = e.title(title.clone());
            for (name, value) in &fields {
                let (name, value) = (clip(name, TITLE), clip(value, FIELD));
                size += name.chars().count() + value.chars().count();
                e = e.field(name, value, true);
            }
            if let Some(f) = footer {
                size += f.chars().count();
                e = e.footer(CreateEmbedFooter::new(clip(f, 2048)));
            }
        }
        out.embeds.push((e, size));
    }
    out
}

/// The embeds for any reply body.
pub fn body(body: &Body) -> Rendered {
    match body {
        Body::Text(t) => embeds("prepbot", t, GREY, vec![], None),
        Body::Error(t) => embeds("⚠️ Can't do that", t, RED, vec![], None),
        Body::Question(card) => question(card),
        Body::Feedback(f) => feedback(f),
        Body::Reveal(card) => reveal(card),
        Body::Leaderboard(lb) => leaderboard(lb),
        Body::Stats(s) => stats(s),
    }
}

fn format_name(f: Format) -> &'static str {
    match f {
        Format::Open => "Open answer",
        Format::Choice => "Multiple choice",
        Format::Truefalse => "True or false",
        Format::Sql => "SQL",
    }
}

/// A question, with a button per option or an "Answer" button.
pub fn question(card: &QuestionCard) -> Rendered {
    let kind = if card.daily {
        "Daily question"
    } else {
        "Practice question"
    };
    let mut text = card.prompt.clone();
    if let Some(schema) = &card.schema {
        text.push_str(&format!("\n\n**Tables**\n```sql\n{schema}\n```"));
    }
    if !card.options.is_empty() {
        text.push_str("\n\n");
        for (id, option) in &card.options {
            text.push_str(&format!("**{}.** {option}\n", id.to_uppercase()));
        }
    }
    let fields = vec![
        ("Topic".to_owned(), card.topic_name.clone()),
        ("Difficulty".to_owned(), card.difficulty.to_string()),
        ("Format".to_owned(), format_name(card.format).to_owned()),
    ];
    let footer = match card.reveals_at {
        Some(_) => "Answers are private until the reveal.",
        None => "Your answer is private.",
    };
    match (card.reveals_at, &card.reveal_label) {
        (Some(at), Some(label)) => text.push_str(&format!("\n\nRevealed <t:{at}:R> ({label}).")),
        (Some(at), None) => text.push_str(&format!("\n\nRevealed <t:{at}:R> (<t:{at}:t>).")),
        _ => {}
    }
    let mut out = embeds(
        &format!("{kind} #{}", card.post_id),
        &text,
        BLURPLE,
        fields,
        Some(footer),
    );
    out.components = question_buttons(card);
    out
}

fn question_buttons(card: &QuestionCard) -> Vec<CreateActionRow> {
    let buttons: Vec<CreateButton> = if card.options.is_empty() {
        vec![
            CreateButton::new(Action::OpenAnswer { post: card.post_id }.encode())
                .label("Answer")
                .style(ButtonStyle::Primary),
        ]
    } else {
        card.options
            .iter()
            .take(25)
            .map(|(id, text)| {
                let label = if card.format == Format::Truefalse {
                    text.clone()
                } else {
                    format!("{}. {text}", id.to_uppercase())
                };
                CreateButton::new(
                    Action::Choose {
                        post: card.post_id,
                        option: id.clone(),
                    }
                    .encode(),
                )
                .label(clip(&label, LABEL))
                .style(ButtonStyle::Secondary)
            })
            .collect()
    };
    buttons
        .chunks(5)
        .map(|row| CreateActionRow::Buttons(row.to_vec()))
        .collect()
}

fn bullets(title: &str, items: &[String]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let lines: Vec<String> = items.iter().map(|i| format!("• {i}")).collect();
    format!("**{title}**\n{}\n\n", lines.join("\n"))
}

/// Private feedback on one answer.
pub fn feedback(f: &Feedback) -> Rendered {
    let (title, colour) = match f.grade.verdict {
        Verdict::Correct => ("✅ Correct", GREEN),
        Verdict::Partial => ("🟡 Partly right", YELLOW),
        Verdict::Incorrect => ("❌ Not quite", RED),
    };
    let mut text = String::new();
    if let Some(note) = &f.note {
        text.push_str(&format!("_{note}_\n\n"));
    }
    text.push_str(&bullets("You covered", &f.grade.covered));
    text.push_str(&bullets("You missed", &f.grade.missed));
    text.push_str(&bullets("Details", &f.grade.detail));
    if let Some(answer) = &f.model_answer {
        text.push_str(&format!("**Model answer**\n{answer}\n\n"));
    }
    let mut fields = vec![("Points".to_owned(), format!("+{}", f.points))];
    if let Some(s) = f.streak {
        fields.push(("Streak".to_owned(), format!("🔥 {s}")));
    }
    let footer = format!(
        "Answer #{} · question {} · think the grading missed something? /flag",
        f.answer_id, f.question_id
    );
    embeds(
        &format!("{title} — #{}", f.post_id),
        &text,
        colour,
        fields,
        Some(&footer),
    )
}

/// The reveal of a daily question. It has no buttons: answering is over.
pub fn reveal(card: &RevealCard) -> Rendered {
    let mut text = format!(
        "**Question**\n{}\n\n**Answer**\n{}",
        card.prompt, card.answer
    );
    if !card.explanation.is_empty() {
        text.push_str(&format!("\n\n**Why**\n{}", card.explanation));
    }
    let share = if card.answers > 0 {
        card.correct * 100 / card.answers
    } else {
        0
    };
    let names = if card.correct_names.is_empty() {
        "Nobody this time.".to_owned()
    } else {
        card.correct_names.join(", ")
    };
    let fields = vec![
        ("Answers".to_owned(), card.answers.to_string()),
        ("Correct".to_owned(), format!("{} ({share}%)", card.correct)),
        ("Got it right".to_owned(), names),
    ];
    embeds(
        &format!("Revealed: daily question #{}", card.post_id),
        &text,
        GREEN,
        fields,
        card.version_note.as_deref(),
    )
}

/// A page of the leaderboard, with ◀ ▶ buttons.
pub fn leaderboard(lb: &Leaderboard) -> Rendered {
    let mut title = format!("🏆 Leaderboard — {}", lb.period.as_str());
    if let Some(t) = &lb.topic {
        title.push_str(&format!(" · {t}"));
    }
    let text = if lb.rows.is_empty() {
        "No points yet. Answer today's question to get on the board.".to_owned()
    } else {
        lb.rows
            .iter()
            .map(|r| format!("**{}.** {} — {} pts", r.rank, r.name, r.points))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let fields = lb
        .me
        .iter()
        .map(|me| {
            (
                "You".to_owned(),
                format!("#{} · {} pts", me.rank, me.points),
            )
        })
        .collect();
    let pages = lb.pages.max(1);
    let mut out = embeds(
        &title,
        &text,
        GOLD,
        fields,
        Some(&format!("Page {} of {pages}", lb.page)),
    );
    if pages > 1 {
        let go = |page: u32, label: &str, disabled: bool| {
            CreateButton::new(
                Action::Leaderboard {
                    period: lb.period,
                    topic: lb.topic.clone(),
                    page,
                }
                .encode(),
            )
            .label(label)
            .style(ButtonStyle::Secondary)
            .disabled(disabled)
        };
        out.components = vec![CreateActionRow::Buttons(vec![
            go(lb.page.saturating_sub(1), "◀ Previous", lb.page <= 1),
            go(lb.page + 1, "Next ▶", lb.page >= pages),
        ])];
    }
    out
}

/// A member's stats.
pub fn stats(s: &Stats) -> Rendered {
    let accuracy = if s.answers > 0 {
        s.correct * 100 / s.answers
    } else {
        0
    };
    let fields = vec![
        ("Points".to_owned(), s.points.to_string()),
        ("Answers".to_owned(), s.answers.to_string()),
        ("Correct".to_owned(), format!("{} ({accuracy}%)", s.correct)),
        ("Streak".to_owned(), format!("🔥 {}", s.streak)),
        ("Best streak".to_owned(), s.best_streak.to_string()),
    ];
    let text = s
        .per_topic
        .iter()
        .map(|(topic, answered, correct, points)| {
            format!("`{topic}` — {correct}/{answered} correct, {points} pts")
        })
        .collect::<Vec<_>>()
        .join("\n");
    embeds(&format!("📊 {}", s.name), &text, BLURPLE, fields, None)
}
