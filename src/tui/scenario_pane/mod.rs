//! The scenario pane: a scenario picked in the library, run by the one runner (`flow`, in
//! a task of the runtime), its steps ticking as the runner reports them. The state and the
//! messages that change it; keys in `keys.rs`, drawing in `view.rs`.

mod keys;
mod view;

pub use keys::ScenarioKey;
pub use view::render;

use crate::scenario::{Outcome, StepReport};
use std::path::PathBuf;

/// Where a scenario in the library comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScenarioSource {
    /// Built in from `assets/scenarios/` (its file name).
    Shipped(String),
    /// A file: in `./scenarios/`, or given with `xsign --scenario FILE`.
    File(PathBuf),
}

impl ScenarioSource {
    /// As the library and the reports name it.
    pub fn label(&self) -> String {
        match self {
            ScenarioSource::Shipped(name) => format!("assets/scenarios/{name}"),
            ScenarioSource::File(p) => p.display().to_string(),
        }
    }
}

/// One scenario of the library's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioItem {
    pub name: String,
    pub source: ScenarioSource,
    pub steps: usize,
    /// Why it cannot run (it does not parse), said in the list.
    pub problem: Option<String>,
}

/// What the runtime reports about a run (`run` is the id the app gave it).
#[derive(Debug, Clone)]
pub enum ScenarioMessage {
    /// The file was read: its steps (name, what each does), all still to run.
    Loaded {
        run: u64,
        name: String,
        file: String,
        steps: Vec<(String, String)>,
    },
    Started {
        run: u64,
        index: usize,
    },
    Finished {
        run: u64,
        index: usize,
        step: Box<StepReport>,
    },
    Done {
        run: u64,
        elapsed_ms: u64,
    },
    /// It could not start: the file, or a profile that cannot sign.
    Failed {
        run: u64,
        error: String,
    },
}

#[derive(Debug, Clone)]
pub enum StepState {
    Pending,
    /// Since this monotonic ms (the spinner and the time shown follow it).
    Running(u64),
    Done(Box<StepReport>),
}

#[derive(Debug, Clone)]
pub struct StepRow {
    pub name: String,
    pub what: String,
    pub state: StepState,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunState {
    Loading,
    Running,
    Done { elapsed_ms: u64 },
    Failed(String),
    Stopped,
}

/// One run: what it runs and how far it is.
#[derive(Debug, Clone)]
pub struct Run {
    pub id: u64,
    pub name: String,
    pub file: String,
    pub source: ScenarioSource,
    pub steps: Vec<StepRow>,
    pub state: RunState,
}

impl Run {
    pub fn new(id: u64, item: &ScenarioItem) -> Run {
        Run {
            id,
            name: item.name.clone(),
            file: item.source.label(),
            source: item.source.clone(),
            steps: Vec::new(),
            state: RunState::Loading,
        }
    }

    pub fn is_running(&self) -> bool {
        matches!(self.state, RunState::Loading | RunState::Running)
    }

    pub fn count(&self, outcome: Outcome) -> usize {
        self.steps
            .iter()
            .filter(|s| matches!(&s.state, StepState::Done(r) if r.outcome == outcome))
            .count()
    }

