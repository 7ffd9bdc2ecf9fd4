//! The `jsvm` command: run, eval and repl, as a user sees them.

use std::io::Write;
use std::process::{Command, Stdio};

fn jsvm() -> Command {
    Command::new(env!("CARGO_BIN_EXE_jsvm"))
}

#[test]
fn eval_prints_the_result() {
    let out = jsvm().args(["eval", "1+1"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "2\n");
}

#[test]
fn run_executes_a_module_using_node_vm() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("main.mjs");
    std::fs::write(&file, "import vm from 'node:vm';\nconst ctx = vm.createContext({ n: 20 });\nconsole.log(vm.runInContext('n * 2 + 2', ctx));\n").unwrap();
    let out = jsvm().arg("run").arg(&file).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "42\n");
}

#[test]
fn run_of_a_throwing_file_prints_the_stack_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("throws.js");
    std::fs::write(&file, "function inner() { throw new TypeError('broken'); }\ninner();\n").unwrap();
    let out = jsvm().arg("run").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("TypeError: broken"), "{stderr}");
    assert!(stderr.contains("at inner (") && stderr.contains("throws.js:1:"), "{stderr}");
}

#[test]
fn eval_imports_from_the_current_directory_only() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("work")).unwrap();
    std::fs::write(dir.path().join("work/lib.mjs"), "export const v = 'inside';\n").unwrap();
    std::fs::write(dir.path().join("outside.mjs"), "export const v = 'outside';\n").unwrap();
    let code = "Promise.all(['./lib.mjs', '../outside.mjs'].map((s) => import(s).then((ns) => ns.v, (e) => e.code))).then((r) => console.log(r.join(' ')))";
    let out = jsvm().args(["eval", code]).current_dir(dir.path().join("work")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("inside ERR_ACCESS_DENIED\n"), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn run_of_a_missing_file_fails_clearly() {
    let out = jsvm().args(["run", "/nonexistent/file.mjs"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
}

#[test]
fn repl_evaluates_lines_and_continues_open_statements() {
    let mut child = jsvm().arg("repl").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"let x = 40\nfunction f() {\n  return x + 2;\n}\nf()\nnull.boom\n'still alive'\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines.contains(&"42"), "{stdout}");
    assert!(lines.contains(&"still alive"), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Uncaught TypeError"));
}

#[test]
fn a_closed_stdout_ends_output_quietly() {
    let mut child = jsvm()
        .args(["eval", "for (let i = 0; i < 100000; i++) console.log('line', i)"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then close the pipe, as `| head -1` does.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 6];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(&first, b"line 0");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "{stderr}");
}

#[test]
fn run_under_a_memory_limit_catches_a_contexts_memory_bomb_and_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("main.mjs");
    let program = "import vm from 'node:vm';\n\
        const ctx = vm.createContext({ kept: 1 });\n\
        try {\n\
          vm.runInContext('(() => { const a = []; for (;;) a.push(new Uint8Array(65536)); })()', ctx);\n\
        } catch (e) {\n\
          console.log(e.name, e.code);\n\
        }\n\
        console.log(vm.runInContext('kept + 1', ctx));\n";
    std::fs::write(&file, program).unwrap();
    let out = jsvm().args(["run", "--memory-limit", "64"]).arg(&file).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "Error ERR_VM_MEMORY_LIMIT\n2\n");
}
