//! What the workbench claims about a request (issue 9, items 16–19 and 24): a URL warning
//! only when what is signed is not what is sent, fixes that keep what the user wrote (a
//! relative URL stays relative) and undo texts that are true.

mod tui_support;

use crossterm::event::KeyCode;
use tui_support::{BASE, Driver, T0};
use xsign::signing::{AuthValue, Payload};
use xsign::tui::app::{Effect, Focus};
use xsign::tui::lint_view::Severity;

/// A URL typed (after F2 for POST), the URL field left.
fn request(post: bool, url: &str) -> Driver {
    let mut d = Driver::new(120, 40);
    if post {
        d.key(KeyCode::F(2)); // GET → POST
    }
    d.type_str(url);
    d.key(KeyCode::Esc);
    d
}

/// From outside a field: into the body, editing.
fn edit_body(d: &mut Driver) {
    d.key(KeyCode::Tab);
    d.key(KeyCode::Enter);
    assert_eq!((d.app.focus, d.app.editing), (Focus::Body, true));
}

fn live_warnings(d: &Driver) -> Vec<String> {
    d.app
        .sig
        .latest
        .as_ref()
        .expect("signed")
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .map(|f| f.message.clone())
        .collect()
}

#[test]
fn a_url_with_a_space_is_signed_as_sent_and_sends_without_a_warning() {
    // issue 9 #16: the pane signs %20 and the mock answers 200, yet a warning fired.
    let mut d = request(false, "/company/search?query=ACME Corp");
    let live = d.app.sig.latest.clone().expect("signed");
    let wire = format!("{BASE}/company/search?query=ACME%20Corp");
    assert_eq!(
        live.hash_hex,
        Some(Payload::new(AuthValue::Timestamp(T0), &wire, b"").hash_hex()),
        "the pane signs the wire form"
    );
    assert_eq!(live_warnings(&d), Vec::<String>::new());
    // Still said, as a note: the URL goes on the wire encoded, and that is what is signed.
    assert!(
        live.findings
            .iter()
            .any(|f| f.severity == Severity::Info && f.message.contains("ACME%20Corp")),
        "{:?}",
        live.findings
    );
    d.ctrl('r');
    assert!(d.app.confirm.is_none(), "nothing to confirm");
    match d.take_effects().as_slice() {
        [Effect::Send(job)] => assert_eq!(job.url, wire),
        other => panic!("expected a send: {other:?}"),
    }
}

#[test]
fn the_url_fix_keeps_a_relative_url_relative_and_its_undo_text_is_true() {
    // issue 9 #16: `u` wrote the base URL (the demo's random port) into the field and said
    // "Ctrl-Z in the body undoes".
    let mut d = request(true, "/company/search?query=ACME Corp");
    edit_body(&mut d);
    d.type_str("{\t}"); // a tab: a warning, so the confirmation opens
    d.ctrl('r');
    let confirm = d.app.confirm.clone().expect("the confirmation");
    assert!(
        confirm
            .notes
            .iter()
            .any(|n| n.fix.as_ref().is_some_and(|f| f.key == 'u')),
        "{confirm:?}"
    );
    d.key(KeyCode::Char('u'));
    assert_eq!(d.app.url.text(), "/company/search?query=ACME%20Corp");
    let notice = d.app.notice.clone().expect("a notice").text;
    assert!(!notice.contains("Ctrl-Z in the body"), "{notice}");
    assert!(
        notice.contains("/company/search?query=ACME Corp"),
        "says what the field held: {notice}"
    );
    // A path without a leading slash keeps its style.
    assert_eq!(
        xsign::tui::target::wire_field(BASE, "company/search?query=a b").as_deref(),
        Some("company/search?query=a%20b")
    );
    assert_eq!(
        xsign::tui::target::wire_field(BASE, "HTTP://Example.test:80/a b").as_deref(),
        Some("http://example.test/a%20b"),
        "an absolute URL stays absolute"
    );
    assert_eq!(
        xsign::tui::target::wire_field(BASE, "/../../x"),
        None,
        "a path that climbs out of the base cannot stay relative"
    );
}

#[test]
fn the_tab_fix_says_a_true_undo_and_one_ctrl_z_brings_the_body_back() {
    let mut d = request(true, "/company");
    edit_body(&mut d);
    let body = "{\t\"name\":\"New\tACME Corp\"}";
    d.send(xsign::tui::app::Message::Paste(body.into()));
    d.ctrl('r');
    assert!(d.app.confirm.is_some());
    d.key(KeyCode::Char('t'));
    assert_eq!(
        d.app.body.to_text(),
        "{  \"name\":\"New\\tACME Corp\"}",
        "the tab in the string is escaped, not turned into spaces"
    );
    let notice = d.app.notice.clone().expect("a notice").text;
    assert!(notice.contains("Ctrl-Z in the body undoes"), "{notice}");
    assert!(d.app.confirm.is_none(), "no warning left");
    d.key(KeyCode::Enter); // edit the body again
    d.ctrl('z');
    assert_eq!(d.app.body.to_text(), body, "one Ctrl-Z undoes the fix");
}

