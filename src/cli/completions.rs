//! `xsign completions SHELL` and `xsign man`: shell completion scripts (clap_complete) and
//! manual pages (clap_mangen), both generated from the one clap tree in `cli::mod`, so
//! neither can list a flag the parser does not take, nor miss one it does.

use super::{Cli, Context};
use anyhow::Context as _;
use clap::CommandFactory;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  source <(xsign completions bash)                          this shell only
  xsign completions bash > ~/.local/share/bash-completion/completions/xsign
  xsign completions zsh > ~/.zfunc/_xsign                   with fpath+=(~/.zfunc) before compinit
  xsign completions fish > ~/.config/fish/completions/xsign.fish
  xsign completions powershell >> $PROFILE")]
pub struct CompletionsArgs {
    /// The shell to complete in
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  xsign man | man -l -                                      read it now
  xsign man --dir ~/.local/share/man/man1                   xsign.1 and one page per command")]
pub struct ManArgs {
    /// Write xsign.1 and one page per subcommand (xsign-send.1, ...) into DIR instead of
    /// printing xsign.1 on stdout
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

pub fn completions(args: CompletionsArgs, _ctx: &Context) -> anyhow::Result<ExitCode> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "xsign", &mut script);
    // A script is data: through the closed-pipe-safe writer, bytes unchanged off a terminal.
    out!("{}", String::from_utf8_lossy(&script));
    Ok(ExitCode::SUCCESS)
}

pub fn man(args: ManArgs, _ctx: &Context) -> anyhow::Result<ExitCode> {
    let mut root = Cli::command().disable_help_subcommand(true);
    root.build();
    match &args.dir {
        None => {
            out!("{}", String::from_utf8_lossy(&render(root)?));
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create the directory {}", dir.display()))?;
            let mut written = Vec::new();
            write_pages(root, dir, &mut written)?;
            errln!(
                "wrote {} manual pages into {}",
                written.len(),
                dir.display()
            );
            for p in written {
                outln!("{}", p.display());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn render(cmd: clap::Command) -> anyhow::Result<Vec<u8>> {
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut page)
        .context("cannot render the manual page")?;
    Ok(page)
}

/// One page per command, `xsign-collection-show.1` for a nested one (clap names a built
/// subcommand after its parents), each written atomically.
fn write_pages(cmd: clap::Command, dir: &Path, written: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_pages(sub.clone(), dir, written)?;
    }
    let man = clap_mangen::Man::new(cmd.clone());
    let path = dir.join(man.get_filename());
    crate::atomic_file::write_atomic(&path, &render(cmd)?, 0o644)
        .with_context(|| format!("cannot write {}", path.display()))?;
    written.push(path);
    Ok(())
}
