"""A "JupyterLab" launch button on every lab page, next to the theme's Colab button.

JB1's own jupyterhub/binder buttons need a hosted hub. What a learner really has is `make lab`, which serves
labs/ with JupyterLab on 127.0.0.1:8888, so the button opens the same notebook there
(``local_lab_url``/NAME.ipynb; JupyterLab asks once for the token printed by `make lab`).
"""

from __future__ import annotations

from pathlib import PurePosixPath

from sphinx.application import Sphinx


def add_local_lab_button(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    root = app.config.local_lab_root.strip("/")
    page = PurePosixPath(pagename)
    if str(page.parent) != root or not str(app.env.doc2path(pagename, base=False)).endswith(".ipynb"):
        return
    url = f"{app.config.local_lab_url.rstrip('/')}/{page.name}.ipynb"
    button = {
        "type": "link",
        "text": "JupyterLab",
        "tooltip": "내 컴퓨터의 JupyterLab 에서 열기 (먼저 `make lab` 실행)",
        "icon": "fas fa-laptop-code",
        "url": url,
        "label": "local-jupyterlab-button",
    }
    for group in context.get("header_buttons", []):
        if group.get("label") == "launch-buttons":
            group["buttons"].append(button)
            return
    context.setdefault("header_buttons", []).append({
        "type": "group", "tooltip": "실행", "icon": "fas fa-rocket",
        "buttons": [button], "label": "launch-buttons",
    })


def setup(app: Sphinx) -> dict:
    app.add_config_value("local_lab_url", "http://127.0.0.1:8888/lab/tree", "html")
    app.add_config_value("local_lab_root", "labs", "html")
    # after sphinx-book-theme has built its launch group (default priority 500)
    app.connect("html-page-context", add_local_lab_button, priority=600)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
