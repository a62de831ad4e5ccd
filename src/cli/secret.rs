//! `xsign secret new`: a Qredo API key and secret pair for the mock (what `keygen` is to
//! the Partner API's RSA key).

use super::Context;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Writes DIR/apikey and DIR/secret (mode 0600; an existing pair is kept, never overwritten), then \
prints how to start the mock with them and sign against it.

Example:
  xsign secret new --out qredo && xsign mock --qredo-secret qredo/secret")]
pub struct Args {
    #[command(subcommand)]
    pub command: SecretCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum SecretCommand {
    /// Make a Qredo API key and secret pair (base64url, 32 bytes) for `xsign mock --qredo-secret`
    New {
        /// The directory to write apikey and secret into
        #[arg(long, value_name = "DIR", default_value = ".")]
        out: PathBuf,
    },
}

pub fn run(args: Args, _ctx: &Context) -> anyhow::Result<ExitCode> {
    let SecretCommand::New { out } = args.command;
    crate::atomic_file::ensure_private_dir(&out)?;
    let (key_path, secret_path) = (out.join("apikey"), out.join("secret"));
    let existed = key_path.exists() && secret_path.exists();
    let (api_key, secret) = crate::store::demo::ensure_qredo_pair(&key_path, &secret_path)?;
    if existed {
        errln!(
            "note: {} and {} exist; kept them (delete both for a new pair)",
            key_path.display(),
            secret_path.display()
        );
    }
    outln!(
        "qredo-api-key: {} ({})",
        crate::secret::mask_api_key(&api_key),
        key_path.display()
    );
    outln!(
        "secret: {} ({}, mode 0600)",
        secret.masked(),
        secret_path.display()
    );
    outln!(
        "next: xsign mock --qredo-secret {}  then  xsign send GET /balance --scheme qredo-v1 --base-url http://127.0.0.1:8001/qapi/v1 --api-key-file {} --secret-file {}",
        secret_path.display(),
        key_path.display(),
        secret_path.display()
    );
    Ok(ExitCode::SUCCESS)
}
