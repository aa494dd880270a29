"""The `{quiz}` directive: static HTML built by Sphinx + MyST, graded in the browser by its local script."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest

pytest.importorskip("myst_parser")
from sphinx.application import Sphinx  # noqa: E402
from sphinx.util.docutils import docutils_namespace  # noqa: E402

EXT_DIR = Path(__file__).resolve().parents[1] / "book" / "_ext"

SINGLE = r"""
```{quiz}
학습률 $\eta$ 가 $2/L$ 보다 크면 이차 함수 위의 경사 하강법은 어떻게 되나요?

- 더 빨리 수렴한다
  > 아닙니다. 한 스텝마다 최솟값을 지나쳐 오차가 $|1-\eta L|>1$ 배로 커집니다.
- [x] 발산한다
  > 맞습니다. 오차가 매 스텝 $|1-\eta L|$ 배가 되고, 이 값이 1보다 큽니다.
- 진동하지만 결국 수렴한다
  > $1/L<\eta<2/L$ 일 때의 모습입니다.
```
"""

MULTIPLE = r"""
```{quiz}
PyTorch 의 `SGD` 에서 `momentum_buffer` 에 대해 맞는 것을 모두 고르세요.

- [x] 첫 스텝에는 기울기 그대로 시작한다
  > 맞습니다.
- 학습률이 곱해진 값을 저장한다
  > 아닙니다. 학습률은 파라미터를 움직일 때 곱합니다.
- [x] 파라미터마다 하나씩 있다
  > 맞습니다.
```
"""

NUMERIC = r"""
```{quiz}
:answer: 0.5
:tolerance: 0.01
$f(x)=2x^2$ 에서 경사 하강법이 발산하기 시작하는 학습률은?
```
"""

CONF = f"""
import sys
sys.path.insert(0, {str(EXT_DIR)!r})
extensions = ["myst_parser", "quiz"]
myst_enable_extensions = ["dollarmath"]
language = "ko"
mathjax_path = "mathjax-not-vendored-in-tests.js"
"""


def build(src: Path, index: str, warningiserror: bool = False) -> tuple[Path, str]:
    src.mkdir(parents=True, exist_ok=True)
    (src / "conf.py").write_text(CONF, encoding="utf-8")
    (src / "index.md").write_text(index, encoding="utf-8")
    out = src / "_build"
    warnings = io.StringIO()
    with docutils_namespace():  # each build registers its nodes afresh (no "already registered" warnings)
        app = Sphinx(str(src), str(src), str(out), str(src / "_doctrees"), "html", status=None, warning=warnings,
                     warningiserror=warningiserror, freshenv=True)
        app.build()
    return out, warnings.getvalue()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    page = "# 퀴즈 시험\n" + SINGLE + "\n## 둘째\n" + MULTIPLE + "\n" + NUMERIC
    out, warnings = build(tmp_path_factory.mktemp("quizbook"), page, warningiserror=True)
    assert warnings == ""
    return out


def quiz_blocks(html: str) -> list[str]:
    return re.findall(r'<div class="sgd-quiz[^"]*" data-.*?</button>', html, flags=re.S)


def test_single_choice_becomes_accessible_radio_inputs_with_labels_and_a_button(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    assert html.count('type="radio"') == 3
    for i in (1, 2, 3):
        assert f'id="quiz-index-1-o{i}"' in html and f'<label for="quiz-index-1-o{i}">' in html
    assert html.count('data-correct="true"') == 3  # one in the single, two in the multiple question
    assert "<button" in html and ">확인</button>" in html
    assert 'aria-live="polite"' in html and 'role="status"' in html
    assert 'role="radiogroup"' in html


def test_question_options_and_feedback_are_parsed_as_myst_with_math(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    question = html.split('id="quiz-index-1-q"')[1].split("</div>")[0]
    assert r'<span class="math notranslate nohighlight">\(\eta\)</span>' in question
    feedback = html.split('id="quiz-index-1-o1-fb"')[1].split("</div>")[0]
    assert "math notranslate" in feedback and "hidden" in html.split('id="quiz-index-1-o1-fb"')[0][-120:]
    assert "<code" in html.split('id="quiz-index-2-q"')[1].split("</div>")[0]  # `SGD` inline code


def test_multiple_choice_uses_checkboxes_and_numeric_an_input(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    assert html.count('type="checkbox"') == 3
    assert 'data-quiz-kind="multiple"' in html
    assert re.search(r'data-answer="0.5"[^>]*data-quiz-kind="numeric"[^>]*data-tolerance="0.01"', html)
    assert '<label id="quiz-index-3-input-label" for="quiz-index-3-input">답</label>' in html
    assert 'inputmode="decimal"' in html
    # the answer field is named by its question, then the visible "답" (not only by the word "답")
    assert re.search(r'id="quiz-index-3-input"[^>]*aria-labelledby="quiz-index-3-q quiz-index-3-input-label"', html)
    assert 'id="quiz-index-3-q"' in html


FORMULA_OPTIONS = r"""
```{quiz}
한 스텝에 곱해지는 값은?

- $0.999$
- [x] $0.1\,g$
- $(\sqrt\kappa-1)$: 모멘텀의 수렴 속도
```
"""


def test_an_option_that_is_only_a_simple_formula_is_named_by_its_plain_text(tmp_path):
    out, warnings = build(tmp_path, "# 제목\n" + FORMULA_OPTIONS, warningiserror=True)
    html = (out / "index.html").read_text(encoding="utf-8")
    assert re.search(r'id="quiz-index-1-o1"[^>]*aria-label="0.999"', html)
    assert re.search(r'id="quiz-index-1-o2"[^>]*aria-label="0.1 g"', html)
    o3 = re.search(r'<input[^>]*id="quiz-index-1-o3"[^>]*>', html).group(0)
    assert "aria-label" not in o3  # it has words: its <label> names it


def test_an_option_that_is_only_a_formula_without_a_plain_reading_is_an_error(tmp_path):
    _, warnings = build(tmp_path, "# 제목\n\n```{quiz}\n질문?\n\n- [x] $\\eta/B$\n- 둘\n```\n")
    assert "1번 보기가 수식뿐" in warnings, warnings


def test_ids_are_stable_across_builds(site, tmp_path):
    again, _ = build(tmp_path / "again", "# 퀴즈 시험\n" + SINGLE + "\n## 둘째\n" + MULTIPLE + "\n" + NUMERIC)
    first = quiz_blocks((site / "index.html").read_text(encoding="utf-8"))
    second = quiz_blocks((again / "index.html").read_text(encoding="utf-8"))
    assert len(first) == 3 and first == second


def test_script_and_styles_are_local_files_linked_from_the_page(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    assert (site / "_static" / "sgd-quiz.js").is_file() and (site / "_static" / "sgd-quiz.css").is_file()
    assert re.search(r'<script defer="defer" src="_static/sgd-quiz.js', html)
    assert 'href="_static/sgd-quiz.css' in html
    script = (site / "_static" / "sgd-quiz.js").read_text(encoding="utf-8")
    assert "http" not in script  # no CDN, no network


@pytest.mark.parametrize("body, message", [
    ("```{quiz}\n질문?\n\n- 하나\n- 둘\n```\n", "정답 보기가 없습니다"),
    ("```{quiz}\n질문?\n\n  > 피드백\n- [x] 하나\n- 둘\n```\n", "피드백"),
    ("```{quiz}\n:answer: 0.5\n질문?\n\n- [x] 하나\n- 둘\n```\n", "보기"),
    ("```{quiz}\n질문?\n\n- [x] 하나\n```\n", "보기가 2개 이상"),
    ("```{quiz}\n:tolerance: 0.1\n질문?\n\n- [x] 하나\n- 둘\n```\n", ":tolerance:"),
    ("```{quiz}\n:answer: 절반\n질문?\n```\n", "answer"),
    ("```{quiz}\n- [x] 하나\n- 둘\n```\n", "질문이 없습니다"),
    ("```{quiz}\n```\n", "비어 있습니다"),
])
def test_malformed_quiz_is_a_warning_with_document_and_line(tmp_path, body, message):
    _, warnings = build(tmp_path, "# 제목\n\n문단.\n\n" + body)
    assert message in warnings
    assert "already registered" not in warnings
    assert re.search(r"index\.md:5\b", warnings), warnings  # the directive starts on line 5


def test_malformed_quiz_fails_a_build_with_warnings_as_errors(tmp_path):
    from sphinx.errors import SphinxError

    with pytest.raises(SphinxError, match="정답 보기가 없습니다"):
        build(tmp_path, "# 제목\n\n```{quiz}\n질문?\n\n- 하나\n- 둘\n```\n", warningiserror=True)


# --- grading in a real browser ----------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def chromium():
    """One browser for the module (Playwright's sync API allows one running instance at a time)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (make system-deps)")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def page(site, chromium):
    errors: list[str] = []
    context = chromium.new_context()
    pg = context.new_page()
    pg.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    pg.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)
    pg.goto((site / "index.html").as_uri())
    pg.wait_for_load_state("load")
    pg.quiz_errors = errors
    yield pg
    context.close()


