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

__all__ = ["InvalidArgument", "as_real", "real", "positive", "nonnegative", "momentum", "integer", "choice",
           "instance", "function", "tensor", "same_shape"]


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
         above: float | None = None, below: float | None = None, finite: bool = True) -> float:
    """``value`` as a float, checked against ``minimum <= value <= maximum`` and ``above < value < below``."""
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
    if below is not None and not x < below:
        raise InvalidArgument(f"{_topic(name)} {below:g}보다 작아야 합니다 (받은 값: {_shown(value)}).")
    return x


def positive(value: Any, name: str, *, maximum: float | None = None) -> float:
    """A finite number above 0 (a learning rate, a curvature, a condition number)."""
    return real(value, name, above=0.0, maximum=maximum)


def nonnegative(value: Any, name: str, *, maximum: float | None = None) -> float:
    """A finite number at least 0 (a weight decay, a minimum learning rate)."""
    return real(value, name, minimum=0.0, maximum=maximum)


def momentum(value: Any, name: str = "모멘텀 μ") -> float:
    """A momentum 0 ≤ μ < 1 (at 1 the velocity never forgets; above it, it grows without bound)."""
    return real(value, name, minimum=0.0, below=1.0)


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


def instance(value: Any, types: type | tuple[type, ...], name: str, expected: str, advice: str = "") -> Any:
    """``value`` if it is one of ``types`` (e.g. ``nn.Module``, passed in by the caller: this module stays torch-free);
    ``expected`` names the type for the learner ("torch.nn.Module"), ``advice`` says what to pass instead."""
    if not isinstance(value, types):
        raise InvalidArgument(f"{_topic(name)} {expected} 타입이어야 합니다 (받은 값의 타입: {type(value).__name__})."
                              + (f" {advice}" if advice else ""))
    return value


def function(value: Any, name: str, what: str) -> Any:
    """A callable; ``what`` says what it must do ("파라미터 텐서를 받아 기울기 텐서를 돌려줍니다")."""
    if not callable(value):
        raise InvalidArgument(f"{_topic(name)} 호출할 수 있는 함수여야 합니다: {what} (받은 값의 타입: {type(value).__name__}).")
    return value


def tensor(value: Any, name: str, *, floating: bool = False) -> Any:
    """A torch tensor (duck-typed: a numpy array or a list is not one), of a floating dtype if ``floating``."""
    if not (callable(getattr(value, "is_floating_point", None)) and hasattr(value, "shape")):
        raise InvalidArgument(f"{_topic(name)} torch.Tensor 타입이어야 합니다 (받은 값의 타입: {type(value).__name__}).")
    if floating and not value.is_floating_point():
        raise InvalidArgument(f"{_topic(name)} 실수(float) 텐서여야 합니다 (받은 dtype: {value.dtype}).")
    return value


def same_shape(first: Any, second: Any, first_name: str, second_name: str) -> None:
    """Two tensors updated element by element together (a parameter and its gradient or velocity)."""
    if tuple(first.shape) != tuple(second.shape):
        raise InvalidArgument(f"{first_name}의 모양 {tuple(first.shape)}과 {second_name}의 모양 "
                              f"{tuple(second.shape)}이 같아야 합니다.")
