//! `xsign replay COLLECTION[/REQUEST]`.

use super::Context;
use crate::signing::{AuthMode, AuthValue, NonceStore, RequestSigner, RsaSigner, SignedRequest};
use crate::store::ResolvedProfile;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _ctx: &Context) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`xsign replay` is not built yet")
}

/// Signs with a fresh timestamp or nonce for `profile`.
pub(crate) fn sign_for(
    profile: &ResolvedProfile,
    method: &str,
    url: &str,
    body: &[u8],
) -> anyhow::Result<SignedRequest> {
    let key_path = profile
        .key_path
        .as_deref()
        .ok_or_else(|| anyhow::anyhow!("profile `{}` does not sign", profile.name))?;
    let key = super::common::load_private_key(key_path)?;
    let value = match profile.auth_mode {
        AuthMode::Timestamp => AuthValue::now(),
        AuthMode::Nonce => {
            AuthValue::Nonce(NonceStore::new(crate::paths::nonce_dir()).take(&profile.api_key)?)
        }
    };
    Ok(RsaSigner::new(key).sign(method, url, body, value))
}
