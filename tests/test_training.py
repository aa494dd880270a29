"""The shared training loop: same numbers for the same seed, and a divergence that stops cleanly."""

from __future__ import annotations

import math

import pytest
import torch

from sgd_reference.teaching import datasets, training


def run(lr, steps=30, **kwargs):
    split = datasets.teacher_classification(num_train=256, num_val=256, seed=1)
    model = training.mlp(seed=0)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    return training.train(model, opt, training.batches(split, 32, steps, seed=0),
                          val=(split.x_val, split.y_val), eval_every=10, **kwargs)


def test_same_seed_gives_identical_logs():
    a, b = run(0.05), run(0.05)
    assert a.losses == b.losses and a.val_accuracies == b.val_accuracies


def test_a_learnable_task_is_learned():
    log = run(0.1, steps=200)
    assert not log.diverged
    assert log.losses[-1] < 0.5 * log.losses[0]
    assert log.val_accuracies[-1] > 0.5  # 10 classes: chance is 0.1


def test_huge_learning_rate_diverges_and_is_reported_in_korean():
    log = run(1e4)
    assert log.diverged and log.diverged_at is not None and log.diverged_at < 30
    assert "발산" in log.summary("lr=1e4")
    assert len(log.losses) == log.diverged_at + 1


def test_clipping_keeps_logged_norm_before_clipping():
    log = run(0.05, steps=5, max_grad_norm=1e-3)
    assert all(n > 1e-3 for n in log.grad_norms)


def _manual_run(steps, max_norm):
    """The document's loop written out with torch's own norm and clipping: what `train` must log and do."""
    split = datasets.teacher_classification(num_train=256, num_val=256, seed=1)
    model = training.mlp(seed=0)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    norms = []
    for x, y in training.batches(split, 32, steps, seed=0):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        if max_norm is None:
            norms.append(float(torch.nn.utils.get_total_norm([p.grad for p in model.parameters()])))
        else:
            norms.append(float(torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)))
        opt.step()
    return norms, [p.detach().clone() for p in model.parameters()]


@pytest.mark.parametrize("max_norm", [None, 0.5])
def test_logged_norm_and_clipping_are_torchs_bit_for_bit(max_norm):
    """One global norm in the package (gradients.global_grad_norm / clip_grad_norm, torch's rounding order)."""
    split = datasets.teacher_classification(num_train=256, num_val=256, seed=1)
    model = training.mlp(seed=0)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    log = training.train(model, opt, training.batches(split, 32, 8, seed=0), max_grad_norm=max_norm)
    norms, params = _manual_run(8, max_norm)
    assert log.grad_norms == norms
    assert all(torch.equal(a, b) for a, b in zip(model.parameters(), params))


@pytest.mark.parametrize("loss, first, diverged", [
    (math.nan, 1.0, True), (math.inf, None, True), (5.0, None, False), (1000.0, 1.0, False), (1000.1, 1.0, True),
    (1e-6, 0.0, False), (1e-4, 0.0, True),  # a first loss of 0 counts as 1e-8
])
def test_one_divergence_rule(loss, first, diverged):
    assert training.loss_diverged(loss, first) is diverged
    assert training.loss_diverged(loss, first, factor=math.inf) is (not math.isfinite(loss))


def test_train_validates_its_arguments():
    with pytest.raises(TypeError, match="Module"):
        training.train("model", None, [])
    model = training.mlp()
    with pytest.raises(TypeError, match="Optimizer"):
        training.train(model, "sgd", [])
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for bad in ({"eval_every": 0}, {"max_grad_norm": -1.0}, {"divergence_threshold": "큼"}):
        with pytest.raises(ValueError, match="[가-힣]"):
            training.train(model, opt, [], **bad)


def test_moving_average_smooths_and_validates():
    assert training.moving_average([1, 3, 5, 7], 2) == [1, 2, 4, 6]
    with pytest.raises(ValueError):
        training.moving_average([1.0], 0)


def test_digits_is_standardised_and_split_reproducibly():
    a, b = datasets.digits(seed=0), datasets.digits(seed=0)
    assert torch.equal(a.x_train, b.x_train) and a.num_classes == 10 and a.num_features == 64
    assert len(a.x_val) == round(1797 * 0.25)
    assert a.x_train.mean().abs() < 1e-4


def test_label_noise_changes_only_training_labels():
    clean = datasets.teacher_classification(seed=3)
    noisy = datasets.teacher_classification(seed=3, label_noise=0.3)
    assert torch.equal(clean.y_val, noisy.y_val)
    changed = (clean.y_train != noisy.y_train).float().mean().item()
    assert 0.15 < changed < 0.35


def test_dataset_arguments_are_checked_with_korean_messages():
    with pytest.raises(ValueError, match="label_noise"):
        datasets.teacher_classification(label_noise=1.5)
    with pytest.raises(TypeError, match="정수"):
        datasets.teacher_classification(num_train=2.5)
    with pytest.raises(ValueError):
        datasets.linear_regression(noise=-1)
    assert math.isfinite(float(datasets.linear_regression(num_samples=8)[1].sum()))


def test_digits_pixels_constant_in_training_do_not_explode_in_validation():
    split = datasets.digits(seed=0)
    # Raw pixel values are 0..16, so no standardised feature can be far beyond that when std is never tiny.
    assert split.x_val.abs().max() < 100
    assert split.x_train.abs().max() < 100


def test_float64_data_sets_are_float64_throughout_and_the_default_stays_float32():
    for make in (datasets.digits, datasets.teacher_classification):
        assert make().x_train.dtype == torch.float32
        split = make(dtype=torch.float64)
        assert split.x_train.dtype == split.x_val.dtype == torch.float64 and split.y_train.dtype == torch.long
    # digits: the float64 standardisation is the float32 one without its rounding
    assert torch.allclose(datasets.digits(dtype=torch.float64).x_train, datasets.digits().x_train.double(), atol=1e-5)


_FINGERPRINT = """
import hashlib, torch
from sgd_reference.teaching import datasets
parts = [datasets.teacher_classification(dtype=torch.float64, label_noise=0.3), datasets.digits(dtype=torch.float64)]
print(hashlib.sha256(b"".join(t.numpy().tobytes() for s in parts for t in (s.x_train, s.y_train, s.x_val, s.y_val)))
      .hexdigest())
"""


def test_float64_data_sets_have_the_same_bits_on_the_generic_and_the_native_cpu_kernels():
    import os
    import subprocess
    import sys

    def fingerprint(capability):
        env = dict(os.environ)
        env.pop("ATEN_CPU_CAPABILITY", None)
        if capability:
            env["ATEN_CPU_CAPABILITY"] = capability
        return subprocess.run([sys.executable, "-c", _FINGERPRINT], env=env, capture_output=True, text=True,
                              check=True).stdout
    assert fingerprint("default") == fingerprint(None)
