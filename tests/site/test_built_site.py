"""The built book, opened page by page in headless Chromium, works offline and in Korean.

Every page: <html lang="ko">, no console error, no failed request, no request to a host other than the local
server; math rendered by the site's own MathJax; saved widget state, where a page still has any, rendered by the site's
own html-manager.
Search finds Korean words in any inflected form. Korean text is drawn with a Hangul font, not boxes.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from conftest import REPO, SITE

sys.path.insert(0, str(REPO / "tools"))
from check_links import site_pages  # noqa: E402

PAGES = [p.relative_to(SITE).as_posix() for p in site_pages(SITE)] if (SITE / "index.html").is_file() else []
CONTENT_PAGES = [p for p in PAGES if p not in {"search.html", "genindex.html", "index.html"}]
HANGUL_FONTS = {"NanumGothic", "Nanum Gothic", "나눔고딕", "Pretendard", "Noto Sans KR", "Noto Sans CJK KR",
                "Apple SD Gothic Neo", "Malgun Gothic", "NanumBarunGothic", "NanumSquare"}


class Visit:
    """One page load with everything the browser reported while loading it."""

    def __init__(self, browser, url: str, wait_for: str | None = None):
        self.console_errors: list[str] = []
        self.failed: list[str] = []
        self.foreign: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = page = self.context.new_page()

        def route(r):
            host = urlsplit(r.request.url).hostname
            if r.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
                r.continue_()
            else:  # never let the browser reach the network; record it instead
                self.foreign.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda e: self.console_errors.append(f"uncaught: {e}"))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.url} (HTTP {r.status})"))
        page.goto(url, wait_until="networkidle")
        if wait_for:
            page.wait_for_function(wait_for, timeout=20_000)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser, base_url):
    opened: list[Visit] = []

    def _open(path: str, wait_for: str | None = None) -> Visit:
        v = Visit(browser, base_url + path, wait_for)
        opened.append(v)
        return v

    yield _open
    for v in opened:
        v.close()


def test_site_has_pages(site_dir):
    assert "index.html" in PAGES and "search.html" in PAGES, PAGES
    assert CONTENT_PAGES, "no chapter or lab pages were built"


@pytest.mark.parametrize("path", PAGES or ["<no site>"])
def test_page_loads_offline_in_korean(site_dir, visit, path):
    html = (site_dir / path).read_text(encoding="utf-8")
    has_math = 'class="math' in html
    n_widget_views = html.count("application/vnd.jupyter.widget-view+json")
    has_state = "application/vnd.jupyter.widget-state+json" in html
    wait = []
    if has_math:
        wait.append("document.querySelectorAll('mjx-container').length > 0")
    if n_widget_views and has_state:
        wait.append(f"document.querySelectorAll('.widget-subarea > *').length >= {n_widget_views}")
    v = visit(path, " && ".join(wait) or None)

    assert v.page.evaluate("document.documentElement.lang") == "ko"
    assert v.foreign == [], f"{path} asked another host: {v.foreign}"
    assert v.failed == [], f"{path} failed requests: {v.failed}"
    assert v.console_errors == [], f"{path} console errors: {v.console_errors}"
    if has_math:
        n_math = v.page.locator("mjx-container").count()
        assert n_math > 0
        assert v.page.locator("mjx-merror, .MathJax_Error").count() == 0, f"{path}: MathJax reported a TeX error"
    if n_widget_views and has_state:
        rendered = v.page.locator(".widget-subarea > *").count()
        assert rendered >= n_widget_views, f"{path}: {rendered} of {n_widget_views} widget views rendered"


def test_lab_pages_have_colab_jupyterlab_and_download_buttons(site_dir):
    labs = [p for p in CONTENT_PAGES if p.startswith("labs/")]
    assert labs, "no lab pages were built"
    for path in labs:
        html = (site_dir / path).read_text(encoding="utf-8")
        name = Path(path).stem
        assert re.search(rf'href="https://colab\.research\.google\.com/github/[^"]+/blob/[^"]+/labs/{name}\.ipynb"',
                         html), f"{path}: no Colab button"
        assert f"/lab/tree/{name}.ipynb" in html, f"{path}: no JupyterLab button"
        m = re.search(r'href="([^"]*_sources/labs/' + re.escape(name) + r'\.ipynb)"', html)
        assert m, f"{path}: no .ipynb download button"
        target = (site_dir / path).parent / m.group(1)
        assert target.resolve().is_file(), f"{path}: download target {m.group(1)} missing"


def _search(visit, query: str) -> list[str]:
    v = visit("search.html?q=" + quote(query),
              "document.querySelector('#search-results .search-summary') !== null")
    assert v.console_errors == [] and v.foreign == [] and v.failed == []
    hrefs = v.page.eval_on_selector_all("#search-results ul.search li a", "els => els.map(e => e.href)")
    return sorted({urlsplit(h).path.lstrip("/") for h in hrefs if h})


def _page_text(site_dir: Path, path: str) -> str:
    html = (site_dir / path).read_text(encoding="utf-8")
    html = html.split('<article', 1)[-1].split("</article>", 1)[0] if "<article" in html else html
    # a script's contents (an explorable's inline JSON grid) are data, not text a reader sees or search indexes
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("word", ["발산", "학습률", "모멘텀"])
def test_korean_search_finds_every_page_using_the_word_in_any_form(site_dir, visit, word):
    results = _search(visit, word)
    texts = {p: _page_text(site_dir, p) for p in CONTENT_PAGES}
    # pages where the word is followed by a particle or ending (발산하면, 학습률을 ...), which English search misses
    inflected = re.compile(re.escape(word) + r"(하|한|할|했|합|해|을|를|이|가|은|는|의|과|와|에|으로|로|도|만)")
    expected = {p for p, t in texts.items() if inflected.search(t)}
    assert expected, f"no page uses {word} with a particle: the test has nothing to check"
    missing = expected - set(results)
    assert not missing, f"search for {word} missed {sorted(missing)}; got {results}"
    unrelated = [p for p in results if p in texts and word not in texts[p]]
    assert not unrelated, f"search for {word} returned pages without it: {unrelated}"


def test_conjugated_query_finds_the_same_pages_as_the_stem(visit):
    stem = _search(visit, "발산")
    assert stem
    for form in ("발산하면", "발산합니다", "발산을"):
        assert _search(visit, form) == stem, form


def test_korean_text_is_drawn_with_a_hangul_font(site_dir, visit):
    path = CONTENT_PAGES[0]
    v = visit(path)
    cdp = v.context.new_cdp_session(v.page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "article h1"})["nodeId"]
    assert node, f"{path}: no <h1> in the article"
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    used = {f["familyName"] for f in fonts if f["glyphCount"] > 0}
    assert used & HANGUL_FONTS, f"{path}: heading drawn with {fonts}, no Hangul font"
    family = v.page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Noto Sans KR" in family and "NanumGothic" in family, family


def test_screenshot_of_a_chapter(visit):
    chapters = [p for p in CONTENT_PAGES if p.startswith("book/")]
    with_math = [p for p in chapters if 'class="math' in (SITE / p).read_text(encoding="utf-8")]
    path = (with_math or chapters)[0]
    v = visit(path, "document.querySelectorAll('mjx-container').length > 0" if with_math else None)
    out = Path("/tmp/site_chapter.png")
    v.page.screenshot(path=str(out), full_page=False)
    assert out.stat().st_size > 10_000


ICONS = """() => Array.from(document.querySelectorAll('i.fa-solid, i.fas, i.fab')).filter(i => i.offsetParent)
    .map(i => { const b = getComputedStyle(i, '::before');
                return [i.className, b.fontFamily, b.content, i.getBoundingClientRect().width]; })"""


def test_icons_are_drawn_by_the_webfont_without_the_1_5_mb_icon_script(site_dir, visit):
    """book/_templates/static/webpack-macros.html leaves out the theme's fontawesome.js; its icons still show."""
    v = visit(CONTENT_PAGES[0])
    v.page.evaluate("document.fonts.ready")
    loaded = v.page.evaluate("performance.getEntriesByType('resource').map(e => e.name).join(' ')")
    assert "fontawesome.js" not in loaded
    icons = v.page.evaluate(ICONS)
    assert len(icons) >= 3, icons  # search, theme switch, sidebar toggles, ...
    for name, family, content, width in icons:
        assert "Font Awesome" in family and content not in ("none", "normal", '""') and width > 0, (name, family, content)
    assert v.page.evaluate("document.fonts.check('900 16px \"Font Awesome 6 Free\"')")
    assert v.console_errors == [] and v.failed == []

