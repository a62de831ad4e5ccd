//! The endpoint catalog: every Partner & Core Client API endpoint with a summary and, for
//! those that take one, an example body. Built from the published API facts and compiled
//! into the binary, so completion works offline and on first run.

use serde::Deserialize;
use serde_json::Value;
use std::sync::OnceLock;

const BUILTIN: &str = include_str!("../assets/endpoints.json");

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
}

impl Endpoint {
    /// The example body as compact JSON, keys in the documented order: the form that signs
    /// reliably. None for endpoints that take no body.
    pub fn example_body(&self) -> Option<String> {
        self.example_body
            .as_ref()
            .map(|v| serde_json::to_string(v).expect("a JSON value always serializes"))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(v: Vec<&Endpoint>) -> Vec<String> {
        v.into_iter()
            .map(|e| format!("{} {}", e.method, e.path))
            .collect()
    }

    #[test]
    fn builtin_catalog_loads_and_covers_the_facts() {
        let c = Catalog::builtin();
        assert_eq!(c.endpoints().len(), 49);
        for (m, p) in [
            ("GET", "/assets"),
            ("POST", "/fees"),
            ("POST", "/company"),
            ("PUT", "/company/{company_id}"),
            (
                "DELETE",
                "/company/{company_id}/trustedparty/{trustedparty_id}",
            ),
            (
                "PUT",
                "/company/{company_id}/fund/{fund_id}/wallet/{wallet_id}/policy",
            ),
            ("GET", "/wallet/{wallet_id}/history"),
            ("DELETE", "/company/{company_id}/atomicswap/make/{tx_id}"),
            ("PUT", "/coreclient/{client_id}/action/{action_id}"),
            ("POST", "/coreclient/{client_id}/sign"),
        ] {
            assert!(
                c.endpoints().iter().any(|e| e.method == m && e.path == p),
                "{m} {p} missing"
            );
        }
        let feeds: Vec<&str> = c.feeds().map(|e| e.path.as_str()).collect();
        assert_eq!(
            feeds,
            [
                "/coreclient/{client_id}/feed",
                "/wallets/feed",
                "/liquidityhub/feed"
            ]
        );
    }

    #[test]
    fn every_post_and_put_with_a_body_has_compact_valid_json() {
        for e in Catalog::builtin().endpoints() {
            match e.example_body() {
                Some(b) => {
                    let v: Value = serde_json::from_str(&b).unwrap();
                    assert_eq!(
                        serde_json::to_string(&v).unwrap(),
                        b,
                        "{} not compact",
                        e.path
                    );
                    assert!(matches!(e.method.as_str(), "POST" | "PUT"), "{}", e.path);
                }
                None => assert!(!e.body),
            }
        }
    }

    #[test]
    fn post_company_example_is_the_guides_bytes() {
        let e = Catalog::builtin().find("POST", "/company").unwrap();
        assert_eq!(
            e.example_body().unwrap(),
            r#"{"name":"ACME Corp","city":"Paris","country":"FR","domain":"","ref":"9827feec-4eae-4e80-bda3-daa7c3b97add"}"#
        );
        assert!(e.body && !e.websocket);
    }

    #[test]
    fn complete_matches_case_insensitively_and_ranks_literals_first() {
        let c = Catalog::builtin();
        let got = paths(c.complete("/COMPANY/se", Some("get")));
        assert_eq!(got[0], "GET /company/search");
        assert!(got.contains(&"GET /company/{company_id}".to_string()));
        // Every result starts like the prefix or goes through a parameter.
        assert!(got.iter().all(|p| p.starts_with("GET /company/")));
    }

    #[test]
    fn complete_lets_params_match_anything() {
        let c = Catalog::builtin();
        let got = paths(c.complete("/company/1dnfLZ/fu", None));
        assert_eq!(
            got,
            [
                "POST /company/{company_id}/fund",
                "GET /company/{company_id}/fund/search",
                "GET /company/{company_id}/fund/{fund_id}",
                "GET /company/{company_id}/fund/{fund_id}/deposit",
                "GET /company/{company_id}/fund/{fund_id}/whitelist",
                "POST /company/{company_id}/fund/{fund_id}/whitelist",
                "POST /company/{company_id}/fund/{fund_id}/asset",
                "POST /company/{company_id}/fund/{fund_id}/wallet",
                "GET /company/{company_id}/fund/{fund_id}/ledger",
                "PUT /company/{company_id}/fund/{fund_id}/wallet/{wallet_id}/policy",
            ]
        );
    }

    #[test]
    fn complete_filters_by_method() {
        let c = Catalog::builtin();
        let got = paths(c.complete("/coreclient/x/action/", Some("DELETE")));
        assert_eq!(got, ["DELETE /coreclient/{client_id}/action/{action_id}"]);
        assert!(c.complete("/assets", Some("POST")).is_empty());
    }

    #[test]
    fn complete_accepts_absolute_urls_and_empty_input() {
        let c = Catalog::builtin();
        let got = paths(c.complete("http://localhost:8001/api/v1/p/liq", None));
        assert_eq!(got, ["GET /liquidityhub", "GET /liquidityhub/feed"]);
        assert_eq!(c.complete("", None).len(), 49);
        assert_eq!(
            c.complete("https://api.qredo.network/api/v1/p", None).len(),
            49
        );
        assert!(c.complete("/nothing", None).is_empty());
        assert!(c.complete("/assets/extra/segments", None).is_empty());
    }

    #[test]
    fn complete_with_a_query_needs_the_whole_path() {
        let c = Catalog::builtin();
        assert_eq!(
            paths(c.complete("/company/search?query=ac", None)),
            [
                "GET /company/search",
                "GET /company/{company_id}",
                "PUT /company/{company_id}"
            ]
        );
        assert!(c.complete("/compan?query=", None).is_empty());
    }

    #[test]
    fn find_and_matches_path_take_concrete_ids() {
        let c = Catalog::builtin();
        let e = c
            .find(
                "put",
                "http://localhost:8001/api/v1/p/coreclient/abc/action/42",
            )
            .unwrap();
        assert_eq!(e.summary, "Approve an action");
        assert!(
            c.find("GET", "/company/search?query=x")
                .unwrap()
                .query
                .is_some()
        );
        assert!(c.find("GET", "/company/").is_none());
        assert_eq!(
            e.params(),
            ["client_id", "action_id"],
            "params are listed in order"
        );
    }

    #[test]
    fn complete_path_keeps_typed_ids_and_adds_the_query() {
        let c = Catalog::builtin();
        let fund = c
            .find("GET", "/company/{company_id}/fund/{fund_id}/ledger")
            .unwrap();
        assert_eq!(
            fund.complete_path("/company/C1/fund/F9/le"),
            "/company/C1/fund/F9/ledger"
        );
        assert_eq!(
            fund.complete_path("/company/C1/f"),
            "/company/C1/fund/{fund_id}/ledger"
        );
        let search = c.find("GET", "/company/search").unwrap();
        assert_eq!(search.complete_path("/comp"), "/company/search?query=");
        assert_eq!(search.url_template(), "/company/search?query=");
    }

    #[test]
    fn relative_path_strips_scheme_host_and_api_prefix() {
        assert_eq!(relative_path("https://h:1/api/v1/p/company"), "/company");
        assert_eq!(relative_path("https://h/api/v1/p"), "");
        assert_eq!(relative_path("https://h"), "");
        assert_eq!(relative_path("/api/v1/pizza"), "/api/v1/pizza");
        assert_eq!(relative_path("/company"), "/company");
        assert_eq!(relative_path("https://h/api/v1/p?x=1"), "?x=1");
    }

    #[test]
    fn from_json_refuses_a_body_without_example() {
        let bad = r#"{"endpoints":[{"group":"g","method":"POST","path":"/x","summary":"s","body":true}]}"#;
        let err = Catalog::from_json(bad).unwrap_err().to_string();
        assert!(err.contains("POST /x"), "{err}");
        assert!(Catalog::from_json("{").is_err());
    }
}
