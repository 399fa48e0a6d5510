//! The competitions half of the import (see [`super::load`]): winners and
//! scoring settings, seasons and their boards, teams, live rounds and their
//! questions, competition posts and wins.
//!
//! A team season's frozen rosters follow its teams: the file numbers the
//! teams a season froze (see [`super::query`]), and the import maps each
//! number to a current team (by name) or, for a team deleted since, a new
//! id of its own.
//!
//! Seasons and rounds get new ids (`import_seasons`, `import_rounds` map the
//! file's numbers to them), and the keys that name them (a season board's
//! scope `s:<id>`, a competition post's or win's `period_key`) are rewritten
//! to the new ids; a key that names no season or round of the file, or is
//! not of its kind's shape, is not written, so the import is refused.
//!
//! Delivery state is kept as it was: a post the old server delivered (or
//! gave up on) is never posted again, and one claimed but not confirmed is
//! delivered by the new server's scheduler as after a restart. A round
//! still running is imported running, and the new server's scheduler takes
//! it on exactly as a restarted process would (docs/competitions.md).

use super::load::{refused, rows, Statement, CHANNEL, MEMBER};
use super::ImportError;
use sqlx::{Postgres, Transaction};

/// What the statements that number a team season's teams load: a map,
/// whose rows are checked through the `season_teams` that use it.
pub(super) const TEAM_IDS: &str = "season_teams.team";

/// A season's number in the file as its new id (text), or NULL.
const SEASON_KEY: &str = "(SELECT s.id::text FROM import_seasons s
    WHERE s.ref = CASE WHEN x.period_key ~ '^[0-9]{1,18}$' THEN x.period_key::bigint END)";

/// A round post's key (`<round>:q<n>`, `:a<n>`, `:end` or `:end:a<n>`) with
/// the round's new id, or NULL.
const ROUND_KEY: &str = "(SELECT r.id::text || substr(x.period_key, strpos(x.period_key, ':'))
    FROM import_rounds r WHERE r.ref = CASE
      WHEN x.period_key ~ '^[0-9]{1,18}:(q[0-9]{1,9}|a[0-9]{1,9}|end|end:a[0-9]{1,9})$'
      THEN split_part(x.period_key, ':', 1)::bigint END)";

/// A week's or month's key: its first local date, as written.
const DATE_KEY: &str =
    "CASE WHEN x.period_key ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN x.period_key END";

/// A member named by an optional column `x.<col>`: none, or one of the file.
fn optional_member(col: &str) -> String {
    format!(
        "LEFT JOIN members m ON m.guild_id = $2 AND m.external_id = x.{col}
         WHERE x.{col} IS NULL OR m.id IS NOT NULL"
    )
}

