//! The component under jco: transpiled from the npm registry's jco and run
//! by Node (js/test/smoke.mjs asserts `1 + 1` is 2, a context run, errors).

use std::path::Path;
use std::process::Command;

fn run(dir: &Path, program: &str, args: &[&str]) {
    let status = Command::new(program).args(args).current_dir(dir).status().unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(status.success(), "`{program} {}` failed", args.join(" "));
}

#[test]
fn jco_transpiled_component_evaluates_in_node() {
    let js = Path::new(env!("CARGO_MANIFEST_DIR")).join("../js");
    if !js.join("node_modules/@bytecodealliance/jco-transpile").is_dir() {
        run(&js, "npm", &["ci", "--no-audit", "--no-fund"]);
    }
    run(&js, "node", &["scripts/build.mjs", env!("JSVM_GUEST_WASM")]);
    run(&js, "node", &["test/smoke.mjs"]);
}
