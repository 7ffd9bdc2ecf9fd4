"""The node:vm conformance corpus (../shared/conformance) driven through
the Python host: every case of the context, script, function, errors and
interop areas, run by `python -m jsvm run` (the Python host's console,
limits and module loader) and compared line for line with Node's output by
the corpus's own runner."""

import re
import shutil
import subprocess
import sys

import pytest

from conftest import REPO

CORPUS = REPO.parent / "shared" / "conformance" / "run.mjs"
AREAS = ["context", "script", "function", "errors", "interop"]


@pytest.mark.skipif(not CORPUS.is_file() or shutil.which("node") is None,
                    reason="the shared conformance corpus (and node, its runner) are not here")
@pytest.mark.parametrize("area", AREAS)
def test_corpus_area_through_the_python_host(area, tmp_path):
    command = f"{sys.executable} -m jsvm run {{case}}"
    done = subprocess.run(["node", str(CORPUS), "--only", area, "--cmd", command], cwd=tmp_path,
                          capture_output=True, text=True, timeout=900)
    summary = re.search(r"conformance: (\d+) passed, (\d+) failed", done.stdout)
    assert summary, done.stdout + done.stderr
    failures = [line for line in done.stdout.splitlines() if line.startswith("FAIL")]
    assert summary.group(2) == "0", "\n".join(failures)
    assert int(summary.group(1)) > 0
