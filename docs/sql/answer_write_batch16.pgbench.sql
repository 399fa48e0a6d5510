-- The answer's write statement (docs/sql/answer_write.pgbench.sql) for 16
-- answers at once: 16 members' daily answers to one post in one statement,
-- every CTE set-based, with the triggers as shipped. What
-- docs/benchmarks.md ("Batching answers") measured to see whether writing
-- a burst's answers in groups could lift the engine's ceiling. Not used by
-- prepbot. Same setup as answer_write.pgbench.sql (20,000 members, 300
-- daily posts); each transaction is 16 answers, so answers/s = 16 × tps.
-- Run: pgbench -n -c 8 -j 2 -T 8 -f docs/sql/answer_write_batch16.pgbench.sql DB
\set p random(1, 300)
\set m random(0, 1249)
WITH input AS (
    SELECT :p::bigint AS post_id, (:m * 16 + i)::bigint AS member_id FROM generate_series(1, 16) i),
 new AS (
    INSERT INTO answers (post_id, member_id, body, verdict, score, feedback, points, counting, answered_at, local_day)
    SELECT post_id, member_id, 'a', 'correct', 1, '{}', 10, 'daily', now(), date '2026-11-24' FROM input
    ON CONFLICT (post_id, member_id) DO NOTHING
    RETURNING id, member_id, answered_at),
 src AS (
    SELECT new.id AS answer_id, 1::bigint AS guild_id, new.member_id,
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
        WHERE src.delta <> 0
        UNION ALL
    SELECT src.guild_id, 's:' || s.id, src.member_id, src.delta::bigint
    FROM src JOIN seasons s ON s.guild_id = src.guild_id
    WHERE src.answered_at >= s.started_at
      AND src.answered_at < coalesce(s.ended_at, s.ends_at)
      AND (cardinality(s.topics) = 0 OR src.topic = ANY(s.topics))) moved
    ON CONFLICT (guild_id, scope, member_id)
    DO UPDATE SET points = board_totals.points + EXCLUDED.points),
 streak AS (
    INSERT INTO streaks (channel_id, member_id, current, best, last_date)
    SELECT channel_id, member_id, 1, 1, date '2026-11-24' FROM src
    ON CONFLICT (channel_id, member_id) DO UPDATE
    SET current = streaks.current + 1, best = greatest(streaks.best, streaks.current + 1),
        last_date = EXCLUDED.last_date
    RETURNING member_id, current, best, last_date)
SELECT new.id, streak.current FROM new LEFT JOIN streak USING (member_id);
