//! Per-server custom questions and disabled topics.
//!
//! Custom questions use the bank's own format and validation. Each is stored
//! as a one-question TOML document, so it is re-validated whenever it is
//! loaded and a later format change cannot smuggle in a broken question.
//!
//! A `sql` question's schema and fixture must pass
//! [`Fixture::parse`](crate::grading::sql::Fixture) (only `CREATE TABLE` and
//! `INSERT … VALUES` with literals, statement by statement), and its reference
//! solution must run in the sandbox and return rows, before anything is
//! stored. One server's admin cannot run other SQL with the sandbox's roles.
//!
//! An upload is size-checked before it is parsed, and parsed on a blocking
//! thread, so a large file never stalls the async runtime.

use super::{user, Engine, EngineError};
use crate::bank::{load_str, Located, Question, QuestionId, QuestionKind, TopicInfo};
use crate::domain::command::QuestionsCommand;
use crate::domain::reply::{Body, CustomQuestions, Response};
use crate::grading::sql::Fixture;
use crate::storage::{Ctx, CustomAdd};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Most custom questions one upload may add.
const MAX_UPLOAD: usize = 200;
/// Largest upload, in bytes: Discord's attachment cap for bots, 512 KiB.
pub const MAX_UPLOAD_BYTES: usize = 512 * 1024;

/// A parsed, valid upload: its questions and one TOML document per question.
struct Upload {
    questions: Vec<Located>,
    docs: Vec<(String, String)>,
}

/// Validates an upload (CPU-bound: run it off the async runtime).
fn parse_upload(text: &str, topics: &[TopicInfo]) -> Result<Upload, String> {
    let questions =
        load_str("upload", text, topics).map_err(|e| format!("Nothing was added. {e}"))?;
    if questions.is_empty() {
        return Err("Nothing was added: the file has no [[question]] tables.".into());
    }
    if questions.len() > MAX_UPLOAD {
        return Err(format!(
            "Nothing was added: at most {MAX_UPLOAD} questions per upload."
        ));
    }
    let mut seen = std::collections::HashMap::new();
    for l in &questions {
        if let Some(first) = seen.insert(&l.question.id, l.line) {
            return Err(format!(
                "Nothing was added. upload:{}: id `{}` is already used at upload:{first}.",
                l.line, l.question.id
            ));
        }
    }
    let docs = split_questions(text).map_err(|e| format!("Nothing was added: {e}"))?;
    Ok(Upload { questions, docs })
}

/// Splits a bank file into one TOML document per question, keyed by id.
fn split_questions(text: &str) -> Result<Vec<(String, String)>, String> {
    let doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| e.to_string())?;
    let tables = doc
        .get("question")
        .and_then(|q| q.as_array_of_tables())
        .ok_or("the file has no [[question]] tables")?;
    let mut out = Vec::new();
    for table in tables.iter() {
        let id = table
            .get("id")
            .and_then(|v| v.as_str())
            .ok_or("a question has no id")?;
        let mut one = toml_edit::DocumentMut::new();
        let mut array = toml_edit::ArrayOfTables::new();
        array.push(table.clone());
        one.insert("question", toml_edit::Item::ArrayOfTables(array));
        out.push((id.to_owned(), one.to_string()));
    }
    Ok(out)
}

/// Whether a stored custom question's SQL set-up still passes the check
/// (questions stored before it existed may not); logs the ones skipped.
fn sql_setup_ok(guild_id: i64, l: &Located) -> bool {
    let QuestionKind::Sql(task) = &l.question.kind else {
        return true;
    };
    match Fixture::parse(&task.schema, &task.fixture) {
        Ok(_) => true,
        Err(e) => {
            tracing::warn!(guild_id, question = %l.question.id, error = %e, "skipping a custom SQL question whose set-up is refused");
            false
        }
    }
}

