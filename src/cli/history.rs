//! `xsign history [--limit N] [--json] [--filter TEXT]`, `xsign history show ID`.

use super::Context;
use crate::store::History;
use crate::store::export::visible_bytes;
use crate::store::history::{HistoryEntry, filter, format_time};
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// How many of the newest entries to show
    #[arg(long, default_value_t = 20, value_name = "N", value_parser = clap::builder::TypedValueParser::map(clap::value_parser!(u64).range(1..), |n| n as usize))]
    pub limit: usize,
    /// One JSON object per entry (newest first), everything recorded
    #[arg(long)]
    pub json: bool,
    /// Only entries whose profile, method, URL, status or source contain these words
    #[arg(long, value_name = "WORDS")]
    pub filter: Option<String>,
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Show or set how many entries are kept (default 1000)
    Retention {
        /// The number of entries to keep from now on (older ones are pruned)
        entries: Option<usize>,
    },
    /// Everything recorded for one entry
    Show {
        /// The entry's ID, from `xsign history`
        id: u64,
        /// Print the entry as one JSON object
        #[arg(long)]
        json: bool,
        /// Print only the request body, byte for byte
        #[arg(long, conflicts_with = "response_body")]
        body: bool,
        /// Print only the (capped) response body, byte for byte
        #[arg(long)]
        response_body: bool,
    },
}

pub fn run(args: Args, _ctx: &Context) -> anyhow::Result<ExitCode> {
    let history = History::open_default();
    match args.command {
        Some(Command::Retention { entries }) => retention(&history, entries),
        Some(Command::Show {
            id,
            json,
            body,
            response_body,
        }) => show(&history, id, json, body, response_body),
        None => list(&history, args.limit, args.json, args.filter.as_deref()),
    }
}

fn list(
    history: &History,
    limit: usize,
    json: bool,
    query: Option<&str>,
) -> anyhow::Result<ExitCode> {
    // Filter over everything kept, then take the newest `limit`.
    let all = history.recent(if query.is_some() { usize::MAX } else { limit })?;
    let entries: Vec<&HistoryEntry> = filter(&all, query.unwrap_or(""))
        .into_iter()
        .take(limit)
        .collect();
    let mut out = crate::cli::out::stdout_text();
    if json {
        for e in entries {
            serde_json::to_writer(&mut out, e)?;
            out.write_all(b"\n")?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    if entries.is_empty() {
        match query {
            Some(q) if !all.is_empty() => writeln!(
                out,
                "no entry matches `{q}` among the {} kept; `xsign history` lists the newest",
                all.len()
            )?,
            _ => writeln!(
                out,
                "no requests sent yet (history: {}); `xsign send` and `xsign replay` record theirs here",
                history.dir().display()
            )?,
        }
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "{:>6}  {:<20} {:<10} {:<6} {:>6} {:>7}  URL",
        "ID", "WHEN", "PROFILE", "METHOD", "STATUS", "TIME"
    )?;
    for e in entries {
        writeln!(
            out,
            "{:>6}  {:<20} {:<10} {:<6} {:>6} {:>5}ms  {}",
            e.id,
            format_time(e.sent_at_ms),
            e.profile,
            e.method,
            status_text(e),
            e.duration_ms,
            e.url
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn retention(history: &History, entries: Option<usize>) -> anyhow::Result<ExitCode> {
    let Some(n) = entries else {
        outln!(
            "{} entries kept in {}",
            history.retention(),
            history.dir().display()
        );
        return Ok(ExitCode::SUCCESS);
    };
    if n == 0 {
        anyhow::bail!("keep at least 1 entry");
    }
    let store = crate::store::ConfigStore::open_default();
    let loaded = store.update(|c| {
        c.history.retention = n;
        Ok(())
    })?;
    super::profile::report_moved(&loaded);
    outln!("history keeps the newest {n} entries (older ones go on the next sends)");
    Ok(ExitCode::SUCCESS)
}

fn status_text(e: &HistoryEntry) -> String {
    match (&e.response, &e.error) {
        (Some(r), _) => r.status.to_string(),
        (None, Some(_)) => "error".into(),
        (None, None) => "-".into(),
    }
}

fn show(
    history: &History,
    id: u64,
    json: bool,
    body: bool,
    response_body: bool,
) -> anyhow::Result<ExitCode> {
    let Some(e) = history.get(id)? else {
        anyhow::bail!(
            "no history entry {id}: `xsign history` lists the kept entries (the newest {})",
            history.retention()
        );
    };
    if body {
        // The body is data, byte for byte, even on a terminal.
        std::io::stdout().lock().write_all(&e.body)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = crate::cli::out::stdout_text();
    if response_body {
        out.write_all(e.response.as_ref().map(|r| &r.body[..]).unwrap_or_default())?;
        return Ok(ExitCode::SUCCESS);
    }
    if json {
        serde_json::to_writer_pretty(&mut out, &e)?;
        out.write_all(b"\n")?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "id:        {}", e.id)?;
    writeln!(out, "when:      {}", format_time(e.sent_at_ms))?;
    writeln!(out, "profile:   {}", e.profile)?;
    if let Some(s) = &e.source {
        writeln!(out, "source:    {s}")?;
    }
    writeln!(out, "request:   {} {}", e.method, e.url)?;
    for (k, v) in &e.request_headers {
        writeln!(out, "  {k}: {v}")?;
    }
    if let Some(a) = &e.auth {
        writeln!(out, "signed:    x-{} {}", mode(a.mode), a.value)?;
    }
    if let Some(h) = &e.payload_hash {
        writeln!(out, "hash:      {h}")?;
    }
    if let Some(x) = &e.x_sign {
        writeln!(out, "x-sign:    {x}")?;
    }
    if let Some(k) = &e.api_key_id {
        writeln!(out, "API key:   {k}")?;
    }
    if let Some(k) = &e.key {
        let file = k
            .path
            .as_ref()
            .map(|p| format!(" ({})", p.display()))
            .unwrap_or_default();
        let scheme = e.scheme.as_deref().unwrap_or("partner-rsa");
        writeln!(out, "signed by: {} {scheme}{file}", k.fingerprint)?;
    }
    if e.body_cut() {
        writeln!(
            out,
            "body:      {} bytes, the first {} kept (sha256 {})",
            e.sent_body_len(),
            e.body.len(),
            e.body_sha256.as_deref().unwrap_or("unknown")
        )?;
    } else {
        writeln!(out, "body:      {} bytes", e.body.len())?;
    }
    if !e.body.is_empty() {
        writeln!(out, "{}", visible_bytes(&e.body))?;
    }
    writeln!(out, "time:      {} ms", e.duration_ms)?;
    if let Some(err) = &e.error {
        writeln!(out, "error:     {err}")?;
    }
    if let Some(r) = &e.response {
        writeln!(out, "response:  {}", r.status)?;
        for (k, v) in &r.headers {
            writeln!(out, "  {k}: {v}")?;
        }
        let note = if r.truncated {
            format!(" (first {} of {} bytes kept)", r.body.len(), r.body_len)
        } else {
            String::new()
        };
        writeln!(out, "{}{note}", String::from_utf8_lossy(&r.body))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn mode(m: crate::signing::AuthMode) -> &'static str {
    match m {
        crate::signing::AuthMode::Timestamp => "timestamp",
        crate::signing::AuthMode::Nonce => "nonce",
    }
}
