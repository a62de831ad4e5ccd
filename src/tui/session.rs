//! The active profile as the workbench uses it. Secrets (the API key, the private key) stay
//! in `Session`, owned by the runtime; the app state only holds the `ProfileView`.

use super::clock::SharedClock;
use super::stores::Stores;
use crate::signing::{AuthMode, AuthValue, NonceStore, PrivateKey, RsaSigner};
use crate::store::config::resolve_profile;
use crate::store::{History, Profile};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// What the header shows about the profile: nothing secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileView {
    pub name: String,
    pub base_url: String,
    /// `sha256:0123456789abcdef` (short form), when the key loaded.
    pub fingerprint: Option<String>,
    pub bits: Option<usize>,
    pub mode: AuthMode,
    /// The scheme the profile signs with; the lint checks the URL and timestamp against it.
    pub scheme: crate::signing::Scheme,
    pub signing: bool,
    pub api_key_masked: Option<String>,
    /// A `qredo-*` profile's secret, masked (`****abcd`), when it loaded.
    pub secret_masked: Option<String>,
    /// A `qredo-v2` profile's workspace.
    pub workspace: Option<String>,
    /// A `qredo-v2` profile's cached token: when it expires (never the token itself).
    pub token: Option<crate::store::token::TokenTimes>,
    /// Why this profile cannot sign or send yet (missing key, missing API key...).
    pub problems: Vec<String>,
    /// The profile's variables: `{{name}}` in the request renders with them.
    pub vars: std::collections::BTreeMap<String, String>,
}

impl ProfileView {
    pub fn mode_name(&self) -> &'static str {
        match self.mode {
            AuthMode::Timestamp => "timestamp",
            AuthMode::Nonce => "nonce",
        }
    }
}

/// Everything signing and sending need.
#[derive(Clone)]
pub struct Session {
    pub view: ProfileView,
    pub api_key: Option<String>,
    pub signer: Option<Arc<RsaSigner>>,
    /// A `qredo-*` profile's HMAC signer (then `signer` is `None`).
    pub hmac: Option<Arc<dyn crate::signing::RequestSigner>>,
    /// The file `signer` was read from, recorded with each send.
    pub key_path: Option<PathBuf>,
    pub nonces: NonceStore,
    /// Where sends are recorded.
    pub history: History,
    pub clock: SharedClock,
    pub headers: Vec<(String, String)>,
    pub timeout: Duration,
    /// Where a `qredo-v2` profile's token is cached.
    pub tokens: crate::store::token::TokenCache,
    /// How requests travel: the profile's CA file, client certificate, proxy, HTTP version.
    pub http: crate::store::profile::HttpSettings,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("view", &self.view)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// The signer a send uses: the HMAC one of a `qredo-*` profile, else the RSA key.
    pub fn request_signer(&self) -> Option<Arc<dyn crate::signing::RequestSigner>> {
        self.hmac.clone().or_else(|| {
            self.signer
                .clone()
                .map(|s| s as Arc<dyn crate::signing::RequestSigner>)
        })
    }

    /// The value shown in the live preview: the current second, or the nonce the next send
    /// would take (without taking it).
    pub fn preview_value(&self) -> AuthValue {
        let now = self.clock.now();
        match self.view.mode {
            AuthMode::Timestamp => AuthValue::Timestamp(now.unix),
            AuthMode::Nonce => {
                let last = self
                    .api_key
                    .as_deref()
                    .and_then(|k| self.nonces.last(k).ok().flatten());
                let floor = (now.unix.max(0) as u64) * 1000;
                AuthValue::Nonce(last.map_or(floor, |l| l + 1).max(floor))
            }
        }
    }

    /// The value a send uses: the current second, or a nonce taken from the store (so it
    /// is never handed out twice).
    pub fn send_value(&self) -> Result<AuthValue, String> {
        match self.view.mode {
            AuthMode::Timestamp => Ok(AuthValue::Timestamp(self.clock.now().unix)),
            AuthMode::Nonce => {
                let key = self.api_key.as_deref().ok_or_else(|| {
                    "nonce mode needs the API key to keep nonces per key; set the profile's API key"
                        .to_string()
                })?;
                self.nonces
                    .take(key)
                    .map(AuthValue::Nonce)
                    .map_err(|e| e.to_string())
            }
        }
    }
}

impl Session {
    /// Loads what a profile needs. Nothing here fails: what is missing becomes a problem
    /// shown in the header, so the workbench opens and says what to fix.
    /// The history and nonces are the workbench's injected stores.
    pub fn from_profile(p: &Profile, clock: SharedClock, stores: &Stores) -> Session {
        Session::build(p, clock, stores, true)
    }

    /// Like `from_profile`, without asking for a passphrase (the terminal is in raw mode).
    pub fn from_profile_quiet(p: &Profile, clock: SharedClock, stores: &Stores) -> Session {
        Session::build(p, clock, stores, false)
    }

