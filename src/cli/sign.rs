//! `xsign sign`: the reference client's `sign`, scriptable, with notes on bytes that bite.

use super::Context;
use super::common::{http_method, load_private_key, select_profile, sign_notes};
use crate::credentials::{ProfileFlags, Selected, absolute_url};
use crate::curl::{CurlBody, to_curl};
use crate::lint::LintInput;
use crate::paths;
use crate::signing::{
    AuthMode, AuthValue, HmacV1Signer, NonceStore, RequestSigner, RsaSigner, Scheme, SignedRequest,
    now_unix, wire_url,
};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(
    mut_arg("apikey_file", |a| a.help(
        "The file holding the API key, needed for --curl and nonces [default: the profile's, or apikey]"
    )),
    mut_arg("base_url", |a| a.help("Base for a relative --url [default: the profile's]")),
    after_help = "\
The body is signed byte for byte: nothing is trimmed or folded. A trailing newline or a tab is \
part of the signature, so send exactly these bytes.

With --profile (or XSIGN_PROFILE, or a default profile in the config), the profile gives the base \
URL for a relative --url, the key, the API key and the auth mode; the flags override it. Without \
one, the reference client's defaults apply: private.pem and apikey in the current directory, and \
--url must be the full URL.

The signature covers the URL as typed. When the HTTP library would send it in another form (a \
space, an uppercase host, a default port), a note says so and gives the form to sign; --curl signs \
and sends that form itself.

Examples:
  xsign sign --url https://api.qredo.network/api/v1/p/company --body-file body.json
  xsign sign --url https://api.qredo.network/api/v1/p/company/search < /dev/null
  xsign --profile sandbox sign --url /company --body-file body.json
  xsign sign --nonce --url https://api.qredo.network/api/v1/p/assets --curl < /dev/null | sh
  xsign sign --scheme qredo-v1 -X GET --url https://api.qredo.network/qapi/v1/balance --secret-file secret < /dev/null"
)]
pub struct Args {
    /// The full URL as it will be sent, or a path relative to the profile's base URL (/company)
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// Read the body from FILE (byte-exact; `-` for stdin); without it the body is read from stdin
    #[arg(long, short = 'd', value_name = "FILE")]
    pub body_file: Option<PathBuf>,
    #[command(flatten)]
    pub body_limit: crate::cli::body::BodyLimit,
    /// Sign with this Unix timestamp (seconds) instead of now
    #[arg(
        long,
        value_name = "T",
        conflicts_with = "nonce",
        allow_negative_numbers = true
    )]
    pub timestamp: Option<i64>,
    /// Sign with a nonce: the next one for this API key, or N (recorded so later ones exceed it)
    #[arg(long, value_name = "N", num_args = 0..=1)]
    pub nonce: Option<Option<u64>>,
    #[command(flatten)]
    pub profile_flags: ProfileFlags,
    /// HTTP method for --curl and the body checks [default: POST with a body, GET without]
    #[arg(long, short = 'X', value_name = "METHOD")]
    pub method: Option<String>,
    /// Print JSON for scripts instead of the reference client's lines
    #[arg(long, conflicts_with = "curl")]
    pub json: bool,
    /// Print a curl command that sends exactly the signed bytes (signing the URL as sent)
    #[arg(long)]
    pub curl: bool,
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    let selected = select_profile(ctx, &args.profile_flags)?;
    let url = absolute_url(&selected, &args.url)?;
    // A URL no HTTP client can send would only yield a signature that cannot work.
    let wire = wire_url(&url)?;
    let scheme = selected.scheme();
    let signer: Box<dyn RequestSigner> = if scheme == Scheme::PartnerRsa {
        Box::new(RsaSigner::new(load_private_key(&selected.key_path()?)?))
    } else {
        if args.nonce.is_some() {
            anyhow::bail!(
                "{scheme} signs with a timestamp (qredo-api-ts), not a nonce: drop --nonce"
            );
        }
        let loaded = crate::credentials::load_secret(&selected.secret_path())?;
        if let Some(w) = &loaded.warning {
            errln!("{w}");
        }
        if scheme == Scheme::QredoV2 {
            Box::new(HmacV1Signer::v2(loaded.secret))
        } else {
            Box::new(HmacV1Signer::new(loaded.secret))
        }
    };
    if url != args.url {
        let base = if args.profile_flags.base_url.is_some() {
            "--base-url".to_string()
        } else {
            format!("the base URL of profile `{}`", selected.name())
        };
        errln!("note: signing {url} ({} under {base})", args.url);
    }
    let body = crate::cli::body::read_body(args.body_file.as_deref(), args.body_limit)?;
    let method = match &args.method {
        Some(m) => http_method(m)?,
        None => if body.is_empty() { "GET" } else { "POST" }.to_string(),
    };
    let api_key = selected.api_key();
    let value = auth_value(&args, &selected, api_key.as_ref().ok())?;
    // --curl puts the wire form on the wire, so it signs that form; the others print a
    // signature over the URL as typed, as the reference client does, with the fix noted.
    let signed_url = if args.curl {
        wire.wire.as_str()
    } else {
        url.as_str()
    };
    let lint = LintInput {
        timestamp: args.timestamp,
        scheme,
        // The body check reads the spec, which would double a sign process's time (31 ms
        // against 8 ms for POST /company, `perf stat -r 40`); send and the workbench check.
        spec: false,
        ..LintInput::new(&method, signed_url, &body, now_unix())
    };
    for note in sign_notes(&lint) {
        errln!("{note}");
    }
    if args.curl && wire.differs() {
        errln!(
            "note: the URL goes on the wire as {} ({}); the curl command sends that form and the signature covers it",
            wire.wire,
            wire.reasons().join(", ")
        );
        errln!("  typed:   {url}");
        errln!("  on wire: {}", wire.wire);
    }

    let signed = signer.sign(&method, signed_url, &body, value);

    if args.json {
        outln!("{}", json_output(&url, &wire.wire, &method, &signed));
    } else if args.curl {
        let api_key = match api_key {
            Ok(k) => k,
            Err(e) => {
                out!("{}", plain_output(&signed));
                errln!(
                    "error: --curl needs the API key for the {} header: {e:#}",
                    signed.scheme.api_key_header()
                );
                return Ok(ExitCode::from(1));
            }
        };
        let data = match &args.body_file {
            _ if body.is_empty() => CurlBody::None,
            Some(p) if p != Path::new("-") => CurlBody::File(p),
            _ => CurlBody::Inline(&body),
        };
        outln!(
            "{}",
            curl_command(&method, signed_url, &api_key, &selected, &signed, data)
        );
    } else {
        out!("{}", plain_output(&signed));
    }
    Ok(ExitCode::SUCCESS)
}

