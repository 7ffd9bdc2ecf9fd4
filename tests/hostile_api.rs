//! Junk handed to the Rust API's entry points (issue #9): handles from
//! another Vm or from a lost state, malformed values, option values out of
//! range, odd strings, and host functions used where they do not belong.
//! Each ends in a clear error (Node's `code` where Node has one) and the
//! same Vm still answers afterwards, in the context it had.

use std::time::Duration;

use jsvm::{
    Context, ContextOptions, Error, FunctionOptions, ModuleOptions, RunOptions, ScriptOptions, Value, Vm,
};

/// A Vm with a context holding some state, to check after each junk call.
fn vm_with_state() -> (Vm, Context) {
    let mut vm = Vm::builder().console(|_, _| {}).build().unwrap();
    let ctx = vm.create_context().unwrap();
    vm.run_in_context(&ctx, "var kept = 41").unwrap();
    (vm, ctx)
}

fn assert_still_answers(vm: &mut Vm, ctx: &Context, after: &str) {
    let got: f64 = vm.eval(ctx, "kept + 1").unwrap_or_else(|e| panic!("after {after}: {e}"));
    assert_eq!(got, 42.0, "after {after}");
}

/// `name: message` and code of a JavaScript error; panics on any other error.
fn js_error(result: jsvm::Result<impl std::fmt::Debug>, what: &str) -> (String, Option<String>) {
    match result {
        Err(Error::Js(e)) => (format!("{}: {}", e.name, e.message), e.code),
        other => panic!("{what}: expected a JavaScript error, got {other:?}"),
    }
}

#[test]
fn handles_from_another_vm_are_refused_and_both_vms_go_on() {
    let (mut vm, ctx) = vm_with_state();
    let (mut other, other_ctx) = vm_with_state();
    let foreign_object = other.context_object(&other_ctx).unwrap();
    let foreign_script = other.compile_script("kept", &ScriptOptions::default()).unwrap();
    let foreign_function = other.compile_function("return 1", &[], &FunctionOptions::default()).unwrap();
    let foreign_symbol: Value = other.run_in_context(&other_ctx, "Symbol('mine')").unwrap();
    let foreign_module = other.create_module("export const x = 1;", &ModuleOptions::default()).unwrap();

    let stale = |result: jsvm::Result<()>, what: &str| match result {
        Err(Error::Stale { .. }) => {}
        other => panic!("{what}: expected a stale-handle error, got {other:?}"),
    };
    stale(vm.run_in_context(&other_ctx, "1").map(drop), "run_in_context");
    stale(vm.context_object(&other_ctx).map(drop), "context_object");
    stale(vm.run_script(&foreign_script, &ctx, &RunOptions::default()).map(drop), "run_script (script)");
    let own_script = vm.compile_script("kept", &ScriptOptions::default()).unwrap();
    stale(vm.run_script(&own_script, &other_ctx, &RunOptions::default()).map(drop), "run_script (context)");
    stale(vm.create_cached_data(&foreign_script).map(drop), "create_cached_data");
    stale(vm.get(&foreign_object, "kept").map(drop), "get");
    stale(vm.set(&foreign_object, "kept", 1), "set (target)");
    let own_object = vm.context_object(&ctx).unwrap();
    stale(vm.set(&own_object, "stolen", foreign_object.clone()), "set (value)");
    stale(vm.set(&own_object, "stolen", foreign_symbol.clone()), "set (symbol)");
    stale(vm.keys(&foreign_object).map(drop), "keys");
    stale(vm.call_function(&foreign_function, &[]).map(drop), "call_function (function)");
    let own_function = vm.compile_function("return 1", &[], &FunctionOptions::default()).unwrap();
    stale(vm.call_function(&own_function, &[Value::Object(foreign_object.clone())]).map(drop), "call_function (argument)");
    stale(vm.display(&Value::Object(foreign_object.clone())).map(drop), "display");
    stale(vm.is_context(&Value::Object(foreign_object.clone())).map(drop), "is_context");
    stale(vm.create_context_with(Some(&foreign_object), &ContextOptions::default()).map(drop), "create_context_with");
    let options = FunctionOptions { parsing_context: Some(other_ctx.clone()), ..Default::default() };
    stale(vm.compile_function("return 1", &[], &options).map(drop), "compile_function (parsing context)");
    let options = FunctionOptions { context_extensions: vec![Value::Object(foreign_object.clone())], ..Default::default() };
    stale(vm.compile_function("return 1", &[], &options).map(drop), "compile_function (extensions)");
    let options = ModuleOptions { context: Some(other_ctx.clone()), ..Default::default() };
    stale(vm.create_module("export {}", &options).map(drop), "create_module");
    stale(vm.module_status(&foreign_module).map(drop), "module_status");
    stale(vm.evaluate_module(&foreign_module, &RunOptions::default()).map(drop), "evaluate_module");

    assert_still_answers(&mut vm, &ctx, "foreign handles");
    assert_still_answers(&mut other, &other_ctx, "foreign handles (their own Vm)");
}

