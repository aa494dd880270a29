"""Step time of sgd_reference.SGD vs torch.optim.SGD, and how close each is to the memory-bandwidth bound.

Two parameter sets: ResNet-18's 62 parameter tensors (11.7M parameters, shapes listed below, no
torchvision) and 200 small tensors. All optimisers are timed interleaved (round-robin, shuffled each
round) so load changes on the machine hit them alike; the median of the rounds is reported.

``sgd_reference.SGD(fused=True)`` compiles its step with torch.compile on its second step (the first
is eager): the warm-up steps below pay that, the timed rounds do not.

Bandwidth bound: an SGD step with momentum and weight decay must at least read θ, g, v and write v, θ:
5 × 4 bytes = 20 bytes per float32 parameter. The bandwidth is that of an in-place axpy
(``a.add_(b, alpha=…)``: 12 bytes per element) on a buffer of the same size, measured in the same run.

    python benchmarks/step_time.py [--rounds 30] [--threads N] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import sgd_reference as sr  # noqa: E402
from sgd_reference.labs import step_cost  # noqa: E402

RESNET18_SHAPES = list(step_cost.RESNET18_SHAPES)  # 62 tensors, 11.7M parameters (lab 11 uses the same)
SMALL_SHAPES = [(32, 32)] * 100 + [(256,)] * 100  # 200 small tensors

HYPER = {"lr": 0.1, "momentum": 0.9, "weight_decay": 1e-4}  # the document's defaults
BYTES_PER_PARAM = step_cost.BOUND_BYTES  # 20: read θ, g, v; write v, θ (float32)


def make_optimizers() -> dict[str, callable]:
    variants = {
        "sgd_reference.SGD (기본)": lambda ps: sr.SGD(ps, **HYPER),
        "sgd_reference.SGD foreach=False": lambda ps: sr.SGD(ps, foreach=False, **HYPER),
        "sgd_reference.SGD foreach=True": lambda ps: sr.SGD(ps, foreach=True, **HYPER),
        "sgd_reference.SGD fused=True": lambda ps: sr.SGD(ps, fused=True, **HYPER),
        "torch.optim.SGD foreach=False": lambda ps: torch.optim.SGD(ps, foreach=False, **HYPER),
        "torch.optim.SGD foreach=True": lambda ps: torch.optim.SGD(ps, foreach=True, **HYPER),
    }
    try:  # fused SGD on CPU exists in recent torch; skip it where it does not
        probe = [torch.zeros(2, requires_grad=True)]
        probe[0].grad = torch.zeros(2)
        torch.optim.SGD(probe, fused=True, **HYPER).step()
        variants["torch.optim.SGD fused=True"] = lambda ps: torch.optim.SGD(ps, fused=True, **HYPER)
    except (RuntimeError, TypeError):
        pass
    return variants


def build(shapes: list[tuple[int, ...]], seed: int = 0) -> list[torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    params = []
    for s in shapes:
        p = torch.randn(s, generator=gen).requires_grad_()
        p.grad = torch.randn(s, generator=gen) * 1e-3
        params.append(p)
    return params


def measure(shapes: list[tuple[int, ...]], rounds: int, warmup: int = 3) -> dict:
    n_params = sum(torch.Size(s).numel() for s in shapes)
    runners = {}
    for name, make in make_optimizers().items():
        opt = make(build(shapes))
        runners[name] = opt.step
    a, b = torch.randn(n_params), torch.randn(n_params)
    runners["axpy (대역폭 측정)"] = lambda: a.add_(b, alpha=1e-3)
    medians = step_cost.interleaved_medians(runners, rounds, warmup)  # lab 11's timing loop
    axpy = medians.pop("axpy (대역폭 측정)")
    bandwidth = 12 * n_params / axpy  # bytes/s: read a, b; write a
    bound = BYTES_PER_PARAM * n_params / bandwidth
    return {"tensors": len(shapes), "parameters": n_params, "bandwidth_GBps": bandwidth / 1e9,
            "bound_ms": bound * 1e3, "median_ms": {k: v * 1e3 for k, v in medians.items()}}


def report(title: str, result: dict) -> float:
    base = result["median_ms"]["torch.optim.SGD foreach=False"]
    print(f"\n## {title}: 텐서 {result['tensors']}개, 파라미터 {result['parameters']:,}개")
    print(f"axpy 대역폭 {result['bandwidth_GBps']:.1f} GB/s → 대역폭 하한 {result['bound_ms']:.3f} ms "
          f"({BYTES_PER_PARAM} B/파라미터)")
    print(f"{'옵티마이저':<34} {'중앙값 ms':>10} {'torch 루프 대비':>14} {'하한 대비':>10}")
    for name, ms in result["median_ms"].items():
        print(f"{name:<34} {ms:>10.3f} {ms / base:>14.3f} {ms / result['bound_ms']:>10.2f}")
    return result["median_ms"]["sgd_reference.SGD (기본)"] / base


FUSED_TARGET = step_cost.FUSED_TARGET  # sgd_reference.SGD(fused=True) on ResNet-18 shapes: at most 1.3 × the bound


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="interleaved rounds (median over them)")
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's)")
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers to this file")
    args = parser.parse_args()
    if args.rounds < 3:
        parser.error("--rounds 는 3 이상이어야 합니다.")
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {platform.processor() or platform.machine()}, "
          f"스레드 {torch.get_num_threads()}, 라운드 {args.rounds}, 설정 {HYPER}")
    results = {"resnet18": measure(RESNET18_SHAPES, args.rounds), "small": measure(SMALL_SHAPES, args.rounds * 10)}
    ok = True
    for key, title in (("resnet18", "ResNet-18 모양"), ("small", "작은 텐서 200개")):
        ratio = report(title, results[key])
        passed = ratio <= 1.05
        ok &= passed
        print(f"목표 sgd_reference.SGD(기본) / torch foreach=False ≤ 1.05: {ratio:.3f} → {'통과' if passed else '미달'}")
    fused = results["resnet18"]["median_ms"]["sgd_reference.SGD fused=True"] / results["resnet18"]["bound_ms"]
    ok &= fused <= FUSED_TARGET
    print(f"\n목표 sgd_reference.SGD(fused=True) / 대역폭 하한 ≤ {FUSED_TARGET} (ResNet-18 모양): {fused:.2f} → "
          f"{'통과' if fused <= FUSED_TARGET else '미달'}")
    if args.json:
        args.json.write_text(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(),
                                         "results": results}, ensure_ascii=False, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    assert len(RESNET18_SHAPES) == 62 and sum(torch.Size(s).numel() for s in RESNET18_SHAPES) == 11_689_512
    sys.exit(main())
