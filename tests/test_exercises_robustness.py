"""What a confused or mischievous learner does to a grader (issue 14): each reproduction failed before its fix.

A grader must stay right whatever the notebook did before (default dtype, autograd off, patched torch), must
reject an answer that only looks right (a buffer that is the gradient itself), must blame the learner's answer
when it is the learner's (a number beyond float, a meta or sparse tensor), and must stop a never-ending answer.
"""

from __future__ import annotations

import time
from fractions import Fraction

import pytest
import torch

from sgd_reference import exercises
from sgd_reference.exercises import core
from sgd_reference.exercises import feedback as fb

FUNCTION_IDS = [i for i in exercises.ids() if isinstance(exercises.get(i), core.FunctionExercise)]
NUMBER_IDS = [i for i in exercises.ids() if isinstance(exercises.get(i), core.NumberExercise)]


def reference(exercise_id):
    ex = exercises.get(exercise_id)
    return ex._reference if isinstance(ex, core.FunctionExercise) else ex._answer


@pytest.fixture
def fresh(monkeypatch):
    """Each test grades with caches emptied, as a new kernel would."""
    for exercise_id in FUNCTION_IDS:
        ex = exercises.get(exercise_id)
        monkeypatch.setattr(ex, "_expected", None)
        monkeypatch.setattr(ex, "_mistake_outs", {})
        monkeypatch.setattr(ex, "_cases", None)


@pytest.mark.parametrize("dtype", [torch.float64, torch.float16, torch.bfloat16])
@pytest.mark.parametrize("exercise_id", FUNCTION_IDS)
def test_a_changed_default_dtype_neither_breaks_grading_nor_sticks(exercise_id, dtype, fresh, capsys):
    ex = exercises.get(exercise_id)
    torch.set_default_dtype(dtype)
    try:
        result = ex.check(reference(exercise_id))
    finally:
        assert torch.get_default_dtype() == dtype, "grading must give the learner's setting back"
        torch.set_default_dtype(torch.float32)
    out = capsys.readouterr().out
    assert result, out
    assert "set_default_dtype" in out  # the feedback says what it set aside
    assert ex.check(reference(exercise_id))  # and nothing poisoned stayed cached


def test_optimizer_state_bytes_reproduction_from_the_issue(fresh, capsys):
    ex = exercises.get("optimizer_state_bytes")
    torch.set_default_dtype(torch.float64)
    try:
        assert ex.check(ex._reference)
    finally:
        torch.set_default_dtype(torch.float32)
    assert ex.check(ex._reference)


def test_a_failing_reference_is_reported_as_the_graders_and_never_cached(fresh, monkeypatch, capsys):
    ex = exercises.get("sgd_step")
    real = ex._reference
    monkeypatch.setattr(ex, "_reference", lambda *args: 1 / 0)
    result = ex.check(real)
    assert result.kind == core.INTERNAL and "여러분의 답 때문이 아닙니다" in result.message
    monkeypatch.setattr(ex, "_reference", real)
    assert ex.check(real), "a reference failure must not stay cached"


def test_autograd_switched_off_by_the_learner_does_not_break_grading(fresh, capsys):
    torch.set_grad_enabled(False)
    try:
        results = [exercises.get(i).check(reference(i)) for i in FUNCTION_IDS]
    finally:
        assert not torch.is_grad_enabled()
        torch.set_grad_enabled(True)
    assert all(results), capsys.readouterr().out


@pytest.mark.parametrize("owner, name, fake", [
    (torch, "allclose", lambda *a, **k: True),
    (torch, "equal", lambda *a, **k: True),
    (torch.Tensor, "add_", lambda self, *a, **k: self),
])
def test_patched_torch_functions_are_set_aside_while_grading(owner, name, fake, monkeypatch, capsys):
    monkeypatch.setattr(owner, name, fake)
    wrong = lambda p, g, lr: p + lr * g  # noqa: E731  (sign error)
    result = exercises.get("sgd_step").check(wrong)
    assert getattr(owner, name) is fake, "the learner's patch is theirs again after grading"
    out = capsys.readouterr().out
    assert not result and name in out


@pytest.mark.parametrize("exercise_id", ["momentum_step", "nesterov_step", "decoupled_decay_step"])
def test_a_first_step_buffer_that_is_the_gradient_itself_is_rejected(exercise_id, capsys):
    ex = exercises.get(exercise_id)
    solution = reference(exercise_id)

    def aliasing(param, grad, buf, *rest):
        new_param, new_buf = solution(param, grad, buf, *rest)
        return new_param, (grad if buf is None else new_buf)

    result = ex.check(aliasing)
    assert result.kind == core.ALIASED
    assert "grad.clone()" in result.message and "new_buf" in result.message
    # a buffer updated in place (buf may change, as torch's does) is fine
    assert ex.check(lambda p, g, b, *rest: solution(p, g, b, *rest))


def test_a_view_of_the_gradient_is_aliasing_too(capsys):
    solution = reference("momentum_step")

    def view(param, grad, buf, lr, momentum, dampening=0.0):
        new_param, new_buf = solution(param, grad, buf, lr, momentum, dampening)
        return new_param, (grad.view(grad.shape) if buf is None else new_buf)

    assert exercises.get("momentum_step").check(view).kind == core.ALIASED


@pytest.mark.parametrize("exercise_id", NUMBER_IDS)
@pytest.mark.parametrize("answer", [10 ** 400, -(10 ** 400), Fraction(10 ** 400, 3)])
def test_a_number_beyond_float_is_the_learners_answer_not_a_grader_error(exercise_id, answer, capsys):
    result = exercises.get(exercise_id).check(answer)
    assert result.kind == core.WRONG and result.message == fb.BEYOND_FLOAT


@pytest.mark.parametrize("exercise_id", NUMBER_IDS)
def test_an_exact_fraction_equal_to_the_answer_is_accepted(exercise_id, capsys):
    assert exercises.get(exercise_id).check(Fraction(reference(exercise_id)))


@pytest.mark.parametrize("make, words", [
    (lambda t: torch.empty_like(t, device="meta"), "meta"),
    (lambda t: t.to_sparse(), "희소"),
    (lambda t: t.to(torch.complex64), "복소수"),
])
def test_exotic_tensors_get_a_learners_message(make, words, capsys):
    solution = reference("sgd_step")
    result = exercises.get("sgd_step").check(lambda p, g, lr: make(solution(p, g, lr)))
    assert result.kind == core.WRONG_TYPE and words in result.message, result.message


def test_an_answer_that_never_ends_is_stopped_with_a_korean_message(monkeypatch, capsys):
    monkeypatch.setattr(core, "GRADING_SECONDS", 0.5)
    started = time.perf_counter()

    def sleepy(p, g, lr):
        try:
            time.sleep(30)
        except Exception:  # a learner's blanket except must not swallow the stop
            pass
        return p - lr * g

    result = exercises.get("sgd_step").check(sleepy)
    assert time.perf_counter() - started < 5
    assert result.kind == core.TIMEOUT and "0.5초" in result.message


def test_the_reference_and_cases_are_not_public_attributes():
    for exercise_id in exercises.ids():
        ex = exercises.get(exercise_id)
        assert not hasattr(ex, "reference") and not hasattr(ex, "cases") and not hasattr(ex, "answer"), exercise_id
