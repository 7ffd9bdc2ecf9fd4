//! The npm package (`js/`) as a JavaScript user meets it: `npm ci`, `npm
//! run build` from the component this build made, then the package's own
//! tests under Node (live values both ways, identity, symbols, errors,
//! timeouts, and the constructor walks that must not reach the host) and
//! `tsc --noEmit` over a sample that uses every export.

use std::path::Path;
use std::process::Command;

fn run(dir: &Path, program: &str, args: &[&str]) {
    let status = Command::new(program).args(args).current_dir(dir).status().unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(status.success(), "`{program} {}` failed", args.join(" "));
}

#[test]
fn the_npm_package_builds_passes_its_tests_and_type_checks() {
    let js = Path::new(env!("CARGO_MANIFEST_DIR")).join("../js");
    if !js.join("node_modules/.package-lock.json").is_file() {
        run(&js, "npm", &["ci", "--no-audit", "--no-fund"]);
    }
    run(&js, "npm", &["run", "build", "--", env!("JSVM_GUEST_WASM")]);
    run(&js, "npm", &["test"]);
    run(&js, "npm", &["run", "typecheck"]);
}
