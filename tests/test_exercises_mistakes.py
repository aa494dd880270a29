"""Each grader names the common mistakes and accepts correct answers written in other ways.

The wrong answers here are written the way a learner would write them (not copied from the graders' mistake
list), and each must be rejected with a message that names the mistake (the quoted fragment).
"""

from __future__ import annotations

import math

import pytest
import torch

from sgd_reference import exercises
from sgd_reference.exercises import core


def _heavy_ball(p, g, buf, lr, mu):
    v = g.clone() if buf is None else mu * buf + g
    return p - lr * v, v


def _momentum(first="g", lr_in_buf=False, sign=-1.0, use_lr=True, damp=lambda d: 1 - d, nesterov=False):
    def step(param, grad, buf, lr, momentum, dampening=0.0):
        scale = lr if lr_in_buf else 1.0
        if buf is None:
            v = scale * (grad if first == "g" else (1 - dampening) * grad)
        else:
            v = momentum * buf + scale * damp(dampening) * grad
        direction = grad + momentum * v if nesterov else v
        if lr_in_buf:
            return param + sign * direction, v
        return param + sign * (lr if use_lr else 1.0) * direction, v
    return step


def _schedule(warm_plus_one=True, span="rest", shift=True, use_min=True, half=True, warmup=True, cosine=True):
    def lr_at(step, total_steps, warmup_steps, base_lr, min_lr=0.0):
        if warmup and step < warmup_steps:
            return base_lr * ((step + 1) if warm_plus_one else step) / warmup_steps
        w = warmup_steps if warmup else 0
        t = (step - w if shift else step) / ((total_steps - w) if span == "rest" else total_steps)
        low = min_lr if use_min else 0.0
        shape = (1 + math.cos(math.pi * t)) if cosine else 2 * (1 - t)
        return low + (base_lr - low) * shape / (2 if half else 1)
    return lr_at


def _split(model, frozen=False, rule=lambda n, p: p.ndim <= 1 or n.endswith(".bias"), swap=False):
    decay, no_decay = [], []
    for n, p in model.named_parameters():
        if p.requires_grad or frozen:
            (no_decay if rule(n, p) else decay).append(p)
    return (no_decay, decay) if swap else (decay, no_decay)


def _total_norm(grads, kind="l2"):
    if kind == "l1":
        return sum(g.abs().sum() for g in grads)
    if kind == "sq":
        return sum((g ** 2).sum() for g in grads)
    if kind == "sum":
        return sum(g.norm() for g in grads)
    return torch.sqrt(sum((g ** 2).sum() for g in grads))


def _clip(kind="l2", eps=1e-6, always=False):
    def clip(grads, max_norm):
        total = _total_norm(grads, kind)
        coef = max_norm / (total + eps)
        if always or coef < 1:
            return [g * coef for g in grads]
        return grads
    return clip


def _sgdw(p, g, buf, lr, mu, wd, coupled=False, decay=True, after=False, decay_lr=True, decay_sign=-1.0):
    g_eff = g + wd * p if coupled else g
    v = g_eff.clone() if buf is None else mu * buf + g_eff
    new_p = p - lr * v
    if decay and not coupled:
        base = new_p if after else p
        new_p = new_p + decay_sign * (lr if decay_lr else 1.0) * wd * base
    return new_p, v


