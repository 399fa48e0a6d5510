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

/// Drops the database `name` if it exists, then creates and migrates it.
pub async fn fresh_store(name: &str) -> Store {
    let admin = sqlx::PgPool::connect(&format!("{}/postgres", server()))
        .await
        .expect("PostgreSQL");
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&admin)
        .await
        .expect("dropping the bench database");
    Store::connect(&format!("{}/{name}", server()))
        .await
        .expect("PostgreSQL")
}
