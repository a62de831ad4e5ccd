//! `xsign replay COLLECTION[/REQUEST]` and `xsign replay --history ID`: re-sign with a
//! fresh timestamp or nonce and send; `--as-signed` resends recorded bytes and headers.

use super::Context;
use super::common::select_profile_or;
use super::profile::report_moved;
use crate::credentials::{ProfileFlags, Unchosen};
use crate::http::{
    self, Credentials, Origin, RequestSpec, Response, SignedBy, Ticket, build_ticket,
};
use crate::signing::{
    AuthMode, AuthValue, NonceStore, RequestSigner, RsaSigner, SignedRequest, now_unix, wire_url,
};
use crate::store::StoreError;
use crate::store::collection::split_target;
use crate::store::{CollectionStore, ConfigStore, History, HistoryEntry, Request, ResolvedProfile};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, clap::Args)]
#[command(
    mut_arg("key", |a| a.help("The private key (PEM) [default: the profile's]")),
    mut_arg("apikey_file", |a| a.help("The file holding the API key [default: the profile's]")),
    mut_arg("base_url", |a| a.help("Base for relative URLs [default: the profile's]")),
    after_help = "\
Each request is signed afresh with the selected profile (--profile, XSIGN_PROFILE, or the \
config's default, else production): its base URL for relative URLs, its keys, auth mode and \
extra headers; the flags override it. Every send is recorded in the history. The exit code is 1 \
when any request fails.

Examples:
  xsign replay payments/new-company        send one saved request, freshly signed
  xsign replay payments                    send every request in order, print a table
  xsign replay --history 42 --as-signed    resend entry 42's exact headers and bytes"
)]
pub struct Args {
    /// COLLECTION or COLLECTION/REQUEST
    #[arg(required_unless_present = "history", conflicts_with = "history")]
    pub target: Option<String>,
    /// Replay a history entry (see `xsign history`)
    #[arg(long, value_name = "ID")]
    pub history: Option<u64>,
    /// Resend the recorded headers and bytes unchanged (the last send of each request,
    /// or the --history entry), to reproduce a failure. A stale timestamp or a used
    /// nonce will be refused by the server
    #[arg(long)]
    pub as_signed: bool,
    /// Print the response headers too (single request)
    #[arg(long, short = 'v')]
    pub verbose: bool,
    #[command(flatten)]
    pub profile_flags: ProfileFlags,
}

/// The outcome of one replayed request, for the table.
struct Row {
    name: String,
    status: String,
    millis: Option<u128>,
    verdict: String,
    ok: bool,
    history_id: Option<u64>,
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    let flags = &args.profile_flags;
    let history = History::open_default();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let client = http::client()?;
    let sender = Sender {
        rt: &rt,
        client: &client,
        history: &history,
        verbose: args.verbose,
    };

    if let Some(id) = args.history {
        let entry = history.get(id)?.ok_or_else(|| {
            anyhow::anyhow!("no history entry {id}: `xsign history` lists the kept entries")
        })?;
        // The entry's profile unless one is chosen, or it no longer exists (`xsign send`
        // without a profile records `-`).
        let loaded = ConfigStore::open_default().load()?;
        report_moved(&loaded);
        let entry_ctx = Context {
            profile: ctx
                .profile
                .clone()
                .or_else(|| loaded.value.profile(&entry.profile).map(|p| p.name)),
        };
        let profile = select_profile_or(&entry_ctx, flags, Unchosen::DefaultProfile)?.resolve()?;
        let source = format!("history:{id}");
        let (ticket, notes) = if args.as_signed {
            as_signed_ticket(&entry, &profile)?
        } else {
            let req = Request {
                name: source.clone(),
                method: entry.method.clone(),
                url: entry.url.clone(),
                body: entry.replayable_body()?.to_vec(),
                notes: String::new(),
                headers: extra_headers_of(&entry),
            };
            (fresh_ticket(&profile, &req, false)?, Vec::new())
        };
        for n in notes {
            errln!("warning: {n}");
        }
        let row = sender.send(&profile, &ticket, &source, true);
        return Ok(finish_single(row));
    }

