//! A profile: where requests go and how they are signed.

use crate::signing::{AuthMode, Scheme};
use sha2::{Digest, Sha256};
use std::fmt;
use std::path::PathBuf;

pub const PRODUCTION_URL: &str = "https://api.qredo.network/api/v1/p";
pub const PLAY_URL: &str = "https://play-api.qredo.network/api/v1/p";
pub const SANDBOX_URL: &str = "https://sandbox-api.qredo.network/api/v1/p";
/// Where `xsign demo` listens when the port is free (as `xsign mock` does by default).
pub const DEMO_PORT: u16 = 8001;
/// The demo profile's base URL: [`demo_base_url`] of [`DEMO_PORT`]. While a demo runs on
/// another port, [`Config::profiles`](super::Config::profiles) gives its live address instead.
pub const DEMO_URL: &str = "http://127.0.0.1:8001/api/v1/p";
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
/// Qredo API v1 (HMAC) production and sandbox bases, and v2's.
pub const QREDO_V1_URL: &str = "https://api.qredo.network/qapi/v1";
pub const QREDO_V1_SANDBOX_URL: &str = "https://sandbox-api.qredo.network/qapi/v1";
pub const QREDO_V2_URL: &str = "https://api-v2.qredo.network/api/v2";
/// The demo mock's v1 API and v2 API, on [`DEMO_PORT`].
pub const QREDO_V1_DEMO_URL: &str = "http://127.0.0.1:8001/qapi/v1";
pub const QREDO_V2_DEMO_URL: &str = "http://127.0.0.1:8001/api/v2";
/// The workspace of the `qredo-v2-demo` profile (the mock issues tokens for any id).
pub const DEMO_WORKSPACE: &str = "2Ab5mockDemoWorkspace0001";

/// Where the API key comes from. An inline key is masked on screen.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApiKeySource {
    /// A file holding the key; whitespace around it is trimmed (as the reference client does).
    File(PathBuf),
    /// An environment variable.
    Env(String),
    /// The key itself, kept in the config file (mode 0600).
    Inline(String),
}

impl fmt::Display for ApiKeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiKeySource::File(p) => write!(f, "file {}", p.display()),
            ApiKeySource::Env(v) => write!(f, "env ${v}"),
            ApiKeySource::Inline(k) => write!(f, "inline {}", mask_api_key(k)),
        }
    }
}

impl fmt::Debug for ApiKeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

use crate::secret::mask_api_key;

