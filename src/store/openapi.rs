//! Requests from an OpenAPI document (`xsign import openapi`): one per operation, read by the
//! one OpenAPI reader ([`crate::openapi`]), with the document's example body.

use super::Request;
use crate::openapi::{Spec, document};
use std::path::Path;

/// What reading a document gave: the requests, and a collection name it suggests.
#[derive(Debug, Clone)]
pub struct SpecImport {
    pub suggested_name: String,
    pub requests: Vec<Request>,
    /// The first server's URL, when it is absolute (the requests' URLs start with it).
    pub server: Option<String>,
    /// The operations in the catalog's format, for the workbench's URL completion
    /// ([`crate::catalog::imported`]).
    pub catalog: Vec<serde_json::Value>,
}

#[derive(Debug, thiserror::Error)]
pub enum SpecImportError {
    #[error(transparent)]
    Read(#[from] crate::input_file::ReadError),
    #[error("{}: not UTF-8 text. Give an OpenAPI 3 document in YAML or JSON", .0.display())]
    NotText(std::path::PathBuf),
    #[error("{}: {reason}", path.display())]
    Spec {
        path: std::path::PathBuf,
        reason: crate::openapi::OpenApiError,
    },
    #[error("{}: the document has no operations under `paths`; nothing to import", .0.display())]
    Empty(std::path::PathBuf),
}

/// Reads an OpenAPI 3.0/3.1 file, bounded like any collection file.
pub fn read_spec_file(path: &Path) -> Result<SpecImport, SpecImportError> {
    let bytes = crate::input_file::read(path, crate::input_file::OPENAPI)?;
    let text = String::from_utf8(bytes).map_err(|_| SpecImportError::NotText(path.into()))?;
    let spec = document(&text)
        .and_then(Spec::from_value)
        .map_err(|reason| SpecImportError::Spec {
            path: path.into(),
            reason,
        })?;
    if spec.operations.is_empty() {
        return Err(SpecImportError::Empty(path.into()));
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "openapi".into());
    Ok(requests_from_spec(&spec, stem))
}

/// One request per operation, named `METHOD /path`; the URL is the first server's (when it
/// is absolute) joined with the path and the required query parameters.
pub fn requests_from_spec(spec: &Spec, suggested_name: String) -> SpecImport {
    let server = spec
        .server
        .as_deref()
        .filter(|s| s.contains("://"))
        .map(|s| s.trim_end_matches('/').to_string());
    let requests = spec
        .operations
        .iter()
        .map(|op| {
            let required: Vec<String> = op
                .params
                .iter()
                .filter(|p| p.location == "query" && p.required)
                .map(|p| format!("{}=", p.name))
                .collect();
            let mut url = format!("{}{}", server.as_deref().unwrap_or(""), op.path);
            if !required.is_empty() {
                url.push('?');
                url.push_str(&required.join("&"));
            }
            let mut notes = op.summary.clone();
            let optional: Vec<&str> = op
                .params
                .iter()
                .filter(|p| p.location == "query" && !p.required)
                .map(|p| p.name.as_str())
                .collect();
            if !optional.is_empty() {
                notes.push_str(&format!(
                    "{}optional query: {}",
                    if notes.is_empty() { "" } else { "; " },
                    optional.join(", ")
                ));
            }
            Request {
                name: format!("{} {}", op.method, op.path),
                method: op.method.clone(),
                url,
                body: op.example_body_text().unwrap_or_default().into_bytes(),
                notes,
                headers: Vec::new(),
            }
        })
        .collect();
    let catalog = spec
        .operations
        .iter()
        .map(|op| {
            let query: Vec<String> = op.query_params().map(|q| format!("{q}=")).collect();
            let mut e = serde_json::json!({
                "group": op.tags.first().cloned().unwrap_or_else(|| suggested_name.clone()),
                "method": op.method,
                "path": op.path,
                "summary": op.summary,
                "body": op.example_body.is_some(),
                "websocket": false,
            });
            if !query.is_empty() {
                e["query"] = query.join("&").into();
            }
            if let Some(b) = &op.example_body {
                e["example_body"] = b.clone();
            }
            e
        })
        .collect();
    SpecImport {
        suggested_name,
        requests,
        server,
        catalog,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_partner_spec_gives_one_request_per_operation_with_its_example() {
        let got = requests_from_spec(Spec::partner(), "partner".into());
        assert_eq!(got.requests.len(), Spec::partner().operations.len());
        assert_eq!(
            got.server.as_deref(),
            Some("https://api.qredo.network/api/v1/p")
        );
        let company = got
            .requests
            .iter()
            .find(|r| r.name == "POST /company")
            .unwrap();
        assert_eq!(company.url, "https://api.qredo.network/api/v1/p/company");
        assert!(company.body.starts_with(b"{\"name\":\"ACME Corp\""));
        let ledger = got
            .requests
            .iter()
            .find(|r| r.name.ends_with("/ledger"))
            .unwrap();
        assert!(ledger.body.is_empty());
        assert!(
            ledger.notes.contains("optional query: asset, wallet_id"),
            "{}",
            ledger.notes
        );
    }

    #[test]
    fn a_file_that_is_no_spec_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.yaml");
        std::fs::write(
            &p,
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
        )
        .unwrap();
        assert!(
            read_spec_file(&p)
                .unwrap_err()
                .to_string()
                .contains("no operations")
        );
        std::fs::write(&p, b"\xff\xfe").unwrap();
        assert!(
            read_spec_file(&p)
                .unwrap_err()
                .to_string()
                .contains("UTF-8")
        );
        let missing = dir.path().join("nope.yaml");
        assert!(
            read_spec_file(&missing)
                .unwrap_err()
                .to_string()
                .contains("check the path")
        );
    }
}
