"""The Python API: values both ways, host functions, errors, scripts,
functions, modules, and the limits (timeouts, interrupts, Ctrl-C, memory,
a lost state)."""

import os
import signal
import struct
import sys
import threading
import time

import pytest

import jsvm
from jsvm import JsError, JsFunction, JsObject, JsSymbol, StateLostError, Vm, undefined



def test_values_cross_as_python_values(vm):
    context = vm.create_context()
    assert vm.run_in_context("1 + 1", context) == 2.0
    assert vm.run_in_context("2n ** 70n", context) == 2**70
    assert vm.run_in_context("undefined", context) is undefined
    assert vm.run_in_context("null", context) is None
    assert vm.run_in_context("'héllo'", context) == "héllo"
    data = vm.run_in_context("({ a: [1, 'x', true, null], o: { n: -0 } })", context)
    assert data == {"a": [1.0, "x", True, None], "o": {"n": 0.0}}
    cycle = vm.run_in_context("const c = { name: 'c' }; c.self = c; c", context)
    assert cycle["self"] is cycle
    assert vm.run_in_context("new Uint8Array([1, 2, 3])", context) == b"\x01\x02\x03"
    assert vm.run_in_context("new Float64Array([1.5])", context) == jsvm.Bytes("float64-array", struct.pack("<d", 1.5))


def test_python_values_reach_javascript_as_they_should(vm):
    context = vm.create_context()
    globals_ = context.globals
    globals_["big"] = 2**64
    globals_["small"] = 7
    globals_["nothing"] = None
    globals_["missing"] = undefined
    globals_["data"] = {"list": [1, 2, {"deep": True}], "text": "t"}
    globals_["raw"] = b"\x00\xff"
    code = ("[typeof big, big === 2n ** 64n, typeof small, nothing === null, missing === undefined, "
            "data.list[2].deep, data.list.length, Array.isArray(data.list), JSON.stringify(data), raw[1]]")
    assert vm.run_in_context(code, context) == ["bigint", True, "number", True, True, True, 3.0, True,
                                                '{"list":[1,2,{"deep":true}],"text":"t"}', 255.0]


def test_dicts_are_live_as_node_vm_sandboxes_are(vm):
    sandbox = {"n": 1, "items": []}
    context = vm.create_context(sandbox)
    vm.run_in_context("n += 1; items.push('a'); var declared = 'yes'; globalThis.added = [1]", context)
    assert sandbox["n"] == 2.0
    assert sandbox["items"] == ["a"]
    assert sandbox["declared"] == "yes"
    assert sandbox["added"] == [1.0]
    assert vm.is_context(context)
    assert not vm.is_context({})


def test_host_functions_both_ways(vm):
    seen = []

    def lookup(name, options):
        seen.append((name, options))
        return {"name": name.upper(), "tags": ["a", "b"]}

    context = vm.create_context()
    context.globals["lookup"] = lookup
    result = vm.run_in_context("const r = lookup('ada', { deep: { x: 1 } }); r.name + ':' + r.tags.join('+')", context)
    assert result == "ADA:a+b"
    assert seen == [("ada", {"deep": {"x": 1.0}})]
    # A guest function called from Python, and handed back to the guest.
    add = vm.run_in_context("(a, b) => a + b", context)
    assert isinstance(add, JsFunction)
    assert add(2, 3) == 5.0
    context.globals["twice"] = lambda f, x: f(f(x, x), x)
    assert vm.run_in_context("twice((a, b) => a * b, 3)", context) == 27.0
    # Identity: the same guest object comes back as the same proxy.
    first = vm.run_in_context("globalThis.shared = new Map(); shared", context)
    assert isinstance(first, JsObject) and vm.run_in_context("shared", context) is first
    symbol = JsSymbol("mine")
    context.globals["symbol"] = symbol
    assert vm.run_in_context("typeof symbol", context) == "symbol"
    assert vm.run_in_context("symbol", context) is symbol


