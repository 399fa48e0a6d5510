//! Who may run admin commands in a workspace: its admins and owners
//! (`users.info`) and, when `SLACK_ADMIN_GROUP` is set, the members of that
//! user group (`usergroups.users.list`, scope `usergroups:read`). Slack is
//! asked only when a command needs an admin (and on opening the App Home),
//! and a failed question counts as "not an admin": the person is told who
//! may, never let in by mistake.
//!
//! An answer is remembered for [`FRESH`], because `usergroups.users.list`
//! is a Tier 2 method (about 20 calls a minute per workspace): a busy Home
//! tab would otherwise run into 429s, and every admin would lose their
//! rights while it lasts. While Slack cannot be asked, an answer up to
//! [`STALE_OK`] old stands in for a new one.

use super::api::{Api, ApiError};
use super::config::SlackConfig;
use super::WORDS;
use crate::domain::view::Words;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long Slack's answer is taken without asking again: so long may a
/// person removed from the admins keep their rights.
pub const FRESH: Duration = Duration::from_secs(60);

/// How old an answer may be and still stand in while Slack cannot be asked.
pub const STALE_OK: Duration = Duration::from_secs(600);

/// The answers remembered, by (workspace, person).
#[derive(Debug)]
pub struct Known {
    answers: Mutex<HashMap<(String, String), (Instant, bool)>>,
    fresh: Duration,
    stale_ok: Duration,
}

impl Default for Known {
    fn default() -> Self {
        Self {
            answers: Mutex::default(),
            fresh: FRESH,
            stale_ok: STALE_OK,
        }
    }
}

impl Known {
    /// Whether `user` of `team` is an admin: remembered if fresh, else
    /// asked of Slack with `ask` (`None`: it could not say).
    pub async fn admin(
        &self,
        team: &str,
        user: &str,
        ask: impl std::future::Future<Output = Option<bool>>,
    ) -> bool {
        let key = (team.to_owned(), user.to_owned());
        let known = self.answers.lock().unwrap().get(&key).copied();
        if let Some((_, admin)) = known.filter(|(at, _)| at.elapsed() < self.fresh) {
            return admin;
        }
        let Some(admin) = ask.await else {
            return known.is_some_and(|(at, admin)| admin && at.elapsed() < self.stale_ok);
        };
        let mut all = self.answers.lock().unwrap();
        if all.len() >= 10_000 {
            // Bounded: the answers too old to stand in are dropped.
            all.retain(|_, (at, _)| at.elapsed() < self.stale_ok);
        }
        all.insert(key, (Instant::now(), admin));
        admin
    }
}

/// Slack's words when a user group's members are admins too.
pub const WORDS_WITH_GROUP: Words = Words {
    admins: "workspace admins and owners, and members of prepbot's admin user group",
    ..WORDS
};

/// The words of a workspace configured as `config` says.
pub fn words(config: &SlackConfig) -> Words {
    match config.admin_group {
        Some(_) => WORDS_WITH_GROUP,
        None => WORDS,
    }
}

/// Whether `user` is a workspace admin or owner, or in `group`; `None`
/// when Slack could not say (and did not say yes).
pub async fn is_admin(api: &Api, group: Option<&str>, user: &str) -> Option<bool> {
    let workspace = workspace_admin(api, user).await;
    if workspace == Some(true) {
        return Some(true);
    }
    let in_group = match group {
        Some(group) => in_group(api, group, user).await,
        None => Some(false),
    };
    match (workspace, in_group) {
        (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

async fn workspace_admin(api: &Api, user: &str) -> Option<bool> {
    match api.read("users.info", &[("user", user)]).await {
        Ok(v) => {
            let flag = |k: &str| v["user"][k].as_bool() == Some(true);
            Some(flag("is_admin") || flag("is_owner") || flag("is_primary_owner"))
        }
        Err(e) => {
            tracing::warn!(error = %e, "users.info failed; treating the person as a member");
            None
        }
    }
}

async fn in_group(api: &Api, group: &str, user: &str) -> Option<bool> {
    match api
        .read("usergroups.users.list", &[("usergroup", group)])
        .await
    {
        Ok(v) => Some(
            v["users"]
                .as_array()
                .is_some_and(|users| users.iter().any(|u| u.as_str() == Some(user))),
        ),
        Err(ApiError::Slack(code)) if code == "no_such_subteam" => {
            tracing::warn!(
                group,
                "SLACK_ADMIN_GROUP is not a user group of this workspace"
            );
            Some(false)
        }
        Err(e) => {
            tracing::warn!(error = %e, group, "usergroups.users.list failed; treating the person as a member");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A question to Slack that answers `says` and counts itself.
    async fn ask(asked: &AtomicUsize, says: Option<bool>) -> Option<bool> {
        asked.fetch_add(1, Ordering::Relaxed);
        says
    }

    #[tokio::test]
    async fn an_answer_is_remembered_while_fresh_per_workspace_and_person() {
        let known = Known::default();
        let asked = AtomicUsize::new(0);
        assert!(known.admin("T1", "U1", ask(&asked, Some(true))).await);
        assert!(known.admin("T1", "U1", ask(&asked, Some(false))).await);
        assert!(!known.admin("T1", "U2", ask(&asked, Some(false))).await);
        assert!(!known.admin("T2", "U1", ask(&asked, Some(false))).await);
        assert_eq!(asked.load(Ordering::Relaxed), 3, "U1 of T1 asked once");
    }

    #[tokio::test]
    async fn while_slack_cannot_say_only_a_remembered_yes_young_enough_stands_in() {
        let known = Known {
            fresh: Duration::ZERO,
            ..Known::default()
        };
        let asked = AtomicUsize::new(0);
        assert!(known.admin("T", "admin", ask(&asked, Some(true))).await);
        assert!(!known.admin("T", "member", ask(&asked, Some(false))).await);
        assert!(known.admin("T", "admin", ask(&asked, None)).await);
        assert!(!known.admin("T", "member", ask(&asked, None)).await);
        assert!(!known.admin("T", "stranger", ask(&asked, None)).await);
        assert_eq!(
            asked.load(Ordering::Relaxed),
            5,
            "never fresh: always asked"
        );
        let strict = Known {
            fresh: Duration::ZERO,
            stale_ok: Duration::ZERO,
            ..Known::default()
        };
        assert!(strict.admin("T", "admin", ask(&asked, Some(true))).await);
        assert!(
            !strict.admin("T", "admin", ask(&asked, None)).await,
            "too old"
        );
    }
}
