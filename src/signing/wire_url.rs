//! The URL string that goes on the wire, which is the one to sign.
//!
//! reqwest parses every URL with the `url` crate (WHATWG rules) and sends what
//! `Url::as_str()` gives, minus the fragment, which never leaves the client. A URL typed
//! with a space, an uppercase host or `:443` is rewritten on the way, and a signature over
//! the typed string then fails with 1020. This module computes the wire form and says why
//! it differs, so callers sign the wire form and show the user the difference.

use std::fmt;

/// Schemes xsign can send: the API over HTTP(S) and its feeds over websockets.
pub const SCHEMES: [&str; 4] = ["https", "http", "wss", "ws"];

/// A typed URL and the string the HTTP library will actually send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireUrl {
    /// Exactly what the user typed.
    pub typed: String,
    /// What goes on the wire; sign this.
    pub wire: String,
    /// Why `wire` differs from `typed`; empty when they are equal.
    pub changes: Vec<UrlChange>,
    url: url::Url,
}

impl WireUrl {
    /// True when the library would send something other than what was typed.
    pub fn differs(&self) -> bool {
        self.typed != self.wire
    }

    /// Short human reasons, one per change.
    pub fn reasons(&self) -> Vec<&'static str> {
        self.changes.iter().map(UrlChange::reason).collect()
    }

    /// The parsed URL (fragment removed), for the HTTP client to send as is.
    pub fn url(&self) -> &url::Url {
        &self.url
    }
}

/// One way the URL parser rewrites a typed URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UrlChange {
    WhitespaceTrimmed,
    TabOrNewlineRemoved,
    SchemeLowercased,
    HostLowercased,
    HostPunycoded,
    HostNormalized,
    DefaultPortDropped,
    PortNormalized,
    EmptyPathBecameSlash,
    BackslashesBecameSlashes,
    DotSegmentsResolved,
    SpaceEncoded,
    PercentEncoded,
    FragmentDropped,
    Other,
}

impl UrlChange {
    pub fn reason(&self) -> &'static str {
        match self {
            UrlChange::WhitespaceTrimmed => "spaces or control characters around the URL removed",
            UrlChange::TabOrNewlineRemoved => "tabs or newlines inside the URL removed",
            UrlChange::SchemeLowercased => "scheme lowercased",
            UrlChange::HostLowercased => "host lowercased",
            UrlChange::HostPunycoded => "unicode host punycoded (xn--)",
            UrlChange::HostNormalized => "host rewritten (IP address notation or escapes)",
            UrlChange::DefaultPortDropped => "default port dropped",
            UrlChange::PortNormalized => "port rewritten (empty or leading zeros)",
            UrlChange::EmptyPathBecameSlash => "empty path became /",
            UrlChange::BackslashesBecameSlashes => "backslashes became /",
            UrlChange::DotSegmentsResolved => "/./ and /../ segments resolved",
            UrlChange::SpaceEncoded => "space encoded as %20",
            UrlChange::PercentEncoded => {
                "characters percent-encoded (non-ASCII, quotes, <>, `{}` or controls)"
            }
            UrlChange::FragmentDropped => "#fragment dropped: it is never sent to the server",
            UrlChange::Other => "normalized by the URL parser",
        }
    }
}

impl fmt::Display for UrlChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.reason())
    }
}

/// Why a typed URL cannot be sent at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error(
        "the URL is empty: type the full URL, such as https://api.qredo.network/api/v1/p/assets"
    )]
    Empty,
    #[error(
        "`{}` is not a full URL: the signature covers the whole URL, so start it with https:// and the host, \
         such as https://api.qredo.network/api/v1/p/assets",
        crate::visible::quoted(.0)
    )]
    Relative(String),
    #[error("`{}:` is not a scheme xsign can send (it takes https, http, wss, ws).{}",
        crate::visible::quoted(scheme),
        match example {
            Some(e) => format!(" Write the full URL, such as https://{}", crate::visible::quoted(e)),
            None => " Write an https:// URL to the API".to_string(),
        }
    )]
    BadScheme {
        scheme: String,
        /// The URL they meant, when the scheme was a host (`localhost:8001/x`).
        example: Option<String>,
    },
    #[error(
        "`{}` is not a valid URL ({detail}). Check the host and port",
        crate::visible::quoted(typed)
    )]
    Invalid { typed: String, detail: String },
}

