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

-- Workspaces that installed the app through OAuth v2, with their bot token
-- sealed (AES-256-GCM, key SLACK_TOKEN_KEY from the environment, the team id
-- as associated data), so a database dump alone gives no token away.
-- app_uninstalled and tokens_revoked delete the row.
CREATE TABLE slack_installs (
    -- The workspace ("T0123...").
    team_id TEXT PRIMARY KEY,
    -- 12-byte nonce, then the encrypted token and its 16-byte tag.
    bot_token BYTEA NOT NULL,
    -- When it was (last) installed.
    installed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The `state` of each install link handed out, so the OAuth callback can
-- check that it answers a link prepbot made (and only once, within 10 minutes).
CREATE TABLE slack_oauth_states (
    -- Random, 32 hex digits.
    state TEXT PRIMARY KEY,
    -- When the link was made (the engine's clock).
    created_at TIMESTAMPTZ NOT NULL
);
