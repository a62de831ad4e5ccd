//! Feedback that must match what happened (issue 9, items 20 and 21): a search belongs to
//! the response it was made in, a feed decision labels the line acted on, and the feed
//! tab names the feed it is connected to.

mod tui_support;

use crossterm::event::KeyCode;
use tui_support::Driver;
use xsign::tui::app::{Effect, Message};
use xsign::tui::feed_tab::{Connection, DecideFailure, FeedCommand, FeedKind, FeedMessage};
use xsign::tui::response::ResponseView;

fn ok_view(body: &str) -> Box<ResponseView> {
    Box::new(ResponseView::new(
        200,
        "OK",
        vec![],
        body.as_bytes().to_vec(),
        5,
        tui_support::sent_post_company(0),
    ))
}

fn respond(d: &mut Driver, body: &str) {
    d.ctrl('r');
    let id = d.sent_job_id();
    d.send(Message::Sent {
        id,
        result: Ok(ok_view(body)),
    });
}

#[test]
fn a_new_response_clears_the_search() {
    let mut d = Driver::new(120, 40);
    d.type_str("/assets");
    respond(&mut d, r#"{"assets":["BTC-TESTNET","ETH"]}"#);
    d.key(KeyCode::Esc);
    d.key(KeyCode::Char('5'));
    d.key(KeyCode::Char('/'));
    d.type_str("BTC-TESTNET");
    d.key(KeyCode::Enter);
    assert_eq!(d.app.response.search.matches.len(), 1);
    assert!(d.render().contains("/BTC-TESTNET 1/1"));

    respond(&mut d, r#"{"name":"ACME"}"#);
    assert!(d.app.response.search.query.is_empty(), "the query is gone");
    assert!(d.app.response.search.matches.is_empty());
    let screen = d.render();
    assert!(
        !screen.contains("/BTC-TESTNET"),
        "the old search label stayed:\n{screen}"
    );
    // n with no search does nothing
    d.key(KeyCode::Char('n'));
    assert_eq!(d.app.response.scroll, 0);
}

/// The feed tab connected to a coreclient feed, with `texts` received.
fn feed_with(texts: &[&str]) -> Driver {
    let mut d = Driver::new(120, 40);
    d.key(KeyCode::F(3));
    d.key(KeyCode::Char('i'));
    d.type_str("c1");
    d.key(KeyCode::Enter);
    d.key(KeyCode::Char('c'));
    let id = match d.take_effects().as_slice() {
        [Effect::Feed(FeedCommand::Connect { id, .. })] => *id,
        other => panic!("expected a connect, got {other:?}"),
    };
    d.send(Message::Feed(FeedMessage::Connected {
        id,
        url: "ws://127.0.0.1:8001/api/v1/p/coreclient/c1/feed".into(),
    }));
    for t in texts {
        d.send(Message::Feed(FeedMessage::Received {
            id,
            at: Default::default(),
            text: (*t).into(),
        }));
    }
    d
}

const PENDING: &str = r#"{"id":"a1","clientID":"c1","type":"ApproveWithdraw","status":"pending"}"#;
const APPROVED: &str =
    r#"{"id":"a1","clientID":"c1","type":"ApproveWithdraw","status":"approved"}"#;

/// Approves the selected line; returns the decision the tab asked for.
fn approve_selected(d: &mut Driver) -> FeedCommand {
    d.key(KeyCode::Char('a'));
    match d.take_effects().as_slice() {
        [Effect::Feed(c @ FeedCommand::Decide { .. })] => c.clone(),
        other => panic!("expected a decision, got {other:?}"),
    }
}

#[test]
fn a_refused_decision_labels_only_the_line_acted_on_and_says_it_was_already_decided() {
    let mut d = feed_with(&[PENDING]);
    // approve the pending line: it is approved
    let FeedCommand::Decide { line, .. } = approve_selected(&mut d) else {
        unreachable!()
    };
    d.send(Message::Feed(FeedMessage::ActionDone {
        action_id: "a1".into(),
        line,
        approve: true,
        result: Ok("200 OK".into()),
    }));
    assert_eq!(
        d.app.feed.items[0].outcome.as_deref(),
        Some("approved (200 OK)")
    );

    // the feed then pushes the action again, approved; the user approves that line again
    let id = match &d.app.feed.connection {
        Connection::Connected { id, .. } => *id,
        other => panic!("{other:?}"),
    };
    d.send(Message::Feed(FeedMessage::Received {
        id,
        at: Default::default(),
        text: APPROVED.into(),
    }));
    assert_eq!(d.app.feed.selected, 1);
    let FeedCommand::Decide { line, .. } = approve_selected(&mut d) else {
        unreachable!()
    };
    d.send(Message::Feed(FeedMessage::ActionDone {
        action_id: "a1".into(),
        line,
        approve: true,
        result: Err(DecideFailure::from_answer(
            409,
            "Conflict",
            br#"{"code":409,"msg":"errConflict","detail":{"reason":"action a1 is already approved: only pending actions can be approved or rejected"}}"#,
        )),
    }));
    assert_eq!(
        d.app.feed.items[0].outcome.as_deref(),
        Some("approved (200 OK)"),
        "the line approved before keeps its label"
    );
    let second = d.app.feed.items[1].outcome.clone().unwrap_or_default();
    assert!(
        second.starts_with("could not be approved") && second.contains("already approved"),
        "{second}"
    );
    let notice = d
        .app
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default();
    assert!(notice.contains("already approved"), "{notice}");
}

#[test]
fn a_409_without_a_reason_still_says_the_action_was_already_decided() {
    let e = DecideFailure::from_answer(409, "Conflict", b"");
    let text = e.to_string();
    assert!(text.contains("already approved or rejected"), "{text}");
    assert!(text.contains("409"), "{text}");
}

#[test]
fn switching_the_feed_kind_closes_the_old_connection_first() {
    let mut d = feed_with(&[]);
    let old = match &d.app.feed.connection {
        Connection::Connected { id, .. } => *id,
        other => panic!("{other:?}"),
    };
    d.key(KeyCode::Char('t'));
    assert_eq!(d.app.feed.kind, FeedKind::Wallets);
    assert!(
        d.take_effects()
            .iter()
            .any(|e| matches!(e, Effect::Feed(FeedCommand::Disconnect { id }) if *id == old)),
        "t closes the coreclient feed"
    );
    assert!(
        !matches!(
            d.app.feed.connection,
            Connection::Connected { .. } | Connection::Connecting { .. }
        ),
        "not shown as connected while the label says wallets: {:?}",
        d.app.feed.connection
    );
    let screen = d.render();
    assert!(
        !screen.contains("● connected to"),
        "the tab still says connected:\n{screen}"
    );
    // news from the old connection no longer counts
    d.send(Message::Feed(FeedMessage::Received {
        id: old,
        at: Default::default(),
        text: PENDING.into(),
    }));
    assert!(d.app.feed.items.is_empty());
}

#[test]
fn messages_take_the_client_id_of_the_connection_and_retyping_it_closes_the_feed() {
    let mut d = feed_with(&[]);
    let id = match &d.app.feed.connection {
        Connection::Connected { id, .. } => *id,
        other => panic!("{other:?}"),
    };
    // retype the client ID while connected to c1; an action arrives meanwhile
    d.key(KeyCode::Char('i'));
    d.ctrl('u');
    d.type_str("c2");
    d.send(Message::Feed(FeedMessage::Received {
        id,
        at: Default::default(),
        text: r#"{"id":"a9","type":"ApproveWithdraw","status":"pending"}"#.into(),
    }));
    let action = d.app.feed.items[0].action.clone().expect("an action");
    assert_eq!(
        action.client_id.as_deref(),
        Some("c1"),
        "it came on c1's feed"
    );
    d.key(KeyCode::Enter);
    assert!(
        d.take_effects()
            .iter()
            .any(|e| matches!(e, Effect::Feed(FeedCommand::Disconnect { id: i }) if *i == id)),
        "a new client ID closes c1's feed"
    );
    assert!(matches!(d.app.feed.connection, Connection::Closed(_)));
}
