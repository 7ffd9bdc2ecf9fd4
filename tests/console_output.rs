//! `console.log` prints what Node 20 prints: the 109 cases of
//! `tests/console/values.mjs` (about two hundred values: primitives and
//! strings that need quoting, objects past the break length, depth,
//! circular references, functions and classes, getters, sparse and typed
//! arrays, maps and sets, errors, boxed primitives, proxies, format
//! strings, values from other contexts), run under `jsvm run` from another
//! working directory and compared case by case with Node's recorded output
//! (`tests/console/values.node20.txt`).
//!
//! Where Node 20 is on PATH, the recording itself is checked against it
//! first, so it cannot go stale.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Cases that print differently from Node, each with its reason. Empty:
/// every case prints as Node prints it (CONFORMANCE.md lists what the cases
/// do not cover and still differs).
const KNOWN_DIFFERENCES: &[(usize, &str)] = &[];

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/console").canonicalize().unwrap()
}

/// The output split at its `-- n` markers: `cases[n - 1]` is case n's text.
fn cases(output: &str) -> Vec<String> {
    let mut cases: Vec<String> = Vec::new();
    for line in output.lines() {
        if let Some(n) = line.strip_prefix("-- ").and_then(|n| n.parse::<usize>().ok()) {
            assert_eq!(n, cases.len() + 1, "case markers are in order");
            cases.push(String::new());
        } else if let Some(case) = cases.last_mut() {
            case.push_str(line);
            case.push('\n');
        } else {
            panic!("output before the first case: {line}");
        }
    }
    cases
}

#[test]
fn console_log_prints_the_recorded_values_as_node_20_does() {
    let dir = cases_dir();
    let program = dir.join("values.mjs");
    let recorded = std::fs::read_to_string(dir.join("values.node20.txt")).unwrap();
    let expected = cases(&recorded);
    assert!(expected.len() >= 100, "the recording has {} cases", expected.len());

    let node_version = Command::new("node").arg("--version").output().ok();
    if node_version.is_some_and(|v| String::from_utf8_lossy(&v.stdout).starts_with("v20.")) {
        let out = Command::new("node").arg(&program).output().unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), recorded, "Node 20 no longer prints the recording: re-record it");
    }

    let elsewhere = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_jsvm")).current_dir(elsewhere.path()).arg("run").arg(&program).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "jsvm run failed: {stderr}");
    assert_eq!(stderr, "", "nothing goes to stderr");
    let actual = cases(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(actual.len(), expected.len(), "every case printed");

    let mut unexpected = Vec::new();
    for (i, (ours, node)) in actual.iter().zip(&expected).enumerate() {
        let n = i + 1;
        let known = KNOWN_DIFFERENCES.iter().any(|(k, _)| *k == n);
        if ours != node && !known {
            unexpected.push(format!("case {n}:\n--- node\n{node}--- jsvm\n{ours}"));
        }
        assert!(!(known && ours == node), "case {n} is listed as a known difference but now matches: unlist it");
    }
    assert!(unexpected.is_empty(), "{} of {} cases differ from Node:\n{}", unexpected.len(), expected.len(), unexpected.join("\n"));
}