MISTAKES = {
    "sgd_step": [
        (lambda p, g, lr: p + lr * g, "부호가 반대"),
        (lambda p, g, lr: torch.sub(p, g), "학습률을 빠뜨렸"),
        (lambda p, g, lr: p - g / lr, "나눴습니다"),
        (lambda p, g, lr: -lr * g, "업데이트 양"),
        (lambda p, g, lr: p.clone(), "파라미터가 그대로"),
    ],
    "minibatch_grad": [
        (lambda g: g.sum(0), "합을 구했"),
        (lambda g: g.mean(-1), "잘못된 차원"),
        (lambda g: torch.mean(g, dim=1), "잘못된 차원"),
        (lambda g: g.mean(), "모든 원소의 평균"),
        (lambda g: g[0].clone(), "첫 번째 샘플"),
        (lambda g: g.sum(0) / (len(g) - 1), "B − 1"),
    ],
    "scale_lr": [
        (lambda lr, b, nb: lr / (nb / b), "뒤집혔"),
        (lambda lr, b, nb: lr * (nb / b) ** 0.5, "제곱근 규칙"),
        (lambda lr, b, nb: float(lr), "바꾸지 않았"),
        (lambda lr, b, nb: lr * nb * nb / (b * b), "제곱"),
        (lambda lr, b, nb: nb / b, "비율만"),
        (lambda lr, b, nb: lr * (nb // b), "정수 나눗셈"),
    ],
    "accumulation_steps": [
        (lambda t, m: m // t if t % m == 0 else int("x"), "뒤집혔"),
        (lambda t, m: t * m if t % m == 0 else int("x"), "곱했"),
        (lambda t, m: math.ceil(t / m), "올림"),
        (lambda t, m: int(t / m), "내림"),
        (lambda t, m: t / m if t % m == 0 else int("x"), "정수(int)"),
        (lambda t, m: t // m - 1 if t % m == 0 else int("x"), "off-by-one"),
    ],
    "momentum_step": [
        (_momentum(sign=+1.0), "부호가 반대"),
        (_momentum(use_lr=False), "학습률을 빠뜨렸"),
        (_momentum(first="zero"), "0에서 시작"),
        (_momentum(lr_in_buf=True), "학습률을 속도(buf) 안에"),
        (_momentum(damp=lambda d: 1.0), "dampening 을 무시"),
        (_momentum(damp=lambda d: d), "dampening 을 거꾸로"),
        (_momentum(nesterov=True), "네스테로프"),
    ],
    "nesterov_step": [
        (_heavy_ball, "헤비볼 모멘텀"),
        (lambda p, g, b, lr, mu: (p + (mu * b - lr * g if b is not None else -lr * g),
                                  mu * b - lr * g if b is not None else -lr * g), "Sutskever"),
        (_momentum(nesterov=True, sign=+1.0), "부호가 반대"),
        (_momentum(nesterov=True, use_lr=False), "학습률을 빠뜨렸"),
        (lambda p, g, b, lr, mu: (lambda v: (p - (lr * g + mu * v), v))(lr * g if b is None else mu * b + lr * g),
         "학습률을 속도(buf) 안에"),
    ],
    "nesterov_lookahead": [
        (lambda p, v, lr, mu: p + lr * mu * v, "부호가 반대"),
        (lambda p, v, lr, mu: p - mu * v, "학습률을 빠뜨렸"),
        (lambda p, v, lr, mu: p - lr * v, "모멘텀을 빠뜨렸"),
        (lambda p, v, lr, mu: -(lr * mu) * v, "이동량"),
        (lambda p, v, lr, mu: p.clone(), "헤비볼 모멘텀"),
    ],
    "weight_decay_step": [
        (lambda p, g, lr, wd: p - lr * g, "가중치 감쇠를 빠뜨렸"),
        (lambda p, g, lr, wd: p - lr * (g - wd * p), "감쇠 항의 부호"),
        (lambda p, g, lr, wd: p - lr * g - wd * p, "학습률을 곱하지 않았"),
        (lambda p, g, lr, wd: p + lr * g + lr * wd * p, "전체 부호"),
        (lambda p, g, lr, wd: p - lr * g * (1 + wd), "기울기에 비례"),
    ],
    "split_decay_params": [
        (lambda m: ([p for p in m.parameters() if p.requires_grad], []), "bias 와 정규화 층"),
        (lambda m: _split(m, frozen=True), "얼린 파라미터"),
        (lambda m: _split(m, rule=lambda n, p: n.endswith(".bias")), ".bias 인 것만"),
        (lambda m: _split(m, rule=lambda n, p: p.ndim <= 1), "차원만 봤"),
        (lambda m: _split(m, swap=True), "뒤바뀌었"),
        (lambda m: ([n for n, p in m.named_parameters() if p.ndim > 1], [n for n, p in m.named_parameters() if p.ndim <= 1]),
         "이름(str)이 아니라"),
    ],
    "decoupled_decay_step": [
        (lambda *a: _sgdw(*a, coupled=True), "coupled L2"),
        (lambda *a: _sgdw(*a, decay=False), "가중치 감쇠를 빠뜨렸"),
        (lambda *a: _sgdw(*a, after=True), "스텝 *뒤*"),
        (lambda *a: _sgdw(*a, decay_lr=False), "학습률을 곱하지 않았"),
        (lambda *a: _sgdw(*a, decay_sign=+1.0), "부호가 반대"),
    ],
    "optimizer_state_bytes": [
        (lambda n, o: {"sgd": 0, "sgd_momentum": 4 * n, "adam": 8 * n + 4}[o], "step 카운터"),
        (lambda n, o: {"sgd": 4 * n, "sgd_momentum": 8 * n, "adam": 12 * n}[o], "파라미터 자체"),
        (lambda n, o: {"sgd": 0, "sgd_momentum": 32 * n, "adam": 64 * n}[o], "비트"),
        (lambda n, o: 0 if o == "sgd" else 4 * n, "하나만"),
        (lambda n, o: {"sgd": 0, "sgd_momentum": 8 * n, "adam": 16 * n}[o], "8바이트"),
        (lambda n, o: 8 * n if o == "adam" else 0, "모멘텀 SGD 의 상태를 0"),
    ],
    "warmup_cosine_lr": [
        (_schedule(warm_plus_one=False), "off-by-one"),
        (_schedule(span="total"), "전체 스텝(total_steps)"),
        (_schedule(shift=False), "워밍업 스텝을 빼지"),
        (_schedule(use_min=False), "min_lr 을 무시"),
        (_schedule(warmup=False, span="total"), "워밍업이 없습니다"),
        (_schedule(half=False), "2 로 나누는"),
        (_schedule(cosine=False), "직선"),
    ],
    "clip_grad_norm": [
        (lambda grads, m: [g * min(1.0, m / (g.norm() + 1e-6)) for g in grads], "텐서마다 따로"),
        (_clip(always=True), "작을 때도"),
        (_clip(eps=0.0), "eps"),
        (_clip(kind="l1"), "L1"),
        (_clip(kind="sq"), "제곱근"),
        (lambda grads, m: [torch.clamp(g, min=-m, max=m) for g in grads], "값 단위"),
        (_clip(kind="sum"), "텐서별 노름의 합"),
    ],
    "grad_norm": [
        (lambda gs: sum(g.norm() for g in gs), "더했습니다"),
        (lambda gs: max(g.norm() for g in gs), "가장 큰 값"),
        (lambda gs: _total_norm(gs, "sq"), "제곱근을 빠뜨렸"),
        (lambda gs: _total_norm(gs, "l1"), "L1"),
        (lambda gs: torch.stack([g.norm() for g in gs]).mean(), "평균"),
        (lambda gs: [g.norm().item() for g in gs], "리스트"),
    ],
    "shard_loss_scale": [
        (lambda n, w, b: 1, "평균의 평균"),
        (lambda n, w, b: n / b, "기울기 누적의 계수"),
        (lambda n, w, b: (b / w) / n, "뒤집혔"),
        (lambda n, w, b: n / w / b, "W 로 나눴"),
        (lambda n, w, b: (n * w) // b, "정수 나눗셈"),
        (lambda n, w, b: n * 1.0, "빠뜨리고"),
    ],
    "step_bytes_per_param": [  # a learner's tables: reads only, state not written, θ read twice, per op, bits
        (lambda c, b: {"sgd": 2, "sgd_momentum": 3, "sgd_momentum_wd": 3, "adam": 4}[c] * b, "읽는 바이트만"),
        (lambda c, b: {"sgd": 3, "sgd_momentum": 4, "sgd_momentum_wd": 4, "adam": 5}[c] * b, "상태(v 또는 m, s)는"),
        (lambda c, b: {"sgd": 3, "sgd_momentum": 5, "sgd_momentum_wd": 6, "adam": 7}[c] * b, "한 번 더 읽었"),
        (lambda c, b: {"sgd": 12, "sgd_momentum": 32, "sgd_momentum_wd": 44, "adam": 72}[c] // 4 * b, "연산마다"),
        (lambda c, b: {"sgd": 3, "sgd_momentum": 5, "sgd_momentum_wd": 5, "adam": 7}[c] * 8 * b, "비트"),
        (lambda c, b: {"sgd": 12, "sgd_momentum": 20, "sgd_momentum_wd": 20, "adam": 28}[c], "늘 4바이트"),
        (lambda c, b: {"sgd": 3, "sgd_momentum": 5, "sgd_momentum_wd": 5, "adam": 5}[c] * b, "하나(m)만"),
    ],
    "effective_step": [
        (lambda lr, mu: lr * (1 - mu), "곱했습니다"),
        (lambda lr, mu: lr / (1 + mu), "(1 + μ) 로 나눴"),
        (lambda lr, mu: lr * mu, "μ 를 곱하기만"),
        (lambda lr, mu: lr + lr * mu, "두 스텝까지만"),
        (lambda lr, mu: lr / (1 - mu) / (1 - mu), "두 번 나눴"),
    ],
}

NUMBER_MISTAKES = {
    "divergence_lr": [(0.25, "진동이 *시작*"), (2, "뒤집혔"), (4.0, "곡률"), (8, "2L"), (0.125, "보수적")],
    "random_label_loss": [(math.log2(10), "밑이 2"), (0, "확신"), (0.1, "정답 확률"), (1.0, "상용로그"),
                          (-2.3026, "부호가 반대"), (0.9, "오답률")],
    "noise_ratio": [(0.5, "표준편차"), (4, "뒤집혔"), (2.0, "표준편차 비율을 뒤집은"), (1, "변합니다"),
                    (0.0625, "한 번 더 제곱")],
    "optimal_momentum": [(0.818, "수렴 속도"), (0.9, "기본값"), (0.99, "너무 큽니다"), (0.98, "모멘텀 없는"),
                         (0.9608, "√κ 를 써야"), (0.1, "너무 작습니다")],
    "ddp_effective_batch": [(64, "누적 2번"), (32, "한 작업자만"), (16, "작업자당 미니배치만"), (8, "미니배치 16개도"),
                            (22, "더했습니다"), (512, "한 번 더 곱했")],
    "recipe_lr": [(0.0025, "뒤집혔"), (0.02, "제곱근 규칙"), (0.01, "그대로"), (0.16, "제곱했"),
                  (0.005, "거꾸로"), (4, "배율")],
}

DIAGNOSE_MISTAKES = [
    ("ABCD", "학습률 과대"),
    ("dacc", "4번 실행"),
    ({1: "A", 2: "A", 3: "C", 4: "B"}, "1번 실행"),
    ("D, A, B, B", "3번 실행"),
    ("CACB", "모멘텀 과대"),
    ("DADB", "3개가 맞았"),
]

CORRECT_VARIANTS = {
    "sgd_step": [lambda p, g, lr: torch.sub(p, g, alpha=lr), lambda p, g, lr: p.add(-lr * g),
                 lambda p, g, lr: p.sub_(lr * g)],
    "minibatch_grad": [lambda g: g.sum(dim=0) / g.shape[0], lambda g: torch.mean(g, 0),
                       lambda g: sum(g[i] for i in range(len(g))) / len(g)],
    "scale_lr": [lambda lr, b, nb: lr * (nb / b), lambda lr, b, nb: (nb * lr) / b],
    "accumulation_steps": [lambda t, m: divmod(t, m)[0] if t % m == 0 else (_ for _ in ()).throw(ValueError("x"))],
    "momentum_step": [_momentum()],
    "nesterov_step": [_momentum(nesterov=True),
                      lambda p, g, b, lr, mu: (lambda v: (p - lr * g - lr * mu * v, v))(g.clone() if b is None else b * mu + g)],
    "nesterov_lookahead": [lambda p, v, lr, mu: torch.sub(p, v, alpha=lr * mu), lambda p, v, lr, mu: p - mu * (lr * v)],
    "weight_decay_step": [lambda p, g, lr, wd: p * (1 - lr * wd) - lr * g,
                          lambda p, g, lr, wd: p.sub(g.add(p, alpha=wd), alpha=lr)],
    "split_decay_params": [lambda m: _split(m),
                           lambda m: ([p for p in m.parameters() if p.requires_grad and p.dim() >= 2
                                       and not any(p is q for n, q in m.named_parameters() if n.endswith(".bias"))],
                                      [p for n, p in m.named_parameters() if p.requires_grad
                                       and (p.dim() < 2 or n.endswith(".bias"))][::-1])],
    "decoupled_decay_step": [lambda *a: _sgdw(*a), lambda p, g, b, lr, mu, wd: (
        lambda v: (p * (1 - lr * wd) - lr * v, v))(g.clone() if b is None else b.mul(mu).add(g))],
    "optimizer_state_bytes": [lambda n, o: 4 * n * ("sgd", "sgd_momentum", "adam").index(o),
                              lambda n, o: {"sgd": 0, "sgd_momentum": n * 4, "adam": n * 8}[o]],
    "warmup_cosine_lr": [_schedule(), lambda s, t, w, b, m=0.0: (
        b * (s + 1) / w if s < w else m + 0.5 * (b - m) * (1 + math.cos(math.pi * (s - w) / (t - w))))],
    "clip_grad_norm": [_clip(), lambda grads, m: (lambda c: [g.mul_(c) for g in grads])(
        min(1.0, m / (float(torch.cat([x.flatten() for x in grads]).norm()) + 1e-6)))],
    "grad_norm": [lambda gs: float(torch.cat([g.reshape(-1) for g in gs]).norm()),
                  lambda gs: math.sqrt(sum(float((g * g).sum()) for g in gs)),
                  lambda gs: torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in gs]))],
    "shard_loss_scale": [lambda n, w, b: n / (b / w), lambda n, w, b: float(n) * float(w) / float(b)],
    "step_bytes_per_param": [
        lambda c, b: b * (len({"sgd": "θg", "adam": "θgms"}.get(c, "θgv")) + len({"sgd": "θ", "adam": "msθ"}.get(c, "vθ"))),
        lambda c, b: {"sgd": 12, "sgd_momentum": 20, "sgd_momentum_wd": 20, "adam": 28}[c] * b // 4,
    ],
    "effective_step": [lambda lr, mu: lr * (1 / (1 - mu)), lambda lr, mu: lr * sum(mu ** k for k in range(20000))],
}


def test_every_exercise_has_at_least_five_named_mistakes_tested():
    tested = {**{k: len(v) for k, v in MISTAKES.items()}, **{k: len(v) for k, v in NUMBER_MISTAKES.items()},
              "diagnose_run": len(DIAGNOSE_MISTAKES)}
    assert set(tested) == set(exercises.ids())
    assert min(tested.values()) >= 5


@pytest.mark.parametrize("exercise_id, index", [(k, i) for k, v in MISTAKES.items() for i in range(len(v))])
def test_known_wrong_function_is_rejected_with_its_named_mistake(exercise_id, index, capsys):
    answer, fragment = MISTAKES[exercise_id][index]
    result = exercises.get(exercise_id).check(answer)
    out = capsys.readouterr().out
    assert not result, out
    assert fragment in result.message, out


@pytest.mark.parametrize("exercise_id, index", [(k, i) for k, v in NUMBER_MISTAKES.items() for i in range(len(v))])
def test_known_wrong_number_is_rejected_with_its_named_mistake(exercise_id, index, capsys):
    value, fragment = NUMBER_MISTAKES[exercise_id][index]
    result = exercises.get(exercise_id).check(value)
    assert not result and result.kind == core.MISTAKE
    assert fragment in result.message, capsys.readouterr().out


@pytest.mark.parametrize("answer, fragment", DIAGNOSE_MISTAKES)
def test_diagnose_run_explains_each_wrong_pick(answer, fragment, capsys):
    result = exercises.get("diagnose_run").check(answer)
    assert not result and fragment in result.message, capsys.readouterr().out


@pytest.mark.parametrize("answer, accepted", [
    ("DACB", True), ("d a c b", True), ("D,A,C,B", True), ({"1": "D", "2": "a", 3: "C", 4: "B"}, True),
    ("DAC", False), ("DACE", False), ({1: "D"}, False), (4, False), (["D", "A", "C", "B"], False),
])
def test_diagnose_run_answer_formats(answer, accepted, capsys):
    result = exercises.get("diagnose_run").check(answer)
    assert bool(result) is accepted
    if not accepted:
        assert result.kind in (core.WRONG_TYPE, core.MISTAKE) and result.message


@pytest.mark.parametrize("exercise_id, index", [(k, i) for k, v in CORRECT_VARIANTS.items() for i in range(len(v))])
def test_correct_answers_written_differently_are_accepted(exercise_id, index, capsys):
    result = exercises.get(exercise_id).check(CORRECT_VARIANTS[exercise_id][index])
    assert result, capsys.readouterr().out


def test_accumulation_must_raise_value_error_not_something_else(capsys):
    def accumulation_steps(target, micro):
        assert target % micro == 0
        return target // micro

    result = exercises.get("accumulation_steps").check(accumulation_steps)
    assert not result and "ValueError" in result.message and "AssertionError" in result.message


def test_optimizer_state_sizes_match_real_torch_optimizers():
    """The grader's reference is measured on torch; check it against the state tensors of a real model."""
    model = torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.Linear(5, 2))
    n = sum(p.numel() for p in model.parameters())
    for name, make in {
        "sgd": lambda ps: torch.optim.SGD(ps, lr=0.1),
        "sgd_momentum": lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9),
        "adam": lambda ps: torch.optim.Adam(ps, lr=0.1),
    }.items():
        opt = make(model.parameters())
        model(torch.randn(3, 6)).sum().backward()
        opt.step()
        per_element = sum(t.numel() * t.element_size() for state in opt.state.values() for key, t in state.items()
                          if isinstance(t, torch.Tensor) and key != "step")
        answer = {"sgd": 0, "sgd_momentum": 4 * n, "adam": 8 * n}[name]
        assert per_element == answer
        assert exercises.get("optimizer_state_bytes")._reference(n, name) == answer


def test_grader_references_agree_with_torch_and_the_core_package():
    """Where the core package provides the function, the grader uses it; it must match the spec's formula."""
    ex = exercises.get("warmup_cosine_lr")
    for case in ex._all_cases:
        assert math.isclose(ex._reference(*case.args), _schedule()(*case.args), rel_tol=1e-12, abs_tol=1e-15)
    split = exercises.get("split_decay_params")
    for case in split._all_cases:
        names = {id(p): n for n, p in case.args[0].named_parameters()}
        decay, no_decay = split._reference(case.args[0])
        ref_decay, ref_no_decay = _split(case.args[0])
        assert sorted(names[id(p)] for p in decay) == sorted(names[id(p)] for p in ref_decay)
        assert sorted(names[id(p)] for p in no_decay) == sorted(names[id(p)] for p in ref_no_decay)
