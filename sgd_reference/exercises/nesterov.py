"""Exercises on Nesterov momentum: PyTorch's form and the look-ahead (Sutskever) form (lab 05)."""

from __future__ import annotations

from .core import Case, FunctionExercise, Mistake, seeded, randn
from .reference import torch_sgd_step, velocity

LAB5 = "05_nesterov.ipynb"


def _nesterov_cases() -> list[Case]:
    g = seeded(505)
    rows = [((5,), True, 0.1, 0.9), ((3, 4), False, 0.05, 0.9), ((6,), False, 0.2, 0.5), ((2, 2, 2), False, 0.1, 0.99)]
    cases = []
    for shape, first, lr, mu in rows:
        p, grad = randn(g, *shape), randn(g, *shape)
        buf = None if first else randn(g, *shape)
        desc = f"param 모양 {shape}, buf={'None(첫 스텝)' if first else '텐서'}, lr={lr}, momentum={mu}"
        cases.append(Case((p, grad, buf, lr, mu), desc))
    return cases


def _sutskever(p, g, buf, lr, mu):
    v = -lr * g if buf is None else mu * buf - lr * g
    return p + v, v


nesterov_step = FunctionExercise(
    id="nesterov_step",
    title="네스테로프 모멘텀 한 스텝 (PyTorch 형태)",
    lab=LAB5,
    signature="nesterov_step(param, grad, buf, lr, momentum)",
    prompt=r"""
`torch.optim.SGD(momentum=μ, nesterov=True)` (dampening 0) 의 한 스텝을 구현하세요.

- 속도: 첫 스텝(`buf` 가 `None`)이면 $v \leftarrow g$, 아니면 $v \leftarrow \mu v + g$
- 파라미터: $\theta \leftarrow \theta - \eta\,(g + \mu v)$ (업데이트된 $v$ 를 씁니다)

`(new_param, new_buf)` 튜플을 반환하세요. `grad` 는 바꾸면 안 됩니다.
""",
    hints=[
        "헤비볼 모멘텀과 속도 업데이트는 같습니다. 다른 것은 파라미터를 움직이는 방향입니다.",
        "네스테로프는 속도 v 대신 '기울기 + μ × (업데이트된) 속도' 방향으로 움직입니다. 학습률은 속도에 넣지 않습니다.",
        "`new_buf = grad.clone() if buf is None else momentum * buf + grad`, "
        "`new_param = param - lr * (grad + momentum * new_buf)`",
    ],
    solution_code='''
def nesterov_step(param, grad, buf, lr, momentum):
    # 속도 업데이트는 헤비볼 모멘텀과 같습니다 (첫 스텝은 기울기 그대로).
    new_buf = grad.clone() if buf is None else momentum * buf + grad
    # 네스테로프: 업데이트된 속도를 한 번 더 앞서 본 방향 g + momentum * v 로 움직입니다.
    new_param = param - lr * (grad + momentum * new_buf)
    return new_param, new_buf
''',
    cases=_nesterov_cases,
    reference=lambda p, g, buf, lr, mu: torch_sgd_step(p, g, buf, lr, momentum=mu, nesterov=True),
    outputs=("new_param", "new_buf"),
    mutable=("param", "buf"),
    mistakes=[
        Mistake("헤비볼 모멘텀의 업데이트 θ ← θ − η·v 를 썼습니다. 네스테로프는 g + μ·v 방향으로 움직입니다.",
                lambda p, g, b, lr, mu: (p - lr * velocity(g, b, mu), velocity(g, b, mu))),
        Mistake("Sutskever(앞서 보기) 형태 v ← μv − ηg, θ ← θ + v 를 썼습니다. 이 문제는 PyTorch 형태입니다: "
                "속도에 학습률을 넣지 않고, θ ← θ − η(g + μv) 로 움직입니다.",
                _sutskever),
        Mistake("부호가 반대입니다: 손실이 커지는 방향으로 움직였습니다.",
                lambda p, g, b, lr, mu: (p + lr * (g + mu * velocity(g, b, mu)), velocity(g, b, mu))),
        Mistake("학습률을 빠뜨렸습니다. 파라미터는 η(g + μv) 만큼 움직입니다.",
                lambda p, g, b, lr, mu: (p - (g + mu * velocity(g, b, mu)), velocity(g, b, mu))),
        Mistake("학습률을 속도(buf) 안에 넣었습니다. PyTorch 의 속도는 기울기만 모읍니다.",
                lambda p, g, b, lr, mu: (p - (lr * g + mu * velocity(g, b, mu, scale=lr)), velocity(g, b, mu, scale=lr))),
    ],
)


