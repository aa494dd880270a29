"""The `{explorable}` directive: one div per figure, its script and styles only on the pages that use them, and no
widget html-manager on a page where no widget output is left."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

pytest.importorskip("myst_parser")
from sphinx.application import Sphinx  # noqa: E402
from sphinx.util.docutils import docutils_namespace  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
EXT_DIR = REPO / "book" / "_ext"
STATIC = EXT_DIR / "explore_static"

CONF = f"""
import sys
sys.path.insert(0, {str(EXT_DIR)!r})
extensions = ["myst_parser", "explorable"]
language = "ko"
"""

PAGE = """# 그림

```{explorable} lr-1d
:lr: 0.4
:steps: 25
:curvature: 4
```

```{explorable} momentum
:kappa: 100
```
"""


def build(src: Path, pages: dict[str, str]) -> tuple[Path, str]:
    src.mkdir(parents=True, exist_ok=True)
    (src / "conf.py").write_text(CONF, encoding="utf-8")
    toc = "\n\n```{toctree}\n" + "\n".join(p for p in pages if p != "index") + "\n```\n"
    for name, text in pages.items():
        (src / f"{name}.md").write_text(text + (toc if name == "index" else ""), encoding="utf-8")
    out = src / "_build"
    warnings = io.StringIO()
    with docutils_namespace():
        app = Sphinx(str(src), str(src), str(out), str(src / "_doctrees"), "html", status=None, warning=warnings,
                     freshenv=True)
        app.build()
    return out, warnings.getvalue()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out, warnings = build(tmp_path_factory.mktemp("explore"), {"index": PAGE, "plain": "# 그림 없는 쪽\n\n글만 있습니다.\n"})
    assert warnings == "", warnings
    return out


def test_directive_writes_the_div_with_its_settings_and_a_fallback(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    divs = re.findall(r'<div class="sgd-explore"[^>]*>', html)
    assert len(divs) == 2
    assert 'data-kind="lr-1d"' in divs[0] and 'data-lr="0.4"' in divs[0] and 'data-steps="25"' in divs[0]
    assert 'data-kind="momentum"' in divs[1] and 'data-kappa="100"' in divs[1]
    assert "sgd-explore-fallback" in html


def test_script_and_styles_only_on_pages_with_an_explorable(site):
    with_it = (site / "index.html").read_text(encoding="utf-8")
    without = (site / "plain.html").read_text(encoding="utf-8")
    assert re.search(r'<script defer="defer" src="_static/sgd-explore.js', with_it)
    assert 'href="_static/sgd-explore.css' in with_it
    assert "sgd-explore" not in without
    assert (site / "_static" / "sgd-explore.js").is_file()


def test_static_files_reach_no_network():
    for name in ("sgd-explore.js", "sgd-explore.css"):
        text = (STATIC / name).read_text(encoding="utf-8")
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", text), name  # only the SVG namespace name


@pytest.mark.parametrize("body, message", [
    ("```{explorable} spiral\n```\n", "알 수 없는 종류"),
    ("```{explorable} momentum\n:momentum: 1.5\n```\n", "1 미만"),
    ("```{explorable} lr-1d\n:lr: 많이\n```\n", "lr"),
])
def test_bad_settings_are_reported(tmp_path, body, message):
    _, warnings = build(tmp_path / "bad", {"index": "# 잘못\n\n" + body})
    assert message in warnings, warnings


def test_lab_divs_match_the_directive_html():
    """The three quadratic labs carry the same div the directive writes, after their (site-hidden) widget cell."""
    import sys

    sys.path.insert(0, str(EXT_DIR))
    from explorable import KINDS, MARKER

    for name, kind in (("01_learning_rate", "lr-1d"), ("04_momentum", "momentum"), ("05_nesterov", "nesterov"),
                       ("06_weight_decay", "weight-decay"), ("02_five_minute_lab", "five-minute")):
        cells = json.loads((REPO / "labs" / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]
        index = next(i for i, c in enumerate(cells) if MARKER in "".join(c["source"]))
        div = "".join(cells[index]["source"])
        assert cells[index]["cell_type"] == "markdown" and f'data-kind="{kind}"' in div and kind in KINDS
        widget = cells[index - 1]
        assert widget["cell_type"] == "code" and "panel" in "".join(widget["source"])
        assert "remove-output" in widget["metadata"]["tags"], f"{name}: the widget's frozen picture stays on the site"
        prose = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        assert "움직이지 않습니다" not in prose, name


PRECOMPUTED_PAGE = """# 미리 계산한 그림

```{explorable} weight-decay
```

```{explorable} weight-decay
```
"""


def test_precomputed_kind_carries_its_grid_once_before_its_first_div(tmp_path):
    import sys

    sys.path.insert(0, str(EXT_DIR))
    from explorable import DATA_DIR, PRECOMPUTED

    out, warnings = build(tmp_path / "pre", {"index": PRECOMPUTED_PAGE, "plain": "# 글\n\n그림 없음.\n"})
    assert warnings == "", warnings
    html = (out / "index.html").read_text(encoding="utf-8")
    scripts = re.findall(r'<script type="application/json" class="sgd-explore-data" data-kind="([^"]+)">(.*?)</script>',
                         html, flags=re.S)
    assert [kind for kind, _ in scripts] == ["weight-decay"], "one inline grid per kind and page"
    assert html.index('class="sgd-explore-data"') < html.index('<div class="sgd-explore" data-kind="weight-decay"')
    data = json.loads(scripts[0][1].replace("<\\/", "</"))
    assert data == json.loads((DATA_DIR / "weight-decay.json").read_text(encoding="utf-8"))
    assert "미리 계산한" in html  # the fallback says what the figure is
    assert "sgd-explore-data" not in (out / "plain.html").read_text(encoding="utf-8")
    assert re.search(r'<script defer="defer" src="_static/kinds/weight-decay.js', html), "the kind's drawer is loaded"
    assert html.index("_static/sgd-explore.js") < html.index("_static/kinds/weight-decay.js"), "after its helpers"
    assert "kinds/five-minute.js" not in html, "only the drawers of the kinds on the page"
    assert (out / "_static" / "kinds" / "weight-decay.js").is_file()
    for kind in PRECOMPUTED:  # every precomputed kind has its data and a drawer file that registers it
        assert (DATA_DIR / f"{kind}.json").is_file(), kind
        assert f'X.register("{kind}", {{' in (STATIC / "kinds" / f"{kind}.js").read_text(encoding="utf-8"), kind


def test_precomputed_grid_matches_its_controls():
    """The grid has one point per combination of its controls' values, each with the lab's status line."""
    import sys

    sys.path.insert(0, str(EXT_DIR))
    from explorable import DATA_DIR, PRECOMPUTED

    for kind in PRECOMPUTED:
        data = json.loads((DATA_DIR / f"{kind}.json").read_text(encoding="utf-8"))
        assert data["kind"] == kind
        size = 1
        for control in data["controls"]:
            assert any("\uac00" <= ch <= "\ud7a3" for ch in control["label"]), control["label"]
            assert control["value"] in control["values"], control
            assert len(set(map(str, control["values"]))) == len(control["values"]) >= 2
            if "labels" in control:
                assert len(control["labels"]) == len(control["values"])
            size *= len(control["values"])
        assert len(data["points"]) == size
        assert all(p["text"] for p in data["points"])
        assert len((DATA_DIR / f"{kind}.json").read_bytes()) < 400_000, f"{kind}: the grid is too heavy for a page"
