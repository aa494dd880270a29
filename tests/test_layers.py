"""Layers point one way, checked by import-linter from the contracts in pyproject.toml (no hand-kept module list).

The core (sgd_reference's top-level modules) imports only torch and the standard library; the teaching base builds
on the core; the labs' experiments and the exercises build on both and never on each other.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "sgd_reference"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CORE_FILES = sorted(path for path in PACKAGE.glob("*.py") if path.name != "__init__.py")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"], cwd=root,
                          env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
                          timeout=120)


def test_the_declared_layer_contracts_are_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


@pytest.mark.parametrize("violation", [
    ("sgd_reference/new_core_rule.py", "from .teaching import plotting\n"),        # a new core file climbing up
    ("sgd_reference/teaching/new_helper.py", "from ..labs import quadratic\n"),  # the teaching base using a lab
    ("sgd_reference/labs/new_lab.py", "from ..exercises import core\n"),       # a lab importing an exercise
])
def test_a_new_file_that_breaks_a_layer_is_caught_without_editing_any_list(tmp_path, violation):
    shutil.copytree(PACKAGE, tmp_path / "sgd_reference", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    relative, source = violation
    (tmp_path / relative).write_text(source, encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode != 0 and "BROKEN" in result.stdout, result.stdout[-3000:]


def imported_top_level_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda path: path.name)
def test_core_modules_import_no_third_party_package_but_torch(path):
    outside = {name for name in imported_top_level_names(path)
               if name not in sys.stdlib_module_names and name not in {"torch", "sgd_reference"}}
    assert not outside, f"{path.name} imports {sorted(outside)}: the core needs only torch"


def test_importing_the_package_pulls_in_no_plotting_or_widgets():
    code = ("import sys, sgd_reference; bad = [m for m in ('matplotlib', 'ipywidgets', 'IPython', 'sklearn') "
            "if m in sys.modules]; print(bad)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