/// Parses `typed` exactly as reqwest will and returns the wire string and the differences.
pub fn wire_url(typed: &str) -> Result<WireUrl, UrlError> {
    if typed.trim().is_empty() {
        return Err(UrlError::Empty);
    }
    let mut url = url::Url::parse(typed).map_err(|e| match e {
        url::ParseError::RelativeUrlWithoutBase => UrlError::Relative(typed.trim().to_string()),
        other => UrlError::Invalid {
            typed: typed.to_string(),
            detail: other.to_string(),
        },
    })?;
    if !SCHEMES.contains(&url.scheme()) {
        // "localhost:8001/x" parses with scheme "localhost": suggest the URL they meant.
        let scheme = url.scheme().to_string();
        let example = typed.trim().trim_start_matches("//").to_string();
        // `ftp://h/x` suggests https://h/x, and `localhost:8001/x` (a host read as a scheme)
        // its https:// form; `file:///etc/passwd` names no host, so no `https:///etc/passwd`.
        let rest = example.get(scheme.len()..).unwrap_or("");
        let example = match example.split_once("://") {
            Some((_, r)) => (!r.is_empty() && !r.starts_with('/')).then(|| r.to_string()),
            None => (rest.starts_with(':') && rest[1..].starts_with(|c: char| c.is_ascii_digit()))
                .then_some(example),
        };
        return Err(UrlError::BadScheme { scheme, example });
    }
    let typed_parts = TypedParts::split(typed);
    url.set_fragment(None);
    let wire = url.as_str().to_string();
    let mut changes = typed_parts.changes(&url);
    if changes.is_empty() && wire != typed {
        changes.push(UrlChange::Other);
    }
    Ok(WireUrl {
        typed: typed.to_string(),
        wire,
        changes,
        url,
    })
}

/// A rough split of the typed URL, enough to name what the parser changed.
struct TypedParts {
    trimmed_outside: bool,
    removed_inside: bool,
    scheme: String,
    host: String,
    port: Option<String>,
    path: String,
    query: Option<String>,
    fragment: bool,
}

impl TypedParts {
    fn split(typed: &str) -> Self {
        let trimmed = typed.trim_matches(|c: char| c <= ' ');
        let cleaned: String = trimmed
            .chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            .collect();
        let (scheme, rest) = cleaned.split_once(':').unwrap_or(("", &cleaned));
        let rest = rest.trim_start_matches(['/', '\\']);
        let auth_end = rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len());
        let (authority, after) = rest.split_at(auth_end);
        let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let (host, port) = split_host_port(hostport);
        let (before_fragment, fragment) = match after.split_once('#') {
            Some((b, _)) => (b, true),
            None => (after, false),
        };
        let (path, query) = match before_fragment.split_once('?') {
            Some((p, q)) => (p, Some(q.to_string())),
            None => (before_fragment, None),
        };
        TypedParts {
            trimmed_outside: trimmed.len() != typed.len(),
            removed_inside: cleaned.len() != trimmed.len(),
            scheme: scheme.to_string(),
            host: host.to_string(),
            port: port.map(str::to_string),
            path: path.to_string(),
            query,
            fragment,
        }
    }

    fn changes(&self, url: &url::Url) -> Vec<UrlChange> {
        let mut out = Vec::new();
        let mut add = |c: UrlChange, when: bool| {
            if when {
                out.push(c);
            }
        };
        add(UrlChange::WhitespaceTrimmed, self.trimmed_outside);
        add(UrlChange::TabOrNewlineRemoved, self.removed_inside);
        add(UrlChange::SchemeLowercased, self.scheme != url.scheme());

        let wire_host = url.host_str().unwrap_or("");
        if self.host != wire_host {
            let change = if !self.host.is_ascii() && wire_host.contains("xn--") {
                UrlChange::HostPunycoded
            } else if self.host.to_ascii_lowercase() == wire_host {
                UrlChange::HostLowercased
            } else {
                UrlChange::HostNormalized
            };
            out.push(change);
        }

        match (&self.port, url.port()) {
            (Some(p), None) if !p.is_empty() => out.push(UrlChange::DefaultPortDropped),
            (Some(p), None) if p.is_empty() => out.push(UrlChange::PortNormalized),
            (Some(p), Some(n)) if *p != n.to_string() => out.push(UrlChange::PortNormalized),
            _ => {}
        }

        let mut add = |c: UrlChange, when: bool| {
            if when && !out.contains(&c) {
                out.push(c);
            }
        };
        add(UrlChange::EmptyPathBecameSlash, self.path.is_empty());
        add(
            UrlChange::BackslashesBecameSlashes,
            self.path.contains('\\'),
        );
        add(
            UrlChange::DotSegmentsResolved,
            self.path.split(['/', '\\']).any(is_dot_segment),
        );
        let query = self.query.as_deref().unwrap_or("");
        add(
            UrlChange::SpaceEncoded,
            self.path.contains(' ') || query.contains(' '),
        );
        add(
            UrlChange::PercentEncoded,
            self.path.chars().any(path_char_encoded) || query.chars().any(query_char_encoded),
        );
        add(UrlChange::FragmentDropped, self.fragment);
        out
    }
}

