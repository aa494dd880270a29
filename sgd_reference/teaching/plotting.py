"""Korean-ready matplotlib: a Hangul font, minus signs and log ticks that render, and a divergence-safe y range.

Default matplotlib fonts have no Hangul, so every Korean label would be drawn as boxes. We register the NanumGothic
file that ships inside the ``koreanize-matplotlib`` wheel *without importing that package* (its 0.1.1 release imports
``distutils``, which is gone on Python 3.12, the version Colab runs).
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

KOREAN_FONT_FAMILY = "NanumGothic"
_FONT_PACKAGE = "koreanize_matplotlib"


def korean_font_path() -> Path:
    """Path of the bundled NanumGothic.ttf (found by package spec, so the package is never imported)."""
    spec = importlib.util.find_spec(_FONT_PACKAGE)
    if spec is None or spec.origin is None:
        raise ImportError(
            "한글 글꼴 패키지(koreanize-matplotlib)를 찾을 수 없습니다. "
            "`pip install koreanize-matplotlib` 또는 `pip install \"sgd_reference[labs]\"`로 설치하세요."
        )
    path = Path(spec.origin).parent / "fonts" / "NanumGothic.ttf"
    if not path.is_file():
        raise ImportError(f"한글 글꼴 파일이 없습니다: {path}")
    return path


def use_korean_font() -> None:
    """Make matplotlib draw Hangul, and ASCII minus signs (NanumGothic has no U+2212). Safe to call repeatedly."""
    path = korean_font_path()
    # Register by file, not by name: a system NanumGothic (Debian fonts-nanum) may or may not be in matplotlib's cache.
    if str(path) not in {f.fname for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(path))
    mpl.rcParams["font.family"] = KOREAN_FONT_FAMILY
    mpl.rcParams["axes.unicode_minus"] = False
    # Mathtext would otherwise fall back to DejaVu for glyphs and still look fine; keep it consistent with the text.
    mpl.rcParams["mathtext.fontset"] = "dejavusans"


def format_number(value: float) -> str:
    """Short tick label with an ASCII hyphen for negatives: 0.001 -> '0.001', 1e-05 -> '1e-5'."""
    if value == 0:
        return "0"
    exponent = math.floor(math.log10(abs(value)))
    if -3 <= exponent <= 3:
        text = f"{value:.6g}"
    else:
        mantissa = value / 10**exponent
        text = f"{mantissa:.3g}e{exponent}" if abs(mantissa - 1) > 1e-9 else f"1e{exponent}"
        if value < 0 and not text.startswith("-"):
            text = "-" + text
    return text.replace("\u2212", "-")


def plain_log_ticks(ax, axis: str = "both") -> None:
    """Label log-scale axes with plain text ('1e-3') instead of mathtext powers, which NanumGothic draws as boxes."""
    if axis not in {"x", "y", "both"}:
        raise ValueError(f"axis는 'x', 'y', 'both' 중 하나여야 합니다 (받은 값: {axis!r}).")
    targets = [ax.xaxis, ax.yaxis] if axis == "both" else [getattr(ax, f"{axis}axis")]
    for target in targets:
        if target.get_scale() != "log":
            continue
        target.set_major_locator(LogLocator(base=10))
        target.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v)))
        target.set_minor_formatter(NullFormatter())


def finite_ylim(ax, values, *, pad: float = 0.05, cap: float | None = None) -> None:
    """Fit the y range to the finite values only, so a diverging run (inf/NaN) still leaves a readable plot."""
    finite = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    if not finite:
        return
    low, high = min(finite), max(finite)
    if cap is not None:
        high = min(high, cap)
    if ax.get_yscale() == "log":
        positive = [v for v in finite if v > 0]
        if not positive:
            return
        low = min(positive)
        high = max(min(max(positive), cap) if cap is not None else max(positive), low * 10)
        ax.set_ylim(low / 2, high * 2)
        return
    span = high - low or max(abs(high), 1.0)
    ax.set_ylim(low - pad * span, high + pad * span)
