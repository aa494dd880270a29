"""The precomputed grids behind the site's explorable figures of the neural-network labs.

A network run takes seconds, too slow to recompute in the reader's browser, so each lab's panel is run once for
every point of a grid of its controls (with the same functions the notebook's widget calls) and the site's slider
snaps to the grid. The data is committed (book/_ext/explore_data/<kind>.json, written by tools/explorable_data.py)
and tests/test_explorable_data.py checks that a few grid points still equal a fresh run.

Every run is float64 (except lab 02's document-style runs, float32 as in the source document), the numbers are
rounded to ``DIGITS`` significant digits, and tools/explorable_data.py computes on torch's generic CPU path: the file
is then the same on every machine and thread count (--check compares a regeneration with the file).
"""

from __future__ import annotations

import itertools
import json
import math
from types import ModuleType
from typing import Any

from .. import validation
from . import batch_noise, data_parallel, decay_experiments, failures, five_minute, optimizer_comparison, recipe
from . import step_cost

DIGITS = 4

# kind (the div's data-kind) -> the lab module that defines its grid: explorable_controls() (label, values, start
# value of each control), explorable_shared() (what every point draws against) and explorable_point(**settings).
GRIDS: dict[str, ModuleType] = {
    "weight-decay": decay_experiments,
    "five-minute": five_minute,
    "debug-run": failures,
    "minibatch-noise": batch_noise,
    "data-parallel": data_parallel,
    "schedule": recipe,
    "optimizer-sweep": optimizer_comparison,
    "step-cost": step_cost,
}


def rounded(value: Any) -> Any:
    """``value`` with every float rounded to ``DIGITS`` significant digits (inf and NaN become None: JSON has none)."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return float(f"{value:.{DIGITS}g}")
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [rounded(v) for v in value]
    raise TypeError(f"explorable data: {type(value).__name__} 은(는) JSON 으로 쓸 수 없습니다")


def point(kind: str, settings: dict) -> dict:
    """One grid point of ``kind`` as the file holds it (rounded)."""
    kind = validation.choice(kind, sorted(GRIDS), "explorable 종류")
    return rounded(GRIDS[kind].explorable_point(**settings))


def generate(kind: str) -> dict:
    """The whole grid of ``kind``, rounded: its controls, the shared series and every point, row-major in the order
    of the controls (the last control varies fastest)."""
    kind = validation.choice(kind, sorted(GRIDS), "explorable 종류")
    module = GRIDS[kind]
    controls = module.explorable_controls()
    names = [c["name"] for c in controls]
    points = [module.explorable_point(**dict(zip(names, combo)))
              for combo in itertools.product(*(c["values"] for c in controls))]
    return rounded({"kind": kind, "controls": controls, **module.explorable_shared(), "points": points})


def dumps(data: dict) -> str:
    """Compact JSON, one grid point a line (small diffs when a lab changes), Hangul as is."""
    points = data.get("points")
    head = {k: v for k, v in data.items() if k != "points"}
    text = json.dumps(head, ensure_ascii=False, separators=(",", ":"))
    if points is None:
        return text + "\n"
    lines = ",\n".join(json.dumps(p, ensure_ascii=False, separators=(",", ":")) for p in points)
    return text[:-1] + ',"points":[\n' + lines + "\n]}\n"


def point_index(data: dict, settings: dict) -> int:
    """The position in ``data["points"]`` of the grid point with these control values (row-major, as generated)."""
    index = 0
    for control in data["controls"]:
        values = control["values"]
        index = index * len(values) + values.index(settings[control["name"]])
    return index
