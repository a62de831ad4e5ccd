use super::*;
use crate::store::CollectionStore;
use crate::store::collection::Origin;
use crate::store::project::Project;
use std::os::unix::fs::MetadataExt;

fn project() -> (tempfile::TempDir, CollectionStore) {
    let tmp = tempfile::tempdir().unwrap();
    let p = Project::init(tmp.path()).unwrap().project;
    let store = CollectionStore::new(tmp.path().join("user")).with_project(&p);
    (tmp, store)
}

fn company() -> Request {
    let mut r = Request::new("POST /company", "POST", "/company")
        .with_body(b"{\r\n\t\"name\": \"ACME \xc3\xa9\"\r\n}".to_vec());
    r.headers = vec![("Content-Type".into(), "application/json".into())];
    r.notes = "makes a company\nsecond line".into();
    r
}

#[test]
fn a_request_is_a_folder_of_plain_files_read_back_byte_for_byte() {
    let (tmp, store) = project();
    store.save_request("partner", &company()).unwrap();
    store
        .save_request("partner", &Request::new("assets", "GET", "/assets"))
        .unwrap();
    assert_eq!(store.origin_of("partner"), Some(Origin::Project));
    let dir = tmp.path().join("xsign/collections/partner");
    let req = dir.join("POST company");
    assert_eq!(std::fs::read(req.join("uri")).unwrap(), b"POST /company\n");
    assert_eq!(std::fs::read(req.join("body")).unwrap(), company().body);
    assert_eq!(
        std::fs::read_to_string(req.join("headers")).unwrap(),
        "Content-Type: application/json\n"
    );
    assert_eq!(
        std::fs::read_to_string(req.join("name")).unwrap(),
        "POST /company\n"
    );
    // A GET without a body, headers or notes is one file; its folder is its name.
    let names: Vec<_> = std::fs::read_dir(dir.join("assets"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["uri"]);
    let back = store.load("partner").unwrap().value;
    assert_eq!(back.get("POST /company"), Some(&company()));
    assert_eq!(back.get("assets").unwrap().url, "/assets");
    // Project files are for sharing; the user's own stay private.
    let mode = std::fs::metadata(req.join("body")).unwrap().mode() & 0o777;
    assert_eq!(mode, 0o644);
}

#[test]
fn a_save_rewrites_only_the_files_that_changed() {
    let (tmp, store) = project();
    store.save_request("p", &company()).unwrap();
    let req = tmp.path().join("xsign/collections/p/POST company");
    let ino = |f: &str| std::fs::metadata(req.join(f)).unwrap().ino();
    let (uri, headers) = (ino("uri"), ino("headers"));
    let mut changed = company();
    changed.body = b"{\"name\":\"other\"}".to_vec();
    changed.notes.clear();
    store.save_request("p", &changed).unwrap();
    assert_eq!(ino("uri"), uri, "uri was rewritten though unchanged");
    assert_eq!(ino("headers"), headers);
    assert_eq!(std::fs::read(req.join("body")).unwrap(), changed.body);
    assert!(!req.join("notes").exists(), "empty notes leave no file");
}

#[test]
fn rename_delete_and_what_is_not_xsigns_stays() {
    let (tmp, store) = project();
    store.save_request("p", &company()).unwrap();
    store
        .save_request("p", &Request::new("a", "GET", "/a"))
        .unwrap();
    let dir = tmp.path().join("xsign/collections/p");
    std::fs::write(dir.join("a/README"), "mine").unwrap();
    store
        .rename_request("p", "POST /company", "make company")
        .unwrap();
    assert!(!dir.join("POST company").exists());
    assert_eq!(
        store
            .load("p")
            .unwrap()
            .value
            .get("make company")
            .unwrap()
            .body,
        company().body
    );
    store.delete_request("p", "a").unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.join("a/README")).unwrap(),
        "mine"
    );
    assert!(!dir.join("a/uri").exists());
    store.rename_collection("p", "q").unwrap();
    assert_eq!(store.list().unwrap(), ["q"]);
    // The collection goes, except the folder holding the user's file, which is named.
    let e = store.delete_collection("q").unwrap_err().to_string();
    assert!(e.contains("not xsign's"), "{e}");
    assert!(store.load("q").unwrap().value.requests.is_empty());
}

