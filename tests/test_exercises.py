"""The exercises API as a learner meets it: catalog, get, check, hint, solution, and failures that never raise."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
import torch

from sgd_reference import exercises
from sgd_reference.exercises import core

ALL_IDS = exercises.ids()
FUNCTION_IDS = [i for i in ALL_IDS if isinstance(exercises.get(i), exercises.FunctionExercise)]
NUMBER_IDS = [i for i in ALL_IDS if isinstance(exercises.get(i), exercises.NumberExercise)]
HANGUL = re.compile(r"[가-힣]")
LABS = Path(__file__).resolve().parents[1] / "labs"

PLAN_IDS = {  # ids the labs use, by lab, as the book's plan lists them
    "01_learning_rate.ipynb": {"sgd_step", "divergence_lr"},
    "02_five_minute_lab.ipynb": {"random_label_loss"},
    "03_minibatch_noise.ipynb": {"minibatch_grad", "scale_lr", "accumulation_steps", "noise_ratio"},
    "04_momentum.ipynb": {"momentum_step", "optimal_momentum"},
    "05_nesterov.ipynb": {"nesterov_step", "nesterov_lookahead"},
    "06_weight_decay.ipynb": {"weight_decay_step", "split_decay_params", "decoupled_decay_step"},
    "07_sgd_vs_adam.ipynb": {"optimizer_state_bytes"},
    "08_schedule_recipe.ipynb": {"warmup_cosine_lr", "recipe_lr"},
    "09_debugging.ipynb": {"clip_grad_norm", "diagnose_run"},
    "10_data_parallel.ipynb": {"shard_loss_scale", "ddp_effective_batch"},
    "11_step_cost.ipynb": {"step_bytes_per_param"},
}


def solution_answer(ex):
    namespace: dict = {}
    exec(ex.solution_code, namespace)
    return namespace[ex.answer_name]


# --- catalog and lookup -------------------------------------------------------------------------------------


def test_catalog_has_at_least_20_exercises_with_korean_titles_and_labs():
    rows = exercises.catalog()
    assert len(rows) >= 20
    assert len({r[0] for r in rows}) == len(rows)
    for exercise_id, title, lab in rows:
        assert HANGUL.search(title), exercise_id
        assert re.fullmatch(r"(0[1-9]|1[0-9])_\w+\.ipynb", lab), lab
        assert exercises.get(exercise_id).lab == lab


def test_every_id_in_the_book_plan_exists_in_its_lab():
    for lab, ids in PLAN_IDS.items():
        assert ids <= {ex.id for ex in exercises.for_lab(lab)}, lab


def test_unknown_id_raises_key_and_value_error_in_korean_listing_close_ids():
    with pytest.raises(KeyError) as info:
        exercises.get("sgd_stepp")
    message = str(info.value)
    assert "없습니다" in message and "sgd_step" in message and not message.startswith('"')
    with pytest.raises(ValueError):
        exercises.get("momentum")


# --- statement, hints, solution -----------------------------------------------------------------------------


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_prompt_hints_and_solution_are_korean_and_print(exercise_id, capsys):
    ex = exercises.get(exercise_id)
    ex.show()
    assert HANGUL.search(capsys.readouterr().out)
    printed = []
    for level in (1, 2, 3):
        ex.hint(level)
        printed.append(capsys.readouterr().out)
    assert all(HANGUL.search(p) for p in printed)
    assert printed[0] != printed[1]  # progressively more specific, not the same text
    assert ex.hint_text(1) in printed[0]
    ex.hint()  # default level 1
    assert capsys.readouterr().out == printed[0]
    ex.solution()
    code = capsys.readouterr().out
    assert "#" in code and HANGUL.search(code)
    compile(code, "<solution>", "exec")


def test_hint_level_must_be_a_positive_int():
    with pytest.raises(ValueError, match="힌트"):
        exercises.get("sgd_step").hint(0)


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_reference_solution_passes_its_own_check(exercise_id, capsys):
    ex = exercises.get(exercise_id)
    result = ex.check(solution_answer(ex))
    assert result and result.kind == core.CORRECT
    assert capsys.readouterr().out.count("정답입니다") == 1


def _shipped_stub_cells() -> dict[str, str]:
    """The exercise cells of the lab notebooks as a learner first runs them, by exercise id."""
    cells = {}
    for path in sorted(LABS.glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            found = re.search(r'exercises\.get\("(\w+)"\)', source)
            if cell["cell_type"] == "code" and found and ".check(" in source:
                cells[found.group(1)] = source
    return cells


STUB_CELLS = _shipped_stub_cells()


def test_every_lab_exercise_ships_a_stub_cell():
    assert set(STUB_CELLS) == set().union(*PLAN_IDS.values())


@pytest.mark.parametrize("exercise_id", sorted(STUB_CELLS))
def test_the_shipped_stub_gets_the_not_attempted_message(exercise_id, capsys):
    """Each notebook's stub cell, run as it ships (the stub the learner meets, not one the tests made up)."""
    exec(STUB_CELLS[exercise_id], {"exercises": exercises})
    out = capsys.readouterr().out
    assert f"[{exercise_id}] 아직 풀지 않았습니다" in out and "Traceback" not in out


