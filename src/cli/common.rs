//! Helpers shared by commands: reading keys, API keys and bodies the same way everywhere.

use crate::signing::{KeyError, PrivateKey, check_key_file_mode};
use anyhow::Context as _;
use std::io::{IsTerminal, Read};
use std::path::Path;

/// Loads a private key, warning on loose permissions and asking for the passphrase of an
/// encrypted PKCS#8 key when a terminal is attached.
pub fn load_private_key(path: &Path) -> anyhow::Result<PrivateKey> {
    if let Some(warning) = check_key_file_mode(path) {
        eprintln!("{warning}");
    }
    match PrivateKey::from_file(path) {
        // rpassword reads from /dev/tty, so a piped body does not stop the prompt.
        Err(KeyError::Encrypted { tool: "pkey", .. })
            if std::io::stdin().is_terminal() || std::io::stderr().is_terminal() =>
        {
            let text = std::fs::read_to_string(path)?;
            let prompt = format!("passphrase for {}: ", path.display());
            let pass = rpassword::prompt_password(prompt).context("reading the passphrase")?;
            Ok(PrivateKey::from_pem_with_passphrase(&text, &pass, path)?)
        }
        other => Ok(other?),
    }
}

/// Reads an API key file the way the reference client does: whitespace around it trimmed.
pub fn read_api_key(path: &Path) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            anyhow::anyhow!(
                "no API key file at {}: save the API key from the web app into it, or pass --apikey-file FILE",
                path.display()
            )
        } else {
            anyhow::anyhow!("cannot read the API key file {}: {e}", path.display())
        }
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

/// The body, byte-exact: from a file, or from stdin when `file` is None or `-`.
/// On a terminal, says how to end the input, as the reference client does.
pub fn read_body(file: Option<&Path>) -> anyhow::Result<Vec<u8>> {
    match file {
        Some(p) if p != Path::new("-") => {
            std::fs::read(p).with_context(|| format!("cannot read the body file {}", p.display()))
        }
        _ => {
            let stdin = std::io::stdin();
            if stdin.is_terminal() {
                eprintln!("body (end with Ctrl-D on a new line; nothing for no body):");
            }
            let mut body = Vec::new();
            stdin
                .lock()
                .read_to_end(&mut body)
                .context("cannot read the body from stdin")?;
            Ok(body)
        }
    }
}

/// Quotes `s` for a POSIX shell: single quotes keep every byte, `'` becomes `'\''`.
/// Plain words (letters, digits, `-_./:@=,+%`) are left bare for readability.
pub fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:@=,+%".contains(&b));
    if plain {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// Lint findings worth a line on stderr when signing from the CLI: warnings and errors, not
/// infos (a pretty body is fine as long as it is sent as signed).
pub fn sign_notes(input: &crate::lint::LintInput<'_>) -> Vec<String> {
    use crate::lint::{Fix, Severity, check};
    check(input)
        .into_iter()
        .filter(|f| f.severity >= Severity::Warning)
        .map(|f| {
            let prefix = if f.severity == Severity::Error {
                "warning"
            } else {
                "note"
            };
            let mut line = format!("{prefix}: {}", f.message);
            if f.fix == Some(Fix::UseWireUrl)
                && let Some(wire) = Fix::UseWireUrl.apply_to_url(input.url)
            {
                line.push_str(&format!(
                    "\n  to sign the URL as sent: --url {}",
                    shell_quote(&wire)
                ));
            }
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quote_keeps_plain_words_and_escapes_quotes() {
        assert_eq!(shell_quote("POST"), "POST");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's\n\t"), "'it'\\''s\n\t'");
        assert_eq!(shell_quote("$HOME"), "'$HOME'");
    }
}
