//! SIGINT during breakOnSigint runs: through the Rust API, to a `jsvm`
//! process, and to the REPL, which must survive. One test function, in a
//! test binary of its own: signals go to the whole process.

#![cfg(unix)]

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use jsvm::{RunOptions, Vm};

fn signal_self_after(delay: Duration) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        std::thread::sleep(delay);
        // SAFETY: sends SIGINT to this process; the run under test has its
        // handler installed.
        unsafe {
            libc::kill(libc::getpid(), libc::SIGINT);
        }
    })
}

fn signal_child_after(child: &std::process::Child, delay: Duration) {
    std::thread::sleep(delay);
    // SAFETY: signals a child process we own.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
}

const RUNAWAYS: &[&str] = &[
    "while (true) {}",
    "for (;;) { try { for (;;); } catch (e) {} }",
    "function f() { try { f() } catch (e) {} f() } f()",
    "[1].forEach(() => { for (;;); })",
    "new Proxy({}, { get() { for (;;); } }).x",
];

fn api_runs_break_on_sigint() {
    let mut vm = Vm::builder().console(|_, _| {}).build().unwrap();
    let options = RunOptions { break_on_sigint: true, ..RunOptions::default() };
    for code in RUNAWAYS {
        let ctx = vm.create_context().unwrap();
        let signal = signal_self_after(Duration::from_millis(50));
        let start = Instant::now();
        let err = vm.run_in_context_with(&ctx, &format!("var during = 'set'; {code}"), &options).unwrap_err();
        let took = start.elapsed();
        signal.join().unwrap();
        assert_eq!(err.code(), Some("ERR_SCRIPT_EXECUTION_INTERRUPTED"), "{code}: {err}");
        assert_eq!(err.as_js().unwrap().message, "Script execution interrupted.");
        assert!(took >= Duration::from_millis(25) && took <= Duration::from_millis(200), "{code}: {took:?}");
        assert_eq!(vm.eval::<String>(&ctx, "during").unwrap(), "set");
    }
}

fn a_jsvm_process_breaks_on_sigint() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("spin.mjs");
    std::fs::write(
        &file,
        "import vm from 'node:vm';\nconst ctx = vm.createContext({});\n\
         try { vm.runInContext('var x = 1; for (;;) {}', ctx, { breakOnSigint: true }); }\n\
         catch (e) { console.log(e.code + ' / ' + e.message); }\n\
         console.log('after: ' + vm.runInContext('x', ctx));\n",
    )
    .unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_jsvm")).arg("run").arg(&file).stdout(Stdio::piped()).spawn().unwrap();
    signal_child_after(&child, Duration::from_millis(400));
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "ERR_SCRIPT_EXECUTION_INTERRUPTED / Script execution interrupted.\nafter: 1\n"
    );
}

fn the_repl_survives_sigint() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_jsvm"))
        .arg("repl")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"var kept = 40\nfor (;;) {}\n").unwrap();
    stdin.flush().unwrap();
    signal_child_after(&child, Duration::from_millis(400));
    stdin.write_all(b"kept + 2\n").unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.lines().any(|l| l == "42"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Script execution interrupted."), "{stderr}");
}

#[test]
fn sigint_breaks_runs_that_ask_for_it() {
    api_runs_break_on_sigint();
    a_jsvm_process_breaks_on_sigint();
    the_repl_survives_sigint();
}
