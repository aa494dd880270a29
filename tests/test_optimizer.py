"""sgd_reference.SGD is torch.optim.SGD, bit for bit: every parameter after every step is torch.equal."""

from __future__ import annotations

import copy

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import sgd_reference as sr

# ---------------------------------------------------------------- helpers


def make_params(shapes, dtype=torch.float32, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return [torch.randn(s, generator=gen, dtype=dtype).requires_grad_() for s in shapes]


def twin(params):
    return [p.detach().clone().requires_grad_() for p in params]


def set_same_grads(a_params, b_params, gen, present=None):
    """Give both copies the same fresh gradient; ``present[i] is False`` leaves grad None for that step."""
    for i, (a, b) in enumerate(zip(a_params, b_params)):
        if present is not None and not present[i]:
            a.grad = None
            b.grad = None
            continue
        g = torch.randn(a.shape, generator=gen, dtype=a.dtype)
        a.grad = g.clone()
        b.grad = g.clone()


def assert_identical(ours, theirs, our_opt=None, their_opt=None, compare_grads=True):
    for a, b in zip(ours, theirs):
        assert torch.equal(a, b), f"parameter differs: max |Δ| = {(a - b).abs().max().item()}"
        if not compare_grads:
            continue
        if a.grad is None or b.grad is None:
            assert a.grad is None and b.grad is None
        else:
            assert torch.equal(a.grad, b.grad)
    if our_opt is not None:
        for a, b in zip(ours, theirs):
            va = our_opt.state[a].get("momentum_buffer") if a in our_opt.state else None
            vb = their_opt.state[b].get("momentum_buffer") if b in their_opt.state else None
            assert (va is None) == (vb is None)
            if va is not None:
                assert torch.equal(va, vb)

def step_side_by_side(ours, theirs, our_opt, their_opt, *, steps, seed):
    """Give both optimisers the same fresh gradients ``steps`` times, checking bit-identity after every step."""
    gen = torch.Generator().manual_seed(seed)
    for _ in range(steps):
        set_same_grads(ours, theirs, gen)
        our_opt.step()
        their_opt.step()
        assert_identical(ours, theirs, our_opt, their_opt)



def raised(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - we compare whatever torch raises
        return type(e), str(e)
    return None


hyper_params = st.fixed_dictionaries(
    {
        "lr": st.floats(1e-4, 1.0),
        "momentum": st.one_of(st.just(0.0), st.floats(0.0, 0.99)),
        "dampening": st.one_of(st.just(0.0), st.floats(0.0, 0.9)),
        "weight_decay": st.one_of(st.just(0.0), st.floats(0.0, 0.1)),
        "nesterov": st.booleans(),
        "maximize": st.booleans(),
    }
).map(lambda h: {**h, "dampening": 0.0} if h["nesterov"] else h).map(
    lambda h: {**h, "momentum": max(h["momentum"], 0.1)} if h["nesterov"] else h
)
shapes = st.lists(st.lists(st.integers(1, 5), min_size=0, max_size=3).map(tuple), min_size=1, max_size=4)
dtypes = st.sampled_from([torch.float32, torch.float64])


# ---------------------------------------------------------------- exactness


@given(hyper=hyper_params, shape_list=shapes, dtype=dtypes, foreach=st.sampled_from([None, False, True]),
       seed=st.integers(0, 2**16))
def test_every_step_is_bit_identical_to_torch_for_any_hyperparameters(hyper, shape_list, dtype, foreach, seed):
    ours = make_params(shape_list, dtype, seed)
    theirs = twin(ours)
    our_opt = sr.SGD(ours, foreach=foreach, **hyper)
    their_opt = torch.optim.SGD(theirs, **hyper)  # torch's CPU default: the for-loop path
    gen = torch.Generator().manual_seed(seed + 1)
    for _ in range(4):
        set_same_grads(ours, theirs, gen)
        our_opt.step()
        their_opt.step()
        assert_identical(ours, theirs, our_opt, their_opt)


@given(hyper=hyper_params, seed=st.integers(0, 2**16))
def test_foreach_path_is_bit_identical_to_torch_foreach(hyper, seed):
    ours = make_params([(7, 3), (4,), ()], torch.float32, seed)
    theirs = twin(ours)
    our_opt = sr.SGD(ours, foreach=True, **hyper)
    their_opt = torch.optim.SGD(theirs, foreach=True, **hyper)
    gen = torch.Generator().manual_seed(seed)
    for _ in range(3):
        set_same_grads(ours, theirs, gen)
        grads_before = [p.grad.clone() for p in ours]
        our_opt.step()
        their_opt.step()
        # θ and v identical; p.grad is not compared: torch's foreach+nesterov overwrites it, we don't.
        assert_identical(ours, theirs, our_opt, their_opt, compare_grads=False)
        assert all(torch.equal(p.grad, g) for p, g in zip(ours, grads_before))


@pytest.mark.parametrize("foreach", [None, False, True])
def test_step_never_modifies_the_gradients(foreach):
    ours = make_params([(3,), (2, 2)])
    opt = sr.SGD(ours, lr=0.1, momentum=0.9, nesterov=True, foreach=foreach)
    gen = torch.Generator().manual_seed(0)
    for _ in range(3):
        for p in ours:
            p.grad = torch.randn(p.shape, generator=gen)
        before = [p.grad.clone() for p in ours]
        opt.step()
        assert all(torch.equal(p.grad, g) for p, g in zip(ours, before))


@pytest.mark.parametrize("foreach", [False, True])
def test_param_groups_each_use_their_own_hyperparameters(foreach):
    ours = make_params([(3, 3), (3,), (2, 2), (5,)])
    theirs = twin(ours)
    groups = lambda ps: [  # noqa: E731
        {"params": ps[:2], "lr": 0.5, "momentum": 0.9, "nesterov": True, "weight_decay": 1e-2},
        {"params": ps[2:3], "dampening": 0.3, "momentum": 0.5, "maximize": True},
        {"params": ps[3:]},  # defaults of the constructor
    ]
    our_opt = sr.SGD(groups(ours), lr=0.05, momentum=0.0, foreach=foreach)
    their_opt = torch.optim.SGD(groups(theirs), lr=0.05, momentum=0.0)
    step_side_by_side(ours, theirs, our_opt, their_opt, steps=5, seed=3)
    assert [g["lr"] for g in our_opt.param_groups] == [g["lr"] for g in their_opt.param_groups]


@pytest.mark.parametrize("foreach", [False, True])
def test_missing_gradients_skip_the_parameter_and_late_first_gradient_starts_its_velocity(foreach):
    ours = make_params([(4,), (2, 3), (3,)])
    theirs = twin(ours)
    our_opt = sr.SGD(ours, lr=0.1, momentum=0.9, dampening=0.2, weight_decay=1e-3, foreach=foreach)
    their_opt = torch.optim.SGD(theirs, lr=0.1, momentum=0.9, dampening=0.2, weight_decay=1e-3)
    gen = torch.Generator().manual_seed(7)
    pattern = [(True, False, False), (True, False, True), (False, True, True), (True, True, False), (True, True, True)]
    for present in pattern:
        set_same_grads(ours, theirs, gen, present)
        our_opt.step()
        their_opt.step()
        assert_identical(ours, theirs, our_opt, their_opt)


@pytest.mark.parametrize("lr", [torch.tensor(0.05), torch.tensor([0.05]), torch.tensor([[0.05]])])
@pytest.mark.parametrize("foreach", [False, True])
def test_tensor_learning_rate_matches_torch(lr, foreach):
    ours = make_params([(3, 2), (2,)])
    theirs = twin(ours)
    our_opt = sr.SGD(ours, lr=lr.clone(), momentum=0.9, nesterov=True, foreach=foreach)
    their_opt = torch.optim.SGD(theirs, lr=lr.clone(), momentum=0.9, nesterov=True, foreach=foreach)
    gen = torch.Generator().manual_seed(1)
    for _ in range(3):
        set_same_grads(ours, theirs, gen)
        our_opt.step()
        their_opt.step()
        assert_identical(ours, theirs, our_opt, their_opt, compare_grads=not foreach)  # see test above


@pytest.mark.parametrize(
    "make_scheduler",
    [
        lambda opt: torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.3),
        lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=6),
        lambda opt: torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.5, total_steps=8),
    ],
    ids=["StepLR", "CosineAnnealingLR", "OneCycleLR"],
)
def test_learning_rate_schedulers_drive_it_exactly_like_torch(make_scheduler):
    ours = make_params([(5, 4), (4,)])
    theirs = twin(ours)
    our_opt = sr.SGD(ours, lr=0.1, momentum=0.9, weight_decay=1e-4)
    their_opt = torch.optim.SGD(theirs, lr=0.1, momentum=0.9, weight_decay=1e-4)
    our_sched, their_sched = make_scheduler(our_opt), make_scheduler(their_opt)
    gen = torch.Generator().manual_seed(5)
    for _ in range(7):
        set_same_grads(ours, theirs, gen)
        our_opt.step()
        their_opt.step()
        our_sched.step()
        their_sched.step()
        assert our_opt.param_groups[0]["lr"] == their_opt.param_groups[0]["lr"]
        assert_identical(ours, theirs, our_opt, their_opt)


