-- One request clock per platform budget, shared by every replica (issue 15:
-- "the fan-out rate budget is shared across replicas (through
-- PostgreSQL)"). Dividing the rate by the number of live replicas kept each
-- process under its share in its own one-second windows, but the windows of
-- different processes are not aligned, and each process's requests arrive
-- a little early or late: at 10,000 channels three replicas together let 51
-- requests reach the Discord mock in one second and met a global 429. Here
-- a replica takes each request's start time from this row, so the starts
-- of all replicas are spaced evenly on one clock (PostgreSQL's), and a
-- global 429 pushes every replica back at once.
CREATE TABLE rate_budgets (
    budget  text PRIMARY KEY,         -- which limit: 'discord', every request to Discord (its global 50/s is per bot)
    next_at timestamptz NOT NULL      -- the earliest start for the next request; slots before it are taken (never in the past by more than a moment: a taker moves it to at least now + one gap)
);
