//! `xsign collection list` and `show`: what the collections hold.

use crate::cli::profile::report_moved;
use crate::store::CollectionStore;
use crate::store::collection::split_target;
use std::io::Write;
use std::process::ExitCode;

pub(super) fn list(store: &CollectionStore, json: bool) -> anyhow::Result<ExitCode> {
    let loaded = store.load_all()?;
    report_moved(&loaded);
    if json {
        for c in &loaded.value {
            crate::cli::json::print(&serde_json::json!({
                "collection": c.name,
                "requests": c.requests.len(),
            }));
        }
        return Ok(ExitCode::SUCCESS);
    }
    if loaded.value.is_empty() {
        outln!(
            "no collections yet in {}: save one with `xsign collection add COLLECTION/REQUEST --url /assets` or `xsign import curl`",
            store.dir().display()
        );
    }
    for c in &loaded.value {
        let n = c.requests.len();
        // Where it lives matters once a project's collections sit beside the user's.
        let whose = match store.origin_of(&c.name) {
            Some(crate::store::collection::Origin::Project) => "  (project)",
            _ => "",
        };
        outln!(
            "{:<30} {n} request{}{whose}",
            c.name,
            if n == 1 { "" } else { "s" }
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn show(
    store: &CollectionStore,
    target: &str,
    body_only: bool,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let (c, r) = split_target(target);
    let loaded = store.load(c)?;
    report_moved(&loaded);
    let collection = loaded.value;
    // The saved form (`crate::store::body`: a string, or base64 when not UTF-8), so the
    // bytes come out exactly as they are signed.
    if json {
        let v = match r {
            None => serde_json::json!({
                "collection": collection.name,
                "requests": collection.requests,
            }),
            Some(name) => {
                let mut v = serde_json::to_value(store.load_request(c, name)?)?;
                v["collection"] = serde_json::json!(collection.name);
                v
            }
        };
        crate::cli::json::print(&v);
        return Ok(ExitCode::SUCCESS);
    }
    match r {
        None => {
            if body_only {
                anyhow::bail!("--body needs COLLECTION/REQUEST");
            }
            outln!("{:<28} {:<7} {:<40} BODY", "REQUEST", "METHOD", "URL");
            for r in &collection.requests {
                outln!(
                    "{:<28} {:<7} {:<40} {} bytes",
                    r.name,
                    r.method,
                    r.url,
                    r.body.len()
                );
            }
        }
        Some(name) => {
            let req = store.load_request(c, name)?;
            if body_only {
                std::io::stdout().write_all(&req.body)?;
                return Ok(ExitCode::SUCCESS);
            }
            outln!("name:    {}", req.name);
            outln!("method:  {}", req.method);
            outln!("url:     {}", req.url);
            for (k, v) in &req.headers {
                outln!("header:  {k}: {v}");
            }
            if !req.notes.is_empty() {
                outln!("notes:   {}", req.notes);
            }
            outln!("body:    {} bytes (exact bytes: --body)", req.body.len());
            if !req.body.is_empty() {
                outln!("{}", crate::store::export::visible_bytes(&req.body));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
