//! Import of the reference client's folders and of curl commands; curl export that a
//! real shell turns back into the exact bytes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use xsign::store::CollectionStore;

struct Env {
    tmp: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        let env = Env {
            tmp: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir_all(env.work()).unwrap();
        env
    }
    fn work(&self) -> PathBuf {
        self.tmp.path().join("work")
    }
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_xsign"));
        c.args(args)
            .current_dir(self.work())
            .env("XSIGN_CONFIG_DIR", self.tmp.path().join("config"))
            .env("XSIGN_DATA_DIR", self.tmp.path().join("data"))
            .env_remove("XSIGN_PROFILE");
        c
    }
    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).stdin(Stdio::null()).output().unwrap()
    }
    fn store(&self) -> CollectionStore {
        CollectionStore::new(self.tmp.path().join("config/collections"))
    }
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn write_request(root: &Path, name: &str, uri: &[u8], body: Option<&[u8]>) {
    let dir = root.join("requests").join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("uri"), uri).unwrap();
    if let Some(b) = body {
        std::fs::write(dir.join("body"), b).unwrap();
    }
}

#[test]
fn the_reference_clients_folders_become_a_collection() {
    let env = Env::new();
    let root = env.work().join("partner-api-sign");
    let company = b"{\n\t\"name\": \"ACME Corp\",\r\n\t\"city\": \"Paris\"\n}\n";
    write_request(
        &root,
        "company",
        b"POST https://api.qredo.network/api/v1/p/company\n",
        Some(company),
    );
    write_request(
        &root,
        "assets",
        b"GET https://api.qredo.network/api/v1/p/assets",
        Some(b"ignored for GET"),
    );
    write_request(
        &root,
        "local",
        b"PUT http://localhost:8001/api/v1/p/company/1\r\n",
        Some("caf\u{e9}".as_bytes()),
    );
    write_request(&root, "broken", b"JUSTONEWORD\n", None);

    let out = env.run(&["import", "folder", root.to_str().unwrap()]);
    let stdout = ok(&out);
    assert!(
        stdout.contains("imported 3 requests into `partner-api-sign`"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("broken") && stderr.contains("ignored for GET"),
        "{stderr}"
    );

    let c = env.store().load("partner-api-sign").unwrap().value;
    let names: Vec<&str> = c.requests.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["assets", "company", "local"]);
    let company_req = c.get("company").unwrap();
    assert_eq!(company_req.method, "POST");
    // Relative to the default profile (production) so it follows the profile.
    assert_eq!(company_req.url, "/company");
    assert_eq!(company_req.body, company);
    assert!(c.get("assets").unwrap().body.is_empty());
    let local = c.get("local").unwrap();
    assert_eq!(local.url, "http://localhost:8001/api/v1/p/company/1");
    assert_eq!(local.body, "caf\u{e9}".as_bytes());

    // The `requests` folder itself works too, and --absolute keeps URLs whole.
    let out = env.run(&[
        "import",
        "folder",
        root.join("requests").to_str().unwrap(),
        "--collection",
        "abs",
        "--absolute",
    ]);
    ok(&out);
    let c = env.store().load("abs").unwrap().value;
    assert_eq!(
        c.get("company").unwrap().url,
        "https://api.qredo.network/api/v1/p/company"
    );
}

