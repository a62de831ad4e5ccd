//! Renders of the workbench with `TestBackend`, at 80×24 and 120×40, for each state a user
//! meets. Time is injected (fixed clock, explicit ticks) and the key is the fixture key, so
//! every x-sign, timestamp, spinner frame and elapsed time is the same on every run.

mod tui_support;

use crossterm::event::KeyCode;
use tui_support::{BASE, Driver, T0, fixture_key};
use xsign::diagnose::{self, Evidence, Sent, Signed};
use xsign::signing::{AuthValue, Payload, RsaSigner, encode_signature};
use xsign::tui::app::{Effect, Message};
use xsign::tui::clock::Moment;
use xsign::tui::feed_tab::FeedMessage;
use xsign::tui::inspector::InspectorView;
use xsign::tui::response::{ResponseView, SentRequest};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn snap(name: &str, w: u16, h: u16, d: &Driver) {
    insta::assert_snapshot!(format!("{name}_{w}x{h}"), d.render());
}

/// POST /company with the guide's example body, chosen from the endpoint list.
fn compose(w: u16, h: u16) -> Driver {
    let mut d = Driver::new(w, h);
    d.type_str("/company");
    let c = d.app.url.completion.as_ref().expect("endpoint list");
    assert_eq!(c.items[c.selected].path, "/company");
    d.key(KeyCode::Enter);
    assert_eq!(d.app.method_name(), "POST");
    d
}

fn sent_request() -> SentRequest {
    tui_support::sent_post_company(107)
}

#[test]
fn empty() {
    for (w, h) in SIZES {
        snap("empty", w, h, &Driver::new(w, h));
    }
}

#[test]
fn typing() {
    for (w, h) in SIZES {
        let mut d = compose(w, h);
        d.key(KeyCode::Enter); // into the body
        d.key(KeyCode::End);
        d.key(KeyCode::Backspace);
        d.type_str(",\"note\":\"hi\"}");
        snap("typing", w, h, &d);
    }
}

#[test]
fn lint_confirmation() {
    for (w, h) in SIZES {
        let mut d = compose(w, h);
        d.key(KeyCode::Enter);
        d.key(KeyCode::Right);
        d.key(KeyCode::Tab);
        d.ctrl('r');
        assert!(d.app.confirm.is_some());
        snap("lint_confirmation", w, h, &d);
    }
}

#[test]
fn in_flight() {
    for (w, h) in SIZES {
        let mut d = compose(w, h);
        d.ctrl('r');
        assert!(matches!(d.take_effects().as_slice(), [Effect::Send(_)]));
        d.send(Message::Tick(Moment {
            unix: T0 + 1,
            mono_ms: 1234,
        }));
        snap("in_flight", w, h, &d);
    }
}

fn respond(d: &mut Driver, view: ResponseView) {
    d.ctrl('r');
    let id = d.sent_job_id();
    d.send(Message::Sent {
        id,
        result: Ok(Box::new(view)),
    });
}

#[test]
fn response_200_json() {
    for (w, h) in SIZES {
        let mut d = compose(w, h);
        let body = br#"{"company_id":"2ByeOaQwcMGt2KMlvBhlEpAS1ka","ref":"9827feec-4eae-4e80-bda3-daa7c3b97add"}"#;
        let view = ResponseView::new(
            200,
            "OK",
            vec![("content-type".into(), "application/json".into())],
            body.to_vec(),
            12,
            sent_request(),
        );
        respond(&mut d, view);
        snap("response_200", w, h, &d);
    }
}

/// A 1020 caused by a newline added after signing: the doctor's report, as the inspector
/// lays it out.
fn inspector_view() -> InspectorView {
    let url = format!("{BASE}/company");
    let signed_body = br#"{"name":"ACME Corp","city":"Paris","country":"FR"}"#.to_vec();
    let mut sent_body = signed_body.clone();
    sent_body.push(b'\n');
    let value = AuthValue::Timestamp(T0);
    let key = fixture_key();
    let public = key.public_key();
    let x_sign = encode_signature(&RsaSigner::new(key).sign_payload(&Payload::new(
        value,
        &url,
        &signed_body,
    )));
    let evidence = Evidence {
        signed: Signed {
            url: Some(url.clone()),
            body: Some(signed_body),
            value: Some(value),
        },
        sent: Sent {
            url: Some(url),
            body: Some(sent_body),
            api_key: Some(tui_support::API_KEY.into()),
            x_sign: Some(x_sign.to_string()),
            timestamp: Some(T0.to_string()),
            nonce: None,
            complete: true,
            body_digest: None,
        },
        public_key: Some(public),
        key_source: Some("the demo profile's key".into()),
        server_date: Some(T0 + 1),
        sent_at: Some(T0),
        now: Some(T0 + 1),
        server_reason: Some("signature".into()),
        ..Evidence::default()
    };
    InspectorView::from_report(&diagnose::diagnose(&evidence), Some("signature"), true)
}

