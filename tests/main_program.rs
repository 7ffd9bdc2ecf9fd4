//! `jsvm run` as a user meets it, compared with `node` running the same
//! files: a module graph whose cycle leads back to the entry module, module
//! code reading global `let`/`const`/`class` declared after it was
//! compiled, relative `import()` from a classic script under `--root`, and
//! what an uncaught exception or a syntax error prints.
//!
//! Node prints a few lines about itself that jsvm does not: its internal
//! stack frames (`node:internal/...`), the `Node.js v20...` trailer and the
//! `--trace-uncaught` hint. [`node_stderr`] removes those; everything else
//! of stderr must be identical.

use std::path::Path;
use std::process::{Command, Output};

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn jsvm(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jsvm")).current_dir(cwd).arg("run").args(args).output().unwrap()
}

fn node(cwd: &Path, args: &[&str]) -> Output {
    Command::new("node").current_dir(cwd).args(args).output().expect("node (20) is on PATH")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Node's stderr without the lines that are about Node itself. Modules are
/// named by their id in the module root (`/main.mjs`), where Node shows a
/// file URL: `module_root` turns Node's URLs into those ids.
fn node_stderr(out: &Output, module_root: &Path) -> String {
    let prefix = format!("file://{}", std::fs::canonicalize(module_root).unwrap().display());
    let mut lines: Vec<String> = Vec::new();
    for line in text(&out.stderr).replace(&prefix, "").lines() {
        let internal_frame = line.trim_start().starts_with("at ") && line.contains("node:internal/");
        if internal_frame {
            // `    at ... (node:internal/...) {` opens an error's properties.
            if line.ends_with(" {")
                && let Some(last) = lines.last_mut()
            {
                last.push_str(" {");
            }
            continue;
        }
        if line.starts_with("Node.js v") || line.starts_with("(Use `node --trace-uncaught") {
            continue;
        }
        lines.push(line.to_string());
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

fn jsvm_stderr(out: &Output) -> String {
    text(&out.stderr).trim_end().to_string()
}

/// Runs `file` under both, from `cwd`, and checks that stdout, the exit
/// status and stderr (as [`node_stderr`] reads it) match.
fn same_as_node(cwd: &Path, file: &str) {
    let ours = jsvm(cwd, &[file]);
    let theirs = node(cwd, &[file]);
    let module_root = cwd.join(file).parent().unwrap().to_path_buf();
    assert_eq!(text(&ours.stdout), text(&theirs.stdout), "stdout of {file}; stderr: {}", text(&ours.stderr));
    assert_eq!(jsvm_stderr(&ours), node_stderr(&theirs, &module_root), "stderr of {file}");
    assert_eq!(ours.status.code(), theirs.status.code(), "exit status of {file}");
}

#[test]
fn a_cycle_back_to_the_entry_module_evaluates_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "app/main.mjs",
        "import { b } from './lib/b.mjs';\nimport { c } from './lib/c.mjs';\nexport const a = 'a';\n\
         console.log('main evaluated', b(), c(), import.meta.url.endsWith('/main.mjs'));\n",
    );
    write(root, "app/lib/b.mjs", "import { a } from '../main.mjs';\nexport function b() { return a + 'b'; }\n");
    // The same entry module under another spelling of its path.
    write(
        root,
        "app/lib/c.mjs",
        "import { a } from '../lib/../main.mjs';\nimport * as again from './../main.mjs';\n\
         export function c() { return a + 'c' + (again.a === a); }\n",
    );
    same_as_node(&root.join("app"), "main.mjs");
    same_as_node(root, "app/main.mjs");
    same_as_node(&root.join("app/lib"), "../main.mjs");
}

#[test]
fn a_module_imported_under_two_spellings_is_one_module() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "main.mjs",
        "import { count as one, url as u1 } from './dir/x.mjs';\nimport { count as two, url as u2 } from './dir/sub/y.mjs';\n\
         console.log(one(), two(), u1 === u2);\n",
    );
    write(root, "dir/x.mjs", "let n = 0;\nconsole.log('x evaluated');\nexport const count = () => ++n;\nexport const url = import.meta.url;\n");
    write(root, "dir/sub/y.mjs", "export { count, url } from '../../dir/x.mjs';\n");
    same_as_node(root, "main.mjs");
}

