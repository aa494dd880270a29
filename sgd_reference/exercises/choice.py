"""Multiple-choice exercises: several sub-questions answered with option letters, each wrong pick explained.

The options and the reason each one would be wrong come from the exercise (for example lab 9's causes of a bad run),
so the same checker serves any "pick the letter" question.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from . import feedback as fb
from .core import MISTAKE, NOT_ATTEMPTED, WRONG_TYPE, Exercise, Verdict


class ChoiceExercise(Exercise):
    """Several multiple-choice sub-questions (``item`` 1, 2, ...); each wrong pick is explained in its own words.

    ``answer`` is the right letters in order ("DACB"); ``options`` maps each letter to why picking it would be wrong
    for a sub-question whose answer is another letter (one Korean sentence).
    """

    def __init__(self, *, answer: str, options: Mapping[str, str], item: str = "문항", success: str = "",
                 **kwargs: Any):
        kwargs.setdefault("answer_name", "answer")
        super().__init__(**kwargs)
        assert set(answer) <= set(options), (kwargs["id"], answer, list(options))
        self._answer = answer
        self.options = dict(options)
        self.item = item
        self._success = success

    def success_note(self) -> str:
        return self._success

    def _parse(self, answer: Any) -> list[str]:
        n = len(self._answer)
        if isinstance(answer, str):
            letters = re.sub(r"[\s,;/\-]+", "", answer).upper()
            if len(letters) != n:
                raise Verdict(WRONG_TYPE, fb.CHOICE_COUNT.format(n=n, item=self.item, got=len(letters)))
            picks = list(letters)
        elif isinstance(answer, dict):
            picks = []
            keys = {str(k).strip(): v for k, v in answer.items()}
            for i in range(1, n + 1):
                if str(i) not in keys:
                    raise Verdict(WRONG_TYPE, fb.CHOICE_MISSING.format(i=i, n=n, item=self.item))
                value = keys[str(i)]
                if not isinstance(value, str):
                    raise Verdict(WRONG_TYPE, fb.CHOICE_NOT_LETTER.format(i=i, item=self.item,
                                                                          got=fb.describe_type(value)))
                picks.append(value.strip().upper())
        else:
            raise Verdict(WRONG_TYPE, fb.CHOICE_WRONG_TYPE.format(got=fb.describe_type(answer)))
        for i, pick in enumerate(picks, 1):
            if pick not in self.options:
                raise Verdict(WRONG_TYPE, fb.CHOICE_UNKNOWN.format(i=i, item=self.item, pick=pick,
                                                                   options=", ".join(self.options)))
        return picks

    def _grade(self, answer: Any) -> None:
        if answer is None or answer is Ellipsis:
            raise Verdict(NOT_ATTEMPTED, fb.NOT_ATTEMPTED_CHOICE)
        picks = self._parse(answer)
        wrong = [(i, p) for i, (p, right) in enumerate(zip(picks, self._answer), 1) if p != right]
        if not wrong:
            return
        lines = [fb.CHOICE_SCORE.format(n=len(picks), right=len(picks) - len(wrong))]
        lines += [f"- {i}번 {self.item}: {self.options[p]}" for i, p in wrong]
        raise Verdict(MISTAKE, "\n".join(lines))
