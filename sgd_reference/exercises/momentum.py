"""Exercises on heavy-ball momentum as torch.optim.SGD implements it (lab 04)."""

from __future__ import annotations

import math

from .core import Case, FunctionExercise, Mistake, NumberExercise, NumberMistake, seeded, randn
from .reference import torch_sgd_step, velocity

LAB4 = "04_momentum.ipynb"


def _momentum_cases() -> list[Case]:
    g = seeded(404)
    rows = [  # (shape, first step?, lr, momentum, dampening or None = use the default)
        ((5,), True, 0.1, 0.9, 0.0),
        ((3, 4), False, 0.05, 0.9, 0.0),
        ((6,), True, 0.1, 0.8, 0.3),
        ((2, 3), False, 0.2, 0.5, 0.5),
        ((4,), False, 0.1, 0.9, None),
    ]
    cases = []
    for shape, first, lr, mu, damp in rows:
        p, grad = randn(g, *shape), randn(g, *shape)
        buf = None if first else randn(g, *shape)
        args = (p, grad, buf, lr, mu) + (() if damp is None else (damp,))
        desc = (f"param 모양 {shape}, buf={'None(첫 스텝)' if first else '텐서'}, lr={lr}, momentum={mu}, "
                + ("dampening 생략(기본값)" if damp is None else f"dampening={damp}"))
        cases.append(Case(args, desc))
    return cases


def _reference(p, g, buf, lr, mu, d=0.0):
    return torch_sgd_step(p, g, buf, lr, momentum=mu, dampening=d)


def _mistake(update):
    """A wrong step written as `update(p, g, buf, lr, mu, d) -> (new_p, new_buf)` with dampening defaulting to 0."""
    return lambda p, g, buf, lr, mu, d=0.0: update(p, g, buf, lr, mu, d)


