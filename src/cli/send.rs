//! `xsign send`: sign the exact bytes, send them, print the response; on a 1020 or a Qredo
//! API 401, say why.

use super::Context;
use super::common::{load_private_key, select_profile};
use super::exit::Exit;
use crate::credentials::ProfileFlags;
use crate::diagnose::qredo_doctor::QredoEvidence;
use crate::diagnose::{self, CheckKey, Evidence};
use crate::http::{
    self, Credentials, Exchange, Origin, RequestSpec, Response, SendError, Ticket,
    build_fresh_ticket,
};
use crate::lint::{self, FindingKind, LintInput};
use crate::paths;
use crate::signing::{
    AuthMode, AuthValue, NonceStore, PrivateKey, PublicKey, RequestSigner, RsaSigner, Scheme,
    now_unix,
};
use crate::store::History;
use crate::store::collection::join_url;
use anyhow::Context as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, clap::Args)]
#[command(
    mut_arg("apikey_file", |a| a.help(
        "The file holding the API key, whitespace around it trimmed [default: the profile's, or apikey]"
    )),
    after_help = "\
The status line, time and size go to stderr and the body to stdout, so `xsign send ... > out.json` \
keeps only the body. The exit code tells the outcome apart: 4 for a 4xx, 5 for a 5xx, 6 for a refused signature \
(1020), 3 when no response came (see `xsign --help`). Every request is recorded \
in the history (`xsign history`), the API key never in clear.

With --profile (or XSIGN_PROFILE, or a default profile in the config), the profile gives the base URL, \
keys, auth mode, extra headers and timeout; the flags override it. Without one, the reference \
client's defaults apply: private.pem and apikey in the current directory, base URL \
http://localhost:8001/api/v1/p (`xsign mock`).

Examples:
  xsign send GET /assets
  xsign send POST /company --body-file company.json
  echo -n '{\"name\":\"ACME\"}' | xsign send POST http://localhost:8001/api/v1/p/company --body-file -"
)]
pub struct Args {
    /// GET, POST, PUT, DELETE, ...
    #[arg(value_name = "METHOD")]
    pub method: String,
    /// Absolute URL, or a path relative to --base-url (e.g. /company/search?query=acme)
    #[arg(value_name = "URL")]
    pub url: String,
    /// The body, sent and signed byte for byte; `-` reads stdin. No flag: no body
    #[arg(long, short = 'd', value_name = "FILE")]
    pub body_file: Option<PathBuf>,
    #[command(flatten)]
    pub body_limit: crate::cli::body::BodyLimit,
    #[command(flatten)]
    pub profile_flags: ProfileFlags,
    #[command(flatten)]
    pub http: super::http_flags::HttpFlags,
    /// Authenticate with x-nonce instead of x-timestamp: the next one for this API key, or N
    /// (recorded so later ones exceed it)
    #[arg(long, value_name = "N", num_args = 0..=1)]
    pub nonce: Option<Option<u64>>,
    /// Give up after this many seconds, connection and body included [default: the profile's, or 30]
    #[arg(long, value_name = "S", value_parser = super::common::parse_timeout)]
    pub timeout: Option<f64>,
    /// Also print the request and response headers (the API key masked)
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Print the body as received instead of pretty-printing JSON
    #[arg(long)]
    pub raw: bool,
    /// Print the exchange as recorded, one JSON object (the fields of `xsign history --json`,
    /// plus exit_code), instead of the body
    #[arg(long, conflicts_with = "raw")]
    pub json: bool,
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    let method =
        reqwest::Method::from_bytes(args.method.to_ascii_uppercase().as_bytes()).map_err(|_| {
            anyhow::anyhow!(
                "{:?} is not an HTTP method: use GET, POST, PUT or DELETE",
                args.method
            )
        })?;
    if let Some(t) = args.timeout
        && !(t > 0.0 && t.is_finite())
    {
        anyhow::bail!("--timeout must be a positive number of seconds");
    }
    let mut setup = Setup::resolve(&args, ctx)?;
    if !crate::store::collection::is_absolute(&args.url) {
        crate::credentials::check_relative(&args.url)?;
    }
    let url = join_url(&setup.base_url, &args.url);
    let body = match &args.body_file {
        Some(path) => crate::cli::body::read_body(Some(path), args.body_limit)?,
        None => Vec::new(),
    };
    for note in body_notes(method.as_str(), &url, &body, setup.scheme) {
        errln!("{note}");
    }

