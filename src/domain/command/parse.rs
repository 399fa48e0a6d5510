//! Text form of the grammar: `/name [positional] [key:value ...] [free text]`.

use super::*;

/// Splits `rest` into positional words and `key:value` options. A value runs
/// to the next space; `time:09:30` keeps everything after the first ':'.
pub(super) struct Args<'a> {
    positional: Vec<&'a str>,
    options: Vec<(&'a str, &'a str)>,
}

impl<'a> Args<'a> {
    pub(super) fn split(rest: &'a str) -> Self {
        let mut positional = Vec::new();
        let mut options = Vec::new();
        for word in rest.split_whitespace() {
            match word.split_once(':') {
                Some((k, v)) if !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphabetic()) => {
                    options.push((k, v))
                }
                _ => positional.push(word),
            }
        }
        Self {
            positional,
            options,
        }
    }

    /// Takes option `key`, or errors if it is repeated.
    pub(super) fn take(&mut self, key: &str) -> Result<Option<&'a str>, ParseError> {
        let mut found = None;
        let mut i = 0;
        while i < self.options.len() {
            if self.options[i].0.eq_ignore_ascii_case(key) {
                if found.is_some() {
                    return err(format!("`{key}:` is given twice"));
                }
                found = Some(self.options.remove(i).1);
            } else {
                i += 1;
            }
        }
        Ok(found)
    }

    pub(super) fn positional(&mut self) -> Option<&'a str> {
        (!self.positional.is_empty()).then(|| self.positional.remove(0))
    }

    /// Errors on anything not consumed.
    pub(super) fn finish(self, usage: &str) -> Result<(), ParseError> {
        if let Some((k, _)) = self.options.first() {
            return err(format!("unknown option `{k}:`. Usage: {usage}"));
        }
        if let Some(w) = self.positional.first() {
            return err(format!("unexpected `{w}`. Usage: {usage}"));
        }
        Ok(())
    }
}

fn parse_with<T: std::str::FromStr<Err = String>>(v: &str) -> Result<T, ParseError> {
    v.parse().map_err(ParseError)
}

/// Parses `HH:MM` (24-hour).
pub fn parse_time(v: &str) -> Result<NaiveTime, ParseError> {
    NaiveTime::parse_from_str(v, "%H:%M").map_err(|_| {
        ParseError(format!(
            "`{v}` is not a time: use 24-hour HH:MM, like 09:30"
        ))
    })
}

/// Parses an IANA zone such as `Europe/London`.
pub fn parse_tz(v: &str) -> Result<Tz, ParseError> {
    v.parse::<Tz>().map_err(|_| {
        ParseError(format!(
            "`{v}` is not a time zone: use an IANA name like Europe/London or America/New_York"
        ))
    })
}

/// Parses one line of text into a [`Command`].
/// Every command name the grammar knows, for front ends that type commands
/// differently (see `view::Words::retype`).
pub const COMMAND_NAMES: &[&str] = &[
    "help",
    "quiz",
    "answer",
    "reveal",
    "full-answer",
    "answer-full",
    "full",
    "flag",
    "leaderboard",
    "lb",
    "stats",
    "streak",
    "daily",
    "questions",
    "flags",
    "regrade",
    "season",
    "seasons",
    "privacy",
    "forget",
    "winners",
    "scoring",
    "team",
    "teams",
    "round",
    "rewards",
    "reward",
];

