//! Requests from elsewhere: a curl command line (read by [`crate::curl`]), or the
//! reference client's `requests/<name>/{uri,body}` folders.

use super::Request;
use crate::curl::{self, CurlError, Input, Parsed};
use std::path::{Path, PathBuf};

/// Why an import failed. Each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Curl(#[from] CurlError),
    #[error("no reference-client requests in {0}: expected requests/<name>/uri files")]
    NoRequests(PathBuf),
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Read(#[from] crate::input_file::ReadError),
}

/// A request parsed from curl, with what was dropped or changed on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurlImport {
    pub request: Request,
    pub notes: Vec<String>,
}

/// Parses a pasted curl command line. Files named by `@FILE` are read relative to `cwd`.
pub fn parse_curl(command: &str, cwd: &Path) -> Result<CurlImport, ImportError> {
    Ok(from_parsed(curl::parse(command, &mut files_in(cwd))?))
}

/// Parses curl's words (already split by a shell).
pub fn parse_curl_words(words: &[Vec<u8>], cwd: &Path) -> Result<CurlImport, ImportError> {
    Ok(from_parsed(curl::parse_words(words, &mut files_in(cwd))?))
}

/// Reads what a curl command names: files relative to `cwd`. Stdin is refused: it
/// holds the command itself, or nothing that can be read again.
pub fn files_in(cwd: &Path) -> impl FnMut(Input<'_>) -> std::io::Result<Vec<u8>> + '_ {
    move |input| match input {
        // Bounded as any body xsign reads: `-d @/dev/zero` or a FIFO must not hang or grow.
        Input::File(path) => crate::input_file::read(&cwd.join(path), crate::input_file::BODY)
            .map_err(|e| std::io::Error::other(e.to_string())),
        Input::Stdin => Err(std::io::ErrorKind::Unsupported.into()),
    }
}

/// The request curl would send, as a saved request: the URL as curl sends it, and
/// without the headers xsign makes afresh at send time.
fn from_parsed(parsed: Parsed) -> CurlImport {
    let Parsed {
        request: c,
        mut notes,
    } = parsed;
    let url = match c.wire() {
        Ok(wire) if wire.url() != c.url => {
            notes.push(format!(
                "saved the URL as curl sends it, {} ({})",
                wire.url(),
                wire.changes.join(", ")
            ));
            wire.url()
        }
        Ok(_) => c.url.clone(),
        Err(e) => {
            notes.push(format!("{e}; the URL was kept as typed"));
            c.url.clone()
        }
    };
    // Signing headers are made fresh at send time; the API key comes from the profile.
    let mut kept = Vec::new();
    for (k, v) in c.headers {
        let lower = k.to_ascii_lowercase();
        match lower.as_str() {
            "x-api-key" => notes.push(
                "x-api-key was left out: the profile supplies the API key (and collections never store it)".into(),
            ),
            "x-sign" | "x-timestamp" | "x-nonce" => {
                notes.push(format!("{lower} was left out: xsign signs afresh when it sends"))
            }
            // A collection is a plain file that gets shared; a credential belongs in the
            // profile, whose file is private.
            _ if crate::secret::is_secret_header(&lower) => notes.push(format!(
                "{k} was left out: it is a secret, and collections never store secrets. \
                 Add it to the profile: `xsign profile edit NAME --header '{k}: …'`"
            )),
            _ => kept.push((k, v)),
        }
    }
    let method = c.method.to_ascii_uppercase();
    CurlImport {
        request: Request {
            name: default_name(&method, &url),
            method,
            url,
            body: c.body,
            notes: String::new(),
            headers: kept,
        },
        notes,
    }
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
/// `requests/<name>/body` byte for byte, each body within `body_kind`'s bound. `dir` is the
/// `requests` folder or its parent; a file that links outside it, or that is not a regular
/// file, is refused (a saved request is replayed later: `body -> /etc/shadow` must not be).
pub fn read_reference_folders(
    dir: &Path,
    body_kind: crate::input_file::Kind,
) -> Result<FolderImport, ImportError> {
    let requests_dir = if dir.join("requests").is_dir() {
        dir.join("requests")
    } else {
        dir.to_path_buf()
    };
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ImportError::Io { path, source }
    };
    let root = std::fs::canonicalize(dir).map_err(io(dir))?;
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
        let uri = crate::input_file::read_inside(&root, &uri_path, URI)?.unwrap_or_default();
        let (method, url) = match super::collection::folder::parse_uri(&uri) {
            Ok(mu) => mu,
            Err(e) => {
                notes.push(format!("{}: {e}; skipped", uri_path.display()));
                continue;
            }
        };
        let body_path = path.join("body");
        let body = if matches!(method.as_str(), "POST" | "PUT" | "PATCH") {
            if let Some(b) = crate::input_file::read_inside(&root, &body_path, body_kind)? {
                b
            } else {
                notes.push(format!(
                    "{name}: {method} without a body file; saved with an empty body"
                ));
                Vec::new()
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

/// A `uri` file holds one line.
pub const URI: crate::input_file::Kind = crate::input_file::Kind {
    what: "uri",
    max: 64 * 1024,
};

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
    fn an_import_keeps_what_curl_sends_without_the_signing_headers() {
        let c = parse_curl(
            "curl -sSX post http://h.test:80/api/v1/p/./company -H 'x-api-key: K' -H 'X-Nonce: 1' -H 'a: b' -d x",
            Path::new("."),
        )
        .unwrap();
        assert_eq!(c.request.method, "POST");
        assert_eq!(c.request.url, "http://h.test/api/v1/p/company");
        assert_eq!(c.request.name, "POST /company");
        assert_eq!(c.request.headers, [("a".to_string(), "b".to_string())]);
        assert_eq!(c.notes.len(), 3, "{:?}", c.notes);
        assert!(c.notes[0].contains("default port dropped"), "{:?}", c.notes);
        // A URL curl would refuse is kept as typed, with the reason.
        let c = parse_curl("curl 'https://h.test/a?x[0]=1'", Path::new(".")).unwrap();
        assert_eq!(c.request.url, "https://h.test/a?x[0]=1");
        assert!(
            c.notes.iter().any(|n| n.contains("--globoff")),
            "{:?}",
            c.notes
        );
        assert!(matches!(
            parse_curl("curl https://h.test -d @-", Path::new(".")),
            Err(ImportError::Curl(CurlError::Stdin(_)))
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
