//! Helpers shared by commands: reading keys, API keys and bodies the same way everywhere.

use super::Context;
use crate::credentials::{self, Passphrase, ProfileFlags, Selected, Unchosen};
use crate::signing::PrivateKey;
use crate::store::ConfigStore;
use std::io::IsTerminal;
use std::path::Path;

/// The longest timeout a flag accepts: a day. Far beyond any request, and small enough that
/// a deadline computed from it cannot overflow (`--timeout 1e20` panicked making a Duration).
pub const MAX_TIMEOUT_SECS: u64 = 86_400;

/// Value parser of `send --timeout S`: seconds, fractions allowed, above 0 and at most a day.
pub fn parse_timeout(s: &str) -> Result<f64, String> {
    let secs: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number of seconds; give e.g. 30 or 2.5"))?;
    // Written so that NaN fails too.
    if !(secs > 0.0 && secs <= MAX_TIMEOUT_SECS as f64) {
        return Err(format!(
            "give a number of seconds above 0 and at most {MAX_TIMEOUT_SECS} (a day)"
        ));
    }
    Ok(secs)
}

/// Value parser of a profile's `--timeout SECS`: whole seconds (the profile stores them so),
/// above 0 and at most a day. `0.5` says so, rather than "invalid digit found in string".
pub fn parse_whole_timeout(s: &str) -> Result<u64, String> {
    match whole_seconds(s) {
        Some(n) if (1..=MAX_TIMEOUT_SECS).contains(&n) => Ok(n),
        Some(_) => Err(format!(
            "give a whole number of seconds from 1 to {MAX_TIMEOUT_SECS} (a day)"
        )),
        None => Err(format!(
            "`{s}` is not a whole number of seconds: a profile keeps whole seconds (e.g. 30); `send --timeout` takes fractions"
        )),
    }
}

/// Value parser of `--skew SECS` (the doctor, the mock): whole seconds from 0 to a day. A
/// negative window or `--skew 1e30` would make every verdict about the clock wrong.
pub fn parse_skew(s: &str) -> Result<u32, String> {
    match whole_seconds(s) {
        Some(n) if n <= MAX_TIMEOUT_SECS => Ok(n as u32),
        Some(_) => Err(format!(
            "give a number of seconds from 0 to {MAX_TIMEOUT_SECS} (a day); the API allows 30"
        )),
        None => Err(format!(
            "`{s}` is not a whole number of seconds; give e.g. 30 (the API's window)"
        )),
    }
}

/// A whole number of seconds; one of digits only but past u64 is `u64::MAX` (a whole
/// number, only far too large, for the range message rather than "not a number").
fn whole_seconds(s: &str) -> Option<u64> {
    let t = s.trim();
    match t.parse() {
        Ok(n) => Some(n),
        Err(_) if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) => Some(u64::MAX),
        Err(_) => None,
    }
}

/// Value parser of `--var NAME=VALUE` (`xsign run`, `xsign replay`).
pub fn parse_var(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("{s:?} is not NAME=VALUE")),
    }
}

/// Loads the config and picks the profile for `ctx` with `flags` applied (see
/// [`credentials::select`]); a config file that had to be moved aside is reported here.
pub fn select_profile(ctx: &Context, flags: &ProfileFlags) -> anyhow::Result<Selected> {
    select_profile_or(ctx, flags, Unchosen::ReferenceClient)
}

/// [`select_profile`] with the choice of what applies when no profile is chosen.
pub fn select_profile_or(
    ctx: &Context,
    flags: &ProfileFlags,
    unchosen: Unchosen,
) -> anyhow::Result<Selected> {
    let loaded = ConfigStore::open_default().load()?;
    for w in loaded.warnings() {
        errln!("warning: {}", crate::visible::visible(&w));
    }
    credentials::select_or(&loaded.value, ctx.profile.as_deref(), flags, unchosen)
}

/// Loads a private key for a command: warns on stderr about loose permissions and asks for
/// the passphrase of an encrypted PKCS#8 key when a terminal is attached.
pub fn load_private_key(path: &Path) -> anyhow::Result<PrivateKey> {
    let ask = |path: &Path| {
        // rpassword reads from /dev/tty, so a piped body does not stop the prompt.
        rpassword::prompt_password(format!("passphrase for {}: ", path.display()))
    };
    let terminal = std::io::stdin().is_terminal() || std::io::stderr().is_terminal();
    let ask: Passphrase<'_> = if terminal { Some(&ask) } else { None };
    let loaded = credentials::load_private_key(path, ask)?;
    if let Some(warning) = &loaded.warning {
        errln!("{warning}");
    }
    Ok(loaded.key)
}

/// A `qredo-*` profile's HMAC signer, its secret file's loose mode warned about on stderr;
/// `None` for the Partner API's scheme or with signing off.
pub fn hmac_signer(
    r: &crate::store::ResolvedProfile,
) -> anyhow::Result<Option<std::sync::Arc<dyn crate::signing::RequestSigner>>> {
    Ok(credentials::hmac_signer(r)?.map(|(signer, warning)| {
        if let Some(w) = warning {
            errln!("{w}");
        }
        signer
    }))
}

/// An HTTP method token, uppercased; anything else is refused before it is signed or saved.
pub fn http_method(m: &str) -> anyhow::Result<String> {
    let upper = m.trim().to_ascii_uppercase();
    if upper.is_empty() || reqwest::Method::from_bytes(upper.as_bytes()).is_err() {
        anyhow::bail!("{m:?} is not an HTTP method: use GET, POST, PUT or DELETE");
    }
    Ok(upper)
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
                    crate::curl::shell_quote(wire.as_bytes())
                ));
            }
            line
        })
        .collect()
}

/// `--nonce N` given by the user, for one request: recorded for `api_key` so later nonces
/// exceed it, with a note when it is not above the last one used (the server refuses it).
pub fn use_chosen_nonce(api_key: &str, n: u64) -> anyhow::Result<u64> {
    let store = crate::signing::NonceStore::new(crate::paths::nonce_dir());
    if let Some(last) = store.record(api_key, n)?
        && n <= last
    {
        errln!(
            "note: nonce {n} is not above {last}, the last one used with this API key; \
             the server refuses a nonce that does not increase. Omit N to take the next one"
        );
    }
    Ok(n)
}

/// `--nonce N` for a command that signs many requests (`listen`, `proxy`): the first one
/// uses N and the next ones count up from it; when N is not above the last one used, they
/// continue from that one instead, and a note says so.
pub fn start_nonces_at(api_key: &str, n: u64) -> anyhow::Result<()> {
    let store = crate::signing::NonceStore::new(crate::paths::nonce_dir());
    match store.last(api_key)? {
        Some(last) if n <= last => errln!(
            "note: nonce {n} is not above {last}, the last one used with this API key; \
             starting at {} instead (the server refuses a nonce that does not increase)",
            last + 1
        ),
        _ => {
            store.record(api_key, n.saturating_sub(1))?;
        }
    }
    Ok(())
}
