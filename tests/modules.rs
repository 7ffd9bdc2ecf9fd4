//! ES modules from the host's point of view: `jsvm run` loading a module
//! graph from a directory through the default loader, the walls of that
//! directory, and a module evaluation stopped by its timeout.

use std::path::Path;
use std::process::{Command, Output};

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn run(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jsvm")).arg("run").args(args).output().unwrap()
}

fn stdout(out: &Output) -> String {
    assert!(out.status.success(), "jsvm failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn run_loads_a_cyclic_graph_with_json_from_the_files_directory() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app/main.mjs",
        "import { a, order } from './lib/a.mjs';\n\
         import config from './config.json' with { type: 'json' };\n\
         console.log(a(), config.name, config.list.length, order.join(','));\n\
         console.log(import.meta.url);\n",
    );
    // a -> b -> c -> a: a cycle through three modules.
    write(
        dir.path(),
        "app/lib/a.mjs",
        "import { b } from './b.mjs';\nexport const order = [];\nexport function a() { return 'a' + b(); }\norder.push('a');\n",
    );
    write(dir.path(), "app/lib/b.mjs", "import { c } from './c.mjs';\nexport function b() { return 'b' + c(); }\n");
    write(
        dir.path(),
        "app/lib/c.mjs",
        "import { order } from './a.mjs';\nexport function c() { return 'c' + order.length; }\n",
    );
    write(dir.path(), "app/config.json", r#"{ "name": "demo", "list": [1, 2, 3] }"#);
    let out = run(&[dir.path().join("app/main.mjs").as_os_str()]);
    assert_eq!(stdout(&out), "abc1 demo 3 a\nfile:///main.mjs\n");
}

#[test]
fn imports_cannot_leave_the_root() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "secret.mjs", "export const secret = 'leaked';\n");
    write(dir.path(), "root/inside.mjs", "export const inside = 'ok';\n");
    let main = "const tries = ['./inside.mjs', '../secret.mjs', './sub/../../secret.mjs', '/etc/hostname', \
                'file:///etc/hostname', './outside-link.mjs', './inside-link.mjs', './missing.mjs', './data.json'];\n\
                for (const t of tries) {\n\
                  try { const ns = await import(t); console.log(t, 'loaded', Object.values(ns).join()); }\n\
                  catch (e) { console.log(t, e.code); }\n\
                }\n";
    write(dir.path(), "root/main.mjs", main);
    write(dir.path(), "root/data.json", "{}");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.path().join("secret.mjs"), dir.path().join("root/outside-link.mjs")).unwrap();
        std::os::unix::fs::symlink("inside.mjs", dir.path().join("root/inside-link.mjs")).unwrap();
    }
    let out = stdout(&run(&[dir.path().join("root/main.mjs").as_os_str()]));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "./inside.mjs loaded ok");
    assert_eq!(lines[1], "../secret.mjs ERR_ACCESS_DENIED");
    assert_eq!(lines[2], "./sub/../../secret.mjs ERR_ACCESS_DENIED");
    assert_eq!(lines[3], "/etc/hostname ERR_ACCESS_DENIED");
    assert_eq!(lines[4], "file:///etc/hostname ERR_ACCESS_DENIED");
    if cfg!(unix) {
        assert_eq!(lines[5], "./outside-link.mjs ERR_ACCESS_DENIED");
        assert_eq!(lines[6], "./inside-link.mjs loaded ok");
    }
    assert_eq!(lines[7], "./missing.mjs ERR_MODULE_NOT_FOUND");
    // JSON needs `with { type: 'json' }`, as in Node.
    assert_eq!(lines[8], "./data.json ERR_IMPORT_ASSERTION_TYPE_MISSING");
    assert!(!out.contains("leaked"));
}

