"""Rewrite every lab's Colab link and install line from `_config.yml` (`make sync-url`). Idempotent."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from labcells import ROOT, badge_markdown, bootstrap_source  # noqa: E402

BADGE_TAG, BOOTSTRAP_TAG = "colab-link", "bootstrap"


def _lines(text: str) -> list[str]:
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + [lines[-1]]


def sync(notebook: Path) -> bool:
    data = json.loads(notebook.read_text(encoding="utf-8"))
    changed = False
    for cell in data["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if BADGE_TAG in tags:
            new = _lines(badge_markdown(notebook.name))
        elif BOOTSTRAP_TAG in tags:
            new = _lines(bootstrap_source())
        else:
            continue
        if cell["source"] != new and "".join(cell["source"]) != "".join(new):
            cell["source"], changed = new, True
    if changed:
        notebook.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return changed


if __name__ == "__main__":
    for path in sorted((ROOT / "labs").glob("*.ipynb")):
        print(("갱신함 " if sync(path) else "그대로 ") + path.name)
