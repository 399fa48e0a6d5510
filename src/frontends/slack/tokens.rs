//! Which bot token speaks for which workspace. A workspace installed through
//! OAuth has its token in PostgreSQL (`slack_installs`), sealed with
//! AES-256-GCM under `SLACK_TOKEN_KEY`, the workspace's id bound in as
//! associated data (a row copied to another team does not open). Any other
//! workspace uses `SLACK_BOT_TOKEN`, when set.

use crate::storage::Store;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;

/// The tokens of every workspace this process serves.
#[derive(Clone)]
pub struct Tokens {
    store: Store,
    key: Option<Arc<LessSafeKey>>,
    default: Option<SecretString>,
}

impl Tokens {
    /// `key` is the 64-hex-digit `SLACK_TOKEN_KEY` (checked by the config).
    pub fn new(
        store: Store,
        key: Option<&SecretString>,
        default: Option<SecretString>,
    ) -> anyhow::Result<Self> {
        let key = match key {
            Some(k) => {
                let bytes = hex::decode(k.expose_secret())?;
                let unbound = UnboundKey::new(&AES_256_GCM, &bytes)
                    .map_err(|_| anyhow::anyhow!("SLACK_TOKEN_KEY is not an AES-256 key"))?;
                Some(Arc::new(LessSafeKey::new(unbound)))
            }
            None => None,
        };
        Ok(Self {
            store,
            key,
            default,
        })
    }

    /// The token for `team`: its installation's, else the single workspace's.
    pub async fn for_team(&self, team: &str) -> anyhow::Result<Option<SecretString>> {
        if let Some(key) = &self.key {
            let sealed = self.store.slack_sealed_token(team).await?;
            if let Some(sealed) = sealed {
                let token = open(key, team, sealed).ok_or_else(|| {
                    anyhow::anyhow!("the stored token of {team} does not open with SLACK_TOKEN_KEY")
                })?;
                return Ok(Some(token));
            }
        }
        Ok(self.default.clone())
    }

    /// The token for the workspace `channel` belongs to, as prepbot knows it.
    pub async fn for_channel(&self, channel: &str) -> anyhow::Result<Option<SecretString>> {
        if self.key.is_none() {
            return Ok(self.default.clone());
        }
        let team = self.store.slack_team_of_channel(channel).await?;
        match team {
            Some(team) => self.for_team(&team).await,
            None => Ok(self.default.clone()),
        }
    }

    /// Stores (or replaces) `team`'s token, sealed.
    pub async fn install(&self, team: &str, token: &SecretString) -> anyhow::Result<()> {
        let key = self
            .key
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("no SLACK_TOKEN_KEY"))?;
        let sealed = seal(key, team, token)?;
        self.store.save_slack_token(team, &sealed).await?;
        Ok(())
    }

    /// Forgets `team`'s token (uninstalled, or its tokens revoked).
    pub async fn remove(&self, team: &str) -> anyhow::Result<bool> {
        Ok(self.store.remove_slack_token(team).await?)
    }
}

/// `nonce || ciphertext || tag`, with `team` as associated data.
fn seal(key: &LessSafeKey, team: &str, token: &SecretString) -> anyhow::Result<Vec<u8>> {
    let mut nonce = [0u8; NONCE_LEN];
    SystemRandom::new()
        .fill(&mut nonce)
        .map_err(|_| anyhow::anyhow!("no randomness for a nonce"))?;
    let mut buf = token.expose_secret().as_bytes().to_vec();
    key.seal_in_place_append_tag(
        Nonce::assume_unique_for_key(nonce),
        Aad::from(team.as_bytes()),
        &mut buf,
    )
    .map_err(|_| anyhow::anyhow!("sealing failed"))?;
    Ok([nonce.as_slice(), &buf].concat())
}

fn open(key: &LessSafeKey, team: &str, mut sealed: Vec<u8>) -> Option<SecretString> {
    if sealed.len() < NONCE_LEN {
        return None;
    }
    let mut body = sealed.split_off(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(&sealed).ok()?;
    let plain = key
        .open_in_place(nonce, Aad::from(team.as_bytes()), &mut body)
        .ok()?;
    String::from_utf8(plain.to_vec()).ok().map(Into::into)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> LessSafeKey {
        LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &[7u8; 32]).unwrap())
    }

    #[test]
    fn a_sealed_token_opens_only_for_its_own_team_and_never_shows_in_the_bytes() {
        let token: SecretString = "xoxb-very-secret".to_owned().into();
        let sealed = seal(&key(), "T1", &token).unwrap();
        assert!(!sealed.windows(6).any(|w| w == b"secret"));
        assert_eq!(
            open(&key(), "T1", sealed.clone()).unwrap().expose_secret(),
            "xoxb-very-secret"
        );
        assert!(open(&key(), "T2", sealed.clone()).is_none());
        let mut tampered = sealed;
        *tampered.last_mut().unwrap() ^= 1;
        assert!(open(&key(), "T1", tampered).is_none());
    }

    #[test]
    fn sealing_twice_gives_different_bytes() {
        let token: SecretString = "xoxb-1".to_owned().into();
        assert_ne!(
            seal(&key(), "T1", &token).unwrap(),
            seal(&key(), "T1", &token).unwrap()
        );
    }
}
