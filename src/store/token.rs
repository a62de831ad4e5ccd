//! The Qredo API v2 token cache: one file per profile and API key under
//! `data_dir()/tokens/`, written atomically with mode 0600 (a token is a credential for its
//! lifetime), read bounded. xsign reuses a cached token until shortly before its `exp` and
//! fetches a new one then, so a user never handles tokens by hand.

use super::StoreError;
use crate::atomic_file::{ensure_private_dir, write_atomic};
use crate::signing::jwt::{MAX_TOKEN_LEN, read_claims};
use std::path::{Path, PathBuf};

/// A token is refreshed this many seconds before its `exp`, so one that is valid when a
/// request is built is still valid when the server reads it.
pub const REFRESH_MARGIN_SECS: i64 = 30;

/// A token as cached: the text, its expiry, and what it was fetched for (a token from
/// another workspace or base URL is not reused).
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CachedToken {
    pub token: String,
    pub exp: i64,
    pub workspace: String,
    /// The v2 base URL the token came from.
    pub base_url: String,
    pub fetched_at: i64,
    /// The history entry of the fetch, when it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history_id: Option<u64>,
}

impl std::fmt::Debug for CachedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedToken")
            .field("token", &crate::secret::mask_api_key(&self.token))
            .field("exp", &self.exp)
            .field("workspace", &self.workspace)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// When a token expires and when it was fetched: what the workbench shows (never the token).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenTimes {
    pub exp: i64,
    pub fetched_at: i64,
}

impl TokenTimes {
    /// True while the token may still be sent: before `exp` less [`REFRESH_MARGIN_SECS`]
    /// (or half its lifetime, for a token that lives less than twice the margin).
    pub fn usable_at(&self, now: i64) -> bool {
        let life = (self.exp - self.fetched_at).max(0);
        let margin = REFRESH_MARGIN_SECS.min(life / 2);
        now < self.exp - margin
    }
}

/// What the cache holds for a profile, as the CLI and the workbench show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenState {
    /// Nothing cached: the next send fetches one.
    None,
    /// Reused until `until` (its `exp` less the margin).
    Valid { exp: i64 },
    /// Expired, or about to: the next send fetches a new one.
    Expired { exp: i64 },
}

impl TokenState {
    pub fn of(token: Option<TokenTimes>, now: i64) -> TokenState {
        match token {
            None => TokenState::None,
            Some(t) if t.usable_at(now) => TokenState::Valid { exp: t.exp },
            Some(t) => TokenState::Expired { exp: t.exp },
        }
    }

    /// One line: `none (fetched on the next send)`, `valid until 12:34:56 UTC`, ….
    pub fn text(&self) -> String {
        match self {
            TokenState::None => "none (fetched on the next send)".to_string(),
            TokenState::Valid { exp } => {
                format!("valid until {} UTC", crate::time::hms_utc(*exp))
            }
            TokenState::Expired { exp } => format!(
                "expired at {} UTC, refreshing on the next send",
                crate::time::hms_utc(*exp)
            ),
        }
    }
}

impl CachedToken {
    pub fn times(&self) -> TokenTimes {
        TokenTimes {
            exp: self.exp,
            fetched_at: self.fetched_at,
        }
    }

    /// See [`TokenTimes::usable_at`].
    pub fn usable_at(&self, now: i64) -> bool {
        self.times().usable_at(now)
    }

    pub fn fits(&self, workspace: &str, base_url: &str) -> bool {
        self.workspace == workspace && self.base_url == base_url
    }
}

/// The cache directory and its files.
#[derive(Debug, Clone)]
pub struct TokenCache {
    dir: PathBuf,
}

const TOKEN_FILE: crate::input_file::Kind = crate::input_file::Kind {
    what: "cached token",
    max: (MAX_TOKEN_LEN + 4096) as u64,
};

impl TokenCache {
    pub fn new(dir: impl Into<PathBuf>) -> TokenCache {
        TokenCache { dir: dir.into() }
    }

