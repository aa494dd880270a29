"""Warmup + cosine decay: closed form, a real torch LRScheduler, and torch's own SequentialLR composition."""

import math
import warnings

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import sgd_reference as sr
from sgd_reference.schedules import WarmupCosineLR, warmup_cosine_lr


def lrs_of(scheduler, optimizer, steps):
    out = []
    for _ in range(steps):
        out.append([g["lr"] for g in optimizer.param_groups])
        optimizer.step()
        scheduler.step()
    return out


def torch_sequential(optimizer, warmup, total, min_lr):
    lin = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=1 / warmup, total_iters=warmup - 1)
    cos = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total - warmup, eta_min=min_lr)
    return torch.optim.lr_scheduler.SequentialLR(optimizer, [lin, cos], milestones=[warmup])


def test_closed_form_warms_up_linearly_then_decays_by_cosine_to_min_lr():
    W, T, base, low = 4, 12, 0.4, 0.01
    got = [warmup_cosine_lr(s, T, W, base, low) for s in range(T + 3)]
    assert got[:W] == [base * ((s + 1) / W) for s in range(W)]
    assert got[W - 1] == base  # warmup reaches the base lr on its last step
    assert got[W] == base  # the cosine starts at the top
    assert math.isclose(got[W + (T - W) // 2], (base + low) / 2)  # half way: the mean
    assert all(a > b for a, b in zip(got[W:T], got[W + 1:T]))  # strictly decreasing
    assert got[T:] == [low, low, low]  # held at min_lr after the schedule


@given(W=st.integers(0, 50), extra=st.integers(1, 200), base=st.floats(1e-4, 1.0), frac=st.floats(0.0, 1.0))
def test_closed_form_stays_between_min_lr_and_base_lr(W, extra, base, frac):
    T, low = W + extra, base * frac
    for s in range(T + 2):
        lr = warmup_cosine_lr(s, T, W, base, low)
        assert (0 < lr if s < W else low <= lr) and lr <= base


@given(W=st.integers(1, 30), extra=st.integers(1, 100), frac=st.floats(0.0, 0.5))
def test_scheduler_follows_the_closed_form_exactly_for_every_group(W, extra, frac):
    T = W + extra
    params = [torch.zeros(1, requires_grad=True), torch.zeros(1, requires_grad=True)]
    opt = sr.SGD([{"params": params[:1], "lr": 0.1}, {"params": params[1:], "lr": 0.03}], lr=0.5)
    sched = WarmupCosineLR(opt, warmup_steps=W, total_steps=T, min_lr=[0.1 * frac, 0.03 * frac])
    for s, (lr0, lr1) in enumerate(lrs_of(sched, opt, T + 2)):
        assert lr0 == warmup_cosine_lr(s, T, W, 0.1, 0.1 * frac)
        assert lr1 == warmup_cosine_lr(s, T, W, 0.03, 0.03 * frac)


@given(W=st.integers(1, 30), extra=st.integers(1, 300), frac=st.floats(0.0, 0.5))
def test_scheduler_is_close_to_but_not_always_bit_equal_to_torch_sequential_lr(W, extra, frac):
    # Finding: torch's LinearLR/CosineAnnealingLR update the lr recursively (lr ← lr·ratio) and multiply
    # by start_factor = 1/W, so they round differently from the closed form: relative gap ≲ 1e-13.
    T, base = W + extra, 0.1
    p, q = torch.zeros(1, requires_grad=True), torch.zeros(1, requires_grad=True)
    ours_opt, torch_opt = torch.optim.SGD([p], lr=base), torch.optim.SGD([q], lr=base)
    ours = WarmupCosineLR(ours_opt, W, T, min_lr=base * frac)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SequentialLR's internal deprecated step(epoch) warning
        theirs = torch_sequential(torch_opt, W, T, base * frac)
        ref = lrs_of(theirs, torch_opt, T)
    got = lrs_of(ours, ours_opt, T)
    for (a,), (b,) in zip(got, ref):
        assert math.isclose(a, b, rel_tol=1e-11, abs_tol=1e-15)


def test_torch_sequential_lr_differs_in_the_last_bit_somewhere():
    p, q = torch.zeros(1, requires_grad=True), torch.zeros(1, requires_grad=True)
    ours_opt, torch_opt = torch.optim.SGD([p], lr=0.1), torch.optim.SGD([q], lr=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = lrs_of(torch_sequential(torch_opt, 5, 50, 0.0), torch_opt, 50)
    got = lrs_of(WarmupCosineLR(ours_opt, 5, 50), ours_opt, 50)
    assert got != ref  # so the comparison above is honestly "close", not "equal"


def test_scheduler_state_dict_resumes_the_same_schedule():
    p = torch.zeros(1, requires_grad=True)
    opt = sr.SGD([p], lr=0.2, momentum=0.9)
    sched = WarmupCosineLR(opt, 3, 20, min_lr=0.002)
    first = lrs_of(sched, opt, 8)
    saved_sched, saved_opt = sched.state_dict(), opt.state_dict()
    rest = lrs_of(sched, opt, 12)

    p2 = torch.zeros(1, requires_grad=True)
    opt2 = sr.SGD([p2], lr=0.2, momentum=0.9)
    sched2 = WarmupCosineLR(opt2, 3, 20, min_lr=0.002)
    opt2.load_state_dict(saved_opt)
    sched2.load_state_dict(saved_sched)
    assert lrs_of(sched2, opt2, 12) == rest
    assert len(first) == 8


def test_scheduler_drives_a_tensor_lr_in_place():
    p = torch.zeros(1, requires_grad=True)
    lr = torch.tensor(0.1)
    opt = sr.SGD([p], lr=lr)
    sched = WarmupCosineLR(opt, 2, 10)
    opt.step()
    sched.step()
    assert opt.param_groups[0]["lr"] is lr and lr.item() == pytest.approx(0.1)


@pytest.mark.parametrize(
    "args, exc",
    [
        ((-1, 10, 2, 0.1), ValueError),
        ((1.5, 10, 2, 0.1), TypeError),
        ((0, 10, 10, 0.1), ValueError),
        ((0, 0, 0, 0.1), ValueError),
        ((0, 10, -1, 0.1), ValueError),
        ((0, 10, 2, -0.1), ValueError),
        ((0, 10, 2, 0.1, 0.5), ValueError),
        ((0, 10, 2, float("nan")), ValueError),
    ],
    ids=["negative step", "float step", "warmup == total", "zero total", "negative warmup", "negative lr",
         "min_lr above base", "nan lr"],
)
def test_closed_form_rejects_bad_input_with_korean_errors(args, exc):
    with pytest.raises(exc) as info:
        warmup_cosine_lr(*args)
    assert any("\uac00" <= ch <= "\ud7a3" for ch in str(info.value))


def test_scheduler_rejects_bad_input_with_korean_errors():
    opt = sr.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    with pytest.raises(TypeError, match="Optimizer"):
        WarmupCosineLR("opt", 2, 10)
    with pytest.raises(ValueError, match="워밍업"):
        WarmupCosineLR(opt, 10, 5)
    with pytest.raises(ValueError, match="그룹 수"):
        WarmupCosineLR(opt, 2, 10, min_lr=[0.0, 0.0])
