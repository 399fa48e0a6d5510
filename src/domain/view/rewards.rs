//! `/rewards` and the badges boards and stats show. Badge labels come from
//! [`crate::domain::rewards::Badge`]; this only lays them out.

use super::{Tone, View, Words};
use crate::domain::markup::escape;
use crate::domain::reply::RewardsCard;
use crate::domain::rewards::{Badge, ChampionPeriod};

/// Badges side by side, e.g. "🏆 champion · ⭐ 500"; empty for none.
pub fn badge_line(badges: &[Badge]) -> String {
    badges
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A member's name on a board, followed by their badges.
pub fn with_badges(name: &str, badges: &[Badge]) -> String {
    if badges.is_empty() {
        escape(name)
    } else {
        format!(
            "{} {}",
            escape(name),
            badges
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" ")
        )
    }
}

fn ladder(tiers: &[i64], unit: &str) -> String {
    if tiers.is_empty() {
        "off".into()
    } else {
        let list: Vec<String> = tiers.iter().map(ToString::to_string).collect();
        format!("{} {unit}", list.join(", "))
    }
}

/// What is on, who is champion, which roles rewards give, and your badges.
pub fn rewards(c: &RewardsCard, words: &Words) -> View {
    let mut v = View::new(Tone::Trophy, "Rewards");
    if let Some(h) = &c.headline {
        v = v.text(words.retype(h));
    }
    let champion = match &c.champion {
        None => "off".to_owned(),
        Some((ChampionPeriod::Season, _)) => "the winner of each season".to_owned(),
        Some((p, tz)) => format!("the winner of each {} ({tz})", p.as_str()),
    };
    v = v.field("Champion", champion);
    if c.champion.is_some() {
        let holders = if c.champions.is_empty() {
            "nobody yet".to_owned()
        } else {
            c.champions
                .iter()
                .map(|n| escape(n))
                .collect::<Vec<_>>()
                .join(", ")
        };
        v = v.field("Champion now", holders);
    }
    v = v
        .field("Milestones", ladder(&c.milestones, "points"))
        .field("Streaks", ladder(&c.streaks, "days"));
    if c.roles_here {
        let roles: Vec<String> = c
            .roles
            .iter()
            .map(|(reward, role)| format!("{reward} → role `{role}`"))
            .collect();
        v = v.field(
            "Roles",
            if roles.is_empty() {
                format!("none yet: {}", words.cmd("rewards role REWARD ROLE"))
            } else {
                roles.join(" · ")
            },
        );
    }
    v.field(
        "Your badges",
        if c.yours.is_empty() {
            "none yet".to_owned()
        } else {
            badge_line(&c.yours)
        },
    )
    .footer(if c.roles_here {
        "Rewards show as badges on boards and in stats, and as roles where a role is set."
    } else {
        "Rewards show as badges on boards and in stats."
    })
}
