"""Render functions and panels of labs 01, 04, 05: what they draw and say, including at extreme slider values."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from sgd_reference.labs import learning_rate_figures as lrf
from sgd_reference.labs import momentum_figures as mf
from sgd_reference.labs import nesterov_figures as nf
from sgd_reference.labs import quadratic as q
from sgd_reference.labs.valley_figures import finite_axes_limits

HANGUL = re.compile("[가-힣]")


def assert_readable(fig):
    assert finite_axes_limits(fig)
    for ax in fig.axes:
        assert HANGUL.search(ax.get_title() + ax.get_xlabel() + ax.get_ylabel()), ax.get_title()
        for line in ax.get_lines():
            y = np.asarray(line.get_ydata(), dtype=float)
            assert np.isfinite(y).any()


# --- lab 01 -------------------------------------------------------------------------------------------------------

def test_learning_rate_panel_has_korean_log_lr_slider_up_to_ten():
    panel = lrf.learning_rate_panel()
    assert panel.controls["lr"].description == "학습률 η" and 10 ** panel.controls["lr"].max >= 10
    assert {"lr", "steps", "curvature"} == set(panel.controls)
    assert len(panel.last_figure.axes) == 4 and "진동하며 수렴" in panel.last_text


@pytest.mark.parametrize("lr,word", [(0.05, "천천히 수렴"), (0.25, "한 스텝에 최솟값 도착"), (0.4, "진동하며 수렴"),
                                     (0.55, "발산"), (10.0, "발산")])
def test_learning_rate_status_names_the_regime_at_l_equal_4(lr, word):
    # The render function the panel calls (the panel itself is tested above and below: a panel costs a PNG per draw)
    fig, text = lrf.render_learning_rate(lr=lr)
    assert word in text
    assert_readable(fig)


@pytest.mark.parametrize("lr,expected", [(1e-17, "너무 작아 움직이지 않음"), (1e-300, "너무 작아 움직이지 않음"),
                                         (1e-6, "천천히 수렴"), (0.25, "한 스텝에 최솟값 도착"),
                                         (0.5, "같은 폭으로 계속 진동"), (0.5 + 1e-9, "발산")])
def test_regime_compares_eta_l_with_a_tolerance_not_the_rounded_factor(lr, expected):
    assert lrf.regime(lr, 4.0) == expected


def test_a_vanishing_lr_is_not_called_divergence():
    _, text = lrf.render_learning_rate(lr=1e-17, steps=5, curvature=4.0)
    assert "발산:" not in text and "너무 작아 움직이지 않음" in text


def test_lr_10_says_divergence_and_keeps_a_readable_plot():
    panel = lrf.learning_rate_panel()
    panel.controls["lr"].value = 10.0
    panel.controls["steps"].value = 100
    assert panel.last_text.startswith("발산") and panel.last_error is None
    assert_readable(panel.last_figure)


def test_factor_plot_draws_the_one_over_l_and_two_over_l_lines():
    fig, _ = lrf.render_learning_rate(lr=0.4, steps=20, curvature=4.0)
    ax = fig.axes[2]
    vertical = sorted(line.get_xdata()[0] for line in ax.get_lines() if len(set(line.get_xdata())) == 1
                      and len(line.get_xdata()) == 2)
    assert vertical == pytest.approx([0.25, 0.5])


def test_regimes_figure_shows_four_behaviours():
    fig, text = lrf.render_regimes()
    assert len(fig.axes) == 4
    for word in ("천천히 수렴", "한 스텝에 최솟값 도착", "진동하며 수렴", "발산"):
        assert word in text


# --- lab 04 -------------------------------------------------------------------------------------------------------

def test_momentum_panel_starts_at_the_optimum_and_measured_rate_matches_theory():
    panel = mf.momentum_panel()
    assert {c.description for c in panel.controls.values()} == {"학습률 η", "모멘텀 μ", "조건수 κ", "스텝 수"}
    numbers = panel.last_text.numbers  # the values the status line is written from
    measured, theory = numbers["measured_rate"], numbers["theory_rate"]
    assert f"측정 수렴 속도 {measured:.4f} (이론 {theory:.4f})" in panel.last_text
    assert theory == pytest.approx((math.sqrt(100) - 1) / (math.sqrt(100) + 1), abs=1e-4)
    assert measured == pytest.approx(theory, rel=0.01)
    assert len(panel.last_figure.axes) == 3
    assert_readable(panel.last_figure)


def test_momentum_outside_the_stable_region_says_divergence():
    fig, text = mf.render_momentum(lr=5.0, momentum=0.9)  # ηL = 5 > 2 + 2μ = 3.8
    assert text.startswith("발산")
    assert_readable(fig)
    _, text = mf.render_momentum(lr=10.0, momentum=0.0, kappa=1000.0)
    assert "발산" in text


def test_momentum_beats_gd_by_sqrt_kappa_in_the_rate_table():
    rows = mf.rate_table(kappas=(10, 100), steps=400)
    for row in rows:
        assert row["gd_measured"] == pytest.approx(row["gd_theory"], rel=1e-6)
        assert row["momentum_measured"] == pytest.approx(row["momentum_theory"], rel=0.01)
    ratio = mf.steps_to_tenth(rows[1]["momentum_measured"]) / mf.steps_to_tenth(rows[0]["momentum_measured"])
    assert 2.5 < ratio < 4.0  # κ × 10 → steps × ≈ √10


# --- lab 05 -------------------------------------------------------------------------------------------------------

def test_nesterov_forms_agree_at_constant_lr_and_differ_after_an_lr_change():
    constant = nf.form_differences([0.5] * 100, 0.9, 100.0)
    scheduled = nf.form_differences(q.step_schedule(0.5, 100, 30), 0.9, 100.0)
    assert constant.max() < 1e-12
    assert scheduled[:31].max() < 1e-12 and scheduled[31:].max() > 1e-3


def test_nesterov_panel_reports_both_rates_and_the_form_difference():
    panel = nf.nesterov_panel()
    assert panel.controls["change_step"].description == "학습률 변경 스텝"
    text = panel.last_text
    assert "헤비볼 모멘텀 측정 수렴 속도" in text and "네스테로프 측정 수렴 속도" in text
    constant, changed = text.numbers["max_constant_difference"], text.numbers["max_scheduled_difference"]
    assert f"학습률 일정 {constant:.1e}" in text and f"학습률을 바꾸면 {changed:.1e}" in text
    assert constant < 1e-12 < 1e-3 < changed
    assert_readable(panel.last_figure)


def test_nesterov_at_lr_10_says_divergence():
    fig, text = nf.render_nesterov(lr=10.0)
    assert text.count("발산") == 2
    assert_readable(fig)


def test_change_step_at_the_end_means_no_difference():
    _, text = nf.render_nesterov(change_step=150, steps=150)  # the panel's slider maximum is its step count
    assert text.numbers["max_scheduled_difference"] < 1e-12


def test_pytorch_buffer_form_is_polyaks_heavy_ball():
    assert mf.heavy_ball_identity(0.5, 0.9, 100.0, 50) < 1e-13


@pytest.mark.parametrize("values", [dict(lr=0.01, momentum=0.0, kappa=1.0, change_step=0),
                                    dict(lr=10.0, momentum=0.99, kappa=1000.0, change_step=150)])
def test_nesterov_panel_survives_slider_corners(values):
    panel = nf.nesterov_panel()
    panel.set(**values)
    assert panel.last_error is None
    assert_readable(panel.last_figure)


@pytest.mark.parametrize("values", [dict(lr=0.01, momentum=0.0, kappa=1.0, steps=10),
                                    dict(lr=10.0, momentum=0.99, kappa=1000.0, steps=300)])
def test_momentum_panel_survives_slider_corners(values):
    panel = mf.momentum_panel()
    panel.set(**values)
    assert panel.last_error is None
    assert_readable(panel.last_figure)
