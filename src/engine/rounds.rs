//! Live rounds: `/round start|status|stop`, and the steps the scheduler
//! claims (open a question, close it, end the round).
//!
//! Which questions a round asks is a pure function of its stored seed and
//! the server's pool, so a restarted process asks the same ones. Each step
//! is claimed by [`crate::storage::Store::round_step`] (compare-and-set on
//! the round's step under its row lock), and its posts are competition
//! posts: delivered, confirmed and re-sent like season results.

use super::{user, Engine, EngineError, Platform};
use crate::bank::Question;
use crate::domain::command::RoundCommand;
use crate::domain::reply::{Announced, Announcement, Body, Effect, Response};
use crate::domain::rounds::{
    too_late_to_open, RoundEnd, RoundPodium, RoundQuestion, RoundResult, RoundStatus, GAP_SECONDS,
};
use crate::storage::{CompetitionPost, Ctx, RoundRow, Step};
use chrono::{DateTime, Duration, Utc};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::sync::Arc;

/// Rows of the standings after each question.
const STANDINGS: i64 = 10;

fn invalid(e: impl std::fmt::Display) -> EngineError {
    EngineError::Store(crate::storage::StoreError::Invalid(e.to_string()))
}

/// The question a step is about: 1-based, from the count of steps done
/// (step 2k opens question k+1, step 2k+1 closes it).
fn question_of(step: i32) -> i32 {
    step / 2 + 1
}

impl Engine {
    pub(super) async fn round(&self, ctx: Ctx, cmd: RoundCommand) -> Result<Response, EngineError> {
        match cmd {
            RoundCommand::Start {
                topic,
                questions,
                seconds,
            } => self.round_start(ctx, topic, questions, seconds).await,
            RoundCommand::Status => self.round_status(ctx).await,
            RoundCommand::Stop => self.round_stop(ctx).await,
        }
    }

    async fn round_start(
        &self,
        ctx: Ctx,
        topic: Option<crate::bank::Topic>,
        questions: u32,
        seconds: u32,
    ) -> Result<Response, EngineError> {
        let pool = self
            .round_pool(ctx.guild_id, topic.as_ref().map(|t| t.as_str()))
            .await?;
        if pool.is_empty() {
            return user("There are no questions in that topic here: see /help for the topics.");
        }
        let questions = questions.min(pool.len() as u32);
        let seed: i64 = self.rng.lock().expect("rng lock").gen();
        let now = self.clock.now();
        let topic_slug = topic.as_ref().map(|t| t.as_str());
        let shape = (topic_slug, questions as i32, seconds as i32);
        let Some(id) = self
            .store
            .start_round((ctx.channel_id, ctx.member_id), shape, seed, now)
            .await?
        else {
            return user("A round is already running in this channel: /round status shows it, and an admin can /round stop it.");
        };
        let from = topic.map_or("any topic".to_owned(), |t| self.topic_name(&t));
        let questions = match questions {
            1 => "1 question".to_owned(),
            n => format!("{n} questions"),
        };
        Ok(Response::public(Body::Text(format!(
            "Round #{id} starts: {questions} from {from}, {seconds} seconds each. \
             Answer each privately (/answer or the buttons); quick right answers to choice and true/false questions earn more."
        ))))
    }

    async fn round_status(&self, ctx: Ctx) -> Result<Response, EngineError> {
        let Some(r) = self.store.latest_round(ctx.channel_id).await? else {
            return user("No round has been played in this channel yet. An admin can start one with /round start.");
        };
        let running = r.ended_at.is_none();
        let open = if running && r.step % 2 == 1 {
            let post = self.store.round_question(r.id, question_of(r.step)).await?;
            post.and_then(|p| p.reveal_at.map(|d| (p.id, d.timestamp())))
        } else {
            None
        };
        let (standings, _) = self.store.round_standings(r.id, STANDINGS).await?;
        Ok(Response::private(Body::RoundStatus(RoundStatus {
            round_id: r.id,
            running,
            topic: r
                .topic
                .as_ref()
                .map(|t| match t.parse::<crate::bank::Topic>() {
                    Ok(topic) => self.topic_name(&topic),
                    Err(_) => t.clone(),
                }),
            asked: ((r.step + 1) / 2) as u32,
            of: r.questions as u32,
            seconds: r.seconds as u32,
            open,
            standings,
        })))
    }

