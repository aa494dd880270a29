"""`{explorable}`: figures that the reader moves in the static site (no kernel, no network, no JS library).

Syntax in a chapter (MyST)::

    ```{explorable} lr-1d
    :lr: 0.4
    ```

In a lab notebook the same thing is a raw ``<div class="sgd-explore" data-kind="lr-1d" data-lr="0.4">`` in a markdown
cell (JupyterLab shows its fallback sentence; the widget above it is the kernel-side version).

Kinds (drawn by explore_static/sgd-explore.js, which iterates in float64 exactly like ``sgd_reference.labs.quadratic``
on torch's generic CPU path; tests/site/test_explorables.py compares the two):

- ``lr-1d``: gradient descent on f(x) = (L/2)x² and on a 2-D valley; sliders for η, steps, L (lab 01, chapter 2).
- ``momentum``: heavy-ball momentum against gradient descent in the valley; η, μ, κ, steps (lab 04, chapter 4).
- ``nesterov``: heavy-ball against Nesterov momentum in the same valley; η, μ, κ (lab 05, chapter 5).

Precomputed kinds (the neural-network labs, too slow to train in the browser): the page carries the lab's grid,
``explore_data/<kind>.json`` (written by ``tools/explorable_data.py`` from ``sgd_reference.labs.explorable_data``), as
an inline JSON script before the first div of that kind, and the sliders snap to the grid's values. Each kind's
drawer is its own small file, ``explore_static/kinds/<kind>.js`` (``SGDExplore.register(kind, {title, panels,
legend, note, draw})``), loaded after sgd-explore.js only on pages with that kind. Adding a kind: a module in
``sgd_reference/labs`` with ``explorable_controls/shared/point`` listed in ``explorable_data.GRIDS``, ``make
explore-data``, the drawer file, and the div in the lab's markdown cell. Kinds so far:

- ``five-minute``: two learning rates on the η grid, μ, 20 or 200 steps, random or learnable data; training loss
  and the held-out expected loss or validation accuracy, two runs at a time (lab 02).
- ``weight-decay``: λ, μ and coupled/decoupled decay; ‖θ‖ and training/validation accuracy against λ = 0 (lab 06).
- ``debug-run``: η multiplier, μ, clipping, warmup; loss and gradient norm against the baseline run (lab 09).
- ``minibatch-noise``: batch size and η multiplier; validation loss per epoch and per-step training loss against
  B = 32, η = 0.02, and the gradient noise's standard deviation against 1/√B with the chosen B marked (lab 03).
- ``step-cost``: parameter count, memory bandwidth, optimiser, dtype; the state's memory and one step's time at that
  bandwidth (one pass and op by op) over model sizes. Counted bytes, nothing timed: the same on every machine (lab 11).
- ``data-parallel``: number of DDP workers, the one-worker η and the lr rule (unchanged, ×√W, ×W); the whole-data loss
  against one worker and the largest parameter difference against one process, float64 and float32 (lab 10).

The script and its styles are added only to pages that contain an explorable. Pages whose widget outputs were all
removed for the site (``remove-output``) no longer load the ipywidgets html-manager that myst-nb adds for the
notebook's saved widget state: nothing on them would use it.
"""

from __future__ import annotations

import html
import math
import re
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

STATIC_DIR = Path(__file__).parent / "explore_static"
DATA_DIR = Path(__file__).parent / "explore_data"
# A precomputed kind is a grid file explore_data/<kind>.json plus a drawer explore_static/kinds/<kind>.js.
PRECOMPUTED = tuple(sorted(path.stem for path in DATA_DIR.glob("*.json")))
KINDS = ("lr-1d", "momentum", "nesterov") + PRECOMPUTED
MARKER = 'class="sgd-explore"'
FALLBACK = "(책 사이트에서는 이 자리에 브라우저에서 바로 계산해 움직이는 그림이 있습니다.)"
FALLBACK_PRECOMPUTED = "(책 사이트에서는 이 자리에 미리 계산한 실행 결과를 골라 보는 움직이는 그림이 있습니다.)"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _number(argument: str) -> str:
    value = float(argument)
    if not math.isfinite(value) or value < 0:
        raise ValueError("0 이상의 유한한 수여야 합니다")
    return argument.strip()


