//! Where a request goes: the URL field resolved against the profile's base URL, and the
//! exact string that will be on the wire (and therefore signed).

use crate::signing::wire_url;
use crate::store::collection::{is_absolute, join_url};

/// The URL field after resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// What the user typed, made absolute.
    pub typed: String,
    /// The string the HTTP library sends, which is what gets signed.
    pub wire: String,
}

impl Target {
    /// Whether the HTTP library rewrites the URL (the user should know: it is what's signed).
    pub fn rewritten(&self) -> bool {
        self.typed != self.wire
    }
}

/// Resolves the URL field. Relative paths are appended to `base_url`; absolute URLs are
/// used as they are.
pub fn resolve(base_url: &str, field: &str) -> Result<Target, String> {
    if field.trim().is_empty() {
        // The example fits the API the base URL is of (/balance for the Qredo API v1).
        let example = url::Url::parse(base_url)
            .ok()
            .and_then(|u| crate::signing::Scheme::api_of_path(u.path()))
            .unwrap_or_default()
            .example_path();
        return Err(format!(
            "type a path such as {example}, or press ↓ in the URL field to pick an endpoint"
        ));
    }
    let typed = join_url(base_url, field);
    let wire = wire_url(&typed).map_err(|e| e.to_string())?;
    Ok(Target {
        typed,
        wire: wire.wire,
    })
}

/// The URL field as it goes on the wire, written the way the user wrote it: a path stays a
/// path under the base URL (no base, no port written in), an absolute URL stays absolute.
/// None when the field is not a URL, or when its wire form leaves the base URL (a `..`
/// that climbs out of it), so it cannot stay relative.
pub fn wire_field(base_url: &str, field: &str) -> Option<String> {
    let target = resolve(base_url, field).ok()?;
    if is_absolute(field) {
        return Some(target.wire);
    }
    let base = wire_url(&join_url(base_url, "/")).ok()?.wire;
    let rest = target.wire.strip_prefix(base.trim_end_matches('/'))?;
    if !rest.is_empty() && !rest.starts_with(['/', '?']) {
        return None;
    }
    // join_url puts one slash between base and path; keep the field's own choice.
    Some(if field.starts_with('/') || rest.starts_with('?') {
        rest.to_string()
    } else {
        rest.trim_start_matches('/').to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://api.qredo.network/api/v1/p";

    #[test]
    fn relative_paths_join_the_base() {
        let t = resolve(BASE, "/company").unwrap();
        assert_eq!(t.typed, "https://api.qredo.network/api/v1/p/company");
        assert!(!t.rewritten());
        assert_eq!(
            resolve(&format!("{BASE}/"), "company").unwrap().typed,
            t.typed
        );
    }

    #[test]
    fn absolute_urls_stay() {
        let t = resolve(BASE, "http://127.0.0.1:9/x?y=1").unwrap();
        assert_eq!(t.wire, "http://127.0.0.1:9/x?y=1");
    }

    #[test]
    fn rewrites_are_visible() {
        let t = resolve(BASE, "/company/search?query=ACME Corp").unwrap();
        assert!(t.rewritten());
        assert!(t.wire.ends_with("query=ACME%20Corp"), "{}", t.wire);
    }

    #[test]
    fn errors_say_what_to_do() {
        assert!(resolve(BASE, "").unwrap_err().contains("type a path"));
        assert!(resolve(BASE, "ftp://x/y").is_err());
    }
}
