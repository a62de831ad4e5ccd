//! Credentials for a request: which profile applies (or the reference client's defaults),
//! with command-line overrides, and the key, API key and base URL it resolves to. Reading
//! files is here; asking for a passphrase or printing a warning is the caller's.

mod entry_key;
mod keys;

pub use entry_key::{EntryKey, key_for_entry};
pub use keys::{LoadedKey, Passphrase, load_private_key, load_public_key, read_api_key};

use crate::secret::QredoSecret;
use crate::secret::mask_api_key;
use crate::signing::{AuthMode, HmacV1Signer, RequestSigner, Scheme};
use crate::store::collection::{is_absolute, join_url};
use crate::store::profile::{DEFAULT_TIMEOUT_SECS, api_key_id, validate_base_url};
use crate::store::{Config, Profile, ProfileError, ResolvedProfile};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The reference client's local example: the base URL when no profile is selected.
pub const DEFAULT_BASE_URL: &str = "http://localhost:8001/api/v1/p";

/// The name history records when no profile is selected.
pub const NO_PROFILE: &str = "-";

/// Flags that override the selected profile, field by field: the one set of `--key`,
/// `--api-key-file` and `--base-url` that `sign`, `send`, `listen` and `replay` flatten in.
/// The doc lines are the help; a command whose defaults or use differ rewords one with
/// `#[command(mut_arg(..))]` rather than declaring the flag again.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ProfileFlags {
    /// The private key (PEM, PKCS#1 or PKCS#8) [default: the profile's, or private.pem]
    // Given, it signs with this key, even when the profile does not sign.
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// The file holding the API key [default: the profile's, or apikey]
    // One spelling across commands (`profile add --api-key-file`); the reference client's
    // `--apikey-file` still parses.
    #[arg(long = "api-key-file", alias = "apikey-file", value_name = "FILE")]
    pub apikey_file: Option<PathBuf>,
    /// Base for relative URLs [default: the profile's, or http://localhost:8001/api/v1/p]
    #[arg(long, value_name = "URL", env = "XSIGN_BASE_URL")]
    pub base_url: Option<String>,
    /// Signing scheme: partner-rsa, qredo-v1 or qredo-v2 [default: the profile's, or partner-rsa]
    #[arg(long, value_name = "SCHEME")]
    pub scheme: Option<Scheme>,
    /// The Qredo API secret file (base64url) for qredo-v1/v2 [default: the profile's, or secret]
    #[arg(long, value_name = "FILE")]
    pub secret_file: Option<PathBuf>,
    /// The Qredo API v2 workspace id, whose token qredo-v2 requests carry [default: the profile's]
    #[arg(long, value_name = "ID")]
    pub workspace: Option<String>,
}

/// The profile a command works with, before anything is read from disk: the one chosen by
/// `--profile` / `XSIGN_PROFILE` / the config's default, or, when none is chosen anywhere,
/// the reference client's defaults (`private.pem` and `apikey` in the working directory,
/// [`DEFAULT_BASE_URL`], timestamps). Flags override either.
///
/// Reading is left to [`Selected::api_key`] and [`Selected::key_path`], so a command that
/// does not need the API key (`xsign sign` without `--curl`) is not stopped by a missing one.
#[derive(Debug, Clone)]
pub struct Selected {
    /// `None`: no profile selected, the reference client's defaults apply.
    profile: Option<Profile>,
    flags: ProfileFlags,
}

/// What applies when no profile is chosen (no `--profile`, no `XSIGN_PROFILE`, no default
/// in the config).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unchosen {
    /// The reference client's defaults: what `sign`, `send`, `listen` and `verify` mirror.
    ReferenceClient,
    /// The store's default profile (`production`): what collections, `replay` and the
    /// workbench use, so that relative URLs saved in a collection have a base.
    DefaultProfile,
}

/// Picks the profile from `config` for the name chosen on the command line (`--profile` /
/// `XSIGN_PROFILE`), with `flags` applied; with none chosen anywhere, the reference
/// client's defaults. Fails only when a profile is named that does not exist (the message
/// lists the known ones).
pub fn select(
    config: &Config,
    chosen: Option<&str>,
    flags: &ProfileFlags,
) -> anyhow::Result<Selected> {
    select_or(config, chosen, flags, Unchosen::ReferenceClient)
}

/// [`select`] with the choice of what applies when no profile is chosen.
pub fn select_or(
    config: &Config,
    chosen: Option<&str>,
    flags: &ProfileFlags,
    unchosen: Unchosen,
) -> anyhow::Result<Selected> {
    let any_chosen = chosen.is_some()
        || config.default_profile.is_some()
        || unchosen == Unchosen::DefaultProfile;
    let profile = if any_chosen {
        let name = config.selected_name(chosen);
        // resolve() names the known profiles and how to add one.
        match config.profile(&name) {
            Some(p) => Some(p),
            None => {
                return Err(config.resolve(Some(&name)).err().map_or_else(
                    || {
                        anyhow::anyhow!(
                            "no profile named `{name}`: `xsign profile list` shows the known ones"
                        )
                    },
                    anyhow::Error::from,
                ));
            }
        }
    } else {
        None
    };
    Ok(Selected {
        profile,
        flags: flags.clone(),
    })
}

