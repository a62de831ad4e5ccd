//! `xsign profile list` and `show`: the profiles, as text or `--json`.

use super::*;
use crate::store::config::{ProfileOrigin, resolve_profile};

pub(super) fn list(store: &ConfigStore, ctx: &Context, json: bool) -> anyhow::Result<ExitCode> {
    let loaded = store.load()?;
    report_moved(&loaded);
    let config = loaded.value;
    let chosen = chosen_name(&config, ctx);
    let selected = config.selected_name(ctx.profile.as_deref());
    if json {
        for (p, origin) in config.profiles() {
            crate::cli::json::print(&profile_json(&config, &p, origin, &selected));
        }
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "  {:<14} {:<46} {:<9} {:<7} API KEY",
        "PROFILE",
        "BASE URL",
        "AUTH",
        "SIGNING"
    );
    for (p, origin) in config.profiles() {
        let mark = if p.name == selected { "*" } else { " " };
        let origin = match origin {
            ProfileOrigin::Builtin => " (built-in)",
            ProfileOrigin::Overridden => " (built-in, edited)",
            ProfileOrigin::User => "",
        };
        outln!(
            "{mark} {:<14} {:<46} {:<9} {:<7} {}{origin}",
            p.name,
            p.base_url,
            mode_name(p.auth_mode),
            if p.signing { "on" } else { "off" },
            p.api_key
        );
    }
    if chosen.is_none() {
        outln!();
        outln!("{NONE_CHOSEN}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Printed when no profile is chosen anywhere: then not every command uses the same one.
const NONE_CHOSEN: &str = "No profile chosen: the workbench, collections and replay use production (*); \
sign, send, listen and verify keep the reference client's defaults (private.pem and apikey in the \
current directory, base URL http://localhost:8001/api/v1/p, `xsign mock`). Choose one for all with \
--profile NAME or XSIGN_PROFILE, or `xsign profile edit NAME --default`.";

/// The profile chosen with `--profile` / `XSIGN_PROFILE` or as the config's default; `None`
/// when neither is set (see `credentials::Unchosen`).
fn chosen_name(config: &crate::store::Config, ctx: &Context) -> Option<String> {
    ctx.profile
        .clone()
        .or_else(|| config.default_profile.clone())
}

fn mode_name(m: AuthMode) -> &'static str {
    match m {
        AuthMode::Timestamp => "timestamp",
        AuthMode::Nonce => "nonce",
    }
}

/// A profile for `--json`: its settings with the API key source masked as on screen, secret
/// headers masked, and whether it is ready to sign and send.
fn profile_json(
    config: &Config,
    p: &Profile,
    origin: ProfileOrigin,
    selected: &str,
) -> serde_json::Value {
    let headers: serde_json::Map<String, serde_json::Value> =
        crate::secret::mask_headers(&p.headers)
            .into_iter()
            .map(|(k, v)| (k, serde_json::Value::String(v)))
            .collect();
    let (ready, problem) = match resolve_profile(p) {
        Ok(_) => (true, None),
        Err(e) => (false, Some(e.to_string())),
    };
    serde_json::json!({
        "profile": p.name,
        "base_url": p.base_url,
        "scheme": p.scheme.as_str(),
        "workspace": p.workspace,
        "auth": { "mode": mode_name(p.auth_mode) },
        "signing": p.signing,
        "api_key": p.api_key.to_string(),
        "key": { "path": p.key_path },
        "secret_path": p.secret_path,
        "headers": headers,
        "timeout_secs": p.timeout_secs,
        "http": {
            "cacert": p.http.cacert,
            "insecure": p.http.insecure,
            "proxy": p.http.proxy.as_deref().map(crate::store::http_settings::masked_proxy),
            "client_cert": p.http.client_cert,
            "client_key": p.http.client_key,
            "http_version": p.http.http_version.name(),
        },
        "origin": match origin {
            ProfileOrigin::Builtin => "built-in",
            ProfileOrigin::Overridden => "built-in, edited",
            ProfileOrigin::User => "user",
        },
        "default": config.default_profile.as_deref() == Some(p.name.as_str()),
        "selected": p.name == selected,
        "ready": ready,
        "problem": problem,
    })
}

pub(super) fn show(
    store: &ConfigStore,
    ctx: &Context,
    name: Option<String>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let loaded = store.load()?;
    report_moved(&loaded);
    let config = loaded.value;
    let chosen = name.is_some() || chosen_name(&config, ctx).is_some();
    let name = name.unwrap_or_else(|| config.selected_name(ctx.profile.as_deref()));
    let Some(p) = config.profile(&name) else {
        // Resolve gives the error that lists the known profiles.
        return Err(config.resolve(Some(&name)).err().map_or_else(
            || anyhow::anyhow!("no profile named `{name}`"),
            anyhow::Error::from,
        ));
    };
    if json {
        let selected = config.selected_name(ctx.profile.as_deref());
        let origin = config
            .profiles()
            .into_iter()
            .find(|(q, _)| q.name == p.name)
            .map_or(ProfileOrigin::User, |(_, o)| o);
        crate::cli::json::print(&profile_json(&config, &p, origin, &selected));
        return Ok(ExitCode::SUCCESS);
    }
    outln!("name:      {}", p.name);
    outln!("base URL:  {}", p.base_url);
    outln!("API key:   {}", p.api_key);
    outln!("key:       {}", p.key_path.display());
    outln!("auth:      x-{}", mode_name(p.auth_mode));
    outln!("signing:   {}", if p.signing { "on" } else { "off" });
    outln!("timeout:   {}s", p.timeout_secs);
    if p.scheme != crate::signing::Scheme::PartnerRsa {
        outln!("scheme:    {}", p.scheme);
        outln!("secret:    {}", p.secret_file().display());
    }
    if let Some(w) = &p.workspace {
        outln!("workspace: {w}");
    }
    // Masked as in --json, history and -v: a terminal is often shared or recorded.
    for (k, v) in crate::secret::mask_headers(&p.headers) {
        outln!("header:    {k}: {}", crate::visible::visible(&v));
    }
    for (what, value) in p.http.describe() {
        outln!("{:<10} {value}", format!("{what}:"));
    }
    for (k, v) in &p.vars {
        outln!("var:       {{{{{k}}}}} = {v}");
    }
    if config.default_profile.as_deref() == Some(p.name.as_str()) {
        outln!("default:   yes");
    }
    outln!("status:    {}", status(&p));
    if !chosen {
        outln!();
        outln!("{NONE_CHOSEN}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether the profile can sign and send now, or what is missing and how to fix it.
pub(super) fn status(p: &Profile) -> String {
    match resolve_profile(p) {
        Ok(r) => format!("ready (API key {}, {})", r.api_key_masked, r.api_key_id),
        Err(e) => format!("not ready: {e}"),
    }
}
