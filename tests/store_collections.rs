//! Collections on disk: byte-exact bodies, concurrent writers (real processes), corrupt
//! files set aside, unwritable directories, kills during a save.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use xsign::store::{CollectionStore, Request, StoreError};

const XSIGN: &str = env!("CARGO_BIN_EXE_xsign");

struct Env {
    _tmp: tempfile::TempDir,
    config: PathBuf,
    data: PathBuf,
    work: PathBuf,
}

impl Env {
    fn new() -> Env {
        let tmp = tempfile::tempdir().unwrap();
        let config = tmp.path().join("config");
        let data = tmp.path().join("data");
        let work = tmp.path().join("work");
        std::fs::create_dir_all(&work).unwrap();
        Env {
            config,
            data,
            work,
            _tmp: tmp,
        }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(XSIGN);
        c.args(args)
            .current_dir(&self.work)
            .env("XSIGN_CONFIG_DIR", &self.config)
            .env("XSIGN_DATA_DIR", &self.data)
            .env_remove("XSIGN_PROFILE")
            .env_remove("XSIGN_PROJECT_DIR")
            .stdin(Stdio::null());
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    fn collections(&self) -> CollectionStore {
        CollectionStore::new(self.config.join("collections"))
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const BODIES: &[(&str, &[u8])] = &[
    ("tabs", b"{\n\t\"a\": 1,\n\t\"b\": [\t2\t]\n}"),
    ("crlf", b"{\r\n  \"a\": 1\r\n}\r\n"),
    (
        "unicode",
        "{\"name\":\"Soci\u{e9}t\u{e9} G\u{e9}n\u{e9}rale \u{1F3E6} \u{4E2D}\u{6587}\"}".as_bytes(),
    ),
    ("trailing newline", b"{\"a\":1}\n"),
    ("invalid utf-8", b"\xff\xfe{\"a\":\"\xc3\x28\"}\x00\n"),
    ("empty", b""),
    ("lone cr and nul", b"a\rb\x00c\x7f"),
    ("spaces only", b"   \n\n"),
];

#[test]
fn every_body_survives_a_save_and_load_byte_for_byte() {
    let env = Env::new();
    let store = env.collections();
    for (name, body) in BODIES {
        let r = Request::new(*name, "POST", "/company").with_body(body.to_vec());
        store.save_request("bytes", &r).unwrap();
    }
    // A fresh store, as after quitting and reopening.
    let reopened = CollectionStore::new(env.config.join("collections"));
    let c = reopened.load("bytes").unwrap().value;
    assert_eq!(c.requests.len(), BODIES.len());
    for (name, body) in BODIES {
        assert_eq!(c.get(name).unwrap().body, *body, "{name}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(reopened.path_of("bytes"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // The file stays human-readable: UTF-8 bodies are JSON strings, not base64.
    let file = std::fs::read_to_string(reopened.path_of("bytes")).unwrap();
    assert!(
        file.contains(r#""body": "{\r\n  \"a\": 1\r\n}\r\n""#),
        "{file}"
    );
    assert!(file.contains("\"base64\""));
}

#[test]
fn the_cli_saves_and_prints_the_exact_bytes() {
    let env = Env::new();
    for (i, (_, body)) in BODIES.iter().enumerate() {
        let f = env.work.join(format!("body{i}"));
        std::fs::write(&f, body).unwrap();
        let target = format!("cli/r{i}");
        let out = env.run(&[
            "collection",
            "add",
            &target,
            "-X",
            "POST",
            "--url",
            "/company",
            "--body-file",
            f.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let shown = env.run(&["collection", "show", &target, "--body"]);
        assert!(shown.status.success(), "{}", text(&shown.stderr));
        assert_eq!(shown.stdout, *body, "body {i}");
    }
}

/// A secret header (an `Authorization: Bearer …`) is refused in a user's collection too:
/// collections are exported and shown, and the profile is where a credential is kept.
#[test]
fn a_secret_header_is_not_saved_in_a_collection() {
    let env = Env::new();
    let add_with = |header: &str| {
        env.run(&[
            "collection",
            "add",
            "mine/r",
            "--url",
            "/assets",
            "-H",
            header,
        ])
    };
    let out = add_with("Authorization: Bearer very-secret-token");
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("Authorization, a secret") && err.contains("xsign profile edit"),
        "{err}"
    );
    let list = env.run(&["collection", "list"]);
    assert!(
        !text(&list.stdout).contains("mine"),
        "{}",
        text(&list.stdout)
    );
    let files = walk(&env.config);
    for f in files {
        let bytes = std::fs::read(&f).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("very-secret-token"),
            "{} holds the token",
            f.display()
        );
    }
    // A request an older xsign saved with such a header can still be saved after other
    // edits (the TUI has no header editor to take it out); a new or changed one cannot.
    let store = CollectionStore::new(env.config.join("collections"));
    let mut old = Request::new("legacy", "GET", "/assets");
    old.headers = vec![("Authorization".into(), "Bearer old-token".into())];
    store
        .modify("old", true, |c| Ok(c.upsert(old.clone())))
        .unwrap();
    let mut edited = old.clone();
    edited.url = "/assets?limit=5".into();
    store.save_request("old", &edited).unwrap();
    let mut changed = edited.clone();
    changed.headers[0].1 = "Bearer new-token".into();
    let err = store.save_request("old", &changed).unwrap_err().to_string();
    assert!(err.contains("a secret"), "{err}");
    let mut copy = edited.clone();
    copy.name = "copy".into();
    assert!(
        store.save_request_new("old", &copy).is_err(),
        "a new request may not hold it"
    );

    // A harmless header is kept.
    let ok = add_with("Accept: application/json");
    assert!(ok.status.success(), "{}", text(&ok.stderr));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_project_folder_holds_its_collections_found_from_below_byte_for_byte() {
    let env = Env::new();
    let out = env.run(&["init"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("git add xsign"),
        "{}",
        text(&out.stdout)
    );
    let below = env.work.join("src/deep");
    std::fs::create_dir_all(&below).unwrap();
    for (i, (_, body)) in BODIES.iter().enumerate() {
        let f = env.work.join(format!("body{i}"));
        std::fs::write(&f, body).unwrap();
        let target = format!("api/POST /company {i}");
        let f = f.to_str().unwrap();
        let args = [
            "collection",
            "add",
            &target,
            "-X",
            "POST",
            "--url",
            "/company",
            "--body-file",
            f,
        ];
        let out = env.cmd(&args).current_dir(&below).output().unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        // The body file in the project is the body, byte for byte (absent when empty).
        let in_git = env
            .work
            .join(format!("xsign/collections/api/POST company {i}/body"));
        assert_eq!(
            std::fs::read(&in_git).unwrap_or_default(),
            *body,
            "body {i}"
        );
        let shown = env.run(&["collection", "show", &target, "--body"]);
        assert_eq!(shown.stdout, *body, "body {i}: {}", text(&shown.stderr));
    }
    let list = text(&env.run(&["collection", "list"]).stdout);
    assert!(list.contains("(project)"), "{list}");
    assert!(
        !env.config.join("collections").exists(),
        "nothing went to the user's"
    );
    // A secret header is refused: the folder is committed.
    let out = env.run(&[
        "collection",
        "add",
        "api/x",
        "--url",
        "/a",
        "-H",
        "Authorization: Bearer t",
    ]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("secrets go in the profile"),
        "{}",
        text(&out.stderr)
    );
    assert!(!env.work.join("xsign/collections/api/x").exists());
    // Outside the project, only the user's collections are seen.
    let outside = env
        .cmd(&["collection", "list"])
        .current_dir(env.config.parent().unwrap())
        .output()
        .unwrap();
    assert!(
        !text(&outside.stdout).contains("api"),
        "{}",
        text(&outside.stdout)
    );
    let again = env.run(&["init"]);
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("already an xsign project"),
        "{}",
        text(&again.stderr)
    );
}

#[test]
fn two_processes_saving_to_one_collection_both_keep_their_saves() {
    let env = Env::new();
    // Many at once to make the race likely; each saves its own request.
    let n = 12;
    let children: Vec<_> = (0..n)
        .map(|i| {
            let target = format!("shared/request {i}");
            let body = format!("{{\"i\":{i}}}\r\n");
            env.cmd(&[
                "collection",
                "add",
                &target,
                "-X",
                "POST",
                "--url",
                "/fees",
                "--body",
                &body,
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let c = env.collections().load("shared").unwrap().value;
    assert_eq!(c.requests.len(), n, "every process kept its save");
    for i in 0..n {
        let r = c.get(&format!("request {i}")).unwrap();
        assert_eq!(r.body, format!("{{\"i\":{i}}}\r\n").as_bytes());
    }
}

#[test]
fn a_corrupt_collection_is_set_aside_never_overwritten() {
    let env = Env::new();
    let dir = env.config.join("collections");
    std::fs::create_dir_all(&dir).unwrap();
    let broken = b"{\"format\":\"xsign-collection/1\",\"name\":\"c\",\"requests\":[{\"na";
    std::fs::write(dir.join("c.json"), broken).unwrap();

    let out = env.run(&["collection", "add", "c/new", "--url", "/assets"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("could not be read") && err.contains("c.json.corrupt-"),
        "{err}"
    );

    let aside: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1);
    assert_eq!(std::fs::read(&aside[0]).unwrap(), broken, "old bytes kept");
    let c = env.collections().load("c").unwrap().value;
    assert_eq!(c.requests.len(), 1);

    // Reading (list, show) names a broken file but never moves it (issue 10 #5): only a
    // write keeps it aside, as above.
    std::fs::write(dir.join("d.json"), b"not json at all").unwrap();
    let out = env.run(&["collection", "list"]);
    assert!(out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("d.json cannot be read") && err.contains("left as it is"),
        "{err}"
    );
    assert!(
        text(&out.stdout).contains('c'),
        "the others are still listed"
    );
    let out = env.run(&["collection", "show", "d"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("left as it is"));
    assert_eq!(
        std::fs::read(dir.join("d.json")).unwrap(),
        b"not json at all"
    );
    let aside = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("d.json.corrupt-")
        })
        .count();
    assert_eq!(aside, 0, "a read moved the file");
}

fn unwritable_config_dirs(env: &Env) -> Vec<(PathBuf, &'static str)> {
    // A path below a regular file cannot be created, even by root.
    let file = env.work.join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    let mut dirs = vec![(file.join("config"), "A file stands where a directory")];
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let ro = env.work.join("read-only");
        std::fs::create_dir_all(ro.join("collections")).unwrap();
        std::fs::set_permissions(
            ro.join("collections"),
            std::fs::Permissions::from_mode(0o500),
        )
        .unwrap();
        // Root ignores mode bits: only test read-only where it means something.
        let probe = ro.join("collections").join("probe");
        if std::fs::write(&probe, b"").is_err() {
            dirs.push((ro, "not writable"));
        } else {
            let _ = std::fs::remove_file(probe);
        }
    }
    dirs
}

#[test]
fn an_unwritable_config_dir_gives_a_clear_error_and_keeps_the_request() {
    let env = Env::new();
    for (dir, expect) in unwritable_config_dirs(&env) {
        let store = CollectionStore::new(dir.join("collections"));
        let request = Request::new("kept", "POST", "/company").with_body(b"{\"a\":1}\r\n".to_vec());
        let err = store.save_request("c", &request).unwrap_err();
        assert!(matches!(err, StoreError::Io { .. }), "{err:?}");
        let msg = err.to_string();
        assert!(
            msg.contains(expect) && msg.contains("Nothing was changed"),
            "{msg}"
        );
        // The caller's request is untouched and can be saved elsewhere.
        let elsewhere = env.collections();
        elsewhere.save_request("c", &request).unwrap();
        assert_eq!(elsewhere.load_request("c", "kept").unwrap(), request);

        let out = Command::new(XSIGN)
            .args(["collection", "add", "c/x", "--url", "/assets"])
            .env("XSIGN_CONFIG_DIR", &dir)
            .env("XSIGN_DATA_DIR", &env.data)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let err = text(&out.stderr);
        assert!(
            err.contains("error: cannot") && err.contains(expect),
            "{err}"
        );
        // The CLI has no editor: its error must not speak of one (issue 10 #18).
        assert!(
            !err.contains("still open") && !err.contains("edit"),
            "{err}"
        );
    }
}

fn has_no_temp_or_torn_file(dir: &Path) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".json") {
            let bytes = std::fs::read(&p).unwrap();
            xsign::store::Collection::from_file_bytes(&bytes)
                .unwrap_or_else(|e| panic!("{name} is torn: {e}"));
        }
    }
}

#[test]
fn killing_xsign_during_a_save_leaves_the_old_or_the_new_file() {
    let env = Env::new();
    // A large body makes the write long enough to be interrupted.
    let pattern = b"{\t\r\n\"a\xc3\xa9}";
    let big: Vec<u8> = pattern.iter().copied().cycle().take(4_000_000).collect();
    let body_file = env.work.join("big");
    std::fs::write(&body_file, &big).unwrap();
    let add = |name: &str| {
        env.cmd(&[
            "collection",
            "add",
            &format!("k/{name}"),
            "-X",
            "POST",
            "--url",
            "/fees",
            "--body-file",
            body_file.to_str().unwrap(),
            // Over the API's 1 MiB on purpose: a long write to interrupt.
            "--max-body",
            "8MiB",
        ])
    };
    assert!(add("first").status().unwrap().success());
    let dir = env.config.join("collections");
    for i in 0..8u64 {
        let mut child = add(&format!("r{i}")).stdout(Stdio::null()).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(5 + i * 9));
        let _ = child.kill();
        let _ = child.wait();
        has_no_temp_or_torn_file(&dir);
        let c = env.collections().load("k").unwrap();
        assert!(c.moved_aside.is_empty(), "nothing was corrupt");
        assert_eq!(c.value.get("first").unwrap().body, big);
    }
    // The next save clears what killed writers left behind.
    assert!(add("last").status().unwrap().success());
    let temps: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(temps.is_empty(), "{temps:?}");
}

/// A collection written by a newer xsign is refused, by reads and writes alike, and left
/// exactly as it is: never set aside as if it were damaged.
#[test]
fn a_newer_collection_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let store = CollectionStore::new(dir.path().join("collections"));
    store.create("future").unwrap();
    let path = dir.path().join("collections/future.json");
    let newer = br#"{"format":"xsign-collection/99","collection":{"name":"future","requests":[],"shape":"new"}}"#;
    std::fs::write(&path, newer).unwrap();
    let refused = |e: StoreError| {
        let text = e.to_string();
        assert!(matches!(e, StoreError::NewerFormat { .. }), "{text}");
        assert!(text.contains("made by a newer xsign"), "{text}");
    };
    refused(store.load("future").unwrap_err());
    refused(store.load_all().unwrap_err());
    refused(
        store
            .save_request("future", &Request::new("r", "GET", "/assets"))
            .unwrap_err(),
    );
    assert_eq!(std::fs::read(&path).unwrap(), newer.to_vec());
    let names: Vec<_> = std::fs::read_dir(dir.path().join("collections"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("corrupt"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}