#[test]
fn handles_from_a_lost_state_are_refused_and_the_rebuilt_vm_serves() {
    let mut vm = Vm::builder().fuel(false).console(|_, _| {}).build().unwrap();
    let ctx = vm.create_context().unwrap();
    let object = vm.context_object(&ctx).unwrap();
    let script = vm.compile_script("1", &ScriptOptions::default()).unwrap();
    // A native that never reaches a checkpoint (a naive search of 16 MiB):
    // the forced stop, a trap, is the last line of defence.
    let stuck = "var s = 'a'.repeat(2 ** 24); s.indexOf('a'.repeat(2 ** 14) + 'b')";
    let options = RunOptions { timeout: Some(std::time::Duration::from_millis(50)), ..RunOptions::default() };
    let lost = vm.run_in_context_with(&ctx, stuck, &options).unwrap_err();
    assert!(matches!(lost, Error::StateLost { .. }), "{lost}");
    assert_eq!(lost.code(), Some("ERR_SCRIPT_EXECUTION_TIMEOUT"));
    assert!(matches!(vm.run_in_context(&ctx, "1"), Err(Error::Stale { what: "context" })));
    assert!(matches!(vm.get(&object, "x"), Err(Error::Stale { what: "object" })));
    assert!(matches!(vm.run_script(&script, &ctx, &RunOptions::default()), Err(Error::Stale { .. })));
    // Dropping the old handles is harmless; the rebuilt Vm serves new ones.
    drop((ctx, object, script));
    let fresh = vm.create_context().unwrap();
    assert_eq!(vm.eval::<f64>(&fresh, "6 * 7").unwrap(), 42.0);
}

#[test]
fn malformed_values_end_in_errors_not_traps() {
    let (mut vm, ctx) = vm_with_state();
    let object = vm.context_object(&ctx).unwrap();
    // BigInt digits that are not a number.
    for junk in ["12x", "0x", "--1", "1.5", "1".repeat(100_000).as_str()] {
        let result = vm.set(&object, "big", Value::BigInt(junk.to_string()));
        if junk.chars().all(|c| c.is_ascii_digit()) {
            result.unwrap_or_else(|e| panic!("BigInt {} digits: {e}", junk.len()));
            assert_eq!(vm.eval::<String>(&ctx, "typeof big").unwrap(), "bigint");
        } else {
            let (message, _) = js_error(result, &format!("BigInt {junk:?}"));
            assert!(message.starts_with("SyntaxError: "), "BigInt {junk:?}: {message}");
        }
        assert_still_answers(&mut vm, &ctx, &format!("BigInt {junk:?}"));
    }
    // Non-finite and negative zero numbers round-trip.
    for n in [f64::NAN, f64::INFINITY, -0.0, f64::MIN_POSITIVE] {
        vm.set(&object, "n", n).unwrap();
        let back: f64 = vm.eval(&ctx, "n").unwrap();
        assert!(back.to_bits() == n.to_bits() || (n.is_nan() && back.is_nan()), "{n}");
    }
    // Odd keys are ordinary keys; `__proto__` is JavaScript's accessor, so
    // setting it to a string changes nothing, as `o.__proto__ = 'v'` would.
    for key in ["", "constructor", "\0", "prototype", "😀", "a\u{2028}b", "\u{fffe}"] {
        vm.set(&object, key, "v").unwrap_or_else(|e| panic!("set {key:?}: {e}"));
        let got = vm.get(&object, key).unwrap();
        assert!(matches!(got, Value::String(ref s) if s == "v"), "get {key:?}: {got:?}");
    }
    vm.set(&object, "__proto__", "v").unwrap();
    assert!(matches!(vm.get(&object, "__proto__").unwrap(), Value::Object(_)));
    // Calling what is not a function.
    let (message, _) = js_error(vm.call_function(&object, &[]), "call a plain object");
    assert!(message.starts_with("TypeError: "), "{message}");
    assert_still_answers(&mut vm, &ctx, "malformed values");
}

