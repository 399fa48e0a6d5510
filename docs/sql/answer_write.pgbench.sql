-- The answer's write statement (src/storage/points.rs, insert_answer) as a
-- pgbench script, with literal values for one daily answer of 10 points:
-- what docs/benchmarks.md ("The write's own ceiling") replayed at the SQL
-- level. Setup: a database migrated with migrations/*.sql, one guild and
-- channel, 20,000 members and 300 daily posts (see the setup below).
-- Run: pgbench -n -c 8 -j 2 -T 5 -f docs/sql/answer_write.pgbench.sql DB
-- Variants: ALTER TABLE answers DISABLE TRIGGER accuracy_totals_follow;
-- then also board_counts_follow and team_totals_follow_points on
-- board_totals; then DISABLE TRIGGER ALL on answers, point_events,
-- board_totals and streaks (the foreign-key checks too).
--
-- Setup:
--   INSERT INTO guilds (platform, external_id) VALUES ('console', 'g');
--   INSERT INTO channels (guild_id, external_id) VALUES (1, 'c');
--   INSERT INTO members (guild_id, external_id, display_name)
--     SELECT 1, 'u' || i, 'm' || i FROM generate_series(1, 20000) i;
--   INSERT INTO posts (channel_id, question_id, topic, kind, local_date, posted_at, reveal_at)
--     SELECT 1, 'q' || i, 'sql', 'daily', date '2026-01-01' + i, now(), now()
--     FROM generate_series(1, 300) i;
\set p random(1, 300)
\set m random(1, 20000)
WITH new AS (
    INSERT INTO answers (post_id, member_id, body, verdict, score, feedback, points, counting, answered_at, local_day)
    VALUES (:p, :m, 'a', 'correct', 1, '{}', 10, 'daily', now(), date '2026-11-24')
    ON CONFLICT (post_id, member_id) DO NOTHING
    RETURNING id, answered_at),
 src AS (
    SELECT new.id AS answer_id, 1::bigint AS guild_id, :m::bigint AS member_id,
           1::bigint AS channel_id, 'sql'::text AS topic, 10::int AS delta,
           date '2026-11-24' AS local_day, now() AS at, new.answered_at
    FROM new),
 ledger AS (
    INSERT INTO point_events (guild_id, member_id, answer_id, topic, delta, local_day, at)
    SELECT guild_id, member_id, answer_id, topic, delta, local_day, at FROM src WHERE delta <> 0),
 boards AS (
    INSERT INTO board_totals (guild_id, scope, member_id, points)
    SELECT * FROM (
        SELECT src.guild_id, scope, src.member_id, src.delta::bigint
        FROM src, unnest('{all,all:sql,w:2026-11-23,w:2026-11-23:sql,m:2026-11-01,m:2026-11-01:sql}'::text[]) AS scope
        UNION ALL
    SELECT src.guild_id, 's:' || s.id, src.member_id, src.delta::bigint
    FROM src JOIN seasons s ON s.guild_id = src.guild_id
    WHERE src.answered_at >= s.started_at
      AND src.answered_at < coalesce(s.ended_at, s.ends_at)
      AND (cardinality(s.topics) = 0 OR src.topic = ANY(s.topics))) moved
    WHERE (SELECT delta FROM src) <> 0
    ON CONFLICT (guild_id, scope, member_id)
    DO UPDATE SET points = board_totals.points + EXCLUDED.points),
 streak AS (
    INSERT INTO streaks (channel_id, member_id, current, best, last_date)
    SELECT channel_id, member_id, 1, 1, date '2026-11-24' FROM src
    ON CONFLICT (channel_id, member_id) DO UPDATE
    SET current = streaks.current + 1, best = greatest(streaks.best, streaks.current + 1),
        last_date = EXCLUDED.last_date
    RETURNING current, best, last_date)
SELECT new.id, streak.current FROM new LEFT JOIN streak ON true;
