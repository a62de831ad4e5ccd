//! How a sent URL differs from the signed one, part by part. Raw strings are compared,
//! never parsed-and-normalized forms: the server rebuilds the URL from the bytes it got.

use super::url_encoding;

/// The API's path prefix.
pub const API_PREFIX: &str = crate::signing::Scheme::PartnerRsa.api_prefix();

/// One way the two URLs differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlDifference {
    /// `http` against `https` (or a case difference).
    Scheme {
        signed: String,
        sent: String,
    },
    Host {
        signed: String,
        sent: String,
    },
    /// An explicit port on one side (`:443`, `:8001`), or another port.
    Port {
        signed: Option<String>,
        sent: Option<String>,
    },
    /// Only a trailing `/` tells the paths apart.
    TrailingSlash {
        sent_has: bool,
    },
    /// `/api/v1/p` present on one side only.
    ApiPrefix {
        missing_on_sent: bool,
    },
    /// The same path, percent-encoded differently.
    PathEncoding {
        signed: String,
        sent: String,
    },
    Path {
        signed: String,
        sent: String,
    },
    /// The same query, encoded differently (`%20` against `+` or a raw space, case of hex).
    QueryEncoding {
        signed: String,
        sent: String,
    },
    /// The same parameters in another order.
    QueryReordered {
        signed: String,
        sent: String,
    },
    Query {
        signed: Option<String>,
        sent: Option<String>,
    },
    /// A `#fragment` never goes on the wire.
    Fragment {
        signed: Option<String>,
    },
    /// User info (`user:pass@`) goes in an Authorization header, not the URL.
    UserInfo,
}

impl UrlDifference {
    pub fn describe(&self) -> String {
        match self {
            UrlDifference::Scheme { signed, sent } => {
                format!("scheme: signed {signed}://, sent {sent}://")
            }
            UrlDifference::Host { signed, sent } => format!("host: signed {signed}, sent {sent}"),
            UrlDifference::Port { signed, sent } => format!(
                "port: signed {}, sent {}",
                port_text(signed.as_deref()),
                port_text(sent.as_deref())
            ),
            UrlDifference::TrailingSlash { sent_has: true } => {
                "trailing slash: the sent path ends with '/', the signed one does not".into()
            }
            UrlDifference::TrailingSlash { sent_has: false } => {
                "trailing slash: the signed path ends with '/', the sent one does not".into()
            }
            UrlDifference::ApiPrefix {
                missing_on_sent: true,
            } => format!("path: the sent URL lacks {API_PREFIX}"),
            UrlDifference::ApiPrefix {
                missing_on_sent: false,
            } => format!("path: the signed URL lacks {API_PREFIX}"),
            UrlDifference::PathEncoding { signed, sent } => with_changes(
                format!(
                    "path encoding: signed {signed}, sent {sent} (same path, other percent-encoding)"
                ),
                url_encoding::changes(signed, sent, false),
            ),
            UrlDifference::Path { signed, sent } => format!("path: signed {signed}, sent {sent}"),
            UrlDifference::QueryEncoding { signed, sent } => with_changes(
                format!(
                    "query encoding: signed ?{signed}, sent ?{sent} (same query, encoded differently)"
                ),
                url_encoding::changes(signed, sent, true),
            ),
            UrlDifference::QueryReordered { signed, sent } => format!(
                "query order: signed ?{signed}, sent ?{sent} (the same parameters in another order; the signature covers the order)"
            ),
            UrlDifference::Query { signed, sent } => format!(
                "query: signed {}, sent {}",
                query_text(signed.as_deref()),
                query_text(sent.as_deref())
            ),
            UrlDifference::Fragment { signed } => format!(
                "fragment: the signed URL has #{}, which is never sent",
                signed.as_deref().unwrap_or_default()
            ),
            UrlDifference::UserInfo => {
                "user info: 'user:password@' is not part of the URL on the wire".into()
            }
        }
    }
}

