//! The scheduler's [`Notifier`] for Slack: the daily question as a Block Kit
//! message (`chat.postMessage`; a view over 50 blocks continues in the
//! post's thread), and the reveal as an edit of that post (`chat.update`)
//! plus the model answer in its thread.
//!
//! Slack allows about one message per second per channel, so each channel
//! has its own [`Pacer`] (the scheduler's pacer is the workspace-wide cap).
//! A 429's `Retry-After` becomes [`DeliveryError::RateLimited`]; errors no
//! retry can fix (the bot was removed, the channel archived, the token
//! revoked) are [`DeliveryError::Permanent`], so the channel's schedule
//! pauses with a reason an admin can act on. Other errors stay
//! [`DeliveryError::Failed`] (a later tick retries), never `Transient`:
//! `chat.postMessage` has no idempotency key, so a 500 may hide a post that
//! went out, and an immediate retry could post it twice.

use super::api::{Api, ApiError};
use super::blocks;
use super::tokens::Tokens;
use crate::delivery::{DeliveryError, Notifier, Pacer};
use crate::domain::reply::{Effect, MessageRef};
use crate::domain::view::{self, View};
use async_trait::async_trait;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Why a channel of a workspace without a token is paused.
const NOT_INSTALLED: &str =
    "the app is not installed in this workspace; install it again, then run /prep daily resume";

/// Messages per second Slack allows in one channel.
const PER_CHANNEL: u32 = 1;

/// Delivers daily posts and reveals to Slack channels.
pub struct SlackNotifier {
    api: Api,
    tokens: Tokens,
    channels: Mutex<HashMap<String, Arc<Pacer>>>,
}

impl SlackNotifier {
    pub fn new(api: Api, tokens: Tokens) -> Self {
        Self {
            api,
            tokens,
            channels: Mutex::default(),
        }
    }

    fn pacer(&self, channel: &str) -> Arc<Pacer> {
        let mut all = self.channels.lock().expect("pacer map");
        all.entry(channel.to_owned())
            .or_insert_with(|| Arc::new(Pacer::per_second(PER_CHANNEL)))
            .clone()
    }

    /// One paced call for `channel`; a 429 also holds the channel back.
    async fn call(&self, channel: &str, method: &str, body: Value) -> Result<Value, DeliveryError> {
        let token = self
            .tokens
            .for_channel(channel)
            .await
            .map_err(|e| DeliveryError::Failed(format!("{e:#}")))?;
        let Some(token) = token else {
            return Err(DeliveryError::Permanent(NOT_INSTALLED.into()));
        };
        let pacer = self.pacer(channel);
        pacer.wait().await;
        self.api
            .with_token(Some(token))
            .call(method, &body)
            .await
            .map_err(|e| {
                if let ApiError::RateLimited(wait) = e {
                    pacer.back_off(wait);
                }
                classify(e)
            })
    }

    /// Posts `view` in `channel` (in the thread of `thread` when given);
    /// returns the first message's `ts`.
    async fn post(
        &self,
        channel: &str,
        view: &View,
        thread: Option<&str>,
    ) -> Result<String, DeliveryError> {
        let mut first: Option<String> = None;
        for message in blocks::messages(view) {
            let mut body = json!({
                "channel": channel,
                "text": blocks::fallback(view),
                "blocks": message,
                "unfurl_links": false,
            });
            if let Some(ts) = first.as_deref().or(thread) {
                body["thread_ts"] = json!(ts);
            }
            let posted = self.call(channel, "chat.postMessage", body).await?;
            let ts = posted["ts"]
                .as_str()
                .ok_or_else(|| DeliveryError::Failed("posted message has no ts".into()))?;
            first.get_or_insert_with(|| ts.to_owned());
        }
        first.ok_or_else(|| DeliveryError::Failed("nothing to post".into()))
    }

