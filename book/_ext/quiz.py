"""`{quiz}`: self-grading questions for the static site (no kernel, no network).

Syntax (MyST)::

    ```{quiz}
    질문 (MyST, 수식 가능)

    - 보기 1
      > 이 보기를 골랐을 때의 피드백
    - [x] 정답 보기
      > 피드백
    ```

One `- [x]` is a single-choice question (radio buttons), several make a multiple-choice one (checkboxes). A
numeric question has `:answer:` (and optionally `:tolerance:`, relative, default 0.01) and no options.
The page gets plain HTML inputs and a small local script (quiz_static/sgd-quiz.js) that grades in the browser.
Ids come from the document name and a counter, so builds are reproducible.

Progress stays with the learner: the script keeps each quiz's last answer and result in the browser's localStorage
(nothing leaves the machine) and puts them back on the next visit, but only while the quiz is the same one (its
`data-quiz-key` is a hash of its source). A page with quizzes gets a line under its title that counts the ones
solved, and `{quiz-progress}` (book/progress.md) lists every quiz of the book by chapter with a button that forgets
them all.
"""

from __future__ import annotations

import hashlib
import html
import math
import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

STATIC_DIR = Path(__file__).parent / "quiz_static"
# A formula the option's accessible name can quote as it is: numbers, letters, + - / . , ( ) and spacing commands.
SPEAKABLE_TEX = re.compile(r"^[0-9A-Za-z.,()+\-/ ]+$")
OPTION_RE = re.compile(r"^[-*] (?:\[(?P<mark>[ xX])\] )?(?P<text>.*)$")
FEEDBACK_RE = re.compile(r"^\s+>\s?(?P<text>.*)$")


class quiz(nodes.General, nodes.Element):
    """The whole question: `<div class="sgd-quiz">`."""


class quiz_question(nodes.General, nodes.Element):
    pass


class quiz_option(nodes.General, nodes.Element):
    """One choice: a real `<input>` with its `<label>` (children are the label's content)."""


class quiz_numeric(nodes.General, nodes.Element):
    pass


class quiz_feedback(nodes.General, nodes.Element):
    """Hidden feedback for one option, revealed by the script inside the aria-live region."""


class quiz_result(nodes.General, nodes.Element):
    """The aria-live region: status line + the feedback blocks."""


class quiz_summary(nodes.General, nodes.Element):
    """Under a page's title: how many of its quizzes are solved (filled in by the script). No text children, so
    the search index does not pick up the same sentence on every page."""


class quiz_progress(nodes.General, nodes.Element):
    """`{quiz-progress}`: every quiz of the book by chapter, with a reset button (filled in at write time)."""




def _text_name(option: nodes.Element) -> str | None:
    """The accessible name an option needs besides its label: '' when the label has words (it names the input
    itself), the formula's plain text when the label is only a simple formula ($0.05$, $0.1\\,g$: the browser's
    accessibility tree reads a typeset formula as nothing), None when the label is only a formula that has no
    plain reading (the author must add words)."""
    words = [t for t in option.findall(nodes.Text)
             if t.astext().strip() and not isinstance(t.parent, nodes.math)]
    if words:
        return ""
    formulas = [m.astext() for m in option.findall(nodes.math)]
    plain = " ".join(re.sub(r"\\[,;:! ]|[{}]", " ", tex) for tex in formulas).split()
    text = " ".join(plain)
    return text if text and SPEAKABLE_TEX.match(text) else None


def _slug(docname: str) -> str:
    return re.sub(r"[^0-9A-Za-z_-]+", "-", docname).strip("-") or "doc"


def _positive_float(argument: str) -> float:
    value = float(argument)
    if not math.isfinite(value) or value < 0:
        raise ValueError("must be a finite number >= 0")
    return value


def _finite_float(argument: str) -> float:
    value = float(argument)
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