def test_learning_rate_changed_by_hand_between_steps_is_used_at_the_next_step():
    ours = make_params([(6,)])
    theirs = twin(ours)
    our_opt = sr.SGD(ours, lr=0.1, momentum=0.9)
    their_opt = torch.optim.SGD(theirs, lr=0.1, momentum=0.9)
    gen = torch.Generator().manual_seed(2)
    for lr in [0.1, 1.0, 0.003, 0.0, 0.2]:
        for opt in (our_opt, their_opt):
            opt.param_groups[0]["lr"] = lr
        set_same_grads(ours, theirs, gen)
        our_opt.step()
        their_opt.step()
        assert_identical(ours, theirs, our_opt, their_opt)


@pytest.mark.parametrize("direction", ["torch_to_ours", "ours_to_torch"])
def test_state_dict_moves_between_torch_and_ours_mid_run(direction):
    hyper = {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 1e-3}
    ours = make_params([(4, 3), (3,)])
    theirs = twin(ours)
    src_cls, dst_cls = (torch.optim.SGD, sr.SGD) if direction == "torch_to_ours" else (sr.SGD, torch.optim.SGD)
    reference = src_cls(theirs, **hyper)
    gen = torch.Generator().manual_seed(11)
    for _ in range(3):  # run the source optimiser alone for a while
        for p in theirs:
            p.grad = torch.randn(p.shape, generator=gen)
        reference.step()
    with torch.no_grad():
        for a, b in zip(ours, theirs):
            a.copy_(b)
    moved = dst_cls(ours, lr=999.0)  # hyper-parameters must come from the state_dict
    moved.load_state_dict(copy.deepcopy(reference.state_dict()))
    assert moved.param_groups[0]["lr"] == 0.05
    assert set(moved.state[ours[0]]) == {"momentum_buffer"}
    for _ in range(3):
        set_same_grads(ours, theirs, gen)
        moved.step()
        reference.step()
        assert_identical(ours, theirs, moved, reference)
    assert moved.state_dict()["param_groups"] == reference.state_dict()["param_groups"]


