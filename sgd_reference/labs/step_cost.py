"""Lab 11: what one optimiser step costs — bytes moved per parameter, optimiser-state memory, and step time
against the memory-bandwidth bound measured in the same run.

An optimiser step does almost no arithmetic per parameter (a few multiply-adds) and must read and write
every parameter, gradient and state tensor: on a large model it is limited by memory bandwidth, not by
the CPU's arithmetic. So its cost is counted in bytes, and its time is compared with the time the
machine needs to move those bytes.
"""

from __future__ import annotations

import functools
import random
import statistics
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import torch
from matplotlib.figure import Figure

import sgd_reference as sr

from .. import validation
from ..teaching.plotting import use_korean_font

__all__ = [
    "RESNET18_SHAPES", "HYPER", "MAX_PARAMETERS", "TRAFFIC", "bytes_per_parameter", "traffic_table", "StateRow", "state_memory",
    "state_table", "IMPLEMENTATIONS", "measure_step_times", "render_step_times", "FUSED_TARGET",
]

# ResNet-18 (torchvision layout): conv1, bn1, 4 stages × 2 BasicBlocks, downsample in stages 2–4, fc.
# 62 tensors, 11,689,512 parameters; no torchvision needed.
_shapes: list[tuple[int, ...]] = [(64, 3, 7, 7), (64,), (64,)]
for _cin, _cout, _down in [(64, 64, False), (64, 128, True), (128, 256, True), (256, 512, True)]:
    for _block in range(2):
        _in = _cin if _block == 0 else _cout
        _shapes += [(_cout, _in, 3, 3), (_cout,), (_cout,), (_cout, _cout, 3, 3), (_cout,), (_cout,)]
        if _block == 0 and _down:
            _shapes += [(_cout, _cin, 1, 1), (_cout,), (_cout,)]
_shapes += [(1000, 512), (1000,)]
RESNET18_SHAPES: tuple[tuple[int, ...], ...] = tuple(_shapes)

HYPER = {"lr": 0.1, "momentum": 0.9, "weight_decay": 1e-4}  # the source document's defaults
FUSED_TARGET = 1.3  # issue 11: sgd_reference.SGD(fused=True) at most this × the bandwidth bound


# --- bytes per parameter, counted from the algorithms ---------------------------------------------------------------

@dataclass(frozen=True)
class Traffic:
    """Which per-parameter tensors one step reads and writes, once fused and op by op (torch's for-loop).

    ``ops``: each torch operation of the for-loop step as (what it does, tensors read, tensors written),
    in the steady state (state exists; a parameter's first step differs). Every op reads its inputs
    from memory and writes its output: true when tensors are much larger than the caches.
    """

    label: str
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    ops: tuple[tuple[str, int, int], ...]


TRAFFIC: dict[str, Traffic] = {
    "sgd": Traffic("SGD (모멘텀 없음)", ("θ", "g"), ("θ",), (("θ.add_(g, alpha=-η)", 2, 1),)),
    "sgd_momentum": Traffic("모멘텀 SGD", ("θ", "g", "v"), ("v", "θ"), (
        ("v.mul_(μ)", 1, 1), ("v.add_(g)", 2, 1), ("θ.add_(v, alpha=-η)", 2, 1))),
    "sgd_momentum_wd": Traffic("모멘텀 SGD + 가중치 감쇠", ("θ", "g", "v"), ("v", "θ"), (
        ("g' = g.add(θ, alpha=λ)", 2, 1), ("v.mul_(μ)", 1, 1), ("v.add_(g')", 2, 1), ("θ.add_(v, alpha=-η)", 2, 1))),
    "adam": Traffic("Adam", ("θ", "g", "m", "s"), ("m", "s", "θ"), (
        ("m.lerp_(g, 1-β₁)", 2, 1), ("s.mul_(β₂)", 1, 1), ("s.addcmul_(g, g, 1-β₂)", 2, 1),
        ("d = s.sqrt()", 1, 1), ("d = d / √(1-β₂ᵗ)", 1, 1), ("d.add_(ε)", 1, 1), ("θ.addcdiv_(m, d, -α)", 3, 1))),
}


