//! `xsign send`: sign the exact bytes, send them, print the response; on a 1020, say why.

use super::Context;
use super::common::{ProfileFlags, load_private_key, read_body, select_profile};
use crate::diagnose::{self, Evidence, Sent, Signed};
use crate::http::{self, Credentials, RequestSpec, Response, SendError, Ticket, build_ticket};
use crate::lint::{self, FindingKind, LintInput};
use crate::paths;
use crate::signing::{
    AuthMode, AuthValue, NonceStore, PrivateKey, PublicKey, RequestSigner, RsaSigner, now_unix,
};
use crate::store::collection::join_url;
use crate::store::profile::api_key_id;
use crate::store::{AuthRecord, History, HistoryEntry, ResponseRecord};
use anyhow::Context as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

/// The reference client's local example; profiles will supply their own.

#[derive(Debug, clap::Args)]
#[command(
    mut_arg("apikey_file", |a| a.help(
        "The file holding the API key, whitespace around it trimmed [default: the profile's, or apikey]"
    )),
    after_help = "\
The status line, time and size go to stderr and the body to stdout, so `xsign send ... > out.json` \
keeps only the body. The exit code is 1 for any status other than 2xx. Every request is recorded \
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
    pub profile_flags: ProfileFlags,
    /// Authenticate with x-nonce (the next one for this API key) instead of x-timestamp
    #[arg(long)]
    pub nonce: bool,
    /// Give up after this many seconds, connection and body included [default: the profile's, or 30]
    #[arg(long, value_name = "S")]
    pub timeout: Option<f64>,
    /// Also print the request and response headers (the API key masked)
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Print the body as received instead of pretty-printing JSON
    #[arg(long)]
    pub raw: bool,
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
    let url = join_url(&setup.base_url, &args.url);
    let body = match &args.body_file {
        Some(path) => read_body(Some(path))?,
        None => Vec::new(),
    };
    for note in body_notes(method.as_str(), &url, &body) {
        eprintln!("{note}");
    }

    let (value, last_nonce) = match setup.mode {
        AuthMode::Nonce => {
            let store = NonceStore::new(paths::nonce_dir());
            let last = store.last(&setup.api_key).ok().flatten();
            (AuthValue::Nonce(store.take(&setup.api_key)?), last)
        }
        AuthMode::Timestamp => (AuthValue::Timestamp(now_unix()), None),
    };
    let creds = Credentials {
        api_key: setup.api_key.clone(),
        signer: setup
            .key
            .take()
            .map(|k| Arc::new(RsaSigner::new(k)) as Arc<dyn RequestSigner>),
        mode: setup.mode,
    };
    let mut spec = RequestSpec::new(method, url, body);
    spec.extra_headers = setup.headers.clone();
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

    let started = std::time::Instant::now();
    let outcome = send_blocking(&ticket, setup.timeout)?;
    record_history(&setup, &ticket, &outcome, started.elapsed());
    let response = match outcome {
        Outcome::Response(r) => r,
        Outcome::Failed(e) => return Err(e.into()),
        Outcome::Cancelled => {
            eprintln!("cancelled");
            return Ok(ExitCode::from(130));
        }
    };

    let mut err = std::io::stderr().lock();
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
    match write_body(&response, args.raw) {
        // `xsign send ... | head` closes stdout early; that is not a failure of the request.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other?,
    }

    if response.is_success() {
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(api_error) = response.partner_auth_failure() {
        let evidence = evidence(&ticket, &response, &setup, last_nonce, api_error.reason);
        let report = diagnose::diagnose(&evidence);
        eprintln!();
        eprint!("{}", diagnose::render::to_text(&report));
    }
    Ok(ExitCode::from(1))
}

/// Where the request goes and how it is signed: from the profile when one is selected,
/// else the reference client's defaults; flags override either.
struct Setup {
    profile: String,
    base_url: String,
    api_key: String,
    /// `None` when signing is off (a `play`-style profile).
    key: Option<PrivateKey>,
    public_key: Option<PublicKey>,
    key_path: Option<PathBuf>,
    mode: AuthMode,
    headers: Vec<(String, String)>,
    timeout: Duration,
}