// --- issue 9 #19: the inspector's evidence list names each fact once, with one symbol ---

mod inspector {
    use super::tui_support::{BASE, T0, fixture_key};
    use std::path::Path;
    use xsign::diagnose::{self, CheckKey, Evidence, Signed};
    use xsign::signing::{
        AuthValue, Payload, PrivateKey, RsaSigner, encode_signature, generate_key,
    };
    use xsign::store::history::{AuthRecord, HistoryEntry, ResponseRecord};
    use xsign::tui::inspector::InspectorView;

    const BODY: &[u8] = br#"{"name":"ACME Corp","city":"Paris","country":"FR"}"#;
    const REFUSED: &[u8] =
        br#"{"code":1020,"msg":"errPartnerAuth","detail":{"reason":"signature"}}"#;

    /// Another RSA-2048 key (the 4096-bit fixture would be told apart by its length).
    fn other_key() -> PrivateKey {
        static PEM: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let pem = PEM.get_or_init(|| generate_key(2048).expect("a key").to_pkcs1_pem());
        PrivateKey::from_pem(pem, Path::new("other.pem")).expect("the key back")
    }

    fn url() -> String {
        format!("{BASE}/company")
    }

    /// A history entry sent as (`url`, `body`), its x-sign made by `key` over what was signed.
    fn entry(
        key: fn() -> PrivateKey,
        signed: (&str, &[u8]),
        sent: (&str, &[u8]),
        status: u16,
    ) -> HistoryEntry {
        let value = AuthValue::Timestamp(T0);
        let x_sign = encode_signature(
            &RsaSigner::new(key()).sign_payload(&Payload::new(value, signed.0, signed.1)),
        );
        let mut e = HistoryEntry::new("demo", "POST", sent.0, sent.1.to_vec());
        e.sent_at_ms = T0 * 1000;
        e.x_sign = Some(x_sign.to_string());
        e.auth = Some(AuthRecord::from_value(value));
        let body = if status == 200 { &b"{}"[..] } else { REFUSED };
        e.response = Some(ResponseRecord::capture(status, vec![], body));
        e
    }

    /// The inspector for `entry` as the workbench builds it, `signed` replaced when the
    /// workbench knows it sent something else (F4).
    fn view(
        entry: &HistoryEntry,
        signed: Option<(&str, &[u8])>,
    ) -> (InspectorView, diagnose::Report) {
        let key = CheckKey {
            public_key: fixture_key().public_key(),
            source: "the demo profile's key".into(),
        };
        let mut ev = Evidence::from_history(entry, Some(key), T0 + 1);
        if let Some((url, body)) = signed {
            ev.signed = Signed {
                url: Some(url.into()),
                body: Some(body.to_vec()),
                value: Some(AuthValue::Timestamp(T0)),
            };
        }
        let report = diagnose::diagnose(&ev);
        let refused = entry.status() != Some(200);
        let v = InspectorView::from_report(&report, refused.then_some("signature"), refused);
        (v, report)
    }

