//! `xsign collection export` (a collection file, or curl commands signed with the selected
//! profile) and `import` (a collection file).

use super::{Format, report_moved_list};
use crate::cli::Context;
use crate::cli::common::select_profile_or;
use crate::cli::profile::report_moved;
use crate::credentials::{ProfileFlags, Unchosen};
use crate::curl::{CurlBody, to_curl};
use crate::store::collection::{split_target, validate_collection_name};
use crate::store::{Collection, CollectionStore, Loaded, Request, StoreError};
use anyhow::Context as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Clone, Copy)]
pub(super) struct ExportOpts {
    pub(super) show_secrets: bool,
    pub(super) unsigned: bool,
}

pub(super) fn export(
    store: &CollectionStore,
    ctx: &Context,
    target: &str,
    format: Option<Format>,
    opts: ExportOpts,
    output: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let (c, r) = split_target(target);
    let loaded = store.load(c)?;
    report_moved(&loaded);
    let collection = loaded.value;
    let requests: Vec<&Request> = match r {
        Some(name) => vec![collection.get(name).ok_or_else(|| StoreError::NotFound {
            what: "request",
            name: target.to_string(),
            hint: format!("`xsign collection show {c}` lists its requests"),
        })?],
        None => collection.requests.iter().collect(),
    };
    let format = format.unwrap_or(if r.is_some() {
        Format::Curl
    } else {
        Format::Json
    });
    let bytes = match format {
        Format::Json => {
            let only = Collection {
                name: collection.name.clone(),
                requests: requests.into_iter().cloned().collect(),
            };
            only.to_file_bytes()?
        }
        Format::Curl => {
            let mut text = String::new();
            for req in requests {
                text.push_str(&curl_for(ctx, req, opts)?);
                text.push_str("\n\n");
            }
            text.truncate(text.trim_end().len());
            text.push('\n');
            text.into_bytes()
        }
    };
    match output {
        Some(path) => {
            crate::atomic_file::write_atomic(&path, &bytes, 0o600)
                .with_context(|| format!("cannot write {}", path.display()))?;
            errln!("wrote {}", path.display());
        }
        None => std::io::stdout().write_all(&bytes)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The curl command for one request with the selected profile (or the reference client's
/// defaults): its URL as it goes on the wire, headers, a fresh signature over that URL when
/// it signs, and the API key as a placeholder unless `--show-secrets`.
pub(super) fn curl_for(ctx: &Context, req: &Request, opts: ExportOpts) -> anyhow::Result<String> {
    // The command carries the rendered bytes (`{{uuid}}`, …), as replay sends them: its
    // signature covers exactly those.
    let selected = select_profile_or(ctx, &ProfileFlags::default(), Unchosen::DefaultProfile)?;
    let profile_vars = selected.vars();
    let rendered = req.rendered(
        &crate::scenario::Vars::new(vec![&profile_vars]),
        &mut crate::scenario::SystemBuiltins,
        &req.name,
    )?;
    let req = &rendered;
    let typed = req.full_url(&selected.base_url()?);
    // Signed and exported in the form the HTTP client sends, as `xsign sign --curl` does.
    let wire = crate::signing::wire_url(&typed)
        .with_context(|| format!("request `{}` cannot be exported", req.name))?;
    if wire.differs() {
        errln!(
            "note: {}: the URL goes on the wire as {} ({}); the command sends that form",
            req.name,
            wire.wire,
            wire.reasons().join(", ")
        );
    }
    let url = wire.wire.as_str();
    let mut headers: Vec<(String, String)> = selected.headers();
    headers.extend(req.headers.iter().cloned());
    if !opts.show_secrets {
        // The profile's `Authorization` and the like are redacted as the API key is.
        for (k, v) in &mut headers {
            if crate::secret::is_secret_header(k) {
                *v = "REDACTED".into();
            }
        }
    }
    match selected.resolve() {
        Ok(resolved) => {
            let key = if opts.show_secrets {
                resolved.api_key.clone()
            } else {
                "REDACTED".to_string()
            };
            let path =
                url::Url::parse(url).map_or_else(|_| url.to_string(), |u| u.path().to_string());
            let v2_call = resolved.scheme == crate::signing::Scheme::QredoV2
                && !crate::signing::is_v2_token_path(&path);
            if v2_call {
                // A v2 call carries the token, not the API key or a signature.
                let now = crate::signing::now_unix();
                let cached = crate::store::token::TokenCache::open_default()
                    .load(&resolved.name, &resolved.api_key)
                    .filter(|t| t.usable_at(now));
                let state = crate::store::token::TokenState::of(
                    cached.as_ref().map(crate::store::token::CachedToken::times),
                    now,
                );
                let token = match (&cached, opts.show_secrets) {
                    (Some(t), true) => t.token.clone(),
                    _ => "REDACTED".to_string(),
                };
                headers.push((crate::signing::TOKEN_HEADER.into(), token));
                errln!(
                    "note: a qredo-v2 call carries x-token; the cached one: {} (`xsign send` fetches one; --show-secrets includes it)",
                    state.text()
                );
            } else {
                headers.push((resolved.scheme.api_key_header().into(), key));
            }
            if resolved.signing && !opts.unsigned && !v2_call {
                let now = crate::signing::AuthValue::Timestamp(crate::signing::now_unix());
                let signed = match crate::cli::common::hmac_signer(&resolved)? {
                    Some(hmac) => hmac.sign(&req.method, url, &req.body, now),
                    None => crate::cli::replay::sign_for(&resolved, &req.method, url, &req.body)?,
                };
                for (k, v) in signed.headers() {
                    headers.push((k.to_string(), v));
                }
                errln!(
                    "note: signed now with {}; a timestamp is only accepted for a short while",
                    signed.value.mode_name()
                );
            }
            if !opts.show_secrets {
                errln!("note: the API key is REDACTED; add --show-secrets to include it");
            }
        }
        Err(e) => {
            headers.push((selected.scheme().api_key_header().into(), "REDACTED".into()));
            errln!("note: exported without a signature: {e:#}");
        }
    }
    Ok(to_curl(
        &req.method,
        url,
        &headers,
        CurlBody::Inline(&req.body),
    ))
}

pub(super) fn import(
    store: &CollectionStore,
    file: &std::path::Path,
    name: Option<String>,
) -> anyhow::Result<ExitCode> {
    let bytes = crate::input_file::read(file, crate::input_file::COLLECTION)?;
    let incoming = Collection::from_file_bytes(&bytes).map_err(|e| {
        anyhow::anyhow!(
            "{} is not an xsign collection file ({e}). For curl commands use `xsign import curl`, for the reference client's folders `xsign import folder`",
            file.display()
        )
    })?;
    let target = name.unwrap_or(incoming.name.clone());
    validate_collection_name(&target)?;
    let Loaded {
        value: replaced,
        moved_aside,
        ..
    } = store.modify(&target, true, |c| Ok(c.upsert_all(&incoming.requests)))?;
    report_moved_list(&moved_aside);
    outln!(
        "imported {} requests into `{target}`",
        incoming.requests.len()
    );
    if !replaced.is_empty() {
        outln!("replaced: {}", replaced.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}