def status(pg, quiz_id: str) -> str:
    return pg.locator(f"#{quiz_id}-result .sgd-quiz-status").inner_text()


def test_single_choice_wrong_then_right_in_the_browser(page):
    page.check("#quiz-index-1-o1")
    page.click("#quiz-index-1 .sgd-quiz-check")
    assert "틀렸습니다" in status(page, "quiz-index-1")
    assert page.locator("#quiz-index-1-o1-fb").is_visible()
    assert not page.locator("#quiz-index-1-o2-fb").is_visible()
    page.check("#quiz-index-1-o2")
    page.click("#quiz-index-1 .sgd-quiz-check")
    assert "정답" in status(page, "quiz-index-1")
    assert page.locator("#quiz-index-1-o2-fb").is_visible()
    assert not page.locator("#quiz-index-1-o1-fb").is_visible()


def test_multiple_choice_needs_all_correct_boxes_in_the_browser(page):
    page.click("#quiz-index-2 .sgd-quiz-check")
    assert "골라" in status(page, "quiz-index-2")
    page.check("#quiz-index-2-o1")
    page.click("#quiz-index-2 .sgd-quiz-check")
    assert "틀렸습니다" in status(page, "quiz-index-2") and "모두" in status(page, "quiz-index-2")
    page.check("#quiz-index-2-o2")
    page.click("#quiz-index-2 .sgd-quiz-check")
    assert "정답이 아닌 보기" in status(page, "quiz-index-2")
    assert page.locator("#quiz-index-2-o2-fb").is_visible()
    page.uncheck("#quiz-index-2-o2")
    page.check("#quiz-index-2-o3")
    page.click("#quiz-index-2 .sgd-quiz-check")
    assert "정답" in status(page, "quiz-index-2") and "틀렸" not in status(page, "quiz-index-2")