def test_checking_leaves_the_global_rng_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    for exercise_id in ALL_IDS:
        ex = exercises.get(exercise_id)
        ex.check(solution_answer(ex))
    assert torch.equal(torch.rand(3), expected)


# --- shown exactly once in a notebook -------------------------------------------------------------------------


def test_check_as_last_line_of_an_ipython_cell_shows_feedback_once():
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    shell = InteractiveShell.instance()
    shell.user_ns["ex"] = exercises.get("sgd_step")
    shell.run_cell("def sgd_step(param, grad, lr):\n    return param - lr * grad\n")
    with capture_output() as captured:
        shell.run_cell("ex.check(sgd_step)")
    with capture_output() as wrong:
        shell.run_cell("ex.check(lambda p, g, lr: p + lr * g)")
    assert captured.stdout.count("정답입니다") == 1
    assert captured.outputs == []  # the returned result adds no second display
    assert wrong.stdout.count("아직 정답이 아닙니다") == 1 and wrong.outputs == []


def test_feedback_text_is_deterministic(capsys):
    ex = exercises.get("momentum_step")
    outputs = []
    for _ in range(2):
        ex.check(lambda p, g, b, lr, mu, d=0.0: (p + g, g))
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert "0x" not in outputs[0]  # no memory addresses


# --- failures caused by the learner never raise ------------------------------------------------------------


def _raises(*args):
    return [1, 2][5]


def _no_return(*args):
    value = args[0]  # computes something but forgets `return`
    value = value


def _stub_raise(*args):
    raise NotImplementedError


def _stub_ellipsis(*args):
    ...


def _stub_pass(*args):
    """Docstring and pass, like a starter cell."""
    pass


@pytest.mark.parametrize("exercise_id", FUNCTION_IDS)
@pytest.mark.parametrize("answer, kind, words", [
    (_raises, core.EXCEPTION, "IndexError: list index out of range"),
    (_no_return, core.RETURNED_NONE, "return"),
    (_stub_raise, core.NOT_ATTEMPTED, "아직 풀지 않았습니다"),
    (_stub_ellipsis, core.NOT_ATTEMPTED, "아직 풀지 않았습니다"),
    (_stub_pass, core.NOT_ATTEMPTED, "아직 풀지 않았습니다"),
    (42, core.WRONG_TYPE, "함수가 아니라"),
    (None, core.NOT_ATTEMPTED, "아직 풀지 않았습니다"),
])
def test_crashes_and_stubs_get_their_own_message(exercise_id, answer, kind, words, capsys):
    result = exercises.get(exercise_id).check(answer)
    out = capsys.readouterr().out
    assert not result and result.kind == kind, out
    assert words in out
    assert "Traceback" not in out


def test_not_implemented_error_raised_late_is_still_not_attempted():
    def sgd_step(param, grad, lr):
        _ = lr * grad  # some work before giving up
        raise NotImplementedError("여기를 채우세요")

    assert exercises.get("sgd_step").check(sgd_step).kind == core.NOT_ATTEMPTED


def _solution(exercise_id):
    return solution_answer(exercises.get(exercise_id))


