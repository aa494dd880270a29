"""The whole book as one PDF (`make book` / `make pdf` → <site>/sgd-course.pdf, tools/build_pdf.py).

Read back with poppler's pdftotext/pdffonts/pdfimages: every printed page's title is there, Hangul is drawn with an
embedded Korean font, no formula is left as raw TeX, the figures are in it, every quiz is a plain question whose
answer is in the "퀴즈 정답" appendix. The site links to the file from every page.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest

from conftest import REPO, SITE

sys.path.insert(0, str(REPO / "tools"))
sys.path.insert(0, str(REPO / "book" / "_ext"))
import build_pdf  # noqa: E402
from book_pdf import PDF_NAME  # noqa: E402

PDF = SITE / PDF_NAME


@pytest.fixture(scope="module")
def pdf(site_dir) -> Path:
    if not PDF.is_file():
        pytest.fail(f"{PDF} 가 없습니다: make book (또는 이미 빌드된 사이트에서 make pdf) 이 만듭니다.")
    for tool in ("pdftotext", "pdffonts", "pdfimages"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} 가 없습니다: make system-deps (poppler-utils) 로 설치하세요.")
    return PDF


@lru_cache(maxsize=None)
def _text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _printed_pages() -> list[build_pdf.Page]:
    pages = [build_pdf.Page(SITE, doc) for _, doc in build_pdf.book_pages(REPO)]
    return [p for p in pages if p.printable]


def test_every_printed_page_title_is_in_the_pdf_in_book_order(pdf):
    text = _squash(_text(pdf))
    pages = _printed_pages()
    docnames = [p.docname for p in pages]
    assert "book/progress" not in docnames  # the browser's own record has nothing to print
    assert any(d.startswith("labs/") for d in docnames) and any(d.startswith("book/0") for d in docnames)
    position = text.index("퀴즈정답")  # the contents end with the appendix; the pages follow
    for page in pages:
        title = _squash(page.title)
        found = text.find(title, position)
        assert found >= 0, f"PDF에 '{page.title}' ({page.docname}) 가 없거나 목차 순서가 아닙니다"
        position = found + len(title)


def test_hangul_is_drawn_with_an_embedded_korean_font(pdf):
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    korean = [line for line in fonts.splitlines() if re.search(r"Nanum|Noto\w*CJK|NotoSansKR|Pretendard", line)]
    assert korean and all(line.split()[-5] == "yes" for line in korean), fonts  # emb column
    assert "경사 하강법" in _text(pdf)


def test_no_formula_is_left_as_raw_tex(pdf):
    text = _text(pdf)
    for delimiter in ("\\(", "\\)", "\\[", "\\]", "$$"):
        assert delimiter not in text, f"PDF에 조판되지 않은 TeX 구분자 {delimiter!r} 가 있습니다"
    # a TeX command may appear only where the site shows it as code (a matplotlib label in a code cell, say)
    code = " ".join(pre.get_text() for page in _printed_pages() for pre in page.article.find_all("pre"))
    commands = set(re.findall(r"\\[A-Za-z]+", text)) - {"\\n", "\\t"}
    stray = sorted(c for c in commands if c not in code)
    assert not stray, f"코드가 아닌 곳에 TeX 명령이 남았습니다: {stray}"


def test_figures_are_in_the_pdf(pdf):
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True).stdout
    images = [line for line in listing.splitlines()[2:] if line.split() and line.split()[2] == "image"]
    figures = {img["src"] for page in _printed_pages() for img in page.article.find_all("img")
               if "_images/" in img.get("src", "")}
    assert len(figures) >= 20
    assert len(images) >= len(figures), f"PDF 그림 {len(images)}개 < 사이트 그림 {len(figures)}개"


def test_quizzes_are_plain_questions_with_answers_in_an_appendix(pdf):
    text = _text(pdf)
    n_quizzes = sum(len(page.article.select("div.sgd-quiz")) for page in _printed_pages())
    assert n_quizzes >= 20
    assert text.count("정답과 풀이: 부록") == n_quizzes
    appendix = text[text.rindex("퀴즈 정답"):]
    for k in range(1, n_quizzes + 1):
        assert re.search(rf"퀴즈 {k}: (?:[①-⑫](?:, [①-⑫])*|-?[0-9.e+-]+ \(±)", appendix), f"부록에 퀴즈 {k} 의 정답이 없습니다"
    for browser_only in ("이 장의 퀴즈", "지난번 답", "기록 모두 지우기", "크게 보기"):
        assert browser_only not in text, browser_only


def test_every_page_links_to_the_pdf(site_dir, pdf):
    from check_links import site_pages

    pages = site_pages(site_dir)
    assert len(pages) > 20
    for page_path in pages:
        page = page_path.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in page.lower():
            continue  # the root index.html only redirects to book/index.html
        hrefs = re.findall(r'<a class="sgd-book-pdf-link" href="([^"]+)"', page)
        assert hrefs, f"{page_path.relative_to(site_dir)}: 사이드바에 책 전체 PDF 링크가 없습니다"
        assert (page_path.parent / hrefs[0]).resolve() == PDF.resolve()
    chapter = (site_dir / "book" / "02_basic_sgd.html").read_text(encoding="utf-8")
    assert "btn-download-book-pdf-button" in chapter  # also in the header's download menu
    assert PDF.stat().st_size > 1_000_000  # 20+ figures and embedded fonts
