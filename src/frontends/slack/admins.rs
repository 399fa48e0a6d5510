//! Who may run admin commands in a workspace: its admins and owners
//! (`users.info`) and, when `SLACK_ADMIN_GROUP` is set, the members of that
//! user group (`usergroups.users.list`, scope `usergroups:read`). Slack is
//! asked only when a command needs an admin, and a failed question counts
//! as "not an admin": the person is told who may, never let in by mistake.

use super::api::{Api, ApiError};
use super::config::SlackConfig;
use super::WORDS;
use crate::domain::view::Words;

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

/// Whether `user` is a workspace admin or owner, or in `group`.
pub async fn is_admin(api: &Api, group: Option<&str>, user: &str) -> bool {
    if workspace_admin(api, user).await {
        return true;
    }
    match group {
        Some(group) => in_group(api, group, user).await,
        None => false,
    }
}

async fn workspace_admin(api: &Api, user: &str) -> bool {
    match api.read("users.info", &[("user", user)]).await {
        Ok(v) => {
            let flag = |k: &str| v["user"][k].as_bool() == Some(true);
            flag("is_admin") || flag("is_owner") || flag("is_primary_owner")
        }
        Err(e) => {
            tracing::warn!(error = %e, "users.info failed; treating the person as a member");
            false
        }
    }
}

async fn in_group(api: &Api, group: &str, user: &str) -> bool {
    match api
        .read("usergroups.users.list", &[("usergroup", group)])
        .await
    {
        Ok(v) => v["users"]
            .as_array()
            .is_some_and(|users| users.iter().any(|u| u.as_str() == Some(user))),
        Err(ApiError::Slack(code)) if code == "no_such_subteam" => {
            tracing::warn!(
                group,
                "SLACK_ADMIN_GROUP is not a user group of this workspace"
            );
            false
        }
        Err(e) => {
            tracing::warn!(error = %e, group, "usergroups.users.list failed; treating the person as a member");
            false
        }
    }
}
