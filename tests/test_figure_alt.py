"""Every figure a lab stores has a Korean text alternative in its cell's metadata (`mystnb: image: alt:`).

The site shows the stored outputs, and myst-nb uses that key as the figure's `alt`; without it the alt is the
image's file path. tests/site/test_figure_alt.py checks the built pages (chapters included).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

LABS = sorted((Path(__file__).resolve().parents[1] / "labs").glob("*.ipynb"))
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.mark.parametrize("lab", LABS, ids=[p.stem for p in LABS])
def test_every_stored_figure_has_a_korean_alt(lab):
    nb = json.loads(lab.read_text(encoding="utf-8"))
    missing = []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        has_figure = any("image/png" in out.get("data", {}) for out in cell.get("outputs", []))
        alt = ((cell.get("metadata", {}).get("mystnb") or {}).get("image") or {}).get("alt", "")
        if has_figure and not (isinstance(alt, str) and HANGUL.search(alt) and len(alt) >= 15):
            missing.append(f"셀 {index}: {''.join(cell['source'])[:60]!r}")
    assert not missing, f"{lab.name}: 그림에 글로 된 대체 텍스트(mystnb.image.alt)가 없는 셀: {missing}"
