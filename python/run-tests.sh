#!/usr/bin/env bash
# The Python host's tests, as a user meets the package: a virtual
# environment with `pip install ./python[test]` (venv.sh), then pytest from
# another working directory.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
venv="$("$repo/python/venv.sh")"
cd "$repo/target"
# The installed package uses the component its wheel carries.
exec env -u JSVM_COMPONENT "$venv/bin/python" -m pytest -q -p no:cacheprovider "$repo/python/tests" "$@"
