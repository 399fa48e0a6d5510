//! Servers, channels and members: upserted on first sight.

use super::{Store, StoreError};
use crate::domain::name::DisplayName;

/// Internal ids for the place and person behind a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ctx {
    pub guild_id: i64,
    pub channel_id: i64,
    pub member_id: i64,
}

impl Store {
    /// The internal ids of the place and person behind a command, creating
    /// them on first sight.
    ///
    /// Almost every command comes from a member already known: that is one
    /// read with no write, no commit and no row lock (during the daily burst
    /// every answer used to upsert the guild row, and each upsert's row lock
    /// queued behind the others' foreign-key checks). A renamed member costs
    /// one update of their own row; only a new guild, channel or member
    /// takes the upsert.
    pub async fn resolve(
        &self,
        platform: &str,
        guild: &str,
        channel: &str,
        user: &str,
        name: &DisplayName,
    ) -> Result<Ctx, StoreError> {
        // Left joins: a new member of a known channel (most of a daily
        // burst's first answers) then inserts only its own row, without
        // touching, and locking, the guild row every answer refers to.
        type Known = (i64, Option<i64>, Option<i64>, Option<String>);
        let known: Option<Known> = sqlx::query_as(
            "SELECT g.id, c.id, m.id, m.display_name FROM guilds g
             LEFT JOIN channels c ON c.guild_id = g.id AND c.external_id = $3
             LEFT JOIN members m ON m.guild_id = g.id AND m.external_id = $4
             WHERE g.platform = $1 AND g.external_id = $2",
        )
        .bind(platform)
        .bind(guild)
        .bind(channel)
        .bind(user)
        .fetch_optional(&self.pool)
        .await?;
        match known {
            Some((guild_id, Some(channel_id), Some(member_id), Some(old))) => {
                // A front end that does not know the name passes the user
                // id (Slack's App Home event carries no name): keep the
                // stored one rather than show the id on boards.
                if old != name.as_str() && name.as_str() != user {
                    self.rename(member_id, name).await?;
                }
                Ok(Ctx {
                    guild_id,
                    channel_id,
                    member_id,
                })
            }
            Some((guild_id, Some(channel_id), None, _)) => Ok(Ctx {
                guild_id,
                channel_id,
                member_id: self.add_member(guild_id, user, name).await?,
            }),
            _ => {
                self.create_place(platform, guild, channel, user, name)
                    .await
            }
        }
    }

    /// A member's first command in a known guild: its own row only.
    async fn add_member(
        &self,
        guild_id: i64,
        user: &str,
        name: &DisplayName,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO members (guild_id, external_id, display_name) VALUES ($1, $2, $3)
             ON CONFLICT (guild_id, external_id) DO UPDATE SET display_name = EXCLUDED.display_name
             RETURNING id",
        )
        .bind(guild_id)
        .bind(user)
        .bind(name.as_str())
        .fetch_one(&self.pool)
        .await?)
    }

    async fn rename(&self, member_id: i64, name: &DisplayName) -> Result<(), StoreError> {
        sqlx::query("UPDATE members SET display_name = $2 WHERE id = $1")
            .bind(member_id)
            .bind(name.as_str())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// First sight of a guild, channel or member: upserts all three in one
    /// round trip.
    async fn create_place(
        &self,
        platform: &str,
        guild: &str,
        channel: &str,
        user: &str,
        name: &DisplayName,
    ) -> Result<Ctx, StoreError> {
        let row: (i64, i64, i64) = sqlx::query_as(
            "WITH g AS (
                INSERT INTO guilds (platform, external_id) VALUES ($1, $2)
                ON CONFLICT (platform, external_id) DO UPDATE SET external_id = EXCLUDED.external_id
                RETURNING id),
             c AS (
                INSERT INTO channels (guild_id, external_id) SELECT id, $3 FROM g
                ON CONFLICT (guild_id, external_id) DO UPDATE SET external_id = EXCLUDED.external_id
                RETURNING id),
             m AS (
                INSERT INTO members (guild_id, external_id, display_name) SELECT id, $4, $5 FROM g
                ON CONFLICT (guild_id, external_id) DO UPDATE SET display_name = EXCLUDED.display_name
                RETURNING id)
             SELECT g.id, c.id, m.id FROM g, c, m",
        )
        .bind(platform)
        .bind(guild)
        .bind(channel)
        .bind(user)
        .bind(name.as_str())
        .fetch_one(&self.pool)
        .await?;
        Ok(Ctx {
            guild_id: row.0,
            channel_id: row.1,
            member_id: row.2,
        })
    }

    /// Finds a member of a guild by display name or platform id.
    pub async fn find_member(
        &self,
        guild_id: i64,
        who: &str,
    ) -> Result<Option<(i64, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, display_name FROM members
             WHERE guild_id = $1 AND (external_id = $2 OR lower(display_name) = lower($2))
             ORDER BY external_id = $2 DESC LIMIT 1",
        )
        .bind(guild_id)
        .bind(who)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Topics a guild has switched off.
    pub async fn disabled_topics(&self, guild_id: i64) -> Result<Vec<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT disabled_topics FROM guilds WHERE id = $1")
                .bind(guild_id)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Switches a topic off or on for a guild.
    pub async fn set_topic_enabled(
        &self,
        guild_id: i64,
        topic: &str,
        enabled: bool,
    ) -> Result<(), StoreError> {
        let sql = if enabled {
            "UPDATE guilds SET disabled_topics = array_remove(disabled_topics, $2) WHERE id = $1"
        } else {
            "UPDATE guilds SET disabled_topics = array_append(array_remove(disabled_topics, $2), $2) WHERE id = $1"
        };
        sqlx::query(sql)
            .bind(guild_id)
            .bind(topic)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