/// Settings kept inside the channels and the guild.
fn settings() -> Vec<Statement> {
    vec![
        ("winners", "INSERT INTO winners_settings (channel_id, since, updated_at)
            SELECT c.id, d.since, d.updated_at
            FROM (SELECT v FROM jsonb_array_elements($1->'channels') AS v WHERE jsonb_typeof(v->'winners') = 'object') AS e
            CROSS JOIN LATERAL jsonb_to_record(e.v->'winners') AS d(since date, updated_at timestamptz)
            JOIN channels c ON c.guild_id = $2 AND c.external_id = e.v->>'external_id'".to_owned()),
        ("scoring", "INSERT INTO scoring_settings (guild_id, on_time_bonus, streak_bonus, updated_at)
            SELECT $2, d.on_time_bonus, d.streak_bonus, d.updated_at
            FROM (SELECT v FROM jsonb_array_elements(jsonb_build_array($1->'guild'->'scoring')) AS v
                  WHERE jsonb_typeof(v) = 'object') AS e
            CROSS JOIN LATERAL jsonb_to_record(e.v) AS d(on_time_bonus boolean, streak_bonus boolean, updated_at timestamptz)".to_owned()),
    ]
}

/// Seasons, their boards and teams.
fn seasons_and_teams() -> Vec<Statement> {
    vec![
        ("seasons", format!("INSERT INTO import_seasons (ref, id) SELECT x.ref, nextval(pg_get_serial_sequence('seasons', 'id')) {} ORDER BY e.n",
            rows!("seasons", "ref bigint"))),
        ("seasons", format!("INSERT INTO seasons (id, guild_id, channel_id, name, topics, started_at, ends_on, tz, ends_at, ended_at, started_by, teams)
            SELECT i.id, $2, c.id, x.name, x.topics, x.started_at, x.ends_on, x.tz, x.ends_at, x.ended_at, m.id, coalesce(x.teams, false)
            {} JOIN import_seasons i ON i.ref = x.ref {CHANNEL} {} ORDER BY e.n",
            rows!("seasons", "ref bigint, channel text, name text, topics text[], started_at timestamptz, ends_on date,
                tz text, ends_at timestamptz, ended_at timestamptz, started_by text, teams boolean"),
            optional_member("started_by"))),
        ("season_totals", format!("INSERT INTO board_totals (guild_id, scope, member_id, points)
            SELECT $2, 's:' || s.id, m.id, x.points {} JOIN import_seasons s ON s.ref = x.season {MEMBER} ORDER BY e.n",
            rows!("season_totals", "season bigint, member text, points bigint"))),
        // Teams deleted since a season froze them: new ids, before the
        // current teams get theirs (see the export's query).
        (TEAM_IDS, format!("INSERT INTO import_season_teams (ref, id)
            SELECT d.team, nextval(pg_get_serial_sequence('teams', 'id'))
            FROM (SELECT DISTINCT x.team {} WHERE x.current IS NULL) AS d ORDER BY d.team",
            rows!("season_teams", "team bigint, current text"))),
        ("teams", format!("INSERT INTO teams (guild_id, name, created_at) SELECT $2, x.name, x.created_at {} ORDER BY e.n",
            rows!("teams", "name text, created_at timestamptz"))),
        ("team_members", format!("INSERT INTO team_members (member_id, team_id, joined_at)
            SELECT m.id, t.id, x.joined_at {} {MEMBER} JOIN teams t ON t.guild_id = $2 AND t.name = x.team ORDER BY e.n",
            rows!("team_members", "member text, team text, joined_at timestamptz"))),
        // Teams that still exist, by name. A number named for two teams, or
        // two numbers for one team, breaks a key of the map: a bad file.
        (TEAM_IDS, format!("INSERT INTO import_season_teams (ref, id)
            SELECT d.team, t.id FROM (SELECT DISTINCT x.team, x.current {} WHERE x.current IS NOT NULL) AS d
            JOIN teams t ON t.guild_id = $2 AND t.name = d.current ORDER BY d.team",
            rows!("season_teams", "team bigint, current text"))),
        ("season_teams", format!("INSERT INTO season_teams (season_id, team_id, name, won_at)
            SELECT s.id, i.id, x.name, x.won_at {} JOIN import_seasons s ON s.ref = x.season
            JOIN seasons ts ON ts.id = s.id AND ts.teams JOIN import_season_teams i ON i.ref = x.team ORDER BY e.n",
            rows!("season_teams", "season bigint, team bigint, name text, won_at timestamptz"))),
        // After the season boards: the triggers add each player's points
        // to their team's row of the season's team board.
        ("season_members", format!("INSERT INTO season_members (season_id, member_id, team_id, joined_at)
            SELECT s.id, m.id, i.id, x.joined_at {} JOIN import_seasons s ON s.ref = x.season {MEMBER}
            JOIN import_season_teams i ON i.ref = x.team ORDER BY e.n",
            rows!("season_members", "season bigint, member text, team bigint, joined_at timestamptz"))),
    ]
}

/// Live rounds, competition posts and wins.
fn rounds_and_posts() -> Vec<Statement> {
    vec![
        ("rounds", format!("INSERT INTO import_rounds (ref, id) SELECT x.ref, nextval(pg_get_serial_sequence('rounds', 'id')) {} ORDER BY e.n",
            rows!("rounds", "ref bigint"))),
        ("rounds", format!("INSERT INTO rounds (id, channel_id, topic, questions, seconds, seed, started_by, started_at,
                step, next_at, ended_at, end_reason)
            SELECT i.id, c.id, x.topic, x.questions, x.seconds, x.seed, m.id, x.started_at,
                x.step, x.next_at, x.ended_at, x.end_reason
            {} JOIN import_rounds i ON i.ref = x.ref {CHANNEL} {} ORDER BY e.n",
            rows!("rounds", "ref bigint, channel text, topic text, questions integer, seconds integer, seed bigint,
                started_by text, started_at timestamptz, step integer, next_at timestamptz, ended_at timestamptz,
                end_reason text"),
            optional_member("started_by"))),
        ("round_questions", format!("INSERT INTO round_questions (round_id, n, post_id)
            SELECT r.id, x.n, p.id {} JOIN import_rounds r ON r.ref = x.round JOIN import_posts p ON p.ref = x.post ORDER BY e.n",
            rows!("round_questions", "round bigint, n integer, post bigint"))),
        ("competition_posts", format!("INSERT INTO competition_posts (channel_id, kind, period_key, claimed_at,
                delivery_attempted_at, delivered_at, gave_up)
            SELECT c.id, x.kind, k.key, x.claimed_at, x.delivery_attempted_at, x.delivered_at, x.gave_up
            {} {CHANNEL} CROSS JOIN LATERAL (SELECT CASE x.kind WHEN 'season' THEN {SEASON_KEY}
                WHEN 'round' THEN {ROUND_KEY} ELSE {DATE_KEY} END AS key) AS k
            WHERE k.key IS NOT NULL ORDER BY e.n",
            rows!("competition_posts", "channel text, kind text, period_key text, claimed_at timestamptz,
                delivery_attempted_at timestamptz, delivered_at timestamptz, gave_up text"))),
        ("competition_wins", format!("INSERT INTO competition_wins (guild_id, member_id, kind, period_key, won_at)
            SELECT $2, m.id, x.kind, k.key, x.won_at
            {} {MEMBER} CROSS JOIN LATERAL (SELECT CASE x.kind WHEN 'season' THEN {SEASON_KEY}
                ELSE {DATE_KEY} END AS key) AS k
            WHERE k.key IS NOT NULL ORDER BY e.n",
            rows!("competition_wins", "member text, kind text, period_key text, won_at timestamptz"))),
    ]
}

/// The competition statements, after the daily game's (they refer to its
/// members, channels and posts), in an order where every reference is
/// already loaded.
pub(super) fn statements() -> Vec<Statement> {
    let mut all = settings();
    all.extend(seasons_and_teams());
    all.extend(rounds_and_posts());
    all
}

/// Rounds whose step, questions and posts do not agree: a round that has
/// opened k questions has exactly questions 1..=k, each a round post in
/// its channel, and its posts name only those.
const BROKEN_ROUNDS: &str = "SELECT count(*) FROM rounds r JOIN import_rounds i ON i.id = r.id
    WHERE r.step < 0 OR r.step > 2 * r.questions
       OR (SELECT count(*) FROM round_questions q WHERE q.round_id = r.id) <> (r.step + 1) / 2
       OR EXISTS (SELECT 1 FROM round_questions q JOIN posts p ON p.id = q.post_id
                  WHERE q.round_id = r.id
                    AND (q.n > (r.step + 1) / 2 OR p.kind <> 'round' OR p.channel_id <> r.channel_id))
       OR EXISTS (SELECT 1 FROM competition_posts cp
                  WHERE cp.kind = 'round' AND split_part(cp.period_key, ':', 1) = r.id::text
                    AND (cp.channel_id <> r.channel_id
                         OR substring(cp.period_key from '[qa]([0-9]+)$')::int > (r.step + 1) / 2))";

/// Refuses rounds the scheduler could not take on (see [`BROKEN_ROUNDS`]).
pub(super) async fn check_rounds(
    tx: &mut Transaction<'static, Postgres>,
) -> Result<(), ImportError> {
    let broken: i64 = sqlx::query_scalar(BROKEN_ROUNDS)
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| refused("rounds", e))?;
    if broken > 0 {
        return Err(ImportError::BadFile(format!(
            "rounds: {broken} round(s) whose step, questions and posts do not agree"
        )));
    }
    Ok(())
}
