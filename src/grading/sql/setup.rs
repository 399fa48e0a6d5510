//! Set-up of the sandbox database and roles, run through the admin
//! connection at every start. Every step is idempotent, and the whole set-up
//! holds an advisory lock so concurrent starts (replicas, `prepbot grade`,
//! `bank check`) run it one after the other. The login role's password is
//! stored once in the sandbox database and set on the role only when the
//! role or that secret is new, so a start never changes it.

use super::sandbox::{ident, SandboxError};
use sqlx::postgres::PgConnection;

/// SQLSTATEs meaning "someone else already created it".
const ALREADY: &[&str] = &["42710", "42P04", "42P06", "42P07", "23505"];

/// The advisory lock key that serialises set-ups ("prepbot-sandbox").
const SETUP_LOCK: i64 = 0x7072_6570_5f73_6278;

/// Settings of the login role; `true`: only a superuser may set it.
const ROLE_SETTINGS: &[(&str, bool)] = &[
    ("statement_timeout = 2000", false),
    ("idle_in_transaction_session_timeout = 10000", false),
    ("temp_file_limit = '64MB'", true),
    ("track_activities = off", true),
];

/// Catalogs any role may read that reveal the cluster: its databases, roles,
/// settings, tablespaces, and other sessions' activity and locks.
const CLUSTER_VIEWS: &str = "pg_catalog.pg_database, pg_catalog.pg_roles, pg_catalog.pg_user, \
    pg_catalog.pg_group, pg_catalog.pg_auth_members, pg_catalog.pg_shdescription, \
    pg_catalog.pg_shdepend, pg_catalog.pg_shseclabel, pg_catalog.pg_seclabels, \
    pg_catalog.pg_db_role_setting, pg_catalog.pg_settings, pg_catalog.pg_tablespace, \
    pg_catalog.pg_stat_database, pg_catalog.pg_stat_database_conflicts, \
    pg_catalog.pg_stat_activity, pg_catalog.pg_stat_ssl, pg_catalog.pg_stat_gssapi, \
    pg_catalog.pg_locks, pg_catalog.pg_prepared_xacts, pg_catalog.pg_replication_origin, \
    pg_catalog.pg_available_extensions, pg_catalog.pg_available_extension_versions";

/// Functions any role may call that reveal the server, its roles or
/// databases, or change the session.
const CLUSTER_FUNCTIONS: &str = "pg_catalog.version(), pg_catalog.current_setting(text), \
    pg_catalog.current_setting(text, boolean), pg_catalog.set_config(text, text, boolean), \
    pg_catalog.pg_get_userbyid(oid), pg_catalog.shobj_description(oid, name), \
    pg_catalog.pg_database_size(name), pg_catalog.pg_database_size(oid), \
    pg_catalog.pg_tablespace_size(name), pg_catalog.pg_tablespace_size(oid), \
    pg_catalog.pg_postmaster_start_time(), pg_catalog.pg_conf_load_time(), \
    pg_catalog.inet_server_addr(), pg_catalog.inet_server_port(), \
    pg_catalog.pg_terminate_backend(integer, bigint), pg_catalog.pg_cancel_backend(integer), \
    pg_catalog.pg_stat_get_activity(integer), pg_catalog.pg_describe_object(oid, oid, integer), \
    pg_catalog.pg_identify_object(oid, oid, integer)";

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

/// Waits (up to a minute) for any other process's set-up to finish.
pub async fn lock(conn: &mut PgConnection) -> Result<(), SandboxError> {
    let sql = format!("SET statement_timeout = 60000; SELECT pg_advisory_lock({SETUP_LOCK})");
    exec(conn, &sql)
        .await
        .map_err(|e| SandboxError::Setup(format!("waiting for another sandbox set-up: {e}")))
}

/// The login role's password, created once: `candidate` if no process has
/// stored one yet (then `true`), else the stored one. `conn` is an admin
/// connection to the sandbox database; the table is readable by the admin
/// alone.
pub async fn secret(
    conn: &mut PgConnection,
    candidate: &str,
) -> Result<(String, bool), SandboxError> {
    for sql in [
        "CREATE SCHEMA IF NOT EXISTS prepbot_private",
        "CREATE TABLE IF NOT EXISTS prepbot_private.sandbox_secret (\
           id int PRIMARY KEY CHECK (id = 1), password text NOT NULL, \
           created_at timestamptz NOT NULL DEFAULT now())",
    ] {
        create(conn, sql).await?;
    }
    exec(conn, "REVOKE ALL ON SCHEMA prepbot_private FROM PUBLIC")
        .await
        .map_err(|e| SandboxError::Setup(e.to_string()))?;
    let setup = |e: sqlx::Error| SandboxError::Setup(format!("sandbox secret: {e}"));
    let inserted = sqlx::query(
        "INSERT INTO prepbot_private.sandbox_secret (id, password) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
    )
    .bind(candidate)
    .execute(&mut *conn)
    .await
    .map_err(setup)?
    .rows_affected()
        == 1;
    let password: String =
        sqlx::query_scalar("SELECT password FROM prepbot_private.sandbox_secret WHERE id = 1")
            .fetch_one(&mut *conn)
            .await
            .map_err(setup)?;
    Ok((password, inserted))
}