impl Selected {
    /// The profile's name, or [`NO_PROFILE`].
    pub fn name(&self) -> &str {
        self.profile
            .as_ref()
            .map_or(NO_PROFILE, |p| p.name.as_str())
    }

    /// Whether a profile is in use (rather than the reference client's defaults).
    pub fn is_profile(&self) -> bool {
        self.profile.is_some()
    }

    /// Whether the base URL came from a profile or a flag, rather than the built-in default.
    pub fn base_url_chosen(&self) -> bool {
        self.profile.is_some() || self.flags.base_url.is_some()
    }

    /// `--base-url`, else the profile's, else [`DEFAULT_BASE_URL`]; checked.
    pub fn base_url(&self) -> anyhow::Result<String> {
        if let Some(b) = &self.flags.base_url {
            validate_base_url(b).map_err(|reason| anyhow::anyhow!("--base-url: {reason}"))?;
            return Ok(b.clone());
        }
        match &self.profile {
            Some(p) => {
                validate_base_url(&p.base_url).map_err(|reason| ProfileError::BadBaseUrl {
                    profile: p.name.clone(),
                    reason,
                })?;
                Ok(p.base_url.clone())
            }
            None => Ok(DEFAULT_BASE_URL.to_string()),
        }
    }

    /// `--scheme`, else the profile's, else the Partner API's.
    pub fn scheme(&self) -> Scheme {
        self.flags
            .scheme
            .or(self.profile.as_ref().map(|p| p.scheme))
            .unwrap_or_default()
    }

    /// The Qredo API secret file: `--secret-file`, else the profile's, else `./secret`.
    pub fn secret_path(&self) -> PathBuf {
        if let Some(f) = &self.flags.secret_file {
            return f.clone();
        }
        self.profile
            .as_ref()
            .map_or_else(|| PathBuf::from("secret"), Profile::secret_file)
    }

    /// The profile's auth mode; timestamps without a profile.
    pub fn auth_mode(&self) -> AuthMode {
        self.profile
            .as_ref()
            .map_or(AuthMode::Timestamp, |p| p.auth_mode)
    }

    /// Whether requests are signed: off only for a profile with signing off and no `--key`.
    pub fn signing(&self) -> bool {
        self.flags.key.is_some()
            || self.flags.secret_file.is_some()
            || self.profile.as_ref().is_none_or(|p| p.signing)
    }

    /// The profile's variables for `{{name}}` (none without a profile).
    pub fn vars(&self) -> std::collections::BTreeMap<String, String> {
        self.profile
            .as_ref()
            .map(|p| p.vars.clone())
            .unwrap_or_default()
    }

    /// The profile's extra headers, in order.
    pub fn headers(&self) -> Vec<(String, String)> {
        self.profile
            .as_ref()
            .map(|p| p.headers.clone())
            .unwrap_or_default()
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs(
            self.profile
                .as_ref()
                .map_or(DEFAULT_TIMEOUT_SECS, |p| p.timeout_secs)
                .max(1),
        )
    }

    /// The API key, trimmed: from `--api-key-file`, else the profile's source, else `./apikey`.
    pub fn api_key(&self) -> anyhow::Result<String> {
        if let Some(f) = &self.flags.apikey_file {
            return read_api_key(f);
        }
        let Some(p) = &self.profile else {
            return read_api_key(Path::new("apikey"));
        };
        Ok(crate::store::config::profile_api_key(p)?)
    }

    /// The private key file to sign with: `--key`, else the profile's, else `./private.pem`.
    /// A profile's missing file is refused here with its fix; `--key` and the default are
    /// left to [`keys::load_private_key`], whose messages name the file.
    pub fn key_path(&self) -> anyhow::Result<PathBuf> {
        if let Some(k) = &self.flags.key {
            return Ok(k.clone());
        }
        let Some(p) = &self.profile else {
            return Ok(PathBuf::from("private.pem"));
        };
        if !p.signing {
            anyhow::bail!(
                "profile `{0}` has signing off (the guide allows unsigned requests there): pass --key FILE to sign anyway, \
                 or `xsign profile edit {0} --signing on`",
                p.name
            );
        }
        if !p.key_path.exists() {
            let fix = if p.name == "demo" {
                DEMO_FIX.to_string()
            } else {
                format!(
                    "Create a key with `xsign keygen` and upload its public key in the web app, pass --key FILE, or `xsign profile edit {} --key FILE`",
                    p.name
                )
            };
            return Err(ProfileError::KeyFileMissing {
                profile: p.name.clone(),
                path: p.key_path.clone(),
                fix,
            }
            .into());
        }
        Ok(p.key_path.clone())
    }

