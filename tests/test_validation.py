"""One home for argument checks (issue 13), and the unclear messages issue 14 item 9 found, each reproduced."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import torch

from sgd_reference import batch_scaling, gradients, validation
from sgd_reference.labs import five_minute, learning_rate_figures, momentum_figures


@pytest.mark.parametrize("value", [0.1, 1, np.float32(0.5), np.float64(2.0), np.int64(3), Fraction(1, 10),
                                   torch.tensor(0.25), torch.tensor([0.25]), np.array(0.5)])
def test_every_spelling_of_a_number_is_a_number(value):
    assert validation.positive(value, "학습률") == pytest.approx(float(np.asarray(value).reshape(())))


@pytest.mark.parametrize("value", [True, "0.1", None, [0.1], torch.tensor([1.0, 2.0]), float("nan"), float("inf"),
                                   torch.empty(1, device="meta")])
def test_what_is_not_a_finite_number_is_refused_with_the_arguments_name(value):
    with pytest.raises(validation.InvalidArgument, match="학습률은 "):
        validation.positive(value, "학습률")


def test_invalid_argument_is_caught_as_either_type_error_or_value_error():
    for error in (TypeError, ValueError):
        with pytest.raises(error):
            validation.integer(2.0, "스텝 수")


def test_integers_refuse_floats_and_bools_but_take_numpy_and_0d_tensors():
    assert validation.integer(np.int64(20), "스텝 수", minimum=1) == 20
    assert validation.integer(torch.tensor(7), "스텝 수") == 7
    for bad in (20.0, True, torch.tensor(7.0)):
        with pytest.raises(validation.InvalidArgument, match="스텝 수는 정수"):
            validation.integer(bad, "스텝 수")
    with pytest.raises(validation.InvalidArgument, match="1 이상"):
        validation.integer(0, "스텝 수", minimum=1)


def test_the_particle_follows_the_last_syllable():
    with pytest.raises(validation.InvalidArgument, match="^학습률은 "):
        validation.positive(-1, "학습률")
    with pytest.raises(validation.InvalidArgument, match="^배치 크기는 "):
        validation.integer(-1, "배치 크기", minimum=1)
    with pytest.raises(validation.InvalidArgument, match=r"^max_norm은\(는\) "):
        validation.real(-1, "max_norm", minimum=0)


# --- issue 14 item 9, reproduced ---------------------------------------------------------------------------------

def test_numpy_scalars_and_0d_tensors_are_accepted_where_torch_accepts_them():
    assert batch_scaling.scale_lr_linear(np.float32(0.1), 64, 256) == pytest.approx(0.4)
    assert batch_scaling.scale_lr_linear(0.1, np.int64(64), 256) == pytest.approx(0.4)
    _, text = five_minute.render_comparison(steps=np.int64(5))
    assert "5스텝" in text
    model = torch.nn.Linear(3, 2)
    model(torch.randn(4, 3)).sum().backward()
    expected = torch.nn.utils.clip_grad_norm_(torch.nn.Linear(3, 2).parameters(), 1.0)  # torch takes it too
    assert gradients.clip_grad_norm(model, max_norm=torch.tensor(1.0)) > 0 and expected >= 0


@pytest.mark.parametrize("mode", ["random", "learnable"])
def test_a_learning_rate_beyond_float32_is_divergence_not_an_overflow_error(mode):
    _, text = five_minute.render_comparison(lr_a=1e308, steps=5, mode=mode)
    assert "η=1e+308: 발산" in text


def test_a_condition_number_out_of_range_is_named_not_the_momentum_computed_from_it():
    with pytest.raises(validation.InvalidArgument, match="조건수 κ") as caught:
        momentum_figures.render_momentum(kappa=1e308)
    assert "모멘텀" not in str(caught.value)


def test_lab_figures_take_numpy_settings():
    _, text = learning_rate_figures.render_learning_rate(lr=np.float64(0.4), steps=np.int64(5), curvature=4)
    assert "진동하며 수렴" in text


def test_momentum_is_at_least_0_and_below_1():
    assert validation.momentum(np.float32(0.5)) == 0.5 and validation.momentum(0) == 0.0
    for bad in (1.0, -0.1, 1.5, float("nan")):
        with pytest.raises(validation.InvalidArgument, match="^모멘텀 μ"):
            validation.momentum(bad)


def test_instance_function_and_tensor_checks_name_what_came():
    model = torch.nn.Linear(2, 1)
    assert validation.instance(model, torch.nn.Module, "model", "torch.nn.Module") is model
    with pytest.raises(validation.InvalidArgument, match=r"^model은\(는\) torch.nn.Module 타입이어야 합니다.*list"):
        validation.instance([model], torch.nn.Module, "model", "torch.nn.Module")
    with pytest.raises(validation.InvalidArgument, match="^grad_fn은.*함수여야"):
        validation.function(3, "grad_fn", "기울기를 돌려줍니다")
    for bad in (np.zeros(3), [1.0, 2.0], 1.0):
        with pytest.raises(validation.InvalidArgument, match="torch.Tensor 타입"):
            validation.tensor(bad, "파라미터")
    with pytest.raises(validation.InvalidArgument, match="실수"):
        validation.tensor(torch.arange(3), "파라미터", floating=True)
    with pytest.raises(validation.InvalidArgument, match=r"\(3,\).*\(2,\)"):
        validation.same_shape(torch.zeros(3), torch.zeros(2), "파라미터", "기울기")


def test_counts_seeds_flags_and_dtypes():
    assert validation.count(np.int64(3), "스텝 수") == 3
    for bad in (0, 10**30, 2.0):
        with pytest.raises(validation.InvalidArgument, match="^스텝 수는 "):
            validation.count(bad, "스텝 수")
    assert validation.seed(2**32 - 1) == 2**32 - 1
    for bad in (-1, 2**32, 0.5, None):
        with pytest.raises(validation.InvalidArgument, match="시드"):
            validation.seed(bad)
    assert validation.flag(np.bool_(True), "clip") is True and validation.flag(0, "clip") is False
    for bad in (None, "yes", 2, torch.ones(2)):
        with pytest.raises(validation.InvalidArgument, match="True 또는 False"):
            validation.flag(bad, "clip")
    assert validation.float_dtype(torch.float64) is torch.float64 and validation.float_dtype(None) is None
    for bad in (torch.int64, "float64", np.dtype("float64")):
        with pytest.raises(validation.InvalidArgument, match="실수 dtype"):
            validation.float_dtype(bad)


def test_lists_records_and_choices():
    assert validation.reals(np.array([1.0, 2.0]), "값") == [1.0, 2.0]
    assert validation.integers(range(3), "시드 목록") == [0, 1, 2]
    for bad in (None, 3, "12", torch.tensor(1.0), {1: 2}):
        with pytest.raises(validation.InvalidArgument, match="^값은 숫자의 목록이어야"):
            validation.reals(bad, "값")
    with pytest.raises(validation.InvalidArgument, match="2번째 값은 숫자여야"):
        validation.reals([1.0, "a"], "값")
    with pytest.raises(validation.InvalidArgument, match="비어 있지 않아야"):
        validation.reals([], "값")
    with pytest.raises(validation.InvalidArgument, match=r"measure\(\)이\(가\) 돌려준 dict.*없는|필요한 키: a, b"):
        validation.record({"a": 1}, "result", ("a", "b"), "measure()")
    with pytest.raises(validation.InvalidArgument, match="1번째 값은 int 타입"):
        validation.instances([1.5], int, "runs", "int")
    assert validation.choice(np.int64(64), (16, 64), "배치 크기") == 64 and type(validation.choice(
        np.int64(64), (16, 64), "배치 크기")) is int
    for bad in (True, torch.ones(2, 3), [64]):
        with pytest.raises(validation.InvalidArgument, match="중 하나여야"):
            validation.choice(bad, (1, 16, 64), "배치 크기")
