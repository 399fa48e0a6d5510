//! The daily-question lifecycle: settings, posting and revealing (what
//! front ends report back about delivery is in `reported`).

use super::{user, Engine, EngineError, Place, Platform};
use crate::bank::Question;
use crate::bank::Topic;
use crate::domain::command::{DailyCommand, DailySetup, Days};
use crate::domain::reply::{Body, DailyStatus, Effect, Response};
use crate::domain::schedule::{default_reveal, Schedule};
use crate::storage::{ChannelRef, Ctx, DailyRow, PostRow};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use std::sync::Arc;

/// The platform stored for a channel's guild.
pub(super) fn platform_of(at: &ChannelRef) -> Result<Platform, EngineError> {
    at.platform.parse().map_err(|e: String| {
        EngineError::Store(crate::storage::StoreError::Invalid(format!(
            "guild {}: {e}",
            at.guild_id
        )))
    })
}

fn schedule_of(row: &DailyRow) -> Option<Schedule> {
    Some(Schedule {
        post: row.post_time,
        reveal: row.reveal_time,
        tz: row.tz.parse().ok()?,
        days: row.days.parse().ok()?,
    })
}

/// What asking for a channel's daily question came to.
enum Daily {
    Posted(Box<Effect>),
    /// Today's is posted already (or the settings cannot be read).
    Already,
    /// No question of the bank is in the channel's topics: unknown topics
    /// (an import, a bank that dropped one) or topics the server turned off.
    NoQuestion,
}

/// `text` with its first letter in capitals: a reason, made a reply.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Why a channel has no daily question to post, and what an admin can do.
fn no_question(topics: &[String]) -> String {
    if topics.is_empty() {
        return "no question is left to post: every topic is turned off on this server (/questions enable-topic turns one back on)".to_owned();
    }
    format!(
        "no question matches this channel's topics ({}): they are unknown or turned off on this server; choose others with /daily setup, or /questions enable-topic",
        topics.join(", ")
    )
}

impl Engine {
    pub(super) async fn daily(
        &self,
        ctx: Ctx,
        place: &Place,
        cmd: DailyCommand,
    ) -> Result<Response, EngineError> {
        match cmd {
            DailyCommand::Setup(setup) => self.daily_setup(ctx, setup).await,
            DailyCommand::Status => self.daily_status(ctx).await,
            DailyCommand::Pause | DailyCommand::Resume => {
                let pause = cmd == DailyCommand::Pause;
                if !self.store.set_paused(ctx.channel_id, pause).await? {
                    return user(
                        "This channel has no daily question yet: set it up with /daily setup.",
                    );
                }
                Ok(Response::text(if pause {
                    "Daily questions paused here."
                } else {
                    "Daily questions resumed here."
                }))
            }
            DailyCommand::Post => self.daily_post_now(ctx, place).await,
        }
    }

    async fn daily_setup(&self, ctx: Ctx, s: DailySetup) -> Result<Response, EngineError> {
        if let Some(t) = s.topics.iter().find(|t| !self.bank.has_topic(t.as_str())) {
            return user(format!(
                "Unknown topic `{t}`. Topics: {}",
                self.topic_list()
            ));
        }
        let reveal = s.reveal.unwrap_or_else(|| default_reveal(s.time));
        if reveal == s.time {
            return user("The reveal time must differ from the post time.");
        }
        let row = DailyRow {
            channel_id: ctx.channel_id,
            post_time: s.time,
            reveal_time: reveal,
            tz: s.tz.name().to_owned(),
            days: s.days.as_str().to_owned(),
            topics: s.topics.iter().map(|t| t.to_string()).collect(),
            paused: false,
            paused_reason: None,
        };
        // Refused now rather than paused at the first post time.
        if self.daily_pool(ctx.guild_id, &row).await?.is_empty() {
            return user(format!("{}.", capitalised(&no_question(&row.topics))));
        }
        self.store.save_daily(&row, ctx.member_id).await?;
        let mut status = self.status(&row)?;
        status.headline = Some("Daily question set up.".into());
        Ok(Response::private(Body::DailyStatus(status)))
    }

    async fn daily_status(&self, ctx: Ctx) -> Result<Response, EngineError> {
        match self.store.daily(ctx.channel_id).await? {
            Some(row) => Ok(Response::private(Body::DailyStatus(self.status(&row)?))),
            None => user("This channel has no daily question yet. An admin can run /daily setup time:09:00 tz:Europe/London"),
        }
    }

