//! `xsign proxy`: a local signing proxy, so curl, Postman, Bruno, Hurl, k6 or any SDK can
//! call the API unchanged. One log line per request on stderr; the doctor's verdict on a 1020.

use super::Context;
use super::common::{load_private_key, select_profile};
use crate::credentials::ProfileFlags;
use crate::http::{Credentials, Recorder};
use crate::paths;
use crate::proxy::{DEFAULT_MAX_CONNECTIONS, ProxyConfig, ProxyEvent, ProxyHandle, ProxyServer};
use crate::signing::{AuthMode, NonceStore, PrivateKey, RequestSigner, RsaSigner};
use crate::store::History;
use anyhow::Context as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// Where the proxy listens unless told otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8899";

#[derive(Debug, clap::Args)]
#[command(
    mut_arg("max_body", |a| a.help(
        "The largest request body the proxy takes: bytes, or with KiB/MiB/GiB (the API's cap is 1 MiB)"
    )),
    after_help = "\
Point any HTTP client at the proxy instead of the API: a request to http://127.0.0.1:8899/<path> goes \
to <base URL>/<path>, signed over exactly the bytes sent (x-api-key, x-sign and x-timestamp or x-nonce are \
set by the proxy; any the client sent are replaced). The answer comes back unchanged, plus x-xsign-lint \
(lint codes, when any) and, on a 1020, x-xsign-doctor (the doctor's verdict). Every exchange is recorded \
in the history with source `proxy`.

Anyone who can reach the proxy can sign as you: it listens on loopback only (--allow-remote to change \
that), refuses a Host that is not its own address, and refuses web pages (an Origin header, \
Sec-Fetch-Site: cross-site) unless --allow-origin names the page's origin.

