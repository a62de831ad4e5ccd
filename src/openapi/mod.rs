//! The one OpenAPI reader: an OpenAPI 3.0 or 3.1 document (YAML or JSON) as a list of
//! operations, each with its method, path, summary, parameters, an example body and its
//! request schema as a standalone JSON Schema. The catalog's drift test, `xsign import
//! openapi`, the lint's body check and the mock's conformance test all read specs through
//! it. Pure: no sockets, no terminal; a `$ref` outside the document is refused, never
//! fetched.

pub mod errata;
mod example;
mod schema;

pub use schema::{BodyIssue, BodySchema};

use serde_json::{Map, Value};
use std::sync::OnceLock;

/// The Partner API's public spec (v1.1.2), compiled in as JSON (build.rs converts the YAML): the body check and the catalog's
/// drift test read it offline.
pub const PARTNER_SPEC: &str = include_str!(concat!(env!("OUT_DIR"), "/partner-api-v1.1.2.json"));

const METHODS: &[&str] = &["get", "put", "post", "delete", "patch", "head", "options"];

#[derive(Debug, thiserror::Error)]
pub enum OpenApiError {
    #[error(
        "not a YAML or JSON document: {0}. Give an OpenAPI 3.0 or 3.1 file (.yaml, .yml or .json)"
    )]
    Syntax(String),
    #[error(
        "not an OpenAPI 3 document: {0}. xsign reads OpenAPI 3.0 and 3.1 (a Swagger 2.0 file can be converted with swagger2openapi)"
    )]
    NotOpenApi(String),
    #[error("{at}: {problem}. Fix the document and import it again")]
    Invalid { at: String, problem: String },
}

/// One parameter of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    /// `path`, `query`, `header` or `cookie`.
    pub location: String,
    pub required: bool,
}

/// One operation: a method on a path.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Upper case.
    pub method: String,
    /// As the document spells it, `{name}` for each path parameter.
    pub path: String,
    pub summary: String,
    pub tags: Vec<String>,
    pub params: Vec<Param>,
    /// A JSON body to start from: the document's example, or one made from the schema.
    pub example_body: Option<Value>,
    /// The JSON request body's schema, standalone (every `$ref` resolvable inside it).
    pub request_schema: Option<BodySchema>,
    /// Whether the document says the body is required.
    pub body_required: bool,
    /// The JSON schema of each documented response, by status code (`200`, `default`).
    pub response_schemas: Vec<(String, BodySchema)>,
}

impl Operation {
    /// The query parameters' names, in the document's order.
    pub fn query_params(&self) -> impl Iterator<Item = &str> {
        self.params
            .iter()
            .filter(|p| p.location == "query")
            .map(|p| p.name.as_str())
    }

    /// The example body as compact JSON.
    pub fn example_body_text(&self) -> Option<String> {
        self.example_body
            .as_ref()
            .map(|v| serde_json::to_string(v).expect("a JSON value always serializes"))
    }

    /// The schema of the response for `status`: its own code, else `2XX`-style, else `default`.
    pub fn response_schema(&self, status: u16) -> Option<&BodySchema> {
        let code = status.to_string();
        let range = format!("{}XX", status / 100);
        ["code", "range", "default"].iter().find_map(|which| {
            let want = match *which {
                "code" => code.as_str(),
                "range" => range.as_str(),
                _ => "default",
            };
            self.response_schemas
                .iter()
                .find(|(c, _)| c.eq_ignore_ascii_case(want))
                .map(|(_, s)| s)
        })
    }
}

/// A loaded document.
#[derive(Debug, Clone)]
pub struct Spec {
    pub title: String,
    pub version: String,
    /// `3.0.x` or `3.1.x`.
    pub openapi: String,
    /// The first server's URL, when there is one.
    pub server: Option<String>,
    pub operations: Vec<Operation>,
}

impl Spec {
    /// Parses YAML or JSON text (JSON is YAML, but serde_json's errors are clearer for it).
    pub fn parse(text: &str) -> Result<Spec, OpenApiError> {
        Spec::from_value(document(text)?)
    }