#[test]
fn an_unreadable_request_folder_is_reported_and_never_touched() {
    let (tmp, store) = project();
    store
        .save_request("p", &Request::new("a", "GET", "/a"))
        .unwrap();
    let bad = tmp.path().join("xsign/collections/p/broken");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("uri"), "nonsense").unwrap();
    std::os::unix::fs::symlink("/etc/passwd", tmp.path().join("xsign/collections/p/a/body"))
        .unwrap();
    let l = store.load("p").unwrap();
    assert!(l.value.requests.is_empty(), "{:?}", l.value);
    assert_eq!(l.unreadable.len(), 2, "{:?}", l.unreadable);
    assert!(l.unreadable.iter().any(|u| u.contains("METHOD URL")));
    assert!(
        l.unreadable
            .iter()
            .any(|u| u.contains("outside the folder"))
    );
    // A new request with the broken one's name goes to another folder.
    store
        .save_request("p", &Request::new("broken", "GET", "/b"))
        .unwrap();
    assert_eq!(std::fs::read(bad.join("uri")).unwrap(), b"nonsense");
    assert_eq!(
        std::fs::read(tmp.path().join("xsign/collections/p/broken 2/uri")).unwrap(),
        b"GET /b\n"
    );
}

#[test]
fn a_secret_header_is_refused_before_anything_is_written() {
    let (tmp, store) = project();
    let mut r = company();
    r.headers.push(("Authorization".into(), "Bearer t".into()));
    let e = store.save_request("p", &r).unwrap_err().to_string();
    assert!(e.contains("secret"), "{e}");
    assert!(
        !tmp.path()
            .join("xsign/collections/p/POST company/uri")
            .exists()
    );
}

#[test]
fn the_reference_clients_requests_folder_reads_as_a_collection() {
    let tmp = tempfile::tempdir().unwrap();
    let req = tmp.path().join("c/mine/co");
    std::fs::create_dir_all(&req).unwrap();
    std::fs::write(req.join("uri"), "post https://h.test/api/v1/p/company\n").unwrap();
    std::fs::write(req.join("body"), "{\"name\":\"x\"}").unwrap();
    let root = std::fs::canonicalize(tmp.path()).unwrap();
    let body = crate::input_file::BODY;
    let found = read(&root, &root.join("c/mine"), "mine", body, Dialect::Xsign).unwrap();
    let r = found.collection.get("co").unwrap();
    assert_eq!(
        (r.method.as_str(), r.body.as_slice()),
        ("POST", &b"{\"name\":\"x\"}"[..])
    );
}

#[test]
fn a_projects_reference_requests_folder_is_a_collection_read_and_saved_in_place() {
    let (tmp, store) = project();
    let req = tmp.path().join("requests/list");
    std::fs::create_dir_all(&req).unwrap();
    std::fs::write(req.join("uri"), "GET https://h.test/api/v1/p/assets\n").unwrap();
    // The reference client sends no body with GET, so neither does xsign here.
    std::fs::write(req.join("body"), "stale").unwrap();
    let p = Project::find_from(tmp.path()).unwrap();
    let store = store.with_project(&p);
    assert_eq!(store.list().unwrap(), ["requests"]);
    let c = store.load("requests").unwrap().value;
    assert_eq!(c.get("list").unwrap().body, b"");
    store.save_request("requests", &company()).unwrap();
    let saved = tmp.path().join("requests/POST company");
    assert_eq!(
        std::fs::read(saved.join("uri")).unwrap(),
        b"POST /company\n"
    );
    assert_eq!(std::fs::read(saved.join("body")).unwrap(), company().body);
    let get_with_body = Request::new("g", "GET", "/a").with_body(b"x".to_vec());
    let e = store
        .save_request("requests", &get_with_body)
        .unwrap_err()
        .to_string();
    assert!(e.contains("only with POST, PUT and PATCH"), "{e}");
    assert!(store.rename_collection("requests", "other").is_err());
    assert!(store.delete_collection("requests").is_err());
    assert!(req.join("uri").is_file());
}

#[test]
fn user_and_project_collections_side_by_side() {
    let (_tmp, store) = project();
    let user = CollectionStore::new(store.dir().parent().unwrap().parent().unwrap().join("user"));
    store
        .save_request("shared", &Request::new("new", "GET", "/new"))
        .unwrap();
    user.save_request("mine", &Request::new("a", "GET", "/a"))
        .unwrap();
    user.save_request("shared", &Request::new("old", "GET", "/old"))
        .unwrap();
    // Saving to a collection goes where it lives.
    store
        .save_request("mine", &Request::new("b", "GET", "/b"))
        .unwrap();
    assert_eq!(user.load("mine").unwrap().value.requests.len(), 2);
    assert_eq!(store.list().unwrap(), ["shared", "mine"]);
    assert_eq!(store.origin_of("mine"), Some(Origin::User));
    // The project's collection of a name hides the user's.
    assert!(store.load("shared").unwrap().value.get("new").is_some());
    assert!(store.create("mine").is_err());
    assert!(store.rename_collection("shared", "mine").is_err());
    assert_eq!(folder_for("GET /a/b?x=1", &[]), "GET a b x=1");
    assert_eq!(folder_for("..hidden", &["hidden".into()]), "hidden 2");
}
