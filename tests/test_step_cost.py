"""Lab 11's model of one step's cost: bytes per parameter (checked against the ops torch really runs), optimiser-state
memory (read from real optimisers), and the shape of a timing result (no timed assertions)."""

from __future__ import annotations

import pytest
import torch
from matplotlib.figure import Figure
from torch.utils._python_dispatch import TorchDispatchMode

import sgd_reference as sr
from sgd_reference import exercises
from sgd_reference.exercises import step_cost as step_exercise
from sgd_reference.labs import step_cost as lab
from sgd_reference.teaching import plotting

N = 1000  # elements of the parameter whose traffic is counted (scalars and small tensors are not)


def test_bytes_per_parameter_counted_from_the_algorithms():
    expected = {"sgd": (12, 12), "sgd_momentum": (20, 32), "sgd_momentum_wd": (20, 44), "adam": (28, 72)}
    for config, (one_pass, op_by_op) in expected.items():
        assert lab.bytes_per_parameter(config) == {"one_pass": one_pass, "op_by_op": op_by_op}
        assert lab.bytes_per_parameter(config, 2) == {"one_pass": one_pass // 2, "op_by_op": op_by_op // 2}
    assert lab.BOUND_BYTES == 20


class _Traffic(TorchDispatchMode):
    """Counts, per aten op, the distinct N-element tensors it reads and whether it writes one."""

    def __init__(self):
        super().__init__()
        self.reads = self.writes = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        inputs = {a.data_ptr() for a in args if isinstance(a, torch.Tensor) and a.numel() == N}
        if inputs and func.__name__.split(".")[0] not in ("detach", "alias", "view", "_unsafe_view"):
            self.reads += len(inputs)
            self.writes += isinstance(out, torch.Tensor) and out.numel() == N
        return out


@pytest.mark.parametrize("config, make", [
    ("sgd", lambda ps: torch.optim.SGD(ps, lr=0.1, foreach=False)),
    ("sgd_momentum", lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, foreach=False)),
    ("sgd_momentum_wd", lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=1e-4, foreach=False)),
    ("adam", lambda ps: torch.optim.Adam(ps, lr=1e-3, foreach=False)),
])
def test_the_op_by_op_count_is_what_torchs_for_loop_runs(config, make):
    p = torch.randn(N, requires_grad=True)
    p.grad = torch.randn(N)
    opt = make([p])
    opt.step()  # the first step creates the state; the model counts the steady state
    with _Traffic() as traffic:
        opt.step()
    model = lab.TRAFFIC[config]
    assert (traffic.reads, traffic.writes) == (sum(r for _, r, _ in model.ops), sum(w for _, _, w in model.ops))
    assert lab.bytes_per_parameter(config)["op_by_op"] == 4 * (traffic.reads + traffic.writes)


def test_the_exercise_counts_the_same_as_the_lab():
    for config in lab.TRAFFIC:
        b = lab.bytes_per_parameter(config, 8)
        assert step_exercise._reference(config, 8) == b["one_pass"]
        assert step_exercise.OP_BY_OP[config] * 8 == b["op_by_op"]
    assert exercises.get("step_bytes_per_param").lab == "11_step_cost.ipynb"


def test_bad_configs_get_korean_errors():
    for call in (lambda: lab.bytes_per_parameter("rmsprop"), lambda: lab.bytes_per_parameter("sgd", 3),
                 lambda: lab.state_memory([]), lambda: lab.state_memory([(0, 3)]), lambda: lab.state_memory("resnet"),
                 lambda: lab.state_memory([(10**5, 10**5)]), lambda: lab.render_step_times({"ratio": {}}),
                 lambda: lab.measure_step_times([(4,)], rounds=1)):
        with pytest.raises(ValueError, match="[가-힣]"):
            call()


def test_state_memory_is_read_from_the_real_optimizers():
    shapes = [(3, 4), (5,), (2, 2, 2)]
    n = 12 + 5 + 8
    rows = {r.label: r for r in lab.state_memory(shapes)}
    assert [r.buffers_per_parameter for r in rows.values()] == [0, 1, 1, 2]
    assert rows["SGD (모멘텀 없음)"].buffer_bytes == 0
    assert rows["모멘텀 SGD"].buffer_bytes == rows["모멘텀 SGD + 가중치 감쇠"].buffer_bytes == 4 * n
    assert rows["Adam (torch.optim)"].buffer_bytes == 8 * n
    assert rows["Adam (torch.optim)"].scalar_bytes == 4 * len(shapes)  # one float32 step counter per tensor
    assert all(r.parameter_bytes == 4 * n for r in rows.values())
    assert lab.state_memory(shapes, torch.float64)[1].buffer_bytes == 8 * n


def test_sgd_reference_keeps_the_same_state_as_torch():
    for make in (lambda ps: sr.SGD(ps, lr=0.1, momentum=0.9), lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9)):
        ps = [torch.zeros(7, requires_grad=True)]
        ps[0].grad = torch.ones(7)
        opt = make(ps)
        opt.step()
        assert list(opt.state[ps[0]]) == ["momentum_buffer"] and opt.state[ps[0]]["momentum_buffer"].shape == (7,)


