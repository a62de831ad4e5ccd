//! Shared by the CLI tests: a scratch working directory with its own config and data dirs
//! (nothing touches $HOME), and a way to run the built binary in it. Needs `mod common;`.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const API_KEY: &str = "cli-test-api-key-0001";

pub struct Sandbox {
    dir: tempfile::TempDir,
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Sandbox {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("config")).unwrap();
        std::fs::create_dir(dir.path().join("data")).unwrap();
        std::fs::create_dir(dir.path().join("work")).unwrap();
        Sandbox { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The working directory commands run in.
    pub fn work(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    /// Copies the 2048-bit fixture key (mode 0600) to `path`.
    pub fn put_key(&self, path: &Path) {
        crate::common::install_fixture_key(path);
    }

    /// `private.pem` and `apikey` in the working directory: the reference client's layout.
    pub fn with_reference_files(self) -> Self {
        self.put_key(&self.work().join("private.pem"));
        std::fs::write(self.work().join("apikey"), format!("  {API_KEY}\n")).unwrap();
        self
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_xsign"));
        c.args(args)
            .current_dir(self.work())
            .env("XSIGN_CONFIG_DIR", self.root().join("config"))
            .env("XSIGN_DATA_DIR", self.root().join("data"))
            .env_remove("XSIGN_PROFILE")
            .env_remove("XSIGN_BASE_URL");
        c
    }

    /// Runs xsign with `stdin` as its whole standard input.
    pub fn run(&self, args: &[&str], stdin: &[u8]) -> Output {
        self.run_cmd(self.cmd(args), stdin)
    }

    pub fn run_cmd(&self, mut cmd: Command, stdin: &[u8]) -> Output {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // A command that fails before reading stdin closes it: that is not a test failure.
        let _ = child.stdin.take().unwrap().write_all(stdin);
        child.wait_with_output().unwrap()
    }

    /// Runs and asserts success, returning stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args, b"");
        assert!(
            out.status.success(),
            "xsign {args:?} failed: {}",
            stderr(&out)
        );
        stdout(&out)
    }
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts the exit code and that stderr says `needle`; returns stderr.
#[track_caller]
pub fn fails_with(o: &Output, code: i32, needle: &str) -> String {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(code), "stderr: {err}");
    assert!(err.contains(needle), "expected {needle:?} in stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// The value of `name: value` in the reference client's output lines.
pub fn line_value(out: &str, name: &str) -> String {
    out.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
        .unwrap_or_else(|| panic!("no {name} in {out}"))
        .to_string()
}

/// The value of header `name` in a curl command xsign printed (`-H 'name: value'`).
pub fn curl_header<'a>(script: &'a str, name: &str) -> &'a str {
    script
        .split(&format!("{name}: "))
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_else(|| panic!("no {name} header in {script}"))
}