def test_errors_cross_with_name_message_code_and_stack(vm):
    context = vm.create_context()
    with pytest.raises(JsError) as caught:
        vm.run_in_context("null.x", context, filename="file.js")
    assert caught.value.name == "TypeError"
    assert caught.value.message == "Cannot read properties of null (reading 'x')"
    assert "file.js:1" in caught.value.stack
    assert vm.run_in_context("1", context) == 1.0

    with pytest.raises(JsError) as caught:
        vm.create_context(microtask_mode="never")
    assert caught.value.code == "ERR_INVALID_ARG_VALUE"

    def failing():
        raise JsError("RangeError", "no such user", code="ENOENT")

    def plain_failure():
        raise ValueError("bad value")

    context.globals["failing"] = failing
    context.globals["plainFailure"] = plain_failure
    caught_text = vm.run_in_context(
        "const out = []; for (const f of [failing, plainFailure]) { try { f(); } catch (e) { out.push(`${e.name}|${e.message}|${e.code}`); } } out",
        context)
    assert caught_text == ["RangeError|no such user|ENOENT", "Error|bad value|undefined"]
    with pytest.raises(JsError) as caught:
        vm.run_in_context("failing()", context)
    assert (caught.value.name, caught.value.code) == ("RangeError", "ENOENT")


def test_scripts_and_compile_function(vm):
    script = vm.compile_script("globalThis.count = (globalThis.count || 0) + 1; count", filename="counter.js")
    first, second = vm.create_context(), vm.create_context()
    assert script.run_in_context(first) == 1.0
    assert script.run_in_context(first) == 2.0
    assert script.run_in_context(second) == 1.0
    assert script.run_in_this_context() == 1.0
    assert isinstance(script.create_cached_data(), bytes)
    with pytest.raises(JsError) as caught:
        vm.compile_script("let let = 1", filename="bad.js")
    assert caught.value.name == "SyntaxError"
    greet = vm.compile_function("return `${greeting}, ${who}!`", ["who"], parsing_context=first,
                                context_extensions=[{"greeting": "Hello"}])
    assert greet("Ada") == "Hello, Ada!"


def test_modules_from_a_directory_with_escapes_refused(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "math.mjs").write_text("export const square = (x) => x * x;\n")
    (tmp_path / "data.json").write_text('{"base": 7}')
    (tmp_path / "main.mjs").write_text(
        "import { square } from './lib/math.mjs';\n"
        "import data from './data.json' with { type: 'json' };\n"
        "export const answer = square(data.base) - 7;\n")
    (tmp_path / "escape.mjs").write_text("import '../outside.mjs';\n")
    (tmp_path.parent / "outside.mjs").write_text("export default 1;\n")
    os.symlink(tmp_path.parent / "outside.mjs", tmp_path / "link.mjs")
    vm = Vm(module_root=tmp_path)
    namespace = vm.import_module("main.mjs")
    assert namespace["answer"] == 42.0
    for specifier in ["escape.mjs", "link.mjs", "/etc/passwd", "file:///etc/passwd"]:
        with pytest.raises(JsError) as caught:
            vm.import_module(specifier)
        assert caught.value.code == "ERR_ACCESS_DENIED", specifier
    with pytest.raises(JsError) as caught:
        vm.import_module("nope.mjs")
    assert caught.value.code == "ERR_MODULE_NOT_FOUND"
    # Modules from the host's own sources, linked by a Python linker.
    lib = vm.create_module("export const two = 2;", identifier="lib")
    root = vm.create_module("import { two } from 'lib'; export const four = two * two;", identifier="root")
    root.link(lambda specifier, referrer: lib)
    assert root.evaluate()["four"] == 4.0
    assert (root.status, lib.status) == ("evaluated", "evaluated")


