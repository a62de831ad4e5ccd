use super::*;
use std::collections::BTreeMap;
use std::path::Path;

struct Fixed;
impl Builtins for Fixed {
    fn uuid(&mut self) -> String {
        "00000000-0000-4000-8000-000000000000".into()
    }
    fn now(&mut self) -> i64 {
        1_700_000_000
    }
    fn random_int(&mut self) -> u64 {
        42
    }
    fn env(&mut self, name: &str) -> Option<String> {
        (name == "HOME").then(|| "/home/x".into())
    }
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn renders_layers_in_order_builtins_and_literals() {
    let step = map(&[("a", "step")]);
    let captures = map(&[("a", "capture"), ("b", "capture")]);
    let vars = Vars::new(vec![&step, &captures]);
    let out = render(
        "{{a}} {{ b }} {{uuid}} {{now}} {{random_int}} {{env.HOME}} {{{{a}} }}",
        &vars,
        &mut Fixed,
        "s",
    )
    .unwrap();
    assert_eq!(
        out,
        "step capture 00000000-0000-4000-8000-000000000000 1700000000 42 /home/x {{a}} }}"
    );
}

/// The issue's order: step values, captures, `[vars]`, the profile's, `--var`; each
/// name is taken from the first layer that has it, and a layer below shows only where
/// every layer above lacks the name.
#[test]
fn the_chain_is_step_captures_scenario_profile_cli() {
    let step = map(&[("a", "step")]);
    let captures = map(&[("a", "capture"), ("b", "capture")]);
    let scenario = map(&[("a", "scen"), ("b", "scen"), ("c", "scen")]);
    let profile = map(&[("a", "prof"), ("c", "prof"), ("d", "prof"), ("now", "1")]);
    let cli = map(&[("a", "cli"), ("d", "cli"), ("e", "cli")]);
    let vars = chain(&step, &captures, &scenario, &profile, &cli);
    let out = render(
        "{{a}} {{b}} {{c}} {{d}} {{e}} {{now}}",
        &vars,
        &mut Fixed,
        "s",
    )
    .unwrap();
    assert_eq!(out, "step capture scen prof cli 1");
    let empty = BTreeMap::new();
    let vars = chain(&empty, &empty, &empty, &profile, &cli);
    assert_eq!(
        render("{{a}} {{e}}", &vars, &mut Fixed, "s").unwrap(),
        "prof cli"
    );
}

#[test]
fn renders_nested_json_and_unicode_byte_for_byte() {
    let v = map(&[
        ("wallet", r#"{"id":"w1","tags":["é"]}"#),
        ("name", "Zürich ☃"),
    ]);
    let vars = Vars::new(vec![&v]);
    let out = render_bytes(
        r#"{"name":"{{name}}","wallet":{{wallet}},"k":"日本"}"#,
        &vars,
        &mut Fixed,
        "s",
    )
    .unwrap();
    assert_eq!(
        out,
        r#"{"name":"Zürich ☃","wallet":{"id":"w1","tags":["é"]},"k":"日本"}"#.as_bytes()
    );
    let parsed: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(parsed["wallet"]["tags"][0], "é");
}

#[test]
fn a_missing_variable_names_itself_and_the_step() {
    let err = render(
        "/company/{{company_id}}",
        &Vars::default(),
        &mut Fixed,
        "get it",
    )
    .unwrap_err();
    assert_eq!(
        err,
        RenderError::Missing {
            step: "get it".into(),
            name: "company_id".into()
        }
    );
    let text = err.to_string();
    assert!(
        text.contains("company_id") && text.contains("get it"),
        "{text}"
    );
    assert!(matches!(
        render("{{env.NOPE}}", &Vars::default(), &mut Fixed, "s"),
        Err(RenderError::MissingEnv { .. })
    ));
    assert!(matches!(
        render("a {{b", &Vars::default(), &mut Fixed, "s"),
        Err(RenderError::Unclosed { at: 2, .. })
    ));
    assert!(matches!(
        render("{{a b}}", &Vars::default(), &mut Fixed, "s"),
        Err(RenderError::BadName { .. })
    ));
}

const FLOW: &str = r#"
name = "flow"
[vars]
x = "1"

[[step]]
name = "one"
method = "GET"
url = "/assets"
expect = { status = 200, json = { "$.count" = 2 }, exists = ["$.list"], matches = { "$.id" = "^a+$" }, headers = { "Content-Type" = "application/json" }, max_ms = 100 }
capture = { first = "$.list[0].code", rid = "header:x-request-id" }
retry = { count = 2, delay_ms = 10 }

[[step]]
name = "wait"
kind = "wait_feed"
feed = "/coreclient/{{c}}/feed"
match = { "$.type" = "ApproveTransfer", "$.id" = "*" }
timeout_ms = 500
approve = true
"#;

#[test]
fn parses_a_scenario_and_checks_steps() {
    let s = Scenario::parse(FLOW, Path::new("f.toml")).unwrap();
    assert_eq!(s.steps.len(), 2);
    assert_eq!(s.steps[0].expect.status, Some(200));
    assert_eq!(
        s.steps[0].capture["rid"],
        Capture::Header("x-request-id".into())
    );
    assert_eq!(s.steps[1].kind, StepKind::WaitFeed);
    assert_eq!(s.steps[1].feed.approve, Some(true));
    let dup =
        "[[step]]\nname='a'\nmethod='GET'\nurl='/'\n[[step]]\nname='a'\nmethod='GET'\nurl='/'\n";
    assert!(
        Scenario::parse(dup, Path::new("d.toml"))
            .unwrap_err()
            .to_string()
            .contains("another step")
    );
    let no_url = "[[step]]\nname='a'\nmethod='GET'\n";
    assert!(
        Scenario::parse(no_url, Path::new("d.toml"))
            .unwrap_err()
            .to_string()
            .contains("method and url")
    );
    assert!(
        Scenario::parse("name='x'", Path::new("e.toml"))
            .unwrap_err()
            .to_string()
            .contains("no steps")
    );
    assert!(
        Scenario::parse(
            "[[step]]\nname='a'\nbogus=1\nmethod='GET'\nurl='/'",
            Path::new("e.toml")
        )
        .is_err()
    );
}

#[test]
fn checks_report_expected_and_actual() {
    let s = Scenario::parse(FLOW, Path::new("f.toml")).unwrap();
    let headers = vec![
        ("content-type".to_string(), "application/json".to_string()),
        ("x-request-id".to_string(), "r1".to_string()),
    ];
    let good = br#"{"count":2,"list":[{"code":"BTC"}],"id":"aaa"}"#;
    let answer = Answer {
        status: 200,
        headers: &headers,
        body: good,
        elapsed_ms: 5,
    };
    assert_eq!(check(&s.steps[0].expect, &answer), Vec::<String>::new());
    let caps = capture(&s.steps[0].capture, &answer).unwrap();
    assert_eq!(caps, map(&[("first", "BTC"), ("rid", "r1")]));

    let bad = br#"{"count":3,"id":"b"}"#;
    let answer = Answer {
        status: 404,
        headers: &[],
        body: bad,
        elapsed_ms: 500,
    };
    let f = check(&s.steps[0].expect, &answer);
    assert!(
        f.contains(&"status: expected 200, got 404".to_string()),
        "{f:?}"
    );
    assert!(
        f.contains(&"$.count: expected 2, got 3".to_string()),
        "{f:?}"
    );
    assert!(
        f.iter().any(|x| x.starts_with("$.list: expected to exist")),
        "{f:?}"
    );
    assert!(
        f.iter()
            .any(|x| x.contains("expected to match /^a+$/, got \"b\"")),
        "{f:?}"
    );
    assert!(f.iter().any(|x| x.contains("header Content-Type")), "{f:?}");
    assert!(
        f.iter()
            .any(|x| x.starts_with("time: expected at most 100 ms")),
        "{f:?}"
    );
    assert_eq!(f.len(), 6);
    assert!(
        capture(&s.steps[0].capture, &answer)
            .unwrap_err()
            .contains("capture first")
    );
}

#[test]
fn feed_conditions_match_values_and_presence() {
    let s = Scenario::parse(FLOW, Path::new("f.toml")).unwrap();
    let m = &s.steps[1].feed.matches;
    assert!(
        feed_matches(
            m,
            &serde_json::json!({"id": "a1", "type": "ApproveTransfer"})
        )
        .unwrap()
    );
    assert!(!feed_matches(m, &serde_json::json!({"id": "a1", "type": "Other"})).unwrap());
    assert!(!feed_matches(m, &serde_json::json!({"type": "ApproveTransfer"})).unwrap());
    let bad: BTreeMap<String, toml::Value> = [("$[".to_string(), toml::Value::from(1))].into();
    assert!(feed_matches(&bad, &serde_json::json!({})).is_err());
}

#[test]
fn junit_has_a_case_per_step_and_escapes() {
    let mut failed = StepReport::new("b <&>", "GET /x".into());
    failed.outcome = Outcome::Failed;
    failed.failures = vec!["status: expected 200, got \"401\"".into()];
    failed.doctor = Some("cause found: wrong key".into());
    let mut skipped = StepReport::new("c", "GET /y".into());
    skipped.outcome = Outcome::Skipped;
    let run = RunReport {
        scenario: "flow".into(),
        file: "f.toml".into(),
        steps: vec![StepReport::new("a", "GET /".into()), failed, skipped],
        elapsed_ms: 1234,
    };
    assert!(!run.passed());
    let x = junit(std::slice::from_ref(&run));
    assert!(x.contains("<testsuite name=\"flow\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\" time=\"1.234\""), "{x}");
    assert_eq!(x.matches("<testcase ").count(), 3);
    assert!(x.contains("name=\"b &lt;&amp;&gt;\""), "{x}");
    assert!(
        x.contains("message=\"status: expected 200, got &quot;401&quot;\""),
        "{x}"
    );
    assert!(
        x.contains("doctor: cause found: wrong key</failure>"),
        "{x}"
    );
    assert!(x.contains("<skipped/>"));
    let j: serde_json::Value = serde_json::from_str(&to_json(&[run])).unwrap();
    assert_eq!(j["passed"], false);
    assert_eq!(j["scenarios"][0]["steps"][1]["outcome"], "failed");
}
