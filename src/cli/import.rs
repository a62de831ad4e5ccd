//! `xsign import curl ...`, `xsign import folder PATH` and `xsign import openapi FILE`.

use super::Context;
use super::common::select_profile_or;
use super::profile::report_moved;
use crate::credentials::{ProfileFlags, Unchosen};
use crate::store::import::{parse_curl, parse_curl_words, read_reference_folders, relative_to};
use crate::store::{CollectionStore, Request};
use anyhow::Context as _;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Save a curl command as a request: `xsign import curl 'curl -X POST ...'`,
    /// `xsign import curl -- curl -X POST ...`, or the command on stdin (`-` or nothing)
    Curl {
        /// Save into this collection
        #[arg(long, short, default_value = "imported", value_name = "COLLECTION")]
        collection: String,
        /// Request name [default: METHOD and path]
        #[arg(long, short, value_name = "NAME")]
        name: Option<String>,
        /// Keep the URL absolute even when it starts with the profile's base URL
        #[arg(long)]
        absolute: bool,
        /// Show what would be saved without saving
        #[arg(long)]
        dry_run: bool,
        /// The command: one quoted string, or its words after `--`
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        command: Vec<String>,
    },
    /// Import the reference client's request folders (requests/<name>/uri and body)
    Folder {
        /// The `requests` folder, or the folder holding it
        path: PathBuf,
        /// Collection to save into [default: the folder's name]
        #[arg(long, short, value_name = "COLLECTION")]
        collection: Option<String>,
        /// Keep URLs absolute even when they start with the profile's base URL
        #[arg(long)]
        absolute: bool,
        #[command(flatten)]
        body_limit: crate::cli::body::BodyLimit,
    },
    /// Import an OpenAPI 3.0/3.1 document (YAML or JSON): one request per operation with
    /// its example body. URLs under the profile's base URL are saved relative to it
    Openapi {
        /// The document, e.g. partner-api-v1.1.2.yaml
        file: PathBuf,
        /// Collection to save into [default: the file's name]
        #[arg(long, short, value_name = "COLLECTION")]
        collection: Option<String>,
        /// Keep URLs absolute even when they start with the profile's base URL
        #[arg(long)]
        absolute: bool,
    },
}

pub fn run(command: Command, ctx: &Context) -> anyhow::Result<ExitCode> {
    match command {
        Command::Curl {
            collection,
            name,
            absolute,
            dry_run,
            command,
        } => curl(ctx, collection, name, absolute, dry_run, command),
        Command::Folder {
            path,
            collection,
            absolute,
            body_limit,
        } => folder(ctx, path, collection, absolute, body_limit),
        Command::Openapi {
            file,
            collection,
            absolute,
        } => openapi(ctx, &file, collection, absolute),
    }
}

/// The selected profile's base URL (production's when none is chosen, as for replay), to
/// store URLs relative to it.
fn base_url(ctx: &Context) -> anyhow::Result<String> {
    select_profile_or(ctx, &ProfileFlags::default(), Unchosen::DefaultProfile)?.base_url()
}

fn curl(
    ctx: &Context,
    collection: String,
    name: Option<String>,
    absolute: bool,
    dry_run: bool,
    command: Vec<String>,
) -> anyhow::Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let mut imported = match command.as_slice() {
        [] => read_stdin_command(&cwd)?,
        [one] if one == "-" => read_stdin_command(&cwd)?,
        // Options after a quoted command land in it (it takes every word that follows).
        [first, rest @ ..] if !rest.is_empty() && first.trim_start().starts_with("curl ") => {
            anyhow::bail!(
                "put xsign's options before the quoted curl command (`{}` came after it): \
             xsign import curl {} 'curl ...'",
                rest.join(" "),
                rest.join(" ")
            )
        }
        // One argument holding the whole pasted line.
        [one] => parse_curl(one, &cwd)?,
        // The user's shell already split the words.
        words => {
            let words: Vec<Vec<u8>> = words.iter().map(|w| w.as_bytes().to_vec()).collect();
            parse_curl_words(&words, &cwd)?
        }
    };
    for n in &imported.notes {
        errln!("note: {n}");
    }
    if !absolute {
        imported.request.url = relative_to(&imported.request.url, &base_url(ctx)?);
    }
    if let Some(n) = name {
        imported.request.name = n;
    }
    let r = &imported.request;
    print_request(r);
    if dry_run {
        return Ok(ExitCode::SUCCESS);
    }
    let out = CollectionStore::open_default().save_request(&collection, r)?;
    for m in &out.moved_aside {
        errln!("warning: {m}");
    }
    outln!(
        "{} {collection}/{}",
        if out.created { "saved" } else { "replaced" },
        r.name
    );
    Ok(ExitCode::SUCCESS)
}

