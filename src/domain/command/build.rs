//! Constructors that validate: the one place a command's arguments are
//! checked. The text grammar ([`super::parse`]) and every front end's
//! options (Discord slash options, Slack's `/prep` text, buttons and
//! modals) build commands through these, so a check is never written twice.

use super::*;

/// A topic option: trimmed and lower-cased; empty means "any". Whether the
/// bank knows the topic is the engine's check (custom banks differ per server).
pub fn topic(v: Option<&str>) -> Result<Option<Topic>, ParseError> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => Topic::parse(&s.to_ascii_lowercase())
            .map(Some)
            .map_err(|_| ParseError(format!("`{s}` is not a topic: see /help for the list"))),
    }
}

/// A topic that must be given (`/questions disable-topic T`).
pub fn required_topic(v: &str) -> Result<Topic, ParseError> {
    topic(Some(v))?.ok_or_else(|| ParseError("name a topic".into()))
}

/// A comma-separated topic list, as `/daily setup topics:a,b` takes it.
pub fn topic_list(v: Option<&str>) -> Result<Vec<Topic>, ParseError> {
    v.unwrap_or_default()
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|t| topic(Some(t)).map(|t| t.expect("non-empty")))
        .collect()
}

/// A `key:yes|no` option (also on/off, true/false); absent means no.
pub fn yes_no(key: &str, v: Option<&str>) -> Result<bool, ParseError> {
    match v.map(str::to_ascii_lowercase).as_deref() {
        None | Some("no" | "off" | "false") => Ok(false),
        Some("yes" | "on" | "true") => Ok(true),
        Some(other) => err(format!("`{key}:{other}`: use {key}:yes or {key}:no")),
    }
}

/// A typed answer (a slash command, a modal, a console line).
pub fn answer(post: Option<i64>, text: &str) -> Result<Command, ParseError> {
    let text = text.trim();
    if text.is_empty() {
        return err("write your answer first, like: /answer Kafka keeps order per partition");
    }
    let n = text.chars().count();
    if n > MAX_ANSWER_CHARS {
        return err(format!(
            "your answer is {n} characters; the limit is {MAX_ANSWER_CHARS}. Trim it and send it again"
        ));
    }
    if post.is_some_and(|p| p < 1) {
        return err("question numbers start at 1");
    }
    Ok(Command::Answer {
        post,
        text: text.to_owned(),
    })
}

/// Options picked with buttons or a select menu.
pub fn choose(post: i64, options: Vec<String>) -> Result<Command, ParseError> {
    let mut options: Vec<String> = options
        .into_iter()
        .map(|o| o.trim().to_ascii_lowercase())
        .filter(|o| !o.is_empty())
        .collect();
    options.sort();
    options.dedup();
    if options.is_empty() {
        return err("pick at least one option");
    }
    if options.len() > 26 || options.iter().any(|o| o.len() > 8) {
        return err("that is not an option of this question");
    }
    Ok(Command::Choose { post, options })
}

impl DailySetup {
    /// `/daily setup` from its options, as text.
    pub fn from_options(
        time: &str,
        tz: &str,
        reveal: Option<&str>,
        days: Option<&str>,
        topics: Option<&str>,
    ) -> Result<Self, ParseError> {
        Ok(DailySetup {
            time: parse_time(time.trim())?,
            tz: parse_tz(tz.trim())?,
            reveal: reveal
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(parse_time)
                .transpose()?,
            days: days
                .map(|d| d.trim().to_ascii_lowercase().parse().map_err(ParseError))
                .transpose()?
                .unwrap_or(Days::Daily),
            topics: topic_list(topics)?,
        })
    }
}
