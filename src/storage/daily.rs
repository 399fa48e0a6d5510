//! Daily settings, the claim of each day's post, and reveals.
//!
//! Claims are inserts and updates guarded by Postgres itself (a unique index
//! for posts, `WHERE revealed_at IS NULL` for reveals), so two schedulers, or
//! one restarted mid-day, can never post or reveal twice.

use super::posts::POST_COLUMNS;
use super::{PostRow, Store, StoreError};
use crate::domain::platform::{names, Platform};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sqlx::Postgres;

/// Where a channel lives: its platform id, its guild and its platform.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ChannelRef {
    pub external_id: String,
    pub guild_id: i64,
    pub platform: String,
}

/// A row of `daily_settings`.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DailyRow {
    pub channel_id: i64,
    pub post_time: NaiveTime,
    pub reveal_time: NaiveTime,
    pub tz: String,
    pub days: String,
    pub topics: Vec<String>,
    pub paused: bool,
    /// Why delivery paused it (the platform refused for good); `None` when
    /// it runs or an admin paused it.
    pub paused_reason: Option<String>,
}

/// A configured channel, as the scheduler sees it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ChannelSchedule {
    #[sqlx(flatten)]
    pub settings: DailyRow,
    pub guild_id: i64,
    pub channel_external: String,
    /// `guilds.platform`: who delivers this channel's posts.
    pub platform: String,
    pub last_date: Option<NaiveDate>,
}

/// Keeps a claim on `posts` to channels of the platforms bound as `$3`.
const ON_PLATFORMS_3: &str =
    "channel_id IN (SELECT c.id FROM channels c JOIN guilds g ON g.id = c.guild_id
                                WHERE g.platform = ANY($3))";

const SETTINGS: &str =
    "d.channel_id, d.post_time, d.reveal_time, d.tz, d.days, d.topics, d.paused, d.paused_reason";

/// Keeps a claim on `posts` away from channels delivery gave up on: their
/// reveals and redeliveries wait until an admin resumes the channel.
const NOT_GIVEN_UP: &str =
    "channel_id NOT IN (SELECT channel_id FROM daily_settings WHERE paused_reason IS NOT NULL)";

/// Who to tell that delivery paused a schedule.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PauseNotice {
    /// The channel's id on its platform.
    pub channel: String,
    /// The admin's id on the platform.
    pub admin: String,
}

