"""Check the built site's links without a network: `python tools/check_links.py _build/html`.

* every local href/src in every HTML page must resolve to a file under the site, and a #fragment to an id/name on
  the target page;
* nothing the page *loads* may come from another host: <script src>, <img src>, <iframe src>, <source src>,
  <link href> (stylesheets, icons, preloads) and CSS url(...) in style attributes must be local. Plain
  <a href> to external sites (Colab, GitHub, a local JupyterLab) are allowed: a reader chooses to follow them.

Exits 1 with a list of every problem found, 0 when the site is clean.
"""

from __future__ import annotations

import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LOADING_ATTRS = {
    "script": "src", "img": "src", "iframe": "src", "source": "src", "video": "src", "audio": "src",
    "embed": "src", "track": "src", "link": "href", "object": "data", "input": "src",
}
NOT_PAGES = {"_static", "vendor", "_sources", "_images"}
SKIP_SCHEMES = {"mailto", "javascript", "data", "tel", "blob"}


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str, str, int]] = []  # (tag, attr, url, line)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v for k, v in attrs if v is not None}
        for key in ("id", "name"):
            if key in a and (key == "id" or tag == "a"):
                self.ids.add(a[key])
        line = self.getpos()[0]
        if tag == "a" and "href" in a:
            self.links.append((tag, "href", a["href"], line))
        if tag in LOADING_ATTRS and LOADING_ATTRS[tag] in a:
            self.links.append((tag, LOADING_ATTRS[tag], a[LOADING_ATTRS[tag]], line))
        if "srcset" in a:
            for part in a["srcset"].split(","):
                if part.strip():
                    self.links.append((tag, "srcset", part.strip().split()[0], line))
        if "style" in a and "url(" in a["style"]:
            for chunk in a["style"].split("url(")[1:]:
                url = chunk.split(")")[0].strip("'\" ")
                self.links.append((tag, "style", url, line))

    handle_startendtag = handle_starttag


def parse(path: Path) -> PageParser:
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser


def site_pages(root: Path) -> list[Path]:
    """The site's pages: every .html except theme template fragments in _static/ and vendored files."""
    return sorted(p for p in root.rglob("*.html")
                  if p.relative_to(root).parts[0] not in NOT_PAGES)


def check_site(root: Path) -> list[str]:
    root = root.resolve()
    pages = site_pages(root)
    parsed: dict[Path, PageParser] = {}

    def ids_of(page: Path) -> set[str]:
        if page not in parsed:
            parsed[page] = parse(page)
        return parsed[page].ids

    problems: list[str] = []
    for page in pages:
        rel_page = page.relative_to(root)
        for tag, attr, url, line in (parsed.get(page) or parsed.setdefault(page, parse(page))).links:
            where = f"{rel_page}:{line} <{tag} {attr}={url!r}>"
            parts = urlsplit(url)
            if parts.scheme in SKIP_SCHEMES:
                continue
            if parts.scheme or parts.netloc:
                if tag == "a":
                    continue  # an ordinary outgoing link
                problems.append(f"{where}: loads from another host")
                continue
            if not parts.path:
                target = page
            elif parts.path.startswith("/"):
                problems.append(f"{where}: root-absolute path breaks when the site is not served at /")
                continue
            else:
                target = (page.parent / unquote(parts.path)).resolve()
                if not target.is_relative_to(root):
                    problems.append(f"{where}: points outside the site")
                    continue
                if target.is_dir():
                    target = target / "index.html"
                if not target.is_file():
                    problems.append(f"{where}: no such file {target.relative_to(root)}")
                    continue
            fragment = unquote(parts.fragment)
            if fragment and target.suffix == ".html" and fragment not in ids_of(target):
                problems.append(f"{where}: no id {fragment!r} in {target.relative_to(root)}")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python tools/check_links.py _build/html", file=sys.stderr)
        return 2
    root = Path(argv[1])
    if not (root / "index.html").is_file():
        print(f"check_links: {root}/index.html not found: build the site first (make book).", file=sys.stderr)
        return 1
    problems = check_site(root)
    n_pages = len(site_pages(root.resolve()))
    if problems:
        print(f"check_links: {len(problems)} broken or external-loading link(s) in {root}:", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    print(f"check_links: {n_pages} pages, all local links resolve and nothing loads from another host.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
