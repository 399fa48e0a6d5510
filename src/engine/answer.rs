//! Answers, flags and re-grades.

use super::{user, Engine, EngineError};
use crate::bank::{Format, Question};
use crate::domain::reply::{Body, Feedback, FlagLine, Response};
use crate::domain::scoring::Counting;
use crate::grading::{choice::options_from_text, Grade, GradeError, Grader, Submission, Verdict};
use crate::storage::{Ctx, NewAnswer, PostKind, PostRow};

impl Engine {
    pub(super) async fn answer_text(
        &self,
        ctx: Ctx,
        post: Option<i64>,
        text: &str,
    ) -> Result<Response, EngineError> {
        let post = match post {
            Some(id) => self.store.post(id, ctx.guild_id).await?,
            None => {
                self.store
                    .current_post(ctx.channel_id, ctx.member_id)
                    .await?
            }
        };
        let Some(post) = post else {
            // Nothing unanswered: say so precisely if today's question is answered already.
            if let Some(daily) = self.store.latest_daily(ctx.channel_id).await? {
                if self
                    .store
                    .answer_of(daily.id, ctx.member_id)
                    .await?
                    .is_some()
                {
                    return user(format!("You already answered #{}. Your first answer stands; /quiz gets you another question.", daily.id));
                }
            }
            return user("There is no open question for you here. Try /quiz, or wait for the daily question.");
        };
        let q = self.question(ctx.guild_id, &post.question_id).await?;
        match q.format() {
            // Letters are read in the order this post showed the options.
            Format::Choice | Format::Truefalse => {
                self.submit_choices(ctx, &post, &q, options_from_text(text))
                    .await
            }
            _ => {
                self.submit(ctx, &post, &q, Submission::Text(text.to_owned()), text)
                    .await
            }
        }
    }

    pub(super) async fn choose(
        &self,
        ctx: Ctx,
        post: i64,
        options: Vec<String>,
    ) -> Result<Response, EngineError> {
        let Some(post) = self.store.post(post, ctx.guild_id).await? else {
            return user(format!("There is no question #{post} here."));
        };
        let q = self.question(ctx.guild_id, &post.question_id).await?;
        self.submit_choices(ctx, &post, &q, options).await
    }

    /// Grades options picked from the post's shown order, and records them
    /// by the bank's option ids so stored answers mean the same whatever
    /// order each post showed.
    async fn submit_choices(
        &self,
        ctx: Ctx,
        post: &PostRow,
        q: &Question,
        picked: Vec<String>,
    ) -> Result<Response, EngineError> {
        let shown = Self::shown(post, q);
        let body = shown.stored_ids(&picked).join(",");
        self.submit(
            ctx,
            post,
            &shown.question,
            Submission::Choices(picked),
            &body,
        )
        .await
    }