def _lookahead_cases() -> list[Case]:
    g = seeded(515)
    rows = [((5,), 0.1, 0.9), ((3, 4), 0.05, 0.5), ((6,), 0.3, 0.99), ((2, 3), 1.0, 0.8)]
    return [Case((randn(g, *s), randn(g, *s), lr, mu), f"param 모양 {s}, lr={lr}, momentum={mu}")
            for s, lr, mu in rows]


nesterov_lookahead = FunctionExercise(
    id="nesterov_lookahead",
    title="네스테로프가 기울기를 재는 곳",
    lab=LAB5,
    signature="nesterov_lookahead(param, buf, lr, momentum)",
    prompt=r"""
앞서 보기(look-ahead, Sutskever) 형태의 네스테로프 모멘텀은 지금 위치 $\theta$ 가 아니라, 속도를 따라 한 발 먼저 가 본
곳에서 기울기를 잽니다. 속도 `buf` 가 PyTorch 관례(학습률을 곱하기 전의 속도 $v$)일 때, 그 앞서 본 지점
$\tilde\theta$ 를 텐서로 반환하세요. `param`, `buf` 는 바꾸지 마세요.
""",
    hints=[
        "기울기 없이 속도만으로 다음 스텝에 움직일 양은 '학습률 × 모멘텀 × 속도' 입니다.",
        "파라미터는 속도의 반대 방향(θ ← θ − ηv)으로 움직입니다. 앞서 보기도 같은 방향입니다.",
        r"$\tilde\theta = \theta - \eta\,\mu\, v$: `param - lr * momentum * buf`",
    ],
    solution_code='''
def nesterov_lookahead(param, buf, lr, momentum):
    # 기울기 없이 속도만으로 갈 다음 위치: 속도를 momentum 배로 줄여 학습률만큼, 파라미터가 움직이는 방향(-)으로.
    return param - lr * momentum * buf
''',
    cases=_lookahead_cases,
    reference=lambda p, v, lr, mu: p - lr * mu * v,
    outputs=("lookahead",),
    mistakes=[
        Mistake("부호가 반대입니다: 파라미터가 움직이는 방향(θ − ηv)의 반대쪽을 앞서 봤습니다.",
                lambda p, v, lr, mu: p + lr * mu * v),
        Mistake("학습률을 빠뜨렸습니다. PyTorch 관례의 속도에는 학습률이 들어 있지 않으므로 η 를 곱해야 합니다.",
                lambda p, v, lr, mu: p - mu * v),
        Mistake("모멘텀을 빠뜨렸습니다. 다음 스텝으로 이어지는 속도는 μv 입니다.",
                lambda p, v, lr, mu: p - lr * v),
        Mistake("이동량(−ημv)만 반환했습니다. 지금 위치 θ 에 더한 점을 반환하세요.",
                lambda p, v, lr, mu: -lr * mu * v),
        Mistake("지금 위치 θ 를 그대로 반환했습니다. 그것은 헤비볼 모멘텀이 기울기를 재는 곳입니다.",
                lambda p, v, lr, mu: p),
    ],
)

EXERCISES = [nesterov_step, nesterov_lookahead]
