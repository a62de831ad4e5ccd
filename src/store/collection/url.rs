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
}
