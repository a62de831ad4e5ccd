//! Requests from elsewhere: a curl command line, or the reference client's
//! `requests/<name>/{uri,body}` folders.

use super::Request;
use super::shell::{self, ShellError};
use std::path::{Path, PathBuf};

/// Why an import failed. Each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Shell(#[from] ShellError),
    #[error("this is not a curl command (it starts with `{0}`): paste the whole `curl ...` line")]
    NotCurl(String),
    #[error("the curl command has no URL")]
    NoUrl,
    #[error("the curl command has two URLs ({0} and {1}): import them one at a time")]
    TwoUrls(String, String),
    #[error("curl option {0} needs a value")]
    MissingValue(String),
    #[error("cannot read {path} (named by {option}): {source}")]
    ReadFile {
        option: String,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{0} reads stdin, which an import cannot replay: save the body to a file and use @FILE"
    )]
    Stdin(String),
    #[error("{0} is not text")]
    NotText(String),
    #[error("no reference-client requests in {0}: expected requests/<name>/uri files")]
    NoRequests(PathBuf),
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A request parsed from curl, with what was dropped or changed on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurlImport {
    pub request: Request,
    pub notes: Vec<String>,
}

/// Parses a pasted curl command line. Files named by `@FILE` are read relative to `cwd`.
pub fn parse_curl(command: &str, cwd: &Path) -> Result<CurlImport, ImportError> {
    let (words, mut notes) = shell::split(command.trim())?;
    let mut out = parse_curl_words(&words, cwd)?;
    notes.append(&mut out.notes);
    out.notes = notes;
    Ok(out)
}

/// Options that take a value and do not change the request.
const IGNORED_WITH_VALUE: &[&str] = &[
    "-o",
    "--output",
    "-m",
    "--max-time",
    "--connect-timeout",
    "--retry",
    "-w",
    "--write-out",
    "--cacert",
    "--capath",
    "-E",
    "--cert",
    "--key",
    "-x",
    "--proxy",
    "--resolve",
    "-c",
    "--cookie-jar",
    "--limit-rate",
    "--max-redirs",
    "-r",
    "--range",
    "--retry-delay",
    "--retry-max-time",
    "--interface",
    "--dns-servers",
    "--trace",
    "--trace-ascii",
    "-K",
    "--config",
    "-U",
    "--proxy-user",
    "--cert-type",
    "--key-type",
    "--pass",
];

/// Short options (single letters) that take a value.
const SHORT_WITH_VALUE: &str = "XHdoumwExrKUAebcF";

