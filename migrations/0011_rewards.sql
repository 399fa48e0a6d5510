-- Rewards (issue 14): a champion reward passed to each period's winner,
-- milestone rewards for lifetime points and streak rewards, each optional.
-- Everywhere a held reward is a badge; on Discord it can also be a role,
-- given and taken through an outbox the one scheduler claims like
-- competition posts (claim with a lease, confirm, release, give up).

-- A server's rewards. No row: every reward off.
CREATE TABLE reward_settings (
    guild_id            bigint PRIMARY KEY REFERENCES guilds ON DELETE CASCADE, -- the server
    champion            text CHECK (champion IN ('week', 'month', 'season')), -- whose winner holds the champion reward; NULL: off
    champion_channel_id bigint REFERENCES channels ON DELETE SET NULL, -- where /rewards champion was run: its zone ends weeks and months
    champion_since      timestamptz,                    -- when the champion reward was (last) turned on: periods ending before it pass nothing
    champion_key        text,                           -- the last period whose winner got it ('w:2026-11-23', 'm:2026-11-01', 's:7'): the compare-and-set that makes a pass happen once
    milestones          bigint[] NOT NULL DEFAULT '{}', -- lifetime-points thresholds, ascending; empty: off
    streaks             bigint[] NOT NULL DEFAULT '{}', -- streak thresholds in days, ascending; empty: off
    updated_at          timestamptz NOT NULL            -- last /rewards change
);

-- The platform role each reward gives (Discord). The id is opaque here.
CREATE TABLE reward_roles (
    guild_id   bigint NOT NULL REFERENCES guilds ON DELETE CASCADE, -- the server
    reward     text NOT NULL,                           -- 'champion', 'points-500', 'streak-7'
    role_id    text NOT NULL,                           -- the platform's role id
    updated_at timestamptz NOT NULL,                    -- last /rewards role for it
    PRIMARY KEY (guild_id, reward)
);

-- Who holds which reward now: one row per member and kind, the top rung
-- of each ladder (a member who reaches 500 points holds 500, not 100 too).
CREATE TABLE member_rewards (
    member_id  bigint NOT NULL REFERENCES members ON DELETE CASCADE, -- the holder
    guild_id   bigint NOT NULL REFERENCES guilds ON DELETE CASCADE,  -- their server (members are per server)
    reward     text NOT NULL CHECK (reward IN ('champion', 'points', 'streak')), -- which kind
    tier       bigint NOT NULL,                         -- the threshold reached (points or days); 0 for champion
    period_key text,                                    -- champion: the period won (as reward_settings.champion_key)
    since      timestamptz NOT NULL,                    -- when it was granted (or last raised)
    PRIMARY KEY (member_id, reward)
);
CREATE INDEX member_rewards_by_guild ON member_rewards (guild_id, reward);

-- Role changes to carry out on the platform, claimed by the scheduler.
CREATE TABLE reward_role_changes (
    id                    bigserial PRIMARY KEY,        -- internal id
    guild_id              bigint NOT NULL REFERENCES guilds ON DELETE CASCADE,  -- the server
    member_id             bigint NOT NULL REFERENCES members ON DELETE CASCADE, -- whose roles change
    role_id               text NOT NULL,                -- the role given or taken
    give                  boolean NOT NULL,             -- true: add the role; false: remove it
    reward                text NOT NULL,                -- which reward it stands for ('champion', 'points-500'), for the logs
    created_at            timestamptz NOT NULL,         -- when it was enqueued
    delivery_attempted_at timestamptz NOT NULL DEFAULT 'epoch', -- last claim: 'epoch' until first claimed, so a tick takes it at once
    delivered_at          timestamptz,                  -- when the platform confirmed it
    gave_up               text                          -- why it stopped for good (refused, or superseded by a later change of the same role)
);
CREATE INDEX reward_role_changes_undelivered ON reward_role_changes (delivery_attempted_at)
    WHERE delivered_at IS NULL AND gave_up IS NULL;
CREATE INDEX reward_role_changes_by_member ON reward_role_changes (member_id);
