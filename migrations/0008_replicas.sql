-- Replicas of `prepbot run` sharing one database (issue 15). Each process
-- that delivers posts says it is alive every second; the count of live ones
-- serving a platform divides that platform's request budget (Discord's 50
-- requests/s is per bot, not per process), so N replicas together stay
-- under the limit.
CREATE TABLE replicas (
    id        bigint PRIMARY KEY,        -- random, chosen by the process at start
    platforms text[] NOT NULL,           -- the platforms it delivers to, e.g. {discord}
    seen_at   timestamptz NOT NULL       -- its last heartbeat (the database's clock, so hosts' clocks need not agree)
);
