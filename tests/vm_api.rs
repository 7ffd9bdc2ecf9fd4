//! The Rust API end to end: contexts, scripts, functions, values by handle,
//! host functions, errors with Node's codes, and recovery after traps.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use jsvm::{
    ContextOptions, Error, FunctionOptions, JsException, ObjectKind, ProgramKind, RunOptions, ScriptOptions, Value, Vm,
};

#[test]
fn eval_converts_results_to_rust_types() {
    let mut vm = Vm::new().unwrap();
    let ctx = vm.create_context().unwrap();
    let n: f64 = vm.eval(&ctx, "6 * 7").unwrap();
    assert_eq!(n, 42.0);
    let s: String = vm.eval(&ctx, "'a' + 'b'").unwrap();
    assert_eq!(s, "ab");
    let b: bool = vm.eval(&ctx, "1 < 2").unwrap();
    assert!(b);
    let none: Option<f64> = vm.eval(&ctx, "undefined").unwrap();
    assert_eq!(none, None);
    let mismatch = vm.eval::<f64>(&ctx, "'not a number'").unwrap_err();
    assert!(matches!(mismatch, Error::Type(_)), "{mismatch}");
}

/// A script's value is its last value-producing statement's, as ECMA-262
/// defines it: calls made after it (here through the contextified global's
/// Proxy traps, or a function call in a `var` initialiser) do not replace
/// it, and `if`/loops that yield nothing give `undefined` (the Boa patch
/// `guest/patches/boa_engine-0.22.0-values.patch`).
#[test]
fn completion_values_follow_the_specification() {
    let mut vm = Vm::new().unwrap();
    let ctx = vm.create_context().unwrap();
    let cases: [(&str, Option<f64>); 7] = [
        ("1; var z = 2;", Some(1.0)),
        ("2; var w = (function () { return 5; })();", Some(2.0)),
        ("for (var i = 0; i < 3; i++) i * 10", Some(20.0)),
        ("8; if (false) 9;", None),
        ("8; while (false);", None),
        ("8; lbl: {}", Some(8.0)),
        ("8; debugger;", Some(8.0)),
    ];
    for (code, expected) in cases {
        let value: Option<f64> = vm.eval(&ctx, code).unwrap();
        assert_eq!(value, expected, "{code}");
    }
}

#[test]
fn contexts_are_isolated_and_keep_state() {
    let mut vm = Vm::new().unwrap();
    let a = vm.create_context().unwrap();
    let b = vm.create_context().unwrap();
    vm.run_in_context(&a, "var shared = 1; let lexical = 2; Array.prototype.extra = 3;").unwrap();
    assert_eq!(vm.eval::<String>(&b, "typeof shared + ' ' + typeof [].extra").unwrap(), "undefined undefined");
    assert_eq!(vm.eval::<f64>(&a, "shared + lexical + [].extra").unwrap(), 6.0);
}

#[test]
fn context_object_is_live_both_ways() {
    let mut vm = Vm::new().unwrap();
    let ctx = vm.create_context().unwrap();
    vm.set_global(&ctx, "x", 2).unwrap();
    vm.run_in_context(&ctx, "x += 40; var y = 'new'").unwrap();
    let global = vm.context_object(&ctx).unwrap();
    assert!(matches!(vm.get(&global, "x").unwrap(), Value::Number(n) if n == 42.0));
    assert!(matches!(vm.get(&global, "y").unwrap(), Value::String(s) if s == "new"));
    assert_eq!(vm.keys(&global).unwrap(), vec!["x".to_string(), "y".to_string()]);
}

#[test]
fn objects_cross_by_handle_with_identity() {
    let mut vm = Vm::new().unwrap();
    let ctx = vm.create_context().unwrap();
    let list = vm.eval::<jsvm::Object>(&ctx, "globalThis.list = [1, 2]; list").unwrap();
    assert_eq!(list.kind(), ObjectKind::Array);
    vm.set_global(&ctx, "again", list.clone()).unwrap();
    assert!(vm.eval::<bool>(&ctx, "again === list").unwrap());
    vm.set(&list, "2", 3).unwrap();
    assert_eq!(vm.eval::<String>(&ctx, "list.join(',')").unwrap(), "1,2,3");
}

