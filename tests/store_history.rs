//! History: append-only segments, bounded retention, exact bytes, no API key in clear.

use std::path::Path;
use xsign::signing::{AuthMode, AuthValue};
use xsign::store::{AuthRecord, History, HistoryEntry, ResponseRecord};

const API_KEY: &str = "SECRET-api-key-0123456789abcdef";

fn entry(i: usize) -> HistoryEntry {
    let body = format!("{{\r\n\t\"i\": {i}\r\n}}\n").into_bytes();
    let mut e = HistoryEntry::new(
        "demo",
        "POST",
        "http://127.0.0.1:1/api/v1/p/fees",
        body.clone(),
    );
    e.request_headers = vec![
        ("x-api-key".into(), API_KEY.into()),
        ("x-timestamp".into(), "1700000000".into()),
        ("x-sign".into(), "abc".into()),
    ];
    e.auth = Some(AuthRecord::from_value(AuthValue::Timestamp(1_700_000_000)));
    e.payload_hash = Some("00".repeat(32));
    e.x_sign = Some("abc".into());
    e.response = Some(ResponseRecord::capture(
        200,
        vec![("content-type".into(), "application/json".into())],
        b"{\"ok\":true}",
    ));
    e.duration_ms = 12;
    e
}

fn segment_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    v.sort();
    v
}

#[test]
fn records_are_exact_and_never_hold_the_api_key() {
    let tmp = tempfile::tempdir().unwrap();
    let h = History::new(tmp.path().join("history"), 1000);
    let mut e = entry(1);
    e.body = b"\xff\x00 not utf-8 \r\n".to_vec().into();
    let stored = h.record(e.clone()).unwrap();
    assert_eq!(stored.id, 1);
    let back = h.get(1).unwrap().unwrap();
    assert_eq!(back.body, e.body);
    assert_eq!(back.auth.as_ref().unwrap().mode, AuthMode::Timestamp);
    assert_eq!(
        back.auth.unwrap().to_value(),
        Some(AuthValue::Timestamp(1_700_000_000))
    );
    assert_eq!(back.response.unwrap().body, b"{\"ok\":true}");
    assert_eq!(
        back.api_key_id.as_deref(),
        Some(xsign::store::profile::api_key_id(API_KEY).as_str())
    );
    let (_, masked) = &back.request_headers[0];
    assert_eq!(masked, "****cdef");
    for f in segment_files(h.dir()) {
        let text = std::fs::read(&f).unwrap();
        assert!(!String::from_utf8_lossy(&text).contains(API_KEY));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&f).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}

#[test]
fn retention_is_bounded_and_appends_never_rewrite() {
    let tmp = tempfile::tempdir().unwrap();
    let h = History::new(tmp.path().join("history"), 30);
    let mut before: Option<(std::path::PathBuf, Vec<u8>)> = None;
    for i in 1..=200 {
        h.record(entry(i)).unwrap();
        let files = segment_files(h.dir());
        // Segments of 3: at most retention + one segment on disk.
        assert!(files.len() <= 11, "{} segments", files.len());
        let newest = files.last().unwrap().clone();
        let now = std::fs::read(&newest).unwrap();
        if let Some((path, old)) = &before
            && *path == newest
        {
            assert!(now.starts_with(old), "entry {i} rewrote the segment");
        }
        before = Some((newest, now));
    }
    let recent = h.recent(1000).unwrap();
    assert_eq!(recent.len(), 30);
    let ids: Vec<u64> = recent.iter().map(|e| e.id).collect();
    assert_eq!(ids, (171..=200).rev().collect::<Vec<_>>());
    assert!(h.get(100).unwrap().is_none(), "pruned");
    assert_eq!(h.get(185).unwrap().unwrap().body, entry(185).body);
    assert_eq!(h.recent(5).unwrap().len(), 5);
}

