//! `update`, message by message: what each one does to the state and which effects it asks
//! for. No terminal, no network: the driver signs inline and keeps the other effects.

mod tui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use tui_support::{BASE, Driver, T0};
use xsign::signing::{AuthValue, Payload};
use xsign::tui::app::{EditorError, Effect, Focus, Message, Sabotage, SendFailure, SendState, Tab};
use xsign::tui::clock::Moment;
use xsign::tui::feed_tab::{Connection, FeedMessage};
use xsign::tui::response::{ResponseState, ResponseTab, ResponseView, SentRequest};

fn sent() -> SentRequest {
    tui_support::sent_post_company(0)
}

fn ok_view(body: &str) -> Box<ResponseView> {
    Box::new(ResponseView::new(
        200,
        "OK",
        vec![],
        body.as_bytes().to_vec(),
        5,
        sent(),
    ))
}

/// POST /company, body focused and being edited, empty.
fn post_company() -> Driver {
    let mut d = Driver::new(120, 40);
    d.key(KeyCode::F(2)); // GET → POST
    d.type_str("/company");
    d.key(KeyCode::Esc); // leaves the URL field, closing the endpoint list
    d.key(KeyCode::Tab); // to the body
    d.key(KeyCode::Enter);
    assert_eq!((d.app.focus, d.app.editing), (Focus::Body, true));
    d
}

fn send_id(d: &mut Driver) -> u64 {
    d.sent_job_id()
}

#[test]
fn key_every_keystroke_is_signed() {
    let mut d = post_company();
    let mut seen = Vec::new();
    for c in r#"{"a":1}"#.chars() {
        d.key(KeyCode::Char(c));
        let o = d.app.sig.latest.as_ref().unwrap();
        seen.push(o.x_sign.clone().unwrap());
        let expected = Payload::new(
            AuthValue::Timestamp(T0),
            &format!("{BASE}/company"),
            &d.app.body.to_bytes(),
        );
        assert_eq!(o.hash_hex.as_deref(), Some(expected.hash_hex().as_str()));
    }
    seen.dedup();
    assert_eq!(seen.len(), 7, "each keystroke changes the x-sign");
}

#[test]
fn key_signing_is_coalesced_while_a_job_is_out() {
    let mut d = post_company();
    // Take the job without signing it: edits meanwhile must not start another one.
    let fx = d
        .app
        .update(Message::Key(KeyEvent::from(KeyCode::Char('x'))));
    let job = match fx.as_slice() {
        [Effect::Sign(job)] => job.clone(),
        other => panic!("{other:?}"),
    };
    for c in "yz".chars() {
        let fx = d.app.update(Message::Key(KeyEvent::from(KeyCode::Char(c))));
        assert!(fx.is_empty(), "no second job while one is out: {fx:?}");
    }
    let outcome = xsign::tui::sign_worker::sign(&d.session, &job);
    let fx = d.app.update(Message::Signed(outcome));
    match fx.as_slice() {
        [Effect::Sign(next)] => assert_eq!(&*next.body, b"xyz"),
        other => panic!("the edits made meanwhile are signed next: {other:?}"),
    }
}

#[test]
fn key_q_types_in_fields_and_quits_outside() {
    let mut d = Driver::new(80, 24);
    d.type_str("/q");
    assert_eq!(d.app.url.text(), "/q");
    assert!(!d.app.quit);
    d.key(KeyCode::Esc); // leaves the field, closing the list
    d.key(KeyCode::Char('q'));
    assert!(d.app.quit);
    assert!(matches!(d.take_effects().as_slice(), [Effect::Quit]));
}

#[test]
fn key_ctrl_c_leaves_a_field_then_quits() {
    let mut d = Driver::new(80, 24);
    d.ctrl('c');
    assert!(!d.app.quit && !d.app.is_typing());
    d.ctrl('c');
    assert!(d.app.quit);
}

#[test]
fn key_tab_in_the_body_types_a_tab_and_lint_flags_it() {
    let mut d = post_company();
    d.type_str("{\t}");
    assert_eq!(d.app.body.to_bytes(), b"{\t}");
    let findings = &d.app.sig.latest.as_ref().unwrap().findings;
    assert!(
        findings.iter().any(|f| f.message.contains("tab")),
        "{findings:?}"
    );
}