#[test]
fn guest_functions_are_callable_from_rust() {
    let mut vm = Vm::new().unwrap();
    let ctx = vm.create_context().unwrap();
    let add = vm.eval::<jsvm::Object>(&ctx, "(a, b) => a + b").unwrap();
    assert!(add.is_function());
    let sum = vm.call_function(&add, &[Value::from(40), Value::from(2)]).unwrap();
    assert!(matches!(sum, Value::Number(n) if n == 42.0));
}

#[test]
fn host_functions_receive_arguments_and_can_throw() {
    let mut vm = Vm::new().unwrap();
    let ctx = vm.create_context().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = {
        let seen = seen.clone();
        vm.function(move |args| {
            let mut seen = seen.lock().unwrap();
            for arg in args {
                seen.push(format!("{arg:?}"));
            }
            Ok(Value::from(seen.len() as u32))
        })
    };
    let fail = vm.function(|_| Err(JsException::new("RangeError", "nope").with_code("ERR_HOST")));
    vm.set_global(&ctx, "record", record).unwrap();
    vm.set_global(&ctx, "fail", fail).unwrap();
    assert_eq!(vm.eval::<f64>(&ctx, "record(1, 'two')").unwrap(), 2.0);
    assert_eq!(seen.lock().unwrap().as_slice(), ["Number(1.0)", "String(\"two\")"]);
    let caught: String = vm.eval(&ctx, "try { fail() } catch (e) { e.name + ' ' + e.message + ' ' + e.code }").unwrap();
    assert_eq!(caught, "RangeError nope ERR_HOST");
}

#[test]
fn exceptions_carry_name_message_stack_and_code() {
    let mut vm = Vm::new().unwrap();
    let ctx = vm.create_context().unwrap();
    let options = RunOptions { filename: Some("thrower.js".into()), display_errors: false, ..Default::default() };
    let err = vm.run_in_context_with(&ctx, "\nthrow new TypeError('bad')", &options).unwrap_err();
    let js = err.as_js().expect("a JS exception");
    assert_eq!((js.name.as_str(), js.message.as_str()), ("TypeError", "bad"));
    assert!(js.stack.starts_with("TypeError: bad\n"), "{}", js.stack);
    assert!(js.stack.contains("thrower.js:2:"), "{}", js.stack);

    let zero = RunOptions { timeout: Some(Duration::ZERO), ..Default::default() };
    let err = vm.run_in_context_with(&ctx, "1", &zero).unwrap_err();
    assert_eq!(err.code(), Some("ERR_OUT_OF_RANGE"));

    let syntax = vm.run_in_context(&ctx, "var = ;").unwrap_err();
    assert_eq!(syntax.as_js().unwrap().name, "SyntaxError");
}

#[test]
fn scripts_compile_once_and_run_anywhere() {
    let mut vm = Vm::new().unwrap();
    let script = vm
        .compile_script("typeof marker + ':' + (globalThis.count = (globalThis.count || 0) + 1)", &ScriptOptions::default())
        .unwrap();
    let a = vm.create_context().unwrap();
    let b = vm.create_context().unwrap();
    vm.set_global(&b, "marker", 1).unwrap();
    let run = |vm: &mut Vm, ctx| vm.run_script(&script, ctx, &RunOptions::default()).unwrap();
    assert!(matches!(run(&mut vm, &a), Value::String(s) if s == "undefined:1"));
    assert!(matches!(run(&mut vm, &a), Value::String(s) if s == "undefined:2"));
    assert!(matches!(run(&mut vm, &b), Value::String(s) if s == "number:1"));

    let data = vm.create_cached_data(&script).unwrap();
    assert_eq!(vm.cached_data_rejected(&script).unwrap(), None);
    let same = "typeof marker + ':' + (globalThis.count = (globalThis.count || 0) + 1)";
    let accepted = vm.compile_script(same, &ScriptOptions { cached_data: Some(data.clone()), ..Default::default() }).unwrap();
    assert_eq!(vm.cached_data_rejected(&accepted).unwrap(), Some(false));
    let other = vm.compile_script("1", &ScriptOptions { cached_data: Some(data), ..Default::default() }).unwrap();
    assert_eq!(vm.cached_data_rejected(&other).unwrap(), Some(true));

    let mapped = vm.compile_script("1\n//# sourceMappingURL=x.map", &ScriptOptions::default()).unwrap();
    assert_eq!(vm.source_map_url(&mapped).unwrap().as_deref(), Some("x.map"));
}

