//! The rules real Slack applies to what prepbot sends, so the mock can
//! refuse what Slack would refuse: Block Kit limits (blocks per message and
//! per view, section text, button text, `action_id`, modal title,
//! `private_metadata`) and the arguments each Web API method requires.
//! Each check returns Slack's error code and a note saying what broke.

use serde_json::Value;

/// Most blocks in a message.
pub const MESSAGE_BLOCKS: usize = 50;
/// Most blocks in a modal or App Home view.
pub const VIEW_BLOCKS: usize = 100;
/// Most characters in a section's text (and a context element's).
pub const SECTION_TEXT: usize = 3000;
/// Most characters in a section field.
pub const FIELD_TEXT: usize = 2000;
/// Most fields in a section.
pub const FIELDS: usize = 10;
/// Most characters of a header.
pub const HEADER_TEXT: usize = 150;
/// Most characters on a button or a select option.
pub const BUTTON_TEXT: usize = 75;
/// Most characters in an `action_id` (and a `callback_id`).
pub const ACTION_ID: usize = 255;
/// Most characters of a modal's title, submit and close labels.
pub const MODAL_TITLE: usize = 24;
/// Most characters of a view's `private_metadata`.
pub const PRIVATE_METADATA: usize = 3000;
/// Most elements in an actions block.
pub const ACTIONS: usize = 25;
/// Largest `max_length` a `plain_text_input` may ask for.
pub const INPUT_MAX: u64 = 3000;

