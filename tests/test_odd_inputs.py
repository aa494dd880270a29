"""Every public function against a learner's odd inputs (issue 14): a Korean error or a result, never an internal one.

The functions are found, not listed: each module's ``__all__`` (or its public names), so a new public function is
covered without editing this file. Each parameter in turn gets each odd value (None, a bool, a string, NaN, inf,
a negative number, 0, a number too big for any dtype, a list, tensors of the wrong shape, numpy and 0-d tensor
numbers) while the others keep cheap valid values. The call must either work or raise a ``TypeError``/``ValueError``
(``validation.InvalidArgument`` is both) whose message is Korean. An ``AttributeError``, ``IndexError``,
``ZeroDivisionError``, ``RuntimeError``, an English ``TypeError`` from deep inside, or a call that runs on for
seconds is a finding. What is left out is listed in ``NOT_TESTED`` with the reason.
"""

from __future__ import annotations

import importlib
import inspect
import math
import pkgutil
import re
from dataclasses import is_dataclass

import numpy as np
import pytest
import torch

import sgd_reference
from sgd_reference import exercises
from sgd_reference.exercises.core import _GradingTimeout as _TooSlow
from sgd_reference.exercises.core import _time_limit
from sgd_reference.gradients import NonFiniteError
from sgd_reference.teaching import datasets, training

HANGUL = re.compile(r"[가-힣]")
SECONDS = 5  # a cheap valid call takes well under a second; an odd value must not start a long run
# The first optimizer and scheduler import torch._dynamo (seconds): do it here, not inside a time-limited call, where
# the alarm could cut the import in half and leave a broken module behind.
torch.optim.lr_scheduler.LambdaLR(torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1), lambda step: 1.0)

# Modules whose functions a learner is not meant to call with their own values: drawing helpers that take matplotlib
# axes, the widget and plotting toolkit the labs are built from, the graders' construction kit, the validation
# module itself (tested on its own), and the distributed launcher (it forks ranks; tested in test_distributed.py).
NOT_TESTED_MODULES = {
    "sgd_reference.validation": "the checks themselves (tests/test_validation.py)",
    "sgd_reference.distributed": "forks worker processes; its arguments are tested in tests/test_distributed.py",
    "sgd_reference.teaching.widgets": "lab authors' toolkit (slider ranges are fixed in the labs)",
    "sgd_reference.teaching.plotting": "takes matplotlib axes from the labs' own figures",
    "sgd_reference.teaching.caching": "a decorator",
    "sgd_reference.exercises.core": "the graders' construction kit (answers are tested in test_exercises*)",
    "sgd_reference.exercises.choice": "the graders' construction kit",
    "sgd_reference.exercises.feedback": "message texts",
    "sgd_reference.exercises.reference": "torch's own functions, called by the graders with their own cases",
    "sgd_reference.labs.explorable_data": "writes the site's precomputed figure data at build time (tools/explorable_data.py)",
}
NOT_TESTED = {
    "sgd_reference.teaching.training.keeps_global_rng": "a decorator",
    "sgd_reference.labs.data_parallel.describe": "takes a result of forked gloo ranks (tests/test_data_parallel_lab.py)",
    "sgd_reference.labs.data_parallel.render_differences": "takes results of forked gloo ranks",
    "sgd_reference.labs.data_parallel.linear_scaling_runs": "forks gloo ranks (tests/test_data_parallel_lab.py)",
    "sgd_reference.labs.data_parallel.scaling_label": "takes the runs of linear_scaling_runs (forked ranks)",
    "sgd_reference.labs.data_parallel.scaling_table": "takes the runs of linear_scaling_runs (forked ranks)",
    "sgd_reference.labs.data_parallel.render_linear_scaling": "takes the runs of linear_scaling_runs (forked ranks)",
    "sgd_reference.labs.valley_figures.draw_contours": "takes matplotlib axes",
    "sgd_reference.labs.valley_figures.draw_error": "takes matplotlib axes",
    "sgd_reference.labs.valley_figures.draw_path": "takes matplotlib axes",
    "sgd_reference.labs.valley_figures.new_figure": "a figure factory",
    "sgd_reference.labs.valley_figures.finite_axes_limits": "reads a figure the labs drew",
    "sgd_reference.labs.momentum_figures.draw_stable_region": "takes matplotlib axes",
    "sgd_reference.labs.decay_experiments.weight_decay_text": "takes two runs of train_noisy_task (the panel's status "
                                                              "line, tested through render_weight_decay)",
    "sgd_reference.labs.failures.explorable_point": "one point of the site's precomputed grid, called with the grid's "
                                                    "own values by tools/explorable_data.py (tests/test_explorable_data.py)",
    "sgd_reference.labs.recipe.explorable_point": "one point of the site's precomputed grid, called with the grid's "
                                                  "own values by tools/explorable_data.py (tests/test_schedule_explorable.py)",
    "sgd_reference.labs.optimizer_comparison.explorable_point": "one point of the site's precomputed grid, called "
                                                                "with the grid's own values by tools/explorable_data.py "
                                                                "(tests/test_optimizer_sweep_explorable.py)",
    "sgd_reference.labs.batch_noise.explorable_point": "one point of the site's precomputed grid, called with the "
                                                       "grid's own values by tools/explorable_data.py "
                                                       "(tests/test_batch_noise.py)",
    "sgd_reference.labs.data_parallel.data_parallel_run": "forks gloo ranks for one point of the site's precomputed "
                                                          "grid (tests/test_data_parallel_explorable.py)",
    "sgd_reference.labs.data_parallel.data_parallel_text": "takes the result of data_parallel_run (forked ranks)",
    "sgd_reference.labs.data_parallel.explorable_point": "one point of the site's precomputed grid, called with the "
                                                         "grid's own values by tools/explorable_data.py "
                                                         "(tests/test_data_parallel_explorable.py)",
    "sgd_reference.labs.step_cost.measure_step_times": "times five optimisers, one compiled by torch.compile (tens of "
                                                        "seconds); its arguments are tested in tests/test_step_cost.py",
}


