"""The guest component: where it is, the wasmtime engines that run it, and
its compiled form.

Compiling the component takes seconds; a compiled artifact loads in
milliseconds. The package build compiles it beside the packaged component
(``precompile_beside``, called by setup.py), for the wasmtime it builds
with. When that artifact does not fit (another wasmtime, another CPU, or
``$JSVM_COMPONENT`` names another component), the first process compiles
it once and writes the artifact to the user's cache directory
(``$JSVM_CACHE_DIR``, else ``$XDG_CACHE_HOME/jsvm`` or ``~/.cache/jsvm``);
later processes load it. That artifact's name carries the component's
path, size and modification time, wasmtime's version and the engine
settings, so a rebuilt component or another wasmtime never loads a stale one.
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Dict, Optional

import wasmtime
from wasmtime import _ffi as ffi
from wasmtime import component as wc

#: Native stack the guest's wasm frames may use before they trap, as in the
#: Rust host (host/src/engine_config.rs): the guest's own 8 MiB shadow stack
#: runs out first, so deep recursion ends in a catchable RangeError.
MAX_WASM_STACK = 64 << 20

#: Stack of the thread every guest call runs on (`_thread.GuestThread`):
#: the wasm stack plus room for Python host functions.
GUEST_THREAD_STACK = MAX_WASM_STACK + (16 << 20)

_ENGINES: Dict[bool, wasmtime.Engine] = {}
_COMPONENTS: Dict[bool, wc.Component] = {}
_LOCK = threading.Lock()


def component_path() -> Path:
    """The guest component: ``$JSVM_COMPONENT``, else the one packaged with
    jsvm, else ``target/release/jsvm.wasm`` of the checkout this file is in."""
    named = os.environ.get("JSVM_COMPONENT")
    if named:
        return Path(named)
    packaged = Path(__file__).with_name("jsvm.wasm")
    if packaged.is_file():
        return packaged
    checkout = Path(__file__).resolve().parents[3] / "target" / "release" / "jsvm.wasm"
    if checkout.is_file():
        return checkout
    raise FileNotFoundError(
        "jsvm: no guest component found. Install the package from a checkout where "
        "`cargo build --release` ran, or set JSVM_COMPONENT to target/release/jsvm.wasm."
    )


def _config(fuel: bool) -> wasmtime.Config:
    config = wasmtime.Config()
    config.wasm_component_model = True
    config.consume_fuel = fuel
    # Epochs let the ticker thread stop a guest that reaches no checkpoint.
    config.epoch_interruption = True
    # wasmtime requires the async stack to exceed the wasm stack even for
    # synchronous calls; wasmtime-py has no setter for it, the C API has.
    setter = ffi.dll.wasmtime_config_async_stack_size_set
    setter.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    setter.restype = None
    setter(ctypes.cast(config.ptr(), ctypes.c_void_p), MAX_WASM_STACK + (2 << 20))
    config.max_wasm_stack = MAX_WASM_STACK
    return config


def engine(fuel: bool) -> wasmtime.Engine:
    """The process-wide engine of a variant (fuel metering on or off)."""
    with _LOCK:
        if fuel not in _ENGINES:
            _ENGINES[fuel] = wasmtime.Engine(_config(fuel))
        return _ENGINES[fuel]


def cache_dir() -> Path:
    """Where compiled artifacts are kept."""
    named = os.environ.get("JSVM_CACHE_DIR")
    if named:
        return Path(named)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "jsvm"


def _artifact_name(source: Path, fuel: bool) -> str:
    """The user-cache name of ``source``'s artifact: the variant's name with
    a digest of the component's path, size and time and of ``packaged_key``."""
    stat = source.stat()
    key = f"{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{packaged_key()}"
    return variant_name(fuel).replace(".cwasm", f"-{hashlib.sha256(key.encode()).hexdigest()[:24]}.cwasm")


@functools.lru_cache(maxsize=None)
def _wasmtime_version() -> str:
    """wasmtime-py's version, from its dist-info directory's name
    (importlib.metadata would add ~25 ms to every start-up)."""
    site = Path(wasmtime.__file__).resolve().parent.parent
    for info in site.glob("wasmtime-*.dist-info"):
        return info.name[len("wasmtime-"):-len(".dist-info")]
    try:
        from importlib.metadata import version

        return version("wasmtime")
    except Exception:  # pragma: no cover - metadata missing in odd installs
        return "unknown"


def variant_name(fuel: bool) -> str:
    """The file name of a variant's artifact packaged beside the component."""
    return f"jsvm-{'fuel' if fuel else 'wall'}.cwasm"


def packaged_key() -> str:
    """What a packaged artifact was compiled for: wasmtime's version and the
    engine settings (the component is the one beside it)."""
    return f"wasmtime={_wasmtime_version()} stack={MAX_WASM_STACK}"


def precompile_beside(component_file: Path) -> None:
    """Compiles both variants of ``component_file`` and writes them beside
    it, with the key they match (the package build calls this, so an
    installed package starts without compiling)."""
    for fuel in (True, False):
        compiled = wc.Component.from_file(engine(fuel), str(component_file))
        component_file.with_name(variant_name(fuel)).write_bytes(compiled.serialize())
    component_file.with_name("jsvm-artifacts.key").write_text(packaged_key())


def _load_packaged(source: Path, fuel: bool) -> Optional[wc.Component]:
    """The artifact the package build made, when it matches this wasmtime."""
    artifact = source.with_name(variant_name(fuel))
    key = source.with_name("jsvm-artifacts.key")
    try:
        if not artifact.is_file() or key.read_text() != packaged_key():
            return None
        return wc.Component.deserialize_file(engine(fuel), str(artifact))
    except Exception:
        return None  # another machine's CPU features, or damaged: the user cache serves


def component(fuel: bool) -> wc.Component:
    """The guest component for a variant: the package's precompiled
    artifact, else the user cache's, else compiled (and cached)."""
    with _LOCK:
        cached = _COMPONENTS.get(fuel)
    if cached is not None:
        return cached
    eng = engine(fuel)
    source = component_path()
    loaded: Optional[wc.Component] = _load_packaged(source, fuel)
    if loaded is not None:
        with _LOCK:
            return _COMPONENTS.setdefault(fuel, loaded)
    artifact = cache_dir() / _artifact_name(source, fuel)
    if artifact.is_file():
        try:
            loaded = wc.Component.deserialize_file(eng, str(artifact))
            os.utime(artifact)  # in use: kept by _prune
        except Exception:
            loaded = None  # written by something else, or damaged: compile again
    if loaded is None:
        loaded = wc.Component.from_file(eng, str(source))
        _store_artifact(artifact, loaded)
    with _LOCK:
        _COMPONENTS.setdefault(fuel, loaded)
        return _COMPONENTS[fuel]


#: Artifacts unused this long are removed when a new one is written (each
#: rebuilt component, each wasmtime version, leaves one behind).
STALE_AFTER = 30 * 24 * 3600


def _store_artifact(artifact: Path, compiled: wc.Component) -> None:
    """Writes the artifact atomically, and removes stale ones; a cache that
    cannot be written only costs the next process a compile."""
    try:
        now = time.time()
        for old in artifact.parent.glob("jsvm-*.cwasm"):
            if now - old.stat().st_mtime > STALE_AFTER:
                old.unlink()
    except OSError:
        pass
    try:
        artifact.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temporary = tempfile.mkstemp(dir=artifact.parent, prefix=".partial-")
        with os.fdopen(fd, "wb") as out:
            out.write(compiled.serialize())
        os.replace(temporary, artifact)
    except OSError:
        pass
