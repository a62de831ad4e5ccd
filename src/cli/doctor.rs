//! `xsign doctor`: why a request got 1020 errPartnerAuth, from flags or a curl command.

use super::Context;
use super::common::load_private_key;
use crate::credentials::{EntryKey, key_for_entry};
use crate::curl::CurlRequest;
use crate::diagnose::{self, CheckKey, Evidence, Sent, Signed, VerdictKind};
use crate::signing::{AuthValue, PublicKey, now_unix};
use crate::store::{ConfigStore, History};
use crate::time::parse_http_date;
use anyhow::Context as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Give what was signed and what was sent; anything not given as sent is taken to be what was signed. \
With only what was sent (e.g. --curl), the doctor searches the usual slips (compact or pretty JSON, \
a trailing newline, http/https, a trailing slash, the port, /api/v1/p, query encoding) for the \
bytes the x-sign was made over.

A Qredo API request (qredo-api-* headers in the curl command, or a history entry signed with \
qredo-v1 or qredo-v2) is checked with its secret instead: --secret-file, else the profile's, else \
./secret. The doctor names the method missing or changed, the secret decoded with the wrong \
alphabet, json.dumps spacing, a millisecond timestamp, a refused token, or the mixed-up API.

Exit code: 0 when no fault is found, 6 when a cause (or a suspicion) is printed, 1 when the evidence \
is too thin to check (the report says what to add).

Examples:
  xsign doctor --history 42
  xsign doctor --curl \"$(cat failing-request.sh)\" --key private.pem
  xsign doctor --curl \"$(cat qredo-request.sh)\" --secret-file secret
  xsign doctor --url https://api.qredo.network/api/v1/p/company --body-file signed.json \\
      --sent-body-file sent.json --timestamp 1700000000 --sign Vc_KZ... --pubkey public.pem
  xsign doctor --url ... --timestamp 1700000000 --server-date 'Tue, 14 Nov 2023 22:15:00 GMT'")]
pub struct Args {
    #[command(flatten)]
    pub flags: Box<Flags>,
    /// Print the verdict and findings as one JSON object instead of the report
    #[arg(long)]
    pub json: bool,
}

/// The evidence, boxed: many optional flags make a large struct.
#[derive(Debug, clap::Args)]
pub struct Flags {
    /// The URL that was signed
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// The URL that was sent, when it differs from the one signed
    #[arg(long, value_name = "URL")]
    pub sent_url: Option<String>,
    /// The body that was signed (byte-exact; `-` reads stdin)
    #[arg(long, short = 'd', value_name = "FILE")]
    pub body_file: Option<PathBuf>,
    /// The body that was sent, when it differs from the one signed (`-` reads stdin)
    #[arg(long, value_name = "FILE")]
    pub sent_body_file: Option<PathBuf>,
    #[command(flatten)]
    pub body_limit: crate::cli::body::BodyLimit,
    /// The x-timestamp that was signed and sent
    #[arg(
        long,
        value_name = "T",
        conflicts_with = "nonce",
        allow_negative_numbers = true
    )]
    pub timestamp: Option<String>,
    /// The x-nonce that was signed and sent
    #[arg(long, value_name = "N")]
    pub nonce: Option<String>,
    /// The last nonce used before with this API key
    #[arg(long, value_name = "N")]
    pub last_nonce: Option<u64>,
    /// The x-sign that was sent
    #[arg(long, value_name = "X_SIGN")]
    pub sign: Option<String>,
    /// The API key exactly as it was sent
    #[arg(
        long = "api-key",
        alias = "apikey",
        value_name = "KEY",
        conflicts_with = "apikey_file"
    )]
    pub apikey: Option<String>,
    /// A file holding the API key (read verbatim, to spot stray whitespace)
    #[arg(long = "api-key-file", alias = "apikey-file", value_name = "FILE")]
    pub apikey_file: Option<PathBuf>,
    /// The private key; its public half checks the x-sign [default: private.pem if present]
    #[arg(long, value_name = "FILE", conflicts_with = "pubkey")]
    pub key: Option<PathBuf>,
    /// The public key to check the x-sign with
    #[arg(long, value_name = "FILE")]
    pub pubkey: Option<PathBuf>,
    /// The fingerprint registered for the API key (sha256:…, as `xsign keygen` prints)
    #[arg(long, value_name = "FP")]
    pub registered_fingerprint: Option<String>,
    /// The server's Date header (HTTP date or Unix seconds), to measure clock skew
    #[arg(long, value_name = "DATE")]
    pub server_date: Option<String>,
    /// The server's detail.reason: signature, timestamp, nonce, apikey or headers
    #[arg(long, value_name = "REASON")]
    pub reason: Option<String>,
    /// The accepted clock skew in seconds (as `xsign mock --skew`)
    #[arg(long = "skew", alias = "skew-window", value_name = "SECS", default_value_t = diagnose::DEFAULT_SKEW_WINDOW as u32, value_parser = super::common::parse_skew)]
    pub skew_window: u32,
    /// A curl command that was run (its URL, headers and body are what was sent); `-` reads it from stdin
    #[arg(long, value_name = "COMMAND", conflicts_with = "history")]
    pub curl: Option<String>,
    /// A request from the history (`xsign history` shows the ids): what was signed, sent and answered
    #[arg(long, value_name = "ID")]
    pub history: Option<u64>,
    /// A Qredo API request's secret, to check its qredo-api-sig with [default: the secret of
    /// the profile a history entry was sent with, else ./secret]
    #[arg(long, value_name = "FILE")]
    pub secret_file: Option<PathBuf>,
}