TENSOR_IDS = ["sgd_step", "minibatch_grad", "nesterov_lookahead", "weight_decay_step"]
TUPLE_IDS = ["momentum_step", "nesterov_step", "decoupled_decay_step"]
FLOAT_IDS = ["scale_lr", "effective_step", "warmup_cosine_lr", "grad_norm", "shard_loss_scale"]


@pytest.mark.parametrize("exercise_id", TENSOR_IDS)
@pytest.mark.parametrize("wrap, kind, words", [
    (lambda out: out.unsqueeze(0), core.WRONG_SHAPE, "모양(shape)"),
    (lambda out: out * float("nan"), core.NONFINITE, "NaN"),
    (lambda out: out.double(), core.WRONG_DTYPE, "dtype"),
    (lambda out: out.tolist(), core.WRONG_TYPE, "torch.Tensor"),
    (lambda out: out.numpy(), core.WRONG_TYPE, "torch.Tensor"),
])
def test_wrong_shape_nan_dtype_and_type_of_a_tensor_answer(exercise_id, wrap, kind, words, capsys):
    solution = _solution(exercise_id)
    result = exercises.get(exercise_id).check(lambda *args: wrap(solution(*args)))
    out = capsys.readouterr().out
    assert result.kind == kind, out
    assert words in out


@pytest.mark.parametrize("exercise_id", TUPLE_IDS)
def test_tuple_answers_of_the_wrong_length_or_kind(exercise_id, capsys):
    ex = exercises.get(exercise_id)
    solution = _solution(exercise_id)
    assert ex.check(lambda *a: solution(*a)[0]).kind == core.WRONG_TYPE
    assert "튜플" in capsys.readouterr().out
    assert ex.check(lambda *a: (*solution(*a), 0)).kind == core.WRONG_LENGTH
    assert "2개" in capsys.readouterr().out
    assert ex.check(lambda *a: [solution(*a)[0], solution(*a)[1] * float("inf")]).kind == core.NONFINITE
    assert "new_buf" in capsys.readouterr().out


@pytest.mark.parametrize("exercise_id", FLOAT_IDS)
def test_number_returning_functions_reject_strings_and_nan(exercise_id, capsys):
    ex = exercises.get(exercise_id)
    solution = _solution(exercise_id)
    assert ex.check(lambda *a: str(float(solution(*a)))).kind == core.WRONG_TYPE
    assert "숫자" in capsys.readouterr().out
    assert ex.check(lambda *a: float("nan")).kind == core.NONFINITE
    # a one-element tensor is a fine way to return a number
    assert ex.check(lambda *a: torch.tensor(float(solution(*a)), dtype=torch.float64))


@pytest.mark.parametrize("exercise_id, mutate", [
    ("sgd_step", lambda p, g, lr: p.sub_(g.mul_(lr))),
    ("minibatch_grad", lambda g: g.div_(g.shape[0]).sum(dim=0)),
    ("momentum_step", lambda p, g, b, lr, mu, d=0.0: (p - lr * g.mul_(1 - d), g.clone() if b is None else b.mul_(mu).add_(g))),
    ("weight_decay_step", lambda p, g, lr, wd: p - lr * g.add_(p, alpha=wd)),
    ("nesterov_lookahead", lambda p, b, lr, mu: p.sub_(b, alpha=lr * mu)),
])
def test_in_place_change_of_an_input_that_matters_is_named(exercise_id, mutate, capsys):
    result = exercises.get(exercise_id).check(mutate)
    out = capsys.readouterr().out
    assert result.kind == core.MUTATED, out
    assert "제자리" in out


def test_in_place_update_of_param_and_buffer_is_allowed():
    def sgd_step(param, grad, lr):
        param.add_(grad, alpha=-lr)
        return param

    def momentum_step(param, grad, buf, lr, momentum, dampening=0.0):
        if buf is None:
            buf = torch.clone(grad).detach()
        else:
            buf.mul_(momentum).add_(grad, alpha=1 - dampening)
        param.add_(buf, alpha=-lr)
        return param, buf

    assert exercises.get("sgd_step").check(sgd_step)
    assert exercises.get("momentum_step").check(momentum_step)


