//! The scheduler's [`Notifier`] for Slack: the daily question as a Block Kit
//! message (`chat.postMessage`; a view over 50 blocks continues in the
//! post's thread), and the reveal as an edit of that post (`chat.update`)
//! plus the model answer in its thread.
//!
//! Slack allows about one message per second per channel, so each channel
//! has its own [`Pacer`] (the scheduler's pacer is the workspace-wide cap,
//! each replica's share of it: one pacer, because two in a row at the same
//! rate lose throughput to each other's jitter).
//! A 429's `Retry-After` becomes [`DeliveryError::RateLimited`]; errors no
//! retry can fix (the bot was removed, the channel archived, the token
//! revoked) are [`DeliveryError::Permanent`], so the channel's schedule
//! pauses with a reason an admin can act on. A daily post whose outcome is
//! unknown (a 5xx, a dropped connection) is [`DeliveryError::Transient`]:
//! delivery retries it within the tick, after a back-off, and the retry
//! looks in the channel first (below), because `chat.postMessage` has no
//! idempotency key and a 500 may hide a post that went out. Other errors
//! stay [`DeliveryError::Failed`] (a later tick retries).
//!
//! Nothing is posted twice: a daily post's first message carries message
//! metadata naming the post ([`POST_EVENT`]). When an attempt's outcome is
//! unknown (the answer was lost, or the process died), the redelivery
//! (`Effect::PostQuestion.redelivery`) first reads the channel's last
//! [`LOOK_BACK`] messages (`conversations.history`) and adopts the earlier
//! message instead of posting again.

use super::api::{Api, ApiError};
use super::blocks;
use super::tokens::Tokens;
use crate::delivery::{DeliveryError, Notifier, Pacer};
use crate::domain::action::ActionId;
use crate::domain::reply::{Effect, MessageRef};
use crate::domain::view::{self, View};
use async_trait::async_trait;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

/// Why a channel of a workspace without a token is paused.
const NOT_INSTALLED: &str =
    "the app is not installed in this workspace; install it again, then run /prep daily resume";

/// Messages per second Slack allows in one channel.
const PER_CHANNEL: u32 = 1;

/// The metadata `event_type` on a daily post's first message; its
/// `event_payload` is `{"post_id": N}`.
pub const POST_EVENT: &str = "prepbot_daily_post";

/// How many recent messages a redelivery looks through for its own post.
pub const LOOK_BACK: u32 = 50;

/// Where a call goes, and which workspace's token makes it.
#[derive(Clone, Copy)]
struct At<'a> {
    /// A channel id, or a user id (their direct message with the app).
    channel: &'a str,
    /// A channel of the workspace whose token to use.
    token_of: &'a str,
}

impl<'a> At<'a> {
    fn channel(channel: &'a str) -> Self {
        Self {
            channel,
            token_of: channel,
        }
    }
}

/// A call's arguments: JSON for write methods, a form for read methods.
enum Args<'a> {
    Json(Value),
    Form(&'a [(&'a str, &'a str)]),
}

/// Delivers daily posts and reveals to Slack channels.
pub struct SlackNotifier {
    api: Api,
    tokens: Tokens,
    channels: Mutex<HashMap<String, Arc<Pacer>>>,
    /// Daily posts whose last attempt may have gone out unseen: their next
    /// attempt in this process looks before posting, as a redelivery does.
    uncertain: Mutex<HashSet<i64>>,
}

impl SlackNotifier {
    pub fn new(api: Api, tokens: Tokens) -> Self {
        Self {
            api,
            tokens,
            channels: Mutex::default(),
            uncertain: Mutex::default(),
        }
    }

    fn pacer(&self, channel: &str) -> Arc<Pacer> {
        let mut all = self.channels.lock().expect("pacer map");
        all.entry(channel.to_owned())
            .or_insert_with(|| Arc::new(Pacer::per_second(PER_CHANNEL)))
            .clone()
    }