impl Engine {
    /// A guild's custom questions, cached until the next change.
    pub(super) async fn custom_questions(
        &self,
        guild_id: i64,
    ) -> Result<Arc<Vec<Arc<Question>>>, EngineError> {
        if let Some(qs) = self.custom.read().expect("custom lock").get(&guild_id) {
            return Ok(qs.clone());
        }
        let mut questions = Vec::new();
        for (id, toml) in self.store.custom_questions(guild_id).await? {
            match load_str(&format!("custom:{id}"), &toml, self.bank.topics()) {
                Ok(qs) => questions.extend(
                    qs.into_iter()
                        .filter(|l| sql_setup_ok(guild_id, l))
                        .map(|l| Arc::new(l.question)),
                ),
                // Stored questions were valid when added; if the rules changed, skip and say so.
                Err(e) => {
                    tracing::warn!(guild_id, question = %id, error = %e, "skipping an invalid custom question")
                }
            }
        }
        let questions = Arc::new(questions);
        self.custom
            .write()
            .expect("custom lock")
            .insert(guild_id, questions.clone());
        Ok(questions)
    }

    pub(super) async fn questions(
        &self,
        ctx: Ctx,
        cmd: QuestionsCommand,
    ) -> Result<Response, EngineError> {
        match cmd {
            QuestionsCommand::Add { toml, replace } => self.add_custom(ctx, toml, replace).await,
            QuestionsCommand::Remove { id } => self.remove_custom(ctx, &id).await,
            QuestionsCommand::DisableTopic(t) | QuestionsCommand::EnableTopic(t)
                if !self.bank.has_topic(t.as_str()) =>
            {
                user(format!(
                    "Unknown topic `{t}`. Topics: {}",
                    self.topic_list()
                ))
            }
            QuestionsCommand::DisableTopic(t) => {
                self.store
                    .set_topic_enabled(ctx.guild_id, t.as_str(), false)
                    .await?;
                Ok(Response::text(format!(
                    "Topic `{t}` is off for this server: no daily or quiz question will use it."
                )))
            }
            QuestionsCommand::EnableTopic(t) => {
                self.store
                    .set_topic_enabled(ctx.guild_id, t.as_str(), true)
                    .await?;
                Ok(Response::text(format!(
                    "Topic `{t}` is on again for this server."
                )))
            }
            QuestionsCommand::List => self.list_custom(ctx).await,
        }
    }

