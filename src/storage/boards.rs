//! Leaderboards and stats. All-time boards read `member_totals` (an index
//! walk); period and topic boards sum the `point_events` ledger since the
//! period start, which an index keeps to that period's rows.

use super::{Store, StoreError};
use crate::domain::reply::Standing;
use chrono::{DateTime, Utc};

/// What board to read.
#[derive(Debug, Clone, Copy)]
pub struct BoardQuery<'a> {
    pub guild_id: i64,
    pub since: Option<DateTime<Utc>>,
    pub topic: Option<&'a str>,
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

/// Competition ranking ("1224"): equal points share a rank; names break the
/// display order so ties list stably.
fn board_sql(q: &BoardQuery<'_>) -> String {
    let source = if q.since.is_none() && q.topic.is_none() {
        "SELECT member_id, points FROM member_totals WHERE guild_id = $1 AND points > 0".to_owned()
    } else {
        "SELECT member_id, sum(delta)::bigint AS points FROM point_events
         WHERE guild_id = $1 AND ($2::timestamptz IS NULL OR at >= $2) AND ($3::text IS NULL OR topic = $3)
         GROUP BY member_id HAVING sum(delta) > 0"
            .to_owned()
    };
    format!(
        "WITH t AS ({source}),
         r AS (SELECT t.member_id, t.points, rank() OVER (ORDER BY t.points DESC) AS rank, m.display_name
               FROM t JOIN members m ON m.id = t.member_id)"
    )
}

impl Store {
    /// One page of a board, the number of ranked members, and the asker's row.
    pub async fn leaderboard(
        &self,
        q: BoardQuery<'_>,
    ) -> Result<(Vec<Standing>, i64, Option<Standing>), StoreError> {
        let cte = board_sql(&q);
        let rows: Vec<(i64, String, i64)> = sqlx::query_as(&format!(
            "{cte} SELECT rank, display_name, points FROM r ORDER BY rank, display_name, member_id LIMIT $4 OFFSET $5"
        ))
        .bind(q.guild_id)
        .bind(q.since)
        .bind(q.topic)
        .bind(q.limit)
        .bind(q.offset)
        .fetch_all(&self.pool)
        .await?;
        let (total, me): (i64, Option<(i64, String, i64)>) = {
            let row: (i64, Option<i64>, Option<String>, Option<i64>) = sqlx::query_as(&format!(
                "{cte} SELECT (SELECT count(*) FROM r), me.rank, me.display_name, me.points
                 FROM (SELECT 1) one LEFT JOIN r me ON me.member_id = $4"
            ))
            .bind(q.guild_id)
            .bind(q.since)
            .bind(q.topic)
            .bind(q.me)
            .fetch_one(&self.pool)
            .await?;
            let me = match (row.1, row.2, row.3) {
                (Some(rank), Some(name), Some(points)) => Some((rank, name, points)),
                _ => None,
            };
            (row.0, me)
        };
        let to_standing =
            |(rank, name, points): (i64, String, i64)| Standing { rank, name, points };
        Ok((
            rows.into_iter().map(to_standing).collect(),
            total,
            me.map(to_standing),
        ))
    }

    /// A member's all-time points.
    pub async fn total_points(&self, guild_id: i64, member_id: i64) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT points FROM member_totals WHERE guild_id = $1 AND member_id = $2",
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

    /// A member's best streak across channels and the current one in `channel_id`.
    pub async fn best_streak(&self, member_id: i64) -> Result<i32, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT coalesce(max(best), 0) FROM streaks WHERE member_id = $1")
                .bind(member_id)
                .fetch_one(&self.pool)
                .await?,
        )
    }
}
