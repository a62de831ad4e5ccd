//! `xsign mock`: the embedded mock of the Partner API, for trying things offline.

use super::Context;
use crate::atomic_file::write_atomic;
use crate::credentials::{load_public_key, read_api_key};
use crate::mock::{MockConfig, MockServer};
use crate::signing::PublicKey;
use anyhow::{Context as _, bail};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const ENDPOINTS: &str = "\
Endpoints (under /api/v1/p; each needs x-api-key, x-sign and x-timestamp or x-nonce):
  GET /assets
  POST /company                 GET|PUT /company/{id}        GET /company/search?query=
  POST /company/{id}/fund       GET /company/{id}/fund/search
  GET /company/{id}/fund/{fund_id}
  POST /company/{id}/transfer   GET /company/{id}/transfer/{tx_id}
  POST /company/{id}/liquidityhub  {\"tx_id\":ID}: announced on /liquidityhub/feed
  POST|GET /coreclient          GET /coreclient/{client_id}/actions
  GET|PUT|DELETE /coreclient/{client_id}/action/{action_id}   (PUT approves, DELETE rejects)
Feeds (websocket, handshake signed over the ws:// URL with an empty body):
  /coreclient/{client_id}/feed   /wallets/feed   /liquidityhub/feed
A transfer asks the core client named by \"authorize_id\" to approve it, or every core client
of the API key when it names none; the action is pushed on that client's feed. Either side
may close a feed; the other answers its Close frame.
Qredo API v1 (under /qapi/v1; qredo-api-key, qredo-api-ts, qredo-api-sig = HMAC-SHA256 of
ts + METHOD + URL + body, with --qredo-secret):
  GET /account   GET /balance   GET /funds   GET /funds/{fund_id}
  POST /transaction             GET /transactions/{tx_id}/status
  Refusals are 401 {\"code\":\"401\",\"msg\":\"Unauthorized\",\"detail\":{\"reason\":R}}, R naming the mistake.
Qredo API v2 (under /api/v2, the same secret): GET /workspaces/{id}/token signed with
qredo-api-key, qredo-api-timestamp, qredo-api-signature (HMAC of ts + GET + URL) returns
{\"token\": JWT} (HS256, --token-ttl); then, with x-token:
  GET /workspaces/{id}/wallets   GET /workspaces/{id}/balances
Refusals are HTTP 401 {\"code\":1020,\"msg\":\"errPartnerAuth\",\"detail\":{\"reason\":R}} with R one
of signature, timestamp, nonce, apikey, headers; -v says which check failed and what was signed.";

#[derive(Debug, clap::Args)]
#[command(after_help = ENDPOINTS)]
pub struct Args {
    /// Address to listen on (port 0 picks a free one)
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8001")]
    pub addr: String,
    /// Public key whose signatures to accept (PEM); repeat for several [default: ./public.pem]
    #[arg(long, value_name = "FILE")]
    pub pubkey: Vec<PathBuf>,
    /// The API key clients must send [default: ./apikey, else a new one saved there]
    #[arg(long = "api-key", alias = "apikey", value_name = "KEY")]
    pub apikey: Option<String>,
    /// Accepted distance between x-timestamp and this clock, in seconds
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = super::common::parse_skew)]
    pub skew: u32,
    /// Keep state as JSON in DIR, so it survives restarts [default: in memory]
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Log every verdict: which check failed, what was signed (escaped) and its hash
    #[arg(short, long)]
    pub verbose: bool,
    /// Serve the Qredo API v1 under /qapi/v1, judging HMACs with the secret in FILE (`xsign secret new`)
    #[arg(long, value_name = "FILE")]
    pub qredo_secret: Option<PathBuf>,
    /// The qredo-api-key that goes with --qredo-secret [default: the file `apikey` next to the secret]
    #[arg(
        long = "qredo-api-key-file",
        alias = "qredo-apikey-file",
        value_name = "FILE",
        requires = "qredo_secret"
    )]
    pub qredo_api_key_file: Option<PathBuf>,
    /// Accept an exact replay (the same x-sign while its timestamp is in the window); by
    /// default it gets 1020 with reason "replay", as a server with replay protection answers
    #[arg(long)]
    pub allow_replays: bool,
    /// How long a Qredo API v2 token lives, in seconds
    #[arg(long, value_name = "SECS", default_value_t = 3600, value_parser = clap::value_parser!(u32).range(1..))]
    pub token_ttl: u32,
}

/// Where the API key came from, for the banner.
enum ApiKeySource {
    Flag,
    File,
    Generated,
    /// No public key either: the Partner API accepts nobody, so none was made.
    Unused,
}

pub fn run(args: Args, _ctx: &Context) -> anyhow::Result<ExitCode> {
    let addr = resolve(&args.addr)?;
    let keys = match public_keys(&args.pubkey) {
        // Serving the Qredo API alone (`xsign secret new`, then this) needs no RSA key.
        Err(e) if args.qredo_secret.is_some() && args.pubkey.is_empty() => {
            errln!("note: the Partner API (/api/v1/p) accepts no signature: {e}");
            Vec::new()
        }
        keys => keys?,
    };
    let (api_key, source) = if keys.is_empty() {
        (String::new(), ApiKeySource::Unused)
    } else {
        api_key(args.apikey.as_deref())?
    };
    let qredo = match &args.qredo_secret {
        Some(path) => {
            let loaded = crate::credentials::load_secret(path)?;
            if let Some(w) = &loaded.warning {
                errln!("{w}");
            }
            let key_file = args
                .qredo_api_key_file
                .clone()
                .unwrap_or_else(|| path.parent().unwrap_or(Path::new(".")).join("apikey"));
            Some((
                read_api_key(&key_file)?,
                loaded.secret,
                key_file,
                path.clone(),
            ))
        }
        None => None,
    };
    let config = MockConfig {
        skew_secs: args.skew as i64,
        data_dir: args.data.clone(),
        verbose: args.verbose,
        access_log: true,
        refuse_replays: !args.allow_replays,
        token_ttl_secs: i64::from(args.token_ttl),
        ..Default::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let mock = MockServer::start(config, addr).await?;
        for (_, key) in &keys {
            mock.register(&api_key, key.clone());
        }
        print_banner(&mock.base_url(), &api_key, &source, &keys, &args);
        if let Some((qkey, secret, key_file, secret_file)) = qredo {
            errln!(
                "mock: Qredo API v1 on {} and v2 on {} for qredo-api-key {} (secret {})\n  try: xsign send GET {}/balance --scheme qredo-v1 --api-key-file {} --secret-file {}",
                mock.qapi_v1_url(),
                mock.qapi_v2_url(),
                crate::secret::mask_api_key(&qkey),
                secret.masked(),
                mock.qapi_v1_url(),
                key_file.display(),
                secret_file.display()
            );
            mock.register_qredo(&qkey, secret);
        }
        wait_for_stop().await;
        errln!("mock: stopping");
        mock.shutdown().await?;
        match &args.data {
            Some(dir) => errln!("mock: stopped; state saved in {}", dir.display()),
            None => errln!("mock: stopped"),
        }
        Ok(ExitCode::SUCCESS)
    })
}

