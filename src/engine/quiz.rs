//! On-demand quizzes and question picking.

use super::{user, Engine, EngineError};
use crate::bank::{Question, Topic};
use crate::domain::command::QuizFilter;
use crate::domain::reply::{Body, QuestionCard, Response};
use crate::grading::choice::Shown;
use crate::storage::{Ctx, PostRow};
use rand::Rng;
use std::collections::HashMap;
use std::sync::Arc;

/// Picks uniformly among the questions used least often, so nothing repeats
/// until the whole pool has been seen. `pool` order must be deterministic.
pub fn pick_least_used<'a, R: Rng>(
    pool: &[&'a Arc<Question>],
    used: &HashMap<String, i64>,
    rng: &mut R,
) -> Option<&'a Arc<Question>> {
    let uses = |q: &Arc<Question>| used.get(q.id.as_str()).copied().unwrap_or(0);
    let least = pool.iter().map(|q| uses(q)).min()?;
    let fresh: Vec<_> = pool.iter().filter(|q| uses(q) == least).collect();
    Some(fresh[rng.gen_range(0..fresh.len())])
}

impl Engine {
    /// Every question the guild may draw from: the bank plus its custom
    /// questions, without disabled topics.
    pub(super) async fn pool(&self, guild_id: i64) -> Result<Vec<Arc<Question>>, EngineError> {
        let disabled = self.store.disabled_topics(guild_id).await?;
        let custom = self.custom_questions(guild_id).await?;
        Ok(self
            .bank
            .questions()
            .iter()
            .chain(custom.iter())
            .filter(|q| !disabled.iter().any(|t| t == q.topic.as_str()))
            .cloned()
            .collect())
    }

    pub(super) fn pick(
        &self,
        pool: &[&Arc<Question>],
        used: &HashMap<String, i64>,
    ) -> Option<Arc<Question>> {
        let mut rng = self.rng.lock().expect("rng lock");
        pick_least_used(pool, used, &mut *rng).cloned()
    }

    /// A fresh seed for the order `post_id` shows its options in. It comes
    /// from a copy of the pick generator moved to the post's own stream, so
    /// it follows the engine's injected seed and differs per post, while the
    /// sequence of question picks (which replays and tests rely on) is
    /// left exactly as it was.
    pub(super) fn option_seed(&self, post_id: i64) -> i64 {
        let mut fork = self.rng.lock().expect("rng lock").clone();
        fork.set_stream(post_id as u64);
        fork.gen()
    }

    /// Gives `post_id` its option order (once) and returns the question as
    /// that post shows it.
    pub(super) async fn shuffle_for(
        &self,
        post_id: i64,
        q: &Question,
    ) -> Result<Shown, EngineError> {
        let seed = self
            .store
            .set_option_seed(post_id, self.option_seed(post_id))
            .await?;
        Ok(Shown::new(q, Some(seed)))
    }

    /// The question as `post` shows it, in the order stored with the post.
    pub(super) fn shown(post: &PostRow, q: &Question) -> Shown {
        Shown::new(q, post.option_seed)
    }

    /// The topic's display name.
    pub(super) fn topic_name(&self, topic: &Topic) -> String {
        self.bank
            .topics()
            .iter()
            .find(|t| &t.slug == topic)
            .map(|t| t.name.clone())
            .unwrap_or_else(|| topic.to_string())
    }

    /// A question as shown before the reveal; `q` is already in the post's
    /// option order (see [`Shown`]).
    pub(super) fn card(
        &self,
        post_id: i64,
        q: &Question,
        reveal: Option<(chrono::DateTime<chrono::Utc>, chrono_tz::Tz)>,
    ) -> QuestionCard {
        QuestionCard {
            post_id,
            question_id: q.id.clone(),
            topic: q.topic.clone(),
            topic_name: self.topic_name(&q.topic),
            difficulty: q.difficulty,
            format: q.format(),
            prompt: q.prompt.clone(),
            options: q
                .options()
                .iter()
                .map(|o| (o.id.clone(), o.text.clone()))
                .collect(),
            multi: q.options().iter().filter(|o| o.correct).count() > 1,
            schema: match &q.kind {
                crate::bank::QuestionKind::Sql(task) => Some(task.schema.clone()),
                _ => None,
            },
            daily: reveal.is_some(),
            reveals_at: reveal.map(|(at, _)| at.timestamp()),
            reveal_label: reveal
                .map(|(at, tz)| format!("{} {}", at.with_timezone(&tz).format("%H:%M"), tz.name())),
        }
    }

    pub(super) async fn quiz(
        &self,
        ctx: Ctx,
        filter: &QuizFilter,
    ) -> Result<Response, EngineError> {
        if let Some(t) = &filter.topic {
            if !self.bank.has_topic(t.as_str()) {
                return user(format!(
                    "Unknown topic `{t}`. Topics: {}",
                    self.topic_list()
                ));
            }
        }
        let pool = self.pool(ctx.guild_id).await?;
        let matching: Vec<&Arc<Question>> = pool
            .iter()
            .filter(|q| filter.topic.as_ref().is_none_or(|t| &q.topic == t))
            .filter(|q| filter.difficulty.is_none_or(|d| q.difficulty == d))
            .filter(|q| filter.format.is_none_or(|f| q.format() == f))
            .collect();
        let used = self.store.quiz_use_counts(ctx.member_id).await?;
        let Some(q) = self.pick(&matching, &used) else {
            return user("No question matches those filters here (the topic may be disabled on this server). Try fewer filters.");
        };
        let now = self.clock.now();
        let post_id = self
            .store
            .create_quiz(
                ctx.channel_id,
                ctx.member_id,
                q.id.as_str(),
                q.topic.as_str(),
                now,
            )
            .await?;
        let shown = self.shuffle_for(post_id, &q).await?;
        Ok(Response::private(Body::Question(self.card(
            post_id,
            &shown.question,
            None,
        ))))
    }

    /// Topic slugs, comma-separated, for error messages.
    pub(super) fn topic_list(&self) -> String {
        self.bank
            .topics()
            .iter()
            .map(|t| t.slug.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}