    let target = args.target.unwrap_or_default();
    let (collection, request) = split_target(&target);
    let store = CollectionStore::open_default();
    let loaded = store.load(collection).map_err(|e| match e {
        StoreError::NotFound { .. } if request.is_none() => store.hint_for_bare_name(collection, e),
        other => other,
    })?;
    report_moved(&loaded);
    let requests: Vec<Request> = match request {
        Some(name) => vec![store.load_request(collection, name)?],
        None => loaded.value.requests,
    };
    if requests.is_empty() {
        anyhow::bail!(
            "collection `{collection}` has no requests yet: add one with `xsign collection add {collection}/NAME --url /assets`"
        );
    }
    let profile = select_profile_or(ctx, flags, Unchosen::DefaultProfile)?.resolve()?;
    let single = request.is_some();
    let recent = if args.as_signed {
        history.recent(usize::MAX)?
    } else {
        Vec::new()
    };
    let mut rows = Vec::new();
    for req in &requests {
        let source = format!("{collection}/{}", req.name);
        let prepared = if args.as_signed {
            match recent
                .iter()
                .find(|e| e.source.as_deref() == Some(source.as_str()))
            {
                Some(entry) => as_signed_ticket(entry, &profile).map(|(t, notes)| {
                    for n in notes {
                        errln!("warning: {}: {n}", req.name);
                    }
                    t
                }),
                None => Err(anyhow::anyhow!(
                    "never sent: nothing recorded to resend (replay it without --as-signed first)"
                )),
            }
        } else {
            fresh_ticket(&profile, req, true)
        };
        let row = match prepared {
            Ok(ticket) => sender.send(&profile, &ticket, &source, single),
            Err(e) => Row {
                name: req.name.clone(),
                status: "-".into(),
                millis: None,
                verdict: format!("not sent: {e:#}"),
                ok: false,
                history_id: None,
            },
        };
        rows.push(Row {
            name: req.name.clone(),
            ..row
        });
    }
    if single {
        return Ok(finish_single(rows.pop().expect("one request")));
    }
    print_table(&rows);
    let failed = rows.iter().filter(|r| !r.ok).count();
    if failed > 0 {
        let auth = rows.iter().any(|r| r.verdict.starts_with("1020"));
        errln!(
            "{failed} of {} failed; `xsign history show ID` shows what was sent and received{}",
            rows.len(),
            if auth {
                ", and `xsign doctor --history ID` explains a 1020"
            } else {
                ""
            }
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn finish_single(row: Row) -> ExitCode {
    if !row.ok {
        errln!("{}", row.verdict);
        if let Some(id) = row.history_id {
            if row.verdict.starts_with("1020") {
                errln!("recorded as history {id}: `xsign doctor --history {id}` explains the 1020");
            } else {
                errln!("recorded as history {id}: `xsign history show {id}` shows it");
            }
        }
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

fn print_table(rows: &[Row]) {
    let width = rows
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    outln!(
        "{:<width$}  {:>6}  {:>8}  {:>5}  VERDICT",
        "NAME",
        "STATUS",
        "TIME",
        "HIST"
    );
    for r in rows {
        outln!(
            "{:<width$}  {:>6}  {:>8}  {:>5}  {}",
            r.name,
            r.status,
            r.millis
                .map(|m| format!("{m} ms"))
                .unwrap_or_else(|| "-".into()),
            r.history_id
                .map(|i| i.to_string())
                .unwrap_or_else(|| "-".into()),
            r.verdict
        );
    }
}

/// The headers a user added (profile or request), from a recorded entry: everything but
/// what `build_ticket` computes itself.
fn extra_headers_of(entry: &HistoryEntry) -> Vec<(String, String)> {
    const COMPUTED: [&str; 8] = [
        "x-api-key",
        "x-sign",
        "x-timestamp",
        "x-nonce",
        "host",
        "content-length",
        "accept",
        "user-agent",
    ];
    entry
        .request_headers
        .iter()
        .filter(|(k, v)| {
            let k = k.to_ascii_lowercase();
            let computed = COMPUTED.contains(&k.as_str());
            let default_type = k == "content-type" && v == "application/json";
            !(computed || default_type)
        })
        .cloned()
        .collect()
}

/// Builds a freshly signed ticket for `req` with `profile`.
pub(crate) fn fresh_ticket(
    profile: &ResolvedProfile,
    req: &Request,
    relative: bool,
) -> anyhow::Result<Ticket> {
    let method = reqwest::Method::from_bytes(req.method.as_bytes())
        .map_err(|_| anyhow::anyhow!("`{}` is not an HTTP method", req.method))?;
    let url = if relative {
        profile.url_for(&req.url)
    } else {
        req.url.clone()
    };
    let mut spec = RequestSpec::new(method, url, req.body.clone());
    spec.extra_headers = profile.headers.clone();
    spec.extra_headers.extend(req.headers.iter().cloned());
    let hmac = super::common::hmac_signer(profile)?;
    let (signer, value): (Option<Arc<dyn RequestSigner>>, AuthValue) = if hmac.is_some() {
        (hmac, AuthValue::Timestamp(now_unix()))
    } else if profile.signing {
        let key_path = profile
            .key_path
            .as_deref()
            .expect("a signing profile has a key");
        let key = super::common::load_private_key(key_path)?;
        (Some(Arc::new(RsaSigner::new(key))), fresh_value(profile)?)
    } else {
        (None, AuthValue::now())
    };
    let creds = Credentials {
        api_key: profile.api_key.clone(),
        signer,
        mode: profile.auth_mode,
    };
    Ok(build_ticket(&spec, &creds, value)?)
}

fn fresh_value(profile: &ResolvedProfile) -> anyhow::Result<AuthValue> {
    Ok(match profile.auth_mode {
        AuthMode::Timestamp => AuthValue::Timestamp(now_unix()),
        AuthMode::Nonce => {
            AuthValue::Nonce(NonceStore::new(crate::paths::nonce_dir()).take(&profile.api_key)?)
        }
    })
}

/// Signs with a fresh timestamp or nonce for `profile` (for curl export).
pub(crate) fn sign_for(
    profile: &ResolvedProfile,
    method: &str,
    url: &str,
    body: &[u8],
) -> anyhow::Result<SignedRequest> {
    let key_path = profile
        .key_path
        .as_deref()
        .ok_or_else(|| anyhow::anyhow!("profile `{}` does not sign", profile.name))?;
    let key = super::common::load_private_key(key_path)?;
    Ok(RsaSigner::new(key).sign(method, url, body, fresh_value(profile)?))
}

/// The recorded request, byte for byte and header for header; only the API key (never
/// stored) comes from the profile. Returns warnings about what the server will refuse.
pub(crate) fn as_signed_ticket(
    entry: &HistoryEntry,
    profile: &ResolvedProfile,
) -> anyhow::Result<(Ticket, Vec<String>)> {
    let method = reqwest::Method::from_bytes(entry.method.as_bytes())
        .map_err(|_| anyhow::anyhow!("`{}` is not an HTTP method", entry.method))?;
    let wire = wire_url(&entry.url)?;
    let mut notes = Vec::new();
    if wire.wire != entry.url {
        notes.push(format!(
            "the recorded URL {} goes on the wire as {}",
            entry.url, wire.wire
        ));
    }
    if let Some(id) = &entry.api_key_id
        && *id != profile.api_key_id
    {
        notes.push(format!(
            "profile `{}` has another API key ({}) than the recorded send ({id}); the server will see a different key",
            profile.name, profile.api_key_id
        ));
    }
    match entry.auth.as_ref().and_then(|a| a.to_value()) {
        Some(AuthValue::Timestamp(t)) => {
            let age = now_unix() - t;
            notes.push(format!(
                "resending x-timestamp {t} as recorded ({age} s old): a stale timestamp will be refused by the server"
            ));
        }
        Some(AuthValue::Nonce(n)) => notes.push(format!(
            "resending x-nonce {n} as recorded: a nonce that was already used will be refused by the server"
        )),
        None => {}
    }
    let headers = entry
        .request_headers
        .iter()
        .map(|(k, v)| {
            if k.eq_ignore_ascii_case("x-api-key") {
                (k.clone(), profile.api_key.clone())
            } else {
                (k.clone(), v.clone())
            }
        })
        .collect();
    let ticket = Ticket {
        method,
        wire,
        body: entry.replayable_body()?.clone(),
        headers,
        signed: None,
        // The recorded signature is resent, so the key that made it is the recorded one.
        signed_by: entry.key.as_ref().map(|k| SignedBy {
            scheme: entry.scheme.clone().unwrap_or_else(|| "partner-rsa".into()),
            fingerprint: Some(k.fingerprint.clone()),
        }),
    };
    Ok((ticket, notes))
}

/// What every replayed request is sent with; each send is recorded in the history.
struct Sender<'a> {
    rt: &'a tokio::runtime::Runtime,
    client: &'a reqwest::Client,
    history: &'a History,
    verbose: bool,
}

impl Sender<'_> {
    fn send(
        &self,
        profile: &ResolvedProfile,
        ticket: &Ticket,
        source: &str,
        print_response: bool,
    ) -> Row {
        // A resend as signed carries the recorded key; a re-signed one, the profile's.
        let key_path = match &ticket.signed {
            Some(_) => profile.key_path.clone(),
            None => None,
        };
        let origin = Origin {
            profile: profile.name.clone(),
            key_path,
            source: Some(source.to_string()),
        };
        let exchange = self.rt.block_on(http::execute(
            self.client,
            ticket.clone(),
            profile.timeout,
            &origin,
            self.history,
        ));
        let history_id = match &exchange.record_error {
            None => Some(exchange.entry.id),
            Some(e) => {
                errln!("warning: not recorded in history: {e}");
                None
            }
        };
        let elapsed = exchange.elapsed;
        match exchange.outcome {
            Ok(r) => {
                if print_response {
                    errln!(
                        "{}  {} ms  {}  ({} {})",
                        r.status_line(),
                        r.elapsed.as_millis(),
                        r.size_text(),
                        ticket.method,
                        ticket.wire_url()
                    );
                    if self.verbose {
                        for (k, v) in &r.headers {
                            errln!("< {k}: {v}");
                        }
                    }
                    use std::io::Write;
                    let body = r
                        .pretty_body()
                        .map(String::into_bytes)
                        .unwrap_or(r.body.clone());
                    let mut out = std::io::stdout().lock();
                    let _ = out.write_all(&body);
                    if !body.ends_with(b"\n") && !body.is_empty() {
                        let _ = out.write_all(b"\n");
                    }
                }
                let verdict = verdict(&r);
                Row {
                    name: String::new(),
                    status: r.status.to_string(),
                    millis: Some(r.elapsed.as_millis()),
                    ok: r.is_success(),
                    verdict,
                    history_id,
                }
            }
            Err(e) => Row {
                name: String::new(),
                status: "-".into(),
                millis: Some(elapsed.as_millis()),
                verdict: format!("error: {e}"),
                ok: false,
                history_id,
            },
        }
    }
}

fn verdict(r: &Response) -> String {
    if r.is_success() {
        return "ok".into();
    }
    if let Some(e) = r.partner_auth_failure() {
        return format!(
            "1020 {} ({})",
            e.msg,
            e.reason.unwrap_or_else(|| "no reason given".into())
        );
    }
    match r.api_error() {
        Some(e) => match e.reason {
            Some(reason) => format!("failed: {} {} ({reason})", e.code, e.msg),
            None => format!("failed: {} {}", e.code, e.msg),
        },
        None => format!("failed: HTTP {}", r.status),
    }
}