    /// One paced call; a 429 also holds the channel back. The outer error
    /// is ours (no token), the inner one Slack's answer.
    async fn request(
        &self,
        at: At<'_>,
        method: &str,
        args: Args<'_>,
    ) -> Result<Result<Value, ApiError>, DeliveryError> {
        let token = self
            .tokens
            .for_channel(at.token_of)
            .await
            .map_err(|e| DeliveryError::Failed(format!("{e:#}")))?;
        let Some(token) = token else {
            return Err(DeliveryError::Permanent(NOT_INSTALLED.into()));
        };
        let pacer = self.pacer(at.channel);
        pacer.wait().await;
        let api = self.api.with_token(Some(token));
        let answer = match args {
            Args::Json(body) => api.call(method, &body).await,
            Args::Form(form) => api.read(method, form).await,
        };
        if let Err(ApiError::RateLimited(wait)) = &answer {
            pacer.back_off(*wait).await;
        }
        Ok(answer)
    }

    /// [`SlackNotifier::request`] with Slack's errors as the scheduler sees them.
    async fn call(&self, at: At<'_>, method: &str, body: Value) -> Result<Value, DeliveryError> {
        self.request(at, method, Args::Json(body))
            .await?
            .map_err(classify)
    }

    /// Posts `view` (in the thread of `thread` when given, with `metadata`
    /// on its first message); returns the first message's `ts`.
    async fn post(
        &self,
        at: At<'_>,
        view: &View,
        thread: Option<&str>,
        metadata: Option<Value>,
    ) -> Result<String, DeliveryError> {
        let mut first: Option<String> = None;
        for message in blocks::messages(view) {
            let mut body = json!({
                "channel": at.channel,
                "text": blocks::fallback(view),
                "blocks": message,
                "unfurl_links": false,
            });
            if let Some(ts) = first.as_deref().or(thread) {
                body["thread_ts"] = json!(ts);
            }
            if let (None, Some(metadata)) = (&first, &metadata) {
                body["metadata"] = metadata.clone();
            }
            // Only a daily post's first message (the one with metadata)
            // can be looked for, so only its unknown outcome is retried soon.
            let lookable = first.is_none() && metadata.is_some();
            let posted = self
                .request(at, "chat.postMessage", Args::Json(body))
                .await?
                .map_err(|e| match e {
                    ApiError::Transport(why) if lookable => DeliveryError::Transient(why),
                    e => classify(e),
                })?;
            let ts = posted["ts"]
                .as_str()
                .ok_or_else(|| DeliveryError::Failed("posted message has no ts".into()))?;
            first.get_or_insert_with(|| ts.to_owned());
        }
        first.ok_or_else(|| DeliveryError::Failed("nothing to post".into()))
    }

    /// Posts the daily question, unless a redelivery finds it posted already.
    async fn post_question(
        &self,
        channel: &str,
        effect: &Effect,
        redelivery: bool,
    ) -> Result<MessageRef, DeliveryError> {
        let post = effect.post_id();
        let unsure = self
            .uncertain
            .lock()
            .expect("uncertain posts")
            .remove(&post);
        if redelivery || unsure {
            if let Some(ts) = self.already_posted(channel, post).await? {
                tracing::info!(
                    post,
                    "found the earlier post in the channel; not posting again"
                );
                return Ok(ts);
            }
        }
        let view = view::post(effect, &super::WORDS);
        let marker = json!({"event_type": POST_EVENT, "event_payload": {"post_id": post}});
        let posted = self
            .post(At::channel(channel), &view, None, Some(marker))
            .await;
        if let Err(DeliveryError::Transient(_)) = &posted {
            self.uncertain.lock().expect("uncertain posts").insert(post);
        }
        posted
    }

    /// The `ts` of daily post `post` among the channel's last [`LOOK_BACK`]
    /// messages. An install that predates the history scopes cannot look
    /// (`missing_scope`): it posts again, as before (docs/slack.md says so).
    async fn already_posted(
        &self,
        channel: &str,
        post: i64,
    ) -> Result<Option<MessageRef>, DeliveryError> {
        let limit = LOOK_BACK.to_string();
        let form = [
            ("channel", channel),
            ("limit", limit.as_str()),
            ("include_all_metadata", "true"),
        ];
        let at = At::channel(channel);
        match self
            .request(at, "conversations.history", Args::Form(&form))
            .await?
        {
            Ok(history) => Ok(find_post(&history, post)),
            Err(ApiError::Slack(code)) if code == "missing_scope" => {
                tracing::warn!(post, "cannot read the channel's history (reinstall the app for channels:history); posting again");
                Ok(None)
            }
            Err(e) => Err(classify(e)),
        }
    }

