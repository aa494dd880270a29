"""The shared checker behind every exercise (the learntools model: declarative questions, one careful checker).

An exercise states what it expects: a reference (torch itself or the core package), seeded cases, and the
common mistakes written as code. The checker does the rest, and never raises because of the learner's answer:
untouched stubs, exceptions inside their function, a missing `return`, wrong types, shapes and dtypes, NaN/inf
and in-place changes to inputs each get their own Korean message. A wrong answer that matches a known mistake on
every case is named; otherwise the learner is told which case differs, never the expected value.
"""

from __future__ import annotations

import contextlib
import copy
import dis
import math
import numbers
import signal
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Sequence

import torch

from .. import validation
from . import feedback as fb

# Verdict kinds (CheckResult.kind). Tests and labs may branch on them.
CORRECT = "correct"
NOT_ATTEMPTED = "not_attempted"
EXCEPTION = "exception"
RETURNED_NONE = "returned_none"
WRONG_TYPE = "wrong_type"
WRONG_LENGTH = "wrong_length"
WRONG_SHAPE = "wrong_shape"
WRONG_DTYPE = "wrong_dtype"
NONFINITE = "nonfinite"
MUTATED = "mutated"
ALIASED = "aliased"  # a returned tensor shares memory with an input it must not alias
TIMEOUT = "timeout"
MISTAKE = "mistake"  # a known mistake, named in the message
WRONG = "wrong"  # wrong, and not one of the known mistakes
INTERNAL = "internal_error"


@dataclass
class CheckResult:
    """What `Exercise.check` returns: truthy exactly when the answer is accepted.

    `check()` has already printed the feedback, so in IPython the result displays nothing (otherwise a cell
    ending in `ex.check(f)` would show it twice); `str(result)` is the same text.
    """

    exercise_id: str
    ok: bool
    kind: str
    message: str

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"CheckResult(exercise_id={self.exercise_id!r}, ok={self.ok}, kind={self.kind!r})"

    def _ipython_display_(self) -> None:
        # Intentionally empty: check() printed the feedback once already.
        return None

    @property
    def text(self) -> str:
        if self.ok:
            head = f"✅ [{self.exercise_id}] {fb.CORRECT}"
        elif self.kind == NOT_ATTEMPTED:
            head = f"✏️ [{self.exercise_id}] {fb.NOT_ATTEMPTED}"
        elif self.kind == INTERNAL:
            head = f"⚠️ [{self.exercise_id}]"
        else:
            head = f"❌ [{self.exercise_id}] {fb.WRONG}"
        lines = [head]
        if self.message:
            lines.append(self.message)
        if not self.ok and self.kind not in (NOT_ATTEMPTED, INTERNAL):
            lines.append(fb.HINT_FOOTER)
        return "\n".join(lines)