#[test]
fn module_code_sees_global_lexical_declarations_made_after_it_was_compiled() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "main.mjs",
        "import vm from 'node:vm';\nimport { report, later } from './reader.mjs';\n\
         vm.runInThisContext('const x = 3; let y = 4; class K {} var z = 5; function add(a, b) { return a + b; }');\n\
         console.log(typeof add, typeof z, typeof x, typeof y, typeof K);\n\
         console.log(report());\n\
         vm.runInThisContext('y = 40');\n\
         console.log(later());\n\
         const ctx = vm.createContext({});\n\
         const m = new vm.SourceTextModule('globalThis.seen = typeof w + \":\" + (typeof w === \"number\" ? w : \"\");', { context: ctx });\n\
         await m.link(() => {});\n\
         vm.runInContext('let w = 7;', ctx);\n\
         await m.evaluate();\n\
         console.log(vm.runInContext('seen', ctx));\n",
    );
    write(
        root,
        "reader.mjs",
        "export function report() { return [typeof x, typeof y, typeof K, x + y]; }\nexport function later() { return y; }\n",
    );
    // SourceTextModule needs --experimental-vm-modules in Node 20.
    let ours = jsvm(root, &["main.mjs"]);
    let theirs = node(root, &["--experimental-vm-modules", "--no-warnings", "main.mjs"]);
    assert_eq!(text(&ours.stdout), text(&theirs.stdout), "stderr: {}", text(&ours.stderr));
    assert!(ours.status.success());
}

#[test]
fn import_in_a_classic_script_resolves_against_the_script_wherever_the_root_is() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "app/scripts/run.js", "import('./helper.mjs').then((m) => console.log(m.name));\n");
    write(root, "app/scripts/helper.mjs", "export const name = 'helper next to the script';\n");
    write(root, "app/helper.mjs", "export const name = 'helper at the root';\n");
    let root_arg = root.join("app");
    let ours = jsvm(root, &["--root", root_arg.to_str().unwrap(), "app/scripts/run.js"]);
    assert_eq!(text(&ours.stdout), "helper next to the script\n", "stderr: {}", text(&ours.stderr));
    same_as_node(root, "app/scripts/run.js");
}

#[test]
fn uncaught_exceptions_print_as_node_prints_them() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let programs = [
        ("subclass.js", "class MyErr extends Error {}; throw new MyErr(\"boom\")\n"),
        ("number.js", "throw 42\n"),
        ("string.js", "console.log('before');\nthrow \"abc\"\n"),
        ("object.js", "throw { toString() { return \"x\"; }, a: 1 }\n"),
        ("nested.js", "function f() {\n  throw new TypeError(\"bad\");\n}\nf();\n"),
        ("rethrow.js", "function f() {\n  const e = new Error(\"late\");\n  throw e;\n}\nf();\n"),
        ("props.js", "const e = new Error(\"x\"); e.code = \"E_X\"; e.extra = 1;\nthrow e;\n"),
        ("rejected.js", "Promise.reject(new Error(\"r\"));\n"),
        ("module.mjs", "export const a = 1;\nthrow new RangeError(\"m\");\n"),
        ("module_nested.mjs", "function f() {\n  const e = new Error(\"late\");\n  throw e;\n}\nf();\n"),
    ];
    for (name, source) in programs {
        write(root, name, source);
        same_as_node(root, name);
        // The same from another working directory.
        let elsewhere = tempfile::tempdir().unwrap();
        same_as_node(elsewhere.path(), root.join(name).to_str().unwrap());
    }
}

