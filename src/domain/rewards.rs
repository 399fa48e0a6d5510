//! Rewards (issue 14): a champion reward that passes to each period's
//! winner, milestone rewards for lifetime points, and streak rewards for
//! daily streaks. Each is optional and its thresholds are an admin's.
//!
//! On a platform with roles (Discord) a reward can be a role; everywhere a
//! held reward is a [`Badge`] on boards and in stats. The names, limits and
//! labels are decided here, once, for every front end.

use crate::domain::platform::Platform;
use std::fmt;

/// The streak ladder `/rewards streaks` turns on without numbers.
pub const DEFAULT_STREAKS: [i64; 5] = [3, 7, 14, 30, 90];
/// At most this many thresholds in one ladder (a role each on Discord).
pub const MAX_TIERS: usize = 10;
/// The largest milestone, in lifetime points.
pub const MAX_POINTS: i64 = 10_000_000;
/// The longest streak reward, in days (ten years of daily questions).
pub const MAX_STREAK_DAYS: i64 = 3650;

/// Which period's winner holds the champion reward.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChampionPeriod {
    /// Monday to Sunday in the zone of the channel where it was set.
    Week,
    /// Calendar month in that zone.
    Month,
    /// The server's seasons, when each one's results are posted.
    Season,
}

impl ChampionPeriod {
    pub fn as_str(self) -> &'static str {
        match self {
            ChampionPeriod::Week => "week",
            ChampionPeriod::Month => "month",
            ChampionPeriod::Season => "season",
        }
    }
}

impl std::str::FromStr for ChampionPeriod {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "week" | "weekly" => Ok(ChampionPeriod::Week),
            "month" | "monthly" => Ok(ChampionPeriod::Month),
            "season" | "seasons" => Ok(ChampionPeriod::Season),
            _ => Err(format!(
                "`{s}` is not a champion period: use week, month, season or off"
            )),
        }
    }
}

/// Which ladder a threshold reward belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ladder {
    /// Lifetime points in the server.
    Points,
    /// The longest daily streak in any of the server's channels.
    Streak,
}

impl Ladder {
    /// The value stored in `member_rewards.reward`.
    pub fn as_str(self) -> &'static str {
        match self {
            Ladder::Points => "points",
            Ladder::Streak => "streak",
        }
    }

    fn limit(self) -> i64 {
        match self {
            Ladder::Points => MAX_POINTS,
            Ladder::Streak => MAX_STREAK_DAYS,
        }
    }

    fn unit(self) -> &'static str {
        match self {
            Ladder::Points => "points",
            Ladder::Streak => "days",
        }
    }
}

/// One reward a member can hold, and the name a role is mapped to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reward {
    Champion,
    /// A rung of a ladder: `points-500`, `streak-7`.
    Tier(Ladder, i64),
}

impl Reward {
    /// Parses `champion`, `points-500` (or `milestone-500`) and `streak-7`.
    pub fn parse(s: &str) -> Result<Reward, String> {
        let s = s.trim().to_ascii_lowercase();
        if s == "champion" {
            return Ok(Reward::Champion);
        }
        let bad = || {
            format!(
                "unknown reward `{s}`: use champion, points-N (a milestone) or streak-N (a streak reward)"
            )
        };
        let (kind, n) = s.split_once('-').ok_or_else(bad)?;
        let ladder = match kind {
            "points" | "milestone" => Ladder::Points,
            "streak" => Ladder::Streak,
            _ => return Err(bad()),
        };
        let n = n.parse::<i64>().map_err(|_| bad())?;
        if !(1..=ladder.limit()).contains(&n) {
            return Err(bad());
        }
        Ok(Reward::Tier(ladder, n))
    }

    /// The key stored with a role mapping, as [`Reward::parse`] reads it.
    pub fn key(self) -> String {
        match self {
            Reward::Champion => "champion".into(),
            Reward::Tier(l, n) => format!("{}-{n}", l.as_str()),
        }
    }

    /// The badge a holder of this reward shows.
    pub fn badge(self) -> Badge {
        Badge(self)
    }
}

/// A held reward, shown beside a member's name on boards and in stats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Badge(pub Reward);

impl fmt::Display for Badge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Reward::Champion => f.write_str("🏆 champion"),
            Reward::Tier(Ladder::Points, n) => write!(f, "⭐ {n}"),
            Reward::Tier(Ladder::Streak, n) => write!(f, "🔥 {n}-day"),
        }
    }
}

