//! SIGTERM, SIGINT and SIGHUP from outside end the workbench like `q` does: the terminal is
//! restored (main screen, no mouse tracking, cursor shown) and the exit code is 128 + the
//! signal. The real binary runs in a detached tmux pane on a private tmux server; without
//! tmux the terminal part is skipped with a note.

mod tui_support;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};
use tui_support::Driver;
use xsign::tui::app::{Effect, Message, Next};

#[test]
fn a_signal_quits_without_asking_and_says_which() {
    let mut d = Driver::new(80, 24);
    d.type_str("/company");
    d.send(Message::Signal(15));
    assert!(d.app.quit);
    assert_eq!(d.app.next, Some(Next::Signalled(15)));
    assert!(d.app.confirm.is_none());
    assert!(d.take_effects().iter().any(|e| matches!(e, Effect::Quit)));
}

/// A tmux server of this test's own, killed on drop.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("running tmux")
    }

    fn show(&self, format: &str) -> String {
        let out = self.run(&["display-message", "-p", "-t", "t", format]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn screen(&self) -> String {
        let out = self.run(&["capture-pane", "-p", "-t", "t"]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Polls until `ready` holds, up to `limit`.
    fn wait(&self, limit: Duration, what: &str, ready: impl Fn(&Tmux) -> bool) {
        let start = Instant::now();
        while !ready(self) {
            assert!(
                start.elapsed() < limit,
                "waited {limit:?} for {what}; the pane shows:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

fn tmux_missing() -> bool {
    let absent = Command::new("tmux").arg("-V").output().is_err();
    if absent {
        eprintln!("note: tmux is not installed; the terminal-restore test is skipped");
    }
    absent
}

/// Starts `xsign demo` at 80×24 in its own dirs, sends `sig` to it once it is drawn, and
/// checks the terminal it leaves behind.
fn restored_after(sig: &str, number: i32, dirs: &Path) {
    let tmux = Tmux {
        socket: format!("xsign-test-{}-{sig}", std::process::id()),
    };
    let bin = env!("CARGO_BIN_EXE_xsign");
    // A shell runs it and then stays, so the pane keeps the terminal state xsign left (a
    // dead pane's cursor flag is tmux's own) and shows the exit code.
    let cmd = format!(
        "XSIGN_CONFIG_DIR='{}' XSIGN_DATA_DIR='{}' '{bin}' demo; echo \"exit $?\"; exec sleep 60",
        dirs.join("config").display(),
        dirs.join("data").display()
    );
    let out = tmux.run(&["new-session", "-d", "-s", "t", "-x", "80", "-y", "24", &cmd]);
    assert!(
        out.status.success(),
        "tmux: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    tmux.wait(Duration::from_secs(20), "the workbench", |t| {
        t.show("#{alternate_on}") == "1" && t.screen().contains("signature")
    });
    assert_eq!(
        tmux.show("#{mouse_any_flag}#{cursor_flag}"),
        "10",
        "drawn: mouse on, cursor hidden"
    );
    let shell = tmux.show("#{pane_pid}");
    let child = Command::new("pgrep").args(["-P", &shell]).output().unwrap();
    let pid = String::from_utf8_lossy(&child.stdout).trim().to_string();
    assert!(!pid.is_empty(), "no xsign under the pane's shell {shell}");
    let killed = Command::new("kill")
        .args([&format!("-{sig}"), &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let code = format!("exit {}", 128 + number);
    tmux.wait(Duration::from_secs(5), &code, |t| {
        t.screen().contains(&code)
    });
    assert_eq!(
        tmux.show("#{alternate_on}"),
        "0",
        "left the alternate screen"
    );
    assert_eq!(
        tmux.show("#{mouse_any_flag}#{mouse_button_flag}#{mouse_standard_flag}#{mouse_sgr_flag}"),
        "0000",
        "mouse tracking off"
    );
    assert_eq!(tmux.show("#{cursor_flag}"), "1", "cursor shown");
}

#[test]
fn sigterm_sigint_and_sighup_restore_the_terminal() {
    if tmux_missing() {
        return;
    }
    let dirs = tempfile::tempdir().unwrap();
    // One demo key for the three runs, made by the first.
    for (sig, number) in [("TERM", 15), ("INT", 2), ("HUP", 1)] {
        restored_after(sig, number, dirs.path());
    }
}
