//! The config file (`config_dir()/config.json`): profiles, the default profile, history
//! retention. JSON, like collections and history, so one format covers every file.

pub use super::config_file::{CONFIG_FORMAT, ConfigFormat, ConfigStore};
use super::demo::live_base_url;
use super::profile::{ApiKeySource, DEMO_URL, Profile, builtin_profiles, demo_dir};
pub use super::resolved::{ResolvedProfile, resolve_profile};
use super::{Loaded, StoreError};
use std::path::PathBuf;

pub const DEFAULT_PROFILE: &str = "production";
pub const DEFAULT_HISTORY_RETENTION: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Config {
    /// `xsign-config/1`: an older xsign refuses a newer file rather than misreading it.
    #[serde(default)]
    pub format: ConfigFormat,
    /// Used when neither `--profile` nor `XSIGN_PROFILE` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_profile: Option<String>,
    #[serde(default)]
    pub history: HistorySettings,
    /// The workbench's look (`"workbench": {"theme": "light"}`).
    #[serde(default, skip_serializing_if = "WorkbenchSettings::is_default")]
    pub workbench: WorkbenchSettings,
    /// User profiles; one named like a built-in replaces it.
    #[serde(default)]
    pub profiles: Vec<Profile>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HistorySettings {
    /// How many sent requests are kept.
    #[serde(default = "default_retention")]
    pub retention: usize,
}

impl Default for HistorySettings {
    fn default() -> Self {
        HistorySettings {
            retention: DEFAULT_HISTORY_RETENTION,
        }
    }
}

fn default_retention() -> usize {
    DEFAULT_HISTORY_RETENTION
}

/// The workbench's settings in the config file.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct WorkbenchSettings {
    /// `dark`, `light` or `mono`. Kept as text: a misspelt theme is reported in the
    /// workbench and the default used, rather than making the whole config unreadable
    /// (an unreadable config is moved aside).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    /// Global key bindings replaced: a command's name and a key or a list of keys
    /// (`"keys": {"send": "F9", "library": ["Ctrl-L", "F6"]}`). Kept as JSON values for the
    /// same reason as the theme: the workbench reports what cannot apply and keeps the rest.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub keys: std::collections::BTreeMap<String, serde_json::Value>,
}

impl WorkbenchSettings {
    fn is_default(&self) -> bool {
        self == &WorkbenchSettings::default()
    }
}

/// Where an effective profile comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileOrigin {
    Builtin,
    /// A built-in replaced by an entry in the config file.
    Overridden,
    User,
}

impl Config {
    /// Built-ins (or their overrides) first, then the user's own, in file order. While
    /// `xsign demo` runs, the demo profile's default base URL is the running mock's.
    pub fn profiles(&self) -> Vec<(Profile, ProfileOrigin)> {
        let live = live_base_url(&demo_dir());
        let mut out = Vec::new();
        for b in builtin_profiles() {
            let (mut p, origin) = match self.profiles.iter().find(|p| p.name == b.name) {
                Some(p) => (p.clone(), ProfileOrigin::Overridden),
                None => (b, ProfileOrigin::Builtin),
            };
            if let Some(live) = &live
                && let Some(base) = super::profile::demo_base_for(&p, live)
            {
                p.base_url = base;
            }
            out.push((p, origin));
        }
        for p in &self.profiles {
            if !super::profile::is_builtin(&p.name) {
                out.push((p.clone(), ProfileOrigin::User));
            }
        }
        out
    }

    pub fn profile(&self, name: &str) -> Option<Profile> {
        self.profiles()
            .into_iter()
            .find(|(p, _)| p.name == name)
            .map(|(p, _)| p)
    }

    /// `--profile` / `XSIGN_PROFILE` if given, else the config's default, else production.
    pub fn selected_name(&self, selected: Option<&str>) -> String {
        selected
            .map(str::to_string)
            .or_else(|| self.default_profile.clone())
            .unwrap_or_else(|| DEFAULT_PROFILE.to_string())
    }

    /// Adds or replaces the user entry for `profile.name`. The running demo's address is
    /// saved as the demo's default: it is gone when that demo stops.
    pub fn upsert_profile(&mut self, mut profile: Profile) {
        if profile.name == "demo"
            && live_base_url(&demo_dir()).as_deref() == Some(profile.base_url.as_str())
        {
            profile.base_url = DEMO_URL.to_string();
        }
        match self.profiles.iter_mut().find(|p| p.name == profile.name) {
            Some(slot) => *slot = profile,
            None => self.profiles.push(profile),
        }
    }

    /// Everything needed to sign and send with the selected profile.
    pub fn resolve(&self, selected: Option<&str>) -> Result<ResolvedProfile, ProfileError> {
        let name = self.selected_name(selected);
        let profile = self.profile(&name).ok_or_else(|| ProfileError::Unknown {
            name: name.clone(),
            known: self
                .profiles()
                .into_iter()
                .map(|(p, _)| p.name)
                .collect::<Vec<_>>()
                .join(", "),
        })?;
        resolve_profile(&profile)
    }
}

