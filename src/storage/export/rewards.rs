//! The rewards half of the import (see [`super::load`]), after the
//! competitions: a server's reward settings, the role each reward gives,
//! who holds which reward, and the role changes not yet sent.
//!
//! A champion's period key names a week or month by its first local date
//! (`w:2026-11-23`, `m:2026-11-01`), written as it was, or a season by its
//! number in the file (`s:2`), rewritten to the season's new id; a key of
//! another shape, or of a season the file does not hold, is not written, so
//! the import is refused. Ladders, reward names and role ids are checked as
//! `/rewards` checks what an admin types ([`check`]), before any write.
//!
//! A role change still to send is sent by the new server's scheduler, as
//! after a restart: the member holds the reward, and the role follows.

use super::check::bad;
use super::load::{rows, Statement, MEMBER};
use super::ImportError;
use crate::domain::rewards::{parse_ladder, parse_role, Ladder, Reward};
use serde_json::Value;

/// A reward's period key `x.<col>` with a season's new id, or NULL when it
/// is neither a week, a month nor a season of the file.
fn period_key(col: &str) -> String {
    format!(
        "CASE WHEN x.{col} ~ '^[wm]:[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$' THEN x.{col}
              WHEN x.{col} ~ '^s:[0-9]{{1,18}}$' THEN (SELECT 's:' || s.id FROM import_seasons s
                  WHERE s.ref = substr(x.{col}, 3)::bigint) END"
    )
}

/// The reward statements, in an order where every reference is loaded.
pub(super) fn statements() -> Vec<Statement> {
    vec![
        ("rewards", format!("INSERT INTO reward_settings (guild_id, champion, champion_channel_id, champion_since,
                champion_key, milestones, streaks, updated_at)
            SELECT $2, x.champion, c.id, x.champion_since, k.key, x.milestones, x.streaks, x.updated_at
            FROM (SELECT v FROM jsonb_array_elements(jsonb_build_array($1->'guild'->'rewards')) AS v
                  WHERE jsonb_typeof(v) = 'object') AS e
            CROSS JOIN LATERAL jsonb_to_record(e.v) AS x(champion text, champion_channel text,
                champion_since timestamptz, champion_key text, milestones bigint[], streaks bigint[],
                updated_at timestamptz)
            LEFT JOIN channels c ON c.guild_id = $2 AND c.external_id = x.champion_channel
            CROSS JOIN LATERAL (SELECT {} AS key) AS k
            WHERE (x.champion_channel IS NULL OR c.id IS NOT NULL)
              AND (x.champion_key IS NULL OR k.key IS NOT NULL)", period_key("champion_key"))),
        ("reward_roles", format!("INSERT INTO reward_roles (guild_id, reward, role_id, updated_at)
            SELECT $2, x.reward, x.role_id, x.updated_at {} ORDER BY e.n",
            rows!("reward_roles", "reward text, role_id text, updated_at timestamptz"))),
        ("member_rewards", format!("INSERT INTO member_rewards (member_id, guild_id, reward, tier, period_key, since)
            SELECT m.id, $2, x.reward, x.tier, k.key, x.since {} {MEMBER}
            CROSS JOIN LATERAL (SELECT {} AS key) AS k
            WHERE x.period_key IS NULL OR k.key IS NOT NULL ORDER BY e.n",
            rows!("member_rewards", "member text, reward text, tier bigint, period_key text, since timestamptz"),
            period_key("period_key"))),
        ("reward_role_changes", format!("INSERT INTO reward_role_changes (guild_id, member_id, role_id, give, reward,
                created_at, delivery_attempted_at)
            SELECT $2, m.id, x.role_id, x.give, x.reward, x.created_at, x.delivery_attempted_at {} {MEMBER} ORDER BY e.n",
            rows!("reward_role_changes", "member text, role_id text, give boolean, reward text,
                created_at timestamptz, delivery_attempted_at timestamptz"))),
    ]
}

/// A ladder of the settings: absent, or a list `/rewards` would accept.
fn check_ladder(rewards: &Value, key: &str, ladder: Ladder) -> Result<(), ImportError> {
    let Some(list) = rewards.get(key).and_then(Value::as_array) else {
        return Ok(()); // absent, null or a wrong type: the load refuses it
    };
    if list.is_empty() {
        return Ok(());
    }
    let text: Vec<String> = list.iter().map(Value::to_string).collect();
    parse_ladder(&text.join(","), ladder)
        .map(drop)
        .map_err(|why| bad(format!("guild.rewards.{key}: {why}")))
}

/// Refuses what `/rewards` would refuse: a ladder that is not positive and
/// ascending or too long, a role for no reward, a role id that is not one.
/// (The document's shape is checked already.)
pub(super) fn check(doc: &Value) -> Result<(), ImportError> {
    check_ladder(&doc["guild"]["rewards"], "milestones", Ladder::Points)?;
    check_ladder(&doc["guild"]["rewards"], "streaks", Ladder::Streak)?;
    for (i, row) in doc["reward_roles"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let reward = row["reward"].as_str().unwrap_or_default();
        if Reward::parse(reward).map(Reward::key).as_deref() != Ok(reward) {
            return Err(bad(format!("reward_roles[{i}]: unknown reward {reward:?}")));
        }
        let role = row["role_id"].as_str().unwrap_or_default();
        if parse_role(role).as_deref() != Ok(role) {
            return Err(bad(format!("reward_roles[{i}]: {role:?} is not a role id")));
        }
    }
    Ok(())
}
