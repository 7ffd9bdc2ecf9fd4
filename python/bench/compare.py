"""The Python host beside the Rust host, measured in one run (medians;
machines are shared and noisy, so read the ratios):

- start-up: a fresh process that makes a Vm, runs ``1 + 1`` in a context
  and prints it: the Python host cold (no compiled artifact anywhere: it
  compiles the component), with the artifact in the user cache, and as
  installed (the package build compiled it), beside ``jsvm eval '1 + 1'``
  (the Rust host, whose component is precompiled into the executable);
- in a process: a new Vm with its first context and run, a trivial run
  (``1 + 1`` in a context), and fib(25), each host with fuel metering (its
  default). The Rust figures come from ``bench/host_costs.rs``.

Run from the repository after ``cargo build --release`` and ``pip install
./python``:  ``python python/bench/compare.py``
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ROUNDS = 3
FIB = "(() => { function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); } return fib(25); })()"
FIRST_RUN = ("from jsvm import Vm; vm = Vm(); print(vm.run_in_context('1 + 1', vm.create_context()))")


def process_time(command, env=None):
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=tempfile.gettempdir())
    elapsed = time.perf_counter() - start
    assert done.returncode == 0 and done.stdout.strip() in ("2", "2.0"), done.stdout + done.stderr
    return elapsed


def startup():
    """Medians in seconds: no compiled artifact anywhere (the first process
    compiles the component), the artifact in the user cache, the artifact
    the package build made (an installed package), bare Python, and the
    Rust host."""
    import jsvm._component as component

    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as scratch:
        # A copy of the component with nothing compiled beside it.
        loose = Path(scratch) / "jsvm.wasm"
        loose.write_bytes(component.component_path().read_bytes())
        cold = []
        for run in range(3):
            cache = Path(scratch) / f"cold-{run}"
            cold.append(process_time([sys.executable, "-c", FIRST_RUN],
                                     {**env, "JSVM_CACHE_DIR": str(cache), "JSVM_COMPONENT": str(loose)}))
        cache = Path(scratch) / "cold-0"
        user_cache = [process_time([sys.executable, "-c", FIRST_RUN],
                                   {**env, "JSVM_CACHE_DIR": str(cache), "JSVM_COMPONENT": str(loose)})
                      for _ in range(9)]
        packaged = [process_time([sys.executable, "-c", FIRST_RUN], {**env, "JSVM_CACHE_DIR": str(Path(scratch) / "none")})
                    for _ in range(9)]
    bare = [process_time([sys.executable, "-c", "print(2)"]) for _ in range(9)]
    rust = [process_time([str(REPO / "target" / "release" / "jsvm"), "eval", "1 + 1"]) for _ in range(9)]
    return [statistics.median(x) for x in (cold, user_cache, packaged, bare, rust)]


def python_in_process():
    from jsvm import Vm

    first = Vm()  # loads the component into the process
    first.run_in_context("1 + 1", first.create_context())
    new_vm = []
    for _ in range(9):
        start = time.perf_counter()
        vm = Vm()
        vm.run_in_context("1 + 1", vm.create_context())
        new_vm.append(time.perf_counter() - start)
        vm.close()
    vm = Vm()
    context = vm.create_context()
    trivial = []
    for _ in range(15):
        start = time.perf_counter()
        for _ in range(200):
            vm.run_in_context("1 + 1", context)
        trivial.append((time.perf_counter() - start) / 200)
    fib = []
    for _ in range(7):
        start = time.perf_counter()
        assert vm.run_in_context(FIB, context) == 75025
        fib.append(time.perf_counter() - start)
    return {"new_vm_us": statistics.median(new_vm) * 1e6, "trivial_run_us": statistics.median(trivial) * 1e6,
            "fib25_us": statistics.median(fib) * 1e6}


def rust_in_process():
    done = subprocess.run(["cargo", "bench", "--quiet", "--manifest-path", str(REPO / "host" / "Cargo.toml"),
                           "--bench", "host_costs"], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    cold, user_cache, packaged, bare, rust_start = startup()
    # The in-process pairs alternate, three rounds, so that a noisy spell
    # of the machine falls on both hosts; each figure is the median of its
    # three rounds' medians.
    rounds = [(rust_in_process(), python_in_process()) for _ in range(ROUNDS)]
    rust = {key: statistics.median(r[key] for r, _ in rounds) for key in rounds[0][0]}
    python = {key: statistics.median(p[key] for _, p in rounds) for key in rounds[0][1]}
    print("start-up: a fresh process to its first result (median)")
    print(f"  Python, nothing compiled yet (compiles)    {cold * 1e3:9.1f} ms")
    print(f"  Python, artifact in the user cache         {user_cache * 1e3:9.1f} ms")
    print(f"  Python, installed package (precompiled)    {packaged * 1e3:9.1f} ms   (python -c 'print(2)': {bare * 1e3:.1f} ms)")
    print(f"  Rust host, `jsvm eval '1 + 1'`             {rust_start * 1e3:9.1f} ms   installed/Rust: {packaged / rust_start:.1f}x")
    print()
    print(f"{'in a process (median of ' + str(ROUNDS) + ' rounds)':33}{'Python host':>14} {'Rust host':>14} {'ratio':>8}")
    rows = [("new Vm + first context and run", "new_vm_us", 1e3, "ms"),
            ("trivial run (1 + 1 in a context)", "trivial_run_us", 1, "us"),
            ("fib(25)", "fib25_us", 1e3, "ms")]
    for label, key, scale, unit in rows:
        p, r = python[key] / scale, rust[key] / scale
        print(f"{label:32} {p:11.2f} {unit} {r:11.2f} {unit} {p / r:7.1f}x")


if __name__ == "__main__":
    main()
