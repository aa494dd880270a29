"""A LivePanel re-renders on every control change, never raises, and keeps one figure."""

from __future__ import annotations

import pytest
import torch
from matplotlib.figure import Figure

from sgd_reference.teaching import widgets


def render(lr, steps):
    if lr > 5:
        raise OverflowError("너무 큼")
    fig = Figure()
    fig.add_subplot().plot(range(steps))
    return fig, f"lr={lr}, steps={steps}"


def panel():
    return widgets.LivePanel(render, {"lr": widgets.log_slider("학습률 η", 0.1, 1e-3, 10.0),
                                      "steps": widgets.int_slider("스텝 수", 20, 1, 100)})


def test_panel_renders_default_values_at_construction():
    p = panel()
    assert p.last_text == "lr=0.1, steps=20" and isinstance(p.last_figure, Figure)


def test_moving_a_slider_re_renders_with_the_new_value():
    p = panel()
    p.controls["steps"].value = 42
    assert p.last_text == "lr=0.1, steps=42"


def test_set_changes_several_controls_and_renders_once():
    calls = []

    def counting(lr, steps):
        calls.append((lr, steps))
        return None, "ok"

    p = widgets.LivePanel(counting, {"lr": widgets.float_slider("η", 0.1, 0.0, 1.0, 0.1),
                                     "steps": widgets.int_slider("n", 1, 1, 9)})
    p.set(lr=0.5, steps=3)
    assert calls == [(0.1, 1), (0.5, 3)]


def test_a_render_error_becomes_a_korean_status_line_not_an_exception():
    p = panel()
    p.controls["lr"].value = 10.0
    assert p.last_figure is None
    assert p.last_error is not None and p.last_error.startswith("계산하지 못했습니다") and "OverflowError" in p.last_error
    p.controls["lr"].value = 0.01
    assert p.last_error is None and p.last_figure is not None


def test_set_rejects_unknown_control_names():
    with pytest.raises(KeyError, match="없는 컨트롤"):
        panel().set(momentum=0.9)


def test_log_slider_validates_its_range():
    with pytest.raises(ValueError):
        widgets.log_slider("η", 1.0, 0.0, 10.0)
    with pytest.raises(ValueError):
        widgets.log_slider("η", 100.0, 0.1, 10.0)


def test_log_slider_spans_the_requested_decades():
    s = widgets.log_slider("학습률 η", 0.01, 1e-4, 10.0)
    assert (s.min, s.max, s.base) == (-4, 1, 10) and s.value == pytest.approx(0.01)


def test_a_panel_renders_with_one_torch_thread_and_gives_the_setting_back():
    seen = []

    def render(x):
        seen.append(torch.get_num_threads())
        return None, f"x = {x}"

    previous = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        panel = widgets.LivePanel(render, {"x": widgets.int_slider("x", 1, 0, 3)})
        panel.set(x=2)
        assert seen == [1, 1] and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(previous)
