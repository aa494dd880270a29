"""Every built page passes axe-core (WCAG 2.1 A/AA + best practice) in light and in dark mode, with no violation.

axe-core comes from npm, pinned by tools/vendor/package-lock.json and copied to tests/site/_vendor/ by
tools/vendor_js.sh (`make vendor`, run by `make book`); it is injected into each page by the test, never served
by the site. One browser page is reused for the whole run: each site page is loaded once, audited in the pydata
theme's light mode, switched to dark (the theme's own `data-theme` attribute) and audited again.

A11Y_REPORT=path writes every violation found (rule, impact, page, mode, nodes) as JSON, for the before/after
counts in the notes.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import REPO, SITE

sys.path.insert(0, str(REPO / "tools"))
from check_links import site_pages  # noqa: E402

AXE = Path(__file__).parent / "_vendor" / "axe-core" / "axe.min.js"
PAGES = [p.relative_to(SITE).as_posix() for p in site_pages(SITE)] if (SITE / "index.html").is_file() else []
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
MODES = ("light", "dark")
_REPORT: list[dict] = []

# Waits until the page is what a reader sees: MathJax has typeset, saved widgets are drawn.
READY = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  const views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length;
  const state = document.querySelector('script[type="application/vnd.jupyter.widget-state+json"]');
  const t0 = Date.now();
  while (views && state && document.querySelectorAll('.widget-subarea > *').length < views) {
    if (Date.now() - t0 > 20000) { throw new Error('widgets not rendered'); }
    await new Promise(r => setTimeout(r, 50));
  }
}"""

# The theme's colours fade in over CSS transitions: audit the colours a reader ends up with, not a frame mid-fade.
SET_MODE = """async (mode) => {
  document.documentElement.dataset.mode = mode;
  document.documentElement.dataset.theme = mode;
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  await Promise.all(document.getAnimations().map(a => a.finished.catch(() => null)));
}"""

RUN_AXE = r"""async (tags) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.replace(/\s+/g, ' ').slice(0, 200),
                              summary: (n.failureSummary || '').slice(0, 300)}))}));
}"""


@pytest.fixture(scope="module")
def audit_page(browser, base_url):
    if not AXE.is_file():
        pytest.fail(f"{AXE} missing: run `make vendor` (tools/vendor_js.sh; make book runs it).")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    def route(r):  # offline, like the reader's copy: only the local server answers
        if r.request.url.startswith(("data:", "blob:")) or urlsplit(r.request.url).hostname == "127.0.0.1":
            r.continue_()
        else:
            r.abort()

    page.route("**/*", route)
    yield page
    context.close()
    if os.environ.get("A11Y_REPORT"):
        Path(os.environ["A11Y_REPORT"]).write_text(json.dumps(_REPORT, ensure_ascii=False, indent=1),
                                                   encoding="utf-8")


def _describe(path: str, mode: str, violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  [{mode}] {v['id']} ({v['impact']}, {len(v['nodes'])}개): {v['help']}")
        for n in v["nodes"][:3]:
            lines.append(f"      {n['target']}: {n['html'][:120]}")
    return f"{path}: axe 위반 {sum(len(v['nodes']) for v in violations)}개\n" + "\n".join(lines)


def test_axe_core_is_vendored():
    assert AXE.is_file(), f"{AXE} missing: run `make vendor`"
    version = json.loads((AXE.parent / "package.json").read_text())["version"]
    assert version.startswith("4."), version


@pytest.mark.parametrize("path", PAGES or ["<no site>"])
def test_page_has_no_axe_violations_in_light_and_dark_mode(site_dir, base_url, audit_page, path):
    page = audit_page
    page.goto(base_url + path, wait_until="networkidle")
    page.evaluate(READY)
    page.add_script_tag(path=str(AXE))
    found = []
    for mode in MODES:
        page.evaluate(SET_MODE, mode)
        assert page.evaluate("document.documentElement.dataset.theme") == mode
        violations = page.evaluate(RUN_AXE, TAGS)
        for v in violations:
            _REPORT.append({"page": path, "mode": mode, **v})
        if violations:
            found.append(_describe(path, mode, violations))
    assert not found, "\n".join(found)
