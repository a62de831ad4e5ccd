//! What curl itself puts on the wire for a parsed command: the `Host` header and the
//! request target. curl drops a default port, removes `/./` and `/../` unless
//! `--path-as-is`, never sends a `#fragment`, percent-encodes non-ASCII bytes in the path
//! and refuses spaces, control characters and (without `--globoff`) glob patterns.
//! Checked against curl 7.88 and curl's urlapi.c.

use super::{CurlError, CurlRequest};

/// A request line and `Host` header as curl sends them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wire {
    /// `http` or `https`, lowercased.
    pub scheme: String,
    /// Where curl connects: the host as typed (non-ASCII punycoded) and a non-default port.
    pub authority: String,
    /// The `Host` header: a `-H 'Host: …'` given, else `authority`.
    pub host_header: String,
    /// The request target: path and query, or `--request-target`.
    pub target: String,
    /// How the URL sent differs from the one typed, one short reason each.
    pub changes: Vec<&'static str>,
}

impl Wire {
    /// The URL curl requests: `scheme://authority` + target.
    pub fn url(&self) -> String {
        format!("{}://{}{}", self.scheme, self.authority, self.target)
    }

    /// The URL a server rebuilds from what it received (`Host` + target): the one the
    /// x-sign must cover.
    pub fn server_url(&self) -> String {
        format!("{}://{}{}", self.scheme, self.host_header, self.target)
    }
}

impl CurlRequest {
    /// What curl sends for this request, or why curl would not send it.
    pub fn wire(&self) -> Result<Wire, CurlError> {
        let bad = |why: &str| CurlError::BadUrl {
            url: self.url.clone(),
            why: why.to_string(),
        };
        let mut changes = Vec::new();
        let typed = if self.globoff {
            self.url.clone()
        } else {
            unglob(&self.url).ok_or_else(|| CurlError::Glob(self.url.clone()))?
        };
        if typed.bytes().any(|b| b <= b' ' || b == 0x7f) {
            return Err(bad(
                "it holds a space or a control character, which curl refuses (exit code 3); write a space as %20",
            ));
        }
        let (scheme, rest) = match typed.find("://") {
            Some(i) if is_scheme(&typed[..i]) => (typed[..i].to_ascii_lowercase(), &typed[i + 3..]),
            _ => ("http".to_string(), typed.as_str()),
        };
        let default_port = match scheme.as_str() {
            "http" => 80,
            "https" => 443,
            _ => return Err(bad("only http:// and https:// requests are modelled")),
        };
        let (authority, tail) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
        let hostport = match authority.rfind('@') {
            Some(i) => {
                changes.push("user:password@ sent as an Authorization header instead");
                &authority[i + 1..]
            }
            None => authority,
        };
        let (host, port) =
            split_host_port(hostport).ok_or_else(|| bad("its port is not a number"))?;
        if host.is_empty() {
            return Err(bad("it has no host"));
        }
        let mut authority = if host.is_ascii() {
            host.to_string()
        } else {
            changes.push("unicode host punycoded (xn--)");
            url::Url::parse(&format!("http://{host}/"))
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .ok_or_else(|| bad("its host is not a valid name"))?
        };
        match port {
            Some(p) if p == default_port => changes.push("default port dropped"),
            Some(p) => authority.push_str(&format!(":{p}")),
            None => {}
        }
        let tail = match tail.find('#') {
            Some(i) => {
                changes.push("#fragment not sent");
                &tail[..i]
            }
            None => tail,
        };
        let (path, query) = match tail.find('?') {
            Some(i) => (&tail[..i], Some(&tail[i + 1..])),
            None => (tail, None),
        };
        let mut path = if path.is_empty() {
            changes.push("empty path sent as /");
            "/".to_string()
        } else {
            path.to_string()
        };
        if !self.path_as_is || self.query_rebuilt {
            let resolved = remove_dot_segments(&path);
            if resolved != path {
                changes.push("/./ and /../ segments removed");
                path = resolved;
            }
        }
        if !path.is_ascii() {
            changes.push("non-ASCII bytes in the path percent-encoded");
            path = encode_non_ascii(&path);
        }
        let target = match (&self.request_target, query) {
            (Some(t), _) => t.clone(),
            (None, Some(q)) => format!("{path}?{q}"),
            (None, None) => path,
        };
        let host_header = self
            .header("host")
            .map_or_else(|| authority.clone(), str::to_string);
        Ok(Wire {
            scheme,
            authority,
            host_header,
            target,
            changes,
        })
    }
}