fn split_host_port(hostport: &str) -> (&str, Option<&str>) {
    if hostport.starts_with('[') {
        return match hostport.find(']') {
            Some(end) => {
                let port = hostport[end + 1..].strip_prefix(':');
                (&hostport[..=end], port)
            }
            None => (hostport, None),
        };
    }
    match hostport.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (hostport, None),
    }
}

fn is_dot_segment(segment: &str) -> bool {
    matches!(
        segment.to_ascii_lowercase().as_str(),
        "." | ".." | "%2e" | ".%2e" | "%2e." | "%2e%2e"
    )
}

/// Characters the url crate percent-encodes in a path (a space is reported on its own).
fn path_char_encoded(c: char) -> bool {
    !c.is_ascii() || c.is_ascii_control() || matches!(c, '"' | '<' | '>' | '`' | '{' | '}')
}

/// Characters the url crate percent-encodes in the query of an http(s)/ws(s) URL.
fn query_char_encoded(c: char) -> bool {
    !c.is_ascii() || c.is_ascii_control() || matches!(c, '"' | '<' | '>' | '\'')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changes(typed: &str) -> (String, Vec<UrlChange>) {
        let w = wire_url(typed).unwrap();
        assert_eq!(w.differs(), w.typed != w.wire);
        assert_eq!(w.differs(), !w.changes.is_empty(), "{typed}: {w:?}");
        (w.wire, w.changes)
    }

    #[test]
    fn a_canonical_url_is_unchanged() {
        for typed in [
            "https://api.qredo.network/api/v1/p/company",
            "https://api.qredo.network/api/v1/p/company/search?query=ACME%20Corp",
            "wss://api.qredo.network/api/v1/p/coreclient/2BQpYqLdTX/feed",
            "http://localhost:8001/api/v1/p/assets",
            "http://127.0.0.1:8001/x?a=1&b=2",
            "http://[::1]:8001/x",
        ] {
            let w = wire_url(typed).unwrap();
            assert!(!w.differs(), "{typed} -> {}", w.wire);
            assert!(w.changes.is_empty());
            assert_eq!(w.url().as_str(), typed);
        }
    }

    #[test]
    fn space_is_encoded() {
        let (wire, c) =
            changes("https://api.qredo.network/api/v1/p/company/search?query=ACME Corp");
        assert_eq!(
            wire,
            "https://api.qredo.network/api/v1/p/company/search?query=ACME%20Corp"
        );
        assert_eq!(c, vec![UrlChange::SpaceEncoded]);
        let (wire, c) = changes("https://h/a b");
        assert_eq!(wire, "https://h/a%20b");
        assert_eq!(c, vec![UrlChange::SpaceEncoded]);
    }

    #[test]
    fn unicode_host_is_punycoded() {
        let (wire, c) = changes("https://bücher.example/api");
        assert_eq!(wire, "https://xn--bcher-kva.example/api");
        assert_eq!(c, vec![UrlChange::HostPunycoded]);
    }

    #[test]
    fn default_port_is_dropped() {
        let (wire, c) = changes("https://api.qredo.network:443/api/v1/p/assets");
        assert_eq!(wire, "https://api.qredo.network/api/v1/p/assets");
        assert_eq!(c, vec![UrlChange::DefaultPortDropped]);
        let (wire, c) = changes("ws://h:80/feed");
        assert_eq!(wire, "ws://h/feed");
        assert_eq!(c, vec![UrlChange::DefaultPortDropped]);
        let (wire, c) = changes("http://h:08001/x");
        assert_eq!(wire, "http://h:8001/x");
        assert_eq!(c, vec![UrlChange::PortNormalized]);
    }

    #[test]
    fn empty_path_becomes_slash() {
        let (wire, c) = changes("https://api.qredo.network");
        assert_eq!(wire, "https://api.qredo.network/");
        assert_eq!(c, vec![UrlChange::EmptyPathBecameSlash]);
        let (wire, c) = changes("https://h?x=1");
        assert_eq!(wire, "https://h/?x=1");
        assert_eq!(c, vec![UrlChange::EmptyPathBecameSlash]);
    }

    #[test]
    fn percent_encoding_changes() {
        let (wire, c) = changes("https://h/Zürich");
        assert_eq!(wire, "https://h/Z%C3%BCrich");
        assert_eq!(c, vec![UrlChange::PercentEncoded]);
        let (wire, c) = changes("https://h/a?q=\"x\"&n='y'");
        assert_eq!(wire, "https://h/a?q=%22x%22&n=%27y%27");
        assert_eq!(c, vec![UrlChange::PercentEncoded]);
        let (wire, c) = changes("https://h/{id}");
        assert_eq!(wire, "https://h/%7Bid%7D");
        assert_eq!(c, vec![UrlChange::PercentEncoded]);
    }

    #[test]
    fn scheme_and_host_are_lowercased() {
        let (wire, c) = changes("HTTPS://API.Qredo.Network/api/v1/p/assets");
        assert_eq!(wire, "https://api.qredo.network/api/v1/p/assets");
        assert_eq!(
            c,
            vec![UrlChange::SchemeLowercased, UrlChange::HostLowercased]
        );
    }

    #[test]
    fn whitespace_tabs_dots_backslashes_and_fragments() {
        let (wire, c) = changes("  https://h/a\n\tb ");
        assert_eq!(wire, "https://h/ab");
        assert_eq!(
            c,
            vec![UrlChange::WhitespaceTrimmed, UrlChange::TabOrNewlineRemoved]
        );
        let (wire, c) = changes("https://h/a/./b/../c");
        assert_eq!(wire, "https://h/a/c");
        assert_eq!(c, vec![UrlChange::DotSegmentsResolved]);
        let (wire, c) = changes("https://h\\a\\b");
        assert_eq!(wire, "https://h/a/b");
        assert_eq!(c, vec![UrlChange::BackslashesBecameSlashes]);
        let (wire, c) = changes("https://h/a?x=1#top");
        assert_eq!(wire, "https://h/a?x=1");
        assert_eq!(c, vec![UrlChange::FragmentDropped]);
        let (wire, c) = changes("http://0x7f.1:8001/x");
        assert_eq!(wire, "http://127.0.0.1:8001/x");
        assert_eq!(c, vec![UrlChange::HostNormalized]);
    }

    #[test]
    fn several_changes_are_all_named() {
        let w = wire_url("HTTPS://Bücher.example:443?q=a b").unwrap();
        assert_eq!(w.wire, "https://xn--bcher-kva.example/?q=a%20b");
        assert_eq!(
            w.changes,
            vec![
                UrlChange::SchemeLowercased,
                UrlChange::HostPunycoded,
                UrlChange::DefaultPortDropped,
                UrlChange::EmptyPathBecameSlash,
                UrlChange::SpaceEncoded,
            ]
        );
        assert!(w.reasons().contains(&"default port dropped"));
    }

    #[test]
    fn relative_urls_and_bad_schemes_are_refused_clearly() {
        assert_eq!(wire_url("  "), Err(UrlError::Empty));
        let e = wire_url("/company/search").unwrap_err();
        assert!(matches!(e, UrlError::Relative(_)));
        assert!(e.to_string().contains("start it with https://"));
        let e = wire_url("api.qredo.network/api/v1/p/assets").unwrap_err();
        assert!(matches!(e, UrlError::Relative(_)), "{e:?}");

        let e = wire_url("ftp://h/x").unwrap_err();
        assert!(matches!(&e, UrlError::BadScheme { scheme, .. } if scheme == "ftp"));
        assert!(e.to_string().contains("https://h/x"), "{e}");
        let e = wire_url("localhost:8001/api/v1/p/assets").unwrap_err();
        assert!(
            e.to_string()
                .contains("https://localhost:8001/api/v1/p/assets"),
            "{e}"
        );
        let e = wire_url("file:///etc/passwd").unwrap_err().to_string();
        assert!(!e.contains("https:///"), "{e}");
        assert!(e.contains("`file:` is not a scheme xsign can send"), "{e}");
        let long = format!("https://h:99999/{}", "a".repeat(100_000));
        let e = wire_url(&long).unwrap_err().to_string();
        assert!(
            e.len() < 400,
            "a 100 KB URL is not quoted whole: {} bytes",
            e.len()
        );
        let e = wire_url("https://h:99999/x").unwrap_err();
        assert!(matches!(e, UrlError::Invalid { .. }), "{e:?}");
        assert!(e.to_string().contains("port"), "{e}");
    }
}
