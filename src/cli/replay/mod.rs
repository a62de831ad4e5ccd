//! `xsign replay COLLECTION[/REQUEST]` and `xsign replay --history ID`: re-sign with a
//! fresh timestamp or nonce and send; `--as-signed` resends recorded bytes and headers.

mod sender;

use super::Context;
use super::common::{parse_var, select_profile_or};
use super::profile::report_moved;
use crate::credentials::{ProfileFlags, Unchosen};
use crate::http::{Credentials, RequestSpec, SignedBy, Ticket, build_fresh_ticket};
use crate::scenario::{SystemBuiltins, Vars};
use crate::signing::{
    AuthMode, AuthValue, NonceStore, RequestSigner, RsaSigner, SignedRequest, now_unix, wire_url,
};
use crate::store::StoreError;
use crate::store::collection::split_target;
use crate::store::{CollectionStore, ConfigStore, History, HistoryEntry, Request, ResolvedProfile};
use sender::{Row, Sender, finish_single, print_table};
use std::collections::BTreeMap;
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
extra headers; the flags override it. Every send is recorded in the history. The exit code is that \
of the first request that failed, as for `xsign send` (4 a 4xx, 5 a 5xx, 6 a refused signature, \
3 no response; see `xsign --help`). {{name}} in a saved request's URL, header values or body is rendered \
first (from --var; {{uuid}}, {{now}}, {{random_int}} and {{env.NAME}} are built in; {{{{ is a \
literal {{), and the rendered bytes are what is signed, sent and recorded; a missing variable \
is an error naming it.

Examples:
  xsign replay payments/new-company        send one saved request, freshly signed
  xsign replay payments                    send every request in order, print a table
  xsign replay payments/fund --var asset=BTC   fill {{asset}} in the saved request
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
    /// A value for {{NAME}} in saved requests, NAME=VALUE (repeatable)
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var, conflicts_with = "history")]
    pub vars: Vec<(String, String)>,
    /// A JSON line per request sent (the fields of `xsign history --json`, plus name and
    /// exit_code) instead of the response or the table
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub profile_flags: ProfileFlags,
    #[command(flatten)]
    pub http: super::http_flags::HttpFlags,
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    let flags = &args.profile_flags;
    let history = History::open_default();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let sender = |client| Sender {
        rt: &rt,
        client,
        history: &history,
        verbose: args.verbose,
        json: args.json,
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
            ..ctx.clone()
        };
        let profile = select_profile_or(&entry_ctx, flags, Unchosen::DefaultProfile)?.resolve()?;
        let source = format!("history:{id}");
        let client = args
            .http
            .client(&profile.name, &profile.base_url, &profile.http)?;
        let sender = sender(&client);
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
            // Re-signed in the second it was first sent, the same bytes would carry the same
            // x-sign: an exact replay, which a server with replay protection (the mock by
            // default) refuses. A re-sign is a new request, so it takes the next second.
            let after = match entry.auth.as_ref().and_then(|a| a.to_value()) {
                Some(AuthValue::Timestamp(t)) => Some(t.saturating_add(1)),
                _ => None,
            };
            (
                fresh_ticket(&profile, &req, false, after, &sender)?,
                Vec::new(),
            )
        };
        for n in notes {
            errln!("warning: {n}");
        }
        let row = sender.send(&profile, &ticket, &source, true);
        if args.json {
            super::json::print(&row.json());
        }
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
    let selected = select_profile_or(ctx, flags, Unchosen::DefaultProfile)?;
    let profile = selected.resolve()?;
    let profile_vars = selected.vars();
    let single = request.is_some();
    let recent = if args.as_signed {
        history.recent(usize::MAX)?
    } else {
        Vec::new()
    };
    let client = args
        .http
        .client(&profile.name, &profile.base_url, &profile.http)?;
    let sender = sender(&client);
    let cli_vars: BTreeMap<String, String> = args.vars.iter().cloned().collect();
    // The profile's variables, then --var: the scenario chain's order without its layers.
    let vars = Vars::new(vec![&profile_vars, &cli_vars]);
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
            // Rendered afresh for each send ({{uuid}} differs), then signed over exactly
            // those bytes.
            req.rendered(&vars, &mut SystemBuiltins, &source)
                .map_err(anyhow::Error::from)
                .and_then(|r| fresh_ticket(&profile, &r, true, None, &sender))
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
                exit: super::exit::Exit::Failure,
                entry: None,
            },
        };
        rows.push(Row {
            name: req.name.clone(),
            ..row
        });
    }
    if args.json {
        for r in &rows {
            super::json::print(&r.json());
        }
    }
    if single {
        return Ok(finish_single(rows.pop().expect("one request")));
    }
    if !args.json {
        print_table(&rows);
    }
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
        // The first failure's code: what a script would see replaying up to it.
        let first = rows.iter().find(|r| !r.ok).map(|r| r.exit);
        return Ok(first.unwrap_or(super::exit::Exit::Failure).into());
    }
    Ok(ExitCode::SUCCESS)
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

/// Builds a freshly signed ticket for `req` with `profile`; a timestamp is at least
/// `not_before` when given; a qredo-v2 call carries the profile's token, fetched first
/// (through the sender, so it is recorded) when needed.
fn fresh_ticket(
    profile: &ResolvedProfile,
    req: &Request,
    relative: bool,
    not_before: Option<i64>,
    sender: &Sender<'_>,
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
    if let Some(source) = super::token::source_for(profile, &spec.url, creds.signer.as_ref())? {
        let token = sender.token(profile, &source)?;
        return Ok(crate::http::build_token_ticket(&spec, &creds, &token)?);
    }
    let value = match (value, not_before) {
        (AuthValue::Timestamp(t), Some(min)) => AuthValue::Timestamp(t.max(min)),
        (v, _) => v,
    };
    Ok(build_fresh_ticket(&spec, &creds, value)?)
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