    /// The Partner API's spec compiled into the binary with its [`errata`] applied, parsed
    /// once (on first use: `xsign sign` without a body never pays for it).
    pub fn partner() -> &'static Spec {
        static SPEC: OnceLock<Spec> = OnceLock::new();
        SPEC.get_or_init(|| {
            let mut doc = document(PARTNER_SPEC).expect("the embedded spec is checked by tests");
            errata::apply(&mut doc, errata::PARTNER).expect("the errata are checked by tests");
            Spec::from_value(doc).expect("the embedded Partner API spec is checked by tests")
        })
    }

    pub fn from_value(doc: Value) -> Result<Spec, OpenApiError> {
        let Some(root) = doc.as_object() else {
            return Err(OpenApiError::NotOpenApi(
                "the top level is not a mapping".into(),
            ));
        };
        let openapi = match root.get("openapi") {
            Some(Value::String(v)) if v.starts_with("3.") => v.clone(),
            Some(v) => {
                return Err(OpenApiError::NotOpenApi(format!(
                    "`openapi: {}` is not 3.0 or 3.1",
                    v.as_str().map_or_else(|| v.to_string(), str::to_string)
                )));
            }
            None if root.contains_key("swagger") => {
                return Err(OpenApiError::NotOpenApi("it is a Swagger 2.0 file".into()));
            }
            None => {
                return Err(OpenApiError::NotOpenApi(
                    "it has no `openapi:` field".into(),
                ));
            }
        };
        let v31 = openapi.starts_with("3.1");
        let info = root.get("info").and_then(Value::as_object);
        let text = |k: &str| {
            info.and_then(|i| i.get(k))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let server = root
            .get("servers")
            .and_then(Value::as_array)
            .and_then(|s| s.first())
            .and_then(|s| s.get("url"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let empty = Map::new();
        let paths = match root.get("paths") {
            Some(Value::Object(p)) => p,
            None | Some(Value::Null) => &empty,
            Some(_) => {
                return Err(OpenApiError::Invalid {
                    at: "paths".into(),
                    problem: "is not a mapping of paths".into(),
                });
            }
        };
        let mut operations = Vec::new();
        for (path, item) in paths {
            let item = resolve(&doc, item, &format!("paths.{path}"))?;
            let Some(item) = item.as_object() else {
                return Err(OpenApiError::Invalid {
                    at: format!("paths.{path}"),
                    problem: "is not a mapping of methods".into(),
                });
            };
            let shared = params(&doc, item.get("parameters"), path)?;
            for m in METHODS {
                let Some(op) = item.get(*m) else { continue };
                let at = format!("paths.{path}.{m}");
                operations.push(operation(&doc, path, m, op, &shared, v31, &at)?);
            }
        }
        Ok(Spec {
            title: text("title"),
            version: text("version"),
            openapi,
            server,
            operations,
        })
    }

    /// The operation for a method and a concrete path relative to the server (query
    /// ignored); a literal segment beats a parameter.
    pub fn find(&self, method: &str, path: &str) -> Option<&Operation> {
        let path = path.split_once('?').map_or(path, |(p, _)| p);
        let typed: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        self.operations
            .iter()
            .filter(|o| o.method.eq_ignore_ascii_case(method))
            .filter_map(|o| {
                let tpl: Vec<&str> = o.path.trim_start_matches('/').split('/').collect();
                if tpl.len() != typed.len() {
                    return None;
                }
                let mut params = 0;
                for (t, v) in tpl.iter().zip(&typed) {
                    if t.starts_with('{') && t.ends_with('}') {
                        if v.is_empty() {
                            return None;
                        }
                        params += 1;
                    } else if t != v {
                        return None;
                    }
                }
                Some((params, o))
            })
            .min_by_key(|(p, _)| *p)
            .map(|(_, o)| o)
    }
}

/// A YAML or JSON document as a JSON value.
pub fn document(text: &str) -> Result<Value, OpenApiError> {
    if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| OpenApiError::Syntax(e.to_string()))
    } else {
        serde_norway::from_str(text).map_err(|e| OpenApiError::Syntax(e.to_string()))
    }
}