momentum_step = FunctionExercise(
    id="momentum_step",
    title="모멘텀 SGD 한 스텝 (PyTorch 형태)",
    lab=LAB4,
    signature="momentum_step(param, grad, buf, lr, momentum, dampening=0.0)",
    prompt=r"""
`torch.optim.SGD(momentum=μ, dampening=τ)` 의 한 스텝을 구현하세요. 속도(momentum buffer) $v$ 는

- 첫 스텝(`buf` 가 `None`): $v \leftarrow g$ (첫 스텝에는 dampening 을 적용하지 않습니다)
- 그 뒤: $v \leftarrow \mu v + (1-\tau)\, g$

이고, 파라미터는 $\theta \leftarrow \theta - \eta v$ 입니다. `(new_param, new_buf)` 튜플을 반환하세요.
`param`, `buf` 는 제자리에서 바꿔도 되지만 `grad` 는 바꾸면 안 됩니다.
""",
    hints=[
        "두 단계입니다: 먼저 속도(buf)를 업데이트하고, 업데이트된 속도로 파라미터를 움직입니다.",
        "`buf is None` 인 첫 스텝은 `new_buf = grad` (복사본) 입니다. 학습률은 속도에 넣지 않고 파라미터를 움직일 때 곱합니다.",
        "`new_buf = grad.clone() if buf is None else momentum * buf + (1 - dampening) * grad`, "
        "`new_param = param - lr * new_buf`",
    ],
    solution_code='''
def momentum_step(param, grad, buf, lr, momentum, dampening=0.0):
    if buf is None:
        # 첫 스텝: PyTorch 는 속도를 기울기 그대로 시작합니다 (dampening 없음).
        new_buf = grad.clone()
    else:
        # 이전 속도를 momentum 배로 줄이고 새 기울기를 (1 - dampening) 배로 더합니다.
        new_buf = momentum * buf + (1 - dampening) * grad
    # 학습률은 속도 안이 아니라 여기서 곱합니다.
    new_param = param - lr * new_buf
    return new_param, new_buf
''',
    cases=_momentum_cases,
    reference=_reference,
    outputs=("new_param", "new_buf"),
    mutable=("param", "buf"),
    mistakes=[
        Mistake("부호가 반대입니다: 파라미터를 속도 방향으로 더하고 있습니다. θ ← θ − η·v 입니다.",
                _mistake(lambda p, g, b, lr, mu, d: (p + lr * velocity(g, b, mu, d), velocity(g, b, mu, d)))),
        Mistake("학습률을 빠뜨렸습니다: 파라미터를 속도 v 만큼 통째로 움직였습니다. θ ← θ − η·v 입니다.",
                _mistake(lambda p, g, b, lr, mu, d: (p - velocity(g, b, mu, d), velocity(g, b, mu, d)))),
        Mistake("첫 스텝의 속도를 0에서 시작했거나(또는 첫 스텝에 dampening 을 적용했습니다). PyTorch 는 첫 스텝에 "
                "v = g 로, dampening 없이 시작합니다.",
                _mistake(lambda p, g, b, lr, mu, d: (p - lr * velocity(g, b, mu, d, damp_first=True),
                                                     velocity(g, b, mu, d, damp_first=True)))),
        Mistake("학습률을 속도(buf) 안에 넣었습니다. PyTorch 의 속도는 학습률 없이 기울기만 모으고, η 는 파라미터를 움직일 때 곱합니다.",
                _mistake(lambda p, g, b, lr, mu, d: (p - velocity(g, b, mu, d, scale=lr), velocity(g, b, mu, d, scale=lr)))),
        Mistake("dampening 을 무시했습니다. 두 번째 스텝부터 새 기울기에 (1 − dampening) 을 곱합니다.",
                _mistake(lambda p, g, b, lr, mu, d: (p - lr * velocity(g, b, mu, 0.0), velocity(g, b, mu, 0.0)))),
        Mistake("dampening 을 거꾸로 적용했습니다: 기울기에 dampening 이 아니라 (1 − dampening) 을 곱합니다.",
                _mistake(lambda p, g, b, lr, mu, d: (p - lr * velocity(g, b, mu, 1 - d), velocity(g, b, mu, 1 - d)))),
        Mistake("네스테로프 업데이트(g + μ·v)를 썼습니다. 헤비볼 모멘텀은 속도 v 그대로 움직입니다.",
                _mistake(lambda p, g, b, lr, mu, d: (p - lr * (g + mu * velocity(g, b, mu, d)), velocity(g, b, mu, d)))),
        Mistake("Sutskever 형태(v ← μv − ηg, θ ← θ + v)를 썼습니다. 이 문제는 PyTorch 형태입니다: 속도에 η 를 넣지 않습니다.",
                _mistake(lambda p, g, b, lr, mu, d: (p + (-lr * g if b is None else mu * b - lr * g),
                                                     -lr * g if b is None else mu * b - lr * g))),
    ],
)


_KAPPA = 100.0
_RATE = (math.sqrt(_KAPPA) - 1) / (math.sqrt(_KAPPA) + 1)
optimal_momentum = NumberExercise(
    id="optimal_momentum",
    title="최적 모멘텀",
    lab=LAB4,
    prompt=rf"""
조건수 $\kappa = L/\mu_{{\min}} = {_KAPPA:g}$ 인 이차 함수에 헤비볼 모멘텀(heavy-ball momentum)을 씁니다. 학습률과 모멘텀을 함께
최적으로 고를 때, 최적 모멘텀 $\mu^*$ 는 얼마인가요? 숫자 하나를 `answer` 에 넣으세요 (소수 셋째 자리 정도까지).
""",
    hints=[
        r"최적일 때 수렴 속도(한 스텝에 오차가 줄어드는 배율)는 $\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}$ 입니다.",
        r"최적 모멘텀은 그 수렴 속도와 같지 않고, 그것의 제곱입니다.",
        r"$\mu^* = \left(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\right)^2$",
    ],
    solution_code=f'''
import math

kappa = {_KAPPA:g}
# 최적 수렴 속도 (sqrt(kappa) - 1) / (sqrt(kappa) + 1) 의 제곱이 최적 모멘텀입니다.
answer = ((math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)) ** 2
''',
    answer=_RATE**2,
    rel_tol=5e-3,
    mistake_rel_tol=3e-3,
    mistakes=[
        NumberMistake(_RATE, "그것은 최적일 때의 수렴 속도 (√κ−1)/(√κ+1) 입니다. 최적 모멘텀은 그 값의 제곱입니다."),
        NumberMistake(0.9, "0.9 는 흔히 쓰는 기본값일 뿐, 이 조건수에서 최적인 값은 아닙니다."),
        NumberMistake(0.99, "1 − 1/κ 는 너무 큽니다. 최적 모멘텀은 √κ 로 정해집니다."),
        NumberMistake((_KAPPA - 1) / (_KAPPA + 1), "(κ−1)/(κ+1) 은 모멘텀 없는 경사 하강법의 최적 수렴 속도입니다. 모멘텀은 κ 대신 √κ 를 씁니다."),
        NumberMistake(((_KAPPA - 1) / (_KAPPA + 1)) ** 2, "κ 대신 √κ 를 써야 합니다: 모멘텀이 조건수를 제곱근으로 줄여 주는 것이 요점입니다."),
        NumberMistake(1 / math.sqrt(_KAPPA), "1/√κ 는 너무 작습니다. 식 (√κ−1)/(√κ+1) 에서 출발하세요."),
    ],
    success="모멘텀은 수렴 속도를 κ 가 아니라 √κ 의 함수로 바꿉니다.",
)


