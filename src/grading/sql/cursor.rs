//! Running one query in the sandbox session: `DECLARE … NO SCROLL CURSOR
//! FOR <query>` over the extended protocol (exactly one statement, and a
//! query), then at most [`MAX_ROWS`] + 1 rows and [`MAX_BYTES`] of text.

use super::compare::{Cell, ResultSet};
use super::error::{user_error, RunError, SandboxError};
use super::sandbox::{MAX_BYTES, MAX_ROWS};
use sqlx::postgres::PgConnection;
use sqlx::{Column, Row, TypeInfo, ValueRef};

type Outcome = Result<ResultSet, RunError>;

/// Runs one query through a cursor. The flag is false when the connection
/// was left mid-result and must be thrown away.
pub(super) async fn fetch(
    conn: &mut PgConnection,
    i: usize,
    query: &str,
) -> Result<(Outcome, bool), SandboxError> {
    use futures::TryStreamExt;
    let declare = format!("DECLARE prepbot_q{i} NO SCROLL CURSOR FOR {query}\n");
    if let Err(e) =
        sqlx::Executor::execute(&mut *conn, sqlx::query(&declare).persistent(false)).await
    {
        return user_error(e).map(|r| (Err(r), true));
    }
    let fetch = format!("FETCH FORWARD {} FROM prepbot_q{i}", MAX_ROWS + 1);
    let mut stream = sqlx::Executor::fetch(&mut *conn, sqlx::raw_sql(&fetch));
    let mut out = ResultSet::default();
    let mut bytes = 0usize;
    loop {
        let row = match stream.try_next().await {
            Ok(Some(row)) => row,
            Ok(None) => break,
            Err(e) => return user_error(e).map(|r| (Err(r), true)),
        };
        let mut cells = Vec::with_capacity(row.len());
        for (k, col) in row.columns().iter().enumerate() {
            let raw = row
                .try_get_raw(k)
                .map_err(|e| SandboxError::Unavailable(e.to_string()))?;
            let text = if raw.is_null() {
                None
            } else {
                raw.as_str().ok()
            };
            bytes += text.map_or(4, str::len);
            cells.push(Cell::from_text(text, col.type_info().name()));
        }
        out.columns = Some(cells.len());
        out.rows.push(cells);
        if bytes > MAX_BYTES {
            return Ok((Err(RunError::TooLarge), false));
        }
        if out.rows.len() > MAX_ROWS {
            return Ok((Err(RunError::TooManyRows), false));
        }
    }
    Ok((Ok(out), true))
}
