"""Build hook: the wheel carries the guest component (`jsvm/jsvm.wasm`) and
its compiled form for this machine.

The component is what `cargo build --release` leaves at
`target/release/jsvm.wasm` in this repository (or the file named by
`JSVM_COMPONENT`). Building the package copies it into the package, so an
installed `jsvm` needs nothing from the checkout. When it is missing, the
build says how to make it rather than shipping a package that cannot run.
"""

import os
import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from wheel.bdist_wheel import bdist_wheel


def component_source() -> Path:
    named = os.environ.get("JSVM_COMPONENT")
    if named:
        return Path(named)
    return Path(__file__).resolve().parent.parent / "target" / "release" / "jsvm.wasm"


class BuildWithComponent(build_py):
    """Copies the component into the built package."""

    def run(self) -> None:
        super().run()
        source = component_source()
        if not source.is_file():
            raise SystemExit(
                f"jsvm: the guest component {source} is missing. Build it first with "
                "`cargo build --release` at the repository root (or name it with JSVM_COMPONENT)."
            )
        target = Path(self.build_lib) / "jsvm" / "jsvm.wasm"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        # Compile it now, for this machine and the wasmtime the package
        # depends on (a build requirement too), so that an installed
        # package starts in milliseconds (jsvm/_component.py).
        sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))
        from jsvm import _component

        _component.precompile_beside(target)


class PlatformWheel(bdist_wheel):
    """The wheel carries machine code (the compiled component): it is
    tagged for this platform, not as pure Python."""

    def finalize_options(self) -> None:
        super().finalize_options()
        self.root_is_pure = False


setup(cmdclass={"build_py": BuildWithComponent, "bdist_wheel": PlatformWheel})
