"""Korean text, minus signs and log ticks render with the bundled font, with no missing-glyph warning."""

from __future__ import annotations

import io
import math
import warnings

import matplotlib
import pytest
from matplotlib.figure import Figure

from sgd_reference.teaching import plotting


def draw(fig: Figure) -> None:
    # A bare Figure's canvas.draw() renders nothing; saving a PNG really lays out every glyph.
    fig.savefig(io.BytesIO(), format="png")


def test_korean_labels_minus_signs_and_log_ticks_draw_without_missing_glyphs():
    plotting.use_korean_font()
    fig = Figure(figsize=(4, 3))
    ax = fig.add_subplot()
    ax.plot([-3, -2, -1], [1e-4, 1e-1, 1e2], label="손실 곡선")
    ax.set_yscale("log")
    plotting.plain_log_ticks(ax)
    ax.set_title("학습률이 크면 발산합니다")
    ax.set_xlabel("스텝")
    ax.legend()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" is a UserWarning
        draw(fig)
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert labels and all("\u2212" not in s and "$" not in s for s in labels), labels
    assert any(s.startswith("1e-") for s in labels), labels


def test_font_is_registered_once_and_selected():
    plotting.use_korean_font()
    plotting.use_korean_font()
    ours = str(plotting.korean_font_path())
    assert [f.fname for f in matplotlib.font_manager.fontManager.ttflist].count(ours) == 1
    assert matplotlib.rcParams["font.family"] == ["NanumGothic"]
    assert matplotlib.rcParams["axes.unicode_minus"] is False


@pytest.mark.parametrize("value, text", [(0, "0"), (0.001, "0.001"), (-0.5, "-0.5"), (1e-5, "1e-5"),
                                         (2.5e-6, "2.5e-6"), (1e6, "1e6"), (-1e-4, "-1e-4"), (100, "100")])
def test_format_number_is_short_and_ascii(value, text):
    assert plotting.format_number(value) == text


def test_finite_ylim_ignores_inf_and_nan_of_a_diverged_run():
    fig = Figure()
    ax = fig.add_subplot()
    ax.plot([1.0, 2.0, 3.0])
    plotting.finite_ylim(ax, [1.0, 2.0, math.inf, math.nan, 3.0])
    low, high = ax.get_ylim()
    assert math.isfinite(low) and math.isfinite(high) and low < 1.0 and 3.0 < high < 4.0


def test_plain_log_ticks_rejects_unknown_axis():
    fig = Figure()
    with pytest.raises(ValueError, match="axis"):
        plotting.plain_log_ticks(fig.add_subplot(), axis="z")


def test_korean_font_never_imports_koreanize_matplotlib():
    # koreanize-matplotlib 0.1.1 imports distutils, which Python 3.12 (Colab) no longer has: we only read its font file.
    import subprocess
    import sys

    code = ("import sys; from sgd_reference.teaching import plotting; plotting.use_korean_font(); "
            "assert 'koreanize_matplotlib' not in sys.modules and 'distutils' not in sys.modules; print('ok')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr
