//! The library sidebar, the profile switcher and first-run set-up, driven through `update`
//! with their file work done by the real runtime on the real store (injected, in a private
//! config and data dir; the process environment is left alone).

mod tui_support;

use crossterm::event::KeyCode;
use std::sync::OnceLock;
use std::time::Duration;
use tui_support::{Driver, private_dirs, stores};
use xsign::tui::app::{Effect, Focus, Message};
use xsign::tui::onboarding::{Onboarding, Step};
use xsign::tui::runtime::{self, Runtime};
use xsign::tui::store_io;

/// The tokio runtime whose blocking pool does the file work, shared by the tests.
fn tokio() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap()
    })
}

/// Hands the file effects to the real runtime (on the injected stores, off the driver's
/// thread) and applies its answers, until no file work is left. Other effects stay in
/// `d.effects` for the test to look at.
fn settle(d: &mut Driver) {
    settle_on(d, stores())
}

/// [`settle`] on these stores.
fn settle_on(d: &mut Driver, stores: xsign::tui::stores::Stores) {
    let (tx, rx) = runtime::channel();
    let mut rt = Runtime::new(d.session.clone(), tokio().handle().clone(), tx, stores);
    loop {
        let mut asked = 0;
        for e in d.take_effects() {
            match e {
                Effect::Store(_)
                | Effect::LoadProfiles
                | Effect::InspectHistory(_)
                | Effect::Onboard(_)
                | Effect::ImportCurl(_) => {
                    assert!(rt.perform(e).is_empty(), "file work answers on the channel");
                    asked += 1;
                }
                other => d.effects.push(other),
            }
        }
        if asked == 0 {
            return;
        }
        for _ in 0..asked {
            let answer = rx
                .recv_timeout(Duration::from_secs(20))
                .expect("the runtime answers");
            d.send(answer);
        }
    }
}

/// Shows and focuses the library (F6 hides it when it already has focus).
fn library(d: &mut Driver) {
    if d.app.focus != Focus::Sidebar || !d.app.library.visible {
        d.key(KeyCode::F(6));
        settle(d);
    }
}

fn type_body(d: &mut Driver, body: &str) {
    d.key(KeyCode::Esc); // leaves the URL field, closing the endpoint list
    d.key(KeyCode::Char('3'));
    d.key(KeyCode::Enter);
    d.send(Message::Paste(body.into()));
}

#[test]
fn save_as_then_reopen_keeps_every_byte() {
    let mut d = Driver::new(120, 40);
    d.key(KeyCode::F(2));
    d.type_str("/company");
    let body = "{\r\n\t\"name\": \"Zoë ✓\"  \r\n}\r\n";
    type_body(&mut d, body);
    d.ctrl('s');
    settle(&mut d);
    assert_eq!(
        d.app.focus,
        Focus::Sidebar,
        "no name yet: Ctrl-S asks for one"
    );
    let prompt = d.app.library.prompt.as_ref().expect("save as prompt");
    let input = prompt
        .input()
        .expect("a prompt to type in")
        .text()
        .to_string();
    for _ in 0..input.chars().count() {
        d.key(KeyCode::Backspace);
    }
    d.type_str("bytes/odd body");
    d.key(KeyCode::Enter);
    settle(&mut d);
    let current = d.app.current.clone().expect("saved");
    assert_eq!(current.collection, "bytes");
    assert!(!d.app.is_edited());
    assert!(d.render().contains("bytes/odd body saved"));

    // Change the editor, then open the saved request again from the sidebar.
    d.app.body.set_text("{}");
    assert!(d.app.is_edited());
    assert!(d.render().contains("● edited"));
    library(&mut d);
    let rows = d.app.library.rows();
    let at = rows
        .iter()
        .position(|r| r.collection == "bytes" && r.request.as_deref() == Some("odd body"))
        .unwrap();
    d.app.library.selected = at;
    d.key(KeyCode::Enter);
    assert_eq!(d.app.body.to_bytes(), body.as_bytes());
    assert_eq!(d.app.method_name(), "POST");
    assert_eq!(d.app.url.text(), "/company");
    assert!(!d.app.is_edited());
}

#[test]
fn rename_duplicate_and_delete_with_confirmation() {
    let mut d = Driver::new(120, 40);
    d.type_str("/assets");
    d.ctrl('s');
    settle(&mut d);
    for _ in 0..30 {
        d.key(KeyCode::Backspace);
    }
    d.type_str("ops/assets");
    d.key(KeyCode::Enter);
    settle(&mut d);
    let find = |d: &Driver, name: &str| {
        d.app
            .library
            .rows()
            .iter()
            .position(|r| r.collection == "ops" && r.request.as_deref() == Some(name))
    };
    library(&mut d);
    d.app.library.selected = find(&d, "assets").unwrap();
    d.key(KeyCode::Char('d'));
    settle(&mut d);
    assert!(find(&d, "assets copy").is_some());
    d.app.library.selected = find(&d, "assets").unwrap();
    d.key(KeyCode::Char('r'));
    for _ in 0.."assets".len() {
        d.key(KeyCode::Backspace);
    }
    d.type_str("all assets");
    d.key(KeyCode::Enter);
    settle(&mut d);
    assert!(find(&d, "all assets").is_some() && find(&d, "assets").is_none());
    assert_eq!(
        d.app.current.as_ref().unwrap().request.name,
        "all assets",
        "the request in the editor follows its rename"
    );
    d.app.library.selected = find(&d, "assets copy").unwrap();
    d.key(KeyCode::Char('x'));
    assert!(d.render().contains("delete assets copy? y yes"));
    d.key(KeyCode::Esc);
    settle(&mut d);
    assert!(find(&d, "assets copy").is_some(), "Esc keeps it");
    d.key(KeyCode::Char('x'));
    d.key(KeyCode::Char('y'));
    settle(&mut d);
    assert!(find(&d, "assets copy").is_none());
}

#[test]
fn filter_by_typing() {
    let mut d = Driver::new(120, 40);
    for (name, url) in [("filter/one", "/exchanges"), ("filter/two", "/assets")] {
        d.app.current = None;
        d.app.url.set(url);
        d.ctrl('s');
        settle(&mut d);
        for _ in 0..40 {
            d.key(KeyCode::Backspace);
        }
        d.type_str(name);
        d.key(KeyCode::Enter);
        settle(&mut d);
    }
    library(&mut d);
    d.key(KeyCode::Char('/'));
    d.type_str("filter exch");
    let rows = d.app.library.rows();
    let names: Vec<_> = rows.iter().filter_map(|r| r.request.clone()).collect();
    assert_eq!(names, ["one"]);
}

