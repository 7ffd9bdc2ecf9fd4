"""Where guest calls run: on Linux's main thread directly, otherwise on a
thread the Vm owns. The second path is what a main thread whose stack
cannot grow (a hard stack limit of 8 MiB) and every other thread take; it
must keep the same semantics: deep recursion ends in the guest's
RangeError, Ctrl-C ends a break_on_sigint run, and otherwise raises
KeyboardInterrupt once the guest has stopped."""

import resource
import subprocess
import sys
import textwrap
import threading

import pytest

from jsvm import JsError, Vm

PROGRAM = textwrap.dedent("""
    import os, signal, threading
    from jsvm import JsError, Vm
    signal.signal(signal.SIGINT, signal.default_int_handler)  # whatever was inherited
    vm = Vm()
    print("handed off:", not vm._thread._main_direct)
    context = vm.create_context()
    vm.run_in_context("globalThis.kept = 'kept'", context)
    try:
        vm.run_in_context("JSON.parse('['.repeat(300000) + ']'.repeat(300000))", context)
    except JsError as error:
        print("deep:", error.name, error.message)
    context.globals["pressCtrlC"] = lambda: threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT)).start()
    try:
        vm.run_in_context("pressCtrlC(); for (;;) {}", context, break_on_sigint=True)
    except JsError as error:
        print("sigint run:", error.code)
    try:
        vm.run_in_context("pressCtrlC(); for (;;) {}", context)
    except KeyboardInterrupt:
        print("KeyboardInterrupt")
    print("state:", vm.run_in_context("kept", context))
""")


def capped_stack():
    resource.setrlimit(resource.RLIMIT_STACK, (8 << 20, 8 << 20))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the main thread runs guest calls on Linux only")
def test_a_main_thread_that_cannot_grow_hands_calls_to_the_vm_thread(tmp_path):
    done = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=120,
                          preexec_fn=capped_stack, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "handed off: True",
        "deep: RangeError Maximum call stack size exceeded",
        "sigint run: ERR_SCRIPT_EXECUTION_INTERRUPTED",
        "KeyboardInterrupt",
        "state: kept",
    ]


def test_calls_from_other_threads_take_turns():
    vm = Vm()
    context = vm.create_context()
    vm.run_in_context("globalThis.total = 0", context)
    errors = []

    def work():
        try:
            for _ in range(50):
                vm.run_in_context("total += 1", context)
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    work()
    for thread in threads:
        thread.join()
    assert errors == []
    assert vm.run_in_context("total", context) == 250.0
    with pytest.raises(JsError):
        vm.run_in_context("throw new Error('still fine')", context)
