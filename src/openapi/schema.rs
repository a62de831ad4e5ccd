//! An operation's schema as a standalone JSON Schema (draft 2020-12), checked with the
//! `jsonschema` crate: every `$ref` the schema reaches is copied under `$defs` and pointed
//! at there, and OpenAPI 3.0's dialect is mapped (`nullable`, boolean `exclusiveMinimum`/
//! `exclusiveMaximum`). `format` is an annotation only, as in JSON Schema 2020-12.

use super::{OpenApiError, pointer};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

/// What the body check found: where in the body (a JSON pointer, `""` for the whole body),
/// and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyIssue {
    /// A JSON pointer such as `/funds/0/name`; empty for the body itself.
    pub path: String,
    pub message: String,
    /// A field the schema does not declare, where the schema does not forbid others: the
    /// server may ignore it or refuse it, so it is a warning, not an error.
    pub unknown_field: bool,
}

/// A request or response schema, compiled on first use: a document holds a hundred of them
/// and a lint or a send needs one.
#[derive(Clone)]
pub struct BodySchema {
    /// The standalone schema, for showing and for tests.
    pub schema: Arc<Value>,
    compiled: Arc<OnceLock<Result<Compiled, String>>>,
}

struct Compiled {
    validator: jsonschema::Validator,
    /// The same schema with undeclared fields refused, where it left them open: to name a
    /// field nothing documents.
    strict: Option<jsonschema::Validator>,
}

impl std::fmt::Debug for BodySchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BodySchema")
            .field("schema", &self.schema)
            .finish_non_exhaustive()
    }
}

impl BodySchema {
    /// Builds the standalone schema of `schema` (a `$ref` or inline) from `doc`.
    pub fn standalone(
        doc: &Value,
        schema: &Value,
        v31: bool,
        at: &str,
    ) -> Result<BodySchema, OpenApiError> {
        let mut defs = Defs::default();
        let mut root = convert(doc, schema, v31, &mut defs, at)?;
        while let Some((name, target)) = defs.pending.pop() {
            let converted = convert(doc, &target, v31, &mut defs, at)?;
            defs.done.insert(name, converted);
        }
        if let Value::Object(m) = &mut root
            && !defs.done.is_empty()
        {
            m.insert(
                "$defs".into(),
                Value::Object(defs.done.into_iter().collect()),
            );
        }
        Ok(BodySchema {
            schema: Arc::new(root),
            compiled: Arc::new(OnceLock::new()),
        })
    }

    fn compiled(&self) -> Result<&Compiled, &str> {
        self.compiled
            .get_or_init(|| {
                let build = |s: &Value| {
                    jsonschema::options()
                        .with_draft(jsonschema::Draft::Draft202012)
                        .build(s)
                        .map_err(|e| format!("the spec's schema is not a valid JSON Schema: {e}"))
                };
                Ok(Compiled {
                    validator: build(&self.schema)?,
                    strict: strict(&self.schema).map(|s| build(&s)).transpose()?,
                })
            })
            .as_ref()
            .map_err(String::as_str)
    }

    /// Every way `body` breaks the schema, errors first, then undeclared fields.
    pub fn check(&self, body: &Value) -> Vec<BodyIssue> {
        let c = match self.compiled() {
            Ok(c) => c,
            Err(e) => {
                return vec![BodyIssue {
                    path: String::new(),
                    message: e.to_string(),
                    unknown_field: false,
                }];
            }
        };
        let mut out: Vec<BodyIssue> = c
            .validator
            .iter_errors(body)
            .map(|e| BodyIssue {
                path: e.instance_path().as_str().to_string(),
                message: message(&e),
                unknown_field: false,
            })
            .collect();
        if let Some(strict) = &c.strict {
            for e in strict.iter_errors(body) {
                if let jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } =
                    e.kind()
                {
                    let base = e.instance_path().as_str().to_string();
                    for name in unexpected {
                        let path = format!("{base}/{}", name.replace('~', "~0").replace('/', "~1"));
                        if out.iter().any(|i| i.path == path) {
                            continue;
                        }
                        out.push(BodyIssue {
                            path,
                            message: format!(
                                "`{name}` is not a field the spec declares here: check its spelling"
                            ),
                            unknown_field: true,
                        });
                    }
                }
            }
        }
        out
    }

    /// Whether `body` matches (a schema that does not compile matches nothing).
    pub fn is_valid(&self, body: &Value) -> bool {
        self.compiled().is_ok_and(|c| c.validator.is_valid(body))
    }
}

/// The crate's message, with the wording the lint list needs for the common cases.
fn message(e: &jsonschema::ValidationError<'_>) -> String {
    use jsonschema::error::ValidationErrorKind as K;
    match e.kind() {
        K::Required { property } => format!("required field {property} is missing: add it"),
        K::AdditionalProperties { unexpected } => format!(
            "the spec allows no field {} here: remove it or check its spelling",
            unexpected.join(", ")
        ),
        _ => e.to_string(),
    }
}

#[derive(Default)]
struct Defs {
    /// `$ref` target → the name under `$defs`.
    names: BTreeMap<String, String>,
    pending: Vec<(String, Value)>,
    done: BTreeMap<String, Value>,
}

