"""The explorable figures (book/_ext/explorable.py) in the built site, in headless Chromium.

Every page with one: the figure is built, its Korean controls move with the keyboard and change the figure and its
text alternative, an extreme setting says "발산" and still draws, no console error, no request leaves 127.0.0.1, the
widget html-manager is not loaded, and the page stays within the 4.5 MB budget.
The browser's iteration is a second implementation of sgd_reference.labs.quadratic.run: it must equal the package
bit for bit on torch's generic CPU path (ATEN_CPU_CAPABILITY=default, where θ.add_(g, alpha=−η) rounds twice as
JavaScript does) and stay within 1e-12 of the trajectory's scale on this CPU's own path (AVX2/AVX-512 fuse that
multiply-add; measured worst 2e-14).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import pytest

from conftest import REPO, SITE
from test_built_site import PAGES, Visit, visit  # noqa: F401  (visit: the shared page fixture)

EXPECTED = {"labs/01_learning_rate.html", "labs/03_minibatch_noise.html", "labs/04_momentum.html",
            "labs/05_nesterov.html",
            "book/02_basic_sgd.html", "book/04_momentum.html", "book/05_nesterov.html",
            "labs/06_weight_decay.html", "labs/02_five_minute_lab.html", "labs/09_debugging.html",
            "labs/10_data_parallel.html", "labs/08_schedule_recipe.html", "labs/07_sgd_vs_adam.html",
            "labs/11_step_cost.html"}
# Precomputed kinds whose grid has no diverging setting, and why (their extreme is checked to draw, not to say 발산).
NEVER_DIVERGES = {"weight-decay": "η = 0.05 is fixed; even μ = 0.99 with λ = 0.1 trains 400 steps without blowing up",
                  "step-cost": "counted bytes divided by a chosen bandwidth: nothing is trained"}
PRECOMPUTED_DATA = """b => { const s = document.querySelector(
    'script.sgd-explore-data[data-kind="' + b.getAttribute('data-kind') + '"]'); return s ? JSON.parse(s.textContent) : null; }"""
EXPLORABLE_PAGES = sorted(p for p in PAGES if 'class="sgd-explore"' in (SITE / p).read_text(encoding="utf-8"))
BUDGET_BYTES = 4_500_000
READY = "document.querySelectorAll('.sgd-explore').length > 0 && " \
        "document.querySelectorAll('.sgd-explore:not([data-ready])').length === 0"


@pytest.fixture
def open_page(visit):
    """The site tests' `visit`, waiting until every explorable on the page has drawn."""
    return lambda path: visit(path, READY)


def test_every_quadratic_page_has_an_explorable(site_dir):
    assert EXPECTED <= set(EXPLORABLE_PAGES), f"missing: {sorted(EXPECTED - set(EXPLORABLE_PAGES))}"


def _figure_state(page, box) -> dict:
    return box.evaluate("""b => ({status: b.querySelector('.sgd-explore-status').textContent,
        svg: Array.from(b.querySelectorAll('svg')).map(s => s.innerHTML).join(''),
        outputs: Array.from(b.querySelectorAll('output')).map(o => o.textContent)})""")


