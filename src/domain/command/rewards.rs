//! `/rewards [status] | champion week|month|season|off | milestones N,N|off
//! | streaks [N,N]|off | role REWARD ROLE|off`: the rewards grammar. Every
//! front end builds these commands (Discord's slash options through
//! [`rewards_setting`] and [`rewards_role`]).

use super::*;
use crate::domain::rewards::{
    parse_ladder, parse_role, ChampionPeriod, Ladder, Reward, DEFAULT_STREAKS,
};

/// `/rewards ...`
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RewardsCommand {
    /// What is on, the thresholds, the champion, your badges.
    Status,
    /// Admin: which period's winner holds the champion reward (`None`: off).
    Champion(Option<ChampionPeriod>),
    /// Admin: a ladder's thresholds (empty: off).
    Ladder { ladder: Ladder, tiers: Vec<i64> },
    /// Admin: the role a reward gives (`None`: no role).
    Role {
        reward: Reward,
        role: Option<String>,
    },
}

pub const REWARDS_USAGE: &str = "/rewards [status] | champion week|month|season|off | milestones 100,500,1000|off | streaks [3,7,14,30,90]|off | role REWARD ROLE|off";

fn is_off(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "off" | "none" | "false" | "no"
    )
}

/// Builds a champion or ladder setting from its value: `sub` is
/// `champion`, `milestones` or `streaks`; `value` is what follows (empty
/// for streaks means the default ladder).
pub fn rewards_setting(sub: &str, value: &str) -> Result<RewardsCommand, ParseError> {
    let value = value.trim();
    match sub.to_ascii_lowercase().as_str() {
        "champion" => {
            if value.is_empty() {
                return err(format!(
                    "say which period: week, month, season or off. Usage: {REWARDS_USAGE}"
                ));
            }
            let period = (!is_off(value))
                .then(|| value.parse::<ChampionPeriod>())
                .transpose()
                .map_err(ParseError)?;
            Ok(RewardsCommand::Champion(period))
        }
        "milestones" | "milestone" | "points" => ladder(Ladder::Points, value),
        "streaks" | "streak" => ladder(Ladder::Streak, value),
        other => err(format!(
            "unknown `/rewards {other}`. Usage: {REWARDS_USAGE}"
        )),
    }
}

fn ladder(ladder: Ladder, value: &str) -> Result<RewardsCommand, ParseError> {
    let tiers = if is_off(value) {
        vec![]
    } else if value.is_empty() && ladder == Ladder::Streak {
        DEFAULT_STREAKS.to_vec()
    } else {
        parse_ladder(value, ladder).map_err(ParseError)?
    };
    Ok(RewardsCommand::Ladder { ladder, tiers })
}

/// Builds `/rewards role`: a reward name and a role (`None` or `off`: no role).
pub fn rewards_role(reward: &str, role: Option<&str>) -> Result<RewardsCommand, ParseError> {
    let reward = Reward::parse(reward).map_err(ParseError)?;
    let role = match role.map(str::trim) {
        None => return err(format!("name the role, or off. Usage: {REWARDS_USAGE}")),
        Some(r) if is_off(r) => None,
        Some(r) => Some(parse_role(r).map_err(ParseError)?),
    };
    Ok(RewardsCommand::Role { reward, role })
}

