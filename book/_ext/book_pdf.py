"""A link to the whole book as one PDF, on every page: in the sidebar and in the header's download menu.

tools/build_pdf.py prints the built site to `<site>/sgd-course.pdf` (`make book` runs it before the link check, so
the link is never dead in a site `make book` built; `make pdf` prints again from an existing build).
"""

from __future__ import annotations

from sphinx.application import Sphinx

PDF_NAME = "sgd-course.pdf"
LINK_TEXT = "책 전체 PDF"
LINK_TOOLTIP = "책 전체를 PDF 한 파일로 내려받기 (퀴즈 정답 부록 포함)"


def set_pdf_url(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Early: pydata-sphinx-theme renders each sidebar template once to drop empty ones, before later handlers."""
    pathto = context.get("pathto")
    if callable(pathto):
        context["sgd_book_pdf_url"] = pathto(PDF_NAME, 1)


def add_pdf_button(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """After sphinx-book-theme (priority 501) has made its header buttons: one more in the download menu."""
    url = context.get("sgd_book_pdf_url")
    if not url:
        return
    for button in context.get("header_buttons") or []:
        if button.get("type") == "group" and "download" in str(button.get("icon", "")):
            button.setdefault("buttons", []).append({
                "type": "link", "url": url, "text": LINK_TEXT, "tooltip": LINK_TOOLTIP,
                "icon": "fas fa-book", "label": "download-book-pdf-button"})


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", set_pdf_url, priority=100)
    app.connect("html-page-context", add_pdf_button, priority=800)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
