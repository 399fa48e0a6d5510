-- A channel whose daily post or reveal the platform refused for good (the
-- channel was deleted, or the bot may not see it or post in it) is paused by
-- the scheduler with the platform's reason, so the bot stops retrying it
-- every tick; an admin fixes the channel and runs /daily resume (or setup).
ALTER TABLE daily_settings
    ADD COLUMN paused_reason text; -- why delivery paused this channel; NULL when it was not (an admin's pause has none)
COMMENT ON COLUMN daily_settings.paused_reason IS 'Why delivery paused this channel (the platform refused it for good); NULL unless paused that way. Cleared by /daily resume and /daily setup.';
