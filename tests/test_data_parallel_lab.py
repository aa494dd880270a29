"""Lab 10's module: the words it prints are the same on every CPU, its figures draw, linear scaling behaves as the lab says."""

from __future__ import annotations

import re

import pytest
import torch
from matplotlib.figure import Figure

from sgd_reference import distributed, validation
from sgd_reference.labs import data_parallel as dp
from sgd_reference.teaching import plotting

HANGUL = re.compile(r"[가-힣]")


@pytest.fixture(autouse=True)
def korean_font():
    plotting.use_korean_font()  # what show_static does before drawing


def _result(single_shift=0.0, accumulated_shift=0.0, dtype=torch.float64, agree=True):
    """A DataParallelResult with chosen differences (no processes: describe() only reads the numbers)."""
    config = distributed.Config(dtype=dtype)
    base = torch.zeros(3, dtype=dtype)
    ranks = [distributed.Run(params=base.clone()), distributed.Run(params=base + (0 if agree else 1))]
    return distributed.DataParallelResult(
        config=config, workers=2, shards=[16, 16], ranks=ranks,
        single=distributed.Run(params=base + single_shift), accumulated=distributed.Run(params=base + accumulated_shift),
        tolerance=distributed.TOLERANCE[dtype])


def test_describe_prints_bit_equality_pass_and_large_errors_but_never_rounding_level_values():
    text = dp.describe(_result(single_shift=2.2e-16, accumulated_shift=0.0))
    assert "0 (비트 단위로 같음)" in text and "허용 오차 1e-15 이내 (반올림 수준)" in text
    assert "2.2e-16" not in text and "작업자끼리 파라미터가 비트 단위로 같은가: 예" in text
    wrong = dp.describe(_result(single_shift=5.1e-3, accumulated_shift=5.1e-3))
    assert wrong.count("5.1e-03 (허용 오차 1e-15 를 넘음)") == 2
    assert "아니요" in dp.describe(_result(agree=False))


def test_report_and_ok_follow_the_tolerance():
    assert _result(single_shift=1e-16).ok and not _result(single_shift=1e-14).ok
    assert not _result(agree=False).ok
    assert "실패" in _result(single_shift=1e-3).report() and "통과" in _result().report()


def test_the_figures_draw_with_korean_summaries():
    figure, text = dp.render_ddp_backward(workers=2, global_batch=32)
    assert isinstance(figure, Figure) and "16/16" in text and HANGUL.search(text)
    figure, text = dp.render_differences([_result(single_shift=1e-16), _result(single_shift=1e-3)])
    assert isinstance(figure, Figure) and text == "비교 2개 중 허용 오차 이내: 1개"
    with pytest.raises(validation.InvalidArgument, match="그릴 결과가 없습니다"):
        dp.render_differences([])


def test_linear_scaling_helps_the_run_with_more_workers_as_the_lab_reads():
    runs = dp.linear_scaling_runs(workers=(1, 4), epochs=2)
    assert [(r["workers"], r["scaled"], r["lr"], r["steps"]) for r in runs] == [
        (1, False, 0.02, 128), (4, False, 0.02, 32), (4, True, 0.08, 32)]
    base, unscaled, scaled = (r["losses"][-1] for r in runs)
    assert scaled < unscaled and abs(scaled - base) < abs(unscaled - base)
    figure, text = dp.render_linear_scaling(runs)
    assert isinstance(figure, Figure) and "2에폭 뒤" in text
    assert dp.scaling_table(runs).count("\n") == 3


@pytest.mark.parametrize("kwargs, fragment", [
    ({"workers": (3,)}, "나누어떨어져야"),
    ({"workers": (0,)}, "작업자 수는 1 이상"),
    ({"epochs": 0}, "에폭 수는 1 이상"),
    ({"per_worker_batch": 2.5}, "작업자당 배치는 정수"),
])
def test_linear_scaling_refuses_bad_settings_in_korean(kwargs, fragment):
    with pytest.raises(validation.InvalidArgument, match=fragment):
        dp.linear_scaling_runs(**kwargs)
