"""A plugin host in Python: each plugin is a module graph in a directory of
its own (examples/plugins/<name>/main.mjs and what it imports), loaded into
a Vm of its own that can read nothing outside that directory, with a
memory cap; each call into a plugin has a timeout. The input is a Python
dict, which the plugin reads live; what it returns comes back as Python data.

    pip install ./python        # after `cargo build --release`
    python examples/plugin_host.py

The Python tests run it and check what it prints.
"""

from pathlib import Path

from jsvm import JsError, StateLostError, Vm

PLUGINS = Path(__file__).resolve().parent / "plugins"


class Plugin:
    """A loaded plugin: its Vm and the namespace of its main.mjs."""

    def __init__(self, directory: Path) -> None:
        self.vm = Vm(module_root=directory, memory_limit=32 << 20)
        self.exports = self.vm.import_module("main.mjs", timeout=1)
        self.name = self.exports["name"]

    def run(self, data):
        """Calls the plugin's run(input) with at most 100 ms of CPU."""
        return self.exports["run"].call(data, timeout=0.1)


def main() -> None:
    for name in ["greeter", "spinner", "hog"]:
        plugin = Plugin(PLUGINS / name)
        try:
            outcome = f"returned {plugin.run({'who': 'ada lovelace', 'times': 3})}"
        except JsError as error:
            outcome = f"threw {error.code}: {error.message}"
        except StateLostError as error:
            outcome = f"lost its state ({error.code}): {error.reason}"
        print(f"{plugin.name}: {outcome}")


if __name__ == "__main__":
    main()