def _tiny_model():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    model(torch.randn(5, 3)).sum().backward()
    return model


def _log():
    return training.TrainLog(losses=[2.3, 1.0, 0.5], grad_norms=[1.0, 0.5, 0.4], lrs=[0.1] * 3, eval_steps=[3],
                             val_losses=[0.6], val_accuracies=[0.8])


def _split():
    return datasets.teacher_classification(num_train=32, num_val=16, num_features=32, seed=0)


def _decay_run():
    from sgd_reference.labs.decay_experiments import DecayRun

    return DecayRun(0.0, 0.9, "coupled", [0, 3], [1.0, 1.1], [0.5, 0.6], [0.4, 0.5], [1.0, 0.9], [1.1, 1.0], None)


def _cheap_noise():
    return sgd_reference.labs.batch_noise.measure_gradient_noise(batch_sizes=(1, 2, 4), num_batches=8)


def _recipe_run():
    from sgd_reference.labs.recipe import RecipeRun

    return RecipeRun(0.01, 0.01, 64, 2, "warmup_cosine", _log())


# Valid values for required parameters, by parameter name: factories, so each call gets fresh objects.
REQUIRED = {
    "lr": lambda: 0.1, "lr0": lambda: 0.1, "base_lr": lambda: 0.1, "momentum": lambda: 0.5,
    "weight_decay": lambda: 0.01, "kappa": lambda: 10.0, "curvature": lambda: 4.0, "curvatures": lambda: [1.0, 0.5],
    "largest": lambda: 1.0, "smallest": lambda: 0.1, "largest_curvature": lambda: 1.0, "t0": lambda: 10.0,
    "steps": lambda: 3, "step": lambda: 1, "total_steps": lambda: 10, "warmup_steps": lambda: 2,
    "change_step": lambda: 1, "batch_size": lambda: 8, "new_batch_size": lambda: 16, "micro_batch_size": lambda: 4,
    "target_batch_size": lambda: 8, "num_samples": lambda: 64, "sigma2": lambda: 1.0,
    "model": _tiny_model, "params": lambda: list(_tiny_model().parameters()),
    "params_or_grads": lambda: list(_tiny_model().parameters()), "max_norm": lambda: 1.0,
    "log": _log, "method": lambda: "gd", "x0": lambda: [1.0, 1.0], "mode": lambda: "coupled",
    "distances": lambda: [1.0, 0.5, 0.25, 0.125], "lrs": lambda: [0.1, 0.1, 0.1],
    "losses": lambda: [1.0, 0.9, 0.8], "values": lambda: [1.0, 0.5, 0.25], "batch_sizes": lambda: [1, 2, 4],
    "rate": lambda: 0.5, "target": lambda: 0.5, "window": lambda: 2, "name": lambda: "sgd",
    "exercise_id": lambda: "sgd_step", "lab": lambda: "01_learning_rate.ipynb", "loss": lambda: 1.0,
    "points": lambda: np.ones((2, 2)), "grad_fn": lambda: (lambda t: t), "theta0": lambda: torch.ones(2),
    "phi0": lambda: torch.ones(2), "theta": lambda: torch.ones(2), "phi": lambda: torch.ones(2),
    "v": lambda: torch.ones(2), "grad": lambda: torch.ones(2), "velocity": lambda: None,
    "optimizer": lambda: torch.optim.SGD(_tiny_model().parameters(), lr=0.1),
    "config": lambda: sgd_reference.labs.failures.RunConfig(steps=3),
    "split": _split, "x": lambda: torch.ones(4, 3), "y": lambda: torch.zeros(4, dtype=torch.long),
    "w": lambda: torch.zeros(3), "inputs": lambda: torch.ones(4, 3), "targets": lambda: torch.zeros(4, dtype=torch.long),
    "loss_fn": lambda: torch.nn.functional.cross_entropy, "groups": lambda: [{"params": [torch.zeros(2)]}],
    "data": lambda: [], "first_loss": lambda: 2.3, "thetas": lambda: [torch.ones(2)], "grads": lambda: [torch.ones(2)],
    "velocities": lambda: [None], "runs": lambda: [_decay_run()], "run": _recipe_run,
    "configs_and_labels": lambda: [(sgd_reference.labs.failures.RunConfig(steps=3), "기준")],
    "title": lambda: "제목", "losses_by_lr": lambda: {0.1: [2.3, 2.2]},
    "rows": lambda: sgd_reference.labs.five_minute.seed_table(seeds=range(1), steps=2),
    "comparison": lambda: sgd_reference.labs.noise_floor.DecayComparison(3, [1.0, 0.5, 0.4], [1.0, 0.5, 0.3], 0.3, 0.1),
    "table": lambda: [sgd_reference.labs.noise_floor.FloorRow(0.1, 4, 0.01, 0.011)],
}
# Cheaper values for parameters that have defaults, so that a value accepted as valid does not start a long run.
CHEAP = {"steps": 3, "epochs": 1, "seeds": 2, "num_batches": 8, "num_samples": 64, "num_train": 16, "num_val": 8}
# Per function: valid values where the name alone is not enough.
OVERRIDES = {
    "sgd_reference.labs.five_minute.seed_table": {"seeds": lambda: range(2)},
    "sgd_reference.labs.failures.run": {"config": lambda: sgd_reference.labs.failures.RunConfig(steps=3)},
    "sgd_reference.labs.batch_noise.render_noise": {"result": lambda: _cheap_noise()},
    "sgd_reference.labs.batch_noise.train_epochs": {"split": _split, "batch_size": lambda: 8},
    "sgd_reference.labs.decay_experiments.decay_sweep": {"weight_decays": lambda: (0.0,)},
    "sgd_reference.labs.decay_experiments.render_decay_sweep": {"weight_decays": lambda: (0.0, 1e-2)},
    "sgd_reference.labs.failures.spot_spikes": {"config": lambda: sgd_reference.labs.failures.RunConfig(steps=3)},
    "sgd_reference.labs.optimizer_comparison.seed_sweeps": {"seeds": lambda: range(1)},
    "sgd_reference.labs.optimizer_comparison.seed_width_table": {"seeds": lambda: range(1)},
    "sgd_reference.labs.optimizer_comparison.lr_sweep": {"name": lambda: "sgd_momentum", "lrs": lambda: [0.1]},
    "sgd_reference.labs.batch_noise.per_sample_gradients": {"x": lambda: torch.ones(4, 3, dtype=torch.float64),
                                                           "y": lambda: torch.ones(4, dtype=torch.float64),
                                                           "w": lambda: torch.zeros(3, dtype=torch.float64)},
    "sgd_reference.labs.nesterov_figures.form_differences": {"lrs": lambda: [0.1, 0.1, 0.1]},
    "sgd_reference.labs.data_parallel.scaling_config": {"workers": lambda: 2},
    "sgd_reference.labs.data_parallel.lr_for_workers": {"workers": lambda: 2, "rule": lambda: "linear"},
    "sgd_reference.labs.step_cost.state_memory": {"shapes": lambda: [(3, 4), (5,)]},
    "sgd_reference.labs.step_cost.state_table": {"rows": lambda: sgd_reference.labs.step_cost.state_memory([(3, 4)])},
    "sgd_reference.labs.step_cost.render_step_times": {"result": lambda: {
        "tensors": 1, "parameters": 12, "rounds": 3, "bandwidth_GBps": 10.0, "bound_ms": 0.01,
        "median_ms": {"torch for 루프": 0.02, "sgd_reference fused=True": 0.012},
        "ratio": {"torch for 루프": 2.0, "sgd_reference fused=True": 1.2}}},
    "sgd_reference.labs.quadratic.run": {"lr": lambda: 0.1, "curvatures": lambda: [1.0, 0.5], "steps": lambda: 3},
    "sgd_reference.labs.recipe.make_scheduler": {"schedule": lambda: "warmup_cosine", "total_steps": lambda: 10},
    "sgd_reference.labs.optimizer_comparison.make_optimizer": {"params": lambda: _tiny_model().parameters()},
    "sgd_reference.labs.optimizer_comparison.train_digits": {"steps": lambda: 3, "eval_every": lambda: 1},
    "sgd_reference.teaching.training.batches": {"split": _split, "steps": lambda: 3},
    "sgd_reference.teaching.training.evaluate": {"model": lambda: training.mlp(), "x": lambda: _split().x_val,
                                                "y": lambda: _split().y_val},
    "sgd_reference.labs.five_minute.expected_random_label_loss": {"model": lambda: training.mlp(),
                                                                   "x": lambda: torch.ones(4, 32)},
}
ODD = {
    "None": None, "bool": True, "str": "0.1", "nan": math.nan, "inf": math.inf, "negative": -1, "zero": 0,
    "huge int": 10**30, "huge float": 1e308, "list": [0.1], "dict": {"a": 1}, "2-d tensor": torch.ones(2, 3),
}


