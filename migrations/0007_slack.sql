-- Slack delivers each Events API event at least once: when it thinks an
-- acknowledgement was lost it retries, up to three times, with the same
-- event_id. One row per event handled lets a retry (to this process or,
-- after a restart, to the next) be recognised and skipped.
CREATE TABLE slack_events (
    -- Slack's id of the event ("Ev0123..."), the same on every retry.
    event_id TEXT PRIMARY KEY,
    -- The workspace the event came from (for looking at one team's events).
    team_id TEXT NOT NULL,
    -- The event's type, e.g. app_home_opened (for the operator's eyes only).
    event_type TEXT NOT NULL,
    -- When prepbot first received it; rows older than a day can be pruned,
    -- since Slack stops retrying within the hour.
    received_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