impl Defs {
    fn name_of(&mut self, doc: &Value, r: &str, at: &str) -> Result<String, OpenApiError> {
        if let Some(n) = self.names.get(r) {
            return Ok(n.clone());
        }
        let target = pointer(doc, r, at)?.clone();
        let last = r.rsplit('/').next().unwrap_or("def");
        let mut name = last.to_string();
        let mut i = 1;
        while self.names.values().any(|n| *n == name) {
            i += 1;
            name = format!("{last}_{i}");
        }
        self.names.insert(r.to_string(), name.clone());
        self.pending.push((name.clone(), target));
        Ok(name)
    }
}

/// One schema node in JSON Schema 2020-12, its references renamed into `$defs`.
fn convert(
    doc: &Value,
    v: &Value,
    v31: bool,
    defs: &mut Defs,
    at: &str,
) -> Result<Value, OpenApiError> {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                let name = defs.name_of(doc, r, at)?;
                // In 3.0 a `$ref`'s siblings are ignored; 3.1 keeps them.
                let mut out = Map::new();
                out.insert("$ref".into(), Value::String(format!("#/$defs/{name}")));
                if v31 {
                    for (k, x) in m {
                        if k != "$ref" {
                            out.insert(k.clone(), convert(doc, x, v31, defs, at)?);
                        }
                    }
                }
                return Ok(Value::Object(out));
            }
            let mut out = Map::new();
            for (k, x) in m {
                match k.as_str() {
                    // Values, not schemas: copied as they are.
                    "example" | "examples" | "enum" | "const" | "default" | "x-examples" => {
                        out.insert(k.clone(), x.clone());
                    }
                    "properties" | "patternProperties" | "$defs" | "definitions" => {
                        let mut props = Map::new();
                        if let Value::Object(ps) = x {
                            for (name, s) in ps {
                                props.insert(name.clone(), convert(doc, s, v31, defs, at)?);
                            }
                        }
                        out.insert(k.clone(), Value::Object(props));
                    }
                    _ => {
                        out.insert(k.clone(), convert(doc, x, v31, defs, at)?);
                    }
                }
            }
            if !v31 {
                map_30(&mut out);
            }
            Ok(Value::Object(out))
        }
        Value::Array(a) => Ok(Value::Array(
            a.iter()
                .map(|x| convert(doc, x, v31, defs, at))
                .collect::<Result<_, _>>()?,
        )),
        other => Ok(other.clone()),
    }
}

/// OpenAPI 3.0's differences from JSON Schema, in one schema node.
fn map_30(m: &mut Map<String, Value>) {
    if m.remove("nullable") == Some(Value::Bool(true)) {
        let bare = m
            .keys()
            .all(|k| matches!(k.as_str(), "title" | "description"));
        match m.get_mut("type") {
            Some(Value::String(t)) => {
                let t = t.clone();
                m.insert("type".into(), json!([t, "null"]));
            }
            Some(Value::Array(ts)) if !ts.contains(&json!("null")) => ts.push(json!("null")),
            // `oneOf: [{$ref: X}, {nullable: true}]`, the spec's idiom for "X or null": a
            // bare `nullable` reads as null alone, not as a schema that takes anything.
            None if bare => {
                m.insert("type".into(), json!("null"));
            }
            _ => {}
        }
        if let Some(Value::Array(e)) = m.get_mut("enum")
            && !e.contains(&Value::Null)
        {
            e.push(Value::Null);
        }
    }
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Bool(b)) = m.get(flag).cloned() {
            m.remove(flag);
            if b && let Some(n) = m.remove(bound) {
                m.insert(flag.into(), n);
            }
        }
    }
}

/// The schema with `additionalProperties: false` on every object that declares properties
/// and says nothing of others; None when nothing changes. Objects under a combinator
/// (`allOf`, `anyOf`, `oneOf`) are left open: each part declares only some fields.
fn strict(root: &Value) -> Option<Value> {
    fn walk(v: &mut Value, under_combinator: bool, changed: &mut bool) {
        match v {
            Value::Object(m) => {
                if !under_combinator
                    && m.contains_key("properties")
                    && !m.contains_key("additionalProperties")
                    && !m.contains_key("unevaluatedProperties")
                    && !["allOf", "anyOf", "oneOf"]
                        .iter()
                        .any(|k| m.contains_key(*k))
                {
                    m.insert("additionalProperties".into(), Value::Bool(false));
                    *changed = true;
                }
                for (k, x) in m.iter_mut() {
                    if matches!(
                        k.as_str(),
                        "enum" | "const" | "example" | "examples" | "default"
                    ) {
                        continue;
                    }
                    let comb = matches!(k.as_str(), "allOf" | "anyOf" | "oneOf");
                    walk(x, under_combinator || comb, changed);
                }
            }
            Value::Array(a) => {
                for x in a {
                    walk(x, under_combinator, changed);
                }
            }
            _ => {}
        }
    }
    let mut s = root.clone();
    let mut changed = false;
    walk(&mut s, false, &mut changed);
    changed.then_some(s)
}