/// Whether rewards can be roles there (else they are badges only).
pub fn has_roles(platform: Platform) -> bool {
    platform == Platform::Discord
}

/// A ladder as an admin typed it: `100,500,1000`. Thresholds must be whole,
/// positive, strictly ascending and within the ladder's limit, at most
/// [`MAX_TIERS`] of them.
pub fn parse_ladder(text: &str, ladder: Ladder) -> Result<Vec<i64>, String> {
    let items: Vec<&str> = text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if items.is_empty() {
        return Err(format!(
            "give the thresholds in {}, like 100,500,1000",
            ladder.unit()
        ));
    }
    if items.len() > MAX_TIERS {
        return Err(format!(
            "at most {MAX_TIERS} thresholds, not {}",
            items.len()
        ));
    }
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let n = item
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=ladder.limit()).contains(n))
            .ok_or_else(|| {
                format!(
                    "`{item}` is not a threshold: use whole {} from 1 to {}",
                    ladder.unit(),
                    ladder.limit()
                )
            })?;
        if out.last().is_some_and(|&last| n <= last) {
            return Err(format!(
                "thresholds go up: {n} comes after {}",
                out.last().copied().unwrap_or_default()
            ));
        }
        out.push(n);
    }
    Ok(out)
}

/// The highest threshold of `ladder` that `value` reaches, if any.
pub fn top_tier(ladder: &[i64], value: i64) -> Option<i64> {
    ladder.iter().copied().filter(|&t| t <= value).max()
}

/// A platform role id as an admin gave it: digits, or a role mention
/// `<@&123>`. The core keeps it as an opaque string.
pub fn parse_role(text: &str) -> Result<String, String> {
    let t = text.trim();
    let id = t
        .strip_prefix("<@&")
        .and_then(|r| r.strip_suffix('>'))
        .unwrap_or(t);
    if !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit()) {
        Ok(id.to_owned())
    } else {
        Err(format!(
            "`{t}` is not a role: give a role id (digits) or mention it"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ladders_must_be_positive_ascending_and_short() {
        assert_eq!(
            parse_ladder("100, 500,1000", Ladder::Points),
            Ok(vec![100, 500, 1000])
        );
        assert!(parse_ladder("500,100", Ladder::Points)
            .unwrap_err()
            .contains("go up"));
        assert!(parse_ladder("7,7", Ladder::Streak).is_err());
        assert!(parse_ladder("0", Ladder::Points)
            .unwrap_err()
            .contains("from 1"));
        assert!(parse_ladder("-3", Ladder::Streak).is_err());
        assert!(parse_ladder("99999999999999999999999", Ladder::Points).is_err());
        assert!(parse_ladder("3651", Ladder::Streak).is_err());
        assert!(parse_ladder("1,2,3,4,5,6,7,8,9,10,11", Ladder::Points)
            .unwrap_err()
            .contains("at most 10"));
        assert!(parse_ladder(" , ", Ladder::Points).is_err());
        assert!(parse_ladder("ten", Ladder::Points).is_err());
    }

    #[test]
    fn reward_names_round_trip_and_unknown_ones_are_refused() {
        for name in ["champion", "points-500", "streak-7"] {
            assert_eq!(Reward::parse(name).unwrap().key(), name);
        }
        assert_eq!(
            Reward::parse("Milestone-100"),
            Ok(Reward::Tier(Ladder::Points, 100))
        );
        for bad in ["king", "points", "streak-0", "points-x", "streak-99999", ""] {
            assert!(Reward::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn badges_read_the_same_everywhere() {
        assert_eq!(Reward::Champion.badge().to_string(), "🏆 champion");
        assert_eq!(
            Reward::Tier(Ladder::Points, 500).badge().to_string(),
            "⭐ 500"
        );
        assert_eq!(
            Reward::Tier(Ladder::Streak, 7).badge().to_string(),
            "🔥 7-day"
        );
    }

    #[test]
    fn the_top_tier_is_the_highest_threshold_reached() {
        assert_eq!(top_tier(&[3, 7, 14], 10), Some(7));
        assert_eq!(top_tier(&[3, 7, 14], 2), None);
        assert_eq!(top_tier(&[3, 7, 14], 14), Some(14));
    }

    #[test]
    fn a_role_is_digits_or_a_role_mention() {
        assert_eq!(parse_role("<@&123>").unwrap(), "123");
        assert_eq!(parse_role(" 456 ").unwrap(), "456");
        assert!(parse_role("@everyone").is_err());
        assert!(parse_role("123456789012345678901").is_err());
    }
}