/// A short, non-reversible tag for an API key: lets history say which key was used
/// without storing it.
pub fn api_key_id(api_key: &str) -> String {
    let digest = Sha256::digest(api_key.as_bytes());
    format!("sha256:{}", &hex::encode(digest)[..12])
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Profile {
    pub name: String,
    pub base_url: String,
    pub api_key: ApiKeySource,
    /// The private key file (PEM). Relative paths are relative to the working directory,
    /// as with the reference client.
    pub key_path: PathBuf,
    #[serde(default)]
    pub auth_mode: AuthMode,
    #[serde(default = "yes")]
    pub signing: bool,
    /// Extra headers sent with every request, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<(String, String)>,
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
    /// How requests are signed; profiles written before schemes existed are `partner-rsa`.
    #[serde(default, skip_serializing_if = "is_partner_rsa")]
    pub scheme: Scheme,
    /// The Qredo API secret file (base64url), for the `qredo-*` schemes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_path: Option<PathBuf>,
    /// Variables for `{{name}}` in scenarios, saved requests and the workbench: below a
    /// scenario's `[vars]`, above nothing but `--var` (`xsign profile set-var`).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub vars: std::collections::BTreeMap<String, String>,
    /// The Qredo API v2 workspace (`/workspaces/{id}/token`), for `qredo-v2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
    /// CA file, client certificate, proxy, HTTP version, insecure (`profile edit --cacert` ...).
    #[serde(default, skip_serializing_if = "HttpSettings::is_default")]
    pub http: HttpSettings,
}

pub use super::http_settings::{HttpSettings, HttpVersion};

fn is_partner_rsa(s: &Scheme) -> bool {
    *s == Scheme::PartnerRsa
}

fn yes() -> bool {
    true
}

fn default_timeout() -> u64 {
    DEFAULT_TIMEOUT_SECS
}

impl Profile {
    /// A profile with the reference client's defaults: `private.pem` and `apikey` in the
    /// working directory, timestamp auth, signing on.
    pub fn new(name: impl Into<String>, base_url: impl Into<String>) -> Self {
        Profile {
            name: name.into(),
            base_url: base_url.into(),
            api_key: ApiKeySource::File(PathBuf::from("apikey")),
            key_path: PathBuf::from("private.pem"),
            auth_mode: AuthMode::Timestamp,
            signing: true,
            headers: Vec::new(),
            timeout_secs: DEFAULT_TIMEOUT_SECS,
            scheme: Scheme::PartnerRsa,
            secret_path: None,
            vars: std::collections::BTreeMap::new(),
            workspace: None,
            http: HttpSettings::default(),
        }
    }

    /// A Qredo API profile: `apikey` and `secret` in the working directory.
    pub fn qredo(name: impl Into<String>, base_url: impl Into<String>, scheme: Scheme) -> Self {
        Profile {
            scheme,
            secret_path: Some(PathBuf::from("secret")),
            ..Profile::new(name, base_url)
        }
    }

    /// The secret file, for a `qredo-*` profile.
    pub fn secret_file(&self) -> PathBuf {
        self.secret_path
            .clone()
            .unwrap_or_else(|| PathBuf::from("secret"))
    }
}

/// Where the demo profile's key and API key live: `data_dir()/demo/`.
pub fn demo_dir() -> PathBuf {
    crate::paths::data_dir().join("demo")
}

/// The base URL of the demo profile for a mock listening on `port`.
pub fn demo_base_url(port: u16) -> String {
    format!("http://127.0.0.1:{port}/api/v1/p")
}

/// The profiles that exist without any config file. A profile of the same name in the
/// config file replaces its built-in.
pub fn builtin_profiles() -> Vec<Profile> {
    let demo = demo_dir();
    vec![
        Profile::new("production", PRODUCTION_URL),
        Profile {
            // The guide allows unsigned requests on play.
            signing: false,
            ..Profile::new("play", PLAY_URL)
        },
        Profile::new("sandbox", SANDBOX_URL),
        Profile {
            api_key: ApiKeySource::File(demo.join("apikey")),
            key_path: demo.join("private.pem"),
            ..Profile::new("demo", DEMO_URL)
        },
        Profile::qredo("qredo-v1", QREDO_V1_URL, Scheme::QredoV1),
        Profile::qredo("qredo-v1-sandbox", QREDO_V1_SANDBOX_URL, Scheme::QredoV1),
        Profile::qredo("qredo-v2", QREDO_V2_URL, Scheme::QredoV2),
        Profile {
            api_key: ApiKeySource::File(demo.join("qredo-apikey")),
            secret_path: Some(demo.join("qredo-secret")),
            ..Profile::qredo("qredo-v1-demo", QREDO_V1_DEMO_URL, Scheme::QredoV1)
        },
        Profile {
            api_key: ApiKeySource::File(demo.join("qredo-apikey")),
            secret_path: Some(demo.join("qredo-secret")),
            workspace: Some(DEMO_WORKSPACE.to_string()),
            ..Profile::qredo("qredo-v2-demo", QREDO_V2_DEMO_URL, Scheme::QredoV2)
        },
    ]
}

/// The built-in profiles' names, in order.
pub const BUILTIN_NAMES: [&str; 9] = [
    "production",
    "play",
    "sandbox",
    "demo",
    "qredo-v1",
    "qredo-v1-sandbox",
    "qredo-v2",
    "qredo-v1-demo",
    "qredo-v2-demo",
];

pub fn is_builtin(name: &str) -> bool {
    BUILTIN_NAMES.contains(&name)
}

/// The base URL of a demo profile for a mock whose Partner API base is `partner_base`
/// (the live address `xsign demo` records): the v1/v2 APIs sit on the same host.
pub fn demo_base_for(profile: &Profile, partner_base: &str) -> Option<String> {
    let origin = partner_base.strip_suffix("/api/v1/p")?;
    match profile.name.as_str() {
        "demo" if profile.base_url == DEMO_URL => Some(partner_base.to_string()),
        "qredo-v1-demo" if profile.base_url == QREDO_V1_DEMO_URL => {
            Some(format!("{origin}/qapi/v1"))
        }
        "qredo-v2-demo" if profile.base_url == QREDO_V2_DEMO_URL => {
            Some(format!("{origin}/api/v2"))
        }
        _ => None,
    }
}

/// Profile names go on the command line and in file names: keep them plain.
pub fn validate_profile_name(name: &str) -> Result<(), super::StoreError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !name.starts_with('.');
    if ok {
        Ok(())
    } else {
        Err(super::StoreError::InvalidName {
            what: "profile name",
            name: name.to_string(),
            reason: "use letters, digits, '-', '_' or '.' (at most 64)".into(),
        })
    }
}

