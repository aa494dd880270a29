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


# --- What the prose reads off the outputs must be what the outputs print (on every CPU path, since nbval holds there) ---
# A reading quotes measurements: decimals, percentages and "N번째 스텝"-style step counts. Formulas ($...$), code spans and
# links are not readings; a number that the lab's own code sets (a learning rate, a step count) may be quoted freely.
READING_START, READING_END = re.compile(r"\*\*읽는 법\.?\*\*"), re.compile(r"^#{1,6} |^해 볼 것", re.MULTILINE)
MEASUREMENT = re.compile(r"(?<![\w.])(\d+(?:,\d{3})*(?:\.\d+)?)(\s*%|(?=\s*[–~-]\s*\d+(?:\.\d+)?\s*%))?"
                         r"(\s*(?:번째\s*스텝|스텝째|스텝\s*만에))?")


def _prose(text: str) -> str:
    for pattern in (r"\$\$.*?\$\$", r"\$[^$\n]*\$", r"`[^`]*`", r"\]\([^)]*\)", r"<[^>]+>"):
        text = re.sub(pattern, " ", text, flags=re.DOTALL)
    return text


def readings(notebook: dict) -> list[str]:
    """The "읽는 법" paragraphs of a lab, each up to the next heading or "해 볼 것" list."""
    found = []
    for cell in notebook["cells"]:
        text = "".join(cell["source"]) if cell["cell_type"] == "markdown" else ""
        for start in READING_START.finditer(text):
            rest = text[start.end():]
            end = READING_END.search(rest)
            found.append(rest[:end.start()] if end else rest)
    return found


def printed_text(notebook: dict) -> str:
    parts = []
    for cell in code_cells(notebook):
        parts.append("".join(cell["source"]))
        for output in cell.get("outputs", []):
            parts.append("".join(output.get("text", "")))
            for kind in ("text/plain", "text/html", "text/markdown"):
                parts.append(re.sub(r"<[^>]+>", " ", "".join(output.get("data", {}).get(kind, ""))))
    return "\n".join(parts)


def unprinted_readings(notebook: dict) -> list[str]:
    printed, missing = printed_text(notebook), []
    for reading in readings(notebook):
        prose = _prose(reading)
        for match in MEASUREMENT.finditer(prose):
            number, percent, step = match.groups()
            if "." not in number and percent is None and step is None:
                continue  # a plain integer ("두 학습률", "20 에폭") is a count or a setting, not a measurement
            if not re.search(rf"(?<![\d.]){re.escape(number)}(?!\d|\.\d)", printed):
                context = prose[max(0, match.start() - 25):match.end() + 5].replace("\n", " ")
                missing.append(f"{match.group(0).strip()} (…{context}…)")
    return missing


def test_unprinted_readings_are_found():
    lab = {"cells": [{"cell_type": "code", "source": ["print('손실 0.123, 정확도 91.5%')"], "outputs": [
        {"output_type": "stream", "name": "stdout", "text": ["손실 0.123, 정확도 91.5%\n"]}]},
        {"cell_type": "markdown", "source": ["**읽는 법.** 손실은 0.123, 정확도는 91.5% 이고 $\\eta=0.7$ 입니다. "
                                             "그러나 0.125 는 출력에 없고 92% 도 없습니다. 40스텝 만에 넘습니다.\n"
                                             "## 다음 절\n0.999 는 읽는 법이 아닙니다."]}]}
    assert [m.split(" (")[0] for m in unprinted_readings(lab)] == ["0.125", "92%", "40스텝 만에"]


@pytest.mark.parametrize("path", LABS, ids=lambda p: p.name)
def test_every_number_a_reading_quotes_is_printed_by_the_lab(path):
    missing = unprinted_readings(load(path))
    assert not missing, (f"{path.name}: '읽는 법'이 인용한 수가 실습의 출력에 없습니다 (그림에서 눈으로 읽은 값이거나 "
                         f"다른 기계의 실행 값입니다; 출력에 인쇄하거나 문장을 고치세요): {missing}")


LAB_MODULE_IMPORT = re.compile(r"^from sgd_reference\.labs import (\w+)(?: as (\w+))?$", re.MULTILINE)
SHARED_LAB_MODULES = {"quadratic"}  # the quadratic problem itself, used by labs 4-5 beside their own figure module


@pytest.mark.parametrize("path", LABS, ids=lambda p: p.name)
def test_lab_names_its_own_module_lab_and_sets_the_font_one_way(path):
    # One alias convention (issue 13): a reader moving between labs always finds the lab's experiments under `lab.`.
    source = "\n".join("".join(c["source"]) for c in code_cells(load(path)))
    own = [(m, a) for m, a in LAB_MODULE_IMPORT.findall(source) if m not in SHARED_LAB_MODULES]
    assert len(own) <= 1, f"{path.name}: 실습 모듈은 하나만 가져옵니다: {own}"
    for module, alias in own:
        assert alias == "lab", f"{path.name}: `from sgd_reference.labs import {module} as lab` 로 가져옵니다 (지금: {alias!r})"
    font_calls = re.findall(r"^.*use_korean_font\(\).*$", source, re.MULTILINE)
    assert font_calls == ["plotting.use_korean_font()"], f"{path.name}: 한글 글꼴은 `plotting.use_korean_font()` 한 줄로: {font_calls}"
