"""The built book on a phone (390x844 Chromium) and from the keyboard.

- No Hangul word (or number) is split across two lines in prose or tables, and no page scrolls sideways
  (`word-break: keep-all` with `overflow-wrap: break-word` in book/_static/korean.css; `anywhere` split "기/호").
- No page ships a frozen ipywidgets panel (the explorable stands in for it), every explorable's controls stay inside
  their box; wide figures (multi-panel plots) are a link to the picture
  at full size, with a "크게 보기" hint on the phone only.
- The theme's "맨 위로" button never lies over a quiz option.
- Quiz targets are at least 24x24 px (WCAG 2.5.8), every quiz input has a text name, the numeric field's name is
  its question.
- Formulas are not Tab stops (MathJax's menu setting `inTabOrder: false` in _config.yml), unless the reader turns
  MathJax's "Include in Tab Order" on, which MathJax keeps in localStorage; a formula wider than a phone's column
  scrolls and is then a Tab stop (axe's scrollable-region-focusable, checked at 390 px).
"""

from __future__ import annotations

import re
import sys
from urllib.parse import urlsplit

import pytest

from conftest import REPO, SITE

sys.path.insert(0, str(REPO / "tools"))
from check_links import site_pages  # noqa: E402

PAGES = [p.relative_to(SITE).as_posix() for p in site_pages(SITE)] if (SITE / "index.html").is_file() else []
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 1}


def _html(path: str) -> str:
    return (SITE / path).read_text(encoding="utf-8") if (SITE / path).is_file() else ""


QUIZ_PAGES = [p for p in PAGES if 'class="sgd-quiz"' in _html(p)]
WIDGET_PAGES = [p for p in PAGES if "application/vnd.jupyter.widget-view+json" in _html(p)]