fn operation(
    doc: &Value,
    path: &str,
    method: &str,
    op: &Value,
    shared: &[Param],
    v31: bool,
    at: &str,
) -> Result<Operation, OpenApiError> {
    let op = resolve(doc, op, at)?;
    let str_of = |k: &str| op.get(k).and_then(Value::as_str).unwrap_or("").trim();
    let summary = match str_of("summary") {
        "" => str_of("description")
            .lines()
            .next()
            .unwrap_or("")
            .to_string(),
        s => s.to_string(),
    };
    let tags = op
        .get("tags")
        .and_then(Value::as_array)
        .map(|t| {
            t.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let mut ps = params(doc, op.get("parameters"), at)?;
    for p in shared {
        if !ps
            .iter()
            .any(|q| q.name == p.name && q.location == p.location)
        {
            ps.push(p.clone());
        }
    }
    let (mut example_body, mut request_schema, mut body_required) = (None, None, false);
    if let Some(rb) = op.get("requestBody") {
        let rb = resolve(doc, rb, &format!("{at}.requestBody"))?;
        body_required = rb.get("required").and_then(Value::as_bool).unwrap_or(false);
        if let Some(media) = json_media(rb.get("content")) {
            let media = resolve(doc, media, &format!("{at}.requestBody"))?;
            if let Some(s) = media.get("schema") {
                request_schema = Some(BodySchema::standalone(doc, s, v31, at)?);
            }
            example_body = example::of_media(doc, media);
        }
    }
    let mut response_schemas = Vec::new();
    if let Some(Value::Object(rs)) = op.get("responses") {
        for (code, r) in rs {
            let r = resolve(doc, r, &format!("{at}.responses.{code}"))?;
            if let Some(media) = json_media(r.get("content")) {
                let media = resolve(doc, media, &format!("{at}.responses.{code}"))?;
                if let Some(s) = media.get("schema") {
                    let at = format!("{at}.responses.{code}");
                    response_schemas
                        .push((code.clone(), BodySchema::standalone(doc, s, v31, &at)?));
                }
            }
        }
    }
    Ok(Operation {
        method: method.to_ascii_uppercase(),
        path: path.to_string(),
        summary,
        tags,
        params: ps,
        example_body,
        request_schema,
        body_required,
        response_schemas,
    })
}

/// The JSON media type of a `content` map: `application/json`, else any `+json` or `*/*`.
fn json_media(content: Option<&Value>) -> Option<&Value> {
    let c = content?.as_object()?;
    c.get("application/json").or_else(|| {
        c.iter()
            .find(|(k, _)| k.ends_with("+json") || k.starts_with("application/json"))
            .or_else(|| c.iter().find(|(k, _)| *k == "*/*"))
            .map(|(_, v)| v)
    })
}

fn params(doc: &Value, list: Option<&Value>, at: &str) -> Result<Vec<Param>, OpenApiError> {
    let Some(list) = list.and_then(Value::as_array) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for p in list {
        let p = resolve(doc, p, &format!("{at}.parameters"))?;
        let (Some(name), Some(location)) = (
            p.get("name").and_then(Value::as_str),
            p.get("in").and_then(Value::as_str),
        ) else {
            return Err(OpenApiError::Invalid {
                at: format!("{at}.parameters"),
                problem: "a parameter needs `name` and `in`".into(),
            });
        };
        out.push(Param {
            name: name.to_string(),
            location: location.to_string(),
            required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
        });
    }
    Ok(out)
}

/// Follows a `$ref` (several in a row) inside the document.
pub(crate) fn resolve<'a>(
    doc: &'a Value,
    v: &'a Value,
    at: &str,
) -> Result<&'a Value, OpenApiError> {
    let mut v = v;
    for _ in 0..32 {
        let Some(r) = v.get("$ref").and_then(Value::as_str) else {
            return Ok(v);
        };
        v = pointer(doc, r, at)?;
    }
    Err(OpenApiError::Invalid {
        at: at.into(),
        problem: "a `$ref` chain loops".into(),
    })
}

pub(crate) fn pointer<'a>(doc: &'a Value, r: &str, at: &str) -> Result<&'a Value, OpenApiError> {
    let Some(p) = r.strip_prefix('#') else {
        return Err(OpenApiError::Invalid {
            at: at.into(),
            problem: format!(
                "`$ref: {r}` points outside the document; xsign reads one self-contained file (bundle it first, e.g. with redocly bundle)"
            ),
        });
    };
    doc.pointer(p).ok_or_else(|| OpenApiError::Invalid {
        at: at.into(),
        problem: format!("`$ref: {r}` names nothing in the document"),
    })
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
