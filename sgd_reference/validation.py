"""One home for argument checks: every public function validates here, once, at its boundary, in Korean.

A learner passes numbers in many spellings: ``0.1``, ``np.float32(0.1)``, ``np.int64(20)``, ``Fraction(1, 10)``, a
0-d tensor ``torch.tensor(1.)`` (which torch itself accepts for ``max_norm``). All of them are numbers here; a bool, a
string or a longer tensor is not. Torch-free (duck typing), so the core and every layer above can use it.

The error raised is :class:`InvalidArgument`, both a ``TypeError`` and a ``ValueError``: callers that catch either keep
working, and the message says what was expected and what came.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Iterable

__all__ = ["InvalidArgument", "as_real", "real", "positive", "nonnegative", "integer", "choice"]


class InvalidArgument(TypeError, ValueError):
    """A bad argument value or type, with a Korean message that names the argument."""


def as_real(value: Any) -> float | None:
    """The float a number-like value stands for, or None (bools, strings, tensors with more than one element)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Real):  # int, float, Fraction, numpy scalars (numpy registers them)
        try:
            return float(value)
        except OverflowError:
            return math.inf if value > 0 else -math.inf
    if getattr(value, "shape", None) in ((), (1,)) and callable(getattr(value, "item", None)):  # 0-d tensor / array
        if getattr(value, "is_meta", False) or getattr(value, "is_complex", lambda: False)():
            return None
        item = value.item()
        return as_real(item) if isinstance(item, numbers.Real) and not isinstance(item, bool) else None
    return None


def _topic(name: str) -> str:
    """``name`` with its topic particle: 학습률은, 스텝 수는; 은(는) after a non-Hangul ending (lr, η, max_norm)."""
    last = name.rstrip()[-1:] or " "
    if "가" <= last <= "힣":
        return name + ("은" if (ord(last) - 0xAC00) % 28 else "는")
    return name + "은(는)"


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def real(value: Any, name: str, *, minimum: float | None = None, maximum: float | None = None,
         above: float | None = None, finite: bool = True) -> float:
    """``value`` as a float, checked against ``minimum <= value <= maximum`` and ``value > above``."""
    x = as_real(value)
    if x is None:
        raise InvalidArgument(f"{_topic(name)} 숫자여야 합니다 (받은 값: {_shown(value)}, 타입 {type(value).__name__}).")
    if finite and not math.isfinite(x):
        raise InvalidArgument(f"{_topic(name)} 유한한 수여야 합니다 (받은 값: {_shown(value)}).")
    if above is not None and not x > above:
        raise InvalidArgument(f"{_topic(name)} {above:g}보다 커야 합니다 (받은 값: {_shown(value)}).")
    if minimum is not None and not x >= minimum:
        raise InvalidArgument(f"{_topic(name)} {minimum:g} 이상이어야 합니다 (받은 값: {_shown(value)}).")
    if maximum is not None and not x <= maximum:
        raise InvalidArgument(f"{_topic(name)} {maximum:g} 이하여야 합니다 (받은 값: {_shown(value)}).")
    return x


def positive(value: Any, name: str, *, maximum: float | None = None) -> float:
    """A finite number above 0 (a learning rate, a curvature, a condition number)."""
    return real(value, name, above=0.0, maximum=maximum)


def nonnegative(value: Any, name: str, *, maximum: float | None = None) -> float:
    """A finite number at least 0 (a weight decay, a minimum learning rate)."""
    return real(value, name, minimum=0.0, maximum=maximum)


def integer(value: Any, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """An int (numpy integers and 0-d integer tensors too; never a float such as 20.0 or a bool)."""
    if isinstance(value, bool):
        number = None
    elif isinstance(value, numbers.Integral):
        number = int(value)
    elif getattr(value, "shape", None) == () and callable(getattr(value, "item", None)):
        item = value.item()
        number = int(item) if isinstance(item, numbers.Integral) and not isinstance(item, bool) else None
    else:
        number = None
    if number is None:
        raise InvalidArgument(f"{_topic(name)} 정수여야 합니다 (받은 값: {_shown(value)}, 타입 {type(value).__name__}).")
    if minimum is not None and number < minimum:
        raise InvalidArgument(f"{_topic(name)} {minimum} 이상이어야 합니다 (받은 값: {number}).")
    if maximum is not None and number > maximum:
        raise InvalidArgument(f"{_topic(name)} {maximum} 이하여야 합니다 (받은 값: {number}).")
    return number


def choice(value: Any, allowed: Iterable[Any], name: str) -> Any:
    """One of ``allowed`` (compared with ==)."""
    allowed = list(allowed)
    if value not in allowed:
        raise InvalidArgument(f"{_topic(name)} {allowed} 중 하나여야 합니다 (받은 값: {_shown(value)}).")
    return value