fn read_stdin_command(cwd: &std::path::Path) -> anyhow::Result<crate::store::import::CurlImport> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        errln!("paste the curl command, then Ctrl-D on a new line:");
    }
    let bytes = crate::input_file::read_stream(stdin.lock(), crate::input_file::CURL)
        .map_err(|e| anyhow::anyhow!("cannot read the curl command from stdin: {e}"))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("the curl command on stdin is not UTF-8 text"))?;
    if text.trim().is_empty() {
        anyhow::bail!(
            "no curl command given: pass it quoted (xsign import curl 'curl -X POST ...'), \
             as words after `--`, or on stdin"
        );
    }
    Ok(parse_curl(&text, cwd)?)
}

fn print_request(r: &Request) {
    outln!("{} {}", r.method, r.url);
    for (k, v) in &r.headers {
        outln!("  {k}: {v}");
    }
    if !r.body.is_empty() {
        outln!("  body: {} bytes", r.body.len());
    }
}

fn openapi(
    ctx: &Context,
    file: &std::path::Path,
    collection: Option<String>,
    absolute: bool,
) -> anyhow::Result<ExitCode> {
    let mut imported = crate::store::openapi::read_spec_file(file)?;
    if !absolute {
        let base = base_url(ctx)?;
        for r in &mut imported.requests {
            r.url = relative_to(&r.url, &base);
        }
    }
    if imported.server.is_none() {
        errln!(
            "note: the document names no absolute server: the URLs are paths, sent under the profile's base URL"
        );
    }
    let collection = collection.unwrap_or(imported.suggested_name.clone());
    let code = save_all(&collection, &imported.requests)?;
    // The workbench's URL completion offers the operations from its next start.
    match crate::catalog::imported::save(&collection, &imported.catalog) {
        Ok(path) => errln!(
            "the workbench completes these operations (from {})",
            path.display()
        ),
        Err(e) => errln!("warning: the workbench will not complete these operations: {e}"),
    }
    Ok(code)
}

/// Saves requests into a collection (replacing same-named ones) and lists them.
fn save_all(collection: &str, requests: &[Request]) -> anyhow::Result<ExitCode> {
    let store = CollectionStore::open_default();
    let loaded = store.modify(collection, true, |c| Ok(c.upsert_all(requests)))?;
    report_moved(&loaded);
    for r in requests {
        outln!(
            "{:<24} {:<6} {}  ({} body bytes)",
            r.name,
            r.method,
            r.url,
            r.body.len()
        );
    }
    outln!("imported {} requests into `{collection}`", requests.len());
    if !loaded.value.is_empty() {
        outln!("replaced: {}", loaded.value.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}

fn folder(
    ctx: &Context,
    path: PathBuf,
    collection: Option<String>,
    absolute: bool,
    body_limit: crate::cli::body::BodyLimit,
) -> anyhow::Result<ExitCode> {
    if !path.is_dir() {
        anyhow::bail!(
            "no folder at {}: give the reference client's `requests` folder, or the folder holding it",
            path.display()
        );
    }
    let mut imported = read_reference_folders(&path, body_limit.kind())?;
    for n in &imported.notes {
        errln!("note: {n}");
    }
    if !absolute {
        let base = base_url(ctx)?;
        for r in &mut imported.requests {
            r.url = relative_to(&r.url, &base);
        }
    }
    let collection = collection.unwrap_or(imported.suggested_name.clone());
    save_all(&collection, &imported.requests)
}