class Verdict(Exception):
    """Raised inside graders to stop at the first problem found (kind + Korean message)."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


class Exercise:
    """One question: Korean statement, 2-3 hints, a reference solution, and a grader (`_grade`)."""

    kind_label = "문제"

    def __init__(
        self,
        id: str,
        title: str,
        lab: str,
        prompt: str,
        hints: Sequence[str],
        solution_code: str,
        answer_name: str,
    ):
        if not 2 <= len(hints) <= 3:
            raise ValueError(f"{id}: hints must have 2 or 3 levels")
        self.id = id
        self.title = title
        self.lab = lab
        self.prompt = prompt.strip()
        self.hints = tuple(h.strip() for h in hints)
        self.solution_code = solution_code.strip() + "\n"
        self.answer_name = answer_name

    def __repr__(self) -> str:
        return f"<연습 문제 {self.id!r}: {self.title} ({self.lab})>"

    # --- what the learner calls -------------------------------------------------------------------
    def show(self) -> None:
        """Print the statement (title, lab, task) in Korean."""
        print(f"[{self.id}] {self.title}  ({self.lab})\n\n{self.prompt}")

    def hint(self, level: int = 1) -> None:
        """Print hint `level` (1 = gentle nudge, last = almost the formula)."""
        if isinstance(level, bool) or not isinstance(level, int) or level < 1:
            raise ValueError(fb.BAD_HINT_LEVEL.format(level=level))
        text = self.hint_text(level)
        print(f"💡 [{self.id}] 힌트 {min(level, len(self.hints))}/{len(self.hints)}: {text}")

    def hint_text(self, level: int = 1) -> str:
        if level >= len(self.hints):
            return self.hints[-1] + ("\n" + fb.LAST_HINT if level > len(self.hints) else "")
        return self.hints[level - 1]

    def solution(self) -> None:
        """Print a reference solution (Python with Korean comments)."""
        print(f"# [{self.id}] 참고 풀이 — 다른 풀이도 맞을 수 있습니다.\n{self.solution_code}", end="")

    def check(self, answer: Any) -> CheckResult:
        """Grade `answer`, print Korean feedback once, return a result whose bool() says if it is accepted.

        Grading runs in a clean torch (default dtype float32, autograd on, the torch functions as imported), so what
        the learner changed earlier in the notebook cannot make a right answer wrong or a wrong one right; the
        learner's settings are put back afterwards and the feedback says what was set aside.
        """
        with _clean_torch() as changed, _time_limit(GRADING_SECONDS):
            try:
                self._grade(answer)
                result = CheckResult(self.id, True, CORRECT, self.success_note())
            except Verdict as verdict:
                ok = verdict.kind == CORRECT
                result = CheckResult(self.id, ok, verdict.kind, verdict.message)
            except _GradingTimeout:
                result = CheckResult(self.id, False, TIMEOUT, fb.TIMEOUT.format(seconds=GRADING_SECONDS))
            except Exception as error:  # a bug in a grader must never look like the learner's fault
                result = CheckResult(self.id, False, INTERNAL, fb.INTERNAL_ERROR.format(error=fb.one_line_error(error)))
        if changed:
            note = fb.CLEAN_TORCH.format(changes=", ".join(changed))
            result.message = f"{result.message}\n{note}" if result.message else note
        print(result.text)
        return result

    # --- for subclasses -------------------------------------------------------------------------------
    def success_note(self) -> str:
        return ""

    def _grade(self, answer: Any) -> None:  # raise Verdict for anything but a correct answer
        raise NotImplementedError


# =====================================================================================================
# A clean torch for grading, and a time limit
# =====================================================================================================

GRADING_SECONDS = 20  # every shipped solution is graded in well under a second

# The torch functions graders and references rely on, as they were when this module was imported. A learner who
# patched one (e.g. `torch.allclose = lambda *a, **k: True`) is graded with the original.
_TORCH_ORIGINALS = {(owner, name): getattr(owner, name) for owner, names in (
    (torch, ("allclose", "equal", "isfinite", "randn", "zeros", "zeros_like", "ones", "tensor", "stack", "cat",
             "is_tensor")),
    (torch.Tensor, ("add_", "add", "mul_", "mul", "sub", "sub_", "div", "clone", "detach", "copy_", "item", "double",
                    "__add__", "__sub__", "__mul__", "__truediv__", "__neg__", "backward", "zero_")),
) for name in names}


@contextlib.contextmanager
def _clean_torch() -> Iterator[list[str]]:
    """Grade in torch's defaults; yield the (Korean-readable) list of what the learner had changed, then restore it."""
    changed: list[str] = []
    saved_dtype, saved_grad = torch.get_default_dtype(), torch.is_grad_enabled()
    patched = {key: getattr(*key) for key, original in _TORCH_ORIGINALS.items() if getattr(*key) is not original}
    if saved_dtype != torch.float32:
        changed.append(f"torch.set_default_dtype({saved_dtype})")
    if not saved_grad:
        changed.append("torch.set_grad_enabled(False)")
    changed += [f"{'torch.Tensor' if owner is torch.Tensor else 'torch'}.{name}" for owner, name in patched]
    try:
        torch.set_default_dtype(torch.float32)
        torch.set_grad_enabled(True)
        for (owner, name) in patched:
            setattr(owner, name, _TORCH_ORIGINALS[(owner, name)])
        yield changed
    finally:
        for (owner, name), value in patched.items():
            setattr(owner, name, value)
        torch.set_default_dtype(saved_dtype)
        torch.set_grad_enabled(saved_grad)


class _GradingTimeout(BaseException):
    """BaseException, so a learner's `except Exception` cannot swallow it."""


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Stop grading after ``seconds`` (SIGALRM, so only on Unix and in the main thread; elsewhere no limit)."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise _GradingTimeout

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# =====================================================================================================
# Number questions
# =====================================================================================================


