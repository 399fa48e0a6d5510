-- prepbot's schema. Every platform id is kept as text: Discord snowflakes,
-- Slack ids and console names all fit, and no front end's types leak in.

CREATE TABLE guilds (
    id              bigserial PRIMARY KEY,                 -- internal id
    platform        text NOT NULL,                         -- 'discord' | 'slack' | 'console'
    external_id     text NOT NULL,                         -- the server's / workspace's id on that platform
    disabled_topics text[] NOT NULL DEFAULT '{}',          -- topic slugs this server has switched off
    created_at      timestamptz NOT NULL DEFAULT now(),    -- first seen
    UNIQUE (platform, external_id)
);
COMMENT ON TABLE guilds IS 'A Discord server, Slack workspace or console session: the scope of pools and leaderboards.';

CREATE TABLE members (
    id           bigserial PRIMARY KEY,                    -- internal id
    guild_id     bigint NOT NULL REFERENCES guilds ON DELETE CASCADE, -- members are per server
    external_id  text NOT NULL,                            -- the user's id on the platform
    display_name text NOT NULL,                            -- last name we saw, for leaderboards
    UNIQUE (guild_id, external_id)
);

CREATE TABLE channels (
    id          bigserial PRIMARY KEY,                     -- internal id
    guild_id    bigint NOT NULL REFERENCES guilds ON DELETE CASCADE, -- owning server
    external_id text NOT NULL,                             -- the channel's id on the platform
    UNIQUE (guild_id, external_id)
);

CREATE TABLE daily_settings (
    channel_id  bigint PRIMARY KEY REFERENCES channels ON DELETE CASCADE, -- the channel that gets the daily question
    post_time   time NOT NULL,                             -- local wall-clock time of the post
    reveal_time time NOT NULL,                             -- local time of the reveal (next day if not after post_time)
    tz          text NOT NULL,                             -- IANA zone, e.g. Europe/London
    days        text NOT NULL CHECK (days IN ('daily', 'weekdays')), -- which days it runs
    topics      text[] NOT NULL DEFAULT '{}',              -- topic slugs to draw from; empty = all enabled
    paused      boolean NOT NULL DEFAULT false,            -- true: no posts until resumed
    updated_at  timestamptz NOT NULL DEFAULT now()         -- last /daily setup, pause or resume
);

CREATE TABLE custom_questions (
    guild_id    bigint NOT NULL REFERENCES guilds ON DELETE CASCADE, -- the server whose pool holds it
    question_id text NOT NULL,                             -- the question's id, unique within the server and the bank
    toml        text NOT NULL,                             -- the question as a one-question bank file, re-validated on load
    added_by    bigint REFERENCES members ON DELETE SET NULL, -- the admin who added it
    added_at    timestamptz NOT NULL,                      -- when
    PRIMARY KEY (guild_id, question_id)
);

CREATE TABLE posts (
    id            bigserial PRIMARY KEY,                   -- shown to people as #id
    channel_id    bigint NOT NULL REFERENCES channels ON DELETE CASCADE, -- where it was asked
    question_id   text NOT NULL,                           -- bank or custom question id
    topic         text NOT NULL,                           -- the question's topic when posted, for per-topic stats
    kind          text NOT NULL CHECK (kind IN ('daily', 'quiz')), -- scheduled daily question or on-demand quiz
    member_id     bigint REFERENCES members ON DELETE CASCADE, -- quiz: who asked for it; daily: NULL
    local_date    date,                                    -- daily: the channel's local date it belongs to
    posted_at     timestamptz NOT NULL,                    -- when it was claimed for posting
    reveal_at     timestamptz,                             -- daily: when the model answer is published
    revealed_at   timestamptz,                             -- daily: when the reveal was claimed
    message_ref   text,                                    -- the platform message of the post, for the reveal edit
    delivered_at  timestamptz,                             -- when the front end confirmed the post
    reveal_delivered_at timestamptz,                       -- when the front end confirmed the reveal
    delivery_attempted_at timestamptz,                     -- last delivery attempt, so a retry waits its turn
    CHECK ((kind = 'daily') = (local_date IS NOT NULL AND reveal_at IS NOT NULL)),
    CHECK ((kind = 'quiz') = (member_id IS NOT NULL))
);
-- The guarantee that a channel never gets two daily posts for one local date,
-- whatever restarts or concurrent schedulers do.
CREATE UNIQUE INDEX posts_one_daily_per_day ON posts (channel_id, local_date) WHERE kind = 'daily';
CREATE INDEX posts_unrevealed ON posts (reveal_at) WHERE kind = 'daily' AND revealed_at IS NULL;
CREATE INDEX posts_undelivered ON posts (posted_at) WHERE kind = 'daily' AND (delivered_at IS NULL OR (revealed_at IS NOT NULL AND reveal_delivered_at IS NULL));
CREATE INDEX posts_by_channel_question ON posts (channel_id, question_id);
CREATE INDEX posts_quiz_by_member ON posts (member_id, posted_at DESC) WHERE kind = 'quiz';

