"""Coupled L2 (torch's weight_decay) and decoupled decay (SGDW): equal without momentum, different with it."""

import copy

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import sgd_reference as sr
from sgd_reference.weight_decay import SGDW, coupled_weight_decay_step, decoupled_weight_decay_step


def run(step_fn, steps=10, **kw):
    gen = torch.Generator().manual_seed(0)
    theta = torch.randn(5, generator=gen, dtype=torch.float64)
    v = None
    for _ in range(steps):
        grad = torch.randn(5, generator=gen, dtype=torch.float64)
        v = step_fn(theta, grad, v, **kw)
    return theta


@given(lr=st.floats(1e-3, 0.5), wd=st.floats(1e-4, 0.5), dtype=st.sampled_from([torch.float32, torch.float64]))
def test_coupled_and_decoupled_decay_are_equal_without_momentum_at_constant_lr(lr, wd, dtype):
    gen = torch.Generator().manual_seed(1)
    a = torch.randn(6, generator=gen, dtype=dtype)
    b = a.clone()
    for _ in range(5):
        g = torch.randn(6, generator=gen, dtype=dtype)
        coupled_weight_decay_step(a, g, None, lr=lr, weight_decay=wd)
        decoupled_weight_decay_step(b, g, None, lr=lr, weight_decay=wd)
    tol = 1e-12 if dtype == torch.float64 else 1e-5
    torch.testing.assert_close(a, b, rtol=tol, atol=tol)  # same formula, different rounding order


def test_coupled_and_decoupled_decay_differ_with_momentum():
    coupled = run(coupled_weight_decay_step, lr=0.1, weight_decay=0.1, momentum=0.9)
    decoupled = run(decoupled_weight_decay_step, lr=0.1, weight_decay=0.1, momentum=0.9)
    assert (coupled - decoupled).abs().max() > 1e-3


def test_coupled_step_is_torchs_weight_decay_bit_for_bit():
    gen = torch.Generator().manual_seed(2)
    theta = torch.randn(4, generator=gen).requires_grad_()
    mine = theta.detach().clone()
    opt = torch.optim.SGD([theta], lr=0.1, momentum=0.9, weight_decay=1e-2)
    v = None
    for _ in range(5):
        g = torch.randn(4, generator=gen)
        theta.grad = g.clone()
        opt.step()
        v = coupled_weight_decay_step(mine, g, v, lr=0.1, weight_decay=1e-2, momentum=0.9)
        assert torch.equal(mine, theta.detach())


def test_decoupled_decay_does_not_enter_the_velocity():
    theta = torch.ones(3, dtype=torch.float64)
    v = decoupled_weight_decay_step(theta, torch.zeros(3, dtype=torch.float64), None, lr=0.1, weight_decay=0.5,
                                    momentum=0.9)
    assert torch.equal(v, torch.zeros(3, dtype=torch.float64))
    torch.testing.assert_close(theta, torch.full((3,), 0.95, dtype=torch.float64))


def test_sgdw_optimizer_matches_the_decoupled_step_function():
    torch.manual_seed(0)
    model = torch.nn.Linear(4, 3)
    ref = copy.deepcopy(model)
    opt = SGDW(model.parameters(), lr=0.1, momentum=0.9, weight_decay=0.05)
    vs = [None, None]
    gen = torch.Generator().manual_seed(0)
    for _ in range(4):
        grads = [torch.randn(p.shape, generator=gen) for p in model.parameters()]
        for p, g in zip(model.parameters(), grads):
            p.grad = g.clone()
        opt.step()
        with torch.no_grad():
            for i, (p, g) in enumerate(zip(ref.parameters(), grads)):
                vs[i] = decoupled_weight_decay_step(p, g, vs[i], lr=0.1, weight_decay=0.05, momentum=0.9)
    for a, b in zip(model.parameters(), ref.parameters()):
        assert torch.equal(a, b)
    assert opt.param_groups[0]["weight_decay"] == 0.05  # group value restored/kept


def test_sgdw_without_weight_decay_is_plain_sgd():
    torch.manual_seed(0)
    a, b = torch.nn.Linear(3, 2), None
    b = copy.deepcopy(a)
    oa, ob = SGDW(a.parameters(), lr=0.1, momentum=0.9), sr.SGD(b.parameters(), lr=0.1, momentum=0.9)
    x = torch.randn(8, 3)
    for _ in range(3):
        for m, o in ((a, oa), (b, ob)):
            o.zero_grad()
            m(x).pow(2).mean().backward()
            o.step()
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)


@pytest.mark.parametrize("step", [coupled_weight_decay_step, decoupled_weight_decay_step])
@pytest.mark.parametrize(
    "args, exc",
    [
        ((torch.zeros(2), [0.0, 0.0]), TypeError),
        ((torch.zeros(2), torch.zeros(3)), ValueError),
    ],
)
def test_bad_tensors_raise_korean_errors(step, args, exc):
    with pytest.raises(exc, match="기울기|파라미터"):
        step(*args, None, lr=0.1, weight_decay=0.1)


@pytest.mark.parametrize("step", [coupled_weight_decay_step, decoupled_weight_decay_step])
def test_negative_weight_decay_is_refused(step):
    with pytest.raises(ValueError, match="가중치 감쇠"):
        step(torch.zeros(2), torch.zeros(2), None, lr=0.1, weight_decay=-0.1)