@dataclass(frozen=True)
class NumberMistake:
    value: float
    message: str


def as_number(value: Any) -> float | None:
    """A float for anything number-like (int, float, Fraction, numpy scalar, one-element tensor); None otherwise.

    The spellings are `sgd_reference.validation`'s; a grader also takes a one-element tensor of any shape, and refuses
    one whose values cannot be read (meta, sparse, complex: `_tensor_problem` says why).
    """
    if isinstance(value, torch.Tensor):
        if value.numel() != 1 or _tensor_problem(value) is not None:
            return None
        value = value.reshape(())
    return validation.as_real(value)


def _beyond_float(value: Any) -> bool:
    """An exact number (a huge int, a Fraction) too large for a float: the learner's answer, not a grader bug."""
    if isinstance(value, (bool, float)) or not isinstance(value, numbers.Real):
        return False
    try:
        float(value)
    except OverflowError:
        return True
    return False


def _tensor_problem(t: torch.Tensor) -> str | None:
    """Why a returned tensor cannot be compared as values (None when it can): said in the learner's terms."""
    if t.device.type == "meta":
        return fb.META_TENSOR
    if t.layout != torch.strided:
        return fb.SPARSE_TENSOR.format(layout=str(t.layout).replace("torch.", ""))
    if t.device.type != "cpu":
        return fb.NOT_CPU_TENSOR.format(device=t.device)
    if t.is_complex():
        return fb.COMPLEX_TENSOR
    return None


def _tensors_in(value: Any) -> Iterator[torch.Tensor]:
    if isinstance(value, torch.Tensor):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _tensors_in(item)


def _shares_memory(a: torch.Tensor, b: torch.Tensor) -> bool:
    if a.device != b.device or a.device.type == "meta" or a.layout != torch.strided or b.layout != torch.strided:
        return False
    pa, pb = a.untyped_storage().data_ptr(), b.untyped_storage().data_ptr()
    return pa != 0 and pa == pb


class NumberExercise(Exercise):
    """Answer is a single number, accepted within a relative tolerance; known wrong values are named."""

    def __init__(self, *, answer: float, rel_tol: float = 1e-3, mistakes: Sequence[NumberMistake] = (),
                 mistake_rel_tol: float | None = None, success: str = "", **kwargs: Any):
        kwargs.setdefault("answer_name", "answer")
        super().__init__(**kwargs)
        self._answer = float(answer)  # not public: `ex.check(ex.answer)` should not be the first thing that works
        self.rel_tol = rel_tol
        self.mistakes = tuple(mistakes)
        self.mistake_rel_tol = rel_tol if mistake_rel_tol is None else mistake_rel_tol
        self._success = success
        for m in self.mistakes:  # a mistake that would be accepted as right is a bug in the question
            assert not self._near(m.value, self._answer, self.rel_tol), (self.id, m.value)

    def success_note(self) -> str:
        return self._success

    @staticmethod
    def _near(x: float, target: float, rel_tol: float) -> bool:
        if target == 0.0:
            return abs(x) <= rel_tol
        return abs(x - target) <= rel_tol * abs(target)

    def _grade(self, answer: Any) -> None:
        if answer is None or answer is Ellipsis:
            raise Verdict(NOT_ATTEMPTED, fb.NOT_ATTEMPTED_VALUE)
        if callable(answer) and not isinstance(answer, torch.Tensor):
            raise Verdict(WRONG_TYPE, fb.CALLABLE_FOR_NUMBER)
        x = as_number(answer)
        if x is None:
            raise Verdict(WRONG_TYPE, fb.NOT_A_NUMBER.format(got=fb.describe_type(answer)))
        if _beyond_float(answer):
            raise Verdict(WRONG, fb.BEYOND_FLOAT)
        if not math.isfinite(x):
            raise Verdict(NONFINITE, fb.NONFINITE_ANSWER)
        if self._near(x, self._answer, self.rel_tol):
            return
        for m in self.mistakes:
            if self._near(x, m.value, self.mistake_rel_tol):
                raise Verdict(MISTAKE, m.message)
        raise Verdict(WRONG, fb.TOO_BIG if x > self._answer else fb.TOO_SMALL)


# =====================================================================================================
# Function questions
# =====================================================================================================


