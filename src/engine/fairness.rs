//! Fairness: the scoring switches (`/scoring`) that the answer and re-grade
//! paths score under, and the boards beside the main one: most improved
//! (against the previous period) and accuracy (with a minimum of answers).

use super::competition::month_start;
use super::{Engine, EngineError};
use crate::bank::Difficulty;
use crate::domain::boards::scope;
use crate::domain::command::{FairBoard, Period};
use crate::domain::reply::{Body, FairBoardCard, Response};
use crate::domain::scoring::{self, Counting};
use crate::grading::Verdict;
use crate::storage::{Ctx, PostRow};
use chrono::Duration;

/// Rows on a fairness board.
const ROWS: i64 = 10;

impl Engine {
    /// The points an answer by `member_id` to `post` earns under the
    /// server's switches; a daily answer's streak includes the answer itself.
    pub(super) async fn scored(
        &self,
        rules: scoring::Rules,
        (post, member_id): (&PostRow, i64),
        difficulty: Difficulty,
        verdict: Verdict,
        counting: Counting,
    ) -> Result<i32, EngineError> {
        let streak = match (counting, post.local_date, rules.streak_bonus) {
            (Counting::DailyOnTime, Some(date), true) => {
                let run = self
                    .store
                    .daily_run_before(post.channel_id, member_id, date)
                    .await?;
                i32::try_from(run + 1).unwrap_or(i32::MAX)
            }
            _ => 0,
        };
        Ok(scoring::points_with(
            rules, difficulty, verdict, counting, streak,
        ))
    }

    pub(super) async fn scoring_switches(
        &self,
        ctx: Ctx,
        on_time: Option<bool>,
        streak: Option<bool>,
    ) -> Result<Response, EngineError> {
        let mut rules = self.store.scoring_rules(ctx.guild_id).await?;
        let changed = on_time.is_some() || streak.is_some();
        rules.on_time_bonus = on_time.unwrap_or(rules.on_time_bonus);
        rules.streak_bonus = streak.unwrap_or(rules.streak_bonus);
        if changed {
            self.store.set_scoring_rules(ctx.guild_id, rules).await?;
        }
        Ok(Response::text(format!(
            "{}On-time bonus: {} (+{} for a daily answer before the reveal that is not wrong).\nStreak bonus: {} (+1 per streak day after the first, at most +{}).\nChanges apply to answers from now on.",
            if changed { "Scoring updated.\n" } else { "" },
            on_off(rules.on_time_bonus),
            scoring::ON_TIME_BONUS,
            on_off(rules.streak_bonus),
            scoring::STREAK_BONUS_MAX,
        )))
    }

    pub(super) async fn fair_board(
        &self,
        ctx: Ctx,
        kind: FairBoard,
        period: Period,
    ) -> Result<Response, EngineError> {
        // "Improved" compares one period with the one before; all time has
        // no "before". Checked here, so every front end gets the same rule.
        if matches!(kind, FairBoard::Improved) && period == Period::All {
            return super::user(
                "The most improved board compares a week or a month with the one before: use week or month.",
            );
        }
        let (today, _) = self.channel_today(ctx.channel_id).await?;
        let (rows, me) = match kind {
            FairBoard::Improved => {
                let before = match period {
                    Period::Month => month_start(today) - Duration::days(1),
                    _ => today - Duration::days(7),
                };
                let now = scope(period, today, None);
                let prev = scope(period, before, None);
                self.store
                    .improved_board(ctx.guild_id, (&now, &prev), ctx.member_id, ROWS)
                    .await?
            }
            FairBoard::Accuracy { min } => {
                let board = scope(period, today, None);
                self.store
                    .accuracy_board(ctx.guild_id, &board, min, ctx.member_id, ROWS)
                    .await?
            }
        };
        Ok(Response::private(Body::FairBoard(FairBoardCard {
            kind,
            period,
            rows,
            me,
        })))
    }
}

fn on_off(on: bool) -> &'static str {
    if on {
        "on"
    } else {
        "off"
    }
}