impl Setup {
    fn resolve(args: &Args, ctx: &Context) -> anyhow::Result<Setup> {
        let r = select_profile(ctx, &args.profile_flags)?.resolve()?;
        let key = r.key_path.as_deref().map(load_private_key).transpose()?;
        Ok(Setup {
            profile: r.name,
            base_url: r.base_url,
            api_key: r.api_key,
            public_key: key.as_ref().map(PrivateKey::public_key),
            key,
            key_path: r.key_path,
            mode: if args.nonce {
                AuthMode::Nonce
            } else {
                r.auth_mode
            },
            headers: r.headers,
            timeout: args
                .timeout
                .map(Duration::from_secs_f64)
                .unwrap_or(r.timeout),
        })
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

/// How a send ended.
enum Outcome {
    Response(Response),
    Failed(SendError),
    /// Ctrl-C.
    Cancelled,
}

/// Runs the request on its own runtime; Ctrl-C aborts the task, which drops the
/// connection.
fn send_blocking(ticket: &Ticket, timeout: Duration) -> anyhow::Result<Outcome> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let client = http::client()?;
    rt.block_on(async {
        let request = tokio::spawn({
            let ticket = ticket.clone();
            async move { http::send(&client, &ticket, timeout).await }
        });
        let abort = request.abort_handle();
        tokio::select! {
            joined = request => Ok(match joined.context("the request task failed")? {
                Ok(r) => Outcome::Response(r),
                Err(e) => Outcome::Failed(e),
            }),
            _ = tokio::signal::ctrl_c() => {
                abort.abort();
                Ok(Outcome::Cancelled)
            }
        }
    })
}

/// Records the request in the history. A failure to record is a warning: the response
/// matters more than its record.
fn record_history(setup: &Setup, ticket: &Ticket, outcome: &Outcome, took: Duration) {
    let mut entry = HistoryEntry::new(
        setup.profile.clone(),
        ticket.method.as_str(),
        ticket.wire_url(),
        &ticket.body,
    );
    entry.request_headers = ticket.headers_masked();
    entry.api_key_id = Some(api_key_id(&setup.api_key));
    if let Some(signed) = &ticket.signed {
        entry.payload_hash = Some(signed.hash_hex.clone());
        entry.x_sign = Some(signed.x_sign.to_string());
        entry.auth = Some(AuthRecord::from_value(signed.value));
    }
    match outcome {
        Outcome::Response(r) => {
            entry.response = Some(ResponseRecord::capture(
                r.status,
                r.headers.clone(),
                &r.body,
            ));
            entry.duration_ms = r.elapsed.as_millis() as u64;
        }
        Outcome::Failed(e) => {
            entry.error = Some(e.to_string());
            entry.duration_ms = took.as_millis() as u64;
        }
        Outcome::Cancelled => {
            entry.error = Some("cancelled".into());
            entry.duration_ms = took.as_millis() as u64;
        }
    }
    if let Err(e) = History::open_default().record(entry) {
        eprintln!("warning: the request was not recorded in the history: {e}");
    }
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
            crate::time::bytes_text(http::MAX_RESPONSE_BODY)
        );
    }
    out.flush()
}

/// Everything `send` knows about the request it just made, for the doctor.
fn evidence(
    ticket: &Ticket,
    response: &Response,
    setup: &Setup,
    last_nonce: Option<u64>,
    reason: Option<String>,
) -> Evidence {
    let signed = ticket.signed.as_ref();
    let sent_at = response
        .sent_at
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .ok();
    Evidence {
        signed: Signed {
            url: Some(ticket.wire_url().to_string()),
            body: Some(ticket.body.clone()),
            value: signed.map(|s| s.value),
        },
        sent: Sent::from_ticket(ticket),
        public_key: setup.public_key.clone(),
        key_source: setup.key_path.as_ref().map(|p| p.display().to_string()),
        server_date: response.remote_date,
        sent_at,
        now: Some(now_unix()),
        last_nonce,
        server_reason: reason,
        ..Evidence::default()
    }
}