#[test]
fn inspector_1020() {
    for (w, h) in SIZES {
        let mut d = compose(w, h);
        let mut view = ResponseView::new(
            401,
            "Unauthorized",
            vec![],
            br#"{"code":1020,"msg":"errPartnerAuth","detail":{"reason":"signature"}}"#.to_vec(),
            3,
            sent_request(),
        );
        view.inspector = Some(inspector_view());
        respond(&mut d, view);
        d.send(Message::Key(crossterm::event::KeyEvent::from(KeyCode::Esc)));
        d.key(KeyCode::Char('5'));
        snap("inspector_1020", w, h, &d);
    }
}

#[test]
fn help() {
    for (w, h) in SIZES {
        let mut d = Driver::new(w, h);
        d.key(KeyCode::F(1));
        snap("help", w, h, &d);
    }
}

#[test]
fn feed_tab() {
    for (w, h) in SIZES {
        let mut d = Driver::new(w, h);
        d.key(KeyCode::F(3));
        d.key(KeyCode::Char('i'));
        d.type_str("7ZqwHgdjzU8X");
        d.key(KeyCode::Enter);
        d.key(KeyCode::Char('c'));
        let id = match d.take_effects().as_slice() {
            [Effect::Feed(xsign::tui::feed_tab::FeedCommand::Connect { id, .. })] => *id,
            other => panic!("expected a connect, got {other:?}"),
        };
        d.send(Message::Feed(FeedMessage::Connected {
            id,
            url: "ws://127.0.0.1:8001/api/v1/p/coreclient/7ZqwHgdjzU8X/feed".into(),
        }));
        for (i, (kind, status)) in [
            ("ApproveWithdraw", "pending"),
            ("ApproveTransfer", "pending"),
            ("ApproveSweep", "expired"),
        ]
        .into_iter()
        .enumerate()
        {
            d.send(Message::Feed(FeedMessage::Received {
                id,
                at: Moment {
                    unix: T0 + 10 * i as i64,
                    mono_ms: 0,
                },
                text: format!(
                    r#"{{"id":"1zR9aQ{i}","clientID":"7ZqwHgdjzU8X","type":"{kind}","status":"{status}","timestamp":{T0},"expireTime":{}}}"#,
                    T0 + 300
                ),
            }));
        }
        d.key(KeyCode::Up);
        d.key(KeyCode::Enter);
        snap("feed_tab", w, h, &d);
    }
}

/// The library sidebar (F6) beside the panes, never over them: the body stays readable and
/// the header keeps the profile, the key and the auth mode, at 80 columns too.
#[test]
fn sidebar_open() {
    for (w, h) in SIZES {
        let mut d = compose(w, h);
        d.key(KeyCode::F(6));
        let p = d.app.panes();
        assert!(p.sidebar.width > 0, "the sidebar is open");
        for pane in [p.request, p.body, p.signature, p.response] {
            assert!(
                p.sidebar.intersection(pane).is_empty(),
                "{w}x{h}: the sidebar {:?} covers a pane {pane:?}",
                p.sidebar
            );
        }
        let screen = d.render();
        let top = screen.lines().next().unwrap();
        for part in ["demo", "key ", "timestamp"] {
            assert!(
                top.contains(part),
                "{w}x{h}: the header lacks {part:?}: {top}"
            );
        }
        assert!(
            screen.contains("\"name\""),
            "{w}x{h}: the body is hidden:\n{screen}"
        );
        assert!(
            screen.contains("┌ body "),
            "{w}x{h}: the body's name is drawn over:\n{screen}"
        );
        snap("sidebar_open", w, h, &d);
    }
}

