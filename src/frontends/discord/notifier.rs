//! The scheduler's [`Notifier`] for Discord: posts the daily question as an
//! embed with answer buttons (and opens a discussion thread where the server
//! allows it), and publishes the reveal by editing that post.
//!
//! One attempt per call. Requests go through serenity's own `Route`s (so the
//! `proxy` base URL applies), but are executed here rather than by
//! `Http::send_message`, because serenity's error type drops a 429's
//! `retry_after`, and with serenity's rate limiter disabled that is the only
//! thing between us and Discord's limits. A 429 becomes
//! [`DeliveryError::RateLimited`] with the body's `retry_after` (and whether
//! it is global); a 5xx or a request that got no answer is
//! [`DeliveryError::Transient`], which delivery retries after a back-off:
//! safe, because every request here can be repeated (posts carry an
//! enforced nonce, a reveal is an edit). Every request also waits for a slot on this
//! notifier's own [`Pacer`] (47/s by default, for all replicas together), so a delivery that takes two
//! requests (post + thread) still keeps the process under Discord's global
//! 50 requests/s.
//!
//! A 404 Unknown Channel, 403 Missing Access or Missing Permissions, or 400
//! "not a text channel" is [`DeliveryError::Permanent`]: the scheduler
//! pauses the channel with the reason instead of retrying it all day.
//!
//! Posts carry `nonce = "p<post id>"` with `enforce_nonce: true`: if a post
//! went through but its answer was lost, the retry gets the same message back
//! instead of a second post. Discord keeps a nonce for a few minutes only,
//! so a redelivery (a claim taken over after the 2-minute lease, when a
//! process died mid-request) first looks for its post among the channel's
//! last 50 messages.

use super::answers::classify;
use super::render;
use crate::delivery::{DeliveryError, Notifier, Pacer};
use crate::domain::action::ActionId;
use crate::domain::reply::{Effect, MessageRef};
use crate::domain::view;
use crate::storage::Store;
use async_trait::async_trait;
use poise::serenity_prelude::{ChannelId, Http, LightMethod, MessageId, Nonce, Request, Route};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

mod dm;
mod threads;

/// Requests per second the notifier allows itself (Discord's global cap is 50).
pub const DEFAULT_RATE: u32 = crate::delivery::DEFAULT_RATE;
/// How many recent messages a redelivery looks through for its own post.
const LOOK_BACK: u32 = 50;

/// Delivers daily posts and reveals to Discord channels.
pub struct DiscordNotifier {
    pub(super) http: Arc<Http>,
    pub(super) client: reqwest::Client,
    pub(super) pacer: Pacer,
    /// Channels that refused a thread lately: not asked again for a day.
    threadless: threads::Threadless,
}

impl DiscordNotifier {
    /// A notifier sharing the bot's `Http` (token and proxy), paced at `rate`
    /// requests per second.
    pub fn new(http: Arc<Http>, rate: u32) -> Self {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .build()
            .expect("a reqwest client with default TLS");
        Self {
            http,
            client,
            pacer: Pacer::per_second(rate),
            threadless: threads::Threadless::default(),
        }
    }

    /// [`DiscordNotifier::new`], with `rate` shared by every replica on
    /// `store` (Discord's global limit is per bot, not per process).
    pub fn shared(http: Arc<Http>, rate: u32, store: Store) -> Self {
        Self {
            pacer: Pacer::shared(rate, store, "discord"),
            ..Self::new(http, rate)
        }
    }

    /// One paced request; the JSON answer, or why not.
    async fn call(
        &self,
        route: Route<'_>,
        method: LightMethod,
        body: &impl serde::Serialize,
    ) -> Result<Value, Failure> {
        let bytes =
            serde_json::to_vec(body).map_err(|e| Failure::other(format!("encoding: {e}")))?;
        let request = Request::new(route, method)
            .body(Some(bytes))
            .build(&self.client, self.http.token(), self.http.proxy.as_deref())
            .map_err(|e| Failure::other(format!("building request: {e}")))?;
        self.send(request).await
    }