#[test]
fn a_torn_last_line_is_skipped_and_ids_go_on() {
    let tmp = tempfile::tempdir().unwrap();
    let h = History::new(tmp.path().join("history"), 1000);
    h.record(entry(1)).unwrap();
    h.record(entry(2)).unwrap();
    let seg = segment_files(h.dir()).pop().unwrap();
    // A writer killed mid-line: id 3 was taken, its line is half there.
    let mut f = std::fs::OpenOptions::new().append(true).open(&seg).unwrap();
    std::io::Write::write_all(&mut f, br#"{"id":3,"sent_at_ms":17000"#).unwrap();
    let e = h.record(entry(4)).unwrap();
    assert_eq!(e.id, 4);
    let ids: Vec<u64> = h.recent(10).unwrap().iter().map(|e| e.id).collect();
    assert_eq!(ids, [4, 2, 1]);
}

/// A torn last line that does not hold a whole id (a full disk left `{"id` appended) must not
/// restart the ids at 1: the last whole id before it counts, and every id stays unique.
#[test]
fn a_torn_line_without_a_whole_id_does_not_restart_the_ids() {
    for torn in [
        &br#"{"id"#[..],
        br#"{"id":1"#,
        b"{",
        b"\xff garbage",
        b"\n\n",
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let h = History::new(tmp.path().join("history"), 1000);
        h.record(entry(1)).unwrap();
        h.record(entry(2)).unwrap();
        let seg = segment_files(h.dir()).pop().unwrap();
        let mut f = std::fs::OpenOptions::new().append(true).open(&seg).unwrap();
        std::io::Write::write_all(&mut f, torn).unwrap();
        assert_eq!(h.record(entry(3)).unwrap().id, 3, "after {torn:?}");
        // Torn again after the repaired line: still no id handed out twice.
        let mut f = std::fs::OpenOptions::new().append(true).open(&seg).unwrap();
        std::io::Write::write_all(&mut f, br#"{"id"#).unwrap();
        assert_eq!(h.record(entry(4)).unwrap().id, 4, "after {torn:?}");
        let ids: Vec<u64> = h.recent(10).unwrap().iter().map(|e| e.id).collect();
        assert_eq!(ids, [4, 3, 2, 1], "after {torn:?}");
    }
}

#[test]
fn concurrent_writers_get_distinct_ids() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("history");
    let threads: Vec<_> = (0..6)
        .map(|t| {
            let dir = dir.clone();
            std::thread::spawn(move || {
                let h = History::new(dir, 1000);
                (0..20)
                    .map(|i| h.record(entry(t * 100 + i)).unwrap().id)
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut ids: Vec<u64> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, (1..=120).collect::<Vec<_>>());
    assert_eq!(History::new(&dir, 1000).recent(1000).unwrap().len(), 120);
}

#[test]
fn the_cli_lists_and_shows_entries() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let h = History::new(data.join("history"), 1000);
    for i in 1..=3 {
        h.record(entry(i)).unwrap();
    }
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_xsign"))
            .args(args)
            .env("XSIGN_CONFIG_DIR", tmp.path().join("config"))
            .env("XSIGN_DATA_DIR", &data)
            .output()
            .unwrap()
    };
    let out = run(&["history", "--limit", "2"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(text.lines().nth(1).unwrap().trim_start().starts_with('3'));

    let out = run(&["history", "--json", "--limit", "5"]);
    let lines: Vec<HistoryEntry> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0].id, 3);

    let out = run(&["history", "show", "2", "--body"]);
    assert_eq!(out.stdout, entry(2).body);
    let out = run(&["history", "show", "99"]);
    assert_eq!(out.status.code(), Some(1));
}

/// An `Authorization: Bearer …` or a cookie from an imported curl command is a secret like
/// the API key: history keeps it masked.
#[test]
fn every_secret_header_is_masked_on_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let h = History::new(tmp.path().join("history"), 1000);
    let mut e = entry(1);
    e.request_headers.push((
        "Authorization".into(),
        "Bearer eyJ-very-secret-token".into(),
    ));
    e.request_headers
        .push(("Cookie".into(), "sid=very-secret-cookie".into()));
    h.record(e).unwrap();
    let on_disk: String = segment_files(&tmp.path().join("history"))
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert!(!on_disk.contains("very-secret"), "{on_disk}");
    assert!(on_disk.contains("Bearer ****oken"), "{on_disk}");
}

/// A body over 64 KiB is kept by its start, length and SHA-256: eleven 100 MB sends made a
/// 1.5 GB history before.
#[test]
fn a_large_request_body_is_kept_by_its_start_length_and_hash() {
    use sha2::Digest;
    let tmp = tempfile::tempdir().unwrap();
    let h = History::new(tmp.path().join("history"), 1000);
    let body: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let mut e = entry(1);
    e.body = body.clone().into();
    let stored = h.record(e).unwrap();
    assert!(stored.body_cut());
    assert_eq!(stored.sent_body_len(), 3_000_000);
    assert_eq!(stored.body.len(), xsign::store::history::REQUEST_BODY_CAP);
    assert_eq!(
        stored.body_sha256.as_deref(),
        Some(hex::encode(sha2::Sha256::digest(&body)).as_str())
    );
    assert!(stored.whole_body().is_none());
    let on_disk: u64 = segment_files(&tmp.path().join("history"))
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().len())
        .sum();
    assert!(
        on_disk < 400 * 1024,
        "{on_disk} bytes on disk for one entry"
    );
    let back = h.get(stored.id).unwrap().unwrap();
    assert_eq!(back, stored);
    // A small body is whole, as before.
    let small = h.record(entry(2)).unwrap();
    assert_eq!(small.whole_body().map(|b| b.len()), Some(small.body.len()));
    assert!(small.body_len.is_none() && small.body_sha256.is_none());
}
