//! Where a Slack reply is shown. A slash command or a click answers through
//! its `response_url` (good for 5 uses in 30 minutes: a reply of several
//! messages counts each); a modal submission has none, so its feedback is an
//! ephemeral message in the channel the modal was opened from, or a direct
//! message from the app when the bot is not in that channel.

use super::api::{Api, ApiError};
use super::blocks;
use crate::domain::reply::Visibility;
use crate::runner::{Shown, Surface};
use async_trait::async_trait;
use serde_json::json;

/// How many times Slack lets a `response_url` be used.
pub const RESPONSE_URL_USES: u8 = 5;

/// Replies through an interaction's `response_url`.
pub struct ResponseUrl {
    api: Api,
    url: String,
    used: u8,
    /// Replace the message clicked (paging the asker's own leaderboard).
    pub replace: bool,
}

impl ResponseUrl {
    pub fn new(api: Api, url: String) -> Self {
        Self {
            api,
            url,
            used: 0,
            replace: false,
        }
    }
}

#[async_trait]
impl Surface for ResponseUrl {
    /// Already acknowledged: the HTTP answer went out before the work began.
    async fn defer(&mut self) -> anyhow::Result<()> {
        Ok(())
    }

    async fn show(&mut self, shown: Shown) -> anyhow::Result<()> {
        let kind = match shown.visibility {
            Visibility::Private => "ephemeral",
            Visibility::Public => "in_channel",
        };
        let replace = self.replace && shown.visibility == Visibility::Private;
        for (i, message) in blocks::messages(&shown.view).into_iter().enumerate() {
            anyhow::ensure!(
                self.used < RESPONSE_URL_USES,
                "the reply needs more than {RESPONSE_URL_USES} messages"
            );
            let body = json!({
                "response_type": kind,
                "replace_original": replace && i == 0,
                "text": blocks::fallback(&shown.view),
                "blocks": message,
            });
            self.used += 1;
            self.api.respond(&self.url, &body).await?;
        }
        Ok(())
    }
}

/// Replies with an ephemeral message (or a public one) in `channel`.
pub struct Ephemeral {
    pub api: Api,
    pub channel: String,
    pub user: String,
}

#[async_trait]
impl Surface for Ephemeral {
    async fn defer(&mut self) -> anyhow::Result<()> {
        Ok(())
    }

    async fn show(&mut self, shown: Shown) -> anyhow::Result<()> {
        let private = shown.visibility == Visibility::Private;
        let method = if private {
            "chat.postEphemeral"
        } else {
            "chat.postMessage"
        };
        for message in blocks::messages(&shown.view) {
            let mut body = json!({
                "channel": self.channel,
                "text": blocks::fallback(&shown.view),
                "blocks": message,
            });
            if private {
                body["user"] = json!(self.user);
            }
            match self.api.call(method, &body).await {
                // `/prep` works in channels the bot is not in, but an
                // ephemeral message there does not, nor to someone not in
                // the channel (the App Home offers every channel's open
                // question): the app's direct message is private too.
                Err(ApiError::Slack(code)) if private && NOT_THERE.contains(&code.as_str()) => {
                    body["channel"] = json!(self.user);
                    self.api.call("chat.postMessage", &body).await?;
                }
                other => {
                    other?;
                }
            }
        }
        Ok(())
    }
}

/// `chat.postEphemeral` errors that mean the bot cannot reach the person
/// in the channel: the bot is not in it, or they are not.
const NOT_THERE: [&str; 3] = ["not_in_channel", "channel_not_found", "user_not_in_channel"];