@dataclass
class Case:
    """One call of the learner's function: positional args, a Korean description, optionally an expected error."""

    args: tuple
    desc: str
    raises: type[BaseException] | None = None


@dataclass
class Mistake:
    """A named wrong implementation: if the learner's outputs match it on every case, `message` is shown."""

    message: str
    fn: Callable[..., Any]
    kind: str = MISTAKE


def clone_value(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if isinstance(value, torch.nn.Module):
        return copy.deepcopy(value)
    if isinstance(value, list):
        return [clone_value(v) for v in value]
    if isinstance(value, tuple):
        return tuple(clone_value(v) for v in value)
    return value


def values_equal(a: Any, b: Any) -> bool:
    """Exact equality of inputs before and after the learner's call (to spot in-place changes)."""
    if isinstance(b, torch.Tensor):
        return isinstance(a, torch.Tensor) and a.shape == b.shape and bool(torch.equal(a, b))
    if isinstance(b, torch.nn.Module):
        sa, sb = a.state_dict(), b.state_dict()
        return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sb)
    if isinstance(b, (list, tuple)):
        return isinstance(a, (list, tuple)) and len(a) == len(b) and all(values_equal(x, y) for x, y in zip(a, b))
    return True


def _is_stub(fn: Callable[..., Any]) -> bool:
    """True for a function whose body is only `pass`, `...` and/or a docstring: it just returns None.

    Read from the bytecode, so it works for functions defined in notebook cells without their source.
    """
    if getattr(fn, "__code__", None) is None:
        return False
    try:
        for ins in dis.get_instructions(fn):
            if ins.opname in ("RESUME", "NOP", "CACHE", "RETURN_VALUE"):
                continue
            if ins.opname in ("LOAD_CONST", "RETURN_CONST") and ins.argval is None:
                continue
            return False
    except Exception:
        return False
    return True