#[test]
fn a_syntax_error_shows_the_file_line_and_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for name in ["bad.js", "bad.mjs"] {
        write(root, name, "let a = 1;\nlet b = 2 error;\n");
        let ours = jsvm(root, &[name]);
        let theirs = node(root, &[name]);
        let (ours, theirs) = (jsvm_stderr(&ours), node_stderr(&theirs, root));
        // The header (file:line, source line, the token underlined) is
        // Node's exactly; the message is Boa's wording (see CONFORMANCE.md).
        let header = |s: &str| s.lines().take(4).map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(header(&ours), header(&theirs), "{name}: {ours}");
        assert!(ours.lines().nth(4).is_some_and(|l| l.starts_with("SyntaxError: ")), "{name}: {ours}");
        assert_eq!(ours.lines().count(), 5, "{name}: {ours}");
    }
}

#[test]
fn performance_now_measures_below_a_millisecond_in_the_main_program() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "clock.mjs",
        "const a = performance.now();\n\
         let b;\n\
         do { b = performance.now(); } while (b === a);\n\
         console.log(b > a, b - a < 1, typeof performance.timeOrigin, performance.timeOrigin > 1.7e12);\n\
         import vm from 'node:vm';\n\
         console.log(vm.runInNewContext('typeof performance'));\n",
    );
    same_as_node(dir.path(), "clock.mjs");
}

/// `script.runInContext(ctx)` and `vm.runInContext(code, ctx)` of a source
/// that ran before take a path in Rust (guest/src/fast_run.rs); every other
/// call takes the JavaScript layer's. Both must behave as Node: the same
/// values, errors with the `displayErrors` arrow, Node's argument errors,
/// timeouts, state kept per context, the methods' names and lengths.
#[test]
fn the_fast_run_paths_behave_as_node() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "fast.mjs",
        r#"import vm from 'node:vm';
const a = vm.createContext({ n: 0 });
const b = vm.createContext({ n: 100 });
const inc = new vm.Script('n += 1');
for (let i = 0; i < 3; i++) { inc.runInContext(a); inc.runInContext(b); }
for (let i = 0; i < 3; i++) { vm.runInContext('n += 10', a); vm.runInContext('n += 10', b); }
console.log(a.n, b.n, vm.runInContext('n', a), vm.runInContext('n', b));
const plain = vm.createContext(vm.constants.DONT_CONTEXTIFY);
for (let i = 0; i < 2; i++) console.log(vm.runInContext('var k = (globalThis.k ?? 0) + 1; k', plain));
const thrower = new vm.Script('null.x', { filename: 'thrower.js' });
for (const run of [() => thrower.runInContext(a), () => thrower.runInContext(a),
                   () => vm.runInContext('undefinedName + 1', a), () => vm.runInContext('undefinedName + 1', a),
                   () => vm.runInContext('x = null.x', b), () => vm.runInContext('x = null.x', b)]) {
  try { run(); } catch (e) {
    console.log(e.name, e instanceof Error, e.stack.split('\n').slice(0, 3).join(' | ').replace(/file:\/\/\S+/g, 'FILE'));
  }
}
for (const bad of [() => inc.runInContext({}), () => inc.runInContext(null), () => vm.runInContext('n', {}),
                   () => vm.runInContext('n', a, { timeout: -1 }), () => vm.Script.prototype.runInContext.call({}, a)]) {
  try { bad(); console.log('no error'); } catch (e) { console.log(e.name, e.code, e.message); }
}
const spin = new vm.Script('for (;;) {}');
for (const run of [() => spin.runInContext(a, { timeout: 20 }), () => vm.runInContext('for (;;) {}', a, { timeout: 20 })]) {
  try { run(); } catch (e) { console.log(e.code, e.message); }
}
console.log(vm.runInContext('n', a), inc.runInContext(a));
console.log(vm.Script.prototype.runInContext.name, vm.Script.prototype.runInContext.length,
            vm.runInContext.name, vm.runInContext.length,
            Object.getOwnPropertyDescriptor(vm.Script.prototype, 'runInContext').enumerable);
