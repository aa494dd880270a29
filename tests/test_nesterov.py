"""Look-ahead Nesterov (the source document's form) and torch's nesterov=True are one iteration at constant lr."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from sgd_reference import nesterov as nv

A = torch.tensor([[3.0, 0.5], [0.5, 0.2]], dtype=torch.float64)  # ill-conditioned quadratic L = ½θᵀAθ − bᵀθ
B = torch.tensor([1.0, -2.0], dtype=torch.float64)


def quadratic_grad(theta):
    return A @ theta - B


def tanh_grad(theta):  # a non-quadratic landscape: the identity is algebraic, not special to quadratics
    return torch.tanh(theta) + 0.1 * theta


@given(lr=st.floats(0.01, 0.3), momentum=st.floats(0.01, 0.95), steps=st.integers(1, 40),
       grad_fn=st.sampled_from([quadratic_grad, tanh_grad]))
def test_nesterov_equals_lookahead_form_at_constant_lr(lr, momentum, steps, grad_fn):
    theta0 = torch.tensor([2.0, -1.5], dtype=torch.float64)
    look = nv.lookahead_nesterov_trajectory(grad_fn, theta0, lr, momentum, steps)
    torch_form = nv.pytorch_nesterov_trajectory(grad_fn, theta0, lr, momentum, steps)
    mapped = torch.stack([nv.lookahead_to_pytorch(t, v, lr, momentum) for t, v in zip(look.params, look.velocities)])
    torch.testing.assert_close(mapped, torch_form.params, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(look.velocities, torch_form.velocities, rtol=1e-12, atol=1e-12)


def test_nesterov_forms_differ_when_lr_changes_between_steps():
    theta0 = torch.tensor([2.0, -1.5], dtype=torch.float64)
    lrs = [0.3, 0.3, 0.05, 0.05, 0.2, 0.01, 0.3, 0.1]
    look = nv.lookahead_nesterov_trajectory(quadratic_grad, theta0, lrs, 0.9, len(lrs))
    torch_form = nv.pytorch_nesterov_trajectory(quadratic_grad, theta0, lrs, 0.9, len(lrs))
    # Map with the lr each φ was built with (the last step's η): the best one can do; still not equal.
    mapped = nv.lookahead_to_pytorch(look.params[-1], look.velocities[-1], lrs[-1], 0.9)
    assert (mapped - torch_form.params[-1]).abs().max() > 1e-3
    assert (look.velocities[-1] - torch_form.velocities[-1]).abs().max() > 1e-3


def test_pytorch_nesterov_trajectory_is_torch_optim_sgd_bit_for_bit():
    theta0 = torch.tensor([2.0, -1.5], dtype=torch.float64)
    traj = nv.pytorch_nesterov_trajectory(quadratic_grad, theta0, 0.1, 0.9, 15)
    p = theta0.clone().requires_grad_()
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9, nesterov=True)
    for k in range(1, 16):
        p.grad = quadratic_grad(p.detach())
        opt.step()
        assert torch.equal(p.detach(), traj.params[k])
        assert torch.equal(opt.state[p]["momentum_buffer"], traj.velocities[k])


def test_heavy_ball_trajectory_is_torch_momentum_and_differs_from_nesterov():
    theta0 = torch.tensor([2.0, -1.5], dtype=torch.float64)
    heavy = nv.heavy_ball_trajectory(quadratic_grad, theta0, 0.1, 0.9, 10)
    p = theta0.clone().requires_grad_()
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    for _ in range(10):
        p.grad = quadratic_grad(p.detach())
        opt.step()
    assert torch.equal(p.detach(), heavy.params[-1])
    nest = nv.pytorch_nesterov_trajectory(quadratic_grad, theta0, 0.1, 0.9, 10)
    assert not torch.allclose(heavy.params[-1], nest.params[-1])


def test_trajectory_shapes_and_start():
    theta0 = torch.tensor([2.0, -1.5], dtype=torch.float64)
    traj = nv.lookahead_nesterov_trajectory(quadratic_grad, theta0, 0.1, 0.9, 5)
    assert traj.params.shape == (6, 2) and traj.velocities.shape == (6, 2)
    assert torch.equal(traj.params[0], theta0) and torch.equal(traj.velocities[0], torch.zeros(2, dtype=torch.float64))


@given(lr=st.floats(0.0, 1.0), momentum=st.floats(0.0, 0.99))
def test_change_of_variables_round_trips(lr, momentum):
    theta, v = torch.randn(3, dtype=torch.float64), torch.randn(3, dtype=torch.float64)
    back = nv.pytorch_to_lookahead(nv.lookahead_to_pytorch(theta, v, lr, momentum), v, lr, momentum)
    torch.testing.assert_close(back, theta, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "call, exc",
    [
        (lambda: nv.lookahead_nesterov_trajectory("not a function", torch.zeros(2), 0.1, 0.9, 3), TypeError),
        (lambda: nv.lookahead_nesterov_trajectory(quadratic_grad, [1.0, 2.0], 0.1, 0.9, 3), TypeError),
        (lambda: nv.lookahead_nesterov_trajectory(quadratic_grad, torch.zeros(2), 0.1, 1.5, 3), ValueError),
        (lambda: nv.lookahead_nesterov_trajectory(quadratic_grad, torch.zeros(2), -0.1, 0.9, 3), ValueError),
        (lambda: nv.lookahead_nesterov_trajectory(quadratic_grad, torch.zeros(2), [0.1, 0.2], 0.9, 3), ValueError),
        (lambda: nv.pytorch_nesterov_trajectory(quadratic_grad, torch.zeros(2), 0.1, 0.9, -1), ValueError),
        (lambda: nv.pytorch_nesterov_trajectory(lambda t: torch.zeros(3), torch.zeros(2), 0.1, 0.9, 2), ValueError),
        (lambda: nv.lookahead_to_pytorch(torch.zeros(2), torch.zeros(3), 0.1, 0.9), ValueError),
        (lambda: nv.pytorch_nesterov_trajectory(quadratic_grad, torch.zeros(2), 0.1, 0.0, 2), ValueError),
    ],
    ids=["grad_fn", "theta0 type", "momentum >= 1", "negative lr", "lr list length", "negative steps",
         "gradient shape", "velocity shape", "nesterov without momentum"],
)
def test_bad_input_raises_a_korean_error(call, exc):
    with pytest.raises(exc) as info:
        call()
    assert any("\uac00" <= ch <= "\ud7a3" for ch in str(info.value))
