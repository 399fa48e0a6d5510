//! Direct messages: telling the admin who set a schedule up that delivery
//! had to pause it (`Effect::TellAdmin`), through the same paced,
//! classified requests as channel posts.

use super::DiscordNotifier;
use crate::delivery::DeliveryError;
use crate::domain::reply::{Effect, MessageRef};
use crate::domain::view;
use crate::frontends::discord::render;
use poise::serenity_prelude::{ChannelId, LightMethod, Route};
use serde_json::json;

impl DiscordNotifier {
    /// Opens (or reuses) the direct-message channel with `user` and posts
    /// the effect's view there. Discord answers 50007 when the person
    /// closed their DMs or shares no server with the bot any more.
    #[tracing::instrument(skip(self, effect), fields(post = effect.post_id()))]
    pub(super) async fn direct_message(
        &self,
        user: &str,
        effect: &Effect,
    ) -> Result<Option<MessageRef>, DeliveryError> {
        if user.parse::<u64>().is_err() {
            return Err(DeliveryError::Failed(format!(
                "`{user}` is not a Discord user id"
            )));
        }
        let dm = self
            .call(
                Route::UserMeDmChannels,
                LightMethod::Post,
                &json!({ "recipient_id": user }),
            )
            .await?;
        let channel = dm["id"]
            .as_str()
            .and_then(|id| id.parse::<u64>().ok())
            .ok_or_else(|| DeliveryError::Failed("the DM channel has no id".into()))?;
        let note = render::post(&view::post(effect, &super::super::WORDS));
        for out in note {
            let route = Route::ChannelMessages {
                channel_id: ChannelId::new(channel),
            };
            self.call(route, LightMethod::Post, &out.into_message())
                .await?;
        }
        Ok(None)
    }
}