    fn text(v: &InspectorView) -> Vec<String> {
        v.lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    /// The lines after the heading and the verdict that state whether the x-sign verifies.
    fn x_sign_facts(v: &InspectorView) -> Vec<String> {
        text(v)
            .into_iter()
            .skip(2)
            .filter(|l| l.contains("x-sign") && (l.contains("verif") || l.contains("another key")))
            .collect()
    }

    /// No evidence line says one thing with two symbols.
    fn no_line_twice(v: &InspectorView) {
        let lines = text(v);
        for (i, a) in lines.iter().enumerate() {
            for b in &lines[i + 1..] {
                if !a.is_empty()
                    && a.chars().skip(2).collect::<String>()
                        == b.chars().skip(2).collect::<String>()
                {
                    panic!("said twice: {a:?} / {b:?}\n{lines:#?}");
                }
            }
        }
    }

    fn one_fact(v: &InspectorView, mark: char) -> String {
        let facts = x_sign_facts(v);
        assert_eq!(
            facts.len(),
            1,
            "one line on whether the x-sign verifies: {:#?}",
            text(v)
        );
        assert!(facts[0].starts_with(mark), "{mark} {:?}", facts[0]);
        no_line_twice(v);
        facts[0].clone()
    }

    #[test]
    fn clean() {
        let e = entry(fixture_key, (&url(), BODY), (&url(), BODY), 200);
        let (v, report) = view(&e, None);
        let fact = one_fact(&v, '✓');
        assert!(fact.contains("exactly the bytes sent"), "{fact}");
        assert!(
            !text(&v).iter().any(|l| l.starts_with('✗')),
            "{:#?}",
            text(&v)
        );
        assert_eq!(report.verdict.kind, diagnose::VerdictKind::Clean);
    }

    #[test]
    fn body_changed_after_signing() {
        let sent = [BODY, b"\n"].concat();
        let e = entry(fixture_key, (&url(), BODY), (&url(), &sent), 401);
        // As the history knows it (the doctor finds the signed form) and as F4 knows it.
        for signed in [None, Some((url(), BODY.to_vec()))] {
            let (v, report) = view(&e, signed.as_ref().map(|(u, b)| (u.as_str(), b.as_slice())));
            let fact = one_fact(&v, '✓');
            assert!(
                !fact.contains("not over"),
                "a ✓ line says no bad news: {fact}"
            );
            assert!(report.has(diagnose::CauseKind::BodyBytes), "{report:#?}");
            assert!(
                text(&v)
                    .iter()
                    .any(|l| l.starts_with('✗') && l.contains("newline")),
                "{:#?}",
                text(&v)
            );
        }
    }

    #[test]
    fn url_changed_after_signing() {
        let path_only = "/api/v1/p/company";
        let e = entry(fixture_key, (path_only, BODY), (&url(), BODY), 401);
        let (v, report) = view(&e, Some((path_only, BODY)));
        one_fact(&v, '✓');
        assert!(report.has(diagnose::CauseKind::Url), "{report:#?}");
        assert!(
            text(&v)
                .iter()
                .any(|l| l.starts_with('✗') && l.contains("URL")),
            "{:#?}",
            text(&v)
        );
    }

    #[test]
    fn wrong_key() {
        let e = entry(other_key, (&url(), BODY), (&url(), BODY), 401);
        let (v, report) = view(&e, None);
        one_fact(&v, '✗');
        assert!(report.has(diagnose::CauseKind::WrongKey), "{report:#?}");
        assert!(
            !text(&v)
                .iter()
                .skip(2)
                .any(|l| l.starts_with('✓') && l.contains("x-sign")),
            "{:#?}",
            text(&v)
        );
    }
}

/// A newcomer warned about a tab must see, beside the warning, which key fixes it: at
/// 200×60 the pane had ten empty rows under the warning and no word of the `t` fix, which
/// only the confirmation Ctrl-R opens shows (issue 9, newcomer run).
#[test]
fn the_signature_pane_names_the_one_key_fix_beside_its_warning() {
    for (w, h) in [(200, 60), (120, 40), (80, 24)] {
        let mut d = Driver::new(w, h);
        d.key(KeyCode::F(2)); // GET → POST
        d.type_str("/company");
        d.key(KeyCode::Esc);
        edit_body(&mut d);
        d.type_str("{\"name\":\"ACME\",\"city\":\"Paris\"}");
        for _ in 0..8 {
            d.key(KeyCode::Left);
        }
        d.key(KeyCode::Tab);
        let screen = d.render();
        assert!(screen.contains("1 tab"), "{w}×{h}: warned\n{screen}");
        assert!(
            screen.contains("Ctrl-R, then t"),
            "{w}×{h}: the fix key is named\n{screen}"
        );
    }
}

#[test]
fn a_missing_required_field_is_flagged_before_sending_and_goes_when_it_is_added() {
    // issue 15: the body checked against the spec's schema for POST /company.
    let mut d = request(true, "/company");
    edit_body(&mut d);
    d.send(xsign::tui::app::Message::Paste(
        r#"{"city":"Paris"}"#.into(),
    ));
    let warned = live_warnings(&d);
    assert!(
        warned
            .iter()
            .any(|w| w.starts_with("the body: required field \"name\" is missing")),
        "{warned:?}"
    );
    d.ctrl('r');
    let confirm = d
        .app
        .confirm
        .clone()
        .expect("the confirmation before sending");
    assert!(
        confirm
            .notes
            .iter()
            .any(|n| n.message.contains("\"name\" is missing")),
        "{confirm:?}"
    );
    assert!(
        d.take_effects()
            .iter()
            .all(|e| !matches!(e, Effect::Send(_)))
    );
    // With the field, nothing to confirm: the send goes.
    let mut d = request(true, "/company");
    edit_body(&mut d);
    d.send(xsign::tui::app::Message::Paste(
        r#"{"name":"ACME Corp","city":"Paris"}"#.into(),
    ));
    assert_eq!(live_warnings(&d), Vec::<String>::new());
    d.ctrl('r');
    assert!(d.app.confirm.is_none(), "nothing to confirm");
    assert!(matches!(d.take_effects().as_slice(), [Effect::Send(_)]));
}
