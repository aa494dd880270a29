"""sgd_reference.SGD(fused=True): torch.compile of the book's step, equal to torch.optim.SGD up to rounding.

What is bit for bit (first step, half precision, sparse gradients, no momentum, no compiler) is tested with
torch.equal; the compiled steps with a tolerance of a few units in the last place per step (see fused.py).
Compiling costs seconds per (flags, layout), so the hypothesis test keeps one small layout per dtype.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import warnings

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import sgd_reference as sr
from sgd_reference import fused

SHAPES = [(33, 7), (5,), (1003,)]  # odd sizes: vector loops and their scalar tails


def make_pair(dtype=torch.float32, seed=0, shapes=SHAPES):
    gen = torch.Generator().manual_seed(seed)
    ours = [torch.randn(s, generator=gen, dtype=dtype).requires_grad_() for s in shapes]
    theirs = [p.detach().clone().requires_grad_() for p in ours]
    return ours, theirs


def give_grads(ours, theirs, gen):
    for a, b in zip(ours, theirs):
        g = torch.randn(a.shape, generator=gen, dtype=a.dtype)
        a.grad, b.grad = g.clone(), g.clone()


def rounding_tolerance(tensors, dtype, steps, lr):
    """A few units in the last place per step, of the largest value the step touches."""
    scale = max(max(t.abs().max().item() for t in tensors), 1.0) * (1 + lr)
    return 8 * steps * torch.finfo(dtype).eps * scale


hyper_values = st.fixed_dictionaries({
    "lr": st.floats(1e-4, 1.0),
    "momentum": st.floats(0.05, 0.99),
    "dampening": st.sampled_from([0.0, 0.1, 0.5]),
    "weight_decay": st.sampled_from([0.0, 1e-4, 0.05]),
    "nesterov": st.booleans(),
    "maximize": st.booleans(),
})


@settings(max_examples=25, deadline=None)
@given(hyper=hyper_values, dtype=st.sampled_from([torch.float32, torch.float64]), seed=st.integers(0, 2**16))
def test_fused_equals_torch_up_to_a_few_ulp_per_step(hyper, dtype, seed):
    if hyper["nesterov"]:
        hyper["dampening"] = 0.0
    ours, theirs = make_pair(dtype, seed)
    opt = sr.SGD(ours, fused=True, **hyper)
    ref = torch.optim.SGD(theirs, foreach=False, **hyper)
    gen = torch.Generator().manual_seed(seed)
    steps = 4
    for step in range(1, steps + 1):
        give_grads(ours, theirs, gen)
        opt.step()
        ref.step()
        vs = [ref.state[p]["momentum_buffer"] for p in theirs]
        tol = rounding_tolerance(theirs + vs, dtype, step, hyper["lr"])
        for a, b in zip(ours, theirs):
            if step == 1:  # the first step (v ← g) is eager: bit for bit
                assert torch.equal(a, b)
            assert (a - b).abs().max().item() <= tol, (step, (a - b).abs().max().item(), tol)
        for a, b in zip(ours, theirs):
            assert (opt.state[a]["momentum_buffer"] - ref.state[b]["momentum_buffer"]).abs().max().item() <= tol


def test_fused_really_compiles_and_is_not_bit_identical_so_the_tolerance_is_needed():
    # Documents the relation: if this ever became bit-identical the docstring should say so.
    ours, theirs = make_pair(torch.float32, seed=1, shapes=[(4096,)])
    opt = sr.SGD(ours, lr=0.1, momentum=0.9, weight_decay=1e-4, fused=True)
    ref = torch.optim.SGD(theirs, lr=0.1, momentum=0.9, weight_decay=1e-4, foreach=False)
    gen = torch.Generator().manual_seed(1)
    for _ in range(3):
        give_grads(ours, theirs, gen)
        opt.step()
        ref.step()
    assert not fused._FAILED
    assert not torch.equal(ours[0], theirs[0])
    assert (ours[0] - theirs[0]).abs().max().item() <= rounding_tolerance(theirs, torch.float32, 3, 0.1)


def test_changing_the_learning_rate_reuses_the_compiled_step(monkeypatch):
    ours, theirs = make_pair(torch.float64, seed=2, shapes=[(64,)])
    opt = sr.SGD(ours, lr=0.1, momentum=0.9, fused=True)
    gen = torch.Generator().manual_seed(2)
    for lr in (0.1, 0.1, 0.05, 0.01):
        for g in opt.param_groups:
            g["lr"] = lr
        give_grads(ours, theirs, gen)
        opt.step()
    compiled = [c for key, c in fused._COMPILED.items() if key[1][0][0] == (64,) and key[1][0][2] == torch.float64]
    assert len(compiled) == 1
    # Dynamo's per-code-object cache: one entry, however often lr changed.
    assert len(torch._dynamo.eval_frame._debug_get_cache_entry_list(compiled[0]._torchdynamo_orig_callable.__code__)) == 1


def three_steps_beside_eager_torch(dtype, seed, **hyper):
    """The same parameters after 3 steps of sr.SGD(fused=True) and of torch's for-loop SGD, on the same gradients."""
    ours, theirs = make_pair(dtype, seed=seed)
    opt = sr.SGD(ours, fused=True, **hyper)
    ref = torch.optim.SGD(theirs, foreach=False, **hyper)
    gen = torch.Generator().manual_seed(seed)
    for _ in range(3):
        give_grads(ours, theirs, gen)
        opt.step()
        ref.step()
    return ours, theirs


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_half_precision_stays_on_the_eager_step_bit_for_bit(dtype):
    ours, theirs = three_steps_beside_eager_torch(dtype, 3, lr=0.1, momentum=0.9, weight_decay=1e-4)
    assert all(torch.equal(a, b) for a, b in zip(ours, theirs))


