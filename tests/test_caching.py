"""Cached lab runs cannot be poisoned: what a learner does to a result stays in their copy (issue 14 item 4)."""

from __future__ import annotations

from sgd_reference.labs import batch_noise, failures
from sgd_reference.teaching.caching import copied_cache


def test_each_call_gets_its_own_copy_but_the_work_is_done_once():
    calls = []

    @copied_cache(maxsize=4)
    def run(n):
        calls.append(n)
        return {"losses": [1.0] * n}

    first = run(3)
    first["losses"].clear()
    assert run(3) == {"losses": [1.0, 1.0, 1.0]}
    assert calls == [3] and run.cache_info().hits == 1
    run.cache_clear()
    run(3)
    assert calls == [3, 3]


def test_clearing_a_cached_training_log_does_not_change_the_next_panel():
    config = failures.RunConfig(steps=5)
    log = failures.run(config)
    expected = list(log.losses)
    log.losses.clear()
    log.val_accuracies.append(99.0)
    again = failures.run(config)
    assert again.losses == expected and 99.0 not in again.val_accuracies


def test_a_cached_dataset_changed_in_place_does_not_change_the_next_run():
    task = batch_noise.scaling_task()
    before = task.x_train.clone()
    task.x_train.mul_(0)
    assert batch_noise.scaling_task().x_train.equal(before)


def test_every_spelling_of_a_number_shares_one_cached_run_and_a_list_gets_the_functions_own_error():
    import numpy as np
    import pytest
    import torch

    from sgd_reference import validation

    calls = []

    @copied_cache(maxsize=4)
    def run(lr):
        lr = validation.positive(lr, "학습률")
        calls.append(lr)
        return [lr]

    assert run(0.5) == run(np.float64(0.5)) == run(torch.tensor(0.5)) == [0.5]
    assert calls == [0.5] and run.cache_info().hits == 2
    with pytest.raises(validation.InvalidArgument, match="학습률은 숫자"):  # not lru_cache's "unhashable type"
        run([0.5])