@pytest.mark.parametrize("path", EXPLORABLE_PAGES or ["<no site>"])
def test_explorable_moves_with_the_keyboard_and_says_divergence(site_dir, open_page, path):
    v = open_page(path)
    page = v.page
    boxes = page.locator(".sgd-explore")
    assert boxes.count() >= 1
    for i in range(boxes.count()):
        box = boxes.nth(i)
        sliders = box.locator('input[type="range"]')
        assert sliders.count() >= 2
        for j in range(sliders.count()):  # every control has a Korean label and a value beside it
            s = sliders.nth(j)
            sid = s.get_attribute("id")
            label = box.locator(f'label[for="{sid}"]').inner_text()
            assert any("\uac00" <= ch <= "\ud7a3" for ch in label), label
            assert box.get_by_role("slider", name=label, exact=True).count() == 1, f"{label}: not the slider's name"
            assert s.get_attribute("aria-valuetext")
            assert box.locator(f'output[for="{sid}"]').inner_text().strip()
        kind = box.get_attribute("data-kind")
        data = box.evaluate(PRECOMPUTED_DATA)
        status = box.locator('[role="status"][aria-live="polite"]')
        assert status.count() == 1
        if data is None:
            assert status.inner_text().startswith("η = ")
        else:  # the text alternative is the notebook panel's status line for the grid point the controls show
            assert status.inner_text() == _grid_text(box, data)

        before = _figure_state(page, box)
        first = sliders.nth(0)
        first.focus()
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        after = _figure_state(page, box)
        assert after["status"] != before["status"], f"{path}: the text alternative did not follow the keyboard"
        assert after["svg"] != before["svg"], f"{path}: the figure did not change"
        assert after["outputs"][0] != before["outputs"][0]
        page.keyboard.press("Tab")  # Tab goes on to the next control
        assert page.evaluate("document.activeElement.id") == sliders.nth(1).get_attribute("id")

        if i == 0:  # and with the mouse: drag the first slider's thumb to its left end
            before_drag = _figure_state(page, box)
            first.scroll_into_view_if_needed()
            bounds = first.bounding_box()
            page.mouse.move(bounds["x"] + bounds["width"] / 2, bounds["y"] + bounds["height"] / 2)
            page.mouse.down()
            page.mouse.move(bounds["x"] + 1, bounds["y"] + bounds["height"] / 2, steps=5)
            page.mouse.up()
            dragged = _figure_state(page, box)
            assert dragged["outputs"][0] != before_drag["outputs"][0] and dragged["svg"] != before_drag["svg"], path

        if data is not None:
            assert status.inner_text() == _grid_text(box, data), f"{path}: the figure is not the grid point shown"
            _precomputed_extremes(page, box, data, kind)
            continue
        first.focus()
        page.keyboard.press("End")  # the largest learning rate
        extreme = _figure_state(page, box)
        assert "발산" in extreme["status"], f"{path}: η at its maximum says {extreme['status']!r}"
        assert "sgd-explore-diverged" in (box.get_attribute("class") or "")
        assert "NaN" not in extreme["svg"] and "Infinity" not in extreme["svg"]
        assert box.locator("polyline").count() >= 3, "a diverging setting must still draw its curves"
        assert "발산" in (box.locator("svg").first.get_attribute("aria-label") or "")
    assert v.console_errors == [], v.console_errors
    assert v.foreign == [] and v.failed == [], (v.foreign, v.failed)


def _grid_text(box, data: dict) -> str:
    """The status line the grid holds for the point the box's controls are set to (row-major, as generated)."""
    if "page_controls" in data:
        return _two_run_text(box, data)
    index = 0
    for control in data["controls"]:
        index = index * len(control["values"]) + _position(box, control)
    return data["points"][index]["text"]


def _two_run_text(box, data: dict) -> str:
    """Lab 02's page shows two runs of the grid (the η axis twice): render_comparison's summary line of the two."""
    shown = {c["name"]: _position(box, c) for c in data["page_controls"]}
    controls = {c["name"]: c for c in data["controls"]}
    mode, steps = controls["mode"]["values"][shown["mode"]], controls["steps"]["values"][shown["steps"]]
    momentum = controls["momentum"]["values"][shown["momentum"]]
    texts = []
    for lr in (shown["lr_a"], shown["lr_b"]):
        index = 0
        for control in data["controls"]:
            index = index * len(control["values"]) + (lr if control["name"] == "lr" else shown[control["name"]])
        texts.append(data["points"][index]["text"])
    return f"{data['mode_names'][mode]}, 모멘텀 {momentum:g}, {steps}스텝 — {texts[0]} | {texts[1]}"


def _position(box, control: dict) -> int:
    element = box.locator(f'[data-name="{control["name"]}"]')
    if control.get("checkbox"):
        return int(element.is_checked())
    return int(element.input_value())