    async fn round_stop(&self, ctx: Ctx) -> Result<Response, EngineError> {
        // Two tries: a scheduler may move the round on between the read
        // and the claim, and then the stop applies to the new step.
        for _ in 0..2 {
            let Some(r) = self.store.latest_round(ctx.channel_id).await? else {
                break;
            };
            if r.ended_at.is_some() {
                break;
            }
            let open = (r.step % 2 == 1).then(|| question_of(r.step));
            let step = Step::End {
                reason: RoundEnd::Stopped,
                open,
            };
            let now = self.clock.now();
            let at = (r.id, r.channel_id, r.step);
            if let Some(ids) = self.store.round_step(at, &step, now).await? {
                let mut response = Response::text(format!("Round #{} stopped.", r.id));
                for id in ids {
                    let post = self.store.competition_post(id).await?;
                    response = response.with_effect(self.round_effect(&post).await?);
                }
                return Ok(response);
            }
        }
        user("No round is running in this channel.")
    }

    /// Claims every round step due by `now` on `platforms` (see
    /// [`Engine::run_due`]), adding the posts to `out`.
    pub(super) async fn rounds_due(
        &self,
        now: DateTime<Utc>,
        platforms: &[Platform],
        out: &mut Vec<Effect>,
    ) -> Result<(), EngineError> {
        for r in self.store.due_rounds(now, platforms).await? {
            let pool = self.round_pool(r.guild_id, r.topic.as_deref()).await?;
            let picks = picks(&pool, r.seed, r.questions);
            let step = next_step(&r, &picks, now);
            let at = (r.id, r.channel_id, r.step);
            let Some(ids) = self.store.round_step(at, &step, now).await? else {
                continue;
            };
            for id in ids {
                let post = self.store.competition_post(id).await?;
                out.push(self.round_effect(&post).await?);
            }
        }
        Ok(())
    }

    /// The questions a round may ask: the server's pool, in one topic if set.
    async fn round_pool(
        &self,
        guild_id: i64,
        topic: Option<&str>,
    ) -> Result<Vec<Arc<Question>>, EngineError> {
        let mut pool = self.pool(guild_id).await?;
        pool.retain(|q| topic.is_none_or(|t| q.topic.as_str() == t));
        Ok(pool)
    }

    /// The effect of a claimed round post, rebuilt from the database (so a
    /// redelivery after a restart shows the same post).
    pub(super) async fn round_effect(&self, post: &CompetitionPost) -> Result<Effect, EngineError> {
        let platform: Platform = post.platform.parse().map_err(invalid)?;
        let mut parts = post.period_key.split(':');
        let id: i64 = parts.next().unwrap_or_default().parse().map_err(invalid)?;
        let r = self
            .store
            .round(id)
            .await?
            .ok_or_else(|| invalid(format!("round {id} is gone")))?;
        let body = match (parts.next(), parts.next()) {
            (Some(q), None) if q.starts_with('q') => {
                Announced::RoundQuestion(self.round_question_card(&r, number(q)?).await?)
            }
            (Some(a), None) if a.starts_with('a') => {
                Announced::RoundResult(self.round_result(&r, number(a)?).await?)
            }
            (Some("end"), last) => {
                let last = match last {
                    Some(a) => Some(self.round_result(&r, number(a)?).await?),
                    None => None,
                };
                Announced::RoundPodium(self.round_podium(&r, last).await?)
            }
            _ => return Err(invalid(format!("round post key `{}`", post.period_key))),
        };
        Ok(Effect::Announce {
            platform,
            channel: post.channel_external.clone(),
            card: Announcement { id: post.id, body },
        })
    }

    async fn round_question_card(
        &self,
        r: &RoundRow,
        n: i32,
    ) -> Result<RoundQuestion, EngineError> {
        let post = self
            .store
            .round_question(r.id, n)
            .await?
            .ok_or_else(|| invalid(format!("round {} has no question {n}", r.id)))?;
        let q = self.question(r.guild_id, &post.question_id).await?;
        let shown = Self::shown(&post, &q);
        Ok(RoundQuestion {
            round_id: r.id,
            n: n as u32,
            of: r.questions as u32,
            card: self.card(post.id, &shown.question, None),
            deadline: post.reveal_at.unwrap_or(post.posted_at).timestamp(),
            seconds: r.seconds as u32,
        })
    }

