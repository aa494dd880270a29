"""tools/build_pdf.py without a browser: page order, quizzes made printable, links and ids, errors in words.

The printed PDF itself is checked on the built site by tests/site/test_pdf.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))
import build_pdf  # noqa: E402

QUIZ_PAGE = """<html><body><article class="bd-article" role="main">
<section id="intro"><h1>장 제목<a class="headerlink" href="#intro">#</a></h1>
<p class="sgd-quiz-summary" data-doc="book/x"><span>이 장의 퀴즈 2개</span></p>
<p>앞 장은 <a href="other.html#sec">여기</a>, 이 장의 <a href="#intro">처음</a>, <a href="../_sources/x.ipynb">노트북</a>,
<a href="https://example.org/">밖</a>.</p>
<a class="sgd-figure-zoom" href="../_images/a.png"><img alt="그림" src="../_images/a.png"/><span class="sgd-figure-zoom-hint">크게 보기</span></a>
<div class="sgd-quiz" data-quiz-kind="single" data-quiz-key="abc" id="quiz-book-x-1"><p class="sgd-quiz-badge">퀴즈</p>
<div class="sgd-quiz-question" id="quiz-book-x-1-q"><p>어느 것이 맞나요?</p></div>
<div class="sgd-quiz-choices" role="radiogroup" aria-labelledby="quiz-book-x-1-q">
<div class="sgd-quiz-option"><input type="radio" id="quiz-book-x-1-o1" data-correct="false"><label for="quiz-book-x-1-o1">아니다</label></div>
<div class="sgd-quiz-option"><input type="radio" id="quiz-book-x-1-o2" data-correct="true"><label for="quiz-book-x-1-o2">맞다 <span class="math">\\(\\eta\\)</span></label></div>
</div><button class="sgd-quiz-check">확인</button>
<div class="sgd-quiz-result" id="quiz-book-x-1-result" role="status"><p class="sgd-quiz-status"></p>
<div class="sgd-quiz-feedback" data-option="quiz-book-x-1-o1" hidden>틀린 이유</div>
<div class="sgd-quiz-feedback" data-option="quiz-book-x-1-o2" hidden>맞는 이유</div></div></div>
<div class="sgd-quiz" data-quiz-kind="numeric" data-answer="0.5" data-tolerance="0.01" id="quiz-book-x-2">
<div class="sgd-quiz-question" id="quiz-book-x-2-q"><p>값은?</p></div>
<div class="sgd-quiz-numeric"><label for="quiz-book-x-2-input">답</label><input id="quiz-book-x-2-input"></div>
<button class="sgd-quiz-check">확인</button><div class="sgd-quiz-result"><p class="sgd-quiz-status"></p></div></div>
</section></article></body></html>"""


def test_pages_follow_the_table_of_contents_root_first():
    toc = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
    pages = build_pdf.book_pages(REPO)
    assert pages[0] == (None, toc["root"])
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    assert [doc for _, doc in pages[1:]] == files
    assert {caption for caption, _ in pages[1:]} == {part["caption"] for part in toc["parts"]}


def test_a_quiz_becomes_a_numbered_question_with_its_answer_and_why_set_aside(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "x.html").write_text(QUIZ_PAGE, encoding="utf-8")
    page = build_pdf.Page(tmp_path, "book/x")
    assert page.title == "장 제목" and page.printable
    quizzes: list[dict] = []
    out = str(page.prepared(quizzes, {"book/x": "book-x", "book/other": "book-other"}))
    assert [q["text"] for q in quizzes] == ["②", "0.5"]
    assert "맞는 이유" in quizzes[0]["feedback"][0] and "틀린 이유" not in "".join(quizzes[0]["feedback"])
    assert "±1%" in quizzes[1]["note"]
    assert "① 아니다" in out and "② 맞다" in out and "\\(\\eta\\)" in out  # the formula is left to MathJax
    assert "<input" not in out and "<button" not in out and "sgd-quiz-summary" not in out
    assert "정답과 풀이: 부록 「퀴즈 정답」 1번" in out and 'href="#book-x--answer-1"' in out
    assert 'id="book-x--quiz-book-x-1"' in out and quizzes[0]["quiz"] == "book-x--quiz-book-x-1"
    # links: another page's section and this page's become links inside the PDF; site files lose the link
    assert 'href="#book-other--sec"' in out and 'href="#book-x--intro"' in out
    assert "노트북" in out and "_sources" not in out and 'href="https://example.org/"' in out
    assert 'src="_images/a.png"' in out and "크게 보기" not in out and "headerlink" not in out


def test_a_page_that_is_missing_or_a_site_that_is_not_built_is_said_in_korean(tmp_path, capsys):
    assert build_pdf.main([str(tmp_path / "nowhere")]) == 1
    err = capsys.readouterr().err
    assert "make book" in err and "Traceback" not in err


def test_links_inside_the_print_document_must_have_a_target():
    document = '<p id="a"><a href="#a">있음</a> <a href="#b">없음</a> <a href="https://x.org/#c">밖</a></p>'
    assert build_pdf.dangling_links(document) == ["#b"]