    fn build(p: &Profile, clock: SharedClock, stores: &Stores, may_ask: bool) -> Session {
        let mut problems = Vec::new();
        let resolved = match resolve_profile(p) {
            Ok(r) => Some(r),
            Err(e) => {
                problems.push(e.to_string());
                None
            }
        };
        let mut signer = None;
        let mut key_path = None;
        let mut hmac = None;
        if let Some(r) = &resolved {
            match crate::credentials::hmac_signer(r) {
                Ok(h) => hmac = h.map(|(s, _)| s),
                Err(e) => problems.push(format!("{e:#}")),
            }
        }
        let (mut fingerprint, mut bits) = (None, None);
        if let Some(path) = resolved.as_ref().and_then(|r| r.key_path.as_ref()) {
            match load_key(path, may_ask) {
                Ok(key) => {
                    fingerprint = Some(key.info().short_fingerprint().to_string());
                    bits = Some(key.info().bits);
                    signer = Some(Arc::new(RsaSigner::new(key)));
                    key_path = Some(path.clone());
                }
                Err(e) => problems.push(e),
            }
        }
        Session {
            view: ProfileView {
                name: p.name.clone(),
                base_url: p.base_url.clone(),
                fingerprint,
                bits,
                mode: p.auth_mode,
                scheme: p.scheme,
                signing: p.signing,
                api_key_masked: resolved.as_ref().map(|r| r.api_key_masked.clone()),
                secret_masked: hmac
                    .as_ref()
                    .and_then(|h| h.hmac_secret().map(crate::secret::QredoSecret::masked)),
                workspace: p.workspace.clone(),
                token: resolved
                    .as_ref()
                    .filter(|_| p.scheme == crate::signing::Scheme::QredoV2)
                    .and_then(|r| stores.tokens.load(&r.name, &r.api_key))
                    .filter(|t| p.workspace.as_deref() == Some(t.workspace.as_str()))
                    .map(|t| t.times()),
                problems,
                vars: p.vars.clone(),
            },
            api_key: resolved.as_ref().map(|r| r.api_key.clone()),
            signer,
            hmac,
            key_path,
            nonces: stores.nonces.clone(),
            history: stores.history.clone(),
            clock,
            headers: p.headers.clone(),
            tokens: stores.tokens.clone(),
            http: p.http.clone(),
            timeout: resolved.map_or(Duration::from_secs(p.timeout_secs.max(1)), |r| r.timeout),
        }
    }
}

/// Reads the key; an encrypted one is asked for its passphrase while the terminal is still
/// in normal mode (the workbench is not open yet). A loose file mode is not shown: the
/// terminal is about to be taken over.
fn load_key(path: &std::path::Path, may_ask: bool) -> Result<PrivateKey, String> {
    use std::io::IsTerminal;
    let ask = |path: &std::path::Path| {
        rpassword::prompt_password(format!("passphrase for {}: ", path.display()))
    };
    let ask: crate::credentials::Passphrase<'_> = if may_ask && std::io::stdin().is_terminal() {
        Some(&ask)
    } else {
        None
    };
    crate::credentials::load_private_key(path, ask)
        .map(|l| l.key)
        .map_err(|e| format!("{e:#}"))
}

impl Session {
    /// A session from a key and an API key in hand (the demo, tests, benchmarks), recording
    /// into `stores`.
    pub fn for_key(
        name: &str,
        base_url: &str,
        key: PrivateKey,
        api_key: &str,
        mode: AuthMode,
        clock: SharedClock,
        stores: &Stores,
    ) -> Session {
        Session {
            view: ProfileView {
                name: name.to_string(),
                base_url: base_url.to_string(),
                fingerprint: Some(key.info().short_fingerprint().to_string()),
                bits: Some(key.info().bits),
                mode,
                scheme: crate::signing::Scheme::PartnerRsa,
                signing: true,
                api_key_masked: Some(crate::secret::mask_api_key(api_key)),
                secret_masked: None,
                workspace: None,
                token: None,
                problems: Vec::new(),
                vars: std::collections::BTreeMap::new(),
            },
            api_key: Some(api_key.to_string()),
            signer: Some(Arc::new(RsaSigner::new(key))),
            hmac: None,
            key_path: None,
            nonces: stores.nonces.clone(),
            history: stores.history.clone(),
            clock,
            headers: Vec::new(),
            tokens: stores.tokens.clone(),
            http: Default::default(),
            timeout: Duration::from_secs(30),
        }
    }
}

impl Session {
    /// Where a `qredo-v2` call of this session gets its token; `None` for another scheme,
    /// the token request itself, or a v2 profile without a workspace (`problem` says so).
    pub fn token_source(&self, url: &str) -> Result<Option<crate::http::TokenSource>, String> {
        let Some(hmac) = self
            .hmac
            .as_ref()
            .filter(|h| h.scheme() == crate::signing::Scheme::QredoV2)
        else {
            return Ok(None);
        };
        let path = url::Url::parse(url).map_or_else(|_| url.to_string(), |u| u.path().to_string());
        if crate::signing::is_v2_token_path(&path) {
            return Ok(None);
        }
        let workspace = self.view.workspace.clone().ok_or_else(|| {
            format!(
                "profile `{0}` is qredo-v2 but names no workspace: `xsign profile edit {0} --workspace ID`",
                self.view.name
            )
        })?;
        Ok(Some(crate::http::TokenSource {
            profile: self.view.name.clone(),
            base_url: self.view.base_url.clone(),
            workspace,
            api_key: self.api_key.clone().unwrap_or_default(),
            signer: hmac.clone(),
            cache: self.tokens.clone(),
        }))
    }
}