def div_html(kind: str, settings: dict[str, str]) -> str:
    """The one HTML form of an explorable (the directive writes it; lab notebooks contain it verbatim)."""
    attrs = "".join(f' data-{html.escape(k)}="{html.escape(v)}"' for k, v in sorted(settings.items()))
    return (f'<div class="sgd-explore" data-kind="{html.escape(kind)}"{attrs}>'
            f'<p class="sgd-explore-fallback">{FALLBACK_PRECOMPUTED if kind in PRECOMPUTED else FALLBACK}</p></div>\n')


class ExplorableDirective(SphinxDirective):
    required_arguments = 1
    has_content = False
    option_spec = {"lr": _number, "steps": _number, "curvature": _number, "momentum": _number, "kappa": _number}

    def run(self) -> list[nodes.Node]:
        kind = self.arguments[0]
        if kind not in KINDS:
            raise self.error(f"explorable: 알 수 없는 종류 {kind!r} 입니다 ({', '.join(KINDS)} 중 하나).")
        if "momentum" in self.options and float(self.options["momentum"]) >= 1:
            raise self.error("explorable: :momentum: 은 0 이상 1 미만이어야 합니다.")
        return [nodes.raw("", div_html(kind, dict(self.options)), format="html")]


def _is_ipywidgets_script(js, widget_files: set[str]) -> bool:
    """The scripts myst-nb adds for saved widget state: the state itself, nb_ipywidgets_js's files and inline body."""
    filename = str(getattr(js, "filename", None) or "")
    attributes = getattr(js, "attributes", {}) or {}
    if attributes.get("type") == WIDGET_STATE:
        return True
    if filename:
        return filename in widget_files or filename.split("?")[0].endswith(("/html-manager/dist/embed-amd.js",
                                                                            "/requirejs/require.js"))
    return "html-manager" in str(attributes.get("body", ""))


def data_script(kind: str) -> str:
    """The grid of a precomputed kind as an inline JSON script (no request; works from a file:// copy too)."""
    text = (DATA_DIR / f"{kind}.json").read_text(encoding="utf-8").strip().replace("</", "<\\/")
    return f'<script type="application/json" class="sgd-explore-data" data-kind="{kind}">{text}</script>\n'


def kinds_on_page(body: str) -> list[str]:
    """The precomputed kinds that have a div in ``body``, in the order of PRECOMPUTED."""
    return [kind for kind in PRECOMPUTED if f'<div class="sgd-explore" data-kind="{kind}"' in body]


def with_data(body: str) -> str:
    """``body`` with each precomputed kind's grid inlined once, just before the first div of that kind."""
    for kind in kinds_on_page(body):
        found = re.search(r'<div class="sgd-explore" data-kind="' + re.escape(kind) + '"', body)
        if found and f'class="sgd-explore-data" data-kind="{kind}"' not in body:
            body = body[:found.start()] + data_script(kind) + body[found.start():]
    return body


def page_assets(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    body = context.get("body", "")
    if MARKER in body:
        app.add_css_file("sgd-explore.css")
        app.add_js_file("sgd-explore.js", loading_method="defer")
        for kind in kinds_on_page(body):  # after sgd-explore.js: each kind file registers with it
            app.add_js_file(f"kinds/{kind}.js", loading_method="defer")
        context["body"] = body = with_data(body)
    scripts = context.get("script_files")
    if scripts and WIDGET_VIEW not in body:
        widget_files = {str(k) for k in (getattr(app.config, "nb_ipywidgets_js", None) or {}) if k}
        scripts[:] = [js for js in scripts if not _is_ipywidgets_script(js, widget_files)]


def _add_static_path(app, config) -> None:
    path = str(STATIC_DIR)
    if path not in config.html_static_path:
        config.html_static_path.append(path)


def setup(app):
    app.add_directive("explorable", ExplorableDirective)
    app.connect("config-inited", _add_static_path)
    # after myst-nb's own html-page-context handler (priority 500), which adds the widget scripts
    app.connect("html-page-context", page_assets, priority=800)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
