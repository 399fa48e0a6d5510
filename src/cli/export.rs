//! `prepbot export --guild` and `prepbot import`: move one server's data
//! between databases as JSON (see [`crate::storage::export`] for the
//! format). A whole database is better copied with pg_dump (README).

use crate::config::DbArgs;
use crate::storage::export::{parse_document, ImportError, Imported, MAX_FILE_BYTES};
use crate::storage::Store;
use anyhow::Context;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `prepbot export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The server, as PLATFORM:ID (e.g. discord:123456789012345678, console:NAME).
    #[arg(long, value_name = "PLATFORM:ID")]
    pub guild: String,
    /// Write here instead of to standard output.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Arguments of `prepbot import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A file written by `prepbot export`.
    pub file: PathBuf,
    /// Overwrite the server if this database already holds different data for it.
    #[arg(long)]
    pub replace: bool,
    #[command(flatten)]
    pub db: DbArgs,
}

async fn store(db: &DbArgs) -> anyhow::Result<Store> {
    Store::connect_pooled(&db.database_url, db.timeout(), db.pool())
        .await
        .context("connecting to PostgreSQL (see DATABASE_URL)")
}

/// The source of an export: an existing database, used as it is (an
/// export must not create a database because of a typo in its name).
async fn existing_store(db: &DbArgs) -> anyhow::Result<Store> {
    let options = crate::storage::parse_url(&db.database_url)?;
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(2)
        .acquire_timeout(db.timeout())
        .connect_with(options)
        .await
        .context("connecting to the database to export from (see DATABASE_URL)")?;
    let store = Store::from_pool(pool);
    if !store.migrations_applied().await.unwrap_or(false) {
        anyhow::bail!(
            "this database is not at this prepbot's schema: run `prepbot migrate` on it first"
        );
    }
    Ok(store)
}

/// Runs `prepbot export`.
pub async fn export(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let (platform, id) = args
        .guild
        .split_once(':')
        .with_context(|| format!("--guild {}: expected PLATFORM:ID", args.guild))?;
    let store = existing_store(&args.db).await?;
    let Some(doc) = store.export_guild(platform, id).await? else {
        let known = store.guild_keys().await?;
        anyhow::bail!(
            "no server {} in this database; it has: {}",
            args.guild,
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ").escape_debug().to_string()
            }
        );
    };
    let text = serde_json::to_string_pretty(&doc)? + "\n";
    match &args.out {
        Some(path) => {
            write_private(path, &text).with_context(|| format!("writing {}", path.display()))?
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads `path` whole, refusing it once it passes [`MAX_FILE_BYTES`]. The
/// limit is counted while reading, not taken from the file's size, so a
/// pipe or a device (`/dev/stdin`, `/dev/zero`) is held to it too.
fn read_limited(path: &std::path::Path) -> anyhow::Result<String> {
    use std::io::Read;
    let reading = || format!("reading {}", path.display());
    let file = std::fs::File::open(path).with_context(reading)?;
    let too_big = || {
        anyhow::anyhow!(
            "{} is over {} MB; an import reads at most that (move a server this large with pg_dump)",
            path.display(),
            MAX_FILE_BYTES >> 20
        )
    };
    // A plain file says its size: refused before a byte is read.
    if file
        .metadata()
        .is_ok_and(|m| m.is_file() && m.len() > MAX_FILE_BYTES as u64)
    {
        return Err(too_big());
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .with_context(reading)?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_big());
    }
    String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8 text", path.display()))
}

/// Writes `text` to a file only its owner can read: an export holds
/// members' answers and names.
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    // An existing file keeps its old mode through `open`; narrow it too,
    // but only a plain file's (`--out /dev/stdout` is not ours to change).
    #[cfg(unix)]
    if file.metadata()?.is_file() {
        file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    }
    file.write_all(text.as_bytes())
}

/// Runs `prepbot import`.
pub async fn import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let text = read_limited(&args.file)?;
    let doc =
        parse_document(&text).with_context(|| format!("importing {}", args.file.display()))?;
    let store = store(&args.db).await?;
    // Escaped: the ids come from the file, and a hostile one could hold
    // terminal control codes.
    let server = format!(
        "{}:{}",
        doc["guild"]["platform"]
            .as_str()
            .unwrap_or("?")
            .escape_debug(),
        doc["guild"]["external_id"]
            .as_str()
            .unwrap_or("?")
            .escape_debug()
    );
    match store.import_guild(&doc, args.replace).await {
        Ok(Imported::Created) => println!("imported {server}"),
        Ok(Imported::Unchanged) => {
            println!("{server} is already here with the same data; nothing changed")
        }
        Ok(Imported::Replaced) => println!("replaced {server} with the file's data"),
        Err(e @ ImportError::Conflict(_)) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::FAILURE);
        }
        Err(e) => return Err(e).with_context(|| format!("importing {}", args.file.display())),
    }
    Ok(ExitCode::SUCCESS)
}
