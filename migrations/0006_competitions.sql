-- Leaderboard competitions: seasons, period winners, wins and privacy.
-- Season boards are read from the points ledger (point_events joined to the
-- answers that caused them), so the lifetime boards are never reset: a
-- season is a window over the same ledger (a soft reset).

CREATE TABLE seasons (
    id          bigserial PRIMARY KEY,                     -- shown to people as season #id
    guild_id    bigint NOT NULL REFERENCES guilds ON DELETE CASCADE, -- the server whose members play it
    channel_id  bigint NOT NULL REFERENCES channels ON DELETE CASCADE, -- home channel: its zone sets the end, results are posted there
    name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 80), -- "Winter 2027"
    topics      text[] NOT NULL DEFAULT '{}',              -- topic slugs whose points count; empty = all
    started_at  timestamptz NOT NULL,                      -- points from answers given from here on count
    ends_on     date NOT NULL,                             -- the last local day of the season, as the admin gave it
    tz          text NOT NULL,                             -- IANA zone of the home channel when it started
    ends_at     timestamptz NOT NULL,                      -- local midnight after ends_on in tz: the scheduled end
    ended_at    timestamptz,                               -- when it was closed (ends_at, or an admin's /season end); NULL while running
    started_by  bigint REFERENCES members ON DELETE SET NULL, -- the admin who started it
    CHECK (ended_at IS NULL OR ended_at >= started_at)
);
-- At most one running season per server, whatever races happen.
CREATE UNIQUE INDEX seasons_one_running ON seasons (guild_id) WHERE ended_at IS NULL;
CREATE INDEX seasons_due ON seasons (ends_at) WHERE ended_at IS NULL;

-- Competition posts (season results, weekly and monthly winners), claimed
-- like daily posts: the unique key makes the claim happen once, and the
-- delivery lease lets a restarted process deliver what a crash left behind.
CREATE TABLE competition_posts (
    id            bigserial PRIMARY KEY,                   -- internal id; Discord nonce "a<id>"
    channel_id    bigint NOT NULL REFERENCES channels ON DELETE CASCADE, -- where it is posted
    kind          text NOT NULL CHECK (kind IN ('season', 'week', 'month')), -- what it announces
    period_key    text NOT NULL,                           -- the season id, or the period's first local date
    claimed_at    timestamptz NOT NULL,                    -- when a scheduler (or /season end) claimed it
    delivery_attempted_at timestamptz NOT NULL,            -- last delivery attempt, so a retry waits its turn
    delivered_at  timestamptz,                             -- when the front end confirmed it
    gave_up       text,                                    -- why delivery stopped for good (the platform refused)
    UNIQUE (channel_id, kind, period_key)
);
CREATE INDEX competition_posts_undelivered ON competition_posts (delivery_attempted_at)
    WHERE delivered_at IS NULL AND gave_up IS NULL;

-- Wins, recorded when the winners or results post is claimed (same transaction).
CREATE TABLE competition_wins (
    guild_id    bigint NOT NULL REFERENCES guilds ON DELETE CASCADE,  -- the server
    member_id   bigint NOT NULL REFERENCES members ON DELETE CASCADE, -- the winner (ties share a win)
    kind        text NOT NULL CHECK (kind IN ('season', 'week', 'month')), -- what was won
    period_key  text NOT NULL,                             -- the season id, or the period's first local date
    won_at      timestamptz NOT NULL,                      -- when it was recorded
    PRIMARY KEY (guild_id, kind, period_key, member_id)
);
CREATE INDEX competition_wins_by_member ON competition_wins (member_id);

-- Channels that get a winners post at the end of each week and month.
CREATE TABLE winners_settings (
    channel_id  bigint PRIMARY KEY REFERENCES channels ON DELETE CASCADE, -- the opted-in channel
    since       date NOT NULL,                             -- local date of opting in: periods ending after it are announced
    updated_at  timestamptz NOT NULL                       -- last /winners on
);

ALTER TABLE members
    ADD COLUMN hidden boolean NOT NULL DEFAULT false; -- /privacy hide: shown as "anonymous" on public boards and posts
COMMENT ON COLUMN members.hidden IS 'Set by /privacy hide: the member is "anonymous" on every public board and winners or results post, but sees their own rank.';

-- Season boards sum the ledger from a season's start.
CREATE INDEX point_events_by_guild_at ON point_events (guild_id, at);

-- Fairness switches per server (/scoring). No row: the defaults.
CREATE TABLE scoring_settings (
    guild_id      bigint PRIMARY KEY REFERENCES guilds ON DELETE CASCADE, -- the server
    on_time_bonus boolean NOT NULL DEFAULT true,           -- +5 for a daily answer before the reveal that is not wrong
    streak_bonus  boolean NOT NULL DEFAULT false,          -- +1 per streak day after the first (at most +5) on a daily answer that earns points
    updated_at    timestamptz NOT NULL                     -- last /scoring change
);

-- board_totals gains one more kind of scope: 's:SEASON-ID', moved in the
-- ledger's transaction for points whose answer falls inside the season.
COMMENT ON COLUMN board_totals.scope IS 'Which board: all, all:TOPIC, w:MONDAY[:TOPIC], m:FIRST-OF-MONTH[:TOPIC], or s:SEASON-ID (a season board).';

-- Teams: a member plays in at most one team of their server.
CREATE TABLE teams (
    id          bigserial PRIMARY KEY,                     -- internal id
    guild_id    bigint NOT NULL REFERENCES guilds ON DELETE CASCADE, -- the server
    name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 40), -- shown on the team board
    created_at  timestamptz NOT NULL,                      -- when an admin (or /team balance) made it
    UNIQUE (guild_id, name)
);
CREATE TABLE team_members (
    member_id   bigint PRIMARY KEY REFERENCES members ON DELETE CASCADE, -- members are per server, so one team each
    team_id     bigint NOT NULL REFERENCES teams ON DELETE CASCADE,      -- their team
    joined_at   timestamptz NOT NULL                       -- when they joined or were placed
);
CREATE INDEX team_members_by_team ON team_members (team_id);