pub fn parse(line: &str) -> Result<Command, ParseError> {
    let cleaned = strip_controls(line);
    if cleaned.trim().is_empty() && !line.trim().is_empty() {
        return err(ONLY_CONTROLS);
    }
    let line = cleaned.trim();
    // Slack sends `/prep quiz topic:sql` as the text `quiz topic:sql`, so the
    // leading slash is optional.
    let body = line.strip_prefix('/').unwrap_or(line);
    if body.is_empty() {
        return err("type a command, like /quiz or /help");
    }
    let (name, rest) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
    let rest = rest.trim();
    match name.to_ascii_lowercase().as_str() {
        "help" => Ok(Command::Help),
        "quiz" => quiz(rest),
        "answer" => answer(rest),
        "reveal" => no_args(rest, Command::Reveal, "/reveal"),
        "full-answer" | "answer-full" | "full" => Ok(Command::FullAnswer {
            post: optional_id(rest, "/full-answer [post-id]")?,
        }),
        "flag" => Ok(Command::Flag {
            post: optional_id(rest, "/flag [post-id]")?,
        }),
        "leaderboard" | "lb" => {
            super::compete::fair_board(rest).unwrap_or_else(|| leaderboard(rest))
        }
        "stats" => Ok(Command::Stats {
            member: (!rest.is_empty()).then(|| rest.trim_start_matches('@').to_owned()),
        }),
        "streak" => no_args(rest, Command::Streak, "/streak"),
        "daily" => daily(rest).map(Command::Daily),
        "questions" => questions(rest).map(Command::Questions),
        "flags" => no_args(rest, Command::Flags, "/flags"),
        "regrade" => regrade(rest),
        "season" | "seasons" => super::compete::season(rest),
        "privacy" => super::compete::privacy(rest),
        "forget" => super::compete::forget(rest),
        "winners" => super::compete::winners(rest),
        "scoring" => super::compete::scoring(rest),
        "team" | "teams" => super::compete::team(rest),
        "round" => super::round::round(rest),
        "rewards" | "reward" => super::rewards::rewards(rest),
        other => err(format!("unknown command `/{other}`: try /help")),
    }
}

fn no_args(rest: &str, cmd: Command, usage: &str) -> Result<Command, ParseError> {
    if rest.is_empty() {
        Ok(cmd)
    } else {
        err(format!("{usage} takes no arguments"))
    }
}

fn optional_id(rest: &str, usage: &str) -> Result<Option<i64>, ParseError> {
    if rest.is_empty() {
        return Ok(None);
    }
    rest.trim_start_matches('#')
        .parse()
        .map(Some)
        .map_err(|_| ParseError(format!("`{rest}` is not a post id. Usage: {usage}")))
}

const QUIZ_USAGE: &str =
    "/quiz [topic:T] [difficulty:easy|medium|hard] [format:open|choice|truefalse|sql]";

fn quiz(rest: &str) -> Result<Command, ParseError> {
    let mut a = Args::split(rest);
    let filter = QuizFilter {
        topic: a.take("topic")?.map(build::required_topic).transpose()?,
        difficulty: a.take("difficulty")?.map(parse_with).transpose()?,
        format: a.take("format")?.map(parse_with).transpose()?,
    };
    a.finish(QUIZ_USAGE)?;
    Ok(Command::Quiz(filter))
}

fn answer(rest: &str) -> Result<Command, ParseError> {
    // `/answer #12 text` targets post 12; otherwise the current question.
    let (post, text) = match rest.split_once(char::is_whitespace) {
        Some((first, tail)) if first.starts_with('#') && first[1..].parse::<i64>().is_ok() => {
            (first[1..].parse().ok(), tail.trim())
        }
        _ => (None, rest),
    };
    build::answer(post, text)
}

const LB_USAGE: &str = "/leaderboard [week|month|all] [topic:T] [page:N]";

fn leaderboard(rest: &str) -> Result<Command, ParseError> {
    let mut a = Args::split(rest);
    let period = match a.take("period")?.or_else(|| a.positional()) {
        Some(p) => parse_with(p)?,
        None => Period::Week,
    };
    let topic = a.take("topic")?.map(build::required_topic).transpose()?;
    let page = match a.take("page")? {
        Some(p) => p
            .parse::<u32>()
            .ok()
            .filter(|&p| p >= 1)
            .ok_or_else(|| ParseError(format!("`{p}` is not a page number")))?,
        None => 1,
    };
    a.finish(LB_USAGE)?;
    Ok(Command::Leaderboard {
        period,
        topic,
        page,
    })
}

const SETUP_USAGE: &str =
    "/daily setup time:HH:MM tz:Area/City [reveal:HH:MM] [days:weekdays|daily] [topics:a,b]";

fn daily(rest: &str) -> Result<DailyCommand, ParseError> {
    let (sub, tail) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let simple = |cmd: DailyCommand| {
        if tail.trim().is_empty() {
            Ok(cmd)
        } else {
            err(format!("/daily {sub} takes no arguments"))
        }
    };
    match sub {
        "setup" => daily_setup(tail),
        "post" | "post-now" => simple(DailyCommand::Post),
        "status" | "" => simple(DailyCommand::Status),
        "pause" => simple(DailyCommand::Pause),
        "resume" => simple(DailyCommand::Resume),
        other => err(format!(
            "unknown `/daily {other}`: use setup, post, status, pause or resume"
        )),
    }
}

