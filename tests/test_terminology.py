"""One Korean term per concept: the book and the labs never use a variant that book/glossary.yml says to avoid.

The prose is checked for every variant: fenced code blocks (``` / ~~~, MyST code-cells included), inline `code` and
$math$ are skipped there. What a learner reads outside the prose (code comments and printed strings in the chapters, lab
code cells and stored outputs, the package's Korean messages and exercise texts) is checked for the Korean variants.
book/glossary.md is exempt: it may name the variants it rejects.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
GLOSSARY = REPO / "book" / "glossary.yml"
EXEMPT = {"glossary.md"}


def load_glossary() -> list[dict]:
    entries = yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))
    assert isinstance(entries, list) and entries, "book/glossary.yml must be a non-empty list"
    return entries


PROSE_DIRECTIVES = re.compile(r"^\{(exercise|solution|admonition|note|tip|warning|important|caution|quiz|dropdown|figure|"
                              r"seealso|hint|attention|margin|sidebar|epigraph|div)\b")


def prose_lines(text: str):
    """(line number, text) of the prose lines, with inline code and math blanked out.

    Code fences (```python, ```{code-cell}, a bare ```) are skipped; MyST directives that hold prose ({exercise},
    {solution}, {admonition}, {note}, quizzes, ...) are read, so a variant cannot hide in an exercise or a note.
    """
    stack: list[tuple[str, bool]] = []  # (fence, is_code) of the open fences
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        in_code = any(code for _, code in stack)
        if stack and stripped.startswith(stack[-1][0]) and stripped.strip(stack[-1][0][0]) == "":
            stack.pop()
            continue
        m = re.match(r"^\s*(`{3,}|~{3,})(.*)$", line)
        if m and not in_code:
            info = m.group(2).strip()
            stack.append((m.group(1), not PROSE_DIRECTIVES.match(info)))
            continue
        if in_code:
            continue
        if re.match(r"^\s*:[\w-]+:", line) or re.match(r"^\(\S+\)=\s*$", line):  # directive options, (label)=
            continue
        line = re.sub(r"`+[^`]*`+", " ", line)
        line = re.sub(r"\$\$?[^$]*\$\$?", " ", line)
        yield number, line


def documents():
    for path in sorted((REPO / "book").glob("*.md")):
        if path.name not in EXEMPT:
            yield path.relative_to(REPO).as_posix(), path.read_text(encoding="utf-8")
    for path in sorted((REPO / "labs").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for index, cell in enumerate(nb.get("cells", [])):
            if cell.get("cell_type") == "markdown":
                source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                yield f"{path.relative_to(REPO).as_posix()} (cell {index})", source


def test_glossary_entries_are_well_formed():
    entries = load_glossary()
    seen: set[str] = set()
    for e in entries:
        assert set(e) == {"ko", "en", "avoid"}, e
        assert e["ko"] and e["en"] and isinstance(e["avoid"], list), e
        assert e["ko"] not in seen, f"duplicate term {e['ko']}"
        seen.add(e["ko"])
        assert e["ko"] not in e["avoid"], e
    assert len(entries) >= 25
    for must in ("학습률", "기울기", "모멘텀", "가중치 감쇠", "미니배치", "발산"):
        assert must in seen, must


def test_no_avoided_variant_in_book_or_labs():
    entries = load_glossary()
    docs = list(documents())
    assert docs, "no book/*.md or labs/*.ipynb to check"
    problems = []
    for name, text in docs:
        for number, line in prose_lines(text):
            for e in entries:
                for bad in e["avoid"]:
                    if bad in line:
                        problems.append(f"{name}:{number}: '{bad}' -> '{e['ko']}': {line.strip()[:80]}")
    assert not problems, "용어집과 다른 표기:\n" + "\n".join(problems)


HANGUL = re.compile(r"[\uac00-\ud7a3]")


def code_lines():
    """(name, text) of what a learner reads outside the prose: chapter code cells (comments, printed strings), lab code
    cells and their stored text outputs, and the package's Korean lines (messages, exercise texts, hints, figure labels)."""
    for path in sorted((REPO / "book").glob("*.md")):
        if path.name in EXEMPT:
            continue
        text = path.read_text(encoding="utf-8")
        prose = {number for number, _ in prose_lines(text)}
        for number, line in enumerate(text.splitlines(), start=1):
            if number not in prose:
                yield f"{path.relative_to(REPO).as_posix()}:{number}", line
    for path in sorted((REPO / "labs").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for index, cell in enumerate(nb.get("cells", [])):
            if cell.get("cell_type") != "code":
                continue
            texts = [cell["source"]] + [output.get("text", "") for output in cell.get("outputs", [])]
            texts += [output.get("data", {}).get("text/plain", "") for output in cell.get("outputs", [])]
            for text in texts:
                text = "".join(text) if isinstance(text, list) else text
                for line in text.splitlines():
                    yield f"{path.relative_to(REPO).as_posix()} (cell {index})", line
    for path in sorted((REPO / "sgd_reference").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if HANGUL.search(line):
                yield f"{path.relative_to(REPO).as_posix()}:{number}", line


def test_no_avoided_korean_variant_in_code_outputs_or_package():
    """Code cells, stored outputs and the package's messages are read by learners too; the Korean variants (not the
    English ones, which may be identifiers) are checked there as well."""
    variants = [(bad, e["ko"]) for e in load_glossary() for bad in e["avoid"] if HANGUL.search(bad)]
    problems = [f"{name}: '{bad}' -> '{ko}': {line.strip()[:80]}"
                for name, line in code_lines() for bad, ko in variants if bad in line]
    assert not problems, "용어집과 다른 표기 (코드·출력·패키지 문구):\n" + "\n".join(problems)


@pytest.mark.parametrize("text, expected", [
    ("학습율이 크다", ["학습율"]),
    ("`러닝 레이트` 는 코드", []),
    ("```python\n# 그래디언트\n```\n기울기", []),
    ("수식 $그래디언트$ 밖", []),
    ("```{exercise}\n:label: ex-1\n학습율\n```", ["학습율"]),
    ("````{solution} ex-1\n```python\n# 학습율\n```\n러닝 레이트\n````", ["러닝 레이트"]),
    ("```{code-cell} ipython3\nprint('학습율')\n```", []),
])
def test_scanner_checks_prose_only(text, expected):
    found = [bad for _, line in prose_lines(text) for bad in ("학습율", "러닝 레이트", "그래디언트") if bad in line]
    assert found == expected
