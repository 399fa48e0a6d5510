//! The competition commands: seasons, period winners, privacy and
//! `forget me`. Kept apart from the daily grammar so each stays small; the
//! text form is parsed here and every front end builds the same commands.

use super::*;
use chrono::NaiveDate;

/// Longest season name, in characters.
pub const MAX_SEASON_NAME: usize = 80;

/// `/season ...`
#[derive(Debug, Clone, PartialEq)]
pub enum SeasonCommand {
    /// Admin: starts a season now, ending at midnight after `ends` in the
    /// channel's zone.
    Start {
        name: String,
        ends: NaiveDate,
        /// Empty means every topic counts.
        topics: Vec<Topic>,
        /// Played by teams: the teams of the start are frozen for it, and
        /// the team with the best average per active member wins.
        teams: bool,
    },
    /// Admin: ends the running season now and posts its results.
    End,
    /// The running season's board, with the asker's rank.
    Status,
    /// The hall of fame: past seasons and their champions.
    History,
    /// One past season's results, by id.
    Results { season: i64 },
}

/// Everything about competitions a person can ask for.
#[derive(Debug, Clone, PartialEq)]
pub enum CompeteCommand {
    Season(SeasonCommand),
    /// `/privacy hide` (true) or `/privacy show` (false).
    Privacy {
        hide: bool,
    },
    /// `/forget me`: without `confirm:yes` it only explains what goes.
    ForgetMe {
        confirmed: bool,
    },
    /// Admin: `/winners on|off` for weekly and monthly winners posts here.
    Winners {
        on: bool,
    },
    /// `/leaderboard improved|accuracy [week|month|all] [min:N]`: the
    /// fairness boards beside the main one.
    Board {
        kind: FairBoard,
        period: Period,
    },
    /// `/team ...`
    Team(TeamCommand),
    /// Admin: `/scoring [on-time:on|off] [streak:on|off]`; no options shows them.
    Scoring {
        on_time: Option<bool>,
        streak: Option<bool>,
    },
    /// `/round ...`: live rounds in this channel.
    Round(super::RoundCommand),
    /// `/rewards ...`: champion, milestone and streak rewards.
    Rewards(super::RewardsCommand),
}

/// `/team ...`
#[derive(Debug, Clone, PartialEq)]
pub enum TeamCommand {
    /// Admin: a new, empty team.
    Create { name: String },
    /// Join a team (leaving any other).
    Join { name: String },
    /// Admin: deal everyone who has scored into `teams` teams from last
    /// month's points; `seed` orders equal points.
    Balance { teams: usize, seed: u64 },
    /// Teams ranked by average points per active member.
    Board { period: Period },
}

/// Longest team name, in characters.
pub const MAX_TEAM_NAME: usize = 40;

/// A board that does not rank by raw points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FairBoard {
    /// Points gained over the previous period of the same kind.
    Improved,
    /// Share of scored answers right, among members with at least `min`.
    Accuracy { min: i64 },
}

impl CompeteCommand {
    pub fn name(&self) -> &'static str {
        match self {
            CompeteCommand::Season(_) => "season",
            CompeteCommand::Privacy { .. } => "privacy",
            CompeteCommand::ForgetMe { .. } => "forget",
            CompeteCommand::Winners { .. } => "winners",
            CompeteCommand::Board { .. } => "leaderboard",
            CompeteCommand::Scoring { .. } => "scoring",
            CompeteCommand::Team(_) => "team",
            CompeteCommand::Round(_) => "round",
            CompeteCommand::Rewards(_) => "rewards",
        }
    }

    pub fn needs_admin(&self) -> bool {
        match self {
            CompeteCommand::Season(SeasonCommand::Start { .. } | SeasonCommand::End)
            | CompeteCommand::Winners { .. }
            | CompeteCommand::Round(
                super::RoundCommand::Start { .. } | super::RoundCommand::Stop,
            )
            | CompeteCommand::Team(TeamCommand::Create { .. } | TeamCommand::Balance { .. }) => {
                true
            }
            // Anyone may see the switches; only admins change them.
            CompeteCommand::Scoring { on_time, streak } => on_time.is_some() || streak.is_some(),
            CompeteCommand::Rewards(r) => *r != super::RewardsCommand::Status,
            _ => false,
        }
    }
}

pub const SEASON_USAGE: &str =
    "/season start name:\"Winter 2027\" ends:YYYY-MM-DD [topics:a,b] [teams:yes] | end | status | history | results N";

