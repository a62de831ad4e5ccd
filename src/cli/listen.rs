//! `xsign listen`: the reference client's `listen`, signed, reconnecting, scriptable.
//! Messages go to stdout, one per line; connection status goes to stderr.

use super::Context;
use super::common::{load_private_key, select_profile};
use crate::credentials::ProfileFlags;
use crate::feed::{
    self, FeedAuth, FeedConfig, FeedEvent, FeedHandle, FeedKind, FeedTarget, format_epoch,
};
use crate::paths;
use crate::signing::{AuthMode, NonceStore, RequestSigner, RsaSigner, Scheme};
use crate::store::collection::{is_absolute, join_url};
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, clap::Args)]
#[command(
    group = clap::ArgGroup::new("source").required(true).args(["url", "feed"]),
    mut_arg("base_url", |a| a.help(
        "The base URL for --feed and relative URLs (http:// becomes ws://, https:// becomes wss://) \
         [default: the profile's, or http://localhost:8001/api/v1/p]"
    )),
    after_help = "The handshake is signed like any request: over the timestamp or nonce, the ws:// or wss:// \
URL exactly as sent, and an empty body. When the connection drops, xsign reconnects with backoff \
(1 s doubling to 30 s) and a fresh signature. Ctrl-C closes the feed cleanly.\n\n\
With --profile (or XSIGN_PROFILE, or a default profile in the config), the profile gives the base URL, \
the key, the API key and the auth mode; the flags override it. Without one, the reference client's \
defaults apply: private.pem and apikey in the current directory, base URL \
http://localhost:8001/api/v1/p (`xsign mock`).\n\nExamples:\n  \
xsign listen --feed coreclient:1i8O3CAQCpny0xvYMhMVPHzIcih\n  \
xsign --profile production listen --feed wallets\n  \
xsign listen --feed wallets --base-url https://api.qredo.network/api/v1/p\n  \
xsign listen wss://api.qredo.network/api/v1/p/liquidityhub/feed | jq -r .txID\n  \
xsign listen --feed transactions --profile qredo-v1-demo    # signed with the HMAC headers"
)]
pub struct Args {
    /// The feed URL: ws://, wss://, or http(s):// which becomes ws(s)://; or a path under
    /// the base URL (/wallets/feed)
    #[arg(value_name = "URL")]
    pub url: Option<String>,
    /// A feed under the base URL: coreclient:<client_id>, wallets or liquidityhub; with a
    /// qredo-v1 profile, transactions (the Qredo API v1's /transactions/feed)
    #[arg(long, value_name = "FEED", value_parser = parse_feed)]
    pub feed: Option<FeedKind>,
    #[command(flatten)]
    pub profile_flags: ProfileFlags,
    /// Sign with x-nonce (increasing per API key) instead of x-timestamp; N: the first
    /// handshake's, later ones count up from it [default: the profile's mode]
    #[arg(long, value_name = "N", num_args = 0..=1)]
    pub nonce: Option<Option<u64>>,
    /// Exit after the first message
    #[arg(long)]
    pub once: bool,
    /// Print core client actions as JSON lines too, instead of readable lines
    #[arg(long)]
    pub json: bool,
    /// Exit when the connection drops instead of reconnecting
    #[arg(long)]
    pub no_reconnect: bool,
}

