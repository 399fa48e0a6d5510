//! Leaderboards and stats, built to stay fast for a 100k-member guild.
//!
//! Every board (all time, a week, a month, each optionally per topic) is a
//! scope in `board_totals`, kept in step with the ledger. A page is an index
//! walk in rank order; a rank is `1 + how many have more points`, summed from
//! `board_counts` (members per points value, kept by a trigger), so no query
//! counts the members of a board one by one.
//!
//! Ranks are competition ranks ("1224"): equal points share a rank. Within a
//! tie, members are listed in the order they joined.

use super::rewards::BADGES;
use super::seasons::SHOWN_NAME;
use super::{Store, StoreError};
use crate::domain::reply::Standing;

/// What board to read.
#[derive(Debug, Clone, Copy)]
pub struct BoardQuery<'a> {
    pub guild_id: i64,
    /// See [`crate::domain::boards::scope`].
    pub scope: &'a str,
    pub me: i64,
    pub offset: i64,
    pub limit: i64,
}

/// A member's record in one topic.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TopicStats {
    pub topic: String,
    pub answered: i64,
    pub correct: i64,
    pub points: i64,
}

/// One page, the number of ranked members, and the asker's standing.
pub type Board = (Vec<Standing>, i64, Option<Standing>);

type Row = (i64, String, i64, Vec<String>);

fn standing((rank, name, points, badges): Row) -> Standing {
    Standing {
        rank,
        name,
        points,
        badges: super::rewards::badges(&badges),
    }
}

/// `rank` of a `board_totals` row aliased `b`: 1 + the members above it,
/// summed over `board_counts` (one row per points value and shard), so it
/// reads a few hundred rows however many members rank above.
const RANK: &str = "1 + (SELECT coalesce(sum(above.members), 0)::bigint FROM board_counts above
     WHERE above.guild_id = b.guild_id AND above.scope = b.scope AND above.points > b.points)";

impl Store {
    /// One page of a board, the number of ranked members, and the asker's row.
    pub async fn leaderboard(&self, q: BoardQuery<'_>) -> Result<Board, StoreError> {
        let page_sql = format!(
            "WITH b AS (
                SELECT guild_id, scope, member_id, points FROM board_totals
                WHERE guild_id = $1 AND scope = $2 AND points > 0
                ORDER BY points DESC, member_id LIMIT $3 OFFSET $4)
             SELECT {RANK}, {SHOWN_NAME}, b.points, {BADGES}
             FROM b JOIN members m ON m.id = b.member_id
             ORDER BY b.points DESC, b.member_id"
        );
        // The asker ($3) always sees their own badges.
        let own_badges = BADGES.replace("$5", "$3");
        let me_sql = format!(
            "SELECT {RANK}, m.display_name, b.points, {own_badges}
             FROM board_totals b JOIN members m ON m.id = b.member_id
             WHERE b.guild_id = $1 AND b.scope = $2 AND b.member_id = $3 AND b.points > 0"
        );
        let page = sqlx::query_as::<_, Row>(&page_sql)
            .bind(q.guild_id)
            .bind(q.scope)
            .bind(q.limit)
            .bind(q.offset)
            .bind(q.me)
            .fetch_all(&self.pool);
        let total = sqlx::query_scalar(
            "SELECT coalesce(sum(members), 0)::bigint FROM board_counts
             WHERE guild_id = $1 AND scope = $2 AND points > 0",
        )
        .bind(q.guild_id)
        .bind(q.scope)
        .fetch_one(&self.pool);
        let me = sqlx::query_as::<_, Row>(&me_sql)
            .bind(q.guild_id)
            .bind(q.scope)
            .bind(q.me)
            .fetch_optional(&self.pool);
        let (page, total, me) = tokio::try_join!(page, total, me)?;
        Ok((
            page.into_iter().map(standing).collect(),
            total,
            me.map(standing),
        ))
    }

    /// A member's all-time points.
    pub async fn total_points(&self, guild_id: i64, member_id: i64) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT points FROM board_totals WHERE guild_id = $1 AND scope = 'all' AND member_id = $2",
        )
        .bind(guild_id)
        .bind(member_id)
        .fetch_optional(&self.pool)
        .await?
        .unwrap_or(0))
    }

    /// A member's record per topic, busiest first.
    pub async fn topic_stats(&self, member_id: i64) -> Result<Vec<TopicStats>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT p.topic, count(*) AS answered, count(*) FILTER (WHERE a.verdict = 'correct') AS correct,
                    coalesce(sum(a.points), 0)::bigint AS points
             FROM answers a JOIN posts p ON p.id = a.post_id
             WHERE a.member_id = $1 GROUP BY p.topic ORDER BY answered DESC, p.topic",
        )
        .bind(member_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// A member's best streak in any channel.
    pub async fn best_streak(&self, member_id: i64) -> Result<i32, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT coalesce(max(best), 0) FROM streaks WHERE member_id = $1")
                .bind(member_id)
                .fetch_one(&self.pool)
                .await?,
        )
    }
}
