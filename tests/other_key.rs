//! A request signed with a key that is not the profile's (`send --key other.pem`): `send`'s
//! own doctor, `doctor --history` and the workbench's inspector all check it with the key
//! that signed it, recorded in the history, and so name the same cause.

mod common;
mod send_common;

use send_common::{Env, fixture_key};
use xsign::signing::generate_key;
use xsign::tui::app::Message;
use xsign::tui::clock::SystemClock;
use xsign::tui::session::Session;
use xsign::tui::stores::Stores;

/// The lines of a doctor report that name a cause (`✗ …` in the text rendering).
fn causes(report: &str) -> Vec<String> {
    report
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with('✗'))
        .map(str::to_string)
        .collect()
}

#[test]
fn another_key_is_named_by_send_doctor_history_and_the_inspector() {
    let env = Env::start();
    let other = generate_key(2048).unwrap();
    let other_path = env.write("other.pem", other.to_pkcs1_pem().as_bytes());
    common::restrict(&other_path);

    // 1. send: the mock has the fixture key registered, so it refuses other.pem's x-sign.
    let sent = env.send(&["GET", "/assets", "--key", "other.pem"]);
    assert_eq!(sent.code, 6, "{sent:?}");
    let send_causes = causes(&sent.stderr);
    assert!(!send_causes.is_empty(), "{sent:?}");
    assert!(
        sent.stderr.contains("other.pem"),
        "send's doctor names the key it checked with: {sent:?}"
    );

    // The history holds which key signed it, and where that key is.
    let entry = env.history().recent(1).unwrap().pop().unwrap();
    let key = entry.key.as_ref().expect("the signing key is recorded");
    assert_eq!(key.fingerprint, other.info().fingerprint);
    assert_eq!(
        key.path.as_deref().map(|p| p.canonicalize().unwrap()),
        Some(other_path.canonicalize().unwrap())
    );
    assert_eq!(entry.scheme.as_deref(), Some("partner-rsa"));
    let shown = env.xsign(&["history", "show", &entry.id.to_string()]);
    assert!(
        shown.stdout.lines().any(|l| l.starts_with("signed by: ")
            && l.contains(&other.info().fingerprint)
            && l.contains("partner-rsa")
            && l.ends_with("other.pem)")),
        "{shown:?}"
    );

    // 2. doctor --history, run where private.pem (the registered key) also lies: it must
    //    check with other.pem, as send did, not blame private.pem.
    let id = entry.id.to_string();
    let doctor = env.xsign(&["doctor", "--history", &id]);
    assert_eq!(doctor.code, 6, "{doctor:?}");
    assert_eq!(causes(&doctor.stdout), send_causes, "{doctor:?}\n{sent:?}");
    assert!(doctor.stdout.contains("other.pem"), "{doctor:?}");

    // 3. The workbench's inspector, in a session whose own key is the registered one, on
    //    the stores of this environment.
    let stores = Stores::in_dirs(&env.path("config"), &env.path("data"));
    let session = Session::for_key(
        "demo",
        &env.base_url(),
        fixture_key(),
        send_common::API_KEY,
        xsign::signing::AuthMode::Timestamp,
        SystemClock::shared(),
        &stores,
    );
    let Message::Inspected(Ok(view)) =
        xsign::tui::store_io::inspect(&session, &stores.config, &entry)
    else {
        panic!("the entry has a response to inspect");
    };
    let text: Vec<String> = view
        .inspector
        .expect("an inspector report")
        .lines
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect();
    // The inspector words its lines its own way; the causes it names are send's.
    let text = text.join("\n");
    for cause in &send_causes {
        let title = cause.trim_start_matches('✗').trim();
        let title = ["cause found: ", "cause: "]
            .iter()
            .fold(title, |t, p| t.strip_prefix(p).unwrap_or(t));
        assert!(text.contains(title), "{title:?} not in\n{text}");
    }
    assert!(text.contains("other.pem"), "{text}");
}