@pytest.mark.parametrize("typed, expected", [
    ("0.7", "너무 큽니다"), ("0.3", "너무 작습니다"), ("abc", "숫자를"), ("0.5", "정답"), ("1/2", "정답"),
    ("0,502", "정답"),
])
def test_numeric_answer_in_the_browser(page, typed, expected):
    page.fill("#quiz-index-3-input", typed)
    page.click("#quiz-index-3 .sgd-quiz-check")
    assert expected in status(page, "quiz-index-3")


def test_enter_key_checks_a_numeric_answer(page):
    page.fill("#quiz-index-3-input", "2")
    page.press("#quiz-index-3-input", "Enter")
    assert "너무 큽니다" in status(page, "quiz-index-3")


def test_quiz_script_causes_no_console_errors(page):
    # The test site does not vendor MathJax, so only its failed load is expected; nothing from the quiz script.
    own = [e for e in page.quiz_errors if "Failed to load resource" not in e]
    assert own == []


# --- progress kept in the browser ---------------------------------------------------------------------------------

def build_book(src: Path, chapter: str) -> Path:
    """A three-page book: index (toctree), a chapter with quizzes, the progress page."""
    src.mkdir(parents=True, exist_ok=True)
    (src / "conf.py").write_text(CONF, encoding="utf-8")
    (src / "index.md").write_text("# 책\n\n```{toctree}\n:numbered:\nchapter\nprogress\n```\n", encoding="utf-8")
    (src / "chapter.md").write_text(chapter, encoding="utf-8")
    (src / "progress.md").write_text("# 학습 진도\n\n```{quiz-progress}\n```\n", encoding="utf-8")
    out = src / "_build"
    warnings = io.StringIO()
    with docutils_namespace():
        app = Sphinx(str(src), str(src), str(out), str(src / "_doctrees"), "html", status=None, warning=warnings,
                     warningiserror=True, freshenv=True)
        app.build()
    assert warnings.getvalue() == ""
    return out


