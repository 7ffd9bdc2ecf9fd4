"""Build hook: the wheel carries the guest component (`jsvm/jsvm.wasm`) and
its compiled form for this machine.

The component is what `cargo build --release` leaves at
`target/release/jsvm.wasm` in this repository (or the file named by
`JSVM_COMPONENT`). Building the package copies it into the package, so an
installed `jsvm` needs nothing from the checkout. When it is missing, the
build says how to make it rather than shipping a package that cannot run.
"""

import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from wheel.bdist_wheel import bdist_wheel


class BuildWithComponent(build_py):
    """Copies the component into the built package."""

    def run(self) -> None:
        super().run()
        # The package's own lookup finds the component (JSVM_COMPONENT, or
        # the checkout's target/release/jsvm.wasm) and compiles it.
        sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))
        from jsvm import _component

        try:
            source = _component.component_path()
        except FileNotFoundError as missing:
            raise SystemExit(str(missing))
        if not source.is_file():
            raise SystemExit(f"jsvm: the guest component {source} (JSVM_COMPONENT) does not exist.")
        target = Path(self.build_lib) / "jsvm" / "jsvm.wasm"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        # Compiled now, for this machine and the wasmtime the package
        # depends on (a build requirement too), so that an installed
        # package starts in milliseconds (jsvm/_component.py).
        _component.precompile_beside(target)


class PlatformWheel(bdist_wheel):
    """The wheel carries machine code (the compiled component): it is
    tagged for this platform, not as pure Python."""

    def finalize_options(self) -> None:
        super().finalize_options()
        self.root_is_pure = False


setup(cmdclass={"build_py": BuildWithComponent, "bdist_wheel": PlatformWheel})
