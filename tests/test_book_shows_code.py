"""The book shows the package's own code where it derives a formula (literalinclude), and the code points back.

A renamed function or a moved line must fail here with a clear message, not only as a Sphinx warning in `make book`.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
DIRECTIVE = re.compile(r"^```\{literalinclude\} (?P<path>\S+)\n(?P<options>(?::[^\n]*\n)*)```", re.M)

# Where each chapter derives a rule, the function that implements it.
REQUIRED = {
    "02_basic_sgd.md": {"_sgd_step"},
    "04_momentum.md": {"_sgd_step"},
    "05_nesterov.md": {"lookahead_nesterov_trajectory", "_sgd_step"},
    "06_weight_decay.md": {"_sgd_step", "SGDW._step_group"},
    "08_recipe.md": {"warmup_cosine_lr"},
    "09_debugging.md": {"clip_grad_norm"},
}


def includes():
    for chapter in sorted(BOOK.glob("*.md")):
        for match in DIRECTIVE.finditer(chapter.read_text(encoding="utf-8")):
            options = dict(re.findall(r"^:([\w-]+):\s*(.*)$", match.group("options"), re.M))
            yield chapter, (chapter.parent / match.group("path")).resolve(), options


def object_source(path: Path, dotted: str) -> str:
    """The source lines (docstring and comments included) of ``Class.method`` or ``function`` in ``path``."""
    text = path.read_text(encoding="utf-8")
    nodes = ast.parse(text).body
    node = None
    for name in dotted.split("."):
        node = next((n for n in nodes if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == name), None)
        assert node is not None, f"{path.name} 에 {dotted} 가 없습니다 (책이 literalinclude 로 보여 주는 코드)"
        nodes = node.body
    return "\n".join(text.splitlines()[node.lineno - 1:node.end_lineno])


def test_the_chapters_show_the_functions_they_derive():
    shown = {}
    for chapter, _, options in includes():
        shown.setdefault(chapter.name, set()).add(options.get("pyobject"))
    for chapter, objects in REQUIRED.items():
        assert objects <= shown.get(chapter, set()), f"{chapter} 가 보여 주지 않는 코드: {objects - shown.get(chapter, set())}"


@pytest.mark.parametrize("chapter,path,options", list(includes()), ids=lambda v: getattr(v, "name", None) or str(v))
def test_every_included_object_and_line_range_exists_and_points_back(chapter, path, options):
    assert path.is_file() and path.is_relative_to(ROOT / "sgd_reference"), path
    source = object_source(path, options["pyobject"])
    for key in ("start-at", "end-at"):
        if key in options:
            assert options[key] in source, f"{chapter.name}: {options['pyobject']} 에 '{options[key]}' 줄이 없습니다"
    assert chapter.stem in source, f"{options['pyobject']} 의 설명에 그것을 보여 주는 장 {chapter.stem} 이 적혀 있지 않습니다"


# The prose names the highlighted lines; the highlight must stay on them when the function above them changes.
EMPHASIS = {("02_basic_sgd.md", "_sgd_step"): ["g = grad if not maximize", "theta.add_(g, alpha=-lr)"]}


def emphasized_lines(options: dict, source: str) -> list[str]:
    lines = source.splitlines()
    numbers = [int(n) for part in options.get("emphasize-lines", "").split(",") if part
               for n in (range(int(part.split("-")[0]), int(part.split("-")[-1]) + 1))]
    return [lines[n - 1].strip() for n in numbers]


def test_highlighted_lines_are_the_ones_the_prose_names():
    checked = 0
    for chapter, path, options in includes():
        expected = EMPHASIS.get((chapter.name, options.get("pyobject")))
        if expected is None:
            continue
        highlighted = emphasized_lines(options, object_source(path, options["pyobject"]))
        assert len(highlighted) == len(expected) and all(line.startswith(want) for line, want in zip(highlighted, expected)), (
            f"{chapter.name}: 강조한 줄이 {highlighted} 입니다. 본문이 가리키는 줄은 {expected} 입니다 (:emphasize-lines: 를 고치세요)")
        checked += 1
    assert checked == len(EMPHASIS)
