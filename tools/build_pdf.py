"""The whole book as one PDF, printed from the built HTML site: `python tools/build_pdf.py _build/html`.

Why from the built pages: they already hold the executed chapters' outputs, so nothing is run again (a `singlehtml`
build would re-execute every chapter, minutes on two cores), and what the PDF shows is what the site shows.
Why Chromium: Jupyter Book 1's `pdfhtml` wants a Playwright-downloaded browser (offline it fails); the system
Chromium (Debian `chromium`) through Playwright's `page.pdf` prints Hangul with the site's own fonts and the maths
typeset by the site's own MathJax.

What is printed, in _toc.yml's order: a title page and contents, every page's article (chapters, labs, appendix),
then "퀴즈 정답" with the answer and its explanation for every quiz. In the chapters a quiz is a plain question with
numbered choices (① ② ...) and a pointer to its answer. Saved widgets become the picture they were saved with and
their settings in words; live figures ({explorable}) are drawn by their own script at their default settings.
Pages with no printed meaning (the browser-kept progress page) are left out.

Ids are prefixed with their page (`book-02_basic_sgd--sec`) so links between pages become links inside the PDF.
The result goes to `<site>/sgd-course.pdf` (book/_ext/book_pdf.py links it from every page).
"""

from __future__ import annotations

import argparse
import functools
import html
import http.server
import json
import posixpath
import re
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml
from bs4 import BeautifulSoup, NavigableString, Tag

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "book" / "_ext"))
from book_pdf import PDF_NAME  # noqa: E402  (one place for the file name: the site's link and this tool)

CHROMIUM = "/usr/bin/chromium"
PRINT_PATH = "__sgd_book_print__.html"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
MATHJAX_CONFIG = {"options": {"processHtmlClass": "tex2jax_process|mathjax_process|math|output_area"},
                  "chtml": {"matchFontHeight": False}}