def _set_grid_point(page, box, data: dict, target: int) -> None:
    """Move every control to the grid point ``target`` with the keyboard alone (Home, then arrow keys)."""
    positions = []
    for control in reversed(data["controls"]):
        positions.append(target % len(control["values"]))
        target //= len(control["values"])
    for control, position in zip(data["controls"], reversed(positions)):
        element = box.locator(f'[data-name="{control["name"]}"]')
        element.focus()
        if control.get("checkbox"):
            if element.is_checked() != bool(position):
                page.keyboard.press("Space")
        else:
            page.keyboard.press("Home")
            for _ in range(position):
                page.keyboard.press("ArrowDown" if "labels" in control else "ArrowRight")
        assert _position(box, control) == position, control["name"]


def _precomputed_extremes(page, box, data: dict, kind: str) -> None:
    """Every control at its end draws a readable figure; a diverging grid point (if the grid has one) says 발산."""
    for control in data.get("page_controls", data["controls"]):
        element = box.locator(f'[data-name="{control["name"]}"]')
        element.focus()
        if control.get("checkbox"):
            page.keyboard.press("Space")
        else:
            page.keyboard.press("End")
        assert box.locator(".sgd-explore-status").inner_text() == _grid_text(box, data), control["name"]
    state = _figure_state(page, box)
    assert "NaN" not in state["svg"] and "Infinity" not in state["svg"]
    assert box.locator("polyline").count() >= 2
    if "page_controls" in data:  # lab 02: both η at 10, μ 0.9, 200 steps on the learnable task blow up
        state = _figure_state(page, box)
        assert "발산" in state["status"] and "sgd-explore-diverged" in (box.get_attribute("class") or "")
        assert "발산" in state["svg"]
        return
    diverging = [i for i, p in enumerate(data["points"]) if p.get("diverged_at") is not None]
    if not diverging:
        assert kind in NEVER_DIVERGES, f"{kind}: no grid point diverges; say why in NEVER_DIVERGES"
        return
    _set_grid_point(page, box, data, diverging[-1])
    state = _figure_state(page, box)
    assert "발산" in state["status"] and state["status"] == data["points"][diverging[-1]]["text"]
    assert "sgd-explore-diverged" in (box.get_attribute("class") or "")
    assert "NaN" not in state["svg"] and "Infinity" not in state["svg"] and "발산" in state["svg"]
    assert "발산" in (box.locator("svg").first.get_attribute("aria-label") or "")


TRANSFER = """() => performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource"))
    .map(e => [e.name, e.transferSize])"""


@pytest.mark.parametrize("path", EXPLORABLE_PAGES or ["<no site>"])
def test_page_weight_within_budget_and_no_widget_manager(site_dir, open_page, path):
    v = open_page(path)  # a fresh context: nothing cached, every byte counted
    v.page.wait_for_timeout(1000)  # late requests (fonts, MathJax's components)
    entries = v.page.evaluate(TRANSFER)
    total = sum(size for _, size in entries)
    assert total <= BUDGET_BYTES, f"{path}: {total / 1e6:.2f} MB > 4.5 MB: {sorted(entries, key=lambda e: -e[1])[:5]}"
    loaded = " ".join(name for name, _ in entries)
    assert "html-manager" not in loaded and "require.js" not in loaded, f"{path}: widget scripts loaded for no widget"
    assert v.foreign == [] and v.failed == [] and v.console_errors == []


# --- the browser's numbers against sgd_reference --------------------------------------------------------------

LRS = [0.001, 0.05, 0.25, 0.4, 0.5, 0.55, 1.5, 3.3, 10.0]
PROBLEMS = [([4.0], [1.0]), ([0.1], [1.0]), ([10.0], [1.0]), ([0.4, 4.0], [-2.0, 1.0])] + \
           [([1.0 / k, 1.0], [-2.0, 0.6]) for k in (1.0, 10.0, 100.0, 1000.0)]
GRID = [[m, lams, x0, lr, 300, mu] for lams, x0 in PROBLEMS for lr in LRS
        for m, mus in (("gd", [0.0]), ("heavy_ball", [0.0, 0.5, 0.67, 0.9, 0.99]), ("nesterov", [0.5, 0.67, 0.9, 0.99]))
        for mu in mus]
REFERENCE = """
import json, sys
from sgd_reference.labs import quadratic
out = []
for method, lams, x0, lr, steps, mu in json.loads(sys.stdin.read()):
    r = quadratic.run(method, lams, x0, lr, steps, mu)
    out.append({"points": [[float(v).hex() for v in p] for p in r.points], "diverged_at": r.diverged_at})
print(json.dumps(out))
"""