fn daily_setup(rest: &str) -> Result<DailyCommand, ParseError> {
    let mut a = Args::split(rest);
    let time = a
        .take("time")?
        .ok_or_else(|| ParseError(format!("missing time:. Usage: {SETUP_USAGE}")))?;
    let tz = a
        .take("tz")?
        .or(a.take("timezone")?)
        .ok_or_else(|| ParseError(format!("missing tz:. Usage: {SETUP_USAGE}")))?;
    let setup = DailySetup::from_options(
        time,
        tz,
        a.take("reveal")?,
        a.take("days")?,
        a.take("topics")?,
    )?;
    a.finish(SETUP_USAGE)?;
    Ok(DailyCommand::Setup(setup))
}

const ADD_USAGE: &str =
    "/questions add FILE [replace:true] (or attach the bank file to the command)";
const REMOVE_USAGE: &str = "/questions remove id:QUESTION-ID";

fn questions(rest: &str) -> Result<QuestionsCommand, ParseError> {
    let (sub, tail) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let tail = tail.trim();
    match sub {
        "add" => questions_add(tail),
        "remove" => questions_remove(tail),
        "disable-topic" => build::required_topic(tail).map(QuestionsCommand::DisableTopic),
        "enable-topic" => build::required_topic(tail).map(QuestionsCommand::EnableTopic),
        "list" | "" => Ok(QuestionsCommand::List),
        other => err(format!(
            "unknown `/questions {other}`: use add, remove, disable-topic, enable-topic or list"
        )),
    }
}

/// `add [replace:B] FILE` or `add FILE [replace:B]`. The file (console) or
/// TOML text is everything else, so only a first or last word can be the
/// option: a word inside TOML text never is.
fn questions_add(tail: &str) -> Result<QuestionsCommand, ParseError> {
    let first = tail.split_whitespace().next().unwrap_or("");
    let last = tail.split_whitespace().next_back().unwrap_or("");
    let (replace, toml) = if let Some(v) = replace_value(first) {
        (v?, tail[first.len()..].trim())
    } else if let Some(v) = replace_value(last) {
        (v?, tail[..tail.len() - last.len()].trim())
    } else {
        (false, tail)
    };
    if toml.is_empty() {
        return err(format!("usage: {ADD_USAGE}"));
    }
    Ok(QuestionsCommand::Add {
        toml: toml.to_owned(),
        replace,
    })
}

/// The value of a `replace:` word, if `word` is one.
fn replace_value(word: &str) -> Option<Result<bool, ParseError>> {
    let (k, v) = word.split_once(':')?;
    if !k.eq_ignore_ascii_case("replace") {
        return None;
    }
    Some(match v.to_ascii_lowercase().as_str() {
        "true" | "yes" => Ok(true),
        "false" | "no" => Ok(false),
        _ => err(format!("`replace:{v}`: use replace:true or replace:false")),
    })
}

fn questions_remove(tail: &str) -> Result<QuestionsCommand, ParseError> {
    let mut a = Args::split(tail);
    let id = a
        .take("id")?
        .or_else(|| a.positional())
        .ok_or_else(|| ParseError(format!("name the question. Usage: {REMOVE_USAGE}")))?;
    let id = QuestionId::parse(id).map_err(ParseError)?;
    a.finish(REMOVE_USAGE)?;
    Ok(QuestionsCommand::Remove { id })
}

const REGRADE_USAGE: &str = "/regrade ANSWER-ID correct|partial|incorrect [note]";

fn regrade(rest: &str) -> Result<Command, ParseError> {
    let mut words = rest.splitn(3, char::is_whitespace);
    let answer = words
        .next()
        .and_then(|w| w.trim_start_matches('#').parse().ok())
        .ok_or_else(|| ParseError(format!("usage: {REGRADE_USAGE}")))?;
    let verdict = words
        .next()
        .ok_or_else(|| ParseError(format!("usage: {REGRADE_USAGE}")))?
        .parse()
        .map_err(ParseError)?;
    let note = words
        .next()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    Ok(Command::Regrade {
        answer,
        verdict,
        note,
    })
}