/// Parses curl's words (already split by a shell).
pub fn parse_curl_words(words: &[Vec<u8>], cwd: &Path) -> Result<CurlImport, ImportError> {
    let text = |w: &[u8], what: &str| -> Result<String, ImportError> {
        String::from_utf8(w.to_vec()).map_err(|_| ImportError::NotText(what.to_string()))
    };
    let (first, rest) = words.split_first().ok_or(ImportError::NoUrl)?;
    let first = String::from_utf8_lossy(first).into_owned();
    if first != "curl" && !first.ends_with("/curl") && first != "curl.exe" {
        return Err(ImportError::NotCurl(first));
    }
    // Expand bundled short options (`-sSL`, `-XPOST`) into separate option/value words.
    let mut args: Vec<Vec<u8>> = Vec::new();
    let mut only_positional = false;
    for w in rest {
        if only_positional || !w.starts_with(b"-") || w.starts_with(b"--") || w.len() <= 2 {
            if w.as_slice() == b"--" {
                only_positional = true;
            }
            args.push(w.clone());
            continue;
        }
        let bytes = &w[1..];
        for (i, &b) in bytes.iter().enumerate() {
            args.push(vec![b'-', b]);
            if SHORT_WITH_VALUE.as_bytes().contains(&b) {
                if i + 1 < bytes.len() {
                    args.push(bytes[i + 1..].to_vec());
                }
                break;
            }
        }
    }

    let mut method: Option<String> = None;
    let mut url: Option<String> = None;
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut data: Vec<Vec<u8>> = Vec::new();
    let mut notes = Vec::new();
    let mut get = false;
    let mut head = false;
    let mut it = args.into_iter();
    let mut positional_only = false;
    while let Some(w) = it.next() {
        let opt = String::from_utf8_lossy(&w).into_owned();
        if positional_only || !opt.starts_with('-') || opt == "-" {
            let u = text(&w, "the URL")?;
            match &url {
                Some(prev) => return Err(ImportError::TwoUrls(prev.clone(), u)),
                None => url = Some(u),
            }
            continue;
        }
        // `--opt=value` is not curl syntax, but split it kindly.
        let (opt, inline) = match opt.split_once('=') {
            Some((o, v)) if o.starts_with("--") => (o.to_string(), Some(v.as_bytes().to_vec())),
            _ => (opt, None),
        };
        let value = |it: &mut std::vec::IntoIter<Vec<u8>>| -> Result<Vec<u8>, ImportError> {
            match inline.clone() {
                Some(v) => Ok(v),
                None => it
                    .next()
                    .ok_or_else(|| ImportError::MissingValue(opt.clone())),
            }
        };
        match opt.as_str() {
            "--" => positional_only = true,
            "-X" | "--request" => method = Some(text(&value(&mut it)?, "the method")?),
            "-H" | "--header" => {
                let h = text(&value(&mut it)?, "a header")?;
                if let Some(file) = h.strip_prefix('@') {
                    notes.push(format!("headers from file {file} were not imported"));
                    continue;
                }
                match h.split_once(':') {
                    Some((k, v)) => {
                        headers.push((k.trim().to_string(), v.trim_start().to_string()))
                    }
                    None => notes.push(format!("header `{h}` has no `:`; left out")),
                }
            }
            "--url" => {
                let u = text(&value(&mut it)?, "the URL")?;
                match &url {
                    Some(prev) => return Err(ImportError::TwoUrls(prev.clone(), u)),
                    None => url = Some(u),
                }
            }
            "-d" | "--data" | "--data-ascii" => {
                let v = value(&mut it)?;
                data.push(match v.strip_prefix(b"@") {
                    Some(file) => {
                        // curl strips CR and LF from -d @file; import what curl would send.
                        let bytes = read_data_file(&opt, file, cwd)?;
                        let stripped: Vec<u8> =
                            bytes.iter().copied().filter(|b| *b != b'\r' && *b != b'\n').collect();
                        if stripped.len() != bytes.len() {
                            notes.push(format!(
                                "{opt} @FILE drops newlines as curl does; use --data-binary to keep the file's bytes exactly"
                            ));
                        }
                        stripped
                    }
                    None => v,
                });
            }
            "--data-binary" => {
                let v = value(&mut it)?;
                data.push(match v.strip_prefix(b"@") {
                    Some(file) => read_data_file(&opt, file, cwd)?,
                    None => v,
                });
            }
            "--data-raw" => data.push(value(&mut it)?),
            "--json" => {
                let v = value(&mut it)?;
                data.push(match v.strip_prefix(b"@") {
                    Some(file) => read_data_file(&opt, file, cwd)?,
                    None => v,
                });
                headers.push(("Content-Type".into(), "application/json".into()));
                headers.push(("Accept".into(), "application/json".into()));
            }
            "--data-urlencode" => {
                let v = value(&mut it)?;
                data.push(url_encode_data(&v, cwd, &opt)?);
            }
            "-G" | "--get" => get = true,
            "-I" | "--head" => head = true,
            "-A" | "--user-agent" => {
                headers.push(("User-Agent".into(), text(&value(&mut it)?, "a header")?))
            }
            "-e" | "--referer" => {
                headers.push(("Referer".into(), text(&value(&mut it)?, "a header")?))
            }
            "-b" | "--cookie" => {
                let c = text(&value(&mut it)?, "a cookie")?;
                if c.contains('=') {
                    headers.push(("Cookie".into(), c));
                } else {
                    notes.push(format!("cookie file {c} was not imported"));
                }
            }
            "-u" | "--user" => {
                value(&mut it)?;
                notes.push("-u (basic auth) was left out: the Partner API uses x-api-key".into());
            }
            "-F" | "--form" => {
                value(&mut it)?;
                notes.push(
                    "-F (multipart form) was left out: the Partner API takes raw bodies".into(),
                );
            }
            o if IGNORED_WITH_VALUE.contains(&o) => {
                value(&mut it)?;
            }
            o if o.starts_with("--") || o.len() == 2 => {
                // Flags such as -s, -k, -L, -v, --compressed change nothing that is signed.
            }
            o => notes.push(format!("unknown option {o} left out")),
        }
    }
    let mut url = url.ok_or(ImportError::NoUrl)?;
    let mut body = data.join(&b'&');
    if get && !body.is_empty() {
        let query = String::from_utf8(std::mem::take(&mut body))
            .map_err(|_| ImportError::NotText("the -G data".into()))?;
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(&query);
    }
    let method = method.unwrap_or_else(|| {
        if head {
            "HEAD".into()
        } else if !body.is_empty() && !get {
            "POST".into()
        } else {
            "GET".into()
        }
    });
    // Signing headers are made fresh at send time; the API key comes from the profile.
    let mut kept = Vec::new();
    for (k, v) in headers {
        let lower = k.to_ascii_lowercase();
        match lower.as_str() {
            "x-api-key" => notes.push(
                "x-api-key was left out: the profile supplies the API key (and collections never store it)".into(),
            ),
            "x-sign" | "x-timestamp" | "x-nonce" => {
                notes.push(format!("{lower} was left out: xsign signs afresh when it sends"))
            }
            _ => kept.push((k, v)),
        }
    }
    let method = method.to_ascii_uppercase();
    let name = default_name(&method, &url);
    Ok(CurlImport {
        request: Request {
            name,
            method,
            url,
            body,
            notes: String::new(),
            headers: kept,
        },
        notes,
    })
}

