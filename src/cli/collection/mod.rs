//! `xsign collection list|show|add|new|rename|duplicate|delete|export|import`: the flags
//! and the dispatch; reading, editing and export/import each live in their own file.

mod edit;
mod export;
mod show;

use super::Context;
use crate::store::CollectionStore;
use crate::store::collection::split_target;
use edit::{add, delete, new, rename};
use export::{ExportOpts, export, import};
use show::{list, show};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
#[command(after_help = "\
A collection is a named list of saved requests, one JSON file each under the config directory. \
Requests are named COLLECTION/REQUEST; their URL is relative to the profile's base URL (/assets) \
or absolute, and their body is kept byte for byte. `xsign replay COLLECTION` sends them all.

Examples:
  xsign collection add payments/new-company -X POST --url /company --body-file company.json
  xsign collection new starter --from-catalog --only company
  xsign collection show payments
  xsign collection export payments/new-company")]
pub enum Command {
    /// List collections and how many requests each holds
    List {
        /// One JSON object per collection: its name and request count
        #[arg(long)]
        json: bool,
    },
    /// Show a collection's requests, or one request (COLLECTION/REQUEST)
    Show {
        /// COLLECTION, or COLLECTION/REQUEST
        target: String,
        /// Print only the request's body, byte for byte
        #[arg(long, conflicts_with = "json")]
        body: bool,
        /// Print the collection or request as JSON, bodies byte-exact (as saved)
        #[arg(long)]
        json: bool,
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
        // `-c/--collection` as in `xsign import`; the old `--name` still parses.
        #[arg(
            long = "collection",
            short = 'c',
            alias = "name",
            value_name = "COLLECTION"
        )]
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
    #[arg(long, short = 'd', group = "body_src", value_name = "FILE")]
    pub body_file: Option<PathBuf>,
    #[command(flatten)]
    pub body_limit: crate::cli::body::BodyLimit,
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

pub fn run(command: Command, ctx: &Context) -> anyhow::Result<ExitCode> {
    let store = CollectionStore::open_default();
    match command {
        Command::List { json } => list(&store, json),
        Command::Show { target, body, json } => show(&store, &target, body, json),
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
            outln!("copied {c}/{r} to {c}/{}", out.name);
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
        errln!("warning: {m}");
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