CREATE TABLE answers (
    id          bigserial PRIMARY KEY,                     -- shown to admins for /regrade
    post_id     bigint NOT NULL REFERENCES posts ON DELETE CASCADE, -- the question asked
    member_id   bigint NOT NULL REFERENCES members ON DELETE CASCADE, -- who answered
    body        text NOT NULL CHECK (char_length(body) <= 4000), -- the answer as given (text, SQL, or option ids)
    verdict     text CHECK (verdict IN ('correct', 'partial', 'incorrect')), -- NULL: saved but not yet gradable
    score       real NOT NULL DEFAULT 0 CHECK (score BETWEEN 0 AND 1), -- grader score
    feedback    jsonb NOT NULL DEFAULT '{}',               -- the grade: covered, missed, detail
    points      integer NOT NULL DEFAULT 0,                -- points this answer currently earns
    counting    text NOT NULL CHECK (counting IN ('daily', 'quiz', 'practice')), -- how it counts towards points
    answered_at timestamptz NOT NULL,                      -- when it arrived
    local_day   date NOT NULL,                             -- the channel's local date when it arrived (week/month boards)
    flagged_at  timestamptz,                               -- "I think my answer was right"
    flag_closed_at timestamptz,                            -- when an admin re-graded the flag
    UNIQUE (post_id, member_id)                            -- one answer per person per question
);
CREATE INDEX answers_open_flags ON answers (flagged_at) WHERE flagged_at IS NOT NULL AND flag_closed_at IS NULL;
CREATE INDEX answers_by_member ON answers (member_id);

-- The points ledger: every change in points is a row, written in the same
-- transaction as the answer or re-grade that caused it. The source of truth
-- that board_totals can be rebuilt from.
CREATE TABLE point_events (
    id        bigserial PRIMARY KEY,                       -- internal id
    guild_id  bigint NOT NULL REFERENCES guilds ON DELETE CASCADE, -- leaderboard scope
    member_id bigint NOT NULL REFERENCES members ON DELETE CASCADE, -- who gained or lost points
    answer_id bigint NOT NULL REFERENCES answers ON DELETE CASCADE, -- what caused it
    topic     text NOT NULL,                               -- the question's topic
    delta     integer NOT NULL,                            -- points gained (negative after a downward re-grade)
    local_day date NOT NULL,                               -- the answering channel's local date, for week and month buckets
    at        timestamptz NOT NULL                         -- when the change was made
);
CREATE INDEX point_events_by_answer ON point_events (answer_id);

-- Running totals for every leaderboard a member appears on, kept in step with
-- point_events in the same transaction. `scope` names the board: 'all',
-- 'all:TOPIC', 'w:MONDAY', 'w:MONDAY:TOPIC', 'm:FIRST-OF-MONTH',
-- 'm:FIRST-OF-MONTH:TOPIC' (dates are the channel's local dates). Every board
-- is then an index walk, even for a 100k-member guild.
CREATE TABLE board_totals (
    guild_id  bigint NOT NULL REFERENCES guilds ON DELETE CASCADE, -- leaderboard scope: the server
    scope     text NOT NULL,                               -- which board (see above)
    member_id bigint NOT NULL REFERENCES members ON DELETE CASCADE, -- the member
    points    bigint NOT NULL DEFAULT 0,                   -- the member's points on that board
    PRIMARY KEY (guild_id, scope, member_id)
);
-- Pages walk this index in rank order; a rank is a count of the entries above.
CREATE INDEX board_totals_rank ON board_totals (guild_id, scope, points DESC, member_id);

CREATE TABLE streaks (
    channel_id bigint NOT NULL REFERENCES channels ON DELETE CASCADE, -- streaks follow a channel's schedule
    member_id  bigint NOT NULL REFERENCES members ON DELETE CASCADE, -- whose streak
    current    integer NOT NULL,                           -- consecutive scheduled days answered, up to last_date
    best       integer NOT NULL,                           -- longest ever
    last_date  date NOT NULL,                              -- local date of the last daily answered
    PRIMARY KEY (channel_id, member_id)
);

-- Audit trail: every re-grade, kept forever.
CREATE TABLE regrades (
    id          bigserial PRIMARY KEY,                     -- internal id
    answer_id   bigint NOT NULL REFERENCES answers ON DELETE CASCADE, -- the answer re-graded
    by_member   bigint REFERENCES members ON DELETE SET NULL, -- the admin
    old_verdict text,                                      -- verdict before
    new_verdict text NOT NULL,                             -- verdict after
    old_points  integer NOT NULL,                          -- points before
    new_points  integer NOT NULL,                          -- points after
    note        text,                                      -- the admin's reason
    at          timestamptz NOT NULL                       -- when
);