fn read_data_file(opt: &str, file: &[u8], cwd: &Path) -> Result<Vec<u8>, ImportError> {
    if file == b"-" {
        return Err(ImportError::Stdin(format!("{opt} @-")));
    }
    let path = cwd.join(String::from_utf8_lossy(file).as_ref());
    std::fs::read(&path).map_err(|source| ImportError::ReadFile {
        option: opt.to_string(),
        path,
        source,
    })
}

/// curl's `--data-urlencode` forms: `content`, `=content`, `name=content`, `@file`,
/// `name@file`.
fn url_encode_data(v: &[u8], cwd: &Path, opt: &str) -> Result<Vec<u8>, ImportError> {
    let eq = v.iter().position(|&b| b == b'=');
    let at = v.iter().position(|&b| b == b'@');
    let (name, content): (&[u8], Vec<u8>) = match (eq, at) {
        (Some(i), a) if a.is_none_or(|a| i < a) => (&v[..i], v[i + 1..].to_vec()),
        (_, Some(i)) => (&v[..i], read_data_file(opt, &v[i + 1..], cwd)?),
        _ => (&[], v.to_vec()),
    };
    let mut out = name.to_vec();
    if !name.is_empty() {
        out.push(b'=');
    }
    for b in content {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b);
        } else {
            out.extend_from_slice(format!("%{b:02X}").as_bytes());
        }
    }
    Ok(out)
}

/// `POST /company` from the method and the URL's path.
pub fn default_name(method: &str, url: &str) -> String {
    let path = match url.find("://") {
        Some(i) => {
            let rest = &url[i + 3..];
            rest.find('/').map_or("/", |j| &rest[j..])
        }
        None => url,
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let path = path
        .strip_prefix("/api/v1/p")
        .filter(|p| !p.is_empty())
        .unwrap_or(path);
    format!("{method} {path}")
}

/// The URL relative to `base_url` when it starts with it (so the request follows the
/// profile); unchanged otherwise. `base + "/x"` joins back to exactly the same string.
pub fn relative_to(url: &str, base_url: &str) -> String {
    let base = base_url.trim_end_matches('/');
    match url.strip_prefix(base) {
        Some(rest) if rest.starts_with('/') || rest.starts_with('?') => rest.to_string(),
        Some("") => "/".to_string(),
        _ => url.to_string(),
    }
}

/// The reference client's folders read as requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderImport {
    /// A collection name suggested by the folder (the directory holding `requests/`).
    pub suggested_name: String,
    pub requests: Vec<Request>,
    pub notes: Vec<String>,
}

