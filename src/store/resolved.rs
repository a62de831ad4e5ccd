//! A profile resolved: what signing and sending need, read from disk and checked.

use super::config::{DEMO_FIX, ProfileError, profile_api_key};
use super::profile::{Profile, validate_base_url};
use crate::signing::AuthMode;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// A profile turned into what signing and sending need: the key read, paths checked.
#[derive(Clone)]
pub struct ResolvedProfile {
    pub name: String,
    pub base_url: String,
    /// The API key, trimmed. Never print it: use `api_key_masked`.
    pub api_key: String,
    pub api_key_masked: String,
    /// `sha256:` + 12 hex digits, safe to store.
    pub api_key_id: String,
    /// The private key file; `None` when signing is off or the scheme is HMAC.
    pub key_path: Option<PathBuf>,
    pub auth_mode: AuthMode,
    pub signing: bool,
    pub headers: Vec<(String, String)>,
    pub timeout: Duration,
    pub scheme: crate::signing::Scheme,
    /// The Qredo API secret file, for a `qredo-*` scheme that signs.
    pub secret_path: Option<PathBuf>,
    /// The Qredo API v2 workspace whose token the requests carry.
    pub workspace: Option<String>,
    /// CA file, client certificate, proxy, HTTP version.
    pub http: super::profile::HttpSettings,
}

impl fmt::Debug for ResolvedProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResolvedProfile")
            .field("name", &self.name)
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key_masked)
            .field("key_path", &self.key_path)
            .field("auth_mode", &self.auth_mode)
            .field("signing", &self.signing)
            .field("headers", &self.headers)
            .field("timeout", &self.timeout)
            .field("scheme", &self.scheme)
            .field("secret_path", &self.secret_path)
            .field("workspace", &self.workspace)
            .field("http", &self.http)
            .finish()
    }
}

impl ResolvedProfile {
    /// The same profile against another base URL (`xsign demo` fills in the mock's port).
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// The absolute URL for a request URL that may be relative to the base URL.
    pub fn url_for(&self, request_url: &str) -> String {
        super::collection::join_url(&self.base_url, request_url)
    }
}

pub fn resolve_profile(p: &Profile) -> Result<ResolvedProfile, ProfileError> {
    let profile = p.name.clone();
    validate_base_url(&p.base_url).map_err(|reason| ProfileError::BadBaseUrl {
        profile: profile.clone(),
        reason,
    })?;
    let demo_fix = DEMO_FIX.to_string();
    let api_key = profile_api_key(p)?;
    let hmac = p.scheme != crate::signing::Scheme::PartnerRsa;
    let secret_path = (p.signing && hmac).then(|| p.secret_file());
    let key_path = if p.signing && !hmac {
        if !p.key_path.exists() {
            let fix = if p.name == "demo" {
                demo_fix
            } else {
                format!(
                    "Create a key with `xsign keygen` and upload its public key in the web app, or `xsign profile edit {profile} --key FILE`"
                )
            };
            return Err(ProfileError::KeyFileMissing {
                profile,
                path: p.key_path.clone(),
                fix,
            });
        }
        Some(p.key_path.clone())
    } else {
        None
    };
    Ok(ResolvedProfile {
        name: p.name.clone(),
        base_url: p.base_url.clone(),
        api_key_masked: crate::secret::mask_api_key(&api_key),
        api_key_id: super::profile::api_key_id(&api_key),
        api_key,
        key_path,
        auth_mode: p.auth_mode,
        signing: p.signing,
        headers: p.headers.clone(),
        timeout: Duration::from_secs(p.timeout_secs.max(1)),
        scheme: p.scheme,
        secret_path,
        workspace: p.workspace.clone(),
        http: p.http.clone(),
    })
}
