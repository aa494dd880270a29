"""The book build executes the chapters and shows the labs' committed outputs (the ones nbval checked), never re-runs them."""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

from conftest import REPO, SITE


def build_environment():
    sys.path.insert(0, str(REPO / "book" / "_ext"))  # the pickle refers to the book's local extensions
    with open(SITE.parent / ".doctrees" / "environment.pickle", "rb") as handle:
        return pickle.load(handle)


def test_labs_are_shown_as_committed_and_chapters_are_executed(site_dir):
    metadata = build_environment().nb_metadata
    labs = sorted(name for name in metadata if name.startswith("labs/"))
    assert len(labs) == len(list((REPO / "labs").glob("*.ipynb")))
    executed_labs = [name for name in labs if "exec_data" in metadata[name]]
    assert not executed_labs, f"책 빌드가 실습을 다시 실행했습니다: {executed_labs}"
    chapters_with_code = [p for p in sorted((REPO / "book").glob("*.md")) if "```{code-cell}" in p.read_text("utf-8")]
    for path in chapters_with_code:
        data = metadata[f"book/{path.stem}"].get("exec_data")
        assert data and data["succeeded"], f"{path.name}: 빌드 때 실행되지 않았습니다"