/// Builds `/season start` from its options (the text grammar and slash shims).
pub fn season_start(
    name: &str,
    ends: &str,
    topics: Option<&str>,
    teams: bool,
) -> Result<SeasonCommand, ParseError> {
    let name = name.trim().trim_matches('"').trim();
    if name.is_empty() {
        return err(format!("name the season. Usage: {SEASON_USAGE}"));
    }
    if name.chars().count() > MAX_SEASON_NAME {
        return err(format!(
            "a season name has at most {MAX_SEASON_NAME} characters"
        ));
    }
    let ends = NaiveDate::parse_from_str(ends.trim(), "%Y-%m-%d").map_err(|_| {
        ParseError(format!(
            "`{ends}` is not a date: use YYYY-MM-DD, like 2027-03-31"
        ))
    })?;
    Ok(SeasonCommand::Start {
        name: name.to_owned(),
        ends,
        topics: build::topic_list(topics)?,
        teams,
    })
}

/// `/season ...` as text.
pub(super) fn season(rest: &str) -> Result<Command, ParseError> {
    let (sub, tail) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let tail = tail.trim();
    let simple = |cmd: SeasonCommand| {
        if tail.is_empty() {
            Ok(Command::Compete(CompeteCommand::Season(cmd)))
        } else {
            err(format!("/season {sub} takes no arguments"))
        }
    };
    match sub.to_ascii_lowercase().as_str() {
        "start" => start_text(tail).map(|c| Command::Compete(CompeteCommand::Season(c))),
        "end" => simple(SeasonCommand::End),
        "status" | "" => simple(SeasonCommand::Status),
        "history" | "hall-of-fame" => simple(SeasonCommand::History),
        "results" => {
            let season = tail
                .trim_start_matches('#')
                .parse()
                .map_err(|_| ParseError("name a season number, like /season results 1".into()))?;
            Ok(Command::Compete(CompeteCommand::Season(
                SeasonCommand::Results { season },
            )))
        }
        other => err(format!(
            "unknown `/season {other}`: use start, end, status, history or results"
        )),
    }
}

/// `name:"Two words" ends:D [topics:a,b] [teams:yes]`: the name may be quoted.
fn start_text(tail: &str) -> Result<SeasonCommand, ParseError> {
    let (name, rest) = take_quoted(tail, "name")?;
    let mut a = super::parse::Args::split(&rest);
    let name = match name {
        Some(n) => n,
        None => a
            .take("name")?
            .map(str::to_owned)
            .ok_or_else(|| ParseError(format!("missing name:. Usage: {SEASON_USAGE}")))?,
    };
    let ends = a
        .take("ends")?
        .ok_or_else(|| ParseError(format!("missing ends:. Usage: {SEASON_USAGE}")))?;
    let topics = a.take("topics")?;
    let teams = build::yes_no("teams", a.take("teams")?)?;
    let cmd = season_start(&name, ends, topics, teams)?;
    a.finish(SEASON_USAGE)?;
    Ok(cmd)
}

/// Pulls `key:"quoted value"` out of `text`; the rest is returned for the
/// ordinary option splitter.
fn take_quoted(text: &str, key: &str) -> Result<(Option<String>, String), ParseError> {
    let needle = format!("{key}:\"");
    let lower = text.to_ascii_lowercase();
    let Some(at) = lower.find(&needle) else {
        return Ok((None, text.to_owned()));
    };
    let start = at + needle.len();
    let Some(len) = text[start..].find('"') else {
        return err(format!("the quote after `{key}:` is not closed"));
    };
    let value = text[start..start + len].to_owned();
    let rest = format!("{} {}", &text[..at], &text[start + len + 1..]);
    Ok((Some(value), rest))
}

/// `/privacy hide|show`
pub(super) fn privacy(rest: &str) -> Result<Command, ParseError> {
    let hide = match rest.trim().to_ascii_lowercase().as_str() {
        "hide" | "on" => true,
        "show" | "off" => false,
        _ => return err("use /privacy hide or /privacy show"),
    };
    Ok(Command::Compete(CompeteCommand::Privacy { hide }))
}

/// `/forget me [confirm:yes]`
pub(super) fn forget(rest: &str) -> Result<Command, ParseError> {
    let mut words = rest.split_whitespace();
    if !words.next().is_some_and(|w| w.eq_ignore_ascii_case("me")) {
        return err("use /forget me (then /forget me confirm:yes)");
    }
    let confirmed = match words.next().map(str::to_ascii_lowercase).as_deref() {
        None => false,
        Some("confirm:yes" | "confirm:true") => true,
        Some(other) => return err(format!("unexpected `{other}`: use /forget me confirm:yes")),
    };
    if words.next().is_some() {
        return err("use /forget me confirm:yes");
    }
    Ok(Command::Compete(CompeteCommand::ForgetMe { confirmed }))
}

/// `/winners on|off`
pub(super) fn winners(rest: &str) -> Result<Command, ParseError> {
    let on = match rest.trim().to_ascii_lowercase().as_str() {
        "on" => true,
        "off" => false,
        _ => return err("use /winners on or /winners off"),
    };
    Ok(Command::Compete(CompeteCommand::Winners { on }))
}

/// Default minimum of scored answers on the accuracy board.
pub const ACCURACY_MIN: i64 = 3;

