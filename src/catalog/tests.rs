//! The catalog's unit tests: the built-in file, matching, completion and examples.

use super::*;

fn paths(v: Vec<&Endpoint>) -> Vec<String> {
    v.into_iter()
        .map(|e| format!("{} {}", e.method, e.path))
        .collect()
}

#[test]
fn builtin_catalog_loads_and_covers_the_facts() {
    let c = Catalog::builtin();
    assert_eq!(c.endpoints().len(), 56);
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
            "/coreclient/feed",
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
        r#"{"name":"ACME Corp","city":"Paris","country":"FR","domain":"","ref":"{{uuid}}"}"#,
        "the ref is rendered afresh for each send, so sending it twice never conflicts"
    );
    assert!(e.body && !e.websocket);
}

#[test]
fn a_fresh_example_differs_only_in_its_ref() {
    let e = Catalog::builtin().find("POST", "/company").unwrap();
    let mut refs = RefSource::random();
    let (a, b) = (
        e.fresh_example_body(&mut refs).unwrap(),
        e.fresh_example_body(&mut refs).unwrap(),
    );
    assert_ne!(a, b);
    assert_ne!(
        RefSource::random().next_ref(),
        RefSource::random().next_ref()
    );
    assert_eq!(
        RefSource::seeded(7).next_ref(),
        RefSource::seeded(7).next_ref()
    );
    let guide = e.example_body().unwrap();
    let without_ref = |s: &str| s[..s.find(r#""ref":""#).unwrap()].to_string();
    assert_eq!(without_ref(&a), without_ref(&guide));
    assert_eq!(
        a.len(),
        guide.len() - "{{uuid}}".len() + 36,
        "a UUID as {{{{uuid}}}} renders: {a}"
    );
    let get = Catalog::builtin().find("GET", "/assets").unwrap();
    assert_eq!(get.fresh_example_body(&mut refs), None);
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
    assert_eq!(c.complete("", None).len(), 56);
    assert_eq!(
        c.complete("https://api.qredo.network/api/v1/p", None).len(),
        56
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
        "/company/C1/fund/F9/ledger?asset=&wallet_id=&direction=all&offset=0&limit=20"
    );
    assert_eq!(
        fund.complete_path("/company/C1/f"),
        "/company/C1/fund/{fund_id}/ledger?asset=&wallet_id=&direction=all&offset=0&limit=20"
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
    let bad =
        r#"{"endpoints":[{"group":"g","method":"POST","path":"/x","summary":"s","body":true}]}"#;
    let err = Catalog::from_json(bad).unwrap_err().to_string();
    assert!(err.contains("POST /x"), "{err}");
    assert!(Catalog::from_json("{").is_err());
}