    /// Sends a built request once its turn on the pacer comes.
    async fn send(&self, request: reqwest::RequestBuilder) -> Result<Value, Failure> {
        self.pacer.wait().await;
        let response = request
            .send()
            .await
            .map_err(|e| Failure::no_answer(format!("request: {e}")))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|e| Failure::no_answer(format!("reading body: {e}")))?;
        if (200..300).contains(&status) {
            return Ok(serde_json::from_slice(&body).unwrap_or(Value::Null));
        }
        let error = classify(status, &headers, &body);
        if let DeliveryError::RateLimited {
            retry_after,
            global: true,
        } = &error
        {
            // Every request to Discord waits, in every replica.
            self.pacer.back_off(*retry_after).await;
        }
        Err(Failure { status, error })
    }

    #[tracing::instrument(skip(self, effect), fields(post = effect.post_id()))]
    async fn post_question(
        &self,
        channel: ChannelId,
        effect: &Effect,
    ) -> Result<Option<MessageRef>, DeliveryError> {
        let post = effect.post_id();
        if matches!(
            effect,
            Effect::PostQuestion {
                redelivery: true,
                ..
            }
        ) {
            if let Some(id) = self.already_posted(channel, post).await? {
                tracing::info!(
                    post,
                    "found the earlier post in the channel; not posting again"
                );
                return Ok(Some(id));
            }
        }
        let mut messages = render::post(&view::post(effect, &super::WORDS)).into_iter();
        let first = messages.next().unwrap_or_default();
        let posted = self
            .post_message(channel, first, format!("p{post}"))
            .await?;
        let id = posted["id"]
            .as_str()
            .ok_or_else(|| DeliveryError::Failed("posted message has no id".into()))?;
        self.post_rest(channel, messages, &format!("p{post}"))
            .await?;
        if let Ok(message_id) = id.parse::<u64>() {
            self.open_thread(channel, MessageId::new(message_id), post)
                .await;
        }
        Ok(Some(id.to_owned()))
    }

    /// The id of a message in `channel` that is already daily post `post`:
    /// one of the last [`LOOK_BACK`] messages whose buttons belong to it.
    /// Discord keeps `enforce_nonce` for a few minutes only, and a
    /// redelivery comes later, so this look is what prevents a double post.
    /// Without Read Message History Discord returns no messages, and the
    /// post goes out again (docs/discord.md says so).
    async fn already_posted(
        &self,
        channel: ChannelId,
        post: i64,
    ) -> Result<Option<MessageRef>, DeliveryError> {
        let route = Route::ChannelMessages {
            channel_id: channel,
        };
        let recent = self
            .get(route, vec![("limit", LOOK_BACK.to_string())])
            .await?;
        let ours = recent.as_array().into_iter().flatten().find(|m| {
            m["components"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|row| row["components"].as_array().into_iter().flatten())
                .filter_map(|c| c["custom_id"].as_str().and_then(ActionId::parse))
                .any(|a| a.post() == Some(post))
        });
        Ok(ours.and_then(|m| m["id"].as_str().map(str::to_owned)))
    }

    /// One paced GET with query parameters.
    async fn get(
        &self,
        route: Route<'_>,
        params: Vec<(&'static str, String)>,
    ) -> Result<Value, Failure> {
        let request = Request::new(route, LightMethod::Get)
            .params(Some(params))
            .build(&self.client, self.http.token(), self.http.proxy.as_deref())
            .map_err(|e| Failure::other(format!("building request: {e}")))?;
        self.send(request).await
    }

    /// Posts one message with `nonce` enforced, so a retry after a lost
    /// answer gets the same message back instead of a second post.
    async fn post_message(
        &self,
        channel: ChannelId,
        out: render::Outgoing,
        nonce: String,
    ) -> Result<Value, DeliveryError> {
        let message = out
            .into_message()
            .nonce(Nonce::String(nonce))
            .enforce_nonce(true);
        let route = Route::ChannelMessages {
            channel_id: channel,
        };
        Ok(self.call(route, LightMethod::Post, &message).await?)
    }

    /// The continuation messages of a long post, each with its own nonce so
    /// a retry cannot post them twice.
    async fn post_rest(
        &self,
        channel: ChannelId,
        rest: impl Iterator<Item = render::Outgoing>,
        nonce: &str,
    ) -> Result<(), DeliveryError> {
        for (i, out) in rest.enumerate() {
            self.post_message(channel, out, format!("{nonce}-{}", i + 2))
                .await?;
        }
        Ok(())
    }

    #[tracing::instrument(skip(self, effect), fields(post = effect.post_id()))]
    async fn post_reveal(
        &self,
        channel: ChannelId,
        original: Option<&MessageRef>,
        effect: &Effect,
    ) -> Result<Option<MessageRef>, DeliveryError> {
        let post = effect.post_id();
        let mut messages = render::post(&view::post(effect, &super::WORDS)).into_iter();
        let out = messages.next().unwrap_or_default();
        if let Some(message_id) = original.and_then(|m| m.parse::<u64>().ok()) {
            let route = Route::ChannelMessage {
                channel_id: channel,
                message_id: MessageId::new(message_id),
            };
            match self
                .call(route, LightMethod::Patch, &out.clone().into_edit())
                .await
            {
                Ok(_) => {
                    self.post_rest(channel, messages, &format!("r{post}"))
                        .await?;
                    return Ok(None);
                }
                // The post was deleted: publish the reveal as a new message.
                Err(f) if f.status == 404 && !matches!(f.error, DeliveryError::Permanent(_)) => {
                    tracing::info!("original post is gone; posting the reveal")
                }
                Err(f) => return Err(f.error),
            }
        }
        self.post_message(channel, out, format!("r{post}")).await?;
        self.post_rest(channel, messages, &format!("r{post}"))
            .await?;
        Ok(None)
    }
}

