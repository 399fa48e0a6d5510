//! The import half of [`super`]: loads a checked document into the current
//! transaction. Each statement reads one array of the document in file
//! order (`$1` is an object holding just that array, so no statement ships
//! the whole file and each array has PostgreSQL's 255 MB jsonb limit to
//! itself) and maps platform ids and file-local numbers to the new
//! server's rows (`$2` is its id); a row whose reference does not resolve
//! is a bad file, caught by comparing rows written with rows given, and a
//! value PostgreSQL refuses (a wrong type, a duplicate key, a broken rule)
//! is a bad file too, named by its array.

use super::competitions::{self, TEAM_IDS};
use super::{rewards, ImportError};
use serde_json::{Map, Value};
use sqlx::types::Json;
use sqlx::{Postgres, Transaction};

/// The rows of the array `key` in file order, as `e(v, n)` and `x(...)`.
macro_rules! rows {
    ($key:literal, $cols:literal) => {
        concat!(
            " FROM jsonb_array_elements($1->'",
            $key,
            "') WITH ORDINALITY AS e(v, n)",
            " CROSS JOIN LATERAL jsonb_to_record(e.v) AS x(",
            $cols,
            ")"
        )
    };
}

pub(super) use rows;

pub(super) const MEMBER: &str = "JOIN members m ON m.guild_id = $2 AND m.external_id = x.member";
pub(super) const CHANNEL: &str = "JOIN channels c ON c.guild_id = $2 AND c.external_id = x.channel";