    async fn round_result(&self, r: &RoundRow, n: i32) -> Result<RoundResult, EngineError> {
        let post = self
            .store
            .round_question(r.id, n)
            .await?
            .ok_or_else(|| invalid(format!("round {} has no question {n}", r.id)))?;
        let reveal = self.reveal_card(&post).await?;
        let (standings, _) = self.store.round_standings(r.id, STANDINGS).await?;
        let more = n < r.questions && r.end_reason.is_none();
        Ok(RoundResult {
            round_id: r.id,
            n: n as u32,
            of: r.questions as u32,
            post_id: post.id,
            prompt: reveal.prompt,
            answer: reveal.summary.unwrap_or(reveal.answer),
            right_options: reveal
                .options
                .into_iter()
                .filter(|o| o.2)
                .map(|(id, text, _)| (id, text))
                .collect(),
            answers: reveal.answers,
            correct: reveal.correct,
            standings,
            next_at: more.then(|| r.next_at.timestamp()),
        })
    }

    async fn round_podium(
        &self,
        r: &RoundRow,
        last: Option<RoundResult>,
    ) -> Result<RoundPodium, EngineError> {
        let (standings, players) = self.store.round_standings(r.id, STANDINGS).await?;
        Ok(RoundPodium {
            round_id: r.id,
            reason: RoundEnd::parse(r.end_reason.as_deref().unwrap_or_default()),
            asked: ((r.step + 1) / 2) as u32,
            of: r.questions as u32,
            podium: standings.into_iter().filter(|s| s.rank <= 3).collect(),
            players,
            last,
        })
    }
}

/// Whether a round question takes no more answers at `now`: closed, or
/// past its deadline (the close step may come a tick later).
pub(super) fn closed(post: &crate::storage::PostRow, now: DateTime<Utc>) -> bool {
    post.revealed_at.is_some() || post.reveal_at.is_some_and(|d| now > d)
}

/// How fast an answer to a round question came, for choice and true/false
/// questions (see [`crate::domain::rounds::speed_points`]); `None` for
/// open and SQL questions, which are graded as usual.
pub(super) fn speed(
    post: &crate::storage::PostRow,
    format: crate::bank::Format,
    at: DateTime<Utc>,
) -> Option<crate::domain::rounds::Speed> {
    use crate::bank::Format;
    if !matches!(format, Format::Choice | Format::Truefalse) {
        return None;
    }
    let deadline = post.reveal_at?;
    Some(crate::domain::rounds::Speed {
        elapsed_ms: (at - post.posted_at).num_milliseconds(),
        window_ms: (deadline - post.posted_at).num_milliseconds(),
    })
}

fn number(key: &str) -> Result<i32, EngineError> {
    key[1..].parse().map_err(invalid)
}

/// The round's questions: the pool in id order, shuffled by the round's
/// seed, the first `n`. The same seed and pool always give the same picks.
pub fn picks(pool: &[Arc<Question>], seed: i64, n: i32) -> Vec<Arc<Question>> {
    let mut pool = pool.to_vec();
    pool.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed as u64);
    pool.shuffle(&mut rng);
    pool.truncate(usize::try_from(n).unwrap_or(0));
    pool
}

/// What the round's next step is, at `now`.
fn next_step<'a>(r: &RoundRow, picks: &'a [Arc<Question>], now: DateTime<Utc>) -> Step<'a> {
    let n = question_of(r.step);
    if r.step % 2 == 1 {
        // The next question keeps to the round's own timeline (the gap
        // after this deadline), so after an outage it is as late as the
        // outage was long, and may be too late to open.
        let next = (n < r.questions).then(|| r.next_at + Duration::seconds(GAP_SECONDS));
        return Step::Close { n, next };
    }
    let Some(q) = picks.get(usize::try_from(n - 1).unwrap_or(usize::MAX)) else {
        // The pool shrank (a topic switched off) below the round's size.
        return Step::End {
            reason: RoundEnd::Finished,
            open: None,
        };
    };
    if too_late_to_open(now - r.next_at) {
        return Step::End {
            reason: RoundEnd::Stale,
            open: None,
        };
    }
    Step::Open {
        n,
        question_id: q.id.as_str(),
        topic: q.topic.as_str(),
        option_seed: r.seed.wrapping_add(i64::from(n)),
        deadline: now + Duration::seconds(i64::from(r.seconds)),
    }
}
