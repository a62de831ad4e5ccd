use super::*;

const URL: &str = "https://api.qredo.network/api/v1/p/company";
const NOW: i64 = 1_700_000_000;
const COMPACT: &[u8] = br#"{"name":"ACME Corp","city":"Paris"}"#;

fn lint(method: &str, url: &str, body: &[u8]) -> Vec<Finding> {
    check(&LintInput::new(method, url, body, NOW))
}

/// The kinds found, less the spec's schema check (tested in lint/spec.rs) and the method
/// check (lint/method.rs): these tests are about bytes, not about what /company takes.
fn kinds(findings: &[Finding]) -> Vec<FindingKind> {
    findings
        .iter()
        .map(|f| f.kind)
        .filter(|k| !matches!(k, FindingKind::BodySchema | FindingKind::MethodNotServed))
        .collect()
}

fn find(findings: &[Finding], kind: FindingKind) -> &Finding {
    findings
        .iter()
        .find(|f| f.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} in {findings:#?}"))
}

#[test]
fn a_compact_post_and_a_bare_get_are_clean() {
    assert_eq!(lint("POST", URL, COMPACT), vec![]);
    assert_eq!(
        lint("GET", "https://api.qredo.network/api/v1/p/assets", b""),
        vec![]
    );
}

#[test]
fn tabs_are_a_warning_with_where_and_a_fix() {
    let body = b"{\n\t\"name\": \"ACME\",\n\t\"city\": \"Paris\"\n}";
    let f = lint("POST", URL, body);
    let tab = find(&f, FindingKind::Tab);
    // A warning, not an error: xsign sends what it signs, and the mock accepts it (issue 9 #24).
    assert_eq!(tab.severity, Severity::Warning);
    assert!(tab.message.contains("2 tabs"), "{}", tab.message);
    assert!(tab.message.contains("line 2, column 1"), "{}", tab.message);
    assert!(tab.message.contains("\\t\\\"name") || tab.message.contains("\\t\"name"));
    assert_eq!(tab.fix, Some(Fix::StripTabs));
    let fixed = Fix::StripTabs.apply(body);
    assert!(!fixed.contains(&b'\t'));
    assert!(!kinds(&lint("POST", URL, &fixed)).contains(&FindingKind::Tab));
    assert_eq!(f[0].kind, FindingKind::Tab, "warnings come before infos");
}

#[test]
fn invalid_json_is_a_warning_with_the_parser_position() {
    let f = lint("POST", URL, b"{\"name\": \"ACME\",}");
    let j = find(&f, FindingKind::InvalidJson);
    assert_eq!(j.severity, Severity::Warning);
    assert!(j.message.contains("line 1, column"), "{}", j.message);
    assert_eq!(j.fix, None);
    assert!(!kinds(&f).contains(&FindingKind::NotCompact));
}

#[test]
fn pretty_json_is_info_and_compacts_without_touching_values() {
    let body = b"{\n  \"name\": \"ACME  Corp\",\n  \"amount\": 1.50\n}";
    // `amount` is not a company's field: the schema check's warning is not this test's.
    let mut f = lint("POST", URL, body);
    f.retain(|f| f.kind != FindingKind::BodySchema);
    assert_eq!(kinds(&f), vec![FindingKind::NotCompact]);
    assert_eq!(f[0].severity, Severity::Info);
    assert!(
        f[0].message.contains("line 1, column 2"),
        "{}",
        f[0].message
    );
    assert_eq!(
        Fix::Compact.apply(body),
        br#"{"name":"ACME  Corp","amount":1.50}"#
    );
}

#[test]
fn a_body_reformatted_from_the_saved_one_is_flagged() {
    let pretty = b"{\n  \"name\": \"ACME Corp\",\n  \"city\": \"Paris\"\n}";
    let input = LintInput {
        saved_body: Some(COMPACT),
        ..LintInput::new("POST", URL, pretty, NOW)
    };
    let f = check(&input);
    let r = find(&f, FindingKind::Reformatted);
    assert_eq!(r.severity, Severity::Warning);
    assert!(r.message.contains("line 1, column 2"), "{}", r.message);
    assert!(r.message.contains("saved {\"name\""), "{}", r.message);
    assert_eq!(
        r.fix,
        Some(Fix::Compact),
        "compacting restores the saved bytes"
    );
    assert_eq!(Fix::Compact.apply(pretty), COMPACT);

    // An edit (other JSON) is the user's business, not a reformat.
    let edited = LintInput {
        saved_body: Some(br#"{"name":"Other"}"#),
        ..LintInput::new("POST", URL, COMPACT, NOW)
    };
    assert_eq!(check(&edited), vec![]);
    let same = LintInput {
        saved_body: Some(COMPACT),
        ..LintInput::new("POST", URL, COMPACT, NOW)
    };
    assert_eq!(check(&same), vec![]);
    // Saved pretty, now compact: flagged, but compacting is not the way back.
    let back = LintInput {
        saved_body: Some(pretty),
        ..LintInput::new("POST", URL, COMPACT, NOW)
    };
    assert_eq!(find(&check(&back), FindingKind::Reformatted).fix, None);
}

#[test]
fn crlf_and_trailing_newline() {
    let body = b"{\r\n  \"a\": 1\r\n}\r\n";
    let f = lint("POST", URL, body);
    let crlf = find(&f, FindingKind::Crlf);
    assert!(crlf.message.contains("3 CRLF"), "{}", crlf.message);
    assert_eq!(crlf.fix, Some(Fix::Compact));
    let nl = find(&f, FindingKind::TrailingNewline);
    assert_eq!(nl.severity, Severity::Warning);
    assert!(nl.message.contains("\\r\\n"), "{}", nl.message);
    assert_eq!(nl.fix, Some(Fix::DropTrailingNewline));
    assert_eq!(
        Fix::DropTrailingNewline.apply(body),
        b"{\r\n  \"a\": 1\r\n}"
    );
    let only_nl = lint("POST", URL, b"{\"a\":1}\n");
    assert_eq!(
        kinds(&only_nl),
        vec![FindingKind::TrailingNewline, FindingKind::NotCompact]
    );
}

#[test]
fn a_bom_is_flagged_and_compact_removes_it() {
    let body = "\u{feff}{\"a\":1}".as_bytes();
    let f = lint("POST", URL, body);
    let bom = find(&f, FindingKind::Bom);
    assert!(bom.message.contains("\\u{feff}"));
    assert_eq!(bom.fix, Some(Fix::Compact));
    assert!(!kinds(&f).contains(&FindingKind::InvalidJson), "{f:#?}");
    assert_eq!(Fix::Compact.apply(body), b"{\"a\":1}");
}

#[test]
fn a_body_on_get_or_delete_is_flagged() {
    for method in ["GET", "delete", " Get "] {
        let f = lint(method, URL, COMPACT);
        assert_eq!(kinds(&f), vec![FindingKind::BodyOnGet], "{method}");
        assert!(f[0].message.contains("1020"));
    }
    assert_eq!(kinds(&lint("PUT", URL, COMPACT)), vec![]);
}

#[test]
fn a_url_the_library_rewrites_is_flagged_with_the_wire_form() {
    let typed = "https://api.qredo.network/api/v1/p/company/search?query=ACME Corp";
    let f = lint("GET", typed, b"");
    let u = find(&f, FindingKind::UrlRewritten);
    assert_eq!(u.severity, Severity::Warning);
    assert!(u.message.contains("query=ACME%20Corp"), "{}", u.message);
    assert!(u.message.contains("space encoded"), "{}", u.message);
    assert_eq!(u.fix, Some(Fix::UseWireUrl));
    assert_eq!(
        Fix::UseWireUrl.apply_to_url(typed).as_deref(),
        Some("https://api.qredo.network/api/v1/p/company/search?query=ACME%20Corp")
    );
    assert_eq!(Fix::UseWireUrl.apply(COMPACT), COMPACT);
    assert!(!Fix::UseWireUrl.applies_to_body());

    let bad = lint("GET", "/company", b"");
    assert_eq!(
        find(&bad, FindingKind::UrlInvalid).severity,
        Severity::Error
    );
}

#[test]
fn fixed_timestamps_older_or_newer_than_30_s_are_flagged() {
    let at = |t: i64| {
        let input = LintInput {
            timestamp: Some(t),
            ..LintInput::new("GET", URL, b"", NOW)
        };
        kinds(&check(&input))
    };
    assert_eq!(at(NOW), vec![]);
    assert_eq!(at(NOW - 30), vec![]);
    assert_eq!(at(NOW + 30), vec![]);
    assert_eq!(at(NOW - 31), vec![FindingKind::StaleTimestamp]);
    assert_eq!(at(NOW + 31), vec![FindingKind::FutureTimestamp]);
    let old = check(&LintInput {
        timestamp: Some(1639490495),
        ..LintInput::new("GET", URL, b"", NOW)
    });
    assert!(old[0].message.contains("days old"), "{}", old[0].message);
}

#[test]
fn a_large_body_is_checked_in_full() {
    // 1 MB of compact JSON with one tab near the end: found, with the right line.
    let mut body = b"{\"items\":[".to_vec();
    while body.len() < 1 << 20 {
        body.extend_from_slice(br#"{"id":123456,"name":"item"},"#);
    }
    body.extend_from_slice(b"\t1]}");
    let f = lint("POST", URL, &body);
    let tab = find(&f, FindingKind::Tab);
    assert!(tab.message.contains("line 1"), "{}", tab.message);
    assert!(kinds(&f).contains(&FindingKind::NotCompact));
}

/// The guide's example company with a tab typed into its name: the tab is content.
const TAB_IN_NAME: &[u8] = b"{\"name\":\"New\tACME Corp\",\n\t\"city\":\"Paris\"}";

#[test]
fn the_tab_fix_leaves_string_contents_alone_and_escapes_a_tab_in_a_string() {
    // issue 9 #17: the fix wrote "New  ACME Corp".
    let fixed = Fix::StripTabs.apply(TAB_IN_NAME);
    assert_eq!(
        fixed,
        b"{\"name\":\"New\\tACME Corp\",\n  \"city\":\"Paris\"}".as_slice()
    );
    let value: serde_json::Value = serde_json::from_slice(&fixed).unwrap();
    assert_eq!(value["name"], "New\tACME Corp");
    // Double spaces in a string are content too.
    let spaced = b"{\n\t\"name\":\t\"ACME  Corp\"}";
    assert_eq!(
        Fix::StripTabs.apply(spaced),
        b"{\n  \"name\":  \"ACME  Corp\"}".as_slice()
    );
    // The finding says what the fix does with the tab inside the string.
    let tab = find(&lint("POST", URL, TAB_IN_NAME), FindingKind::Tab).clone();
    assert!(tab.message.contains("2 tabs"), "{}", tab.message);
    assert!(
        tab.message
            .contains("1 of them stands inside a string (at line 1, column 13)"),
        "{}",
        tab.message
    );
    assert!(tab.message.contains("escape \\t"), "{}", tab.message);
    let only = find(&lint("POST", URL, b"{\"a\":\"x\ty\"}"), FindingKind::Tab).clone();
    assert!(
        only.message.contains("It stands inside a string"),
        "{}",
        only.message
    );
}

#[test]
fn every_finding_names_a_position_the_same_way() {
    // issue 9 #18: "column 13" from the tab finding, "line 1 column 12" from the parser.
    let f = lint("POST", URL, TAB_IN_NAME);
    let tab = find(&f, FindingKind::Tab);
    let json = find(&f, FindingKind::InvalidJson);
    assert!(tab.message.contains("line 1, column 13"), "{}", tab.message);
    assert!(
        json.message.contains("line 1, column 13"),
        "{}",
        json.message
    );
    assert!(!json.message.contains(" column 12"), "{}", json.message);
    // Columns count characters, not bytes: `é` is two bytes and one column.
    let f = lint("POST", URL, "{\"é\":}".as_bytes());
    let json = find(&f, FindingKind::InvalidJson);
    assert!(
        json.message.contains("expected value at line 1, column 6"),
        "{}",
        json.message
    );
    // On a later line, and at an early end.
    let f = lint("POST", URL, "{\n  \"é\": 1,\n  \"b\" 2}".as_bytes());
    let json = find(&f, FindingKind::InvalidJson);
    assert!(
        json.message.contains("expected `:` at line 3, column 7"),
        "{}",
        json.message
    );
    let f = lint("POST", URL, b"[1,\n2");
    let json = find(&f, FindingKind::InvalidJson);
    assert!(
        json.message.contains("at line 2, column 2"),
        "{}",
        json.message
    );
    // A BOM is not counted in the parser's columns; it is one character in ours.
    let f = lint("POST", URL, "\u{feff}{\"a\":}".as_bytes());
    let json = find(&f, FindingKind::InvalidJson);
    assert!(
        json.message.contains("at line 1, column 7"),
        "{}",
        json.message
    );
    assert_eq!(position(b"ab\n\tc", 3), Position { line: 2, column: 1 });
    assert_eq!(position(b"ab\n\tc", 3).to_string(), "line 2, column 1");
}

#[test]
fn no_body_finding_claims_the_server_refuses_what_is_sent_as_signed() {
    // issue 9 #24: a tab-indented body signed and sent as is gets 200 from the mock.
    let body = b"{\n\t\"name\": \"ACME Corp\"\n}";
    let tab = find(&lint("POST", URL, body), FindingKind::Tab).clone();
    assert!(!tab.message.contains("known to answer"), "{}", tab.message);
    assert!(tab.message.contains("guide"), "{}", tab.message);
    assert!(tab.message.contains("exactly as signed"), "{}", tab.message);
    for body in [
        &b"{\n\t\"a\": 1\n}\n"[..],
        b"{\r\n  \"a\": 1\r\n}",
        "\u{feff}{\"a\":1}".as_bytes(),
        b"{\"a\":}",
    ] {
        for f in lint("POST", URL, body) {
            assert_ne!(f.severity, Severity::Error, "{f:?}");
            for claim in ["known to answer", "fails with 1020", "will fail"] {
                assert!(!f.message.contains(claim), "{claim}: {}", f.message);
            }
        }
    }
}

mod props {
    use super::*;
    use proptest::prelude::*;

    /// A JSON value whose strings hold tabs, double spaces, quotes and backslashes.
    fn value() -> impl Strategy<Value = serde_json::Value> {
        use serde_json::Value;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            "[ a\t\"\\\\é:,{}]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map("[a-z\t ]{0,4}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// Compact JSON with whitespace (tabs among it) put between tokens.
    fn laid_out(compact: &[u8], gaps: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        let (mut in_string, mut escaped, mut k) = (false, false, 0);
        for &b in compact {
            if !in_string && matches!(b, b'{' | b'}' | b'[' | b']' | b',' | b':' | b'"') {
                out.extend_from_slice(gaps[k % gaps.len()].as_bytes());
                k += 1;
            }
            out.push(b);
            if in_string {
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == b'"' {
                    in_string = false;
                }
            } else if b == b'"' {
                in_string = true;
            }
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn the_fixes_keep_the_json_value(
            v in value(),
            gaps in proptest::collection::vec(prop_oneof![
                Just(""), Just(" "), Just("\t"), Just("\n\t\t"), Just("\r\n "), Just("\t \t")
            ], 1..8),
        ) {
            let body = laid_out(serde_json::to_string(&v).unwrap().as_bytes(), &gaps);
            let before: serde_json::Value = serde_json::from_slice(&body).unwrap();
            prop_assert_eq!(&before, &v);
            for fix in [Fix::StripTabs, Fix::Compact, Fix::DropTrailingNewline] {
                let after: serde_json::Value = serde_json::from_slice(&fix.apply(&body)).unwrap();
                prop_assert_eq!(&after, &before, "{:?}", fix);
                // Only whitespace between tokens changed.
                prop_assert_eq!(compact(&fix.apply(&body)), compact(&body), "{:?}", fix);
            }
            prop_assert!(!Fix::StripTabs.apply(&body).contains(&b'\t'));
        }

        #[test]
        fn the_tab_fix_keeps_any_body_that_parsed(body in proptest::collection::vec(
            prop_oneof![Just(b'\t'), Just(b' '), Just(b'"'), Just(b'\\'), Just(b'{'), Just(b'}'),
                        Just(b':'), Just(b','), Just(b'1'), Just(b'a'), Just(b'\n')], 0..24)) {
            let fixed = Fix::StripTabs.apply(&body);
            prop_assert!(!fixed.contains(&b'\t'));
            if let Ok(before) = serde_json::from_slice::<serde_json::Value>(&body) {
                let after: serde_json::Value = serde_json::from_slice(&fixed).unwrap();
                prop_assert_eq!(after, before);
            }
        }
    }
}

#[test]
fn a_rewritten_url_warns_only_when_the_signature_covers_another_string() {
    // issue 9 #16: the workbench signs the wire form, so a space is no fault there.
    let typed = "https://api.qredo.network/api/v1/p/company/search?query=ACME Corp";
    let wire = "https://api.qredo.network/api/v1/p/company/search?query=ACME%20Corp";
    let signed_as_sent = check(&LintInput {
        signed_url: Some(wire),
        ..LintInput::new("GET", typed, b"", NOW)
    });
    let u = find(&signed_as_sent, FindingKind::UrlRewritten);
    assert_eq!(u.severity, Severity::Info);
    assert!(
        u.message.contains("that is the string signed"),
        "{}",
        u.message
    );
    assert!(!u.message.contains("1020"), "{}", u.message);
    // Signed as typed (the reference client's way, `xsign sign` without --curl): a fault.
    let signed_as_typed = check(&LintInput {
        signed_url: Some(typed),
        ..LintInput::new("GET", typed, b"", NOW)
    });
    let u = find(&signed_as_typed, FindingKind::UrlRewritten);
    assert_eq!(u.severity, Severity::Warning);
    assert!(u.message.contains("1020"), "{}", u.message);
    // Nothing to say when typed, signed and sent agree.
    let clean = check(&LintInput {
        signed_url: Some(wire),
        ..LintInput::new("GET", wire, b"", NOW)
    });
    assert_eq!(clean, vec![]);
}

#[test]
fn flags_an_unrendered_template_variable_in_the_url_and_body() {
    let input = LintInput::new(
        "POST",
        "https://h/api/v1/p/company/{{company_id}}/fund",
        br#"{"ref":"{{uuid}}"}"#,
        NOW,
    );
    let found: Vec<_> = check(&input)
        .into_iter()
        .filter(|f| f.kind == FindingKind::Unrendered)
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0].message.contains("URL holds {{company_id}}"),
        "{}",
        found[0].message
    );
    assert!(
        found[1].message.contains("body holds {{uuid}} (byte 8)"),
        "{}",
        found[1].message
    );
    assert_eq!(found[0].severity, Severity::Warning);
    let plain = LintInput::new("POST", "https://h/api/v1/p/company", br#"{"a":"{x}"}"#, NOW);
    assert!(
        !check(&plain)
            .iter()
            .any(|f| f.kind == FindingKind::Unrendered)
    );
}

#[test]
fn flags_a_path_parameter_left_as_the_specs_placeholder() {
    let found = |url: &str| -> Vec<Finding> {
        check(&LintInput::new("GET", url, b"", NOW))
            .into_iter()
            .filter(|f| f.kind == FindingKind::PathPlaceholder)
            .collect()
    };
    let f = found("https://h/api/v1/p/company/{company_id}/fund/search");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].severity, Severity::Warning);
    assert!(f[0].message.contains("{company_id}"), "{}", f[0].message);
    assert!(f[0].message.contains("{{company_id}}"), "{}", f[0].message);
    // a template, an ID, or a brace in the query is not one
    assert_eq!(found("https://h/api/v1/p/company/{{company_id}}"), vec![]);
    assert_eq!(found("https://h/api/v1/p/company/1a2b"), vec![]);
    assert_eq!(found("https://h/api/v1/p/company/1a2b/fund?q={x}"), vec![]);
}
