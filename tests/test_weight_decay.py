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


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64], ids=str)
@pytest.mark.parametrize("foreach", [None, False, True])
@pytest.mark.parametrize("hyper", [{"momentum": 0.9}, {"momentum": 0.9, "nesterov": True}, {}],
                         ids=["momentum", "nesterov", "plain"])
def test_sgdw_is_decay_then_torchs_sgd_without_weight_decay_bit_for_bit(dtype, foreach, hyper):
    """An oracle independent of our step function: θ.mul_(1 − ηλ), then torch.optim.SGD(weight_decay=0)."""
    gen = torch.Generator().manual_seed(0)
    ours = [torch.randn(s, generator=gen).to(dtype).requires_grad_() for s in ((6, 5), (5,), (300,))]
    theirs = [p.detach().clone().requires_grad_() for p in ours]
    lr, wd = 0.1, 0.05
    opt = SGDW([{"params": ours[:2]}, {"params": ours[2:], "weight_decay": 0.0}], lr=lr, weight_decay=wd,
               foreach=foreach, **hyper)
    oracle = torch.optim.SGD(theirs, lr=lr, weight_decay=0.0, foreach=foreach, **hyper)
    for _ in range(5):
        for a, b in zip(ours, theirs):
            g = torch.randn(a.shape, generator=gen).to(dtype)
            a.grad, b.grad = g.clone(), g.clone()
        opt.step()
        with torch.no_grad():
            for b in theirs[:2]:  # the third parameter's group has λ = 0
                b.mul_(1 - lr * wd)
        oracle.step()
        for a, b in zip(ours, theirs):
            assert torch.equal(a, b)
            if hyper:
                assert torch.equal(opt.state[a]["momentum_buffer"], oracle.state[b]["momentum_buffer"])


@pytest.mark.parametrize("bad_group", [0, 1], ids=["first group", "second group"])
def test_sgdw_refuses_a_loaded_fused_group_before_changing_any_parameter(bad_group):
    ours = [torch.ones(3, requires_grad=True), torch.ones(2, requires_grad=True)]
    opt = SGDW([{"params": [ours[0]]}, {"params": [ours[1]]}], lr=0.1, momentum=0.9, weight_decay=0.5)
    sd = opt.state_dict()
    sd["param_groups"][bad_group]["fused"] = True  # what a torch.optim.SGD(fused=True) state_dict carries
    opt.load_state_dict(sd)
    for p in ours:
        p.grad = torch.ones_like(p)
    closure_calls = []
    with pytest.raises(ValueError, match="fused=True"):
        opt.step(lambda: closure_calls.append(1))
    assert all(torch.equal(p, torch.ones_like(p)) for p in ours)  # neither decayed nor stepped
    assert closure_calls == [] and len(opt.state) == 0


def test_sgdw_refuses_a_fused_torch_state_dict_and_leaves_the_parameters_alone():
    p = torch.ones(3, requires_grad=True)
    opt = SGDW([p], lr=0.1, weight_decay=0.5)
    opt.load_state_dict(torch.optim.SGD([torch.ones(3, requires_grad=True)], lr=0.1, weight_decay=0.5,
                                      fused=True).state_dict())
    p.grad = torch.ones(3)
    with pytest.raises(ValueError, match="fused=True"):
        opt.step()
    assert torch.equal(p, torch.ones(3))


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
