//! Reward roles on Discord: the notifier's role changes, and the check
//! `/rewards role` makes before a role is stored.
//!
//! A change is `PUT` (give) or `DELETE` (take)
//! `/guilds/{guild}/members/{user}/roles/{role}`, which Discord answers 204
//! and which is safe to repeat, so a change re-sent after the claim lease
//! cannot do harm. Discord refuses it with 403 50013 Missing Permissions
//! when the bot lacks Manage Roles or the role is not below the bot's
//! highest role; the check here refuses such a role at setup, from the
//! interaction's resolved role plus the bot's own roles (their permissions
//! and positions), so the scheduler never meets that refusal unless the
//! server changed since.

use super::answers::classify;
use super::notifier::DiscordNotifier;
use crate::delivery::DeliveryError;
use poise::serenity_prelude::{GuildId, LightMethod, Permissions, Request, RoleId, Route, UserId};
use serde_json::Value;

impl DiscordNotifier {
    /// Gives (`give`) or takes `role` of `member` in `guild`: one attempt.
    pub(super) async fn set_role(
        &self,
        guild: &str,
        member: &str,
        role: &str,
        give: bool,
    ) -> Result<(), DeliveryError> {
        let id = |s: &str, what: &str| {
            s.parse::<u64>().ok().filter(|&n| n > 0).ok_or_else(|| {
                DeliveryError::Permanent(format!("`{s}` is not a Discord {what} id"))
            })
        };
        let route = Route::GuildMemberRole {
            guild_id: GuildId::new(id(guild, "server")?),
            user_id: UserId::new(id(member, "user")?),
            role_id: RoleId::new(id(role, "role")?),
        };
        let method = if give {
            LightMethod::Put
        } else {
            LightMethod::Delete
        };
        let request = Request::new(route, method)
            .build(&self.client, self.http.token(), self.http.proxy.as_deref())
            .map_err(|e| DeliveryError::Failed(format!("building request: {e}")))?;
        self.pacer.wait().await;
        let response = request
            .send()
            .await
            .map_err(|e| DeliveryError::Transient(format!("request: {e}")))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|e| DeliveryError::Transient(format!("reading body: {e}")))?;
        if (200..300).contains(&status) {
            return Ok(());
        }
        let code = serde_json::from_slice::<Value>(&body)
            .ok()
            .and_then(|v| v["code"].as_u64());
        match role_refusal(status, code, give) {
            Some(Ok(())) => Ok(()),
            Some(Err(why)) => Err(DeliveryError::Permanent(why.into())),
            None => Err(classify(status, &headers, &body)),
        }
    }
}

/// Answers to a role change that no retry can change: `Ok` when the change
/// is moot (taking a role from someone who left), else why it cannot be
/// done, in words an admin can act on.
pub fn role_refusal(
    status: u16,
    code: Option<u64>,
    give: bool,
) -> Option<Result<(), &'static str>> {
    Some(match (status, code?) {
        (404, 10007) if !give => Ok(()),
        (404, 10007) => Err("the member left the server"),
        (404, 10011) => Err("the role no longer exists; set another with /rewards role"),
        (403, 50013) | (403, 50001) => Err(
            "the bot lacks Manage Roles, or the role is not below the bot's highest role; fix it in Server Settings → Roles, then run /rewards role again",
        ),
        _ => return None,
    })
}

/// A role as the setup check sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleFacts {
    pub name: String,
    pub position: i64,
    /// Managed by an integration (a bot's own role, a booster role):
    /// nobody can give it.
    pub managed: bool,
    /// The @everyone role (its id is the server's).
    pub everyone: bool,
}

/// Why the bot could not give `role`, or `None` if it can: the bot has
/// `bot` permissions (unknown: `None`) and its highest role is at
/// `bot_top` (its highest role's name and position; `None`: it has none).
/// Every missing piece is named.
pub fn role_problem(
    role: &RoleFacts,
    bot: Option<Permissions>,
    bot_top: Option<(&str, i64)>,
) -> Option<String> {
    let name = &role.name;
    if role.everyone {
        return Some("@everyone cannot be a reward: pick another role.".into());
    }
    if role.managed {
        return Some(format!(
            "@{name} is managed by an integration, so nobody can give it: pick another role."
        ));
    }
    let mut missing = Vec::new();
    let can_manage = bot.is_some_and(|p| p.administrator() || p.manage_roles());
    if !can_manage {
        missing.push("I am missing the Manage Roles permission".to_owned());
    }
    match bot_top {
        Some((_, at)) if at > role.position => {}
        Some((top, _)) => missing.push(format!(
            "my highest role, @{top}, must be above @{name} in Server Settings → Roles (drag it higher)"
        )),
        None => missing.push(format!(
            "I need a role above @{name} in Server Settings → Roles"
        )),
    }
    (!missing.is_empty()).then(|| {
        format!(
            "I cannot give @{name}: {}. Then run /rewards role again.",
            missing.join("; and ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(position: i64) -> RoleFacts {
        RoleFacts {
            name: "Champion".into(),
            position,
            managed: false,
            everyone: false,
        }
    }

    #[test]
    fn a_role_below_the_bots_with_manage_roles_is_fine() {
        let perms = Some(Permissions::MANAGE_ROLES);
        assert_eq!(role_problem(&role(2), perms, Some(("prepbot", 3))), None);
        let admin = Some(Permissions::ADMINISTRATOR);
        assert_eq!(role_problem(&role(2), admin, Some(("prepbot", 3))), None);
    }

    #[test]
    fn missing_manage_roles_and_a_role_too_high_are_both_named() {
        let why = role_problem(
            &role(3),
            Some(Permissions::SEND_MESSAGES),
            Some(("prepbot", 3)),
        )
        .unwrap();
        assert!(why.contains("Manage Roles"), "{why}");
        assert!(why.contains("@prepbot, must be above @Champion"), "{why}");
        let why = role_problem(&role(1), None, None).unwrap();
        assert!(
            why.contains("Manage Roles") && why.contains("I need a role above"),
            "{why}"
        );
    }

    #[test]
    fn everyone_and_managed_roles_are_refused() {
        let perms = Some(Permissions::MANAGE_ROLES);
        let everyone = RoleFacts {
            everyone: true,
            ..role(0)
        };
        assert!(role_problem(&everyone, perms, Some(("prepbot", 3)))
            .unwrap()
            .contains("@everyone"));
        let managed = RoleFacts {
            managed: true,
            ..role(1)
        };
        assert!(role_problem(&managed, perms, Some(("prepbot", 3)))
            .unwrap()
            .contains("managed"));
    }

    #[test]
    fn refused_role_changes_are_permanent_but_taking_from_a_leaver_is_moot() {
        assert_eq!(role_refusal(404, Some(10007), false), Some(Ok(())));
        assert!(matches!(role_refusal(404, Some(10007), true), Some(Err(_))));
        assert!(
            matches!(role_refusal(403, Some(50013), true), Some(Err(w)) if w.contains("Manage Roles"))
        );
        assert_eq!(role_refusal(500, None, true), None);
        assert_eq!(role_refusal(429, Some(0), true), None);
    }
}
