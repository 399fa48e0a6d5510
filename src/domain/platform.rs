//! The chat platforms prepbot speaks to. Every place, effect and claimed
//! piece of scheduled work names one, so a process only ever claims and
//! delivers the work of the platforms it serves.

use std::fmt;

/// Which front end a command came from, and which one delivers an effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Platform {
    Console,
    Discord,
    Slack,
}

impl Platform {
    pub const ALL: [Platform; 3] = [Platform::Console, Platform::Discord, Platform::Slack];

    /// The value stored in `guilds.platform`.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Console => "console",
            Platform::Discord => "discord",
            Platform::Slack => "slack",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Platform {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Platform::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| format!("unknown platform `{s}`"))
    }
}

/// The names of `platforms` as stored, for `= ANY($n)` in queries.
pub fn names(platforms: &[Platform]) -> Vec<String> {
    platforms.iter().map(|p| p.as_str().to_owned()).collect()
}