/// Reads `requests/<name>/uri` (one line `METHOD URL`) and, for POST, PUT and PATCH,
/// `requests/<name>/body` byte for byte. `dir` is the `requests` folder or its parent.
pub fn read_reference_folders(dir: &Path) -> Result<FolderImport, ImportError> {
    let requests_dir = if dir.join("requests").is_dir() {
        dir.join("requests")
    } else {
        dir.to_path_buf()
    };
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ImportError::Io { path, source }
    };
    let mut names: Vec<(String, PathBuf)> = std::fs::read_dir(&requests_dir)
        .map_err(io(&requests_dir))?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("uri").is_file())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    names.sort();
    if names.is_empty() {
        return Err(ImportError::NoRequests(requests_dir));
    }
    let mut requests = Vec::new();
    let mut notes = Vec::new();
    for (name, path) in names {
        let uri_path = path.join("uri");
        let uri = std::fs::read(&uri_path).map_err(io(&uri_path))?;
        let uri = String::from_utf8_lossy(&uri);
        let line = uri
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim();
        let Some((method, url)) = line.split_once(char::is_whitespace) else {
            notes.push(format!(
                "{}: expected one line `METHOD URL`, found `{line}`; skipped",
                uri_path.display()
            ));
            continue;
        };
        let method = method.to_ascii_uppercase();
        let url = url.trim().to_string();
        let body_path = path.join("body");
        let body = if matches!(method.as_str(), "POST" | "PUT" | "PATCH") {
            match std::fs::read(&body_path) {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    notes.push(format!(
                        "{name}: {method} without a body file; saved with an empty body"
                    ));
                    Vec::new()
                }
                Err(e) => return Err(io(&body_path)(e)),
            }
        } else {
            if body_path.is_file() {
                notes.push(format!(
                    "{name}: the body file is ignored for {method}, as the reference client does"
                ));
            }
            Vec::new()
        };
        requests.push(Request {
            name,
            method,
            url,
            body,
            notes: String::new(),
            headers: Vec::new(),
        });
    }
    let parent = if requests_dir.file_name().is_some_and(|n| n == "requests") {
        requests_dir.parent()
    } else {
        Some(requests_dir.as_path())
    };
    let suggested_name = parent
        .and_then(|p| std::fs::canonicalize(p).ok())
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .filter(|n| super::collection::validate_collection_name(n).is_ok())
        .unwrap_or_else(|| "reference".to_string());
    Ok(FolderImport {
        suggested_name,
        requests,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn curl(cmd: &str) -> CurlImport {
        parse_curl(cmd, Path::new(".")).unwrap()
    }

    #[test]
    fn a_typical_partner_api_curl() {
        let c = curl(
            "curl -sS -X POST 'https://api.qredo.network/api/v1/p/company' \\\n  -H 'x-api-key: KEY' -H 'x-sign: S' -H 'x-timestamp: 1' \\\n  -H 'Content-Type: application/json' \\\n  --data-raw $'{\\r\\n\\t\"name\": \"ACME\"\\r\\n}\\n'",
        );
        assert_eq!(c.request.method, "POST");
        assert_eq!(c.request.url, "https://api.qredo.network/api/v1/p/company");
        assert_eq!(c.request.body, b"{\r\n\t\"name\": \"ACME\"\r\n}\n");
        assert_eq!(
            c.request.headers,
            [("Content-Type".to_string(), "application/json".to_string())]
        );
        assert_eq!(c.request.name, "POST /company");
        assert_eq!(c.notes.len(), 3, "{:?}", c.notes);
    }

    #[test]
    fn data_implies_post_and_joins_with_ampersand() {
        let c = curl("curl https://x.test/a -d a=1 --data b=2");
        assert_eq!(c.request.method, "POST");
        assert_eq!(c.request.body, b"a=1&b=2");
        let c = curl("curl -G https://x.test/a?z=0 -d a=1 --data-urlencode 'q=a b'");
        assert_eq!(c.request.method, "GET");
        assert_eq!(c.request.url, "https://x.test/a?z=0&a=1&q=a%20b");
        assert!(c.request.body.is_empty());
        assert_eq!(
            curl("curl -XPUT -sSL https://x.test/").request.method,
            "PUT"
        );
        assert_eq!(curl("curl -I https://x.test/").request.method, "HEAD");
    }

    #[test]
    fn data_files_follow_curl() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.json"), b"{\r\n\"a\":1}\n").unwrap();
        let c = parse_curl("curl https://x.test --data-binary @b.json", dir.path()).unwrap();
        assert_eq!(c.request.body, b"{\r\n\"a\":1}\n");
        let c = parse_curl("curl https://x.test -d @b.json", dir.path()).unwrap();
        assert_eq!(c.request.body, b"{\"a\":1}");
        assert!(c.notes[0].contains("--data-binary"));
        assert!(matches!(
            parse_curl("curl https://x.test -d @missing", dir.path()),
            Err(ImportError::ReadFile { .. })
        ));
    }

    #[test]
    fn refusals() {
        let cwd = Path::new(".");
        assert!(matches!(
            parse_curl("wget x", cwd),
            Err(ImportError::NotCurl(_))
        ));
        assert!(matches!(
            parse_curl("curl -X POST", cwd),
            Err(ImportError::NoUrl)
        ));
        assert!(matches!(
            parse_curl("curl a b", cwd),
            Err(ImportError::TwoUrls(..))
        ));
        assert!(matches!(
            parse_curl("curl -H", cwd),
            Err(ImportError::MissingValue(_))
        ));
    }

    #[test]
    fn relative_urls() {
        let base = "https://api.qredo.network/api/v1/p";
        assert_eq!(
            relative_to(&format!("{base}/assets?x=1"), base),
            "/assets?x=1"
        );
        assert_eq!(
            relative_to("https://other/api/v1/p/assets", base),
            "https://other/api/v1/p/assets"
        );
        assert_eq!(
            relative_to(&format!("{base}x/a"), base),
            format!("{base}x/a")
        );
    }
}
