//! Assertions and captures over a response or a feed message, with RFC 9535 JSON paths
//! (`serde_json_path`).

use super::file::{Capture, Expect};
use serde_json::Value;
use serde_json_path::JsonPath;
use std::collections::BTreeMap;

/// A response as the checks see it.
#[derive(Debug, Clone, Copy)]
pub struct Answer<'a> {
    pub status: u16,
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
    pub elapsed_ms: u64,
}

impl Answer<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What `query` selects in `value`; an invalid path is an error saying so.
pub fn json_path<'v>(query: &str, value: &'v Value) -> Result<Vec<&'v Value>, String> {
    let path = JsonPath::parse(query)
        .map_err(|e| format!("{query:?} is not a JSON path (RFC 9535, e.g. $.data[0].id): {e}"))?;
    Ok(path.query(value).all())
}

/// A value as text: a string as it is, anything else as compact JSON.
fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn json_of(v: &toml::Value) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// The one value a path selects, or why there is none.
fn one<'v>(query: &str, body: Option<&'v Value>) -> Result<&'v Value, String> {
    let body = body.ok_or_else(|| format!("{query}: the body is not JSON"))?;
    match json_path(query, body)?.as_slice() {
        [] => Err(format!("{query}: selects nothing")),
        [v] => Ok(v),
        many => Err(format!(
            "{query}: selects {} values, expected one",
            many.len()
        )),
    }
}

/// Every way `answer` falls short of `expect`, each with the expected and the actual.
pub fn check(expect: &Expect, answer: &Answer<'_>) -> Vec<String> {
    let mut failures = Vec::new();
    if let Some(want) = expect.status
        && want != answer.status
    {
        failures.push(format!("status: expected {want}, got {}", answer.status));
    }
    if let Some(max) = expect.max_ms
        && answer.elapsed_ms > max
    {
        failures.push(format!(
            "time: expected at most {max} ms, took {} ms",
            answer.elapsed_ms
        ));
    }
    for (name, want) in &expect.headers {
        match answer.header(name) {
            Some(got) if got == want => {}
            Some(got) => failures.push(format!("header {name}: expected {want:?}, got {got:?}")),
            None => failures.push(format!("header {name}: expected {want:?}, got none")),
        }
    }
    let needs_json =
        !(expect.json.is_empty() && expect.exists.is_empty() && expect.matches.is_empty());
    let body: Option<Value> = if needs_json {
        serde_json::from_slice(answer.body).ok()
    } else {
        None
    };
    for (query, want) in &expect.json {
        let want = json_of(want);
        match one(query, body.as_ref()) {
            Ok(got) if *got == want => {}
            Ok(got) => failures.push(format!("{query}: expected {want}, got {got}")),
            Err(e) => failures.push(format!("{e} (expected {want})")),
        }
    }
    for query in &expect.exists {
        match body.as_ref().map(|b| json_path(query, b)) {
            Some(Ok(found)) if !found.is_empty() => {}
            Some(Ok(_)) => failures.push(format!("{query}: expected to exist, selects nothing")),
            Some(Err(e)) => failures.push(e),
            None => failures.push(format!("{query}: expected to exist, the body is not JSON")),
        }
    }
    for (query, pattern) in &expect.matches {
        let re = match regex::Regex::new(pattern) {
            Ok(re) => re,
            Err(e) => {
                failures.push(format!(
                    "{query}: {pattern:?} is not a regular expression: {e}"
                ));
                continue;
            }
        };
        match one(query, body.as_ref()) {
            Ok(got) if re.is_match(&text_of(got)) => {}
            Ok(got) => failures.push(format!("{query}: expected to match /{pattern}/, got {got}")),
            Err(e) => failures.push(format!("{e} (expected to match /{pattern}/)")),
        }
    }
    failures
}

/// The captures of one answer, as text; a capture that finds nothing is an error naming it.
pub fn capture(
    captures: &BTreeMap<String, Capture>,
    answer: &Answer<'_>,
) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    if captures.is_empty() {
        return Ok(out);
    }
    let body: Option<Value> = serde_json::from_slice(answer.body).ok();
    for (name, how) in captures {
        let value = match how {
            Capture::Header(h) => answer
                .header(h)
                .map(str::to_string)
                .ok_or_else(|| format!("capture {name}: no header {h} in the response"))?,
            Capture::Json(q) => {
                text_of(one(q, body.as_ref()).map_err(|e| format!("capture {name}: {e}"))?)
            }
        };
        out.insert(name.clone(), value);
    }
    Ok(out)
}

/// Whether a feed message meets every condition (`"*"`: the path selects something).
pub fn feed_matches(
    conditions: &BTreeMap<String, toml::Value>,
    message: &Value,
) -> Result<bool, String> {
    for (query, want) in conditions {
        let found = json_path(query, message)?;
        let ok = match want {
            toml::Value::String(s) if s == "*" => !found.is_empty(),
            other => {
                let want = json_of(other);
                found.iter().any(|v| **v == want)
            }
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The captures of a feed message (JSON paths only: a message has no headers).
pub fn capture_message(
    captures: &BTreeMap<String, Capture>,
    message: &Value,
) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for (name, how) in captures {
        let Capture::Json(q) = how else {
            return Err(format!("capture {name}: a feed message has no headers"));
        };
        let v = one(q, Some(message)).map_err(|e| format!("capture {name}: {e}"))?;
        out.insert(name.clone(), text_of(v));
    }
    Ok(out)
}