    let (value, last_nonce) = match setup.mode {
        AuthMode::Nonce => {
            let store = NonceStore::new(paths::nonce_dir());
            let last = store.last(&setup.api_key).ok().flatten();
            let n = match args.nonce {
                Some(Some(n)) => super::common::use_chosen_nonce(&setup.api_key, n)?,
                _ => store.take(&setup.api_key)?,
            };
            (AuthValue::Nonce(n), last)
        }
        AuthMode::Timestamp => (AuthValue::Timestamp(now_unix()), None),
    };
    let creds = Credentials {
        api_key: setup.api_key.clone(),
        signer: setup.hmac.take().or_else(|| {
            setup
                .key
                .take()
                .map(|k| Arc::new(RsaSigner::new(k)) as Arc<dyn RequestSigner>)
        }),
        mode: setup.mode,
    };
    // The doctor checks a refused qredo-* request with the secret that signed it.
    let secret = creds.signer.as_ref().and_then(|s| s.hmac_secret().cloned());
    let mut spec = RequestSpec::new(method, url, body);
    spec.extra_headers = setup.headers.clone();
    let origin = Origin {
        profile: setup.profile.clone(),
        key_path: setup.key_path.clone(),
        source: None,
    };
    let client = args
        .http
        .client(&setup.profile, &setup.base_url, &setup.resolved.http)?;
    if let Some(source) =
        super::token::source_for(&setup.resolved, &spec.url, creds.signer.as_ref())?
    {
        return send_v2(&args, &setup, &source, &spec, &creds, secret, &client);
    }
    let ticket = build_fresh_ticket(&spec, &creds, value)?;

    let mut err = crate::cli::out::stderr();
    if ticket.url_rewritten() {
        writeln!(
            err,
            "note: the HTTP library sends this URL in another form; xsign signs the form sent"
        )?;
        writeln!(err, "  typed:   {}", ticket.typed_url())?;
        writeln!(err, "  on wire: {}", ticket.wire_url())?;
        for reason in ticket.wire.reasons() {
            writeln!(err, "  - {reason}")?;
        }
    }
    if args.verbose {
        write_request(&mut err, &ticket)?;
    }
    drop(err);

    let exchange = send_blocking(
        &client,
        ticket,
        setup.timeout,
        &origin,
        &History::open_default(),
    )?;
    answer(&args, &setup, exchange, secret, value, last_nonce)
}

