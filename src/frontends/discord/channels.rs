//! Which channel a command is about, and whether the daily question can be
//! posted there, from what the interaction itself carries (its `channel`
//! object, `resolved.channels`, `app_permissions`): no extra request.
//!
//! - A command typed in a thread (the daily post's discussion thread) acts
//!   on the thread's parent channel, where the schedule lives.
//! - `/daily setup` refuses a channel where posting cannot work (a forum,
//!   voice, stage or category channel, or one where the bot lacks View
//!   Channel, Send Messages or Embed Links), instead of failing at 09:00.
//!   `app_permissions` are the bot's permissions in the channel the command
//!   was typed in, so they are checked only when that is the target channel;
//!   elsewhere the scheduler's first refused post pauses the channel with the
//!   reason (see `notifier.rs`).

use poise::serenity_prelude::{ChannelId, ChannelType, PartialChannel, Permissions};

/// The channel whose schedule a command in `channel_id` is about: the parent
/// of a thread, else the channel itself.
pub fn schedule_channel(channel_id: ChannelId, channel: Option<&PartialChannel>) -> ChannelId {
    match channel {
        Some(c) if is_thread(c.kind) => c.parent_id.unwrap_or(channel_id),
        _ => channel_id,
    }
}

fn is_thread(kind: ChannelType) -> bool {
    matches!(
        kind,
        ChannelType::PublicThread | ChannelType::PrivateThread | ChannelType::NewsThread
    )
}

/// The permissions a daily post needs, with their names in Discord's UI.
pub const NEEDED: [(Permissions, &str); 3] = [
    (Permissions::VIEW_CHANNEL, "View Channel"),
    (Permissions::SEND_MESSAGES, "Send Messages"),
    (Permissions::EMBED_LINKS, "Embed Links"),
];

/// Why the daily question cannot be posted in a channel of `kind` where the
/// bot has `bot` (unknown: `None`), or `None` if it can.
pub fn setup_problem(name: &str, kind: ChannelType, bot: Option<Permissions>) -> Option<String> {
    let what = match kind {
        ChannelType::Text | ChannelType::News => None,
        ChannelType::Forum => Some("a forum"),
        ChannelType::Voice => Some("a voice channel"),
        ChannelType::Stage => Some("a stage channel"),
        ChannelType::Category => Some("a category"),
        k if is_thread(k) => Some("a thread"),
        _ => Some("not a text channel"),
    };
    if let Some(what) = what {
        return Some(format!(
            "#{name} is {what}: the daily question needs a text channel. Pick one with the channel option."
        ));
    }
    let bot = bot?;
    if bot.administrator() {
        return None;
    }
    let missing: Vec<&str> = NEEDED
        .iter()
        .filter(|(p, _)| !bot.contains(*p))
        .map(|(_, n)| *n)
        .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "I cannot post in #{name}: I am missing {} there. Give me those permissions, then run /daily setup again.",
            missing.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_text_and_announcement_channels_take_the_daily_question() {
        for kind in [ChannelType::Text, ChannelType::News] {
            assert_eq!(setup_problem("q", kind, None), None);
        }
        for (kind, words) in [
            (ChannelType::Forum, "a forum"),
            (ChannelType::Voice, "a voice channel"),
            (ChannelType::Stage, "a stage channel"),
            (ChannelType::Category, "a category"),
            (ChannelType::PublicThread, "a thread"),
        ] {
            let why = setup_problem("q", kind, None).expect("refused");
            assert!(why.contains(words) && why.contains("#q"), "{why}");
        }
    }

    #[test]
    fn missing_permissions_are_named() {
        let why = setup_problem("q", ChannelType::Text, Some(Permissions::VIEW_CHANNEL)).unwrap();
        assert!(
            why.contains("Send Messages, Embed Links") && !why.contains("View Channel"),
            "{why}"
        );
        let all = Permissions::VIEW_CHANNEL | Permissions::SEND_MESSAGES | Permissions::EMBED_LINKS;
        assert_eq!(setup_problem("q", ChannelType::Text, Some(all)), None);
        let admin = Some(Permissions::ADMINISTRATOR);
        assert_eq!(setup_problem("q", ChannelType::Text, admin), None);
    }

    #[test]
    fn a_thread_stands_for_its_parent_channel() {
        let thread: PartialChannel = serde_json::from_value(serde_json::json!(
            {"id": "7", "type": 11, "name": "Discuss", "parent_id": "5"}
        ))
        .unwrap();
        assert_eq!(
            schedule_channel(ChannelId::new(7), Some(&thread)),
            ChannelId::new(5)
        );
        let text: PartialChannel =
            serde_json::from_value(serde_json::json!({"id": "5", "type": 0, "name": "q"})).unwrap();
        assert_eq!(
            schedule_channel(ChannelId::new(5), Some(&text)),
            ChannelId::new(5)
        );
        assert_eq!(schedule_channel(ChannelId::new(5), None), ChannelId::new(5));
    }
}