    async fn add_custom(
        &self,
        ctx: Ctx,
        text: String,
        replace: bool,
    ) -> Result<Response, EngineError> {
        if text.len() > MAX_UPLOAD_BYTES {
            return user(format!(
                "Nothing was added: the file is {} KiB; uploads are at most {} KiB. Split it into smaller files.",
                text.len().div_ceil(1024),
                MAX_UPLOAD_BYTES / 1024
            ));
        }
        let topics = self.bank.topics().to_vec();
        let parsed = tokio::task::spawn_blocking(move || parse_upload(&text, &topics))
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "parsing an upload failed");
                EngineError::User("Nothing was added: the file could not be read.".into())
            })?;
        let upload = parsed.map_err(EngineError::User)?;
        if let Some(dup) = upload
            .questions
            .iter()
            .find(|l| self.bank.get(&l.question.id).is_some())
        {
            return user(format!("Nothing was added. upload:{}: id `{}` is already used by the shipped bank; pick another id.", dup.line, dup.question.id));
        }
        for l in &upload.questions {
            if let Err(e) = self.check_sql(l).await {
                return user(format!(
                    "Nothing was added. upload:{}: question `{}`: {e}",
                    l.line, l.question.id
                ));
            }
        }
        let stored = self
            .store
            .add_custom_questions(ctx, &upload.docs, self.clock.now(), replace)
            .await?;
        let replaced = match stored {
            CustomAdd::Exists(ids) => return user(exists_message(&ids)),
            CustomAdd::Added { replaced } => replaced,
        };
        self.forget_custom(ctx.guild_id).await;
        let ids: Vec<&str> = upload
            .questions
            .iter()
            .map(|l| l.question.id.as_str())
            .collect();
        let mut text = format!(
            "Added {} question(s) to this server's pool: {}",
            ids.len(),
            ids.join(", ")
        );
        if !replaced.is_empty() {
            text.push_str(&format!(
                "\nReplaced {} existing question(s): {}",
                replaced.len(),
                replaced.join(", ")
            ));
        }
        Ok(Response::text(text))
    }

    async fn remove_custom(&self, ctx: Ctx, id: &QuestionId) -> Result<Response, EngineError> {
        if self
            .store
            .remove_custom_question(ctx.guild_id, id.as_str())
            .await?
        {
            self.forget_custom(ctx.guild_id).await;
            return Ok(Response::text(format!(
                "Removed `{id}` from this server's pool."
            )));
        }
        if self.bank.get(id).is_some() {
            return user(format!(
                "`{id}` is a shipped question, not a custom one; /questions disable-topic turns off its whole topic."
            ));
        }
        user(format!(
            "This server has no custom question `{id}`; /questions list shows them."
        ))
    }

    /// Drops the cached custom questions of a guild after a change.
    /// Drops this process's cached copy and tells the other processes on
    /// the database to drop theirs (see [`Engine::follow_custom_changes`]).
    async fn forget_custom(&self, guild_id: i64) {
        self.custom.write().expect("custom lock").remove(&guild_id);
        if let Err(e) = self.store.announce_custom_change(guild_id).await {
            tracing::warn!(guild_id, error = %e, "could not tell other replicas that custom questions changed");
        }
    }

    /// Keeps this process's custom-question cache in step with changes made
    /// by other processes on the same database (replicas, or a console
    /// beside the bot), through PostgreSQL's LISTEN/NOTIFY. When the
    /// listening connection drops, notifications may have been missed, so
    /// the whole cache is dropped. Runs until `stop` turns true.
    pub async fn follow_custom_changes(self: Arc<Self>, mut stop: watch::Receiver<bool>) {
        loop {
            let mut listener = match self.store.custom_changes().await {
                Ok(l) => l,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot listen for custom-question changes; retrying");
                    tokio::select! {
                        _ = stop.changed() => return,
                        _ = tokio::time::sleep(Duration::from_secs(5)) => continue,
                    }
                }
            };
            self.custom.write().expect("custom lock").clear();
            loop {
                let next = tokio::select! {
                    _ = stop.changed() => return,
                    next = listener.try_recv() => next,
                };
                match next {
                    Ok(Some(n)) => match n.payload().parse::<i64>() {
                        Ok(guild) => drop(self.custom.write().expect("custom lock").remove(&guild)),
                        Err(_) => self.custom.write().expect("custom lock").clear(),
                    },
                    // The connection dropped: anything sent meanwhile is lost.
                    Ok(None) => self.custom.write().expect("custom lock").clear(),
                    Err(_) => break,
                }
            }
        }
    }

    /// For a `sql` question: checks its schema and fixture statement by
    /// statement, then runs its reference solution in the sandbox.
    async fn check_sql(&self, l: &Located) -> Result<(), String> {
        let QuestionKind::Sql(task) = &l.question.kind else {
            return Ok(());
        };
        Fixture::parse(&task.schema, &task.fixture).map_err(|e| format!("{e}."))?;
        match self.grading.run_solution(task).await {
            Ok(0) => Err("the reference solution returns no rows on its fixture.".into()),
            Ok(_) => Ok(()),
            Err(e) => Err(format!("the reference solution does not run: {e}")),
        }
    }

    async fn list_custom(&self, ctx: Ctx) -> Result<Response, EngineError> {
        let custom = self.custom_questions(ctx.guild_id).await?;
        let disabled = self.store.disabled_topics(ctx.guild_id).await?;
        Ok(Response::private(Body::CustomQuestions(CustomQuestions {
            questions: custom
                .iter()
                .map(|q| {
                    (
                        q.id.to_string(),
                        self.topic_name(&q.topic),
                        q.difficulty.to_string(),
                        q.format().to_string(),
                    )
                })
                .collect(),
            disabled_topics: disabled,
        })))
    }
}

/// Why an upload that repeats existing ids was refused.
fn exists_message(ids: &[String]) -> String {
    let shown: Vec<String> = ids.iter().take(10).map(|id| format!("`{id}`")).collect();
    let more = match ids.len() {
        n if n > 10 => format!(" and {} more", n - 10),
        _ => String::new(),
    };
    format!(
        "Nothing was added: this server already has {}{more}. Upload again with replace:true to replace them, or remove them with /questions remove id:ID.",
        shown.join(", ")
    )
}
