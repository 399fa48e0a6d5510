//! Escaping for chat markup. Names, answers and other text people typed are
//! shown inside messages that Discord and Slack render as markdown, where
//! `*`, `_`, `<@id>` or `@everyone` would format the message or ping people.
//! Renderers pass such text through [`escape_markdown`] (Discord) or
//! [`escape_slack`] (Slack mrkdwn) before putting it in a message.

/// Characters with meaning in Discord markdown (emphasis, code, spoilers,
/// quotes, headings, lists, links, masked links, mentions, escapes).
const DISCORD_SPECIAL: &[char] = &[
    '\\', '*', '_', '~', '`', '|', '>', '#', '-', '[', ']', '(', ')', '<', '@',
];

/// Zero-width space: breaks `@everyone` into text that pings nobody.
const ZWSP: char = '\u{200b}';

/// `text` shown literally in a Discord message: every markdown character is
/// backslash-escaped, and `@everyone` / `@here` cannot ping.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for (i, c) in text.char_indices() {
        if DISCORD_SPECIAL.contains(&c) {
            out.push('\\');
        }
        out.push(c);
        if c == '@' && starts_mass_mention(&text[i + 1..]) {
            out.push(ZWSP);
        }
    }
    out
}

/// `text` shown literally in Slack mrkdwn: `&`, `<` and `>` as entities (which
/// also disarms `<!everyone>`, `<@U123>` and links), formatting characters
/// and bare `@channel`-style mentions broken with a zero-width space.
pub fn escape_slack(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for (i, c) in text.char_indices() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '*' | '_' | '~' | '`' => {
                out.push(c);
                out.push(ZWSP);
            }
            '@' => {
                out.push(c);
                if starts_mass_mention(&text[i + 1..]) || text[i + 1..].starts_with("channel") {
                    out.push(ZWSP);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

fn starts_mass_mention(rest: &str) -> bool {
    let lower = rest
        .chars()
        .take(8)
        .collect::<String>()
        .to_ascii_lowercase();
    lower.starts_with("everyone") || lower.starts_with("here")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_unchanged() {
        assert_eq!(escape_markdown("Ana María 42"), "Ana María 42");
        assert_eq!(escape_slack("Ana María 42"), "Ana María 42");
    }

    #[test]
    fn discord_emphasis_code_spoilers_and_quotes_are_escaped() {
        assert_eq!(escape_markdown("*b* _i_ ~~s~~"), r"\*b\* \_i\_ \~\~s\~\~");
        assert_eq!(escape_markdown("`x` ||spoiler||"), r"\`x\` \|\|spoiler\|\|");
        assert_eq!(escape_markdown("> quote"), r"\> quote");
        assert_eq!(escape_markdown("# Big"), r"\# Big");
    }

    #[test]
    fn discord_links_and_mentions_are_escaped() {
        assert_eq!(
            escape_markdown("[click](https://x.io)"),
            r"\[click\]\(https://x.io\)"
        );
        assert_eq!(escape_markdown("<@123> <#9>"), r"\<\@123\> \<\#9\>");
    }

    #[test]
    fn everyone_and_here_cannot_ping_on_discord() {
        let out = escape_markdown("@everyone and @Here");
        assert_eq!(out, "\\@\u{200b}everyone and \\@\u{200b}Here");
        assert!(!out.contains("@everyone"));
        assert!(!out.contains("@Here"));
    }

    #[test]
    fn a_backslash_is_escaped_so_it_cannot_unescape_what_follows() {
        assert_eq!(escape_markdown(r"\*"), r"\\\*");
    }

    #[test]
    fn slack_mentions_and_links_become_entities() {
        assert_eq!(
            escape_slack("<!everyone> <@U1> a&b"),
            "&lt;!everyone&gt; &lt;@U1&gt; a&amp;b"
        );
    }

    #[test]
    fn slack_formatting_and_bare_mass_mentions_are_broken() {
        assert_eq!(escape_slack("*b*"), "*\u{200b}b*\u{200b}");
        let out = escape_slack("@channel @here @everyone");
        assert!(!out.contains("@channel") && !out.contains("@here") && !out.contains("@everyone"));
    }
}