def bytes_per_parameter(config: str = "sgd_momentum_wd", element_bytes: int = 4) -> dict[str, int]:
    """Bytes one step moves per parameter: ``one_pass`` (each tensor read and written once: the least any
    implementation can move) and ``op_by_op`` (torch's for-loop, one memory pass per operation)."""
    config = validation.choice(config, TRAFFIC, "설정 config")
    element_bytes = validation.choice(element_bytes, (2, 4, 8), "원소 하나의 바이트 수 element_bytes")
    t = TRAFFIC[config]
    return {"one_pass": (len(t.reads) + len(t.writes)) * element_bytes,
            "op_by_op": sum(r + w for _, r, w in t.ops) * element_bytes}


def _cell(text: object, width: int, left: bool = False) -> str:
    """Pad to ``width`` terminal columns: a Hangul syllable takes two, so str.ljust would misalign the table."""
    text = str(text)
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * (width - used) if left else " " * (width - used) + text


def _table(header: list[str], rows: list[list[object]], widths: list[int]) -> str:
    return "\n".join(" ".join(_cell(v, w, left=(i == 0)) for i, (v, w) in enumerate(zip(line, widths)))
                     for line in [header, *rows])


def traffic_table(element_bytes: int = 4) -> str:
    """The bytes-per-parameter model as a Korean text table (exact: it is counted, not measured)."""
    rows = []
    for key, t in TRAFFIC.items():
        b = bytes_per_parameter(key, element_bytes)
        rows.append([t.label, ",".join(t.reads), ",".join(t.writes), f"{b['one_pass']} B", f"{b['op_by_op']} B"])
    return _table(["설정", "읽기", "쓰기", "한 번에(최소)", "연산마다(for 루프)"], rows, [24, 9, 7, 14, 19])


# --- optimiser-state memory, read from the real optimisers -----------------------------------------------------------

@dataclass(frozen=True)
class StateRow:
    label: str
    buffers_per_parameter: int  # state tensors with one value per parameter (v; m and s)
    buffer_bytes: int  # their bytes in total
    scalar_bytes: int  # everything else in the state (Adam's per-tensor step counter)
    parameter_bytes: int


def _state_optimizers() -> dict[str, Callable[[list[torch.Tensor]], torch.optim.Optimizer]]:
    return {
        "SGD (모멘텀 없음)": lambda ps: sr.SGD(ps, lr=0.1),
        "모멘텀 SGD": lambda ps: sr.SGD(ps, lr=0.1, momentum=0.9),
        "모멘텀 SGD + 가중치 감쇠": lambda ps: sr.SGD(ps, lr=0.1, momentum=0.9, weight_decay=1e-4),
        "Adam (torch.optim)": lambda ps: torch.optim.Adam(ps, lr=1e-3),
    }


MAX_PARAMETERS = 200_000_000  # what a lab may allocate (several copies of 4 bytes each)


def _checked_shapes(shapes) -> list[tuple[int, ...]]:
    """A non-empty list of shapes with at least one dimension each (a 0-d parameter has no per-parameter buffer
    to tell from Adam's 0-d step counter), of at most :data:`MAX_PARAMETERS` parameters in all."""
    items = list(shapes) if isinstance(shapes, (list, tuple)) else None
    if not items:
        raise validation.InvalidArgument(f"shapes 는 텐서 모양(정수 튜플)의 비어 있지 않은 목록이어야 합니다 "
                                         f"(예: [(64, 3, 7, 7), (64,)]; 받은 값의 타입: {type(shapes).__name__}).")
    checked = []
    for i, shape in enumerate(items, 1):
        dims = validation.integers(shape, f"shapes 의 {i}번째 모양", minimum=1, maximum=MAX_PARAMETERS)
        checked.append(tuple(dims))
    total = sum(torch.Size(s).numel() for s in checked)
    if total > MAX_PARAMETERS:
        raise validation.InvalidArgument(f"파라미터가 {total:,}개로 너무 많습니다 (최대 {MAX_PARAMETERS:,}개).")
    return checked