def _other_spellings(valid):
    """The valid value as a numpy scalar and as a 0-d tensor (0.5 where the valid value is not a number): they must
    work where the number works, and equal values hit the labs' cached runs, so they cost no new training."""
    if isinstance(valid, bool) or not isinstance(valid, (int, float)):
        valid = 0.5
    return {"numpy": (np.int64 if isinstance(valid, int) else np.float64)(valid), "0-d tensor": torch.tensor(valid)}
KOREAN_ERRORS = (TypeError, ValueError, NonFiniteError)
# These reproduce torch.optim.SGD and raise torch's own (English) errors for bad arguments, as torch does: for them
# only an internal error counts (tests/test_optimizer.py checks that SGD raises what torch raises).
MIRRORS_TORCH = {"sgd_reference.optimizer.SGD", "sgd_reference.weight_decay.SGDW", "sgd_reference.functional.sgd_step",
                 "sgd_reference.functional.sgd_foreach_step"}
INTERNAL = (AttributeError, IndexError, KeyError, ZeroDivisionError, NameError, AssertionError)


def _modules():
    names = [m.name for m in pkgutil.walk_packages(sgd_reference.__path__, "sgd_reference.")]
    return [importlib.import_module(n) for n in ["sgd_reference", *names]
            if n not in NOT_TESTED_MODULES and not n.endswith("__main__")]