#[test]
fn key_compact_and_pretty() {
    let mut d = post_company();
    d.send(Message::Paste("{ \"a\" : [1, 2] }".into()));
    d.ctrl('p');
    assert_eq!(d.app.body.to_text(), "{\n  \"a\": [\n    1,\n    2\n  ]\n}");
    d.ctrl('o');
    assert_eq!(d.app.body.to_text(), "{\"a\":[1,2]}");
    d.send(Message::Paste("x".into()));
    let before = d.app.body.to_bytes();
    d.ctrl('o');
    assert!(
        d.app
            .notice
            .as_ref()
            .unwrap()
            .text
            .contains("not valid JSON")
    );
    assert_eq!(d.app.body.to_bytes(), before, "nothing changes on an error");
}

#[test]
fn key_choosing_an_endpoint_inserts_or_offers_its_example() {
    let mut d = Driver::new(120, 40);
    d.type_str("/company");
    d.key(KeyCode::Enter);
    assert_eq!(d.app.method_name(), "POST");
    assert!(d.app.body.to_text().starts_with("{\"name\":\"ACME Corp\""));
    // With a body already there, the example is offered, not forced.
    let mut d = post_company();
    d.type_str("{}");
    d.key(KeyCode::BackTab); // back to the URL
    assert_eq!(d.app.focus, Focus::Url);
    d.key(KeyCode::End);
    d.key(KeyCode::Backspace);
    d.type_str("y");
    d.key(KeyCode::Enter);
    assert_eq!(d.app.body.to_text(), "{}");
    assert!(d.app.offer.is_some());
    d.ctrl('b');
    assert!(d.app.body.to_text().starts_with("{\"name\""));
}