    /// `data_dir()/tokens`.
    pub fn open_default() -> TokenCache {
        TokenCache::new(crate::paths::data_dir().join("tokens"))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `<profile>.<api key id>.json`: one file per profile and API key, the key itself
    /// never in the name.
    pub fn path(&self, profile: &str, api_key: &str) -> PathBuf {
        let id = super::profile::api_key_id(api_key);
        let id = id.trim_start_matches("sha256:");
        self.dir.join(format!("{profile}.{id}.json"))
    }

    /// The cached token for a profile and API key. A damaged file reads as none (the next
    /// send replaces it), since a token is only ever a cache of what the server hands out.
    pub fn load(&self, profile: &str, api_key: &str) -> Option<CachedToken> {
        read(&self.path(profile, api_key))
    }

    pub fn save(
        &self,
        profile: &str,
        api_key: &str,
        token: &CachedToken,
    ) -> Result<PathBuf, StoreError> {
        ensure_private_dir(&self.dir).map_err(|e| StoreError::io("create", &self.dir, e))?;
        let path = self.path(profile, api_key);
        let json = serde_json::to_vec_pretty(token).map_err(|source| StoreError::Encode {
            path: path.clone(),
            source,
        })?;
        // A killed save's temp file holds a token: no lock guards this file, so only old
        // ones are taken (a live writer's is milliseconds old).
        crate::atomic_file::remove_old_temps(&path, crate::atomic_file::ABANDONED_TEMP_AGE);
        write_atomic(&path, &json, 0o600).map_err(|e| StoreError::io("write", &path, e))?;
        Ok(path)
    }

    /// Every cached token of `profile` (any API key), with its file.
    pub fn of_profile(&self, profile: &str) -> Vec<(PathBuf, Option<CachedToken>)> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let prefix = format!("{profile}.");
        let mut out: Vec<_> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".json"))
                    // `qredo-v2.…` must not pick up `qredo-v2-demo.…`: the rest is the id.
                    && p.file_stem()
                        .and_then(|n| n.to_str())
                        .and_then(|n| n.strip_prefix(&prefix))
                        .is_some_and(|id| !id.contains('.'))
            })
            .map(|p| {
                let t = read(&p);
                (p, t)
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// Removes every cached token of `profile`; returns the files removed.
    pub fn clear(&self, profile: &str) -> Result<Vec<PathBuf>, StoreError> {
        let mut removed = Vec::new();
        for (path, _) in self.of_profile(profile) {
            std::fs::remove_file(&path).map_err(|e| StoreError::io("remove", &path, e))?;
            removed.push(path);
        }
        Ok(removed)
    }

    /// Removes the one token of a profile and API key (the server refused it).
    pub fn forget(&self, profile: &str, api_key: &str) {
        let _ = std::fs::remove_file(self.path(profile, api_key));
    }
}

fn read(path: &Path) -> Option<CachedToken> {
    let text = crate::input_file::read_text(path, TOKEN_FILE).ok()?;
    let t: CachedToken = serde_json::from_str(&text).ok()?;
    // The expiry is the token's own: a hand-edited `exp` does not make it last longer.
    let claims = read_claims(&t.token).ok()?;
    (claims.exp == t.exp).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing::jwt::hs256_encode;

    fn token(exp: i64, fetched_at: i64) -> CachedToken {
        CachedToken {
            token: hs256_encode(b"k", &serde_json::json!({"exp": exp, "wid": "w"})),
            exp,
            workspace: "w".into(),
            base_url: "http://h/api/v2".into(),
            fetched_at,
            history_id: Some(3),
        }
    }

    #[test]
    fn saved_0600_read_back_and_cleared_per_profile() {
        let dir = tempfile::tempdir().unwrap();
        let cache = TokenCache::new(dir.path().join("tokens"));
        let t = token(2000, 1000);
        let path = cache.save("qredo-v2", "key-a", &t).unwrap();
        cache.save("qredo-v2-demo", "key-a", &t).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(!path.to_string_lossy().contains("key-a"));
        assert_eq!(cache.load("qredo-v2", "key-a"), Some(t));
        assert_eq!(cache.load("qredo-v2", "key-b"), None);
        assert_eq!(cache.of_profile("qredo-v2").len(), 1);
        assert_eq!(cache.clear("qredo-v2").unwrap(), vec![path]);
        assert_eq!(cache.load("qredo-v2", "key-a"), None);
        assert!(cache.load("qredo-v2-demo", "key-a").is_some());
    }

    /// A save killed between write and rename leaves a temp file holding a token; the next
    /// save removes it once it is old, and leaves a fresh one (maybe a live writer's).
    #[test]
    fn a_killed_saves_temp_file_is_removed_by_a_later_save() {
        let dir = tempfile::tempdir().unwrap();
        let cache = TokenCache::new(dir.path().join("tokens"));
        let t = token(2000, 1000);
        let path = cache.save("qredo-v2", "key-a", &t).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let old = path.with_file_name(format!(".{name}.tmp-1-1"));
        let fresh = path.with_file_name(format!(".{name}.tmp-2-2"));
        std::fs::write(&old, b"{\"token\":\"eyJ-secret\"}").unwrap();
        std::fs::write(&fresh, b"{}").unwrap();
        let long_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(&old)
            .unwrap()
            .set_modified(long_ago)
            .unwrap();
        cache.save("qredo-v2", "key-a", &t).unwrap();
        assert!(!old.exists(), "the abandoned temp file is gone");
        assert!(fresh.exists(), "a fresh one may be a live writer's");
    }

    #[test]
    fn reused_until_the_margin_then_expired() {
        let t = token(1000 + 3600, 1000);
        assert!(t.usable_at(1000 + 3600 - REFRESH_MARGIN_SECS - 1));
        assert!(!t.usable_at(1000 + 3600 - REFRESH_MARGIN_SECS));
        // A two-second token is kept for one second, not refused from the start.
        let short = token(1002, 1000);
        assert!(short.usable_at(1000) && !short.usable_at(1001));
        assert_eq!(TokenState::of(None, 0), TokenState::None);
        assert!(
            TokenState::of(Some(t.times()), 1000)
                .text()
                .starts_with("valid until")
        );
        assert!(
            TokenState::of(Some(t.times()), 9999)
                .text()
                .contains("refreshing")
        );
    }

    #[test]
    fn a_damaged_or_edited_file_reads_as_none() {
        let dir = tempfile::tempdir().unwrap();
        let cache = TokenCache::new(dir.path());
        let mut t = token(2000, 1000);
        t.exp = 99_999;
        cache.save("p", "k", &t).unwrap();
        assert_eq!(cache.load("p", "k"), None);
        std::fs::write(cache.path("p", "k"), "{not json").unwrap();
        assert_eq!(cache.load("p", "k"), None);
    }
}