#[test]
fn compile_function_sees_its_parsing_context_and_extensions() {
    let mut vm = Vm::new().unwrap();
    let ctx = vm.create_context().unwrap();
    vm.set_global(&ctx, "base", 100).unwrap();
    let ext = vm.eval::<jsvm::Object>(&ctx, "({ bonus: 5 })").unwrap();
    let options = FunctionOptions {
        parsing_context: Some(ctx.clone()),
        context_extensions: vec![Value::Object(ext)],
        ..Default::default()
    };
    let f = vm.compile_function("return base + bonus + n;", &["n"], &options).unwrap();
    let result = vm.call_function(&f, &[Value::from(1)]).unwrap();
    assert!(matches!(result, Value::Number(n) if n == 106.0));
}

#[test]
fn dont_contextify_gives_an_ordinary_global() {
    let mut vm = Vm::new().unwrap();
    let options = ContextOptions { dont_contextify: true, ..Default::default() };
    let ctx = vm.create_context_with(None, &options).unwrap();
    let global = vm.context_object(&ctx).unwrap();
    assert!(vm.is_context(&Value::Object(global.clone())).unwrap());
    assert!(matches!(vm.get(&global, "Array").unwrap(), Value::Object(_)));
    let ordinary = vm.eval::<jsvm::Object>(&ctx, "({})").unwrap();
    assert!(!vm.is_context(&Value::Object(ordinary)).unwrap());
}

#[test]
fn code_generation_can_be_disallowed() {
    let mut vm = Vm::new().unwrap();
    let options = ContextOptions { allow_strings: false, ..Default::default() };
    let ctx = vm.create_context_with(None, &options).unwrap();
    let name: String = vm.eval(&ctx, "try { eval('1') } catch (e) { e.name }").unwrap();
    assert_eq!(name, "EvalError");
}

#[test]
fn console_lines_reach_the_builder_callback() {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    let mut vm = Vm::builder()
        .console(move |level, text| sink.lock().unwrap().push(format!("{level:?} {text}")))
        .build()
        .unwrap();
    vm.run_main("console.log('hi', 1, [2]); console.error('oops')", "main.js", ProgramKind::Script).unwrap();
    assert_eq!(lines.lock().unwrap().as_slice(), ["Log hi 1 [ 2 ]", "Error oops"]);
}

#[test]
fn main_program_modules_import_node_vm() {
    let mut vm = Vm::builder().console(|_, _| {}).build().unwrap();
    let source = "import vm, { runInNewContext } from 'node:vm';\n\
                  if (vm.runInNewContext('1 + 1') !== 2 || runInNewContext('3') !== 3) throw new Error('wrong');";
    vm.run_main(source, "main.mjs", ProgramKind::Module).unwrap();
    let err = vm.run_main("await Promise.reject(new RangeError('late'))", "tla.mjs", ProgramKind::Module).unwrap_err();
    assert_eq!(err.as_js().unwrap().name, "RangeError");
}

