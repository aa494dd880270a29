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

__all__ = ["InvalidArgument", "as_real", "real", "positive", "nonnegative", "momentum", "integer", "count", "seed",
           "choice", "flag", "float_dtype", "reals", "integers", "record", "records", "instances", "instance", "function", "tensor", "same_shape", "MAX_COUNT"]

# The most steps, epochs, samples or seeds any lab function is asked for: far above every lab's own settings (a few
# thousand), and far below a count that would keep a learner's kernel busy for days (10**30 by a slip of the finger).
MAX_COUNT = 10**6


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


def count(value: Any, name: str, *, minimum: int = 1, maximum: int = MAX_COUNT) -> int:
    """A number of steps, epochs, samples or seeds: an integer from ``minimum`` to ``maximum`` (:data:`MAX_COUNT`)."""
    return integer(value, name, minimum=minimum, maximum=maximum)


def seed(value: Any, name: str = "시드 seed") -> int:
    """A random seed from 0 to 2³² − 1 (numpy's range; torch takes more, and the labs add small offsets to it)."""
    return integer(value, name, minimum=0, maximum=2**32 - 1)


def _items(values: Any, name: str, what: str, nonempty: bool) -> list:
    """The elements of a list-like ``values`` (list, tuple, range, 1-d array or tensor); a str, dict, set or a single
    number is not one."""
    try:
        items = None if isinstance(values, (str, bytes, dict, set)) else list(values)
    except TypeError:  # not iterable (a number, None, a 0-d tensor)
        items = None
    if items is None:
        raise InvalidArgument(f"{_topic(name)} {what}의 목록이어야 합니다 (받은 값: {_shown(values)}, "
                              f"타입 {type(values).__name__}).")
    if nonempty and not items:
        raise InvalidArgument(f"{_topic(name)} 비어 있지 않아야 합니다.")
    return items


def reals(values: Any, name: str, *, minimum: float | None = None, maximum: float | None = None,
          above: float | None = None, finite: bool = True, nonempty: bool = True) -> list[float]:
    """A list of numbers, each checked like :func:`real` (a learning-rate schedule, condition numbers, distances)."""
    return [real(v, f"{name}의 {i}번째 값", minimum=minimum, maximum=maximum, above=above, finite=finite)
            for i, v in enumerate(_items(values, name, "숫자", nonempty), 1)]


def integers(values: Any, name: str, *, minimum: int | None = None, maximum: int | None = None,
             nonempty: bool = True) -> list[int]:
    """A list of integers, each checked like :func:`integer` (batch sizes, seeds)."""
    return [integer(v, f"{name}의 {i}번째 값", minimum=minimum, maximum=maximum)
            for i, v in enumerate(_items(values, name, "정수", nonempty), 1)]


def flag(value: Any, name: str) -> bool:
    """A yes/no setting: True/False (also numpy bools, 0/1 and a one-element bool tensor)."""
    if isinstance(value, bool):
        return value
    if type(value).__name__ == "bool_" or (isinstance(value, numbers.Integral) and value in (0, 1)):
        return bool(value)
    if getattr(value, "shape", None) == () and callable(getattr(value, "item", None)):
        item = value.item()
        if isinstance(item, bool):
            return item
    raise InvalidArgument(f"{_topic(name)} True 또는 False여야 합니다 (받은 값: {_shown(value)}, 타입 {type(value).__name__}).")


def float_dtype(value: Any, name: str = "dtype") -> Any:
    """A torch floating dtype (torch.float32, torch.float64, ...), or None for torch's default."""
    if value is None or (type(value).__name__ == "dtype" and getattr(value, "is_floating_point", None) is True):
        return value
    raise InvalidArgument(f"{_topic(name)} torch.float32 나 torch.float64 같은 실수 dtype이어야 합니다 "
                          f"(받은 값: {_shown(value)}).")


