//! `xsign collection list|show|add|new|rename|duplicate|delete|export|import`.

use super::Context;
use super::common::select_profile_or;
use super::profile::{parse_header, report_moved};
use crate::credentials::{ProfileFlags, Unchosen};
use crate::curl::{CurlBody, to_curl};
use crate::store::collection::{split_target, validate_collection_name};
use crate::store::{Collection, CollectionStore, Loaded, Request, StoreError};
use anyhow::Context as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
A collection is a named list of saved requests, one JSON file each under the config directory. \
Requests are named COLLECTION/REQUEST; their URL is relative to the profile's base URL (/assets) \
or absolute, and their body is kept byte for byte. `xsign replay COLLECTION` sends them all.

Examples:
  xsign collection add payments/new-company -X POST --url /company --body-file company.json
  xsign collection new starter --from-catalog --only company
  xsign collection show payments
  xsign collection export payments/new-company")]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List collections and how many requests each holds
    List,
    /// Show a collection's requests, or one request (COLLECTION/REQUEST)
    Show {
        /// COLLECTION, or COLLECTION/REQUEST
        target: String,
        /// Print only the request's body, byte for byte
        #[arg(long)]
        body: bool,
    },
    /// Save a request (creates the collection; replaces a request of the same name)
    Add(Box<AddArgs>),
    /// Create a collection, empty or with one request per catalog endpoint
    New {
        /// The new collection's name
        name: String,
        /// Start with the endpoint catalog's requests (example bodies, path templates)
        #[arg(long)]
        from_catalog: bool,
        /// Only catalog endpoints whose group, method or path contain these words
        #[arg(long, requires = "from_catalog", value_name = "WORDS")]
        only: Option<String>,
    },
    /// Rename a collection (NAME) or a request (COLLECTION/REQUEST)
    Rename {
        /// COLLECTION, or COLLECTION/REQUEST
        target: String,
        /// The new name (of the collection, or of the request within it)
        new_name: String,
    },
    /// Copy a request within its collection
    Duplicate {
        /// COLLECTION/REQUEST
        target: String,
        /// The copy's name [default: the name with " copy"]
        new_name: Option<String>,
    },
    /// Delete a request (COLLECTION/REQUEST), or a whole collection with --yes
    Delete {
        /// COLLECTION/REQUEST, or COLLECTION with --yes
        target: String,
        /// Confirm deleting a whole collection
        #[arg(long)]
        yes: bool,
    },
    /// Export a collection as JSON, or a request as a curl command with the exact bytes
    Export {
        /// COLLECTION (as JSON), or COLLECTION/REQUEST (as curl)
        target: String,
        /// json or curl [default: json for a collection, curl for a request]
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Put the real API key in the curl command instead of a placeholder
        #[arg(long)]
        show_secrets: bool,
        /// Leave out x-sign and x-timestamp / x-nonce
        #[arg(long)]
        unsigned: bool,
        /// Write to FILE (mode 0600) instead of stdout
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Import a collection file written by `xsign collection export`
    Import {
        /// A file written by `xsign collection export COLLECTION`
        file: PathBuf,
        /// Import into this collection [default: the name in the file]
        #[arg(long, value_name = "COLLECTION")]
        name: Option<String>,
    },
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// COLLECTION/REQUEST
    pub target: String,
    /// GET, POST, PUT, DELETE, ...
    #[arg(long, short = 'X', default_value = "GET")]
    pub method: String,
    /// Relative to the profile's base URL (/assets) or absolute
    #[arg(long)]
    pub url: String,
    /// Body file, byte-exact (`-` for stdin)
    #[arg(long, group = "body_src", value_name = "FILE")]
    pub body_file: Option<PathBuf>,
    /// Body given inline, byte-exact
    #[arg(long, group = "body_src")]
    pub body: Option<String>,
    /// Free text kept with the request
    #[arg(long, default_value = "")]
    pub notes: String,
    /// Extra header `NAME: VALUE` (repeatable)
    #[arg(long = "header", short = 'H', value_name = "HEADER")]
    pub headers: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Json,
    Curl,
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    let store = CollectionStore::open_default();
    match args.command {
        Command::List => list(&store),
        Command::Show { target, body } => show(&store, &target, body),
        Command::Add(a) => add(&store, *a),
        Command::New {
            name,
            from_catalog,
            only,
        } => new(&store, &name, from_catalog, only.as_deref()),
        Command::Rename { target, new_name } => rename(&store, &target, &new_name),
        Command::Duplicate { target, new_name } => {
            let (c, r) = need_request(&target)?;
            let out = store.duplicate_request(c, r, new_name.as_deref())?;
            report_moved_list(&out.moved_aside);
            println!("copied {c}/{r} to {c}/{}", out.name);
            Ok(ExitCode::SUCCESS)
        }
        Command::Delete { target, yes } => delete(&store, &target, yes),
        Command::Export {
            target,
            format,
            show_secrets,
            unsigned,
            output,
        } => export(
            &store,
            ctx,
            &target,
            format,
            ExportOpts {
                show_secrets,
                unsigned,
            },
            output,
        ),
        Command::Import { file, name } => import(&store, &file, name),
    }
}

