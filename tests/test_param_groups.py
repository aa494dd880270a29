"""Biases and norm scales get no weight decay; frozen parameters are in no group (the document's rule)."""

import pytest
import torch
from torch import nn

import sgd_reference as sr
from sgd_reference.param_groups import (
    decay_param_groups,
    describe_param_groups,
    split_decay_param_names,
    split_decay_params,
)


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3)
        self.bn = nn.BatchNorm2d(4)
        self.ln = nn.LayerNorm(4)
        self.fc = nn.Linear(4, 2)
        self.scale = nn.Parameter(torch.tensor(1.0))  # a scalar: ndim 0
        self.frozen = nn.Linear(2, 2)
        self.frozen.requires_grad_(False)


def test_weights_decay_while_biases_norm_scales_and_scalars_do_not():
    decay, no_decay = split_decay_param_names(SmallCNN())
    assert decay == ["conv.weight", "fc.weight"]
    assert no_decay == ["scale", "conv.bias", "bn.weight", "bn.bias", "ln.weight", "ln.bias", "fc.bias"]


def test_frozen_parameters_are_in_neither_group():
    model = SmallCNN()
    decay, no_decay = split_decay_params(model)
    ids = {id(p) for p in decay + no_decay}
    assert all(id(p) not in ids for p in model.frozen.parameters())
    trainable = [p for p in model.parameters() if p.requires_grad]
    assert len(ids) == len(trainable) == len(decay) + len(no_decay)


def test_split_is_the_source_documents_loop():
    model = SmallCNN()
    expected_decay, expected_no_decay = [], []
    for n, p in model.named_parameters():  # the loop from the source document, verbatim
        if not p.requires_grad:
            continue
        if p.ndim == 1 or n.endswith(".bias"):
            expected_no_decay.append(p)
        else:
            expected_decay.append(p)
    decay, no_decay = split_decay_params(model)
    # Only difference by design: the 0-dim scalar, which the document's `ndim == 1` would decay.
    assert [p for p in expected_decay if p.ndim != 0] == decay
    assert no_decay == [p for p in model.parameters() if p.requires_grad and p.ndim == 0] + expected_no_decay


def test_decay_param_groups_feed_an_optimizer_with_two_weight_decays():
    model = SmallCNN()
    groups = decay_param_groups(model, 1e-4)
    assert [g["weight_decay"] for g in groups] == [1e-4, 0.0]
    opt = sr.SGD(groups, lr=0.01, momentum=0.9, nesterov=True)
    ref = torch.optim.SGD(decay_param_groups(model, 1e-4), lr=0.01, momentum=0.9, nesterov=True)
    assert [g["weight_decay"] for g in opt.param_groups] == [g["weight_decay"] for g in ref.param_groups]


def test_describe_counts_tensors_and_scalar_parameters_per_group():
    model = SmallCNN()
    rows = describe_param_groups(decay_param_groups(model, 5e-4))
    assert [r["tensors"] for r in rows] == [2, 7]
    assert rows[0]["parameters"] == model.conv.weight.numel() + model.fc.weight.numel()
    assert rows[1]["parameters"] == sum(p.numel() for p in model.parameters() if p.requires_grad) - rows[0]["parameters"]
    assert [r["weight_decay"] for r in rows] == [5e-4, 0.0]


def test_describe_accepts_an_optimizer():
    model = SmallCNN()
    opt = torch.optim.SGD(decay_param_groups(model, 1e-4), lr=0.1)
    assert describe_param_groups(opt) == describe_param_groups(decay_param_groups(model, 1e-4))


@pytest.mark.parametrize("fn", [split_decay_params, split_decay_param_names, lambda m: decay_param_groups(m, 1e-4)])
@pytest.mark.parametrize("not_a_model", [[torch.zeros(2)], None, "model"])
def test_non_module_input_raises_a_korean_type_error(fn, not_a_model):
    with pytest.raises(TypeError, match="nn.Module"):
        fn(not_a_model)


@pytest.mark.parametrize("wd", [-1e-4, float("nan"), float("inf"), "1e-4", True])
def test_bad_weight_decay_raises_a_korean_value_error(wd):
    with pytest.raises(ValueError, match="가중치 감쇠"):
        decay_param_groups(SmallCNN(), wd)


@pytest.mark.parametrize("bad", [SmallCNN(), {"params": []}, 3, [{"lr": 0.1}], [{"params": [1.0]}]])
def test_describe_rejects_what_is_not_param_groups(bad):
    with pytest.raises(TypeError, match="그룹"):
        describe_param_groups(bad)
