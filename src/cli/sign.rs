//! `xsign sign`: the reference client's `sign`, scriptable, with notes on bytes that bite.

use super::Context;
use super::common::{load_private_key, read_api_key, read_body, shell_quote, sign_notes};
use crate::lint::LintInput;
use crate::paths;
use crate::signing::{
    AuthValue, NonceStore, RequestSigner, RsaSigner, SignedRequest, now_unix, wire_url,
};
use anyhow::Context as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "The body is signed byte for byte: nothing is trimmed or folded. A trailing newline or a tab is \
part of the signature, so send exactly these bytes.\n\nExamples:\n  \
xsign sign --url https://api.qredo.network/api/v1/p/company --body-file body.json\n  \
xsign sign --url https://api.qredo.network/api/v1/p/company/search < /dev/null\n  \
xsign sign --nonce --url https://api.qredo.network/api/v1/p/assets --curl < /dev/null | sh"
)]
pub struct Args {
    /// The full URL as it will be sent (scheme, host, path and query)
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// Read the body from FILE (byte-exact); without it the body is read from stdin
    #[arg(long, value_name = "FILE")]
    pub body_file: Option<PathBuf>,
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
    /// The private key (PEM, PKCS#1 or PKCS#8)
    #[arg(long, value_name = "FILE", default_value = "private.pem")]
    pub key: PathBuf,
    /// The file holding the API key (needed for --curl and for nonces)
    #[arg(long, value_name = "FILE", default_value = "apikey")]
    pub apikey_file: PathBuf,
    /// HTTP method for --curl and the body checks [default: POST with a body, GET without]
    #[arg(long, short = 'X', value_name = "METHOD")]
    pub method: Option<String>,
    /// Print JSON for scripts instead of the reference client's lines
    #[arg(long, conflicts_with = "curl")]
    pub json: bool,
    /// Print a curl command that sends exactly the signed bytes
    #[arg(long)]
    pub curl: bool,
}

pub fn run(args: Args, _ctx: &Context) -> anyhow::Result<ExitCode> {
    // A URL no HTTP client can send would only yield a signature that cannot work.
    wire_url(&args.url)?;
    let key = load_private_key(&args.key)?;
    let body = read_body(args.body_file.as_deref())?;
    let method = args
        .method
        .clone()
        .map(|m| m.to_ascii_uppercase())
        .unwrap_or_else(|| if body.is_empty() { "GET" } else { "POST" }.to_string());
    let api_key = read_api_key(&args.apikey_file);
    let value = auth_value(&args, api_key.as_ref().ok())?;
    let lint = LintInput {
        timestamp: args.timestamp,
        ..LintInput::new(&method, &args.url, &body, now_unix())
    };
    for note in sign_notes(&lint) {
        eprintln!("{note}");
    }

    let signed = RsaSigner::new(key).sign(&method, &args.url, &body, value);

    if args.json {
        println!("{}", json_output(&args.url, &method, &signed));
    } else if args.curl {
        let api_key = match api_key {
            Ok(k) => k,
            Err(e) => {
                print!("{}", plain_output(&signed));
                eprintln!("error: --curl needs the API key for the x-api-key header: {e:#}");
                return Ok(ExitCode::from(1));
            }
        };
        let data = match &args.body_file {
            _ if body.is_empty() => CurlData::None,
            Some(p) if p != Path::new("-") => CurlData::File(p),
            _ => CurlData::Inline(&body),
        };
        println!(
            "{}",
            curl_command(&method, &args.url, &api_key, &signed, data)?
        );
    } else {
        print!("{}", plain_output(&signed));
    }
    Ok(ExitCode::SUCCESS)
}

