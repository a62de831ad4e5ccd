use super::*;
use crate::catalog::Catalog;
use serde_json::json;

fn partner() -> &'static Spec {
    Spec::partner()
}

#[test]
fn the_partner_spec_loads_with_every_path_and_method() {
    let s = partner();
    assert_eq!(s.openapi, "3.0.2");
    assert_eq!(
        s.server.as_deref(),
        Some("https://api.qredo.network/api/v1/p")
    );
    // 43 paths in the document; some carry several methods.
    assert_eq!(s.operations.len(), 53);
    let verify = s.find("POST", "/coreclient/verify").unwrap();
    assert_eq!(verify.path, "/coreclient/verify");
    assert!(verify.request_schema.is_some());
    let ledger = s.find("GET", "/company/c1/fund/f1/ledger?limit=2").unwrap();
    let q: Vec<&str> = ledger.query_params().collect();
    assert_eq!(q, ["asset", "wallet_id", "direction", "offset", "limit"]);
    // A literal segment beats a parameter.
    assert_eq!(
        s.find("GET", "/company/search").unwrap().path,
        "/company/search"
    );
    // Path-level parameters are the operation's too.
    let action = s.find("GET", "/coreclient/action/a1").unwrap();
    assert!(
        action
            .params
            .iter()
            .any(|p| p.name == "action_id" && p.location == "path")
    );
}

/// The catalog is written by hand (summaries in xsign's words, examples that sign, the feeds
/// and notes the spec lacks); this keeps it from drifting from the spec.
#[test]
fn the_catalog_has_every_operation_and_query_parameter_of_the_spec() {
    let catalog = Catalog::builtin();
    let mut missing = Vec::new();
    for op in &partner().operations {
        let Some(e) = catalog
            .endpoints()
            .iter()
            .find(|e| e.method == op.method && e.path == op.path)
        else {
            missing.push(format!("{} {}", op.method, op.path));
            continue;
        };
        let offered: Vec<&str> = e
            .query
            .as_deref()
            .unwrap_or("")
            .split('&')
            .map(|kv| kv.split('=').next().unwrap_or(""))
            .collect();
        for q in op.query_params() {
            if !offered.contains(&q) {
                missing.push(format!("{} {}?{q}=", op.method, op.path));
            }
        }
        assert_eq!(
            e.body,
            op.request_schema.is_some(),
            "{} {}: the catalog and the spec disagree on whether it takes a body",
            op.method,
            op.path
        );
    }
    assert!(
        missing.is_empty(),
        "add to assets/endpoints.json: {missing:#?}"
    );
    // What the catalog has beyond the spec is said, in its note.
    for e in catalog.endpoints() {
        if partner().find(&e.method, &e.path).is_none() {
            assert!(
                e.websocket && e.note.as_deref().is_some_and(|n| n.contains("spec")),
                "{} {} is in no spec: remove it, or say why in its note",
                e.method,
                e.path
            );
        }
    }
}

#[test]
fn every_catalog_example_body_passes_the_spec_schema() {
    for e in Catalog::builtin().endpoints() {
        let (Some(body), Some(op)) = (e.example_body(), partner().find(&e.method, &e.path)) else {
            continue;
        };
        let body: Value = serde_json::from_str(&body).unwrap();
        let errors: Vec<_> = op
            .request_schema
            .as_ref()
            .unwrap()
            .check(&body)
            .into_iter()
            .filter(|i| !i.unknown_field)
            .collect();
        assert!(errors.is_empty(), "{} {}: {errors:?}", e.method, e.path);
    }
}

#[test]
fn a_missing_required_field_and_a_wrong_type_are_found_with_their_json_path() {
    let schema = partner()
        .find("POST", "/company/c1/fund")
        .unwrap()
        .request_schema
        .clone()
        .unwrap();
    let body = json!({"description": "x", "wallets": [{"name": 5, "asset": "BTC"}]});
    let issues = schema.check(&body);
    assert!(
        issues
            .iter()
            .any(|i| i.path.is_empty() && i.message.contains("\"name\"")),
        "{issues:?}"
    );
    assert!(
        issues.iter().any(|i| i.path == "/wallets/0/name"),
        "{issues:?}"
    );
    let company = partner().find("POST", "/company").unwrap();
    let issues = company
        .request_schema
        .as_ref()
        .unwrap()
        .check(&json!({"city": "Paris", "nmae": "ACME"}));
    assert!(
        issues
            .iter()
            .any(|i| !i.unknown_field && i.message.contains("required"))
    );
    let unknown = issues.iter().find(|i| i.unknown_field).unwrap();
    assert_eq!(unknown.path, "/nmae");
}

