//! The workbench. One state struct per pane, one `Message` enum, a pure `update`,
//! a side-effect-free `draw`; network work in tokio tasks and file work on the blocking
//! pool, all reporting on one channel that feeds the event loop (`runtime`). The stores are
//! given once, at start (`stores::Stores`); the key bindings are one table (`keymap`).

pub mod app;
pub mod body;
pub mod clock;
pub mod confirm;
pub mod errors;
pub mod feed_tab;
pub mod header;
pub mod help;
pub mod inspector;
pub mod json;
pub mod keymap;
pub mod layout;
pub mod lint_view;
pub mod markers;
pub mod net;
pub mod onboarding;
pub mod profiles;
pub mod response;
pub mod runtime;
pub mod scenario_pane;
pub mod scenario_run;
pub mod session;
pub mod sidebar;
pub mod sign_worker;
pub mod signature;
pub mod status;
pub mod store_io;
pub mod stores;
pub mod target;
pub mod template;
pub mod terminal;
pub mod theme;
pub mod ui;
pub mod update;
pub mod url_field;
pub mod widgets;

use crate::store::Profile;
use clock::{SharedClock, SystemClock};
use session::Session;
use std::sync::Arc;

/// How the workbench opens: with which profile, on which runtime, saying what first.
pub struct Launch {
    pub profile: Profile,
    pub rt: tokio::runtime::Handle,
    pub clock: SharedClock,
    /// Shown in the status bar at start.
    pub welcome: Option<String>,
    /// Pre-filled request: method, URL, body.
    pub request: Option<(String, String, Vec<u8>)>,
    /// Nothing is set up: offer the demo, a new key, or existing files.
    pub first_run: bool,
    /// The profile was made for this run (the demo's, pointing at its mock) rather than read
    /// from the config: switching back to it uses it as it is. Otherwise every switch
    /// re-reads the config, so a profile first-run set-up or `xsign profile` wrote applies.
    pub pinned: bool,
    /// The files the workbench reads and writes.
    pub stores: stores::Stores,
    /// The palette ([`theme::choose`] picks it from the flag, `NO_COLOR` and the config).
    pub theme: theme::Theme,
    /// The global key bindings ([`keymap::configured`] applies the config's).
    pub keymap: keymap::Keymap,
}

/// The workbench before the loop: its first state, the runtime that performs its effects,
/// and the channel they report on. [`open`] runs it on the terminal; tests on a test host.
pub struct Started {
    pub app: app::App,
    pub runtime: runtime::Runtime,
    pub rx: std::sync::mpsc::Receiver<app::Message>,
}

/// Sets up the workbench for `launch` with `session` (made from `launch.profile`) at `size`.
pub fn start(launch: Launch, session: Arc<Session>, size: (u16, u16)) -> Started {
    let mut app = app::App::new(session.view.clone(), size, launch.clock.now());
    app.theme = launch.theme;
    app.keymap = launch.keymap;
    if let Some((method, url, body)) = &launch.request {
        app.set_method(method);
        app.url.set(url);
        app.body.set_text(&String::from_utf8_lossy(body));
    }
    if let Some(w) = launch.welcome {
        app.notify(app::Level::Info, w);
    } else if let Some(p) = session.view.problems.first() {
        app.notify(app::Level::Error, p.clone());
    }
    if launch.first_run {
        app.onboarding = Some(onboarding::Onboarding::default());
    }
    let (tx, rx) = runtime::channel();
    let mut runtime = runtime::Runtime::new(session, launch.rt, tx, launch.stores);
    runtime.follow_history();
    if launch.pinned {
        runtime.launch_profile = Some(launch.profile);
    }
    Started { app, runtime, rx }
}

/// The theme and key bindings the config asks for (the flag first for the theme), and
/// what in the config's `workbench` could not apply, for the first status line.
pub fn look(
    theme_flag: Option<theme::Theme>,
    config: &crate::store::Config,
) -> (theme::Theme, keymap::Keymap, Option<String>) {
    let (theme, theme_problem) = theme::chosen(theme_flag, config);
    let (keymap, key_problems) = keymap::configured(config);
    let mut problems: Vec<String> = theme_problem.into_iter().collect();
    problems.extend(key_problems);
    if problems.len() > 1 {
        problems.truncate(1);
        problems[0]
            .push_str(" (and more in the config's workbench section: `xsign keys` lists them)");
    }
    (theme, keymap, problems.pop())
}

/// `xsign` with no command: the workbench with the profile chosen on the command line (or
/// the config's default). Returns what first-run set-up asked to do next, for the caller
/// to do once the terminal is restored.
pub fn run(
    chosen: Option<&str>,
    theme_flag: Option<theme::Theme>,
    stores: stores::Stores,
) -> anyhow::Result<Option<app::Next>> {
    let loaded = stores.config.load()?;
    for w in loaded.warnings() {
        eprintln!("{}", crate::visible::visible(&w));
    }
    let config = loaded.value;
    let name = config.selected_name(chosen);
    let profile = config.profile(&name).ok_or_else(|| {
        anyhow::anyhow!(
            "no profile named `{name}`: see `xsign profile list`, or add it with `xsign profile add {name} --base-url URL`"
        )
    })?;
    // First run: nothing configured and the default profile cannot sign or send.
    let first_run = chosen.is_none()
        && config.profiles.is_empty()
        && config.default_profile.is_none()
        && crate::store::config::resolve_profile(&profile).is_err();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let (theme, keymap, look_problems) = look(theme_flag, &config);
    let next = open(Launch {
        profile,
        rt: rt.handle().clone(),
        clock: SystemClock::shared(),
        welcome: look_problems,
        theme,
        keymap,
        request: None,
        first_run,
        pinned: false,
        stores,
    })?;
    drop(rt);
    Ok(next)
}

/// Opens the workbench and runs it until the user quits. The terminal is restored on every
/// way out, panics included. Returns what first-run set-up asked to do next.
pub fn open(launch: Launch) -> anyhow::Result<Option<app::Next>> {
    // Before raw mode: loading the key may ask for its passphrase.
    let session = Arc::new(Session::from_profile(
        &launch.profile,
        launch.clock.clone(),
        &launch.stores,
    ));
    let mut guard = terminal::Guard::new()?;
    let size = guard.terminal.size()?;
    let Started {
        mut app,
        runtime: mut rt,
        rx,
    } = start(launch, session, (size.width, size.height));
    let input = runtime::Input::spawn(rt.tx.clone());
    runtime::signals::watch(&rt.rt, rt.tx.clone());
    let mut host = runtime::TerminalHost {
        guard: &mut guard,
        input,
        scratch_dir: rt.stores.scratch_dir.clone(),
    };
    let result = runtime::run_loop(&mut host, &mut app, &mut rt, &rx);
    drop(guard);
    result?;
    Ok(app.next)
}
