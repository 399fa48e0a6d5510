//! One-time set-up of the sandbox database and roles, run through the admin
//! connection. Every step is idempotent and tolerates a concurrent set-up
//! doing the same thing.

use super::sandbox::{ident, SandboxError};
use sqlx::postgres::PgConnection;

/// SQLSTATEs meaning "someone else already created it".
const ALREADY: &[&str] = &["42710", "42P04", "23505"];

async fn exec(conn: &mut PgConnection, sql: &str) -> Result<(), sqlx::Error> {
    sqlx::raw_sql(sql).execute(conn).await.map(|_| ())
}

fn code(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => db.code().unwrap_or_default().into_owned(),
        _ => String::new(),
    }
}

/// Runs `sql`, accepting "already exists".
async fn create(conn: &mut PgConnection, sql: &str) -> Result<(), SandboxError> {
    match exec(conn, sql).await {
        Err(e) if !ALREADY.contains(&code(&e).as_str()) => {
            Err(SandboxError::Setup(format!("{sql}: {e}")))
        }
        _ => Ok(()),
    }
}

/// Runs `sql`, warning instead of failing when the admin lacks the privilege
/// (these hardening steps need a superuser).
async fn best_effort(conn: &mut PgConnection, sql: &str) -> Result<(), SandboxError> {
    match exec(conn, sql).await {
        Ok(()) => Ok(()),
        Err(e) if code(&e) == "42501" => {
            tracing::warn!(statement = sql, "SQL sandbox hardening skipped: {e}");
            Ok(())
        }
        Err(e) => Err(SandboxError::Setup(format!("{sql}: {e}"))),
    }
}

async fn role_exists(conn: &mut PgConnection, role: &str) -> Result<bool, SandboxError> {
    sqlx::query_scalar::<_, bool>("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)")
        .bind(role)
        .fetch_one(conn)
        .await
        .map_err(|e| SandboxError::Setup(e.to_string()))
}

/// Creates the login and reader roles if missing, and (re)sets their
/// attributes and the login role's password.
pub async fn ensure_roles(
    conn: &mut PgConnection,
    login: &str,
    reader: &str,
    password: &str,
) -> Result<(), SandboxError> {
    const LIMITS: &str = "NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS";
    for (role, kind) in [(reader, "NOLOGIN"), (login, "LOGIN")] {
        if !role_exists(conn, role).await? {
            create(
                conn,
                &format!("CREATE ROLE {} {kind} {LIMITS}", ident(role)),
            )
            .await?;
        }
    }
    exec(
        conn,
        &format!(
            "ALTER ROLE {} LOGIN {LIMITS} CONNECTION LIMIT 32 PASSWORD '{password}'",
            ident(login)
        ),
    )
    .await
    .map_err(|e| SandboxError::Setup(format!("ALTER ROLE {login}: {e}")))?;
    create(
        conn,
        &format!("GRANT {} TO {}", ident(reader), ident(login)),
    )
    .await?;
    for setting in [
        "statement_timeout = 2000",
        "idle_in_transaction_session_timeout = 10000",
        "temp_file_limit = '64MB'",
        "track_activities = off",
    ] {
        best_effort(conn, &format!("ALTER ROLE {} SET {setting}", ident(login))).await?;
    }
    Ok(())
}

/// Creates the sandbox database from `template0` if missing.
pub async fn ensure_database(conn: &mut PgConnection, db: &str) -> Result<(), SandboxError> {
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(db)
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| SandboxError::Setup(e.to_string()))?;
    if !exists {
        create(
            conn,
            &format!("CREATE DATABASE {} TEMPLATE template0", ident(db)),
        )
        .await?;
    }
    Ok(())
}

/// Locks the sandbox database down; `conn` is an admin connection to it.
pub async fn harden(conn: &mut PgConnection, db: &str, login: &str) -> Result<(), SandboxError> {
    let (db, login) = (ident(db), ident(login));
    for sql in [
        format!("REVOKE ALL ON DATABASE {db} FROM PUBLIC"),
        format!("GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {login}"),
    ] {
        exec(conn, &sql)
            .await
            .map_err(|e| SandboxError::Setup(format!("{sql}: {e}")))?;
    }
    for sql in [
        "REVOKE ALL ON SCHEMA public FROM PUBLIC",
        "REVOKE EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) FROM PUBLIC",
        "REVOKE EXECUTE ON FUNCTION pg_catalog.pg_terminate_backend(integer, bigint) FROM PUBLIC",
        "REVOKE EXECUTE ON FUNCTION pg_catalog.pg_cancel_backend(integer) FROM PUBLIC",
        "REVOKE EXECUTE ON FUNCTION pg_catalog.pg_stat_get_activity(integer) FROM PUBLIC",
        "REVOKE SELECT ON pg_catalog.pg_stat_activity FROM PUBLIC",
    ] {
        best_effort(conn, sql).await?;
    }
    Ok(())
}
