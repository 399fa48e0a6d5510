//! Slack's own bookkeeping: event ids seen (Slack retries events), OAuth
//! `state`s in flight, and each installed workspace's sealed bot token. The
//! sealing itself is the Slack front end's; only bytes are stored here.

use super::{Store, StoreError};
use chrono::{DateTime, Utc};

impl Store {
    /// Records a Slack event id; false when it was recorded before. Ids
    /// older than a day go in the same statement: Slack retries for minutes,
    /// and pruning here (rather than on some other path) works for every
    /// deployment that receives events.
    pub async fn slack_event_first_time(
        &self,
        event_id: &str,
        team: &str,
        kind: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "WITH old AS (DELETE FROM slack_events WHERE received_at < now() - interval '1 day')
             INSERT INTO slack_events (event_id, team_id, event_type) VALUES ($1, $2, $3)
             ON CONFLICT (event_id) DO NOTHING",
        )
        .bind(event_id)
        .bind(team)
        .bind(kind)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Remembers an OAuth `state` handed out at `at`.
    /// States older than an hour are dropped here, so a flood of unused
    /// `/slack/install` visits cannot grow the table without bound.
    pub async fn save_slack_state(&self, state: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM slack_oauth_states WHERE created_at < $1")
            .bind(at - chrono::Duration::hours(1))
            .execute(&self.pool)
            .await?;
        sqlx::query("INSERT INTO slack_oauth_states (state, created_at) VALUES ($1, $2)")
            .bind(state)
            .bind(at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Uses up `state` if it was handed out after `oldest`: each works once.
    pub async fn take_slack_state(
        &self,
        state: &str,
        oldest: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let known: Option<String> = sqlx::query_scalar(
            "DELETE FROM slack_oauth_states WHERE state = $1 AND created_at > $2 RETURNING state",
        )
        .bind(state)
        .bind(oldest)
        .fetch_optional(&self.pool)
        .await?;
        Ok(known.is_some())
    }

    /// A workspace's sealed bot token, if it installed through OAuth.
    pub async fn slack_sealed_token(&self, team: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT bot_token FROM slack_installs WHERE team_id = $1")
                .bind(team)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// The workspace a Slack channel belongs to, as prepbot has seen it.
    pub async fn slack_team_of_channel(&self, channel: &str) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT g.external_id FROM channels c JOIN guilds g ON g.id = c.guild_id
             WHERE g.platform = 'slack' AND c.external_id = $1 LIMIT 1",
        )
        .bind(channel)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Stores (or replaces) a workspace's sealed bot token.
    pub async fn save_slack_token(&self, team: &str, sealed: &[u8]) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO slack_installs (team_id, bot_token) VALUES ($1, $2)
             ON CONFLICT (team_id) DO UPDATE SET bot_token = EXCLUDED.bot_token, installed_at = now()",
        )
        .bind(team)
        .bind(sealed)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forgets a workspace's token; false when it had none.
    pub async fn remove_slack_token(&self, team: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM slack_installs WHERE team_id = $1")
            .bind(team)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}
