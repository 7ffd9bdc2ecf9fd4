//! The first `timeout` in a fresh process is as precise as later ones: a
//! 50 ms timeout on a runaway loop ends in 40–60 ms of wall time, under
//! `jsvm run` and through the Rust API, with the default clock (the
//! thread's CPU time, fuel metering on) and the wall clock. Each figure is
//! taken in a process of its own, doing nothing before it, as a user's
//! program would. (This file holds one test so that nothing else in its
//! binary competes for the CPU while it measures.)

use std::process::Command;
use std::time::{Duration, Instant};

/// The loop the old fuel calibration ran on, and the plainest runaway.
const RUNAWAYS: [&str; 2] = [
    "(() => { let s = 0; for (let i = 0; ; i++) { s = (s + i * 7) % 1000003; } })()",
    "for (;;) {}",
];

const CHILD: &str = "JSVM_FIRST_TIMEOUT_CHILD";

/// Milliseconds one fresh `jsvm run` measures for its first timeout.
fn jsvm_run(code: &str, wall_clock: bool) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let program = format!(
        "import vm from 'node:vm';\nconst ctx = vm.createContext({{}});\nconst start = Date.now();\n\
         try {{ vm.runInContext({code:?}, ctx, {{ timeout: 50 }}); }} catch (e) {{ console.log(e.code); }}\n\
         console.log(Date.now() - start);\n"
    );
    std::fs::write(dir.path().join("first.mjs"), program).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_jsvm"));
    command.arg("run");
    if wall_clock {
        command.arg("--wall-clock");
    }
    let out = command.arg(dir.path().join("first.mjs")).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut lines = stdout.lines();
    assert_eq!(lines.next(), Some("ERR_SCRIPT_EXECUTION_TIMEOUT"), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    lines.next().unwrap().parse().unwrap()
}

/// Milliseconds the first timeout takes through the Rust API, in a fresh
/// copy of this test binary running [`rust_api_child`].
fn rust_api(index: usize, wall_clock: bool) -> f64 {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "rust_api_child", "--nocapture", "--test-threads=1"])
        .env(CHILD, format!("{index} {wall_clock}"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    // libtest prints the child's line after the test's name.
    let took = stdout.split("took ").nth(1).and_then(|rest| rest.split_whitespace().next());
    took.unwrap_or_else(|| panic!("child said: {stdout}")).parse().unwrap()
}

/// Not a test of its own: the body of [`rust_api`]'s child process.
#[test]
fn rust_api_child() {
    let Ok(spec) = std::env::var(CHILD) else { return };
    let (index, wall_clock) = spec.split_once(' ').unwrap();
    let code = RUNAWAYS[index.parse::<usize>().unwrap()];
    let mut vm = jsvm::Vm::builder().fuel(wall_clock != "true").console(|_, _| {}).build().unwrap();
    let ctx = vm.create_context().unwrap();
    let options = jsvm::RunOptions { timeout: Some(Duration::from_millis(50)), ..Default::default() };
    let start = Instant::now();
    let error = vm.run_in_context_with(&ctx, code, &options).unwrap_err();
    let took = start.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(error.code(), Some("ERR_SCRIPT_EXECUTION_TIMEOUT"));
    // The context is still usable.
    assert_eq!(vm.eval::<f64>(&ctx, "1 + 1").unwrap(), 2.0);
    println!("took {took}");
}

#[test]
fn the_first_50ms_timeout_in_a_fresh_process_takes_40_to_60ms() {
    if std::env::var(CHILD).is_ok() {
        return;
    }
    let mut failures = Vec::new();
    for (index, code) in RUNAWAYS.iter().enumerate() {
        for wall_clock in [false, true] {
            let clock = if wall_clock { "wall clock" } else { "default clock" };
            for (surface, took) in [("jsvm run", jsvm_run(code, wall_clock)), ("Rust API", rust_api(index, wall_clock))] {
                eprintln!("{surface}, {clock}, {code}: {took:.1} ms");
                if !(40.0..=60.0).contains(&took) {
                    failures.push(format!("{surface}, {clock}, {code}: {took:.1} ms"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "first timeouts outside 40-60 ms: {failures:#?}");
}