#[async_trait]
impl Notifier for DiscordNotifier {
    async fn deliver(&self, effect: &Effect) -> Result<Option<MessageRef>, DeliveryError> {
        match effect {
            Effect::PostQuestion { channel, .. } => {
                self.post_question(channel_id(channel)?, effect).await
            }
            Effect::PostReveal {
                channel, original, ..
            } => {
                self.post_reveal(channel_id(channel)?, original.as_ref(), effect)
                    .await
            }
            Effect::TellAdmin { admin, .. } => self.direct_message(admin, effect).await,
            Effect::Announce { channel, card, .. } => {
                // Competition posts (season results, winners): plain posts
                // with their own nonce space, so a retry cannot repeat them.
                let channel = channel_id(channel)?;
                let mut messages = render::post(&view::post(effect, &super::WORDS)).into_iter();
                let first = messages.next().unwrap_or_default();
                let nonce = format!("a{}", card.id);
                let posted = self.post_message(channel, first, nonce.clone()).await?;
                self.post_rest(channel, messages, &nonce).await?;
                Ok(posted["id"].as_str().map(str::to_owned))
            }
            Effect::SetRole {
                guild,
                member,
                role,
                give,
                ..
            } => {
                self.set_role(guild, member, role, *give).await?;
                Ok(None)
            }
        }
    }
}

fn channel_id(channel: &str) -> Result<ChannelId, DeliveryError> {
    match channel.parse::<u64>() {
        Ok(id) if id > 0 => Ok(ChannelId::new(id)),
        _ => Err(DeliveryError::Failed(format!(
            "`{channel}` is not a Discord channel id"
        ))),
    }
}

/// A failed request: its HTTP status (0 when none came back) and the error
/// the scheduler sees.
struct Failure {
    status: u16,
    error: DeliveryError,
}

impl Failure {
    fn other(why: String) -> Self {
        Self {
            status: 0,
            error: DeliveryError::Failed(why),
        }
    }

    /// The request went out but no answer came back (a timeout, a reset):
    /// it may have taken effect, and repeating it is safe.
    fn no_answer(why: String) -> Self {
        Self {
            status: 0,
            error: DeliveryError::Transient(why),
        }
    }
}

impl From<Failure> for DeliveryError {
    fn from(f: Failure) -> Self {
        f.error
    }
}

#[cfg(test)]
mod tests;