pub fn run(args: Args, _ctx: &Context) -> anyhow::Result<ExitCode> {
    let curl = args.flags.curl.as_deref().map(read_curl).transpose()?;
    // A Qredo API request (its headers, or the history's scheme) has its own doctor.
    let report = match super::doctor_qredo::evidence(&args.flags, curl.as_ref())? {
        Some(ev) => diagnose::qredo_doctor::diagnose(&ev),
        None => diagnose::diagnose(&evidence(&args.flags, curl.as_ref())?),
    };
    let exit = exit_of(report.verdict.kind);
    if args.json {
        super::json::print(&super::json::doctor(&report, exit));
    } else {
        out!("{}", diagnose::render::to_text(&report));
    }
    Ok(exit.into())
}

/// The doctor's verdict as an exit code: a cause or a suspicion means the signature is (or
/// will be) refused.
fn exit_of(kind: VerdictKind) -> super::exit::Exit {
    use super::exit::Exit;
    match kind {
        VerdictKind::Clean => Exit::Ok,
        VerdictKind::Found | VerdictKind::Suspected => Exit::SignatureRefused,
        VerdictKind::Unknown => Exit::Failure,
    }
}

fn evidence(args: &Flags, curl: Option<&CurlRequest>) -> anyhow::Result<Evidence> {
    let mut sent = Sent::default();
    let mut recorded = Recorded::default();
    if let Some(req) = curl {
        sent = from_curl(req)?;
    }
    if let Some(id) = args.history {
        (sent, recorded) = from_history(id)?;
    }
    if let Some(u) = &args.sent_url {
        sent.url = Some(u.clone());
    }
    let stdin_readers = [
        args.body_file.as_deref(),
        args.sent_body_file.as_deref(),
        args.curl.as_deref().map(Path::new),
    ]
    .into_iter()
    .filter(|p| *p == Some(Path::new("-")))
    .count();
    if stdin_readers > 1 {
        anyhow::bail!(
            "only one of --body-file, --sent-body-file and --curl can read stdin (`-`): give the others as files"
        );
    }
    if let Some(p) = &args.sent_body_file {
        sent.body = Some(crate::cli::body::read_body(Some(p), args.body_limit)?);
    }
    if let Some(s) = &args.sign {
        sent.x_sign = Some(s.clone());
    }
    if let Some(t) = &args.timestamp {
        sent.timestamp = Some(t.clone());
        sent.nonce = None;
    }
    if let Some(n) = &args.nonce {
        sent.nonce = Some(n.clone());
        sent.timestamp = None;
    }
    let api_key_from_file = args.apikey_file.is_some();
    if let Some(k) = &args.apikey {
        sent.api_key = Some(k.clone());
    }
    if let Some(p) = &args.apikey_file {
        let bytes = read_file(p, crate::input_file::API_KEY)?;
        let key = String::from_utf8(bytes).map_err(|_| {
            anyhow::anyhow!(
                "the API key file {} is not text: copy the key again from the web app",
                p.display()
            )
        })?;
        sent.api_key = Some(key);
    }
    let signed = Signed {
        url: args.url.clone(),
        body: match &args.body_file {
            Some(p) => Some(crate::cli::body::read_body(Some(p), args.body_limit)?),
            None => None,
        },
        value: signed_value(args)?,
    };
    if signed.url.is_none() && sent.url.is_none() {
        anyhow::bail!(
            "give the URL that was signed (--url), the curl command that was run (--curl), or a history entry (--history ID)"
        );
    }
    let (public_key, key_source) = public_key(args, recorded.key)?;
    let server_date = match &args.server_date {
        Some(d) => Some(parse_server_date(d)?),
        None => recorded.server_date,
    };
    // A nonce this machine handed out: the store knows whether later ones followed it.
    let nonce_issued_last = match (&sent.nonce, &sent.api_key) {
        (Some(_), Some(k)) => crate::signing::NonceStore::new(crate::paths::nonce_dir())
            .last(k.trim())
            .ok()
            .flatten(),
        _ => None,
    };
    Ok(Evidence {
        signed,
        sent,
        public_key,
        key_source,
        registered_fingerprint: args.registered_fingerprint.clone(),
        api_key_from_file,
        server_date,
        sent_at: recorded.sent_at,
        now: Some(now_unix()),
        last_nonce: args.last_nonce,
        nonce_issued_last,
        server_reason: args.reason.clone().or(recorded.reason),
        skew_window: i64::from(args.skew_window),
    })
}

