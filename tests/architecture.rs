//! The layers of `src/` hold: ground and core modules import no edge and none of the
//! network or terminal crates, and no top-level module depends on itself through others.
//! Reads the source as text, so a forbidden `crate::` edge is named with its file and line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Plain data and pure functions, imported by everything.
const GROUND: &[&str] = &[
    "signing",
    "time",
    "secret",
    "atomic_file",
    "input_file",
    "visible",
    "paths",
    "catalog",
];
/// The domain: still no terminal and no sockets.
const CORE: &[&str] = &[
    "lint",
    "diagnose",
    "store",
    "curl",
    "credentials",
    "scenario",
    "openapi",
];
/// The world: network, terminal, processes.
const EDGES: &[&str] = &["http", "feed", "flow", "mock", "proxy", "cli", "tui"];
/// Crates that mean sockets, an async runtime or a terminal: edges only.
const EDGE_CRATES: &[&str] = &[
    "reqwest",
    "tokio",
    "tokio_tungstenite",
    "axum",
    "hyper",
    "hyper_util",
    "ratatui",
    "crossterm",
];

/// One `crate::module` (or edge crate) use: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Use {
    file: PathBuf,
    line: usize,
    target: String,
}

/// The top-level module a file under `src/` belongs to (`src/diagnose/url.rs` → `diagnose`);
/// `None` for `lib.rs` and `main.rs`.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "lib" | "main")).then(|| name.to_string())
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The code of a line without its `//` comment (strings holding `//` are rare enough in
/// import lines not to matter).
fn code(line: &str) -> &str {
    match line.find("//") {
        Some(i) => &line[..i],
        None => line,
    }
}

fn ident_at(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// The top-level names a `{…}` group after `crate::` starts with: `{http::X, lint}` →
/// `http`, `lint`. `text` starts just after the `{`, and may run over several lines.
fn group_heads(text: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut expect = true;
    for (i, c) in text.char_indices() {
        match c {
            '{' => {
                depth += 1;
                expect = false;
            }
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => expect = true,
            c if expect && (c.is_ascii_alphabetic() || c == '_') => {
                heads.push(ident_at(&text[i..]).to_string());
                expect = false;
            }
            _ => {}
        }
    }
    heads
}

/// Every `crate::X` reference and every edge crate named in the files, per module.
fn scan(src: &Path) -> BTreeMap<String, Vec<Use>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut uses: BTreeMap<String, Vec<Use>> = BTreeMap::new();
    for file in files {
        let Some(module) = module_of(src, &file) else {
            continue;
        };
        // Named as from the crate's root, so a message reads `src/lint/mod.rs:3`.
        let rel = Path::new("src").join(file.strip_prefix(src).unwrap());
        let text = std::fs::read_to_string(&file).unwrap();
        let lines: Vec<&str> = text.lines().map(code).collect();
        let found = uses.entry(module.clone()).or_default();
        for (n, line) in lines.iter().enumerate() {
            let mut push = |target: String| {
                found.push(Use {
                    file: rel.clone(),
                    line: n + 1,
                    target,
                })
            };
            let mut rest = *line;
            while let Some(i) = rest.find("crate::") {
                let before = rest[..i].chars().last();
                let after = &rest[i + "crate::".len()..];
                rest = after;
                // `xsign_crate::` or `$crate::` is not this crate's path.
                if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
                    continue;
                }
                if let Some(group) = after.strip_prefix('{') {
                    let joined = std::iter::once(group)
                        .chain(lines[n + 1..].iter().copied())
                        .collect::<Vec<_>>()
                        .join("\n");
                    for head in group_heads(&joined) {
                        push(head);
                    }
                } else {
                    push(ident_at(after).to_string());
                }
            }
            for krate in EDGE_CRATES {
                let named = line.match_indices(krate).any(|(i, _)| {
                    let before = line[..i].chars().last();
                    let after = &line[i + krate.len()..];
                    !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
                        && (after.starts_with("::")
                            || (line.trim_start().starts_with("use ") && after.starts_with(';')))
                });
                if named {
                    push(format!("extern:{krate}"));
                }
            }
        }
        found.retain(|u| u.target != module && u.target != "self");
    }
    uses
}

fn layer(module: &str) -> Option<usize> {
    [GROUND, CORE, EDGES]
        .iter()
        .position(|l| l.contains(&module))
}