def _public_functions():
    found = {}
    for module in _modules():
        names = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
        for name in names:
            obj = getattr(module, name, None)
            qualified = f"{module.__name__}.{name}"
            if qualified in NOT_TESTED or getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isclass(obj) and (is_dataclass(obj) or issubclass(obj, (BaseException, tuple))):
                continue  # result records and errors: built by the package, not by a learner
            if callable(obj) and inspect.signature(obj).parameters:
                found[qualified] = obj
    return found


FUNCTIONS = _public_functions()
_WORKS: dict[str, str | None] = {}
CASES = [(qualified, parameter) for qualified, fn in FUNCTIONS.items()
         for parameter in inspect.signature(fn).parameters.values()
         if parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)]


def _valid_arguments(qualified, fn):
    overrides = OVERRIDES.get(qualified, {})
    arguments = {}
    for name, parameter in inspect.signature(fn).parameters.items():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        if name in overrides:
            arguments[name] = overrides[name]()
        elif parameter.default is not parameter.empty:
            arguments[name] = CHEAP.get(name, parameter.default)
        elif name in REQUIRED:
            arguments[name] = REQUIRED[name]()
        else:
            pytest.fail(f"{qualified}: no valid value is known for its parameter {name!r}. Add one to REQUIRED (by name) "
                        "or OVERRIDES (for this function) in tests/test_odd_inputs.py, or list the function in NOT_TESTED "
                        "with the reason a learner never calls it.")
    return arguments