PRINT_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm 16mm; }
html, body { background: #fff !important; color: #000; }
html { font-size: 13px; }
body { margin: 0; }
.sgd-print-page { break-before: page; }
.sgd-print-part { break-before: page; margin: 0; padding-top: 100mm; text-align: center; font-size: 2.2rem; }
.sgd-print-title { text-align: center; padding-top: 80mm; }
.sgd-print-title h1 { font-size: 2.6rem; border: none; }
.sgd-print-title p { font-size: 1.1rem; }
.sgd-print-contents li { margin: 0.2rem 0; }
.sgd-print-contents ol, .sgd-print-contents ul { list-style: none; padding-left: 1rem; }
.bd-article { max-width: none !important; padding: 0 !important; }
/* sphinx-book-theme's print style hides a page's first h1 (its printed header repeats it); here it is the title. */
.bd-main .bd-content .bd-article h1:first-of-type { display: block !important; }
pre, pre code { white-space: pre-wrap !important; word-break: break-all; overflow: visible !important; }
div.highlight, .cell_output, figure, img, table, .sgd-print-quiz, .admonition { break-inside: avoid; }
h1, h2, h3, h4 { break-after: avoid; }
img { max-width: 100% !important; height: auto !important; }
.pst-scrollable-table-container { overflow: visible !important; }
.sgd-print-quiz { border: 1px solid #bbb; border-left: 4px solid #0a7d91; border-radius: 4px; padding: 0.5rem 0.9rem;
  margin: 1rem 0; }
.sgd-print-quiz-badge { font-weight: 700; font-size: 0.9em; margin: 0 0 0.3rem; }
.sgd-print-quiz ol.sgd-print-choices { list-style: none; padding-left: 0.3rem; margin: 0.3rem 0; }
.sgd-print-quiz ol.sgd-print-choices li { margin: 0.15rem 0; }
.sgd-print-blank { display: inline-block; min-width: 8em; border-bottom: 1px solid #000; }
.sgd-print-see-answer { font-size: 0.9em; color: #444; margin: 0.3rem 0 0; }
.sgd-print-answer { break-inside: avoid; border-top: 1px solid #ccc; padding: 0.4rem 0; }
.sgd-print-answer-head { font-weight: 700; margin: 0 0 0.2rem; }
.sgd-print-widget { border: 1px dashed #999; padding: 0.4rem 0.6rem; margin: 0.6rem 0; break-inside: avoid; }
.sgd-print-widget-controls { font-size: 0.9em; margin: 0 0 0.3rem; }
.sgd-print-note { font-size: 0.85em; color: #444; margin: 0.2rem 0 0; }
.sgd-explore input[type=range] { accent-color: #0a7d91; }
"""

# Runs in the print page before printing: MathJax done, live figures drawn, every picture and font loaded.
READY = """async () => {
  // MathJax is a deferred script: under load it can still be starting when the network goes idle, so wait for it.
  const t0 = Date.now();
  while (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) {
    if (Date.now() - t0 > 60000) throw new Error('MathJax did not load');
    await new Promise(r => setTimeout(r, 100));
  }
  await MathJax.startup.promise;
  const explorables = document.querySelectorAll('.sgd-explore').length;
  const t1 = Date.now();
  while (document.querySelectorAll('.sgd-explore svg').length < explorables) {
    if (Date.now() - t1 > 30000) throw new Error('live figures not drawn');
    await new Promise(r => setTimeout(r, 100));
  }
  await Promise.all(Array.from(document.images).map(i => i.complete ? null : new Promise(r => { i.onload = i.onerror = r; })));
  await document.fonts.ready;
  return {math: document.querySelectorAll('mjx-container').length,
          errors: document.querySelectorAll('mjx-merror').length,
          broken: Array.from(document.images).filter(i => !i.naturalWidth).map(i => i.src.slice(0, 80))};
}"""


class PdfError(RuntimeError):
    """A problem the reader can act on, said in a sentence (no traceback wall)."""


# --- which pages, in which order ------------------------------------------------------------------------------


def book_pages(repo: Path = REPO) -> list[tuple[str | None, str]]:
    """(part caption or None, docname) in the table of contents' order."""
    toc = yaml.safe_load((repo / "_toc.yml").read_text(encoding="utf-8"))
    pages: list[tuple[str | None, str]] = [(None, toc["root"])]

    def add(entries, caption):
        for entry in entries or []:
            if "file" in entry:
                pages.append((caption, entry["file"]))
            add(entry.get("sections"), caption)

    for part in toc.get("parts", []):
        add(part.get("chapters"), part.get("caption"))
    add(toc.get("chapters"), None)
    return pages


def slug(docname: str) -> str:
    return re.sub(r"[^0-9A-Za-z_-]+", "-", docname).strip("-")


# --- one page's article, made printable ---------------------------------------------------------------------------


class Page:
    def __init__(self, site: Path, docname: str):
        self.site = site
        self.docname = docname
        self.path = site / f"{docname}.html"
        if not self.path.is_file():
            raise PdfError(f"{self.path} 가 없습니다: 먼저 사이트를 빌드하세요 (make book).")
        self.soup = BeautifulSoup(self.path.read_text(encoding="utf-8"), "html.parser")
        article = self.soup.select_one("article.bd-article")
        if article is None:
            raise PdfError(f"{self.path}: <article class=\"bd-article\"> 를 찾지 못했습니다.")
        self.article = article
        self.slug = slug(docname)
        title = article.find("h1")
        self.title = re.sub(r"\s+", " ", title.get_text(" ", strip=True)).replace("#", "").strip() if title else docname

    @property
    def printable(self) -> bool:
        return self.article.select_one(".sgd-progress") is None

    def stylesheets(self) -> list[str]:
        """The page's stylesheets as site-root paths."""
        out = []
        for link in self.soup.find_all("link", rel="stylesheet"):
            href = link.get("href", "")
            if href and not urlsplit(href).scheme:
                out.append(self._root_path(href.split("?")[0]))
        return out

    def _root_path(self, url: str) -> str:
        base = posixpath.dirname(self.docname)
        return posixpath.normpath(posixpath.join(base, unquote(url)))

    def prepared(self, quizzes: list[dict], known_pages: dict[str, str]) -> Tag:
        """The article with quizzes, widgets, links, ids and picture paths rewritten for the print document."""
        article = self.article
        for junk in article.select("a.headerlink, .sgd-quiz-summary, .sgd-figure-zoom-hint, script[type='text/x-thebe-config'], "
                                   "details.hide, .sgd-widget-alt"):
            junk.decompose()
        for link in article.select("a.sgd-figure-zoom"):
            link.unwrap()
        self._widgets()
        for quiz in article.select("div.sgd-quiz"):
            self._quiz(quiz, quizzes)
        self._ids_and_links(known_pages)
        for img in article.find_all("img"):
            src = img.get("src", "")
            if src and not urlsplit(src).scheme:
                img["src"] = self._root_path(src)
        for script in article.find_all("script"):
            script.decompose()
        wrapper = self.soup.new_tag("section", attrs={"class": "sgd-print-page", "id": self.slug})
        article.name = "div"
        wrapper.append(article.extract())
        return wrapper

    # quizzes -------------------------------------------------------------------------------------------------
    def _quiz(self, quiz: Tag, quizzes: list[dict]) -> None:
        number = len(quizzes) + 1
        kind = quiz.get("data-quiz-kind")
        question = quiz.select_one(".sgd-quiz-question")
        box = self.soup.new_tag("div", attrs={"class": "sgd-print-quiz", "id": quiz.get("id", "")})
        badge = self.soup.new_tag("p", attrs={"class": "sgd-print-quiz-badge"})
        badge.string = f"퀴즈 {number}"
        box.append(badge)
        box.append(question.extract())
        answer: dict = {"number": number, "page": self.title, "anchor": f"{self.slug}--answer-{number}",
                        "quiz": f"{self.slug}--{quiz.get('id', '')}"}
        if kind == "numeric":
            blank = self.soup.new_tag("p")
            blank.append("답: ")
            blank.append(self.soup.new_tag("span", attrs={"class": "sgd-print-blank"}))
            box.append(blank)
            value = float(quiz["data-answer"])
            tolerance = float(quiz.get("data-tolerance", "0.01"))
            answer["text"] = f"{value:g}"
            answer["note"] = f"(±{tolerance * 100:g}% 안이면 정답)" if value else f"(±{tolerance:g} 안이면 정답)"
            answer["feedback"] = []
        else:
            choices = self.soup.new_tag("ol", attrs={"class": "sgd-print-choices"})
            right, feedback = [], []
            for i, option in enumerate(quiz.select(".sgd-quiz-option")):
                mark = CIRCLED[i] if i < len(CIRCLED) else f"({i + 1})"
                label = option.find("label")
                item = self.soup.new_tag("li")
                item.append(f"{mark} ")
                for child in list(label.contents):
                    item.append(child.extract())
                choices.append(item)
                field = option.find("input")
                if field.get("data-correct") == "true":
                    right.append(mark)
                    fb = quiz.select_one(f'[data-option="{field["id"]}"]')
                    if fb is not None:
                        del fb["hidden"]
                        feedback.append(fb)
            box.append(choices)
            if kind == "multiple":
                hint = self.soup.new_tag("p", attrs={"class": "sgd-print-note"})
                hint.string = "알맞은 것을 모두 고르세요."
                box.append(hint)
            answer["text"] = ", ".join(right)
            answer["note"] = ""
            answer["feedback"] = [str(f) for f in feedback]
        see = self.soup.new_tag("p", attrs={"class": "sgd-print-see-answer"})
        link = self.soup.new_tag("a", href="#" + answer["anchor"], attrs={"data-print-xref": ""})
        link.string = f"정답과 풀이: 부록 「퀴즈 정답」 {number}번"
        see.append(link)
        box.append(see)
        quiz.replace_with(box)
        quizzes.append(answer)

    # saved widgets -----------------------------------------------------------------------------------------
    def _widgets(self) -> None:
        state_tag = self.soup.find("script", type=WIDGET_STATE)
        views = self.article.find_all("script", type=WIDGET_VIEW)
        if not views:
            return
        state = json.loads(state_tag.string)["state"] if state_tag and state_tag.string else {}
        for view in views:
            model_id = json.loads(view.string)["model_id"]
            cell = view.find_parent(class_="cell")
            marker = cell.select_one(".sgd-widget-alt") if cell else None
            alt = marker["data-alt"] if marker else "저장된 위젯 그림"
            box = self.soup.new_tag("div", attrs={"class": "sgd-print-widget"})
            controls, parts = [], []
            self._walk_widget(state, model_id, controls, parts, alt)
            if controls:
                line = self.soup.new_tag("p", attrs={"class": "sgd-print-widget-controls"})
                line.string = "설정: " + " · ".join(controls)
                box.append(line)
            for part in parts:
                box.append(BeautifulSoup(part, "html.parser"))
            note = self.soup.new_tag("p", attrs={"class": "sgd-print-note"})
            note.string = "사이트와 노트북에서는 이 설정을 바꿔 가며 볼 수 있습니다. 위는 저장된 기본값의 모습입니다."
            box.append(note)
            view.replace_with(box)

    def _walk_widget(self, state: dict, model_id: str, controls: list, parts: list, alt: str) -> None:
        model = state.get(model_id)
        if not model:
            return
        name, s = model.get("model_name", ""), model.get("state", {})
        for child in s.get("children", []):
            self._walk_widget(state, child.replace("IPY_MODEL_", ""), controls, parts, alt)
        description = (s.get("description") or "").strip()
        if name.endswith("SliderModel") and "value" in s:
            fmt = s.get("readout_format") or ".3g"
            value = s["value"]
            try:
                shown = format(value, fmt) if not isinstance(value, list) else " ~ ".join(format(v, fmt) for v in value)
            except (TypeError, ValueError):
                shown = str(value)
            controls.append(f"{description} = {shown}")
        elif name in ("DropdownModel", "RadioButtonsModel", "ToggleButtonsModel", "SelectModel"):
            labels, index = s.get("_options_labels", []), s.get("index")
            if isinstance(index, int) and 0 <= index < len(labels):
                controls.append(f"{description} = {labels[index]}")
        elif name in ("CheckboxModel", "ToggleButtonModel"):
            controls.append(f"{description or s.get('description', '')}: {'켬' if s.get('value') else '끔'}")
        elif name == "HTMLModel" and s.get("value"):
            parts.append(f'<div class="sgd-print-widget-html">{s["value"]}</div>')
        elif name == "OutputModel":
            for output in s.get("outputs", []):
                data = output.get("data", {})
                if "image/png" in data:
                    parts.append(f'<img src="data:image/png;base64,{data["image/png"].strip()}" '
                                 f'alt="{html.escape(alt, quote=True)}">')
                elif output.get("output_type") == "stream" and output.get("text"):
                    parts.append(f"<pre>{html.escape(output['text'])}</pre>")
                elif "text/plain" in data:
                    parts.append(f"<pre>{html.escape(data['text/plain'])}</pre>")

    # ids and links -----------------------------------------------------------------------------------------
    def _ids_and_links(self, known_pages: dict[str, str]) -> None:
        for tag in self.article.find_all(id=True):
            tag["id"] = f"{self.slug}--{tag['id']}"
        for tag in self.article.find_all(attrs={"aria-labelledby": True}):
            tag["aria-labelledby"] = " ".join(f"{self.slug}--{i}" for i in tag["aria-labelledby"].split())
        for link in self.article.find_all("a", href=True):
            if link.has_attr("data-print-xref"):  # already an address in the print document (the answers)
                del link["data-print-xref"]
                continue
            href = link["href"]
            parts = urlsplit(href)
            if parts.scheme in ("http", "https", "mailto"):
                continue
            if not parts.path:
                link["href"] = f"#{self.slug}--{unquote(parts.fragment)}" if parts.fragment else f"#{self.slug}"
                continue
            target = self._root_path(parts.path)
            docname = target[:-5] if target.endswith(".html") else None
            if docname in known_pages:
                fragment = unquote(parts.fragment)
                link["href"] = f"#{known_pages[docname]}--{fragment}" if fragment else f"#{known_pages[docname]}"
            else:
                link.unwrap()  # a file of the site (a notebook, the progress page): no place in the PDF


# --- the print document ---------------------------------------------------------------------------------------


def compose(site: Path, repo: Path = REPO) -> tuple[str, dict]:
    config = yaml.safe_load((repo / "_config.yml").read_text(encoding="utf-8"))
    title, author = config.get("title", ""), config.get("author", "")
    pages = [(caption, Page(site, doc)) for caption, doc in book_pages(repo)]
    printed = [(caption, page) for caption, page in pages if page.printable]
    known = {page.docname: page.slug for _, page in printed}
    stylesheets: list[str] = []
    for _, page in printed:
        stylesheets += [s for s in page.stylesheets() if s not in stylesheets]

    quizzes: list[dict] = []
    body: list[str] = []
    contents: list[str] = []
    last_caption = None
    for caption, page in printed:
        if caption and caption != last_caption:
            body.append(f'<h1 class="sgd-print-part" id="part-{slug(caption)}">{html.escape(caption)}</h1>')
            if contents:
                contents.append("</ol></li>")
            contents.append(f'<li><strong>{html.escape(caption)}</strong><ol>')
            last_caption = caption
        if caption:
            contents.append(f'<li><a href="#{page.slug}">{html.escape(page.title)}</a></li>')
        body.append(str(page.prepared(quizzes, known)))
    if last_caption:
        contents.append("</ol></li>")
    contents.append('<li><strong><a href="#quiz-answers">퀴즈 정답</a></strong></li>')

    answers = ['<section class="sgd-print-page bd-article" id="quiz-answers"><h1>퀴즈 정답</h1>',
               "<p>본문의 퀴즈 번호 순서입니다. 보기 번호(①, ②, ...)는 각 퀴즈에 적힌 순서입니다.</p>"]
    current = None
    for q in quizzes:
        if q["page"] != current:
            answers.append(f"<h2>{html.escape(q['page'])}</h2>")
            current = q["page"]
        answers.append(
            f'<div class="sgd-print-answer" id="{q["anchor"]}"><p class="sgd-print-answer-head">'
            f'<a href="#{q["quiz"]}">퀴즈 {q["number"]}</a>: {html.escape(q["text"])} {html.escape(q["note"])}</p>'
            f'{"".join(q["feedback"])}</div>')
    answers.append("</section>")

    links = "\n".join(f'<link rel="stylesheet" href="{html.escape(s)}">' for s in stylesheets)
    kind_scripts = "".join(f'<script defer src="_static/kinds/{html.escape(path.name)}"></script>\n'
                           for path in sorted((site / "_static" / "kinds").glob("*.js")))  # precomputed drawers
    document = f"""<!DOCTYPE html>
<html lang="ko" data-content_root="./" data-theme="light" data-mode="light">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
{links}
<style>{PRINT_CSS}</style>
<script>window.MathJax = {json.dumps(MATHJAX_CONFIG)};</script>
<script defer src="vendor/mathjax/es5/tex-mml-chtml.js"></script>
<script defer src="_static/sgd-explore.js"></script>
{kind_scripts}</head>
<body>
<main class="bd-main"><div class="bd-content"><div class="bd-article-container">
<section class="sgd-print-title"><h1>{html.escape(title)}</h1><p>{html.escape(author)}</p>
<p>이 PDF는 책 사이트의 페이지를 그대로 인쇄한 것입니다. 움직이는 그림과 퀴즈 채점은 사이트에서 쓸 수 있습니다.</p></section>
<nav class="sgd-print-page sgd-print-contents" aria-label="차례"><h1>차례</h1><ol>{"".join(contents)}</ol></nav>
{"".join(body)}
{"".join(answers)}
</div></div></main>
</body>
</html>"""
    dangling = dangling_links(document)
    if dangling:
        raise PdfError(f"PDF 안의 링크 {len(dangling)}개가 가리킬 곳이 없습니다: {dangling[:10]}")
    summary = {"pages": [page.docname for _, page in printed], "titles": [page.title for _, page in printed],
               "quizzes": len(quizzes), "left_out": [p.docname for _, p in pages if not p.printable]}
    return document, summary


def dangling_links(document: str) -> list[str]:
    """Links inside the print document (#...) whose target id is not in it."""
    soup = BeautifulSoup(document, "html.parser")
    ids = {tag["id"] for tag in soup.find_all(id=True)}
    return sorted({a["href"] for a in soup.find_all("a", href=True)
                   if a["href"].startswith("#") and unquote(a["href"][1:]) not in ids})


# --- printing --------------------------------------------------------------------------------------------------


class _Handler(http.server.SimpleHTTPRequestHandler):
    document = b""

    def do_GET(self):  # noqa: N802 (http.server's name)
        if self.path.split("?")[0] == "/" + PRINT_PATH:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(self.document)))
            self.end_headers()
            self.wfile.write(self.document)
            return
        super().do_GET()

    def log_message(self, *args) -> None:
        pass


def print_pdf(site: Path, document: str, out: Path, title: str) -> dict:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise PdfError("playwright 가 없습니다: make install 로 .venv 를 준비하세요.") from exc
    if not Path(CHROMIUM).exists():
        raise PdfError(f"{CHROMIUM} 가 없습니다: make system-deps (tools/install_system_deps.sh) 로 설치하세요.")
    handler = type("Handler", (_Handler,), {"document": document.encode("utf-8")})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    problems: list[str] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page()

            def route(r):  # offline: only the local server answers
                if r.request.url.startswith(("data:", "blob:")) or urlsplit(r.request.url).hostname == "127.0.0.1":
                    r.continue_()
                else:
                    problems.append(f"외부 요청: {r.request.url}")
                    r.abort()

            page.route("**/*", route)
            page.on("pageerror", lambda e: problems.append(f"스크립트 오류: {e}"))
            page.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"))
            page.goto(base + PRINT_PATH, wait_until="networkidle", timeout=120_000)
            ready = page.evaluate(READY)
            if ready["errors"]:
                problems.append(f"MathJax 가 수식 {ready['errors']}개를 조판하지 못했습니다.")
            if ready["broken"]:
                problems.append(f"불러오지 못한 그림: {ready['broken'][:5]}")
            if problems:
                raise PdfError("인쇄할 문서에 문제가 있습니다:\n  " + "\n  ".join(problems[:20]))
            out.parent.mkdir(parents=True, exist_ok=True)
            footer = ('<div style="width:100%; font-size:8px; color:#555; text-align:center; '
                      "font-family: 'NanumGothic', sans-serif;\">"
                      f'{html.escape(title)} · <span class="pageNumber"></span> / <span class="totalPages"></span></div>')
            page.pdf(path=str(out), format="A4", print_background=True, display_header_footer=True,
                     header_template="<span></span>", footer_template=footer, outline=True, tagged=True,
                     margin={"top": "16mm", "bottom": "18mm", "left": "15mm", "right": "15mm"})
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return ready


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="책 전체를 PDF 하나로 (빌드된 HTML 사이트에서).")
    parser.add_argument("site", type=Path, help="built site, e.g. _build/html")
    parser.add_argument("--out", type=Path, help=f"output file (default: <site>/{PDF_NAME})")
    parser.add_argument("--html", type=Path, help="also write the composed print document here (to inspect it)")
    args = parser.parse_args(argv)
    site = args.site.resolve()
    out = (args.out or site / PDF_NAME).resolve()
    started = time.monotonic()
    try:
        if not (site / "index.html").is_file():
            raise PdfError(f"{site}/index.html 가 없습니다: 먼저 사이트를 빌드하세요 (make book).")
        document, summary = compose(site)
        if args.html:
            args.html.write_text(document, encoding="utf-8")
        config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
        ready = print_pdf(site, document, out, config.get("title", ""))
    except PdfError as exc:
        print(f"build_pdf: {exc}", file=sys.stderr)
        return 1
    print(f"build_pdf: {out} ({out.stat().st_size / 1e6:.1f} MB): {len(summary['pages'])} pages of the site, "
          f"{summary['quizzes']} quizzes with answers, {ready['math']} formulas; left out {summary['left_out']}; "
          f"{time.monotonic() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