def test_without_momentum_fused_is_the_eager_step_bit_for_bit():
    ours, theirs = three_steps_beside_eager_torch(torch.float32, 4, lr=0.1, weight_decay=1e-3, maximize=True)
    assert all(torch.equal(a, b) for a, b in zip(ours, theirs))


def test_sparse_gradients_take_the_eager_step_bit_for_bit():
    weight = torch.randn(10, 3, dtype=torch.float64)
    ours, theirs = weight.clone().requires_grad_(), weight.clone().requires_grad_()
    opt = sr.SGD([ours], lr=0.1, momentum=0.9, fused=True)
    ref = torch.optim.SGD([theirs], lr=0.1, momentum=0.9)
    for rows in ([1, 4], [4, 7]):
        for p in (ours, theirs):
            p.grad = None
            torch.nn.functional.embedding(torch.tensor(rows), p, sparse=True).sum().backward()
        opt.step()
        ref.step()
    assert torch.equal(ours, theirs)


def test_a_failed_compile_warns_once_in_korean_and_steps_exactly(monkeypatch):
    def no_compiler(*args, **kwargs):
        raise RuntimeError("Compiler: g++ is not found")

    monkeypatch.setattr(fused, "_COMPILED", {})
    monkeypatch.setattr(fused, "_FAILED", [])
    monkeypatch.setattr(fused.torch, "compile", lambda fn, **kw: no_compiler)
    ours, theirs = make_pair(torch.float32, seed=5)
    opt = sr.SGD(ours, lr=0.1, momentum=0.9, fused=True)
    ref = torch.optim.SGD(theirs, lr=0.1, momentum=0.9, foreach=False)
    gen = torch.Generator().manual_seed(5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(4):
            give_grads(ours, theirs, gen)
            opt.step()
            ref.step()
    messages = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    assert len(messages) == 1 and "g++" in messages[0] and "비트 단위로 같고" in messages[0]
    assert all(torch.equal(a, b) for a, b in zip(ours, theirs))


def test_without_a_cxx_compiler_a_real_run_falls_back_with_the_korean_warning(tmp_path):
    script = textwrap.dedent("""
        import warnings, torch, sgd_reference as sr
        ps = [torch.ones(7, requires_grad=True)]
        opt = sr.SGD(ps, lr=0.1, momentum=0.9, fused=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for _ in range(3):
                ps[0].grad = torch.full((7,), 0.5)
                opt.step()
        print(sum("g++" in str(w.message) for w in caught), ps[0][0].item())
    """)
    env = {"PATH": "/usr/bin:/bin", "CXX": str(tmp_path / "no-such-g++"), "TORCHINDUCTOR_CACHE_DIR": str(tmp_path),
           "TORCHINDUCTOR_FX_GRAPH_CACHE": "0", "OMP_NUM_THREADS": "1", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300,
                          cwd=str(tmp_path.parent))
    assert done.returncode == 0, done.stderr[-2000:]
    warned, theta = done.stdout.split()
    assert warned == "1"
    ref = [torch.ones(7, requires_grad=True)]
    opt = torch.optim.SGD(ref, lr=0.1, momentum=0.9)
    for _ in range(3):
        ref[0].grad = torch.full((7,), 0.5)
        opt.step()
    assert float(theta) == ref[0][0].item()


def _has_avx2() -> bool:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            return any(line.startswith("flags") and " avx2" in line for line in info)
    except OSError:
        return False


@pytest.mark.skipif(not _has_avx2(), reason="needs a CPU with AVX2 to fill the cache on another kernel path")
def test_a_step_cached_on_avx2_still_compiles_on_the_default_path(tmp_path):
    # make test runs the labs on this CPU's kernels, then on ATEN_CPU_CAPABILITY=default with the same Inductor
    # cache: untagged, the second run found the first one's vectorised C++ and fell back with the g++ warning.
    script = textwrap.dedent("""
        import warnings, torch, sgd_reference as sr
        ps = [torch.ones(s, requires_grad=True) for s in [(33, 7), (1003,)]]
        opt = sr.SGD(ps, lr=0.1, momentum=0.9, weight_decay=1e-4, fused=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for _ in range(3):
                for p in ps:
                    p.grad = torch.full_like(p, 0.5)
                opt.step()
        print(sum("g++" in str(w.message) for w in caught))
    """)
    for capability in ("avx2", "default"):
        env = dict(os.environ, ATEN_CPU_CAPABILITY=capability, TORCHINDUCTOR_CACHE_DIR=str(tmp_path / "cache"),
                   OMP_NUM_THREADS="1")
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300,
                              cwd=str(tmp_path))
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stdout.split() == ["0"], f"{capability}: {done.stderr[-2000:]}"