READY = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  const views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length;
  const t0 = Date.now();
  while (views && document.querySelectorAll('.widget-subarea > *').length < views) {
    if (Date.now() - t0 > 20000) { throw new Error('widgets not rendered'); }
    await new Promise(r => setTimeout(r, 50));
  }
  await document.fonts.ready;
}"""

# Every run of Hangul letters, digits or Latin letters outside code and formulas: the tops of its line boxes.
# Two different tops = the word was split across lines.
SPLIT_WORDS = r"""() => {
  const found = [];
  const article = document.querySelector('article.bd-article') || document.querySelector('main') || document.body;
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  const word = /[가-힣0-9A-Za-z]+/g;
  let node;
  while ((node = walker.nextNode())) {
    const el = node.parentElement;
    if (!el || el.closest('code, pre, kbd, mjx-container, script, style, svg, .widget-subarea')) continue;
    let m;
    word.lastIndex = 0;
    while ((m = word.exec(node.data))) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (tops.size > 1) found.push(m[0] + (el.closest('td, th') ? ' (표)' : ''));
    }
  }
  return found;
}"""


@pytest.fixture(scope="module")
def phone(browser, base_url):
    context = browser.new_context(**PHONE)
    page = context.new_page()

    def route(r):
        if r.request.url.startswith(("data:", "blob:")) or urlsplit(r.request.url).hostname == "127.0.0.1":
            r.continue_()
        else:
            r.abort()

    page.route("**/*", route)

    def open_page(path: str):
        page.goto(base_url + path, wait_until="networkidle")
        page.evaluate(READY)
        return page

    yield open_page
    context.close()


@pytest.mark.parametrize("path", PAGES or ["<no site>"])
def test_no_word_is_split_across_lines_and_no_page_scrolls_sideways_on_a_phone(site_dir, phone, path):
    page = phone(path)
    split = page.evaluate(SPLIT_WORDS)
    assert not split, f"{path}: 390 px 에서 줄이 단어 가운데서 나뉨: {split[:20]}"
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{path}: 페이지가 옆으로 스크롤됩니다 {width}"


def test_korean_text_keeps_words_whole_by_style(site_dir, phone):
    page = phone("book/02_basic_sgd.html")
    style = page.evaluate("""() => { const s = getComputedStyle(document.querySelector('article td, article p'));
                                      return [s.wordBreak, s.overflowWrap]; }""")
    assert style == ["keep-all", "break-word"], style


def test_no_page_ships_a_frozen_widget():
    """The site shows each lab's explorable where the notebook has its ipywidgets panel (issue 10): a saved widget
    view on a page would be a frozen slider that cannot move without a kernel, and would load the html-manager."""
    assert WIDGET_PAGES == [], f"saved ipywidgets views on {WIDGET_PAGES}: tag the widget cell remove-output"


EXPLORE_PAGES = [p for p in PAGES if 'class="sgd-explore"' in _html(p)]


@pytest.mark.parametrize("path", EXPLORE_PAGES or ["<no explorables>"])
def test_explorable_controls_stay_inside_their_box_on_a_phone(site_dir, phone, path):
    assert path != "<no explorables>", "the site has no explorable figure"
    page = phone(path)
    page.wait_for_function("document.querySelectorAll('.sgd-explore:not([data-ready])').length === 0", timeout=20_000)
    outside = page.evaluate("""() => Array.from(document.querySelectorAll('.sgd-explore')).flatMap(box => {
        const b = box.getBoundingClientRect();
        return Array.from(box.querySelectorAll('label, input, output, select, svg, .sgd-explore-status'))
          .filter(e => e.getClientRects().length)
          .filter(e => { const r = e.getBoundingClientRect(); return r.right > b.right + 0.5 || r.left < b.left - 0.5; })
          .map(e => e.tagName + ' ' + (e.textContent || '').trim().slice(0, 20));
      })""")
    assert not outside, f"{path}: 그림의 조절기나 값이 상자 밖으로 나감: {outside}"


def test_wide_figures_are_a_tap_away_from_full_size_with_a_hint_on_the_phone_only(site_dir, browser, base_url, phone):
    checked = 0
    for path in [p for p in PAGES if "sgd-figure-zoom" in _html(p) or p in WIDGET_PAGES]:
        page = phone(path)
        figures = page.evaluate("""() => Array.from(document.querySelectorAll(
            '.cell_output img, .widget-subarea img')).filter(i => i.naturalWidth >= 600).map(i => {
              const a = i.closest('a.sgd-figure-zoom');
              const hint = a && a.querySelector('.sgd-figure-zoom-hint');
              return {src: i.src.slice(0, 40), href: a ? a.href : null, hint: hint ? hint.getBoundingClientRect().height : 0,
                      natural: i.naturalWidth, shown: i.getBoundingClientRect().width};
            })""")
        for f in figures:
            assert f["href"], f"{path}: 넓은 그림({f['natural']} px, 화면 {f['shown']:.0f} px)에 크게 보기 링크가 없음: {f['src']}"
            assert f["hint"] > 0, f"{path}: 전화 화면에 '크게 보기' 표시가 없음"
            checked += 1
        for href in {f["href"] for f in figures if f["href"].startswith("http")}:
            target = page.request.get(href)
            assert target.ok and target.headers["content-type"] == "image/png", href
    assert checked >= 10, f"only {checked} wide figures found: the test has little to check"
    desktop = browser.new_context(viewport={"width": 1280, "height": 900})
    page = desktop.new_page()
    page.goto(base_url + "labs/03_minibatch_noise.html", wait_until="networkidle")
    assert page.locator(".sgd-figure-zoom-hint").first.is_hidden()
    desktop.close()


# Scroll so that the quiz's options pass the bottom of the screen one step at a time, arriving each time by
# scrolling *up* (when the theme shows "맨 위로"); the button must never lie over an option.
COVERED_OPTIONS = """async (quizIndex) => {
  const quiz = document.querySelectorAll('.sgd-quiz')[quizIndex];
  const button = document.getElementById('pst-back-to-top');
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const top = quiz.getBoundingClientRect().top + scrollY, bottom = top + quiz.offsetHeight;
  const covered = [];
  let shown = 0;
  for (let y = top - innerHeight; y < bottom; y += 40) {
    scrollTo(0, y + 300); await frame();
    scrollTo(0, y); await frame(); await frame();
    const s = getComputedStyle(button);
    if (s.display === 'none' || s.visibility === 'hidden') continue;
    shown++;
    const b = button.getBoundingClientRect();
    for (const o of quiz.querySelectorAll('.sgd-quiz-option, .sgd-quiz-check, .sgd-quiz-input')) {
      const r = o.getBoundingClientRect();
      if (r.left < b.right && r.right > b.left && r.top < b.bottom && r.bottom > b.top) covered.push([y, o.textContent.trim().slice(0, 20)]);
    }
  }
  return {covered, shown};
}"""


@pytest.mark.parametrize("path", QUIZ_PAGES[:3] or ["<no quizzes>"])
def test_back_to_top_never_covers_a_quiz_option_on_a_phone(site_dir, phone, path):
    page = phone(path)
    result = page.evaluate(COVERED_OPTIONS, 0)
    assert page.locator("#pst-back-to-top").count() == 1
    assert result["covered"] == [], f"{path}: '맨 위로' 단추가 퀴즈 보기를 가림: {result['covered'][:5]}"
    assert result["shown"] > 0, "the button never showed: the scroll simulation did not trigger the theme"


@pytest.mark.parametrize("path", QUIZ_PAGES or ["<no quizzes>"])
def test_quiz_targets_are_at_least_24px_and_every_input_has_a_text_name(site_dir, phone, path):
    from playwright.sync_api import expect

    page = phone(path)
    small = page.evaluate("""() => Array.from(document.querySelectorAll(
        '.sgd-quiz input, .sgd-quiz button, .sgd-quiz-summary a')).map(e => {
          const r = e.getBoundingClientRect(); return [e.id || e.className, r.width, r.height]; })
        .filter(([, w, h]) => w < 24 || h < 24)""")
    assert not small, f"{path}: 24x24 px 보다 작은 퀴즈 대상: {small}"
    for kind in ("radio", "checkbox", "textbox"):
        controls = page.locator(".sgd-quiz").get_by_role(kind)
        for i in range(controls.count()):
            expect(controls.nth(i)).to_have_accessible_name(re.compile(r"\S"))
    for field in page.locator(".sgd-quiz-input").all():
        question = page.locator("#" + field.get_attribute("id").removesuffix("-input") + "-q").inner_text()
        name = field.evaluate("e => e.labels.length && e.getAttribute('aria-labelledby')")
        assert name and name.split()[0].endswith("-q"), f"{path}: 숫자 답 칸이 질문에 묶여 있지 않음"
        last_word = re.findall(r"[가-힣]{2,}", question)[-1]  # the name is the question, then the visible "답"
        expect(field).to_have_accessible_name(re.compile(re.escape(last_word) + r".*답\s*$"))


def _tab_stops(page, limit: int = 600) -> list[str]:
    """Press Tab from the top until focus comes back to an element it has visited (or `limit`): what each press
    landed on, in order."""
    page.evaluate("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    seen: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        here = page.evaluate("""() => { const e = document.activeElement;
            if (!e || e === document.body) return null;
            if (e.hasAttribute('data-tab-visited')) return 'AGAIN';
            e.setAttribute('data-tab-visited', '');
            const formula = e.closest('mjx-container'), scrolls = formula && formula.hasAttribute('data-sgd-scroll');
            return (formula && !scrolls ? 'FORMULA ' : '') + e.tagName.toLowerCase() + '#' + (e.id || '') + '.' +
                   (e.className && e.className.baseVal === undefined ? e.className : ''); }""")
        if here == "AGAIN":
            break
        if here is not None:
            seen.append(here)
    return seen


def test_formulas_are_not_tab_stops_on_lab_04_unless_the_reader_asks(site_dir, browser, base_url):
    path = "labs/04_momentum.html"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base_url + path, wait_until="networkidle")
    page.evaluate(READY)
    n_math = page.locator("mjx-container").count()
    assert n_math > 50, f"lab 04 should have many formulas, found {n_math}"
    stops = _tab_stops(page)
    formulas = [s for s in stops if s.startswith("FORMULA")]
    assert stops and not formulas, f"{len(formulas)} of {len(stops)} Tab stops are formulas"
    # only a formula wider than its column (it scrolls sideways) may be a Tab stop; none is at 1280 px
    assert page.locator("mjx-container[tabindex]").count() == 0
    # the reader's choice in MathJax's menu (Accessibility > Include in Tab Order) is kept and honoured
    page.evaluate("localStorage.setItem('MathJax-Menu-Settings', JSON.stringify({inTabOrder: true}))")
    page.reload(wait_until="networkidle")
    page.evaluate(READY)
    assert page.locator("mjx-container[tabindex='0']").count() == n_math
    context.close()


PHONE_AXE_PAGES = ["book/02_basic_sgd.html", "book/glossary.html", "labs/02_five_minute_lab.html", "book/progress.html"]


@pytest.mark.parametrize("path", PHONE_AXE_PAGES)
def test_phone_layout_has_no_axe_violations_in_light_and_dark_mode(site_dir, phone, path):
    """What only the phone layout has (sideways-scrolling tables and formulas, the zoom hints) passes axe too."""
    from test_accessibility import AXE, RUN_AXE, SET_MODE, TAGS

    if not (SITE / path).is_file():
        pytest.fail(f"{path} was not built")
    page = phone(path)
    page.add_script_tag(path=str(AXE))
    found = []
    for mode in ("light", "dark"):
        page.evaluate(SET_MODE, mode)
        found += [f"[{mode}] {v['id']}: {[n['target'] for n in v['nodes']][:5]}" for v in page.evaluate(RUN_AXE, TAGS)]
    assert not found, f"{path} (390 px): " + "\n".join(found)