/// Without --timestamp or --nonce, the profile's auth mode decides.
fn auth_value(
    args: &Args,
    selected: &Selected,
    api_key: Option<&String>,
) -> anyhow::Result<AuthValue> {
    let nonce = match (args.timestamp, args.nonce) {
        (Some(t), _) => return Ok(AuthValue::Timestamp(t)),
        (None, Some(n)) => n,
        (None, None)
            if selected.auth_mode() == AuthMode::Nonce
                && selected.scheme() == Scheme::PartnerRsa =>
        {
            None
        }
        (None, None) => return Ok(AuthValue::Timestamp(now_unix())),
    };
    let store = NonceStore::new(paths::nonce_dir());
    match (nonce, api_key) {
        (None, Some(key)) => Ok(AuthValue::Nonce(store.take(key)?)),
        (None, None) => {
            let why = selected
                .api_key()
                .err()
                .map_or_else(|| "it cannot be read".to_string(), |e| format!("{e:#}"));
            anyhow::bail!(
                "a nonce needs the API key, because nonces increase per API key: {why}. \
                 Or give the nonce yourself: --nonce N"
            )
        }
        (Some(n), Some(key)) => Ok(AuthValue::Nonce(super::common::use_chosen_nonce(key, n)?)),
        (Some(n), None) => Ok(AuthValue::Nonce(n)),
    }
}

/// The reference client's three lines (with the scheme's header names).
pub fn plain_output(signed: &SignedRequest) -> String {
    format!(
        "Hash: {}\n{}: {}\n{}: {}\n",
        signed.hash_hex,
        signed.scheme.signature_header(),
        signed.x_sign,
        signed.value_header(),
        signed.value
    )
}

fn json_output(url: &str, wire_url: &str, method: &str, signed: &SignedRequest) -> String {
    let headers: serde_json::Map<String, serde_json::Value> = signed
        .headers()
        .into_iter()
        .map(|(k, v)| (k.to_string(), serde_json::Value::String(v)))
        .collect();
    // The history's names (`xsign history --json`), one per fact: payload_hash, x_sign
    // (whatever the scheme's header is called), auth.mode/auth.value.
    serde_json::json!({
        "scheme": signed.scheme.as_str(),
        "payload_hash": signed.hash_hex,
        "x_sign": signed.x_sign.as_str(),
        "auth": crate::store::history::AuthRecord::from_value(signed.value),
        "method": method,
        "url": url,
        "wire_url": wire_url,
        "headers": headers,
    })
    .to_string()
}

/// `xsign sign --curl`: the API key, the signature headers, the profile's extra headers
/// (unsigned, as `send` adds them) and, with a body, its JSON content type, around exactly
/// the signed URL and body.
fn curl_command(
    method: &str,
    url: &str,
    api_key: &str,
    selected: &Selected,
    signed: &SignedRequest,
    body: CurlBody<'_>,
) -> String {
    let mut headers = vec![(
        signed.scheme.api_key_header().to_string(),
        api_key.to_string(),
    )];
    headers.extend(
        signed
            .headers()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v)),
    );
    headers.extend(selected.headers());
    to_curl(method, url, &headers, body)
}