    async fn reveal(
        &self,
        channel: &str,
        original: Option<&str>,
        effect: &Effect,
    ) -> Result<(), DeliveryError> {
        let (face, answer) = view::reveal_parts(effect, &super::WORDS).expect("a reveal effect");
        let Some(ts) = original else {
            // The post's message is unknown: the whole reveal, as a new post.
            return self
                .post(channel, &view::post(effect, &super::WORDS), None)
                .await
                .map(|_| ());
        };
        let update = json!({
            "channel": channel,
            "ts": ts,
            "text": blocks::fallback(&face),
            "blocks": blocks::messages(&face).swap_remove(0),
        });
        match self.call(channel, "chat.update", update).await {
            // Deleted by someone: the thread would dangle, so post anew.
            Err(DeliveryError::Failed(why)) if why.contains("message_not_found") => {
                let whole = view::post(effect, &super::WORDS);
                return self.post(channel, &whole, None).await.map(|_| ());
            }
            other => other?,
        };
        self.post(channel, &answer, Some(ts)).await.map(|_| ())
    }
}

#[async_trait]
impl Notifier for SlackNotifier {
    async fn deliver(&self, effect: &Effect) -> Result<Option<MessageRef>, DeliveryError> {
        match effect {
            Effect::PostQuestion { channel, .. } => {
                let ts = self
                    .post(channel, &view::post(effect, &super::WORDS), None)
                    .await?;
                Ok(Some(ts))
            }
            Effect::PostReveal {
                channel, original, ..
            } => {
                self.reveal(channel, original.as_deref(), effect).await?;
                Ok(None)
            }
            Effect::Announce { channel, .. } => {
                let ts = self
                    .post(channel, &view::post(effect, &super::WORDS), None)
                    .await?;
                Ok(Some(ts))
            }
            // Posting to a user id opens the app's direct message with them.
            Effect::TellAdmin { admin, .. } => {
                self.post(admin, &view::post(effect, &super::WORDS), None)
                    .await?;
                Ok(None)
            }
        }
    }
}

/// A failed call as the scheduler sees it.
pub fn classify(error: ApiError) -> DeliveryError {
    match error {
        // Held platform-wide: Slack's limits are per workspace and method,
        // and the channel's own pacer already backs off (see `call`).
        ApiError::RateLimited(retry_after) => DeliveryError::RateLimited {
            retry_after,
            global: true,
        },
        ApiError::Slack(code) => match permanent(&code) {
            Some(why) => DeliveryError::Permanent(format!("{why} (Slack: {code})")),
            None => DeliveryError::Failed(format!("Slack answered {code}")),
        },
        ApiError::Transport(why) => DeliveryError::Failed(why),
    }
}

/// Errors no retry can change, and what an admin should do about them.
fn permanent(code: &str) -> Option<&'static str> {
    Some(match code {
        "not_in_channel" => "the bot is not in this channel; invite it with /invite @prepbot, then run /prep daily resume",
        "channel_not_found" => "the channel no longer exists or the bot cannot see it; run /prep daily setup in another channel",
        "is_archived" => "the channel is archived; unarchive it and run /prep daily resume, or set up another channel",
        "account_inactive" | "invalid_auth" | "token_revoked" => {
            "the bot's token no longer works; reinstall the app, then run /prep daily resume"
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_429_becomes_rate_limited_with_its_retry_after() {
        let e = classify(ApiError::RateLimited(Duration::from_secs(3)));
        assert_eq!(
            e,
            DeliveryError::RateLimited {
                retry_after: Duration::from_secs(3),
                global: true,
            }
        );
    }

    #[test]
    fn a_removed_archived_or_unauthorised_channel_is_permanent_and_says_what_to_do() {
        for (code, words) in [
            ("not_in_channel", "/invite"),
            ("channel_not_found", "another channel"),
            ("is_archived", "unarchive"),
            ("account_inactive", "reinstall"),
            ("invalid_auth", "reinstall"),
        ] {
            match classify(ApiError::Slack(code.into())) {
                DeliveryError::Permanent(why) => {
                    assert!(why.contains(words) && why.contains(code), "{why}")
                }
                other => panic!("{code}: {other:?}"),
            }
        }
        assert!(matches!(
            classify(ApiError::Slack("internal_error".into())),
            DeliveryError::Failed(_)
        ));
    }
}
