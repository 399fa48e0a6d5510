//! What the benchmarks share: the PostgreSQL server they use and a fresh
//! database per run, so a run never measures the state a previous one left.

use prepbot::storage::Store;

/// `DATABASE_URL` without its database name (the default is the local
/// server the tests use).
pub fn server() -> String {
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    url.rsplit_once('/')
        .map(|(s, _)| s.to_owned())
        .unwrap_or(url)
}

/// The database a bench run uses: `base` under `cargo bench`, and under
/// `cargo test` (a smoke run) `base` with this process's id, so that a
/// smoke run never drops or reuses a database another test run, a real
/// bench or another checkout on the same server is using.
pub fn database_name(base: &str) -> String {
    if std::env::args().any(|a| a == "--bench") {
        base.to_owned()
    } else {
        format!("{base}_{}", std::process::id())
    }
}

/// Drops the database for `base` ([`database_name`]) if it exists, then
/// creates and migrates it.
pub async fn fresh_store(base: &str) -> Store {
    let name = database_name(base);
    drop_database(&name).await;
    Store::connect(&format!("{}/{name}", server()))
        .await
        .expect("PostgreSQL")
}

/// Drops database `name`, if it exists (a smoke run cleans up after itself).
pub async fn drop_database(name: &str) {
    let admin = sqlx::PgPool::connect(&format!("{}/postgres", server()))
        .await
        .expect("PostgreSQL");
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&admin)
        .await
        .expect("dropping the bench database");
    admin.close().await;
}

/// Drops a smoke run's database `name` with what `prepbot run` made beside
/// it: its SQL sandbox database and the sandbox's two roles.
pub async fn drop_bench_database(name: &str) {
    drop_database(&format!("{name}_sandbox")).await;
    drop_database(name).await;
    let admin = sqlx::PgPool::connect(&format!("{}/postgres", server()))
        .await
        .expect("PostgreSQL");
    let roles = format!("DROP ROLE IF EXISTS {name}_sandbox, {name}_sandbox_ro");
    sqlx::query(&roles)
        .execute(&admin)
        .await
        .expect("dropping roles");
    admin.close().await;
}