    /// The report of step `i`, once it finished.
    pub fn report(&self, i: usize) -> Option<&StepReport> {
        match &self.steps.get(i)?.state {
            StepState::Done(r) => Some(r),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ScenarioPane {
    pub run: Option<Run>,
    pub selected: usize,
    /// Whether the selection follows the running step (until the user moves it).
    pub follow: bool,
    /// The history entry Enter asked the inspector for: its answer says where it is from.
    pub opened: Option<u64>,
}

impl ScenarioPane {
    pub fn is_running(&self) -> bool {
        self.run.as_ref().is_some_and(Run::is_running)
    }

    /// A new run of `item`, replacing the last one.
    pub fn start(&mut self, id: u64, item: &ScenarioItem) {
        self.run = Some(Run::new(id, item));
        self.selected = 0;
        self.follow = true;
    }

    /// Applies what the runtime reported at monotonic time `now_ms`; a message of an
    /// older run (stopped, replaced) is ignored.
    pub fn apply(&mut self, msg: ScenarioMessage, now_ms: u64) {
        let id = match &msg {
            ScenarioMessage::Loaded { run, .. }
            | ScenarioMessage::Started { run, .. }
            | ScenarioMessage::Finished { run, .. }
            | ScenarioMessage::Done { run, .. }
            | ScenarioMessage::Failed { run, .. } => *run,
        };
        let Some(run) = self.run.as_mut().filter(|r| r.id == id && r.is_running()) else {
            return;
        };
        match msg {
            ScenarioMessage::Loaded {
                name, file, steps, ..
            } => {
                run.name = name;
                run.file = file;
                run.steps = steps
                    .into_iter()
                    .map(|(name, what)| StepRow {
                        name,
                        what,
                        state: StepState::Pending,
                    })
                    .collect();
                run.state = RunState::Running;
            }
            ScenarioMessage::Started { index, .. } => {
                if let Some(s) = run.steps.get_mut(index) {
                    s.state = StepState::Running(now_ms);
                }
                if self.follow {
                    self.selected = index;
                }
            }
            ScenarioMessage::Finished { index, step, .. } => {
                if let Some(s) = run.steps.get_mut(index) {
                    s.state = StepState::Done(step);
                }
            }
            ScenarioMessage::Done { elapsed_ms, .. } => {
                run.state = RunState::Done { elapsed_ms };
                // The first failure is what a reader wants to see.
                if self.follow
                    && let Some(i) = run.steps.iter().position(
                        |s| matches!(&s.state, StepState::Done(r) if r.outcome == Outcome::Failed),
                    )
                {
                    self.selected = i;
                }
            }
            ScenarioMessage::Failed { error, .. } => run.state = RunState::Failed(error),
        }
    }

    /// Stops the run in the pane; the id for the runtime to abort, when one was running.
    pub fn stop(&mut self) -> Option<u64> {
        let run = self.run.as_mut().filter(|r| r.is_running())?;
        run.state = RunState::Stopped;
        for s in &mut run.steps {
            if matches!(s.state, StepState::Running(_)) {
                s.state = StepState::Pending;
            }
        }
        Some(run.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item() -> ScenarioItem {
        ScenarioItem {
            name: "custody".into(),
            source: ScenarioSource::Shipped("custody.toml".into()),
            steps: 2,
            problem: None,
        }
    }

    #[test]
    fn steps_tick_and_an_old_run_is_ignored() {
        let mut p = ScenarioPane::default();
        p.start(7, &item());
        let loaded = |run| ScenarioMessage::Loaded {
            run,
            name: "custody".into(),
            file: "f".into(),
            steps: vec![("a".into(), "GET /a".into()), ("b".into(), "GET /b".into())],
        };
        p.apply(loaded(6), 0);
        assert!(p.run.as_ref().unwrap().steps.is_empty());
        p.apply(loaded(7), 0);
        p.apply(ScenarioMessage::Started { run: 7, index: 1 }, 50);
        let run = p.run.as_ref().unwrap();
        assert!(matches!(run.steps[1].state, StepState::Running(50)));
        assert_eq!(p.selected, 1);
        let mut failed = StepReport::new("b", "GET /b".into());
        failed.outcome = Outcome::Failed;
        p.apply(
            ScenarioMessage::Finished {
                run: 7,
                index: 1,
                step: Box::new(failed),
            },
            60,
        );
        p.apply(
            ScenarioMessage::Done {
                run: 7,
                elapsed_ms: 9,
            },
            70,
        );
        let run = p.run.as_ref().unwrap();
        assert_eq!(run.count(Outcome::Failed), 1);
        assert_eq!(run.state, RunState::Done { elapsed_ms: 9 });
        assert!(!p.is_running());
        assert_eq!(p.stop(), None);
    }
}
