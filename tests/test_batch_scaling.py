"""Linear lr scaling and the source document's rules of thumb for a changed batch size."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sgd_reference.batch_scaling import lr_candidates, lr_range_rule_of_thumb, scale_lr_linear

lrs = st.floats(1e-5, 10.0)
batches = st.integers(1, 4096)


@given(lr=lrs, b1=batches, b2=batches)
def test_linear_scaling_multiplies_lr_by_the_batch_ratio(lr, b1, b2):
    assert math.isclose(scale_lr_linear(lr, b1, b2), lr * b2 / b1, rel_tol=1e-15)


@given(lr=lrs, b1=batches, b2=batches)
def test_scaling_there_and_back_returns_the_original_lr(lr, b1, b2):
    assert math.isclose(scale_lr_linear(scale_lr_linear(lr, b1, b2), b2, b1), lr, rel_tol=1e-12)


def test_doubled_batch_means_lr_times_1_5_to_2():
    low, high = lr_range_rule_of_thumb(0.01, 64, 128)
    assert math.isclose(low, 0.015) and math.isclose(high, 0.02)


def test_halved_batch_means_lr_times_one_half_to_two_thirds():
    low, high = lr_range_rule_of_thumb(0.01, 64, 32)
    assert math.isclose(low, 0.005) and math.isclose(high, 0.01 * 2 / 3)


@given(lr=lrs, b1=batches, b2=batches)
def test_rule_of_thumb_range_contains_the_linear_value_at_one_end(lr, b1, b2):
    low, high = lr_range_rule_of_thumb(lr, b1, b2)
    linear = scale_lr_linear(lr, b1, b2)
    assert low <= high
    assert math.isclose(linear, high if b2 >= b1 else low, rel_tol=1e-12)


def test_three_candidates_are_low_mid_high_around_the_linear_value():
    c = lr_candidates(0.01, 64, 256)
    assert list(c) == ["low", "mid", "high"]
    assert math.isclose(c["mid"], 0.04)
    assert c["low"] < c["mid"] < c["high"]
    assert math.isclose(c["mid"] / c["low"], c["high"] / c["mid"])


def test_two_candidates_drop_the_high_one():
    c = lr_candidates(0.01, 64, 128, n=2)
    assert list(c) == ["low", "mid"] and math.isclose(c["mid"], 0.02)


@pytest.mark.parametrize(
    "args, exc, word",
    [
        ((0.0, 64, 128), ValueError, "학습률"),
        ((-0.1, 64, 128), ValueError, "학습률"),
        ((float("nan"), 64, 128), ValueError, "학습률"),
        (("0.1", 64, 128), ValueError, "학습률"),
        ((0.1, 0, 128), ValueError, "배치 크기"),
        ((0.1, 64, -2), ValueError, "배치 크기"),
        ((0.1, 64.0, 128), TypeError, "배치 크기"),
        ((0.1, 64, True), TypeError, "배치 크기"),
    ],
)
@pytest.mark.parametrize("fn", [scale_lr_linear, lr_range_rule_of_thumb, lr_candidates])
def test_bad_input_raises_a_korean_error(fn, args, exc, word):
    with pytest.raises(exc, match=word):
        fn(*args)


@pytest.mark.parametrize("kwargs", [{"n": 4}, {"n": 1}, {"spread": 1.0}, {"spread": 0.5}, {"spread": float("inf")}])
def test_bad_candidate_options_raise_a_korean_error(kwargs):
    with pytest.raises(ValueError, match="후보"):
        lr_candidates(0.01, 64, 128, **kwargs)