class FunctionExercise(Exercise):
    """Answer is a function; it is called on seeded cases and compared with the reference.

    `outputs` names the returned values (e.g. `("new_param", "new_buf")` for a tuple); `kinds` says what each
    is: "tensor", "float", "int", "tensors" (list of tensors) or "params" (list of parameters of the input model).
    """

    def __init__(self, *, signature: str, cases: Callable[[], list[Case]], reference: Callable[..., Any],
                 mistakes: Sequence[Mistake] = (), outputs: Sequence[str] = ("반환값",),
                 kinds: Sequence[str] = ("tensor",), mutable: Sequence[str] = (), rtol: float = 1e-5,
                 atol: float = 1e-7, success: str = "", **kwargs: Any):
        name = signature.split("(")[0]
        kwargs.setdefault("answer_name", name)
        super().__init__(**kwargs)
        self.signature = signature
        self.arg_names = [a.split("=")[0].strip() for a in signature.split("(", 1)[1].rsplit(")", 1)[0].split(",")]
        self._make_cases = cases
        self._cases: list[Case] | None = None
        self._expected: list[Any] | None = None
        self._mistake_outs: dict[int, list[Any]] = {}
        self._reference = reference  # not public, nor the cases: a grader is help, but not a lookup table
        self.mistakes = tuple(mistakes)
        self.outputs = tuple(outputs)
        self.kinds = tuple(kinds) * (len(self.outputs) if len(kinds) == 1 else 1)
        assert len(self.kinds) == len(self.outputs), (kwargs["id"], self.kinds, self.outputs)
        self.mutable = frozenset(mutable)
        self.rtol, self.atol = rtol, atol
        self._success = success

    def success_note(self) -> str:
        return self._success

    @property
    def _all_cases(self) -> list[Case]:
        if self._cases is None:
            self._cases = self._make_cases()
        return self._cases

    # --- normalising and comparing outputs ----------------------------------------------------------------
    def _split(self, out: Any) -> tuple | None:
        """The output as a tuple of len(self.outputs) items, or None if its structure is off."""
        if len(self.outputs) == 1:
            return (out,)
        if isinstance(out, (tuple, list)) and len(out) == len(self.outputs):
            return tuple(out)
        return None

    def _normalise(self, kind: str, value: Any, args: tuple) -> Any:
        if kind == "float":
            x = as_number(value)
            return value if x is None else x
        if kind == "int":
            if isinstance(value, numbers.Integral) and not isinstance(value, bool):
                return int(value)
            return value
        if kind == "params":
            return _param_names(value, args)
        if kind == "tensors" and isinstance(value, tuple):
            return list(value)
        return value

    def _close(self, kind: str, a: Any, b: Any, strict: bool) -> bool:
        if kind == "tensor":
            if not isinstance(a, torch.Tensor) or not isinstance(b, torch.Tensor) or a.shape != b.shape:
                return False
            if strict and a.dtype != b.dtype:
                return False
            return bool(torch.allclose(a.detach().double(), b.detach().double(), rtol=self.rtol, atol=self.atol))
        if kind == "tensors":
            return (isinstance(a, list) and isinstance(b, list) and len(a) == len(b)
                    and all(self._close("tensor", x, y, strict) for x, y in zip(a, b)))
        if kind == "float":
            if not isinstance(a, float) or not isinstance(b, float):
                if isinstance(a, list) and isinstance(b, list):  # e.g. a list of per-tensor norms
                    xs = [as_number(v) for v in a]
                    return (len(a) == len(b) and None not in xs
                            and all(self._close("float", x, float(y), strict) for x, y in zip(xs, b)))
                return False
            return math.isclose(a, b, rel_tol=self.rtol, abs_tol=self.atol)
        if kind == "int":
            if strict:
                return isinstance(a, int) and not isinstance(a, bool) and a == b
            x = as_number(a)
            return x is not None and x == b
        return a == b  # params: tuples of names

    def _matches(self, outs: list[Any], expected: list[Any], strict: bool) -> bool:
        for out, exp in zip(outs, expected):
            if isinstance(exp, _Raised) or isinstance(out, _Raised):
                if not (isinstance(exp, _Raised) and isinstance(out, _Raised) and issubclass(out.type, exp.type)):
                    return False
                continue
            parts, exp_parts = self._split(out), self._split(exp)
            if parts is None or exp_parts is None:
                return False
            if not all(self._close(k, a, b, strict) for k, a, b in zip(self.kinds, parts, exp_parts)):
                return False
        return True

    # --- grading ----------------------------------------------------------------------------------------------
    def _run(self, fn: Callable[..., Any], case: Case, normalise: bool = True) -> Any:
        args = clone_value(case.args)
        try:
            out = fn(*args)
        except Exception as error:
            return _Raised(type(error), error)
        parts = self._split(out)
        if normalise and parts is not None:
            out = tuple(self._normalise(k, p, args) for k, p in zip(self.kinds, parts))
            out = out[0] if len(self.outputs) == 1 else out
        return out

    def expected_outputs(self) -> list[Any]:
        """Reference outputs per case, computed once, in the clean torch of `check()`.

        A reference that raises where no error is expected is the grader's failure: it is reported as such and
        never cached, so a later `check()` tries again.
        """
        if self._expected is None:
            expected = [self._run(self._reference, case) for case in self._all_cases]
            for case, out in zip(self._all_cases, expected):
                if isinstance(out, _Raised) and case.raises is None:
                    raise Verdict(INTERNAL, fb.REFERENCE_FAILED.format(error=fb.one_line_error(out.error), case=case.desc))
            self._expected = expected
        return self._expected

    def mistake_outputs(self, index: int) -> list[Any]:
        if index not in self._mistake_outs:
            self._mistake_outs[index] = [self._run(self.mistakes[index].fn, case) for case in self._all_cases]
        return self._mistake_outs[index]

    def _grade(self, answer: Any) -> None:
        if answer is None or answer is Ellipsis:
            raise Verdict(NOT_ATTEMPTED, fb.NOT_ATTEMPTED_FUNCTION)
        if not callable(answer) or isinstance(answer, (type, torch.nn.Module)):
            raise Verdict(WRONG_TYPE, fb.NOT_CALLABLE.format(got=fb.describe_type(answer)))
        if _is_stub(answer):
            raise Verdict(NOT_ATTEMPTED, fb.NOT_ATTEMPTED_FUNCTION)
        expected = self.expected_outputs()
        outs = []
        for case, exp in zip(self._all_cases, expected):
            args = clone_value(case.args)
            try:
                out = answer(*args)
            except NotImplementedError:
                raise Verdict(NOT_ATTEMPTED, fb.NOT_ATTEMPTED_FUNCTION) from None
            except Exception as error:
                if case.raises is not None and isinstance(error, case.raises):
                    outs.append(_Raised(type(error), error))
                    continue
                raise Verdict(EXCEPTION, self.exception_message(case, error)) from None
            if out is None:
                raise Verdict(RETURNED_NONE, fb.RETURNED_NONE.format(case=case.desc))
            for name, before, after in zip(self.arg_names, case.args, args):
                if name not in self.mutable and not values_equal(after, before):
                    raise Verdict(MUTATED, fb.MUTATED.format(arg=name, case=case.desc))
            self._check_returned_tensors(out, args, case)
            parts = self._split(out)
            if parts is not None:
                out = tuple(self._normalise(k, p, args) for k, p in zip(self.kinds, parts))
                out = out[0] if len(self.outputs) == 1 else out
            outs.append(out)
        if self._matches(outs, expected, strict=True):
            return
        for index, mistake in enumerate(self.mistakes):
            if self._matches(outs, self.mistake_outputs(index), strict=False):
                raise Verdict(mistake.kind, mistake.message)
        for case, out, exp in zip(self._all_cases, outs, expected):
            if not self._matches([out], [exp], strict=True):
                self._explain(case, out, exp)
        raise Verdict(WRONG, fb.WRONG_VALUE.format(what="결과", case=self._all_cases[0].desc))  # pragma: no cover

    def _check_returned_tensors(self, out: Any, args: tuple, case: Case) -> None:
        """Returned tensors must hold comparable values and must not be (views of) inputs the function may not change.

        Returning `grad` itself as a new momentum buffer looks right on one call, but the next backward pass
        overwrites `grad` in place and the buffer with it: torch copies (`grad.detach().clone()`) for that reason.
        """
        parts = self._split(out) or (out,)
        for name, part in zip(self.outputs, parts):
            for tensor in _tensors_in(part):
                problem = _tensor_problem(tensor)
                if problem is not None:
                    raise Verdict(WRONG_TYPE, f"`{name}`: {problem} ({case.desc})")
                for arg_name, arg in zip(self.arg_names, args):
                    if arg_name in self.mutable:
                        continue
                    if any(_shares_memory(tensor, source) for source in _tensors_in(arg)):
                        raise Verdict(ALIASED, fb.ALIASED.format(out=name, arg=arg_name, case=case.desc))

    def exception_message(self, case: Case, error: Exception) -> str:
        if case.raises is not None:
            return fb.SHOULD_RAISE_OTHER.format(expected=case.raises.__name__, error=fb.one_line_error(error),
                                                case=case.desc)
        return fb.RAISED.format(error=fb.one_line_error(error), case=case.desc)

    def missing_error_message(self, case: Case) -> str:
        return fb.SHOULD_RAISE.format(expected=case.raises.__name__, case=case.desc)

    def _explain(self, case: Case, out: Any, exp: Any) -> None:
        """Raise a Verdict that says what is structurally or numerically off in one case."""
        if isinstance(exp, _Raised):
            raise Verdict(WRONG, self.missing_error_message(case))
        if isinstance(out, _Raised):  # raised an allowed error type where a value was expected
            raise Verdict(EXCEPTION, self.exception_message(case, out.error))
        parts = self._split(out)
        if parts is None:
            if len(self.outputs) > 1 and isinstance(out, (tuple, list)):
                raise Verdict(WRONG_LENGTH, fb.WRONG_LENGTH.format(
                    what="반환한 튜플", expected=len(self.outputs), got=len(out), case=case.desc))
            raise Verdict(WRONG_TYPE, fb.WRONG_TYPE.format(
                what="반환값", expected=f"튜플 ({', '.join(self.outputs)})", got=fb.describe_type(out), case=case.desc))
        for name, kind, a, b in zip(self.outputs, self.kinds, parts, self._split(exp)):
            if not self._close(kind, a, b, strict=True):
                _explain_value(name, kind, a, b, case.desc)
        raise Verdict(WRONG, fb.WRONG_VALUE.format(what="결과", case=case.desc))  # pragma: no cover


