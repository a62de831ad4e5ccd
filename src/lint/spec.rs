//! The body against the Partner API spec: a body the signature covers can still be refused
//! for its content (a required field missing, a string where a number goes). Checked with the
//! operation's request schema from the embedded spec ([`crate::openapi::Spec::partner`]),
//! each problem a warning with its JSON path (`/wallets/0/name`). A field the spec does not
//! declare is an info, listed but not asked about before sending: the API may ignore it (a
//! misspelt optional field is lost without a word), yet many send extra fields on purpose;
//! where the schema says `additionalProperties: false` it is a warning like any mismatch.

use super::{Finding, FindingKind, LintInput, Severity};
use crate::openapi::Spec;
use crate::signing::Scheme;

/// Past this many, one more finding says how many were left out.
const MAX_FINDINGS: usize = 5;

/// A body larger than this is not parsed a second time on each keystroke.
const MAX_BODY: usize = 256 * 1024;

pub(super) fn check(input: &LintInput<'_>, out: &mut Vec<Finding>) {
    if input.scheme != Scheme::PartnerRsa || input.body.len() > MAX_BODY {
        return;
    }
    let path = crate::catalog::relative_path(input.url);
    if !path.starts_with('/') {
        return;
    }
    let method = input.method.trim();
    // The catalog (already loaded) says first whether the endpoint takes a body, so a GET or
    // an unknown path never pays for reading the spec.
    if !crate::catalog::Catalog::builtin()
        .find(method, path)
        .is_some_and(|e| e.body)
    {
        return;
    }
    let Some(op) = Spec::partner().find(method, path) else {
        return;
    };
    let Some(schema) = &op.request_schema else {
        return;
    };
    let body = input.body.strip_prefix(super::BOM).unwrap_or(input.body);
    // An empty body is the user's choice to make (the API answers it 400, saying so).
    if body.iter().all(u8::is_ascii_whitespace) {
        return;
    }
    // Invalid JSON has its own finding.
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return;
    };
    let issues = schema.check(&value);
    let total = issues.len();
    for i in issues.into_iter().take(MAX_FINDINGS) {
        let at = if i.path.is_empty() {
            "the body"
        } else {
            &i.path
        };
        let mut f = finding(format!(
            "{at}: {} (the spec's schema for {} {}); the signature is unaffected, but the API may {} the body",
            i.message,
            op.method,
            op.path,
            if i.unknown_field {
                "ignore the field or refuse"
            } else {
                "refuse"
            }
        ));
        if i.unknown_field {
            f.severity = Severity::Info;
        }
        out.push(f);
    }
    if total > MAX_FINDINGS {
        out.push(finding(format!(
            "{} more differences from the spec's schema for {} {}",
            total - MAX_FINDINGS,
            op.method,
            op.path
        )));
    }
}

fn finding(message: String) -> Finding {
    Finding::new(FindingKind::BodySchema, Severity::Warning, message, None)
}

#[cfg(test)]
mod tests {
    use super::super::{LintInput, check};
    use super::*;

    const BASE: &str = "https://api.qredo.network/api/v1/p";

    fn schema_findings(method: &str, path: &str, body: &str) -> Vec<String> {
        let url = format!("{BASE}{path}");
        check(&LintInput::new(method, &url, body.as_bytes(), 0))
            .into_iter()
            .filter(|f| f.kind == FindingKind::BodySchema)
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn a_missing_required_field_in_post_company_is_a_warning_with_its_path() {
        let f = schema_findings("POST", "/company", r#"{"city":"Paris","country":"FR"}"#);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(
            f[0].starts_with("the body: required field \"name\" is missing"),
            "{f:?}"
        );
        assert!(f[0].contains("POST /company"));
        let f = schema_findings(
            "POST",
            "/company/c1/fund",
            r#"{"name":"F","wallets":[{"name":7,"asset":"BTC"}]}"#,
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(
            f[0].starts_with("/wallets/0/name: 7 is not of type \"string\""),
            "{f:?}"
        );
    }

    #[test]
    fn enums_and_undeclared_fields_are_named() {
        let f = schema_findings(
            "POST",
            "/fees",
            r#"{"type":"deposit","asset":"BTC","amount":1,"amonut":2}"#,
        );
        assert_eq!(f.len(), 2, "{f:?}");
        assert!(f.iter().any(|m| m.starts_with("/type:")), "{f:?}");
        assert!(
            f.iter()
                .any(|m| m.starts_with("/amonut: `amonut` is not a field")),
            "{f:?}"
        );
    }

    #[test]
    fn an_undeclared_field_is_listed_but_not_asked_about() {
        let url = format!("{BASE}/fees");
        let all = check(&LintInput::new("POST", &url, br#"{"amonut":2}"#, 0));
        let unknown = all
            .iter()
            .find(|f| f.message.starts_with("/amonut"))
            .unwrap();
        assert_eq!(unknown.severity, Severity::Info);
        assert!(
            unknown.message.contains("may ignore the field"),
            "{}",
            unknown.message
        );
    }

    #[test]
    fn the_catalog_examples_other_apis_and_bad_json_are_left_alone() {
        let ok =
            r#"{"name":"ACME Corp","city":"Paris","country":"FR","domain":"","ref":"{{uuid}}"}"#;
        assert!(schema_findings("POST", "/company", ok).is_empty());
        // A path the spec does not have, a Qredo v1 URL, invalid JSON: nothing from here.
        assert!(schema_findings("GET", "/company/c1", "{}").is_empty());
        assert!(schema_findings("POST", "/nowhere", "{}").is_empty());
        assert!(schema_findings("POST", "/company", "{\"name\":").is_empty());
        let qapi = "https://api.qredo.network/qapi/v1/company";
        let input = LintInput {
            scheme: Scheme::QredoV1,
            ..LintInput::new("POST", qapi, b"{}", 0)
        };
        assert!(
            check(&input)
                .iter()
                .all(|f| f.kind != FindingKind::BodySchema)
        );
        // Many problems: five, then how many more.
        let many = r#"{"name":1,"city":2,"country":3,"domain":4,"ref":5,"company_id":6}"#;
        let f = schema_findings("POST", "/company", many);
        assert_eq!(f.len(), 6, "{f:?}");
        assert!(f[5].starts_with("1 more differences"), "{f:?}");
    }
}
