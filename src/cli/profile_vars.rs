//! `xsign profile set-var P NAME VALUE` / `unset-var P NAME`: a profile's variables for
//! `{{NAME}}` in scenarios (below their `[vars]`, above `--var`), saved requests
//! (`replay`, `collection export`) and the workbench.

use crate::store::{ConfigStore, StoreError};
use std::process::ExitCode;

fn not_found(name: &str) -> StoreError {
    StoreError::NotFound {
        what: "profile",
        name: name.to_string(),
        hint: format!(
            "`xsign profile list` shows the profiles; add it with `xsign profile add {name} --base-url URL`"
        ),
    }
}

/// Sets `var` to `value` in profile `name` (a built-in is saved as your own version).
pub fn set(store: &ConfigStore, name: &str, var: &str, value: &str) -> anyhow::Result<ExitCode> {
    if !crate::scenario::valid_name(var) || var.starts_with("env.") {
        anyhow::bail!(
            "{var:?} cannot be written as {{{{{var}}}}}: use letters, digits, _ . or - (env.NAME is the environment's)"
        );
    }
    let loaded = store.update(|config| {
        let mut p = config.profile(name).ok_or_else(|| not_found(name))?;
        p.vars.insert(var.to_string(), value.to_string());
        config.upsert_profile(p);
        Ok(())
    })?;
    super::profile::report_moved(&loaded);
    outln!("profile `{name}`: {{{{{var}}}}} = {value}");
    Ok(ExitCode::SUCCESS)
}

/// Removes `var` from profile `name`.
pub fn unset(store: &ConfigStore, name: &str, var: &str) -> anyhow::Result<ExitCode> {
    let loaded = store.update(|config| {
        let mut p = config.profile(name).ok_or_else(|| not_found(name))?;
        if p.vars.remove(var).is_none() {
            return Err(StoreError::NotFound {
                what: "variable",
                name: var.to_string(),
                hint: format!("`xsign profile show {name}` lists its variables"),
            });
        }
        config.upsert_profile(p);
        Ok(())
    })?;
    super::profile::report_moved(&loaded);
    outln!("profile `{name}`: {{{{{var}}}}} removed");
    Ok(ExitCode::SUCCESS)
}
