"""A lab call leaves the learner's global torch RNG where it was (issue 14 item 8), and the labs' numbers stay the
document's: `run_once` still seeds and draws from the global stream exactly as the source document's code does."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from sgd_reference.labs import decay_experiments, five_minute, recipe
from sgd_reference.teaching import training

CALLS = {
    "training.mlp": lambda: training.mlp(seed=3),
    "five_minute.run_once": lambda: five_minute.run_once(0.1, steps=3, seed=1),
    "five_minute.run_random": lambda: five_minute.run_random(0.1, steps=3, seed=1),
    "recipe.recipe_model": lambda: recipe.recipe_model(seed=2),
    "decay_experiments.small_cnn": lambda: decay_experiments.small_cnn(seed=2),
}


@pytest.mark.parametrize("name", CALLS)
def test_the_learners_seeded_stream_continues_after_a_lab_call(name):
    torch.manual_seed(42)
    expected = torch.rand(3)
    torch.manual_seed(42)
    CALLS[name]()
    assert torch.equal(torch.rand(3), expected), f"{name} changed the learner's global RNG"


def test_run_once_is_still_the_documents_code_line_for_line():
    def documents_run_once(lr, steps=5, momentum=0.9, seed=0):
        torch.manual_seed(seed)
        model = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 10))
        crit = nn.CrossEntropyLoss()
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
        losses = []
        for _ in range(steps):
            x, y = torch.randn(128, 32), torch.randint(0, 10, (128,))
            opt.zero_grad()
            loss = crit(model(x), y)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        return losses

    assert (five_minute.BATCH_SIZE, five_minute.NUM_FEATURES, five_minute.NUM_CLASSES) == (128, 32, 10)
    assert five_minute.run_once(0.1, steps=5, seed=4) == documents_run_once(0.1, steps=5, seed=4)


def test_mlp_initialisation_does_not_depend_on_the_learners_rng_state():
    torch.manual_seed(1)
    a = training.mlp(seed=7)
    torch.rand(100)
    b = training.mlp(seed=7)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