/// Checks a base URL the way a user would want to hear about it before sending.
pub fn validate_base_url(url: &str) -> Result<(), String> {
    let parsed = url::Url::parse(url).map_err(|e| {
        format!("`{url}` is not a URL ({e}): give the full base URL, e.g. {PRODUCTION_URL}")
    })?;
    match parsed.scheme() {
        "http" | "https" => {}
        other => {
            return Err(format!(
                "`{url}` uses {other}://; the base URL must be http:// or https://"
            ));
        }
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(format!(
            "`{url}` has a query or fragment; the base URL is only scheme, host and path"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_key_is_masked_everywhere() {
        let s = ApiKeySource::Inline("ABCDEFGHIJKLMNOPQRSTUVWXyz12".into());
        assert_eq!(s.to_string(), "inline ****yz12");
        assert!(!format!("{s:?}").contains("ABCD"));
        assert_eq!(mask_api_key("short"), "****");
    }

    #[test]
    fn builtins_are_the_four_environments() {
        let names: Vec<_> = builtin_profiles().into_iter().map(|p| p.name).collect();
        assert_eq!(names, BUILTIN_NAMES);
        let v1 = builtin_profiles()
            .into_iter()
            .find(|p| p.name == "qredo-v1-demo")
            .unwrap();
        assert_eq!(v1.scheme, Scheme::QredoV1);
        assert_eq!(
            demo_base_for(&v1, "http://127.0.0.1:9/api/v1/p").as_deref(),
            Some("http://127.0.0.1:9/qapi/v1")
        );
        let play = builtin_profiles()
            .into_iter()
            .find(|p| p.name == "play")
            .unwrap();
        assert!(!play.signing);
    }

    #[test]
    fn old_profiles_read_as_partner_rsa() {
        let old = r#"{"name":"x","base_url":"https://h/api/v1/p","api_key":{"file":"apikey"},"key_path":"private.pem"}"#;
        let p: Profile = serde_json::from_str(old).unwrap();
        assert_eq!(p.scheme, Scheme::PartnerRsa);
        let json = serde_json::to_string(&p).unwrap();
        assert!(!json.contains("scheme"), "{json}");
        let q = Profile::qredo("q", QREDO_V1_URL, Scheme::QredoV1);
        let back: Profile = serde_json::from_str(&serde_json::to_string(&q).unwrap()).unwrap();
        assert_eq!(back, q);
    }

    #[test]
    fn the_demo_url_is_the_demo_port() {
        assert_eq!(demo_base_url(DEMO_PORT), DEMO_URL);
    }

    #[test]
    fn base_url_checks() {
        assert!(validate_base_url(PRODUCTION_URL).is_ok());
        assert!(validate_base_url("api.qredo.network").is_err());
        assert!(validate_base_url("wss://x/y").is_err());
        assert!(validate_base_url("https://x/y?a=1").is_err());
    }
}
