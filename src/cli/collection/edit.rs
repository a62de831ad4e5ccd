//! `xsign collection add`, `new`, `rename` and `delete`: changing collections.

use super::{AddArgs, need_request, report_moved_list};
use crate::cli::profile::{parse_header, report_moved};
use crate::store::collection::split_target;
use crate::store::{CollectionStore, Request};
use std::process::ExitCode;

pub(super) fn add(store: &CollectionStore, a: AddArgs) -> anyhow::Result<ExitCode> {
    let (c, r) = need_request(&a.target)?;
    let method = crate::cli::common::http_method(&a.method)?;
    check_request_url(&a.url)?;
    let body = match (&a.body, &a.body_file) {
        (Some(text), _) => text.clone().into_bytes(),
        (None, Some(file)) => crate::cli::body::read_body(Some(file), a.body_limit)?,
        (None, None) => Vec::new(),
    };
    // Saved as given, byte for byte; say now what will bite when it is signed.
    let lint_url = crate::store::collection::join_url(crate::credentials::DEFAULT_BASE_URL, &a.url);
    for f in crate::lint::check(&crate::lint::LintInput::new(
        &method,
        &lint_url,
        &body,
        crate::signing::now_unix(),
    )) {
        if f.severity >= crate::lint::Severity::Warning
            && !matches!(
                f.kind,
                crate::lint::FindingKind::UrlRewritten | crate::lint::FindingKind::UrlInvalid
            )
        {
            errln!("note: {} (saved as given)", f.message);
        }
    }
    let mut headers = Vec::new();
    for h in &a.headers {
        headers.push(parse_header(h).map_err(|e| anyhow::anyhow!("header `{h}`: {e}"))?);
    }
    let request = Request {
        name: r.to_string(),
        method,
        url: a.url,
        body,
        notes: a.notes,
        headers,
    };
    let out = store.save_request(c, &request)?;
    report_moved_list(&out.moved_aside);
    outln!(
        "{} {c}/{r} ({} body bytes)",
        if out.created { "saved" } else { "replaced" },
        request.body.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// A request URL: a path under the base URL, or an absolute URL that can be sent.
pub(super) fn check_request_url(url: &str) -> anyhow::Result<()> {
    if url.trim().is_empty() {
        anyhow::bail!(
            "the URL is empty: give a path under the profile's base URL (such as /assets) or a full URL"
        );
    }
    if crate::store::collection::is_absolute(url) {
        crate::signing::wire_url(url)?;
    }
    Ok(())
}

pub(super) fn new(
    store: &CollectionStore,
    name: &str,
    from_catalog: bool,
    only: Option<&str>,
) -> anyhow::Result<ExitCode> {
    if store.exists(name) {
        anyhow::bail!("collection `{name}` already exists: pick another name");
    }
    let requests = if from_catalog {
        let r = crate::store::starter::requests_from_catalog(
            crate::catalog::Catalog::builtin(),
            only.unwrap_or(""),
        );
        if r.is_empty() {
            anyhow::bail!(
                "no catalog endpoint matches `{}`: try a group such as `company` or `core client`",
                only.unwrap_or("")
            );
        }
        r
    } else {
        Vec::new()
    };
    let l = store.modify(name, true, |c| {
        c.upsert_all(&requests);
        Ok(())
    })?;
    report_moved(&l);
    outln!(
        "created collection `{name}` with {} requests in {}",
        requests.len(),
        store.dir().display()
    );
    if requests.iter().any(|r| r.url.contains('{')) {
        outln!(
            "fill in the {{...}} path parameters before sending, e.g. `xsign collection add {name}/... --url /company/123`"
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn rename(
    store: &CollectionStore,
    target: &str,
    new_name: &str,
) -> anyhow::Result<ExitCode> {
    match split_target(target) {
        (c, Some(r)) => {
            let l = store.rename_request(c, r, new_name)?;
            report_moved(&l);
            outln!("renamed {c}/{r} to {c}/{new_name}");
        }
        (c, None) => {
            store.rename_collection(c, new_name)?;
            outln!("renamed collection `{c}` to `{new_name}`");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn delete(store: &CollectionStore, target: &str, yes: bool) -> anyhow::Result<ExitCode> {
    match split_target(target) {
        (c, Some(r)) => {
            let l = store.delete_request(c, r)?;
            report_moved(&l);
            outln!("deleted {c}/{r}");
        }
        (c, None) => {
            if !yes {
                let n = store.load(c)?.value.requests.len();
                anyhow::bail!(
                    "this deletes the collection `{c}` and its {n} requests: add --yes to confirm"
                );
            }
            store.delete_collection(c)?;
            outln!("deleted collection `{c}`");
        }
    }
    Ok(ExitCode::SUCCESS)
}
