//! The view model as Block Kit: a header, sections in `mrkdwn`, fields, a
//! context footer and an actions block whose `action_id`s are the core's
//! [`ActionId`]s. Slack's limits are kept here without dropping content: a
//! long text is split over several sections, and a view over 50 blocks
//! continues in further messages.

use crate::domain::action::{ActionId, ANSWER_FIELD};
use crate::domain::view::{clip, Block, Control, Emphasis, View};
use serde_json::{json, Value};

/// Most blocks in one message.
pub const MESSAGE_BLOCKS: usize = 50;
/// Most blocks in a view (a modal, an App Home tab).
pub const VIEW_BLOCKS: usize = 100;
/// Most characters in a section's text.
pub const SECTION_TEXT: usize = 3000;
/// Most characters in a header.
const HEADER_TEXT: usize = 150;
/// Most characters on a button or in a select option.
pub const BUTTON_TEXT: usize = 75;
/// Most characters in a modal title.
pub const MODAL_TITLE: usize = 24;
/// Most characters a `plain_text_input` takes.
pub const INPUT_MAX: usize = 3000;
/// Most fields in one section.
const FIELDS: usize = 10;

/// A view as one or more messages' blocks (each within [`MESSAGE_BLOCKS`]);
/// the controls are on the first message.
pub fn messages(view: &View) -> Vec<Vec<Value>> {
    let mut all = Vec::new();
    if !view.title.is_empty() {
        all.push(json!({"type": "header", "text": plain(&clip(&view.title, HEADER_TEXT))}));
    }
    for block in &view.blocks {
        // A code block split over sections is fenced in each, so none
        // leaves the rest of the message rendered as code.
        let pieces = match block {
            Block::Code { code, .. } => split(&escape(code), SECTION_TEXT - 6)
                .into_iter()
                .map(|p| format!("```{p}```"))
                .collect(),
            _ => split(&block_text(block), SECTION_TEXT),
        };
        for text in pieces {
            all.push(section(&text));
        }
    }
    for fields in view.fields.chunks(FIELDS) {
        let fields: Vec<Value> = fields
            .iter()
            .map(|f| {
                mrkdwn(&clip_mrkdwn(
                    &format!("*{}*\n{}", f.name, to_mrkdwn(&f.value)),
                    2000,
                ))
            })
            .collect();
        all.push(json!({"type": "section", "fields": fields}));
    }
    let actions = actions(&view.controls);
    if let Some(d) = view.deadline {
        // Slack's date token shows the time in each reader's own zone.
        let at = chrono::DateTime::from_timestamp(d, 0).unwrap_or_default();
        let text = format!(
            "Closes at <!date^{d}^{{time_secs}}|{}>",
            at.format("%H:%M:%S UTC")
        );
        all.push(json!({"type": "context", "elements": [mrkdwn(&text)]}));
    }
    if let Some(footer) = &view.footer {
        all.push(json!({"type": "context", "elements": [mrkdwn(&clip_mrkdwn(&to_mrkdwn(footer), SECTION_TEXT))]}));
    }
    let mut out: Vec<Vec<Value>> = all
        .chunks(MESSAGE_BLOCKS - 1)
        .map(<[Value]>::to_vec)
        .collect();
    if out.is_empty() {
        out.push(vec![section(" ")]);
    }
    if let Some(actions) = actions {
        out[0].push(actions);
    }
    out
}

/// Views one after another as the blocks of one App Home tab, a divider
/// between them. The core keeps a home well under [`VIEW_BLOCKS`]; should
/// one still be longer, whole views at its end are left out (never half a
/// view) and the log says so.
pub fn home(views: &[View]) -> Vec<Value> {
    let mut all: Vec<Value> = Vec::new();
    for (i, view) in views.iter().enumerate() {
        let mut these = messages(view).concat();
        if i > 0 {
            these.insert(0, json!({"type": "divider"}));
        }
        if all.len() + these.len() > VIEW_BLOCKS {
            tracing::warn!(
                left_out = views.len() - i,
                "an App Home over 100 blocks; its last views are left out"
            );
            break;
        }
        all.extend(these);
    }
    all
}

/// The notification text of a message (shown where blocks are not): the
/// core's fallback where the view has one, else its title.
pub fn fallback(view: &View) -> String {
    // Escaped like the blocks: a name holding `<!here>` must not ping.
    if let Some(text) = view.fallback() {
        return escape(&text);
    }
    let text = if view.title.is_empty() {
        view.blocks.first().map(block_text).unwrap_or_default()
    } else {
        escape(&view.title)
    };
    clip(&text, 300)
}

/// The answer modal for `post` (`None`: the person's current question);
/// `metadata` comes back with the submission (the channel).
pub fn answer_modal(post: Option<i64>, metadata: &str) -> Value {
    let title = post.map_or_else(|| "Your answer".to_owned(), |p| format!("Answer to #{p}"));
    json!({
        "type": "modal",
        "callback_id": ActionId::SubmitAnswer { post }.encode(),
        "title": plain(&clip(&title, MODAL_TITLE)),
        "submit": plain("Submit"),
        "close": plain("Cancel"),
        "private_metadata": metadata,
        "blocks": [{
            "type": "input",
            "block_id": ANSWER_FIELD,
            "label": plain("Your answer"),
            "element": {
                "type": "plain_text_input",
                "action_id": ANSWER_FIELD,
                "multiline": true,
                "max_length": INPUT_MAX,
            },
        }],
    })
}

fn plain(text: &str) -> Value {
    json!({"type": "plain_text", "text": text, "emoji": true})
}

fn mrkdwn(text: &str) -> Value {
    json!({"type": "mrkdwn", "text": text})
}