fn resolve(addr: &str) -> anyhow::Result<SocketAddr> {
    addr.to_socket_addrs()
        .with_context(|| format!("--addr {addr:?} is not HOST:PORT (like 127.0.0.1:8001)"))?
        .next()
        .with_context(|| format!("--addr {addr:?} resolves to no address"))
}

fn public_keys(given: &[PathBuf]) -> anyhow::Result<Vec<(String, PublicKey)>> {
    if !given.is_empty() {
        return given
            .iter()
            .map(|p| {
                let key = load_public_key(p, "--pubkey")
                    .with_context(|| format!("cannot use --pubkey {}", p.display()))?;
                Ok((p.display().to_string(), key))
            })
            .collect();
    }
    let public = Path::new("public.pem");
    if public.exists() {
        return Ok(vec![("public.pem".into(), PublicKey::from_file(public)?)]);
    }
    // The reference client's folder holds private.pem: accept its public half.
    let private = Path::new("private.pem");
    if private.exists() {
        let key = PublicKey::from_file(private)
            .context("no public.pem here, and private.pem cannot be read; pass --pubkey FILE")?;
        return Ok(vec![("private.pem (its public half)".into(), key)]);
    }
    bail!(
        "no public key to accept: there is no ./public.pem. Run `xsign keygen` here (it writes \
         private.pem and public.pem), or pass --pubkey FILE with the public key you uploaded"
    )
}

fn api_key(flag: Option<&str>) -> anyhow::Result<(String, ApiKeySource)> {
    if let Some(key) = flag {
        let key = key.trim();
        if key.is_empty() {
            bail!("--api-key is empty: give the API key clients will send");
        }
        return Ok((key.to_string(), ApiKeySource::Flag));
    }
    let file = Path::new("apikey");
    if file.exists() {
        return Ok((read_api_key(file)?, ApiKeySource::File));
    }
    let key = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 24]>());
    write_atomic(file, format!("{key}\n").as_bytes(), 0o600)
        .context("cannot save the new API key to ./apikey")?;
    Ok((key, ApiKeySource::Generated))
}

fn print_banner(
    base: &str,
    api_key: &str,
    source: &ApiKeySource,
    keys: &[(String, PublicKey)],
    args: &Args,
) {
    outln!("xsign mock: listening on {base}");
    let shown = match source {
        ApiKeySource::Generated => format!("{api_key} (new, saved to ./apikey)"),
        ApiKeySource::File => format!("{} (from ./apikey)", crate::secret::mask_api_key(api_key)),
        ApiKeySource::Flag => format!("{} (from --api-key)", crate::secret::mask_api_key(api_key)),
        ApiKeySource::Unused => {
            "none: the Partner API here refuses every request (no public key); the Qredo API is below".to_string()
        }
    };
    outln!("  API key  {shown}");
    for (name, key) in keys {
        let info = key.info();
        outln!(
            "  key      {name} (RSA {}, {})",
            info.bits,
            info.short_fingerprint()
        );
    }
    outln!(
        "  clock    x-timestamp within ±{} s of this machine; x-nonce must increase per API key",
        args.skew
    );
    if !args.allow_replays {
        outln!(
            "  replays  a POST, PUT, PATCH or DELETE with the same x-sign twice in the window is refused (--allow-replays accepts it)"
        );
    }
    match &args.data {
        Some(dir) => outln!("  state    {}", dir.join("mock-state.json").display()),
        None => outln!("  state    in memory (use --data DIR to keep it)"),
    }
    if matches!(source, ApiKeySource::Unused) {
        outln!("Ctrl-C stops the mock.");
        return;
    }
    outln!("Try it, from this directory in another terminal:");
    outln!("  xsign send GET {base}/assets");
    outln!("  xsign sign --url {base}/assets --curl < /dev/null | sh");
    let key_here = Path::new("private.pem").exists();
    if !key_here || matches!(source, ApiKeySource::Flag) {
        outln!(
            "  (both read ./private.pem and ./apikey; otherwise add --key FILE and --api-key-file FILE)"
        );
    }
    outln!("Ctrl-C stops the mock.");
}

async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
