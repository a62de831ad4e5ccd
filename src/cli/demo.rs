//! `xsign demo`: the workbench against the embedded mock, with a throwaway key and API key,
//! so the first run needs no credentials and nothing leaves the machine.

use super::Context;
use crate::atomic_file::{ensure_private_dir, write_atomic};
use crate::mock::{MockConfig, MockHandle, MockServer};
use crate::signing::{PrivateKey, generate_key};
use crate::store::profile::{builtin_profiles, demo_dir};
use crate::store::{Collection, CollectionStore, Profile, Request};
use crate::tui::{self, Launch, clock::SystemClock};
use anyhow::Context as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Start afresh: a new key and API key, and the mock's records forgotten
    #[arg(long)]
    pub reset: bool,
}

/// The collection of example requests the demo opens with.
pub const DEMO_COLLECTION: &str = "demo";

/// The demo's key, API key and the mock they are registered with.
pub struct Demo {
    pub mock: MockHandle,
    pub profile: Profile,
    pub key_path: PathBuf,
}

pub fn run(args: Args, _ctx: &Context) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let dir = demo_dir();
    if args.reset {
        for f in ["private.pem", "public.pem", "apikey"] {
            let _ = std::fs::remove_file(dir.join(f));
        }
        let _ = std::fs::remove_dir_all(dir.join("mock"));
    }
    eprintln!(
        "xsign demo: starting the mock and preparing the demo key in {}",
        dir.display()
    );
    let demo = rt.block_on(start(&dir))?;
    ensure_examples();
    let port = demo.mock.addr().port();
    let welcome = welcome(port);
    let launched = tui::open(Launch {
        profile: demo.profile,
        rt: rt.handle().clone(),
        clock: SystemClock::shared(),
        welcome: Some(welcome),
        request: None,
        first_run: false,
        stores: tui::stores::Stores::in_dirs(
            &crate::paths::config_dir(),
            &crate::paths::data_dir(),
        ),
    });
    rt.block_on(demo.mock.shutdown())
        .context("stopping the mock")?;
    match launched? {
        Some(tui::app::Next::Signalled(sig)) => Ok(super::signalled(sig)),
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// The first status line of the demo, with the mock on `port`.
pub fn welcome(port: u16) -> String {
    format!(
        "Demo: mock on 127.0.0.1:{port}, throwaway key. Pick a saved request (F6), or type /company in the URL (↓ lists endpoints). {} for help",
        crate::tui::keymap::help_key()
    )
}

/// Starts the mock on a free loopback port, creates (or reuses) the demo key and API key in
/// `dir`, and registers them. The demo profile points at the mock.
pub async fn start(dir: &Path) -> anyhow::Result<Demo> {
    ensure_private_dir(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let key_path = dir.join("private.pem");
    let key = match PrivateKey::from_file(&key_path) {
        Ok(k) => k,
        Err(_) => {
            let key = tokio::task::spawn_blocking(|| generate_key(2048)).await??;
            write_atomic(&key_path, key.to_pkcs1_pem().as_bytes(), 0o600)
                .with_context(|| format!("cannot write {}", key_path.display()))?;
            write_atomic(
                &dir.join("public.pem"),
                key.public_key().to_pem().as_bytes(),
                0o644,
            )?;
            key
        }
    };
    let api_key_path = dir.join("apikey");
    let api_key = match std::fs::read_to_string(&api_key_path) {
        Ok(k) if !k.trim().is_empty() => k.trim().to_string(),
        _ => {
            let k = format!("demo-{}", hex::encode(rand::random::<[u8; 16]>()));
            write_atomic(&api_key_path, k.as_bytes(), 0o600)
                .with_context(|| format!("cannot write {}", api_key_path.display()))?;
            k
        }
    };
    let config = MockConfig {
        data_dir: Some(dir.join("mock")),
        ..MockConfig::default()
    };
    let mock = MockServer::start(config, "127.0.0.1:0".parse().expect("a socket address"))
        .await
        .context("cannot start the mock")?;
    mock.register(&api_key, key.public_key());
    let mut profile = builtin_profiles()
        .into_iter()
        .find(|p| p.name == "demo")
        .expect("the demo profile is built in");
    profile.base_url = mock.base_url();
    Ok(Demo {
        mock,
        profile,
        key_path,
    })
}

/// The example requests, saved once in the `demo` collection (never overwritten, so the
/// user's edits stay).
pub fn examples() -> Vec<Request> {
    let company = crate::catalog::Catalog::builtin()
        .find("POST", "/company")
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
    let store = CollectionStore::open_default();
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
