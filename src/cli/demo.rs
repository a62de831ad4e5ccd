//! `xsign demo`: the workbench against the embedded mock, with a throwaway key and API key,
//! so the first run needs no credentials and nothing leaves the machine.

use super::Context;
use crate::mock::{MockConfig, MockHandle, MockServer};
use crate::proxy::{ProxyHandle, ProxyServer};
use crate::store::demo::{LiveDemo, ensure_in};
use crate::store::profile::{DEMO_PORT, builtin_profiles, demo_dir};
use crate::store::{Collection, CollectionStore, Profile, Request};
use crate::tui::{self, Launch, clock::SystemClock};
use anyhow::Context as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Start afresh: a new key and API key, and the mock's records forgotten
    #[arg(long)]
    pub reset: bool,
    /// Also start the signing proxy in front of the mock on 127.0.0.1:8899, so that
    /// `curl http://127.0.0.1:8899/assets` gets a signed answer (see `xsign proxy`)
    #[arg(long)]
    pub proxy: bool,
}

/// The collection of example requests the demo opens with.
pub const DEMO_COLLECTION: &str = "demo";

/// The demo's key, API key and the mock they are registered with.
pub struct Demo {
    pub mock: MockHandle,
    pub profile: Profile,
    pub key_path: PathBuf,
    /// The demo's API key, registered with the mock.
    pub api_key: String,
    /// `None` when another running demo holds the record: the CLI reaches that one.
    pub live: Option<LiveDemo>,
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let dir = demo_dir();
    if args.reset {
        for f in [
            "private.pem",
            "public.pem",
            "apikey",
            "qredo-apikey",
            "qredo-secret",
        ] {
            let _ = std::fs::remove_file(dir.join(f));
        }
        let _ = std::fs::remove_dir_all(dir.join("mock"));
    }
    errln!(
        "xsign demo: starting the mock and preparing the demo key in {}",
        dir.display()
    );
    let demo = rt.block_on(start(&dir))?;
    if demo.live.is_none() {
        errln!(
            "xsign demo: another demo is running; `--profile demo` on the command line reaches that one, not this one on {}",
            demo.mock.base_url()
        );
    }
    ensure_examples();
    for line in qredo_lines() {
        errln!("{line}");
    }
    let port = demo.mock.addr().port();
    let stores = ctx.workbench_stores();
    // The demo's own profile is made here, but the look is the user's: their config's theme
    // and keys.
    let config = stores.config.load().map(|l| l.value).unwrap_or_default();
    let (theme, keymap, look_problem) = tui::look(ctx.theme, &config);
    let mut welcome = welcome(port, &keymap);
    let proxy = if args.proxy {
        let handle = rt.block_on(start_proxy(
            &demo,
            std::sync::Arc::new(crate::store::History::open_default()),
        ))?;
        errln!(
            "xsign demo: signing proxy on {0} in front of the mock: curl -s {0}/assets",
            handle.url()
        );
        welcome = format!(
            "Demo: mock on 127.0.0.1:{port}, signing proxy on {} (its requests show in the history, h). {} for help",
            handle.addr(),
            keymap.typing_name(crate::tui::keymap::Command::Help)
        );
        Some(handle)
    } else {
        None
    };
    let welcome = match look_problem {
        Some(p) => format!("{p}. {welcome}"),
        None => welcome,
    };
    let launched = tui::open(Launch {
        profile: demo.profile,
        rt: rt.handle().clone(),
        clock: SystemClock::shared(),
        welcome: Some(welcome),
        theme,
        keymap,
        request: None,
        first_run: false,
        pinned: true,
        stores,
    });
    if let Some(p) = proxy {
        rt.block_on(p.shutdown());
    }
    rt.block_on(demo.mock.shutdown())
        .context("stopping the mock")?;
    match launched? {
        Some(tui::app::Next::Signalled(sig)) => Ok(super::signalled(sig)),
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// The signing proxy in front of the demo's mock, on 127.0.0.1:8899 (a free port when that
/// one is taken), recording into the history the workbench shows.
pub async fn start_proxy(
    demo: &Demo,
    recorder: std::sync::Arc<dyn crate::http::Recorder>,
) -> anyhow::Result<ProxyHandle> {
    let config = super::proxy::config(super::proxy::Upstream {
        base_url: demo.mock.base_url(),
        api_key: demo.api_key.clone(),
        key: Some(crate::credentials::load_private_key(&demo.key_path, None)?.key),
        key_path: Some(demo.key_path.clone()),
        mode: demo.profile.auth_mode,
        profile: demo.profile.name.clone(),
        headers: demo.profile.headers.clone(),
        timeout: std::time::Duration::from_secs(demo.profile.timeout_secs.max(1)),
        client: crate::http::client()?,
        recorder,
        // The workbench has the terminal: the history is the log.
        on_event: std::sync::Arc::new(|_| {}),
    });
    let preferred: SocketAddr = super::proxy::DEFAULT_LISTEN
        .parse()
        .expect("the default listen address parses");
    let started = match ProxyServer::start(config.clone(), preferred).await {
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            ProxyServer::start(config, SocketAddr::from(([127, 0, 0, 1], 0))).await
        }
        started => started,
    };
    started.context("cannot start the signing proxy")
}

/// The first status line of the demo, with the mock on `port`.
pub fn welcome(port: u16, keys: &crate::tui::keymap::Keymap) -> String {
    use crate::tui::keymap::Command;
    format!(
        "Demo: mock on 127.0.0.1:{port}, throwaway key. Pick a saved request ({}), or type /company in the URL (↓ lists endpoints); {} qredo-v1-demo for the Qredo API v1. {} for help",
        keys.name(Command::Library),
        keys.name(Command::Profiles),
        keys.typing_name(Command::Help)
    )
}

/// What the demo says about its Qredo API v1 before the workbench opens: the profile
/// that reaches it, from the workbench and from another terminal.
pub fn qredo_lines() -> [String; 3] {
    [
        "xsign demo: the mock serves the Qredo API v1 too (/qapi/v1, HMAC with the demo's secret): switch to the qredo-v1-demo profile (F7)".to_string(),
        "xsign demo: from another terminal: xsign send GET /balance --profile qredo-v1-demo (a refusal is explained, as a 1020 is)".to_string(),
        format!(
            "xsign demo: and the v2 API (/api/v2, token fetched and cached by xsign): xsign send GET /workspaces/{}/wallets --profile qredo-v2-demo",
            crate::store::profile::DEMO_WORKSPACE
        ),
    ]
}

/// Starts the mock on 127.0.0.1:[`DEMO_PORT`] (a free loopback port when that one is taken),
/// creates (or reuses) the demo key and API key in `dir`, registers them, and records the
/// mock's address there. The demo profile points at the mock.
pub async fn start(dir: &Path) -> anyhow::Result<Demo> {
    start_at(dir, SocketAddr::from(([127, 0, 0, 1], DEMO_PORT))).await
}

/// [`start`], preferring `preferred` to [`DEMO_PORT`].
///
/// The fixed port makes the built-in profile's base URL true in the usual case; when it is
/// taken, the live address goes into a record in `dir` that the config store reads while this
/// demo runs (see [`LiveDemo`]), rather than into the user's config file: it is run-time
/// state, and a written profile would keep a dead port after the demo stops or is killed.
pub async fn start_at(dir: &Path, preferred: SocketAddr) -> anyhow::Result<Demo> {
    let owned = dir.to_path_buf();
    let creds = tokio::task::spawn_blocking(move || ensure_in(&owned)).await??;
    let config = MockConfig {
        data_dir: Some(dir.join("mock")),
        ..MockConfig::default()
    };
    let mock = match MockServer::start(config.clone(), preferred).await {
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            MockServer::start(config, SocketAddr::from(([127, 0, 0, 1], 0))).await
        }
        started => started,
    }
    .context("cannot start the mock")?;
    mock.register(&creds.api_key, creds.key.public_key());
    mock.register_qredo(&creds.qredo_api_key, creds.qredo_secret.clone());
    let live = LiveDemo::record(dir, &mock.base_url())?;
    let mut profile = builtin_profiles()
        .into_iter()
        .find(|p| p.name == "demo")
        .expect("the demo profile is built in");
    profile.base_url = mock.base_url();
    Ok(Demo {
        mock,
        profile,
        key_path: creds.key_path,
        api_key: creds.api_key,
        live,
    })
}

/// The example requests, saved once in the `demo` collection (never overwritten, so the
/// user's edits stay).
pub fn examples() -> Vec<Request> {
    let company = crate::catalog::Catalog::builtin()
        .find("POST", "/company")
        // The catalog's `{{uuid}}` ref, rendered on each send: replaying the demo twice
        // never conflicts (409).
        .and_then(|e| e.example_body())
        .unwrap_or_default();
    vec![
        Request::new("list assets", "GET", "/assets"),
        Request::new("create a company", "POST", "/company").with_body(company),
        Request::new("search companies", "GET", "/company/search?query=ACME"),
        Request::new("exchanges", "GET", "/exchanges"),
        Request::new("core clients", "GET", "/coreclient"),
    ]
}

fn ensure_examples() {
    // The demo's examples are the user's, never written into a project folder.
    let store = CollectionStore::user_default();
    if store.exists(DEMO_COLLECTION) {
        return;
    }
    let _ = store.modify(DEMO_COLLECTION, true, |c: &mut Collection| {
        for r in examples() {
            c.upsert(r);
        }
        Ok(())
    });
}