fn report_moved_list(moved: &[crate::store::MovedAside]) {
    for m in moved {
        eprintln!("warning: {m}");
    }
}

fn need_request(target: &str) -> anyhow::Result<(&str, &str)> {
    match split_target(target) {
        (c, Some(r)) => Ok((c, r)),
        (c, None) => anyhow::bail!(
            "give COLLECTION/REQUEST, e.g. `{c}/get-assets`; `xsign collection show {c}` lists its requests"
        ),
    }
}

fn list(store: &CollectionStore) -> anyhow::Result<ExitCode> {
    let loaded = store.load_all()?;
    report_moved(&loaded);
    if loaded.value.is_empty() {
        println!(
            "no collections yet in {}: save one with `xsign collection add COLLECTION/REQUEST --url /assets` or `xsign import curl`",
            store.dir().display()
        );
    }
    for c in &loaded.value {
        println!("{:<30} {} requests", c.name, c.requests.len());
    }
    Ok(ExitCode::SUCCESS)
}

fn show(store: &CollectionStore, target: &str, body_only: bool) -> anyhow::Result<ExitCode> {
    let (c, r) = split_target(target);
    let loaded = store.load(c)?;
    report_moved(&loaded);
    let collection = loaded.value;
    match r {
        None => {
            if body_only {
                anyhow::bail!("--body needs COLLECTION/REQUEST");
            }
            println!("{:<28} {:<7} {:<40} BODY", "REQUEST", "METHOD", "URL");
            for r in &collection.requests {
                println!(
                    "{:<28} {:<7} {:<40} {} bytes",
                    r.name,
                    r.method,
                    r.url,
                    r.body.len()
                );
            }
        }
        Some(name) => {
            let req = store.load_request(c, name)?;
            if body_only {
                std::io::stdout().write_all(&req.body)?;
                return Ok(ExitCode::SUCCESS);
            }
            println!("name:    {}", req.name);
            println!("method:  {}", req.method);
            println!("url:     {}", req.url);
            for (k, v) in &req.headers {
                println!("header:  {k}: {v}");
            }
            if !req.notes.is_empty() {
                println!("notes:   {}", req.notes);
            }
            println!("body:    {} bytes (exact bytes: --body)", req.body.len());
            if !req.body.is_empty() {
                println!("{}", crate::store::export::visible_bytes(&req.body));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn add(store: &CollectionStore, a: AddArgs) -> anyhow::Result<ExitCode> {
    let (c, r) = need_request(&a.target)?;
    let method = super::common::http_method(&a.method)?;
    check_request_url(&a.url)?;
    let body = match (&a.body, &a.body_file) {
        (Some(text), _) => text.clone().into_bytes(),
        (None, Some(file)) => super::common::read_body(Some(file))?,
        (None, None) => Vec::new(),
    };
    // Saved as given, byte for byte; say now what will bite when it is signed.
    let lint_url = crate::store::collection::join_url(crate::credentials::DEFAULT_BASE_URL, &a.url);
    for f in crate::lint::check(&crate::lint::LintInput::new(
        &method,
        &lint_url,
        &body,
        crate::signing::now_unix(),
    )) {
        if f.severity >= crate::lint::Severity::Warning
            && !matches!(
                f.kind,
                crate::lint::FindingKind::UrlRewritten | crate::lint::FindingKind::UrlInvalid
            )
        {
            eprintln!("note: {} (saved as given)", f.message);
        }
    }
    let mut headers = Vec::new();
    for h in &a.headers {
        headers.push(parse_header(h).map_err(|e| anyhow::anyhow!("header `{h}`: {e}"))?);
    }
    let request = Request {
        name: r.to_string(),
        method,
        url: a.url,
        body,
        notes: a.notes,
        headers,
    };
    let out = store.save_request(c, &request)?;
    report_moved_list(&out.moved_aside);
    println!(
        "{} {c}/{r} ({} body bytes)",
        if out.created { "saved" } else { "replaced" },
        request.body.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// A request URL: a path under the base URL, or an absolute URL that can be sent.
fn check_request_url(url: &str) -> anyhow::Result<()> {
    if url.trim().is_empty() {
        anyhow::bail!(
            "the URL is empty: give a path under the profile's base URL (such as /assets) or a full URL"
        );
    }
    if crate::store::collection::is_absolute(url) {
        crate::signing::wire_url(url)?;
    }
    Ok(())
}

fn new(
    store: &CollectionStore,
    name: &str,
    from_catalog: bool,
    only: Option<&str>,
) -> anyhow::Result<ExitCode> {
    if store.exists(name) {
        anyhow::bail!("collection `{name}` already exists: pick another name");
    }
    let requests = if from_catalog {
        let r = crate::store::starter::requests_from_catalog(
            crate::catalog::Catalog::builtin(),
            only.unwrap_or(""),
        );
        if r.is_empty() {
            anyhow::bail!(
                "no catalog endpoint matches `{}`: try a group such as `company` or `core client`",
                only.unwrap_or("")
            );
        }
        r
    } else {
        Vec::new()
    };
    let l = store.modify(name, true, |c| {
        c.upsert_all(&requests);
        Ok(())
    })?;
    report_moved(&l);
    println!(
        "created collection `{name}` with {} requests in {}",
        requests.len(),
        store.dir().display()
    );
    if requests.iter().any(|r| r.url.contains('{')) {
        println!(
            "fill in the {{...}} path parameters before sending, e.g. `xsign collection add {name}/... --url /company/123`"
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn rename(store: &CollectionStore, target: &str, new_name: &str) -> anyhow::Result<ExitCode> {
    match split_target(target) {
        (c, Some(r)) => {
            let l = store.rename_request(c, r, new_name)?;
            report_moved(&l);
            println!("renamed {c}/{r} to {c}/{new_name}");
        }
        (c, None) => {
            store.rename_collection(c, new_name)?;
            println!("renamed collection `{c}` to `{new_name}`");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn delete(store: &CollectionStore, target: &str, yes: bool) -> anyhow::Result<ExitCode> {
    match split_target(target) {
        (c, Some(r)) => {
            let l = store.delete_request(c, r)?;
            report_moved(&l);
            println!("deleted {c}/{r}");
        }
        (c, None) => {
            if !yes {
                let n = store.load(c)?.value.requests.len();
                anyhow::bail!(
                    "this deletes the collection `{c}` and its {n} requests: add --yes to confirm"
                );
            }
            store.delete_collection(c)?;
            println!("deleted collection `{c}`");
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Clone, Copy)]
struct ExportOpts {
    show_secrets: bool,
    unsigned: bool,
}

fn export(
    store: &CollectionStore,
    ctx: &Context,
    target: &str,
    format: Option<Format>,
    opts: ExportOpts,
    output: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let (c, r) = split_target(target);
    let loaded = store.load(c)?;
    report_moved(&loaded);
    let collection = loaded.value;
    let requests: Vec<&Request> = match r {
        Some(name) => vec![collection.get(name).ok_or_else(|| StoreError::NotFound {
            what: "request",
            name: target.to_string(),
            hint: format!("`xsign collection show {c}` lists its requests"),
        })?],
        None => collection.requests.iter().collect(),
    };
    let format = format.unwrap_or(if r.is_some() {
        Format::Curl
    } else {
        Format::Json
    });
    let bytes = match format {
        Format::Json => {
            let only = Collection {
                name: collection.name.clone(),
                requests: requests.into_iter().cloned().collect(),
            };
            only.to_file_bytes()?
        }
        Format::Curl => {
            let mut text = String::new();
            for req in requests {
                text.push_str(&curl_for(ctx, req, opts)?);
                text.push_str("\n\n");
            }
            text.truncate(text.trim_end().len());
            text.push('\n');
            text.into_bytes()
        }
    };
    match output {
        Some(path) => {
            crate::atomic_file::write_atomic(&path, &bytes, 0o600)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
        None => std::io::stdout().write_all(&bytes)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The curl command for one request with the selected profile (or the reference client's
/// defaults): its URL as it goes on the wire, headers, a fresh signature over that URL when
/// it signs, and the API key as a placeholder unless `--show-secrets`.
fn curl_for(ctx: &Context, req: &Request, opts: ExportOpts) -> anyhow::Result<String> {
    let selected = select_profile_or(ctx, &ProfileFlags::default(), Unchosen::DefaultProfile)?;
    let typed = req.full_url(&selected.base_url()?);
    // Signed and exported in the form the HTTP client sends, as `xsign sign --curl` does.
    let wire = crate::signing::wire_url(&typed)
        .with_context(|| format!("request `{}` cannot be exported", req.name))?;
    if wire.differs() {
        eprintln!(
            "note: {}: the URL goes on the wire as {} ({}); the command sends that form",
            req.name,
            wire.wire,
            wire.reasons().join(", ")
        );
    }
    let url = wire.wire.as_str();
    let mut headers: Vec<(String, String)> = selected.headers();
    headers.extend(req.headers.iter().cloned());
    match selected.resolve() {
        Ok(resolved) => {
            let key = if opts.show_secrets {
                resolved.api_key.clone()
            } else {
                "REDACTED".to_string()
            };
            headers.push(("x-api-key".into(), key));
            if resolved.signing && !opts.unsigned {
                let signed = super::replay::sign_for(&resolved, &req.method, url, &req.body)?;
                for (k, v) in signed.headers() {
                    headers.push((k.to_string(), v));
                }
                eprintln!(
                    "note: signed now with {}; a timestamp is only accepted for a short while",
                    signed.value.mode_name()
                );
            }
            if !opts.show_secrets {
                eprintln!("note: the API key is REDACTED; add --show-secrets to include it");
            }
        }
        Err(e) => {
            headers.push(("x-api-key".into(), "REDACTED".into()));
            eprintln!("note: exported without a signature: {e:#}");
        }
    }
    Ok(to_curl(
        &req.method,
        url,
        &headers,
        CurlBody::Inline(&req.body),
    ))
}

fn import(
    store: &CollectionStore,
    file: &PathBuf,
    name: Option<String>,
) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let incoming = Collection::from_file_bytes(&bytes).map_err(|e| {
        anyhow::anyhow!(
            "{} is not an xsign collection file ({e}). For curl commands use `xsign import curl`, for the reference client's folders `xsign import folder`",
            file.display()
        )
    })?;
    let target = name.unwrap_or(incoming.name.clone());
    validate_collection_name(&target)?;
    let Loaded {
        value: replaced,
        moved_aside,
    } = store.modify(&target, true, |c| Ok(c.upsert_all(&incoming.requests)))?;
    report_moved_list(&moved_aside);
    println!(
        "imported {} requests into `{target}`",
        incoming.requests.len()
    );
    if !replaced.is_empty() {
        println!("replaced: {}", replaced.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}
