"""Gradient accumulation over micro-batches gives the large batch's gradient (allclose, not bit-exact)."""

import copy

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from sgd_reference.accumulation import accumulate_gradients, accumulation_steps, effective_batch_size


def make_problem(n, seed=0, dtype=torch.float64):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3)).to(dtype)
    x = torch.randn(n, 5, dtype=dtype)
    y = torch.randint(0, 3, (n,))
    return model, x, y


@settings(max_examples=15)
@given(n=st.integers(1, 24), micro=st.integers(1, 12), dtype=st.sampled_from([torch.float32, torch.float64]))
def test_accumulated_gradient_equals_the_large_batch_gradient(n, micro, dtype):
    model, x, y = make_problem(n, dtype=dtype)
    big = copy.deepcopy(model)
    loss_big = nn.functional.cross_entropy(big(x), y)
    loss_big.backward()
    loss_acc = accumulate_gradients(model, nn.functional.cross_entropy, x, y, micro)
    tol = 1e-12 if dtype == torch.float64 else 1e-5
    for a, b in zip(model.parameters(), big.parameters()):
        torch.testing.assert_close(a.grad, b.grad, rtol=tol, atol=tol)
    assert loss_acc == pytest.approx(loss_big.item(), rel=tol, abs=tol)


def test_uneven_last_micro_batch_is_weighted_by_its_share_not_by_one_over_k():
    model, x, y = make_problem(10)
    big = copy.deepcopy(model)
    nn.functional.cross_entropy(big(x), y).backward()
    naive = copy.deepcopy(model)
    for start in range(0, 10, 4):  # micro-batches of 4, 4, 2, each scaled by 1/3: wrong
        (nn.functional.cross_entropy(naive(x[start:start + 4]), y[start:start + 4]) / 3).backward()
    accumulate_gradients(model, nn.functional.cross_entropy, x, y, 4)
    w = lambda m: m[0].weight.grad  # noqa: E731
    torch.testing.assert_close(w(model), w(big), rtol=1e-12, atol=1e-12)
    assert not torch.allclose(w(naive), w(big), rtol=1e-6, atol=1e-9)


def test_zero_grad_false_adds_onto_existing_gradients():
    model, x, y = make_problem(8)
    accumulate_gradients(model, nn.functional.cross_entropy, x, y, 4)
    once = [p.grad.clone() for p in model.parameters()]
    accumulate_gradients(model, nn.functional.cross_entropy, x, y, 4, zero_grad=False)
    for p, g in zip(model.parameters(), once):
        torch.testing.assert_close(p.grad, 2 * g)


def test_one_sgd_step_after_accumulation_matches_one_large_batch_step():
    model, x, y = make_problem(32)
    big = copy.deepcopy(model)
    opt_acc = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    opt_big = torch.optim.SGD(big.parameters(), lr=0.1, momentum=0.9)
    for _ in range(3):
        accumulate_gradients(model, nn.functional.cross_entropy, x, y, 8)
        opt_acc.step()
        opt_big.zero_grad()
        nn.functional.cross_entropy(big(x), y).backward()
        opt_big.step()
    for a, b in zip(model.parameters(), big.parameters()):
        torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-12)


def test_effective_batch_size_and_steps_are_inverse():
    assert effective_batch_size(32, 4) == 128
    assert accumulation_steps(128, 32) == 4


@pytest.mark.parametrize(
    "call, exc",
    [
        (lambda: accumulation_steps(100, 32), ValueError),
        (lambda: accumulation_steps(128, 0), ValueError),
        (lambda: effective_batch_size(32.0, 4), TypeError),
        (lambda: accumulate_gradients("model", nn.functional.mse_loss, torch.ones(2, 1), torch.ones(2, 1), 1),
         TypeError),
        (lambda: accumulate_gradients(nn.Linear(1, 1), nn.functional.mse_loss, torch.ones(3, 1), torch.ones(2, 1), 1),
         ValueError),
        (lambda: accumulate_gradients(nn.Linear(1, 1), nn.functional.mse_loss, torch.ones(2, 1), torch.ones(2, 1), 0),
         ValueError),
        (lambda: accumulate_gradients(nn.Linear(1, 1), lambda o, t: (o - t) ** 2, torch.ones(2, 1), torch.ones(2, 1),
                                      1), ValueError),
    ],
    ids=["not divisible", "zero micro", "float micro", "not a model", "length mismatch", "zero micro-batch",
         "unreduced loss"],
)
def test_bad_input_raises_a_korean_error(call, exc):
    with pytest.raises(exc) as info:
        call()
    assert any("\uac00" <= ch <= "\ud7a3" for ch in str(info.value))
