#!/usr/bin/env bash
# Makes (or updates) the virtual environment target/python-venv with this
# package installed from ./python (its wheel carries target/release/jsvm.wasm,
# so `cargo build --release` first) and pytest; prints its path.
# Installs Python 3 with venv from Debian's packages when it is missing.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
python="$(command -v python3.11 || command -v python3 || true)"
if [ -z "$python" ] || ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
  echo "venv.sh: installing python3 and python3-venv with apt-get" >&2
  { apt-get update -qq && apt-get install -y -qq python3 python3-venv; } >&2
  python="$(command -v python3)"
fi
venv="$repo/target/python-venv"
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$repo/python[test]" >&2
echo "$venv"
