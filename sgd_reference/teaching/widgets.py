"""Widget panels for the labs: controls, one status line and one figure that is replaced (never stacked) on change.

A lab supplies a *render* function ``render(**values) -> (Figure, str)`` that builds a fresh
``matplotlib.figure.Figure`` (not a pyplot figure, so nothing is auto-displayed or leaked) and a Korean summary line.
The same function draws the static figure of the default run, and the tests call it directly or through a panel
whose control values they set.
"""

from __future__ import annotations

import contextlib
import html
import io
import math
from typing import Callable, Iterator, Mapping

import ipywidgets as widgets
import torch
from IPython.display import Image, clear_output, display
from matplotlib.figure import Figure

from .plotting import use_korean_font

Render = Callable[..., "tuple[Figure | None, str]"]

_STYLE = {"description_width": "initial"}


@contextlib.contextmanager
def one_torch_thread() -> Iterator[None]:
    """Render with one torch thread: the labs' models are tiny, and on 2 cores a second thread spin-waits more than
    it computes (a panel move measured 8-50 s with 2 threads, 0.4-2.9 s with 1). The labs' numbers are the same on
    1 and 2 threads (make test-portability checks it), so this changes the wait, not the result."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)

_LAYOUT = widgets.Layout(width="420px")


def log_slider(description: str, value: float, low: float, high: float, *, steps_per_decade: int = 10,
               readout_format: str = ".3g") -> widgets.FloatLogSlider:
    """A slider on a log scale (learning rates span decades), with a Korean label such as '학습률 η'."""
    if not (0 < low < high):
        raise ValueError(f"로그 슬라이더 범위는 0 < low < high 여야 합니다 (low={low}, high={high}).")
    if not (low <= value <= high):
        raise ValueError(f"초깃값 {value} 이(가) 범위 [{low}, {high}] 밖에 있습니다.")
    lo, hi = math.log10(low), math.log10(high)
    return widgets.FloatLogSlider(value=value, base=10, min=lo, max=hi, step=1 / steps_per_decade,
                                  description=description, readout_format=readout_format,
                                  continuous_update=False, style=_STYLE, layout=_LAYOUT)


def float_slider(description: str, value: float, low: float, high: float, step: float, *,
                 readout_format: str = ".3g") -> widgets.FloatSlider:
    return widgets.FloatSlider(value=value, min=low, max=high, step=step, description=description,
                               readout_format=readout_format, continuous_update=False, style=_STYLE, layout=_LAYOUT)


def int_slider(description: str, value: int, low: int, high: int, step: int = 1) -> widgets.IntSlider:
    return widgets.IntSlider(value=value, min=low, max=high, step=step, description=description,
                             continuous_update=False, style=_STYLE, layout=_LAYOUT)


def choice(description: str, options, value=None) -> widgets.Dropdown:
    """A dropdown; ``options`` may be (Korean label, value) pairs."""
    dropdown = widgets.Dropdown(options=options, description=description, style=_STYLE, layout=_LAYOUT)
    if value is not None:
        dropdown.value = value
    return dropdown


def checkbox(description: str, value: bool = False) -> widgets.Checkbox:
    return widgets.Checkbox(value=value, description=description, style=_STYLE, indent=False)


def display_figure(figure: Figure) -> None:
    """Show a figure as a PNG whatever the matplotlib backend (a bare Figure needs `%matplotlib inline` otherwise)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=figure.dpi, bbox_inches="tight")
    display(Image(data=buffer.getvalue(), format="png"))


class StatusLine(str):
    """A figure's Korean status line that also carries the numbers it was written from.

    It is the text a panel or ``show_static`` shows (a ``str``), and ``numbers`` holds the values behind it, so a test
    checks the measured quantities instead of parsing them back out of Korean prose.
    """

    numbers: dict

    def __new__(cls, text: str, **numbers: float) -> "StatusLine":
        line = super().__new__(cls, text)
        line.numbers = numbers
        return line


class LivePanel:
    """Controls above one output area; every change re-renders the single figure in place.

    ``last_figure``, ``last_text`` and ``last_error`` record the latest render, so tests (and curious learners) can
    check what the panel shows without a browser. A render that raises never breaks the panel: its error is shown
    as a Korean status line and the previous figure is cleared.
    """

    def __init__(self, render: Render, controls: Mapping[str, widgets.ValueWidget]):
        if not callable(render):
            raise TypeError("render는 호출 가능한 함수여야 합니다.")
        if not controls:
            raise ValueError("컨트롤(위젯)이 하나 이상 필요합니다.")
        self.render = render
        self.controls = dict(controls)
        self.status = widgets.HTML()
        self.output = widgets.Output()
        self.last_figure: Figure | None = None
        self.last_text: str = ""
        self.last_error: str | None = None
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.update()

    def values(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def set(self, **values) -> None:
        """Set several controls at once and re-render once (used by tests and by 'reset' buttons)."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise KeyError(f"없는 컨트롤 이름입니다: {sorted(unknown)} (가능한 이름: {sorted(self.controls)})")
        for name, value in values.items():
            control = self.controls[name]
            control.unobserve(self._on_change, names="value")
            try:
                control.value = value
            finally:
                control.observe(self._on_change, names="value")
        self.update()

    def update(self) -> None:
        use_korean_font()  # before the figure exists: text picks its font when it is created
        try:
            with one_torch_thread():
                figure, text = self.render(**self.values())
            self.last_error = None
        except Exception as error:  # a lab must never crash on a slider move
            figure = None
            text = f"계산하지 못했습니다: {type(error).__name__}: {error}"
            self.last_error = text
        self.last_figure, self.last_text = figure, text
        self.status.value = f"<p style='font-size:1.05em'>{html.escape(text)}</p>"
        with self.output:
            clear_output(wait=True)
            if figure is not None:
                display_figure(figure)

    def _on_change(self, _change) -> None:
        self.update()

    def widget(self) -> widgets.VBox:
        return widgets.VBox([*self.controls.values(), self.status, self.output])

    def _ipython_display_(self) -> None:
        display(self.widget())


def show_static(render: Render, **values) -> None:
    """Draw the default run once, as a plain figure plus its summary: what the static site shows without a kernel."""
    use_korean_font()
    with one_torch_thread():
        figure, text = render(**values)
    if figure is not None:
        display_figure(figure)
    print(text)
