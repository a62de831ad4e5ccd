//! curl's option syntax: the long name of each short letter, which options take a value
//! (so a value is never mistaken for the URL), and the options one word holds.

/// The long name of a short option letter; `None` for a letter curl does not know.
fn long_name(letter: u8) -> Option<&'static str> {
    Some(match letter {
        b'A' => "user-agent",
        b'b' => "cookie",
        b'c' => "cookie-jar",
        b'C' => "continue-at",
        b'd' => "data",
        b'D' => "dump-header",
        b'e' => "referer",
        b'E' => "cert",
        b'F' => "form",
        b'g' => "globoff",
        b'G' => "get",
        b'h' => "help",
        b'H' => "header",
        b'I' => "head",
        b'K' => "config",
        b'm' => "max-time",
        b'o' => "output",
        b'P' => "ftp-port",
        b'Q' => "quote",
        b'r' => "range",
        b't' => "telnet-option",
        b'T' => "upload-file",
        b'u' => "user",
        b'U' => "proxy-user",
        b'w' => "write-out",
        b'x' => "proxy",
        b'X' => "request",
        b'y' => "speed-time",
        b'Y' => "speed-limit",
        b'z' => "time-cond",
        b':' => "next",
        // Flags that change nothing that is sent (-s, -S, -k, -L, -v, -i, -f, ...).
        b'0'..=b'9'
        | b'#'
        | b'a'..=b'z'
        | b'B'
        | b'J'
        | b'L'
        | b'M'
        | b'N'
        | b'O'
        | b'R'
        | b'S'
        | b'V'
        | b'Z' => "",
        _ => return None,
    })
}

/// Long options (without `--`) that take a value.
const WITH_VALUE: &[&str] = &[
    "abstract-unix-socket",
    "alt-svc",
    "aws-sigv4",
    "cacert",
    "capath",
    "cert",
    "cert-type",
    "ciphers",
    "config",
    "connect-timeout",
    "connect-to",
    "continue-at",
    "cookie",
    "cookie-jar",
    "create-file-mode",
    "crlfile",
    "curves",
    "data",
    "data-ascii",
    "data-binary",
    "data-raw",
    "data-urlencode",
    "delegation",
    "dns-interface",
    "dns-ipv4-addr",
    "dns-ipv6-addr",
    "dns-servers",
    "doh-url",
    "dump-header",
    "ech",
    "egd-file",
    "engine",
    "etag-compare",
    "etag-save",
    "expect100-timeout",
    "form",
    "form-string",
    "ftp-account",
    "ftp-alternative-to-user",
    "ftp-method",
    "ftp-port",
    "ftp-ssl-ccc-mode",
    "happy-eyeballs-timeout-ms",
    "haproxy-clientip",
    "header",
    "hostpubmd5",
    "hostpubsha256",
    "hsts",
    "interface",
    "ip-tos",
    "ipfs-gateway",
    "json",
    "keepalive-cnt",
    "keepalive-time",
    "key",
    "key-type",
    "krb",
    "libcurl",
    "limit-rate",
    "local-port",
    "login-options",
    "mail-auth",
    "mail-from",
    "mail-rcpt",
    "max-filesize",
    "max-redirs",
    "max-time",
    "netrc-file",
    "noproxy",
    "oauth2-bearer",
    "output",
    "output-dir",
    "parallel-max",
    "pass",
    "pinnedpubkey",
    "preproxy",
    "proto",
    "proto-default",
    "proto-redir",
    "proxy",
    "proxy-cacert",
    "proxy-capath",
    "proxy-cert",
    "proxy-cert-type",
    "proxy-ciphers",
    "proxy-crlfile",
    "proxy-header",
    "proxy-key",
    "proxy-key-type",
    "proxy-pass",
    "proxy-pinnedpubkey",
    "proxy-service-name",
    "proxy-tls13-ciphers",
    "proxy-tlsauthtype",
    "proxy-tlspassword",
    "proxy-tlsuser",
    "proxy-user",
    "proxy1.0",
    "pubkey",
    "quote",
    "random-file",
    "range",
    "rate",
    "referer",
    "request",
    "request-target",
    "resolve",
    "retry",
    "retry-delay",
    "retry-max-time",
    "sasl-authzid",
    "service-name",
    "socks4",
    "socks4a",
    "socks5",
    "socks5-gssapi-service",
    "socks5-hostname",
    "speed-limit",
    "speed-time",
    "ssl-sessions",
    "stderr",
    "telnet-option",
    "tftp-blksize",
    "time-cond",
    "tls-max",
    "tls13-ciphers",
    "tlsauthtype",
    "tlspassword",
    "tlsuser",
    "trace",
    "trace-ascii",
    "trace-config",
    "unix-socket",
    "upload-file",
    "url",
    "url-query",
    "user",
    "user-agent",
    "variable",
    "write-out",
];

/// True when `--long` takes a value.
pub(super) fn takes_value(long: &str) -> bool {
    WITH_VALUE.binary_search(&long).is_ok()
}

/// The options in one word, as `(long name, as written, attached value)`: `--header`,
/// `--data=x` (not curl syntax, but read kindly), or bundled short ones (`-sSX POST`,
/// `-XPOST`, `-sd@x`), where a letter taking a value takes the rest of the word.
pub(super) fn expand(w: &[u8]) -> Vec<(String, String, Option<Vec<u8>>)> {
    if let Some(long) = w.strip_prefix(b"--") {
        let long = String::from_utf8_lossy(long).into_owned();
        return vec![match long.split_once('=') {
            Some((name, v)) if takes_value(name) => (
                name.to_string(),
                format!("--{name}"),
                Some(v.as_bytes().to_vec()),
            ),
            _ => (long.clone(), format!("--{long}"), None),
        }];
    }
    let mut out = Vec::new();
    for (i, &letter) in w.iter().enumerate().skip(1) {
        let name = long_name(letter).unwrap_or_default().to_string();
        let shown = format!("-{}", char::from(letter));
        if takes_value(&name) {
            let rest = &w[i + 1..];
            out.push((name, shown, (!rest.is_empty()).then(|| rest.to_vec())));
            break;
        }
        out.push((name, shown, None));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_table_is_sorted_for_binary_search() {
        assert!(super::WITH_VALUE.is_sorted());
        for letter in b"AbcCdDeEFHKmoPQrtTuUwxXyYz" {
            let long = super::long_name(*letter).unwrap();
            assert!(super::takes_value(long), "-{}", *letter as char);
        }
        assert!(!super::takes_value("globoff"));
    }
}
