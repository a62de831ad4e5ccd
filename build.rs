//! The Partner API's OpenAPI document is YAML (as published); it is converted to JSON here,
//! once, so a process that checks a body against it parses JSON: reading the YAML cost
//! `xsign sign` of a POST /company about 25 ms a run (31 ms against 6.6 ms, `perf stat`),
//! almost all of it the YAML scanner and its allocations.

fn main() {
    let src = "assets/openapi/partner-api-v1.1.2.yaml";
    println!("cargo:rerun-if-changed={src}");
    let text = std::fs::read_to_string(src).expect("the Partner API spec is in assets/openapi");
    let doc: serde_json::Value =
        serde_norway::from_str(&text).expect("the Partner API spec is valid YAML");
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("partner-api-v1.1.2.json");
    std::fs::write(out, serde_json::to_vec(&doc).expect("JSON")).expect("write OUT_DIR");
}
