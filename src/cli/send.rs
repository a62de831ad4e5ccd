//! `xsign send`: sign the exact bytes, send them, print the response; on a 1020, say why.

use super::Context;
use super::common::{load_private_key, read_api_key, read_body};
use crate::diagnose::{self, Evidence, Sent, Signed};
use crate::http::{
    self, Credentials, RequestSpec, Response, SendError, Ticket, build_ticket, join_base_url,
};
use crate::lint::{self, FindingKind, LintInput};
use crate::paths;
use crate::signing::{AuthMode, AuthValue, NonceStore, PrivateKey, RsaSigner, now_unix};
use anyhow::Context as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

/// The reference client's local example; profiles will supply their own.
pub const DEFAULT_BASE_URL: &str = "http://localhost:8001/api/v1/p";

#[derive(Debug, clap::Args)]
#[command(after_help = "\
The status line, time and size go to stderr and the body to stdout, so `xsign send ... > out.json` \
keeps only the body. The exit code is 1 for any status other than 2xx.

Examples:
  xsign send GET /assets
  xsign send POST /company --body-file company.json
  echo -n '{\"name\":\"ACME\"}' | xsign send POST http://localhost:8001/api/v1/p/company --body-file -")]
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
    /// The private key (PEM, PKCS#1 or PKCS#8)
    #[arg(long, value_name = "FILE", default_value = "private.pem")]
    pub key: PathBuf,
    /// The file holding the API key (surrounding whitespace is trimmed)
    #[arg(long, value_name = "FILE", default_value = "apikey")]
    pub apikey_file: PathBuf,
    /// Authenticate with x-nonce (the next one for this API key) instead of x-timestamp
    #[arg(long)]
    pub nonce: bool,
    /// Give up after this many seconds, connection and body included
    #[arg(long, value_name = "S", default_value_t = 30.0)]
    pub timeout: f64,
    /// Also print the request and response headers (the API key masked)
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Print the body as received instead of pretty-printing JSON
    #[arg(long)]
    pub raw: bool,
    /// Base for relative URLs
    #[arg(long, value_name = "URL", env = "XSIGN_BASE_URL", default_value = DEFAULT_BASE_URL)]
    pub base_url: String,
}

pub fn run(args: Args, _ctx: &Context) -> anyhow::Result<ExitCode> {
    let method =
        reqwest::Method::from_bytes(args.method.to_ascii_uppercase().as_bytes()).map_err(|_| {
            anyhow::anyhow!(
                "{:?} is not an HTTP method: use GET, POST, PUT or DELETE",
                args.method
            )
        })?;
    if !(args.timeout > 0.0 && args.timeout.is_finite()) {
        anyhow::bail!("--timeout must be a positive number of seconds");
    }
    let url = join_base_url(&args.base_url, &args.url);
    let body = match &args.body_file {
        Some(path) => read_body(Some(path))?,
        None => Vec::new(),
    };
    let key = load_private_key(&args.key)?;
    let public_key = key.public_key();
    let api_key = read_api_key(&args.apikey_file)?;

    for note in body_notes(method.as_str(), &url, &body) {
        eprintln!("{note}");
    }

    let store = NonceStore::new(paths::nonce_dir());
    let (value, last_nonce) = if args.nonce {
        let last = store.last(&api_key).ok().flatten();
        (AuthValue::Nonce(store.take(&api_key)?), last)
    } else {
        (AuthValue::Timestamp(now_unix()), None)
    };
    let creds = credentials(key, api_key, value.mode());
    let spec = RequestSpec::new(method, url, body);
    let ticket = build_ticket(&spec, &creds, value)?;

    let mut err = std::io::stderr().lock();
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

    let timeout = Duration::from_secs_f64(args.timeout);
    let response = match send_blocking(&ticket, timeout)? {
        Some(r) => r,
        None => {
            eprintln!("cancelled");
            return Ok(ExitCode::from(130));
        }
    };

    let mut err = std::io::stderr().lock();
    writeln!(
        err,
        "{}  {}  {}",
        response.status_line(),
        elapsed_text(response.elapsed),
        response.size_text()
    )?;
    if args.verbose {
        for (name, value) in &response.headers {
            writeln!(err, "< {name}: {value}")?;
        }
    }
    drop(err);
    write_body(&response, args.raw)?;

    if response.is_success() {
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(api_error) = response.partner_auth_failure() {
        let evidence = evidence(
            &ticket,
            &response,
            public_key,
            &args,
            last_nonce,
            api_error.reason,
        );
        let report = diagnose::diagnose(&evidence);
        eprintln!();
        eprint!("{}", diagnose::render::to_text(&report));
    }
    Ok(ExitCode::from(1))
}

fn credentials(key: PrivateKey, api_key: String, mode: AuthMode) -> Credentials {
    Credentials {
        api_key,
        signer: Some(Arc::new(RsaSigner::new(key))),
        mode,
    }
}

/// Lint notes that matter when sending: body shape and a body on GET. The URL rewrite is
/// handled (signed as sent, both forms shown), so it is not repeated.
fn body_notes(method: &str, url: &str, body: &[u8]) -> Vec<String> {
    lint::check(&LintInput::new(method, url, body, now_unix()))
        .into_iter()
        .filter(|f| f.severity >= lint::Severity::Warning)
        .filter(|f| !matches!(f.kind, FindingKind::UrlRewritten | FindingKind::UrlInvalid))
        .map(|f| format!("note: {}", f.message))
        .collect()
}

/// Runs the request on its own runtime; Ctrl-C aborts it (None).
fn send_blocking(ticket: &Ticket, timeout: Duration) -> anyhow::Result<Option<Response>> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    rt.block_on(async {
        let client = http::client()?;
        let request = tokio::spawn({
            let ticket = ticket.clone();
            async move { http::send(&client, &ticket, timeout).await }
        });
        let abort = request.abort_handle();
        tokio::select! {
            joined = request => {
                let result: Result<Response, SendError> = joined.context("the request task failed")?;
                Ok(Some(result?))
            }
            _ = tokio::signal::ctrl_c() => {
                abort.abort();
                Ok(None)
            }
        }
    })
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
        eprintln!(
            "note: the body was cut at {}; the server sent more",
            http::human_size(http::MAX_RESPONSE_BODY)
        );
    }
    out.flush()
}

fn elapsed_text(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

/// Everything `send` knows about the request it just made, for the doctor.
fn evidence(
    ticket: &Ticket,
    response: &Response,
    public_key: crate::signing::PublicKey,
    args: &Args,
    last_nonce: Option<u64>,
    reason: Option<String>,
) -> Evidence {
    let signed = ticket.signed.as_ref();
    let value = signed.map(|s| s.value);
    let sent_at = response
        .sent_at
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .ok();
    Evidence {
        signed: Signed {
            url: Some(ticket.wire_url().to_string()),
            body: Some(ticket.body.clone()),
            value,
        },
        sent: Sent {
            url: Some(ticket.wire_url().to_string()),
            body: Some(ticket.body.clone()),
            api_key: Some(ticket.api_key().to_string()),
            x_sign: ticket.header("x-sign").map(str::to_string),
            timestamp: ticket.header("x-timestamp").map(str::to_string),
            nonce: ticket.header("x-nonce").map(str::to_string),
            complete: true,
        },
        public_key: Some(public_key),
        key_source: Some(args.key.display().to_string()),
        server_date: response.remote_date,
        sent_at,
        now: Some(now_unix()),
        last_nonce,
        server_reason: reason,
        ..Evidence::default()
    }
}