def state_memory(shapes=RESNET18_SHAPES, dtype: torch.dtype = torch.float32) -> list[StateRow]:
    """Take one step with each optimiser on parameters of these shapes and count the bytes in its state.

    A state tensor with the parameter's shape is a per-parameter buffer (v; Adam's m and s); anything
    else (Adam's 0-d ``step``) is counted apart.
    """
    shapes = _checked_shapes(shapes)
    dtype = validation.float_dtype(dtype) or torch.get_default_dtype()
    rows = []
    for label, make in _state_optimizers().items():
        params = [torch.zeros(s, dtype=dtype, requires_grad=True) for s in shapes]
        for p in params:
            p.grad = torch.zeros_like(p)
        opt = make(params)
        opt.step()
        per_param, buffer_bytes, scalar_bytes = set(), 0, 0
        for p in params:
            tensors = [t for t in opt.state[p].values() if isinstance(t, torch.Tensor)] if p in opt.state else []
            full = [t for t in tensors if t.shape == p.shape]
            per_param.add(len(full))
            buffer_bytes += sum(t.numel() * t.element_size() for t in full)
            scalar_bytes += sum(t.numel() * t.element_size() for t in tensors if t.shape != p.shape)
        rows.append(StateRow(label, max(per_param), buffer_bytes, scalar_bytes,
                             sum(p.numel() * p.element_size() for p in params)))
    return rows


def state_table(rows: list[StateRow] | None = None) -> str:
    """Bytes, exactly: the same on every machine (``rows`` from :func:`state_memory`; default: ResNet-18)."""
    rows = state_memory() if rows is None else validation.instances(rows, StateRow, "rows", "StateRow")
    table = [[r.label, r.buffers_per_parameter, f"{r.buffer_bytes:,}", f"{r.scalar_bytes:,}",
              f"{r.buffer_bytes / r.parameter_bytes:.0f}배"] for r in rows]
    return _table(["옵티마이저", "버퍼/파라미터", "상태 버퍼(바이트)", "스칼라(바이트)", "파라미터 대비"], table,
                  [24, 13, 17, 14, 13])


# --- step time against the bandwidth bound ---------------------------------------------------------------------------

def _torch_fused_available() -> bool:
    probe = [torch.zeros(2, requires_grad=True)]
    probe[0].grad = torch.zeros(2)
    try:
        torch.optim.SGD(probe, fused=True, **HYPER).step()
    except (RuntimeError, TypeError):
        return False
    return True


IMPLEMENTATIONS: dict[str, Callable[[list[torch.Tensor]], torch.optim.Optimizer]] = {
    "torch for 루프": lambda ps: torch.optim.SGD(ps, foreach=False, **HYPER),
    "torch foreach": lambda ps: torch.optim.SGD(ps, foreach=True, **HYPER),
    "torch fused": lambda ps: torch.optim.SGD(ps, fused=True, **HYPER),
    "sgd_reference 기본": lambda ps: sr.SGD(ps, **HYPER),
    "sgd_reference fused=True": lambda ps: sr.SGD(ps, fused=True, **HYPER),
}
BOUND_BYTES = bytes_per_parameter("sgd_momentum_wd")["one_pass"]  # 20 B: read θ, g, v; write v, θ
AXPY_ELEMENTS = 1 << 25  # 32M float32 per buffer (128 MiB): far larger than the caches of today's CPUs


def interleaved_medians(runners: dict[str, Callable[[], object]], rounds: int, warmup: int,
                        seed: int = 0) -> dict[str, float]:
    """Median seconds of each runner: ``warmup`` untimed calls each, then ``rounds`` rounds that call every runner
    once in a freshly shuffled order, so load changes on the machine hit them alike (shared with
    benchmarks/step_time.py)."""
    with torch.no_grad():
        for fn in runners.values():
            for _ in range(warmup):
                fn()
    times: dict[str, list[float]] = {name: [] for name in runners}
    order = list(runners)
    shuffle = random.Random(seed)
    for _ in range(rounds):
        shuffle.shuffle(order)
        for name in order:
            start = time.perf_counter()
            with torch.no_grad():
                runners[name]()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(ts) for name, ts in times.items()}


