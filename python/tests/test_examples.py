"""The README's example and examples/plugin_host.py, run as a user runs
them: a fresh process, from another working directory, whole output
compared."""

import re
import subprocess
import sys

from conftest import REPO


def run(args, cwd):
    done = subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_readme_example_prints_what_the_readme_says(tmp_path):
    readme = (REPO / "python" / "README.md").read_text()
    code = re.search(r"```python\n(.*?)```", readme, re.S).group(1)
    expected = re.search(r"prints\n\n```text\n(.*?)```", readme, re.S).group(1)
    (tmp_path / "example.py").write_text(code)
    assert run(["example.py"], tmp_path) == expected


def test_the_plugin_host_example(tmp_path):
    out = run([str(REPO / "examples" / "plugin_host.py")], tmp_path)
    assert out.splitlines() == [
        "greeter: returned Hello, Ada Lovelace! (3 times)",
        "spinner: threw ERR_SCRIPT_EXECUTION_TIMEOUT: Script execution timed out after 100ms",
        "hog: threw ERR_VM_MEMORY_LIMIT: jsvm: the VM's memory limit (25165824 bytes) was reached",
    ]