/// The value given on the command line is both signed and sent; a malformed one is kept
/// as sent text so the doctor can say what is wrong with it.
fn signed_value(args: &Flags) -> anyhow::Result<Option<AuthValue>> {
    Ok(match (&args.timestamp, &args.nonce) {
        (Some(t), _) => t.trim().parse().ok().map(AuthValue::Timestamp),
        (_, Some(n)) => n.trim().parse().ok().map(AuthValue::Nonce),
        _ => None,
    })
}

/// The key to check with: --pubkey, --key, the key that signed it (for --history), or
/// private.pem in the current directory.
fn public_key(
    args: &Flags,
    recorded: Option<CheckKey>,
) -> anyhow::Result<(Option<PublicKey>, Option<String>)> {
    if let Some(p) = &args.pubkey {
        let key = PublicKey::from_file(p)?;
        return Ok((Some(key), Some(p.display().to_string())));
    }
    if args.key.is_none()
        && let Some(k) = recorded
    {
        return Ok((Some(k.public_key), Some(k.source)));
    }
    let default = Path::new("private.pem");
    let path = match &args.key {
        Some(p) => p.clone(),
        None if default.exists() => default.to_path_buf(),
        None => return Ok((None, None)),
    };
    let key = load_private_key(&path)?;
    Ok((Some(key.public_key()), Some(path.display().to_string())))
}

/// `--server-date`: an HTTP date or Unix seconds.
pub(super) fn parse_server_date(d: &str) -> anyhow::Result<i64> {
    parse_http_date(d).with_context(|| {
        format!("--server-date {d:?} is neither an HTTP date (Tue, 14 Nov 2023 22:13:20 GMT) nor Unix seconds")
    })
}

/// The curl command given (`-` reads stdin), parsed as `import curl` reads one.
fn read_curl(command: &str) -> anyhow::Result<CurlRequest> {
    let text = if command == "-" {
        let bytes =
            crate::input_file::read_stream(std::io::stdin().lock(), crate::input_file::CURL)
                .map_err(|e| anyhow::anyhow!("cannot read the curl command from stdin: {e}"))?;
        String::from_utf8(bytes)
            .map_err(|_| anyhow::anyhow!("the curl command on stdin is not UTF-8 text"))?
    } else {
        command.to_string()
    };
    // The same reading as `import curl`; files relative to here, as curl ran here.
    let parsed = crate::curl::parse(&text, &mut crate::store::import::files_in(Path::new(".")))?;
    for n in &parsed.notes {
        errln!("note: {n}");
    }
    Ok(parsed.request)
}

fn from_curl(req: &CurlRequest) -> anyhow::Result<Sent> {
    // Judge what curl put on the wire, not the URL as typed.
    let wire = req.wire()?;
    if !wire.changes.is_empty() {
        errln!(
            "note: curl sends {} ({})",
            wire.server_url(),
            wire.changes.join(", ")
        );
    }
    let header = |name: &str| req.header(name).map(str::to_string);
    Ok(Sent {
        url: Some(wire.server_url()),
        body: Some(req.body.clone()),
        api_key: header("x-api-key"),
        x_sign: header("x-sign"),
        timestamp: header("x-timestamp"),
        nonce: header("x-nonce"),
        complete: true,
        body_digest: None,
    })
}

/// What a history entry adds beyond the request: the answer and the key that signed it.
#[derive(Default)]
struct Recorded {
    server_date: Option<i64>,
    sent_at: Option<i64>,
    reason: Option<String>,
    /// The key that signed the entry, found by its recorded fingerprint and file, else the
    /// key of the profile it was sent with.
    key: Option<CheckKey>,
}

fn from_history(id: u64) -> anyhow::Result<(Sent, Recorded)> {
    let entry = History::open_default().get(id)?.with_context(|| {
        format!("no history entry {id}: `xsign history` lists the ids still kept")
    })?;
    let config = ConfigStore::open_default()
        .load()
        .map(|l| l.value)
        .unwrap_or_default();
    let EntryKey { key, note } = key_for_entry(&entry, &config, None);
    if let Some(note) = note {
        errln!("note: {note}");
    }
    let ev = Evidence::from_history(&entry, None, now_unix());
    Ok((
        ev.sent,
        Recorded {
            server_date: ev.server_date,
            sent_at: ev.sent_at,
            reason: ev.server_reason,
            key,
        },
    ))
}

/// A file the doctor compares, read within the bound of its kind.
fn read_file(path: &Path, kind: crate::input_file::Kind) -> anyhow::Result<Vec<u8>> {
    Ok(crate::input_file::read(path, kind)?)
}
