"""Shared fixtures: a Vm per test, and where the repository is."""

from pathlib import Path

import pytest

import jsvm

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def vm():
    lines = []
    machine = jsvm.Vm(memory_limit=64 << 20, console=lambda level, text: lines.append((level, text)))
    machine.lines = lines
    yield machine
    machine.close()