CHAPTER = "# 장 제목\n\n문단.\n" + SINGLE + "\n## 둘째\n" + MULTIPLE + "\n" + NUMERIC


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return build_book(tmp_path_factory.mktemp("quizprogress"), CHAPTER)


def test_each_quiz_has_a_key_that_changes_when_the_quiz_changes(book, tmp_path):
    html = (book / "chapter.html").read_text(encoding="utf-8")
    keys = re.findall(r'data-quiz-key="([0-9a-f]{12})"', html)
    assert len(keys) == 3 and len(set(keys)) == 3
    edited = build_book(tmp_path, CHAPTER.replace("진동하지만 결국 수렴한다", "진동하다가 수렴한다"))
    new_keys = re.findall(r'data-quiz-key="([0-9a-f]{12})"', (edited / "chapter.html").read_text(encoding="utf-8"))
    assert new_keys[0] != keys[0] and new_keys[1:] == keys[1:]


def test_a_page_with_quizzes_gets_a_count_line_under_its_title_and_others_do_not(book):
    html = (book / "chapter.html").read_text(encoding="utf-8")
    title_end = html.index("</h1>")
    summary = html.index('class="sgd-quiz-summary"')
    assert title_end < summary < html.index("<p>문단.</p>")
    pairs = re.search(r'data-quizzes="([^"]+)"', html).group(1).split()
    assert [p.split("=")[0] for p in pairs] == ["quiz-chapter-1", "quiz-chapter-2", "quiz-chapter-3"]
    assert 'href="progress.html"' in html[summary:summary + 600]
    assert "sgd-quiz-summary" not in (book / "index.html").read_text(encoding="utf-8")
    # the line is not in the search index (it would match every page with quizzes)
    assert "맞혔습니다" not in (book / "searchindex.js").read_text(encoding="utf-8")


def test_progress_page_lists_every_quiz_by_chapter_with_links_and_a_reset_button(book):
    html = (book / "progress.html").read_text(encoding="utf-8")
    assert 'data-total="3"' in html
    row = re.search(r'<li class="sgd-progress-chapter" data-doc="chapter">.*?</ul></li>', html, flags=re.S).group(0)
    assert '<a href="chapter.html">1. 장 제목</a>' in row
    for i in (1, 2, 3):
        assert f'href="chapter.html#quiz-chapter-{i}"' in row
    assert '<button type="button" class="sgd-progress-reset">' in html and 'role="status"' in html


@pytest.fixture
def progress_browser(book, chromium):
    """A fresh browser profile (its own localStorage) per test."""
    context = chromium.new_context()
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(f"{exc} {exc.stack}"))
    pg.errors = errors
    yield pg
    context.close()