def test_a_timeout_stops_the_run_and_the_context_survives(vm):
    context = vm.create_context()
    vm.run_in_context("globalThis.kept = 'state'", context)
    started = time.monotonic()
    with pytest.raises(JsError) as caught:
        vm.run_in_context("for (;;) {}", context, timeout=0.05)
    assert caught.value.code == "ERR_SCRIPT_EXECUTION_TIMEOUT"
    assert caught.value.message == "Script execution timed out after 50ms"
    assert time.monotonic() - started < 2
    assert vm.run_in_context("kept", context) == "state"
    spin = vm.run_in_context("() => { for (;;) {} }", context)
    with pytest.raises(JsError) as caught:
        spin.call(timeout=0.05)
    assert caught.value.code == "ERR_SCRIPT_EXECUTION_TIMEOUT"
    with pytest.raises(JsError) as caught:
        spin.call(fuel=1_000_000)
    assert caught.value.message == "Script execution ran out of its fuel budget (1000000)"
    assert vm.run_in_context("kept", context) == "state"


@pytest.mark.parametrize("options", [{"fuel": False}, {"fuel": True, "fuel_per_ms": 200_000}])
def test_timeouts_by_the_wall_clock_and_by_calibrated_fuel(options):
    vm = Vm(**options)
    context = vm.create_context()
    with pytest.raises(JsError) as caught:
        vm.run_in_context("let i = 0; for (;;) i++", context, timeout=0.03)
    assert caught.value.code == "ERR_SCRIPT_EXECUTION_TIMEOUT"
    assert vm.run_in_context("'alive'", context) == "alive"


def test_an_interrupt_from_another_thread(vm):
    context = vm.create_context()
    handle = vm.interrupt_handle()
    threading.Timer(0.1, handle.interrupt).start()
    started = time.monotonic()
    with pytest.raises(JsError) as caught:
        vm.run_in_context("globalThis.progress = 0; for (;;) progress++", context)
    assert caught.value.code == "ERR_SCRIPT_EXECUTION_INTERRUPTED"
    assert time.monotonic() - started < 2
    assert vm.run_in_context("progress > 0", context) is True


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT is POSIX")
def test_ctrl_c_ends_a_break_on_sigint_run_and_the_context_survives(vm):
    # Python's own handler, whatever this process inherited (a background
    # job starts with SIGINT ignored).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    context = vm.create_context()
    vm.run_in_context("globalThis.kept = 1", context)
    # The guest starts the Ctrl-C once it runs (a host function).
    context.globals["pressCtrlC"] = lambda: threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT)).start()
    with pytest.raises(JsError) as caught:
        vm.run_in_context("pressCtrlC(); for (;;) {}", context, break_on_sigint=True)
    assert caught.value.code == "ERR_SCRIPT_EXECUTION_INTERRUPTED"
    assert vm.run_in_context("kept", context) == 1.0
    # Without break_on_sigint, Ctrl-C is Python's KeyboardInterrupt; the
    # guest is stopped first, and the Vm keeps its state.
    with pytest.raises(KeyboardInterrupt):
        vm.run_in_context("pressCtrlC(); for (;;) {}", context)
    assert vm.run_in_context("kept", context) == 1.0
    # Where SIGINT is ignored, it stays ignored, but a break_on_sigint run
    # still takes it (as Node's breakOnSigint installs its own handler).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with pytest.raises(JsError) as caught:
            vm.run_in_context("pressCtrlC(); for (;;) {}", context, break_on_sigint=True)
        assert caught.value.code == "ERR_SCRIPT_EXECUTION_INTERRUPTED"
        assert vm.run_in_context("pressCtrlC(); const until = Date.now() + 300; while (Date.now() < until); 'ran'",
                                 context) == "ran"
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def test_the_memory_limit_stops_the_run_and_keeps_the_context(vm):
    context = vm.create_context()
    vm.run_in_context("globalThis.kept = 'yes'", context)
    with pytest.raises(JsError) as caught:
        vm.run_in_context("const hog = []; for (;;) hog.push(new Array(1e5).fill(1))", context, timeout=10)
    assert caught.value.code == "ERR_VM_MEMORY_LIMIT"
    assert vm.run_in_context("kept", context) == "yes"


