"""Exercises on weight decay: coupled L2, parameter groups without decay, decoupled decay (lab 06)."""

from __future__ import annotations

import torch
from torch import nn

from .core import Case, FunctionExercise, Mistake, seeded, randn
from ..param_groups import split_decay_params as core_split_decay_params
from .reference import torch_sgd_step, velocity

LAB6 = "06_weight_decay.ipynb"


def _wd_cases() -> list[Case]:
    g = seeded(606)
    rows = [((5,), 0.1, 0.01), ((3, 4), 0.05, 0.1), ((6,), 0.5, 0.3), ((2, 3, 2), 0.2, 0.05)]
    return [Case((randn(g, *s), randn(g, *s), lr, wd), f"param 모양 {s}, lr={lr}, weight_decay={wd}")
            for s, lr, wd in rows]


weight_decay_step = FunctionExercise(
    id="weight_decay_step",
    title="L2 가중치 감쇠가 들어간 SGD 한 스텝",
    lab=LAB6,
    signature="weight_decay_step(param, grad, lr, weight_decay)",
    prompt=r"""
`torch.optim.SGD(weight_decay=λ)` (모멘텀 없음) 의 한 스텝을 구현하세요. PyTorch 는 가중치 감쇠를 기울기에
더합니다(coupled L2): $\theta \leftarrow \theta - \eta\,(g + \lambda\theta)$.
새 파라미터 텐서를 반환하세요. `grad` 는 바꾸면 안 됩니다.
""",
    hints=[
        r"L2 규제 $\frac{\lambda}{2}\|\theta\|^2$ 의 기울기는 $\lambda\theta$ 입니다. 그것을 손실의 기울기에 더합니다.",
        r"기울기에 $\lambda\theta$ 를 더한 뒤, 보통의 SGD 스텝처럼 학습률을 곱해 뺍니다.",
        "`return param - lr * (grad + weight_decay * param)`",
    ],
    solution_code='''
def weight_decay_step(param, grad, lr, weight_decay):
    # L2 항의 기울기 weight_decay * param 을 손실의 기울기에 더합니다 (PyTorch SGD 와 같은 coupled 방식).
    total_grad = grad + weight_decay * param
    return param - lr * total_grad
''',
    cases=_wd_cases,
    reference=lambda p, g, lr, wd: torch_sgd_step(p, g, None, lr, weight_decay=wd)[0],
    outputs=("new_param",),
    mutable=("param",),
    mistakes=[
        Mistake("가중치 감쇠를 빠뜨렸습니다: 보통의 SGD 스텝입니다. 기울기에 λθ 를 더하세요.",
                lambda p, g, lr, wd: p - lr * g),
        Mistake("감쇠 항의 부호가 반대입니다: 가중치를 0 쪽으로 당기지 않고 밀어내고 있습니다. g + λθ 입니다.",
                lambda p, g, lr, wd: p - lr * (g - wd * p)),
        Mistake("감쇠 항에 학습률을 곱하지 않았습니다(θ − ηg − λθ). coupled L2 는 λθ 를 기울기에 더한 뒤 함께 η 를 곱합니다.",
                lambda p, g, lr, wd: p - lr * g - wd * p),
        Mistake("전체 부호가 반대입니다: 손실이 커지는 방향으로 움직입니다.",
                lambda p, g, lr, wd: p + lr * (g + wd * p)),
        Mistake("감쇠를 파라미터가 아니라 기울기에 비례하게 했습니다(λg). L2 항의 기울기는 λθ 입니다.",
                lambda p, g, lr, wd: p - lr * (g + wd * g)),
        Mistake("λθ 대신 λθ² 을 썼습니다. L2 규제 (λ/2)‖θ‖² 의 기울기는 λθ 입니다.",
                lambda p, g, lr, wd: p - lr * (g + wd * p * p)),
    ],
)


# --- parameter groups ------------------------------------------------------------------------------------


class _Proj(nn.Module):
    """A module whose `bias` is 2-D: only the name rule puts it in no_decay."""

    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(4, 3))
        self.bias = nn.Parameter(torch.zeros(2, 4))


class _TinyCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.bn = nn.BatchNorm2d(4)
        self.embed = nn.Embedding(10, 4)
        self.embed.weight.requires_grad_(False)  # frozen, 2-D
        self.frozen_norm = nn.LayerNorm(4)
        self.frozen_norm.requires_grad_(False)  # frozen, 1-D
        self.proj = _Proj()
        self.head = nn.Linear(4, 2, bias=False)
        self.temperature = nn.Parameter(torch.ones(()))  # 0-D scalar


