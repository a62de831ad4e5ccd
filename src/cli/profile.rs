//! `xsign profile list|show|add|edit|remove`.

use super::Context;
use crate::signing::AuthMode;
use crate::store::profile::{ApiKeySource, Profile, validate_base_url, validate_profile_name};
use crate::store::{Config, ConfigStore, Loaded, StoreError};
use anyhow::Context as _;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
#[command(after_help = "\
A profile says where requests go and how they are signed: base URL, API key (a file, an \
environment variable, or inline), private key, timestamp or nonce, extra headers, timeout. \
Select one per command with --profile NAME or XSIGN_PROFILE, or make one the default with \
--default. With none chosen, the workbench, collections and replay use production, while sign, \
send, listen and verify keep the reference client's defaults: private.pem and apikey in the \
current directory, base URL http://localhost:8001/api/v1/p (`xsign mock`).

Examples:
  xsign profile add mine --base-url https://api.qredo.network/api/v1/p \\
    --api-key-file ~/qredo/apikey --key ~/qredo/private.pem --default
  xsign profile edit sandbox --api-key-env QREDO_SANDBOX_KEY
  xsign profile set-var sandbox asset BTC-TESTNET
  xsign profile show")]
pub enum Command {
    /// List every profile (built-in and your own)
    List {
        /// One JSON object per profile (as `profile show --json`)
        #[arg(long)]
        json: bool,
    },
    /// Show one profile (the selected one by default); the API key stays masked
    Show {
        /// The profile [default: the selected one]
        name: Option<String>,
        /// Print it as one JSON object (the API key and secret headers masked)
        #[arg(long)]
        json: bool,
    },
    /// Add a profile (starts from production's settings, or --from PROFILE)
    Add {
        /// Letters, digits, '-', '_' or '.'
        name: String,
        /// Copy the settings of this profile first
        #[arg(long, value_name = "PROFILE")]
        from: Option<String>,
        #[command(flatten)]
        fields: Box<Fields>,
    },
    /// Change a profile; editing a built-in saves your own version of it
    Edit {
        /// The profile to change
        name: String,
        #[command(flatten)]
        fields: Box<Fields>,
    },
    /// Remove your profile (for a built-in: go back to its defaults)
    Remove {
        /// The profile to remove
        name: String,
    },
    /// Set a variable for {{NAME}} in scenarios (below their [vars], above --var), saved
    /// requests and the workbench
    SetVar {
        /// The profile
        name: String,
        /// The variable, as written in {{NAME}}
        var: String,
        /// Its value, as it is rendered
        value: String,
    },
    /// Remove one of the profile's variables
    UnsetVar {
        /// The profile
        name: String,
        /// The variable
        var: String,
    },
}

