//! How a sent body differs from the signed one, named the way people cause it.

use serde_json::Value;

/// The kind of change between the signed and the sent body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyChange {
    /// A trailing newline added (`added`) or dropped.
    TrailingNewline { added: bool },
    /// A byte order mark added or dropped.
    Bom { added: bool },
    /// LF turned into CRLF, or back.
    LineEndings { crlf_sent: bool },
    /// The same JSON value, indented with tabs on the sent side (or the signed side).
    TabIndented { sent_has_tabs: bool },
    /// The same JSON value with keys in another order.
    KeysReordered { path: String },
    /// The same JSON value, other whitespace (pretty against compact).
    Reformatted {
        sent_compact: bool,
        signed_compact: bool,
    },
    /// A body on one side only.
    Missing { sent_empty: bool },
    /// Different content.
    Content,
}

pub fn classify(signed: &[u8], sent: &[u8]) -> BodyChange {
    if signed.is_empty() != sent.is_empty() {
        return BodyChange::Missing {
            sent_empty: sent.is_empty(),
        };
    }
    for (added, longer, shorter) in [(true, sent, signed), (false, signed, sent)] {
        if longer.strip_suffix(b"\n") == Some(shorter)
            || longer.strip_suffix(b"\r\n") == Some(shorter)
        {
            return BodyChange::TrailingNewline { added };
        }
        if longer.strip_prefix(BOM) == Some(shorter) {
            return BodyChange::Bom { added };
        }
    }
    if lf(signed) == lf(sent) {
        return BodyChange::LineEndings {
            crlf_sent: count(sent, b"\r\n") > count(signed, b"\r\n"),
        };
    }
    let (Ok(a), Ok(b)) = (
        serde_json::from_slice::<Value>(strip_bom(signed)),
        serde_json::from_slice::<Value>(strip_bom(sent)),
    ) else {
        return BodyChange::Content;
    };
    // serde_json's map equality ignores key order, so equal values may still be reordered.
    if a != b {
        return BodyChange::Content;
    }
    if let Some(path) = first_reordered(&a, &b, "$") {
        return BodyChange::KeysReordered { path };
    }
    let (tabs_signed, tabs_sent) = (indented_with_tabs(signed), indented_with_tabs(sent));
    if tabs_signed != tabs_sent {
        return BodyChange::TabIndented {
            sent_has_tabs: tabs_sent,
        };
    }
    BodyChange::Reformatted {
        sent_compact: is_compact(sent, &b),
        signed_compact: is_compact(signed, &a),
    }
}

const BOM: &[u8] = b"\xef\xbb\xbf";

fn strip_bom(b: &[u8]) -> &[u8] {
    b.strip_prefix(BOM).unwrap_or(b)
}

fn lf(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
            i += 1;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

fn count(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).filter(|w| *w == needle).count()
}

/// A tab at the start of a line, or a tab outside any string: the shape of tab indentation.
fn indented_with_tabs(b: &[u8]) -> bool {
    let mut in_string = false;
    let mut escaped = false;
    for &c in b {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if c == b'"' {
            in_string = true;
        } else if c == b'\t' {
            return true;
        }
    }
    false
}

fn is_compact(bytes: &[u8], v: &Value) -> bool {
    serde_json::to_vec(v).is_ok_and(|c| c == strip_bom(bytes))
}

/// The JSON path of the first object whose keys come in another order.
fn first_reordered(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            if !x.keys().eq(y.keys()) {
                return Some(path.to_string());
            }
            x.iter()
                .find_map(|(k, v)| first_reordered(v, &y[k], &format!("{path}.{k}")))
        }
        (Value::Array(x), Value::Array(y)) => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (v, w))| first_reordered(v, w, &format!("{path}[{i}]"))),
        _ => None,
    }
}

/// Other forms a JSON body commonly takes on its way from signing to sending, for
/// finding which one an x-sign was made over. The sent bytes themselves are not included.
pub fn variants(sent: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let mut out: Vec<(&'static str, Vec<u8>)> = Vec::new();
    let mut push = |label: &'static str, v: Vec<u8>| {
        if v != sent && !out.iter().any(|(_, o)| *o == v) {
            out.push((label, v));
        }
    };
    push(
        "the body without its trailing newline",
        sent.strip_suffix(b"\n").unwrap_or(sent).to_vec(),
    );
    push("the body with a trailing newline", [sent, b"\n"].concat());
    push(
        "the body without its byte order mark",
        strip_bom(sent).to_vec(),
    );
    push("the body with LF line endings", lf(sent));
    push("an empty body", Vec::new());
    if let Ok(v) = serde_json::from_slice::<Value>(strip_bom(sent)) {
        if let Ok(c) = serde_json::to_vec(&v) {
            push("the body as compact JSON", c);
        }
        for (label, indent) in [
            ("the body pretty-printed with 2 spaces", &b"  "[..]),
            ("the body pretty-printed with 4 spaces", &b"    "[..]),
            ("the body indented with tabs", &b"\t"[..]),
        ] {
            let mut buf = Vec::new();
            let fmt = serde_json::ser::PrettyFormatter::with_indent(indent);
            let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
            if serde::Serialize::serialize(&v, &mut ser).is_ok() {
                push(label, buf.clone());
                buf.push(b'\n');
                push(label, buf);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_each_kind_of_change() {
        let compact = br#"{"name":"ACME","city":"Paris"}"#;
        assert_eq!(
            classify(
                compact,
                b"{\n\t\"name\": \"ACME\",\n\t\"city\": \"Paris\"\n}"
            ),
            BodyChange::TabIndented {
                sent_has_tabs: true
            }
        );
        assert_eq!(
            classify(
                compact,
                b"{\n  \"name\": \"ACME\",\n  \"city\": \"Paris\"\n}"
            ),
            BodyChange::Reformatted {
                sent_compact: false,
                signed_compact: true
            }
        );
        assert_eq!(
            classify(compact, br#"{"city":"Paris","name":"ACME"}"#),
            BodyChange::KeysReordered { path: "$".into() }
        );
        assert_eq!(
            classify(compact, &[&compact[..], b"\n"].concat()),
            BodyChange::TrailingNewline { added: true }
        );
        assert_eq!(
            classify(&[BOM, &compact[..]].concat(), compact),
            BodyChange::Bom { added: false }
        );
        assert_eq!(
            classify(b"{\n}\n", b"{\r\n}\r\n"),
            BodyChange::LineEndings { crlf_sent: true }
        );
        assert_eq!(
            classify(compact, br#"{"name":"ACME","city":"Lyon"}"#),
            BodyChange::Content
        );
        assert_eq!(
            classify(compact, b""),
            BodyChange::Missing { sent_empty: true }
        );
    }

    #[test]
    fn a_tab_inside_a_string_is_content_not_indentation() {
        assert!(!indented_with_tabs(b"{\"a\":\"x\\\"\ty\"}"));
        assert!(indented_with_tabs(b"{\n\t\"a\": 1}"));
    }

    #[test]
    fn nested_reorder_reports_its_path() {
        assert_eq!(
            classify(br#"{"a":{"x":1,"y":2}}"#, br#"{"a":{"y":2,"x":1}}"#),
            BodyChange::KeysReordered { path: "$.a".into() }
        );
    }

    #[test]
    fn variants_hold_the_compact_form_of_a_pretty_body() {
        let pretty = b"{\n  \"a\": 1\n}\n";
        let v = variants(pretty);
        assert!(
            v.iter()
                .any(|(l, b)| *l == "the body as compact JSON" && b == br#"{"a":1}"#)
        );
        assert!(v.iter().all(|(_, b)| b != pretty));
    }
}
