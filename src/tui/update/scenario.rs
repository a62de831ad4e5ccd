//! Scenarios in the workbench: run one picked in the library (the runtime runs it through
//! `flow`), follow its steps, open a step's exchange in the inspector, run again, stop.

use crate::tui::app::{App, Effect, Focus, Level, Tab};
use crate::tui::layout;
use crate::tui::scenario_pane::{ScenarioItem, ScenarioKey, ScenarioMessage};
use crate::tui::sidebar::LibraryTab;
use crossterm::event::KeyEvent;

impl App {
    /// Runs `item` (stopping a run still going), and shows its steps.
    pub(super) fn run_scenario(&mut self, item: &ScenarioItem, fx: &mut Vec<Effect>) {
        if let Some(problem) = &item.problem {
            return self.notify(Level::Error, problem.clone());
        }
        if let Some(old) = self.scenario.stop() {
            fx.push(Effect::StopScenario(old));
        }
        let id = self.next_id;
        self.next_id += 1;
        self.scenario.start(id, item);
        fx.push(Effect::RunScenario {
            id,
            source: item.source.clone(),
        });
        self.stop_typing();
        // Narrow terminals have no room for the library beside the steps.
        if self.size.0 < layout::WIDE {
            self.library.visible = false;
        }
        self.library.return_focus = None;
        self.tab = Tab::Request;
        self.focus = Focus::Scenario;
        self.zoom = false;
        self.notify(
            Level::Info,
            format!(
                "running {} against {}: Enter on a finished step opens its exchange",
                item.name, self.profile.name
            ),
        );
    }

    /// F8: into the scenario pane, or back out of it.
    pub(super) fn toggle_scenario(&mut self, fx: &mut Vec<Effect>) {
        self.stop_typing();
        // From the Feed tab too: the pane is the Request tab's.
        self.tab = Tab::Request;
        if self.focus == Focus::Scenario {
            self.focus = Focus::Body;
            return;
        }
        if self.scenario.run.is_some() {
            self.focus = Focus::Scenario;
            self.zoom = false;
            return;
        }
        // Nothing run yet: the library's scenarios, to pick one.
        self.library.tab = LibraryTab::Scenarios;
        self.library.selected = 0;
        if !(self.library.visible && self.focus == Focus::Sidebar) {
            self.toggle_library(fx);
        }
        self.notify(Level::Info, "pick a scenario: Enter runs it");
    }

    pub(super) fn on_scenario_key(&mut self, key: KeyEvent, fx: &mut Vec<Effect>) {
        match self.scenario.key(key) {
            ScenarioKey::None => {}
            ScenarioKey::Notice(n) => self.notify(Level::Info, n),
            ScenarioKey::NoRun => {
                let text = format!(
                    "no scenario yet: {}, c lists them, Enter runs one",
                    self.keymap.name(crate::tui::keymap::Command::Library)
                );
                self.notify(Level::Info, text);
            }
            ScenarioKey::Open(id) => {
                self.scenario.opened = Some(id);
                fx.push(Effect::InspectHistoryId(id));
            }
            ScenarioKey::Rerun => {
                let Some(run) = &self.scenario.run else {
                    return;
                };
                let item = ScenarioItem {
                    name: run.name.clone(),
                    source: run.source.clone(),
                    steps: run.steps.len(),
                    problem: None,
                };
                self.run_scenario(&item, fx);
            }
            ScenarioKey::Stop => match self.scenario.stop() {
                Some(id) => {
                    fx.push(Effect::StopScenario(id));
                    self.notify(Level::Warn, "scenario stopped: r runs it again");
                }
                None => self.notify(Level::Info, "the scenario is not running"),
            },
            ScenarioKey::Leave => self.focus = Focus::Body,
        }
    }

    pub(super) fn on_scenario_message(&mut self, m: ScenarioMessage) {
        let now = self.now.mono_ms;
        let done = matches!(
            m,
            ScenarioMessage::Done { .. } | ScenarioMessage::Failed { .. }
        );
        self.scenario.apply(m, now);
        if done
            && let Some(run) = &self.scenario.run
            && !run.is_running()
        {
            let failed = run.count(crate::scenario::Outcome::Failed);
            match &run.state {
                crate::tui::scenario_pane::RunState::Failed(e) => {
                    self.notify(Level::Error, e.clone());
                }
                _ if failed > 0 => self.notify(
                    Level::Error,
                    format!("{}: {failed} step(s) failed", run.name),
                ),
                _ => self.notify(Level::Ok, format!("{}: every step passed", run.name)),
            }
        }
    }
}
