//! Where a request goes: the URL field resolved against the profile's base URL, and the
//! exact string that will be on the wire (and therefore signed).

use crate::signing::wire_url;
use crate::store::collection::join_url;

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
        return Err(
            "type a path such as /company, or press ↓ in the URL field to pick an endpoint".into(),
        );
    }
    let typed = join_url(base_url, field);
    let wire = wire_url(&typed).map_err(|e| e.to_string())?;
    Ok(Target {
        typed,
        wire: wire.wire,
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
