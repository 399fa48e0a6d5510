//! Server roles in the mock, with Discord's documented rules for them:
//!
//! - `GET /guilds/{guild}/roles` lists the roles a test declared (plus
//!   @everyone, whose id is the server's);
//! - `GET /guilds/{guild}/members/{user}` answers the member with their
//!   roles (404 10007 Unknown Member for one who left);
//! - `PUT`/`DELETE /guilds/{guild}/members/{user}/roles/{role}` ("Add/Remove
//!   Guild Member Role", 204) need Manage Roles, and the role must be below
//!   the bot's highest role: otherwise 403 50013 Missing Permissions, which
//!   fails the test (the bot's setup check should have caught it); an
//!   unknown role is 404 10011 Unknown Role and a member who left 404 10007,
//!   which are the server's state rather than the bot's mistake.
//!
//! Every change that went through is logged, so a test can assert who holds
//! which role, and how many times each change was made.

use super::discord_mock::{DiscordMock, MockState, APP_ID};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Discord's permission bits used here.
pub const ADMINISTRATOR: u64 = 1 << 3;
pub const MANAGE_ROLES: u64 = 1 << 28;

/// One declared role.
#[derive(Debug, Clone)]
pub struct RoleDef {
    pub id: String,
    pub name: String,
    pub position: u64,
    pub permissions: u64,
    pub managed: bool,
}

impl RoleDef {
    /// The role as Discord's API (and a resolved interaction option) has it.
    pub fn json(&self) -> Value {
        json!({
            "id": self.id, "name": self.name, "color": 0,
            "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
            "hoist": false, "icon": null, "unicode_emoji": null, "position": self.position,
            "permissions": self.permissions.to_string(), "managed": self.managed,
            "mentionable": false, "flags": 0,
        })
    }
}

/// The server's roles and who holds them.
#[derive(Debug, Default)]
pub struct Roles {
    pub defs: BTreeMap<String, RoleDef>,
    /// user id → role ids; the bot is [`APP_ID`].
    pub held: BTreeMap<String, BTreeSet<String>>,
    /// Members who left the server.
    pub left: BTreeSet<String>,
    /// `(PUT|DELETE, user, role)` of every change that went through.
    pub log: Vec<(String, String, String)>,
}

impl Roles {
    fn bot_top(&self) -> u64 {
        self.held
            .get(APP_ID)
            .into_iter()
            .flatten()
            .filter_map(|r| self.defs.get(r))
            .map(|r| r.position)
            .max()
            .unwrap_or(0)
    }

    fn bot_permissions(&self) -> u64 {
        self.held
            .get(APP_ID)
            .into_iter()
            .flatten()
            .filter_map(|r| self.defs.get(r))
            .fold(0, |p, r| p | r.permissions)
    }
}

impl DiscordMock {
    /// Declares a role of the test server.
    pub fn add_role(&self, id: &str, name: &str, position: u64, permissions: u64) {
        let def = RoleDef {
            id: id.into(),
            name: name.into(),
            position,
            permissions,
            managed: false,
        };
        self.state.roles.lock().unwrap().defs.insert(id.into(), def);
    }

    /// Gives `user` (the bot: [`APP_ID`]) these roles, as a server admin would.
    pub fn set_member_roles(&self, user: &str, roles: &[&str]) {
        let set = roles.iter().map(|r| r.to_string()).collect();
        self.state
            .roles
            .lock()
            .unwrap()
            .held
            .insert(user.into(), set);
    }

    /// Who holds `role` now.
    pub fn holders(&self, role: &str) -> Vec<String> {
        let roles = self.state.roles.lock().unwrap();
        roles
            .held
            .iter()
            .filter(|(_, set)| set.contains(role))
            .map(|(u, _)| u.clone())
            .collect()
    }

    /// Every role change that went through: `(PUT|DELETE, user, role)`.
    pub fn role_log(&self) -> Vec<(String, String, String)> {
        self.state.roles.lock().unwrap().log.clone()
    }

    /// A declared role as it appears in an interaction's `resolved.roles`.
    pub fn role_json(&self, id: &str) -> Value {
        self.state.roles.lock().unwrap().defs[id].json()
    }
}

/// Why Discord would refuse `method` on `/guilds/{guild}/members/{user}/roles/{role}`:
/// status, answer, and whether it is the bot's mistake.
pub(crate) fn refuse_change(
    state: &MockState,
    guild: &str,
    user: &str,
    role: &str,
) -> Option<(u16, Value, bool)> {
    let roles = state.roles.lock().unwrap();
    let snowflake = |s: &str| s.parse::<u64>().is_ok_and(|n| n > 0);
    if ![guild, user, role].iter().all(|s| snowflake(s)) {
        return Some((404, json!({"message": "404: Not Found", "code": 0}), true));
    }
    let perms = roles.bot_permissions();
    let missing = json!({"message": "Missing Permissions", "code": 50013});
    if perms & (MANAGE_ROLES | ADMINISTRATOR) == 0 {
        return Some((403, missing, true));
    }
    let Some(def) = roles.defs.get(role) else {
        return Some((
            404,
            json!({"message": "Unknown Role", "code": 10011}),
            false,
        ));
    };
    if def.position >= roles.bot_top() || def.managed || role == guild {
        return Some((403, missing, true));
    }
    if roles.left.contains(user) {
        return Some((
            404,
            json!({"message": "Unknown Member", "code": 10007}),
            false,
        ));
    }
    None
}

/// Applies an allowed change and logs it.
pub(crate) fn change(state: &MockState, method: &str, user: &str, role: &str) {
    let mut roles = state.roles.lock().unwrap();
    let set = roles.held.entry(user.into()).or_default();
    if method == "PUT" {
        set.insert(role.into());
    } else {
        set.remove(role);
    }
    roles.log.push((method.into(), user.into(), role.into()));
}

/// `GET /guilds/{guild}/roles`: @everyone first, then the declared roles.
pub(crate) fn list(state: &MockState, guild: &str) -> Value {
    let roles = state.roles.lock().unwrap();
    let everyone = RoleDef {
        id: guild.into(),
        name: "@everyone".into(),
        position: 0,
        permissions: 0,
        managed: false,
    };
    Value::Array(
        std::iter::once(everyone.json())
            .chain(roles.defs.values().map(RoleDef::json))
            .collect(),
    )
}

/// `GET /guilds/{guild}/members/{user}`, or `None` for one who left.
pub(crate) fn member(state: &MockState, user: &str) -> Option<Value> {
    let roles = state.roles.lock().unwrap();
    if roles.left.contains(user) {
        return None;
    }
    let held: Vec<&String> = roles.held.get(user).into_iter().flatten().collect();
    Some(json!({
        "user": {"id": user, "username": "someone", "discriminator": "0", "global_name": null, "avatar": null},
        "nick": null, "roles": held, "joined_at": "2024-01-01T00:00:00.000000+00:00",
        "deaf": false, "mute": false, "flags": 0, "pending": false,
    }))
}