Examples:
  xsign proxy --profile sandbox
  curl -s http://127.0.0.1:8899/company -d @body.json
  xsign demo --proxy        (the proxy in front of the demo mock)"
)]
pub struct Args {
    /// The address to listen on (loopback unless --allow-remote)
    #[arg(long, value_name = "ADDR", default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,
    #[command(flatten)]
    pub profile_flags: ProfileFlags,
    /// Authenticate with x-nonce instead of x-timestamp: the next one for this API key, or
    /// N for the first request, later ones counting up from it
    #[arg(long, value_name = "N", num_args = 0..=1)]
    pub nonce: Option<Option<u64>>,
    /// Give up on an upstream request after this many seconds [default: the profile's, or 30]
    #[arg(long, value_name = "S", value_parser = super::common::parse_timeout)]
    pub timeout: Option<f64>,
    /// How the proxy reaches the upstream (over the profile's saved HTTP settings)
    #[command(flatten)]
    pub http: super::http_flags::HttpFlags,
    /// Listen on a non-loopback address: anyone who reaches it can sign as you
    #[arg(long)]
    pub allow_remote: bool,
    /// Let a web page from this origin use the proxy (exactly as the browser sends it,
    /// e.g. http://localhost:3000); repeatable
    #[arg(long, value_name = "ORIGIN")]
    pub allow_origin: Vec<String>,
    #[command(flatten)]
    pub body_limit: crate::cli::body::BodyLimit,
    /// Log the headers the proxy replaced and each lint message
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    if !args.listen.ip().is_loopback() && !args.allow_remote {
        anyhow::bail!(
            "{} is not a loopback address: anyone who can reach it could sign requests as you. Listen on 127.0.0.1, or pass --allow-remote if that is what you want",
            args.listen
        );
    }
    let r = select_profile(ctx, &args.profile_flags)?.resolve()?;
    let key = r.key_path.as_deref().map(load_private_key).transpose()?;
    let hmac = super::common::hmac_signer(&r)?;
    // A qredo-v2 profile: its calls carry the token, fetched on the first request.
    let token = super::token::source_for(&r, &r.base_url, hmac.as_ref())?;
    if hmac.is_some() && args.nonce.is_some() {
        anyhow::bail!(
            "{} signs with a timestamp, not a nonce: drop --nonce",
            r.scheme
        );
    }
    if let Some(Some(n)) = args.nonce {
        super::common::start_nonces_at(&r.api_key, n)?;
    }
    let mode = if args.nonce.is_some() {
        AuthMode::Nonce
    } else {
        r.auth_mode
    };
    let client = args.http.client(&r.name, &r.base_url, &r.http)?;
    let verbose = args.verbose;
    let config = config(Upstream {
        base_url: r.base_url.clone(),
        api_key: r.api_key,
        key,
        key_path: r.key_path,
        mode,
        profile: r.name,
        headers: r.headers,
        timeout: args
            .timeout
            .map(Duration::from_secs_f64)
            .unwrap_or(r.timeout),
        client,
        recorder: Arc::new(History::open_default()),
        on_event: Arc::new(move |e: ProxyEvent| {
            for line in log_lines(&e, verbose) {
                errln!("{line}");
            }
        }),
    });
    let scheme = hmac.as_ref().map(|h| h.scheme());
    let config = with_hmac(config, hmac);
    let config = ProxyConfig {
        token,
        max_body: usize::try_from(args.body_limit.max_body).unwrap_or(usize::MAX),
        any_host: args.allow_remote,
        allowed_origins: args.allow_origin.clone(),
        ..config
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    rt.block_on(async {
        let handle = ProxyServer::start(config, args.listen).await?;
        if args.allow_remote && !args.listen.ip().is_loopback() {
            errln!(
                "warning: listening on {}: anyone who can reach this address can sign requests as you",
                handle.addr()
            );
        }
        match scheme {
            Some(crate::signing::Scheme::QredoV2) => errln!(
                "xsign proxy: {} → {} (qredo-v2: each call carries the workspace's token as x-token, fetched and cached on first use); Ctrl-C stops\n  try: curl -s {}/workspaces/{}/wallets",
                handle.url(),
                r.base_url,
                handle.url(),
                r.workspace.as_deref().unwrap_or("WORKSPACE")
            ),
            // A qredo-v1 base has no /assets; its own headers are what it signs with.
            Some(s) => errln!(
                "xsign proxy: {} → {} (signing with {s}: {}, {}); Ctrl-C stops\n  try: curl -s {}/balance",
                handle.url(),
                r.base_url,
                s.timestamp_header(),
                s.signature_header(),
                handle.url()
            ),
            None => errln!("{}", banner(&handle, &r.base_url, mode)),
        }
        // Without a signal handler, run until killed.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
        errln!("xsign proxy: stopping");
        handle.shutdown().await;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// What the proxy forwards to and signs with.
pub struct Upstream {
    pub base_url: String,
    pub api_key: String,
    /// `None`: signing off, the API key alone.
    pub key: Option<PrivateKey>,
    pub key_path: Option<PathBuf>,
    pub mode: AuthMode,
    pub profile: String,
    pub headers: Vec<(String, String)>,
    pub timeout: Duration,
    pub client: reqwest::Client,
    pub recorder: Arc<dyn Recorder>,
    pub on_event: Arc<dyn Fn(ProxyEvent) + Send + Sync>,
}

/// The proxy's configuration with its safe defaults (loopback Host only, no origins, the
/// API's 1 MiB body cap): what `xsign proxy` and `xsign demo --proxy` start.
pub fn config(u: Upstream) -> ProxyConfig {
    ProxyConfig {
        base_url: u.base_url,
        public_key: u.key.as_ref().map(PrivateKey::public_key),
        token: None,
        credentials: Credentials {
            api_key: u.api_key,
            signer: u
                .key
                .map(|k| Arc::new(RsaSigner::new(k)) as Arc<dyn RequestSigner>),
            mode: u.mode,
        },
        nonces: (u.mode == AuthMode::Nonce).then(|| NonceStore::new(paths::nonce_dir())),
        profile: u.profile,
        key_path: u.key_path,
        extra_headers: u.headers,
        timeout: u.timeout,
        max_body: crate::proxy::DEFAULT_MAX_BODY,
        max_connections: DEFAULT_MAX_CONNECTIONS,
        any_host: false,
        allowed_origins: Vec::new(),
        client: u.client,
        recorder: u.recorder,
        on_event: u.on_event,
    }
}

/// `config` signing with a `qredo-v1` profile's HMAC instead of an RSA key (the ticket
/// builder puts the scheme's headers on); unchanged with `None`.
pub fn with_hmac(config: ProxyConfig, hmac: Option<Arc<dyn RequestSigner>>) -> ProxyConfig {
    match hmac {
        Some(signer) => ProxyConfig {
            public_key: None,
            credentials: Credentials {
                signer: Some(signer),
                ..config.credentials
            },
            ..config
        },
        None => config,
    }
}

/// The first lines: where to point clients.
pub fn banner(handle: &ProxyHandle, base_url: &str, mode: AuthMode) -> String {
    let auth = match mode {
        AuthMode::Timestamp => "x-timestamp",
        AuthMode::Nonce => "x-nonce",
    };
    format!(
        "xsign proxy: {} → {base_url} (signing with {auth}); Ctrl-C stops\n  try: curl -s {}/assets",
        handle.url(),
        handle.url()
    )
}

/// The log of one exchange: `POST /company → 200 12 ms [lint: tab] #42`, then the
/// doctor's verdict on a 1020 and, with `verbose`, the replaced headers and lint messages.
pub fn log_lines(e: &ProxyEvent, verbose: bool) -> Vec<String> {
    let status = e
        .status
        .map_or_else(|| "client gone".to_string(), |s| s.to_string());
    let mut head = format!(
        "{}{} {} → {status} {} ms",
        if e.websocket { "ws " } else { "" },
        e.method,
        e.path,
        e.elapsed_ms
    );
    if !e.lint.is_empty() {
        head.push_str(&format!("  lint: {}", e.lint.join(", ")));
    }
    if let Some(id) = e.history_id {
        head.push_str(&format!("  history #{id}"));
    }
    let mut out = vec![head];
    if let Some(t) = &e.token {
        out.push(format!("  {t}"));
    }
    if let Some(r) = &e.refused {
        out.push(format!("  refused: {r}"));
    }
    if let Some(err) = &e.error {
        out.push(format!("  error: {err}"));
    }
    if verbose {
        for h in &e.replaced {
            out.push(format!(
                "  replaced the client's {h} header with the proxy's"
            ));
        }
        for h in &e.dropped {
            out.push(format!("  left out the {h} header: its value is not text"));
        }
        for n in &e.lint_notes {
            out.push(format!("  lint: {n}"));
        }
    }
    if let Some(text) = &e.doctor_text {
        out.extend(text.lines().map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("  {l}")
            }
        }));
    }
    out
}
