//! The gate every interaction passes: slash commands, buttons and modals.
//!
//! Each interaction is handled in a task of its own, so poise's dispatch
//! future (about 30 KB per gateway event, measured) is freed at once rather
//! than held while the command waits for a database connection. The task
//! runs the command only with one of [`super::INTERACTIONS_AT_ONCE`]
//! permits; one that has to wait is acknowledged first (at most
//! [`super::ACKS_AT_ONCE`] acknowledgements in flight), so Discord's
//! 3-second window holds however long the queue. How it is acknowledged
//! ([`Ack`]) is decided before it runs, from the core's command: a public
//! command is deferred publicly, a page click as an update of its message.
//! docs/benchmarks.md, "Footprint", has the measurements.
//!
//! A [`Target`] remembers how the interaction was acknowledged, so every
//! message (even an apology after a failure) goes through the endpoint
//! Discord allows at that point.

use super::render::{self, Outgoing};
use super::shim::reference;
use super::{Data, Error};
use crate::domain::command::{Command, ParseError};
use crate::domain::reply::Visibility;
use crate::engine::{Actor, Place};
use crate::runner::{Runner, Shown, Surface};
use async_trait::async_trait;
use poise::serenity_prelude::{
    Context, CreateInteractionResponse, CreateInteractionResponseMessage, CreateModal, Interaction,
    InteractionId,
};
use tracing::Instrument;

/// How an interaction is acknowledged if it must wait, or if the command
/// is slow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ack {
    /// Its first response opens a form, which must be the first response:
    /// never deferred. It needs no database, so it does not wait for the gate.
    Form,
    /// A deferred reply (DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE, type 5), seen
    /// by the asker alone or by the channel, as the command's reply will be.
    Reply(Visibility),
    /// A deferred update (DEFERRED_UPDATE_MESSAGE, type 6): the reply
    /// replaces the clicked message (a leaderboard page).
    Update,
}

/// The interaction to answer, and how.
pub struct Pass {
    pub id: InteractionId,
    pub token: String,
    pub ack: Ack,
    /// Already deferred by poise (a file download came first).
    pub deferred: bool,
}

/// What runs once admitted.
pub enum Job {
    /// A button, select or modal submit (see [`super::interactions`]).
    Interaction(Box<Interaction>),
    /// A slash command, parsed: who, where, and the core command or why not.
    Command {
        who: Box<(Actor, Place)>,
        command: Result<Command, ParseError>,
    },
    /// Opens the answer form (`/answer`).
    Form(Box<CreateModal>),
}

/// Hands the job to a task of its own and returns at once; the task waits
/// for the gate holding only the parsed job, acknowledged if it must wait.
pub fn admit(ctx: &Context, data: &Data, pass: Pass, job: Job) {
    let (runner, gate, acks) = (data.runner.clone(), data.gate.clone(), data.acks.clone());
    let mut target = Target::new(ctx.clone(), pass);
    let admitted = async move {
        let permit = if target.ack == Ack::Form {
            // No database: only the request in flight is bounded.
            acks.acquire_owned().await
        } else if let Ok(permit) = gate.clone().try_acquire_owned() {
            Ok(permit)
        } else {
            {
                let _ack = acks.acquire().await;
                if let Err(e) = Box::pin(target.defer()).await {
                    tracing::warn!(error = %format!("{e:#}"), "could not defer a queued interaction");
                }
            }
            gate.acquire_owned().await
        };
        let Ok(_permit) = permit else {
            return;
        };
        // Boxed: the command's future is allocated only once admitted.
        Box::pin(handle(&runner, &mut target, job)).await;
    };
    tokio::spawn(admitted.instrument(tracing::Span::current()));
}

/// Runs the job; a failure is logged and the person gets an apology with
/// its reference.
async fn handle(runner: &Runner, target: &mut Target, job: Job) {
    let outcome = match job {
        Job::Interaction(i) => super::interactions::handle(runner, target, &i).await,
        Job::Command { who, command } => run(runner, target, &who, Some(command)).await,
        Job::Form(modal) => {
            target
                .respond(CreateInteractionResponse::Modal(*modal))
                .await
        }
    };
    if let Err(e) = outcome {
        let reference = reference();
        tracing::error!(error = %format!("{e:#}"), %reference, "interaction failed");
        if let Err(e) = target.apologize(&reference).await {
            tracing::error!(error = %e, %reference, "could not send the apology");
        }
    }
}