async fn is_superuser(conn: &mut PgConnection) -> Result<bool, SandboxError> {
    sqlx::query_scalar("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        .fetch_one(conn)
        .await
        .map_err(|e| SandboxError::Setup(e.to_string()))
}

async fn role_exists(conn: &mut PgConnection, role: &str) -> Result<bool, SandboxError> {
    sqlx::query_scalar::<_, bool>("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)")
        .bind(role)
        .fetch_one(conn)
        .await
        .map_err(|e| SandboxError::Setup(e.to_string()))
}

/// Creates the login and reader roles if missing and (re)sets their
/// attributes and the login role's settings. The password is set only when
/// the login role is created or `new_password` (a fresh secret): setting it
/// at every start would break every other process still using the old one.
pub async fn ensure_roles(
    conn: &mut PgConnection,
    login: &str,
    reader: &str,
    password: &str,
    new_password: bool,
) -> Result<(), SandboxError> {
    const LIMITS: &str = "NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS";
    let mut set_password = new_password;
    for (role, kind) in [(reader, "NOLOGIN"), (login, "LOGIN")] {
        if !role_exists(conn, role).await? {
            create(
                conn,
                &format!("CREATE ROLE {} {kind} {LIMITS}", ident(role)),
            )
            .await?;
            set_password |= role == login;
        }
    }
    let password = if set_password {
        // The secret is hex, so it needs no escaping.
        format!(" PASSWORD '{password}'")
    } else {
        String::new()
    };
    let alter = format!(
        "ALTER ROLE {} LOGIN {LIMITS} CONNECTION LIMIT 32{password}",
        ident(login)
    );
    exec(conn, &alter)
        .await
        .map_err(|e| SandboxError::Setup(format!("ALTER ROLE {login}: {e}")))?;
    create(
        conn,
        &format!("GRANT {} TO {}", ident(reader), ident(login)),
    )
    .await?;
    role_settings(conn, login).await
}

/// Replaces whatever settings the login role has with [`ROLE_SETTINGS`], in
/// one transaction so no session starts without them.
async fn role_settings(conn: &mut PgConnection, login: &str) -> Result<(), SandboxError> {
    let superuser = is_superuser(conn).await?;
    let role = ident(login);
    let mut sql = format!("BEGIN; ALTER ROLE {role} RESET ALL;");
    for (setting, needs_superuser) in ROLE_SETTINGS {
        if *needs_superuser && !superuser {
            tracing::warn!(
                setting,
                "SQL sandbox hardening skipped: the admin role is not a superuser"
            );
            continue;
        }
        sql.push_str(&format!(" ALTER ROLE {role} SET {setting};"));
    }
    sql.push_str(" COMMIT");
    if let Err(e) = exec(conn, &sql).await {
        let _ = exec(conn, "ROLLBACK").await;
        return Err(SandboxError::Setup(format!("ALTER ROLE {login} SET: {e}")));
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
pub async fn harden(
    conn: &mut PgConnection,
    db: &str,
    login: &str,
    reader: &str,
) -> Result<(), SandboxError> {
    let (db, login, reader) = (ident(db), ident(login), ident(reader));
    for sql in [
        format!("REVOKE ALL ON DATABASE {db} FROM PUBLIC"),
        format!("GRANT CONNECT ON DATABASE {db} TO {login}"),
        format!("REVOKE TEMPORARY ON DATABASE {db} FROM {login}"),
        // The reader creates the question's temp tables.
        format!("GRANT TEMPORARY ON DATABASE {db} TO {reader}"),
    ] {
        exec(conn, &sql)
            .await
            .map_err(|e| SandboxError::Setup(format!("{sql}: {e}")))?;
    }
    for sql in [
        format!("ALTER ROLE {login} IN DATABASE {db} RESET ALL"),
        "REVOKE ALL ON SCHEMA public FROM PUBLIC".to_owned(),
        format!("REVOKE SELECT ON {CLUSTER_VIEWS} FROM PUBLIC"),
        format!("REVOKE EXECUTE ON FUNCTION {CLUSTER_FUNCTIONS} FROM PUBLIC"),
    ] {
        best_effort(conn, &sql).await?;
    }
    Ok(())
}
