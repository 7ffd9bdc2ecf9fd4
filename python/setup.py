"""Build hook: the wheel carries the guest component (`jsvm/jsvm.wasm`).

The component is what `cargo build --release` leaves at
`target/release/jsvm.wasm` in this repository (or the file named by
`JSVM_COMPONENT`). Building the package copies it into the package, so an
installed `jsvm` needs nothing from the checkout. When it is missing, the
build says how to make it rather than shipping a package that cannot run.
"""

import os
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


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


setup(cmdclass={"build_py": BuildWithComponent})