/// Runs a command, or says why there is none to run.
pub async fn run(
    runner: &Runner,
    target: &mut Target,
    (actor, place): &(Actor, Place),
    command: Option<Result<Command, ParseError>>,
) -> Result<(), Error> {
    match command {
        Some(Ok(cmd)) => {
            runner.run(actor, place, cmd, target).await?;
        }
        Some(Err(why)) => runner.refuse(target, &why.0).await?,
        None => {
            runner
                .refuse(
                    target,
                    "This button is no longer active. Try /quiz or /answer.",
                )
                .await?
        }
    }
    Ok(())
}

/// Where an interaction's answers go, and how far it was acknowledged.
pub struct Target {
    ctx: Context,
    id: InteractionId,
    token: String,
    ack: Ack,
    /// Deferred: the answer is an edit of `@original`.
    deferred: bool,
    /// Answered: anything more is a followup.
    answered: bool,
}

impl Target {
    fn new(ctx: Context, pass: Pass) -> Self {
        Self {
            ctx,
            id: pass.id,
            token: pass.token,
            ack: pass.ack,
            deferred: pass.deferred,
            answered: false,
        }
    }

    /// Sends the interaction's initial response.
    pub async fn respond(&mut self, response: CreateInteractionResponse) -> Result<(), Error> {
        self.ctx
            .http
            .create_interaction_response(self.id, &self.token, &response, vec![])
            .await?;
        self.answered = true;
        Ok(())
    }

    /// Whether a reply seen as `visibility` may take the place the
    /// acknowledgement made: a deferred reply keeps the visibility it was
    /// deferred with, and only a private reply replaces the asker's board.
    fn fits(&self, visibility: Visibility) -> bool {
        match self.ack {
            Ack::Reply(deferred) => !self.deferred || deferred == visibility,
            Ack::Update => visibility == Visibility::Private,
            Ack::Form => true,
        }
    }

    /// Makes room for a reply seen as `visibility` where the
    /// acknowledgement does not fit it. Deferred publicly, answered
    /// privately (an error): the public "thinking" message goes and the
    /// reply follows privately. A page click's public reply is a message of
    /// its own.
    async fn settle(&mut self, visibility: Visibility) -> Result<(), Error> {
        if self.fits(visibility) {
            return Ok(());
        }
        if self.deferred && !self.answered && self.ack != Ack::Update {
            self.ctx
                .http
                .delete_original_interaction_response(&self.token)
                .await?;
        }
        self.ack = Ack::Reply(visibility);
        self.answered |= self.deferred;
        Ok(())
    }

    /// The apology for a failure, privately.
    async fn apologize(&mut self, reference: &str) -> Result<(), Error> {
        self.settle(Visibility::Private).await?;
        self.send(vec![render::apology(reference)]).await
    }

    /// Sends the messages through whichever endpoint the state allows.
    async fn send(&mut self, messages: Vec<Outgoing>) -> Result<(), Error> {
        let http = self.ctx.http.clone();
        for out in messages {
            if self.answered {
                http.create_followup_message(&self.token, &out.into_followup(), vec![])
                    .await?;
            } else if self.deferred {
                http.edit_original_interaction_response(&self.token, &out.into_original(), vec![])
                    .await?;
                self.answered = true;
            } else if self.ack == Ack::Update {
                self.respond(CreateInteractionResponse::UpdateMessage(
                    out.into_response(),
                ))
                .await?;
            } else {
                self.respond(CreateInteractionResponse::Message(out.into_response()))
                    .await?;
            }
        }
        Ok(())
    }
}

#[async_trait]
impl Surface for Target {
    async fn defer(&mut self) -> anyhow::Result<()> {
        if self.answered || self.deferred {
            return Ok(());
        }
        let defer = match self.ack {
            Ack::Form => return Ok(()),
            Ack::Update => CreateInteractionResponse::Acknowledge,
            Ack::Reply(v) => CreateInteractionResponse::Defer(
                CreateInteractionResponseMessage::new().ephemeral(v == Visibility::Private),
            ),
        };
        self.respond(defer).await?;
        self.answered = false;
        self.deferred = true;
        Ok(())
    }

    async fn show(&mut self, shown: Shown) -> anyhow::Result<()> {
        self.settle(shown.visibility).await?;
        self.send(render::shown(&shown)).await
    }
}
