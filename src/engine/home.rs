//! A person's home (Slack's App Home): their stats and all-time rank, the
//! daily questions open in their community, and for admins every channel's
//! daily settings. The content is decided here and laid out by
//! [`crate::domain::view::home`]; a front end only maps the views.

use super::{Actor, Engine, EngineError, Place, Platform};
use crate::domain::command::Period;
use crate::domain::home::{ChannelStatus, Home, OpenQuestion, Schedules, MAX_OPEN, MAX_SCHEDULES};
use crate::storage::{Ctx, OpenDaily};

impl Engine {
    /// `actor`'s home in the community of `place` (the place they opened it
    /// from, e.g. the app's direct message with them).
    #[tracing::instrument(skip_all, fields(platform = place.platform.as_str(), guild = %place.guild, user = %actor.user_id))]
    pub async fn home(&self, actor: &Actor, place: &Place) -> Result<Home, EngineError> {
        let ctx = self.context(actor, place).await?;
        let rows = self
            .store
            .open_dailies(ctx.guild_id, ctx.member_id, MAX_OPEN)
            .await?;
        let more_open = rows.first().map_or(0, |r| r.total - rows.len() as i64);
        let mut open = Vec::with_capacity(rows.len());
        for row in rows {
            open.extend(self.open_question(ctx, row).await?);
        }
        Ok(Home {
            stats: self.stats_card(ctx, actor.name.as_str(), None).await?,
            board: self.board(ctx, Period::All, None, 1).await?,
            open,
            more_open,
            schedules: match actor.is_admin {
                true => Some(self.schedules(ctx).await?),
                false => None,
            },
        })
    }

    /// An open post as its card (options in the post's order); `None` when
    /// its question has left the bank since it was posted.
    async fn open_question(
        &self,
        ctx: Ctx,
        row: OpenDaily,
    ) -> Result<Option<OpenQuestion>, EngineError> {
        let q = match self.question(ctx.guild_id, &row.post.question_id).await {
            Ok(q) => q,
            Err(EngineError::User(why)) => {
                tracing::warn!(post = row.post.id, %why, "an open question is not in the bank; left off the home");
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        let tz = self.channel_tz(row.post.channel_id).await?;
        let shown = Self::shown(&row.post, &q);
        let reveal = row.post.reveal_at.map(|at| (at, tz));
        Ok(Some(OpenQuestion {
            channel: row.channel_external,
            card: self.card(row.post.id, &shown.question, reveal),
            answered: row.answered,
        }))
    }

    /// Every scheduled channel's settings in the guild (a channel whose
    /// stored settings no longer read is left out).
    async fn schedules(&self, ctx: Ctx) -> Result<Schedules, EngineError> {
        let rows = self
            .store
            .guild_schedules(ctx.guild_id, MAX_SCHEDULES)
            .await?;
        let more = rows.first().map_or(0, |r| r.total - rows.len() as i64);
        let channels = rows
            .into_iter()
            .filter_map(|r| {
                let status = self.status(&r.settings).ok()?;
                Some(ChannelStatus {
                    channel: r.channel_external,
                    status,
                })
            })
            .collect();
        Ok(Schedules { channels, more })
    }

    /// The platform id of the channel where `post` of community `guild`
    /// was made: a click on a home, which has no channel, answers there.
    pub async fn post_channel(
        &self,
        platform: Platform,
        guild: &str,
        post: i64,
    ) -> Result<Option<String>, EngineError> {
        Ok(self
            .store
            .post_channel(platform.as_str(), guild, post)
            .await?)
    }
}