fn section(text: &str) -> Value {
    json!({"type": "section", "text": mrkdwn(text)})
}

/// One view block as `mrkdwn` text.
fn block_text(block: &Block) -> String {
    match block {
        Block::Text(t) => to_mrkdwn(t),
        Block::Section { heading, text } if text.is_empty() => format!("*{heading}*"),
        Block::Section { heading, text } => format!("*{heading}*\n{}", to_mrkdwn(text)),
        Block::List {
            heading,
            mark,
            items,
        } => {
            let mark = mark.glyph();
            let mut lines: Vec<String> = heading.iter().map(|h| format!("*{h}*")).collect();
            lines.extend(items.iter().map(|i| format!("{mark}{}", to_mrkdwn(i))));
            lines.join("\n")
        }
        Block::Code { code, .. } => format!("```{}```", escape(code)),
        Block::Table { columns, rows } => {
            let mut lines = vec![format!("*{}*", columns.join(" · "))];
            lines.extend(rows.iter().map(|r| {
                let cells: Vec<String> = r.iter().map(|c| to_mrkdwn(c)).collect();
                cells.join(" · ")
            }));
            lines.join("\n")
        }
    }
}

fn actions(controls: &[Control]) -> Option<Value> {
    let elements: Vec<Value> = controls.iter().filter_map(control).take(25).collect();
    (!elements.is_empty()).then(|| json!({"type": "actions", "elements": elements}))
}

fn control(c: &Control) -> Option<Value> {
    match c {
        // Block Kit buttons cannot be disabled: a disabled one is left out.
        Control::Button { disabled: true, .. } => None,
        Control::Button {
            action,
            label,
            emphasis,
            ..
        } => {
            let mut b = json!({"type": "button", "text": plain(&clip(label, BUTTON_TEXT)), "action_id": action.encode()});
            if *emphasis == Emphasis::Primary {
                b["style"] = json!("primary");
            }
            Some(b)
        }
        Control::Select {
            action,
            placeholder,
            options,
            max,
            ..
        } => {
            let options: Vec<Value> = options
                .iter()
                .take(100)
                .map(|(value, label)| json!({"text": plain(&clip(label, BUTTON_TEXT)), "value": value}))
                .collect();
            let mut s = json!({"type": "static_select", "action_id": action.encode(), "placeholder": plain(&clip(placeholder, 150)), "options": options});
            if *max > 1 {
                s["type"] = json!("multi_static_select");
                s["max_selected_items"] = json!(max);
            }
            Some(s)
        }
    }
}

/// The core's markup as Slack `mrkdwn`: `**bold**` becomes `*bold*`, a
/// backslash escape becomes the literal character, and `&`, `<`, `>` are
/// escaped so nothing a person typed can link or mention. The one link
/// kept is the core's own channel reference (`<#C123>`, from
/// [`super::WORDS`]): anything a person wrote reaches markup escaped, so an
/// unescaped one can only be the core's.
pub fn to_mrkdwn(markup: &str) -> String {
    let mut out = String::with_capacity(markup.len());
    let mut chars = markup.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '<' {
            if let Some(link) = channel_link(chars.clone()) {
                for _ in 0..link.chars().count() - 1 {
                    chars.next();
                }
                out.push_str(&link);
                continue;
            }
        }
        match c {
            '\\' => out.push_str(&escape(&chars.next().map(String::from).unwrap_or_default())),
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                out.push('*');
            }
            '\u{200B}' => {}
            c => out.push_str(&escape(&c.to_string())),
        }
    }
    out
}

/// `<#ID>` when `after` (what follows a `<`) is `#`, an upper-case
/// alphanumeric channel id and `>`.
fn channel_link(after: impl Iterator<Item = char>) -> Option<String> {
    let rest: String = after.take(24).collect();
    let id = rest.strip_prefix('#')?.split('>').next()?;
    let well_formed = !id.is_empty()
        && rest.len() > id.len() + 1
        && id
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    well_formed.then(|| format!("<#{id}>"))
}

/// Slack's three control characters, escaped.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// How many of `chars` (at most `max`) to keep so the cut does not fall
/// inside an escape such as `&amp;`: Slack would show its first half.
fn safe_cut(chars: &[char], max: usize) -> usize {
    if chars.len() <= max {
        return chars.len();
    }
    let head = &chars[..max];
    match head.iter().rposition(|&c| c == '&') {
        // `&amp;` is the longest escape: 5 characters.
        Some(amp) if amp > 0 && max - amp < 5 && !head[amp..].contains(&';') => amp,
        _ => max,
    }
}

/// [`clip`] for mrkdwn: never ends in half an escape.
fn clip_mrkdwn(text: &str, max: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= max {
        return text.to_owned();
    }
    let keep = safe_cut(&chars, max - 1); // and room for the ellipsis
    chars[..keep].iter().collect::<String>() + "…"
}

/// Splits `text` into pieces of at most `max` characters, at line breaks
/// where possible, and never inside an escape.
fn split(text: &str, max: usize) -> Vec<String> {
    let mut pieces = vec![String::new()];
    for line in text.split_inclusive('\n') {
        let mut rest: Vec<char> = line.chars().collect();
        let mut chunks = Vec::new();
        while !rest.is_empty() {
            let cut = safe_cut(&rest, max);
            chunks.push(rest.drain(..cut).collect::<String>());
        }
        for chunk in chunks {
            let last = pieces.last_mut().expect("never empty");
            if last.chars().count() + chunk.chars().count() > max {
                pieces.push(chunk);
            } else {
                last.push_str(&chunk);
            }
        }
    }
    pieces
        .into_iter()
        .map(|p| p.trim_end().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

#[cfg(test)]
#[path = "blocks_tests.rs"]
mod tests;