def test_resnet18_state_table_in_bytes():
    assert len(lab.RESNET18_SHAPES) == 62 and sum(torch.Size(s).numel() for s in lab.RESNET18_SHAPES) == 11_689_512
    table = lab.state_table()
    assert "46,758,048" in table and "93,516,096" in table and "248" in table


def test_measure_step_times_returns_every_implementation_and_ratios_to_one_bound():
    result = lab.measure_step_times([(64, 33), (17,)], rounds=3, warmup=2)
    assert set(result) >= {"tensors", "parameters", "rounds", "bandwidth_GBps", "bound_ms", "median_ms", "ratio"}
    assert result["parameters"] == 64 * 33 + 17 and result["tensors"] == 2
    assert set(result["median_ms"]) == set(lab.IMPLEMENTATIONS) and "axpy" not in result["median_ms"]
    assert result["bandwidth_GBps"] > 0 and result["bound_ms"] > 0
    for name, ms in result["median_ms"].items():
        assert ms > 0 and result["ratio"][name] == pytest.approx(ms / result["bound_ms"])
    plotting.use_korean_font()
    fig, text = lab.render_step_times(result)
    assert isinstance(fig, Figure) and "라운드 3번" in text
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == list(result["ratio"])


# --- the site's explorable (step-cost): counted bytes over model sizes at a chosen bandwidth, no timing -------------

def test_explorable_numbers_are_the_lab_counts_scaled():
    n = sum(torch.Size(s).numel() for s in lab.RESNET18_SHAPES)
    got = lab.step_cost_numbers(n, 20, "sgd_momentum_wd", "float32")
    assert got["state_bytes"] == 46_758_048 and got["param_bytes"] == 46_758_048  # state_table's ResNet-18 row
    assert got["one_pass_bytes"] == 20 * n and got["op_by_op_bytes"] == 44 * n
    assert got["bound_ms"] == pytest.approx(20 * n / 20e9 * 1e3) and got["op_by_op_ms"] == pytest.approx(44 * n / 20e6)
    assert "46.8 MB" in got["text"] and "11.7 ms 이상" in got["text"] and "20 GB/s" in got["text"]
    adam = lab.step_cost_numbers(7_000_000_000, 5000, "adam", "bfloat16")
    assert adam["state_bytes"] == 2 * 2 * 7_000_000_000 and adam["one_pass_bytes"] == 14 * 7_000_000_000
    assert "파라미터의 2배" in adam["text"] and "상태 0 B" in lab.step_cost_numbers(10**6, 5, "sgd", "float64")["text"]


def test_explorable_shared_bytes_agree_with_the_lab_and_the_real_state():
    shared = lab.explorable_shared()["per_parameter"]
    assert set(shared) == {f"{c}|{d}" for c in lab.TRAFFIC for d in lab.EXPLORABLE_DTYPES}
    buffers = {"sgd": 0, "sgd_momentum": 1, "sgd_momentum_wd": 1, "adam": 2}
    for key, per in shared.items():
        config, dtype = key.split("|")
        element = {"float32": 4, "bfloat16": 2, "float64": 8}[dtype]
        assert per["element"] == element and per["state"] == buffers[config] * element
        assert {k: per[k] for k in ("one_pass", "op_by_op")} == lab.bytes_per_parameter(config, element)
        # the page draws per-parameter bytes x N: at every grid size that is the point's own number
        for n in lab.EXPLORABLE_PARAMETERS:
            numbers = lab.step_cost_numbers(n, 100, config, dtype)
            assert numbers["state_bytes"] == per["state"] * n and numbers["one_pass_bytes"] == per["one_pass"] * n


def test_explorable_grid_is_korean_and_every_point_says_something_different():
    controls = lab.explorable_controls()
    assert [c["name"] for c in controls] == ["parameters", "bandwidth", "config", "dtype"]
    assert all(c["value"] in c["values"] and any("\uac00" <= ch <= "\ud7a3" for ch in c["label"]) for c in controls)
    texts = [lab.explorable_point(n, b, c, d)["text"] for n in lab.EXPLORABLE_PARAMETERS
             for b in lab.EXPLORABLE_BANDWIDTHS for c in lab.TRAFFIC for d in lab.EXPLORABLE_DTYPES]
    assert len(set(texts)) == len(texts) == 5 * 10 * 4 * 3
    for call in (lambda: lab.explorable_point(3, 20, "sgd", "float32"), lambda: lab.explorable_point(10**6, 7, "sgd", "float32"),
                 lambda: lab.explorable_point(10**6, 20, "rmsprop", "float32"), lambda: lab.explorable_point(10**6, 20, "sgd", "int8")):
        with pytest.raises(ValueError, match="[가-힣]"):
            call()