    /// Everything needed to sign and send, read and checked now: what `send` and `replay`
    /// need. The key file is `None` when signing is off.
    pub fn resolve(&self) -> anyhow::Result<ResolvedProfile> {
        let base_url = self.base_url()?;
        let api_key = self.api_key()?;
        let scheme = self.scheme();
        let hmac = scheme != Scheme::PartnerRsa;
        let key_path = if self.signing() && !hmac {
            Some(self.key_path()?)
        } else {
            None
        };
        let secret_path = (self.signing() && hmac).then(|| self.secret_path());
        Ok(ResolvedProfile {
            name: self.name().to_string(),
            base_url,
            api_key_masked: mask_api_key(&api_key),
            api_key_id: api_key_id(&api_key),
            api_key,
            key_path,
            auth_mode: self.auth_mode(),
            signing: self.signing(),
            headers: self.headers(),
            timeout: self.timeout(),
            scheme,
            secret_path,
            workspace: self
                .flags
                .workspace
                .clone()
                .or_else(|| self.profile.as_ref().and_then(|p| p.workspace.clone())),
            http: self
                .profile
                .as_ref()
                .map(|p| p.http.clone())
                .unwrap_or_default(),
        })
    }
}

/// The input-file kind of a Qredo API secret: a line of base64url.
const SECRET: crate::input_file::Kind = crate::input_file::Kind {
    what: "API secret",
    max: 4 * 1024,
};

/// A secret file read and decoded, with the warning to show about its mode.
#[derive(Debug)]
pub struct LoadedSecret {
    pub secret: QredoSecret,
    pub warning: Option<String>,
}

/// Reads a Qredo API secret file (bounded), decodes it, and checks its mode as for keys.
pub fn load_secret(path: &Path) -> anyhow::Result<LoadedSecret> {
    let text = crate::input_file::read_text(path, SECRET).map_err(|e| match e {
        crate::input_file::ReadError::NotFound { .. } => anyhow::anyhow!(
            "no API secret file at {}: save the secret from the web app into it (mode 0600), pass --secret-file FILE, or `xsign secret new` for the mock",
            path.display()
        ),
        other => other.into(),
    })?;
    let secret =
        QredoSecret::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok(LoadedSecret {
        secret,
        warning: crate::signing::check_key_file_mode(path),
    })
}

/// A signer with the warning to show about its secret file's mode.
pub type LoadedSigner = (Arc<dyn RequestSigner>, Option<String>);

/// The HMAC signer of a resolved `qredo-*` profile; `None` for the Partner API's scheme or
/// with signing off. The RSA signer needs a passphrase prompt, so callers keep that one.
pub fn hmac_signer(r: &ResolvedProfile) -> anyhow::Result<Option<LoadedSigner>> {
    let Some(path) = &r.secret_path else {
        return Ok(None);
    };
    let loaded = load_secret(path)?;
    let signer: Arc<dyn RequestSigner> = match r.scheme {
        Scheme::QredoV2 => Arc::new(HmacV1Signer::v2(loaded.secret)),
        _ => Arc::new(HmacV1Signer::new(loaded.secret)),
    };
    Ok(Some((signer, loaded.warning)))
}

const DEMO_FIX: &str = "Run `xsign demo` once to create the demo key and API key";

/// The absolute URL to sign: `url` itself when absolute, else `url` under the base URL of
/// the profile or `--base-url`. With neither, a relative URL is refused: signing it
/// against a made-up host would only yield a signature the server rejects.
pub fn absolute_url(selected: &Selected, url: &str) -> anyhow::Result<String> {
    if is_absolute(url) {
        return Ok(url.to_string());
    }
    check_relative(url)?;
    if !selected.base_url_chosen() {
        anyhow::bail!(
            "`{}` is not a full URL: the signature covers the whole URL, so start it with https:// and the host \
             (such as https://api.qredo.network/api/v1/p{}), or select a profile with a base URL \
             (--profile NAME; `xsign profile list`), or pass --base-url URL",
            crate::visible::quoted(url),
            crate::visible::quoted(&format!("/{}", url.trim_start_matches('/')))
        );
    }
    Ok(join_url(&selected.base_url()?, url))
}

/// A URL that is not absolute must be a path (or query) under the base URL. An empty one
/// would quietly mean the base URL itself, and `127.0.0.1:8001/x` or `api.qredo.network/x`
/// is a host without its scheme, which joining would bury inside the path.
pub fn check_relative(url: &str) -> anyhow::Result<()> {
    if url.trim().is_empty() {
        anyhow::bail!(
            "the URL is empty: give a path under the base URL, such as /assets, or a full URL"
        );
    }
    let first = url.split(['/', '?']).next().unwrap_or("");
    let host_like = first == "localhost"
        || first.starts_with("localhost:")
        || (first.contains('.') && !first.starts_with('.'))
        || first
            .split_once(':')
            .is_some_and(|(_, port)| !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()));
    if !url.starts_with(['/', '?']) && host_like {
        let scheme = if first.starts_with("localhost") || first.starts_with("127.") {
            "http"
        } else {
            "https"
        };
        anyhow::bail!(
            "`{}` looks like a host without a scheme: write {scheme}://{} (a path under the base URL starts with /)",
            crate::visible::quoted(url),
            crate::visible::quoted(url)
        );
    }
    Ok(())
}
