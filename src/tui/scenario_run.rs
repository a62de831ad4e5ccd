//! A scenario run for the workbench, in a task of the runtime: the scenarios of the
//! library listed, a file loaded, the session turned into the runner's target, and the
//! one runner (`flow::run`) reporting each step as a `Message`. Nothing here touches the
//! app state.

use super::app::Message;
use super::scenario_pane::{ScenarioItem, ScenarioMessage, ScenarioSource};
use super::session::Session;
use crate::flow::{self, Event, Options, Target};
use crate::http::{Credentials, Origin};
use crate::scenario::{SHIPPED, Scenario, ScenarioError};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::Sender;

/// Reads a scenario from where the library found it.
pub fn load(source: &ScenarioSource) -> Result<Scenario, ScenarioError> {
    match source {
        ScenarioSource::Shipped(name) => crate::scenario::shipped(name).unwrap_or_else(|| {
            Err(ScenarioError::Read {
                path: PathBuf::from(source.label()),
                reason: "no such shipped scenario".into(),
            })
        }),
        ScenarioSource::File(p) => Scenario::load(p),
    }
}

fn item(source: ScenarioSource) -> ScenarioItem {
    match load(&source) {
        Ok(s) => ScenarioItem {
            name: s.name.clone(),
            steps: s.steps.len(),
            source,
            problem: None,
        },
        Err(e) => ScenarioItem {
            name: match &source {
                ScenarioSource::File(p) => p
                    .file_stem()
                    .map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into()),
                ScenarioSource::Shipped(n) => n.clone(),
            },
            steps: 0,
            source,
            problem: Some(e.to_string()),
        },
    }
}

/// The shipped scenarios, then each of `paths`: a folder's `*.toml` (by name), or a file.
/// A folder that does not exist is no error (`./scenarios` is optional).
pub fn list(paths: &[PathBuf]) -> Vec<ScenarioItem> {
    let mut items: Vec<ScenarioItem> = SHIPPED
        .iter()
        .map(|(name, _)| item(ScenarioSource::Shipped((*name).to_string())))
        .collect();
    for p in paths {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|f| f.extension().is_some_and(|x| x == "toml") && f.is_file())
                .collect();
            files.sort();
            items.extend(files.into_iter().map(|f| item(ScenarioSource::File(f))));
        } else if p.exists() || p.extension().is_some_and(|x| x == "toml") {
            // A file given by name that is missing is listed with why it cannot run.
            items.push(item(ScenarioSource::File(p.clone())));
        }
    }
    items
}

/// Where the steps go, as the session signs and sends: its base URL, key or secret, API
/// key, mode, headers and history.
pub fn target(session: &Session) -> Result<Target, String> {
    let problem = || {
        session
            .view
            .problems
            .first()
            .cloned()
            .unwrap_or_else(|| "the profile has no API key".into())
    };
    let api_key = session.api_key.clone().ok_or_else(problem)?;
    let signer = if session.view.signing {
        Some(session.request_signer().ok_or_else(problem)?)
    } else {
        None
    };
    Ok(Target {
        base_url: session.view.base_url.clone(),
        credentials: Credentials {
            api_key,
            signer,
            mode: session.view.mode,
        },
        public_key: session.signer.as_ref().map(|s| s.key().public_key()),
        key_source: format!("the {} profile's key", session.view.name),
        nonce_dir: session.nonces.dir().to_path_buf(),
        headers: session.headers.clone(),
        timeout: session.timeout,
        origin: Origin {
            profile: session.view.name.clone(),
            key_path: session.key_path.clone(),
            source: None,
        },
        profile_vars: session.view.vars.clone(),
        cli_vars: BTreeMap::new(),
    })
}

/// Runs scenario `source` as run `id`, each step through `http::execute` (recorded in the
/// session's history), reporting on `tx`.
pub async fn run(
    session: Arc<Session>,
    client: reqwest::Client,
    id: u64,
    source: ScenarioSource,
    tx: Sender<Message>,
) {
    let say = |m: ScenarioMessage| {
        let _ = tx.send(Message::Scenario(m));
    };
    let file = source.label();
    let loaded = tokio::task::spawn_blocking(move || load(&source))
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r.map_err(|e| e.to_string()));
    let scenario = match loaded {
        Ok(s) => s,
        Err(error) => return say(ScenarioMessage::Failed { run: id, error }),
    };
    let target = match target(&session) {
        Ok(t) => t,
        Err(e) => {
            return say(ScenarioMessage::Failed {
                run: id,
                error: format!("cannot run with profile {}: {e}", session.view.name),
            });
        }
    };
    say(ScenarioMessage::Loaded {
        run: id,
        name: scenario.name.clone(),
        file: file.clone(),
        steps: scenario
            .steps
            .iter()
            .map(|s| (s.name.clone(), flow::what(s)))
            .collect(),
    });
    let events = tx.clone();
    let mut on_event = move |e: Event| {
        let m = match e {
            Event::Started { index, .. } => ScenarioMessage::Started { run: id, index },
            Event::Finished { index, step } => ScenarioMessage::Finished {
                run: id,
                index,
                step: Box::new(step),
            },
        };
        let _ = events.send(Message::Scenario(m));
    };
    let report = flow::run(
        &scenario,
        &file,
        &target,
        &client,
        &session.history,
        Options::default(),
        &mut on_event,
    )
    .await;
    say(ScenarioMessage::Done {
        run: id,
        elapsed_ms: report.elapsed_ms,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_the_shipped_then_a_folder_then_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let good = "name = \"mine\"\n[[step]]\nname = \"a\"\nmethod = \"GET\"\nurl = \"/assets\"\n";
        std::fs::write(dir.path().join("b.toml"), good).unwrap();
        std::fs::write(dir.path().join("a.toml"), "not toml [").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
        let missing = dir.path().join("gone.toml");
        let items = list(&[dir.path().to_path_buf(), missing, PathBuf::from("nowhere")]);
        let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["custody", "tampered", "a", "mine", "gone"]);
        assert!(items[0].problem.is_none() && items[0].steps > 5);
        assert!(
            items[2]
                .problem
                .as_deref()
                .unwrap()
                .contains("not a valid scenario")
        );
        assert!(items[4].problem.as_deref().unwrap().contains("cannot read"));
    }
}