def test_fused_state_dict_moves_to_torch_and_back():
    ours, theirs = make_pair(torch.float32, seed=6)
    opt = sr.SGD(ours, lr=0.1, momentum=0.9, fused=True)
    gen = torch.Generator().manual_seed(6)
    give_grads(ours, theirs, gen)
    opt.step()
    sd = opt.state_dict()
    assert sd["param_groups"][0]["fused"] is True
    torch_opt = torch.optim.SGD(theirs, lr=0.1, momentum=0.9, fused=True)
    torch_opt.load_state_dict(sd)
    back = sr.SGD(ours, lr=0.1, momentum=0.9)
    back.load_state_dict(torch_opt.state_dict())
    assert back.param_groups[0]["fused"] is True
    give_grads(ours, theirs, gen)
    back.step()  # a torch fused state_dict steps on our fused path
    assert not fused._FAILED


def test_fused_and_foreach_together_are_refused_like_torch():
    p = [torch.ones(2, requires_grad=True)]
    with pytest.raises(RuntimeError) as ours:
        sr.SGD(p, lr=0.1, fused=True, foreach=True)
    with pytest.raises(RuntimeError) as theirs:
        torch.optim.SGD(p, lr=0.1, fused=True, foreach=True)
    assert str(ours.value) == str(theirs.value)


def test_sgdw_refuses_fused_in_korean():
    with pytest.raises(ValueError, match="fused=True") as info:
        sr.SGDW([torch.ones(2, requires_grad=True)], lr=0.1, fused=True)
    assert "지원하지 않습니다" in str(info.value)
