//! The endpoint catalog: every Partner & Core Client API endpoint with a summary and, for
//! those that take one, an example body. Built from the published API facts and compiled
//! into the binary, so completion works offline and on first run.

use serde::Deserialize;
use serde_json::Value;
use std::sync::OnceLock;

const BUILTIN: &str = include_str!("../../assets/endpoints.json");

/// The path prefix every Partner API base URL ends with.
pub const API_PREFIX: &str = "/api/v1/p";

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("the endpoint catalog is not valid: {0}. Fix the JSON (see assets/endpoints.json)")]
    Json(#[from] serde_json::Error),
    #[error("endpoint {method} {path} in the catalog: {problem}")]
    Invalid {
        method: String,
        path: String,
        problem: &'static str,
    },
}

/// One endpoint: a method and a path template such as `/company/{company_id}/fund`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Endpoint {
    /// The API guide's section, e.g. `Company`, `Core client`, `Feed`.
    pub group: String,
    /// Upper case; `GET` for websocket feeds (the handshake is a GET).
    pub method: String,
    /// Relative to the base URL, `{name}` for each path parameter, no query.
    pub path: String,
    /// A query string to offer after the path, e.g. `query=` (without `?`).
    #[serde(default)]
    pub query: Option<String>,
    pub summary: String,
    /// Whether the endpoint takes a JSON body.
    #[serde(default)]
    pub body: bool,
    /// A websocket feed rather than a request/response endpoint.
    #[serde(default)]
    pub websocket: bool,
    #[serde(default)]
    example_body: Option<Value>,
    /// What a user should know that the summary does not say: where the published spec
    /// contradicts itself or the API, or another header authenticates it.
    #[serde(default)]
    pub note: Option<String>,
}

impl Endpoint {
    /// The example body as compact JSON, keys in the documented order: the form that signs
    /// reliably. None for endpoints that take no body.
    pub fn example_body(&self) -> Option<String> {
        self.example_body
            .as_ref()
            .map(|v| serde_json::to_string(v).expect("a JSON value always serializes"))
    }

    /// The example body to insert in a request: [`Self::example_body`] with the next `ref`
    /// from `refs`, since the API refuses a second company with the same `ref`.
    pub fn fresh_example_body(&self, refs: &mut RefSource) -> Option<String> {
        let mut v = self.example_body.clone()?;
        if let Some(r) = v.get_mut("ref").filter(|r| r.is_string()) {
            *r = Value::String(refs.next_ref());
        }
        Some(serde_json::to_string(&v).expect("a JSON value always serializes"))
    }

    /// The path with its query template, e.g. `/company/search?query=`.
    pub fn url_template(&self) -> String {
        match &self.query {
            Some(q) => format!("{}?{q}", self.path),
            None => self.path.clone(),
        }
    }

    /// The names of the path parameters, in order: `["company_id", "fund_id"]`.
    pub fn params(&self) -> Vec<&str> {
        segments(&self.path).filter_map(param_name).collect()
    }

    /// Whether a concrete path (relative or absolute, query ignored) is this endpoint's.
    pub fn matches_path(&self, path: &str) -> bool {
        let typed: Vec<&str> = segments(strip_query(relative_path(path))).collect();
        let template: Vec<&str> = segments(&self.path).collect();
        typed.len() == template.len()
            && typed
                .iter()
                .zip(&template)
                .all(|(t, tpl)| segment_matches(tpl, t, false))
    }

    /// What a completion inserts: the template, keeping every segment the user already typed
    /// in full (a concrete company id stays) and the query template when there is none yet.
    /// `typed` is relative to the base URL.
    pub fn complete_path(&self, typed: &str) -> String {
        let typed = strip_query(relative_path(typed));
        let typed: Vec<&str> = segments(typed).collect();
        let full_typed = typed.len().saturating_sub(1);
        let mut out = String::new();
        for (i, tpl) in segments(&self.path).enumerate() {
            out.push('/');
            match typed.get(i) {
                Some(t) if i < full_typed && param_name(tpl).is_some() && !t.is_empty() => {
                    out.push_str(t)
                }
                _ => out.push_str(tpl),
            }
        }
        if let Some(q) = &self.query {
            out.push('?');
            out.push_str(q);
        }
        out
    }
}

/// Where fresh `ref` values for inserted examples come from: shaped like the guide's (a UUID
/// v4), a different one on each call. Seeded, the sequence repeats, for tests that compare
/// screens; random otherwise.
#[derive(Debug, Clone)]
pub struct RefSource {
    seed: [u8; 16],
    count: u64,
}

impl RefSource {
    pub fn random() -> Self {
        RefSource {
            seed: rand::random(),
            count: 0,
        }
    }

    pub fn seeded(seed: u64) -> Self {
        let mut s = [0; 16];
        s[..8].copy_from_slice(&seed.to_be_bytes());
        RefSource { seed: s, count: 0 }
    }

    pub fn next_ref(&mut self) -> String {
        use sha2::{Digest, Sha256};
        self.count += 1;
        let digest = Sha256::new()
            .chain_update(self.seed)
            .chain_update(self.count.to_be_bytes())
            .finalize();
        let mut b = [0u8; 16];
        b.copy_from_slice(&digest[..16]);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let h = hex::encode(b);
        format!(
            "{}-{}-{}-{}-{}",
            &h[..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..]
        )
    }
}

/// All endpoints, in the API guide's order.
#[derive(Debug, Clone)]
pub struct Catalog {
    endpoints: Vec<Endpoint>,
}

#[derive(Deserialize)]
struct CatalogFile {
    endpoints: Vec<Endpoint>,
}

