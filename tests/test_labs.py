"""Specifications every committed lab notebook must meet (nbval alone cannot see these)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from labcells import badge_markdown, bootstrap_source  # noqa: E402

LABS = sorted((ROOT / "labs").glob("*.ipynb"))
WIDGET_OR_QUIZ = re.compile(r"LivePanel|interact|widgets\.|_panel\(|panel\(|quiz", re.IGNORECASE)


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(notebook: dict) -> list[dict]:
    return [c for c in notebook["cells"] if c["cell_type"] == "code"]


def test_there_are_nine_labs():
    assert len(LABS) >= 9, [p.name for p in LABS]


@pytest.mark.parametrize("path", LABS, ids=lambda p: p.name)
def test_every_code_cell_was_executed_in_order_in_one_fresh_kernel(path):
    # nbval silently skips cells without stored outputs, so an unexecuted notebook would "pass".
    counts = [c.get("execution_count") for c in code_cells(load(path))]
    assert counts and all(counts), f"{path.name}: 실행되지 않은 코드 셀이 있습니다: {counts}"
    assert counts == list(range(1, len(counts) + 1)), f"{path.name}: 새 커널에서 위에서부터 한 번 실행해야 합니다: {counts}"


@pytest.mark.parametrize("path", LABS, ids=lambda p: p.name)
def test_lab_stores_outputs_with_a_static_figure_and_no_errors_or_warnings(path):
    outputs = [o for c in code_cells(load(path)) for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"], f"{path.name}: 오류 출력이 저장되어 있습니다"
    stderr = [o for o in outputs if o.get("name") == "stderr"]
    assert not stderr, f"{path.name}: 경고(stderr)가 저장되어 있습니다: {stderr[:1]}"
    assert any("image/png" in o.get("data", {}) for o in outputs), f"{path.name}: 정적 그림이 없습니다"


@pytest.mark.parametrize("path", LABS, ids=lambda p: p.name)
def test_lab_opens_with_colab_link_and_bootstrap_from_config(path):
    cells = load(path)["cells"]
    tagged = {tag: "".join(c["source"]) for c in cells for tag in c.get("metadata", {}).get("tags", [])}
    assert tagged.get("colab-link") == badge_markdown(path.name), "make sync-url 을 실행하세요"
    assert tagged.get("bootstrap") == bootstrap_source(), "make sync-url 을 실행하세요"
    first_code = code_cells(load(path))[0]
    assert "bootstrap" in first_code.get("metadata", {}).get("tags", []), "첫 코드 셀은 설치 셀이어야 합니다"


@pytest.mark.parametrize("path", LABS, ids=lambda p: p.name)
def test_nbval_ignore_output_is_kept_to_widget_and_quiz_cells(path):
    for cell in code_cells(load(path)):
        if "nbval-ignore-output" in cell.get("metadata", {}).get("tags", []):
            assert WIDGET_OR_QUIZ.search("".join(cell["source"])), (
                f"{path.name}: 위젯/퀴즈가 아닌 셀에 nbval-ignore-output 태그가 있습니다:\n{''.join(cell['source'])}")


@pytest.mark.parametrize("path", LABS, ids=lambda p: p.name)
def test_lab_is_linked_from_a_chapter(path):
    chapters = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "book").glob("*.md"))
    assert f"labs/{path.name}" in chapters, f"{path.name}: 어느 장에서도 링크하지 않습니다"


@pytest.mark.parametrize("path", LABS, ids=lambda p: p.name)
def test_lab_has_graded_exercises(path):
    source = "\n".join("".join(c["source"]) for c in code_cells(load(path)))
    assert re.search(r"exercises\.get\(", source) and ".check(" in source, f"{path.name}: 채점 연습 문제가 없습니다"