    /// Grades and records one answer, with its points, in one transaction.
    async fn submit(
        &self,
        ctx: Ctx,
        post: &PostRow,
        q: &Question,
        sub: Submission,
        body: &str,
    ) -> Result<Response, EngineError> {
        if post.kind() == PostKind::Quiz && post.member_id != Some(ctx.member_id) {
            return user("That quiz question was given to someone else. /quiz gets you your own.");
        }
        // Measured on arrival: a live round's deadline and speed count
        // from here, not from when grading finished.
        let now = self.clock.now();
        if post.kind() == PostKind::Round && super::rounds::closed(post, now) {
            return user(format!(
                "Time is up for #{}: its answer is posted in the channel.",
                post.id
            ));
        }
        let setting = self.store.answer_setting(post.id, ctx).await?;
        if let Some(verdict) = &setting.previous {
            let verdict = verdict.as_deref().unwrap_or("not graded yet");
            return user(format!(
                "You already answered #{} ({verdict}). Your first answer stands; the model answer comes with the reveal.",
                post.id
            ));
        }
        let tries = match sub {
            Submission::Text(_) => self.take_sql_try(ctx, post, q).await?,
            Submission::Choices(_) => None,
        };
        let (grade, ungraded) = match self.grading.grade(q, &sub).await {
            Ok(g) => (g, false),
            Err(GradeError::Unusable(msg)) => return user(msg),
            Err(GradeError::Retry(msg)) => return user(retry_message(&msg, tries)),
            Err(GradeError::Unavailable(why)) => {
                tracing::warn!(question = %q.id, %why, "grader unavailable; saving the answer ungraded");
                (Grade::empty(), true)
            }
        };
        let counting = self.counting(ctx, post, q, now).await?;
        let points = if ungraded {
            0
        } else {
            let by = (post, ctx.member_id);
            self.scored(setting.rules, by, q.difficulty, grade.verdict, counting)
                .await?
        };
        let streak_day = match (post.kind(), counting, post.local_date) {
            (PostKind::Daily, Counting::DailyOnTime, Some(date)) => Some(date),
            _ => None,
        };
        let new = NewAnswer {
            post_id: post.id,
            topic: q.topic.as_str(),
            body,
            verdict: (!ungraded).then_some(grade.verdict.as_str()),
            score: grade.score,
            feedback: serde_json::to_value(&grade).unwrap_or_default(),
            points,
            counting: match counting {
                Counting::DailyOnTime => "daily",
                Counting::FirstQuiz => "quiz",
                Counting::Practice => "practice",
                Counting::Round(_) => "round",
            },
            at: now,
            day: local_day(setting.tz.as_deref(), now),
            streak: streak_day,
        };
        let Some((answer_id, streak)) = self.store.record_answer(ctx, &new).await? else {
            return user(format!(
                "You already answered #{}. Your first answer stands.",
                post.id
            ));
        };
        crate::meters::answer(if ungraded {
            "ungraded"
        } else {
            grade.verdict.as_str()
        });
        // The answer's text stays out of info logs: it is the member's own words.
        tracing::info!(
            post = post.id,
            answer = answer_id,
            verdict = new.verdict.unwrap_or("ungraded"),
            "answer recorded"
        );
        if ungraded {
            return Ok(Response::text(format!(
                "Your answer to #{} is saved (answer {answer_id}), but it cannot be graded right now. An admin can /regrade it; nothing is lost.",
                post.id
            )));
        }
        let revealed = post.kind() == PostKind::Quiz || post.revealed_at.is_some();
        Ok(Response::private(Body::Feedback(Feedback {
            post_id: post.id,
            answer_id,
            question_id: q.id.clone(),
            grade,
            points,
            note: note_for(counting, post),
            model_answer: revealed.then(|| q.answer.clone()),
            summary: q.summary.clone(),
            streak: streak.map(|s| s.current),
        })))
    }

    /// For a SQL question, takes one of the person's [`MAX_SQL_TRIES`] and
    /// returns how many they have used; refuses once all are used.
    async fn take_sql_try(
        &self,
        ctx: Ctx,
        post: &PostRow,
        q: &Question,
    ) -> Result<Option<i32>, EngineError> {
        if q.format() != Format::Sql {
            return Ok(None);
        }
        let now = self.clock.now();
        match self
            .store
            .take_sql_try(ctx.member_id, q.id.as_str(), MAX_SQL_TRIES, now)
            .await?
        {
            Some(used) => Ok(Some(used)),
            None => user(format!(
                "You have used all {MAX_SQL_TRIES} tries at #{} without a query that runs, so the SQL sandbox takes no more queries from you for this question. /quiz gets you another one.",
                post.id
            )),
        }
    }

