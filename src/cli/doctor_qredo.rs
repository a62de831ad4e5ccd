//! `xsign doctor` for a Qredo API request: a history entry signed with `qredo-v1`/`qredo-v2`
//! (or sent to `/qapi/v1`), or a curl command carrying the `qredo-api-*` headers, checked
//! with the secret by the one Qredo doctor (the one `send` and the workbench run).

use super::doctor::Flags;
use crate::diagnose::DEFAULT_SKEW_WINDOW;
use crate::diagnose::qredo_doctor::{self, QredoEvidence};
use crate::secret::QredoSecret;
use crate::signing::{Scheme, now_unix};
use crate::store::{ConfigStore, History, HistoryEntry};
use anyhow::Context;
use std::path::{Path, PathBuf};

/// The Qredo evidence the flags point at; `None` when the request is the Partner API's.
pub fn evidence(
    args: &Flags,
    curl: Option<&crate::curl::CurlRequest>,
) -> anyhow::Result<Option<QredoEvidence>> {
    let ev = if let Some(id) = args.history {
        let entry = History::open_default().get(id)?.with_context(|| {
            format!("no history entry {id}: `xsign history` lists the ids still kept")
        })?;
        if !is_qredo_entry(&entry) {
            return Ok(None);
        }
        let (secret, source) = secret(args, Some(&entry.profile))?;
        QredoEvidence::from_history(&entry, secret, source, now_unix())
    } else if let Some(req) = curl {
        let Some(scheme) = scheme_of(req) else {
            return Ok(None);
        };
        let (secret, source) = secret(args, None)?;
        let wire = req.wire()?;
        QredoEvidence {
            scheme: Some(scheme),
            secret,
            secret_source: source,
            signed: None,
            method: req.method.clone(),
            url: wire.server_url(),
            body: Some(req.body.clone()),
            headers: req.headers.clone(),
            // Not known from a command alone (0): --reason gives what the server said.
            status: 0,
            server_reason: None,
            server_date: None,
            sent_at: None,
            now: Some(now_unix()),
            skew_window: DEFAULT_SKEW_WINDOW,
            token: req
                .header(crate::signing::TOKEN_HEADER)
                .and_then(|t| crate::signing::jwt::read_claims(t).ok()),
        }
    } else {
        return Ok(None);
    };
    Ok(Some(with_flags(ev, args)?))
}

/// `--reason`, `--server-date` and `--skew` say what the answer did.
fn with_flags(mut ev: QredoEvidence, args: &Flags) -> anyhow::Result<QredoEvidence> {
    if let Some(r) = &args.reason {
        ev.server_reason = Some(r.clone());
    }
    if let Some(d) = &args.server_date {
        ev.server_date = Some(super::doctor::parse_server_date(d)?);
    }
    ev.skew_window = i64::from(args.skew_window);
    Ok(ev)
}

fn is_qredo_entry(entry: &HistoryEntry) -> bool {
    qredo_doctor::applies(entry)
        || entry
            .scheme
            .as_deref()
            .and_then(|s| Scheme::parse(s).ok())
            .is_some_and(|s| s != Scheme::PartnerRsa)
}

/// The scheme a curl command's headers sign with: v2's names, else v1's.
fn scheme_of(req: &crate::curl::CurlRequest) -> Option<Scheme> {
    [Scheme::QredoV2, Scheme::QredoV1].into_iter().find(|s| {
        req.header(s.signature_header()).is_some() || req.header(s.timestamp_header()).is_some()
    })
}

/// The secret to check with: `--secret-file`, else the profile the entry was sent with,
/// else `./secret`; none is fine (the doctor then says what it could not check).
fn secret(args: &Flags, profile: Option<&str>) -> anyhow::Result<(Option<QredoSecret>, String)> {
    let path: Option<PathBuf> = match &args.secret_file {
        Some(p) => Some(p.clone()),
        None => profile
            .and_then(|name| {
                ConfigStore::open_default()
                    .load()
                    .ok()
                    .and_then(|l| l.value.profile(name))
            })
            .map(|p| p.secret_file())
            .filter(|p| p.exists())
            .or_else(|| Some(PathBuf::from("secret")).filter(|p| p.exists())),
    };
    let Some(path) = path else {
        return Ok((None, "the secret".to_string()));
    };
    let loaded = crate::credentials::load_secret(&path)?;
    if let Some(w) = &loaded.warning {
        errln!("{w}");
    }
    Ok((Some(loaded.secret), display(&path)))
}

fn display(p: &Path) -> String {
    p.display().to_string()
}
