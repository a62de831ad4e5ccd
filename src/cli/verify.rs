//! `xsign verify`: does this x-sign match this request under this public key?

use super::Context;
use super::common::read_body;
use crate::signing::{AuthValue, Payload, PublicKey, verify_x_sign};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(
    group = clap::ArgGroup::new("value").required(true).args(["timestamp", "nonce"]),
    after_help = "Exit status: 0 when the x-sign verifies, 1 when it does not.\n\nExample:\n  \
xsign verify --pubkey public.pem --url https://api.qredo.network/api/v1/p/company \\\n    \
--body-file body.json --timestamp 1639490495 --sign nYydrJ71hoif..."
)]
pub struct Args {
    /// The public key (BEGIN PUBLIC KEY); a private key file works too
    #[arg(long, value_name = "FILE", default_value = "public.pem")]
    pub pubkey: PathBuf,
    /// The full URL exactly as signed
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// The body exactly as signed (`-` for stdin); without it the body is empty
    #[arg(long, value_name = "FILE")]
    pub body_file: Option<PathBuf>,
    /// The x-timestamp that was signed
    #[arg(long, value_name = "T", allow_negative_numbers = true)]
    pub timestamp: Option<i64>,
    /// The x-nonce that was signed
    #[arg(long, value_name = "N")]
    pub nonce: Option<u64>,
    /// The x-sign to check
    #[arg(long = "sign", value_name = "X_SIGN")]
    pub x_sign: String,
}

pub fn run(args: Args, _ctx: &Context) -> anyhow::Result<ExitCode> {
    let key = PublicKey::from_file(&args.pubkey)?;
    let body = match &args.body_file {
        Some(path) => read_body(Some(path))?,
        None => Vec::new(),
    };
    let value = match (args.timestamp, args.nonce) {
        (Some(t), _) => AuthValue::Timestamp(t),
        (None, Some(n)) => AuthValue::Nonce(n),
        (None, None) => unreachable!("clap requires one of --timestamp and --nonce"),
    };
    let payload = Payload::new(value, &args.url, &body);
    match verify_x_sign(&key, &payload, args.x_sign.trim()) {
        Ok(()) => {
            println!(
                "ok: x-sign verifies ({} bits, {}; hash {})",
                key.info().bits,
                key.info().fingerprint,
                payload.hash_hex()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!("FAILED: {e}");
            eprintln!(
                "checked: {} {} + URL ({} bytes) + body ({} bytes), hash {}, key {}",
                value.header_name(),
                value,
                args.url.len(),
                body.len(),
                payload.hash_hex(),
                key.info().fingerprint
            );
            Ok(ExitCode::from(1))
        }
    }
}
