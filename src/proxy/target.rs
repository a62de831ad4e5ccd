//! Where a proxied request goes and which of its headers travel on: pure, so each rule is
//! tested on its own.

use axum::http::HeaderMap;

/// Hop-by-hop headers (RFC 9110 §7.6.1) and the ones the HTTP library sets from the bytes
/// it sends: never forwarded either way.
const HOP_BY_HOP: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// The headers the proxy computes: any the client sent are replaced.
pub const AUTH_HEADERS: [&str; 4] = ["x-api-key", "x-sign", "x-timestamp", "x-nonce"];

/// The upstream URL of a request to the proxy: `path_and_query` under the base URL, unless
/// it already starts with the base URL's path (`/api/v1/p/assets`), which is not doubled.
pub fn upstream_url(base_url: &str, path_and_query: &str) -> String {
    let base = base_url.trim_end_matches('/');
    let pq = if path_and_query.starts_with('/') {
        path_and_query.to_string()
    } else {
        format!("/{path_and_query}")
    };
    let base_path = url::Url::parse(base)
        .map(|u| u.path().trim_end_matches('/').to_string())
        .unwrap_or_default();
    if !base_path.is_empty()
        && let Some(rest) = pq.strip_prefix(&base_path)
        && (rest.is_empty() || rest.starts_with(['/', '?']))
        && let Some(origin) = base.strip_suffix(&base_path)
    {
        return format!("{origin}{pq}");
    }
    if pq == "/" {
        return base.to_string();
    }
    format!("{base}{pq}")
}

/// The client's headers sorted out for the upstream request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientHeaders {
    /// Forwarded as they came, names lower-case, repeated ones joined with `, `.
    pub forward: Vec<(String, String)>,
    /// Auth headers the client sent, which the proxy replaces with its own.
    pub replaced: Vec<String>,
    /// Headers left out because their value is not text (bytes past ASCII).
    pub dropped: Vec<String>,
}

/// Sorts the client's headers: hop-by-hop ones (and those the `Connection` header names),
/// `host` and `content-length` are left to the HTTP library; auth headers are replaced.
pub fn client_headers(headers: &HeaderMap) -> ClientHeaders {
    let named_by_connection: Vec<String> = headers
        .get_all("connection")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|n| n.trim().to_ascii_lowercase())
        .filter(|n| !n.is_empty())
        .collect();
    let mut out = ClientHeaders::default();
    for name in headers.keys() {
        let n = name.as_str();
        if HOP_BY_HOP.contains(&n)
            || matches!(n, "host" | "content-length")
            || named_by_connection.iter().any(|c| c == n)
        {
            continue;
        }
        // Every scheme's auth headers, so a client's own qredo-api-* never reach upstream.
        if crate::signing::Scheme::reserved_headers().contains(&n) {
            out.replaced.push(n.to_string());
            continue;
        }
        let values: Result<Vec<&str>, _> =
            headers.get_all(name).iter().map(|v| v.to_str()).collect();
        match values {
            Ok(v) => out.forward.push((n.to_string(), v.join(", "))),
            Err(_) => out.dropped.push(n.to_string()),
        }
    }
    out
}

/// Whether a response header goes back to the client: all but the hop-by-hop ones.
pub fn passes_back(name: &str) -> bool {
    !HOP_BY_HOP.contains(&name)
}

/// A line of text as an HTTP header value: printable ASCII, the usual typographic
/// characters spelled in ASCII and anything else as `?`, at most `max` bytes.
pub fn header_text(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max));
    for c in s.chars() {
        let piece: &str = match c {
            '\u{2018}' | '\u{2019}' => "'",
            '\u{201c}' | '\u{201d}' => "\"",
            '\u{2013}' | '\u{2014}' => "-",
            '\u{2026}' => "...",
            '\u{2192}' => "->",
            ' '..='~' => {
                if out.len() < max {
                    out.push(c);
                }
                continue;
            }
            _ => "?",
        };
        if out.len() + piece.len() > max {
            break;
        }
        out.push_str(piece);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "http://127.0.0.1:8001/api/v1/p";

    #[test]
    fn a_path_goes_under_the_base_url_once() {
        assert_eq!(
            upstream_url(BASE, "/assets"),
            "http://127.0.0.1:8001/api/v1/p/assets"
        );
        assert_eq!(
            upstream_url(BASE, "/company/search?query=a%20b"),
            "http://127.0.0.1:8001/api/v1/p/company/search?query=a%20b"
        );
        assert_eq!(
            upstream_url(BASE, "/api/v1/p/assets"),
            "http://127.0.0.1:8001/api/v1/p/assets"
        );
        assert_eq!(
            upstream_url(&format!("{BASE}/"), "/api/v1/p?x=1"),
            "http://127.0.0.1:8001/api/v1/p?x=1"
        );
        // Only a whole segment counts as the base path.
        assert_eq!(
            upstream_url(BASE, "/api/v1/pets"),
            "http://127.0.0.1:8001/api/v1/p/api/v1/pets"
        );
        assert_eq!(upstream_url(BASE, "/"), BASE);
        assert_eq!(
            upstream_url("https://h.example", "/x"),
            "https://h.example/x"
        );
    }

    #[test]
    fn auth_and_hop_by_hop_headers_do_not_pass() {
        let mut h = HeaderMap::new();
        h.insert("host", "127.0.0.1:8899".parse().unwrap());
        h.insert("content-length", "3".parse().unwrap());
        h.insert("connection", "keep-alive, x-drop-me".parse().unwrap());
        h.insert("x-drop-me", "1".parse().unwrap());
        h.insert("x-sign", "forged".parse().unwrap());
        h.insert("X-Api-Key", "theirs".parse().unwrap());
        h.insert("content-type", "application/json".parse().unwrap());
        h.append("accept", "a/b".parse().unwrap());
        h.append("accept", "c/d".parse().unwrap());
        h.insert(
            "x-latin",
            axum::http::HeaderValue::from_bytes(b"caf\xe9").unwrap(),
        );
        let c = client_headers(&h);
        assert_eq!(
            c.forward,
            vec![
                ("content-type".to_string(), "application/json".to_string()),
                ("accept".to_string(), "a/b, c/d".to_string()),
            ]
        );
        assert_eq!(c.replaced, ["x-sign", "x-api-key"]);
        assert_eq!(c.dropped, ["x-latin"]);
        assert!(!passes_back("transfer-encoding") && passes_back("content-type"));
    }

    #[test]
    fn header_text_is_ascii_and_bounded() {
        assert_eq!(
            header_text("cause found: the body’s “tab” → spaces…", 200),
            "cause found: the body's \"tab\" -> spaces..."
        );
        assert_eq!(header_text("é\nx", 10), "??x");
        assert_eq!(header_text("abcdef", 4), "abcd");
    }
}
