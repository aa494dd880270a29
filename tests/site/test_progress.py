"""A learner's quiz progress stays in their browser (localStorage), on the built book, offline.

Answer quizzes on a chapter, reload: the answers and results are back and the line under the title counts them;
the progress page (book/progress.html, `{quiz-progress}`) shows them with the rest of the book; its reset button
forgets everything. Nothing is requested from another host, and axe finds no violation in the states only a
learner with a record sees (solved, wrong), in light and dark mode.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import SITE

AXE = Path(__file__).parent / "_vendor" / "axe-core" / "axe.min.js"
CHAPTER = "book/02_basic_sgd.html"
PROGRESS = "book/progress.html"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@pytest.fixture
def learner(browser, base_url, site_dir):
    """A fresh browser profile (empty localStorage) that may only talk to the local server."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.foreign = []
    page.errors = []

    def route(r):
        if r.request.url.startswith(("data:", "blob:")) or urlsplit(r.request.url).hostname == "127.0.0.1":
            r.continue_()
        else:
            page.foreign.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.open = lambda path: page.goto(base_url + path, wait_until="networkidle")
    yield page
    context.close()


def _status(page, quiz_id: str) -> str:
    return page.inner_text(f"#{quiz_id}-result .sgd-quiz-status")


def _quizzes(page) -> list[dict]:
    return page.eval_on_selector_all(".sgd-quiz", """els => els.map(q => ({id: q.id, kind: q.dataset.quizKind,
        right: Array.from(q.querySelectorAll('input[data-correct="true"]')).map(i => i.id),
        wrong: Array.from(q.querySelectorAll('input[data-correct="false"]')).map(i => i.id),
        answer: q.dataset.answer}))""")


def _axe(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = []
    for mode in ("light", "dark"):
        page.evaluate("""async m => { document.documentElement.dataset.mode = m; document.documentElement.dataset.theme = m;
            await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
            await Promise.all(document.getAnimations().map(a => a.finished.catch(() => null))); }""", mode)
        violations = page.evaluate("""async tags => (await axe.run(document, {runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations']})).violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))""",
                                   TAGS)
        found += [f"[{mode}] {v}" for v in violations]
    return found


def test_answers_are_kept_across_a_reload_listed_on_the_progress_page_and_reset(learner):
    page = learner
    assert (SITE / PROGRESS).is_file(), "the progress page was not built (book/progress.md in _toc.yml)"
    page.open(CHAPTER)
    quizzes = _quizzes(page)
    choice = [q for q in quizzes if q["kind"] == "single"]
    numeric = [q for q in quizzes if q["kind"] == "numeric"]
    assert choice and numeric, "chapter 2 should have a choice and a numeric quiz"
    total = len(quizzes)
    assert f"{total}개 중 0개" in page.inner_text(".sgd-quiz-summary")

    solved, missed = choice[0], numeric[0]
    page.check("#" + solved["right"][0])
    page.click(f"#{solved['id']} .sgd-quiz-check")
    page.fill(f"#{missed['id']}-input", repr(float(missed["answer"]) * 3 + 1))
    page.click(f"#{missed['id']} .sgd-quiz-check")
    assert "정답" in _status(page, solved["id"]) and "틀렸" in _status(page, missed["id"])
    assert f"{total}개 중 1개" in page.inner_text(".sgd-quiz-summary")

    page.reload(wait_until="networkidle")
    assert page.is_checked("#" + solved["right"][0])
    assert "지난번 답" in _status(page, solved["id"]) and "정답" in _status(page, solved["id"])
    assert "너무 큽니다" in _status(page, missed["id"])
    assert f"{total}개 중 1개" in page.inner_text(".sgd-quiz-summary")
    assert page.locator(".sgd-quiz-summary a").get_attribute("href").endswith("progress.html")

    page.open(PROGRESS)
    book_total = int(page.get_attribute(".sgd-progress", "data-total"))
    assert book_total >= 20 and page.inner_text(".sgd-progress-solved") == "1"
    states = dict(page.eval_on_selector_all("li[data-quiz]", "els => els.map(e => [e.dataset.quiz, e.dataset.state])"))
    assert len(states) == book_total
    assert states[solved["id"]] == "correct" and states[missed["id"]] == "wrong"
    assert sum(s == "none" for s in states.values()) == book_total - 2
    row = page.locator(f"[data-doc='{CHAPTER.removesuffix('.html')}']")
    assert f"{total}개 중 1개" in row.locator(".sgd-progress-count").inner_text()
    assert "맞힘" in row.inner_text() and "틀림" in row.inner_text()
    # every chapter's quizzes are there, each linked to its quiz
    for href in page.eval_on_selector_all("li[data-quiz] a", "els => els.map(a => a.getAttribute('href'))"):
        target, _, fragment = href.partition("#")
        assert re.fullmatch(r"quiz-[\w-]+-\d+", fragment) and f'id="{fragment}"' in (
            SITE / "book" / target).read_text(encoding="utf-8"), href
    assert _axe(page) == []

    page.once("dialog", lambda d: d.dismiss())
    page.click(".sgd-progress-reset")
    assert page.inner_text(".sgd-progress-solved") == "1"
    page.once("dialog", lambda d: d.accept())
    page.click(".sgd-progress-reset")
    assert page.inner_text(".sgd-progress-solved") == "0" and "지웠습니다" in page.inner_text(".sgd-progress-message")
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('sgd-course'))") == []
    page.open(CHAPTER)
    assert not page.is_checked("#" + solved["right"][0]) and f"{total}개 중 0개" in page.inner_text(".sgd-quiz-summary")
    assert page.foreign == [] and page.errors == []


@pytest.mark.parametrize("answers", ["wrong", "right"])
def test_a_chapter_with_answered_quizzes_has_no_axe_violations(learner, answers):
    page = learner
    page.open(CHAPTER)
    for q in _quizzes(page):
        if q["kind"] == "numeric":
            page.fill(f"#{q['id']}-input", "12345" if answers == "wrong" else q["answer"])
        else:
            for option in (q["wrong"][:1] if answers == "wrong" else q["right"]):
                page.check("#" + option)
        page.click(f"#{q['id']} .sgd-quiz-check")
    page.reload(wait_until="networkidle")
    page.evaluate("async () => { if (window.MathJax && MathJax.startup) await MathJax.startup.promise; }")
    expected = "틀렸" if answers == "wrong" else "정답"
    assert all(expected in _status(page, q["id"]) for q in _quizzes(page))
    assert _axe(page) == []