def _models() -> list[Case]:
    torch_state = torch.random.get_rng_state()
    try:  # module initialisers use the global RNG: restore it so grading leaves the learner's RNG alone
        torch.manual_seed(0)
        first = _TinyCNN()
        second = nn.Sequential(nn.Linear(5, 8), nn.LayerNorm(8), nn.ReLU(), nn.Linear(8, 3))
        second[0].requires_grad_(False)
    finally:
        torch.random.set_rng_state(torch_state)
    return [
        Case((first,), "conv + batchnorm + 얼린 embedding/layernorm + 2차원 bias + 스칼라 파라미터가 있는 작은 CNN"),
        Case((second,), "첫 Linear 를 얼린 nn.Sequential(Linear, LayerNorm, ReLU, Linear)"),
    ]


def _is_no_decay(name: str, p: torch.Tensor) -> bool:
    return p.ndim <= 1 or name.endswith(".bias")


def _split(model, trainable_only=True, rule=_is_no_decay):
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if trainable_only and not p.requires_grad:
            continue
        (no_decay if rule(name, p) else decay).append(p)
    return decay, no_decay


split_decay_params = FunctionExercise(
    id="split_decay_params",
    title="가중치 감쇠를 뺄 파라미터 고르기",
    lab=LAB6,
    signature="split_decay_params(model)",
    prompt=r"""
`model` 의 파라미터를 가중치 감쇠를 줄 것(`decay`)과 주지 않을 것(`no_decay`) 두 리스트로 나누어
`(decay, no_decay)` 튜플로 반환하세요.

- `no_decay`: 차원이 1 이하(`p.ndim <= 1`: bias, BatchNorm/LayerNorm 의 weight, 스칼라)이거나, 이름이 `.bias` 로 끝나는 파라미터
- `decay`: 나머지
- 얼린 파라미터(`requires_grad=False`)는 **어느 쪽에도** 넣지 않습니다.

리스트에는 이름이 아니라 파라미터 객체를 넣으세요. 순서는 상관없습니다.
""",
    hints=[
        "`for name, p in model.named_parameters():` 로 이름과 파라미터를 함께 돌면서 두 리스트에 나눠 담습니다.",
        "세 가지를 확인합니다: `p.requires_grad` (아니면 건너뜀), `p.ndim <= 1`, `name.endswith('.bias')`.",
        "`if not p.requires_grad: continue` 다음, `(no_decay if p.ndim <= 1 or name.endswith('.bias') else decay).append(p)`.",
    ],
    solution_code='''
def split_decay_params(model):
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if not p.requires_grad:
            # 얼린 파라미터는 옵티마이저에 넘기지 않습니다.
            continue
        if p.ndim <= 1 or name.endswith(".bias"):
            # bias, 정규화 층의 weight, 스칼라: 0 쪽으로 당길 이유가 없어 감쇠하지 않습니다.
            no_decay.append(p)
        else:
            decay.append(p)
    return decay, no_decay
''',
    cases=_models,
    reference=core_split_decay_params,
    outputs=("decay", "no_decay"),
    kinds=("params", "params"),
    mistakes=[
        Mistake("bias 와 정규화 층(norm) 파라미터에도 가중치 감쇠를 주고 있습니다: 모든 파라미터가 decay 에 들어 있습니다.",
                lambda m: (_split(m, rule=lambda n, p: False)[0], [])),
        Mistake("얼린 파라미터(requires_grad=False)까지 넣었습니다. 학습하지 않는 파라미터는 어느 쪽에도 넣지 않습니다.",
                lambda m: _split(m, trainable_only=False)),
        Mistake("이름이 .bias 인 것만 뺐습니다. BatchNorm/LayerNorm 의 weight 같은 1차원 파라미터도 감쇠하지 않습니다 (p.ndim <= 1).",
                lambda m: _split(m, rule=lambda n, p: n.endswith(".bias"))),
        Mistake("차원만 봤습니다. 이름이 .bias 로 끝나면 2차원 이상이어도 no_decay 입니다.",
                lambda m: _split(m, rule=lambda n, p: p.ndim <= 1)),
        Mistake("decay 와 no_decay 가 뒤바뀌었습니다. 튜플의 첫째가 감쇠를 *줄* 파라미터입니다.",
                lambda m: _split(m)[::-1]),
    ],
)


# --- decoupled decay (SGDW) --------------------------------------------------------------------------------