/// Prints the answer to stdout and stderr, and the doctor's report on a refusal.
fn answer(
    args: &Args,
    setup: &Setup,
    exchange: Exchange,
    secret: Option<crate::secret::QredoSecret>,
    value: AuthValue,
    last_nonce: Option<u64>,
) -> anyhow::Result<ExitCode> {
    if let Some(e) = &exchange.record_error {
        errln!("warning: the request was not recorded in the history: {e}");
    }
    let Exchange {
        outcome,
        entry,
        ticket,
        ..
    } = exchange;
    let response = match outcome {
        Ok(r) => r,
        Err(SendError::Cancelled) => {
            errln!("cancelled");
            return Ok(Exit::Interrupted.into());
        }
        // No answer: a code of its own, so a script can retry a network failure only.
        Err(e) => {
            errln!("error: {e}");
            let exit = Exit::of_send_error(&e);
            if args.json {
                super::json::print(&super::json::exchange(&entry, exit));
            }
            return Ok(exit.into());
        }
    };

    let mut err = crate::cli::out::stderr();
    writeln!(
        err,
        "{}  {}  {}",
        response.status_line(),
        crate::time::elapsed_text(response.elapsed),
        response.size_text()
    )?;
    if args.verbose {
        for (name, value) in &response.headers {
            writeln!(err, "< {name}: {value}")?;
        }
    }
    drop(err);
    let exit = Exit::of_response(&response, &entry);
    if args.json {
        super::json::print(&super::json::exchange(&entry, exit));
    } else {
        match write_body(&response, args.raw) {
            // `xsign send ... | head` closes stdout early; that is not a failure of the request.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other?,
        }
    }
    if exit == Exit::Ok {
        return Ok(ExitCode::SUCCESS);
    }
    if diagnose::qredo_doctor::applies(&entry) {
        let source = setup
            .secret_path
            .as_ref()
            .map_or_else(|| "the secret".to_string(), |p| p.display().to_string());
        let mut ev = QredoEvidence::from_history(&entry, secret, source, now_unix());
        ev.token = ticket
            .token()
            .and_then(|t| crate::signing::jwt::read_claims(t).ok());
        let report = diagnose::qredo_doctor::diagnose(&ev);
        errln!();
        eprint!("{}", diagnose::render::to_text(&report));
    } else if response.partner_auth_failure().is_some() {
        let key = setup.public_key.clone().map(|public_key| CheckKey {
            public_key,
            source: key_source(setup),
        });
        let mut evidence =
            Evidence::from_history(&entry, key, now_unix()).with_whole_body(&ticket.body);
        evidence.last_nonce = last_nonce;
        if matches!(value, AuthValue::Nonce(_)) {
            evidence.nonce_issued_last = NonceStore::new(paths::nonce_dir())
                .last(&setup.api_key)
                .ok()
                .flatten();
        }
        let report = diagnose::diagnose(&evidence);
        errln!();
        eprint!("{}", diagnose::render::to_text(&report));
    }
    Ok(exit.into())
}

/// Where the request goes and how it is signed: from the profile when one is selected,
/// else the reference client's defaults; flags override either.
struct Setup {
    profile: String,
    base_url: String,
    api_key: String,
    /// `None` when signing is off (a `play`-style profile) or the scheme is HMAC.
    key: Option<PrivateKey>,
    /// The `qredo-*` schemes' signer.
    hmac: Option<Arc<dyn RequestSigner>>,
    public_key: Option<PublicKey>,
    key_path: Option<PathBuf>,
    /// The `qredo-*` secret's file, for the doctor's messages.
    secret_path: Option<PathBuf>,
    scheme: Scheme,
    mode: AuthMode,
    headers: Vec<(String, String)>,
    timeout: Duration,
    resolved: crate::store::ResolvedProfile,
}

impl Setup {
    fn resolve(args: &Args, ctx: &Context) -> anyhow::Result<Setup> {
        let r = select_profile(ctx, &args.profile_flags)?.resolve()?;
        let resolved = r.clone();
        let key = r.key_path.as_deref().map(load_private_key).transpose()?;
        let hmac = super::common::hmac_signer(&r)?;
        if hmac.is_some() && args.nonce.is_some() {
            anyhow::bail!(
                "{} signs with a timestamp, not a nonce: drop --nonce",
                r.scheme
            );
        }
        Ok(Setup {
            profile: r.name,
            base_url: r.base_url,
            api_key: r.api_key,
            public_key: key.as_ref().map(PrivateKey::public_key),
            key,
            hmac,
            key_path: r.key_path,
            secret_path: r.secret_path,
            scheme: r.scheme,
            mode: if args.nonce.is_some() {
                AuthMode::Nonce
            } else {
                r.auth_mode
            },
            headers: r.headers,
            timeout: args
                .timeout
                .map(Duration::from_secs_f64)
                .unwrap_or(r.timeout),
            resolved,
        })
    }
}