/// `(what, statement)`: what a statement loads is an array of the document
/// or, for the settings kept inside another row, see [`source`].
pub(super) type Statement = (&'static str, String);

/// The statements of the daily game, in an order where every reference is
/// already loaded (the competitions follow, from [`competitions`]).
fn statements() -> Vec<Statement> {
    vec![
        ("members", format!("INSERT INTO members (guild_id, external_id, display_name, hidden) SELECT $2, x.external_id, x.display_name, coalesce(x.hidden, false) {} ORDER BY e.n",
            rows!("members", "external_id text, display_name text, hidden boolean"))),
        ("channels", format!("INSERT INTO channels (guild_id, external_id) SELECT $2, x.external_id {} ORDER BY e.n",
            rows!("channels", "external_id text"))),
        ("daily", "INSERT INTO daily_settings (channel_id, post_time, reveal_time, tz, days, topics, paused, updated_at, paused_reason, set_by)
            SELECT c.id, d.post_time, d.reveal_time, d.tz, d.days, d.topics, d.paused, d.updated_at, d.paused_reason, s.id
            FROM (SELECT v FROM jsonb_array_elements($1->'channels') AS v WHERE jsonb_typeof(v->'daily') = 'object') AS e
            CROSS JOIN LATERAL jsonb_to_record(e.v->'daily') AS d(post_time time, reveal_time time, tz text, days text,
                topics text[], paused boolean, updated_at timestamptz, paused_reason text, set_by text)
            JOIN channels c ON c.guild_id = $2 AND c.external_id = e.v->>'external_id'
            LEFT JOIN members s ON s.guild_id = $2 AND s.external_id = d.set_by
            WHERE d.set_by IS NULL OR s.id IS NOT NULL".to_owned()),
        ("custom_questions", format!("INSERT INTO custom_questions (guild_id, question_id, toml, added_by, added_at)
            SELECT $2, x.question_id, x.toml, m.id, x.added_at {}
            LEFT JOIN members m ON m.guild_id = $2 AND m.external_id = x.added_by
            WHERE x.added_by IS NULL OR m.id IS NOT NULL ORDER BY e.n",
            rows!("custom_questions", "question_id text, toml text, added_by text, added_at timestamptz"))),
        ("posts", format!("INSERT INTO import_posts (ref, id) SELECT x.ref, nextval(pg_get_serial_sequence('posts', 'id')) {} ORDER BY e.n",
            rows!("posts", "ref bigint"))),
        ("posts", format!("INSERT INTO posts (id, channel_id, question_id, topic, kind, member_id, local_date, posted_at, reveal_at,
                revealed_at, message_ref, delivered_at, reveal_delivered_at, delivery_attempted_at, option_seed)
            SELECT i.id, c.id, x.question_id, x.topic, x.kind, m.id, x.local_date, x.posted_at, x.reveal_at,
                x.revealed_at, x.message_ref, x.delivered_at, x.reveal_delivered_at, x.delivery_attempted_at, x.option_seed
            {} JOIN import_posts i ON i.ref = x.ref {CHANNEL} LEFT {MEMBER}
            WHERE x.member IS NULL OR m.id IS NOT NULL ORDER BY e.n",
            rows!("posts", "ref bigint, channel text, member text, question_id text, topic text, kind text, local_date date,
                posted_at timestamptz, reveal_at timestamptz, revealed_at timestamptz, message_ref text,
                delivered_at timestamptz, reveal_delivered_at timestamptz, delivery_attempted_at timestamptz,
                option_seed bigint"))),
        ("answers", format!("INSERT INTO import_answers (ref, id) SELECT x.ref, nextval(pg_get_serial_sequence('answers', 'id')) {} ORDER BY e.n",
            rows!("answers", "ref bigint"))),
        ("answers", format!("INSERT INTO answers (id, post_id, member_id, body, verdict, score, feedback, points, counting,
                answered_at, local_day, flagged_at, flag_closed_at)
            SELECT i.id, p.id, m.id, x.body, x.verdict, x.score, x.feedback, x.points, x.counting,
                x.answered_at, x.local_day, x.flagged_at, x.flag_closed_at
            {} JOIN import_answers i ON i.ref = x.ref JOIN import_posts p ON p.ref = x.post {MEMBER} ORDER BY e.n",
            rows!("answers", "ref bigint, post bigint, member text, body text, verdict text, score real, feedback jsonb,
                points integer, counting text, answered_at timestamptz, local_day date, flagged_at timestamptz,
                flag_closed_at timestamptz"))),
        ("point_events", format!("INSERT INTO point_events (guild_id, member_id, answer_id, topic, delta, local_day, at)
            SELECT $2, m.id, a.id, x.topic, x.delta, x.local_day, x.at
            {} {MEMBER} JOIN import_answers a ON a.ref = x.answer ORDER BY e.n",
            rows!("point_events", "member text, answer bigint, topic text, delta integer, local_day date, at timestamptz"))),
        ("board_totals", format!("INSERT INTO board_totals (guild_id, scope, member_id, points)
            SELECT $2, x.scope, m.id, x.points {} {MEMBER} ORDER BY e.n",
            rows!("board_totals", "scope text, member text, points bigint"))),
        ("streaks", format!("INSERT INTO streaks (channel_id, member_id, current, best, last_date)
            SELECT c.id, m.id, x.current, x.best, x.last_date {} {CHANNEL} {MEMBER} ORDER BY e.n",
            rows!("streaks", "channel text, member text, current integer, best integer, last_date date"))),
        ("regrades", format!("INSERT INTO regrades (answer_id, by_member, old_verdict, new_verdict, old_points, new_points, note, at)
            SELECT a.id, m.id, x.old_verdict, x.new_verdict, x.old_points, x.new_points, x.note, x.at
            {} JOIN import_answers a ON a.ref = x.answer
            LEFT JOIN members m ON m.guild_id = $2 AND m.external_id = x.by_member
            WHERE x.by_member IS NULL OR m.id IS NOT NULL ORDER BY e.n",
            rows!("regrades", "answer bigint, by_member text, old_verdict text, new_verdict text, old_points integer,
                new_points integer, note text, at timestamptz"))),
        ("sql_attempts", format!("INSERT INTO sql_attempts (member_id, question_id, tries, last_at)
            SELECT m.id, x.question_id, x.tries, x.last_at {} {MEMBER} ORDER BY e.n",
            rows!("sql_attempts", "member text, question_id text, tries integer, last_at timestamptz"))),
    ]
}

/// The array of the document a statement reads: settings kept inside
/// each channel (or the guild) are read from there.
fn source(what: &str) -> &str {
    match what {
        "daily" | "winners" => "channels",
        "scoring" | "rewards" => "guild",
        TEAM_IDS => "season_teams",
        other => other,
    }
}

/// How many rows the document gives for `what` (the document is checked,
/// so every array is a list of objects); `None` for a map of file numbers,
/// checked through the rows that use it.
fn expected(doc: &Value, what: &str) -> Option<u64> {
    let rows = |k: &str| doc[k].as_array().map_or(&[][..], Vec::as_slice);
    Some(match what {
        TEAM_IDS => return None,
        "daily" | "winners" => rows("channels")
            .iter()
            .filter(|c| c[what].is_object())
            .count(),
        "scoring" | "rewards" => usize::from(doc["guild"][what].is_object()),
        k => rows(k).len(),
    } as u64)
}

/// A refusal by PostgreSQL of a value in the file (SQLSTATE classes 22,
/// data exceptions such as a wrong type, and 23, a broken rule such as a
/// duplicate key) is the file's fault: a bad file, named by its array.
/// Anything else is the database's.
pub(super) fn refused(what: &str, e: sqlx::Error) -> ImportError {
    refused_in(what, e, &Value::Null) // no rows to name
}

/// [`refused`], naming the row of `doc` that gave a null where a value is
/// needed (PostgreSQL's own text names only the column, and a hand-edited
/// file may have thousands of rows).
fn refused_in(what: &str, e: sqlx::Error, doc: &Value) -> ImportError {
    if let sqlx::Error::Database(db) = &e {
        let not_null = db
            .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
            .filter(|pg| pg.code() == "23502")
            .and_then(|pg| pg.column());
        if let Some(at) = not_null.and_then(|column| null_row(doc, what, column)) {
            return ImportError::BadFile(format!("{at} is null, where a value is needed"));
        }
        if db
            .code()
            .is_some_and(|c| c.starts_with("22") || c.starts_with("23"))
        {
            return ImportError::BadFile(format!("{what}: {}", db.message()));
        }
    }
    e.into()
}

/// Where the first row `what` reads holds `key` as null, such as
/// `members[3].display_name` or `channels[0].daily.tz`: the statements read
/// each column from the key of its name. `None` when no row does (the
/// column was not read from the file), so nothing is named without cause.
fn null_row(doc: &Value, what: &str, key: &str) -> Option<String> {
    let list = source(what);
    super::keys::rows_at(doc, list)
        .into_iter()
        .filter_map(|(at, row)| match list == what {
            true => Some((at, row)),
            false => row[what]
                .is_object()
                .then(|| (format!("{at}.{what}"), &row[what])),
        })
        .find(|(_, row)| row.get(key).is_some_and(Value::is_null))
        .map(|(at, _)| format!("{at}.{key}"))
}

/// The file-local numbers the statements map to new ids.
const MAPS: [&str; 5] = [
    "import_posts",
    "import_answers",
    "import_seasons",
    "import_rounds",
    "import_season_teams",
];

/// The server's own row, read from `guild` (`$1` is the whole document).
pub(super) const GUILD: &str =
    "INSERT INTO guilds (platform, external_id, disabled_topics, created_at)
    SELECT x.platform, x.external_id, x.disabled_topics, x.created_at
    FROM jsonb_to_record($1->'guild') AS x(platform text, external_id text,
        disabled_topics text[], created_at timestamptz)
    RETURNING id";

/// Every statement after [`GUILD`], in the order they run.
pub(super) fn all_statements() -> impl Iterator<Item = Statement> {
    statements()
        .into_iter()
        .chain(competitions::statements())
        .chain(rewards::statements())
}

/// Writes the server of `doc` and everything it holds.
pub async fn load(tx: &mut Transaction<'static, Postgres>, doc: &Value) -> Result<(), ImportError> {
    let guild_id: i64 = sqlx::query_scalar(GUILD)
        .bind(Json(doc))
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| refused("guild", e))?;
    for table in MAPS {
        let sql = format!(
            "CREATE TEMP TABLE {table} (ref bigint PRIMARY KEY, id bigint NOT NULL UNIQUE) ON COMMIT DROP"
        );
        sqlx::query(&sql).execute(&mut **tx).await?;
    }
    for (what, sql) in all_statements() {
        let key = source(what);
        let part = Value::Object(Map::from_iter([(key.to_owned(), doc[key].clone())]));
        let wrote = sqlx::query(&sql)
            .bind(Json(part))
            .bind(guild_id)
            .execute(&mut **tx)
            .await
            .map_err(|e| refused_in(what, e, doc))?
            .rows_affected();
        if let Some(want) = expected(doc, what).filter(|&want| wrote != want) {
            return Err(ImportError::BadFile(format!(
                "{what}: the file gives {want}, but only {wrote} refer to members, channels, teams, posts, answers, seasons or rounds it holds"
            )));
        }
    }
    competitions::check_rounds(tx).await
}
