//! The scenarios shipped in `assets/scenarios/`, built into the binary so the workbench
//! lists them wherever it runs (an installed `xsign` has no checkout beside it).

/// (file name, text) of each shipped scenario.
pub const SHIPPED: &[(&str, &str)] = &[
    (
        "custody.toml",
        include_str!("../../assets/scenarios/custody.toml"),
    ),
    (
        "tampered.toml",
        include_str!("../../assets/scenarios/tampered.toml"),
    ),
];

/// The shipped scenario named `file`, parsed; its path reads `assets/scenarios/FILE`.
pub fn shipped(file: &str) -> Option<Result<super::Scenario, super::ScenarioError>> {
    let (name, text) = SHIPPED.iter().find(|(n, _)| *n == file)?;
    let path = std::path::PathBuf::from("assets/scenarios").join(name);
    Some(super::Scenario::parse(text, &path))
}
