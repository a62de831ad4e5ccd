//! The x-timestamp against the clocks: stale at the server, a skewed local clock, or signed
//! long before it was sent.

use super::Findings;
use crate::diagnose::clock::{ClockReading, duration_text, format_http_date};
use crate::diagnose::{CauseKind, DEFAULT_SKEW_WINDOW, Evidence, Severity};

pub(super) fn timestamp_findings(ev: &Evidence, t: i64, f: &mut Findings) -> ClockReading {
    let r = ClockReading::new(t, ev.skew_window, ev.server_date, ev.sent_at, ev.now);
    let window = format!("±{} s", r.window);
    let dir = |secs: i64| if secs >= 0 { "behind" } else { "ahead of" };
    if let (Some(age), Some(date)) = (r.age_at_server, r.server_date) {
        let mut detail = vec![format!(
            "x-timestamp {t} is {} {} the server's clock (Date: {}); the window is {window}{}.",
            duration_text(age),
            dir(age),
            format_http_date(date),
            if r.window == DEFAULT_SKEW_WINDOW {
                " (the mock's default; the real API does not publish its window)"
            } else {
                ""
            }
        )];
        let local_off = r.local_behind_server.filter(|o| o.abs() > 2);
        if let Some(off) = local_off {
            detail.push(format!(
                "This machine's clock is {} {} the server's.",
                duration_text(off),
                if off > 0 { "behind" } else { "ahead of" }
            ));
        }
        let late = r.signed_before_send.filter(|s| s.abs() > 2);
        if let Some(s) = late {
            detail.push(format!(
                "The request was signed {} {} it was sent.",
                duration_text(s),
                if s > 0 { "before" } else { "after" }
            ));
        }
        if r.stale_at_server() {
            let fix = match (local_off, late) {
                (Some(_), _) => {
                    "Sync this machine's clock (e.g. `sudo timedatectl set-ntp true`), then sign and send again."
                }
                (None, Some(_)) => {
                    "Sign just before sending: a replayed or copied request carries its old timestamp. `xsign send` signs at send time."
                }
                _ => {
                    "Sign and send within the window: use a fresh timestamp, and check this machine's clock against the server's."
                }
            };
            f.push(
                CauseKind::StaleTimestamp,
                Severity::Cause,
                format!(
                    "The timestamp is {} {} the server's clock",
                    duration_text(age),
                    if age >= 0 { "older than" } else { "ahead of" }
                ),
                detail,
                fix,
            );
            if let Some(off) = local_off
                && off.abs() > r.window / 2
            {
                f.push(
                    CauseKind::ClockSkew,
                    Severity::Cause,
                    format!("This machine's clock is {} {} the server's", duration_text(off), if off > 0 { "behind" } else { "ahead of" }),
                    vec!["Every fresh timestamp from this machine will be off by as much.".into()],
                    "Sync the clock with NTP (`sudo timedatectl set-ntp true`, or the OS's time settings).",
                );
            }
        } else if age.abs() > r.window / 2 {
            f.push(
                CauseKind::StaleTimestamp,
                Severity::Warning,
                format!(
                    "The timestamp is {} from the server's clock, near the edge of the window",
                    duration_text(age)
                ),
                detail,
                "Sign just before sending, and keep this machine's clock in sync.",
            );
        } else {
            let title = if age == 0 {
                "The timestamp matches the server's clock".to_string()
            } else {
                format!(
                    "The timestamp is within {} of the server's clock",
                    duration_text(age)
                )
            };
            f.push(CauseKind::StaleTimestamp, Severity::Pass, title, vec![], "");
        }
    } else if let Some(age) = r.age_now.filter(|a| a.abs() > r.window) {
        let reason_says = ev.server_reason.as_deref() == Some("timestamp");
        f.push(
            CauseKind::StaleTimestamp,
            if reason_says { Severity::Cause } else { Severity::Warning },
            format!("The timestamp is {} {} this machine's clock now", duration_text(age), if age >= 0 { "older than" } else { "ahead of" }),
            vec![
                format!("x-timestamp {t}; the server accepts about {window}."),
                "Without the server's Date header (--server-date) the doctor cannot tell stale from a skewed clock.".into(),
            ],
            "Sign again just before sending; if a fresh timestamp also fails, compare this machine's clock with the server's Date header.",
        );
    }
    r
}