def test_a_trap_rebuilds_the_vm_and_says_the_state_was_lost():
    vm = Vm()
    context = vm.create_context()
    vm.run_in_context("globalThis.kept = 1", context)
    # A native search that reaches no checkpoint for seconds: stopped by
    # force when its timeout is long past.
    stuck = "var s = 'a'.repeat(2 ** 24); s.indexOf('a'.repeat(2 ** 14) + 'b')"
    started = time.monotonic()
    with pytest.raises(StateLostError) as caught:
        vm.run_in_context(stuck, context, timeout=0.05)
    assert caught.value.code == "ERR_SCRIPT_EXECUTION_TIMEOUT"
    assert "stopped by force" in caught.value.reason
    assert time.monotonic() - started < 3
    with pytest.raises(jsvm.StaleError):
        vm.run_in_context("kept", context)
    fresh = vm.create_context()
    assert vm.run_in_context("typeof kept", fresh) == "undefined"
    assert vm.run_in_context("6 * 7", fresh) == 42.0


def test_run_main_prints_through_the_console_and_fails_as_node(vm):
    vm.run_main("import vm from 'node:vm';\nconsole.log(vm.runInNewContext('a + 1', { a: 1 }), { x: [1] });",
                "main.mjs")
    assert vm.lines == [("log", "2 { x: [ 1 ] }")]
    with pytest.raises(JsError) as caught:
        vm.run_main("throw new RangeError('out')", "prog.js")
    assert caught.value.name == "RangeError"
    assert "prog.js:1" in caught.value.stack


def test_objects_of_another_vm_are_refused(vm):
    other = Vm()
    foreign = other.run_in_context("({})", other.create_context())
    function = other.run_in_context("() => 1", other.create_context())
    context = vm.create_context()
    with pytest.raises(jsvm.StaleError):
        context.globals["f"] = function
    with pytest.raises(jsvm.StaleError):
        vm.run_in_context("1", other.create_context())
    assert foreign == {}


def test_wrong_argument_types_fail_with_nodes_code(vm):
    context = vm.create_context()
    calls = [lambda: vm.run_in_context(42, context), lambda: vm.run_in_context("1", {}),
             lambda: vm.compile_script("1", filename=3), lambda: vm.compile_function("return 1", [1]),
             lambda: vm.create_context(42), lambda: vm.call(lambda: 1), lambda: vm.import_module(None),
             lambda: vm.compile_script("1", line_offset="2")]
    for call in calls:
        with pytest.raises(JsError) as caught:
            call()
        assert caught.value.code == "ERR_INVALID_ARG_TYPE"
    with pytest.raises(JsError) as caught:
        vm.run_in_context("1", context, timeout=-1)
    assert caught.value.code == "ERR_OUT_OF_RANGE"
    assert vm.run_in_context("'still usable'", context) == "still usable"


def test_plain_data_is_copied_in_one_call_with_every_value_kept(vm):
    context = vm.create_context()
    mine = {"python": True}
    context.globals["mine"] = mine
    data = vm.run_in_context("""
        const shared = [1, 2];
        const out = { shared, again: shared, mine, nested: { deep: [[[{ x: 'y' }]]] },
                      odd: [undefined, -0, NaN, Infinity, 2n ** 80n, null, Symbol.for('k')],
                      fn() { return 1; }, map: new Map([[1, 2]]), get computed() { return 'ran'; } };
        out.self = out;
        out""", context)
    assert data["shared"] is data["again"] and data["self"] is data
    assert data["mine"] is mine
    assert data["nested"] == {"deep": [[[{"x": "y"}]]]}
    odd = data["odd"]
    assert odd[0] is undefined and str(odd[1]) == "-0.0" and odd[2] != odd[2] and odd[3] == float("inf")
    assert odd[4] == 2**80 and odd[5] is None and odd[6] == JsSymbol.for_key("k")
    assert isinstance(data["fn"], JsFunction) and data["fn"]() == 1.0
    assert isinstance(data["map"], JsObject) and data["map"].kind == "other"
    assert data["computed"] == "ran"
    rows = vm.run_in_context("Array.from({ length: 20000 }, (_, i) => ({ id: i, tags: ['a', 'b'] }))", context)
    assert len(rows) == 20000 and rows[19999] == {"id": 19999.0, "tags": ["a", "b"]}