def measure_step_times(shapes=RESNET18_SHAPES, rounds: int = 15, warmup: int = 3, seed: int = 0) -> dict:
    """Median step time of each implementation and of an in-place axpy, timed interleaved.

    All optimisers step the same parameters and gradients (each keeps its own v), in a shuffled order
    each round, so load changes on the machine hit them alike. The bandwidth is that of
    ``a.add_(b, alpha=…)`` (read a, b; write a: 12 B per element) on buffers far larger than the caches;
    the bound is the time to move 20 B per parameter at that bandwidth. The warm-up steps include
    sgd_reference's compile (fused=True compiles on its second step); the timed rounds do not.
    """
    rounds = validation.count(rounds, "rounds", minimum=3, maximum=1000)
    warmup = validation.count(warmup, "warmup", minimum=2, maximum=100)
    shapes = _checked_shapes(shapes)
    gen = torch.Generator().manual_seed(validation.seed(seed))
    params = [torch.randn(s, generator=gen).requires_grad_() for s in shapes]
    for p in params:
        p.grad = torch.randn(p.shape, generator=gen) * 1e-3
    n_params = sum(p.numel() for p in params)
    runners = {name: make(params).step for name, make in IMPLEMENTATIONS.items()
               if name != "torch fused" or _torch_fused_available()}
    a, b = torch.randn(AXPY_ELEMENTS, generator=gen), torch.randn(AXPY_ELEMENTS, generator=gen)
    runners["axpy"] = lambda: a.add_(b, alpha=1e-3)
    medians = interleaved_medians(runners, rounds, warmup, seed)
    bandwidth = 12 * AXPY_ELEMENTS / medians.pop("axpy")
    bound = BOUND_BYTES * n_params / bandwidth
    return {"tensors": len(shapes), "parameters": n_params, "rounds": rounds, "bandwidth_GBps": bandwidth / 1e9,
            "bound_ms": bound * 1e3, "median_ms": {k: v * 1e3 for k, v in medians.items()},
            "ratio": {k: v / bound for k, v in medians.items()}}


def render_step_times(result: dict) -> tuple[Figure, str]:
    """Horizontal bars: each implementation's step time as a multiple of the bandwidth bound (1 = the bound)."""
    validation.record(result, "result", ("ratio", "median_ms", "parameters", "tensors", "rounds", "bandwidth_GBps"),
                      "measure_step_times")
    names = list(result["ratio"])
    ratios = [result["ratio"][n] for n in names]
    use_korean_font()
    fig = Figure(figsize=(8.5, 4.2))
    ax = fig.add_subplot(1, 1, 1)
    colors = ["#1f77b4" if n.startswith("torch") else "#ff7f0e" for n in names]
    positions = range(len(names))
    ax.barh(positions, ratios, color=colors)
    for i, (name, ratio) in enumerate(zip(names, ratios)):
        ax.text(max(ratio, FUSED_TARGET), i, f" {ratio:.2f}배 ({result['median_ms'][name]:.1f} ms)", va="center", fontsize=9)
    ax.axvline(1.0, color="#222222", linewidth=1.5)
    ax.axvline(FUSED_TARGET, color="#b03a2e", linestyle="--", linewidth=1)
    ax.text(1.0, -0.75, "대역폭 하한 ", fontsize=8, ha="right")
    ax.text(FUSED_TARGET, -0.75, f" 목표 {FUSED_TARGET}배", fontsize=8, color="#b03a2e")
    ax.set_yticks(list(positions))
    ax.set_yticklabels(names)
    ax.invert_yaxis()
    ax.set_xlim(0, max(ratios + [FUSED_TARGET]) * 1.35)
    ax.set_ylim(len(names) - 0.2, -1.1)
    ax.set_xlabel(f"스텝 시간 ÷ 대역폭 하한 (1 = 파라미터마다 {BOUND_BYTES} B 를 옮기는 시간, "
                  f"잰 대역폭 {result['bandwidth_GBps']:.1f} GB/s)")
    ax.set_title(f"SGD 한 스텝 (파라미터 {result['parameters']:,}개, 텐서 {result['tensors']}개): 이 기계에서 잰 값")
    fig.tight_layout()
    return fig, (f"구현 {len(names)}개를 라운드 {result['rounds']}번 번갈아 재어 중앙값을 그렸습니다. 막대의 숫자는 기계와 "
                 "부하에 따라 달라집니다.")


# --- the site's explorable: counted bytes over model sizes, at a bandwidth the reader picks ------------------------
# Nothing here is timed: bytes are counted (TRAFFIC) and read from real optimisers (state_memory), and the time is
# those bytes divided by a bandwidth the reader chooses, so the grid is the same on every machine.

EXPLORABLE_PARAMETERS = (1_000_000, 11_689_512, 125_000_000, 1_300_000_000, 7_000_000_000)
EXPLORABLE_BANDWIDTHS = (5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)  # GB/s: laptop DRAM to a GPU's HBM
EXPLORABLE_DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float64": torch.float64}
_STATE_CONFIG = {"sgd": "SGD (모멘텀 없음)", "sgd_momentum": "모멘텀 SGD", "sgd_momentum_wd": "모멘텀 SGD + 가중치 감쇠",
                 "adam": "Adam (torch.optim)"}