def test_answers_survive_a_reload_and_show_on_the_progress_page_until_reset(book, progress_browser):
    pg = progress_browser
    pg.goto((book / "chapter.html").as_uri())
    assert "3개 중 0개" in pg.inner_text(".sgd-quiz-summary")
    pg.check("#quiz-chapter-1-o2")
    pg.click("#quiz-chapter-1 .sgd-quiz-check")
    pg.fill("#quiz-chapter-3-input", "0.7")
    pg.press("#quiz-chapter-3-input", "Enter")
    assert "3개 중 1개" in pg.inner_text(".sgd-quiz-summary")

    pg.reload()
    assert pg.is_checked("#quiz-chapter-1-o2") and not pg.is_checked("#quiz-chapter-1-o1")
    assert "정답" in status(pg, "quiz-chapter-1") and "지난번 답" in status(pg, "quiz-chapter-1")
    assert pg.input_value("#quiz-chapter-3-input") == "0.7" and "너무 큽니다" in status(pg, "quiz-chapter-3")
    assert pg.inner_text("#quiz-chapter-2-result .sgd-quiz-status") == ""  # never answered
    assert "3개 중 1개" in pg.inner_text(".sgd-quiz-summary")
    pg.wait_for_function("document.querySelector('#quiz-chapter-1-result').getAttribute('aria-live') === 'polite'")

    pg.goto((book / "progress.html").as_uri())
    assert pg.inner_text(".sgd-progress-solved") == "1"
    states = pg.eval_on_selector_all("li[data-quiz]", "els => els.map(e => e.dataset.state)")
    assert states == ["correct", "none", "wrong"]
    assert "3개 중 1개 맞힘" in pg.inner_text("[data-doc='chapter'] .sgd-progress-count")

    pg.once("dialog", lambda d: d.dismiss())  # "cancel" keeps everything
    pg.click(".sgd-progress-reset")
    assert pg.inner_text(".sgd-progress-solved") == "1"
    pg.once("dialog", lambda d: d.accept())
    pg.click(".sgd-progress-reset")
    assert pg.inner_text(".sgd-progress-solved") == "0" and "지웠습니다" in pg.inner_text(".sgd-progress-message")
    pg.goto((book / "chapter.html").as_uri())
    assert not pg.is_checked("#quiz-chapter-1-o2") and "3개 중 0개" in pg.inner_text(".sgd-quiz-summary")
    assert pg.errors == []


def test_a_saved_answer_is_not_put_into_a_quiz_that_has_changed_since(book, progress_browser, tmp_path):
    pg = progress_browser
    pg.goto((book / "chapter.html").as_uri())
    pg.check("#quiz-chapter-1-o2")
    pg.click("#quiz-chapter-1 .sgd-quiz-check")
    saved = pg.evaluate("JSON.stringify(Object.assign({}, localStorage))")
    edited = build_book(tmp_path, CHAPTER.replace("진동하지만 결국 수렴한다", "진동하다가 수렴한다"))
    # the edited book at another path has its own store; give it this one's record to see the key check at work
    pg.goto((edited / "chapter.html").as_uri())
    pg.evaluate("""saved => { const old = JSON.parse(saved); localStorage.clear();
      const value = Object.values(old).find(v => v.includes('quizzes'));
      const key = 'sgd-course:progress:' + new URL(document.documentElement.dataset.content_root, document.baseURI).pathname;
      localStorage.setItem(key, value); }""", saved)
    pg.reload()
    assert not pg.is_checked("#quiz-chapter-1-o2")
    assert "3개 중 0개" in pg.inner_text(".sgd-quiz-summary")


def test_storage_that_throws_still_leaves_quizzes_working(book, progress_browser):
    pg = progress_browser
    # the book's keys throw, as in a private window or with storage turned off (Sphinx's own keys still work)
    pg.add_init_script("""for (const name of ['getItem', 'setItem', 'removeItem']) {
      const original = Storage.prototype[name];
      Storage.prototype[name] = function (key, ...rest) {
        if (String(key).startsWith('sgd-course')) throw new DOMException('저장소 꺼짐', 'SecurityError');
        return original.call(this, key, ...rest);
      };
    }""")
    pg.goto((book / "progress.html").as_uri())
    assert pg.is_visible(".sgd-progress-unavailable")
    pg.goto((book / "chapter.html").as_uri())
    pg.check("#quiz-chapter-1-o2")
    pg.click("#quiz-chapter-1 .sgd-quiz-check")
    assert "정답" in status(pg, "quiz-chapter-1")
    assert pg.errors == []
