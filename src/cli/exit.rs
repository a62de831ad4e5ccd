//! The exit codes of every command, in one place: a script tells a refused signature from
//! a server error from a network failure by `$?` alone, without parsing messages.

use crate::http::{Response, SendError};
use crate::store::HistoryEntry;
use std::process::ExitCode;

/// What a command's exit status means. `Usage` is also what clap exits with on a bad flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok,
    /// Anything not below: a missing file, a bad key, a 1xx/3xx answer, a failed scenario step.
    Failure,
    /// A bad flag or argument, a scenario file that does not parse, no terminal for the workbench.
    Usage,
    /// No response: DNS, connection refused, TLS, a timeout, a connection cut midway.
    Network,
    /// The server answered 4xx (other than a refused signature).
    ClientError,
    /// The server answered 5xx.
    ServerError,
    /// The signature was refused: 1020 errPartnerAuth (or the Qredo API's 401/403); for
    /// `verify`, it does not verify; for `doctor`, a cause or suspicion was found.
    SignatureRefused,
    /// Ctrl-C (128 + SIGINT, as a shell reports it).
    Interrupted,
}

impl Exit {
    pub const fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Failure => 1,
            Exit::Usage => 2,
            Exit::Network => 3,
            Exit::ClientError => 4,
            Exit::ServerError => 5,
            Exit::SignatureRefused => 6,
            Exit::Interrupted => 130,
        }
    }

    /// The status of an answered request; `entry` is its history record, which tells a
    /// Qredo API refusal (its 401 carries no 1020) from any other 401.
    pub fn of_response(response: &Response, entry: &HistoryEntry) -> Exit {
        if response.is_success() {
            Exit::Ok
        } else if response.partner_auth_failure().is_some()
            || crate::diagnose::qredo_doctor::applies(entry)
        {
            Exit::SignatureRefused
        } else {
            Exit::of_status(response.status)
        }
    }

    /// By status class alone.
    pub fn of_status(status: u16) -> Exit {
        match status {
            200..=299 => Exit::Ok,
            400..=499 => Exit::ClientError,
            500..=599 => Exit::ServerError,
            _ => Exit::Failure,
        }
    }

    /// A request that got no answer.
    pub fn of_send_error(e: &SendError) -> Exit {
        match e {
            SendError::Cancelled => Exit::Interrupted,
            // Not the network: the HTTP client could not be built here.
            SendError::Client(_) => Exit::Failure,
            SendError::Dns { .. }
            | SendError::Refused { .. }
            | SendError::Tls { .. }
            | SendError::Timeout { .. }
            | SendError::Connect { .. }
            | SendError::Broken { .. }
            | SendError::Other { .. } => Exit::Network,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e.code())
    }
}

/// `xsign --help`'s table (and the README's): kept beside the enum so they cannot drift.
pub const HELP: &str = "\
Exit codes (send, replay, verify, doctor; run uses 0, 1 and 2):
  0    ok (a 2xx answer; verify: the x-sign verifies; doctor: no fault found)
  1    any other failure; the message on stderr says what to do (run: a step failed)
  2    usage: a bad flag or argument (run: a scenario file that does not parse)
  3    network error or timeout: no response came
  4    the server answered 4xx (other than a refused signature)
  5    the server answered 5xx
  6    signature refused: 1020 errPartnerAuth, or the Qredo API's 401 (verify: it does not
       verify; doctor: a cause or suspicion found)
  130  interrupted (Ctrl-C)
replay of a whole collection exits with the code of the first request that failed.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_the_help_lists_each() {
        let all = [
            Exit::Ok,
            Exit::Failure,
            Exit::Usage,
            Exit::Network,
            Exit::ClientError,
            Exit::ServerError,
            Exit::SignatureRefused,
            Exit::Interrupted,
        ];
        let mut codes: Vec<u8> = all.iter().map(|e| e.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
        for c in codes {
            assert!(
                HELP.contains(&format!("\n  {c} ")),
                "{c} missing from the help"
            );
        }
    }

    #[test]
    fn statuses_map_by_class() {
        assert_eq!(Exit::of_status(204), Exit::Ok);
        assert_eq!(Exit::of_status(302), Exit::Failure);
        assert_eq!(Exit::of_status(409), Exit::ClientError);
        assert_eq!(Exit::of_status(503), Exit::ServerError);
        assert_eq!(
            Exit::of_send_error(&SendError::Timeout {
                authority: "a".into(),
                secs: 1.0
            }),
            Exit::Network
        );
        assert_eq!(
            Exit::of_send_error(&SendError::Cancelled),
            Exit::Interrupted
        );
    }
}
