"""Every plain ```python block in the book runs: the build executes code cells, this test runs the rest.

Plain blocks are the source document's snippets that assume a `model`, a `dataloader` and a `criterion` exist.
Here they get small real ones, and a snippet that calls `step()` must actually change the model.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import torch
from torch import nn

BOOK = Path(__file__).resolve().parents[1] / "book"
FENCE = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def snippets():
    for chapter in sorted(BOOK.glob("*.md")):
        text = chapter.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            yield pytest.param(match.group(1), id=f"{chapter.name}:{line}")


def context() -> dict:
    _ = torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 3))
    dataloader = [(torch.randn(4, 8), torch.randint(0, 3, (4,))) for _ in range(8)]
    return {"torch": torch, "nn": nn, "model": model, "dataloader": dataloader,
            "criterion": nn.CrossEntropyLoss(), "optimizer": torch.optim.SGD(model.parameters(), lr=0.01)}


def test_the_book_has_plain_snippets_to_check():
    assert len(list(snippets())) >= 5


@pytest.mark.parametrize("source", list(snippets()))
def test_snippet_runs_and_its_step_updates_the_model(source):
    namespace = context()
    before = [p.detach().clone() for p in namespace["model"].parameters()]
    exec(compile(source, "<book snippet>", "exec"), namespace)
    assert isinstance(namespace.get("optimizer"), torch.optim.Optimizer)
    if ".step()" in source:
        after = list(namespace["model"].parameters())
        assert any(not torch.equal(a, b) for a, b in zip(before, after)), "step() 가 파라미터를 바꾸지 않았습니다"