/// The timestamp or nonce to sign with. Nonces come from (or are recorded in) the store
/// shared by every xsign process, keyed by API key.
fn auth_value(args: &Args, api_key: Option<&String>) -> anyhow::Result<AuthValue> {
    let Some(nonce) = args.nonce else {
        return Ok(AuthValue::Timestamp(
            args.timestamp.unwrap_or_else(now_unix),
        ));
    };
    let store = NonceStore::new(paths::nonce_dir());
    match (nonce, api_key) {
        (None, Some(key)) => Ok(AuthValue::Nonce(store.take(key)?)),
        (None, None) => anyhow::bail!(
            "--nonce without a value needs the API key, because nonces increase per API key: \
             save it in {} (or pass --apikey-file FILE), or give the nonce yourself: --nonce N",
            args.apikey_file.display()
        ),
        (Some(n), Some(key)) => {
            if let Some(last) = store.record(key, n)?
                && n <= last
            {
                eprintln!(
                    "note: nonce {n} is not above {last}, the last one used with this API key; \
                     the server refuses a nonce that does not increase. Omit N to take the next one"
                );
            }
            Ok(AuthValue::Nonce(n))
        }
        (Some(n), None) => Ok(AuthValue::Nonce(n)),
    }
}

/// The reference client's three lines.
pub fn plain_output(signed: &SignedRequest) -> String {
    format!(
        "Hash: {}\nx-sign: {}\n{}: {}\n",
        signed.hash_hex,
        signed.x_sign,
        signed.value.header_name(),
        signed.value
    )
}

fn json_output(url: &str, method: &str, signed: &SignedRequest) -> String {
    let value = match signed.value {
        AuthValue::Timestamp(t) => serde_json::json!(t),
        AuthValue::Nonce(n) => serde_json::json!(n),
    };
    let headers: serde_json::Map<String, serde_json::Value> = signed
        .headers()
        .into_iter()
        .map(|(k, v)| (k.to_string(), serde_json::Value::String(v)))
        .collect();
    serde_json::json!({
        "hash": signed.hash_hex,
        "x_sign": signed.x_sign.as_str(),
        "mode": signed.value.mode_name(),
        "value": value,
        "method": method,
        "url": url,
        "headers": headers,
    })
    .to_string()
}

enum CurlData<'a> {
    None,
    File(&'a Path),
    Inline(&'a [u8]),
}

/// A curl command whose body and URL are exactly the signed bytes: `--data-binary @FILE`
/// sends a file untouched, and a single-quoted `--data-raw` string keeps every byte
/// (no `@` lookup, no newline stripping). `--globoff --path-as-is` stop curl from
/// expanding `[]{}` or resolving `/../` in the URL.
fn curl_command(
    method: &str,
    url: &str,
    api_key: &str,
    signed: &SignedRequest,
    data: CurlData<'_>,
) -> anyhow::Result<String> {
    let mut parts = vec![
        "curl".to_string(),
        "--globoff".into(),
        "--path-as-is".into(),
        "-X".into(),
        shell_quote(method),
        shell_quote(url),
        "-H".into(),
        shell_quote(&format!("x-api-key: {api_key}")),
    ];
    for (name, value) in signed.headers() {
        parts.push("-H".into());
        parts.push(shell_quote(&format!("{name}: {value}")));
    }
    match data {
        CurlData::None => {}
        CurlData::File(path) => {
            parts.push("-H".into());
            parts.push(shell_quote("Content-Type: application/json"));
            parts.push("--data-binary".into());
            let path = path
                .to_str()
                .context("the body file's name is not UTF-8; rename it to print a curl command")?;
            parts.push(shell_quote(&format!("@{path}")));
        }
        CurlData::Inline(body) => {
            let text = std::str::from_utf8(body)
                .ok()
                .filter(|t| !t.contains('\0'))
                .context(
                    "the body holds bytes a shell argument cannot carry (not UTF-8, or NUL): \
                     save it to a file and pass --body-file FILE, so curl can send it with --data-binary @FILE",
                )?;
            parts.push("-H".into());
            parts.push(shell_quote("Content-Type: application/json"));
            parts.push("--data-raw".into());
            parts.push(shell_quote(text));
        }
    }
    Ok(parts.join(" "))
}