#[test]
fn a_trap_rebuilds_the_vm_and_stales_old_handles() {
    let mut vm = Vm::builder().fuel(false).console(|_, _| {}).build().unwrap();
    let ctx = vm.create_context().unwrap();
    vm.run_in_context(&ctx, "var kept = 1").unwrap();
    // A native that never reaches a checkpoint (a naive search of 16 MiB)
    // is stopped by force: a trap.
    let stuck = "var s = 'a'.repeat(2 ** 24); s.indexOf('a'.repeat(2 ** 14) + 'b')";
    let options = jsvm::RunOptions { timeout: Some(std::time::Duration::from_millis(50)), ..Default::default() };
    let err = vm.run_in_context_with(&ctx, stuck, &options).unwrap_err();
    assert!(matches!(err, Error::StateLost { .. }), "{err}");
    let stale = vm.run_in_context(&ctx, "kept").unwrap_err();
    assert!(matches!(stale, Error::Stale { what: "context" }), "{stale}");
    let fresh = vm.create_context().unwrap();
    assert_eq!(vm.eval::<f64>(&fresh, "1 + 1").unwrap(), 2.0);
}

#[test]
fn deeply_nested_input_is_a_range_error_and_the_context_survives() {
    let mut vm = Vm::new().unwrap();
    let ctx = vm.create_context().unwrap();
    vm.run_in_context(&ctx, "var kept = 1").unwrap();
    let nested = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    match vm.run_in_context(&ctx, &nested).unwrap_err() {
        Error::Js(e) => assert_eq!((e.name.as_str(), e.message.as_str()), ("RangeError", "Maximum call stack size exceeded")),
        other => panic!("100,000 nested arrays: {other}"),
    }
    assert_eq!(vm.eval::<f64>(&ctx, "kept + 1").unwrap(), 2.0);
}

/// `console.log` and the REPL render values as Node's inspect does for the
/// common kinds: promises with their state, maps, sets, null-prototype
/// objects, class instances, dates and module namespaces.
#[test]
fn values_display_like_nodes_inspect() {
    let mut vm = Vm::new().unwrap();
    let ctx = vm.create_context().unwrap();
    let cases = [
        ("Promise.resolve(3)", "Promise { 3 }"),
        ("new Promise(() => {})", "Promise { <pending> }"),
        ("new Map([[1, 'a']])", "Map(1) { 1 => 'a' }"),
        ("new Set([1, 2])", "Set(2) { 1, 2 }"),
        ("Object.assign(Object.create(null), { a: 1 })", "[Object: null prototype] { a: 1 }"),
        ("new (class Foo { constructor() { this.x = 1; } })()", "Foo { x: 1 }"),
        ("new Date(0)", "1970-01-01T00:00:00.000Z"),
        ("(() => {})", "[Function (anonymous)]"),
    ];
    for (code, expected) in cases {
        let value = vm.run_in_context(&ctx, code).unwrap();
        assert_eq!(vm.display(&value).unwrap(), expected, "{code}");
    }
}

/// Top-level declarations reach the context object as Node's interceptors
/// put them there (a `var` without a value does not), and a context's own
/// `console` exists but prints nothing, as V8's does.
#[test]
fn declarations_and_console_in_a_context_follow_node() {
    let printed = Arc::new(Mutex::new(Vec::new()));
    let sink = printed.clone();
    let mut vm = Vm::builder().console(move |_, text| sink.lock().unwrap().push(text.to_string())).build().unwrap();
    let ctx = vm.create_context().unwrap();
    vm.run_in_context(&ctx, "var late = 1; var undef; function decl() {} console.log('hidden')").unwrap();
    let object = vm.context_object(&ctx).unwrap();
    assert_eq!(vm.keys(&object).unwrap(), ["decl", "late"]);
    let configurable: bool = vm.eval(&ctx, "Object.getOwnPropertyDescriptor(this, 'late') !== undefined").unwrap();
    assert!(configurable);
    let after_delete: String = vm.eval(&ctx, "[delete globalThis.late, typeof late].join()").unwrap();
    assert_eq!(after_delete, "false,number");
    assert!(printed.lock().unwrap().is_empty(), "a context's console printed {:?}", printed.lock().unwrap());
    vm.run_main("console.log('shown')", "main.js", ProgramKind::Script).unwrap();
    assert_eq!(*printed.lock().unwrap(), ["shown"]);
}