def test_state_dict_has_torchs_layout_keys_and_defaults():
    ours, theirs = make_params([(2,)]), make_params([(2,)])
    our_sd = sr.SGD(ours, lr=0.1).state_dict()
    their_sd = torch.optim.SGD(theirs, lr=0.1).state_dict()
    assert our_sd == their_sd


def test_closure_is_evaluated_with_grad_enabled_and_its_loss_returned():
    torch.manual_seed(0)
    model_a = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    model_b = copy.deepcopy(model_a)
    x, y = torch.randn(16, 4), torch.randn(16, 1)

    def closure_for(model, opt):
        def closure():
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(model(x), y)
            loss.backward()
            return loss
        return closure

    our_opt = sr.SGD(model_a.parameters(), lr=0.1, momentum=0.9)
    their_opt = torch.optim.SGD(model_b.parameters(), lr=0.1, momentum=0.9)
    with torch.no_grad():  # step must still turn grad on for the closure
        for _ in range(4):
            our_loss = our_opt.step(closure_for(model_a, our_opt))
            their_loss = their_opt.step(closure_for(model_b, their_opt))
            assert torch.equal(our_loss, their_loss)
    assert_identical(list(model_a.parameters()), list(model_b.parameters()), our_opt, their_opt)


def test_training_a_small_network_gives_the_same_weights_as_torch():
    torch.manual_seed(0)
    model_a = torch.nn.Sequential(torch.nn.Linear(32, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
    model_b = copy.deepcopy(model_a)
    our_opt = sr.SGD(model_a.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
    their_opt = torch.optim.SGD(model_b.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
    gen = torch.Generator().manual_seed(0)
    for _ in range(20):
        x, y = torch.randn(128, 32, generator=gen), torch.randint(0, 10, (128,), generator=gen)
        for model, opt in ((model_a, our_opt), (model_b, their_opt)):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(x), y).backward()
            opt.step()
    assert_identical(list(model_a.parameters()), list(model_b.parameters()), our_opt, their_opt)


def test_mixed_dtypes_in_one_group_are_stepped_exactly_on_the_foreach_path():
    ours = make_params([(3,)], torch.float32) + make_params([(3,)], torch.float64) + make_params([(2,)], torch.float32, 4)
    theirs = twin(ours)
    our_opt = sr.SGD(ours, lr=0.1, momentum=0.9, foreach=True)
    their_opt = torch.optim.SGD(theirs, lr=0.1, momentum=0.9, foreach=True)
    step_side_by_side(ours, theirs, our_opt, their_opt, steps=3, seed=0)


def test_it_is_a_torch_optimizer_and_keeps_velocity_under_torchs_state_key():
    p = make_params([(2,)])
    opt = sr.SGD(p, lr=0.1, momentum=0.9)
    assert isinstance(opt, torch.optim.Optimizer)
    p[0].grad = torch.ones(2)
    opt.step()
    assert list(opt.state[p[0]]) == ["momentum_buffer"]
    opt.zero_grad()
    assert p[0].grad is None


def test_plain_sgd_keeps_no_state_like_torch():
    ours = make_params([(2,)])
    opt = sr.SGD(ours, lr=0.1)
    ours[0].grad = torch.ones(2)
    opt.step()
    assert len(opt.state) == 0


# ---------------------------------------------------------------- sparse gradients


@pytest.mark.parametrize("foreach", [False, True])
@pytest.mark.parametrize(
    "hyper",
    [
        {"momentum": 0.0},
        {"momentum": 0.9},
        {"momentum": 0.9, "dampening": 0.5},
        {"maximize": True},
        {"weight_decay": 0.1},
        {"momentum": 0.9, "weight_decay": 0.1, "maximize": True},
    ],
)
def test_sparse_gradients_behave_as_in_torch_results_or_same_error(hyper, foreach):
    torch.manual_seed(0)
    emb_a = torch.nn.Embedding(6, 3, sparse=True)
    emb_b = copy.deepcopy(emb_a)
    our_opt = sr.SGD(emb_a.parameters(), lr=0.1, foreach=foreach, **hyper)
    their_opt = torch.optim.SGD(emb_b.parameters(), lr=0.1, foreach=foreach, **hyper)
    for idx in ([1, 2], [2, 4], [0, 1]):
        outcomes = []
        for emb, opt in ((emb_a, our_opt), (emb_b, their_opt)):
            opt.zero_grad()
            emb(torch.tensor(idx)).pow(2).sum().backward()
            outcomes.append(raised(opt.step))
        assert outcomes[0] == outcomes[1]
        if outcomes[0] is not None:
            return  # torch refuses this combination; so do we, with the same error
        assert torch.equal(emb_a.weight, emb_b.weight)


# ---------------------------------------------------------------- argument errors


@pytest.mark.parametrize(
    "kwargs",
    [
        {"lr": -0.1},
        {"lr": torch.tensor([0.1, 0.2])},
        {"lr": torch.tensor(-1.0)},
        {"momentum": -0.5},
        {"weight_decay": -1e-4},
        {"nesterov": True},
        {"nesterov": True, "momentum": 0.9, "dampening": 0.1},
        {"lr": "0.1"},
    ],
    ids=["negative lr", "2-element tensor lr", "negative tensor lr", "negative momentum", "negative weight decay",
         "nesterov without momentum", "nesterov with dampening", "string lr"],
)
def test_invalid_hyperparameters_raise_torchs_exception_and_message(kwargs):
    ours = raised(lambda: sr.SGD(make_params([(2,)]), **kwargs))
    theirs = raised(lambda: torch.optim.SGD(make_params([(2,)]), **kwargs))
    assert theirs is not None
    assert ours == theirs


def _non_leaf():
    return [torch.ones(2, requires_grad=True) * 2]


@pytest.mark.parametrize(
    "make_params_arg",
    [
        lambda: [],
        lambda: torch.ones(2, requires_grad=True),
        lambda: [{"params": {torch.ones(2, requires_grad=True)}}],
        _non_leaf,
        lambda: [1.0, 2.0],
        lambda: [{"params": [torch.ones(2, requires_grad=True)]}, {"params": "x"}],
    ],
    ids=["empty list", "bare tensor", "group given as a set", "non-leaf", "not tensors", "bad group"],
)
def test_invalid_params_raise_torchs_exception_and_message(make_params_arg):
    ours = raised(lambda: sr.SGD(make_params_arg(), lr=0.1))
    theirs = raised(lambda: torch.optim.SGD(make_params_arg(), lr=0.1))
    assert theirs is not None
    assert ours == theirs


def test_a_parameter_in_two_groups_is_refused_like_torch():
    p = torch.ones(2, requires_grad=True)
    ours = raised(lambda: sr.SGD([{"params": [p]}, {"params": [p]}], lr=0.1))
    theirs = raised(lambda: torch.optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1))
    assert theirs is not None and ours == theirs


def test_differentiable_is_rejected_with_a_korean_message_naming_it():
    with pytest.raises(ValueError, match="differentiable=True") as info:
        sr.SGD(make_params([(2,)]), lr=0.1, differentiable=True)
    assert "지원하지 않습니다" in str(info.value)


def test_a_fused_torch_state_dict_loads_and_steps_like_torch():
    # fused=True is sgd_reference's compiled path (tests/test_fused.py); without momentum it is the eager step.
    theirs = make_params([(2,)])
    torch_opt = torch.optim.SGD(theirs, lr=0.1, fused=True)
    ours = twin(theirs)
    opt = sr.SGD(ours, lr=0.1)
    opt.load_state_dict(torch_opt.state_dict())
    assert opt.param_groups[0]["fused"] is True
    ours[0].grad, theirs[0].grad = torch.ones(2), torch.ones(2)
    opt.step()
    torch_opt.step()
    assert torch.equal(ours[0], theirs[0])


def test_fused_false_and_differentiable_false_are_accepted():
    opt = sr.SGD(make_params([(2,)]), lr=0.1, fused=False, differentiable=False)
    assert opt.defaults["fused"] is False


def spy_on_paths(monkeypatch):
    """Count how many tensors each step path received (the optimiser looks both functions up at call time)."""
    import sgd_reference.optimizer as optimizer_module

    calls = {"loop": 0, "foreach": 0}
    loop, foreach = optimizer_module._sgd_step, optimizer_module._sgd_foreach_step

    def counting_loop(*args, **kwargs):
        calls["loop"] += 1
        return loop(*args, **kwargs)

    def counting_foreach(thetas, *args, **kwargs):
        calls["foreach"] += len(thetas)
        return foreach(thetas, *args, **kwargs)

    monkeypatch.setattr(optimizer_module, "_sgd_step", counting_loop)
    monkeypatch.setattr(optimizer_module, "_sgd_foreach_step", counting_foreach)
    return calls


@pytest.mark.parametrize(
    "shapes, dtype, path",
    [
        ([(400, 400), (3,)], torch.float32, "loop"),  # mean numel 80 001 > 65 536
        ([(8, 8)] * 20, torch.float32, "foreach"),
        ([(8, 8)] * 20, torch.float64, "foreach"),
        ([(8, 8)] * 20, torch.bfloat16, "loop"),
        ([(8, 8)] * 20, torch.float16, "loop"),
    ],
    ids=["large float32: loop", "small float32: foreach", "small float64: foreach", "small bfloat16: loop",
         "small float16: loop"],
)
def test_default_path_is_the_chosen_one_and_exact(shapes, dtype, path, monkeypatch):
    calls = spy_on_paths(monkeypatch)
    ours = make_params(shapes, dtype)
    theirs = twin(ours)
    our_opt = sr.SGD(ours, lr=0.1, momentum=0.9, weight_decay=1e-4, nesterov=True)
    their_opt = torch.optim.SGD(theirs, lr=0.1, momentum=0.9, weight_decay=1e-4, nesterov=True)
    step_side_by_side(ours, theirs, our_opt, their_opt, steps=3, seed=0)
    other = "loop" if path == "foreach" else "foreach"
    assert calls[path] == 3 * len(shapes) and calls[other] == 0


@pytest.mark.parametrize("explicit", [False, True])
def test_an_explicit_foreach_choice_is_obeyed_in_half_precision_too(explicit, monkeypatch):
    calls = spy_on_paths(monkeypatch)
    ours = make_params([(4,)] * 3, torch.bfloat16)
    theirs = twin(ours)
    our_opt = sr.SGD(ours, lr=0.1, momentum=0.9, foreach=explicit)
    their_opt = torch.optim.SGD(theirs, lr=0.1, momentum=0.9, foreach=explicit)
    step_side_by_side(ours, theirs, our_opt, their_opt, steps=3, seed=0)
    assert calls["foreach" if explicit else "loop"] == 9


def test_a_group_of_float32_and_bfloat16_takes_foreach_for_one_and_the_loop_for_the_other(monkeypatch):
    calls = spy_on_paths(monkeypatch)
    ours = make_params([(5,)] * 2, torch.float32) + make_params([(5,)] * 3, torch.bfloat16)
    theirs = twin(ours)
    our_opt = sr.SGD(ours, lr=0.1, momentum=0.9, weight_decay=0.01)
    their_opt = torch.optim.SGD(theirs, lr=0.1, momentum=0.9, weight_decay=0.01)
    step_side_by_side(ours, theirs, our_opt, their_opt, steps=2, seed=1)
    assert calls == {"foreach": 4, "loop": 6}


HALF_AND_FULL = [torch.float16, torch.bfloat16, torch.float32, torch.float64]


@pytest.mark.parametrize("dtype", HALF_AND_FULL, ids=str)
@pytest.mark.parametrize(
    "hyper",
    [
        {"momentum": 0.9, "weight_decay": 0.01},
        {"momentum": 0.9, "nesterov": True, "weight_decay": 0.01},
        {"momentum": 0.9, "dampening": 0.1, "maximize": True},
        {"weight_decay": 0.01},
    ],
    ids=["momentum+decay", "nesterov+decay", "dampening+maximize", "decay only"],
)
@pytest.mark.parametrize("numel", [1000, 100_000], ids=["small", "large"])
def test_default_path_is_bit_identical_to_torch_in_every_cpu_dtype(dtype, hyper, numel):
    # Issue 14's reproduction: bfloat16, momentum 0.9 and weight decay differed from step 2 (foreach vs loop).
    ours = make_params([(numel,)], dtype)
    theirs = twin(ours)
    step_side_by_side(ours, theirs, sr.SGD(ours, lr=0.1, **hyper), torch.optim.SGD(theirs, lr=0.1, **hyper),
                      steps=5, seed=0)
