#!/usr/bin/env bash
# The Python host's tests, as a user meets the package: a virtual
# environment (target/python-venv), `pip install ./python[test]` (the wheel
# carries target/release/jsvm.wasm, so run `cargo build --release` first;
# `cargo test` does), then pytest from another working directory.
# Installs Python 3 with venv from Debian's packages when it is missing.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
python="$(command -v python3.11 || command -v python3 || true)"
if [ -z "$python" ] || ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
  echo "run-tests.sh: installing python3 and python3-venv with apt-get" >&2
  apt-get update -qq && apt-get install -y -qq python3 python3-venv >/dev/null
  python="$(command -v python3)"
fi
venv="$repo/target/python-venv"
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$repo/python[test]"
cd "$repo/target"
# The installed package uses the component its wheel carries.
exec env -u JSVM_COMPONENT "$venv/bin/python" -m pytest -q -p no:cacheprovider "$repo/python/tests" "$@"
