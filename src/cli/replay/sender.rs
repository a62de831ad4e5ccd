//! Sending replayed requests through the one pipeline (`http::execute`, which records
//! each in the history), and what is printed of them: the response, a row of the table.

use crate::cli::exit::Exit;
use crate::http::{self, Origin, Response, Ticket};
use crate::store::{History, HistoryEntry, ResolvedProfile};
use std::process::ExitCode;

/// The outcome of one replayed request, for the table.
pub(super) struct Row {
    pub(super) name: String,
    pub(super) status: String,
    pub(super) millis: Option<u128>,
    pub(super) verdict: String,
    pub(super) ok: bool,
    pub(super) history_id: Option<u64>,
    /// What this request alone would exit with.
    pub(super) exit: Exit,
    /// The history record of the send; `None` when nothing was sent.
    pub(super) entry: Option<Box<HistoryEntry>>,
}

impl Row {
    /// `replay --json`'s line: the exchange as recorded, or why nothing was sent.
    pub(super) fn json(&self) -> serde_json::Value {
        let mut v = match &self.entry {
            Some(e) => crate::cli::json::exchange(e, self.exit),
            None => serde_json::json!({ "error": self.verdict, "exit_code": self.exit.code() }),
        };
        if !self.name.is_empty() {
            v["name"] = serde_json::json!(self.name);
        }
        v
    }
}

pub(super) fn finish_single(row: Row) -> ExitCode {
    if !row.ok {
        errln!("{}", row.verdict);
        if let Some(id) = row.history_id {
            if row.verdict.starts_with("1020") {
                errln!("recorded as history {id}: `xsign doctor --history {id}` explains the 1020");
            } else {
                errln!("recorded as history {id}: `xsign history show {id}` shows it");
            }
        }
    }
    row.exit.into()
}

pub(super) fn print_table(rows: &[Row]) {
    let width = rows
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    outln!(
        "{:<width$}  {:>6}  {:>8}  {:>5}  VERDICT",
        "NAME",
        "STATUS",
        "TIME",
        "HIST"
    );
    for r in rows {
        outln!(
            "{:<width$}  {:>6}  {:>8}  {:>5}  {}",
            r.name,
            r.status,
            r.millis
                .map(|m| format!("{m} ms"))
                .unwrap_or_else(|| "-".into()),
            r.history_id
                .map(|i| i.to_string())
                .unwrap_or_else(|| "-".into()),
            r.verdict
        );
    }
}

/// What every replayed request is sent with; each send is recorded in the history.
pub(super) struct Sender<'a> {
    pub(super) rt: &'a tokio::runtime::Runtime,
    pub(super) client: &'a reqwest::Client,
    pub(super) history: &'a History,
    pub(super) verbose: bool,
    /// `--json`: no response printed, a JSON line per request instead.
    pub(super) json: bool,
}

impl Sender<'_> {
    /// The v2 token to send: cached, or fetched now (recorded, a line on stderr).
    pub(super) fn token(
        &self,
        profile: &ResolvedProfile,
        source: &http::TokenSource,
    ) -> anyhow::Result<String> {
        let origin = Origin {
            profile: profile.name.clone(),
            key_path: None,
            source: None,
        };
        let token =
            self.rt
                .block_on(source.token(self.client, profile.timeout, &origin, self.history))?;
        if token.fetch.is_some() {
            errln!("{}", crate::cli::token::token_line(&token, source));
        }
        Ok(token.token.token)
    }

    pub(super) fn send(
        &self,
        profile: &ResolvedProfile,
        ticket: &Ticket,
        source: &str,
        print_response: bool,
    ) -> Row {
        // A resend as signed carries the recorded key; a re-signed one, the profile's.
        let key_path = match &ticket.signed {
            Some(_) => profile.key_path.clone(),
            None => None,
        };
        let origin = Origin {
            profile: profile.name.clone(),
            key_path,
            source: Some(source.to_string()),
        };
        let exchange = self.rt.block_on(http::execute(
            self.client,
            ticket.clone(),
            profile.timeout,
            &origin,
            self.history,
        ));
        if ticket.token().is_some() && exchange.response().is_some_and(|r| r.status == 401) {
            // Refused: the next send fetches a new one.
            crate::store::token::TokenCache::open_default().forget(&profile.name, &profile.api_key);
        }
        let history_id = match &exchange.record_error {
            None => Some(exchange.entry.id),
            Some(e) => {
                errln!("warning: not recorded in history: {e}");
                None
            }
        };
        let elapsed = exchange.elapsed;
        match exchange.outcome {
            Ok(r) => {
                if print_response && !self.json {
                    errln!(
                        "{}  {} ms  {}  ({} {})",
                        r.status_line(),
                        r.elapsed.as_millis(),
                        r.size_text(),
                        ticket.method,
                        ticket.wire_url()
                    );
                    if self.verbose {
                        for (k, v) in &r.headers {
                            errln!("< {k}: {v}");
                        }
                    }
                    use std::io::Write;
                    let body = r
                        .pretty_body()
                        .map(String::into_bytes)
                        .unwrap_or(r.body.clone());
                    let mut out = std::io::stdout().lock();
                    let _ = out.write_all(&body);
                    if !body.ends_with(b"\n") && !body.is_empty() {
                        let _ = out.write_all(b"\n");
                    }
                }
                let verdict = verdict(&r);
                let exit = Exit::of_response(&r, &exchange.entry);
                Row {
                    exit,
                    entry: Some(Box::new(exchange.entry)),
                    name: String::new(),
                    status: r.status.to_string(),
                    millis: Some(r.elapsed.as_millis()),
                    ok: r.is_success(),
                    verdict,
                    history_id,
                }
            }
            Err(e) => Row {
                exit: Exit::of_send_error(&e),
                entry: Some(Box::new(exchange.entry)),
                name: String::new(),
                status: "-".into(),
                millis: Some(elapsed.as_millis()),
                verdict: format!("error: {e}"),
                ok: false,
                history_id,
            },
        }
    }
}

fn verdict(r: &Response) -> String {
    if r.is_success() {
        return "ok".into();
    }
    if let Some(e) = r.partner_auth_failure() {
        return format!(
            "1020 {} ({})",
            e.msg,
            e.reason.unwrap_or_else(|| "no reason given".into())
        );
    }
    match r.api_error() {
        Some(e) => match e.reason {
            Some(reason) => format!("failed: {} {} ({reason})", e.code, e.msg),
            None => format!("failed: {} {}", e.code, e.msg),
        },
        None => format!("failed: HTTP {}", r.status),
    }
}
