"""Every figure on the site has a Korean text alternative that says what it shows, not its file name.

myst-nb takes a cell's figure `alt` from its metadata (`mystnb: image: alt:`; in a chapter's code cell the same key
in the cell's YAML header). Without it the `<img>` gets the image's path (`../_images/46e2….png`) as its alt, which
a screen reader reads out as a hash. tests/test_figure_alt.py checks the labs' stored outputs without a build.
"""

from __future__ import annotations

import re

import pytest

from conftest import SITE
from test_built_site import CONTENT_PAGES

IMG = re.compile(r"<img\b[^>]*>")
ALT = re.compile(r'\balt="([^"]*)"')
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _article(html: str) -> str:
    return html.split("<article", 1)[-1].split("</article>", 1)[0] if "<article" in html else html


@pytest.mark.parametrize("path", CONTENT_PAGES or ["<no site>"])
def test_every_figure_has_a_korean_text_alternative(site_dir, path):
    html = _article((site_dir / path).read_text(encoding="utf-8"))
    bad = []
    for tag in IMG.findall(html):
        alt = ALT.search(tag)
        text = alt.group(1).strip() if alt else ""
        if not text or "_images/" in text or re.search(r"\.(png|svg|jpe?g)$", text) or not HANGUL.search(text) \
                or len(text) < 15:
            bad.append(f"{tag[:90]} (alt={text[:60]!r})")
    assert not bad, f"{path}: 글로 된 대체 텍스트(alt)가 없는 그림 {len(bad)}개 (셀 메타데이터 mystnb.image.alt): {bad}"
