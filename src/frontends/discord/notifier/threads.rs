//! The discussion thread under each daily post: best effort, and not
//! asked for again for a day where it was refused. Discord bans an IP
//! for a while after 10,000 refused (401, 403, 429) requests in 10
//! minutes, and a server that does not allow threads would otherwise
//! refuse one with every post of every channel.

use super::{DiscordNotifier, Failure};
use crate::delivery::DeliveryError;
use poise::serenity_prelude::{ChannelId, LightMethod, MessageId, Route};
use serde_json::json;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many times opening a discussion thread is tried when Discord answers 429.
const THREAD_ATTEMPTS: u32 = 3;

/// How long a channel that refused a thread is left without one: a day,
/// so a permission granted later opens threads again from the next day.
const THREADLESS_FOR: Duration = Duration::from_secs(24 * 3600);

/// Channels whose thread was refused, and when.
#[derive(Debug, Default)]
pub(super) struct Threadless(Mutex<HashMap<ChannelId, Instant>>);

impl Threadless {
    fn refused_lately(&self, channel: ChannelId) -> bool {
        let at = self.0.lock().unwrap().get(&channel).copied();
        at.is_some_and(|at| at.elapsed() < THREADLESS_FOR)
    }

    fn refused(&self, channel: ChannelId) {
        let mut all = self.0.lock().unwrap();
        // One entry per channel; the stale ones go when they pile up.
        if all.len() >= 100_000 {
            all.retain(|_, at| at.elapsed() < THREADLESS_FOR);
        }
        all.insert(channel, Instant::now());
    }
}

impl DiscordNotifier {
    /// Best effort: a server may not allow threads, and the question is
    /// already posted, so a failure here is only logged. A 429 did not
    /// take effect, so the thread is asked for again after the wait (a
    /// global one has already held back the pacer), up to
    /// [`THREAD_ATTEMPTS`] times: a burst that met the limit still opens
    /// every thread.
    pub(super) async fn open_thread(&self, channel: ChannelId, message: MessageId, post: i64) {
        if self.threadless.refused_lately(channel) {
            return;
        }
        let body = json!({"name": format!("Discuss daily question #{post}"), "auto_archive_duration": 1440});
        for attempt in 1..=THREAD_ATTEMPTS {
            let route = Route::ChannelMessageThreads {
                channel_id: channel,
                message_id: message,
            };
            match self.call(route, LightMethod::Post, &body).await {
                Ok(_) => return,
                Err(f) if f.status == 403 => {
                    tracing::debug!(post, "no thread: the server does not allow it");
                    self.threadless.refused(channel);
                    return;
                }
                Err(Failure {
                    error:
                        DeliveryError::RateLimited {
                            retry_after,
                            global,
                        },
                    ..
                }) if attempt < THREAD_ATTEMPTS => {
                    tracing::info!(
                        post,
                        ?retry_after,
                        global,
                        "thread rate limited; asking again"
                    );
                    if !global {
                        tokio::time::sleep(retry_after).await;
                    }
                }
                Err(f) => {
                    tracing::warn!(post, error = %f.error, "could not open the discussion thread");
                    return;
                }
            }
        }
    }
}