#[test]
fn profile_switcher_lists_and_switches() {
    let mut d = Driver::new(120, 40);
    d.key(KeyCode::F(7));
    assert!(matches!(
        d.take_effects().as_slice(),
        [Effect::LoadProfiles]
    ));
    d.send(store_io::profiles(&stores().config));
    let picker = d.app.picker.as_ref().expect("the switcher");
    let names: Vec<_> = picker.items.iter().map(|p| p.name.as_str()).collect();
    assert!(names.contains(&"production") && names.contains(&"play"));
    let play = names.iter().position(|n| *n == "play").unwrap();
    assert!(picker.items[play].note.contains("signing off"));
    assert_eq!(
        picker.items[picker.selected].name, "demo",
        "the switcher opens on the profile in use"
    );
    while d.app.picker.as_ref().unwrap().selected > play {
        d.key(KeyCode::Up);
    }
    d.key(KeyCode::Enter);
    match d.take_effects().as_slice() {
        [Effect::SwitchProfile(name)] => assert_eq!(name, "play"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn first_run_points_at_existing_files() {
    let dir = private_dirs();
    let keys = dir.join("mine");
    std::fs::create_dir_all(&keys).unwrap();
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/test-rsa2048.pkcs1.pem"),
        keys.join("private.pem"),
    )
    .unwrap();
    std::fs::write(keys.join("apikey"), "  my-api-key-0123456789\n").unwrap();
    let mut d = Driver::new(80, 24);
    d.app.onboarding = Some(Onboarding::default());
    assert!(d.render().contains("Welcome to xsign"));
    d.key(KeyCode::Char('q'));
    assert!(!d.app.quit, "keys go to the welcome screen");
    d.key(KeyCode::Char('p'));
    d.ctrl('u');
    d.type_str(keys.join("private.pem").to_str().unwrap());
    d.key(KeyCode::Tab);
    d.ctrl('u');
    d.type_str(keys.join("nope").to_str().unwrap());
    d.key(KeyCode::Enter);
    settle(&mut d);
    let o = d
        .app
        .onboarding
        .as_ref()
        .expect("still open: the API key file is missing");
    assert!(
        o.error.as_deref().unwrap().contains("no API key file"),
        "{o:?}"
    );
    assert!(matches!(o.step, Step::Paths { .. }));
    d.ctrl('u');
    d.type_str(keys.join("apikey").to_str().unwrap());
    d.key(KeyCode::Enter);
    settle(&mut d);
    assert!(d.app.onboarding.is_none());
    match d.take_effects().as_slice() {
        [Effect::SwitchProfile(name)] => assert_eq!(name, "production"),
        other => panic!("{other:?}"),
    }
    let config = stores().config.load().unwrap().value;
    let p = config.profile("production").unwrap();
    assert_eq!(p.key_path, keys.join("private.pem"));
    assert_eq!(config.default_profile.as_deref(), Some("production"));
}

#[test]
fn first_run_demo_choice_quits_into_the_demo() {
    let mut d = Driver::new(80, 24);
    d.app.onboarding = Some(Onboarding::default());
    d.key(KeyCode::Char('d'));
    assert!(d.app.quit);
    assert_eq!(d.app.next, Some(xsign::tui::app::Next::Demo));
}

#[test]
fn first_run_generates_a_key_and_takes_the_api_key() {
    let mut d = Driver::new(120, 40);
    d.app.onboarding = Some(Onboarding::default());
    d.key(KeyCode::Char('g'));
    settle(&mut d);
    let (key_path, public_path) = match &d.app.onboarding.as_ref().unwrap().step {
        Step::ApiKey {
            key_path,
            public_path,
            ..
        } => (key_path.clone(), public_path.clone()),
        other => panic!("{other:?}"),
    };
    assert!(key_path.exists() && public_path.exists());
    assert!(d.render().contains("Upload the public key"));
    d.send(Message::Paste("pasted-api-key-0123456789\n".into()));
    assert!(
        !d.render().contains("pasted-api-key"),
        "the API key is masked"
    );
    d.key(KeyCode::Enter);
    settle(&mut d);
    assert!(d.app.onboarding.is_none());
}

#[test]
fn a_curl_command_pasted_into_the_url_field_fills_the_request() {
    let mut d = Driver::new(120, 40);
    d.send(Message::Paste(format!(
        "curl -X POST '{}/company' -H 'x-api-key: k' --data-binary $'{{\"a\":\\t1}}\\n'",
        tui_support::BASE
    )));
    settle(&mut d);
    assert_eq!(d.app.method_name(), "POST");
    assert_eq!(d.app.url.text(), "/company", "relative to the profile");
    assert_eq!(d.app.body.to_bytes(), b"{\"a\":\t1}\n");
    assert!(
        d.app
            .notice
            .as_ref()
            .unwrap()
            .text
            .starts_with("imported curl")
    );
}

/// A history entry sent from the demo profile: `PUT /company/c1?x=1`, a body with a CRLF,
/// a tab and wide characters, answered 200.
fn sent_entry() -> xsign::store::HistoryEntry {
    let body = "{\r\n\t\"name\": \"Zürich – 東京\"\r\n}"
        .as_bytes()
        .to_vec();
    let mut e = xsign::store::HistoryEntry::new(
        "demo",
        "PUT",
        format!("{}/company/c1?x=1", tui_support::BASE),
        body,
    );
    e.id = 41;
    e.response = Some(xsign::store::ResponseRecord::capture(
        200,
        vec![("content-type".into(), "application/json".into())],
        br#"{"ok":true}"#,
    ));
    e
}

#[test]
fn a_history_entry_opened_in_the_inspector_is_loaded_into_the_request_pane() {
    let mut d = Driver::new(160, 48);
    // an unrelated request in the editor
    d.type_str("/assets");
    let entry = sent_entry();
    d.app.library.history = vec![entry.clone()];
    d.app.library.loaded = true;
    d.app.library.visible = true;
    d.app.library.tab = xsign::tui::sidebar::LibraryTab::History;
    d.app.focus = Focus::Sidebar;
    d.app.editing = false;
    d.key(KeyCode::Char('i'));
    settle(&mut d);
    assert_eq!(
        d.app.response.tab,
        xsign::tui::response::ResponseTab::Inspector,
        "the verdict is shown"
    );
    assert_eq!(d.app.method_name(), "PUT");
    assert_eq!(d.app.url.text(), "/company/c1?x=1");
    assert_eq!(
        d.app.body.to_bytes(),
        entry.body.to_vec(),
        "the exact bytes"
    );
    let screen = d.render();
    assert!(screen.contains("/company/c1?x=1"), "{screen}");
    assert!(
        !screen.contains("/assets"),
        "the unrelated request is gone:\n{screen}"
    );
}

#[test]
fn a_history_entry_that_is_not_text_leaves_the_request_pane_and_says_so() {
    let mut d = Driver::new(160, 48);
    d.type_str("/assets");
    let mut entry = sent_entry();
    entry.body = bytes::Bytes::from_static(b"\xff\xfe binary");
    d.app.library.history = vec![entry];
    d.app.library.loaded = true;
    d.app.library.visible = true;
    d.app.library.tab = xsign::tui::sidebar::LibraryTab::History;
    d.app.focus = Focus::Sidebar;
    d.app.editing = false;
    d.key(KeyCode::Char('i'));
    let notice = d
        .app
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default();
    assert!(notice.contains("not UTF-8"), "{notice}");
    assert_eq!(d.app.url.text(), "/assets", "the editor keeps its request");
}

/// The save-as prompt's text, after Ctrl-S with nothing saved yet.
fn save_as_prompt(d: &mut Driver) -> String {
    d.ctrl('s');
    settle(d);
    let prompt = d.app.library.prompt.as_ref().expect("save as prompt");
    prompt
        .input()
        .expect("a prompt to type in")
        .text()
        .to_string()
}

/// The save-as prompt edits like every other field: Ctrl-U clears the prefilled
/// `collection/`, Ctrl-W deletes the word before the cursor (issue 9 #9).
#[test]
fn the_save_as_prompt_takes_the_editing_keys() {
    let mut d = Driver::new(120, 40);
    d.type_str("/assets");
    assert!(save_as_prompt(&mut d).ends_with('/'));
    d.ctrl('u');
    let text = |d: &Driver| {
        d.app
            .library
            .prompt
            .as_ref()
            .unwrap()
            .input()
            .unwrap()
            .text()
            .to_string()
    };
    assert_eq!(text(&d), "", "Ctrl-U clears");
    d.type_str("mine/first try");
    d.ctrl('w');
    assert_eq!(text(&d), "mine/first ", "Ctrl-W deletes a word");
    d.ctrl('w');
    assert_eq!(text(&d), "mine/", "then the name");
    d.type_str("assets");
    d.key(KeyCode::Enter);
    settle(&mut d);
    let current = d.app.current.clone().expect("saved");
    assert_eq!(
        (current.collection.as_str(), current.request.name.as_str()),
        ("mine", "assets")
    );
}

/// A second `/` in the name is refused with the rule, the prompt kept to fix it, nothing
/// saved (it used to save `mine/r2` in `demo` without a word) (issue 9 #9).
#[test]
fn a_slash_in_the_request_name_is_refused_and_the_prompt_kept() {
    let mut d = Driver::new(120, 40);
    d.type_str("/assets");
    save_as_prompt(&mut d);
    d.ctrl('u');
    d.type_str("demo/mine/r2");
    d.key(KeyCode::Enter);
    settle(&mut d);
    assert!(d.app.current.is_none(), "nothing saved");
    let notice = d.app.notice.as_ref().expect("a notice").text.clone();
    assert!(notice.contains("one '/'"), "{notice}");
    let prompt = d.app.library.prompt.as_ref().expect("the prompt stays");
    assert_eq!(prompt.input().unwrap().text(), "demo/mine/r2");
}

/// A URL under the profile's base URL is saved relative to it: the demo's port changes
/// from run to run (issue 9 #9).
#[test]
fn a_url_under_the_base_is_saved_relative() {
    let mut d = Driver::new(120, 40);
    d.type_str(&format!("{}/assets?x=1", tui_support::BASE));
    save_as_prompt(&mut d);
    d.ctrl('u');
    d.type_str("rel/assets");
    d.key(KeyCode::Enter);
    settle(&mut d);
    let current = d.app.current.clone().expect("saved");
    assert_eq!(current.request.url, "/assets?x=1");
    let saved = stores().collections.load("rel").unwrap().value;
    assert_eq!(saved.get("assets").unwrap().url, "/assets?x=1");
}

/// Ctrl-S on a request opened from a collection and changed since asks before it
/// overwrites, saying what changes; unchanged, it writes nothing (issue 9 #9).
#[test]
fn ctrl_s_over_a_saved_request_asks_first() {
    let mut d = Driver::new(120, 40);
    d.type_str("/assets");
    save_as_prompt(&mut d);
    d.ctrl('u');
    d.type_str("keep/assets");
    d.key(KeyCode::Enter);
    settle(&mut d);
    assert!(d.app.current.is_some());
    d.ctrl('s');
    settle(&mut d);
    assert!(
        d.app
            .notice
            .as_ref()
            .unwrap()
            .text
            .contains("nothing changed"),
        "{:?}",
        d.app.notice
    );
    // A burst of keys lands in the URL, then Ctrl-S.
    d.key(KeyCode::Char('2')); // the URL, typing
    d.key(KeyCode::End);
    d.type_str("x!");
    d.ctrl('s');
    settle(&mut d);
    let saved = || {
        stores()
            .collections
            .load("keep")
            .unwrap()
            .value
            .get("assets")
            .unwrap()
            .url
            .clone()
    };
    assert_eq!(saved(), "/assets", "not written yet");
    let screen = d.render();
    assert!(
        screen.contains("y overwrites keep/assets (URL /assets → /assetsx!)"),
        "{screen}"
    );
    d.key(KeyCode::Char('n'));
    settle(&mut d);
    assert_eq!(saved(), "/assets", "n keeps the saved one");
    d.ctrl('s');
    d.key(KeyCode::Char('y'));
    settle(&mut d);
    assert_eq!(saved(), "/assetsx!");
    assert!(
        d.app
            .notice
            .as_ref()
            .unwrap()
            .text
            .contains("saved keep/assets")
    );
}

/// F6 closing the library gives the keys back to the pane that had them, not typing: the
/// next `q`, digit or letter must not land in the URL (issue 9, newcomer run at 80×24).
#[test]
fn f6_closing_the_library_returns_to_the_pane_that_had_focus_not_typing() {
    for (w, h) in [(80, 24), (200, 60)] {
        let mut d = Driver::new(w, h);
        d.type_str("/assets");
        d.key(KeyCode::Esc);
        d.key(KeyCode::Char('5'));
        assert_eq!(d.app.focus, Focus::Response);
        library(&mut d);
        assert_eq!(d.app.focus, Focus::Sidebar);
        d.key(KeyCode::F(6));
        settle(&mut d);
        assert_eq!(d.app.focus, Focus::Response, "{w}×{h}: back where it was");
        assert!(!d.app.is_typing(), "{w}×{h}: not typing");
        d.key(KeyCode::Char('x'));
        assert_eq!(
            d.app.url.text(),
            "/assets",
            "{w}×{h}: a key is not typed in the URL"
        );

        // Ctrl-S opens it too (save as); closing it unsaved goes back the same way.
        let mut d = Driver::new(w, h);
        d.type_str("/assets");
        d.key(KeyCode::Esc);
        d.key(KeyCode::Char('3'));
        d.ctrl('s');
        settle(&mut d);
        d.key(KeyCode::Esc); // closes the prompt
        d.key(KeyCode::F(6));
        assert_eq!(d.app.focus, Focus::Body, "{w}×{h}: back to the body");
        assert!(!d.app.is_typing(), "{w}×{h}: not typing after save-as");
    }
}

/// The README's steps run a second time: "save as default/mine" meets the first run's
/// request, and one key replaces it (issue 9, the newcomer flow twice in a row).
#[test]
fn save_as_over_an_existing_request_asks_to_replace_it() {
    let mut d = Driver::new(120, 40);
    d.type_str("/assets");
    save_as_prompt(&mut d);
    d.ctrl('u');
    d.type_str("again/mine");
    d.key(KeyCode::Enter);
    settle(&mut d);

    // A fresh editor, as on the second run: no request opened.
    let mut d = Driver::new(120, 40);
    d.type_str("/fees");
    save_as_prompt(&mut d);
    d.ctrl('u');
    d.type_str("again/mine");
    d.key(KeyCode::Enter);
    settle(&mut d);
    let screen = d.render();
    assert!(
        screen.contains("again/mine exists: y replaces it"),
        "{screen}"
    );
    let url = || {
        stores()
            .collections
            .load("again")
            .unwrap()
            .value
            .get("mine")
            .unwrap()
            .url
            .clone()
    };
    assert_eq!(url(), "/assets", "not replaced before y");
    d.key(KeyCode::Char('y'));
    settle(&mut d);
    assert_eq!(url(), "/fees");
}

#[test]
fn the_library_marks_the_collections_that_live_in_the_project() {
    let tmp = tempfile::tempdir().unwrap();
    let project = xsign::store::project::Project::init(&tmp.path().join("repo"))
        .unwrap()
        .project;
    let user =
        xsign::tui::stores::Stores::in_dirs(&tmp.path().join("config"), &tmp.path().join("data"));
    let req = xsign::store::Request::new("assets", "GET", "/assets");
    user.collections.save_request("mine", &req).unwrap();
    let stores = user.with_project(Some(&project));
    // a new collection goes to the project when there is one
    stores.collections.save_request("shared", &req).unwrap();
    assert!(tmp.path().join("repo/xsign/collections/shared").is_dir());
    let mut d = Driver::new(100, 30);
    d.key(KeyCode::F(6));
    settle_on(&mut d, stores);
    let screen = d.render();
    let line = |name: &str| {
        screen
            .lines()
            .find(|l| l.contains(&format!("▾ {name}")))
            .unwrap_or_else(|| panic!("no {name} heading:\n{screen}"))
            .to_string()
    };
    assert!(line("shared").contains("▾ shared project"), "{screen}");
    assert!(!line("mine").contains("project"), "{screen}");
}

#[test]
fn a_request_named_after_its_method_and_path_shows_the_method_once() {
    let tmp = tempfile::tempdir().unwrap();
    let stores =
        xsign::tui::stores::Stores::in_dirs(&tmp.path().join("config"), &tmp.path().join("data"));
    // what `import openapi` names a request
    let req = xsign::store::Request::new("GET /assets", "GET", "/assets");
    stores.collections.save_request("spec", &req).unwrap();
    let mut d = Driver::new(100, 30);
    d.key(KeyCode::F(6));
    settle_on(&mut d, stores);
    let screen = d.render();
    assert!(screen.contains("GET    /assets"), "{screen}");
    assert!(!screen.contains("GET    GET"), "{screen}");
}
