"""The per-parameter step function: torch's arithmetic, op for op, and why the op order matters."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from sgd_reference.functional import sgd_foreach_step, sgd_step


def torch_single_steps(theta, grads, **hyper):
    p = theta.clone().requires_grad_()
    opt = torch.optim.SGD([p], foreach=False, **hyper)
    for g in grads:
        p.grad = g.clone()
        opt.step()
    return p.detach(), opt.state[p].get("momentum_buffer") if p in opt.state else None


@given(lr=st.floats(1e-4, 1.0), momentum=st.sampled_from([0.0, 0.5, 0.9]), dampening=st.sampled_from([0.0, 0.1]),
       weight_decay=st.sampled_from([0.0, 1e-4, 0.1]), maximize=st.booleans(),
       dtype=st.sampled_from([torch.float32, torch.float64]), seed=st.integers(0, 999))
def test_sgd_step_reproduces_torch_bit_for_bit(lr, momentum, dampening, weight_decay, maximize, dtype, seed):
    gen = torch.Generator().manual_seed(seed)
    theta = torch.randn(17, generator=gen, dtype=dtype)
    grads = [torch.randn(17, generator=gen, dtype=dtype) for _ in range(4)]
    hyper = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, maximize=maximize)
    expected, expected_v = torch_single_steps(theta, grads, **hyper)
    mine, v = theta.clone(), None
    for g in grads:
        v = sgd_step(mine, g, v, **hyper)
    assert torch.equal(mine, expected)
    assert (v is None and expected_v is None) or torch.equal(v, expected_v)


def test_sgd_step_leaves_the_gradient_untouched_and_returns_no_velocity_without_momentum():
    theta, g = torch.ones(3), torch.full((3,), 2.0)
    assert sgd_step(theta, g, None, lr=0.1, weight_decay=0.5, maximize=True) is None
    assert torch.equal(g, torch.full((3,), 2.0))


def test_first_step_velocity_is_the_gradient_without_dampening():
    g = torch.tensor([1.0, -2.0])
    v = sgd_step(torch.zeros(2), g, None, lr=0.1, momentum=0.9, dampening=0.5)
    assert torch.equal(v, g) and v is not g
    v2 = sgd_step(torch.zeros(2), g, v, lr=0.1, momentum=0.9, dampening=0.5)
    assert torch.equal(v2, g * 0.9 + g * 0.5)


def test_foreach_step_equals_the_per_parameter_step():
    gen = torch.Generator().manual_seed(0)
    thetas = [torch.randn(s, generator=gen) for s in [(3, 4), (5,), ()]]
    copies = [t.clone() for t in thetas]
    vs, vs2 = [None] * 3, [None] * 3
    for _ in range(3):
        grads = [torch.randn(t.shape, generator=gen) for t in thetas]
        vs = sgd_foreach_step(thetas, grads, vs, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3)
        vs2 = [sgd_step(t, g, v, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3)
               for t, g, v in zip(copies, grads, vs2)]
    for a, b, va, vb in zip(thetas, copies, vs, vs2):
        assert torch.equal(a, b) and torch.equal(va, vb)


def test_fused_multiply_add_is_why_the_op_order_matters():
    # θ.add_(g, alpha=-η) rounds once; θ - η*g rounds η*g first. On many random inputs they differ
    # somewhere, which is why functional.py copies torch's exact calls rather than the formula.
    gen = torch.Generator().manual_seed(0)
    theta = torch.randn(100_000, generator=gen)
    g = torch.randn(100_000, generator=gen)
    lr = 0.1
    one_rounding = theta.clone().add_(g, alpha=-lr)
    two_roundings = theta - lr * g
    mine = theta.clone()
    sgd_step(mine, g, None, lr=lr)
    assert torch.equal(mine, one_rounding)
    assert not torch.equal(one_rounding, two_roundings)
    torch.testing.assert_close(one_rounding, two_roundings)  # same value up to rounding


@pytest.mark.parametrize(
    "call, exc",
    [
        (lambda: sgd_step([1.0], torch.ones(1), None, lr=0.1), TypeError),
        (lambda: sgd_step(torch.ones(2), torch.ones(3), None, lr=0.1), ValueError),
        (lambda: sgd_step(torch.ones(2), torch.ones(2), torch.ones(3), lr=0.1, momentum=0.9), ValueError),
        (lambda: sgd_step(torch.ones(2), torch.ones(2), None, lr=-0.1), ValueError),
        (lambda: sgd_step(torch.ones(2), torch.ones(2), None, lr=0.1, momentum=-1), ValueError),
        (lambda: sgd_step(torch.ones(2), torch.ones(2), None, lr=0.1, nesterov=True), ValueError),
        (lambda: sgd_step(torch.ones(2), torch.ones(2), None, lr=torch.tensor([0.1, 0.2])), ValueError),
        (lambda: sgd_foreach_step([torch.ones(2)], [], [None], lr=0.1), ValueError),
        (lambda: sgd_foreach_step([torch.ones(2), torch.ones(2, dtype=torch.float64)],
                                  [torch.ones(2), torch.ones(2, dtype=torch.float64)], [None, None], lr=0.1),
         ValueError),
    ],
    ids=["theta not a tensor", "shape mismatch", "velocity shape", "negative lr", "negative momentum",
         "nesterov without momentum", "2-element lr", "list lengths", "mixed dtypes"],
)
def test_bad_arguments_raise_korean_errors(call, exc):
    with pytest.raises(exc) as info:
        call()
    assert any("\uac00" <= ch <= "\ud7a3" for ch in str(info.value))
