//! The scriptable CLI. Exit codes: `exit::Exit` (0 ok, 1 failure, 2 usage as clap's own, and
//! one code each for a network error, a 4xx, a 5xx and a refused signature).

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[macro_use]
pub mod out;

pub mod body;
pub mod collection;
pub mod common;
pub mod completions;
pub mod demo;
pub mod doctor;
mod doctor_qredo;
pub mod exit;
pub mod history;
pub mod http_flags;
pub mod import;
pub mod init;
pub mod json;
pub mod keygen;
pub mod keys;
pub mod listen;
pub mod mock;
pub mod profile;
pub mod profile_vars;
pub mod proxy;
pub mod replay;
pub mod run;
pub mod run_progress;
pub mod secret;
pub mod send;
pub mod sign;
pub mod token;
pub mod verify;

#[derive(Debug, Parser)]
#[command(
    name = "xsign",
    version,
    about = "Sign, send and debug Qredo Partner API requests",
    long_about = "Sign, send and debug Qredo Partner API requests.\n\nWith no command, opens the workbench (TUI). `xsign demo` opens it against an embedded mock of the API with a throwaway key.",
    after_help = exit::HELP
)]
pub struct Cli {
    /// Profile to use (see `xsign profile list`)
    #[arg(long, global = true, env = "XSIGN_PROFILE")]
    pub profile: Option<String>,
    /// A scenario file for the workbench's library, beside the shipped ones and
    /// ./scenarios/*.toml (repeatable; `xsign --scenario F` or `xsign --scenario F demo`)
    #[arg(long = "scenario", value_name = "FILE")]
    pub scenarios: Vec<std::path::PathBuf>,
    /// The workbench's colours: dark, light, or mono (no colour; also when NO_COLOR is
    /// set). Without it, the config's `workbench.theme`, else dark
    #[arg(long, global = true, env = "XSIGN_THEME", value_enum)]
    pub theme: Option<crate::tui::theme::Theme>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sign a request: print Hash, x-sign and x-timestamp or x-nonce
    Sign(sign::Args),
    /// Generate an RSA key pair (private.pem, public.pem)
    Keygen(keygen::Args),
    /// Qredo API v1/v2 key and secret pairs for the mock (`secret new`)
    Secret(secret::Args),
    /// The Qredo API v2 token xsign caches: show its expiry, or clear it
    Token(token::Args),
    /// Check an x-sign against a public key
    Verify(verify::Args),
    /// Send a signed request and print the response
    Send(send::Args),
    /// Listen on a websocket feed
    Listen(listen::Args),
    /// Explain why a signature fails (1020 errPartnerAuth)
    Doctor(doctor::Args),
    /// Run the embedded mock of the Partner API
    Mock(mock::Args),
    /// A local signing proxy: any HTTP client calls the API through it, signed
    Proxy(proxy::Args),
    /// Open the workbench against the embedded mock with a throwaway key
    Demo(demo::Args),
    /// List, show, add or edit profiles
    #[command(subcommand)]
    Profile(profile::Command),
    /// List, show, export or import collections
    #[command(subcommand)]
    Collection(collection::Command),
    /// Replay a saved request or a whole collection
    Replay(replay::Args),
    /// Run scenario files: chained signed requests, captures, assertions, feed waits
    Run(run::Args),
    /// Show sent requests
    History(history::Args),
    /// Import requests from curl, the reference client's folders or an OpenAPI document
    #[command(subcommand)]
    Import(import::Command),
    /// Make a project folder (xsign/) for collections and scenarios committed with the code
    Init(init::Args),
    /// The workbench's key bindings, with the config file's changes
    Keys(keys::Args),
    /// Print a shell completion script (bash, zsh, fish, powershell)
    Completions(completions::CompletionsArgs),
    /// Print the manual page, or write one per command with --dir
    Man(completions::ManArgs),
}

/// What every command may need beyond its own flags.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub profile: Option<String>,
    /// `--scenario FILE`s, for the workbench's library.
    pub scenarios: Vec<std::path::PathBuf>,
    /// `--theme`, for the workbench.
    pub theme: Option<crate::tui::theme::Theme>,
}