/// Why a profile cannot be used yet. Each message names the fix.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error(
        "no profile named `{name}` (known: {known}). Add it with `xsign profile add {name} --base-url URL`"
    )]
    Unknown { name: String, known: String },
    #[error("profile `{profile}` reads its API key from {path}, which does not exist. {fix}")]
    ApiKeyFileMissing {
        profile: String,
        path: PathBuf,
        fix: String,
    },
    #[error("profile `{profile}`: {source}")]
    ApiKeyFileUnreadable {
        profile: String,
        path: PathBuf,
        source: crate::input_file::ReadError,
    },
    #[error(
        "profile `{profile}` reads its API key from the environment variable {var}, which is not set. Export it, or `xsign profile edit {profile} --api-key-file FILE`"
    )]
    ApiKeyEnvUnset { profile: String, var: String },
    #[error(
        "profile `{profile}`: the API key ({source_desc}) is empty. Paste the API key from the web app there"
    )]
    ApiKeyEmpty {
        profile: String,
        source_desc: String,
    },
    #[error("profile `{profile}` signs with {path}, which does not exist. {fix}")]
    KeyFileMissing {
        profile: String,
        path: PathBuf,
        fix: String,
    },
    #[error(
        "profile `{profile}` has a bad base URL: {reason}. Fix it with `xsign profile edit {profile} --base-url URL`"
    )]
    BadBaseUrl { profile: String, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Resolves one profile: reads the API key (trimmed), checks the key file when signing.
pub(super) const DEMO_FIX: &str = "Run `xsign demo` once to create the demo key and API key";

use crate::input_file::API_KEY as API_KEY_FILE;

/// The profile's API key from its source, trimmed as the reference client trims it.
/// Each failure names the fix.
pub fn profile_api_key(p: &Profile) -> Result<String, ProfileError> {
    let profile = p.name.clone();
    let (raw, source_desc) = match &p.api_key {
        ApiKeySource::File(path) => match crate::input_file::read_text(path, API_KEY_FILE) {
            Ok(text) => (text, format!("file {}", path.display())),
            Err(crate::input_file::ReadError::NotFound { .. }) => {
                let fix = if p.name == "demo" {
                    DEMO_FIX.to_string()
                } else {
                    format!(
                        "Save the API key from the web app there, pass --api-key-file FILE, or `xsign profile edit {profile} --api-key-file FILE`"
                    )
                };
                return Err(ProfileError::ApiKeyFileMissing {
                    profile,
                    path: path.clone(),
                    fix,
                });
            }
            Err(source) => {
                return Err(ProfileError::ApiKeyFileUnreadable {
                    profile,
                    path: path.clone(),
                    source,
                });
            }
        },
        ApiKeySource::Env(var) => match std::env::var(var) {
            Ok(v) => (v, format!("env ${var}")),
            Err(_) => {
                return Err(ProfileError::ApiKeyEnvUnset {
                    profile,
                    var: var.clone(),
                });
            }
        },
        ApiKeySource::Inline(k) => (k.clone(), "inline".to_string()),
    };
    let api_key = raw.trim();
    if api_key.is_empty() {
        return Err(ProfileError::ApiKeyEmpty {
            profile,
            source_desc,
        });
    }
    Ok(api_key.to_string())
}

/// The one call for commands and the TUI: load the config file and resolve the profile
/// chosen by `--profile` / `XSIGN_PROFILE` (`selected`) or the config's default.
pub fn resolve_selected(selected: Option<&str>) -> Result<Loaded<ResolvedProfile>, ProfileError> {
    let loaded = ConfigStore::open_default().load()?;
    Ok(Loaded {
        value: loaded.value.resolve(selected)?,
        moved_aside: loaded.moved_aside,
        unreadable: loaded.unreadable,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_replaces_builtin_in_place() {
        let mut c = Config::default();
        let mut p = Profile::new("play", "https://example.test/api/v1/p");
        p.signing = true;
        c.upsert_profile(p.clone());
        c.upsert_profile(Profile::new("mine", "https://mine.test/p"));
        let all = c.profiles();
        assert_eq!(all[1], (p, ProfileOrigin::Overridden));
        assert_eq!(all.last().unwrap().0.name, "mine");
        assert_eq!(all.len(), super::super::profile::BUILTIN_NAMES.len() + 1);
    }

    #[test]
    fn selection_order() {
        let mut c = Config::default();
        assert_eq!(c.selected_name(None), "production");
        c.default_profile = Some("sandbox".into());
        assert_eq!(c.selected_name(None), "sandbox");
        assert_eq!(c.selected_name(Some("play")), "play");
    }

    #[test]
    fn resolve_reads_trimmed_key_and_names_fixes() {
        let dir = tempfile::tempdir().unwrap();
        let key_file = dir.path().join("apikey");
        std::fs::write(&key_file, "  secret-api-key-1234\n").unwrap();
        let mut p = Profile::new("x", "https://x.test/api/v1/p");
        p.api_key = ApiKeySource::File(key_file);
        p.key_path = dir.path().join("missing.pem");
        let err = resolve_profile(&p).unwrap_err().to_string();
        assert!(err.contains("xsign keygen"), "{err}");
        p.signing = false;
        let r = resolve_profile(&p).unwrap();
        assert_eq!(r.api_key, "secret-api-key-1234");
        assert!(!format!("{r:?}").contains("secret-api"));
        assert_eq!(r.url_for("/assets"), "https://x.test/api/v1/p/assets");

        p.api_key = ApiKeySource::Env("XSIGN_TEST_SURELY_UNSET_VAR".into());
        let err = resolve_profile(&p).unwrap_err().to_string();
        assert!(err.contains("XSIGN_TEST_SURELY_UNSET_VAR"), "{err}");
        let c = Config::default();
        let err = c.resolve(Some("nope")).unwrap_err().to_string();
        assert!(err.contains("production, play, sandbox, demo"), "{err}");
    }
}