impl Store {
    /// Creates or replaces a channel's daily settings (and un-pauses it);
    /// `set_by` is told if delivery later has to pause it.
    pub async fn save_daily(&self, s: &DailyRow, set_by: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO daily_settings (channel_id, post_time, reveal_time, tz, days, topics, paused, updated_at, set_by)
             VALUES ($1, $2, $3, $4, $5, $6, false, now(), $7)
             ON CONFLICT (channel_id) DO UPDATE SET post_time = EXCLUDED.post_time,
               reveal_time = EXCLUDED.reveal_time, tz = EXCLUDED.tz, days = EXCLUDED.days,
               topics = EXCLUDED.topics, paused = false, paused_reason = NULL, updated_at = now(),
               set_by = EXCLUDED.set_by",
        )
        .bind(s.channel_id)
        .bind(s.post_time)
        .bind(s.reveal_time)
        .bind(&s.tz)
        .bind(&s.days)
        .bind(&s.topics)
        .bind(set_by)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A channel's daily settings, if set up.
    pub async fn daily(&self, channel_id: i64) -> Result<Option<DailyRow>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {SETTINGS} FROM daily_settings d WHERE d.channel_id = $1"
        ))
        .bind(channel_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Pauses or resumes; false if the channel has no daily settings.
    pub async fn set_paused(&self, channel_id: i64, paused: bool) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE daily_settings SET paused = $2, paused_reason = NULL, updated_at = now()
             WHERE channel_id = $1",
        )
        .bind(channel_id)
        .bind(paused)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Pauses `channel_id`'s schedule with `reason` (shown by `/daily
    /// status`) unless it is paused already; resuming or setting up again
    /// clears it. Whether it paused now.
    pub async fn pause_channel(&self, channel_id: i64, reason: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE daily_settings SET paused = true, paused_reason = $2, updated_at = now()
             WHERE channel_id = $1 AND NOT paused",
        )
        .bind(channel_id)
        .bind(reason)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Pauses the channel of `post_id` because delivery to it cannot work,
    /// saying why. Only the first such pause returns who to tell (the
    /// channel's external id and the external id of the admin who set it
    /// up), so a second failing delivery tells nobody again.
    pub async fn pause_undeliverable(
        &self,
        post_id: i64,
        reason: &str,
    ) -> Result<Option<PauseNotice>, StoreError> {
        Ok(sqlx::query_as(
            "WITH paused AS (
               UPDATE daily_settings SET paused = true, paused_reason = $2, updated_at = now()
               WHERE channel_id = (SELECT channel_id FROM posts WHERE id = $1)
                 AND paused_reason IS NULL
               RETURNING channel_id, set_by)
             SELECT c.external_id AS channel, m.external_id AS admin
             FROM paused p JOIN channels c ON c.id = p.channel_id
             JOIN members m ON m.id = p.set_by",
        )
        .bind(post_id)
        .bind(reason)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Pauses every scheduled channel of one server, saying why (the bot was
    /// removed from it); returns how many were paused.
    pub async fn pause_server(
        &self,
        platform: Platform,
        server: &str,
        reason: &str,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE daily_settings d SET paused = true, paused_reason = $3, updated_at = now()
             FROM channels c JOIN guilds g ON g.id = c.guild_id
             WHERE d.channel_id = c.id AND g.platform = $1 AND g.external_id = $2",
        )
        .bind(platform.as_str())
        .bind(server)
        .bind(reason)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// Every un-paused channel of `platforms` with its latest daily post date.
    pub async fn active_schedules(
        &self,
        platforms: &[Platform],
    ) -> Result<Vec<ChannelSchedule>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {SETTINGS}, c.guild_id, c.external_id AS channel_external, g.platform,
                    (SELECT max(p.local_date) FROM posts p WHERE p.channel_id = d.channel_id AND p.kind = 'daily') AS last_date
             FROM daily_settings d JOIN channels c ON c.id = d.channel_id
             JOIN guilds g ON g.id = c.guild_id
             WHERE NOT d.paused AND g.platform = ANY($1) ORDER BY d.channel_id"
        ))
        .bind(names(platforms))
        .fetch_all(&self.pool)
        .await?)
    }

    /// Claims the daily post of `date`; `None` if that day already has one.
    pub async fn claim_daily(
        &self,
        channel_id: i64,
        question: (&str, &str),
        date: NaiveDate,
        now: DateTime<Utc>,
        reveal_at: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO posts (channel_id, question_id, topic, kind, local_date, posted_at, reveal_at, delivery_attempted_at)
             VALUES ($1, $2, $3, 'daily', $4, $5, $6, $5)
             ON CONFLICT (channel_id, local_date) WHERE kind = 'daily' DO NOTHING RETURNING id",
        )
        .bind(channel_id)
        .bind(question.0)
        .bind(question.1)
        .bind(date)
        .bind(now)
        .bind(reveal_at)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The local date of a channel's newest daily post before local `date`:
    /// what a streak must have reached to still be alive on `date`.
    pub async fn previous_daily(
        &self,
        channel_id: i64,
        date: NaiveDate,
    ) -> Result<Option<NaiveDate>, StoreError> {
        previous_daily(&self.pool, channel_id, date).await
    }

    /// The newest daily post of a channel.
    pub async fn latest_daily(&self, channel_id: i64) -> Result<Option<PostRow>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {POST_COLUMNS} FROM posts WHERE channel_id = $1 AND kind = 'daily'
             ORDER BY local_date DESC LIMIT 1"
        ))
        .bind(channel_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Claims every reveal of `platforms` due by `now` (or just `post_id`, early).
    /// A scheduled reveal waits for its question to be delivered: a post
    /// claimed after its reveal time (a bot down all day) is due to reveal
    /// at once, and its reveal must not overtake it, or it would go out as
    /// a message of its own before the question it answers.
    pub async fn claim_reveals(
        &self,
        now: DateTime<Utc>,
        post_id: Option<i64>,
        platforms: &[Platform],
    ) -> Result<Vec<PostRow>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "UPDATE posts SET revealed_at = $1, delivery_attempted_at = $1
             WHERE kind = 'daily' AND revealed_at IS NULL
               AND (($2::bigint IS NULL AND reveal_at <= $1 AND delivered_at IS NOT NULL) OR id = $2)
               AND {ON_PLATFORMS_3} AND {NOT_GIVEN_UP}
             RETURNING {POST_COLUMNS}"
        ))
        .bind(now)
        .bind(post_id)
        .bind(names(platforms))
        .fetch_all(&self.pool)
        .await?)
    }

    /// Daily posts or reveals claimed but not confirmed delivered, last tried
    /// before `stale`: a crash or an exhausted retry left them behind.
    pub async fn claim_undelivered(
        &self,
        now: DateTime<Utc>,
        stale: DateTime<Utc>,
        platforms: &[Platform],
    ) -> Result<Vec<PostRow>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "UPDATE posts SET delivery_attempted_at = $1
             WHERE kind = 'daily' AND delivery_attempted_at < $2
               AND (delivered_at IS NULL OR (revealed_at IS NOT NULL AND reveal_delivered_at IS NULL))
               AND posted_at > $1 - interval '1 day'
               AND {ON_PLATFORMS_3} AND {NOT_GIVEN_UP}
             RETURNING {POST_COLUMNS}"
        ))
        .bind(now)
        .bind(stale)
        .bind(names(platforms))
        .fetch_all(&self.pool)
        .await?)
    }

    /// Records that a post reached its channel, as `message_ref`.
    pub async fn mark_posted(
        &self,
        post_id: i64,
        message_ref: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE posts SET delivered_at = $2, message_ref = coalesce($3, message_ref) WHERE id = $1")
            .bind(post_id)
            .bind(now)
            .bind(message_ref)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Makes an unconfirmed claim due for redelivery now (its sender stopped
    /// before sending it).
    pub async fn release_claim(&self, post_id: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE posts SET delivery_attempted_at = 'epoch'
             WHERE id = $1 AND (delivered_at IS NULL OR (revealed_at IS NOT NULL AND reveal_delivered_at IS NULL))",
        )
        .bind(post_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records that a reveal reached its channel.
    pub async fn mark_revealed(&self, post_id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query("UPDATE posts SET reveal_delivered_at = $2 WHERE id = $1")
            .bind(post_id)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

impl Store {
    /// A channel's platform id, guild and platform.
    pub async fn channel_ref(&self, channel_id: i64) -> Result<ChannelRef, StoreError> {
        Ok(sqlx::query_as(
            "SELECT c.external_id, c.guild_id, g.platform FROM channels c
             JOIN guilds g ON g.id = c.guild_id WHERE c.id = $1",
        )
        .bind(channel_id)
        .fetch_one(&self.pool)
        .await?)
    }
}

/// The local date of the newest daily post of a channel strictly before `date`.
pub(super) async fn previous_daily<'e, E>(
    executor: E,
    channel_id: i64,
    date: NaiveDate,
) -> Result<Option<NaiveDate>, StoreError>
where
    E: sqlx::Executor<'e, Database = Postgres>,
{
    Ok(sqlx::query_scalar(
        "SELECT max(local_date) FROM posts WHERE channel_id = $1 AND kind = 'daily' AND local_date < $2",
    )
    .bind(channel_id)
    .bind(date)
    .fetch_one(executor)
    .await?)
}