/// A difference's line, then each rewritten escape on its own.
fn with_changes(line: String, changes: Vec<String>) -> String {
    if changes.is_empty() {
        return line;
    }
    format!("{line}: {}", changes.join("; "))
}

fn port_text(p: Option<&str>) -> String {
    p.map_or("no port (the scheme's default)".into(), |p| format!(":{p}"))
}

fn query_text(q: Option<&str>) -> String {
    q.map_or("no query".into(), |q| format!("?{q}"))
}

/// A URL cut into its raw parts, with no decoding or normalizing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawUrl<'a> {
    pub scheme: &'a str,
    pub userinfo: Option<&'a str>,
    pub host: &'a str,
    pub port: Option<&'a str>,
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub fragment: Option<&'a str>,
}

impl<'a> RawUrl<'a> {
    pub fn split(url: &'a str) -> Option<Self> {
        let (scheme, rest) = url.split_once("://")?;
        let (rest, fragment) = match rest.split_once('#') {
            Some((r, f)) => (r, Some(f)),
            None => (rest, None),
        };
        let (rest, query) = match rest.split_once('?') {
            Some((r, q)) => (r, Some(q)),
            None => (rest, None),
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        // An IPv6 literal keeps its colons inside brackets.
        let (host, port) = match hostport.rfind(':') {
            Some(i) if !hostport[i..].contains(']') => (&hostport[..i], Some(&hostport[i + 1..])),
            _ => (hostport, None),
        };
        Some(RawUrl {
            scheme,
            userinfo,
            host,
            port,
            path,
            query,
            fragment,
        })
    }
}

/// Every difference between the signed and the sent URL. Empty when they are equal.
pub fn compare(signed: &str, sent: &str) -> Vec<UrlDifference> {
    if signed == sent {
        return Vec::new();
    }
    let (Some(a), Some(b)) = (RawUrl::split(signed), RawUrl::split(sent)) else {
        return vec![UrlDifference::Path {
            signed: signed.into(),
            sent: sent.into(),
        }];
    };
    let mut out = Vec::new();
    if a.scheme != b.scheme {
        out.push(UrlDifference::Scheme {
            signed: a.scheme.into(),
            sent: b.scheme.into(),
        });
    }
    if a.userinfo.is_some() != b.userinfo.is_some() {
        out.push(UrlDifference::UserInfo);
    }
    if a.host != b.host {
        out.push(UrlDifference::Host {
            signed: a.host.into(),
            sent: b.host.into(),
        });
    }
    if a.port != b.port {
        out.push(UrlDifference::Port {
            signed: a.port.map(str::to_string),
            sent: b.port.map(str::to_string),
        });
    }
    if a.path != b.path {
        out.push(compare_paths(a.path, b.path));
    }
    if a.query != b.query {
        match (a.query, b.query) {
            (Some(x), Some(y)) if url_encoding::reordered(x, y) => {
                out.push(UrlDifference::QueryReordered {
                    signed: x.into(),
                    sent: y.into(),
                });
            }
            (Some(x), Some(y)) if decode_query(x) == decode_query(y) => {
                out.push(UrlDifference::QueryEncoding {
                    signed: x.into(),
                    sent: y.into(),
                });
            }
            (x, y) => out.push(UrlDifference::Query {
                signed: x.map(str::to_string),
                sent: y.map(str::to_string),
            }),
        }
    }
    if a.fragment.is_some() && b.fragment.is_none() {
        out.push(UrlDifference::Fragment {
            signed: a.fragment.map(str::to_string),
        });
    }
    out
}

fn compare_paths(a: &str, b: &str) -> UrlDifference {
    let trim = |p: &str| p.trim_end_matches('/').to_string();
    if trim(a) == trim(b) {
        return UrlDifference::TrailingSlash {
            sent_has: b.ends_with('/'),
        };
    }
    let without = |p: &str| p.replacen(API_PREFIX, "", 1);
    if a.contains(API_PREFIX) != b.contains(API_PREFIX) && trim(&without(a)) == trim(&without(b)) {
        return UrlDifference::ApiPrefix {
            missing_on_sent: !b.contains(API_PREFIX),
        };
    }
    if percent_decode(a) == percent_decode(b) {
        return UrlDifference::PathEncoding {
            signed: a.into(),
            sent: b.into(),
        };
    }
    UrlDifference::Path {
        signed: a.into(),
        sent: b.into(),
    }
}

fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

fn decode_query(q: &str) -> Vec<u8> {
    percent_decode(&q.replace('+', " "))
}

/// Nearby forms of a sent URL that people sign by mistake, to find which one an x-sign
/// was made over. The sent URL itself is not included.
pub fn variants(sent: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut push = |label: String, v: String| {
        if v != sent && !out.iter().any(|(_, o)| *o == v) {
            out.push((label, v));
        }
    };
    let Some(u) = RawUrl::split(sent) else {
        return out;
    };
    let rebuild =
        |scheme: &str, host: &str, port: Option<&str>, path: &str, query: Option<&str>| {
            let mut s = format!("{scheme}://{host}");
            if let Some(p) = port {
                s.push(':');
                s.push_str(p);
            }
            s.push_str(path);
            if let Some(q) = query {
                s.push('?');
                s.push_str(q);
            }
            s
        };
    let other_scheme = if u.scheme == "https" { "http" } else { "https" };
    push(
        format!("with {other_scheme}://"),
        rebuild(other_scheme, u.host, u.port, u.path, u.query),
    );
    let slash = if u.path.ends_with('/') {
        (
            "without the trailing slash",
            u.path.trim_end_matches('/').to_string(),
        )
    } else {
        ("with a trailing slash", format!("{}/", u.path))
    };
    push(
        slash.0.into(),
        rebuild(u.scheme, u.host, u.port, &slash.1, u.query),
    );
    let default_port = if u.scheme == "https" { "443" } else { "80" };
    match u.port {
        Some(_) => push(
            "without the port".into(),
            rebuild(u.scheme, u.host, None, u.path, u.query),
        ),
        None => push(
            format!("with :{default_port}"),
            rebuild(u.scheme, u.host, Some(default_port), u.path, u.query),
        ),
    }
    if u.path.contains(API_PREFIX) {
        push(
            format!("without {API_PREFIX}"),
            rebuild(
                u.scheme,
                u.host,
                u.port,
                &u.path.replacen(API_PREFIX, "", 1),
                u.query,
            ),
        );
    } else {
        push(
            format!("with {API_PREFIX}"),
            rebuild(
                u.scheme,
                u.host,
                u.port,
                &format!("{API_PREFIX}{}", u.path),
                u.query,
            ),
        );
    }
    if let Some(q) = u.query {
        if let Ok(decoded) = String::from_utf8(decode_query(q)) {
            push(
                "with the query decoded".into(),
                rebuild(u.scheme, u.host, u.port, u.path, Some(&decoded)),
            );
        }
        push(
            "with '+' for spaces in the query".into(),
            rebuild(
                u.scheme,
                u.host,
                u.port,
                u.path,
                Some(&q.replace("%20", "+")),
            ),
        );
        push(
            "with %20 for spaces in the query".into(),
            rebuild(
                u.scheme,
                u.host,
                u.port,
                u.path,
                Some(&q.replace('+', "%20")),
            ),
        );
    } else {
        push(
            "with an empty '?'".into(),
            rebuild(u.scheme, u.host, u.port, u.path, Some("")),
        );
    }
    for (label, q) in u
        .query
        .map(url_encoding::query_variants)
        .unwrap_or_default()
    {
        push(
            label.to_string(),
            rebuild(u.scheme, u.host, u.port, u.path, Some(&q)),
        );
    }
    if let Ok(decoded) = String::from_utf8(percent_decode(u.path)) {
        push(
            "with the path decoded".into(),
            rebuild(u.scheme, u.host, u.port, &decoded, u.query),
        );
    }
    out
}

#[cfg(test)]
#[path = "url_tests.rs"]
mod tests;