const later = vm.createContext({});
console.log(vm.runInContext('typeof n', later), inc.runInContext(vm.createContext({ n: -1 })));
"#,
    );
    same_as_node(dir.path(), "fast.mjs");
}

/// `JSON.parse` without a reviver builds its value straight from the text
/// (guest/patches/boa_engine-0.22.0-zjson.patch); with a reviver, or for a
/// lone surrogate escape, it takes Boa's own path. Both must give Node's
/// values and errors: member order, repeated keys, `__proto__`, `-0`,
/// numbers rounded to the nearest double, strings, nesting.
#[test]
fn json_parse_builds_what_node_builds() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "json.mjs", r#"const cases = ['{"a":1,"b":2,"a":3}', '{"__proto__":{"x":1},"y":2}', '[-0, 0, -0.0, 1e400, -1e-400, 0.1, 9007199254740993, 1.7976931348623157e308, 5e-324, 123456789012345678901234567890]',
  '{"2":"b","1":"a","x":"c","0":"z"}', '"\\ud800"', '"\\ud83d\\ude00 é \\u0000"', '[[[[]]],{},{"":""}]', 'true', 'null', ' 7 ', '"x"',
  '{"a":[1,{"b":[2,{"c":null}]}]}', '0.30000000000000004', '-9223372036854775808', '18446744073709551616', '2.2250738585072011e-308', '[1,2', '{"a":1,}', "{'a':1}", '01', '1.', 'NaN', '"\\x41"', '[1] x', '"\t"'];
for (const text of cases) {
  try {
    const v = JSON.parse(text);
    const show = (x) => Object.is(x, -0) ? '-0' : typeof x === 'object' && x !== null ? JSON.stringify(x) + ' keys:' + Object.keys(x).join(',') + ' proto:' + (Object.getPrototypeOf(x) === Object.prototype || Array.isArray(x)) : typeof x === 'string' ? JSON.stringify(x) + ' len' + x.length : String(x);
    console.log(Array.isArray(v) ? v.map(show).join(' | ') : show(v), v && typeof v === 'object' && '__proto__' in v ? 'own __proto__:' + Object.hasOwn(v, '__proto__') : '');
  } catch (e) { console.log(e.name); }
}
console.log(JSON.parse('[1,2,3]', (k, v) => typeof v === 'number' ? v * 2 : v));
const big = JSON.stringify(Array.from({ length: 1000 }, (_, i) => ({ i, s: 'v' + i, f: i / 7 })));
console.log(JSON.stringify(JSON.parse(big)) === big);
"#);
    same_as_node(dir.path(), "json.mjs");
}