#[test]
fn root_option_widens_what_imports_may_reach() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "shared/util.mjs", "export const util = 'shared util';\n");
    write(dir.path(), "app/main.mjs", "import { util } from '../shared/util.mjs';\nconsole.log(util);\n");
    let main = dir.path().join("app/main.mjs");
    let denied = run(&[main.as_os_str()]);
    assert!(!denied.status.success());
    assert!(String::from_utf8_lossy(&denied.stderr).contains("ERR_ACCESS_DENIED"));
    let allowed = run(&["--root".as_ref(), dir.path().as_os_str(), main.as_os_str()]);
    assert_eq!(stdout(&allowed), "shared util\n");
}

#[test]
fn evaluate_timeout_stops_a_looping_module_and_the_context_survives() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.mjs",
        "import vm from 'node:vm';\n\
         const ctx = vm.createContext({ count: 0 });\n\
         const m = new vm.SourceTextModule('count = 1; while (true) { count++; }', { context: ctx });\n\
         await m.link(() => {});\n\
         const started = Date.now();\n\
         try { await m.evaluate({ timeout: 50 }); console.log('finished?'); }\n\
         catch (e) { console.log(e.code, m.status, m.error === e); }\n\
         console.log('stopped within 1s:', Date.now() - started < 1000);\n\
         console.log('context alive:', vm.runInContext('count > 1', ctx));\n\
         const next = new vm.SourceTextModule('export const v = count > 1 ? \"survived\" : \"lost\";', { context: ctx });\n\
         await next.link(() => {});\n\
         await next.evaluate();\n\
         console.log(next.namespace.v);\n",
    );
    let out = stdout(&run(&[dir.path().join("main.mjs").as_os_str()]));
    assert_eq!(
        out,
        "ERR_SCRIPT_EXECUTION_TIMEOUT errored true\nstopped within 1s: true\ncontext alive: true\nsurvived\n"
    );
}

mod rust_api {
    use std::collections::HashMap;
    use std::time::Duration;

    use jsvm::{Error, FromValue, Module, ModuleOptions, RunOptions, Value, Vm};

    /// A host that builds a graph from its own sources: the resolver
    /// creates modules on demand and reuses them, which closes the cycle.
    #[test]
    fn a_host_links_and_evaluates_a_graph_from_its_own_sources() {
        let sources = HashMap::from([
            ("main", "import { ping } from 'ping'; export const result = ping(3);"),
            ("ping", "import { pong } from 'pong'; export function ping(n) { return n === 0 ? 'ping' : pong(n - 1); }"),
            ("pong", "import { ping } from 'ping'; export function pong(n) { return n === 0 ? 'pong' : ping(n - 1); }"),
        ]);
        let mut vm = Vm::new().unwrap();
        let context = vm.create_context().unwrap();
        let options = |name: &str| ModuleOptions {
            identifier: Some(name.to_string()),
            context: Some(context.clone()),
            ..Default::default()
        };
        let main = vm.create_module(sources["main"], &options("main")).unwrap();
        assert_eq!(vm.module_requests(&main).unwrap(), ["ping"]);
        let mut made: HashMap<String, Module> = HashMap::new();
        let mut asked = Vec::new();
        vm.link_module(&main, |vm, specifier, _referrer| {
            asked.push(specifier.to_string());
            if let Some(module) = made.get(specifier) {
                return Ok(module.clone());
            }
            let module = vm.create_module(sources[specifier], &options(specifier))?;
            made.insert(specifier.to_string(), module.clone());
            Ok(module)
        })
        .unwrap();
        assert_eq!(asked, ["ping", "pong", "ping"]);
        assert_eq!(vm.module_status(&main).unwrap(), "linked");
        let namespace = vm.evaluate_module(&main, &RunOptions::default()).unwrap();
        assert!(matches!(vm.get(&namespace, "result").unwrap(), Value::String(s) if s == "pong"));
        assert_eq!(vm.module_status(&made["pong"]).unwrap(), "evaluated");
    }

    #[test]
    fn an_unanswered_import_fails_the_link_with_nodes_code() {
        let mut vm = Vm::new().unwrap();
        let main = vm.create_module("import 'elsewhere';", &ModuleOptions::default()).unwrap();
        let error = vm
            .link_module(&main, |_, specifier, _| Err(Error::Js(jsvm::JsException::new("Error", format!("no {specifier}")))))
            .unwrap_err();
        assert!(error.to_string().contains("no elsewhere"), "{error}");
        let error = vm.create_module("export const = 1;", &ModuleOptions::default()).unwrap_err();
        assert!(matches!(&error, Error::Js(e) if e.name == "SyntaxError"), "{error}");
    }