fn parse_feed(s: &str) -> Result<FeedKind, String> {
    s.parse::<FeedKind>().map_err(|e| e.to_string())
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    let selected = select_profile(ctx, &args.profile_flags)?;
    if let Some(kind) = &args.feed {
        let v1_feed = *kind == FeedKind::Transactions;
        if v1_feed != (selected.scheme() == Scheme::QredoV1) {
            anyhow::bail!(
                "--feed {kind} is {} feed, and profile `{}` signs with {}: {}",
                if v1_feed {
                    "the Qredo API v1's"
                } else {
                    "a Partner API"
                },
                selected.name(),
                selected.scheme(),
                if v1_feed {
                    "pass --profile with a qredo-v1 profile (`xsign profile list`; qredo-v1-demo for `xsign demo`)"
                } else {
                    "a qredo-v1 profile follows --feed transactions"
                }
            );
        }
    }
    let target = match (&args.url, &args.feed) {
        (Some(url), _) if is_absolute(url) => FeedTarget::parse(url)?,
        (Some(path), _) => {
            FeedTarget::parse(&join_url(&feed::ws_base(&selected.base_url()?)?, path))?
        }
        (None, Some(kind)) => FeedTarget::for_feed(&selected.base_url()?, kind)?,
        (None, None) => anyhow::bail!(
            "say which feed: a URL, or --feed coreclient:<client_id> | wallets | liquidityhub (a qredo-v1 profile: transactions)"
        ),
    };
    if target.rewritten() {
        errln!(
            "note: the URL on the wire is {} (given: {}); signing the wire form",
            target.wire_url(),
            target.typed()
        );
    }
    let signer: Arc<dyn RequestSigner> = match selected.scheme() {
        Scheme::PartnerRsa => Arc::new(RsaSigner::new(load_private_key(&selected.key_path()?)?)),
        Scheme::QredoV2 => anyhow::bail!(
            "the Qredo API v2 has no websocket feeds; `xsign send` calls its endpoints with a token"
        ),
        Scheme::QredoV1 => {
            if args.nonce.is_some() {
                anyhow::bail!("qredo-v1 signs with a timestamp, not a nonce: drop --nonce");
            }
            super::common::hmac_signer(&selected.resolve()?)?.ok_or_else(|| {
                anyhow::anyhow!(
                    "a feed handshake is signed: profile `{}` has signing off",
                    selected.name()
                )
            })?
        }
    };
    let api_key = selected.api_key()?;
    if let Some(Some(n)) = args.nonce {
        super::common::start_nonces_at(&api_key, n)?;
    }
    let auth = if args.nonce.is_some() || selected.auth_mode() == AuthMode::Nonce {
        FeedAuth::nonce(signer, api_key, NonceStore::new(paths::nonce_dir()))
    } else {
        FeedAuth::timestamp(signer, api_key)
    };
    let scheme = selected.scheme();
    let mut config = FeedConfig::new(target, auth);
    config.reconnect = !args.no_reconnect;
    let readable = !args.json && matches!(config.target.kind(), Some(FeedKind::CoreClient(_)));

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let handle = feed::connect(config);
        listen(handle, scheme, readable, args.once).await
    })
}

async fn listen(
    mut handle: FeedHandle,
    scheme: Scheme,
    readable: bool,
    once: bool,
) -> anyhow::Result<ExitCode> {
    let mut stdout = std::io::stdout();
    let mut connected = false;
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        let event = tokio::select! {
            _ = &mut ctrl_c => {
                errln!("closing the feed");
                handle.close().await;
                return Ok(ExitCode::SUCCESS);
            }
            event = handle.recv() => event,
        };
        let Some(event) = event else {
            return Ok(ExitCode::SUCCESS);
        };
        match event {
            FeedEvent::Connecting { attempt, url } => {
                if attempt == 1 {
                    errln!("connecting to {url}");
                } else {
                    errln!("reconnecting to {url} (attempt {attempt})");
                }
            }
            FeedEvent::Connected { value, .. } => {
                connected = true;
                errln!(
                    "connected ({} {}); waiting for messages, Ctrl-C to stop",
                    match scheme {
                        Scheme::PartnerRsa => value.header_name(),
                        other => other.timestamp_header(),
                    },
                    value
                );
            }
            FeedEvent::Message {
                received_at,
                ref text,
                ref json,
            } => {
                let line = match (event.action(), json) {
                    (Some(action), _) if readable => {
                        format!("{} {action}", clock(received_at))
                    }
                    (_, Some(v)) => serde_json::to_string(v)?,
                    (_, None) => serde_json::to_string(text)?,
                };
                if writeln!(stdout, "{line}")
                    .and_then(|_| stdout.flush())
                    .is_err()
                {
                    // The reader went away (a closed pipe): stop quietly.
                    handle.close().await;
                    return Ok(ExitCode::SUCCESS);
                }
                if once {
                    handle.close().await;
                    return Ok(ExitCode::SUCCESS);
                }
            }
            FeedEvent::Disconnected { reason, retry_in } => {
                let prefix = if std::mem::take(&mut connected) {
                    "disconnected: "
                } else {
                    ""
                };
                match retry_in {
                    Some(d) => errln!(
                        "{prefix}{reason} (retrying in {} with a fresh signature)",
                        crate::time::elapsed_text(d)
                    ),
                    None => {
                        errln!("{prefix}{reason}");
                        return Ok(ExitCode::from(1));
                    }
                }
            }
            FeedEvent::Failed(e) => return Err(e.into()),
        }
    }
}

/// The arrival time, `HH:MM:SS` UTC, as a prefix for readable lines.
fn clock(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    format_epoch(secs)[11..19].to_string()
}
