"""A lab's first cell on a machine without sgd_reference (a new Colab runtime): a failed install must stop the lab with
one Korean message that says what to do, not fall through to ModuleNotFoundError and a NameError in every later cell."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from labcells import SETUP_FAILED, bootstrap_source, install_line  # noqa: E402

# The kernel of this venv has sgd_reference installed (editable): hide it, as on a machine that never installed it.
HIDE_PACKAGE = """
import sys
sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in getattr(f, "__module__", "")]
sys.path[:] = [p for p in sys.path if not (Path(p or ".") / "sgd_reference").is_dir()]
sys.modules.pop("sgd_reference", None)
import importlib.util
assert importlib.util.find_spec("sgd_reference") is None
""".replace("Path(", "__import__('pathlib').Path(")


def run(cells: list[str], tmp_path: Path) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    client = NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    with pytest.raises(CellExecutionError):
        client.execute()
    return notebook


def test_a_failed_install_stops_the_lab_with_one_korean_message(tmp_path):
    wrong_url = f'%pip install -q "sgd_reference[labs] @ git+file://{tmp_path}/no-such-repository@main"'
    bootstrap = bootstrap_source().replace(install_line(), wrong_url)
    assert wrong_url in bootstrap
    notebook = run([HIDE_PACKAGE, bootstrap, "print('다음 칸이 실행되었습니다')"], tmp_path)
    setup = notebook.cells[1]
    errors = [o for o in setup.outputs if o.output_type == "error"]
    assert len(errors) == 1 and errors[0].ename == "LabSetupError"
    assert errors[0].traceback == [SETUP_FAILED], "추적 정보 없이 안내 한 줄만 보여야 합니다"
    assert "_config.yml" in SETUP_FAILED and "README" in SETUP_FAILED
    pip_said = "".join(o.get("text", "") for o in setup.outputs if o.output_type == "stream")
    assert "error" in pip_said.lower(), "pip 의 실패 이유가 안내 위에 보여야 합니다"
    assert not notebook.cells[2].outputs, "준비가 실패하면 다음 칸은 실행되지 않아야 합니다"


def test_the_bootstrap_does_nothing_where_the_package_is_importable(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(bootstrap_source())])
    NotebookClient(notebook, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert notebook.cells[0].outputs == []
