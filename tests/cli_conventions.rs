//! The CLI's conventions (issue 15 §3): shell completions and manual pages, exit codes a
//! script can tell apart, `--json` with one field name per fact, one spelling per flag,
//! and plain `xsign` without a terminal. Offline: the mock runs on 127.0.0.1:0.

mod cli_support;
mod common;

use cli_support::{Sandbox, stderr, stdout};

#[test]
fn bash_sources_the_completion_script_and_knows_xsign() {
    let sb = Sandbox::new();
    let script = sb.ok(&["completions", "bash"]);
    assert!(script.contains("_xsign"), "{script}");
    for shell in ["zsh", "fish", "powershell"] {
        let s = sb.ok(&["completions", shell]);
        assert!(
            s.contains("xsign") && s.contains("body-file"),
            "{shell}: {s}"
        );
    }
    let bad = sb.run(&["completions", "tcsh"], b"");
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));

    // CI has bash; a machine without it skips only this half.
    let Ok(bash) = std::process::Command::new("bash").arg("--version").output() else {
        eprintln!("no bash here: the sourcing check is skipped");
        return;
    };
    assert!(bash.status.success());
    let path = sb.root().join("xsign.bash");
    std::fs::write(&path, &script).unwrap();
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("source {}; complete -p xsign", path.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("_xsign xsign"), "{}", stdout(&out));
}

#[test]
fn man_prints_one_page_or_writes_one_per_command() {
    let sb = Sandbox::new();
    let page = sb.ok(&["man"]);
    assert!(
        page.starts_with(".ie") || page.contains(".TH xsign 1"),
        "{page}"
    );
    assert!(page.contains(".SH NAME") && page.contains("send"), "{page}");

    let dir = sb.root().join("man1");
    let listed = sb.ok(&["man", "--dir", dir.to_str().unwrap()]);
    for name in ["xsign.1", "xsign-send.1", "xsign-collection-show.1"] {
        let p = dir.join(name);
        assert!(listed.contains(p.to_str().unwrap()), "{listed}");
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(".SH SYNOPSIS"), "{name}: {text}");
    }
    let send = std::fs::read_to_string(dir.join("xsign-send.1")).unwrap();
    assert!(send.contains("body\\-file"), "{send}");
}
