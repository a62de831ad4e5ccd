//! Joining a saved request's URL to a base URL, and telling an absolute URL from a path.

/// `base` + `url` with exactly one `/` between them; an absolute `url` is returned as is.
pub fn join_url(base: &str, url: &str) -> String {
    if is_absolute(url) {
        return url.to_string();
    }
    let base = base.trim_end_matches('/');
    if url.is_empty() {
        base.to_string()
    } else if url.starts_with('?') {
        format!("{base}{url}")
    } else {
        format!("{base}/{}", url.trim_start_matches('/'))
    }
}

/// The inverse of [`join_url`]: a URL under `base` (followed by `/`, `?` or nothing) as the
/// part after it, any other URL as it is. What a request opened from history or saved from
/// the workbench keeps, so it follows the profile (the demo's port changes between runs).
pub fn relative_to(base: &str, url: &str) -> String {
    let base = base.trim_end_matches('/');
    match url.strip_prefix(base) {
        Some(rest) if rest.starts_with('/') || rest.starts_with('?') => rest.to_string(),
        Some("") => "/".to_string(),
        _ => url.to_string(),
    }
}

/// Any `scheme://` counts, so an unsupported scheme (`ftp://`) is refused by `wire_url`
/// instead of being glued onto the base URL.
pub fn is_absolute(url: &str) -> bool {
    url.find("://").is_some_and(|i| {
        let scheme = &url[..i];
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_join_with_one_slash() {
        let base = "https://api.qredo.network/api/v1/p";
        assert_eq!(join_url(base, "/assets"), format!("{base}/assets"));
        assert_eq!(
            join_url(&format!("{base}/"), "assets"),
            format!("{base}/assets")
        );
        assert_eq!(join_url(base, "https://x.test/a?b"), "https://x.test/a?b");
        assert_eq!(join_url(base, "?q=1"), format!("{base}?q=1"));
    }

    #[test]
    fn relative_to_undoes_join_under_the_base_only() {
        let base = "http://127.0.0.1:8001/api/v1/p";
        for rel in ["/assets", "/company/search?query=A", "?q=1"] {
            assert_eq!(relative_to(base, &join_url(base, rel)), rel);
        }
        assert_eq!(relative_to(&format!("{base}/"), &format!("{base}/x")), "/x");
        assert_eq!(relative_to(base, base), "/");
        // Not under it: a longer path segment, another port, another host.
        for other in [
            "http://127.0.0.1:8001/api/v1/pp/x",
            "http://127.0.0.1:8002/api/v1/p/x",
            "https://x.test/api/v1/p/x",
            "/already",
        ] {
            assert_eq!(relative_to(base, other), other);
        }
    }
}
