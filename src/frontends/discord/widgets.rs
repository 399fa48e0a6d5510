//! The Discord mapping of the view model: a view becomes embeds (title,
//! description, inline fields, footer, a colour per tone) and components
//! (buttons in rows of five, a string select in a row of its own). Every
//! string is fitted to the Discord limit of the place it lands in; long text
//! continues in further embeds (see [`super::render`]), so nothing is lost.

use super::render::{split_text, Rendered, EMBED_DESCRIPTION};
pub use crate::domain::view::clip;
use crate::domain::view::{Block, Control, Emphasis, Tone, View};
use poise::serenity_prelude::{
    ButtonStyle, CreateActionRow, CreateButton, CreateEmbed, CreateEmbedFooter, CreateSelectMenu,
    CreateSelectMenuKind, CreateSelectMenuOption,
};

/// Discord's limits (RichEmbed, ButtonComponentForMessageRequest,
/// StringSelectComponentForMessageRequest in the API spec).
const TITLE: usize = 256;
const FIELD_NAME: usize = 256;
const FIELD_VALUE: usize = 1024;
const FIELDS: usize = 25;
const FOOTER: usize = 2048;
const BUTTON_LABEL: usize = 80;
const BUTTONS_PER_ROW: usize = 5;
const ROWS: usize = 5;
const SELECT_OPTIONS: usize = 25;
const SELECT_TEXT: usize = 100;
const PLACEHOLDER: usize = 150;

fn colour(tone: Tone) -> u32 {
    match tone {
        Tone::Neutral => 0x99AAB5,
        Tone::Question => 0x5865F2,
        Tone::Success => 0x57F287,
        Tone::Partial => 0xFEE75C,
        Tone::Failure | Tone::Error => 0xED4245,
        Tone::Trophy => 0xF1C40F,
    }
}

/// The embeds and components of a view. Nothing is dropped: a field too
/// long for an embed field, or past the 25th, joins the description, and a
/// title too long for the title slot opens the description in full.
pub fn view(v: &View) -> Rendered {
    // A deadline is a Discord timestamp: each reader's client shows a live
    // countdown ("in 45 seconds") and the time in their own zone.
    let deadline = v.deadline.map(|d| crate::domain::view::Field {
        name: "Closes".into(),
        value: format!("<t:{d}:R> (<t:{d}:T>)"),
    });
    let (fields, overflow): (Vec<_>, Vec<_>) = v
        .fields
        .iter()
        .chain(deadline.iter())
        .enumerate()
        .partition(|(i, f)| {
            *i < FIELDS
                && f.value.chars().count() <= FIELD_VALUE
                && f.name.chars().count() <= FIELD_NAME
        });
    let mut text = description(&v.blocks);
    if v.title.chars().count() > TITLE {
        text = format!("**{}**\n\n{text}", v.title);
    }
    for (_, f) in &overflow {
        text.push_str(&format!("\n\n**{}**\n{}", f.name, f.value));
    }
    let title = clip(&v.title, TITLE);
    let mut out = Rendered::default();
    for (i, piece) in split_text(&text, EMBED_DESCRIPTION).into_iter().enumerate() {
        let mut size = piece.chars().count();
        let mut e = CreateEmbed::new().colour(colour(v.tone));
        if !piece.is_empty() {
            e = e.description(piece);
        }
        if i == 0 {
            size += title.chars().count();
            if !title.is_empty() {
                e = e.title(title.clone());
            }
            for (_, f) in &fields {
                size += f.name.chars().count() + f.value.chars().count();
                e = e.field(f.name.clone(), f.value.clone(), true);
            }
            if let Some(f) = &v.footer {
                let footer = clip(f, FOOTER);
                size += footer.chars().count();
                e = e.footer(CreateEmbedFooter::new(footer));
            }
        }
        out.embeds.push((e, size));
    }
    out.components = components(&v.controls);
    out
}

/// The blocks as one markdown description.
fn description(blocks: &[Block]) -> String {
    let parts: Vec<String> = blocks.iter().map(block).collect();
    parts.join("\n\n")
}

fn block(b: &Block) -> String {
    match b {
        Block::Text(t) => t.clone(),
        Block::Section { heading, text } if text.is_empty() => format!("**{heading}**"),
        Block::Section { heading, text } => format!("**{heading}**\n{text}"),
        Block::List {
            heading,
            mark,
            items,
        } => {
            let mark = mark.glyph();
            let lines: Vec<String> = items.iter().map(|i| format!("{mark}{i}")).collect();
            match heading {
                Some(h) => format!("**{h}**\n{}", lines.join("\n")),
                None => lines.join("\n"),
            }
        }
        Block::Code { language, code } => format!("```{language}\n{code}\n```"),
        Block::Table { rows, .. } => rows
            .iter()
            .map(|r| match r.split_first() {
                Some((first, rest)) if !rest.is_empty() => {
                    format!("**{first}** {}", rest.join(" · "))
                }
                _ => r.join(" · "),
            })
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// Buttons in rows of five, each select in its own row, at most five rows.
fn components(controls: &[Control]) -> Vec<CreateActionRow> {
    let mut rows = Vec::new();
    let mut buttons = Vec::new();
    for c in controls {
        match c {
            Control::Button {
                action,
                label,
                emphasis,
                disabled,
            } => buttons.push(
                CreateButton::new(action.encode())
                    .label(clip(label, BUTTON_LABEL))
                    .style(match emphasis {
                        Emphasis::Primary => ButtonStyle::Primary,
                        Emphasis::Secondary => ButtonStyle::Secondary,
                    })
                    .disabled(*disabled),
            ),
            Control::Select {
                action,
                placeholder,
                options,
                min,
                max,
            } => rows.push(select(action.encode(), placeholder, options, *min, *max)),
        }
    }
    for chunk in buttons.chunks(BUTTONS_PER_ROW) {
        rows.push(CreateActionRow::Buttons(chunk.to_vec()));
    }
    rows.truncate(ROWS);
    rows
}

fn select(
    id: String,
    placeholder: &str,
    options: &[(String, String)],
    min: usize,
    max: usize,
) -> CreateActionRow {
    let options: Vec<CreateSelectMenuOption> = options
        .iter()
        .take(SELECT_OPTIONS)
        .map(|(value, label)| CreateSelectMenuOption::new(clip(label, SELECT_TEXT), value.clone()))
        .collect();
    let max = max.clamp(1, options.len().max(1));
    let menu = CreateSelectMenu::new(id, CreateSelectMenuKind::String { options })
        .placeholder(clip(placeholder, PLACEHOLDER))
        .min_values(min.clamp(0, max) as u8)
        .max_values(max as u8);
    CreateActionRow::SelectMenu(menu)
}
