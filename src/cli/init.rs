//! `xsign init [DIR]`: make a project folder (`xsign/`) whose collections and scenarios are
//! committed with the code, and say what to do next.

use crate::store::project::Project;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project's folder (default: the current directory)
    pub dir: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let dir = match args.dir {
        Some(d) => d,
        None => std::env::current_dir()?,
    };
    if !dir.is_dir() {
        anyhow::bail!(
            "{} is not a folder: give the project's folder, or run `xsign init` inside it",
            dir.display()
        );
    }
    let init = Project::init(&dir)?;
    let p = &init.project;
    outln!("made an xsign project in {}", p.dir().display());
    for c in &init.created {
        outln!("  {}", c.strip_prefix(p.root()).unwrap_or(c).display());
    }
    if let Some(outer) = &init.enclosing {
        outln!(
            "note: this sits inside the project at {}; commands run below {} now use this one",
            outer.root().display(),
            p.root().display()
        );
    }
    if let Some(name) = p.reference_requests() {
        outln!(
            "the reference client's requests/ is here: xsign reads and saves it in place as the collection `{name}` (`xsign replay {name}`)"
        );
    }
    outln!(
        "\nNext, from anywhere in {}:\n  xsign collection new partner --from-catalog   a starter collection, one folder per request\n  xsign run xsign/scenarios/custody.toml --mock  a chained flow against a throwaway mock\n  git add xsign                                  collections diff as plain files; secrets never go in",
        p.root().display()
    );
    Ok(ExitCode::SUCCESS)
}