fn is_scheme(s: &str) -> bool {
    let mut b = s.bytes();
    b.next().is_some_and(|c| c.is_ascii_alphabetic())
        && b.all(|c| c.is_ascii_alphanumeric() || b"+-.".contains(&c))
}

/// `host:port`, `[v6]:port` or a bare host; the port as a number (leading zeros and an
/// empty port allowed, as curl allows them). `None` when the port is not a number.
fn split_host_port(s: &str) -> Option<(&str, Option<u32>)> {
    let (host, port) = if s.starts_with('[') {
        let end = s.find(']')? + 1;
        match &s[end..] {
            "" => (&s[..end], None),
            rest => (&s[..end], Some(rest.strip_prefix(':')?)),
        }
    } else {
        match s.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (s, None),
        }
    };
    let port = match port {
        None | Some("") => None,
        Some(p) if p.bytes().all(|b| b.is_ascii_digit()) => {
            let n = p.trim_start_matches('0').parse::<u32>().unwrap_or(0);
            if n > 65535 {
                return None;
            }
            Some(n)
        }
        Some(_) => return None,
    };
    Some((host, port))
}

/// The URL after curl's globbing when it has no pattern: `\[` `\]` `\{` `\}` become the
/// plain characters, an IPv6 host stays. `None` when a `[`, `]`, `{` or `}` is left,
/// which curl expands into several requests or refuses.
fn unglob(url: &str) -> Option<String> {
    let mut out = String::with_capacity(url.len());
    let mut chars = url.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if chars.peek().is_some_and(|(_, n)| "[]{}".contains(*n)) => {
                out.extend(chars.next().map(|(_, n)| n));
            }
            '[' if is_ipv6_literal(&url[i..]) => {
                let end = url[i..].find(']').map_or(url.len(), |e| i + e);
                out.push_str(&url[i..=end]);
                while chars.peek().is_some_and(|(j, _)| *j <= end) {
                    chars.next();
                }
            }
            '[' | ']' | '{' | '}' => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

/// `[` starting an IPv6 address (`[::1]`, `[fe80::1%25eth0]`), which curl does not glob.
fn is_ipv6_literal(s: &str) -> bool {
    s.find(']').is_some_and(|end| {
        let inner = &s[1..end];
        inner.contains(':')
            && inner
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b":.%".contains(&b))
    })
}

/// RFC 3986 §5.2.4, as curl applies it to the path (never to the query).
fn remove_dot_segments(path: &str) -> String {
    let mut input = path;
    let mut out = String::with_capacity(path.len());
    while !input.is_empty() {
        if let Some(rest) = input
            .strip_prefix("../")
            .or_else(|| input.strip_prefix("./"))
        {
            input = rest;
        } else if input.starts_with("/./") {
            input = &input[2..];
        } else if input == "/." {
            input = "/";
        } else if input.starts_with("/../") || input == "/.." {
            input = if input == "/.." { "/" } else { &input[3..] };
            out.truncate(out.rfind('/').unwrap_or(0));
        } else if input == "." || input == ".." {
            input = "";
        } else {
            let start = usize::from(input.starts_with('/'));
            let end = input[start..].find('/').map_or(input.len(), |e| start + e);
            out.push_str(&input[..end]);
            input = &input[end..];
        }
    }
    out
}