@dataclass
class _Raised:
    type: type
    error: BaseException = field(repr=False)


def _explain_value(name: str, kind: str, a: Any, b: Any, desc: str) -> None:
    what = f"`{name}`"
    if kind == "tensor" and isinstance(a, (list, tuple)):
        raise Verdict(WRONG_TYPE, fb.WRONG_TYPE.format(
            what=what, expected="torch.Tensor", got=fb.describe_type(a) + fb.LIST_NOT_TENSOR,
            case=desc))
    if kind == "tensor":
        if not isinstance(a, torch.Tensor):
            raise Verdict(WRONG_TYPE, fb.WRONG_TYPE.format(what=what, expected="torch.Tensor",
                                                           got=fb.describe_type(a), case=desc))
        if a.shape != b.shape:
            raise Verdict(WRONG_SHAPE, fb.WRONG_SHAPE.format(what=what, expected=tuple(b.shape),
                                                             got=tuple(a.shape), case=desc))
        if a.is_floating_point() and not bool(torch.isfinite(a).all()):
            raise Verdict(NONFINITE, fb.NONFINITE.format(what=what, case=desc))
        if a.dtype != b.dtype:
            raise Verdict(WRONG_DTYPE, fb.WRONG_DTYPE.format(what=what, expected=b.dtype, got=a.dtype, case=desc))
        raise Verdict(WRONG, fb.WRONG_VALUE.format(what=what, case=desc))
    if kind == "tensors":
        if not isinstance(a, list):
            raise Verdict(WRONG_TYPE, fb.WRONG_TYPE.format(what=what, expected="텐서의 리스트",
                                                           got=fb.describe_type(a), case=desc))
        if len(a) != len(b):
            raise Verdict(WRONG_LENGTH, fb.WRONG_LENGTH.format(what=what, expected=len(b), got=len(a), case=desc))
        for i, (x, y) in enumerate(zip(a, b)):
            structurally_ok = (isinstance(x, torch.Tensor) and x.shape == y.shape and x.dtype == y.dtype
                               and bool(torch.isfinite(x).all()))
            if not structurally_ok:
                _explain_value(f"{name}[{i}]", "tensor", x, y, desc)
        raise Verdict(WRONG, fb.WRONG_VALUE.format(what=what, case=desc))
    if kind in ("float", "int"):
        x = as_number(a)
        if x is None:
            expected = "숫자(float)" if kind == "float" else "정수(int)"
            raise Verdict(WRONG_TYPE, fb.WRONG_TYPE.format(what=what, expected=expected,
                                                           got=fb.describe_type(a), case=desc))
        if not math.isfinite(x):
            raise Verdict(NONFINITE, fb.NONFINITE.format(what=what, case=desc))
        if kind == "int" and x == b and not isinstance(a, int):
            raise Verdict(WRONG_TYPE, fb.NOT_INTEGER + f" ({desc})")
        direction = fb.TOO_BIG if x > b else fb.TOO_SMALL
        raise Verdict(WRONG, f"{what}: {direction} ({desc})")
    if kind == "params":
        if isinstance(a, _BadParams):
            raise Verdict(WRONG_TYPE, a.message + f" ({desc})")
        raise Verdict(WRONG, fb.WRONG_VALUE.format(what=what, case=desc))
    raise Verdict(WRONG, fb.WRONG_VALUE.format(what=what, case=desc))