def _reference(capability: str | None) -> list[dict]:
    env = {k: v for k, v in os.environ.items() if k != "ATEN_CPU_CAPABILITY"}
    if capability:
        env["ATEN_CPU_CAPABILITY"] = capability
    done = subprocess.run([sys.executable, "-c", REFERENCE], input=json.dumps(GRID), env=env, capture_output=True,
                          text=True, check=True, cwd=REPO)
    return [{"points": [[float.fromhex(x) for x in p] for p in r["points"]], "diverged_at": r["diverged_at"]}
            for r in json.loads(done.stdout)]


@pytest.fixture(scope="module")
def browser_runs(browser, base_url):
    v = Visit(browser, base_url + "labs/01_learning_rate.html", READY)
    try:
        runs = v.page.evaluate("""grid => grid.map(a => {
            const r = SGDExplore.iterate(a[0], a[1], a[2], a[3], a[4], a[5]);
            return {points: r.points.map(q => q.map(x => Number.isNaN(x) ? "nan" : x)), diverged_at: r.divergedAt}; })""",
                               GRID)
    finally:
        v.close()
    return [{"points": [[math.nan if x == "nan" else float(x) for x in p] for p in r["points"]],
             "diverged_at": r["diverged_at"]} for r in runs]


def _same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def test_browser_iteration_equals_sgd_reference_bit_for_bit_on_the_generic_path(browser_runs):
    reference = _reference("default")
    assert len(reference) == len(browser_runs) == len(GRID)
    assert any(r["diverged_at"] is not None for r in reference) and any(r["diverged_at"] is None for r in reference)
    for setting, ref, js in zip(GRID, reference, browser_runs):
        assert js["diverged_at"] == ref["diverged_at"], setting
        for t, (p, q) in enumerate(zip(ref["points"], js["points"])):
            assert all(_same(a, b) for a, b in zip(p, q)), f"{setting}: step {t}: {p} != {q}"


def test_browser_iteration_within_1e_12_of_sgd_reference_on_this_cpus_path(browser_runs):
    reference = _reference(None)
    worst = 0.0
    for setting, ref, js in zip(GRID, reference, browser_runs):
        assert js["diverged_at"] == ref["diverged_at"], setting
        scale = 0.0
        for p, q in zip(ref["points"], js["points"]):
            for a, b in zip(p, q):
                assert math.isnan(a) == math.isnan(b), setting
                if not math.isnan(a):
                    scale = max(scale, abs(a))
                    worst = max(worst, abs(a - b) / scale)
    assert worst <= 1e-12, worst


def test_browser_regime_and_rate_match_the_package(browser, base_url):
    from sgd_reference.labs import learning_rate_figures, quadratic

    v = Visit(browser, base_url + "labs/01_learning_rate.html", READY)
    try:
        lrs = v.page.evaluate("SGDExplore.logValues(1e-3, 10)")
        probes = lrs + [1e-17, 0.25 * (1 + 1e-13), 0.5 * (1 - 1e-13), 0.5 * (1 + 1e-9)]
        regimes = v.page.evaluate("lrs => lrs.map(lr => SGDExplore.regime(lr, 4))", probes)
        cases = [(m, lr, k, mu) for m in ("heavy_ball", "nesterov") for lr in (0.05, 0.5, 1.4, 3.3, 3.9)
                 for k in (1.0, 100.0) for mu in (0.0, 0.5, 0.9)]
        rates = v.page.evaluate("cs => cs.map(c => SGDExplore.rate(c[0], c[1], [1 / c[2], 1], c[3]))", cases)
    finally:
        v.close()
    assert 0.25 in lrs and 0.5 in lrs and 0.55 in lrs and lrs[0] == 0.001 and lrs[-1] == 10.0
    assert regimes == [learning_rate_figures.regime(lr, 4.0) for lr in probes]
    for (m, lr, k, mu), r in zip(cases, rates):
        assert r == pytest.approx(quadratic.rate(m, lr, quadratic.valley_curvatures(k), mu), rel=1e-12), (m, lr, k, mu)