/// A refusal: Slack's error code and what broke.
pub type Refusal = (&'static str, String);

fn chars(v: &Value) -> usize {
    v.as_str().map_or(0, |s| s.chars().count())
}

fn too_long(what: &str, v: &Value, max: usize) -> Result<(), Refusal> {
    let n = chars(v);
    if n > max {
        return Err((
            "invalid_blocks",
            format!("{what} is {n} characters (max {max})"),
        ));
    }
    Ok(())
}

/// A text object must have a type and a non-empty text.
fn text_object(what: &str, v: &Value, max: usize) -> Result<(), Refusal> {
    if !matches!(v["type"].as_str(), Some("plain_text" | "mrkdwn")) || chars(&v["text"]) == 0 {
        return Err((
            "invalid_blocks",
            format!("{what} is not a text object: {v}"),
        ));
    }
    too_long(what, &v["text"], max)?;
    match v["type"].as_str() {
        Some("mrkdwn") => whole_mrkdwn(what, v["text"].as_str().unwrap_or_default()),
        _ => Ok(()),
    }
}

/// mrkdwn that Slack takes but shows broken: half an escape (`&am`, left
/// by a cut), or a code fence left open, which shows the rest as code.
/// Not a refusal of Slack's; the mock fails the test on it all the same.
fn whole_mrkdwn(what: &str, text: &str) -> Result<(), Refusal> {
    let half = text.match_indices('&').any(|(i, _)| {
        let rest = &text[i + 1..];
        let word: String = rest.chars().take_while(char::is_ascii_alphabetic).collect();
        !word.is_empty()
            && ["amp", "lt", "gt"].iter().any(|e| e.starts_with(&word))
            && !rest[word.len()..].starts_with(';')
    });
    if half || text.matches("```").count() % 2 == 1 {
        return Err((
            "invalid_blocks",
            format!("{what} would show broken: {text:.80}"),
        ));
    }
    Ok(())
}

/// The blocks of a message (`limit` 50) or a view (`limit` 100).
pub fn blocks(blocks: &Value, limit: usize) -> Result<(), Refusal> {
    let Some(list) = blocks.as_array() else {
        return Err(("invalid_blocks_format", "blocks is not an array".into()));
    };
    if list.len() > limit {
        return Err((
            "invalid_blocks",
            format!("{} blocks (max {limit})", list.len()),
        ));
    }
    list.iter().try_for_each(block)
}

fn block(b: &Value) -> Result<(), Refusal> {
    match b["type"].as_str() {
        Some("header") => text_object("header", &b["text"], HEADER_TEXT),
        Some("section") => section(b),
        Some("context") => b["elements"]
            .as_array()
            .into_iter()
            .flatten()
            .try_for_each(|e| text_object("context element", e, SECTION_TEXT)),
        Some("actions") => {
            let elements = b["elements"].as_array().cloned().unwrap_or_default();
            if elements.is_empty() || elements.len() > ACTIONS {
                return Err((
                    "invalid_blocks",
                    format!("{} action elements", elements.len()),
                ));
            }
            elements.iter().try_for_each(element)
        }
        Some("input") => {
            text_object("input label", &b["label"], 2000)?;
            element(&b["element"])
        }
        Some("divider") => Ok(()),
        other => Err(("invalid_blocks", format!("unknown block type {other:?}"))),
    }
}

fn section(b: &Value) -> Result<(), Refusal> {
    let fields = b["fields"].as_array();
    if b["text"].is_null() && fields.is_none() {
        return Err(("invalid_blocks", "a section needs text or fields".into()));
    }
    if !b["text"].is_null() {
        text_object("section text", &b["text"], SECTION_TEXT)?;
    }
    if let Some(fields) = fields {
        if fields.len() > FIELDS {
            return Err((
                "invalid_blocks",
                format!("{} fields (max {FIELDS})", fields.len()),
            ));
        }
        fields
            .iter()
            .try_for_each(|f| text_object("field", f, FIELD_TEXT))?;
    }
    Ok(())
}

fn element(e: &Value) -> Result<(), Refusal> {
    let id = &e["action_id"];
    if chars(id) == 0 {
        return Err((
            "invalid_blocks",
            format!("an element without action_id: {e}"),
        ));
    }
    too_long("action_id", id, ACTION_ID)?;
    match e["type"].as_str() {
        Some("button") => text_object("button text", &e["text"], BUTTON_TEXT),
        Some("static_select" | "multi_static_select") => {
            text_object("placeholder", &e["placeholder"], 150)?;
            let options = e["options"].as_array().cloned().unwrap_or_default();
            if options.is_empty() || options.len() > 100 {
                return Err(("invalid_blocks", format!("{} options", options.len())));
            }
            options.iter().try_for_each(|o| {
                text_object("option text", &o["text"], BUTTON_TEXT)?;
                too_long("option value", &o["value"], 150)
            })
        }
        Some("plain_text_input") => match e["max_length"].as_u64() {
            Some(n) if n > INPUT_MAX => Err((
                "invalid_blocks",
                format!("max_length {n} (max {INPUT_MAX})"),
            )),
            _ => Ok(()),
        },
        other => Err(("invalid_blocks", format!("unknown element type {other:?}"))),
    }
}

/// A modal (`views.open`) or a home tab (`views.publish`).
pub fn view(v: &Value, kind: &str) -> Result<(), Refusal> {
    if v["type"] != kind {
        return Err((
            "invalid_arguments",
            format!("view type {} (want {kind})", v["type"]),
        ));
    }
    if kind == "modal" {
        text_object("modal title", &v["title"], MODAL_TITLE)?;
        for label in ["submit", "close"] {
            if !v[label].is_null() {
                text_object(label, &v[label], MODAL_TITLE)?;
            }
        }
        too_long("callback_id", &v["callback_id"], ACTION_ID)?;
    }
    if chars(&v["private_metadata"]) > PRIVATE_METADATA {
        return Err((
            "invalid_arguments",
            "private_metadata over 3000 characters".into(),
        ));
    }
    blocks(&v["blocks"], VIEW_BLOCKS)
}

/// A message body: a channel, and text or blocks within the limits.
pub fn message(body: &Value) -> Result<(), Refusal> {
    if chars(&body["channel"]) == 0 {
        return Err(("channel_not_found", "no channel".into()));
    }
    if chars(&body["text"]) == 0 && body["blocks"].is_null() {
        return Err(("no_text", "neither text nor blocks".into()));
    }
    if !body["blocks"].is_null() {
        blocks(&body["blocks"], MESSAGE_BLOCKS)?;
    }
    Ok(())
}

/// A `response_url` body: a message, with a known `response_type`.
pub fn response(body: &Value) -> Result<(), Refusal> {
    if !matches!(
        body["response_type"].as_str(),
        None | Some("ephemeral" | "in_channel")
    ) {
        return Err((
            "invalid_arguments",
            format!("response_type {}", body["response_type"]),
        ));
    }
    if chars(&body["text"]) == 0 && body["blocks"].is_null() {
        return Err(("no_text", "neither text nor blocks".into()));
    }
    if !body["blocks"].is_null() {
        blocks(&body["blocks"], MESSAGE_BLOCKS)?;
    }
    Ok(())
}