@dataclass
class _BadParams:
    message: str


def _param_names(value: Any, args: tuple) -> Any:
    """Turn a list of parameters of the model in `args[0]` into a sorted tuple of their names."""
    model = args[0]
    names = {id(p): n for n, p in model.named_parameters()}
    if isinstance(value, (str, bytes, torch.Tensor)) or not hasattr(value, "__iter__"):
        return _BadParams(fb.PARAMS_NOT_A_LIST.format(got=fb.describe_type(value)))
    if isinstance(value, dict):
        return _BadParams(fb.PARAMS_DICT)
    items = list(value)
    if any(isinstance(v, str) for v in items):
        return _BadParams(fb.PARAMS_NAMES)
    if any(id(v) not in names for v in items):
        return _BadParams(fb.PARAMS_FOREIGN)
    picked = [names[id(v)] for v in items]
    if len(set(picked)) != len(picked):
        return _BadParams(fb.PARAMS_TWICE)
    return tuple(sorted(picked))


def seeded(seed: int) -> torch.Generator:
    """A private generator: grading never disturbs the learner's global RNG state."""
    return torch.Generator().manual_seed(seed)


def randn(gen: torch.Generator, *shape: int) -> torch.Tensor:
    """Case data in float32 whatever the learner's default dtype (cases are built once and cached)."""
    return torch.randn(*shape, generator=gen, dtype=torch.float32)