const BOARD_USAGE: &str =
    "/leaderboard improved [week|month] | /leaderboard accuracy [week|month|all] [min:N]";

/// `/leaderboard improved|accuracy ...`, or `None` for the main board.
pub(super) fn fair_board(rest: &str) -> Option<Result<Command, ParseError>> {
    let (first, tail) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let improved = match first.to_ascii_lowercase().as_str() {
        "improved" | "most-improved" => true,
        "accuracy" | "accurate" => false,
        _ => return None,
    };
    Some(fair_board_options(improved, tail))
}

fn fair_board_options(improved: bool, tail: &str) -> Result<Command, ParseError> {
    let mut a = super::parse::Args::split(tail);
    let period = match a.take("period")?.or_else(|| a.positional()) {
        Some(p) => p.parse().map_err(ParseError)?,
        None => Period::Week,
    };
    let min = match a.take("min")? {
        Some(m) => m
            .parse::<i64>()
            .ok()
            .filter(|m| (1..=1000).contains(m))
            .ok_or_else(|| ParseError(format!("`{m}` is not a number of answers (1 to 1000)")))?,
        None => ACCURACY_MIN,
    };
    a.finish(BOARD_USAGE)?;
    if improved && period == Period::All {
        return err(
            "most improved compares a week or a month with the one before: use week or month",
        );
    }
    let kind = if improved {
        FairBoard::Improved
    } else {
        FairBoard::Accuracy { min }
    };
    Ok(Command::Compete(CompeteCommand::Board { kind, period }))
}

const SCORING_USAGE: &str = "/scoring [on-time:on|off] [streak:on|off]";

/// `/scoring [on-time:on|off] [streak:on|off]`
pub(super) fn scoring(rest: &str) -> Result<Command, ParseError> {
    let switch = |v: Option<&str>| -> Result<Option<bool>, ParseError> {
        v.map(|v| match v.to_ascii_lowercase().as_str() {
            "on" | "true" | "yes" => Ok(true),
            "off" | "false" | "no" => Ok(false),
            _ => err(format!("`{v}`: use on or off. Usage: {SCORING_USAGE}")),
        })
        .transpose()
    };
    // `on-time:` has a dash, which the option splitter does not take as a key.
    let rest = rest.replace("on-time:", "ontime:");
    let mut a = super::parse::Args::split(&rest);
    let on_time = switch(a.take("ontime")?)?;
    let streak = switch(a.take("streak")?)?;
    a.finish(SCORING_USAGE)?;
    Ok(Command::Compete(CompeteCommand::Scoring {
        on_time,
        streak,
    }))
}

const TEAM_USAGE: &str =
    "/team create NAME | join NAME | balance teams:N [seed:S] | board [week|month|all]";

/// A team name, as given.
pub fn team_name(v: &str) -> Result<String, ParseError> {
    let name = v.trim().trim_matches('"').trim();
    if name.is_empty() {
        return err(format!("name the team. Usage: {TEAM_USAGE}"));
    }
    if name.chars().count() > MAX_TEAM_NAME {
        return err(format!(
            "a team name has at most {MAX_TEAM_NAME} characters"
        ));
    }
    Ok(name.to_owned())
}

/// `/team ...` as text.
pub(super) fn team(rest: &str) -> Result<Command, ParseError> {
    let (sub, tail) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let tail = tail.trim();
    let tail = tail.strip_prefix("name:").unwrap_or(tail);
    let cmd = match sub.to_ascii_lowercase().as_str() {
        "create" => TeamCommand::Create {
            name: team_name(tail)?,
        },
        "join" => TeamCommand::Join {
            name: team_name(tail)?,
        },
        "balance" => {
            let mut a = super::parse::Args::split(tail);
            let teams = a
                .take("teams")?
                .map(|n| n.parse::<usize>().ok().filter(|n| (2..=20).contains(n)))
                .ok_or_else(|| {
                    ParseError(format!(
                        "say how many teams, like teams:4. Usage: {TEAM_USAGE}"
                    ))
                })?
                .ok_or_else(|| ParseError("teams: takes 2 to 20".into()))?;
            let seed = match a.take("seed")? {
                Some(s) => s
                    .parse()
                    .map_err(|_| ParseError(format!("`{s}` is not a seed (a whole number)")))?,
                None => 0,
            };
            a.finish(TEAM_USAGE)?;
            TeamCommand::Balance { teams, seed }
        }
        "board" | "" => TeamCommand::Board {
            period: if tail.is_empty() {
                Period::Week
            } else {
                tail.parse().map_err(ParseError)?
            },
        },
        other => return err(format!("unknown `/team {other}`. Usage: {TEAM_USAGE}")),
    };
    Ok(Command::Compete(CompeteCommand::Team(cmd)))
}

#[cfg(test)]
#[path = "compete_tests.rs"]
mod tests;
