//! One server's data as a JSON document, and back: `prepbot export --guild`
//! and `prepbot import`, to move a server between databases (a new host, a
//! split, a restore of one server from a whole-database dump).
//!
//! Internal ids differ between databases, so the document names members and
//! channels by their platform ids, and posts and answers by a number local
//! to the file (their order of creation). Every array is in the order its
//! rows were created and is imported in that order, so an import exported
//! again gives the same document, and ties on a leaderboard (broken by
//! creation order) fall the same way. The queries build and read the JSON
//! in PostgreSQL itself, so no value changes type on the way through.
//!
//! Competitions travel too (version 2): seasons and rounds are numbered in
//! the file like posts, so on the new server they get new numbers ("season
//! #3" may become "season #1"), and what was delivered stays delivered.
//! Version 3 added team seasons' frozen rosters and the rewards (settings,
//! roles, holders, and the role changes not yet sent).

mod check;
mod competitions;
mod covered;
mod keys;
mod load;
mod names;
mod query;
mod rewards;
mod values;

pub use check::{parse_document, LISTS, MAX_FILE_BYTES, MAX_LIST_BYTES, MAX_ROWS};
pub use covered::{COVERED, NOT_EXPORTED_YET, NOT_SERVER_DATA};

use super::{Store, StoreError};
use serde_json::Value;
use sqlx::types::Json;
use sqlx::{Postgres, Transaction};

/// What the document says it is; an import refuses anything else.
pub const FORMAT: &str = "prepbot-server-export";
/// The document's layout version: 2 added the competitions, 3 the team
/// seasons' rosters and the rewards. An import also reads versions 1 and 2
/// (as a server without what they did not hold).
pub const VERSION: i64 = 3;

/// Why an import did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("not a prepbot server export: {0}")]
    BadFile(String),
    #[error(
        "this database already has {0} with different data; import with --replace to overwrite it"
    )]
    Conflict(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ImportError {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(e.into())
    }
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Imported {
    /// The server was new here.
    Created,
    /// The same data was already here: nothing changed.
    Unchanged,
    /// A different copy of the server was replaced (`--replace`).
    Replaced,
}

/// Opens a transaction that sees one snapshot and writes times in UTC.
async fn begin(store: &Store) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
    let mut tx = store.pool.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        .execute(&mut *tx)
        .await?;
    sqlx::query("SET LOCAL TimeZone = 'UTC'")
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

async fn export_in(
    tx: &mut Transaction<'static, Postgres>,
    platform: &str,
    external_id: &str,
) -> Result<Option<Value>, sqlx::Error> {
    let doc: Option<Json<Value>> = sqlx::query_scalar(query::EXPORT)
        .bind(platform)
        .bind(external_id)
        .bind(FORMAT)
        .bind(VERSION)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(doc.map(|d| d.0))
}

impl Store {
    /// One server's data as a document; `None` when the server is unknown.
    pub async fn export_guild(
        &self,
        platform: &str,
        external_id: &str,
    ) -> Result<Option<Value>, StoreError> {
        let mut tx = begin(self).await?;
        let doc = export_in(&mut tx, platform, external_id).await?;
        tx.commit().await?;
        Ok(doc)
    }

    /// Every server here, as `platform:external_id`.
    pub async fn guild_keys(&self) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT platform || ':' || external_id FROM guilds ORDER BY platform, external_id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Loads a document from [`Store::export_guild`], in one transaction.
    /// The same data already here is left alone; a different server with
    /// the same platform id is refused unless `replace`.
    pub async fn import_guild(&self, doc: &Value, replace: bool) -> Result<Imported, ImportError> {
        let (doc, platform, external_id) = check::check_document(doc)?;
        let doc: &Value = &doc;
        let mut tx = begin(self).await?;
        let outcome = match export_in(&mut tx, &platform, &external_id).await? {
            Some(existing) if existing == *doc => return Ok(Imported::Unchanged),
            Some(_) if !replace => {
                return Err(ImportError::Conflict(format!(
                    "{}:{}",
                    platform.escape_debug(),
                    external_id.escape_debug()
                )))
            }
            Some(_) => {
                sqlx::query("DELETE FROM guilds WHERE platform = $1 AND external_id = $2")
                    .bind(&platform)
                    .bind(&external_id)
                    .execute(&mut *tx)
                    .await?;
                Imported::Replaced
            }
            None => Imported::Created,
        };
        load::load(&mut tx, doc).await?;
        tx.commit().await?;
        Ok(outcome)
    }
}