impl Context {
    /// The workbench's stores: xsign's dirs, and the scenarios of `./scenarios` and
    /// `--scenario`.
    pub fn workbench_stores(&self) -> crate::tui::stores::Stores {
        let project = crate::store::project::Project::discover();
        let mut scenarios = Vec::new();
        // A project's scenarios first: they are the ones committed with this code.
        scenarios.extend(project.as_ref().map(|p| p.scenarios_dir()));
        scenarios.push(std::path::PathBuf::from("scenarios"));
        scenarios.extend(self.scenarios.iter().cloned());
        crate::tui::stores::Stores::in_dirs(&crate::paths::config_dir(), &crate::paths::data_dir())
            .with_project(project.as_ref())
            .with_scenarios(scenarios)
    }
}

/// Whether the workbench can draw: it reads keys from stdin and draws on stdout.
fn has_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

/// Said instead of the terminal library's "No such device or address (os error 6)" when
/// `xsign` or `xsign demo` runs from a pipe, cron or CI: what works there instead.
fn no_terminal(demo: bool) {
    let what = if demo { "xsign demo" } else { "xsign" };
    errln!(
        "error: `{what}` opens the workbench, which needs a terminal (stdin and stdout are not one here).\n\
         In a terminal, run `xsign demo` (against the embedded mock) or `xsign`.\n\
         From a script, use the commands: `xsign send GET /assets`, `xsign sign --url URL`, \
         `xsign replay COLLECTION`, `xsign mock` for the mock alone; `xsign --help` lists them all."
    );
}

/// The exit code a shell gives a process that `sig` ended: 128 + its number.
pub fn signalled(sig: i32) -> ExitCode {
    ExitCode::from(u8::try_from(128 + sig).unwrap_or(1))
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let ctx = Context {
        profile: cli.profile.clone(),
        scenarios: cli.scenarios.clone(),
        theme: cli.theme,
    };
    let result = match cli.command {
        None | Some(Command::Demo(_)) if !has_terminal() => {
            no_terminal(cli.command.is_some());
            return exit::Exit::Usage.into();
        }
        None => match crate::tui::run(ctx.profile.as_deref(), ctx.theme, ctx.workbench_stores()) {
            Ok(Some(crate::tui::app::Next::Demo)) => demo::run(
                demo::Args {
                    reset: false,
                    proxy: false,
                },
                &ctx,
            ),
            Ok(Some(crate::tui::app::Next::Signalled(sig))) => Ok(signalled(sig)),
            Ok(None) => Ok(ExitCode::SUCCESS),
            Err(e) => Err(e),
        },
        Some(Command::Sign(a)) => sign::run(a, &ctx),
        Some(Command::Keygen(a)) => keygen::run(a, &ctx),
        Some(Command::Secret(a)) => secret::run(a, &ctx),
        Some(Command::Token(a)) => token::run(a, &ctx),
        Some(Command::Verify(a)) => verify::run(a, &ctx),
        Some(Command::Send(a)) => send::run(a, &ctx),
        Some(Command::Listen(a)) => listen::run(a, &ctx),
        Some(Command::Doctor(a)) => doctor::run(a, &ctx),
        Some(Command::Mock(a)) => mock::run(a, &ctx),
        Some(Command::Proxy(a)) => proxy::run(a, &ctx),
        Some(Command::Demo(a)) => demo::run(a, &ctx),
        Some(Command::Profile(a)) => profile::run(a, &ctx),
        Some(Command::Collection(a)) => collection::run(a, &ctx),
        Some(Command::Replay(a)) => replay::run(a, &ctx),
        Some(Command::Run(a)) => run::run(a, &ctx),
        Some(Command::History(a)) => history::run(a, &ctx),
        Some(Command::Import(a)) => import::run(a, &ctx),
        Some(Command::Init(a)) => init::run(a),
        Some(Command::Keys(a)) => keys::run(a, &ctx),
        Some(Command::Completions(a)) => completions::completions(a, &ctx),
        Some(Command::Man(a)) => completions::man(a, &ctx),
    };
    match result {
        Ok(code) => code,
        // The reader of stdout left (`| head -1`): what it wanted was written.
        Err(e) if out::is_closed_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            errln!("error: {e:#}");
            exit::Exit::Failure.into()
        }
    }
}