#[test]
fn paste_is_byte_exact_and_is_what_gets_signed() {
    let mut d = post_company();
    let pasted = "{\r\n  \"name\": \"Zoë\"\r\n}\r\n";
    d.send(Message::Paste(pasted.into()));
    assert_eq!(d.app.body.to_bytes(), pasted.as_bytes());
    let o = d.app.sig.latest.as_ref().unwrap();
    let p = Payload::new(
        AuthValue::Timestamp(T0),
        &format!("{BASE}/company"),
        pasted.as_bytes(),
    );
    assert_eq!(o.hash_hex.as_deref(), Some(p.hash_hex().as_str()));
    assert_eq!(o.preview.total, p.len());
    // ...and what is sent
    d.key(KeyCode::F(5));
    if d.app.confirm.is_some() {
        d.key(KeyCode::Enter);
    }
    match d.take_effects().as_slice() {
        [Effect::Send(job)] => assert_eq!(&*job.body, pasted.as_bytes()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn paste_outside_a_field_is_refused_politely() {
    let mut d = Driver::new(80, 24);
    d.key(KeyCode::Esc);
    d.key(KeyCode::Char('4'));
    d.send(Message::Paste("abc".into()));
    assert!(d.app.notice.as_ref().unwrap().text.contains("focus"));
    assert!(d.app.body.is_empty());
}

#[test]
fn mouse_click_focuses_and_wheel_scrolls() {
    let mut d = Driver::new(120, 40);
    let p = d.app.panes();
    let click = |x, y| {
        Message::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: x,
            row: y,
            modifiers: KeyModifiers::NONE,
        })
    };
    d.send(click(p.body.x + 2, p.body.y + 2));
    assert_eq!((d.app.focus, d.app.editing), (Focus::Body, true));
    d.send(click(p.signature.x + 2, p.signature.y + 2));
    assert_eq!((d.app.focus, d.app.editing), (Focus::Signature, false));
    d.send(click(10, 0)); // the Request/Feed tabs
    d.send(click(18, 0));
    assert_eq!(d.app.tab, Tab::Feed);
    d.send(click(10, 0));
    assert_eq!(d.app.tab, Tab::Request);

    let long: String = (0..200).map(|i| format!("\"k{i}\":{i},")).collect();
    d.app.response.set(ResponseState::Received(ok_view(&format!(
        "{{{long}\"end\":0}}"
    ))));
    d.send(Message::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: p.response.x + 3,
        row: p.response.y + 3,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(d.app.response.scroll, 3);
}

#[test]
fn resize_moves_the_panes() {
    let mut d = Driver::new(80, 24);
    let narrow = d.app.panes();
    d.send(Message::Resize(200, 60));
    let wide = d.app.panes();
    assert_eq!(d.app.size, (200, 60));
    assert!(narrow.response.y > narrow.body.y, "stacked at 80 columns");
    assert!(wide.response.x > wide.body.x, "side by side at 200 columns");
}

#[test]
fn tick_moves_the_clock() {
    let mut d = Driver::new(80, 24);
    d.send(Message::Tick(Moment {
        unix: T0 + 5,
        mono_ms: 5000,
    }));
    assert_eq!(d.app.now.mono_ms, 5000);
}

#[test]
fn tick_re_signs_a_stale_timestamp() {
    let mut d = post_company();
    d.key(KeyCode::Char('{'));
    let seq = d.app.sig.seq;
    d.send(Message::Tick(Moment {
        unix: T0,
        mono_ms: 0,
    }));
    assert_eq!(d.app.sig.seq, seq, "same second: nothing to redo");
    d.send(Message::Tick(Moment {
        unix: T0 + 5,
        mono_ms: 5000,
    }));
    assert_eq!(d.app.sig.seq, seq + 1, "a later second: signed again");
}

#[test]
fn sent_shows_the_response_and_ignores_stale_ids() {
    let mut d = post_company();
    d.type_str("{\"name\":\"A\"}"); // what POST /company takes: nothing to confirm
    d.ctrl('r');
    let id = send_id(&mut d);
    assert!(d.app.in_flight());
    d.send(Message::Sent {
        id: id + 100,
        result: Ok(ok_view("{}")),
    });
    assert!(d.app.in_flight(), "an unknown id changes nothing");
    d.send(Message::Sent {
        id,
        result: Ok(ok_view(r#"{"company_id":"x"}"#)),
    });
    assert_eq!(d.app.send, SendState::Idle);
    assert_eq!(d.app.response.view().unwrap().status, 200);
    assert_eq!(d.app.response.tab, ResponseTab::Body);
}

#[test]
fn sent_failure_is_a_readable_message() {
    let mut d = post_company();
    d.ctrl('r');
    let id = send_id(&mut d);
    let message = "connection refused by 127.0.0.1:9: nothing is listening there".to_string();
    d.send(Message::Sent {
        id,
        result: Err(SendFailure {
            message: message.clone(),
            sent: None,
        }),
    });
    assert!(
        matches!(&d.app.response.state, ResponseState::Failed { message: m, .. } if *m == message)
    );
    assert!(d.render().contains("connection refused"));
}

#[test]
fn esc_cancels_a_request_in_flight() {
    let mut d = post_company();
    d.ctrl('r');
    let id = send_id(&mut d);
    d.key(KeyCode::Esc);
    assert!(matches!(d.take_effects().as_slice(), [Effect::CancelSend(i)] if *i == id));
    assert!(!d.app.in_flight());
    d.send(Message::Sent {
        id,
        result: Ok(ok_view("{}")),
    });
    assert!(d.app.response.view().is_none(), "a late answer is dropped");
}

#[test]
fn editor_closed_replaces_the_body_or_explains() {
    let mut d = post_company();
    d.key(KeyCode::Esc);
    d.key(KeyCode::Char('e'));
    assert!(matches!(d.take_effects().as_slice(), [Effect::OpenEditor(b)] if b.is_empty()));
    d.send(Message::EditorClosed(Ok(b"{\"a\":1}\n".to_vec())));
    assert_eq!(d.app.body.to_bytes(), b"{\"a\":1}\n");
    d.send(Message::EditorClosed(Ok(vec![0xff, 0xfe])));
    assert_eq!(d.app.body.to_bytes(), b"{\"a\":1}\n");
    assert!(d.app.notice.as_ref().unwrap().text.contains("not UTF-8"));
    d.send(Message::EditorClosed(Err(EditorError::Start {
        editor: "nano".into(),
        source: std::sync::Arc::new(std::io::ErrorKind::NotFound.into()),
    })));
    assert_eq!(
        d.app.notice.as_ref().unwrap().text,
        "cannot start nano: entity not found. Set $EDITOR to your editor"
    );
}

#[test]
fn feed_messages_fill_the_list() {
    let mut d = Driver::new(80, 24);
    d.key(KeyCode::F(3));
    d.key(KeyCode::Char('t')); // wallets
    d.key(KeyCode::Char('c'));
    let id = match d.take_effects().as_slice() {
        [Effect::Feed(xsign::tui::feed_tab::FeedCommand::Connect { id, feed })] => {
            assert_eq!(*feed, xsign::feed::FeedKind::Wallets);
            *id
        }
        other => panic!("{other:?}"),
    };
    d.send(Message::Feed(FeedMessage::Connected {
        id,
        url: "ws://x".into(),
    }));
    assert!(matches!(
        d.app.feed.connection,
        Connection::Connected { .. }
    ));
    d.send(Message::Feed(FeedMessage::Received {
        id,
        at: Moment::default(),
        text: r#"{"walletID":"w1"}"#.into(),
    }));
    assert_eq!(d.app.feed.items.len(), 1);
    d.send(Message::Feed(FeedMessage::Failed {
        id,
        error: xsign::feed::FeedError::Protocol("refused: 1020".into()).into(),
    }));
    assert!(matches!(d.app.feed.connection, Connection::Failed(_)));
    assert_eq!(
        d.app.notice.as_ref().unwrap().text,
        "the feed broke: refused: 1020"
    );
}

#[test]
fn lint_confirmation_enter_sends_anyway_esc_goes_back() {
    let mut d = post_company();
    d.type_str("{\t}");
    d.ctrl('r');
    assert!(d.app.confirm.is_some() && d.take_effects().is_empty());
    d.key(KeyCode::Esc);
    assert!(d.app.confirm.is_none() && !d.app.in_flight());
    d.ctrl('r');
    d.key(KeyCode::Enter);
    let id = send_id(&mut d);
    assert!(id > 0 && d.app.in_flight());
}

#[test]
fn lint_one_key_fix_clears_the_confirmation() {
    let mut d = post_company();
    // A body POST /company takes (its `name`), so the tab is the only warning.
    d.type_str("{\t\"name\":\"A\"}");
    d.ctrl('r');
    assert!(d.app.confirm.is_some());
    d.key(KeyCode::Char('t'));
    assert!(d.app.confirm.is_none(), "no warning left");
    assert!(!d.app.body.to_bytes().contains(&b'\t'));
    assert!(d.take_effects().is_empty(), "fixing does not send");
}

#[test]
fn f4_sends_with_a_mistake_on_purpose() {
    let mut d = post_company();
    d.type_str("{}");
    d.key(KeyCode::F(4));
    assert!(d.app.sabotage_menu);
    d.key(KeyCode::Char('n'));
    match d.take_effects().as_slice() {
        [Effect::Send(job)] => assert_eq!(job.sabotage, Some(Sabotage::TrailingNewline)),
        other => panic!("{other:?}"),
    }
}

/// The F4 menu's text reflows to the dialog: at 60×20 it was cut after "to see what the
/// server", an orphan row, because the intro was two lines broken for 76 columns.
#[test]
fn the_f4_menu_reflows_its_intro_at_60_columns() {
    let mut d = Driver::new(60, 20);
    d.type_str("/assets");
    d.key(KeyCode::F(4));
    let screen = d.render();
    let rows: Vec<&str> = screen.lines().collect();
    let row_of = |s: &str| rows.iter().position(|r| r.contains(s)).expect(s);
    assert_eq!(
        row_of("explains it:") - row_of("Send this request"),
        1,
        "the intro fills whole rows:\n{screen}"
    );
}

#[test]
fn copy_keys_ask_for_osc52() {
    let mut d = post_company();
    d.type_str("{}");
    d.key(KeyCode::Esc);
    d.key(KeyCode::Char('4'));
    d.key(KeyCode::Char('x'));
    let x = d.app.sig.latest.as_ref().unwrap().x_sign.clone().unwrap();
    match d.take_effects().as_slice() {
        [Effect::Copy { text, .. }] => assert_eq!(*text, x),
        other => panic!("{other:?}"),
    }
    d.key(KeyCode::Char('h'));
    match d.take_effects().as_slice() {
        [Effect::Copy { text, .. }] => {
            assert_eq!(*text, format!("x-timestamp: {T0}\nx-sign: {x}\n"))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn search_in_the_response() {
    let mut d = post_company();
    d.ctrl('r');
    let id = send_id(&mut d);
    d.send(Message::Sent {
        id,
        result: Ok(ok_view(r#"{"a":"ACME","b":"x","c":"acme"}"#)),
    });
    d.key(KeyCode::Esc);
    d.key(KeyCode::Char('5'));
    d.key(KeyCode::Char('/'));
    assert!(d.app.is_typing());
    d.type_str("acme");
    d.key(KeyCode::Enter);
    assert_eq!(d.app.response.search.matches, vec![1, 3]);
    d.key(KeyCode::Char('n'));
    assert_eq!(d.app.response.search.current, 1);
}

#[test]
fn help_opens_and_closes() {
    let mut d = Driver::new(80, 24);
    d.key(KeyCode::F(1));
    assert!(d.app.help.is_some());
    d.key(KeyCode::Char('q'));
    assert!(
        d.app.help.is_none() && !d.app.quit,
        "q closes help, not the app"
    );
}

#[test]
fn zoom_gives_the_focused_pane_the_screen() {
    let mut d = Driver::new(80, 24);
    d.key(KeyCode::Esc);
    d.key(KeyCode::Char('5'));
    d.key(KeyCode::Char('z'));
    let p = d.app.panes();
    assert_eq!(p.body.area(), 0);
    assert_eq!(p.response.width, 80);
}

/// The same editing keys in every one-line field, whichever it is.
fn the_editing_keys(d: &mut Driver, field: &str, text: impl Fn(&Driver) -> String) {
    d.ctrl('u');
    assert_eq!(text(d), "", "{field}: Ctrl-U clears");
    d.type_str("ab cd");
    d.ctrl('w');
    assert_eq!(text(d), "ab ", "{field}: Ctrl-W deletes a word");
    d.key(KeyCode::Home);
    d.key(KeyCode::Char('x'));
    d.key(KeyCode::End);
    d.key(KeyCode::Char('y'));
    assert_eq!(text(d), "xab y", "{field}: Home / End");
    d.key(KeyCode::Left);
    d.key(KeyCode::Backspace);
    assert_eq!(text(d), "xaby", "{field}: Left, Backspace");
    d.key(KeyCode::Delete);
    d.key(KeyCode::Right);
    assert_eq!(text(d), "xab", "{field}: Delete");
    d.send(Message::Paste("\n  q r \nnot this".into()));
    assert_eq!(text(d), "xabq r", "{field}: paste takes one line");
}

#[test]
fn every_one_line_field_edits_the_same_way() {
    let mut d = Driver::new(120, 40);
    assert_eq!(d.app.focus, Focus::Url);
    the_editing_keys(&mut d, "URL", |d| d.app.url.text().to_string());

    let mut d = Driver::new(120, 40);
    d.key(KeyCode::F(6));
    d.key(KeyCode::Char('/'));
    the_editing_keys(&mut d, "library filter", |d| {
        d.app.library.filter.text().to_string()
    });

    let mut d = Driver::new(120, 40);
    d.key(KeyCode::F(6));
    d.key(KeyCode::Char('a'));
    the_editing_keys(&mut d, "save as", |d| {
        let p = d.app.library.prompt.as_ref().expect("the save-as prompt");
        p.input().expect("it takes text").text().to_string()
    });

    let mut d = Driver::new(120, 40);
    d.app
        .response
        .set(ResponseState::Received(ok_view(r#"{"a":1}"#)));
    d.key(KeyCode::Esc);
    d.key(KeyCode::Char('5'));
    d.key(KeyCode::Char('/'));
    the_editing_keys(&mut d, "response search", |d| {
        d.app.response.search.query.text().to_string()
    });

    let mut d = Driver::new(120, 40);
    d.key(KeyCode::F(3));
    d.key(KeyCode::Char('i'));
    the_editing_keys(&mut d, "feed client ID", |d| {
        d.app.feed.client_id.text().to_string()
    });

    let mut d = Driver::new(120, 40);
    d.app.onboarding = Some(xsign::tui::onboarding::Onboarding::default());
    d.key(KeyCode::Char('p'));
    the_editing_keys(&mut d, "onboarding key path", |d| {
        match &d.app.onboarding.as_ref().expect("still open").step {
            xsign::tui::onboarding::Step::Paths { key, .. } => key.text().to_string(),
            other => panic!("{other:?}"),
        }
    });
}

#[test]
fn the_library_reloads_after_a_send_only_while_it_is_shown() {
    let reloads = |d: &mut Driver| {
        d.take_effects()
            .iter()
            .filter(|e| matches!(e, Effect::Store(_)))
            .count()
    };
    let mut d = post_company();
    d.ctrl('r');
    let id = send_id(&mut d);
    d.send(Message::Sent {
        id,
        result: Ok(ok_view("{}")),
    });
    assert_eq!(reloads(&mut d), 0, "the sidebar is hidden: no file work");
    d.key(KeyCode::F(6));
    assert_eq!(reloads(&mut d), 1, "showing it loads it");
    d.ctrl('r');
    let id = send_id(&mut d);
    d.send(Message::Sent {
        id,
        result: Ok(ok_view("{}")),
    });
    assert_eq!(reloads(&mut d), 1, "shown: the new entry is read");
}

/// A 409 (a `ref` already used: the demo keeps its companies) says what to change and how to
/// start afresh, instead of a bare "409 Conflict" (issue 9 #7).
#[test]
fn a_409_names_the_ref_and_the_reset() {
    let mut d = post_company();
    d.type_str(r#"{"name":"ACME Corp","ref":"r-1"}"#);
    d.ctrl('r');
    if d.app.confirm.is_some() {
        d.key(KeyCode::Enter);
    }
    let id = send_id(&mut d);
    let body = r#"{"code":409,"msg":"errConflict","detail":{"reason":"ref \"r-1\" is already used by company 2a: each company needs its own ref"}}"#;
    d.send(Message::Sent {
        id,
        result: Ok(Box::new(ResponseView::new(
            409,
            "Conflict",
            vec![],
            body.as_bytes().to_vec(),
            5,
            sent(),
        ))),
    });
    let notice = &d.app.notice.as_ref().unwrap().text;
    assert!(notice.starts_with("409 Conflict"), "{notice}");
    assert!(notice.contains("\"ref\""), "{notice}");
    assert!(notice.contains("xsign demo --reset"), "{notice}");
}

#[test]
fn a_large_bodys_signature_comes_first_and_its_lint_after_without_a_blank_list() {
    use xsign::tui::sign_worker::{SignReport, sign_in_steps};
    let mut d = post_company();
    // A first, small body with a trailing newline: its finding is on screen.
    let fx = d.app.update(Message::Key(KeyEvent::from(KeyCode::Enter)));
    let [Effect::Sign(job)] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    let outcome = xsign::tui::sign_worker::sign(&d.session, job);
    assert!(!outcome.findings.is_empty() && !outcome.lint_pending);
    d.app.update(Message::Signed(outcome));
    let before = d.app.sig.latest.as_ref().unwrap().findings.clone();

    // Then a 200 KB body with a tab: its x-sign is reported before its lint.
    let big = format!("{{\"a\":\"{}\",\t\"b\":1}}", "x".repeat(200_000));
    let mut job = job.clone();
    job.seq += 1;
    job.body = big.as_bytes().into();
    let mut reports = Vec::new();
    sign_in_steps(&d.session, &job, &mut |r| reports.push(r));
    let [
        SignReport::Signed(signed),
        SignReport::Linted { seq, findings },
    ] = reports.as_slice()
    else {
        panic!("{reports:?}")
    };
    assert!(signed.lint_pending && signed.x_sign.is_some());
    assert_eq!(*seq, job.seq);
    assert!(
        findings.iter().any(|f| f.message.contains("tab")),
        "{findings:?}"
    );

    // Until the lint comes, the pane keeps the last findings rather than none.
    d.app.sig.pending = Some(job.seq);
    d.app.update(Message::Signed(signed.clone()));
    let shown = d.app.sig.latest.as_ref().unwrap();
    assert_eq!(shown.x_sign, signed.x_sign);
    assert_eq!(shown.findings, before);
    // The lint of an older job is not taken for this one's.
    d.app.update(Message::Linted {
        seq: job.seq - 1,
        findings: vec![],
    });
    assert_eq!(d.app.sig.latest.as_ref().unwrap().findings, before);
    d.app.update(Message::Linted {
        seq: job.seq,
        findings: findings.clone(),
    });
    let shown = d.app.sig.latest.as_ref().unwrap();
    assert_eq!(&shown.findings, findings);
    assert!(!shown.lint_pending);
}