/// `/rewards ...` as text.
pub(super) fn rewards(rest: &str) -> Result<Command, ParseError> {
    let (sub, tail) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let tail = tail.trim();
    let cmd = match sub.to_ascii_lowercase().as_str() {
        "" | "status" if tail.is_empty() => RewardsCommand::Status,
        "" | "status" => return err("/rewards status takes no arguments"),
        "role" => {
            let mut words = tail.split_whitespace();
            let (reward, role) = (words.next().unwrap_or(""), words.next());
            if words.next().is_some() {
                return err(format!("too many words. Usage: {REWARDS_USAGE}"));
            }
            rewards_role(reward, role)?
        }
        other => {
            if tail.split_whitespace().count() > 1 {
                return err(format!(
                    "write the thresholds without spaces, like 100,500,1000. Usage: {REWARDS_USAGE}"
                ));
            }
            rewards_setting(other, tail)?
        }
    };
    Ok(Command::Compete(CompeteCommand::Rewards(cmd)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewards_of(line: &str) -> Result<RewardsCommand, ParseError> {
        match parse(line)? {
            Command::Compete(CompeteCommand::Rewards(r)) => Ok(r),
            other => panic!("not a rewards command: {other:?}"),
        }
    }

    #[test]
    fn a_bare_rewards_is_the_status_everyone_may_see() {
        assert_eq!(rewards_of("/rewards").unwrap(), RewardsCommand::Status);
        assert_eq!(
            rewards_of("rewards status").unwrap(),
            RewardsCommand::Status
        );
        assert!(!parse("/rewards").unwrap().needs_admin());
        for admin_only in [
            "/rewards champion week",
            "/rewards milestones off",
            "/rewards streaks",
            "/rewards role champion 123",
        ] {
            assert!(parse(admin_only).unwrap().needs_admin(), "{admin_only}");
        }
    }

    #[test]
    fn champion_takes_a_period_or_off() {
        assert_eq!(
            rewards_of("/rewards champion month").unwrap(),
            RewardsCommand::Champion(Some(ChampionPeriod::Month))
        );
        assert_eq!(
            rewards_of("/rewards champion off").unwrap(),
            RewardsCommand::Champion(None)
        );
        assert!(rewards_of("/rewards champion fortnight").is_err());
        assert!(rewards_of("/rewards champion").is_err());
    }

    #[test]
    fn streaks_without_numbers_turn_on_the_default_ladder() {
        assert_eq!(
            rewards_of("/rewards streaks").unwrap(),
            RewardsCommand::Ladder {
                ladder: Ladder::Streak,
                tiers: vec![3, 7, 14, 30, 90]
            }
        );
        assert_eq!(
            rewards_of("/rewards milestones 100,500,1000").unwrap(),
            RewardsCommand::Ladder {
                ladder: Ladder::Points,
                tiers: vec![100, 500, 1000]
            }
        );
        assert_eq!(
            rewards_of("/rewards milestones off").unwrap(),
            RewardsCommand::Ladder {
                ladder: Ladder::Points,
                tiers: vec![]
            }
        );
    }

    #[test]
    fn hostile_thresholds_and_reward_names_are_refused_with_a_reason() {
        for (line, why) in [
            ("/rewards milestones", "thresholds"),
            ("/rewards milestones 500,100", "go up"),
            ("/rewards milestones 100, 500", "without spaces"),
            ("/rewards milestones 1e9", "not a threshold"),
            ("/rewards streaks 0,3", "from 1"),
            ("/rewards streaks 18446744073709551616", "not a threshold"),
            ("/rewards milestones 1,2,3,4,5,6,7,8,9,10,11", "at most 10"),
            ("/rewards role king 123", "unknown reward"),
            ("/rewards role champion @everyone", "not a role"),
            ("/rewards role champion", "name the role"),
            ("/rewards trophies on", "unknown `/rewards trophies`"),
        ] {
            let e = rewards_of(line).unwrap_err();
            assert!(e.0.contains(why), "{line}: {e}");
        }
    }

    #[test]
    fn a_role_is_mapped_by_reward_name_and_id_or_mention() {
        assert_eq!(
            rewards_of("/rewards role streak-7 <@&42>").unwrap(),
            RewardsCommand::Role {
                reward: Reward::Tier(Ladder::Streak, 7),
                role: Some("42".into())
            }
        );
        assert_eq!(
            rewards_of("/rewards role champion off").unwrap(),
            RewardsCommand::Role {
                reward: Reward::Champion,
                role: None
            }
        );
    }
}
