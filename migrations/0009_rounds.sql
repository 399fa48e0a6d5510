-- Live rounds (issue 14): an admin's `/round start` posts a few questions one
-- after another in a channel, each with a deadline; members answer privately
-- and quick choice answers earn more. Each step (open a question, close it,
-- end the round) is due work claimed by the scheduler with a row lock on the
-- round, so a step runs once however many replicas tick, and a round
-- survives a restart.

CREATE TABLE rounds (
    id          bigserial PRIMARY KEY,                     -- shown to people as round #id
    channel_id  bigint NOT NULL REFERENCES channels ON DELETE CASCADE, -- where the questions are posted
    topic       text,                                      -- topic slug the questions come from; NULL = any enabled topic
    questions   integer NOT NULL CHECK (questions BETWEEN 1 AND 20), -- how many questions the round asks
    seconds     integer NOT NULL CHECK (seconds BETWEEN 10 AND 600), -- time to answer each question
    seed        bigint NOT NULL,                           -- seeds the question picks, so they are the same after a restart
    started_by  bigint REFERENCES members ON DELETE SET NULL, -- the admin who started it
    started_at  timestamptz NOT NULL,                      -- when /round start was accepted
    step        integer NOT NULL DEFAULT 0,                -- steps done: 2k = question k+1 not yet opened, 2k+1 = question k+1 open
    next_at     timestamptz NOT NULL,                      -- when the next step is due (a question's deadline, or the next question)
    ended_at    timestamptz,                               -- when the round ended; NULL while it runs
    end_reason  text CHECK (end_reason IN ('finished', 'stopped', 'stale')), -- all questions asked, /round stop, or too late after an outage
    CHECK ((ended_at IS NULL) = (end_reason IS NULL))
);
-- One running round per channel, whatever races happen.
CREATE UNIQUE INDEX rounds_one_running ON rounds (channel_id) WHERE ended_at IS NULL;
-- The scheduler's walk: running rounds by when their next step is due.
CREATE INDEX rounds_due ON rounds (next_at) WHERE ended_at IS NULL;

-- A round's questions are posts of kind 'round': answers use the usual
-- answer flow and the unique (post_id, member_id) of answers, so nothing is
-- scored twice. reveal_at is the deadline, revealed_at when it closed.
ALTER TABLE posts DROP CONSTRAINT posts_kind_check;
ALTER TABLE posts ADD CONSTRAINT posts_kind_check CHECK (kind IN ('daily', 'quiz', 'round'));
COMMENT ON COLUMN posts.kind IS 'daily: the scheduled daily question; quiz: an on-demand /quiz; round: a question of a live round (reveal_at is its deadline).';

CREATE TABLE round_questions (
    round_id    bigint NOT NULL REFERENCES rounds ON DELETE CASCADE, -- the round
    n           integer NOT NULL CHECK (n >= 1),           -- 1 for the round's first question
    post_id     bigint NOT NULL UNIQUE REFERENCES posts ON DELETE CASCADE, -- the post people answer
    PRIMARY KEY (round_id, n)                              -- each question of a round is opened once
);

-- Answers to round questions count as 'round': scored with the speed rule
-- (see docs/competitions.md), on the usual boards.
ALTER TABLE answers DROP CONSTRAINT answers_counting_check;
ALTER TABLE answers ADD CONSTRAINT answers_counting_check CHECK (counting IN ('daily', 'quiz', 'practice', 'round'));
COMMENT ON COLUMN answers.counting IS 'How the answer counts: daily (before the reveal), quiz (first time), practice (no points) or round (a live round, faster choice answers earn more).';

-- Round posts (a question, its answer and standings, the final podium) are
-- competition posts, claimed and delivered exactly once like the others;
-- period_key is '<round id>:q<n>', '<round id>:a<n>' or '<round id>:end'.
ALTER TABLE competition_posts DROP CONSTRAINT competition_posts_kind_check;
ALTER TABLE competition_posts ADD CONSTRAINT competition_posts_kind_check CHECK (kind IN ('season', 'week', 'month', 'round'));
COMMENT ON COLUMN competition_posts.kind IS 'What it announces: season results, week or month winners, or a live round step.';