#[derive(Debug, Default, clap::Args)]
pub struct Fields {
    /// Base URL, e.g. https://api.qredo.network/api/v1/p
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Read the API key from this file (trimmed; saved as an absolute path)
    #[arg(long, group = "api_key", value_name = "FILE")]
    pub api_key_file: Option<PathBuf>,
    /// Read the API key from this environment variable
    #[arg(long, group = "api_key", value_name = "VAR")]
    pub api_key_env: Option<String>,
    /// Keep the API key in the config file; `-` reads it from stdin (keeps it out of shell history)
    #[arg(long, group = "api_key", value_name = "KEY")]
    pub api_key_inline: Option<String>,
    /// Private key file (PEM; saved as an absolute path)
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// x-timestamp or x-nonce
    #[arg(long, value_enum)]
    pub mode: Option<ModeArg>,
    /// Sign requests (on/off)
    #[arg(long, value_enum)]
    pub signing: Option<Switch>,
    /// Extra header sent with every request, `NAME: VALUE` (repeatable; adds to the list)
    #[arg(long = "header", short = 'H', value_name = "HEADER")]
    pub headers: Vec<String>,
    /// Remove all extra headers first
    #[arg(long)]
    pub clear_headers: bool,
    /// Request timeout in seconds
    #[arg(long, value_name = "SECS", value_parser = super::common::parse_whole_timeout)]
    pub timeout: Option<u64>,
    /// Make this the default profile
    #[arg(long)]
    pub default: bool,
    /// Signing scheme: partner-rsa, qredo-v1 or qredo-v2
    #[arg(long, value_name = "SCHEME")]
    pub scheme: Option<crate::signing::Scheme>,
    /// The Qredo API secret file (base64url), for qredo-v1/v2
    #[arg(long, value_name = "FILE")]
    pub secret_file: Option<PathBuf>,
    /// The Qredo API v2 workspace id, whose token qredo-v2 requests carry
    #[arg(long, value_name = "ID")]
    pub workspace: Option<String>,
    #[command(flatten)]
    pub http: HttpFields,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ModeArg {
    Timestamp,
    Nonce,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Switch {
    On,
    Off,
}

#[path = "profile_http.rs"]
mod http;
use http::HttpFields;

#[path = "profile_show.rs"]
mod show;
use show::{list, show, status};

pub fn run(command: Command, ctx: &Context) -> anyhow::Result<ExitCode> {
    let store = ConfigStore::open_default();
    match command {
        Command::List { json } => list(&store, ctx, json),
        Command::Show { name, json } => show(&store, ctx, name, json),
        Command::Add { name, from, fields } => add(&store, name, from, fields),
        Command::Edit { name, fields } => edit(&store, name, fields),
        Command::Remove { name } => remove(&store, name),
        Command::SetVar { name, var, value } => {
            super::profile_vars::set(&store, &name, &var, &value)
        }
        Command::UnsetVar { name, var } => super::profile_vars::unset(&store, &name, &var),
    }
}

pub(crate) fn report_moved<T>(loaded: &Loaded<T>) {
    for w in loaded.warnings() {
        errln!("warning: {}", crate::visible::visible(&w));
    }
}

/// The profile as saved, with its readiness: what a user wants to see after a change.
fn report_saved(store: &ConfigStore, name: &str, verb: &str) -> anyhow::Result<()> {
    outln!("{verb} profile `{name}` in {}", store.path().display());
    if let Some(p) = store.load()?.value.profile(name) {
        outln!("  base URL: {}", p.base_url);
        outln!("  API key:  {}", p.api_key);
        outln!("  key:      {}", p.key_path.display());
        for (what, value) in p.http.describe() {
            outln!("  {:<9} {value}", format!("{what}:"));
        }
        outln!("  status:   {}", status(&p));
    }
    Ok(())
}

fn add(
    store: &ConfigStore,
    name: String,
    from: Option<String>,
    fields: Box<Fields>,
) -> anyhow::Result<ExitCode> {
    validate_profile_name(&name)?;
    let fields = fields.prepare()?;
    let loaded = store.update(|config| {
        if config.profile(&name).is_some() {
            return Err(StoreError::Exists {
                what: "profile",
                name: name.clone(),
                hint: format!("Change it with `xsign profile edit {name}`"),
            });
        }
        let base = match &from {
            Some(f) => config.profile(f).ok_or_else(|| StoreError::NotFound {
                what: "profile",
                name: f.clone(),
                hint: "`xsign profile list` shows the profiles, for --from".into(),
            })?,
            None => Profile::new(&name, crate::store::profile::PRODUCTION_URL),
        };
        fields.save_into(
            config,
            Profile {
                name: name.clone(),
                ..base
            },
        )
    })?;
    report_moved(&loaded);
    report_saved(store, &name, "added")?;
    Ok(ExitCode::SUCCESS)
}

fn edit(store: &ConfigStore, name: String, fields: Box<Fields>) -> anyhow::Result<ExitCode> {
    let fields = fields.prepare()?;
    let loaded = store.update(|config| {
        let current = config.profile(&name).ok_or_else(|| StoreError::NotFound {
            what: "profile",
            name: name.clone(),
            hint: format!(
                "`xsign profile list` shows the profiles; add it with `xsign profile add {name} --base-url URL`"
            ),
        })?;
        fields.save_into(config, current)
    })?;
    report_moved(&loaded);
    report_saved(store, &name, "saved")?;
    Ok(ExitCode::SUCCESS)
}

fn remove(store: &ConfigStore, name: String) -> anyhow::Result<ExitCode> {
    let loaded = store.update(|config| {
        let before = config.profiles.len();
        config.profiles.retain(|p| p.name != name);
        if config.profiles.len() == before {
            let hint = if crate::store::profile::is_builtin(&name) {
                "It is built in and has its default settings: there is nothing to remove"
                    .to_string()
            } else {
                "`xsign profile list` shows the profiles".to_string()
            };
            return Err(StoreError::NotFound {
                what: "edited profile",
                name: name.clone(),
                hint,
            });
        }
        if config.default_profile.as_deref() == Some(name.as_str()) {
            config.default_profile = None;
        }
        Ok(())
    })?;
    report_moved(&loaded);
    if crate::store::profile::is_builtin(&name) {
        outln!("profile `{name}` is back to its built-in settings");
    } else {
        outln!("removed profile `{name}`");
    }
    Ok(ExitCode::SUCCESS)
}

impl Fields {
    fn prepare(mut self: Box<Self>) -> anyhow::Result<Box<Self>> {
        if self.api_key_inline.as_deref() == Some("-") {
            let key = if std::io::stdin().is_terminal() {
                rpassword::prompt_password("API key: ").context("reading the API key")?
            } else {
                let bytes = crate::input_file::read_stream(
                    std::io::stdin().lock(),
                    crate::input_file::API_KEY,
                )
                .map_err(|e| anyhow::anyhow!("reading the API key from stdin: {e}"))?;
                String::from_utf8(bytes)
                    .map_err(|_| anyhow::anyhow!("the API key on stdin is not text"))?
            };
            self.api_key_inline = Some(key.trim().to_string());
        }
        // A profile is used from any directory: a path given relative to this one would
        // break elsewhere, so keep where it points now.
        for path in [&mut self.key, &mut self.api_key_file, &mut self.secret_file]
            .into_iter()
            .flatten()
        {
            *path = std::path::absolute(&*path)
                .with_context(|| format!("cannot resolve the path {}", path.display()))?;
        }
        self.http.absolute().context("cannot resolve a path")?;
        Ok(self)
    }

    fn apply(&self, mut p: Profile) -> Result<Profile, StoreError> {
        let invalid = |what: &'static str, name: &str, reason: String| StoreError::InvalidName {
            what,
            name: name.to_string(),
            reason,
        };
        if let Some(url) = &self.base_url {
            validate_base_url(url).map_err(|r| invalid("base URL", url, r))?;
            p.base_url = url.clone();
        }
        if let Some(f) = &self.api_key_file {
            p.api_key = ApiKeySource::File(f.clone());
        }
        if let Some(v) = &self.api_key_env {
            p.api_key = ApiKeySource::Env(v.clone());
        }
        if let Some(k) = &self.api_key_inline {
            p.api_key = ApiKeySource::Inline(k.clone());
        }
        if let Some(k) = &self.key {
            p.key_path = k.clone();
        }
        if let Some(m) = self.mode {
            p.auth_mode = match m {
                ModeArg::Timestamp => AuthMode::Timestamp,
                ModeArg::Nonce => AuthMode::Nonce,
            };
        }
        if let Some(s) = self.signing {
            p.signing = matches!(s, Switch::On);
        }
        if self.clear_headers {
            p.headers.clear();
        }
        for h in &self.headers {
            p.headers
                .push(parse_header(h).map_err(|r| invalid("header", h, r))?);
        }
        if let Some(s) = self.scheme {
            p.scheme = s;
        }
        if let Some(f) = &self.secret_file {
            p.secret_path = Some(f.clone());
        }
        if let Some(w) = &self.workspace {
            let w = w.trim();
            if w.is_empty()
                || !w
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
            {
                return Err(invalid(
                    "workspace",
                    w,
                    "use the id from the web app (letters, digits, '-' or '_')".into(),
                ));
            }
            p.workspace = Some(w.to_string());
        }
        if let Some(t) = self.timeout {
            if t == 0 {
                return Err(invalid("timeout", "0", "give at least 1 second".into()));
            }
            p.timeout_secs = t;
        }
        // Last: checked against the base URL as changed above.
        p.http = self.http.apply(&p)?;
        Ok(p)
    }

    /// `p` with these fields applied, saved in `config`, and made the default if asked.
    fn save_into(&self, config: &mut Config, p: Profile) -> Result<(), StoreError> {
        let p = self.apply(p)?;
        if self.default {
            config.default_profile = Some(p.name.clone());
        }
        config.upsert_profile(p);
        Ok(())
    }
}

/// `NAME: VALUE` → (NAME, VALUE); the value keeps inner spaces, loses the ones after `:`.
pub fn parse_header(h: &str) -> Result<(String, String), String> {
    let (name, value) = h
        .split_once(':')
        .ok_or_else(|| "write it as `NAME: VALUE`".to_string())?;
    let name = name.trim();
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("the header name must be non-empty, without spaces".into());
    }
    Ok((name.to_string(), value.trim_start().to_string()))
}
