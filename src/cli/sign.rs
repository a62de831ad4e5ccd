use super::Context;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _ctx: &Context) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`xsign sign` is not built yet")
}