    #[test]
    fn evaluate_module_honours_a_timeout_and_the_vm_stays_usable() {
        let mut vm = Vm::new().unwrap();
        let context = vm.create_context().unwrap();
        vm.set_global(&context, "ticks", 0.0).unwrap();
        let options = ModuleOptions { context: Some(context.clone()), ..Default::default() };
        let spin = vm.create_module("while (true) { ticks++; }", &options).unwrap();
        vm.link_module(&spin, |_, _, _| unreachable!("no imports")).unwrap();
        let limits = RunOptions { timeout: Some(Duration::from_millis(50)), ..Default::default() };
        let error = vm.evaluate_module(&spin, &limits).unwrap_err();
        assert_eq!(error.code(), Some("ERR_SCRIPT_EXECUTION_TIMEOUT"), "{error}");
        assert_eq!(vm.module_status(&spin).unwrap(), "errored");
        let ticks: f64 = vm.eval(&context, "ticks").unwrap();
        assert!(ticks > 0.0);
    }

    #[test]
    fn import_module_reads_from_the_module_root_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("plugin.mjs"), "import data from './data.json' with { type: 'json' };\nexport const answer = data.n * 2;\nexport let count = 0;\nexport function bump() { return ++count; }\n").unwrap();
        std::fs::write(dir.path().join("data.json"), "{\"n\": 21}").unwrap();
        let mut vm = Vm::builder().module_root(dir.path()).build().unwrap();
        let namespace = vm.import_module("plugin.mjs", &RunOptions::default()).unwrap();
        assert!(matches!(vm.get(&namespace, "answer").unwrap(), Value::Number(n) if n == 42.0));
        // A second import is the same module instance, not a re-evaluation.
        let bump = jsvm::Object::from_value(vm.get(&namespace, "bump").unwrap()).unwrap();
        vm.call_function(&bump, &[]).unwrap();
        let again = vm.import_module("./plugin.mjs", &RunOptions::default()).unwrap();
        assert!(matches!(vm.get(&again, "count").unwrap(), Value::Number(n) if n == 1.0));
        let error = vm.import_module("../etc/passwd", &RunOptions::default()).unwrap_err();
        assert_eq!(error.code(), Some("ERR_ACCESS_DENIED"), "{error}");
        let mut rootless = Vm::new().unwrap();
        let error = rootless.import_module("plugin.mjs", &RunOptions::default()).unwrap_err();
        assert_eq!(error.code(), Some("ERR_MODULE_NOT_FOUND"), "{error}");
    }
}

/// Re-entering a module from its own evaluation (which crashes Node 20 for
/// a synthetic module) is refused with Node's status error; the guest never
/// traps.
#[test]
fn reentrant_evaluation_is_refused_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.mjs",
        "import vm from 'node:vm';\n\
         const s = new vm.SyntheticModule(['x'], function () {\n\
           this.setExport('x', 1);\n\
           inner = this.evaluate().then(() => 'inner resolved', (e) => e.code);\n\
         });\n\
         let inner;\n\
         await s.link(() => {});\n\
         await s.evaluate();\n\
         console.log(await inner, s.status, s.namespace.x);\n\
         let m;\n\
         const ctx = vm.createContext({ again: () => m.evaluate().catch((e) => e.code) });\n\
         m = new vm.SourceTextModule('export const r = again();', { context: ctx });\n\
         await m.link(() => {});\n\
         await m.evaluate();\n\
         console.log(await m.namespace.r, m.status);\n",
    );
    let out = stdout(&run(&[dir.path().join("main.mjs").as_os_str()]));
    assert_eq!(out, "ERR_VM_MODULE_STATUS evaluated 1\nERR_VM_MODULE_STATUS evaluated\n");
}