def explorable_controls() -> list[dict]:
    return [
        {"name": "parameters", "label": "파라미터 수", "values": list(EXPLORABLE_PARAMETERS), "value": 11_689_512},
        {"name": "bandwidth", "label": "메모리 대역폭 (GB/s)", "values": list(EXPLORABLE_BANDWIDTHS), "value": 20},
        {"name": "config", "label": "옵티마이저", "values": list(TRAFFIC), "value": "sgd_momentum_wd",
         "labels": [t.label for t in TRAFFIC.values()]},
        {"name": "dtype", "label": "원소 자료형", "values": list(EXPLORABLE_DTYPES), "value": "float32",
         "labels": ["float32 (4바이트)", "bfloat16 (2바이트)", "float64 (8바이트)"]},
    ]


@functools.cache
def _state_buffers() -> dict[tuple[str, str], int]:
    """State bytes per parameter of each (config, dtype), read from the real optimisers' state after one step."""
    found = {}
    for dtype_name, dtype in EXPLORABLE_DTYPES.items():
        rows = {r.label: r for r in state_memory([(8,)], dtype)}
        for config, label in _STATE_CONFIG.items():
            found[(config, dtype_name)] = rows[label].buffer_bytes // 8
    return found


def explorable_shared() -> dict:
    """Per-parameter bytes of every (config, dtype), so the page draws each line over model sizes."""
    state = _state_buffers()
    per_parameter = {f"{c}|{d}": {**bytes_per_parameter(c, torch.tensor([], dtype=t).element_size()),
                                  "state": state[(c, d)], "element": torch.tensor([], dtype=t).element_size()}
                     for c in TRAFFIC for d, t in EXPLORABLE_DTYPES.items()}
    return {"per_parameter": per_parameter}


def _size(n_bytes: float) -> str:
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if n_bytes >= scale:
            return f"{n_bytes / scale:.3g} {unit}"
    return f"{n_bytes:.0f} B"


def _duration(ms: float) -> str:
    return f"{ms / 1e3:.3g} s" if ms >= 1e3 else f"{ms:.3g} ms"


def step_cost_numbers(parameters: int, bandwidth: int, config: str, dtype: str) -> dict:
    """The state's size, the bytes one step moves (one pass and op by op) and their time at ``bandwidth`` GB/s, for
    ``parameters`` parameters of ``dtype`` (the site's grid point; ``text`` is the status line the page reads out)."""
    parameters = validation.choice(parameters, EXPLORABLE_PARAMETERS, "파라미터 수 parameters")
    bandwidth = validation.choice(bandwidth, EXPLORABLE_BANDWIDTHS, "대역폭 bandwidth")
    config = validation.choice(config, TRAFFIC, "설정 config")
    dtype = validation.choice(dtype, EXPLORABLE_DTYPES, "자료형 dtype")
    element = torch.tensor([], dtype=EXPLORABLE_DTYPES[dtype]).element_size()
    per = bytes_per_parameter(config, element)
    state = _state_buffers()[(config, dtype)] * parameters
    one_pass, op_by_op = per["one_pass"] * parameters, per["op_by_op"] * parameters
    bound_ms, loop_ms = one_pass / (bandwidth * 1e9) * 1e3, op_by_op / (bandwidth * 1e9) * 1e3
    text = (f"{TRAFFIC[config].label}, {dtype}, 파라미터 {parameters:,}개: 상태 {_size(state)} "
            f"(파라미터의 {state // (element * parameters)}배), 한 스텝이 최소 {_size(one_pass)} 를 옮기므로 "
            f"대역폭 {bandwidth:,} GB/s 에서 {_duration(bound_ms)} 이상 (연산마다 옮기면 {_size(op_by_op)}, "
            f"{_duration(loop_ms)})")
    return {"text": text, "state_bytes": state, "param_bytes": element * parameters, "one_pass_bytes": one_pass,
            "op_by_op_bytes": op_by_op, "bound_ms": bound_ms, "op_by_op_ms": loop_ms}


def explorable_point(parameters: int, bandwidth: int, config: str, dtype: str) -> dict:
    """One grid point: only the status line (the page draws its lines from ``per_parameter`` of the shared data)."""
    return {"text": step_cost_numbers(parameters, bandwidth, config, dtype)["text"]}
