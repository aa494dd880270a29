"""Self-grading exercises for the labs (the Kaggle Learn `learntools` model).

    from sgd_reference import exercises
    exercises.catalog()                 # [(id, 한국어 제목, 실습 파일), ...]
    ex = exercises.get("sgd_step")
    ex.show()                           # 문제
    ex.check(sgd_step)                  # 한국어 피드백을 한 번 출력하고, 통과하면 참인 결과를 반환
    ex.hint(); ex.hint(2); ex.solution()

Everything runs in the learner's kernel (JupyterLab, Colab): no grading server, no reading the notebook file.
"""

from __future__ import annotations

import difflib

from . import basic_sgd, debugging, feedback, minibatch, momentum, nesterov, optimizer_memory, schedules, weight_decay
from . import data_parallel, step_cost
from .. import validation
from .core import CheckResult, Exercise, FunctionExercise, NumberExercise

_MODULES = (basic_sgd, minibatch, momentum, nesterov, weight_decay, optimizer_memory, schedules, debugging,
            data_parallel, step_cost)
_REGISTRY: dict[str, Exercise] = {ex.id: ex for module in _MODULES for ex in module.EXERCISES}
# Lab order (01 → 11), then the order each module lists its exercises.
_ORDER = sorted(_REGISTRY, key=lambda i: (_REGISTRY[i].lab, list(_REGISTRY).index(i)))


class UnknownExerciseError(KeyError, ValueError):
    """Raised by `get` for an id that does not exist; the message (Korean) lists close ids."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0]) if self.args else ""


def catalog() -> list[tuple[str, str, str]]:
    """All exercises as `(id, Korean title, lab file)`, in lab order."""
    return [(i, _REGISTRY[i].title, _REGISTRY[i].lab) for i in _ORDER]


def ids() -> list[str]:
    return list(_ORDER)


def get(exercise_id: str) -> Exercise:
    """The exercise with this id. Unknown id → `UnknownExerciseError` (a KeyError and a ValueError)."""
    if isinstance(exercise_id, str) and exercise_id in _REGISTRY:
        return _REGISTRY[exercise_id]
    close = difflib.get_close_matches(str(exercise_id), _ORDER, n=3, cutoff=0.5)
    suggestion = (feedback.UNKNOWN_ID_SUGGEST.format(ids=", ".join(close)) if close
                  else feedback.UNKNOWN_ID_ALL.format(ids=", ".join(_ORDER)))
    raise UnknownExerciseError(feedback.UNKNOWN_ID.format(id=exercise_id, suggestion=suggestion))


def for_lab(lab: str) -> list[Exercise]:
    """Exercises of one lab, e.g. `for_lab("03_minibatch_noise.ipynb")` (the `.ipynb` may be left off)."""
    if not isinstance(lab, str):
        raise validation.InvalidArgument(f"실습 파일 이름은 문자열이어야 합니다 (예: \"03_minibatch_noise\"; 받은 값: {lab!r}).")
    name = lab if lab.endswith(".ipynb") else lab + ".ipynb"
    return [_REGISTRY[i] for i in _ORDER if _REGISTRY[i].lab == name]


__all__ = ["catalog", "ids", "get", "for_lab", "Exercise", "FunctionExercise", "NumberExercise", "CheckResult",
           "UnknownExerciseError"]
