//! Where a request goes: the URL field resolved against the profile's base URL, and the
//! exact string that will be on the wire (and therefore signed).

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
    let field = field.trim_matches(|c| c == ' ' || c == '\n');
    if field.is_empty() {
        return Err("type a path such as /company, or press ↓ to pick an endpoint".into());
    }
    let typed = if field.contains("://") {
        field.to_string()
    } else {
        let base = base_url.trim_end_matches('/');
        if field.starts_with('/') || field.starts_with('?') {
            format!("{base}{field}")
        } else {
            format!("{base}/{field}")
        }
    };
    let wire = wire_form(&typed)?;
    Ok(Target { typed, wire })
}

/// The URL as the HTTP client will serialize it: the `url` crate's parse, which reqwest
/// uses (percent-encoding spaces, lower-casing the host, dropping a default port, ...).
pub fn wire_form(url: &str) -> Result<String, String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("{url} is not a valid URL: {e}"))?;
    match parsed.scheme() {
        "http" | "https" | "ws" | "wss" => Ok(parsed.to_string()),
        other => Err(format!(
            "{url}: the scheme {other}:// is not supported; use https:// (or http:// for a local mock)"
        )),
    }
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
        let t = resolve("HTTPS://API.example.com:443/p", "/a").unwrap();
        assert_eq!(t.wire, "https://api.example.com/p/a");
    }

    #[test]
    fn errors_say_what_to_do() {
        assert!(resolve(BASE, "").unwrap_err().contains("type a path"));
        assert!(resolve(BASE, "ftp://x/y").unwrap_err().contains("https://"));
    }
}
