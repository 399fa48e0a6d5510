//! Display names, cleaned once at the edge. Chat platforms hand us whatever a
//! person typed: 100,000 characters, terminal escapes, right-to-left
//! overrides, zero-width characters that make look-alike names on the boards.
//! A [`DisplayName`] can only be built through [`DisplayName::new`], so every
//! name the engine stores or shows has been through the same rules.

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// The longest name kept, in characters (Discord's own display-name cap).
pub const MAX_NAME_CHARS: usize = 32;

/// A person's name as shown on boards and reveals: NFC-normalised, without
/// control or format characters, whitespace collapsed, at most
/// [`MAX_NAME_CHARS`] characters, never empty.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DisplayName(String);

impl DisplayName {
    /// Cleans `raw`; a name with nothing left falls back to the platform's
    /// `user_id` (cleaned the same way), and to "someone" if even that is empty.
    pub fn new(raw: &str, user_id: &str) -> Self {
        let name = clean(raw);
        if !name.is_empty() {
            return Self(name);
        }
        let id = clean(user_id);
        Self(if id.is_empty() { "someone".into() } else { id })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for DisplayName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for DisplayName {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for DisplayName {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl AsRef<str> for DisplayName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Whether `c` is invisible machinery rather than part of a name: C0/C1
/// controls (escapes, NUL, newlines) and Unicode format characters (bidi
/// overrides and isolates, zero-width space/joiners, the BOM, tag characters).
pub fn is_hidden(c: char) -> bool {
    c.is_control() || c.general_category() == GeneralCategory::Format
}

/// NFC, hidden characters dropped, whitespace runs collapsed to one space,
/// trimmed, then cut to [`MAX_NAME_CHARS`].
fn clean(raw: &str) -> String {
    // Cap the work first: a name of 100,000 characters is not normalised whole.
    let bounded: String = raw.chars().take(MAX_NAME_CHARS * 8).collect();
    let visible: String = bounded.nfc().filter(|&c| !is_hidden(c)).collect();
    let words: Vec<&str> = visible.split_whitespace().collect();
    let joined = words.join(" ");
    let cut: String = joined.chars().take(MAX_NAME_CHARS).collect();
    cut.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(raw: &str) -> String {
        DisplayName::new(raw, "u-1").as_str().to_owned()
    }

    #[test]
    fn an_ordinary_name_is_kept_as_typed() {
        assert_eq!(name("Ana María"), "Ana María");
    }

    #[test]
    fn decomposed_accents_are_composed_so_look_alikes_compare_equal() {
        assert_eq!(name("Jose\u{301}"), "Jos\u{e9}");
    }

    #[test]
    fn terminal_escapes_and_nul_are_removed() {
        assert_eq!(name("\u{1b}[31mred\u{1b}[0m\0"), "[31mred[0m");
    }

    #[test]
    fn bidi_overrides_and_zero_width_characters_are_removed() {
        assert_eq!(
            name("ad\u{202e}nim\u{200b}\u{200d}\u{2066}x\u{feff}"),
            "adnimx"
        );
    }

    #[test]
    fn whitespace_runs_and_newlines_collapse_to_one_space() {
        assert_eq!(name("  ana \t\n  bo  "), "ana bo");
    }

    #[test]
    fn long_names_are_cut_to_32_characters_counted_as_chars() {
        let long = "é".repeat(100_000);
        assert_eq!(name(&long).chars().count(), MAX_NAME_CHARS);
        assert_eq!(name(&long), "é".repeat(32));
    }

    #[test]
    fn a_name_with_nothing_visible_falls_back_to_the_user_id() {
        assert_eq!(name("\u{200b}\u{202e} \0"), "u-1");
        assert_eq!(DisplayName::new("", "\0").as_str(), "someone");
    }

    #[test]
    fn markdown_is_left_for_the_renderers_to_escape() {
        assert_eq!(name("*bold* @everyone"), "*bold* @everyone");
    }
}
