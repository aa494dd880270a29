"""A cache for the labs' deterministic runs whose hits are copies.

The panels redraw the same baseline runs on every slider move, so the runs are cached. A cached result handed out
as-is is shared: a learner who smooths `log.losses` in place, or calls `log.losses.clear()`, would change what every
later panel draws until the kernel restarts. Each call therefore gets its own deep copy (a few hundred floats, or a
small dataset: microseconds to milliseconds, against seconds for a run).
"""

from __future__ import annotations

import copy
import functools
from typing import Any, Callable, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def copied_cache(maxsize: int | None = 128) -> Callable[[F], F]:
    """``functools.lru_cache(maxsize)``, except that every call returns a deep copy of the cached value.

    Numpy scalars and 0-d tensors are passed on as the Python numbers they hold, so every spelling of a number shares
    one cached run. Arguments that cannot be hashed (a list where a number belongs) are passed to the function
    uncached, so its own argument checks answer instead of ``lru_cache``'s "unhashable type".
    """

    def decorate(function: F) -> F:
        cached = functools.lru_cache(maxsize=maxsize)(function)

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            args, kwargs = tuple(_plain(a) for a in args), {k: _plain(v) for k, v in kwargs.items()}
            try:
                hash((args, tuple(kwargs.items())))
            except TypeError:  # a list where a number belongs: let the function say what is wrong
                return function(*args, **kwargs)
            return copy.deepcopy(cached(*args, **kwargs))

        wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        wrapper.cache_info = cached.cache_info  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def _plain(value: Any) -> Any:
    """A numpy scalar or a one-element tensor as the Python number it holds (so ``np.float64(0.1)`` and
    ``torch.tensor(0.1)`` hit the run cached for ``0.1``); anything else as it is."""
    if getattr(value, "shape", None) == () and callable(getattr(value, "item", None)):
        return value.item()
    return value
