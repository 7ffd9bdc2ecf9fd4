"""Async host functions on asyncio: completion order, errors both ways, a
timeout during an await that cancels the host call, an interrupt."""

import asyncio
import threading
import time

import pytest

from jsvm import JsError, JsPromise, Vm


def test_async_host_functions_settle_in_completion_order():
    vm = Vm()
    context = vm.create_context()
    order = []

    async def lookup(name, delay):
        await asyncio.sleep(delay)
        order.append(name)
        return {"name": name}

    async def fail():
        await asyncio.sleep(0.01)
        raise JsError("RangeError", "no user 0", code="ENOENT")

    context.globals["lookup"] = lookup
    context.globals["fail"] = fail
    promise = vm.run_in_context("""(async () => {
        const [a, b] = await Promise.all([lookup('slow', 0.1), lookup('fast', 0.02)]);
        let caught;
        try { await fail(); } catch (e) { caught = `${e.name}|${e.message}|${e.code}`; }
        return [a.name, b.name, caught];
    })()""", context)
    assert isinstance(promise, JsPromise)
    started = time.monotonic()
    result = asyncio.run(vm.resolve(promise, timeout=5))
    assert result == ["slow", "fast", "RangeError|no user 0|ENOENT"]
    assert order == ["fast", "slow"]
    assert time.monotonic() - started < 0.5  # concurrent, not 0.12 + 0.01 in turn... and not serial


def test_a_guest_rejection_reaches_python_as_js_error():
    vm = Vm()
    promise = vm.run_in_context("Promise.reject(new TypeError('nope'))", vm.create_context())

    async def main():
        return await promise

    with pytest.raises(JsError) as caught:
        asyncio.run(main())
    assert (caught.value.name, caught.value.message) == ("TypeError", "nope")


def test_a_timeout_during_an_await_cancels_the_host_call_and_the_context_lives_on():
    vm = Vm()
    context = vm.create_context()
    cancelled = []

    async def forever():
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    context.globals["forever"] = forever
    promise = vm.run_in_context(
        "globalThis.seen = 'none'; forever().catch((e) => { globalThis.seen = e.code; throw e; })", context)
    started = time.monotonic()
    with pytest.raises(JsError) as caught:
        asyncio.run(vm.resolve(promise, timeout=0.1))
    assert caught.value.code == "ERR_SCRIPT_EXECUTION_TIMEOUT"
    assert time.monotonic() - started < 1
    assert cancelled == [True]
    assert vm.run_in_context("seen", context) == "ERR_SCRIPT_EXECUTION_TIMEOUT"


def test_an_interrupt_ends_an_await():
    vm = Vm()
    context = vm.create_context()

    async def slow():
        await asyncio.sleep(3600)

    context.globals["slow"] = slow
    promise = vm.run_in_context("slow()", context)
    threading.Timer(0.1, vm.interrupt).start()
    with pytest.raises(JsError) as caught:
        asyncio.run(vm.resolve(promise))
    assert caught.value.code == "ERR_SCRIPT_EXECUTION_INTERRUPTED"
    assert vm.run_in_context("1 + 1", context) == 2.0


def test_a_promise_nothing_can_settle_fails_at_once():
    vm = Vm()
    promise = vm.run_in_context("new Promise(() => {})", vm.create_context())
    with pytest.raises(JsError) as caught:
        asyncio.run(vm.resolve(promise, timeout=5))
    assert caught.value.code == "ERR_JSVM_PROMISE_NEVER_SETTLES"


def test_a_run_stopped_by_its_timeout_ends_the_host_calls_it_started():
    vm = Vm()
    context = vm.create_context()
    started, finished = [], []

    async def slow_answer():
        started.append(True)
        await asyncio.sleep(0.05)
        finished.append(True)
        return "late answer"

    context.globals["slowAnswer"] = slow_answer
    with pytest.raises(JsError) as caught:
        vm.run_in_context("""globalThis.seen = 'pending';
            slowAnswer().then((v) => { globalThis.seen = v; }, (e) => { globalThis.seen = e.code; });
            for (;;) {}""", context, timeout=0.05)
    assert caught.value.code == "ERR_SCRIPT_EXECUTION_TIMEOUT"
    assert vm.run_in_context("seen", context) == "ERR_SCRIPT_EXECUTION_TIMEOUT"
    assert started == [] and finished == []  # the coroutine was closed before it ever ran
