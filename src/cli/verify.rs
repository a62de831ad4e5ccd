//! `xsign verify`: does this x-sign match this request under this public key?

use super::Context;
use super::common::{load_private_key, select_profile};
use crate::credentials::{ProfileFlags, absolute_url, load_public_key};
use crate::signing::{AuthValue, Payload, PublicKey, verify_x_sign, wire_url};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(
    group = clap::ArgGroup::new("value").required(true).args(["timestamp", "nonce"]),
    after_help = "\
Exit status: 0 when the x-sign verifies, 6 (signature refused) when it does not, 1 for any other \
failure (a missing key file, a bad URL).

The server checks the signature against the URL as it arrives. When the URL given would go on \
the wire in another form (a space, an uppercase host, a default port), verify says so, and \
which of the two forms the x-sign covers.

With --profile (or XSIGN_PROFILE, or a default profile in the config), --url may be relative to \
the profile's base URL, and the key defaults to the profile's (its public half).

Example:
  xsign verify --pubkey public.pem --url https://api.qredo.network/api/v1/p/company \\
    --body-file body.json --timestamp 1639490495 --sign nYydrJ71hoif..."
)]
pub struct Args {
    /// The public key (BEGIN PUBLIC KEY); a private key file works too
    /// [default: the profile's key, or public.pem]
    #[arg(long, value_name = "FILE")]
    pub pubkey: Option<PathBuf>,
    /// The full URL exactly as signed, or a path relative to the profile's base URL
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// The body exactly as signed (`-` for stdin); without it the body is empty
    #[arg(long, short = 'd', value_name = "FILE")]
    pub body_file: Option<PathBuf>,
    #[command(flatten)]
    pub body_limit: crate::cli::body::BodyLimit,
    /// The x-timestamp that was signed
    #[arg(long, value_name = "T", allow_negative_numbers = true)]
    pub timestamp: Option<i64>,
    /// The x-nonce that was signed
    #[arg(long, value_name = "N")]
    pub nonce: Option<u64>,
    /// The x-sign to check
    #[arg(long = "sign", value_name = "X_SIGN")]
    pub x_sign: String,
    /// Print the result as one JSON object (verified, payload_hash, key fingerprint, ...)
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    let selected = select_profile(ctx, &ProfileFlags::default())?;
    let url = absolute_url(&selected, &args.url)?;
    let key = match &args.pubkey {
        Some(path) => load_public_key(path, "--pubkey")?,
        // A profile names its private key; its public half is what the server holds.
        None if selected.is_profile() && selected.signing() => {
            load_private_key(&selected.key_path()?)?.public_key()
        }
        None => load_public_key(&PathBuf::from("public.pem"), "--pubkey")?,
    };
    let body = match &args.body_file {
        Some(path) => crate::cli::body::read_body(Some(path), args.body_limit)?,
        None => Vec::new(),
    };
    let value = match (args.timestamp, args.nonce) {
        (Some(t), _) => AuthValue::Timestamp(t),
        (None, Some(n)) => AuthValue::Nonce(n),
        (None, None) => anyhow::bail!("give the signed value: --timestamp T or --nonce N"),
    };
    if url != args.url {
        errln!("note: checking {url}");
    }
    let x_sign = args.x_sign.trim();
    let payload = Payload::new(value, &url, &body);
    // The form the server will check against, when it differs from the one given.
    let wire = wire_url(&url).ok().filter(|w| w.differs());
    let verified = verify_x_sign(&key, &payload, x_sign);
    if args.json {
        let exit = if verified.is_ok() {
            super::exit::Exit::Ok
        } else {
            super::exit::Exit::SignatureRefused
        };
        super::json::print(&serde_json::json!({
            "verified": verified.is_ok(),
            "error": verified.as_ref().err().map(ToString::to_string),
            "url": url,
            "wire_url": wire.as_ref().map(|w| w.wire.clone()),
            "auth": crate::store::history::AuthRecord::from_value(value),
            "payload_hash": payload.hash_hex(),
            "x_sign": x_sign,
            "key": { "fingerprint": key.info().fingerprint, "bits": key.info().bits },
            "exit_code": exit.code(),
        }));
        return Ok(exit.into());
    }
    match verified {
        Ok(()) => {
            outln!(
                "ok: x-sign verifies ({} bits, {}; hash {})",
                key.info().bits,
                key.info().fingerprint,
                payload.hash_hex()
            );
            if let Some(w) = &wire {
                errln!(
                    "warning: the HTTP library sends this URL as {} ({}); the server checks that form, \
                     so this x-sign will fail there with 1020. Sign the URL as sent",
                    w.wire,
                    w.reasons().join(", ")
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            outln!("FAILED: {e}");
            errln!(
                "checked: {} {} + URL ({} bytes) + body ({} bytes), hash {}, key {}",
                value.header_name(),
                value,
                url.len(),
                body.len(),
                payload.hash_hex(),
                key.info().fingerprint
            );
            if let Some(w) = wire {
                explain_wire_form(&key, value, &w.wire, &body, x_sign);
            }
            Ok(super::exit::Exit::SignatureRefused.into())
        }
    }
}

/// The x-sign may cover the URL as it goes on the wire rather than as given: say so.
fn explain_wire_form(key: &PublicKey, value: AuthValue, wire: &str, body: &[u8], x_sign: &str) {
    let on_wire = Payload::new(value, wire, body);
    if verify_x_sign(key, &on_wire, x_sign).is_ok() {
        errln!(
            "note: it verifies over the URL as sent on the wire, {wire}: check with --url {}",
            crate::curl::shell_quote(wire.as_bytes())
        );
    }
}