/// Node's exact words for invalid arguments and syntax errors, as programs
/// see them through the in-guest `node:vm`.
#[test]
fn argument_errors_and_syntax_carets_read_as_in_node() {
    let printed = Arc::new(Mutex::new(Vec::new()));
    let sink = printed.clone();
    let mut vm = Vm::builder().console(move |_, text| sink.lock().unwrap().push(text.to_string())).build().unwrap();
    let program = r#"
        import vm from 'node:vm';
        const attempts = [
          () => new vm.Script('1', { importModuleDynamically: 5 }),
          () => new vm.Script('1', { cachedData: 'x' }),
          () => vm.runInContext('1', {}),
          () => vm.createContext(function f() {}),
          () => new vm.Script('let let = 1', { filename: 's.js' }),
          () => new vm.Script('foo(', { filename: 's.js' }),
        ];
        for (const attempt of attempts) {
          try { attempt(); } catch (e) { console.log(e.code ? e.message : e.stack.split('\n').slice(0, 3).join('|')); }
        }
    "#;
    vm.run_main(program, "/main.mjs", ProgramKind::Module).unwrap();
    let printed = printed.lock().unwrap();
    assert_eq!(printed[0], "The \"options.importModuleDynamically\" property must be of type function. Received type number (5)");
    assert_eq!(printed[1], "The \"options.cachedData\" property must be an instance of Buffer, TypedArray, or DataView. Received type string ('x')");
    assert_eq!(printed[2], "The \"contextifiedObject\" argument must be an vm.Context. Received an instance of Object");
    assert_eq!(printed[3], "The \"object\" argument must be of type object. Received function f");
    assert_eq!(printed[4], "s.js:1|let let = 1|    ^^^");
    assert_eq!(printed[5], "s.js:1|foo(|    ");
}

/// Binary objects cross by value (a copy of their bytes, of the same kind),
/// and `Symbol.for` symbols by their key.
#[test]
fn binary_objects_and_registered_symbols_cross_by_value() {
    use jsvm::{ByteKind, Bytes};
    let mut vm = Vm::new().unwrap();
    let ctx = vm.create_context().unwrap();
    let value = vm.run_in_context(&ctx, "new Uint16Array([1, 258]).subarray(1)").unwrap();
    assert_eq!(value_bytes(value), Bytes { kind: ByteKind::Uint16Array, data: vec![2, 1] });
    vm.set_global(&ctx, "input", Bytes::uint8_array([7, 8, 9])).unwrap();
    let text: String = vm.eval(&ctx, "Object.prototype.toString.call(input) + input.join()").unwrap();
    assert_eq!(text, "[object Uint8Array]7,8,9");
    let raw = vm.run_in_context(&ctx, "new Uint8Array([5]).buffer").unwrap();
    assert_eq!(value_bytes(raw), Bytes { kind: ByteKind::ArrayBuffer, data: vec![5] });
    let symbol = vm.run_in_context(&ctx, "Symbol.for('shared')").unwrap();
    vm.set_global(&ctx, "back", symbol).unwrap();
    let same: bool = vm.eval(&ctx, "back === Symbol.for('shared')").unwrap();
    assert!(same);
}

fn value_bytes(value: Value) -> jsvm::Bytes {
    match value {
        Value::Bytes(bytes) => bytes,
        other => panic!("expected bytes, got {other:?}"),
    }
}

/// Every Vm starts from the guest pre-initialised at build time
/// (host/build/preinit.rs), but what must differ per Vm does: `Math.random`
/// is seeded on first use, and the clocks start at the Vm's first call, not
/// when the snapshot was taken.
#[test]
fn vms_from_the_pre_initialised_guest_have_their_own_random_and_clocks() {
    let randoms: Vec<String> = (0..2)
        .map(|_| {
            let mut vm = Vm::new().unwrap();
            let ctx = vm.create_context().unwrap();
            vm.eval(&ctx, "String([Math.random(), Math.random()])").unwrap()
        })
        .collect();
    assert_ne!(randoms[0], randoms[1]);

    let mut vm = Vm::builder().console(|_, _| {}).build().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let host_now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as f64;
    let readings = vm.run_main("[performance.now(), performance.timeOrigin, Date.now()]", "clocks.js", ProgramKind::Script).unwrap();
    let [since_start, origin, date] = [0, 1, 2].map(|i| match &readings {
        Value::Object(array) => match vm.get(array, &i.to_string()).unwrap() {
            Value::Number(n) => n,
            other => panic!("reading {i}: {other:?}"),
        },
        other => panic!("{other:?}"),
    });
    assert!((0.0..250.0).contains(&since_start), "performance.now() at the first call: {since_start} ms");
    assert!((origin - host_now).abs() < 250.0, "timeOrigin {origin} vs the host's {host_now}");
    assert!((date - host_now).abs() < 1_000.0, "Date.now() {date} vs the host's {host_now}");
}

