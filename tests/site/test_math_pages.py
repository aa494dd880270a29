"""Math is only typeset where MathJax is loaded: a page with math markup but no MathJax shows raw TeX.

Sphinx loads MathJax only on pages whose body has math, but the sidebar (every page) shows all titles, so a title
with `$...$` would appear as `\\(10^{-2}\\)` on pages such as the search page.
"""

from __future__ import annotations

import re

MATH = re.compile(r'class="math[ "]')
MATHJAX = re.compile(r'<script[^>]+src="[^"]*(mathjax|tex-[a-z-]+\.js)', re.IGNORECASE)


def test_every_page_with_math_markup_loads_mathjax(site_dir):
    offenders = [str(page.relative_to(site_dir)) for page in sorted(site_dir.rglob("*.html"))
                 if MATH.search(page.read_text(encoding="utf-8"))
                 and not MATHJAX.search(page.read_text(encoding="utf-8"))]
    assert not offenders, f"수식 표기가 있지만 MathJax를 싣지 않는 페이지(원시 TeX가 보입니다): {offenders}"
