//! Wiring: builds the one [`Engine`] every front end shares from settings.

use crate::bank::{load_dir, Bank};
use crate::config::{BankDirArgs, DbArgs, EngineArgs, LlmArgs};
use crate::domain::clock::Clock;
use crate::engine::Engine;
use crate::grading::Grading;
use crate::storage::Store;
use anyhow::Context;
use std::sync::Arc;

/// Loads and validates the bank folder.
pub fn load_bank(args: &BankDirArgs) -> anyhow::Result<Arc<Bank>> {
    let bank = load_dir(&args.questions).with_context(|| {
        format!(
            "loading the question bank from {}",
            args.questions.display()
        )
    })?;
    Ok(Arc::new(bank))
}

/// Builds the grader from settings: key points (or an LLM, when configured)
/// for free text, and the PostgreSQL sandbox for SQL answers.
pub async fn grading(db: &DbArgs, llm: &LlmArgs) -> anyhow::Result<Grading> {
    crate::grading::build_grading(llm, Some(&db.database_url))
        .await
        .context("setting up the SQL grading sandbox")
}

/// Connects (creating and migrating the database), loads the bank, and
/// builds the engine.
pub async fn engine(
    args: &EngineArgs,
    clock: Arc<dyn Clock>,
    seed: u64,
) -> anyhow::Result<Arc<Engine>> {
    let EngineArgs { db, bank, llm } = args;
    let bank = load_bank(bank)?;
    let store = Store::connect_within(&db.database_url, db.timeout())
        .await
        .context("connecting to PostgreSQL (is it running? see DATABASE_URL)")?;
    let grading = grading(db, llm).await?;
    Ok(Arc::new(Engine::new(
        store,
        bank,
        clock,
        seed,
        Arc::new(grading),
    )))
}
