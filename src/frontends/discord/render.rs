//! Replies and effects as Discord messages: [`Outgoing`] is one message
//! (embeds + components + ephemeral flag), converted at the last moment into
//! whichever serenity/poise builder the transport needs (interaction
//! response, followup, channel message, edit).
//!
//! Long text is split at paragraph boundaries to fit an embed description
//! (4096 characters); the pieces are packed into messages that respect
//! Discord's 6000-character and 10-embed caps per message.

use super::widgets;
use crate::domain::action::{ActionId, ANSWER_FIELD};
use crate::domain::command::MAX_ANSWER_CHARS;
use crate::domain::reply::{Body, Visibility};
use crate::domain::view::{self, View};
use crate::runner::Shown;
use poise::serenity_prelude::{
    CreateActionRow, CreateAllowedMentions, CreateEmbed, CreateInputText,
    CreateInteractionResponseFollowup, CreateInteractionResponseMessage, CreateMessage,
    CreateModal, EditInteractionResponse, EditMessage, InputTextStyle,
};

/// Longest embed description.
pub const EMBED_DESCRIPTION: usize = 4096;
/// Most characters across all embeds of one message.
pub const MESSAGE_EMBED_TOTAL: usize = 6000;
/// Most embeds in one message.
pub const MESSAGE_EMBEDS: usize = 10;

/// One Discord message to send.
#[derive(Debug, Clone, Default)]
pub struct Outgoing {
    /// Plain text shown above the embeds: the view's fallback, so people
    /// who turned embeds off still see the question, grade or reveal.
    pub content: Option<String>,
    pub embeds: Vec<CreateEmbed>,
    pub components: Vec<CreateActionRow>,
    pub ephemeral: bool,
}

/// A body's embeds (each under Discord's caps) and its buttons.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// `(embed, characters it counts for)`
    pub embeds: Vec<(CreateEmbed, usize)>,
    pub components: Vec<CreateActionRow>,
}

/// A reply to the person who asked, as one or more messages (the first is
/// the interaction response, the rest followups).
pub fn shown(shown: &Shown) -> Vec<Outgoing> {
    with_fallback(
        pack(
            widgets::view(&shown.view),
            shown.visibility == Visibility::Private,
        ),
        &shown.view,
    )
}

/// A post in a channel (the daily question, a reveal), as one or more
/// messages: a long one continues in further messages, nothing is dropped.
pub fn post(view: &View) -> Vec<Outgoing> {
    with_fallback(pack(widgets::view(view), false), view)
}

/// Puts the view's plain-text fallback on the first message.
fn with_fallback(mut out: Vec<Outgoing>, view: &View) -> Vec<Outgoing> {
    if let Some(first) = out.first_mut() {
        first.content = view.fallback();
    }
    out
}

/// The apology for an internal error, with the id to report.
pub fn apology(reference: &str) -> Outgoing {
    let view = view::build(
        &Body::Error(format!(
            "Sorry, something went wrong on our side. If it keeps happening, report id `{reference}` to a server admin."
        )),
        &super::WORDS,
    );
    pack(widgets::view(&view), true).remove(0)
}

/// The modal for a free-text or SQL answer to `post` (`None`: the person's
/// current question).
pub fn answer_modal(post: Option<i64>, prompt: Option<&str>) -> CreateModal {
    let mut input = CreateInputText::new(InputTextStyle::Paragraph, "Your answer", ANSWER_FIELD)
        .max_length(MAX_ANSWER_CHARS as u16)
        .required(true);
    if let Some(p) = prompt {
        input = input.placeholder(widgets::clip(p, 100));
    }
    let title = post.map_or_else(|| "Your answer".to_owned(), |p| format!("Answer to #{p}"));
    CreateModal::new(
        ActionId::SubmitAnswer { post }.encode(),
        widgets::clip(&title, 45),
    )
    .components(vec![CreateActionRow::InputText(input)])
}

