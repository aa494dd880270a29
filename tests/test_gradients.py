"""Gradient tools: global norm and clipping equal torch's bit for bit; NaN/inf named; spikes flagged."""

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

from sgd_reference.gradients import GradNormLogger, NonFiniteError, check_finite, clip_grad_norm, global_grad_norm

shapes = st.lists(st.lists(st.integers(1, 6), max_size=3).map(tuple), min_size=1, max_size=5)


def params_with_grads(shape_list, dtype, seed, scale=1.0):
    gen = torch.Generator().manual_seed(seed)
    ps = []
    for s in shape_list:
        p = nn.Parameter(torch.randn(s, generator=gen, dtype=dtype))
        p.grad = torch.randn(s, generator=gen, dtype=dtype) * scale
        ps.append(p)
    return ps


@given(shape_list=shapes, dtype=st.sampled_from([torch.float32, torch.float64]), seed=st.integers(0, 999),
       norm_type=st.sampled_from([1.0, 2.0, 3.0, math.inf]))
def test_global_grad_norm_is_torchs_total_norm_bit_for_bit(shape_list, dtype, seed, norm_type):
    ps = params_with_grads(shape_list, dtype, seed)
    ours = global_grad_norm(ps, norm_type)
    theirs = torch.nn.utils.get_total_norm([p.grad for p in ps], norm_type)
    assert torch.equal(ours, theirs)
    assert torch.equal(global_grad_norm([p.grad for p in ps], norm_type), theirs)  # gradients given directly


@given(shape_list=shapes, dtype=st.sampled_from([torch.float32, torch.float64]), seed=st.integers(0, 999),
       max_norm=st.floats(0.01, 10.0), scale=st.sampled_from([0.01, 1.0, 100.0]))
def test_clip_grad_norm_is_torchs_clip_grad_norm_bit_for_bit(shape_list, dtype, seed, max_norm, scale):
    ours = params_with_grads(shape_list, dtype, seed, scale)
    theirs = params_with_grads(shape_list, dtype, seed, scale)
    our_norm = clip_grad_norm(ours, max_norm)
    their_norm = torch.nn.utils.clip_grad_norm_(theirs, max_norm)
    assert torch.equal(our_norm, their_norm)
    for a, b in zip(ours, theirs):
        assert torch.equal(a.grad, b.grad)


def test_clipped_gradients_have_the_max_norm_and_small_ones_are_untouched():
    ps = params_with_grads([(10,), (3, 3)], torch.float64, 0, scale=100.0)
    before = clip_grad_norm(ps, 1.0)
    assert before > 1.0
    assert global_grad_norm(ps).item() == pytest.approx(1.0, rel=1e-5)
    small = params_with_grads([(4,)], torch.float64, 1, scale=1e-3)
    g = small[0].grad.clone()
    clip_grad_norm(small, 1.0)
    assert torch.equal(small[0].grad, g)


def test_params_without_grad_are_skipped_and_a_model_is_accepted():
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 1))
    model(torch.randn(5, 3)).sum().backward()
    model[0].bias.grad = None
    expected = torch.nn.utils.get_total_norm([p.grad for p in model.parameters() if p.grad is not None])
    assert torch.equal(global_grad_norm(model), expected)
    assert global_grad_norm([nn.Parameter(torch.ones(2))]).item() == 0.0


def test_check_finite_names_the_parameter_with_nan_gradients():
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 1))
    model(torch.randn(5, 3)).sum().backward()
    model[1].weight.grad[0, 2] = float("nan")
    model[1].weight.grad[0, 1] = float("inf")
    with pytest.raises(NonFiniteError, match=r"'1\.weight'.*NaN 1개, inf 1개") as info:
        check_finite(params=model)
    assert "0.weight" not in str(info.value)
    assert isinstance(info.value, FloatingPointError)


def test_check_finite_reports_a_nan_loss_and_passes_finite_ones():
    with pytest.raises(NonFiniteError, match="손실"):
        check_finite(loss=torch.tensor(float("nan")))
    with pytest.raises(NonFiniteError, match="손실"):
        check_finite(loss=float("inf"))
    model = nn.Linear(2, 1)
    loss = model(torch.ones(1, 2)).sum()
    loss.backward()
    assert check_finite(loss=loss, params=model.named_parameters()) is None


def test_check_finite_uses_names_from_named_parameters_or_positions():
    p = nn.Parameter(torch.ones(2))
    p.grad = torch.tensor([1.0, float("nan")])
    with pytest.raises(NonFiniteError, match=r"'params\[1\]'"):
        check_finite(params=[nn.Parameter(torch.ones(1)), p])
    with pytest.raises(NonFiniteError, match="'encoder.w'"):
        check_finite(params=[("encoder.w", p)])


@pytest.mark.parametrize(
    "call, exc",
    [
        (lambda: check_finite(), ValueError),
        (lambda: check_finite(loss="nan"), TypeError),
        (lambda: check_finite(params=3), TypeError),
        (lambda: global_grad_norm(3.0), TypeError),
        (lambda: global_grad_norm([torch.ones(2), "g"]), TypeError),
        (lambda: global_grad_norm([torch.ones(2)], norm_type=0), ValueError),
        (lambda: clip_grad_norm([nn.Parameter(torch.ones(2))], -1.0), ValueError),
        (lambda: clip_grad_norm([torch.ones(2)], 1.0), TypeError),
        (lambda: GradNormLogger(spike_factor=1.0), ValueError),
        (lambda: GradNormLogger(window=0), ValueError),
        (lambda: GradNormLogger().record(-1.0), ValueError),
    ],
)
def test_bad_input_raises_a_korean_error(call, exc):
    with pytest.raises(exc) as info:
        call()
    assert any("\uac00" <= ch <= "\ud7a3" for ch in str(info.value))


def test_logger_records_norms_and_flags_a_10x_spike_and_non_finite_steps():
    log = GradNormLogger(spike_factor=10.0, window=20, min_history=5)
    for n in [1.0, 1.2, 0.9, 1.1, 1.0, 1.05]:
        log.record(n)
    assert log.spikes == []
    log.record(50.0)
    assert log.spikes == [6] and log.is_spike()
    log.record(1.0)
    assert not log.is_spike()
    log.record(float("nan"))
    assert log.spikes == [6, 8]
    assert "급등 2회" in log.summary()


def test_logger_does_not_flag_before_it_has_history():
    log = GradNormLogger(min_history=5)
    for n in [1.0, 100.0, 1.0]:
        log.record(n)
    assert log.spikes == []


def test_logger_log_computes_the_global_norm_of_a_model():
    model = nn.Linear(3, 2)
    model(torch.randn(4, 3)).sum().backward()
    log = GradNormLogger()
    assert log.log(model) == global_grad_norm(model).item() == log.norms[-1]