def choice(value: Any, allowed: Iterable[Any], name: str) -> Any:
    """The element of ``allowed`` that equals ``value`` (so ``np.int64(64)`` comes back as the allowed ``64``)."""
    allowed = list(allowed)
    for option in allowed:
        try:
            if type(value) is not bool and type(option) is not bool and bool(value == option):
                return option
        except (TypeError, ValueError, RuntimeError):  # a tensor of many elements, or a type == cannot handle
            pass
        if value is option:
            return option
    raise InvalidArgument(f"{_topic(name)} {allowed} 중 하나여야 합니다 (받은 값: {_shown(value)}).")


def record(value: Any, name: str, keys: Iterable[str], source: str) -> Any:
    """A dict that one of the package's functions returned (``source``), with the ``keys`` the caller reads."""
    keys = list(keys)
    if not isinstance(value, dict) or any(key not in value for key in keys):
        raise InvalidArgument(f"{_topic(name)} {source}이(가) 돌려준 dict여야 합니다 (필요한 키: {', '.join(keys)}; "
                              f"받은 값의 타입: {type(value).__name__}).")
    return value


def records(values: Any, name: str, keys: Iterable[str], source: str) -> list:
    """A non-empty list of such dicts (the runs a figure draws)."""
    keys = list(keys)
    return [record(v, f"{name}의 {i}번째 값", keys, source) for i, v in enumerate(_items(values, name, "dict", True), 1)]


def instance(value: Any, types: type | tuple[type, ...], name: str, expected: str, advice: str = "") -> Any:
    """``value`` if it is one of ``types`` (e.g. ``nn.Module``, passed in by the caller: this module stays torch-free);
    ``expected`` names the type for the learner ("torch.nn.Module"), ``advice`` says what to pass instead."""
    if not isinstance(value, types):
        raise InvalidArgument(f"{_topic(name)} {expected} 타입이어야 합니다 (받은 값의 타입: {type(value).__name__})."
                              + (f" {advice}" if advice else ""))
    return value


def instances(values: Any, types: type | tuple[type, ...], name: str, expected: str) -> list:
    """A non-empty list whose every element is one of ``types`` (the runs a table is printed from)."""
    return [instance(v, types, f"{name}의 {i}번째 값", expected)
            for i, v in enumerate(_items(values, name, expected, True), 1)]


def function(value: Any, name: str, what: str) -> Any:
    """A callable; ``what`` says what it must do ("파라미터 텐서를 받아 기울기 텐서를 돌려줍니다")."""
    if not callable(value):
        raise InvalidArgument(f"{_topic(name)} 호출할 수 있는 함수여야 합니다: {what} (받은 값의 타입: {type(value).__name__}).")
    return value


def tensor(value: Any, name: str, *, floating: bool = False, ndim: int | None = None) -> Any:
    """A torch tensor (duck-typed: a numpy array or a list is not one), of a floating dtype if ``floating``, with
    ``ndim`` dimensions if given."""
    if not (callable(getattr(value, "is_floating_point", None)) and hasattr(value, "shape")):
        raise InvalidArgument(f"{_topic(name)} torch.Tensor 타입이어야 합니다 (받은 값의 타입: {type(value).__name__}).")
    if floating and not value.is_floating_point():
        raise InvalidArgument(f"{_topic(name)} 실수(float) 텐서여야 합니다 (받은 dtype: {value.dtype}).")
    if ndim is not None and len(value.shape) != ndim:
        raise InvalidArgument(f"{_topic(name)} {ndim}차원 텐서여야 합니다 (받은 모양: {tuple(value.shape)}).")
    return value


def same_shape(first: Any, second: Any, first_name: str, second_name: str) -> None:
    """Two tensors updated element by element together (a parameter and its gradient or velocity)."""
    if tuple(first.shape) != tuple(second.shape):
        raise InvalidArgument(f"{first_name}의 모양 {tuple(first.shape)}과 {second_name}의 모양 "
                              f"{tuple(second.shape)}이 같아야 합니다.")