#[test]
fn host_functions_out_of_place_end_in_errors() {
    let (mut vm, ctx) = vm_with_state();
    let mut other = Vm::builder().console(|_, _| {}).build().unwrap();
    // The other Vm has three host functions; this one has one, so the
    // third of the other's names nothing here.
    let _ = other.function(|_| Ok(Value::Number(1.0)));
    let _ = other.function(|_| Ok(Value::Number(2.0)));
    let foreign = other.function(|_| Ok(Value::Number(3.0)));
    let own = vm.function(|args| Ok(Value::Number(args.len() as f64)));
    vm.set_global(&ctx, "own", own).unwrap();
    // Another Vm's host function would name another function here (or none).
    let refused = vm.set_global(&ctx, "foreign", foreign);
    assert!(matches!(refused, Err(Error::Stale { what: "host function" })), "{refused:?}");
    let other_ctx = other.create_context().unwrap();
    let refused = other.set_global(&other_ctx, "own", own);
    assert!(matches!(refused, Err(Error::Stale { what: "host function" })), "{refused:?}");
    // A host function called in every way JavaScript can call it.
    let got: String = vm
        .eval(&ctx, "[own(), own(1, 2), own.call(null, 1), own.apply(null, [1, 2, 3]), Reflect.apply(own, 1, [])].join()")
        .unwrap();
    assert_eq!(got, "0,2,1,3,0");
    let (message, _) = js_error(vm.run_in_context(&ctx, "new own()"), "new on a host function");
    assert!(message.starts_with("TypeError: "), "{message}");
    // A host function handed 100,000 arguments, and as a getter that
    // re-enters itself through the guest.
    let got: f64 = vm.eval(&ctx, "own(...new Array(100000).fill(0))").unwrap();
    assert_eq!(got, 100_000.0);
    let got: f64 = vm
        .eval(&ctx, "var o = {}; Object.defineProperty(o, 'g', { get: () => own(o.h) }); Object.defineProperty(o, 'h', { get: () => own(1, 2) }); o.g")
        .unwrap();
    assert_eq!(got, 1.0);
    assert_still_answers(&mut vm, &ctx, "host functions out of place");
}

#[test]
fn option_values_out_of_range_get_node_codes() {
    let (mut vm, ctx) = vm_with_state();
    // node:vm: `timeout` must be a positive integer.
    let zero = RunOptions { timeout: Some(Duration::ZERO), ..Default::default() };
    let (message, code) = js_error(vm.run_in_context_with(&ctx, "1", &zero), "timeout 0");
    assert_eq!(code.as_deref(), Some("ERR_OUT_OF_RANGE"), "{message}");
    // A timeout longer than node:vm's maximum is that maximum; a
    // sub-millisecond one is a millisecond.
    let huge = RunOptions { timeout: Some(Duration::MAX), ..Default::default() };
    assert_eq!(vm.run_in_context_with(&ctx, "kept", &huge).map(|v| matches!(v, Value::Number(n) if n == 41.0)).unwrap(), true);
    let tiny = RunOptions { timeout: Some(Duration::from_micros(10)), ..Default::default() };
    let (message, code) = js_error(vm.run_in_context_with(&ctx, "for (;;) {}", &tiny), "timeout 10 µs");
    assert_eq!(code.as_deref(), Some("ERR_SCRIPT_EXECUTION_TIMEOUT"), "{message}");
    // A fuel budget of nothing stops at once.
    let no_fuel = RunOptions { fuel: Some(0), ..Default::default() };
    let (_, code) = js_error(vm.run_in_context_with(&ctx, "for (;;) {}", &no_fuel), "fuel 0");
    assert_eq!(code.as_deref(), Some("ERR_SCRIPT_EXECUTION_TIMEOUT"));
    // Offsets far out of range, on scripts and functions.
    for offset in [i32::MIN, -1, i32::MAX] {
        let options = ScriptOptions { line_offset: offset, column_offset: offset, ..Default::default() };
        let script = vm.compile_script("kept", &options).unwrap_or_else(|e| panic!("offset {offset}: {e}"));
        let value = vm.run_script(&script, &ctx, &RunOptions::default()).unwrap();
        assert!(matches!(value, Value::Number(n) if n == 41.0), "offset {offset}");
        let options = FunctionOptions { line_offset: offset, column_offset: offset, ..Default::default() };
        vm.compile_function("return 1", &[], &options).unwrap_or_else(|e| panic!("function offset {offset}: {e}"));
        let thrower = vm.compile_script("throw new Error('x')", &ScriptOptions { line_offset: offset, ..Default::default() }).unwrap();
        let (message, _) = js_error(vm.run_script(&thrower, &ctx, &RunOptions::default()), "throw at an offset");
        assert_eq!(message, "Error: x");
    }
    // Cached data that is junk is rejected, not trusted.
    for junk in [vec![], vec![0u8; 3], vec![0xff; 10_000], b"jsvm".to_vec()] {
        let options = ScriptOptions { cached_data: Some(junk.clone()), ..Default::default() };
        let script = vm.compile_script("kept", &options).unwrap();
        assert_eq!(vm.cached_data_rejected(&script).unwrap(), Some(true), "{} bytes", junk.len());
    }
    assert_still_answers(&mut vm, &ctx, "options out of range");
}