class QuizDirective(SphinxDirective):
    has_content = True
    option_spec = {"answer": _finite_float, "tolerance": _positive_float, "class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        env = self.env
        if not self.content:
            raise self.error("quiz: 내용이 비어 있습니다 (질문과 보기, 또는 :answer: 가 필요합니다).")
        serial = env.new_serialno("sgd-quiz")
        quiz_id = f"quiz-{_slug(env.docname)}-{serial + 1}"
        question_lines, options = self._split()
        if not any(line.strip() for line, _ in question_lines):
            raise self.error("quiz: 질문이 없습니다 (첫 보기 앞에 질문 글을 쓰세요).")

        numeric = "answer" in self.options
        if numeric and options:
            raise self.error("quiz: :answer: 가 있는 숫자 문제에는 보기(- ...)를 쓸 수 없습니다.")
        if not numeric:
            if "tolerance" in self.options:
                raise self.error("quiz: :tolerance: 는 :answer: 가 있는 숫자 문제에만 씁니다.")
            if len(options) < 2:
                raise self.error("quiz: 보기가 2개 이상 필요합니다 (또는 숫자 문제라면 :answer: 를 쓰세요).")
            if not any(o["correct"] for o in options):
                raise self.error("quiz: 정답 보기가 없습니다. 정답 앞에 '- [x] ' 를 붙이세요.")

        kind = "numeric" if numeric else ("multiple" if sum(o["correct"] for o in options) > 1 else "single")
        # A saved answer is put back only into the quiz it was given to: edit the quiz and its key changes.
        source = "\n".join(self.content) + repr(sorted((k, str(v)) for k, v in self.options.items()))
        key = hashlib.sha1(source.encode("utf-8")).hexdigest()[:12]
        node = quiz(ids=[quiz_id], classes=["sgd-quiz"] + self.options.get("class", []), kind=kind, quiz_id=quiz_id,
                    key=key)
        self.set_source_info(node)
        catalog = env.__dict__.setdefault("sgd_quizzes", {})
        catalog.setdefault(env.docname, []).append({"id": quiz_id, "key": key})

        question = quiz_question(ids=[f"{quiz_id}-q"], classes=["sgd-quiz-question"])
        self._parse(question_lines, question)
        node += question

        result = quiz_result(ids=[f"{quiz_id}-result"], classes=["sgd-quiz-result"])
        if numeric:
            node["answer"] = self.options["answer"]
            node["tolerance"] = self.options.get("tolerance", 0.01)
            node += quiz_numeric(quiz_id=quiz_id)
        else:
            for i, option in enumerate(options, 1):
                option_id = f"{quiz_id}-o{i}"
                item = quiz_option(kind=kind, quiz_id=quiz_id, option_id=option_id, correct=option["correct"])
                self._parse(option["text"], item, inline=True)
                name = _text_name(item)
                if name is None:
                    raise self.error(
                        f"quiz: {i}번 보기가 수식뿐이라 화면 낭독기가 읽을 이름이 없습니다. 보기에 글을 덧붙이세요 "
                        "(예: '- $\\eta/B$: 학습률을 배치 크기로 나눈 값').")
                if name:
                    item["text_name"] = name
                node += item
                if option["feedback"]:
                    fb = quiz_feedback(ids=[f"{option_id}-fb"], classes=["sgd-quiz-feedback"], option_id=option_id)
                    self._parse(option["feedback"], fb)
                    result += fb
        node += result
        return [node]

    # --- parsing the body -------------------------------------------------------------------------------
    def _split(self):
        """Question lines, then options with their text and feedback lines (each line with its source offset)."""
        question: list[tuple[str, int]] = []
        options: list[dict] = []
        for index, line in enumerate(self.content):
            offset = self.content_offset + index
            match = OPTION_RE.match(line)
            if match:
                options.append({"correct": (match["mark"] or " ").lower() == "x",
                                "text": [(match["text"], offset)], "feedback": [], "line": offset})
                continue
            feedback = FEEDBACK_RE.match(line)
            if feedback and options:
                options[-1]["feedback"].append((feedback["text"], offset))
                continue
            if feedback:
                raise self.error(f"quiz: 피드백('  > ...')이 보기보다 먼저 나왔습니다 (내용 {index + 1}번째 줄).")
            if options:
                if not line.strip():
                    continue
                if line.startswith("  ") and not options[-1]["feedback"]:
                    options[-1]["text"].append((line.strip(), offset))  # option text continued
                    continue
                if line.startswith("  ") and options[-1]["feedback"]:
                    options[-1]["feedback"].append((line.strip(), offset))
                    continue
                raise self.error(
                    f"quiz: 보기 뒤에 알 수 없는 줄이 있습니다 (내용 {index + 1}번째 줄: {line.strip()[:40]!r}). "
                    "보기는 '- ', 피드백은 '  > ' 로 시작합니다.")
            question.append((line, offset))
        for number, option in enumerate(options, 1):
            if not option["text"][0][0].strip():
                raise self.error(f"quiz: {number}번 보기의 글이 비어 있습니다.")
        return question, options

    def _parse(self, lines: list[tuple[str, int]], parent: nodes.Element, inline: bool = False) -> None:
        source = self.state.document.current_source or ""
        block = StringList([text for text, _ in lines], items=[(source, offset) for _, offset in lines])
        container = nodes.container()
        self.state.nested_parse(block, lines[0][1] if lines else self.content_offset, container)
        children = list(container.children)
        if inline and len(children) == 1 and isinstance(children[0], nodes.paragraph):
            children = list(children[0].children)  # a <label> holds phrasing content, not a <p>
        parent.extend(children)


# --- HTML -----------------------------------------------------------------------------------------------------


def visit_quiz_html(self, node: quiz) -> None:
    attrs = {"data-quiz-kind": node["kind"], "data-quiz-key": node["key"]}
    if node["kind"] == "numeric":
        attrs["data-answer"] = repr(float(node["answer"]))
        attrs["data-tolerance"] = repr(float(node["tolerance"]))
    self.body.append(self.starttag(node, "div", **attrs))
    self.body.append('<p class="sgd-quiz-badge" aria-hidden="true">퀴즈</p>')


def depart_quiz_html(self, node: quiz) -> None:
    self.body.append("</div>\n")


def visit_quiz_question_html(self, node) -> None:
    self.body.append(self.starttag(node, "div"))


def depart_quiz_question_html(self, node) -> None:
    self.body.append("</div>\n")
    parent = node.parent
    role = "radiogroup" if parent["kind"] == "single" else "group"
    self.body.append(f'<div class="sgd-quiz-choices" role="{role}" aria-labelledby="{parent["quiz_id"]}-q">\n')
    if parent["kind"] == "multiple":
        self.body.append('<p class="sgd-quiz-instruction">알맞은 것을 모두 고른 뒤 확인을 누르세요.</p>\n')


def visit_quiz_option_html(self, node) -> None:
    input_type = "radio" if node["kind"] == "single" else "checkbox"
    oid = html.escape(node["option_id"])
    correct = "true" if node["correct"] else "false"
    name = f' aria-label="{html.escape(node["text_name"])}"' if node.get("text_name") else ""
    self.body.append(
        f'<div class="sgd-quiz-option"><input type="{input_type}" id="{oid}" name="{html.escape(node["quiz_id"])}" '
        f'value="{oid}" data-correct="{correct}"{name}><label for="{oid}">')


def depart_quiz_option_html(self, node) -> None:
    self.body.append("</label></div>\n")


def visit_quiz_numeric_html(self, node) -> None:
    qid = html.escape(node["quiz_id"])
    # The field's name is its question followed by the visible "답" (a screen reader that lands on the field hears
    # what it answers, not only "답"); the <label for> still makes a click on "답" focus the field.
    self.body.append(
        f'<div class="sgd-quiz-numeric"><label id="{qid}-input-label" for="{qid}-input">답</label> '
        f'<input type="text" inputmode="decimal" autocomplete="off" id="{qid}-input" class="sgd-quiz-input" '
        f'aria-labelledby="{qid}-q {qid}-input-label"></div>\n')
    raise nodes.SkipNode


def visit_quiz_result_html(self, node) -> None:
    qid = node.parent["quiz_id"]
    self.body.append("</div>\n")  # closes .sgd-quiz-choices
    self.body.append(f'<button type="button" class="sgd-quiz-check" aria-controls="{qid}-result">확인</button>\n')
    self.body.append(self.starttag(node, "div", role="status", **{"aria-live": "polite"}))
    self.body.append('<p class="sgd-quiz-status"></p>')


def depart_quiz_result_html(self, node) -> None:
    self.body.append("</div>\n")


def visit_quiz_feedback_html(self, node) -> None:
    self.body.append(self.starttag(node, "div", hidden="hidden", **{"data-option": node["option_id"]}))


def depart_quiz_feedback_html(self, node) -> None:
    self.body.append("</div>\n")


# --- progress: the line under each page's title and the whole book's page -------------------------------------


class QuizProgressDirective(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        self.env.__dict__.setdefault("sgd_quiz_progress_docs", set()).add(self.env.docname)
        return [quiz_progress()]


def _progress_doc(env) -> str | None:
    docs = sorted(getattr(env, "sgd_quiz_progress_docs", set()))
    return docs[0] if docs else None


def add_summary(app, doctree: nodes.document, docname: str) -> None:
    """Put the solved-count line right under the title of every page that has quizzes."""
    quizzes = getattr(app.env, "sgd_quizzes", {}).get(docname)
    if not quizzes:
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not isinstance(section.children[0], nodes.title):
        return
    section.insert(1, quiz_summary(docname=docname, total=len(quizzes),
                                   keys=" ".join(f'{q["id"]}={q["key"]}' for q in quizzes)))


def _doc_order(env) -> list[str]:
    """Documents in the book's table-of-contents order."""
    order: list[str] = []

    def walk(doc: str) -> None:
        if doc in order:
            return
        order.append(doc)
        for child in env.toctree_includes.get(doc, []):
            walk(child)

    walk(env.config.root_doc)
    return order + sorted(set(env.found_docs) - set(order))


def visit_quiz_summary_html(self, node) -> None:
    progress = _progress_doc(self.builder.env)
    link = ""
    if progress:
        href = html.escape(self.builder.get_relative_uri(self.builder.current_docname, progress))
        link = f' <a class="sgd-quiz-summary-link" href="{href}">책 전체 진도 보기</a>'
    total = node["total"]
    self.body.append(
        f'<p class="sgd-quiz-summary" data-doc="{html.escape(node["docname"])}" '
        f'data-quizzes="{html.escape(node["keys"])}"><span class="sgd-quiz-summary-text">이 장의 퀴즈 {total}개 '
        f'(푼 기록은 이 브라우저에만 저장됩니다)</span>{link}</p>\n')
    raise nodes.SkipNode


def visit_quiz_progress_html(self, node) -> None:
    env = self.builder.env
    here = self.builder.current_docname
    catalog = getattr(env, "sgd_quizzes", {})
    rows = []
    total = 0
    for doc in _doc_order(env):
        quizzes = catalog.get(doc)
        if not quizzes:
            continue
        total += len(quizzes)
        page = self.builder.get_relative_uri(here, doc)
        number = env.toc_secnumbers.get(doc, {}).get("")
        title = env.titles[doc].astext() if doc in env.titles else doc
        if number:
            title = ".".join(map(str, number)) + ". " + title
        items = "".join(
            f'<li data-quiz="{q["id"]}" data-key="{q["key"]}"><a href="{html.escape(page)}#{q["id"]}">퀴즈 {i}</a> '
            f'<span class="sgd-progress-state">아직 풀지 않음</span></li>'
            for i, q in enumerate(quizzes, 1))
        rows.append(
            f'<li class="sgd-progress-chapter" data-doc="{html.escape(doc)}">'
            f'<p class="sgd-progress-title"><a href="{html.escape(page)}">{html.escape(title)}</a> '
            f'<span class="sgd-progress-count">{len(quizzes)}개 중 0개 맞힘</span></p>'
            f'<ul class="sgd-progress-quizzes">{items}</ul></li>')
    self.body.append(
        f'<div class="sgd-progress" data-total="{total}">\n'
        f'<p class="sgd-progress-total">이 책의 퀴즈 {total}개 중 <strong class="sgd-progress-solved">0</strong>개를 '
        f'맞혔습니다.</p>\n'
        '<p class="sgd-progress-unavailable" hidden>이 브라우저는 기록을 저장하지 않습니다 (사생활 보호 창이거나 '
        '저장소가 꺼져 있습니다). 퀴즈는 풀 수 있지만 페이지를 닫으면 기록이 남지 않습니다.</p>\n'
        f'<ul class="sgd-progress-chapters" aria-label="장별 퀴즈 기록">{"".join(rows)}</ul>\n'
        '<p><button type="button" class="sgd-progress-reset">기록 모두 지우기</button></p>\n'
        '<p class="sgd-progress-message" role="status"></p>\n'
        '</div>\n')
    raise nodes.SkipNode


def _purge(app, env, docname: str) -> None:
    getattr(env, "sgd_quizzes", {}).pop(docname, None)
    getattr(env, "sgd_quiz_progress_docs", set()).discard(docname)


def _merge(app, env, docnames, other) -> None:
    catalog = env.__dict__.setdefault("sgd_quizzes", {})
    for doc, quizzes in getattr(other, "sgd_quizzes", {}).items():
        if doc in docnames:
            catalog[doc] = quizzes
    env.__dict__.setdefault("sgd_quiz_progress_docs", set()).update(
        d for d in getattr(other, "sgd_quiz_progress_docs", set()) if d in docnames)


# --- other builders: the question and options as plain text, feedback dropped ------------------------------------


def _visit_pass(self, node) -> None:
    pass


def _depart_pass(self, node) -> None:
    pass


def _skip(self, node) -> None:
    raise nodes.SkipNode


def _add_static_path(app, config) -> None:
    path = str(STATIC_DIR)
    if path not in config.html_static_path:
        config.html_static_path.append(path)


def setup(app):
    plain = (_visit_pass, _depart_pass)
    skipped = (_skip, None)
    for node_class, html_pair, other in [
        (quiz, (visit_quiz_html, depart_quiz_html), plain),
        (quiz_question, (visit_quiz_question_html, depart_quiz_question_html), plain),
        (quiz_option, (visit_quiz_option_html, depart_quiz_option_html), plain),
        (quiz_numeric, (visit_quiz_numeric_html, None), skipped),
        (quiz_result, (visit_quiz_result_html, depart_quiz_result_html), skipped),
        (quiz_feedback, (visit_quiz_feedback_html, depart_quiz_feedback_html), skipped),
        (quiz_summary, (visit_quiz_summary_html, None), skipped),
        (quiz_progress, (visit_quiz_progress_html, None), skipped),
    ]:
        app.add_node(node_class, html=html_pair, latex=other, text=other, man=other, texinfo=other)
    app.add_directive("quiz", QuizDirective)
    app.add_directive("quiz-progress", QuizProgressDirective)
    app.connect("doctree-resolved", add_summary)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("config-inited", _add_static_path)
    app.add_css_file("sgd-quiz.css")
    app.add_js_file("sgd-quiz.js", loading_method="defer")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