def _effective_cases() -> list[Case]:
    rows = [(0.1, 0.9), (0.01, 0.5), (0.05, 0.99), (0.2, 0.0), (0.3, 0.8)]
    return [Case(r, f"lr={r[0]}, momentum={r[1]}") for r in rows]


effective_step = FunctionExercise(
    id="effective_step",
    title="모멘텀의 유효 보폭",
    lab=LAB4,
    signature="effective_step(lr, momentum)",
    prompt=r"""
기울기 $g$ 가 계속 같으면 속도 $v \leftarrow \mu v + g$ 는 어떤 값에 수렴하고, 파라미터는 매 스텝 $\eta v$ 만큼
움직입니다. 이때 한 스텝의 이동이 $\eta_{\text{eff}}\, g$ 라고 할 때 **유효 보폭**(effective step size) $\eta_{\text{eff}}$ 를
float 로 반환하세요.
""",
    hints=[
        r"정상 상태에서는 $v$ 가 더 이상 변하지 않습니다: $v = \mu v + g$.",
        r"$v = \mu v + g$ 를 $v$ 에 대해 풀면 $v = g / (1-\mu)$ 입니다.",
        r"`return lr / (1 - momentum)`",
    ],
    solution_code='''
def effective_step(lr, momentum):
    # 정상 상태 v = momentum * v + g 를 풀면 v = g / (1 - momentum).
    # 한 스텝의 이동 lr * v 는 lr / (1 - momentum) 배의 기울기입니다.
    return lr / (1 - momentum)
''',
    cases=_effective_cases,
    reference=lambda lr, mu: lr / (1 - mu),
    outputs=("effective_lr",),
    kinds=("float",),
    rtol=1e-9,
    atol=1e-12,
    mistakes=[
        Mistake("(1 − μ) 로 나누지 않고 곱했습니다. 모멘텀은 스텝을 키웁니다(μ=0.9 이면 10배).",
                lambda lr, mu: lr * (1 - mu)),
        Mistake("(1 + μ) 로 나눴습니다. 정상 상태 v = μv + g 를 다시 풀어 보세요.",
                lambda lr, mu: lr / (1 + mu)),
        Mistake("μ 를 곱하기만 했습니다. 속도에는 지난 기울기가 기하급수 1 + μ + μ² + … 로 쌓입니다.",
                lambda lr, mu: lr * mu),
        Mistake("(1 + μ) 배는 두 스텝까지만 더한 값입니다. 무한히 쌓인 합 1 + μ + μ² + … 을 구하세요.",
                lambda lr, mu: lr * (1 + mu)),
        Mistake("(1 − μ) 로 두 번 나눴습니다. 기하급수의 합은 1/(1 − μ) 입니다.",
                lambda lr, mu: lr / (1 - mu) ** 2),
        Mistake("1 − μ² 로 나눴습니다. 기하급수 1 + μ + μ² + … 의 합은 1/(1 − μ) 입니다.",
                lambda lr, mu: lr / (1 - mu**2)),
    ],
)

EXERCISES = [momentum_step, optimal_momentum, effective_step]
