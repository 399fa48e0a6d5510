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
}

impl CompeteCommand {
    pub fn name(&self) -> &'static str {
        match self {
            CompeteCommand::Season(_) => "season",
            CompeteCommand::Privacy { .. } => "privacy",
            CompeteCommand::ForgetMe { .. } => "forget",
            CompeteCommand::Winners { .. } => "winners",
        }
    }

    pub fn needs_admin(&self) -> bool {
        matches!(
            self,
            CompeteCommand::Season(SeasonCommand::Start { .. } | SeasonCommand::End)
                | CompeteCommand::Winners { .. }
        )
    }
}

pub const SEASON_USAGE: &str =
    "/season start name:\"Winter 2027\" ends:YYYY-MM-DD [topics:a,b] | end | status | history | results N";

/// Builds `/season start` from its options (the text grammar and slash shims).
pub fn season_start(
    name: &str,
    ends: &str,
    topics: Option<&str>,
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

/// `name:"Two words" ends:D [topics:a,b]`: the name may be quoted.
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
    let cmd = season_start(&name, ends, a.take("topics")?)?;
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

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    fn season_of(line: &str) -> SeasonCommand {
        match parse(line) {
            Ok(Command::Compete(CompeteCommand::Season(s))) => s,
            other => panic!("{line}: {other:?}"),
        }
    }

    #[test]
    fn a_season_start_takes_a_quoted_name_an_end_date_and_topics() {
        assert_eq!(
            season_of("/season start name:\"Winter 2027\" ends:2027-03-31 topics:sql,spark"),
            SeasonCommand::Start {
                name: "Winter 2027".into(),
                ends: NaiveDate::from_ymd_opt(2027, 3, 31).unwrap(),
                topics: vec![Topic::parse("sql").unwrap(), Topic::parse("spark").unwrap()],
            }
        );
        let SeasonCommand::Start { name, .. } = season_of("/season start ends:2027-01-01 name:Q1")
        else {
            panic!()
        };
        assert_eq!(name, "Q1");
    }

    #[test]
    fn a_season_start_explains_a_missing_name_or_a_bad_date() {
        assert!(parse("/season start ends:2027-03-31")
            .unwrap_err()
            .0
            .contains("missing name"));
        assert!(parse("/season start name:X ends:31/03/2027")
            .unwrap_err()
            .0
            .contains("YYYY-MM-DD"));
        assert!(parse("/season start name:\"open ends:2027-03-31")
            .unwrap_err()
            .0
            .contains("not closed"));
    }

    #[test]
    fn season_subcommands_and_who_may_run_them() {
        assert_eq!(season_of("/season"), SeasonCommand::Status);
        assert_eq!(season_of("/season history"), SeasonCommand::History);
        assert_eq!(
            season_of("/season results #3"),
            SeasonCommand::Results { season: 3 }
        );
        assert!(parse("/season end").unwrap().needs_admin());
        assert!(!parse("/season status").unwrap().needs_admin());
        assert!(parse("/winners on").unwrap().needs_admin());
    }

    #[test]
    fn privacy_and_forget_me_need_a_clear_word() {
        assert_eq!(
            parse("/privacy hide").unwrap(),
            Command::Compete(CompeteCommand::Privacy { hide: true })
        );
        assert_eq!(
            parse("/forget me").unwrap(),
            Command::Compete(CompeteCommand::ForgetMe { confirmed: false })
        );
        assert_eq!(
            parse("/forget me confirm:yes").unwrap(),
            Command::Compete(CompeteCommand::ForgetMe { confirmed: true })
        );
        assert!(parse("/forget you").is_err());
        assert!(parse("/privacy maybe").is_err());
    }
}