/// Non-ASCII bytes as `%xx` (curl writes lowercase hex).
fn encode_non_ascii(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii() {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02x}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{CurlError, parse};

    fn wire(cmd: &str) -> Result<super::Wire, CurlError> {
        let mut none = |_: super::super::Input<'_>| Err(std::io::ErrorKind::NotFound.into());
        parse(cmd, &mut none).unwrap().request.wire()
    }

    fn sent(cmd: &str) -> String {
        wire(cmd).unwrap().server_url()
    }

    #[test]
    fn default_ports_are_dropped_from_host() {
        assert_eq!(sent("curl http://Example.COM:80/a"), "http://Example.COM/a");
        assert_eq!(sent("curl HTTPS://h:443/a"), "https://h/a");
        assert_eq!(sent("curl http://h:0080/a"), "http://h/a");
        assert_eq!(sent("curl http://h:/a"), "http://h/a");
        assert_eq!(sent("curl http://h:8080/a"), "http://h:8080/a");
        assert_eq!(sent("curl http://h:08080/a"), "http://h:8080/a");
        assert_eq!(sent("curl https://h:80/a"), "https://h:80/a");
        assert_eq!(sent("curl 'http://[::1]:80/a'"), "http://[::1]/a");
        assert_eq!(sent("curl h.test:8001/a"), "http://h.test:8001/a");
        assert!(matches!(
            wire("curl http://h:x/a"),
            Err(CurlError::BadUrl { .. })
        ));
        let w = wire("curl http://u:p@h:80/a").unwrap();
        assert_eq!(w.url(), "http://h/a");
        assert_eq!(w.changes.len(), 2, "{:?}", w.changes);
    }

    #[test]
    fn dot_segments_are_removed_unless_path_as_is() {
        for (path, want) in [
            ("/a/./b/../c?x=/./", "/a/c?x=/./"),
            ("/x/..", "/"),
            ("/a/b/./", "/a/b/"),
            ("//a/../b", "//b"),
            ("/./../x", "/x"),
            ("/x/.", "/x/"),
            ("/%2e/x/%2E%2E/y", "/%2e/x/%2E%2E/y"),
            ("", "/"),
            ("?q", "/?q"),
        ] {
            assert_eq!(
                sent(&format!("curl 'http://h{path}'")),
                format!("http://h{want}")
            );
        }
        assert_eq!(
            sent("curl --path-as-is http://h/a/./b/../c"),
            "http://h/a/./b/../c"
        );
        // -G rebuilds the URL with curl's parser, which ignores --path-as-is.
        assert_eq!(
            sent("curl --path-as-is -G http://h/a/./b -d q=1"),
            "http://h/a/b?q=1"
        );
    }

    #[test]
    fn what_else_curl_changes_or_refuses() {
        assert_eq!(sent("curl 'http://h/x?a=1#frag'"), "http://h/x?a=1");
        assert_eq!(
            sent("curl $'http://h/\\xc3\\xa9?x=\\xc3\\xa9'"),
            "http://h/%c3%a9?x=\u{e9}"
        );
        assert_eq!(
            sent(r#"curl 'http://h/a"b<c>\d|^`?x="y<>'"#),
            r#"http://h/a"b<c>\d|^`?x="y<>"#
        );
        let w = wire("curl -H 'Host: other:80' http://h:8001/x").unwrap();
        assert_eq!(
            (w.url(), w.server_url()),
            ("http://h:8001/x".into(), "http://other:80/x".into())
        );
        assert_eq!(
            wire("curl --request-target '*' http://h/x").unwrap().target,
            "*"
        );
        for spaced in ["curl 'http://h/a b'", "curl $'http://h/a\\tb'"] {
            assert!(
                matches!(wire(spaced), Err(CurlError::BadUrl { .. })),
                "{spaced}"
            );
        }
        assert!(matches!(
            wire("curl ftp://h/x"),
            Err(CurlError::BadUrl { .. })
        ));
    }

    #[test]
    fn globbing_unless_globoff() {
        for url in [
            "http://h/a[1-2]",
            "http://h/a{b,c}",
            "http://h/x?a[0]=1",
            "http://h/a]",
        ] {
            assert!(
                matches!(wire(&format!("curl '{url}'")), Err(CurlError::Glob(_))),
                "{url}"
            );
            assert_eq!(sent(&format!("curl -g '{url}'")), url);
        }
        assert_eq!(sent(r"curl 'http://h/a\[1\]\{x\}'"), "http://h/a[1]{x}");
        assert_eq!(
            sent("curl 'http://[fe80::1]:8080/x'"),
            "http://[fe80::1]:8080/x"
        );
    }
}