    pub(super) fn status(&self, row: &DailyRow) -> Result<DailyStatus, EngineError> {
        let sched = schedule_of(row).ok_or_else(|| {
            EngineError::User("This channel's settings are invalid; run /daily setup again.".into())
        })?;
        let next = sched.next_post(self.clock.now()).with_timezone(&sched.tz);
        let topics = row
            .topics
            .iter()
            .map(|t| match Topic::parse(t) {
                Ok(slug) => self.topic_name(&slug),
                Err(_) => t.clone(),
            })
            .collect();
        Ok(DailyStatus {
            headline: None,
            post_time: row.post_time.format("%H:%M").to_string(),
            reveal_time: row.reveal_time.format("%H:%M").to_string(),
            reveal_next_day: row.reveal_time <= row.post_time,
            tz: row.tz.clone(),
            weekdays: row.days == "weekdays",
            topics,
            paused: row.paused.then(|| {
                row.paused_reason
                    .clone()
                    .unwrap_or_else(|| "paused by an admin".to_owned())
            }),
            next_post: (!row.paused).then(|| next.format("%a %d %b %H:%M %Z").to_string()),
        })
    }

    async fn daily_post_now(&self, ctx: Ctx, place: &Place) -> Result<Response, EngineError> {
        let Some(row) = self.store.daily(ctx.channel_id).await? else {
            return user("This channel has no daily question yet: set it up with /daily setup.");
        };
        let sched = schedule_of(&row)
            .ok_or_else(|| EngineError::User("Invalid settings; run /daily setup again.".into()))?;
        let today = sched.local_date(self.clock.now());
        match self
            .post_daily(
                ctx.guild_id,
                ctx.channel_id,
                (place.platform, &place.channel),
                &row,
                today,
            )
            .await?
        {
            Daily::Posted(effect) => Ok(Response::text(format!(
                "Posted today's question (#{}).",
                effect.post_id()
            ))
            .with_effect(*effect)),
            Daily::Already => {
                user("Today's question is already posted here; there is one per day.")
            }
            Daily::NoQuestion => user(format!("{}.", capitalised(&no_question(&row.topics)))),
        }
    }

    /// The questions a channel's daily post may draw from: the server's
    /// pool, in the channel's topics (all of them when it names none).
    async fn daily_pool(
        &self,
        guild_id: i64,
        row: &DailyRow,
    ) -> Result<Vec<Arc<Question>>, EngineError> {
        let mut pool = self.pool(guild_id).await?;
        pool.retain(|q| row.topics.is_empty() || row.topics.iter().any(|t| t == q.topic.as_str()));
        Ok(pool)
    }

    /// Picks and claims the daily question of `date`.
    async fn post_daily(
        &self,
        guild_id: i64,
        channel_id: i64,
        (platform, channel): (Platform, &str),
        row: &DailyRow,
        date: NaiveDate,
    ) -> Result<Daily, EngineError> {
        let Some(sched) = schedule_of(row) else {
            return Ok(Daily::Already);
        };
        let pool = self.daily_pool(guild_id, row).await?;
        let wanted: Vec<&Arc<Question>> = pool.iter().collect();
        let used = self.store.daily_use_counts(channel_id).await?;
        let Some(q) = self.pick(&wanted, &used) else {
            return Ok(Daily::NoQuestion);
        };
        let now = self.clock.now();
        let reveal_at = sched.reveal_at(date).max(now);
        let claimed = self
            .store
            .claim_daily(
                channel_id,
                (q.id.as_str(), q.topic.as_str()),
                date,
                now,
                reveal_at,
            )
            .await?;
        let Some(post_id) = claimed else {
            return Ok(Daily::Already);
        };
        let shown = self.shuffle_for(post_id, &q).await?;
        Ok(Daily::Posted(Box::new(Effect::PostQuestion {
            platform,
            channel: channel.to_owned(),
            card: self.card(post_id, &shown.question, Some((reveal_at, sched.tz))),
            redelivery: false,
        })))
    }