# --- number questions ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("exercise_id", NUMBER_IDS)
@pytest.mark.parametrize("answer, kind", [
    (..., core.NOT_ATTEMPTED), (None, core.NOT_ATTEMPTED), ("0.5", core.WRONG_TYPE), ([1.0], core.WRONG_TYPE),
    (True, core.WRONG_TYPE), (float("nan"), core.NONFINITE), (float("inf"), core.NONFINITE),
    (lambda: 1.0, core.WRONG_TYPE), (torch.ones(2), core.WRONG_TYPE),
])
def test_number_questions_handle_odd_answers(exercise_id, answer, kind, capsys):
    result = exercises.get(exercise_id).check(answer)
    assert result.kind == kind, capsys.readouterr().out


@pytest.mark.parametrize("exercise_id", NUMBER_IDS)
def test_number_questions_accept_tensors_and_rounded_values(exercise_id):
    ex = exercises.get(exercise_id)
    assert ex.check(torch.tensor(ex._answer))
    assert ex.check(float(f"{ex._answer:.4g}"))
    assert ex.check(float(f"{ex._answer:.3g}"))


def _number_spellings(x: float) -> set[str]:
    forms = {repr(x), f"{x:.2f}", f"{x:.3f}", f"{x:.4f}", f"{x:.3g}", f"{x:.4g}", f"{x:g}"}
    return {f for f in forms if f.strip("0.") != ""}


@pytest.mark.parametrize("exercise_id", NUMBER_IDS)
def test_number_feedback_never_gives_the_answer_away(exercise_id, capsys):
    ex = exercises.get(exercise_id)
    tried = [m.value for m in ex.mistakes] + [ex._answer * 1.5, ex._answer * 0.5, -1.0, 0.0, 1e6]
    for value in tried:
        ex.check(value)
    for level in (1, 2, 3):
        ex.hint(level)  # hints may state the formula, but not the number
    text = capsys.readouterr().out
    for spelling in _number_spellings(ex._answer):
        assert spelling not in text, (exercise_id, spelling)


def test_number_mistakes_are_not_accepted_and_too_big_too_small_otherwise(capsys):
    ex = exercises.get("divergence_lr")
    assert ex.check(0.5005) and ex.check(1 / 2)
    assert ex.check(0.9).message == "값이 너무 큽니다."
    assert ex.check(0.4).message == "값이 너무 작습니다."
    assert math.isclose(ex._answer, 2 / 4)


def test_a_choice_exercise_is_not_tied_to_lab_9s_causes(capsys):
    from sgd_reference.exercises.choice import ChoiceExercise

    ex = ChoiceExercise(id="pick", title="고르기", lab="00_x.ipynb", prompt="p", hints=["a", "b"],
                        solution_code='answer = "XY"', answer="XY", item="문항",
                        options={"X": "X 는 느린 경우입니다.", "Y": "Y 는 빠른 경우입니다.", "Z": "Z 는 없는 경우입니다."})
    assert ex.check("x, y")
    result = ex.check({1: "Z", 2: "Y"})
    out = capsys.readouterr().out
    assert result.kind == core.MISTAKE and "2개 중 1개가 맞았습니다" in out and "- 1번 문항: Z 는 없는 경우입니다." in out
    assert ex.check("XW").kind == core.WRONG_TYPE and "2번 문항의 답 'W' 는 보기에 없습니다. X, Y, Z" in capsys.readouterr().out
    assert ex.check(None).kind == core.NOT_ATTEMPTED


def test_the_exercises_velocity_rule_is_torchs_momentum_buffer():
    """The one velocity rule the exercises' mistakes are written with (momentum, Nesterov, SGDW) is torch's."""
    from sgd_reference.exercises.reference import torch_sgd_step, velocity

    g = torch.Generator().manual_seed(3)
    p, grad, buf = (torch.randn(5, generator=g) for _ in range(3))
    for previous in (None, buf):
        _, expected = torch_sgd_step(p, grad, previous, 0.1, momentum=0.9, dampening=0.3)
        # within float32 rounding: torch fuses (1 − τ)·g into its add (the graders compare with a tolerance)
        assert torch.allclose(velocity(grad, previous, 0.9, 0.3), expected, rtol=1e-6, atol=0)
