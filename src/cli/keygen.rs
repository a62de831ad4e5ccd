//! `xsign keygen`: a key pair the web app and the reference client both accept.

use super::Context;
use crate::atomic_file::write_atomic;
use crate::signing::generate_key;
use anyhow::Context as _;
use clap::builder::TypedValueParser as _;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Writes private.pem (PKCS#1, mode 0600, readable by the reference client) and public.pem.\n\
Paste the printed public key into the Qredo web app (API settings), and keep private.pem secret."
)]
pub struct Args {
    /// Key size in bits (the web app takes 2048)
    #[arg(long, default_value_t = 2048, value_parser = clap::builder::PossibleValuesParser::new(["2048", "3072", "4096"]).map(|s| s.parse::<usize>().expect("listed values are numbers")))]
    pub bits: usize,
    /// Directory to write private.pem and public.pem into
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
    /// Replace existing key files (the old ones are kept as *.replaced-<time>)
    #[arg(long)]
    pub force: bool,
    /// Print the files written, the fingerprint and the public key as one JSON object
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, _ctx: &Context) -> anyhow::Result<ExitCode> {
    let private_path = args.out.join("private.pem");
    let public_path = args.out.join("public.pem");
    let existing: Vec<&PathBuf> = [&private_path, &public_path]
        .into_iter()
        .filter(|p| p.symlink_metadata().is_ok())
        .collect();
    if !existing.is_empty() && !args.force {
        let names: Vec<String> = existing.iter().map(|p| p.display().to_string()).collect();
        errln!(
            "error: {} already exist{}; a key in use would be lost. Choose another place with --out DIR, \
             or replace {} with --force (the old files are kept aside)",
            names.join(" and "),
            if names.len() == 1 { "s" } else { "" },
            if names.len() == 1 { "it" } else { "them" },
        );
        return Ok(ExitCode::from(1));
    }
    if args.out.exists() && !args.out.is_dir() {
        anyhow::bail!(
            "{} is a file, not a directory: pass --out DIR with a directory for private.pem and public.pem",
            args.out.display()
        );
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create the directory {}", args.out.display()))?;

    errln!("generating a {}-bit RSA key...", args.bits);
    let key = generate_key(args.bits)?;
    let public = key.public_key();

    if args.force {
        for path in &existing {
            let aside = keep_aside(path)?;
            errln!("kept the old {} as {}", path.display(), aside.display());
        }
    }
    write_atomic(&private_path, key.to_pkcs1_pem().as_bytes(), 0o600)
        .with_context(|| format!("cannot write {}", private_path.display()))?;
    write_atomic(&public_path, public.to_pem().as_bytes(), 0o644)
        .with_context(|| format!("cannot write {}", public_path.display()))?;

    errln!(
        "wrote {} (keep it secret) and {}",
        private_path.display(),
        public_path.display()
    );
    if args.json {
        super::json::print(&serde_json::json!({
            "private_key": private_path,
            "public_key": public_path,
            "key": { "fingerprint": public.info().fingerprint, "bits": public.info().bits },
            "public_pem": public.to_pem(),
        }));
        return Ok(ExitCode::SUCCESS);
    }
    errln!("paste this public key into the Qredo web app:");
    out!("{}", public.to_pem());
    outln!("fingerprint: {}", public.info().fingerprint);
    Ok(ExitCode::SUCCESS)
}

/// Renames an existing key file to `<name>.replaced-<unix time>` so --force loses nothing.
fn keep_aside(path: &std::path::Path) -> anyhow::Result<PathBuf> {
    let stamp = crate::signing::now_unix();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut aside = path.with_file_name(format!("{name}.replaced-{stamp}"));
    let mut n = 1;
    while aside.symlink_metadata().is_ok() {
        aside = path.with_file_name(format!("{name}.replaced-{stamp}-{n}"));
        n += 1;
    }
    std::fs::rename(path, &aside)
        .with_context(|| format!("cannot move {} aside", path.display()))?;
    Ok(aside)
}