/// Lint notes that matter when sending: body shape, a body on GET, a URL of the other
/// API than the scheme's. The URL rewrite is
/// handled (signed as sent, both forms shown), so it is not repeated.
fn body_notes(method: &str, url: &str, body: &[u8], scheme: Scheme) -> Vec<String> {
    let input = LintInput {
        scheme,
        ..LintInput::new(method, url, body, now_unix())
    };
    lint::check(&input)
        .into_iter()
        .filter(|f| f.severity >= lint::Severity::Warning)
        .filter(|f| !matches!(f.kind, FindingKind::UrlRewritten | FindingKind::UrlInvalid))
        .map(|f| format!("note: {}", f.message))
        .collect()
}

/// Runs the request on its own runtime; Ctrl-C gives it up, which drops the connection,
/// and it is recorded as cancelled.
fn send_blocking(
    client: &reqwest::Client,
    ticket: Ticket,
    timeout: Duration,
    origin: &Origin,
    history: &History,
) -> anyhow::Result<Exchange> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let ctrl_c = async {
        // Without a signal handler, never give up.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    Ok(rt.block_on(http::execute_until(
        client, ticket, timeout, origin, history, ctrl_c,
    )))
}

/// How the doctor names the key it checks with.
fn key_source(setup: &Setup) -> String {
    setup
        .key_path
        .as_ref()
        .map_or_else(|| "the key".to_string(), |p| p.display().to_string())
}

fn write_request(err: &mut impl std::io::Write, ticket: &Ticket) -> std::io::Result<()> {
    writeln!(err, "> {} {}", ticket.method, ticket.wire_url())?;
    for (name, value) in ticket.implicit_headers() {
        writeln!(err, "> {name}: {value}")?;
    }
    for (name, value) in ticket.headers_masked() {
        writeln!(err, "> {name}: {value}")?;
    }
    if let Some(signed) = &ticket.signed {
        writeln!(err, "> (payload hash {})", signed.hash_hex)?;
    }
    writeln!(err, ">")
}

fn write_body(response: &Response, raw: bool) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    if response.body.is_empty() {
        return Ok(());
    }
    match (raw, response.pretty_body()) {
        (false, Some(pretty)) => writeln!(out, "{pretty}")?,
        _ => {
            out.write_all(&response.body)?;
            if !raw && !response.body.ends_with(b"\n") {
                writeln!(out)?;
            }
        }
    }
    if response.truncated {
        errln!(
            "note: the body was cut at {}; the server sent more",
            crate::time::bytes_text(http::MAX_RESPONSE_BODY)
        );
    }
    out.flush()
}

/// A Qredo API v2 call: the token (cached, or fetched and recorded first, which a line on
/// stderr says), then the call carrying it; a refused token request is explained by the
/// doctor as any qredo refusal is.
fn send_v2(
    args: &Args,
    setup: &Setup,
    source: &http::TokenSource,
    spec: &RequestSpec,
    creds: &Credentials,
    secret: Option<crate::secret::QredoSecret>,
    client: &reqwest::Client,
) -> anyhow::Result<ExitCode> {
    let origin = &Origin {
        profile: setup.profile.clone(),
        key_path: setup.key_path.clone(),
        source: None,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let history = History::open_default();
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let result = rt.block_on(http::execute_with_token(
        client,
        source,
        spec,
        creds,
        setup.timeout,
        origin,
        &history,
        ctrl_c,
    ));
    let value = AuthValue::Timestamp(now_unix());
    match result {
        Ok((token, exchange)) => {
            errln!("{}", super::token::token_line(&token, source));
            if let Some(e) = &token.cache_error {
                errln!("warning: the token was not cached, the next send fetches another: {e}");
            }
            if args.verbose {
                write_request(&mut crate::cli::out::stderr(), &exchange.ticket)?;
            }
            answer(args, setup, exchange, secret, value, None)
        }
        Err(http::TokenError::Cancelled) => {
            errln!("cancelled");
            Ok(Exit::Interrupted.into())
        }
        Err(http::TokenError::Failed(fetch)) => {
            errln!(
                "token: GET {} answered first, so the call was not sent:",
                fetch.ticket.wire_url()
            );
            answer(args, setup, *fetch, secret, value, None)
        }
        Err(e) => Err(e.into()),
    }
}