/// Every import that breaks the layering, as `file:line: message`.
fn forbidden(uses: &BTreeMap<String, Vec<Use>>) -> Vec<String> {
    let mut out = Vec::new();
    for (module, list) in uses {
        let Some(own) = layer(module) else {
            out.push(format!(
                "src/{module}: a top-level module in no layer: add it to GROUND, CORE or EDGES in tests/architecture.rs"
            ));
            continue;
        };
        for u in list {
            let at = format!("{}:{}", u.file.display(), u.line);
            if let Some(krate) = u.target.strip_prefix("extern:") {
                if own < 2 {
                    out.push(format!(
                        "{at}: `{module}` is {} but uses `{krate}`: sockets, runtimes and terminals belong in an edge",
                        ["ground", "core"][own]
                    ));
                }
                continue;
            }
            match layer(&u.target) {
                Some(theirs) if theirs > own => out.push(format!(
                    "{at}: `{module}` ({}) imports `crate::{}` ({}): move what it needs down a layer",
                    ["ground", "core", "edge"][own],
                    u.target,
                    ["ground", "core", "edge"][theirs],
                )),
                _ => {}
            }
        }
    }
    out
}

/// Every cycle among top-level modules, each as `a -> b (file:line) -> … -> a`.
fn cycles(uses: &BTreeMap<String, Vec<Use>>) -> Vec<String> {
    let modules: BTreeSet<&str> = uses.keys().map(String::as_str).collect();
    let mut graph: BTreeMap<&str, BTreeMap<&str, &Use>> = BTreeMap::new();
    for (module, list) in uses {
        for u in list {
            if modules.contains(u.target.as_str()) {
                graph
                    .entry(module.as_str())
                    .or_default()
                    .entry(u.target.as_str())
                    .or_insert(u);
            }
        }
    }
    let mut found = BTreeSet::new();
    // Small graph: a depth-first search from every module finds each cycle.
    fn walk<'a>(
        at: &'a str,
        path: &mut Vec<&'a str>,
        graph: &BTreeMap<&'a str, BTreeMap<&'a str, &'a Use>>,
        found: &mut BTreeSet<String>,
    ) {
        for (&next, _) in graph.get(at).into_iter().flatten() {
            if let Some(start) = path.iter().position(|m| *m == next) {
                let mut cycle: Vec<&str> = path[start..].to_vec();
                // The same cycle from another start is one cycle: rotate to its least name.
                let least = (0..cycle.len()).min_by_key(|&i| cycle[i]).unwrap();
                cycle.rotate_left(least);
                let mut text = String::new();
                for (i, m) in cycle.iter().enumerate() {
                    let to = cycle[(i + 1) % cycle.len()];
                    let edge = graph[m][to];
                    text.push_str(&format!("{m} -> ({}:{}) ", edge.file.display(), edge.line));
                }
                text.push_str(cycle[0]);
                found.insert(text);
            } else if path.len() < 32 {
                path.push(next);
                walk(next, path, graph, found);
                path.pop();
            }
        }
    }
    for &m in &modules {
        walk(m, &mut vec![m], &graph, &mut found);
    }
    found.into_iter().collect()
}

#[test]
fn layers_hold_and_no_module_cycles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let uses = scan(&src);
    let mut problems = forbidden(&uses);
    problems.extend(
        cycles(&uses)
            .into_iter()
            .map(|c| format!("module cycle: {c}")),
    );
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

#[test]
fn no_file_under_src_is_over_500_lines() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            (n > 500).then(|| format!("{}: {n} lines", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these by job:\n{}", long.join("\n"));
}

/// The checker itself: on a made-up tree it names a forbidden edge, an edge crate in the
/// core, and a cycle, each with its file and line.
#[test]
fn the_checker_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    let write = |path: &str, text: &str| {
        let p = src.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write("lib.rs", "pub mod lint;\n");
    write(
        "lint/mod.rs",
        "//! lint\nuse crate::signing::Payload;\nuse crate::{\n    time,\n    http::Ticket,\n};\n",
    );
    write(
        "store/mod.rs",
        "fn f() { let _ = reqwest::Client::new(); }\n",
    );
    write(
        "signing/mod.rs",
        "// crate::tui is only a comment\nuse crate::time;\n",
    );
    write("time.rs", "use crate::signing::Payload;\n");
    write("http/mod.rs", "use crate::cli::Context;\n");
    write("cli/mod.rs", "pub fn f() { crate::http::send(); }\n");
    let uses = scan(src);
    let problems = forbidden(&uses);
    let (lint, store) = ("src/lint/mod.rs", "src/store/mod.rs");
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with(&format!("{lint}:3:")) && p.contains("`crate::http`")),
        "{problems:#?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with(&format!("{store}:1:")) && p.contains("`reqwest`")),
        "{problems:#?}"
    );
    assert!(
        !problems.iter().any(|p| p.contains("crate::tui")),
        "{problems:#?}"
    );
    assert_eq!(problems.len(), 2, "{problems:#?}");
    let cycles = cycles(&uses);
    assert_eq!(cycles.len(), 2, "{cycles:#?}");
    assert!(
        cycles.iter().any(|c| c.starts_with("cli -> (")
            && c.contains("cli/mod.rs:1")
            && c.contains("http/mod.rs:1")),
        "{cycles:#?}"
    );
    assert!(
        cycles
            .iter()
            .any(|c| c.starts_with("signing -> (") && c.contains("time.rs:1")),
        "{cycles:#?}"
    );
}