def _call(fn, arguments, mirrors_torch=False):
    """None when the call worked or raised a Korean TypeError/ValueError; otherwise what went wrong."""
    positional = [v for k, v in arguments.items()
                  if inspect.signature(fn).parameters[k].kind == inspect.Parameter.POSITIONAL_ONLY]
    keywords = {k: v for k, v in arguments.items()
                if inspect.signature(fn).parameters[k].kind != inspect.Parameter.POSITIONAL_ONLY}
    try:
        with _time_limit(SECONDS), torch.random.fork_rng(devices=[]):
            result = fn(*positional, **keywords)
            if inspect.isgenerator(result):
                list(result)
    except _TooSlow:  # the graders' time limit (SIGALRM), reused
        return f"ran on for more than {SECONDS} s"
    except Exception as error:  # noqa: BLE001 - this is what the test looks for
        shown = f"{type(error).__name__}: {str(error)[:160]}"
        if isinstance(error, KOREAN_ERRORS):  # (UnknownExerciseError is a KeyError and a ValueError)
            return None if mirrors_torch or HANGUL.search(str(error)) else f"without a Korean message: {shown}"
        if mirrors_torch and not isinstance(error, INTERNAL):
            return None  # torch's own RuntimeError/OverflowError, as torch.optim.SGD gives
        return f"internal {shown}"
    return None


@pytest.fixture(autouse=True)
def _no_png(monkeypatch):
    """Panels render their figure as usual but skip turning it into a PNG (a second per draw; not what is tested)."""
    monkeypatch.setattr(sgd_reference.teaching.widgets, "display_figure", lambda figure: None)


def test_the_functions_are_found():
    assert len(FUNCTIONS) > 80 and "sgd_reference.labs.five_minute.render_comparison" in FUNCTIONS
    assert "sgd_reference.gradients.clip_grad_norm" in FUNCTIONS


@pytest.mark.parametrize("qualified, parameter", CASES, ids=[f"{q.removeprefix('sgd_reference.')}:{p.name}"
                                                            for q, p in CASES])
def test_an_odd_value_gets_a_korean_error_or_works(qualified, parameter):
    fn = FUNCTIONS[qualified]
    mirrors_torch = qualified in MIRRORS_TORCH
    if qualified not in _WORKS:  # once per function: the valid call itself must work
        _WORKS[qualified] = _call(fn, _valid_arguments(qualified, fn))
    assert _WORKS[qualified] is None, (f"the valid call itself must work: {_WORKS[qualified]} (give {qualified} valid "
                                       "values in OVERRIDES in tests/test_odd_inputs.py)")
    findings = []
    for label, odd in {**ODD, **_other_spellings(_valid_arguments(qualified, fn)[parameter.name])}.items():
        arguments = _valid_arguments(qualified, fn)
        arguments[parameter.name] = odd
        problem = _call(fn, arguments, mirrors_torch)
        if problem:
            findings.append(f"{parameter.name}={label}: {problem}")
    assert not findings, "\n".join(findings)


@pytest.mark.parametrize("field", [f.name for f in __import__("dataclasses").fields(
    sgd_reference.labs.failures.RunConfig)])
def test_a_run_config_built_with_an_odd_field_gets_a_korean_error(field):
    """``RunConfig`` is the one settings record a learner builds (lab 9); ``run`` checks it before training."""
    failures = sgd_reference.labs.failures
    findings = []
    for label, odd in ODD.items():
        problem = _call(failures.run, {"config": failures.RunConfig(**{"steps": 3, field: odd})})
        if problem:
            findings.append(f"{field}={label}: {problem}")
    assert not findings, "\n".join(findings)


@pytest.mark.parametrize("exercise_id", exercises.ids())
def test_hints_and_checks_take_odd_inputs(exercise_id, capsys):
    """``ex.hint(level)`` answers a bad level in Korean; ``ex.check(answer)`` never raises, whatever the answer."""
    ex = exercises.get(exercise_id)
    findings = [f"hint({label}): {problem}" for label, odd in ODD.items()
                if (problem := _call(ex.hint, {"level": odd}))]
    for label, odd in ODD.items():
        try:
            result = ex.check(odd)
        except Exception as error:  # noqa: BLE001
            findings.append(f"check({label}) raised {type(error).__name__}: {error}")
        else:
            findings += [] if not result and HANGUL.search(result.message) else [f"check({label}) accepted"]
    capsys.readouterr()
    assert not findings, "\n".join(findings)