/// Packs embeds into as few messages as Discord's per-message caps allow.
/// Components go on the first message.
fn pack(rendered: Rendered, ephemeral: bool) -> Vec<Outgoing> {
    let mut out: Vec<Outgoing> = Vec::new();
    let mut used = 0;
    for (embed, size) in rendered.embeds {
        let full = out
            .last()
            .is_none_or(|m| m.embeds.len() >= MESSAGE_EMBEDS || used + size > MESSAGE_EMBED_TOTAL);
        if full {
            out.push(Outgoing {
                ephemeral,
                ..Outgoing::default()
            });
            used = 0;
        }
        used += size;
        out.last_mut().expect("pushed above").embeds.push(embed);
    }
    if out.is_empty() {
        out.push(Outgoing {
            ephemeral,
            ..Outgoing::default()
        });
    }
    out[0].components = rendered.components;
    out
}

/// Splits `text` into pieces of at most `limit` characters, preferring
/// paragraph breaks, then line breaks, then spaces; a single word longer than
/// `limit` is cut.
pub fn split_text(text: &str, limit: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest = text.trim();
    while rest.chars().count() > limit {
        let cut = byte_at_char(rest, limit);
        let head = &rest[..cut];
        let at = ["\n\n", "\n", " "]
            .iter()
            .find_map(|sep| head.rfind(sep).filter(|&i| i > 0))
            .unwrap_or(cut);
        pieces.push(rest[..at].trim_end().to_owned());
        rest = rest[at..].trim_start();
    }
    if !rest.is_empty() || pieces.is_empty() {
        pieces.push(rest.to_owned());
    }
    pieces
}

fn byte_at_char(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map_or(s.len(), |(i, _)| i)
}

/// No pings: a question or answer quoting `@everyone` or `<@id>` must not
/// notify anyone (`{"parse": []}`).
pub fn no_pings() -> CreateAllowedMentions {
    CreateAllowedMentions::new()
}

impl Outgoing {
    /// For poise's `ctx.send` (initial response or followup alike).
    pub fn into_reply(self) -> poise::CreateReply {
        let mut r = poise::CreateReply::default()
            .ephemeral(self.ephemeral)
            .content(self.content.unwrap_or_default())
            .components(self.components)
            .allowed_mentions(no_pings());
        r.embeds = self.embeds;
        r
    }

    /// For `CreateInteractionResponse::Message` / `UpdateMessage`.
    pub fn into_response(self) -> CreateInteractionResponseMessage {
        CreateInteractionResponseMessage::new()
            .content(self.content.unwrap_or_default())
            .embeds(self.embeds)
            .components(self.components)
            .ephemeral(self.ephemeral)
            .allowed_mentions(no_pings())
    }

    /// For a followup after a deferred response.
    pub fn into_followup(self) -> CreateInteractionResponseFollowup {
        CreateInteractionResponseFollowup::new()
            .content(self.content.unwrap_or_default())
            .embeds(self.embeds)
            .components(self.components)
            .ephemeral(self.ephemeral)
            .allowed_mentions(no_pings())
    }

    /// For editing the interaction's `@original` (a deferred reply, or the
    /// clicked message after a deferred update).
    pub fn into_original(self) -> EditInteractionResponse {
        EditInteractionResponse::new()
            .content(self.content.unwrap_or_default())
            .embeds(self.embeds)
            .components(self.components)
            .allowed_mentions(no_pings())
    }

    /// For a new channel message.
    pub fn into_message(self) -> CreateMessage {
        CreateMessage::new()
            .content(self.content.unwrap_or_default())
            .embeds(self.embeds)
            .components(self.components)
            .allowed_mentions(no_pings())
    }

    /// For editing a posted message (replaces embeds and components).
    pub fn into_edit(self) -> EditMessage {
        EditMessage::new()
            .content(self.content.unwrap_or_default())
            .embeds(self.embeds)
            .components(self.components)
            .allowed_mentions(no_pings())
    }
}

#[cfg(test)]
#[path = "render_tests.rs"]
mod tests;
