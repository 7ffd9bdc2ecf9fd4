//! A contextified global behaves as node:vm's (issue #10 keeps these
//! semantics while making the global fast): declarations reach the context
//! object, the host's changes between runs are seen, built-ins can be
//! shadowed and un-shadowed (inside one run and across runs, so no lookup
//! is cached past a change), getters and prototype chains of the context
//! object, read-only properties, deletes, strict mode, symbols. The program
//! runs under `node` and under `jsvm run` (from another working directory),
//! and the whole outputs must be equal.

use std::process::Command;

const PROGRAM: &str = include_str!("contextified_global.mjs");

#[test]
fn the_contextified_global_behaves_as_in_node() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("global.mjs");
    std::fs::write(&file, PROGRAM).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let node = Command::new("node").arg(&file).current_dir(elsewhere.path()).output().expect("node (Node 20) must be on PATH");
    assert!(node.status.success(), "node failed: {}", String::from_utf8_lossy(&node.stderr));
    let jsvm = Command::new(env!("CARGO_BIN_EXE_jsvm")).arg("run").arg(&file).current_dir(elsewhere.path()).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&jsvm.stderr), "");
    assert_eq!(String::from_utf8_lossy(&jsvm.stdout), String::from_utf8_lossy(&node.stdout));
    assert!(jsvm.status.success());
}
