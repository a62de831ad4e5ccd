//! Reading keys and API keys from their files, the same way for every command and the
//! workbench. No terminal here: an encrypted key's passphrase comes from the caller.

use crate::signing::{KeyError, PrivateKey, PublicKey, check_key_file_mode};
use std::path::{Path, PathBuf};

/// How to get the passphrase of an encrypted PKCS#8 key: `None` when nobody can be asked
/// (the workbench, a script without a terminal), and the key is refused with its fix.
pub type Passphrase<'a> = Option<&'a dyn Fn(&Path) -> std::io::Result<String>>;

/// A private key read from its file, with the warning to show about the file's mode.
#[derive(Debug)]
pub struct LoadedKey {
    pub key: PrivateKey,
    pub path: PathBuf,
    /// The file is readable by others: say so, but sign.
    pub warning: Option<String>,
}

/// Loads a private key; an encrypted PKCS#8 key is opened with the passphrase `ask` gives.
pub fn load_private_key(path: &Path, ask: Passphrase<'_>) -> anyhow::Result<LoadedKey> {
    let warning = check_key_file_mode(path);
    let key = match (PrivateKey::from_file(path), ask) {
        (Err(KeyError::Encrypted { tool: "pkey", .. }), Some(ask)) => {
            let text = crate::input_file::read_text(path, crate::input_file::PRIVATE_KEY)?;
            let pass = ask(path).map_err(|e| anyhow::anyhow!("reading the passphrase: {e}"))?;
            PrivateKey::from_pem_with_passphrase(&text, &pass, path)?
        }
        (other, _) => other?,
    };
    Ok(LoadedKey {
        key,
        path: path.to_path_buf(),
        warning,
    })
}

/// Loads the public key a command checks signatures against; `flag` is the option that
/// names it, so a missing file points at the right one.
pub fn load_public_key(path: &Path, flag: &str) -> anyhow::Result<PublicKey> {
    match PublicKey::from_file(path) {
        Err(KeyError::NotFound(_)) => anyhow::bail!(
            "no public key at {}: pass {flag} FILE with the public.pem that `xsign keygen` wrote \
             (the private key file works too)",
            path.display()
        ),
        other => Ok(other?),
    }
}

/// Reads an API key file the way the reference client does: whitespace around it trimmed.
pub fn read_api_key(path: &Path) -> anyhow::Result<String> {
    let text = crate::input_file::read_text(path, crate::input_file::API_KEY).map_err(|e| match e {
        crate::input_file::ReadError::NotFound { .. } => anyhow::anyhow!(
            "no API key file at {}: save the API key from the web app into it, or pass --api-key-file FILE",
            path.display()
        ),
        other => other.into(),
    })?;
    let key = text.trim();
    if key.is_empty() {
        anyhow::bail!(
            "the API key file {} is empty: paste the API key from the web app into it",
            path.display()
        );
    }
    Ok(key.to_string())
}
