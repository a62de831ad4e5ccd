//! An example body for an operation: the document's own (`example`, the first of
//! `examples`, the schema's `example` or `x-examples`), else one made from the schema with
//! each required field and each declared one given a value of its type.

use serde_json::{Map, Value};

pub(super) fn of_media(doc: &Value, media: &Value) -> Option<Value> {
    if let Some(e) = media.get("example") {
        return Some(e.clone());
    }
    if let Some(Value::Object(es)) = media.get("examples")
        && let Some((_, first)) = es.iter().next()
        && let Ok(first) = super::resolve(doc, first, "examples")
        && let Some(v) = first.get("value")
    {
        return Some(v.clone());
    }
    let schema = super::resolve(doc, media.get("schema")?, "schema").ok()?;
    Some(of_schema(doc, schema, 0))
}

/// An example of one schema: its own example when it has one.
fn of_schema(doc: &Value, s: &Value, depth: usize) -> Value {
    let Ok(s) = super::resolve(doc, s, "schema") else {
        return Value::Null;
    };
    if let Some(e) = s.get("example") {
        return e.clone();
    }
    if let Some(Value::Object(es)) = s.get("x-examples")
        && let Some((_, first)) = es.iter().next()
    {
        return first.clone();
    }
    if let Some(d) = s.get("default") {
        return d.clone();
    }
    if let Some(Value::Array(e)) = s.get("enum")
        && let Some(first) = e.first()
    {
        return first.clone();
    }
    // A recursive schema stops here rather than growing without bound.
    if depth > 8 {
        return Value::Null;
    }
    for comb in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(parts)) = s.get(comb) {
            if comb != "allOf" {
                return parts
                    .first()
                    .map_or(Value::Null, |p| of_schema(doc, p, depth + 1));
            }
            let mut merged = Map::new();
            for p in parts {
                if let Value::Object(m) = of_schema(doc, p, depth + 1) {
                    merged.extend(m);
                }
            }
            return Value::Object(merged);
        }
    }
    let ty = match s.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ if s.get("properties").is_some() => "object",
        _ => "",
    };
    match ty {
        "object" => {
            let mut m = Map::new();
            if let Some(Value::Object(props)) = s.get("properties") {
                for (name, p) in props {
                    m.insert(name.clone(), of_schema(doc, p, depth + 1));
                }
            }
            Value::Object(m)
        }
        "array" => match s.get("items") {
            Some(items) => Value::Array(vec![of_schema(doc, items, depth + 1)]),
            None => Value::Array(Vec::new()),
        },
        "string" => Value::String(String::new()),
        "integer" | "number" => Value::from(0),
        "boolean" => Value::Bool(false),
        _ => Value::Null,
    }
}