    async fn counting(
        &self,
        ctx: Ctx,
        post: &PostRow,
        q: &Question,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Counting, EngineError> {
        Ok(match post.kind() {
            PostKind::Round => Counting::Round(super::rounds::speed(post, q.format(), now)),
            PostKind::Daily if post.revealed_at.is_none() => Counting::DailyOnTime,
            PostKind::Daily => Counting::Practice,
            PostKind::Quiz if self.store.has_scored(ctx.member_id, q.id.as_str()).await? => {
                Counting::Practice
            }
            PostKind::Quiz => Counting::FirstQuiz,
        })
    }

    /// The full model answer, privately, once the person may see it: after
    /// a daily question's reveal, or after answering their own quiz.
    pub(super) async fn full_answer(
        &self,
        ctx: Ctx,
        post: Option<i64>,
    ) -> Result<Response, EngineError> {
        let post = match post {
            Some(id) => self.store.post(id, ctx.guild_id).await?,
            None => self.store.latest_daily(ctx.channel_id).await?,
        };
        let Some(post) = post else {
            return user("There is no such question here.");
        };
        let open = match post.kind() {
            PostKind::Daily | PostKind::Round => post.revealed_at.is_some(),
            PostKind::Quiz => {
                post.member_id == Some(ctx.member_id)
                    && self
                        .store
                        .answer_of(post.id, ctx.member_id)
                        .await?
                        .is_some()
            }
        };
        if !open {
            return user(format!(
                "The answer to #{} is not out yet: it comes with the reveal (or once you answer your quiz).",
                post.id
            ));
        }
        let q = self.question(ctx.guild_id, &post.question_id).await?;
        let mut text = format!("**Full answer to #{}**\n{}", post.id, q.answer);
        if !q.explanation.is_empty() {
            text.push_str(&format!("\n\n**Why it matters:** {}", q.explanation));
        }
        Ok(Response::text(text))
    }

    pub(super) async fn flag(&self, ctx: Ctx, post: Option<i64>) -> Result<Response, EngineError> {
        let post = match post {
            Some(id) => self.store.post(id, ctx.guild_id).await?,
            None => self.store.latest_daily(ctx.channel_id).await?,
        };
        let Some(post) = post else {
            return user("There is no question to flag here.");
        };
        let Some(answer) = self.store.answer_of(post.id, ctx.member_id).await? else {
            return user(format!("You have no answer to #{} to flag.", post.id));
        };
        if post.kind() != PostKind::Quiz && post.revealed_at.is_none() {
            return user("You can flag your answer once the model answer is revealed.");
        }
        if answer.verdict.as_deref() == Some("correct") {
            return user("Your answer is already graded correct.");
        }
        if !self.store.flag(answer.id, self.clock.now()).await? {
            return user("That answer is already flagged; an admin will look at it.");
        }
        Ok(Response::text(format!(
            "Flagged your answer to #{} for an admin to review.",
            post.id
        )))
    }

    pub(super) async fn flags(&self, ctx: Ctx) -> Result<Response, EngineError> {
        let flags = self.store.open_flags(ctx.guild_id).await?;
        Ok(Response::private(Body::Flags(
            flags
                .into_iter()
                .map(|f| FlagLine {
                    answer_id: f.answer_id,
                    post_id: f.post_id,
                    member: f.member,
                    question_id: f.question_id,
                    verdict: f.verdict,
                    excerpt: f.body.chars().take(120).collect(),
                })
                .collect(),
        )))
    }

    pub(super) async fn regrade(
        &self,
        ctx: Ctx,
        answer_id: i64,
        verdict: Verdict,
        note: Option<String>,
    ) -> Result<Response, EngineError> {
        let Some(answer) = self.store.answer(answer_id, ctx.guild_id).await? else {
            return user(format!("There is no answer {answer_id} on this server."));
        };
        let Some(post) = self.store.post(answer.post_id, ctx.guild_id).await? else {
            return user(format!("There is no answer {answer_id} on this server."));
        };
        let q = self.question(ctx.guild_id, &post.question_id).await?;
        let counting = match answer.counting.as_str() {
            "daily" => Counting::DailyOnTime,
            "quiz" => Counting::FirstQuiz,
            "round" => Counting::Round(super::rounds::speed(&post, q.format(), answer.answered_at)),
            _ => Counting::Practice,
        };
        let by = (&post, answer.member_id);
        let rules = self.store.scoring_rules(ctx.guild_id).await?;
        let points = self
            .scored(rules, by, q.difficulty, verdict, counting)
            .await?;
        let now = self.clock.now();
        let out = self
            .store
            .regrade(&answer, ctx, verdict.as_str(), points, note.as_deref(), now)
            .await?;
        Ok(Response::text(format!(
            "Re-graded answer {answer_id} by {}: {} -> {verdict}, points {} -> {points}. Logged in the audit trail.",
            out.member,
            out.old_verdict.as_deref().unwrap_or("ungraded"),
            out.old_points
        )))
    }
}

/// Queries one person may send to the sandbox per SQL question: the first
/// that runs is their answer; those that fail to parse or run are feedback.
pub const MAX_SQL_TRIES: i32 = 5;

/// Feedback for a query that could not be graded as it stands.
fn retry_message(msg: &str, tries: Option<i32>) -> String {
    let left = MAX_SQL_TRIES - tries.unwrap_or(0);
    let tail = match left {
        0 => "That was your last try for this question.".to_owned(),
        1 => "1 try left for this question.".to_owned(),
        n => format!("{n} tries left for this question."),
    };
    format!("Not recorded as your answer: {msg}.\nFix it and send again. {tail}")
}

fn note_for(counting: Counting, post: &PostRow) -> Option<String> {
    match counting {
        Counting::Practice if post.kind() == PostKind::Daily => {
            Some("answered after the reveal: practice, no points".into())
        }
        Counting::Practice => {
            Some("you were scored on this question before: practice, no points".into())
        }
        _ => None,
    }
}

/// The channel's local date at `now`: in its daily schedule's zone, else
/// UTC (as `Engine::channel_today` decides it).
fn local_day(tz: Option<&str>, now: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
    match tz.and_then(|tz| tz.parse::<chrono_tz::Tz>().ok()) {
        Some(tz) => now.with_timezone(&tz).date_naive(),
        None => now.date_naive(),
    }
}