def _sgdw_cases() -> list[Case]:
    g = seeded(616)
    rows = [((5,), True, 0.1, 0.9, 0.1), ((3, 4), False, 0.05, 0.9, 0.5), ((6,), False, 0.2, 0.5, 0.05),
            ((2, 3), True, 0.3, 0.8, 0.2)]
    cases = []
    for shape, first, lr, mu, wd in rows:
        p, grad = randn(g, *shape), randn(g, *shape)
        buf = None if first else randn(g, *shape)
        desc = (f"param 모양 {shape}, buf={'None(첫 스텝)' if first else '텐서'}, lr={lr}, momentum={mu}, "
                f"weight_decay={wd}")
        cases.append(Case((p, grad, buf, lr, mu, wd), desc))
    return cases


def _sgdw(p, g, buf, lr, mu, wd):
    v = velocity(g, buf, mu)
    return p - lr * v - lr * wd * p, v


decoupled_decay_step = FunctionExercise(
    id="decoupled_decay_step",
    title="분리된 가중치 감쇠 (SGDW) 한 스텝",
    lab=LAB6,
    signature="decoupled_decay_step(param, grad, buf, lr, momentum, weight_decay)",
    prompt=r"""
분리된(decoupled) 가중치 감쇠를 쓰는 모멘텀 SGD(SGDW)의 한 스텝을 구현하세요.

1. 속도는 **감쇠 없이** 원래 기울기로만 업데이트합니다 (PyTorch 관례): `buf` 가 `None` 이면 $v \leftarrow g$, 아니면 $v \leftarrow \mu v + g$
2. 파라미터: $\theta \leftarrow \theta - \eta v - \eta\lambda\theta$ (감쇠 항의 $\theta$ 는 스텝 **전**의 값)

`(new_param, new_buf)` 튜플을 반환하세요. `grad` 는 바꾸면 안 됩니다.
""",
    hints=[
        "coupled L2 와의 차이는 한 가지입니다: λθ 가 속도(buf) 안으로 들어가지 않습니다.",
        "속도는 momentum_step 과 똑같이 구하고, 파라미터를 움직일 때 η·λ·θ 를 따로 한 번 더 뺍니다.",
        "`new_buf = grad.clone() if buf is None else momentum * buf + grad`, "
        "`new_param = param - lr * new_buf - lr * weight_decay * param`",
    ],
    solution_code='''
def decoupled_decay_step(param, grad, buf, lr, momentum, weight_decay):
    # 1) 속도는 원래 기울기로만 업데이트합니다: 감쇠가 모멘텀에 섞이지 않는 것이 "분리"의 뜻입니다.
    new_buf = grad.clone() if buf is None else momentum * buf + grad
    # 2) 감쇠는 스텝 전의 param 으로, 파라미터에 직접 적용합니다.
    new_param = param - lr * new_buf - lr * weight_decay * param
    return new_param, new_buf
''',
    cases=_sgdw_cases,
    reference=_sgdw,
    outputs=("new_param", "new_buf"),
    mutable=("param", "buf"),
    mistakes=[
        Mistake("coupled L2 를 구현했습니다: λθ 를 기울기에 더해 속도(buf) 안에 넣었습니다. 분리된 감쇠는 속도 밖에서 파라미터에 직접 적용합니다.",
                lambda p, g, b, lr, mu, wd: (p - lr * velocity(g + wd * p, b, mu), velocity(g + wd * p, b, mu))),
        Mistake("가중치 감쇠를 빠뜨렸습니다: 보통의 모멘텀 스텝입니다. η·λ·θ 를 더 빼세요.",
                lambda p, g, b, lr, mu, wd: (p - lr * velocity(g, b, mu), velocity(g, b, mu))),
        Mistake("감쇠를 스텝 *뒤*의 θ 에 적용했습니다. 감쇠 항의 θ 는 스텝 전의 값입니다.",
                lambda p, g, b, lr, mu, wd: ((p - lr * velocity(g, b, mu)) * (1 - lr * wd), velocity(g, b, mu))),
        Mistake("감쇠 항에 학습률을 곱하지 않았습니다(θ − ηv − λθ). 이 문제의 식은 η·λ·θ 입니다.",
                lambda p, g, b, lr, mu, wd: (p - lr * velocity(g, b, mu) - wd * p, velocity(g, b, mu))),
        Mistake("감쇠 항의 부호가 반대입니다: 가중치를 0 쪽으로 당겨야 합니다.",
                lambda p, g, b, lr, mu, wd: (p - lr * velocity(g, b, mu) + lr * wd * p, velocity(g, b, mu))),
        Mistake("학습률을 속도(buf) 안에 넣었습니다. PyTorch 관례의 속도는 기울기만 모읍니다.",
                lambda p, g, b, lr, mu, wd: (p - (lr * g if b is None else mu * b + lr * g) - lr * wd * p,
                                             lr * g if b is None else mu * b + lr * g)),
    ],
)

EXERCISES = [weight_decay_step, split_decay_params, decoupled_decay_step]
