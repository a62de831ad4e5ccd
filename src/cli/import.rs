//! `xsign import curl ...` and `xsign import folder PATH`.

use super::Context;
use super::profile::report_moved;
use crate::store::import::{parse_curl, parse_curl_words, read_reference_folders, relative_to};
use crate::store::{CollectionStore, ConfigStore, Request};
use anyhow::Context as _;
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Save a curl command as a request: `xsign import curl 'curl -X POST ...'`,
    /// `xsign import curl -- curl -X POST ...`, or the command on stdin (`-` or nothing)
    Curl {
        /// Save into this collection
        #[arg(long, short, default_value = "imported")]
        collection: String,
        /// Request name (default: METHOD and path)
        #[arg(long, short)]
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
        /// Collection to save into (default: the folder's name)
        #[arg(long, short)]
        collection: Option<String>,
        /// Keep URLs absolute even when they start with the profile's base URL
        #[arg(long)]
        absolute: bool,
    },
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    match args.command {
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
        } => folder(ctx, path, collection, absolute),
    }
}

/// The selected profile's base URL, to store URLs relative to it.
fn base_url(ctx: &Context) -> Option<String> {
    let loaded = ConfigStore::open_default().load().ok()?;
    report_moved(&loaded);
    let config = loaded.value;
    config
        .profile(&config.selected_name(ctx.profile.as_deref()))
        .map(|p| p.base_url)
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
        // One argument holding the whole pasted line.
        [one] => parse_curl(one, &cwd)?,
        // The user's shell already split the words.
        words => {
            let words: Vec<Vec<u8>> = words.iter().map(|w| w.as_bytes().to_vec()).collect();
            parse_curl_words(&words, &cwd)?
        }
    };
    for n in &imported.notes {
        eprintln!("note: {n}");
    }
    if !absolute && let Some(base) = base_url(ctx) {
        imported.request.url = relative_to(&imported.request.url, &base);
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
        eprintln!("warning: {m}");
    }
    println!(
        "{} {collection}/{}",
        if out.created { "saved" } else { "replaced" },
        r.name
    );
    Ok(ExitCode::SUCCESS)
}

fn read_stdin_command(cwd: &std::path::Path) -> anyhow::Result<crate::store::import::CurlImport> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .context("cannot read the curl command from stdin")?;
    Ok(parse_curl(&text, cwd)?)
}

fn print_request(r: &Request) {
    println!("{} {}", r.method, r.url);
    for (k, v) in &r.headers {
        println!("  {k}: {v}");
    }
    if !r.body.is_empty() {
        println!("  body: {} bytes", r.body.len());
    }
}

fn folder(
    ctx: &Context,
    path: PathBuf,
    collection: Option<String>,
    absolute: bool,
) -> anyhow::Result<ExitCode> {
    let mut imported = read_reference_folders(&path)?;
    for n in &imported.notes {
        eprintln!("note: {n}");
    }
    if !absolute && let Some(base) = base_url(ctx) {
        for r in &mut imported.requests {
            r.url = relative_to(&r.url, &base);
        }
    }
    let collection = collection.unwrap_or(imported.suggested_name.clone());
    let store = CollectionStore::open_default();
    let loaded = store.modify(&collection, true, |c| {
        Ok(imported
            .requests
            .iter()
            .filter(|r| !c.upsert((*r).clone()))
            .map(|r| r.name.clone())
            .collect::<Vec<_>>())
    })?;
    report_moved(&loaded);
    for r in &imported.requests {
        println!(
            "{:<24} {:<6} {}  ({} body bytes)",
            r.name,
            r.method,
            r.url,
            r.body.len()
        );
    }
    println!(
        "imported {} requests into `{collection}`",
        imported.requests.len()
    );
    if !loaded.value.is_empty() {
        println!("replaced: {}", loaded.value.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}