/// A source run before, and a compiled Script, run through the guest's
/// fast path (guest/src/fast_run.rs): the second run of each must give
/// what the first (through the node:vm layer) gave — values, errors with
/// their decorated stacks, file names, timeouts — and options the layer
/// rejects are still rejected.
#[test]
fn repeated_runs_give_what_the_first_run_gave() {
    let mut vm = Vm::builder().console(|_, _| {}).build().unwrap();
    let ctx = vm.create_context().unwrap();
    vm.run_in_context(&ctx, "var n = 0").unwrap();
    let counts: Vec<f64> = (0..3).map(|_| vm.eval(&ctx, "n += 1").unwrap()).collect();
    assert_eq!(counts, [1.0, 2.0, 3.0]);

    let named = RunOptions { filename: Some("named.js".into()), ..RunOptions::default() };
    let errors: Vec<JsException> = (0..2)
        .map(|_| vm.run_in_context_with(&ctx, "null.x", &named).unwrap_err().as_js().unwrap().clone())
        .collect();
    assert_eq!(errors[0].name, "TypeError");
    assert_eq!((&errors[0].message, &errors[0].stack), (&errors[1].message, &errors[1].stack));
    assert!(errors[1].stack.starts_with("named.js:1\nnull.x\n"), "{}", errors[1].stack);
    let quiet = RunOptions { display_errors: false, ..named.clone() };
    let undecorated = vm.run_in_context_with(&ctx, "null.x", &quiet).unwrap_err();
    assert!(undecorated.as_js().unwrap().stack.starts_with("TypeError"), "{}", undecorated.as_js().unwrap().stack);

    let script = vm.compile_script("n += 10", &ScriptOptions::default()).unwrap();
    let other = vm.create_context().unwrap();
    vm.run_in_context(&other, "var n = 100").unwrap();
    for (context, expected) in [(&ctx, 13.0), (&other, 110.0), (&ctx, 23.0), (&other, 120.0)] {
        let value = vm.run_script(&script, context, &RunOptions::default()).unwrap();
        assert!(matches!(value, Value::Number(n) if n == expected), "{value:?}");
    }

    let spin = vm.compile_script("for (;;) {}", &ScriptOptions::default()).unwrap();
    let timeout = RunOptions { timeout: Some(Duration::from_millis(20)), ..RunOptions::default() };
    for _ in 0..2 {
        let err = vm.run_script(&spin, &ctx, &timeout).unwrap_err();
        assert_eq!(err.code(), Some("ERR_SCRIPT_EXECUTION_TIMEOUT"), "{err}");
        let err = vm.run_in_context_with(&ctx, "for (;;) {}", &timeout).unwrap_err();
        assert_eq!(err.code(), Some("ERR_SCRIPT_EXECUTION_TIMEOUT"), "{err}");
    }
    let zero = RunOptions { timeout: Some(Duration::ZERO), ..RunOptions::default() };
    assert_eq!(vm.run_in_context_with(&ctx, "n", &zero).unwrap_err().code(), Some("ERR_OUT_OF_RANGE"));
    assert_eq!(vm.run_script(&script, &ctx, &zero).unwrap_err().code(), Some("ERR_OUT_OF_RANGE"));
    assert!(matches!(vm.run_in_context(&ctx, "n").unwrap(), Value::Number(23.0)));
}
