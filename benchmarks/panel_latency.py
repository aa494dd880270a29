"""How long a learner waits after moving a lab panel's control: every panel at its slowest settings.

Issue 14's target: any single slider move answers within 2 s on a 2-core machine. Each entry of ``PANELS`` builds a
panel and lists the settings that are its worst case (most steps, largest momentum, smallest batch, ...). Before every
timed move all ``lru_cache``s in ``sgd_reference.labs`` are cleared, so a cached run never hides the cost of a new
setting. The script prints each move's time and the slowest move per panel, and exits non-zero when one is over the
target (it is a measurement, not a test: run it on an idle machine).

    python benchmarks/panel_latency.py [--threads 2] [--repeat 1] [--only five_minute]

To add a panel: append ``Panel(name, factory, [settings, ...])`` to ``PANELS`` (one block per lab, in lab order).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import matplotlib

matplotlib.use("Agg")
import torch  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import sgd_reference.labs  # noqa: E402

TARGET_S = 2.0


@dataclass(frozen=True)
class Panel:
    name: str
    factory: Callable[[], object]  # returns a widgets.LivePanel
    worst: list[dict]  # each dict is one move: the controls it sets


def _lab(module: str):
    return importlib.import_module(f"sgd_reference.labs.{module}")


PANELS: list[Panel] = [
    # Lab 2: the five-minute comparison (400 steps is the slider's end; the learnable mode runs 4 networks' worth).
    Panel("02 five_minute.comparison_panel", lambda: _lab("five_minute").comparison_panel(), [
        dict(steps=400, mode="random", momentum=0.9),
        dict(steps=400, mode="learnable", momentum=0.9),
        dict(steps=400, mode="learnable", momentum=0.99, lr_b=10.0),
        dict(steps=400, mode="random", momentum=0.99, lr_a=10.0),
    ]),
    # Lab 3: batch size and lr multiplier (batch 8 is the most steps for the same 4 epochs).
    Panel("03 batch_noise.batch_panel", lambda: _lab("batch_noise").batch_panel(), [
        dict(batch_size=8, lr_multiplier=0.25),
        dict(batch_size=8, lr_multiplier=64.0),
        dict(batch_size=512, lr_multiplier=16.0),
    ]),
    # Lab 6: weight decay at the largest momentum, both modes.
    Panel("06 decay_experiments.weight_decay_panel", lambda: _lab("decay_experiments").weight_decay_panel(), [
        dict(momentum=0.99, weight_decay=0.1, mode="coupled"),
        dict(momentum=0.99, weight_decay=1e-5, mode="decoupled"),
        dict(momentum=0.0, weight_decay=0.1, mode="coupled"),
    ]),
    # Lab 7: the optimizer comparison at its most steps.
    Panel("07 optimizer_comparison.comparison_panel", lambda: _lab("optimizer_comparison").comparison_panel(), [
        dict(optimizer="adam", lr=10.0, steps=600),
        dict(optimizer="sgd_momentum", lr=0.1, steps=600),
        dict(optimizer="sgd", lr=1e-4, steps=600),
    ]),
    # Lab 8: the recipe at the smallest batch (the most steps for the same epochs) and the largest lr.
    Panel("08 recipe.recipe_panel", lambda: _lab("recipe").recipe_panel(), [
        dict(batch_size=16, base_lr=0.1),
        dict(batch_size=16, base_lr=10.0, warmup_epochs=0),
        dict(batch_size=256, base_lr=1e-3, warmup_epochs=5),
    ]),
    # Lab 9: the debugging run at its extremes, and the diagnosis quiz (its build draws the four runs).
    Panel("09 failures.debug_panel", lambda: _lab("failures").debug_panel(), [
        dict(lr_multiplier=100.0, momentum=0.99, clip=True, warmup=True),
        dict(lr_multiplier=0.01, momentum=0.0),
    ]),
    Panel("09 failures.diagnosis_quiz", lambda: _lab("failures").diagnosis_quiz(), [
        dict(run_1="A", run_2="B", run_3="C", run_4="D"),
    ]),
]


def clear_lab_caches() -> int:
    """Clear every ``functools.lru_cache`` in ``sgd_reference.labs``: the next move computes from scratch."""
    cleared = 0
    for info in pkgutil.iter_modules(sgd_reference.labs.__path__):
        module = importlib.import_module(f"sgd_reference.labs.{info.name}")
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()
                cleared += 1
    return cleared


def time_panel(panel: Panel, repeat: int) -> list[tuple[dict, float, str]]:
    clear_lab_caches()
    began = time.perf_counter()
    live = panel.factory()
    results = [({"(첫 그림)": "기본값"}, time.perf_counter() - began, live.last_text)]
    for settings in panel.worst:
        best = float("inf")
        for _ in range(repeat):
            clear_lab_caches()
            began = time.perf_counter()
            live.set(**settings)
            best = min(best, time.perf_counter() - began)
        results.append((settings, best, live.last_text))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2, help="torch threads (issue 14 measures 2)")
    parser.add_argument("--repeat", type=int, default=1, help="timings per move (the fastest is kept)")
    parser.add_argument("--only", default="", help="only panels whose name contains this text")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, torch 스레드 {torch.get_num_threads()}, 목표 {TARGET_S:g} s 이내")
    worst_overall, over = 0.0, []
    for panel in PANELS:
        if args.only not in panel.name:
            continue
        results = time_panel(panel, args.repeat)
        for settings, seconds, text in results:
            print(f"  {panel.name}  {settings}: {seconds:6.2f} s  | {text[:90]}")
        slowest = max(seconds for _, seconds, _ in results)
        worst_overall = max(worst_overall, slowest)
        flag = "OK" if slowest <= TARGET_S else "목표 초과"
        print(f"{panel.name}: 가장 느린 갱신 {slowest:.2f} s ({slowest / TARGET_S:.2f} × 목표) {flag}")
        if slowest > TARGET_S:
            over.append(panel.name)
    print(f"전체에서 가장 느린 갱신 {worst_overall:.2f} s; 목표 초과 패널 {len(over)}개" + (f": {', '.join(over)}" if over else ""))
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
