"""Layers point one way: the optimiser core imports only torch (and the standard library), never the teaching layer."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sgd_reference"
CORE = ["optimizer", "functional", "nesterov", "weight_decay", "param_groups", "batch_scaling", "schedules",
        "gradients", "accumulation"]
ALLOWED_THIRD_PARTY = {"torch"}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
    return names


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_only_torch_stdlib_and_other_core_modules(module):
    for name in imported_modules(PACKAGE / f"{module}.py"):
        if name.startswith("."):
            assert name.lstrip(".").split(".")[0] in CORE + [""], f"{module} imports the teaching layer: {name}"
        else:
            top = name.split(".")[0]
            assert top in ALLOWED_THIRD_PARTY or top in sys.stdlib_module_names, f"{module} imports {name}"


def test_importing_the_package_pulls_in_no_plotting_or_widgets():
    code = ("import sys, sgd_reference; bad = [m for m in ('matplotlib', 'ipywidgets', 'IPython', 'sklearn') "
            "if m in sys.modules]; print(bad)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