/// What Node's own vm tests (test/parallel/test-vm-*.js) check beyond the
/// corpus, beside Node (stdout and exit status; Node runs with
/// `--experimental-vm-modules`): V8's wording for failed assignments and
/// redefinitions, a Proxy's descriptor invariant, the global read for a
/// context object that refers to itself, symbols set through the global,
/// cached data of an evaluated module, import attributes, `import()`
/// settling while other code awaits in a loop, and `export { x }` at the
/// end of a module.
#[test]
fn what_nodes_own_vm_tests_check_prints_what_node_prints() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "peer.mjs", r#"import vm from 'node:vm';
const t = (label, f) => { try { console.log(label, 'ok', f()); } catch (e) { console.log(label, `${e.name}${e.code ? ` ${e.code}` : ''}: ${e.message}`); } };
t('undeclared', () => vm.runInContext('"use strict"; z = 42', vm.createContext()));
t('tdz', () => vm.runInNewContext('"use strict"; l = 1; let l;'));
const c = vm.createContext();
vm.runInContext('Object.defineProperty(this, "x", { value: 42 })', c);
t('read-only through global', () => vm.runInContext('"use strict"; x = 0', c));
t('read-only sloppy', () => vm.runInContext('x = 0; x', c));
const sb = {}; Object.defineProperty(sb, 'ro', { value: 1, enumerable: true }); vm.createContext(sb);
t('sandbox read-only inside', () => vm.runInContext('"use strict"; ro = 0', sb));
t('sandbox read-only outside', () => { 'use strict'; vm.runInContext('this', sb).ro = 2; });
t('redefine', () => vm.runInContext('"use strict"; Object.defineProperty(this, "ro", { value: 0 })', sb));
t('frozen', () => vm.runInNewContext('"use strict"; const o = Object.freeze({ a: 1 }); o.a = 2'));
t('frozen array', () => vm.runInNewContext('"use strict"; const o = Object.freeze([1]); o[0] = 2'));
t('class instance', () => vm.runInNewContext('"use strict"; class K {}; const k = Object.freeze(new K()); k.a = 2'));
t('proxy', () => vm.runInNewContext('p = 6', new Proxy({}, { getOwnPropertyDescriptor: () => ({}) })));
const self = vm.createContext(); self.window = self;
t('window', () => [vm.runInContext('this === window', self), vm.runInContext('this', self).window === vm.runInContext('this', self)].join(' '));
const g = vm.runInContext('this', vm.createContext());
g[Symbol.for('t')] = 1;
t('symbols', () => [Object.getOwnPropertySymbols(g).length, Symbol.for('t') in g].join(' '));
const m = new vm.SourceTextModule('const a = 1'); await m.link(() => {}); m.evaluate();
t('cached data', () => m.createCachedData());
const foo = new vm.SourceTextModule('export const a = 1;'); await foo.link(() => {}); await foo.evaluate();
await new vm.Script('import("x", { with: { k: "v" } })', { importModuleDynamically: (s, w, a) => { console.log('attributes', Object.getPrototypeOf(a) === null, a.k); return foo; } }).runInThisContext();
let done = false;
new vm.Script('import("y")', { importModuleDynamically: async () => foo }).runInThisContext().then(() => { done = true; });
let turns = 0; while (!done && turns < 10000) { await undefined; turns++; }
console.log('import settled while awaiting in a loop:', done, turns < 20);
t('export at the end', () => new vm.SourceTextModule('const x = 1; export { x }').status);
"#);
    let ours = jsvm(dir.path(), &["peer.mjs"]);
    let theirs = node(dir.path(), &["--experimental-vm-modules", "--no-warnings", "peer.mjs"]);
    assert_eq!(text(&ours.stdout), text(&theirs.stdout), "stderr: {}", text(&ours.stderr));
    assert_eq!(ours.status.code(), theirs.status.code());
}

#[test]
fn engine_errors_read_as_v8_words_them_and_belong_to_the_context() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "wording.mjs", r#"import vm from 'node:vm';
const ctx = vm.createContext({});
const own = vm.runInContext('this', ctx);
const check = (code) => {
  try { vm.runInContext(code, ctx, { timeout: 100 }); console.log('no error:', code); }
  catch (e) { console.log(`${e.name} [main realm: ${e instanceof Error}, context's: ${e instanceof own[e.name]}]: ${e.message}`); }
};
const script = new vm.Script('let once = 1');
script.runInContext(ctx);
try { script.runInContext(ctx); } catch (e) { console.log('rerun:', e.name, e instanceof own.SyntaxError, e.message); }
for (const code of [
  'let q = 1', 'let q = 2', 'var q', 'let a = 1; let a = 2;',
  'while (true) {}',
  'undefined.x', 'null.foo', 'let u; u["key"]', 'const c = 1; c = 2;', 'new Array(-1)', 'class K {}; K()',
  '"a".repeat(-1)', '1n + 1', '"a" in 5', '`${Symbol()}`', '[].reduce((a, b) => a)', 'Object.defineProperty(1, "a", {})',
  'var ;', 'let b = 2 error;', 'x = "str" "more"', 'f(1 2)', 'var x = ', '({a:1', '"unterminated',
  'a b', 'var if = 1', 'return 1', '@',
]) check(code);
"#);
    same_as_node(dir.path(), "wording.mjs");
}