#[test]
fn curl_commands_import_from_an_argument_words_or_stdin() {
    let env = Env::new();
    std::fs::write(env.work().join("body.json"), b"{\r\n\t\"a\": 1\r\n}\n").unwrap();
    let pasted = "curl -sS -X POST 'https://api.qredo.network/api/v1/p/company' \\\n -H 'x-api-key: SECRETKEY' -H 'x-sign: abc' -H 'x-timestamp: 1700000000' \\\n -H 'Content-Type: application/json' --data-binary @body.json";
    let out = env.run(&["import", "curl", "--name", "new company", pasted]);
    ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("x-api-key was left out"), "{stderr}");
    let r = env.store().load_request("imported", "new company").unwrap();
    assert_eq!(r.method, "POST");
    assert_eq!(r.url, "/company");
    assert_eq!(r.body, b"{\r\n\t\"a\": 1\r\n}\n");
    assert_eq!(
        r.headers,
        [("Content-Type".to_string(), "application/json".to_string())]
    );
    let file = std::fs::read_to_string(env.store().path_of("imported")).unwrap();
    assert!(!file.contains("SECRETKEY"));

    // Words already split by the user's shell.
    let out = env.run(&[
        "import",
        "curl",
        "-c",
        "words",
        "--",
        "curl",
        "https://api.qredo.network/api/v1/p/assets",
    ]);
    ok(&out);
    let r = env.store().load_request("words", "GET /assets").unwrap();
    assert_eq!(r.url, "/assets");

    // On stdin.
    let mut child = env
        .cmd(&["import", "curl", "-c", "stdin", "-n", "fees"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"curl https://x.test/api/v1/p/fees --data-raw $'{\\t}\\n'")
        .unwrap();
    ok(&child.wait_with_output().unwrap());
    let r = env.store().load_request("stdin", "fees").unwrap();
    assert_eq!(r.body, b"{\t}\n");
    assert_eq!(r.url, "https://x.test/api/v1/p/fees");

    let bad = env.run(&["import", "curl", "wget https://x.test"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a curl command"));
}

#[test]
fn concurrent_curl_imports_into_one_collection_all_survive() {
    let env = Env::new();
    let children: Vec<_> = (0..8)
        .map(|i| {
            env.cmd(&[
                "import",
                "curl",
                "-n",
                &format!("r{i}"),
                &format!("curl https://x.test/p/{i} --data-raw $'{{\\r\\n\"i\":{i}}}'"),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
        })
        .collect();
    for c in children {
        ok(&c.wait_with_output().unwrap());
    }
    let c = env.store().load("imported").unwrap().value;
    assert_eq!(c.requests.len(), 8);
    for i in 0..8 {
        assert_eq!(
            c.get(&format!("r{i}")).unwrap().body,
            format!("{{\r\n\"i\":{i}}}").as_bytes()
        );
    }
}

#[test]
fn exported_curl_gives_the_exact_bytes_in_a_real_shell_and_imports_back() {
    let env = Env::new();
    let bodies: &[&[u8]] = &[
        b"{\r\n\t\"name\": \"it's \\\"ACME\\\"\"\r\n}\n",
        "unicode \u{e9}\u{1F600} $HOME `x` \\n\n".as_bytes(),
        b"\xff\xfe invalid \x00 utf8\x1b",
        b"plain",
    ];
    for (i, body) in bodies.iter().enumerate() {
        let name = format!("c/r{i}");
        let f = env.work().join(format!("b{i}"));
        std::fs::write(&f, body).unwrap();
        ok(&env.run(&[
            "collection",
            "add",
            &name,
            "-X",
            "POST",
            "--url",
            "/company",
            "--body-file",
            f.to_str().unwrap(),
        ]));
        let script = ok(&env.run(&["collection", "export", &name, "--unsigned"]));
        assert!(script.contains("x-api-key: REDACTED"), "{script}");
        // bash runs the export with a `curl` that writes its body: the --data-raw argument,
        // or stdin for `--data-binary @-`.
        let out_file = env.work().join(format!("out{i}"));
        let shell = format!(
            "curl() {{ while [ $# -gt 0 ]; do if [ \"$1\" = --data-binary ] && [ \"$2\" = @- ]; then cat > '{0}'; elif [ \"$1\" = --data-raw ]; then printf %s \"$2\" > '{0}'; fi; shift; done; }}\n{script}",
            out_file.display()
        );
        let status = Command::new("bash")
            .args(["-c", &shell])
            .status()
            .expect("bash is needed for this test");
        assert!(status.success());
        let sent = std::fs::read(&out_file).unwrap();
        assert_eq!(sent, *body, "body {i} through bash");

        // And xsign's own parser reads it back exactly (a NUL body goes through stdin,
        // which an import cannot replay).
        if !body.contains(&0) {
            let parsed = xsign::store::import::parse_curl(&script, &env.work()).unwrap();
            assert_eq!(parsed.request.body, *body, "body {i} through import");
        }
    }
}

#[test]
fn a_body_linked_outside_the_folder_a_device_or_an_oversized_body_is_refused() {
    let env = Env::new();
    let root = env.work().join("refs");
    let secret = env.tmp.path().join("secret.txt");
    std::fs::write(&secret, b"root:$6$hash").unwrap();
    write_request(&root, "company", b"POST /company\n", None);
    let body = root.join("requests/company/body");
    std::os::unix::fs::symlink(&secret, &body).unwrap();
    let out = env.run(&["import", "folder", root.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("outside the folder being imported"),
        "{stderr}"
    );
    assert!(
        env.store().list().unwrap().is_empty(),
        "nothing half imported"
    );

    std::fs::remove_file(&body).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &body).unwrap();
    let out = env.run(&["import", "folder", root.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("outside the folder"), "{stderr}");

    // A link inside the folder is fine; a body over the bound is refused until raised.
    std::fs::remove_file(&body).unwrap();
    std::fs::write(root.join("big"), vec![b' '; 2 * 1024 * 1024]).unwrap();
    std::os::unix::fs::symlink(root.join("big"), &body).unwrap();
    let out = env.run(&["import", "folder", root.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("holds more than 1.00 MiB"), "{stderr}");
    let out = env.run(&[
        "import",
        "folder",
        root.to_str().unwrap(),
        "--max-body",
        "2MiB",
    ]);
    ok(&out);
    let c = env.store().load("refs").unwrap().value;
    assert_eq!(c.get("company").unwrap().body.len(), 2 * 1024 * 1024);

    // A FIFO in the folder is refused at once, not waited on (nothing will write to it).
    std::fs::remove_file(&body).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&body)
        .status()
        .unwrap();
    assert!(made.success());
    let started = std::time::Instant::now();
    let out = env.run(&["import", "folder", root.to_str().unwrap(), "-c", "fifo"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("special file, not a file"), "{stderr}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "refused, not waited for a writer"
    );
    assert!(env.store().load("fifo").is_err(), "nothing imported");
}

/// A pasted curl command's `Authorization` header is not saved in the collection (a shared,
/// plain file): the import says so and where it belongs.
#[test]
fn a_secret_header_from_curl_is_left_out_with_a_note() {
    let env = Env::new();
    let out = env.run(&[
        "import",
        "curl",
        "-c",
        "sec",
        "curl https://api.qredo.network/api/v1/p/assets -H 'Authorization: Bearer very-secret-token' -H 'Accept: application/json'",
    ]);
    ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Authorization was left out: it is a secret"),
        "{stderr}"
    );
    let c = env.store().load("sec").unwrap().value;
    let r = &c.requests[0];
    assert_eq!(
        r.headers,
        vec![("Accept".to_string(), "application/json".to_string())]
    );
    let file = std::fs::read_to_string(env.store().path_of("sec")).unwrap();
    assert!(!file.contains("very-secret"), "{file}");
}

/// A profile's `Authorization` header is redacted in an export as the API key is, unless
/// `--show-secrets`.
#[test]
fn an_export_redacts_every_secret_header() {
    let env = Env::new();
    ok(&env.run(&[
        "profile",
        "add",
        "acme",
        "--base-url",
        "https://api.qredo.network/api/v1/p",
        "--header",
        "Authorization: Bearer very-secret-token",
        "--default",
    ]));
    ok(&env.run(&["collection", "add", "c/assets", "--url", "/assets"]));
    let script = ok(&env.run(&["collection", "export", "c/assets", "--unsigned"]));
    assert!(!script.contains("very-secret"), "{script}");
    assert!(script.contains("Authorization: REDACTED"), "{script}");
    let script = ok(&env.run(&[
        "collection",
        "export",
        "c/assets",
        "--unsigned",
        "--show-secrets",
    ]));
    assert!(script.contains("Bearer very-secret-token"), "{script}");
}
