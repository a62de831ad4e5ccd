//! The API key as sent: whitespace, control or invisible characters in it.

use super::Findings;
use crate::diagnose::{CauseKind, Evidence, Severity};
use crate::lint::{escape_invisibles as escape_bytes, is_invisible};

pub(super) fn api_key(ev: &Evidence, f: &mut Findings) {
    let Some(key) = &ev.sent.api_key else {
        return;
    };
    let odd: Vec<(usize, char)> = key
        .char_indices()
        .filter(|(_, c)| c.is_whitespace() || c.is_control() || is_invisible(*c))
        .collect();
    if odd.is_empty() {
        return;
    }
    let trimmed = key.trim_end_matches(['\n', '\r']);
    if ev.api_key_from_file
        && trimmed.len() < key.len()
        && !trimmed
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || is_invisible(c))
    {
        // The server refused the key itself: the line break, sent by a tool that reads the
        // file verbatim, is then the likely cause and the headline, not a note.
        if ev.server_reason.as_deref() == Some("apikey") {
            f.push(
                CauseKind::ApiKeyWhitespace,
                Severity::Cause,
                "The API key file ends with a line break, and the server refused the API key",
                vec![
                    "A tool that sends the file as it is sends the line break too, and the server compares the key byte for byte.".into(),
                    "xsign and the reference client trim it; if xsign sent this request, copy the key again from the web app of this environment.".into(),
                ],
                "Strip the line break: `printf %s \"$(cat apikey)\" > apikey`, and send again.",
            );
            return;
        }
        f.push(
            CauseKind::ApiKeyWhitespace,
            Severity::Info,
            "The API key file ends with a line break",
            vec!["xsign and the reference client trim it; a tool that sends the file verbatim would not.".into()],
            "Nothing, if xsign sends the request; otherwise strip the line break: `printf %s \"$(cat apikey)\" > apikey`.",
        );
        return;
    }
    let is_odd = |c: char| c.is_whitespace() || c.is_control() || is_invisible(c);
    let core = key.trim_matches(is_odd);
    let where_ = if core.chars().any(is_odd) {
        "inside it"
    } else if key.starts_with(is_odd) && key.ends_with(is_odd) {
        "around it"
    } else if key.starts_with(is_odd) {
        "at its start"
    } else {
        "at its end"
    };
    let chars: Vec<String> = odd
        .iter()
        .map(|(i, c)| {
            format!(
                "{} at character {}",
                escape_bytes(c.to_string().as_bytes()),
                i
            )
        })
        .collect();
    f.push(
        CauseKind::ApiKeyWhitespace,
        Severity::Cause,
        format!("The API key carries whitespace {where_}"),
        vec![
            format!("Found: {}.", chars.join(", ")),
            "The server compares the key byte for byte, so it does not know this one.".into(),
        ],
        "Copy the API key again from the web app, with nothing around it; xsign trims its API key file, but a key pasted into a header, an environment variable or another tool is sent as is.",
    );
}
