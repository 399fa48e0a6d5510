//! The one command runner every front end shares: decide whether to defer,
//! handle the command, build the reply's view, show it, deliver the effects.
//!
//! A front end parses its input into a [`Command`] (through the domain's
//! validating constructors), then calls [`Runner::run`] with a [`Surface`]:
//! its way of acknowledging and of showing a view (Discord's interaction
//! responses, Slack's `response_url`, the console's stdout). Nothing else of
//! the flow is written in a front end.

use crate::delivery::{Delivery, TickReport};
use crate::domain::command::Command;
use crate::domain::reply::{Body, Effect, Reply, Visibility};
use crate::domain::view::{self, View, Words};
use crate::engine::{Actor, Engine, Place};
use async_trait::async_trait;
use std::sync::Arc;

/// A reply ready to show: who may see it, and what it shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub visibility: Visibility,
    pub view: View,
}

/// Where a front end shows a reply.
#[async_trait]
pub trait Surface: Send {
    /// Acknowledges now and answers later (the command may be slow).
    async fn defer(&mut self) -> anyhow::Result<()>;
    /// Shows the reply.
    async fn show(&mut self, shown: Shown) -> anyhow::Result<()>;
}

/// Runs commands for one front end, in its words.
#[derive(Clone)]
pub struct Runner {
    delivery: Arc<Delivery>,
    words: Words,
}

impl Runner {
    pub fn new(delivery: Arc<Delivery>, words: Words) -> Self {
        Self { delivery, words }
    }

    pub fn engine(&self) -> &Arc<Engine> {
        self.delivery.engine()
    }

    /// The front end's words, for views it builds itself (a home tab).
    pub fn words(&self) -> &Words {
        &self.words
    }

    /// Runs `command` for `actor` at `place` and shows the reply on `surface`;
    /// then delivers the effects (an admin's post-now, an early reveal).
    #[tracing::instrument(skip_all, fields(platform = %place.platform, guild = %place.guild, user = %actor.user_id))]
    pub async fn run(
        &self,
        actor: &Actor,
        place: &Place,
        command: Command,
        surface: &mut dyn Surface,
    ) -> anyhow::Result<TickReport> {
        if self.engine().is_slow(&command) {
            surface.defer().await?;
        }
        let name = command.name();
        let started = std::time::Instant::now();
        let (response, outcome) = self
            .engine()
            .handle_with_outcome(actor, place, command)
            .await;
        let took = started.elapsed();
        crate::meters::command(name, outcome.as_str(), took);
        // Names and outcomes only: never a command's arguments (an answer's text).
        tracing::info!(
            command = name,
            outcome = outcome.as_str(),
            took_ms = took.as_millis() as u64,
            "command handled"
        );
        surface.show(self.shown(&response.reply)).await?;
        Ok(self.deliver(response.effects).await)
    }

    /// Delivers effects through the application's router.
    pub async fn deliver(&self, effects: Vec<Effect>) -> TickReport {
        if effects.is_empty() {
            return TickReport::default();
        }
        let report = self.delivery.deliver_all(effects).await;
        tracing::info!(?report, "delivered command effects");
        report
    }

    /// The view of a reply. Errors are always private.
    pub fn shown(&self, reply: &Reply) -> Shown {
        let private = matches!(
            reply.body,
            Body::Error(_) | Body::TryAgain(_) | Body::AdminOnly
        );
        Shown {
            visibility: if private {
                Visibility::Private
            } else {
                reply.visibility
            },
            view: view::build(&reply.body, &self.words),
        }
    }

    /// An error shown on `surface`, for input a front end could not read.
    pub async fn refuse(&self, surface: &mut dyn Surface, message: &str) -> anyhow::Result<()> {
        surface
            .show(Shown {
                visibility: Visibility::Private,
                view: view::build(&Body::Error(message.to_owned()), &self.words),
            })
            .await
    }
}
