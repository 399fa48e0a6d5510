//! What a person's home reads: the daily questions open in a guild (with
//! whether the person answered each), every channel's daily settings, and
//! where a post was made (a click on a home has no channel of its own).

use super::daily::DailyRow;
use super::posts::POST_COLUMNS;
use super::{PostRow, Store, StoreError};

/// A daily question posted and not yet revealed.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OpenDaily {
    #[sqlx(flatten)]
    pub post: PostRow,
    /// The channel's platform id.
    pub channel_external: String,
    /// The member asked about has answered it.
    pub answered: bool,
    /// Open questions in the guild, listed or not.
    pub total: i64,
}

/// A channel's daily settings with its platform id.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct GuildSchedule {
    #[sqlx(flatten)]
    pub settings: DailyRow,
    pub channel_external: String,
    /// Scheduled channels in the guild, listed or not.
    pub total: i64,
}

impl Store {
    /// The guild's daily questions that are delivered and not yet revealed,
    /// newest first, at most `limit`; each says whether `member_id` answered.
    pub async fn open_dailies(
        &self,
        guild_id: i64,
        member_id: i64,
        limit: i64,
    ) -> Result<Vec<OpenDaily>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "WITH open_posts AS (
               SELECT p.*, c.external_id AS channel_external FROM posts p
               JOIN channels c ON c.id = p.channel_id
               WHERE c.guild_id = $1 AND p.kind = 'daily'
                 AND p.delivered_at IS NOT NULL AND p.revealed_at IS NULL)
             SELECT {POST_COLUMNS}, channel_external,
                    EXISTS (SELECT 1 FROM answers a WHERE a.post_id = open_posts.id AND a.member_id = $2) AS answered,
                    count(*) OVER () AS total
             FROM open_posts ORDER BY posted_at DESC, id DESC LIMIT $3"
        ))
        .bind(guild_id)
        .bind(member_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The daily settings of the guild's channels, by channel id, at most `limit`.
    pub async fn guild_schedules(
        &self,
        guild_id: i64,
        limit: i64,
    ) -> Result<Vec<GuildSchedule>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT d.channel_id, d.post_time, d.reveal_time, d.tz, d.days, d.topics, d.paused,
                    d.paused_reason, c.external_id AS channel_external, count(*) OVER () AS total
             FROM daily_settings d JOIN channels c ON c.id = d.channel_id
             WHERE c.guild_id = $1 ORDER BY c.external_id LIMIT $2",
        )
        .bind(guild_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The platform id of the channel where post `post_id` of guild
    /// (`platform`, `guild`) was made.
    pub async fn post_channel(
        &self,
        platform: &str,
        guild: &str,
        post_id: i64,
    ) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT c.external_id FROM posts p JOIN channels c ON c.id = p.channel_id
             JOIN guilds g ON g.id = c.guild_id
             WHERE p.id = $1 AND g.platform = $2 AND g.external_id = $3",
        )
        .bind(post_id)
        .bind(platform)
        .bind(guild)
        .fetch_optional(&self.pool)
        .await?)
    }
}