impl Catalog {
    /// The catalog compiled into the binary.
    pub fn builtin() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            Catalog::from_json(BUILTIN).expect("assets/endpoints.json is checked by unit tests")
        })
    }

    pub fn from_json(text: &str) -> Result<Catalog, CatalogError> {
        let file: CatalogFile = serde_json::from_str(text)?;
        for e in &file.endpoints {
            let invalid = |problem| CatalogError::Invalid {
                method: e.method.clone(),
                path: e.path.clone(),
                problem,
            };
            if !e.path.starts_with('/') || e.path.contains('?') {
                return Err(invalid("the path must start with / and carry no query"));
            }
            if e.method != e.method.to_ascii_uppercase() {
                return Err(invalid("the method must be upper case"));
            }
            if e.body != e.example_body.is_some() {
                return Err(invalid("an endpoint with a body needs an example body"));
            }
        }
        Ok(Catalog {
            endpoints: file.endpoints,
        })
    }

    pub fn endpoints(&self) -> &[Endpoint] {
        &self.endpoints
    }

    /// The websocket feeds.
    pub fn feeds(&self) -> impl Iterator<Item = &Endpoint> {
        self.endpoints.iter().filter(|e| e.websocket)
    }

    /// The endpoint for a method and a concrete path (relative or absolute). A literal
    /// segment beats a parameter: `/company/search` is not `/company/{company_id}`.
    pub fn find(&self, method: &str, path: &str) -> Option<&Endpoint> {
        let typed: Vec<&str> = segments(strip_query(relative_path(path))).collect();
        self.endpoints
            .iter()
            .filter(|e| e.method.eq_ignore_ascii_case(method) && e.matches_path(path))
            .min_by_key(|e| prefix_match(&e.path, &typed, true).unwrap_or(usize::MAX))
    }

    /// Endpoints whose path starts like `prefix`, the URL typed so far (relative to the base
    /// URL, or absolute: the scheme, host and `/api/v1/p` are skipped). Case-insensitive;
    /// a `{param}` segment matches anything. Optionally only one method.
    ///
    /// Literal matches rank before parameter matches (`/company/se` offers
    /// `/company/search` before `/company/{company_id}`), then shorter paths, then the
    /// catalog's order.
    pub fn complete(&self, prefix: &str, method: Option<&str>) -> Vec<&Endpoint> {
        let rel = relative_path(prefix);
        let (path, has_query) = match rel.split_once('?') {
            Some((p, _)) => (p, true),
            None => (rel, false),
        };
        let typed: Vec<&str> = segments(path).collect();
        let mut scored: Vec<(usize, usize, usize, &Endpoint)> = Vec::new();
        for (order, e) in self.endpoints.iter().enumerate() {
            if let Some(m) = method
                && !e.method.eq_ignore_ascii_case(m)
            {
                continue;
            }
            if let Some(wildcards) = prefix_match(&e.path, &typed, has_query) {
                let depth = segments(&e.path).count();
                scored.push((wildcards, depth, order, e));
            }
        }
        scored.sort_by_key(|&(w, d, o, _)| (w, d, o));
        scored.into_iter().map(|(_, _, _, e)| e).collect()
    }
}

/// The number of typed segments matched only by a `{param}`, or None when `template` does
/// not start like `typed`. The last typed segment may be partial; with a query, the path must
/// be complete.
fn prefix_match(template: &str, typed: &[&str], has_query: bool) -> Option<usize> {
    let tpl: Vec<&str> = segments(template).collect();
    if typed.len() > tpl.len() || (has_query && typed.len() != tpl.len()) {
        return None;
    }
    let mut wildcards = 0;
    for (i, t) in typed.iter().enumerate() {
        let partial = i + 1 == typed.len() && !has_query;
        if !segment_matches(tpl[i], t, partial) {
            return None;
        }
        if param_name(tpl[i]).is_some() && !t.is_empty() {
            wildcards += 1;
        }
    }
    Some(wildcards)
}

fn segment_matches(template: &str, typed: &str, partial: bool) -> bool {
    if param_name(template).is_some() {
        // A parameter takes any value, but a complete segment must not be empty.
        return partial || !typed.is_empty();
    }
    if partial {
        template.len() >= typed.len()
            && template.as_bytes()[..typed.len()].eq_ignore_ascii_case(typed.as_bytes())
    } else {
        template.eq_ignore_ascii_case(typed)
    }
}

fn param_name(segment: &str) -> Option<&str> {
    segment.strip_prefix('{')?.strip_suffix('}')
}

/// The path segments after the leading slash; `""` yields no segment, `"/"` one empty one.
fn segments(path: &str) -> impl Iterator<Item = &str> {
    let rest = path.strip_prefix('/').unwrap_or(path);
    let none = path.is_empty();
    rest.split('/').filter(move |_| !none)
}

fn strip_query(path: &str) -> &str {
    path.split_once('?').map_or(path, |(p, _)| p)
}

/// The part of a URL after the base URL: drops `scheme://host[:port]` and `/api/v1/p`.
/// A relative input is returned as it is.
pub fn relative_path(url: &str) -> &str {
    let after_host = match url.find("://") {
        Some(i) => {
            let rest = &url[i + 3..];
            match rest.find(['/', '?']) {
                Some(j) => &rest[j..],
                None => "",
            }
        }
        None => url,
    };
    match after_host.strip_prefix(API_PREFIX) {
        Some(rest) if rest.is_empty() || rest.starts_with(['/', '?']) => rest,
        _ => after_host,
    }
}

pub mod imported;

#[cfg(test)]
mod tests;