/// A scenario run from the library (F6, c, Enter) as the runner reports it: steps passed
/// with their status and time, a failed one with expected vs actual, a 1020 with the
/// doctor's headline, the running one with its spinner, the rest waiting.
#[test]
fn scenario_pane() {
    use xsign::scenario::{Outcome, StepReport};
    use xsign::tui::scenario_pane::{ScenarioItem, ScenarioMessage, ScenarioSource};
    use xsign::tui::sidebar::LibraryMessage;
    let (w, h) = (80, 24);
    let mut d = Driver::new(w, h);
    d.send(Message::Library(LibraryMessage::Loaded {
        collections: Vec::new(),
        in_project: Default::default(),
        history: Vec::new(),
        notes: Default::default(),
        warnings: Vec::new(),
        scenarios: vec![ScenarioItem {
            name: "custody".into(),
            source: ScenarioSource::Shipped("custody.toml".into()),
            steps: 5,
            problem: None,
        }],
    }));
    d.key(KeyCode::F(6));
    d.key(KeyCode::Char('c'));
    d.take_effects();
    d.key(KeyCode::Enter);
    let run = match d.take_effects().as_slice() {
        [Effect::RunScenario { id, source }] => {
            assert_eq!(*source, ScenarioSource::Shipped("custody.toml".into()));
            *id
        }
        other => panic!("expected one scenario run, got {other:?}"),
    };
    let steps = [
        ("create company", "POST /company"),
        (
            "read the fund",
            "GET /company/{{company_id}}/fund/{{fund_id}}",
        ),
        ("tampered body", "POST /company"),
        ("listen", "open_feed /coreclient/{{client_id}}/feed"),
        ("approve", "wait_feed listen"),
    ];
    d.send(Message::Scenario(ScenarioMessage::Loaded {
        run,
        name: "custody".into(),
        file: "assets/scenarios/custody.toml".into(),
        steps: steps
            .iter()
            .map(|(n, w)| ((*n).into(), (*w).into()))
            .collect(),
    }));
    let report = |i: usize, outcome, status, ms, id| {
        let mut r = StepReport::new(steps[i].0, steps[i].1.into());
        r.outcome = outcome;
        r.status = Some(status);
        r.elapsed_ms = ms;
        r.attempts = 1;
        r.history_id = Some(id);
        r
    };
    let mut failed = report(1, Outcome::Failed, 200, 9, 2);
    failed
        .failures
        .push("$.wallets[0].asset: expected \"BTC-TESTNET\", got \"ETH\"".into());
    let mut refused = report(2, Outcome::Passed, 401, 3, 3);
    refused.doctor =
        Some("cause found: A trailing newline was added to the body after signing".into());
    for (i, r) in [report(0, Outcome::Passed, 200, 14, 1), failed, refused]
        .into_iter()
        .enumerate()
    {
        d.send(Message::Scenario(ScenarioMessage::Started {
            run,
            index: i,
        }));
        d.send(Message::Scenario(ScenarioMessage::Finished {
            run,
            index: i,
            step: Box::new(r),
        }));
    }
    d.send(Message::Scenario(ScenarioMessage::Started {
        run,
        index: 3,
    }));
    // 1.25 s into the feed step: the spinner's frame and the time follow the clock.
    d.send(Message::Tick(Moment {
        unix: T0 + 1,
        mono_ms: 1250,
    }));
    assert!(d.app.animating(), "the loop ticks while a scenario runs");
    // The failed step, selected: its expected and actual values under the steps.
    d.key(KeyCode::Up);
    d.key(KeyCode::Up);
    let screen = d.render();
    assert!(screen.contains("expected \"BTC-TESTNET\""), "{screen}");
    snap("scenario_pane", w, h, &d);
    // Enter on it asks the inspector for its exchange, by the history id recorded.
    d.take_effects();
    d.key(KeyCode::Enter);
    assert!(
        matches!(d.take_effects().as_slice(), [Effect::InspectHistoryId(2)]),
        "Enter opens the step's exchange"
    );
}

/// A theme changes colours and never a character: the typed body drawn dark, light and
/// mono shows the same text; mono has no colour at all and still shows the cursor and the
/// selected completion; light has none of the pale greys that vanish on white.
#[test]
fn themes_change_colours_not_text() {
    use ratatui::style::{Color, Modifier};
    use xsign::tui::theme::Theme;
    let mut d = compose(80, 24);
    d.type_str("x");
    let text =
        |b: &ratatui::buffer::Buffer| b.content().iter().map(|c| c.symbol()).collect::<String>();
    let dark = d.render_buffer();
    assert!(
        dark.content().iter().any(|c| c.fg == Color::Gray),
        "dark draws grey labels"
    );
    d.app.theme = Theme::Mono;
    let mono = d.render_buffer();
    d.app.theme = Theme::Light;
    let light = d.render_buffer();
    assert_eq!(text(&mono), text(&dark));
    assert_eq!(text(&light), text(&dark));
    assert!(
        mono.content()
            .iter()
            .all(|c| c.fg == Color::Reset && c.bg == Color::Reset)
    );
    let reversed = |b: &ratatui::buffer::Buffer| {
        b.content()
            .iter()
            .filter(|c| c.modifier.contains(Modifier::REVERSED))
            .count()
    };
    assert!(
        reversed(&mono) > reversed(&dark),
        "what a background marked is reverse video in mono"
    );
    assert!(
        light
            .content()
            .iter()
            .all(|c| c.fg != Color::Gray && c.fg != Color::White)
    );
}
