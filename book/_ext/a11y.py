"""Accessibility fixes for what the themes and myst-nb write (tests/site/test_accessibility.py runs axe-core on it).

- myst-nb's hidden-code toggle: `<summary aria-label="Toggle hidden content">` named the control in English and
  hid its visible Korean text ("코드 셀 보기") from the name; the summary is now named by that text.
- `- [ ]` checklists: the disabled checkboxes had no name; each is named by its own list item.
- sphinx-book-theme's header buttons: their English tooltips ("Launch interactive content", "Launch on Colab",
  "Colab logo") in Korean (the theme's own Korean catalog lacks them).
- Saved widgets: a cell's `mystnb.image.alt` metadata (the key myst-nb reads for a cell's image outputs) is also
  carried to the page for the widget's frozen picture, which the html-manager draws without an `alt`;
  `sgd-a11y.js` puts it on the `<img>` and names the slider handles by their visible labels.
- Phone: a cell's figure wider than a phone's column (multi-panel plots shrink to ~5 px text) is a link to the picture
  at full size, with a "크게 보기" hint on narrow screens; sgd-a11y.css lets saved widgets' rows shrink to the column.
"""

from __future__ import annotations

import html
import posixpath
import re
import urllib.parse
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.images import get_image_size

STATIC_DIR = Path(__file__).parent / "a11y_static"
# A figure this many pixels wide or wider shows at under half its size in a phone's ~360 px column.
ZOOM_MIN_WIDTH = 600
ZOOM_HINT = "크게 보기"

WIDGET_VIEW = '<script type="application/vnd.jupyter.widget-view+json">'
CHECKBOX = re.compile(r'<input class="task-list-item-checkbox"')
HEADER_TEXT = {
    "Launch interactive content": "실행 환경에서 열기",
    "Launch on Colab": "Colab에서 열기",
    "Launch on": "실행:",
    "Download this page": "이 페이지 내려받기",
    "logo": "로고",
}


def cell_alt(metadata) -> str | None:
    """The text alternative a notebook cell gives its figures (myst-nb's `mystnb: image: alt:`), if any."""
    if not isinstance(metadata, dict):
        return None
    alt = ((metadata.get("mystnb") or {}).get("image") or {}).get("alt")
    return alt.strip() if isinstance(alt, str) and alt.strip() else None


def visit_hide_cell(self, node) -> None:
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n<summary>\n')
    self.body.append(f'<p class="collapsed admonition-title">{html.escape(node["prompt_show"])}</p>\n')
    self.body.append(f'<p class="expanded admonition-title">{html.escape(node["prompt_hide"])}</p>\n')
    self.body.append("</summary>\n")


def depart_hide_cell(self, node) -> None:
    self.body.append("</details>\n")


def label_checkboxes(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    serial = 0
    for raw in list(doctree.findall(nodes.raw)):
        if not CHECKBOX.match(raw.astext()) or not isinstance(raw.parent, nodes.paragraph):
            continue
        serial += 1
        para = raw.parent
        if not para["ids"]:
            para["ids"].append(f"checklist-{re.sub(r'[^0-9A-Za-z_-]+', '-', docname)}-{serial}")
        text = CHECKBOX.sub(f'<input class="task-list-item-checkbox" aria-labelledby="{para["ids"][0]}"', raw.astext())
        raw.replace_self(nodes.raw(text, text, format="html"))


def carry_widget_alt(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for cell in list(doctree.findall(nodes.container)):
        if cell.get("nb_element") != "cell_code":
            continue
        alt = cell_alt(cell.get("cell_metadata"))
        if not alt or not any(r.astext().startswith(WIDGET_VIEW) for r in cell.findall(nodes.raw)):
            continue
        marker = f'<span class="sgd-widget-alt" hidden data-alt="{html.escape(alt, quote=True)}"></span>'
        cell += nodes.raw(marker, marker, format="html")


class figure_zoom(nodes.General, nodes.Element):
    """Wraps a cell's wide figure: in HTML a link to the picture itself (the phone's own viewer can zoom it)."""


def _image_path(app: Sphinx, uri: str) -> Path:
    path = Path(uri)
    return path if path.is_absolute() else Path(app.srcdir) / uri


def link_wide_figures(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "html":
        return
    for output in list(doctree.findall(nodes.container)):
        if output.get("nb_element") != "cell_code_output":
            continue
        for image in list(output.findall(nodes.image)):
            if isinstance(image.parent, (nodes.reference, figure_zoom)) or any(
                    key in image for key in ("scale", "width", "height")):
                continue  # Sphinx links a resized image itself
            size = get_image_size(str(_image_path(app, image["uri"])))
            if not size or size[0] < ZOOM_MIN_WIDTH:
                continue
            wrapper = figure_zoom()
            image.replace_self(wrapper)
            wrapper += image


def visit_figure_zoom_html(self, node: figure_zoom) -> None:
    image = node.children[0]
    uri = image["uri"]
    if uri in self.builder.images:  # the same rewrite the HTML writer makes for the <img> itself
        uri = posixpath.join(self.builder.imgpath, urllib.parse.quote(self.builder.images[uri]))
    self.body.append(f'<a class="sgd-figure-zoom reference internal image-reference" href="{html.escape(uri)}">')


def depart_figure_zoom_html(self, node: figure_zoom) -> None:
    self.body.append(f'<span class="sgd-figure-zoom-hint">{ZOOM_HINT}</span></a>')


def _pass(self, node) -> None:
    pass


def _translate_buttons(buttons) -> None:
    for button in buttons or []:
        for key in ("tooltip", "text"):
            if isinstance(button.get(key), str) and button[key] in HEADER_TEXT:
                button[key] = HEADER_TEXT[button[key]]
        _translate_buttons(button.get("buttons"))


def korean_header(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    _translate_buttons(context.get("header_buttons"))
    original = context.get("translate")
    if callable(original):
        context["translate"] = lambda text: HEADER_TEXT.get(text) or original(text)


def _add_static_path(app: Sphinx, config) -> None:
    if str(STATIC_DIR) not in config.html_static_path:
        config.html_static_path.append(str(STATIC_DIR))


def setup(app: Sphinx) -> dict:
    from myst_nb.sphinx_ import HideCodeCellNode

    app.add_node(HideCodeCellNode, override=True, html=(visit_hide_cell, depart_hide_cell))
    app.add_node(figure_zoom, html=(visit_figure_zoom_html, depart_figure_zoom_html),
                 **{b: (_pass, _pass) for b in ("latex", "text", "man", "texinfo")})
    app.connect("doctree-resolved", label_checkboxes)
    app.connect("doctree-resolved", carry_widget_alt)
    app.connect("doctree-resolved", link_wide_figures)
    app.connect("html-page-context", korean_header, priority=900)
    app.connect("config-inited", _add_static_path)
    app.add_js_file("sgd-a11y.js", loading_method="defer")
    app.add_css_file("sgd-a11y.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