    /// The daily work due by `now` on `platforms`, claimed and added to
    /// `out` as it is claimed (see [`Engine::run_due`]): reveals first, then
    /// deliveries a crash or an exhausted retry left behind, then at most
    /// `posts` of today's posts. Whether more of today's posts are due.
    pub(super) async fn daily_due(
        &self,
        now: DateTime<Utc>,
        platforms: &[Platform],
        posts: usize,
        out: &mut Vec<Effect>,
    ) -> Result<bool, EngineError> {
        // Older work first: after a pause or a clock jump, yesterday's reveal
        // must reach the channel before today's question.
        for post in self.store.claim_reveals(now, None, platforms).await? {
            out.push(self.reveal_effect(&post).await?);
        }
        for post in self
            .store
            .claim_undelivered(now, now - self.lease, platforms)
            .await?
        {
            out.extend(self.redelivery(&post).await?);
        }
        let mut claimed = 0;
        for s in self.store.active_schedules(platforms).await? {
            let Some(date) = schedule_of(&s.settings).and_then(|sc| sc.due_date(now)) else {
                continue;
            };
            if s.last_date.is_some_and(|last| last >= date) {
                continue;
            }
            if claimed >= posts {
                return Ok(true);
            }
            let Ok(platform) = s.platform.parse() else {
                continue;
            };
            let channel = (platform, s.channel_external.as_str());
            let channel_id = s.settings.channel_id;
            match self
                .post_daily(s.guild_id, channel_id, channel, &s.settings, date)
                .await?
            {
                Daily::Posted(e) => {
                    out.push(*e);
                    claimed += 1;
                }
                Daily::Already => {}
                // Paused with the reason, rather than asked again (and
                // logged) every tick: /daily status shows why, and
                // /daily resume tries again.
                Daily::NoQuestion => {
                    let why = no_question(&s.settings.topics);
                    if self.store.pause_channel(channel_id, &why).await? {
                        tracing::warn!(channel_id, reason = %why, "daily schedule paused");
                    }
                }
            }
        }
        Ok(false)
    }

    async fn redelivery(&self, post: &PostRow) -> Result<Vec<Effect>, EngineError> {
        let mut out = Vec::new();
        let at = self.store.channel_ref(post.channel_id).await?;
        if post.delivered_at.is_none() {
            let q = self.question(at.guild_id, &post.question_id).await?;
            let tz = self.channel_tz(post.channel_id).await?;
            let shown = Self::shown(post, &q);
            let card = self.card(post.id, &shown.question, post.reveal_at.map(|t| (t, tz)));
            out.push(Effect::PostQuestion {
                platform: platform_of(&at)?,
                channel: at.external_id,
                card,
                redelivery: true,
            });
        }
        if post.revealed_at.is_some() && post.reveal_delivered_at.is_none() {
            out.push(self.reveal_effect(post).await?);
        }
        Ok(out)
    }

    /// "at 17:00 Europe/London (in 3h 20m)"
    pub(super) async fn when(&self, ctx: Ctx, at: DateTime<Utc>) -> Result<String, EngineError> {
        let tz: chrono_tz::Tz = match self.store.daily(ctx.channel_id).await? {
            Some(row) => row.tz.parse().unwrap_or(chrono_tz::UTC),
            None => chrono_tz::UTC,
        };
        let left = (at - self.clock.now()).max(Duration::zero());
        Ok(format!(
            "at {} {} (in {}h {:02}m)",
            at.with_timezone(&tz).format("%H:%M"),
            tz.name(),
            left.num_hours(),
            left.num_minutes() % 60
        ))
    }

    /// The local date and `days` of a channel, for streaks as of today.
    pub(super) async fn channel_today(
        &self,
        channel_id: i64,
    ) -> Result<(NaiveDate, Days), EngineError> {
        let now = self.clock.now();
        Ok(
            match self
                .store
                .daily(channel_id)
                .await?
                .as_ref()
                .and_then(schedule_of)
            {
                Some(s) => (s.local_date(now), s.days),
                None => (now.date_naive(), Days::Daily),
            },
        )
    }

    /// A channel's time zone (UTC when it has no daily settings).
    pub(super) async fn channel_tz(&self, channel_id: i64) -> Result<chrono_tz::Tz, EngineError> {
        Ok(self
            .store
            .daily(channel_id)
            .await?
            .and_then(|r| r.tz.parse().ok())
            .unwrap_or(chrono_tz::UTC))
    }
}
