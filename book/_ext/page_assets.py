"""Each script once per page.

JB1 registers sphinx-thebe's and togglebutton's inline config twice (once with filename None, once with ""),
so every page got two copies of its inline
``const THEBE_JS_URL = ...`` and the second one throws "Identifier 'THEBE_JS_URL' has already been declared"
in the console. Thebe itself is not enabled here (no live-code button), so nothing else changes.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def _key(js) -> tuple:
    if isinstance(js, str):
        return (js,)
    return (str(js.filename or ""), tuple(sorted((k, str(v)) for k, v in js.attributes.items())))


def drop_duplicate_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple] = set()
    unique = []
    for js in scripts:
        k = _key(js)
        if k not in seen:
            seen.add(k)
            unique.append(js)
    scripts[:] = unique


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