    async fn reveal(
        &self,
        channel: &str,
        original: Option<&str>,
        effect: &Effect,
    ) -> Result<(), DeliveryError> {
        let at = At::channel(channel);
        let (face, answer) = view::reveal_parts(effect, &super::WORDS).expect("a reveal effect");
        let Some(ts) = original else {
            // The post's message is unknown: the whole reveal, as a new post.
            let whole = view::post(effect, &super::WORDS);
            return self.post(at, &whole, None, None).await.map(|_| ());
        };
        let update = json!({
            "channel": channel,
            "ts": ts,
            "text": blocks::fallback(&face),
            "blocks": blocks::messages(&face).swap_remove(0),
        });
        match self.call(at, "chat.update", update).await {
            // Deleted by someone: the thread would dangle, so post anew.
            Err(DeliveryError::Failed(why)) if why.contains("message_not_found") => {
                let whole = view::post(effect, &super::WORDS);
                return self.post(at, &whole, None, None).await.map(|_| ());
            }
            other => other?,
        };
        self.post(at, &answer, Some(ts), None).await.map(|_| ())
    }
}

#[async_trait]
impl Notifier for SlackNotifier {
    async fn deliver(&self, effect: &Effect) -> Result<Option<MessageRef>, DeliveryError> {
        match effect {
            Effect::PostQuestion {
                channel,
                redelivery,
                ..
            } => Ok(Some(
                self.post_question(channel, effect, *redelivery).await?,
            )),
            Effect::PostReveal {
                channel, original, ..
            } => {
                self.reveal(channel, original.as_deref(), effect).await?;
                Ok(None)
            }
            Effect::Announce { channel, .. } => {
                let view = view::post(effect, &super::WORDS);
                let ts = self.post(At::channel(channel), &view, None, None).await?;
                Ok(Some(ts))
            }
            // Posting to a user id opens the app's direct message with them,
            // with the token of the workspace of the channel that paused (a
            // user id alone does not say which workspace that is).
            Effect::TellAdmin { admin, card, .. } => {
                let at = At {
                    channel: admin,
                    token_of: &card.channel,
                };
                let view = view::post(effect, &super::WORDS);
                self.post(at, &view, None, None).await?;
                Ok(None)
            }
            // Slack has no roles: rewards are badges there, and role changes
            // are only enqueued where roles exist. One arriving anyway is
            // refused for good, so it is given up instead of retried.
            Effect::SetRole { .. } => Err(DeliveryError::Permanent(
                "Slack has no roles; rewards are badges there".into(),
            )),
        }
    }
}

/// The `ts` of the message of a `conversations.history` answer that is
/// daily post `post`: a bot's message marked with [`POST_EVENT`], or (one
/// posted before the marker existed) carrying that post's buttons.
pub fn find_post(history: &Value, post: i64) -> Option<MessageRef> {
    let messages = history["messages"].as_array()?;
    let ours = messages.iter().find(|m| {
        let by_a_bot = m["bot_id"].as_str().is_some_and(|b| !b.is_empty());
        by_a_bot && (marked(m, post) || has_buttons_of(m, post))
    })?;
    ours["ts"].as_str().map(str::to_owned)
}

fn marked(message: &Value, post: i64) -> bool {
    let meta = &message["metadata"];
    let id = &meta["event_payload"]["post_id"];
    meta["event_type"] == POST_EVENT
        && (id.as_i64() == Some(post) || id.as_str() == Some(post.to_string().as_str()))
}

fn has_buttons_of(message: &Value, post: i64) -> bool {
    message["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|b| b["elements"].as_array().into_iter().flatten())
        .filter_map(|e| e["action_id"].as_str().and_then(ActionId::parse))
        .any(|a| a.post() == Some(post))
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
        code if super::api::token_refused(code) => {
            "the bot's token no longer works; reinstall the app, then run /prep daily resume"
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