#[test]
fn the_spec_as_published_contradicts_itself_and_the_errata_correct_it() {
    let raw = Spec::parse(PARTNER_SPEC).unwrap();
    let take = |s: &Spec| {
        let op = s.find("POST", "/company/c1/atomicswap/take").unwrap();
        op.request_schema
            .as_ref()
            .unwrap()
            .check(op.example_body.as_ref().unwrap())
    };
    let issues = take(&raw);
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert!(issues[0].unknown_field && issues[0].path == "/swap_id");
    assert!(take(partner()).is_empty());
    // Every published example body passes the corrected spec. /coreclient/finish's example
    // is init's (the catalog's note says so): its fields are undeclared, warnings only.
    for op in &partner().operations {
        if let (Some(s), Some(b)) = (&op.request_schema, &op.example_body) {
            let issues = s.check(b);
            let finish = op.path == "/coreclient/finish";
            assert!(
                issues.iter().all(|i| finish && i.unknown_field) && finish != issues.is_empty(),
                "{} {}: {issues:?}",
                op.method,
                op.path
            );
        }
    }
    let mut doc = document(PARTNER_SPEC).unwrap();
    errata::apply(&mut doc, errata::PARTNER).unwrap();
    // An erratum whose target is gone (a new spec version fixed it) is noticed, not skipped.
    let e = errata::apply(&mut doc, errata::PARTNER).unwrap_err();
    assert!(e.contains("tx_status: no oneOf"), "{e}");
    assert!(errata::apply(&mut json!({}), errata::PARTNER).is_err());
    let transfer = raw.find("POST", "/company/c1/transfer").unwrap();
    let body = transfer.example_body.as_ref().unwrap();
    assert!(!transfer.request_schema.as_ref().unwrap().is_valid(body));
}

#[test]
fn openapi_30_nullable_and_31_json_documents_are_read() {
    let doc = r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things:
    post:
      summary: Make a thing
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name]
              additionalProperties: false
              properties:
                name: {type: string, nullable: true}
                size: {type: integer, enum: [1, 2]}
"#;
    let s = Spec::parse(doc).unwrap();
    assert_eq!(s.server, None);
    let op = &s.operations[0];
    assert_eq!(op.example_body, Some(json!({"name": "", "size": 1})));
    let schema = op.request_schema.as_ref().unwrap();
    assert!(schema.check(&json!({"name": null})).is_empty());
    let issues = schema.check(&json!({"name": "a", "size": 3, "extra": 1}));
    assert_eq!(issues.len(), 2, "{issues:?}");
    assert!(issues.iter().all(|i| !i.unknown_field));

    let json31 = r##"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
      "servers": [{"url": "http://127.0.0.1:9/v1"}],
      "paths": {"/a/{id}": {"put": {"requestBody": {"content": {"application/json":
        {"schema": {"$ref": "#/components/schemas/A"}, "example": {"n": [1]}}}}}}},
      "components": {"schemas": {"A": {"type": "object", "properties":
        {"n": {"type": ["array", "null"], "items": {"$ref": "#/components/schemas/A/properties/m"}},
         "m": {"type": "integer"}}}}}}"##;
    let s = Spec::parse(json31).unwrap();
    assert_eq!(s.server.as_deref(), Some("http://127.0.0.1:9/v1"));
    let op = s.find("put", "/a/7").unwrap();
    assert_eq!(op.example_body_text().as_deref(), Some(r#"{"n":[1]}"#));
    let schema = op.request_schema.as_ref().unwrap();
    assert!(schema.is_valid(&json!({"n": null})));
    assert_eq!(schema.check(&json!({"n": ["x"]}))[0].path, "/n/0");
}

#[test]
fn bad_documents_are_refused_saying_what_to_do() {
    let e = |t: &str| Spec::parse(t).unwrap_err().to_string();
    assert!(e("swagger: '2.0'\npaths: {}").contains("Swagger 2.0"));
    assert!(e("openapi: 2.5\n").contains("not 3.0 or 3.1"));
    assert!(e("just: [unclosed").contains("not a YAML or JSON document"));
    assert!(e("- a\n- b\n").contains("top level"));
    assert!(e("{\"openapi\": ").contains("not a YAML or JSON document"));
    let outside = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: {$ref: 'other.yaml#/X'}\n";
    assert!(
        e(outside).contains("outside the document"),
        "{}",
        e(outside)
    );
    let dangling = outside.replace("other.yaml#/X", "#/components/schemas/Nope");
    assert!(e(&dangling).contains("names nothing"));
}