#[test]
fn odd_strings_in_sources_names_and_parameters() {
    let (mut vm, ctx) = vm_with_state();
    // Parameters that are not identifiers, or smuggle code: SyntaxErrors.
    for params in [&["a) { return 1 }; (function ("][..], &["1"], &["a b"], &["{"], &["*/"], &["a = (() => { throw 1 })()"]] {
        let result = vm.compile_function("return a", params, &FunctionOptions::default());
        match params[0] {
            "a = (() => { throw 1 })()" => {
                // A default value is a valid parameter (as in Node).
                result.unwrap_or_else(|e| panic!("{params:?}: {e}"));
            }
            _ => {
                let (message, _) = js_error(result, &format!("params {params:?}"));
                assert!(message.starts_with("SyntaxError: "), "{params:?}: {message}");
            }
        }
    }
    // File names and context names with NUL, newlines and 100,000 chars.
    let long = "n".repeat(100_000);
    for name in ["a\0b", "line\nbreak", "😀.js", long.as_str(), ""] {
        let options = RunOptions { filename: Some(name.to_string()), ..Default::default() };
        let (message, _) = js_error(vm.run_in_context_with(&ctx, "throw new TypeError('odd')", &options), "odd filename");
        assert_eq!(message, "TypeError: odd");
        let options = ContextOptions { name: Some(name.to_string()), origin: Some(name.to_string()), ..Default::default() };
        let named = vm.create_context_with(None, &options).unwrap();
        assert_eq!(vm.eval::<f64>(&named, "1 + 1").unwrap(), 2.0);
    }
    // Sources with a BOM, NUL and U+2028 in a string, a lone CR between
    // statements, run as in Node.
    let got: f64 = vm.eval(&ctx, "\u{feff}var cr = 'a\0b'.length;\rcr + '\u{2028}'.length").unwrap();
    assert_eq!(got, 4.0);
    // An empty source is undefined; a source of 10 MB of whitespace too.
    assert!(matches!(vm.run_in_context(&ctx, "").unwrap(), Value::Undefined));
    assert!(matches!(vm.run_in_context(&ctx, &" ".repeat(10 << 20)).unwrap(), Value::Undefined));
    assert_still_answers(&mut vm, &ctx, "odd strings");
}

#[test]
fn module_entry_points_refuse_what_leaves_the_root() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ok.mjs"), "export const ok = 1;").unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.mjs"), "export const secret = 1;").unwrap();
    let mut vm = Vm::builder().module_root(dir.path()).console(|_, _| {}).build().unwrap();
    let ctx = vm.create_context().unwrap();
    vm.run_in_context(&ctx, "var kept = 41").unwrap();
    let secret = outside.path().join("secret.mjs");
    let escapes = [
        secret.to_string_lossy().into_owned(),
        format!("../{}/secret.mjs", outside.path().file_name().unwrap().to_string_lossy()),
        "file:///etc/passwd".to_string(),
        "./ok.mjs\0".to_string(),
    ];
    for specifier in &escapes {
        let (message, code) = js_error(vm.import_module(specifier, &RunOptions::default()), specifier);
        assert!(
            matches!(code.as_deref(), Some("ERR_ACCESS_DENIED") | Some("ERR_MODULE_NOT_FOUND")),
            "{specifier:?}: {message} ({code:?})"
        );
        assert!(!message.contains("secret = 1"), "{specifier:?}: {message}");
    }
    let namespace = vm.import_module("./ok.mjs", &RunOptions::default()).unwrap();
    assert!(matches!(vm.get(&namespace, "ok").unwrap(), Value::Number(n) if n == 1.0));
    // A module root that does not exist is refused when the Vm is built.
    let missing = Vm::builder().module_root(dir.path().join("missing")).build();
    assert!(matches!(missing, Err(Error::Engine(ref m)) if m.contains("module root")), "{:?}", missing.err());
    // Evaluating a module twice, or before linking, is node:vm's error.
    let module = vm.create_module("export const x = kept;", &ModuleOptions::default()).unwrap();
    let (_, code) = js_error(vm.evaluate_module(&module, &RunOptions::default()), "evaluate before link");
    assert_eq!(code.as_deref(), Some("ERR_VM_MODULE_STATUS"));
    assert_still_answers(&mut vm, &ctx, "module junk");
}
